"""One center's data-quality page: what to fix, where, and how the center is doing over time.

The page goes to the center. It lists offending records by file, line and pseudonymised key
only (never a local patient id: raw-layer records show file and line), masks counts of rows
from 1 to 4, and shows exact check counts so that it can be checked against
`quality.check_results`.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from impresarc.quality.config import CATEGORIES, SUBCATEGORIES
from impresarc.quality.html import (
    badge,
    esc,
    fmt_int,
    mask_count,
    mask_pct,
    mask_text,
    page,
    table,
    trend_svg,
)
from impresarc.quality.results import CheckResult
from impresarc.quality.summary import SEVERITY_ORDER, kahn_matrix, pct_text

_MATRIX_KEYS = ("passed", "failed", "error", "total", "pct_passed")


def render_center_page(
    center_id: str,
    run_id: str,
    results: list[CheckResult],
    run_rows: pd.DataFrame,
    history: pd.DataFrame,
    labels: dict[str, str],
    links: dict[str, str],
    listed_per_check: int = 100,
    comparison: str = "",
) -> str:
    """The HTML page of one center for one run.

    Parameters
    ----------
    results
        This center's results of this run (descriptions and offending records).
    run_rows
        The same results as stored in `quality.check_results` (the matrix is computed here).
    history
        `results.pass_rate_history` rows of this center, oldest run first.
    labels
        Relation -> the file the center knows it by (``raw_ref.labs`` -> ``labs.csv``).
    links
        ``consortium`` and ``data_docs``: relative links from this page.
    comparison
        The section comparing the center with the others (`report_compare`).
    """
    blocking = [r for r in results if r.is_blocking]
    failing = sorted(
        (r for r in results if r.status == "failed"),
        key=lambda r: (SEVERITY_ORDER[r.severity], r.layer != "raw", r.check_id, r.where),
    )
    errors = [r for r in results if r.status == "error"]
    parts = [
        f"<h1>Data quality — center <code>{esc(center_id)}</code></h1>",
        f'<p class="muted">Run <code>{esc(run_id)}</code>. '
        f'<a href="{esc(links["consortium"])}">All centers</a> · {_docs_link(links)}</p>',
        _banner(blocking, failing, errors),
        "<h2>Summary</h2>",
        _matrix_html(run_rows),
        "<h2>Compared with the other centers</h2>",
        comparison,
        "<h2>Pass rate over runs</h2>",
        _trend_html(history),
        "<h2>What to fix</h2>",
    ]
    if not failing:
        parts.append("<p>No failing check.</p>")
    parts += [_check_section(r, labels, listed_per_check) for r in failing]
    if errors:
        parts += ["<h2>Checks that could not run</h2>", _errors_table(errors, labels)]
    parts += ["<h2>Every check of this run</h2>", _all_checks(results, labels)]
    return page(f"Data quality — {center_id} — {run_id}", "".join(parts))


def _docs_link(links: dict[str, str]) -> str:
    if not links.get("data_docs"):
        return "Great Expectations Data Docs not built in this run"
    return f'<a href="{esc(links["data_docs"])}">Great Expectations Data Docs</a>'


def _banner(blocking, failing, errors) -> str:
    if blocking:
        reasons = Counter(f"{r.title}: {mask_text(r.message) or r.where}" for r in blocking)
        items = "".join(
            f"<li>{esc(reason)}{esc(f' ({n} checks)') if n > 1 else ''}</li>"
            for reason, n in reasons.items()
        )
        return (
            '<div class="banner bad"><strong>Blocked:</strong> a fatal check failed, so this '
            "run's data of the center do not reach the study tables (the previous ones stay)."
            f"<ul>{items}</ul></div>"
        )
    serious = [r for r in failing if r.severity == "error"]
    if serious or errors:
        return (
            f'<div class="banner warn">{len(serious)} failing check(s) of severity '
            f"error and {len(errors)} check(s) that could not run.</div>"
        )
    return '<div class="banner good">No fatal or error-level check failed.</div>'


def _matrix_html(rows: pd.DataFrame) -> str:
    matrix = kahn_matrix(rows)
    headers = ["Kahn category"]
    for subcategory in (*SUBCATEGORIES, "all"):
        headers += [f"{subcategory}: {key.replace('pct_', '% ')}" for key in _MATRIX_KEYS]
    body = []
    for category in (*CATEGORIES, "all"):
        cells = [esc(category)]
        for subcategory in (*SUBCATEGORIES, "all"):
            counts = matrix[(category, subcategory)]
            for key in _MATRIX_KEYS:
                value = pct_text(counts[key]) if key == "pct_passed" else fmt_int(counts[key])
                cells.append(f'<span id="m-{category}-{subcategory}-{key}">{esc(value)}</span>')
        body.append(cells)
    numeric = set(range(1, len(headers)))
    n_na = matrix[("all", "all")]["not_applicable"]
    note = (
        f'<p class="muted">Counts of checks. "error": the check could not run. '
        f"{fmt_int(n_na)} check(s) not applicable (empty table or field) are not counted.</p>"
    )
    return table(headers, body, numeric, "matrix") + note


def _trend_html(history: pd.DataFrame) -> str:
    labels = [str(run_id) for run_id in history.get("run_id", [])]
    values = [None if pd.isna(v) else float(v) for v in history.get("pass_rate", [])]
    return trend_svg(labels, values) + (
        f'<p class="muted">{len(values)} run(s); pass rate = passed / (passed + failed + '
        "error).</p>"
    )


def place(result: CheckResult, labels: dict[str, str]) -> str:
    """Where a check looked, in the center's words: ``patients.csv, column DOB``."""
    where = labels.get(result.table_name or "", result.table_name or "")
    if result.field_name:
        word = "column" if result.layer == "raw" else "field"
        where += f", {word} {result.field_name}"
    return where


