"""Header names: from the header line (or row) to the raw table's column names.

Naming rule (documented in docs/adding_a_center.md): a raw column is named exactly as its
header cell, with a leading byte-order mark and surrounding spaces removed (a warning says so);
an empty header cell becomes ``_col<N>`` (N = 1-based position, with a warning). Names must
be unique ignoring case, because DuckDB identifiers are case-insensitive; a duplicate fails the
table, since a raw column would otherwise be ambiguous. Names starting with ``_source_`` or
equal to ``_loaded_at`` / ``_run_id`` are reserved for lineage.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field

from flows.ingest.errors import Issue, SourceRef
from flows.ingest.spec import TableSpec

RESERVED = ("_loaded_at", "_run_id")
RESERVED_PREFIX = "_source_"
DELIMITER_CANDIDATES = (",", ";", "\t", "|")


@dataclass
class ColumnPlan:
    """Raw column names in file order and the warnings found on the way."""

    names: list[str]
    warnings: list[Issue] = field(default_factory=list)


def split_header_line(text: str, delimiter: str, quote: str) -> list[str]:
    """Split one header line the way DuckDB will split the data lines."""
    if quote:
        reader = csv.reader([text], delimiter=delimiter, quotechar=quote, doublequote=True)
    else:
        reader = csv.reader([text], delimiter=delimiter, quoting=csv.QUOTE_NONE)
    return next(reader, [])


def plan_columns(
    raw_names: list[str], table: TableSpec, ref: SourceRef, header_line: int, header_text: str = ""
) -> ColumnPlan:
    """Check header names against the spec and decide the raw column names.

    Parameters
    ----------
    raw_names : list of str
        Header cells as read.
    table : TableSpec
        The expected columns.
    ref : SourceRef
        Center, table and file, for messages.
    header_line : int
        Line (or sheet row) of the header, for messages.
    header_text : str
        The header line as text, used to diagnose a wrong delimiter.

    Raises
    ------
    SourceFileError
        Duplicate or reserved names, or a required column missing.
    """
    plan = ColumnPlan(names=[])
    stripped = []
    for position, raw in enumerate(raw_names, start=1):
        name = raw.removeprefix("\ufeff") if position == 1 else raw
        name = name.strip()
        if name and name != raw.removeprefix("\ufeff"):
            stripped.append(name)
        if not name:
            name = f"_col{position}"
            plan.warnings.append(
                ref.warning(
                    "unnamed_column",
                    f"header cell {position} is empty: the column is named {name!r}",
                    line=header_line,
                    column=name,
                )
            )
        plan.names.append(name)
    if stripped:
        plan.warnings.append(
            ref.warning(
                "header_whitespace",
                f"spaces around header name(s) {', '.join(map(repr, stripped))} were removed",
                line=header_line,
            )
        )
    _check_unique(plan.names, ref, header_line)
    for name in plan.names:
        if name.startswith(RESERVED_PREFIX) or name in RESERVED:
            raise ref.error(
                "reserved_column_name",
                f"header name {name!r} is reserved for lineage columns (_source_*, _loaded_at, "
                f"_run_id); rename it in the export or ask for a loader change",
                line=header_line,
                column=name,
            )
    _check_expected(plan, table, ref, header_line, header_text)
    return plan


def _check_unique(names: list[str], ref: SourceRef, header_line: int) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = name.casefold()
        if key in seen:
            first = seen[key]
            same = (
                ""
                if names[first - 1] == name
                else f" (as {names[first - 1]!r}; DuckDB column names ignore case)"
            )
            raise ref.error(
                "duplicate_column",
                f"duplicate header name {name!r} at columns {first} and {position}{same}: "
                f"a raw column would be ambiguous, the table is not loaded",
                line=header_line,
                column=name,
            )
        seen[key] = position


def _check_expected(
    plan: ColumnPlan, table: TableSpec, ref: SourceRef, header_line: int, header_text: str
) -> None:
    present = set(plan.names)
    missing = [name for name in table.columns.required if name not in present]
    expected_found = [name for name in plan.names if table.columns.is_expected(name)]
    if missing:
        hint = _delimiter_hint(table, plan.names, header_text) if not expected_found else ""
        hint = hint or _near_miss_hint(missing, plan.names)
        code = (
            "delimiter_mismatch"
            if hint.startswith(" Wrong delimiter")
            else "missing_required_column"
        )
        listing = ", ".join(map(repr, plan.names[:20])) + (" …" if len(plan.names) > 20 else "")
        raise ref.error(
            code,
            f"missing required column(s) {', '.join(map(repr, missing))}; the header has "
            f"{len(plan.names)} column(s): {listing}.{hint}",
            line=header_line,
            column=missing[0],
        )
    for name in table.columns.optional:
        if name not in present:
            plan.warnings.append(
                ref.warning(
                    "missing_optional_column",
                    f"optional column {name!r} is absent",
                    line=header_line,
                    column=name,
                )
            )
    extra = [name for name in plan.names if not table.columns.is_expected(name)]
    if extra:
        plan.warnings.append(
            ref.warning(
                "unexpected_column",
                f"schema drift: column(s) not in the spec, loaded as received: "
                f"{', '.join(map(repr, extra))}",
                line=header_line,
                column=extra[0],
            )
        )


def _delimiter_hint(table: TableSpec, names: list[str], header_text: str) -> str:
    """Suggest the delimiter the header seems to use when the configured one finds nothing."""
    counts = {
        candidate: header_text.count(candidate)
        for candidate in DELIMITER_CANDIDATES
        if candidate != table.delimiter
    }
    best = max(counts, key=counts.get, default=None)
    if best is None or counts[best] == 0:
        return ""
    return (
        f" Wrong delimiter? The spec says {table.delimiter!r} but the header contains "
        f"{best!r} {counts[best]} time(s); check `delimiter` in the center spec."
    )


def _near_miss_hint(missing: list[str], names: list[str]) -> str:
    """Point at header names equal to a missing one up to case, accents or spacing."""
    folded = {_fold(name): name for name in names}
    pairs = [(want, folded[_fold(want)]) for want in missing if _fold(want) in folded]
    if not pairs:
        return ""
    shown = ", ".join(f"{found!r} for {want!r}" for want, found in pairs)
    return f" Close matches (names must match exactly): {shown}."


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return "".join(text.casefold().split()).replace("_", "")
