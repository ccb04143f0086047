"""File-level checks of a delimited text file before DuckDB reads it, and its header."""

from __future__ import annotations

from flows.ingest.errors import SourceRef
from flows.ingest.header import ColumnPlan, plan_columns, split_header_line
from flows.ingest.spec import TableSpec
from flows.ingest.textscan import TextScan


def read_header(scan: TextScan, table: TableSpec, ref: SourceRef) -> ColumnPlan:
    """Refuse empty and binary files, decode the header line and plan the raw columns.

    Raises
    ------
    SourceFileError
        Empty, binary, too short, undecodable header, or a header that does not fit the spec.
    """
    if scan.size_bytes == 0:
        raise ref.error("empty_file", "the file is empty (0 bytes)")
    if scan.binary_offset is not None:
        line = int((scan.newline_offsets < scan.binary_offset).sum()) + 1
        raise ref.error(
            "binary_file",
            f"binary content (control byte at offset {scan.binary_offset}): not a "
            f"{table.delimiter!r}-delimited text file; is it the right file?",
            line=line,
        )
    if len(scan.blank_lines) == scan.line_count:
        raise ref.error("empty_file", f"the file holds only {scan.line_count} blank line(s)")
    if scan.line_count < table.header_row:
        raise ref.error(
            "header_missing",
            f"the file has {scan.line_count} line(s) but the header is expected on line "
            f"{table.header_row}",
        )
    start, end = scan.line_span(table.header_row, table.header_row)
    with scan.read_path.open("rb") as handle:
        handle.seek(start)
        raw = handle.read(end - start)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ref.error(
            "undecodable_header",
            f"the header has bytes that are not valid {table.encoding} (byte "
            f"{raw[error.start]:#04x} at position {error.start + 1}): wrong `encoding`?",
            line=table.header_row,
        ) from None
    text = text.removesuffix("\r").removeprefix("\ufeff")
    names = split_header_line(text, table.delimiter, table.quote)
    return plan_columns(names, table, ref, table.header_row, text)
