"""Read one delimited text file with DuckDB's own CSV reader into its incoming table.

Every field is read as text exactly as received (explicit ``varchar`` columns, no type
sniffing); an empty field is the empty string, not NULL (``force_not_null``). ``strict_mode``
makes DuckDB reject, instead of silently repair, rows with too many or too few fields;
``store_rejects`` collects them (with undecodable and unparseable lines) in a cursor-local
temporary table, from which they go to quarantine with their physical line.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb

from flows.ingest.csv_checks import read_header
from flows.ingest.csv_lines import multiline_rows, number_lines, surplus_field_rows
from flows.ingest.errors import SourceRef
from flows.ingest.linemap import LineMapError, map_lines
from flows.ingest.quarantine import QuarantineRow, reason_for
from flows.ingest.spec import TableSpec
from flows.ingest.staging import Lineage, Staged, ident, incoming_name
from flows.ingest.textscan import scan_text_file


def stage_csv(
    cur: duckdb.DuckDBPyConnection,
    table: TableSpec,
    ref: SourceRef,
    path: Path,
    workdir: Path,
    schema: str,
    lineage: Lineage,
) -> Staged:
    """Hash, check, read and reconcile one CSV file into an incoming table (not yet applied).

    Raises
    ------
    SourceFileError
        Fatal problems: empty or binary file, unreadable header, header not matching the spec,
        DuckDB unable to read the file, rows not reconciling with the file's lines. The
        incoming table is dropped first.
    """
    scan = scan_text_file(path, table.encoding, workdir, table.delimiter, table.quote)
    plan = read_header(scan, table, ref)
    staged = Staged(
        table=table,
        schema=schema,
        incoming=incoming_name(table.name),
        source_file=ref.file,
        sha256=scan.sha256,
        size_bytes=scan.size_bytes,
        columns=plan.names,
        lines_read=scan.line_count,
        header_lines=table.header_row,
        warnings=plan.warnings,
    )
    token = uuid.uuid4().hex[:12]
    rejects, scans = f"_rejects_{token}", f"_rejscan_{token}"
    count = len(plan.names)
    column_types = "{" + ", ".join(f"'c{i}': 'varchar'" for i in range(count)) + "}"
    not_null = "[" + ", ".join(f"'c{i}'" for i in range(count)) + "]"
    renamed = ", ".join(f"c{i} as {ident(name)}" for i, name in enumerate(plan.names))
    try:
        cur.execute(
            f"""
            create table {staged.qualified} as
            select {renamed}, {lineage.select_sql("null")}
            from read_csv(
                ?, header = false, skip = ?, auto_detect = false, columns = {column_types},
                delim = ?, quote = ?, escape = ?, strict_mode = true, encoding = 'utf-8',
                force_not_null = {not_null}, store_rejects = true,
                rejects_table = '{rejects}', rejects_scan = '{scans}')
            """,
            [
                *lineage.params(scan.sha256),
                str(scan.read_path),
                table.header_row,
                table.delimiter,
                table.quote,
                table.quote,
            ],
        )
    except duckdb.Error as error:
        staged.discard(cur)
        first_line = str(error).strip().splitlines()[0]
        raise ref.error("unreadable_csv", f"DuckDB cannot read the file: {first_line}") from None
    try:
        _reconcile(cur, staged, scan, table, ref, rejects)
    except Exception:
        staged.discard(cur)
        raise
    finally:
        cur.execute(f"drop table if exists temp.{ident(rejects)}")
        cur.execute(f"drop table if exists temp.{ident(scans)}")
    return staged


def _reconcile(cur, staged: Staged, scan, table: TableSpec, ref: SourceRef, rejects: str) -> None:
    """Number the accepted rows' lines and quarantine the rejected ones, or fail."""
    staged.rows_loaded = cur.execute(f"select count(*) from {staged.qualified}").fetchone()[0]
    reject_rows = cur.execute(
        f"""
        select line, min(column_name), list(distinct error_type order by error_type),
               min(error_message), min(csv_line)
        from temp.{ident(rejects)} group by line order by line
        """
    ).fetchall()
    extras = {line: _extra_lines(csv_line) for line, *_, csv_line in reject_rows}
    # Blank lines are rows of NULLs for a one-column file: then DuckDB keeps them as rows.
    blank = scan.blank_lines if len(staged.columns) > 1 else scan.blank_lines[:0]
    multiline = {}
    spanned = table.header_row + len(blank[blank > table.header_row]) + staged.rows_loaded
    if spanned + len(reject_rows) + sum(extras.values()) != scan.line_count:
        multiline = multiline_rows(cur, staged.qualified, staged.columns)
    try:
        line_map = map_lines(
            header_lines=table.header_row,
            line_count=scan.line_count,
            blank_lines=blank,
            accepted=staged.rows_loaded,
            rejects=extras,
            multiline_rows=multiline,
        )
        number_lines(cur, staged.qualified, line_map.segments)
        surplus = surplus_field_rows(
            cur, staged.qualified, scan, line_map, extras, multiline, staged.columns,
            table.header_row, table.quote,
        )  # fmt: skip
    except LineMapError as error:
        raise ref.error(
            "reconciliation_failed",
            f"rows read do not reconcile with the file's {scan.line_count} lines: {error}. "
            f"Nothing of this center is loaded; check quoting and line endings",
        ) from None
    staged.blank_lines = line_map.blank_lines
    staged.rows_loaded -= len(surplus)
    staged.quarantine.extend(surplus)
    for line, column, error_types, message, _csv_line in reject_rows:
        physical = line_map.reject_lines[line]
        column_name = _header_name(column, staged.columns)
        reasons = "; ".join(reason_for(kind, message, table.encoding) for kind in error_types)
        raw_text = scan.read_lines(physical, physical + extras[line])
        staged.quarantine.append(QuarantineRow(physical, column_name, raw_text, reasons))
    staged.quarantine.sort(key=lambda row: row.line)


def _extra_lines(csv_line: str | None) -> int:
    """Lines a rejected row spans beyond its first (a quote left open runs on)."""
    # DuckDB may include the previous line's end ("\n…" in CRLF files): only inner breaks count.
    text = (csv_line or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return text.count("\n")


def _header_name(column: str | None, names: list[str]) -> str | None:
    """DuckDB names columns c0, c1…: give the header's name instead."""
    if column and column.startswith("c") and column[1:].isdigit():
        index = int(column[1:])
        if index < len(names):
            return names[index]
    return None
