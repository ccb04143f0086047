"""The ``ops`` schema: runs, loads (one row per source file per run), quarantine, messages.

The tables are append-only (``ops.runs`` rows are updated once, by `finish_run`): concurrent
centers only ever insert, which DuckDB's optimistic concurrency allows without conflicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.ingest.errors import Issue, RunStatus

OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.runs (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status varchar not null,
    extracts_dir varchar,
    spec_dir varchar,
    centers varchar[],
    message varchar
);
create table if not exists ops.loads (
    load_id varchar not null,
    run_id varchar not null,
    center_id varchar not null,
    table_name varchar not null,
    source_file varchar,
    sheet varchar,
    sha256 varchar,
    bytes bigint,
    spec_sha256 varchar,
    status varchar not null,
    lines_read bigint,
    header_lines bigint,
    blank_lines bigint,
    data_rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    reconciled boolean,
    columns varchar[],
    spec_json varchar,
    message varchar,
    started_at timestamptz,
    finished_at timestamptz,
    duration_s double
);
create table if not exists ops.quarantine (
    run_id varchar not null,
    load_id varchar not null,
    center_id varchar not null,
    table_name varchar not null,
    source_file varchar not null,
    line bigint,
    column_name varchar,
    raw_text varchar,
    reason varchar not null,
    recorded_at timestamptz
);
create table if not exists ops.messages (
    run_id varchar,
    load_id varchar,
    center_id varchar,
    table_name varchar,
    source_file varchar,
    level varchar not null,
    code varchar not null,
    line bigint,
    column_name varchar,
    message varchar not null,
    recorded_at timestamptz
);
create or replace view ops.current_loads as
select * from ops.loads
where status = 'loaded'
qualify row_number() over (partition by center_id, table_name order by finished_at desc) = 1;
create or replace view ops.current_quarantine as
select q.* from ops.quarantine q
join ops.current_loads l using (load_id);
"""


@dataclass
class LoadRecord:
    """One row of ``ops.loads``: what happened to one source file in one run."""

    load_id: str
    run_id: str
    center_id: str
    table_name: str
    source_file: str
    sheet: str | None
    status: str
    started_at: datetime
    sha256: str | None = None
    bytes: int | None = None
    spec_sha256: str | None = None
    lines_read: int | None = None
    header_lines: int | None = None
    blank_lines: int | None = None
    data_rows_read: int | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    reconciled: bool | None = None
    columns: list[str] | None = None
    spec_json: str | None = None
    message: str | None = None
    finished_at: datetime | None = None


def now_utc() -> datetime:
    return datetime.now(UTC)


def ops_schema_exists(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'loads'"
    ).fetchone()
    return bool(found and found[0])


def ensure_ops_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``ops`` schema, its tables and views when missing (idempotent)."""
    con.execute(OPS_DDL)


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    extracts_dir: Path,
    *,
    spec_dir: Path | None = None,
    centers: Iterable[str] = (),
) -> None:
    """Record the start of a run in ``ops.runs`` (status ``running``).

    Raises
    ------
    ValueError
        When `run_id` was already used.
    """
    ensure_ops_schema(con)
    used = con.execute("select count(*) from ops.runs where run_id = ?", [run_id]).fetchone()
    if used and used[0]:
        raise ValueError(f"run id {run_id!r} is already recorded in ops.runs")
    con.execute(
        "insert into ops.runs (run_id, started_at, status, extracts_dir, spec_dir, centers) "
        "values (?, ?, ?, ?, ?, ?)",
        [
            run_id,
            now_utc(),
            RunStatus.RUNNING.value,
            str(extracts_dir),
            None if spec_dir is None else str(spec_dir),
            list(centers),
        ],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, status: RunStatus | str, message: str | None = None
) -> None:
    """Record the end of a run: its final status and a summary message."""
    con.execute(
        "update ops.runs set finished_at = ?, status = ?, message = ? where run_id = ?",
        [now_utc(), str(status), message, run_id],
    )


def last_applied(
    cur: duckdb.DuckDBPyConnection, center_id: str, table: str
) -> tuple[str, str, str] | None:
    """``(sha256, spec_sha256, run_id)`` of the file currently in the raw table, if any."""
    return cur.execute(
        "select sha256, spec_sha256, run_id from ops.current_loads "
        "where center_id = ? and table_name = ?",
        [center_id, table],
    ).fetchone()


def insert_load(cur: duckdb.DuckDBPyConnection, record: LoadRecord) -> None:
    finished = record.finished_at or now_utc()
    duration = (finished - record.started_at).total_seconds()
    cur.execute(
        """
        insert into ops.loads (load_id, run_id, center_id, table_name, source_file, sheet,
            sha256, bytes, spec_sha256, status, lines_read, header_lines, blank_lines,
            data_rows_read, rows_loaded, rows_quarantined, reconciled, columns, spec_json,
            message, started_at, finished_at, duration_s)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            record.load_id,
            record.run_id,
            record.center_id,
            record.table_name,
            record.source_file,
            record.sheet,
            record.sha256,
            record.bytes,
            record.spec_sha256,
            record.status,
            record.lines_read,
            record.header_lines,
            record.blank_lines,
            record.data_rows_read,
            record.rows_loaded,
            record.rows_quarantined,
            record.reconciled,
            record.columns,
            record.spec_json,
            record.message,
            record.started_at,
            finished,
            duration,
        ],
    )


def insert_messages(
    cur: duckdb.DuckDBPyConnection, run_id: str, issues: Iterable[tuple[str | None, Issue]]
) -> None:
    """Append issues (each with the load id it belongs to, or None) to ``ops.messages``."""
    rows = [
        (
            run_id,
            load_id,
            issue.center_id,
            issue.table,
            issue.file,
            str(issue.level),
            issue.code,
            issue.line,
            issue.column,
            issue.message,
            now_utc(),
        )
        for load_id, issue in issues
    ]
    if rows:
        cur.executemany("insert into ops.messages values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def spec_json(table_spec) -> str:
    """The reading rules of a table as JSON, stored with each load (dbt can read them)."""
    from dataclasses import asdict

    return json.dumps(asdict(table_spec), ensure_ascii=False, sort_keys=True)
