"""The checks file: the real one is valid, a broken one is rejected with file, check and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from impresarc.quality.config import (
    CATEGORIES,
    LEVELS,
    SEVERITIES,
    SUBCATEGORIES,
    ChecksConfigError,
    load_checks,
)
from impresarc.quality.plan import harmonized_instances, raw_instances

VALID_CHECK = {
    "id": "hz_age_range",
    "layer": "harmonized",
    "relation": "marts.patients",
    "field": "age_at_ici_start",
    "title": "Age plausible",
    "description": "Age between 18 and 100.",
    "category": "plausibility",
    "subcategory": "verification",
    "level": "value",
    "severity": "error",
    "threshold": 0,
    "expectation": "expect_column_values_to_be_between",
    "kwargs": {"min_value": 18, "max_value": 100},
}


def write_checks(tmp_path: Path, *checks: dict) -> Path:
    path = tmp_path / "checks.yml"
    path.write_text(yaml.safe_dump({"checks": list(checks)}, allow_unicode=True), "utf-8")
    return path


def test_the_project_checks_file_is_valid_and_fully_described():
    config = load_checks()
    ids = [check.id for check in config.checks]
    assert len(ids) == len(set(ids)) and len(ids) >= 30
    for check in config.checks:
        assert check.category in CATEGORIES and check.subcategory in SUBCATEGORIES
        assert check.level in LEVELS and check.severity in SEVERITIES
        assert 0 <= check.threshold <= 100
        assert check.title and check.description
    layers = {check.layer for check in config.checks}
    assert layers == {"raw", "harmonized"}
    assert {check.severity for check in config.checks} == set(SEVERITIES)


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"severity": "blocking"}, "severity", "not one of"),
        ({"threshold": 150}, "threshold", "percentage"),
        ({"category": "accuracy"}, "category", "not one of"),
        ({"colour": "red"}, "colour", "unknown key"),
        ({"expectation": "expect_magic"}, "expectation", "not one of"),
        ({"overrides": [{"center": "ref", "threshold": -1}]}, "overrides[1].threshold", "0"),
        ({"overrides": [{"center": "ref"}]}, "overrides[1]", "sets nothing"),
        ({"where": {"test": {"above": 3}}}, "where.test", "not_in"),
    ],
)
def test_an_invalid_entry_names_the_file_the_check_and_the_key(tmp_path, change, key, words):
    path = write_checks(tmp_path, {**VALID_CHECK, **change})
    with pytest.raises(ChecksConfigError) as raised:
        load_checks(path)
    message = str(raised.value)
    assert f"{path}: check 'hz_age_range': key '{key}'" in message
    assert words in message


def test_missing_keys_and_duplicate_ids_are_all_reported_at_once(tmp_path):
    incomplete = {k: v for k, v in VALID_CHECK.items() if k not in ("severity", "threshold")}
    path = write_checks(tmp_path, VALID_CHECK, VALID_CHECK, {**incomplete, "id": "other"})
    with pytest.raises(ChecksConfigError) as raised:
        load_checks(path)
    message = str(raised.value)
    assert "check 'hz_age_range': key 'id': duplicate check id" in message
    assert "check 'other': key 'severity': missing" in message
    assert "check 'other': key 'threshold': missing" in message


def test_unreadable_yaml_is_reported_with_the_file(tmp_path):
    path = tmp_path / "checks.yml"
    path.write_text("checks: [unclosed", "utf-8")
    with pytest.raises(ChecksConfigError, match=str(path)):
        load_checks(path)


def test_overrides_match_center_and_field_by_name_list_or_glob(tmp_path):
    check = {
        **VALID_CHECK,
        "overrides": [
            {"center": ["legacy", "wide"], "threshold": 5},
            {"center": "legacy", "field": "age_*", "severity": "warning"},
            {"center": "ref", "enabled": False},
        ],
    }
    config = load_checks(write_checks(tmp_path, check))
    definition = config.get("hz_age_range")
    legacy = definition.resolved("legacy", "marts.patients", "age_at_ici_start")
    assert (legacy.threshold, legacy.severity, legacy.enabled) == (5, "warning", True)
    wide = definition.resolved("wide", "marts.patients", "age_at_ici_start")
    assert (wide.threshold, wide.severity) == (5, "error")
    assert harmonized_instances(config, "ref", {}) == []
    (instance,) = harmonized_instances(config, "legacy", {})
    assert instance.kwargs["column"] == "age_at_ici_start" and instance.center_filter


def test_raw_templates_expand_over_the_center_spec_and_its_repeated_groups():
    from flows.ingest.spec import load_spec
    from impresarc import settings

    config = load_checks()
    spec = load_spec(settings.CENTER_SPECS_DIR / "wide.yml")
    catalog = {"raw_wide.patients": ["patient_ref", "trt_1_start", "trt_2_start", "_source_line"]}
    instances = raw_instances(config, "wide", spec, catalog)
    by_check: dict[str, set] = {}
    for instance in instances:
        by_check.setdefault(instance.check.id, set()).add(instance.field_name)
    assert "patient_ref" in by_check["raw_required_column_present"]
    assert {"trt_1_start", "trt_2_start", "birth_date"} <= by_check["raw_date_parseable"]
    assert "patient_ref" not in by_check["raw_date_parseable"]
    assert by_check["raw_table_present"] == {None}
    assert all(i.label == "patients_wide.csv" for i in instances)
