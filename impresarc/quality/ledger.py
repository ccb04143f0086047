"""Raw-layer checks read from the load ledger (`ops.loads`, `ops.quarantine`).

Two things a raw table cannot show: that this run's file was refused (the loader then keeps the
previous raw table, which would pass every check), and the lines the loader could not parse
(kept out of the raw table, in `ops.quarantine`). Both are graded like the GX checks, with the
same metadata from the checks file; offending lines are listed by file and line only — the
quarantined raw text, which may hold a patient id, is never read here.
"""

from __future__ import annotations

import duckdb

from impresarc.quality.grading import graded_result, make_result
from impresarc.quality.plan import CheckInstance
from impresarc.quality.results import CheckResult, Violation

ACCEPTED_FILE_STATUSES = ("loaded", "skipped_unchanged")
LEDGER_EXPECTATIONS = ("ledger_file_loaded", "ledger_no_quarantined_lines")


def has_ledger(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ops' "
        "and table_name in ('loads', 'quarantine')"
    ).fetchone()
    return bool(found and found[0] == 2)


def run_ledger_checks(
    con: duckdb.DuckDBPyConnection, run_id: str, instances: list[CheckInstance]
) -> list[CheckResult]:
    """Grade the ledger instances (one per spec table) of one center."""
    if not has_ledger(con):
        return [
            make_result(run_id, i, "not_applicable", message="no load ledger (ops.loads) found")
            for i in instances
        ]
    results = []
    for instance in instances:
        table = instance.relation.split(".", 1)[1]
        if instance.expectation == "ledger_file_loaded":
            results.append(_file_loaded(con, run_id, instance, table))
        else:
            results.append(_no_quarantined_lines(con, run_id, instance, table))
    return results


def _file_loaded(con, run_id: str, instance: CheckInstance, table: str) -> CheckResult:
    """This run's load attempt of the table; its latest attempt when this run loaded nothing
    at all (the checks re-run on their own, after a fix of the checks file for instance)."""
    loaded_in_run = con.execute(
        "select count(*) from ops.loads where run_id = ?", [run_id]
    ).fetchone()[0]
    row = con.execute(
        "select status, source_file, message from ops.loads "
        "where center_id = ? and table_name = ? and (run_id = ? or ?) "
        "order by finished_at desc limit 1",
        [instance.center_id, table, run_id, loaded_in_run == 0],
    ).fetchone()
    if row is None:
        return graded_result(
            run_id,
            instance,
            1,
            1,
            "tables",
            f"no file for table {table!r} was received in run {run_id}",
        )
    status, source_file, message = row
    if status in ACCEPTED_FILE_STATUSES:
        return graded_result(run_id, instance, 1, 0, "tables")
    reason = message or _first_error(con, run_id, instance.center_id, table) or status
    result = graded_result(
        run_id, instance, 1, 1, "tables", f"{source_file} was not loaded: {reason}"
    )
    result.violations = [Violation(source_file=source_file, source_line=None)]
    return result


def _first_error(con, run_id: str, center_id: str, table: str) -> str | None:
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'messages'"
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(
        "select message from ops.messages where run_id = ? and center_id = ? "
        "and table_name = ? and level = 'error' order by recorded_at limit 1",
        [run_id, center_id, table],
    ).fetchone()
    return row[0] if row else None


def _no_quarantined_lines(con, run_id: str, instance: CheckInstance, table: str) -> CheckResult:
    load = con.execute(
        "select load_id, coalesce(data_rows_read, 0), coalesce(rows_quarantined, 0) "
        "from ops.loads where center_id = ? and table_name = ? and status = 'loaded' "
        "order by finished_at desc limit 1",
        [instance.center_id, table],
    ).fetchone()
    if load is None:
        return make_result(
            run_id, instance, "not_applicable", message=f"table {table!r} was never loaded"
        )
    load_id, rows_read, rows_quarantined = load
    result = graded_result(run_id, instance, int(rows_read), int(rows_quarantined), "rows")
    lines = con.execute(
        "select source_file, line, reason from ops.quarantine where load_id = ? order by line",
        [load_id],
    ).fetchall()
    result.violations = [
        Violation(source_file=file, source_line=line, value=reason) for file, line, reason in lines
    ]
    return result
