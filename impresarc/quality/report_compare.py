"""A center compared with the others, for its own page: aggregates only, no other center named.

Pass rate per Kahn category against the median and range of the other centers, and the
variables the center fills in clearly less often than the others do.
"""

from __future__ import annotations

import statistics

import pandas as pd

from impresarc.quality.config import CATEGORIES
from impresarc.quality.html import esc, mask_complete_pct, table
from impresarc.quality.report_consortium import variable_name
from impresarc.quality.summary import cell_counts, pct_text

BEHIND_POINTS = 20.0  # a variable this many points less complete than the others' median


def render_comparison(center_id: str, run_rows: pd.DataFrame, heatmap_check: str) -> str:
    """The comparison section of a center page (empty text when the center is alone).

    Parameters
    ----------
    run_rows
        This run's rows of `quality.check_results`, every center.
    """
    others = sorted(set(run_rows["center_id"]) - {center_id}) if len(run_rows) else []
    if not others:
        return '<p class="muted">No other center in this run.</p>'
    return _categories(center_id, others, run_rows) + _behind(
        center_id, others, run_rows[run_rows["check_id"] == heatmap_check]
    )


def _pass_rate(mine: pd.DataFrame, category: str) -> float | None:
    """% passed of one center's rows, in one Kahn category or "all"."""
    if category != "all":
        mine = mine[mine["category"] == category]
    return cell_counts(mine)["pct_passed"]


def _categories(center_id: str, others: list[str], rows: pd.DataFrame) -> str:
    by_center = {center: found for center, found in rows.groupby("center_id", sort=False)}
    none = rows.iloc[0:0]
    body = []
    for category in (*CATEGORIES, "all"):
        theirs = [
            rate
            for c in others
            if (rate := _pass_rate(by_center.get(c, none), category)) is not None
        ]
        spread = (
            f"{pct_text(statistics.median(theirs))} "
            f"(range {pct_text(min(theirs))} – {pct_text(max(theirs))})"
            if theirs
            else "–"
        )
        body.append(
            [
                esc(category),
                esc(pct_text(_pass_rate(by_center.get(center_id, none), category))),
                esc(spread),
            ]
        )
    headers = [
        "Kahn category",
        "This center: % passed",
        f"{len(others)} other centers: median (range)",
    ]
    return table(headers, body, {1, 2}, "comparison")


def _completeness(rows: pd.DataFrame) -> dict[str, tuple[float, int, int]]:
    """variable -> (% complete, rows missing, rows checked) of one center."""
    found = {}
    for row in rows.itertuples():
        if pd.isna(row.rows_checked) or not row.rows_checked or pd.isna(row.pct_violating):
            continue
        variable = variable_name(row.table_name, row.field_name)
        found[variable] = (100 - row.pct_violating, int(row.rows_violating), int(row.rows_checked))
    return found


def _behind(center_id: str, others: list[str], rows: pd.DataFrame) -> str:
    mine = _completeness(rows[rows["center_id"] == center_id])
    theirs = [_completeness(rows[rows["center_id"] == c]) for c in others]
    lines = []
    for variable, (complete, missing, checked) in sorted(mine.items()):
        values = [t[variable][0] for t in theirs if variable in t]
        if values and statistics.median(values) - complete >= BEHIND_POINTS:
            lines.append(
                [
                    f"<code>{esc(variable)}</code>",
                    esc(mask_complete_pct(missing, checked, 100 - complete)),
                    esc(pct_text(statistics.median(values))),
                ]
            )
    if not lines:
        return (
            f'<p class="muted">No variable is filled in {BEHIND_POINTS:g} points or more '
            "below the other centers' median.</p>"
        )
    intro = (
        f"<p>Variables filled in {BEHIND_POINTS:g} points or more below the other "
        "centers' median (some may not be collected by your center):</p>"
    )
    headers = ["Variable", "This center: % filled in", "Other centers: median"]
    return intro + table(headers, lines, {1, 2}, "behind")
