"""The validated form of a center spec: what `load_spec` returns (see spec.py)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

LOGICAL_TABLES = ("patients", "treatments", "labs", "assessments", "adverse_events")
FORMATS = ("csv", "xlsx")
CENTER_ID_PATTERN = r"[a-z][a-z0-9_]{0,30}"

# Bump when the loader's reading rules change, so unchanged files are read again once.
LOADER_VERSION = "1"

# Built-in defaults; a spec's `defaults:` block overrides them, a table's own keys override both.
BUILTIN_DEFAULTS: dict[str, Any] = {
    "format": "csv",
    "encoding": "utf-8",
    "delimiter": ",",
    "quote": '"',
    "decimal_mark": ".",
    "header_row": 1,
    "missing_values": [""],
    "max_quarantined_fraction": 0.5,
}
TABLE_KEYS = ("file", "sheet", "description", "columns", *BUILTIN_DEFAULTS)
TOP_KEYS = ("center_id", "description", "defaults", "tables")
COLUMN_KEYS = ("required", "optional", "patterns")


@dataclass(frozen=True)
class ColumnsSpec:
    """The columns a table is expected to have.

    Attributes
    ----------
    required : tuple[str, ...]
        Header names that must be present (missing one fails the center).
    optional : tuple[str, ...]
        Header names that may be absent (a warning when they are).
    patterns : tuple[str, ...]
        Regular expressions (full match) for expected repeated columns such as
        ``trt_\\d+_drug``; matching headers are not reported as schema drift.
    """

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    def is_expected(self, name: str) -> bool:
        if name in self.required or name in self.optional:
            return True
        return any(re.fullmatch(pattern, name) for pattern in self.patterns)


@dataclass(frozen=True)
class TableSpec:
    """How to read one logical table of one center (defaults already applied)."""

    name: str
    file: str
    format: str
    sheet: str | None
    encoding: str
    delimiter: str
    quote: str  # "" means the export never quotes fields
    decimal_mark: str
    header_row: int
    missing_values: tuple[str, ...]
    columns: ColumnsSpec
    max_quarantined_fraction: float
    description: str | None = None

    @property
    def source_label(self) -> str:
        """``labs.csv`` or ``export.xlsx[Biologie]``: how messages name the source."""
        return f"{self.file}[{self.sheet}]" if self.sheet else self.file

    def fingerprint(self) -> str:
        """A hash of every reading rule, so a spec change reloads an unchanged file."""
        rules = asdict(self)
        rules.pop("description")
        rules["loader_version"] = LOADER_VERSION
        return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CenterSpec:
    """One center: its id, the spec file it came from and its tables."""

    center_id: str
    spec_path: str
    tables: dict[str, TableSpec] = field(default_factory=dict)
    description: str | None = None

    @property
    def schema(self) -> str:
        return f"raw_{self.center_id}"
