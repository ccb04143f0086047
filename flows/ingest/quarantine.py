"""Quarantined lines: source lines that could not be parsed, kept with their raw text.

Every line of a file ends either in its raw table or here (or is a header or blank line), so
nothing is lost silently. Rows are written to ``ops.quarantine`` with the load they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

# DuckDB's reject error types -> the words a data manager reads.
REASONS = {
    "TOO MANY COLUMNS": "ragged line: more fields than the header",
    "MISSING COLUMNS": "ragged line: fewer fields than the header",
    "INVALID ENCODING": "undecodable bytes",
    "UNQUOTED VALUE": "misplaced or unterminated quote",
    "LINE SIZE OVER MAXIMUM": "line too long to be a data row",
    "INVALID STATE": "unparseable line",
}
_FOUND = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


@dataclass(frozen=True)
class QuarantineRow:
    """One source line (or sheet row) kept out of the raw table.

    Attributes
    ----------
    line : int
        Physical line (header = 1), or sheet row.
    column : str or None
        The header name of the column where the problem was found, when known.
    raw_text : str
        The line as received (undecodable bytes shown as ``\\xNN``); for a sheet row, its cells
        as text joined by tabs.
    reason : str
        Why it could not be loaded.
    """

    line: int
    column: str | None
    raw_text: str
    reason: str


def reason_for(error_type: str, message: str, encoding: str) -> str:
    """A readable reason from DuckDB's reject type and message."""
    base = REASONS.get(error_type, error_type.lower())
    found = _FOUND.search(message or "")
    if found and error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        expected, got = found.groups()
        kind = "more" if error_type == "TOO MANY COLUMNS" else "fewer"
        return f"ragged line: {got} fields, {kind} than the header's {expected}"
    if error_type == "INVALID ENCODING":
        return f"{base}: not valid {encoding}"
    return base


def insert_quarantine(
    cur: duckdb.DuckDBPyConnection,
    rows: list[QuarantineRow],
    *,
    run_id: str,
    load_id: str,
    center_id: str,
    table: str,
    source_file: str,
) -> None:
    """Append quarantined lines to ``ops.quarantine`` (one statement, not one per row)."""
    if not rows:
        return
    import pyarrow as pa

    frame = pa.table(
        {
            "line": pa.array([row.line for row in rows], pa.int64()),
            "column_name": pa.array([row.column for row in rows], pa.string()),
            "raw_text": pa.array([row.raw_text for row in rows], pa.string()),
            "reason": pa.array([row.reason for row in rows], pa.string()),
        }
    )
    view = f"_quarantine_{load_id.replace('-', '')}"
    cur.register(view, frame)
    try:
        cur.execute(
            f"""
            insert into ops.quarantine
                (run_id, load_id, center_id, table_name, source_file, line, column_name,
                 raw_text, reason, recorded_at)
            select ?, ?, ?, ?, ?, line, column_name, raw_text, reason, current_timestamp
            from {view}
            """,
            [run_id, load_id, center_id, table, source_file],
        )
    finally:
        cur.unregister(view)
