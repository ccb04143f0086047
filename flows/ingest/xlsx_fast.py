"""The fast xlsx path: a sheet's cells scanned into DuckDB (xlsx_cells), laid out as rows there.

Row layout, blank rows and ragged rows are computed by SQL on the long ``(row, col, text)``
table, so no Python work is done per row beyond the scan itself.
"""

from __future__ import annotations

import uuid

import duckdb

from flows.ingest.errors import SourceRef
from flows.ingest.header import plan_columns
from flows.ingest.quarantine import QuarantineRow
from flows.ingest.spec import TableSpec
from flows.ingest.staging import Lineage, Staged, ident, incoming_name
from flows.ingest.xlsx_book import Book
from flows.ingest.xlsx_cells import Unsupported, load_sheet_cells
from flows.ingest.xlsx_text import cell_text

__all__ = ["Unsupported", "stage_cells"]


def stage_cells(
    cur: duckdb.DuckDBPyConnection,
    book: Book,
    table: TableSpec,
    ref: SourceRef,
    sha256: str,
    size_bytes: int,
    schema: str,
    lineage: Lineage,
) -> Staged:
    """The fast path: cells as (row, col, text) in DuckDB, laid out as rows there."""
    cells = f"_cells_{uuid.uuid4().hex[:12]}"
    try:
        load_sheet_cells(cur, book, table.sheet, cell_text, cells)
        return _rows_from_cells(cur, cells, table, ref, sha256, size_bytes, schema, lineage)
    finally:
        cur.execute(f"drop table if exists temp.{ident(cells)}")


def _rows_from_cells(cur, cells: str, table, ref, sha256, size_bytes, schema, lineage) -> Staged:
    header_row = table.header_row
    duplicated = cur.execute(
        f"select count(*) from (select 1 from {ident(cells)} group by row, col having count(*) > 1)"
    ).fetchone()[0]
    if duplicated:
        raise Unsupported("a cell appears twice")
    found = cur.execute(
        f"select col, text from {ident(cells)} where row = ? order by col", [header_row]
    ).fetchall()
    last_row = cur.execute(f"select coalesce(max(row), 0) from {ident(cells)}").fetchone()[0]
    if not found:
        raise ref.error(
            "header_missing",
            f"no header on row {header_row} (the sheet's last row with a cell is {last_row})",
        )
    header = [""] * (found[-1][0] + 1)
    for column, text in found:
        header[column] = text
    while header and header[-1] == "":  # formatting can extend a sheet to the right
        header.pop()
    plan = plan_columns(header, table, ref, header_row, "\t".join(header))
    width = len(plan.names)
    staged = Staged(
        table=table, schema=schema, incoming=incoming_name(table.name), source_file=ref.file,
        sha256=sha256, size_bytes=size_bytes, columns=plan.names,
        lines_read=max(last_row, header_row), header_lines=header_row, warnings=plan.warnings,
    )  # fmt: skip
    wide = f"bool_or(col >= {width} and text <> '')"
    for row, columns, texts in cur.execute(
        f"select row, list(col order by col), list(text order by col) from {ident(cells)} "
        f"where row > ? group by row having {wide} order by row",
        [header_row],
    ).fetchall():
        laid = [""] * (max(columns) + 1)
        for column, text in zip(columns, texts, strict=True):
            laid[column] = text
        beyond = [c + 1 for c, t in zip(columns, texts, strict=True) if c >= width and t]
        reason = (
            f"ragged row: value(s) in column(s) {', '.join(map(str, beyond))} beyond the "
            f"header's {width} columns"
        )
        staged.quarantine.append(QuarantineRow(row, None, "\t".join(laid).rstrip("\t"), reason))
    values = ", ".join(
        f"coalesce(max(text) filter (where col = {i}), '') as {ident(name)}"
        for i, name in enumerate(plan.names)
    )
    cur.execute(
        f"create table {staged.qualified} as select {values}, {lineage.select_sql('row')} "
        f"from {ident(cells)} where row > ? group by row "
        f"having bool_or(text <> '') and not {wide} order by row",
        [*lineage.params(sha256), header_row],
    )
    staged.rows_loaded = cur.execute(f"select count(*) from {staged.qualified}").fetchone()[0]
    staged.blank_lines = staged.lines_read - header_row - staged.data_rows_read
    return staged
