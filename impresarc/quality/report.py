"""Write a run's pages: one per center and the consortium index, from `quality.check_results`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from impresarc.quality.config import ChecksConfig
from impresarc.quality.report_center import render_center_page
from impresarc.quality.report_compare import render_comparison
from impresarc.quality.report_consortium import render_consortium_page
from impresarc.quality.results import CheckResult, pass_rate_history, read_results


@dataclass(frozen=True)
class Pages:
    index_page: Path
    center_pages: dict[str, Path]


def file_labels(center_id: str, spec) -> dict[str, str]:
    """Raw relation -> the file (or workbook sheet) the center sent it in."""
    if spec is None:
        return {}
    return {f"raw_{center_id}.{t.name}": t.source_label for t in spec.tables.values()}


def _relative(target: Path | None, start: Path) -> str:
    if target is None:
        return ""
    return Path(os.path.relpath(target, start)).as_posix()


def write_reports(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    results: list[CheckResult],
    config: ChecksConfig,
    specs: dict,
    out_dir: Path,
    data_docs: dict[str, Path | None],
) -> Pages:
    """Render and write ``<center_id>.html`` per center and ``index.html``."""
    run_rows = read_results(con, run_id)
    history = pass_rate_history(con)
    index_page = out_dir / "index.html"
    listed = int(config.settings["violations_listed_per_check"])
    heatmap_check = str(config.settings.get("heatmap_check", "stg_field_completeness"))
    center_pages: dict[str, Path] = {}
    fatal: dict[str, list[str]] = {}
    for center_id in sorted({r.center_id for r in results}):
        mine = [r for r in results if r.center_id == center_id]
        fatal_reasons = [r.message or r.where for r in mine if r.is_blocking]
        if fatal_reasons:
            fatal[center_id] = fatal_reasons
        path = out_dir / f"{center_id}.html"
        links = {
            "consortium": index_page.name,
            "data_docs": _relative(data_docs.get(center_id), out_dir),
        }
        html = render_center_page(
            center_id,
            run_id,
            mine,
            run_rows[run_rows["center_id"] == center_id],
            history[history["center_id"] == center_id],
            file_labels(center_id, specs.get(center_id)),
            links,
            listed,
            render_comparison(center_id, run_rows, heatmap_check),
        )
        path.write_text(html, encoding="utf-8")
        center_pages[center_id] = path
    index_html = render_consortium_page(
        run_id,
        run_rows,
        history,
        fatal,
        {center: path.name for center, path in center_pages.items()},
        {center: _relative(docs, out_dir) for center, docs in data_docs.items()},
        heatmap_check,
    )
    index_page.write_text(index_html, encoding="utf-8")
    return Pages(index_page=index_page, center_pages=center_pages)
