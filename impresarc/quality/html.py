"""Self-contained HTML building blocks: escaping, small-count masking, tables, inline SVG.

Pages carry their CSS inline and load nothing from elsewhere. Every text from the data or the
checks file goes through `esc`. Counts of patients or rows from 1 to 4 are shown as "< 5" on
every page that leaves the coordinating center (`mask_count`, `mask_pct`).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

SMALL_COUNT = 5
MASKED = f"< {SMALL_COUNT}"
STRUCTURE_UNITS = ("tables", "columns")  # counts of structure, not of patient records

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#1d2329;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #d0d7de}
h3{margin:.2em 0}.muted{color:#57606a}table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:.85em;font-weight:600;
color:#fff}.fatal{background:#82071e}.error{background:#cf222e}.warning{background:#9a6700}
.passed{background:#1a7f37}.failed{background:#cf222e}.not_applicable{background:#6e7781}
.banner{padding:.6em 1em;border-radius:4px;margin:1em 0}.banner.bad{background:#ffebe9;
border:1px solid #ff8182}.banner.good{background:#dafbe1;border:1px solid #4ac26b}
.banner.warn{background:#fff8c5;border:1px solid #d4a72c}
section.check{border:1px solid #d0d7de;border-radius:4px;padding:.6em 1em;margin:1em 0}
dl{display:grid;grid-template-columns:12em 1fr;gap:2px 1em;margin:.4em 0}dt{color:#57606a}
dd{margin:0}code{background:#f6f8fa;padding:0 3px;border-radius:3px}
.heat td.num{min-width:4.5em}details{margin:.6em 0}summary{cursor:pointer}
"""


def esc(value: object) -> str:
    """HTML-escaped text; None is an empty string."""
    return "" if value is None else html.escape(str(value), quote=True)


def fmt_int(value: int | None) -> str:
    return "–" if value is None else f"{int(value):,}".replace(",", "\u202f")


def mask_count(value: int | None, unit: str = "rows") -> str:
    """A count of patients, rows or cells, "< 5" when 1 to 4; of tables or columns as is."""
    if value is not None and unit not in STRUCTURE_UNITS and 0 < value < SMALL_COUNT:
        return MASKED
    return fmt_int(value)


def mask_pct(violating: int | None, checked: int | None, pct: float | None, unit: str = "rows"):
    """% violating; when the count behind it is masked, only an upper bound is shown."""
    if pct is None or checked is None:
        return "–"
    if unit not in STRUCTURE_UNITS and violating is not None and 0 < violating < SMALL_COUNT:
        if checked < SMALL_COUNT:
            return "masked"
        return f"< {math.ceil(1000 * SMALL_COUNT / checked) / 10:g} %"
    return f"{pct:.1f} %"


def mask_complete_pct(missing: int | None, checked: int | None, pct_missing: float | None):
    """% complete for the heat map, with the same rule as `mask_pct` on the missing count."""
    if pct_missing is None or checked is None or checked == 0:
        return "n/a"
    if missing is not None and 0 < missing < SMALL_COUNT:
        if checked < SMALL_COUNT:
            return "masked"
        return f"> {math.floor(1000 * (1 - SMALL_COUNT / checked)) / 10:g} %"
    return f"{100 - pct_missing:.1f} %"


_COUNTED = r"of\b|lines?\b|line\(s\)|rows?\b|row\(s\)|data row|patients?\b|records?\b"
_SMALL_IN_TEXT = re.compile(rf"\b[1-4](?=\s+(?:{_COUNTED}))")
_PERCENT_IN_TEXT = re.compile(r"\s*\(\d+(?:\.\d+)?\s?%\)")


def mask_text(text: str | None) -> str:
    """A message with its counts of 1–4 lines, rows or patients shown as "< 5" (and the
    percentages beside them dropped, which would give them away)."""
    if not text:
        return ""
    masked, replaced = _SMALL_IN_TEXT.subn(MASKED, text)
    return _PERCENT_IN_TEXT.sub("", masked) if replaced else masked


def badge(status_or_severity: str) -> str:
    label = status_or_severity.replace("_", " ")
    return f'<span class="badge {esc(status_or_severity)}">{esc(label)}</span>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int] = frozenset(),
    css_class: str = "",
) -> str:
    """An HTML table; cells are given already escaped (so they may hold markup)."""
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{cell}</td>' if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    klass = f' class="{esc(css_class)}"' if css_class else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML document."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def heat_color(pct_complete: float | None) -> str:
    """Red (0 %) to green (100 %) background for a completeness cell."""
    if pct_complete is None:
        return "#eaeef2"
    hue = max(0.0, min(120.0, 1.2 * pct_complete))
    return f"hsl({hue:.0f},70%,82%)"


def trend_svg(
    labels: Sequence[str], values: Sequence[float | None], width: int = 640, height: int = 180
) -> str:
    """An inline SVG line chart of a pass rate (0–100 %) over runs, oldest first."""
    if not values:
        return '<p class="muted">No run recorded yet.</p>'
    left, right, top, bottom = 44, 16, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(values) - 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        x = left + (index * step if len(values) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - value / 100)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="pass rate by run">'
    ]
    for tick in (0, 50, 100):
        _, y = xy(0, tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#d0d7de"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end">{tick} %</text>'
        )
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0969da" stroke-width="2"/>')
    for i, value in points:
        x, y = xy(i, value)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0969da" class="point">'
            f"<title>{esc(labels[i])}: {value:.1f} %</title></circle>"
        )
    for i, label in enumerate(labels):
        x, _ = xy(i, 0)
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="10" '
            f'text-anchor="middle">{esc(label[:16])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
