"""A table read into an *incoming* table, ready to replace its raw table.

Readers (csv_reader, xlsx_reader) write straight into ``raw_<center>._incoming_<table>_<token>``,
with the header names and the lineage columns already in place, so a large file is written to
disk once. `apply_staged` then swaps it in (the old table is kept as ``_previous_<table>``, the
new one renamed) inside the center's transaction: a failure anywhere leaves the previous raw
table untouched, and the incoming tables of a failed center are dropped. The kept copy lets the
raw-layer quality gate (`flows.ingest.gate`) put the accepted data back when a fatal check fails.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from flows.ingest.errors import Issue
from flows.ingest.quarantine import QuarantineRow
from flows.ingest.spec import TableSpec

INCOMING_PREFIX = "_incoming_"
PREVIOUS_PREFIX = "_previous_"  # the last accepted version of a table, until the gate decides


def ident(name: str) -> str:
    """A quoted SQL identifier (header names may hold spaces, accents, quotes)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Lineage:
    """The constant lineage values of one source table in one run."""

    source_file: str  # ``labs.csv`` or ``book.xlsx[Sheet]``
    run_id: str
    loaded_at: datetime

    def select_sql(self, line_expression: str) -> str:
        """Select-list of the lineage columns; bind `params(sha256)` to its placeholders."""
        return (
            f"?::varchar as _source_file, ?::varchar as _source_sha256, "
            f"{line_expression}::bigint as _source_line, ?::timestamptz as _loaded_at, "
            f"?::varchar as _run_id"
        )

    def params(self, sha256: str) -> list:
        return [self.source_file, sha256, self.loaded_at, self.run_id]


@dataclass
class Staged:
    """One source table read and reconciled into its incoming table, not yet applied."""

    table: TableSpec
    schema: str
    incoming: str
    source_file: str
    sha256: str
    size_bytes: int
    columns: list[str]
    lines_read: int
    header_lines: int
    blank_lines: int = 0
    rows_loaded: int = 0
    quarantine: list[QuarantineRow] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        return f"{ident(self.schema)}.{ident(self.incoming)}"

    @property
    def rows_quarantined(self) -> int:
        return len(self.quarantine)

    @property
    def data_rows_read(self) -> int:
        """Rows found after the header, blank lines aside: loaded or quarantined."""
        return self.rows_loaded + self.rows_quarantined

    def discard(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.execute(f"drop table if exists {self.qualified}")


def incoming_name(table: str) -> str:
    return f"{INCOMING_PREFIX}{table}_{uuid.uuid4().hex[:12]}"


def drop_leftovers(cur: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Drop incoming tables an interrupted load left behind (only this center writes here)."""
    names = cur.execute(
        "select table_name from duckdb_tables() where schema_name = ? and starts_with("
        "table_name, ?)",
        [schema, INCOMING_PREFIX],
    ).fetchall()
    for (name,) in names:
        cur.execute(f"drop table if exists {ident(schema)}.{ident(name)}")


def apply_staged(cur: duckdb.DuckDBPyConnection, staged: Staged) -> int:
    """Replace ``schema.<table>`` by the incoming table; return the rows it holds.

    The replaced table is kept as ``_previous_<table>`` unless such a copy already exists: then
    the table in place was never accepted by the gate (its run died first), and the older,
    accepted copy is the one to keep.
    """
    schema, name = staged.schema, staged.table.name
    target = f"{ident(schema)}.{ident(name)}"
    previous = PREVIOUS_PREFIX + name
    if _exists(cur, schema, previous):
        cur.execute(f"drop table if exists {target}")
    elif _exists(cur, schema, name):
        cur.execute(f"alter table {target} rename to {ident(previous)}")
    cur.execute(f"alter table {staged.qualified} rename to {ident(staged.table.name)}")
    return int(cur.execute(f"select count(*) from {target}").fetchone()[0])


def _exists(cur: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        cur.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )
