"""The warehouse's endpoints agree with the planted truth, patient by patient.

For a synthetic cohort: generate -> load the raw layer (flows.ingest) -> `dbt build` (models,
seeds, generic, singular and unit tests) -> compare `marts.analysis_dataset` and
`marts.exclusions` with `truth/patients.csv`, joined on (center_id, source_patient_id) through
the crosswalk `intermediate.int_patient_crosswalk`.

The default cohort (272 patients, seed 20250101) runs in the default suite; a 2,000-patient
cohort with another seed is marked slow.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import shutil

import duckdb
import pandas as pd
import pytest

from tests.dbt_fixtures import DEMO_PSEUDONYM_KEY, BuiltCohort, build_cohort, run_dbt

KEY = ["center_id", "source_patient_id"]
ENDPOINTS = [
    "bor",
    "bor_confirmed",
    "is_responder",
    "is_disease_control",
    "pfs_days",
    "pfs_event",
    "os_days",
    "os_event",
    "dnlr",
    "dnlr_high",
    "ecog_ps",
    "histotype",
    "icis_class",
    "has_cyclophosphamide",
    "any_grade3plus_ae",
    "discontinued_for_toxicity",
]
INTEGERS = {"pfs_days", "os_days", "ecog_ps"}
#: truth/patients.csv writes dNLR rounded to 6 decimals
DNLR_DECIMALS = 6


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def cohort_272(tmp_path_factory) -> BuiltCohort:
    return build_cohort(tmp_path_factory.mktemp("cohort_272"), patients=272, seed=20250101)


@pytest.fixture(scope="module")
def mismatches_272(cohort_272) -> dict[str, list[str]]:
    return _mismatches(cohort_272)


@pytest.fixture(scope="module")
def cohort_2000(tmp_path_factory) -> BuiltCohort:
    return build_cohort(tmp_path_factory.mktemp("cohort_2000"), patients=2000, seed=4242)


# --------------------------------------------------------------------------- helpers


def _read(cohort: BuiltCohort, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(cohort.build_db), read_only=True)
    try:
        return con.sql(sql).df()
    finally:
        con.close()


def _warehouse(cohort: BuiltCohort) -> tuple[pd.DataFrame, pd.DataFrame]:
    analysis = _read(
        cohort,
        """
        select crosswalk.source_patient_id, analysis.*
        from marts.analysis_dataset as analysis
        inner join intermediate.int_patient_crosswalk as crosswalk
            on analysis.patient_key = crosswalk.patient_key
        """,
    )
    exclusions = _read(
        cohort,
        """
        select crosswalk.source_patient_id, exclusions.*
        from marts.exclusions as exclusions
        inner join intermediate.int_patient_crosswalk as crosswalk
            on exclusions.patient_key = crosswalk.patient_key
        """,
    )
    return analysis, exclusions


def _truth(cohort: BuiltCohort) -> pd.DataFrame:
    return pd.read_csv(cohort.truth_dir / "patients.csv", dtype=str, keep_default_na=False)


def _normalise(value, column: str):
    """One comparable form for a truth cell (text) and a warehouse cell (typed)."""
    if value is None or value is pd.NA or value == "":
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if column == "dnlr":
        return round(float(value), DNLR_DECIMALS)
    if column in INTEGERS:
        return int(float(value))
    return str(value)


def _same(truth_value, warehouse_value, column: str) -> bool:
    expected = _normalise(truth_value, column)
    actual = _normalise(warehouse_value, column)
    if column == "dnlr" and expected is not None and actual is not None:
        return abs(expected - actual) <= 1e-9
    return expected == actual


def _mismatches(cohort: BuiltCohort) -> dict[str, list[str]]:
    """Per endpoint, the analysable truth patients whose warehouse value differs."""
    truth = _truth(cohort)
    analysis, _ = _warehouse(cohort)
    kept = truth[truth["expected_exclusion_reason"] == ""]
    merged = kept.merge(analysis, on=KEY, how="left", suffixes=("_truth", ""))
    found = {}
    for column in ENDPOINTS:
        bad = [
            f"{row.center_id}/{row.source_patient_id}: truth {row[column + '_truth']!r}, "
            f"warehouse {row[column]!r}"
            for _, row in merged.iterrows()
            if not _same(row[column + "_truth"], row[column], column)
        ]
        found[column] = bad
    return found


def _assert_build_ok(cohort: BuiltCohort) -> None:
    assert cohort.build.returncode == 0, (
        "\n".join(cohort.build.failures()) or cohort.build.stdout[-3000:]
    )
    assert cohort.build.results, "dbt wrote no run_results.json"


def _assert_partition(cohort: BuiltCohort) -> None:
    truth = _truth(cohort)
    analysis, exclusions = _warehouse(cohort)
    in_analysis = set(map(tuple, analysis[KEY].to_numpy()))
    in_exclusions = set(map(tuple, exclusions[KEY].to_numpy()))
    every = set(map(tuple, truth[KEY].to_numpy()))
    assert not in_analysis & in_exclusions, "patients both analysable and excluded"
    assert every == in_analysis | in_exclusions, (
        f"missing: {sorted(every - in_analysis - in_exclusions)[:5]}, "
        f"unknown: {sorted(in_analysis | in_exclusions - every)[:5]}"
    )
    assert len(analysis) == len(in_analysis) and len(exclusions) == len(in_exclusions)


def _assert_exclusion_reasons(cohort: BuiltCohort) -> None:
    truth = _truth(cohort)
    _, exclusions = _warehouse(cohort)
    expected = truth[truth["expected_exclusion_reason"] != ""][[*KEY, "expected_exclusion_reason"]]
    merged = expected.merge(exclusions, on=KEY, how="left")
    wrong = merged[merged["reason"] != merged["expected_exclusion_reason"]]
    assert wrong.empty, wrong[[*KEY, "expected_exclusion_reason", "reason"]].to_string()
    assert len(exclusions) == len(expected), "excluded patients the truth keeps"


# --------------------------------------------------------------------------- default cohort


def test_build_passes_every_model_and_test(cohort_272):
    _assert_build_ok(cohort_272)
    kinds = {r["unique_id"].split(".")[0] for r in cohort_272.build.results}
    assert {"model", "seed", "test", "unit_test"} <= kinds
    assert cohort_272.loader == "flows.ingest.load_center"


def test_every_patient_in_exactly_one_of_analysis_or_exclusions(cohort_272):
    _assert_partition(cohort_272)


def test_exclusions_have_the_planted_reason(cohort_272):
    _assert_exclusion_reasons(cohort_272)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_endpoint_matches_truth_for_every_patient(mismatches_272, endpoint):
    bad = mismatches_272[endpoint]
    assert not bad, f"{len(bad)} patient(s) differ on {endpoint}:\n" + "\n".join(bad[:10])


def test_patient_key_is_the_documented_hmac(cohort_272):
    crosswalk = _read(cohort_272, "select * from intermediate.int_patient_crosswalk")
    for row in crosswalk.itertuples():
        message = f"{row.center_id}:{row.source_patient_id}".encode()
        expected = hmac.new(DEMO_PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()
        assert row.patient_key == expected[:16]


def test_marts_hold_no_local_identifier(cohort_272):
    truth = _truth(cohort_272)
    local_ids = set(truth["source_patient_id"])
    columns = _read(
        cohort_272,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts'",
    )
    assert not columns["column_name"].str.contains("birth|source_patient_id|^name$").any()
    for table, group in columns[columns["data_type"] == "VARCHAR"].groupby("table_name"):
        text_columns = ", ".join(f'"{c}"' for c in group["column_name"])
        values = _read(cohort_272, f"select {text_columns} from marts.{table}")
        leaked = local_ids & set(values.astype(str).to_numpy().ravel())
        assert not leaked, f"marts.{table} holds local ids {sorted(leaked)[:3]}"


def test_quality_findings_point_at_the_planted_defects(cohort_272):
    defects = pd.read_csv(cohort_272.truth_dir / "defects.csv", dtype=str, keep_default_na=False)
    issues = _read(cohort_272, "select * from marts.data_quality_issues")
    located = set(
        zip(
            issues["center_id"],
            issues["_source_file"],
            issues["_source_line"].astype(str),
            strict=True,
        )
    )
    for kind in ("duplicate_row", "invalid_ecog", "conflicting_duplicate_patient"):
        planted = defects[defects["kind"] == kind]
        assert not planted.empty
        for row in planted.itertuples():
            assert (row.center_id, row.file, row.line) in located, f"{kind} at {row}"
    assert not (issues["issue"] == "unmapped_code").any(), issues[
        issues["issue"] == "unmapped_code"
    ].to_string()


def test_sensitivity_variant_is_exposed_beside_the_primary_pfs(cohort_272):
    """The var-controlled switch itself is a dbt unit test (analysis_dataset)."""
    counts = _read(
        cohort_272,
        """
        select
            count(*) filter (where pfs_sens_days > pfs_days) as longer,
            count(*) filter (where pfs_sens_days < pfs_days and pfs_sens_event) as shorter_event,
            count(*) filter (where pfs_event and not pfs_sens_event) as censored_by_variant
        from marts.analysis_dataset
        """,
    ).iloc[0]
    assert counts["longer"] == 0 and counts["shorter_event"] == 0
    assert counts["censored_by_variant"] >= 1, "expected an event after missed assessments"


def test_docs_generate(cohort_272, tmp_path):
    """`dbt docs generate` (the flow runs it) on the built warehouse; the build compiled it."""
    build_db = tmp_path / "docs.duckdb"
    shutil.copy(cohort_272.build_db, build_db)
    target = tmp_path / "target"
    shutil.copytree(cohort_272.target_path, target)
    run = run_dbt(["docs", "generate", "--no-compile"], build_db, target_path=target)
    assert run.returncode == 0, run.stdout[-3000:]
    catalog = json.loads((target / "catalog.json").read_text())
    assert "model.impresarc.analysis_dataset" in catalog["nodes"]
    assert (target / "index.html").exists()


# --------------------------------------------------------------------------- 2,000 patients


@pytest.mark.slow
def test_large_cohort_matches_truth(cohort_2000):
    _assert_build_ok(cohort_2000)
    _assert_partition(cohort_2000)
    _assert_exclusion_reasons(cohort_2000)
    mismatches = {k: v for k, v in _mismatches(cohort_2000).items() if v}
    assert not mismatches, "\n".join(f"{k}: {len(v)} e.g. {v[:3]}" for k, v in mismatches.items())
