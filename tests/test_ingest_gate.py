"""The raw-layer gate: accepted loads drop their kept copies, rejected ones put them back."""

from __future__ import annotations

from flows.ingest import FileStatus
from flows.ingest.gate import accept_center, pending_loads, reject_center
from tests.test_ingest_support import SPECS, connect, load, ref_fixture

NEW_LAB = "REF-000004,2019-11-15,wbc,6.6,10^9/L,\n"


def _tables(con) -> set[str]:
    rows = con.execute("select table_name from duckdb_tables() where schema_name = 'raw_ref'")
    return {name for (name,) in rows.fetchall()}


def _labs(con) -> tuple[int, str]:
    return con.execute("select count(*), min(_run_id) from raw_ref.labs").fetchone()


def test_accepting_a_load_drops_the_kept_copies(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers, run_id="run-1")
    assert len(pending_loads(con, "ref")) == 5
    assert accept_center(con, "ref", "run-1") == 5
    with (centers / "ref" / "labs.csv").open("a") as handle:
        handle.write(NEW_LAB)
    load(con, centers, run_id="run-2")
    assert "_previous_labs" in _tables(con)
    assert pending_loads(con, "ref") == [("labs", _load_id(con, "run-2", "labs"))]
    assert accept_center(con, "ref", "run-2") == 1
    assert not any(name.startswith("_previous_") for name in _tables(con))
    assert _labs(con) == (11, "run-2") and pending_loads(con, "ref") == []


def test_rejecting_a_load_puts_the_accepted_tables_back_and_reloads_next_time(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers, run_id="run-1")
    accept_center(con, "ref", "run-1")
    with (centers / "ref" / "labs.csv").open("a") as handle:
        handle.write(NEW_LAB)
    load(con, centers, run_id="run-2")
    rejected = reject_center(con, "ref", "run-2", ["raw_required_column_present: unit missing"])
    assert rejected == ["labs"]
    assert _labs(con) == (10, "run-1")
    assert not any(name.startswith("_previous_") for name in _tables(con))
    status, message = con.execute(
        "select status, message from ops.loads where run_id = 'run-2' and table_name = 'labs'"
    ).fetchone()
    assert status == FileStatus.REJECTED and "unit missing" in message
    current = con.execute("select run_id from ops.current_loads where table_name = 'labs'")
    assert current.fetchall() == [("run-1",)]
    decisions = con.execute(
        "select decision, count(*) from ops.gate_decisions group by all order by 1"
    ).fetchall()
    assert decisions == [("accepted", 5), ("rejected", 1)]
    # the same (still bad) file is not "unchanged": the next run reads and judges it again
    third = load(con, centers, run_id="run-3")
    assert {t.table: t.status for t in third.tables}["labs"] == FileStatus.LOADED


def test_a_rejected_first_load_leaves_no_raw_schema(tmp_path):
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers, run_id="run-1")
    rejected = reject_center(con, "ref", "run-1", ["patients empty"])
    assert sorted(rejected) == sorted(SPECS["ref"].tables)
    schemas = con.execute("select schema_name from duckdb_schemas()").fetchall()
    assert ("raw_ref",) not in schemas
    assert con.execute("select count(*) from ops.current_loads").fetchone()[0] == 0


def test_a_load_never_judged_is_rejected_back_to_the_last_accepted_one(tmp_path):
    """A run that died between load and gate leaves its tables pending: they stay judgeable."""
    centers = ref_fixture(tmp_path)
    con = connect(tmp_path)
    load(con, centers, run_id="run-1")
    accept_center(con, "ref", "run-1")
    for run_id in ("run-2", "run-3"):  # run-2 died before its gate
        with (centers / "ref" / "labs.csv").open("a") as handle:
            handle.write(NEW_LAB)
        load(con, centers, run_id=run_id)
    assert _labs(con) == (12, "run-3")
    assert reject_center(con, "ref", "run-3", ["fatal"]) == ["labs"]
    assert _labs(con) == (10, "run-1")
    current = con.execute("select run_id from ops.current_loads where table_name = 'labs'")
    assert current.fetchall() == [("run-1",)]


def _load_id(con, run_id: str, table: str) -> str:
    return con.execute(
        "select load_id from ops.loads where run_id = ? and table_name = ?", [run_id, table]
    ).fetchone()[0]
