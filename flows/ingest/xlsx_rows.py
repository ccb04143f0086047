"""The openpyxl path: a sheet's rows through openpyxl's read-only cells (the reference reader).

Used when the fast reader (xlsx_cells) meets markup it does not handle; slower, same text.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from flows.ingest.errors import SourceRef
from flows.ingest.header import ColumnPlan, plan_columns
from flows.ingest.quarantine import QuarantineRow
from flows.ingest.spec import TableSpec
from flows.ingest.staging import Lineage, Staged, ident, incoming_name
from flows.ingest.xlsx_book import Book
from flows.ingest.xlsx_text import cell_text

BATCH_ROWS = 50_000


def openpyxl_rows(book: Book, sheet_name: str) -> Iterator[tuple[int, list[str]]]:
    """``(row number, cell texts)`` of every row, through openpyxl's read-only cells."""
    sheet = book.openpyxl_sheet(sheet_name)
    # Without this, openpyxl scans the whole sheet for a <dimension> element first.
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, [value if value.__class__ is str else cell_text(value) for value in values]


def stage_rows(
    cur: duckdb.DuckDBPyConnection,
    rows: Iterator[tuple[int, list[str]]],
    table: TableSpec,
    ref: SourceRef,
    sha256: str,
    size_bytes: int,
    schema: str,
    lineage: Lineage,
) -> Staged:
    """Header check, incoming table, data rows; the incoming table is dropped on failure."""
    plan = _read_header(rows, table, ref)
    staged = Staged(
        table=table, schema=schema, incoming=incoming_name(table.name), source_file=ref.file,
        sha256=sha256, size_bytes=size_bytes, columns=plan.names,
        lines_read=table.header_row, header_lines=table.header_row, warnings=plan.warnings,
    )  # fmt: skip
    columns = ", ".join(f"{ident(name)} varchar" for name in plan.names)
    cur.execute(
        f"create table {staged.qualified} ({columns}, _source_file varchar, "
        f"_source_sha256 varchar, _source_line bigint, _loaded_at timestamptz, _run_id varchar)"
    )
    try:
        _read_rows(cur, rows, staged, lineage)
    except BaseException:
        staged.discard(cur)
        raise
    return staged


def _read_header(rows, table: TableSpec, ref: SourceRef) -> ColumnPlan:
    last = 0
    for number, texts in rows:
        last = number
        if number > table.header_row:
            break
        if number == table.header_row:
            header = list(texts)
            while header and header[-1] == "":  # formatting can extend a sheet to the right
                header.pop()
            return plan_columns(header, table, ref, table.header_row, "\t".join(header))
    raise ref.error(
        "header_missing",
        f"no header on row {table.header_row} (the sheet's rows end at or jump to row {last})",
    )


def _read_rows(cur: duckdb.DuckDBPyConnection, rows, staged: Staged, lineage: Lineage) -> None:
    """Convert the data rows to text and append them in Arrow batches; quarantine wide rows."""
    width = len(staged.columns)
    batch: list[list] = [[] for _ in range(width + 1)]
    for row_number, texts in rows:
        # rows absent from the sheet's XML are empty rows
        staged.blank_lines += row_number - staged.lines_read - 1
        staged.lines_read = row_number
        if not any(texts):
            staged.blank_lines += 1
            continue
        beyond = [i + 1 for i, text in enumerate(texts[width:], start=width) if text]
        if beyond:
            reason = (
                f"ragged row: value(s) in column(s) {', '.join(map(str, beyond))} beyond the "
                f"header's {width} columns"
            )
            staged.quarantine.append(
                QuarantineRow(row_number, None, "\t".join(texts).rstrip("\t"), reason)
            )
            continue
        texts += [""] * (width - len(texts))
        for index in range(width):
            batch[index].append(texts[index])
        batch[width].append(row_number)
        if len(batch[width]) >= BATCH_ROWS:
            staged.rows_loaded += _flush(cur, staged, batch, lineage)
    staged.rows_loaded += _flush(cur, staged, batch, lineage)


def _flush(cur: duckdb.DuckDBPyConnection, staged: Staged, batch: list[list], lineage) -> int:
    """Append a batch of rows through Arrow (one statement per batch, not one per row)."""
    width = len(staged.columns)
    count = len(batch[width])
    if not count:
        return 0
    import pyarrow as pa

    names = [f"c{i}" for i in range(width)] + ["_line"]
    arrays = [pa.array(batch[i], pa.string()) for i in range(width)]
    arrays.append(pa.array(batch[width], pa.int64()))
    view = f"_batch_{staged.incoming}"
    cur.register(view, pa.Table.from_arrays(arrays, names=names))
    try:
        values = ", ".join(f"c{i}" for i in range(width))
        cur.execute(
            f"insert into {staged.qualified} select {values}, {lineage.select_sql('_line')} "
            f"from {view}",
            lineage.params(staged.sha256),
        )
    finally:
        cur.unregister(view)
    for column in batch:
        column.clear()
    return count
