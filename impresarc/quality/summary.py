"""Aggregates shared by the pages: the Kahn summary matrix and pass rates.

They are computed from `quality.check_results` rows (not from memory), so that every number on
a page can be checked against the table.
"""

from __future__ import annotations

import pandas as pd

from impresarc.quality.config import CATEGORIES, SUBCATEGORIES

SEVERITY_ORDER = {"fatal": 0, "error": 1, "warning": 2}
STATUS_ORDER = {"failed": 0, "error": 1, "not_applicable": 2, "passed": 3}


def cell_counts(rows: pd.DataFrame) -> dict[str, int | float | None]:
    """passed, failed, error, not applicable, total and % passed of a set of check rows.

    total = passed + failed + error (a check that could not run counts against the center);
    not-applicable checks are counted apart.
    """
    status = rows["status"] if len(rows) else pd.Series(dtype=str)
    passed = int((status == "passed").sum())
    failed = int((status == "failed").sum())
    error = int((status == "error").sum())
    total = passed + failed + error
    return {
        "passed": passed,
        "failed": failed,
        "error": error,
        "not_applicable": int((status == "not_applicable").sum()),
        "total": total,
        "pct_passed": None if total == 0 else 100.0 * passed / total,
    }


def kahn_matrix(rows: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """Counts per (category, subcategory), per category ("all"), per subcategory and overall."""
    matrix = {}
    for category in (*CATEGORIES, "all"):
        for subcategory in (*SUBCATEGORIES, "all"):
            selected = rows
            if category != "all":
                selected = selected[selected["category"] == category]
            if subcategory != "all":
                selected = selected[selected["subcategory"] == subcategory]
            matrix[(category, subcategory)] = cell_counts(selected)
    return matrix


def pct_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"
