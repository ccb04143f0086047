"""Minimal, dependency-free HTML building blocks for the study report.

Every piece of text that reaches the page goes through :func:`esc`, so data values such as a
center called ``<script>`` are shown literally, never interpreted.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["STYLE", "esc", "figure", "page", "section", "table"]

#: Inline stylesheet: plain, readable and printable (no web fonts, no external resources).
STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; color: #222; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; border-bottom: 2px solid #1f4e79; padding-bottom: .2em; }
h2 { font-size: 1.25em; color: #1f4e79; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .85em; }
th, td { border: 1px solid #bbb; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-size: .85em; color: #555; }
p.note { font-size: .85em; color: #555; }
code { font-size: .9em; }
@media print { body { max-width: none; margin: 0; } h2 { page-break-before: auto; }
               table, figure { page-break-inside: avoid; } }
"""


def esc(value: object) -> str:
    """HTML-escape any value (quotes included); NaN/None become an en dash."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    return html.escape(str(value), quote=True)


def _cell(value: object, digits: int) -> tuple[str, bool]:
    if isinstance(value, (bool, np.bool_)):
        return esc("yes" if value else "no"), False
    if isinstance(value, (int, np.integer)):
        return esc(int(value)), True
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "–", True
        return esc(f"{value:.{digits}f}"), True
    return esc(value), False


def table(
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    digits: Mapping[str, int] | None = None,
    default_digits: int = 2,
    caption: str | None = None,
) -> str:
    """Render a DataFrame as an escaped HTML table.

    Parameters
    ----------
    frame : pandas.DataFrame
        Data to show.
    columns : mapping, optional
        Column → header text, also selecting and ordering the columns shown.
    digits : mapping, optional
        Decimal places per column for floats.
    default_digits : int, optional
        Decimal places of other float columns.
    caption : str, optional
        Table caption.
    """
    columns = dict(columns) if columns is not None else {c: c for c in frame.columns}
    digits = dict(digits or {})
    head = "".join(f"<th>{esc(title)}</th>" for title in columns.values())
    body = []
    for record in frame[list(columns)].itertuples(index=False):
        cells = []
        for name, value in zip(columns, record, strict=True):
            text, numeric = _cell(value, digits.get(name, default_digits))
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(columns)}">no rows</td></tr>')
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f"<table>{caption_html}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def figure(data_uri: str, alt: str, caption: str | None = None) -> str:
    """An ``<img>`` with an embedded (data URI) image and an optional caption."""
    if not data_uri.startswith("data:image/"):
        raise ValueError("figures must be embedded as data: URIs to keep the report offline")
    caption_html = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{esc(data_uri)}" alt="{esc(alt)}">{caption_html}</figure>'


def section(title: str, parts: Iterable[str], anchor: str) -> str:
    """An ``<h2>`` section; ``parts`` are already-rendered HTML fragments."""
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{"".join(parts)}</section>'


def page(title: str, parts: Iterable[str]) -> str:
    """A complete, self-contained HTML document."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{esc(title)}</h1>{''.join(parts)}</body></html>\n"
    )
