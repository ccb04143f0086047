"""Read one workbook sheet into an incoming table.

openpyxl's reader opens the workbook (values, not formulas; `xlsx_book`). The cells are read
by the fast path (`xlsx_fast`: the sheet XML scanned with openpyxl's own conversion rules, about
ten times faster on large sheets) or, for markup it does not recognise, through openpyxl's
read-only rows (`xlsx_rows`); both give the same text. Cells become text by `cell_text`
(`xlsx_text`): dates ``YYYY-MM-DD``, whole numbers without ``.0``, no float noise.
``_source_line`` is the sheet row number (header row = ``header_row``).
"""

from __future__ import annotations

import difflib
import zipfile
from pathlib import Path

import duckdb

from flows.ingest.errors import SourceRef
from flows.ingest.spec import TableSpec
from flows.ingest.staging import Lineage, Staged
from flows.ingest.xlsx_book import Book, open_book
from flows.ingest.xlsx_fast import Unsupported, stage_cells
from flows.ingest.xlsx_rows import openpyxl_rows, stage_rows

BATCH_ROWS = 50_000
ZIP_MAGIC = b"PK\x03\x04"


def stage_xlsx(
    cur: duckdb.DuckDBPyConnection,
    table: TableSpec,
    ref: SourceRef,
    path: Path,
    sha256: str,
    size_bytes: int,
    schema: str,
    lineage: Lineage,
    workbooks: dict | None = None,
) -> Staged:
    """Read the table's sheet into an incoming table (not yet applied).

    `workbooks` caches open workbooks by path, so the tables of one workbook parse its shared
    strings once; the caller closes them. Without it the workbook is opened and closed here.

    Raises
    ------
    SourceFileError
        Empty or non-workbook file, missing sheet, header not matching the spec.
    """
    book = workbooks.get(path) if workbooks is not None else None
    if book is None:
        book = open_workbook(path, size_bytes, ref)
        if workbooks is not None:
            workbooks[path] = book
    try:
        if table.sheet not in book.sheetnames:
            close = difflib.get_close_matches(table.sheet, book.sheetnames, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ref.error(
                "sheet_missing",
                f"the workbook has no sheet {table.sheet!r}{hint}; its sheets: "
                f"{', '.join(map(repr, book.sheetnames))}",
            )
        try:
            return stage_cells(cur, book, table, ref, sha256, size_bytes, schema, lineage)
        except Unsupported:
            # markup the fast reader does not know: openpyxl's own rows (slower, same text)
            rows = openpyxl_rows(book, table.sheet)
            return stage_rows(cur, rows, table, ref, sha256, size_bytes, schema, lineage)
    finally:
        if workbooks is None:
            book.close()


def open_workbook(path: Path, size_bytes: int, ref: SourceRef) -> Book:
    """Open a workbook read-only (values, not formulas) after checking it is one.

    Raises
    ------
    SourceFileError
        Empty file, no zip signature, or a file openpyxl cannot open.
    """
    if size_bytes == 0:
        raise ref.error("empty_file", "the file is empty (0 bytes)")
    with path.open("rb") as handle:
        if handle.read(4) != ZIP_MAGIC:
            raise ref.error(
                "binary_file",
                "not an xlsx workbook (no zip signature): is it the right file, or a CSV saved "
                "with an .xlsx name?",
            )
    try:
        return open_book(path)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ref.error(
            "unreadable_workbook", f"openpyxl cannot open the workbook: {error}"
        ) from None