def _check_section(result: CheckResult, labels: dict[str, str], listed: int) -> str:
    unit = result.count_unit
    facts = [
        ("Check", f"<code>{esc(result.check_id)}</code>"),
        ("What it checks", esc(result.description)),
        ("Where", esc(place(result, labels))),
        (
            "Kind",
            esc(
                f"{result.category} · {result.subcategory} · {result.level} level · "
                f"{result.layer} layer"
            ),
        ),
        (f"{unit.capitalize()} checked", esc(mask_count(result.rows_checked, unit))),
        (f"{unit.capitalize()} violating", esc(mask_count(result.rows_violating, unit))),
        (
            "% violating",
            esc(mask_pct(result.rows_violating, result.rows_checked, result.pct_violating, unit)),
        ),
        ("Threshold", esc(f"{result.threshold_pct:g} % allowed")),
    ]
    if result.message:
        facts.append(("Reason", esc(mask_text(result.message))))
    if result.fix:
        facts.append(("How to fix", esc(result.fix)))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts)
    return (
        f'<section class="check" id="{esc(result.check_id)}">'
        f"<h3>{badge(result.severity)} {esc(result.title)}</h3><dl>{dl}</dl>"
        f"{_records(result, listed)}</section>"
    )


def _records(result: CheckResult, listed: int) -> str:
    records = result.violations
    if not records:
        return ""
    with_key = result.layer != "raw" and any(v.patient_key for v in records)
    with_value = any(v.value for v in records)
    headers = ["File", "Line"] + (["Patient key"] if with_key else [])
    headers += ["Value found"] if with_value else []
    rows = []
    for record in records[:listed]:
        row = [esc(record.source_file), esc(fmt_int(record.source_line))]
        row += [f"<code>{esc(record.patient_key)}</code>"] if with_key else []
        row += [esc(record.value)] if with_value else []
        rows.append(row)
    more = len(records) - listed
    tail = f'<p class="muted">… and {esc(mask_count(more))} more.</p>' if more > 0 else ""
    return "<p>Offending records:</p>" + table(headers, rows, {1}) + tail


def _errors_table(errors: list[CheckResult], labels: dict[str, str]) -> str:
    """One row per reason (a missing table stops every check on it: one line, not twenty)."""
    by_reason: dict[str, list[CheckResult]] = {}
    for result in errors:
        by_reason.setdefault(mask_text(result.message), []).append(result)
    rows = []
    for reason, group in by_reason.items():
        checks = sorted({r.check_id for r in group})
        places = sorted({place(r, labels) for r in group})
        shown = ", ".join(places[:6]) + (f" … ({len(places)} places)" if len(places) > 6 else "")
        rows.append(
            [
                esc(reason),
                " ".join(f"<code>{esc(c)}</code>" for c in checks),
                esc(shown),
                esc(str(len(group))),
            ]
        )
    return table(["Why the checks could not run", "Checks", "Where", "Count"], rows, {3})


def _all_checks(results: list[CheckResult], labels: dict[str, str]) -> str:
    rows = []
    for r in sorted(results, key=lambda r: (r.layer != "raw", r.check_id, r.where)):
        unit = r.count_unit
        rows.append(
            [
                f"<code>{esc(r.check_id)}</code>",
                esc(place(r, labels)),
                badge(r.status),
                esc(r.severity),
                esc(r.category),
                esc(r.subcategory),
                esc(r.level),
                esc(mask_count(r.rows_checked, unit)),
                esc(mask_count(r.rows_violating, unit)),
                esc(mask_pct(r.rows_violating, r.rows_checked, r.pct_violating, unit)),
                esc(f"{r.threshold_pct:g} %"),
            ]
        )
    headers = [
        "Check",
        "Where",
        "Status",
        "Severity",
        "Category",
        "Subcategory",
        "Level",
        "Checked",
        "Violating",
        "% violating",
        "Threshold",
    ]
    return (
        f"<details><summary>{len(rows)} checks</summary>"
        f"{table(headers, rows, {7, 8, 9, 10})}</details>"
    )
