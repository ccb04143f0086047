"""Loading: idempotency, replacement, reconciliation, lineage, encodings, concurrency."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from flows.ingest import (
    CenterStatus,
    FileStatus,
    RunStatus,
    finish_run,
    load_center,
    overall_status,
    start_run,
)
from tests.test_ingest_support import (
    SPECS,
    connect,
    ledger_balances,
    load,
    physical_line,
    ref_fixture,
)

LINEAGE = ["_source_file", "_source_sha256", "_source_line", "_loaded_at", "_run_id"]


def test_raw_tables_keep_text_as_received_plus_lineage(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    result = load(con, centers)
    assert result.status == CenterStatus.LOADED and not result.issues
    described = con.execute("describe raw_ref.labs").fetchall()
    names = [row[0] for row in described]
    assert names == ["patient_id", "sample_date", "test", "value", "unit", "uln", *LINEAGE]
    types = {row[0]: row[1] for row in described}
    assert {types[n] for n in names[:6]} == {"VARCHAR"}
    assert (types["_source_line"], types["_loaded_at"]) == ("BIGINT", "TIMESTAMP WITH TIME ZONE")
    # empty fields are empty strings, values are untouched text (no type sniffing)
    row = con.execute("select * from raw_ref.labs where _source_line = 2").fetchone()
    assert row[:6] == ("REF-000001", "2019-09-03", "wbc", "7.4", "10^9/L", "")
    assert row[6] == "labs.csv" and row[9] is not None and row[10] == "run-1"


def test_lineage_line_points_at_the_same_text(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers)
    for table, file in [("labs", "labs.csv"), ("treatments", "treatments.csv")]:
        rows = con.execute(
            f"select * exclude (_loaded_at, _run_id, _source_file, "
            f"_source_sha256) from raw_ref.{table}"
        ).fetchall()
        for *values, line in rows:
            assert physical_line(centers / "ref" / file, line) == ",".join(values)


def test_second_run_on_the_same_files_loads_nothing(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    assert load(con, centers, run_id="run-1").status == CenterStatus.LOADED
    second = load(con, centers, run_id="run-2")
    assert second.status == CenterStatus.SKIPPED_UNCHANGED
    assert (
        second.summary() == "ref: nothing loaded, all 5 file(s) unchanged since they were "
        "last loaded"
    )
    assert {t.status for t in second.tables} == {FileStatus.SKIPPED_UNCHANGED}
    assert "unchanged since run run-1" in second.tables[0].message
    assert con.execute("select distinct _run_id from raw_ref.labs").fetchall() == [("run-1",)]
    skipped = con.execute(
        "select count(*) from ops.loads where run_id = 'run-2' and status = 'skipped_unchanged'"
    ).fetchone()[0]
    assert skipped == 5


def test_changed_file_replaces_only_its_table(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers, run_id="run-1")
    with (centers / "ref" / "labs.csv").open("a") as handle:
        handle.write("REF-000004,2019-11-15,wbc,6.6,10^9/L,\n")
    result = load(con, centers, run_id="run-2")
    statuses = {t.table: t.status for t in result.tables}
    assert statuses["labs"] == FileStatus.LOADED
    assert {s for name, s in statuses.items() if name != "labs"} == {FileStatus.SKIPPED_UNCHANGED}
    assert con.execute("select count(*), min(_run_id) from raw_ref.labs").fetchone() == (
        11,
        "run-2",
    )
    assert con.execute("select distinct _run_id from raw_ref.patients").fetchall() == [("run-1",)]
    current = con.execute("select run_id from ops.current_loads where table_name = 'labs'")
    assert current.fetchall() == [("run-2",)]


def test_a_spec_change_reloads_an_unchanged_file(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers, run_id="run-1")
    labs = dataclasses.replace(SPECS["ref"].tables["labs"], missing_values=("", "NA"))
    spec = dataclasses.replace(SPECS["ref"], tables={**SPECS["ref"].tables, "labs": labs})
    result = load_center(con, spec, centers / "ref", "run-2")
    assert {t.table for t in result.tables if t.status == FileStatus.LOADED} == {"labs"}


def test_ledger_reconciles_every_file(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "labs.csv"
    path.write_text(
        path.read_text().replace(
            "REF-000002,2019-11-28,wbc,9.1,10^9/L,", "REF-000002,2019-11-28,wbc,9,1,10^9/L,"
        )
    )
    con = connect(tmp_path)
    load(con, centers)
    assert ledger_balances(con, "run-1") == []
    row = con.execute(
        "select lines_read, header_lines, blank_lines, data_rows_read, rows_loaded, "
        "rows_quarantined, reconciled from ops.loads where table_name = 'labs'"
    )
    assert row.fetchone() == (11, 1, 0, 10, 9, 1, True)


def test_concurrent_centers_on_cursors_from_threads(tmp_path):
    centers = ref_fixture(tmp_path)
    names = [f"c{i}" for i in range(6)]
    for name in names:
        (centers / name).mkdir()
        for path in (centers / "ref").iterdir():
            (centers / name / path.name).write_bytes(path.read_bytes())
    con = connect(tmp_path, on_disk=True)
    start_run(con, "run-1", centers)
    results, errors = {}, []
    barrier = threading.Barrier(len(names))

    def work(name: str, cursor) -> None:
        try:
            barrier.wait()
            spec = dataclasses.replace(SPECS["ref"], center_id=name)
            results[name] = load_center(cursor, spec, centers / name, "run-1")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n, con.cursor())) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {r.status for r in results.values()} == {CenterStatus.LOADED}
    finish_run(con, "run-1", overall_status(results.values()))
    assert con.execute("select status from ops.runs").fetchone() == (RunStatus.SUCCEEDED,)
    counts = con.execute("select center_id, count(*) from ops.loads group by all").fetchall()
    assert sorted(counts) == [(name, 5) for name in names]
    for name in names:
        assert con.execute(f"select count(*) from raw_{name}.labs").fetchone() == (10,)
    assert ledger_balances(con, "run-1") == []


def test_run_ids_are_unique(tmp_path):
    con = connect(tmp_path)
    start_run(con, "run-1", tmp_path)
    with pytest.raises(ValueError, match="already recorded"):
        start_run(con, "run-1", tmp_path)
