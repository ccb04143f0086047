"""Line numbers of the rows DuckDB accepted, and the rows it should not have accepted.

The incoming table is created in file order, so its ``rowid`` is the row's ordinal in the file
(read right after creation, before any delete); `linemap` turns ordinals into physical lines.
"""

from __future__ import annotations

import duckdb
import numpy as np

from flows.ingest.linemap import LineMap, LineMapError
from flows.ingest.quarantine import QuarantineRow
from flows.ingest.staging import ident
from flows.ingest.textscan import TextScan


def multiline_rows(
    cur: duckdb.DuckDBPyConnection, qualified: str, names: list[str]
) -> dict[int, int]:
    """Accepted rows whose quoted values hold line breaks -> how many extra lines they span."""
    newlines = " + ".join(
        f"(length({ident(n)}) - length(replace({ident(n)}, chr(10), '')))" for n in names
    )
    rows = cur.execute(
        f"select rowid, {newlines} as extra from {qualified} where extra > 0"
    ).fetchall()
    return {int(rowid): int(extra) for rowid, extra in rows}


def number_lines(
    cur: duckdb.DuckDBPyConnection, qualified: str, segments: list[tuple[int, int]]
) -> None:
    """Set ``_source_line`` from the segments ``(first row, its line)`` of the line map."""
    if len(segments) <= 1:
        offset = segments[0][1] - segments[0][0] if segments else 0
        cur.execute(f"update {qualified} set _source_line = rowid + {offset}")
        return
    import pyarrow as pa

    first_rows, first_lines = zip(*segments, strict=True)
    frame = pa.table(
        {
            "first_row": pa.array(first_rows, pa.int64()),
            "first_line": pa.array(first_lines, pa.int64()),
        }
    )
    view = f"_segments_{abs(hash(qualified))}"
    cur.register(view, frame)
    try:
        cur.execute(
            f"""
            update {qualified} set _source_line = numbered.line
            from (
                select s.rowid as row_id, g.first_line + (s.rowid - g.first_row) as line
                from (select rowid from {qualified}) as s
                asof join {view} as g on s.rowid >= g.first_row
            ) as numbered
            where {qualified}.rowid = numbered.row_id
            """
        )
    finally:
        cur.unregister(view)


def surplus_field_rows(
    cur: duckdb.DuckDBPyConnection,
    qualified: str,
    scan: TextScan,
    line_map: LineMap,
    reject_extras: dict[int, int],
    multiline: dict[int, int],
    names: list[str],
    header_row: int,
    quote: str,
) -> list[QuarantineRow]:
    """Move to quarantine the accepted rows whose line has more fields than the header.

    DuckDB drops surplus fields when they are empty (``a,b,c,`` for 3 columns), even in strict
    mode: a decimal comma in an unquoted file (``9,1``) would then shift values silently. The
    byte scan counted every line's fields; rows found too wide are deleted from the incoming
    table and quarantined. Call after `number_lines`.
    """
    too_wide = np.flatnonzero(scan.field_counts > len(names)) + 1  # 1-based physical lines
    too_wide = too_wide[too_wide > header_row]
    if not len(too_wide):
        return []
    elsewhere = _lines_not_starting_a_row(line_map, reject_extras, multiline)
    candidates = [int(line) for line in too_wide if int(line) not in elsewhere]
    if not candidates:
        return []
    first = ident(names[0])
    found = dict(
        cur.execute(
            f"select _source_line, {first} from {qualified} "
            f"where _source_line in (select unnest(?::bigint[]))",
            [candidates],
        ).fetchall()
    )
    quarantined = []
    for line in candidates:
        text = scan.read_lines(line)
        if line not in found or not text.removeprefix(quote).startswith(found[line]):
            raise LineMapError(
                f"line {line} has {scan.field_counts[line - 1]} fields but does not match the "
                f"row read for it"
            )
        fields = int(scan.field_counts[line - 1])
        reason = (
            f"ragged line: {fields} fields, more than the header's {len(names)} "
            f"(the surplus ones empty)"
        )
        quarantined.append(QuarantineRow(line, None, text, reason))
    cur.execute(
        f"delete from {qualified} where _source_line in (select unnest(?::bigint[]))",
        [candidates],
    )
    return quarantined


def _lines_not_starting_a_row(
    line_map: LineMap, reject_extras: dict[int, int], multiline: dict[int, int]
) -> set[int]:
    """Lines of rejected rows and continuation lines of multi-line rows."""
    elsewhere = {
        line + i
        for duck_line, line in line_map.reject_lines.items()
        for i in range(reject_extras[duck_line] + 1)
    }
    rows = np.array([s[0] for s in line_map.segments])
    lines = np.array([s[1] for s in line_map.segments])
    for row, extra in multiline.items():
        segment = int(np.searchsorted(rows, row, side="right")) - 1
        start = int(lines[segment] + row - rows[segment])
        elsewhere.update(range(start + 1, start + extra + 1))
    return elsewhere
