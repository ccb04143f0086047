"""The consortium page: every center side by side, with no record-level content at all.

Pass rates per Kahn category and a completeness heat map (variable × center) from this run's
rows of `quality.check_results`; small missing counts are masked as in the center pages.
"""

from __future__ import annotations

import pandas as pd

from impresarc.quality.config import CATEGORIES
from impresarc.quality.html import (
    esc,
    fmt_int,
    heat_color,
    mask_complete_pct,
    page,
    table,
)
from impresarc.quality.summary import cell_counts, pct_text


def render_consortium_page(
    run_id: str,
    run_rows: pd.DataFrame,
    history: pd.DataFrame,
    fatal_centers: dict[str, list[str]],
    center_links: dict[str, str],
    docs_links: dict[str, str],
    heatmap_check: str,
) -> str:
    """The HTML consortium page of one run.

    Parameters
    ----------
    run_rows
        This run's rows of `quality.check_results`, every center.
    history
        `results.pass_rate_history` rows, every center.
    heatmap_check
        The completeness check whose results fill the heat map (one per variable).
    """
    centers = sorted(run_rows["center_id"].unique()) if len(run_rows) else []
    parts = [
        "<h1>Data quality — all centers</h1>",
        f'<p class="muted">Run <code>{esc(run_id)}</code>. Counts are counts of checks; '
        '"error" means the check could not run.</p>',
        "<h2>Centers</h2>",
        _centers_table(centers, run_rows, history, fatal_centers, center_links, docs_links),
        "<h2>Pass rate per Kahn category</h2>",
        _category_table(centers, run_rows),
        "<h2>Completeness per variable</h2>",
        '<p class="muted">% of rows where the variable is filled in, from check '
        f"<code>{esc(heatmap_check)}</code>.</p>",
        _heat_map(
            centers, run_rows[run_rows["check_id"] == heatmap_check] if len(run_rows) else run_rows
        ),
    ]
    return page(f"Data quality — all centers — {run_id}", "".join(parts))


def _centers_table(centers, rows, history, fatal_centers, center_links, docs_links) -> str:
    body = []
    for center in centers:
        mine = rows[rows["center_id"] == center]
        counts = cell_counts(mine)
        failed = mine[mine["status"] == "failed"]
        by_severity = [int((failed["severity"] == s).sum()) for s in ("fatal", "error", "warning")]
        previous = history[history["center_id"] == center]["pass_rate"].tolist()
        before = pct_text(previous[-2]) if len(previous) > 1 else "–"
        state = "blocked" if center in fatal_centers else "ok"
        body.append(
            [
                f'<a href="{esc(center_links.get(center, ""))}">{esc(center)}</a>',
                f'<span class="badge {"fatal" if state == "blocked" else "passed"}">{state}</span>',
                fmt_int(counts["total"]),
                fmt_int(counts["passed"]),
                *(fmt_int(n) for n in by_severity),
                fmt_int(counts["error"]),
                esc(pct_text(counts["pct_passed"])),
                esc(before),
                f'<a href="{esc(docs_links[center])}">Data Docs</a>'
                if docs_links.get(center)
                else "–",
            ]
        )
    headers = [
        "Center",
        "State",
        "Checks",
        "Passed",
        "Failed fatal",
        "Failed error",
        "Failed warning",
        "Error",
        "% passed",
        "Previous run",
        "GX",
    ]
    return table(headers, body, set(range(2, 10)), "centers")


def _category_table(centers, rows) -> str:
    body = []
    for category in (*CATEGORIES, "all"):
        cells = [esc(category)]
        for center in centers:
            mine = rows[rows["center_id"] == center]
            if category != "all":
                mine = mine[mine["category"] == category]
            counts = cell_counts(mine)
            text = f"{pct_text(counts['pct_passed'])} ({counts['passed']}/{counts['total']})"
            cells.append(
                f'<span id="c-{esc(center)}-{category}" '
                f'style="background:{heat_color(counts["pct_passed"])}">{esc(text)}</span>'
            )
        body.append(cells)
    return table(["Category", *centers], body, set(range(1, len(centers) + 1)), "categories")


def variable_name(table_name: str, field_name: str) -> str:
    """``staging.stg_ref__labs`` + ``sample_date`` -> ``labs.sample_date`` (same for all)."""
    relation = table_name.split(".", 1)[-1]
    entity = relation.split("__", 1)[-1]
    return f"{entity}.{field_name}"


def _heat_map(centers, rows: pd.DataFrame) -> str:
    if not len(rows):
        return '<p class="muted">No completeness check in this run.</p>'
    rows = rows.assign(
        variable=[
            variable_name(t, f) for t, f in zip(rows["table_name"], rows["field_name"], strict=True)
        ]
    )
    first: dict[tuple[str, str], int] = {}  # (variable, center) -> position of its first row
    for position, key in enumerate(zip(rows["variable"], rows["center_id"], strict=True)):
        first.setdefault(key, position)
    body = []
    for variable in sorted(rows["variable"].unique()):
        cells = [f"<code>{esc(variable)}</code>"]
        for center in centers:
            if (variable, center) not in first:
                cells.append('<span class="muted">—</span>')
                continue
            row = rows.iloc[first[(variable, center)]]
            checked = None if pd.isna(row["rows_checked"]) else int(row["rows_checked"])
            missing = None if pd.isna(row["rows_violating"]) else int(row["rows_violating"])
            pct = None if pd.isna(row["pct_violating"]) else float(row["pct_violating"])
            text = mask_complete_pct(missing, checked, pct if checked else None)
            color = heat_color(None if pct is None or not checked else 100 - pct)
            cells.append(f'<span style="background:{color};display:block">{esc(text)}</span>')
        body.append(cells)
    return table(["Variable", *centers], body, set(range(1, len(centers) + 1)), "heat")
