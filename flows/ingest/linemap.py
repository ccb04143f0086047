"""Give every parsed CSV row the physical line it starts on.

DuckDB's CSV reader does not expose line numbers for the rows it accepts. It does report, for
each rejected row, a line number that counts every record and every blank line once, but not
the extra lines of a quoted value holding a line break. The rows it accepts come out in file
order. From the physical blank lines (found by the byte scan), the rejected rows, and the few
accepted rows whose values hold line breaks, the physical line of every accepted row follows.

The walk below visits only those events, never each row: between two events, consecutive rows
sit on consecutive lines, so each stretch becomes one segment ``(first row, its line)`` and SQL
numbers the rows of a segment (``line = segment line + row - segment row``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

NEVER = 1 << 62


class LineMapError(Exception):
    """The rows DuckDB returned do not add up with the lines of the file."""


@dataclass
class LineMap:
    """Where accepted and rejected rows sit in the file.

    Attributes
    ----------
    segments : list of (int, int)
        ``(first accepted row ordinal, its physical line)``; a segment runs until the next one.
    reject_lines : dict[int, int]
        DuckDB's line number of each rejected row -> its physical line.
    blank_lines : int
        Blank lines after the header.
    """

    segments: list[tuple[int, int]] = field(default_factory=list)
    reject_lines: dict[int, int] = field(default_factory=dict)
    blank_lines: int = 0


def map_lines(
    *,
    header_lines: int,
    line_count: int,
    blank_lines: np.ndarray,
    accepted: int,
    rejects: dict[int, int],
    multiline_rows: dict[int, int],
) -> LineMap:
    """Place accepted and rejected rows on physical lines.

    Parameters
    ----------
    header_lines : int
        Lines up to and including the header (``header_row``).
    line_count : int
        Physical lines in the file.
    blank_lines : numpy.ndarray
        1-based physical numbers of blank lines.
    accepted : int
        Rows DuckDB accepted, in file order (ordinals 0 .. accepted - 1).
    rejects : dict[int, int]
        DuckDB line of each rejected row -> extra lines it spans (0 for a one-line row).
    multiline_rows : dict[int, int]
        Ordinal of each accepted row whose values hold line breaks -> extra lines it spans.

    Raises
    ------
    LineMapError
        When the rows and lines cannot be matched: a reconciliation failure.
    """
    blanks = blank_lines[blank_lines > header_lines].tolist()
    reject_items = sorted(rejects.items())
    multi_items = sorted(multiline_rows.items())
    result = LineMap(blank_lines=len(blanks))
    line = duck_line = header_lines + 1  # physical line, DuckDB's line counter
    row = 0  # next accepted ordinal
    b = r = m = 0  # next blank, reject, multi-line row
    while True:
        next_blank = blanks[b] if b < len(blanks) else NEVER
        next_reject = reject_items[r][0] if r < len(reject_items) else NEVER
        next_multi = multi_items[m][0] if m < len(multi_items) else accepted
        run = min(next_blank - line, next_reject - duck_line, next_multi - row)
        if run < 0:
            raise LineMapError(_describe(line, duck_line, row, "an event was passed over"))
        if run:
            result.segments.append((row, line))
            row, line, duck_line = row + run, line + run, duck_line + run
        if line == next_blank:
            line, duck_line, b = line + 1, duck_line + 1, b + 1
        elif duck_line == next_reject:
            result.reject_lines[duck_line] = line
            line, duck_line, r = line + 1 + reject_items[r][1], duck_line + 1, r + 1
        elif m < len(multi_items) and row == next_multi:
            result.segments.append((row, line))
            line, duck_line, row, m = line + 1 + multi_items[m][1], duck_line + 1, row + 1, m + 1
        else:
            break
    if row != accepted or r != len(reject_items) or b != len(blanks) or line - 1 != line_count:
        raise LineMapError(
            f"{accepted} accepted and {len(reject_items)} rejected rows plus {len(blanks)} blank "
            f"lines do not fill the {line_count - header_lines} lines after the header "
            f"(placed {row} rows, {r} rejects, {b} blanks; stopped at line {line})"
        )
    return result


def _describe(line: int, duck_line: int, row: int, what: str) -> str:
    return f"{what} at physical line {line} (reader line {duck_line}, row {row})"
