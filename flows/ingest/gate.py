"""The raw-layer quality gate: accept a center's newly loaded tables, or put the old ones back.

A load swaps a center's new tables in and keeps each replaced table as ``_previous_<table>``
(`staging.apply_staged`). The flow then runs the fatal raw checks; for each center it calls

- `accept_center` when none failed: the kept copies are dropped;
- `reject_center` when one did: every table not yet accepted goes back to its kept copy (or
  away, when it had none), and its ``ops.loads`` row becomes ``rejected``, so the center's
  previous data, and with it its previous marts rows, stay in place. The rejected files are
  loaded (and judged) again by the next run.

Decisions are recorded in ``ops.gate_decisions``; a table whose current load has no decision is
*pending* (loaded by this run, or by a run that died before its gate).
"""

from __future__ import annotations

import duckdb

from flows.ingest.errors import FileStatus
from flows.ingest.ledger import now_utc
from flows.ingest.staging import PREVIOUS_PREFIX, ident

GATE_DDL = """
create table if not exists ops.gate_decisions (
    run_id varchar not null,
    center_id varchar not null,
    table_name varchar not null,
    load_id varchar not null,
    decision varchar not null,
    reason varchar,
    decided_at timestamptz not null
);
"""


def pending_loads(con: duckdb.DuckDBPyConnection, center_id: str) -> list[tuple[str, str]]:
    """``(table_name, load_id)`` of the center's tables in place that no gate has judged."""
    con.execute(GATE_DDL)
    return con.execute(
        "select table_name, load_id from ops.current_loads l where center_id = ? and not exists "
        "(select 1 from ops.gate_decisions d where d.load_id = l.load_id) order by table_name",
        [center_id],
    ).fetchall()


def accept_center(con: duckdb.DuckDBPyConnection, center_id: str, run_id: str) -> int:
    """Accept the center's pending tables: record it and drop their kept copies."""
    cur = con.cursor()
    try:
        cur.begin()
        pending = pending_loads(cur, center_id)
        for table, load_id in pending:
            _decide(cur, run_id, center_id, table, load_id, "accepted", None)
        for table in _kept_copies(cur, center_id):
            cur.execute(f"drop table {_qualified(center_id, PREVIOUS_PREFIX + table)}")
        cur.commit()
        return len(pending)
    finally:
        cur.close()


def reject_center(
    con: duckdb.DuckDBPyConnection, center_id: str, run_id: str, reasons: list[str]
) -> list[str]:
    """Put the center's last accepted tables back; return the tables whose load was rejected."""
    reason = "; ".join(reasons)[:2000]
    cur = con.cursor()
    try:
        cur.begin()
        pending = pending_loads(cur, center_id)
        kept = set(_kept_copies(cur, center_id))
        for table, _ in pending:
            cur.execute(f"drop table if exists {_qualified(center_id, table)}")
            if table in kept:
                cur.execute(
                    f"alter table {_qualified(center_id, PREVIOUS_PREFIX + table)} "
                    f"rename to {ident(table)}"
                )
            _reject_loads(cur, run_id, center_id, table, reason)
        _drop_schema_if_empty(cur, center_id)
        cur.commit()
        return [table for table, _ in pending]
    finally:
        cur.close()


def _reject_loads(cur, run_id: str, center_id: str, table: str, reason: str) -> None:
    """Mark every unjudged load of the table rejected (a run that died first leaves some)."""
    unjudged = cur.execute(
        "select load_id from ops.loads l where center_id = ? and table_name = ? and status = ? "
        "and not exists (select 1 from ops.gate_decisions d where d.load_id = l.load_id)",
        [center_id, table, FileStatus.LOADED.value],
    ).fetchall()
    for (load_id,) in unjudged:
        cur.execute(
            "update ops.loads set status = ?, message = ? where load_id = ?",
            [
                FileStatus.REJECTED.value,
                f"loaded, then rejected by a fatal quality check (previous data kept): {reason}",
                load_id,
            ],
        )
        _decide(cur, run_id, center_id, table, load_id, "rejected", reason)


def _decide(cur, run_id, center_id, table, load_id, decision, reason) -> None:
    cur.execute(
        "insert into ops.gate_decisions values (?, ?, ?, ?, ?, ?, ?)",
        [run_id, center_id, table, load_id, decision, reason, now_utc()],
    )


def _kept_copies(cur: duckdb.DuckDBPyConnection, center_id: str) -> list[str]:
    rows = cur.execute(
        "select table_name from duckdb_tables() where schema_name = ? and starts_with("
        "table_name, ?)",
        [f"raw_{center_id}", PREVIOUS_PREFIX],
    ).fetchall()
    return [name.removeprefix(PREVIOUS_PREFIX) for (name,) in rows]


def _qualified(center_id: str, table: str) -> str:
    return f"{ident(f'raw_{center_id}')}.{ident(table)}"


def _drop_schema_if_empty(cur: duckdb.DuckDBPyConnection, center_id: str) -> None:
    schema = f"raw_{center_id}"
    left = cur.execute(
        "select count(*) from duckdb_tables() where schema_name = ?", [schema]
    ).fetchone()[0]
    if not left:
        cur.execute(f"drop schema if exists {ident(schema)}")
