"""Vectorised text formatting of dates and numbers, and a delimited-file writer.

Formatting goes through the *distinct* values (a cohort has a few thousand distinct dates
and quantised numbers, but millions of cells), so a large cohort formats in a blink and the
output is identical whatever the cohort size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _via_distinct(values: np.ndarray, render: Callable[[np.ndarray], list[str]]) -> np.ndarray:
    """Render the distinct non-NaN values once, then scatter; NaN renders as ``""``."""
    values = np.asarray(values, dtype=float)
    out = np.full(values.shape, "", dtype=object)
    known = ~np.isnan(values)
    distinct, inverse = np.unique(values[known], return_inverse=True)
    out[known] = np.array(render(distinct) + [""], dtype=object)[:-1][inverse]
    return out


def _iso(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(days.astype("int64").astype("datetime64[D]")).tolist()


def format_dates(days: np.ndarray, style: str = "iso") -> np.ndarray:
    """Format day numbers (days since 1970-01-01, NaN = unknown).

    ``style`` is ``iso`` (2019-03-12), ``fr`` (12/03/2019), ``mon`` (12-Mar-2019) or
    ``timestamp`` (2019-03-12 00:00:00).
    """

    def render(distinct: np.ndarray) -> list[str]:
        iso = _iso(distinct)
        if style == "iso":
            return iso
        if style == "fr":
            return [f"{d[8:10]}/{d[5:7]}/{d[:4]}" for d in iso]
        if style == "mon":
            return [f"{d[8:10]}-{MONTHS[int(d[5:7]) - 1]}-{d[:4]}" for d in iso]
        if style == "timestamp":
            return [f"{d} 00:00:00" for d in iso]
        raise ValueError(f"unknown date style {style!r}")

    return _via_distinct(days, render)


def format_timestamps(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` from day numbers plus a minute of the day (NaN day = empty)."""
    days = np.asarray(days, dtype=float)
    combined = np.where(np.isnan(days), np.nan, days * 1440 + np.asarray(minutes))

    def render(distinct: np.ndarray) -> list[str]:
        day, minute = np.divmod(distinct.astype("int64"), 1440)
        iso = _iso(day.astype(float))
        return [
            f"{d} {m // 60:02d}:{m % 60:02d}:00" for d, m in zip(iso, minute.tolist(), strict=True)
        ]

    return _via_distinct(combined, render)


def format_numbers(values: np.ndarray, decimals: int = 0, decimal_mark: str = ".") -> np.ndarray:
    """Fixed-decimal text (``decimals=0`` gives integers); NaN renders as ``""``."""

    def render(distinct: np.ndarray) -> list[str]:
        texts = [f"{v:.{decimals}f}" for v in distinct.tolist()]
        return [t.replace(".", decimal_mark) for t in texts] if decimal_mark != "." else texts

    return _via_distinct(values, render)


def format_labels(codes: np.ndarray, mapping: dict[str, str]) -> np.ndarray:
    """Map canonical codes to a center's labels (``None``/NaN/unmapped → ``""``)."""
    codes = np.asarray(codes, dtype=object)
    out = np.full(codes.shape, "", dtype=object)
    for code, label in mapping.items():
        out[codes == code] = label
    return out


def render_lines(
    columns: Sequence[np.ndarray], delimiter: str, newline: str, repeats: np.ndarray | None = None
) -> str:
    """All rows as one string, each followed by ``newline`` (no quoting).

    The fields and separators are interleaved in one object matrix and joined in a single
    C-level ``str.join``: no per-row Python work. ``repeats`` writes row i ``repeats[i]`` times.
    """
    n_rows, n_columns = len(columns[0]) if columns else 0, len(columns)
    pieces = np.empty((n_rows, 2 * n_columns), dtype=object)
    for i, column in enumerate(columns):
        pieces[:, 2 * i] = column
    pieces[:, 1:-1:2] = delimiter
    pieces[:, -1] = newline
    if repeats is not None:
        pieces = np.repeat(pieces, repeats, axis=0)
    return "".join(pieces.ravel().tolist())


def check_unquoted(text: str, n_lines: int, n_fields: int, delimiter: str, newline: str) -> None:
    """Fail loudly if a field contains the delimiter, a quote or a line break.

    The formats promise that no field needs quoting; counting separators in the whole text is
    a cheap and complete check of that promise.
    """
    if '"' in text or text.count(delimiter) != n_lines * (n_fields - 1):
        raise ValueError("a field contains the delimiter or a quote")
    if text.count("\n") != n_lines or (newline == "\r\n" and text.count("\r") != n_lines):
        raise ValueError("a field contains a line break")


def write_delimited(
    path: Path,
    columns: dict[str, np.ndarray],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\n",
    bom: bool = False,
    repeats: np.ndarray | None = None,
    checked: bool = True,
) -> None:
    """Write a header line and rows; ``checked=False`` allows a ragged field (legacy only)."""
    header = delimiter.join(columns) + newline
    body = render_lines(list(columns.values()), delimiter, newline, repeats)
    text = header + body
    if checked:
        n_lines = 1 + (
            int(np.sum(repeats)) if repeats is not None else len(next(iter(columns.values())))
        )
        check_unquoted(text, n_lines, len(columns), delimiter, newline)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
