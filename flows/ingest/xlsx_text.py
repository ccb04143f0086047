"""Workbook cell values as text.

Cells become text by one fixed rule (`cell_text`), so the raw layer holds what a person sees
in the sheet, without float noise:

- empty cell → ``''``; text → as is; boolean → ``TRUE`` / ``FALSE``;
- integer, or a float with no fractional part → digits only (``40123456``, not ``40123456.0``);
- other floats → rounded to 15 significant digits (Excel's own display precision), written in
  plain decimal notation without trailing zeros (``0.1 + 0.2`` → ``0.3``, ``1e-07`` →
  ``0.0000001``);
- date cell → ``YYYY-MM-DD``; with a time of day → ``YYYY-MM-DD HH:MM:SS`` (``.ffffff`` when
  there are microseconds); time only → ``HH:MM:SS``.

``_source_line`` is the sheet row number (header row = ``header_row``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def cell_text(value: object) -> str:
    """The text of one cell value as openpyxl returns it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(f"{value:.15g}").normalize(), "f")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)
