"""End to end: `impresarc run` on the synthetic cohort, in fresh processes as a user runs it."""

from __future__ import annotations

import csv
import shutil
import threading
import time

import duckdb
import pytest

from tests.pipeline_helpers import file_digest, run_cli

REQUIRED_TABLES = {
    "marts.patients",
    "marts.treatment_exposures",
    "marts.tumor_assessments",
    "marts.lab_results",
    "marts.adverse_events",
    "marts.patient_response",
    "marts.patient_time_to_event",
    "marts.exclusions",
    "marts.analysis_dataset",
    "analysis.response_rates",
    "analysis.km_estimates",
    "analysis.cox_models",
    "analysis.logistic_models",
    "analysis.table1",
    "analysis.safety",
    "quality.check_results",
    "ops.runs",
    "ops.loads",
}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    out = tmp_path_factory.mktemp("e2e") / "cohort"
    done = run_cli("synth", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def first_run(cohort):
    warehouse = cohort.parent / "wh" / "impresarc.duckdb"
    done = run_cli(
        "run", "--extracts", str(cohort), "--warehouse", str(warehouse), "--allow-partial"
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return warehouse, done


def _tables(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    finally:
        con.close()


def test_run_publishes_every_promised_table_and_nothing_internal(first_run):
    warehouse, done = first_run
    tables = _tables(warehouse)
    assert tables >= REQUIRED_TABLES, REQUIRED_TABLES - tables
    schemas = {name.split(".")[0] for name in tables}
    assert schemas <= {"marts", "analysis", "quality", "ops"}, schemas
    assert "ops.quarantine" not in tables
    assert "study report:" in done.stdout and "warehouse:" in done.stdout
    assert "great_expectations" not in done.stderr  # GX's INFO chatter is silenced


def test_published_warehouse_holds_no_local_id_and_no_birth_date(first_run, cohort):
    warehouse, _ = first_run
    with (cohort / "truth" / "patients.csv").open(encoding="utf-8") as handle:
        local_ids = {row["source_patient_id"] for row in csv.DictReader(handle)}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
        ).fetchall()
        leaks = []
        for schema, table, column in columns:
            assert "birth" not in column.lower(), f"{schema}.{table}.{column}"
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
            ).fetchall()
            found = local_ids & {v for (v,) in values if v is not None}
            if found:
                leaks.append(f"{schema}.{table}.{column}: {sorted(found)[:3]}")
    finally:
        con.close()
    assert not leaks, leaks


def test_reports_are_written(first_run):
    warehouse, done = first_run
    reports = sorted((warehouse.parent / "reports").iterdir())
    latest = [p for p in reports if p.is_dir() and p.name != "latest"][-1]
    assert (latest / "study_report.html").stat().st_size > 10_000
    assert (latest / "quality" / "index.html").exists()
    assert (latest / "dbt_docs" / "index.html").exists()


def test_rerun_loads_nothing_keeps_marts_and_readers_never_fail(first_run, cohort):
    warehouse, _ = first_run
    con = duckdb.connect(str(warehouse), read_only=True)
    before = con.execute("select * from marts.analysis_dataset order by patient_key").df()
    con.close()
    failures, queries = [], 0
    stop = threading.Event()

    def reader():
        nonlocal queries
        while not stop.is_set():
            try:
                reader_con = duckdb.connect(str(warehouse), read_only=True)
                reader_con.execute("select count(*) from marts.analysis_dataset").fetchone()
                reader_con.close()
                queries += 1
            except Exception as error:  # noqa: BLE001 - counting every kind of failure
                failures.append(repr(error))
            time.sleep(0.05)

    thread = threading.Thread(target=reader)
    thread.start()
    done = run_cli(
        "run", "--extracts", str(cohort), "--warehouse", str(warehouse), "--allow-partial"
    )
    stop.set()
    thread.join()
    assert done.returncode == 0, done.stderr[-3000:]
    assert queries > 20
    assert failures == [], failures[:3]
    con = duckdb.connect(str(warehouse), read_only=True)
    after = con.execute("select * from marts.analysis_dataset order by patient_key").df()
    statuses = con.execute(
        "select distinct status from ops.loads where run_id = (select max(run_id) from ops.runs)"
    ).fetchall()
    con.close()
    assert before.equals(after)
    assert statuses == [("skipped_unchanged",)], statuses
    # nothing changed, so the checks' and the statistics' last results are recorded again
    assert "raw checks" in done.stderr and "reused from run" in done.stderr
    assert "statistics reused from the last run" in done.stderr
    con = duckdb.connect(str(warehouse), read_only=True)
    per_run = con.execute(
        "select run_id, list((center_id, check_id, table_name, field_name, status, "
        "rows_violating) order by all) from quality.check_results group by run_id order by run_id"
    ).fetchall()
    response_rates = con.execute("select count(*) from analysis.response_rates").fetchone()[0]
    con.close()
    assert len(per_run) == 2 and per_run[0][1] == per_run[1][1]
    assert response_rates > 0
    latest = warehouse.parent / "reports" / per_run[1][0]
    assert (latest / "study_report.html").exists() and (latest / "quality" / "ref.html").exists()
    assert (latest / "quality" / "data_docs" / "ref" / "index.html").exists()


def test_second_concurrent_run_is_refused_with_a_clear_message(first_run, cohort):
    warehouse, _ = first_run
    lock = warehouse.parent / ".build" / "run.lock"
    import fcntl

    with lock.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        digest = file_digest(warehouse)
        done = run_cli("run", "--extracts", str(cohort), "--warehouse", str(warehouse))
    assert done.returncode == 3
    assert "another impresarc run is in progress" in done.stderr
    assert file_digest(warehouse) == digest


def test_default_cohort_report_is_within_sampling_error_of_the_published_table(first_run):
    """Each published headline lies inside this run's 95 % CI (fixed seed: deterministic)."""
    warehouse, _ = first_run
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rates = dict(
            con.execute(
                "select metric, [ci_lower, ci_upper] from analysis.response_rates "
                "where group_var = 'overall' and bor_variant = 'unconfirmed'"
            ).fetchall()
        )
        km = {
            row[0]: row[1:]
            for row in con.execute(
                "select endpoint, median_ci_lower, median_ci_upper, s6_ci_lower, s6_ci_upper, "
                "s12_ci_lower, s12_ci_upper from analysis.km_estimates "
                "where group_var = 'overall'"
            ).fetchall()
        }
    finally:
        con.close()
    published = {"ORR": 0.17, "DCR": 0.49}
    for metric, value in published.items():
        low, high = rates[metric]
        assert low <= value <= high, f"{metric} {value} outside [{low:.3f}, {high:.3f}]"
    pfs_low, pfs_high, s6_low, s6_high, s12_low, s12_high = km["PFS"]
    assert pfs_low <= 2.7 <= pfs_high
    assert s6_low <= 0.28 <= s6_high
    assert s12_low <= 0.13 <= s12_high
    os_low, os_high = km["OS"][:2]
    assert os_low <= 13.5 <= os_high


def test_a_fatal_check_keeps_the_centers_new_data_out_and_its_previous_marts_in(first_run, cohort):
    """ref sends a patients file with a header and no rows: fatal, so its old data stays."""
    warehouse, _ = first_run
    bad = cohort.parent / "cohort_empty_ref_patients"
    shutil.copytree(cohort, bad, dirs_exist_ok=True)
    patients = bad / "centers" / "ref" / "patients.csv"
    header = patients.read_text("utf-8").splitlines()[0]
    patients.write_text(header + "\n", "utf-8")
    con = duckdb.connect(str(warehouse), read_only=True)
    before = con.execute("select * from marts.analysis_dataset order by patient_key").df()
    con.close()
    done = run_cli("run", "--extracts", str(bad), "--warehouse", str(warehouse))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "ref: BLOCKED blocked by fatal quality check(s)" in done.stderr
    assert "raw_table_not_empty" in done.stdout
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        after = con.execute("select * from marts.analysis_dataset order by patient_key").df()
        run_id, status = con.execute(
            "select run_id, status from ops.runs order by started_at desc limit 1"
        ).fetchone()
        loads = con.execute(
            "select status from ops.loads where run_id = ? and center_id = 'ref' "
            "and table_name = 'patients'",
            [run_id],
        ).fetchone()
    finally:
        con.close()
    assert before.equals(after) and (before["center_id"] == "ref").sum() > 20
    assert status == "partial" and loads == ("rejected",)
    page = warehouse.parent / "reports" / run_id / "quality" / "ref.html"
    assert "Blocked:" in page.read_text("utf-8")
