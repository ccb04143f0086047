"""One streaming pass over a source file: checksum, transcoding to UTF-8 and a line index.

DuckDB reads UTF-8 (and latin-1/utf-16) itself but not cp1252, and its reject tables report
positions in the bytes it read. So every non-UTF-8 file is transcoded here, chunk by chunk, to
a temporary UTF-8 file, and the line index is built on the bytes DuckDB will read: line numbers
and byte offsets then agree whatever the source encoding. Undecodable bytes are carried over
unchanged (``surrogateescape``); they are invalid UTF-8, so DuckDB rejects exactly the lines
that hold them and they end in quarantine with their line number, instead of being silently
replaced.

The line index uses numpy on whole chunks (no Python loop per line).
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK_BYTES = 8 << 20
UTF8_NAMES = ("utf-8", "utf-8-sig")
BINARY_PROBE_BYTES = 64 << 10
NEWLINE, CARRIAGE_RETURN = 10, 13


@dataclass
class TextScan:
    """What one pass over a text file found.

    Attributes
    ----------
    read_path : Path
        The UTF-8 file DuckDB should read (the source itself, or a transcoded copy).
    sha256, size_bytes
        Checksum and size of the *source* file, as received.
    line_count : int
        Physical lines (a last line without a final newline counts).
    newline_offsets : numpy.ndarray
        Byte offset of every ``\\n`` in `read_path`.
    blank_lines : numpy.ndarray
        1-based numbers of empty lines (nothing, or only ``\\r``).
    binary_offset : int or None
        Offset of a NUL or other control byte suggesting binary content, if any.
    field_counts : numpy.ndarray
        Fields on each physical line (delimiters outside quotes + 1). DuckDB silently drops
        trailing *empty* surplus fields (``a,b,c,`` read as 3 fields, even in strict mode), so
        the loader compares these counts with the header to catch such ragged lines itself.
    """

    read_path: Path
    sha256: str
    size_bytes: int
    line_count: int
    newline_offsets: np.ndarray
    blank_lines: np.ndarray
    binary_offset: int | None
    field_counts: np.ndarray

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        """Byte range [start, end) of physical lines `first`..`last` (1-based, no newline)."""
        start = 0 if first == 1 else int(self.newline_offsets[first - 2]) + 1
        if last - 1 < len(self.newline_offsets):
            end = int(self.newline_offsets[last - 1])
        else:
            end = self.read_path.stat().st_size
        return start, end

    def read_lines(self, first: int, last: int | None = None) -> str:
        """Text of physical lines `first`..`last`; undecodable bytes shown as ``\\xNN``."""
        start, end = self.line_span(first, last or first)
        with self.read_path.open("rb") as handle:
            handle.seek(start)
            raw = handle.read(end - start)
        text = raw.decode("utf-8", errors="backslashreplace")
        return text.replace("\r\n", "\n").removesuffix("\r").removeprefix("\ufeff")


def scan_text_file(
    source: Path, encoding: str, workdir: Path, delimiter: str = ",", quote: str = ""
) -> TextScan:
    """Hash `source`, transcode it to UTF-8 in `workdir` if needed, and index its lines.

    Parameters
    ----------
    source : Path
        The file as received.
    encoding : str
        Its declared encoding (a Python codec name, already normalised by the spec).
    workdir : Path
        Scratch folder for the transcoded copy; the caller deletes it.
    delimiter, quote : str
        Single ASCII characters (quote may be empty), used to count fields per line.
    """
    digest = hashlib.sha256()
    transcode = encoding not in UTF8_NAMES
    read_path = workdir / f"{source.stem}.utf8{source.suffix}" if transcode else source
    decoder = None
    if transcode:
        decoder = codecs.getincrementaldecoder(encoding)(errors="surrogateescape")
    index = _LineIndexer(ord(delimiter), ord(quote) if quote else None)
    size = 0
    out = read_path.open("wb") if transcode else None
    try:
        with source.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
                size += len(chunk)
                if decoder is not None:
                    chunk = decoder.decode(chunk).encode("utf-8", errors="surrogateescape")
                    out.write(chunk)
                index.feed(chunk)
        if decoder is not None:
            tail = decoder.decode(b"", final=True).encode("utf-8", errors="surrogateescape")
            out.write(tail)
            index.feed(tail)
    finally:
        if out is not None:
            out.close()
    newlines, blanks, line_count, fields = index.finish()
    return TextScan(
        read_path=read_path,
        sha256=digest.hexdigest(),
        size_bytes=size,
        line_count=line_count,
        newline_offsets=newlines,
        blank_lines=blanks,
        binary_offset=index.binary_offset,
        field_counts=fields,
    )


def sha256_file(path: Path) -> tuple[str, int]:
    """Checksum and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class _LineIndexer:
    """Accumulate newline offsets, blank lines and field counts over consecutive chunks."""

    def __init__(self, delimiter: int, quote: int | None) -> None:
        self.delimiter, self.quote = delimiter, quote
        self.count_parts: list[np.ndarray] = []
        self.partial_count = 0  # delimiters seen on the line still open at the chunk's end
        self.quotes_before = 0  # quote bytes in earlier chunks
        self.open_line_quotes = 0  # quote bytes before the start of the line still open
        self.offset = 0
        self.parts: list[np.ndarray] = []
        self.blank_parts: list[np.ndarray] = []
        self.lines_before = 0  # newlines seen in earlier chunks
        self.last_newline = -1  # offset of the previous newline (-1: start of file)
        self.previous_byte = -1  # last byte of the previous chunk
        self.binary_offset: int | None = None

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        data = np.frombuffer(chunk, dtype=np.uint8)
        if self.binary_offset is None and self.offset < BINARY_PROBE_BYTES:
            self.binary_offset = _binary_probe(
                data[: BINARY_PROBE_BYTES - self.offset], self.offset
            )
        local = np.flatnonzero(data == NEWLINE)
        self._count_fields(data, local)
        if len(local):
            positions = local + self.offset
            previous = np.concatenate(([self.last_newline], positions[:-1]))
            gap = positions - previous  # 1: empty line; 2: maybe a lone "\r"
            blank = gap == 1
            maybe_cr = np.flatnonzero(gap == 2)
            if len(maybe_cr):
                before = local[maybe_cr] - 1
                byte_before = np.where(before >= 0, data[np.maximum(before, 0)], self.previous_byte)
                blank[maybe_cr] = byte_before == CARRIAGE_RETURN
            line_numbers = np.arange(1, len(local) + 1) + self.lines_before
            self.blank_parts.append(line_numbers[blank])
            self.parts.append(positions)
            self.lines_before += len(local)
            self.last_newline = int(positions[-1])
        self.offset += len(chunk)
        self.previous_byte = int(data[-1])

    def _count_fields(self, data: np.ndarray, local: np.ndarray) -> None:
        """Delimiters per line, those inside quotes (odd quote count since line start) aside."""
        delims = np.flatnonzero(data == self.delimiter)
        line_of = np.searchsorted(local, delims)  # 0 = the line open from the previous chunk
        if self.quote is not None:
            quotes = np.flatnonzero(data == self.quote)
            starts = np.concatenate(
                ([self.open_line_quotes - self.quotes_before], np.searchsorted(quotes, local + 1))
            )
            inside = (np.searchsorted(quotes, delims) - starts[line_of]) % 2 == 1
            line_of = line_of[~inside]
            self.open_line_quotes = self.quotes_before + int(starts[-1])
            self.quotes_before += len(quotes)
        counts = np.bincount(line_of, minlength=len(local) + 1)
        counts[0] += self.partial_count
        self.count_parts.append(counts[:-1].astype(np.int32))
        self.partial_count = int(counts[-1])

    def finish(self) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
        newlines = np.concatenate(self.parts) if self.parts else np.empty(0, dtype=np.int64)
        blanks = (
            np.concatenate(self.blank_parts) if self.blank_parts else np.empty(0, dtype=np.int64)
        )
        trailing = self.offset - (self.last_newline + 1)  # bytes after the last newline
        line_count = self.lines_before + (1 if trailing > 0 else 0)
        if trailing == 1 and self.previous_byte == CARRIAGE_RETURN:
            blanks = np.append(blanks, line_count)
        counts = self.count_parts + ([np.array([self.partial_count])] if trailing > 0 else [])
        fields = (np.concatenate(counts) if counts else np.empty(0, dtype=np.int32)) + 1
        return newlines.astype(np.int64), blanks.astype(np.int64), line_count, fields


def _binary_probe(data: np.ndarray, offset: int) -> int | None:
    """First NUL byte, or the first control byte when they are common (> 1 % of bytes)."""
    nul = np.flatnonzero(data == 0)
    if len(nul):
        return int(nul[0]) + offset
    control = (data < 32) & (data != 9) & (data != 10) & (data != 13) & (data != 12)
    if len(data) and control.sum() > 0.01 * len(data):
        return int(np.flatnonzero(control)[0]) + offset
    return None
