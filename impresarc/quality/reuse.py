"""Record a previous run's check results again, for a run whose inputs did not change.

The flow reuses them only when the raw data, the dbt project, the checks file, the center specs
and this package's code are all unchanged (`flows.stage_cache`): running the checks again would
give the same results. The run still gets its own rows in `quality.check_results` (so the trend
has a point per run), its own pages and a copy of the Data Docs sites.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from impresarc import settings
from impresarc.quality.config import DEFAULT_CHECKS_FILE, load_checks
from impresarc.quality.results import write_results
from impresarc.quality.runner import QualityResult, fatal_reasons, load_center_specs


def record_again(
    build_db: Path,
    run_id: str,
    out_dir: Path,
    previous: QualityResult,
    *,
    checks_file: Path = DEFAULT_CHECKS_FILE,
    spec_dir: Path = settings.CENTER_SPECS_DIR,
) -> QualityResult:
    """Store `previous`'s results under `run_id` and write this run's pages from them."""
    from impresarc.quality.report import write_reports

    started = time.perf_counter()
    config = load_checks(checks_file)
    specs = load_center_specs(spec_dir)
    now = datetime.now(UTC)
    results = [
        dataclasses.replace(result, run_id=run_id, checked_at=now) for result in previous.results
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = {
        center: _copy_site(index, out_dir / "data_docs" / center)
        for center, index in previous.data_docs.items()
        if index.exists()
    }
    con = duckdb.connect(str(build_db))
    try:
        write_results(con, results, int(config.settings["violations_stored_per_check"]))
        pages = write_reports(con, run_id, results, config, specs, out_dir, docs)
    finally:
        con.close()
    return QualityResult(
        run_id=run_id,
        index_page=pages.index_page,
        center_pages=pages.center_pages,
        fatal_centers=fatal_reasons(results),
        n_checks=len(results),
        n_failed=sum(r.status == "failed" for r in results),
        n_errors=sum(r.status == "error" for r in results),
        data_docs=docs,
        seconds={"total": time.perf_counter() - started},
        results=results,
    )


def _copy_site(index: Path, target: Path) -> Path:
    """Copy a Data Docs site (hard links where the file system allows: same bytes)."""
    shutil.copytree(index.parent, target, dirs_exist_ok=True, copy_function=_link_or_copy)
    return target / index.name


def _link_or_copy(source: str, target: str) -> None:
    try:
        Path(target).hardlink_to(source)
    except OSError:
        shutil.copy2(source, target)
