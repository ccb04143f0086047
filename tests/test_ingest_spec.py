"""Center specs are validated on load; the extracts folder is checked against them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.ingest import (
    DEFAULT_SPEC_DIR,
    ExtractsFolderError,
    SpecError,
    check_extracts_folder,
    load_spec,
    load_specs,
)

CENTER_IDS = {"ref", "frcsv", "xlsx", "wide", "shifted", "legacy"}
MINIMAL = """
tables:
  labs:
    file: labs.csv
    columns:
      required: [patient_id]
"""


def write_spec(folder: Path, center_id: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{center_id}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    return caught.value.problems


def test_the_six_demo_specs_are_valid():
    specs = load_specs(DEFAULT_SPEC_DIR)
    assert set(specs) == CENTER_IDS
    assert specs["frcsv"].tables["labs"].encoding == "cp1252"
    assert specs["frcsv"].tables["labs"].decimal_mark == ","
    assert specs["shifted"].tables["labs"].delimiter == "\t"
    assert specs["xlsx"].tables["adverse_events"].sheet == "Effets indésirables"
    assert specs["legacy"].tables["patients"].missing_values == ("", "NA", "?", "inconnu")
    assert specs["wide"].tables["patients"].columns.is_expected("lab_12_neutrophils_pct")
    assert not specs["wide"].tables["patients"].columns.is_expected("lab_x_neutrophils_pct")


def test_wrong_type_names_file_and_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_spec(Path("flows/centers"), "frcsv", MINIMAL + "    delimiter: 12\n")
    assert problems_of(path) == [
        "flows/centers/frcsv.yml: tables.labs.delimiter: expected a string of length 1, got 12"
    ]


def test_unknown_key_suggests_the_close_one(tmp_path):
    path = write_spec(tmp_path, "ref", MINIMAL + "    delimitr: ';'\n")
    (problem,) = problems_of(path)
    assert problem.endswith(
        "tables.labs.delimitr: unknown key (did you mean 'delimiter'?); "
        "allowed keys: file, sheet, description, columns, format, encoding, "
        "delimiter, quote, decimal_mark, header_row, missing_values, "
        "max_quarantined_fraction"
    )


def test_missing_fields_are_all_reported(tmp_path):
    path = write_spec(tmp_path, "ref", "tables:\n  labs:\n    delimiter: ';'\n")
    problems = problems_of(path)
    assert any(p.endswith("tables.labs.file: missing required key") for p in problems)
    assert any(p.endswith("tables.labs.columns: missing required key") for p in problems)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "    format: parquet\n",
            "tables.labs.format: expected one of 'csv', 'xlsx', got 'parquet'",
        ),
        ("    encoding: klingon\n", "tables.labs.encoding: unknown encoding 'klingon'"),
        ("    header_row: 0\n", "tables.labs.header_row: expected an integer >= 1, got 0"),
        ("    header_row: yes\n", "tables.labs.header_row: expected an integer, got True (YAML"),
        ("    decimal_mark: ';'\n", "tables.labs.decimal_mark: expected one of '.', ',', got ';'"),
        ("    quote: \"''\"\n", "tables.labs.quote: expected a string of at most 1 character"),
        ("    sheet: Labs\n", "tables.labs.sheet: only used with format xlsx"),
        ("    format: xlsx\n", "tables.labs.sheet: missing required key (format is xlsx)"),
        ("    missing_values: NA\n", "tables.labs.missing_values: expected a list of strings"),
        ("    max_quarantined_fraction: 2\n", "tables.labs.max_quarantined_fraction: expected a"),
        ("    file: ../other/labs.csv\n", "tables.labs.file: must be a file name inside"),
    ],
)
def test_bad_values_are_named(tmp_path, extra, expected):
    text = (
        MINIMAL.replace("    file: labs.csv\n", "") if extra.strip().startswith("file") else MINIMAL
    )
    path = write_spec(tmp_path, "ref", text + extra)
    problems = problems_of(path)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(path)) or p.startswith(os.path.relpath(path)) for p in problems)


def test_unknown_table_center_id_mismatch_and_bad_regex(tmp_path):
    text = (
        "center_id: other\n"
        "tables:\n"
        "  lab_results:\n    file: x.csv\n    columns: {required: [a]}\n"
        "  labs:\n    file: labs.csv\n    columns: {required: [a], patterns: ['lab_(']}\n"
    )
    problems = problems_of(write_spec(tmp_path, "ref", text))
    joined = "\n".join(problems)
    assert "center_id: must match the file name 'ref', got 'other'" in joined
    assert "tables.lab_results: unknown logical table" in joined
    assert "tables.labs.columns.patterns[0]: not a valid regular expression" in joined


def test_invalid_yaml_reports_the_position(tmp_path):
    path = write_spec(tmp_path, "ref", "tables:\n  labs: [unclosed\n")
    (problem,) = problems_of(path)
    assert "not valid YAML at line" in problem


def test_defaults_block_applies_and_a_bad_default_is_reported_once(tmp_path):
    text = "defaults:\n  delimiter: ';'\n  encoding: cp1252\n" + MINIMAL
    spec = load_spec(write_spec(tmp_path, "ref", text))
    assert (spec.tables["labs"].delimiter, spec.tables["labs"].encoding) == (";", "cp1252")
    text = (
        "defaults:\n  delimiter: ';;'\n" + MINIMAL + "  patients:\n    file: p.csv\n"
        "    columns: {required: [a]}\n"
    )
    problems = problems_of(write_spec(tmp_path, "ref", text))
    assert problems == [
        f"{tmp_path}/ref.yml: defaults.delimiter: expected a string of length 1, got ';;'"
    ]


def test_invalid_spec_is_collected_and_the_others_still_load(tmp_path):
    write_spec(tmp_path, "good", MINIMAL)
    write_spec(tmp_path, "bad", MINIMAL + "    delimiter: 12\n")
    invalid: list[SpecError] = []
    specs = load_specs(tmp_path, invalid=invalid)
    assert list(specs) == ["good"]
    assert [error.center_id for error in invalid] == ["bad"]
    with pytest.raises(SpecError, match="bad.yml: tables.labs.delimiter"):
        load_specs(tmp_path)


def test_fingerprint_changes_with_reading_rules_only(tmp_path):
    first = load_spec(write_spec(tmp_path, "ref", MINIMAL)).tables["labs"].fingerprint()
    described = MINIMAL + "    description: the lab results\n"
    same = load_spec(write_spec(tmp_path, "ref", described)).tables["labs"].fingerprint()
    other = load_spec(write_spec(tmp_path, "ref", MINIMAL + "    delimiter: ';'\n"))
    assert first == same != other.tables["labs"].fingerprint()


def test_extracts_folder_missing_and_unknown_centers(tmp_path):
    specs = load_specs(DEFAULT_SPEC_DIR)
    centers = tmp_path / "out" / "centers"
    for name in ("ref", "frcsv", "xlsx", "wide", "shifted", "newcenter"):
        (centers / name).mkdir(parents=True)
    check = check_extracts_folder(tmp_path / "out", specs)  # the parent of centers/ works too
    assert check.extracts_dir == centers
    assert check.missing == ["legacy"] and check.unknown == ["newcenter"]
    assert not check.ok
    assert set(check.center_dirs) == CENTER_IDS - {"legacy"}
    assert "legacy: configured center has no folder in" in check.problems["legacy"]
    (warning,) = check.warnings
    assert "matches no center spec" in warning and "flows/centers/newcenter.yml" in warning
    # a center whose spec is invalid is not reported a second time as an unknown folder
    assert check_extracts_folder(centers, specs, also_known=["newcenter"]).unknown == []


def test_extracts_folder_that_does_not_exist(tmp_path):
    with pytest.raises(ExtractsFolderError, match="extracts folder not found"):
        check_extracts_folder(tmp_path / "nowhere", {})
