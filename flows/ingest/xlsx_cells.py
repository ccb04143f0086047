"""Fast reading of a worksheet's cells, for sheets too large for openpyxl's cell objects.

openpyxl in read-only mode builds several Python objects per cell: the xlsx center of a
272,000-patient cohort (4 million cells) took over three minutes. Here the workbook's structure
comes from openpyxl's reader (`xlsx_book`: sheet parts, shared strings, date styles, date
system), but each sheet's XML is scanned chunk by chunk with one regular expression, and every
cell is converted exactly as openpyxl's read-only parser does (same number casting, dates,
shared and inline strings) followed by `cell_text`; repeated values are converted once. Cells
go to DuckDB as a long table ``(row, col, text)`` in Arrow batches (`xlsx_fast` lays them out).

Anything this reader does not recognise (attributes in an unusual order, namespace prefixes,
unknown cell types, a cell count that does not add up) raises `Unsupported` and the caller
falls back to openpyxl's own rows; a test checks that both paths give the same text.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import html
import re
from collections.abc import Callable

import duckdb
import numpy as np

from flows.ingest.staging import ident
from flows.ingest.xlsx_book import Book

CHUNK_BYTES = 8 << 20
# A row start (with its number), or a cell with r, s, t in the order Excel, openpyxl and most
# writers use (`rest` must hold none of them; a cell without reference is the next column, as
# SpreadsheetML says) whose content is a plain value, a plain inline string, or anything else.
ROW_OR_CELL = re.compile(
    r'<(?:(row)(?=[\s/>])(?:\s+r="(\d+)")?[^>]*>'
    r'|c(?=[\s/>])(?: r="([A-Z]{1,3})\d+")?(?: s="(\d+)")?(?: t="(\w+)")?([^>/]*)'
    r"(?:/>|>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>|((?:[^<]|<(?!/c>))*))</c>))",
    re.S,
)
VALUE = re.compile(r"<v>([^<]*)</v>")
TEXT = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
CACHE_LIMIT = 500_000


class Unsupported(Exception):
    """The sheet uses markup this reader does not handle: use openpyxl instead."""


def load_sheet_cells(
    cur: duckdb.DuckDBPyConnection, book: Book, sheet_name: str, to_text: Callable, table: str
) -> None:
    """Write every cell of a sheet into temporary table `table` (row, col, text).

    Parameters
    ----------
    cur : duckdb.DuckDBPyConnection
    book : Book
        The workbook, opened by `open_book` (archive, shared strings, styles, epoch).
    sheet_name : str
    to_text : callable
        The value-to-text rule (`cell_text`), applied to each value as openpyxl returns it.
    table : str
        Name of the temporary table to create (``row`` is 1-based, ``col`` 0-based).

    Raises
    ------
    Unsupported
        The workbook or sheet is not in the expected form; the table may be partly filled.
    """
    try:
        source = book.archive.open(book.sheet_paths[sheet_name])
        converter = _CellConverter(
            shared=book.shared_strings,
            date_styles=book.date_styles,
            timedelta_styles=book.timedelta_styles,
            epoch=book.epoch,
            to_text=to_text,
        )
    except (AttributeError, KeyError) as error:
        raise Unsupported(f"workbook internals not as expected: {error}") from None
    cur.execute(
        f"create or replace temp table {ident(table)} (row bigint, col integer, text varchar)"
    )
    decoder = codecs.getincrementaldecoder("utf-8")()
    buffer = ""
    # Millions of short-lived tuples would trigger the cyclic collector over and over, for
    # nothing: they hold no cycles. Paused for the scan (it doubled the time otherwise).
    with source, contextlib.ExitStack() as stack:
        if gc.isenabled():
            gc.disable()
            stack.callback(gc.enable)
        while True:
            chunk = source.read(CHUNK_BYTES)
            buffer += decoder.decode(chunk, final=not chunk)
            end = len(buffer) if not chunk else buffer.rfind("</row>") + len("</row>")
            if end >= len("</row>") or not chunk:
                _append(cur, table, converter.cells(buffer[:end]))
                buffer = buffer[end:]
            if not chunk:
                return


def _append(cur: duckdb.DuckDBPyConnection, table: str, cells: tuple[list, list, list]) -> None:
    rows, columns, texts = cells
    if not rows:
        return
    import pyarrow as pa

    frame = pa.table(
        {
            "row": pa.array(rows, pa.int64()),
            "col": pa.array(columns, pa.int32()),
            "text": pa.array(texts, pa.string()),
        }
    )
    view = f"{table}_batch"
    cur.register(view, frame)
    try:
        cur.execute(f"insert into {ident(table)} select * from {view}")
    finally:
        cur.unregister(view)


class _CellConverter:
    """openpyxl's ``WorkSheetParser.parse_cell`` (data_only), on regex matches."""

    def __init__(self, shared, date_styles, timedelta_styles, epoch, to_text):
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.shared = shared
        self.date_styles = set(date_styles)
        self.timedelta_styles = set(timedelta_styles)
        self.epoch = epoch
        self.to_text = to_text
        self.from_excel = from_excel
        self.from_iso = from_ISO8601
        self.columns: dict[str, int] = {}
        self.last_row = 0  # rows without a number follow the previous one
        # Values repeat (dates, codes, a patient's id on each of their rows): convert each once.
        # (a row element's key is all empty, like an empty cell's: both read as '')
        self.cache: dict[tuple[str, ...], str] = {("",) * 6: ""}

    def cells(self, xml: str) -> tuple[list[int], list[int], list[str]]:
        """Row numbers, 0-based columns and texts of every cell in a run of whole rows.

        Whole-list operations (no Python statement per cell) when every row and cell carries
        its reference, as Excel writes them; otherwise the cell-by-cell loop.
        """
        if ":sheetData" in xml or ":row " in xml:
            raise Unsupported("namespace-prefixed worksheet markup")
        matches = ROW_OR_CELL.findall(xml)
        tags = xml.count("<c ") + xml.count("<c>") + xml.count("<c/>")
        if not matches:
            return self._checked([], [], [], tags)
        fields = list(zip(*matches, strict=True))
        markers = np.array(fields[0], dtype=object)
        is_row = markers == "row"
        is_cell = ~is_row
        row_numbers = [fields[1][i] for i in np.flatnonzero(is_row)]
        letters = np.array(fields[2], dtype=object)[is_cell]
        if any(fields[5]) or "" in row_numbers or (letters == "").any() or not is_row[0]:
            return self._cells_loop(matches, tags)
        owner = np.cumsum(is_row)[is_cell] - 1  # the row element each cell sits in
        rows = np.array(row_numbers, dtype=np.int64)[owner]
        for new in set(letters.tolist()).difference(self.columns):
            self.columns[new] = _column_index(new)
        columns = [self.columns[letter] for letter in letters.tolist()]
        get = self.cache.get
        keys = list(zip(*fields[3:], strict=True))  # style, type, rest, value, inline, other
        texts = [get(key) for key in keys]
        for index in [i for i, text in enumerate(texts) if text is None]:
            key = keys[index]  # converted once, even when it repeats within this chunk
            text = get(key)
            texts[index] = self._convert(key) if text is None else text
        cell_texts = np.array(texts, dtype=object)[is_cell].tolist()
        self.last_row = int(rows[-1]) if len(rows) else self.last_row
        return self._checked(rows.tolist(), columns, cell_texts, tags)

    def _checked(self, rows, columns, texts, tags: int):
        if tags != len(texts):
            raise Unsupported(f"{tags} cells in the XML but {len(texts)} recognised")
        return rows, columns, texts

    def _cells_loop(self, matches: list[tuple], tags: int):
        """Cell by cell: rows or cells without reference, or unusual attribute order."""
        rows: list[int] = []
        columns: list[int] = []
        texts: list[str] = []
        row, column = self.last_row, -1
        get, columns_of = self.cache.get, self.columns
        for match in matches:
            if match[0]:  # a row starts
                row, column = (int(match[1]) if match[1] else row + 1), -1
                continue
            letters, rest = match[2], match[5]
            if rest and ("r=" in rest or "s=" in rest or "t=" in rest):
                raise Unsupported("cell attributes in an unusual order")
            if letters:
                column = columns_of.get(letters)
                if column is None:
                    column = columns_of[letters] = _column_index(letters)
            else:
                column += 1
            key = match[3:]  # style, type, rest, value, inline text, other content
            text = get(key)
            if text is None:
                text = self._convert(key)
            rows.append(row)
            columns.append(column)
            texts.append(text)
        self.last_row = row
        return self._checked(rows, columns, texts, tags)

    def _convert(self, key: tuple[str, ...]) -> str:
        style, kind, _rest, value, inline, other = key
        if inline:
            content = f"<is><t>{inline}</t></is>"
        elif value:
            content = f"<v>{value}</v>"
        else:
            content = other
        text = self._text(kind or "n", int(style) if style else 0, content)
        if len(self.cache) < CACHE_LIMIT:
            self.cache[key] = text
        return text

    def _text(self, kind: str, style: int, content: str) -> str:
        if kind == "inlineStr":
            if "<is>" not in content:
                return ""
            if "<rPh" in content:
                content = PHONETIC.sub("", content)
            return _unescape("".join(TEXT.findall(content)))
        found = VALUE.search(content) if content else None
        raw = found.group(1) if found else ""
        if not raw:  # openpyxl: `findtext(...) or None`
            return ""
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style in self.date_styles:
                try:
                    value = self.from_excel(
                        number, self.epoch, timedelta=style in self.timedelta_styles
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"
                return self.to_text(value)
            return self.to_text(number)
        if kind == "s":
            return self.to_text(self.shared[int(raw)])
        if kind == "b":
            return self.to_text(bool(int(raw)))
        if kind == "d":
            return self.to_text(self.from_iso(_unescape(raw)))
        if kind in ("str", "e"):
            return _unescape(raw)
        raise Unsupported(f"cell type {kind!r}")


def _column_index(letters: str) -> int:
    """0-based column of the letters of a reference (``AB`` -> 27)."""
    index = -1
    for char in letters:
        index = (index + 1) * 26 + ord(char) - 65
    return index


def _unescape(text: str) -> str:
    """XML text as a parser returns it: line ends normalised, then entities expanded."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return html.unescape(text) if "&" in text else text
