"""The Prefect flow of one run. Stages are tasks; the flow only sequences them and records."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger

from flows.paths import RunPaths, resolve_extracts_dir
from flows.run import RunResult, new_run_id, pseudonym_key
from flows.tasks import (
    analyse_task,
    dbt_build_task,
    dbt_docs_task,
    load_center_task,
    publish_task,
    report_task,
    validate_task,
)
from impresarc import settings


@flow(name="impresarc-run", log_prints=False)
def impresarc_run(
    extracts: str,
    warehouse: str = str(settings.DEFAULT_WAREHOUSE),
    allow_partial: bool = False,
    keep_snapshots: int = 5,
) -> RunResult:
    """Load every center, harmonize, validate, analyse, report and publish."""
    from flows import ingest

    logger = get_run_logger()
    paths = RunPaths(Path(warehouse))
    paths.ensure()
    run_id = new_run_id()
    key = pseudonym_key()
    reports = paths.reports_dir(run_id)
    reports.mkdir(parents=True, exist_ok=True)
    result = RunResult(run_id, paths.warehouse, reports, allow_partial=allow_partial)
    extracts_dir = resolve_extracts_dir(Path(extracts))

    clock = time.perf_counter()
    specs = ingest.load_specs(settings.CENTER_SPECS_DIR)
    folder = ingest.check_extracts_folder(extracts_dir, specs)
    con = duckdb.connect(str(paths.build_db))
    try:
        ingest.ensure_ops_schema(con)
        ingest.start_run(con, run_id, extracts_dir)
        for center_id, message in folder.problems.items():
            result.centers_failed[center_id] = message
            logger.error("center %s: %s", center_id, message)
        futures = {
            center_id: load_center_task.submit(
                con, specs[center_id], folder.center_dirs[center_id], run_id
            )
            for center_id in folder.center_dirs
        }
        for center_id, future in futures.items():
            outcome = future.result(raise_on_failure=False)
            if isinstance(outcome, BaseException) or not outcome.ok:
                result.centers_failed[center_id] = str(getattr(outcome, "message", outcome))
                logger.error(
                    "center %s failed to load: %s", center_id, result.centers_failed[center_id]
                )
            else:
                result.centers_loaded.append(center_id)
                logger.info("center %s: %s", center_id, outcome.message)
    finally:
        con.close()
    result.stage_seconds["load"] = time.perf_counter() - clock

    _timed(result, "dbt build", lambda: dbt_build_task(paths.build_db, key))
    _timed(result, "dbt docs", lambda: dbt_docs_task(paths.build_db, key, reports / "dbt_docs"))
    quality = _timed(
        result, "validate", lambda: validate_task(paths.build_db, run_id, reports / "quality")
    )
    result.quality_index = getattr(quality, "index_page", None)
    tables = _timed(result, "analyse", lambda: analyse_task(paths.build_db, reports))
    result.report = _timed(
        result, "report", lambda: report_task(paths.build_db, tables, run_id, reports)
    )
    _timed(
        result,
        "publish",
        lambda: publish_task(paths.build_db, paths.warehouse, run_id, keep_snapshots),
    )
    _summarise(result, paths.build_db)
    con = duckdb.connect(str(paths.build_db))
    try:
        ingest.finish_run(con, run_id, "failed" if result.centers_failed else "succeeded")
    finally:
        con.close()
    return result


def _timed(result: RunResult, stage: str, action):
    started = time.perf_counter()
    value = action()
    result.stage_seconds[stage] = time.perf_counter() - started
    return value


def _summarise(result: RunResult, build_db: Path) -> None:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        result.n_analysed = con.execute("select count(*) from marts.analysis_dataset").fetchone()[0]
        result.n_excluded = con.execute("select count(*) from marts.exclusions").fetchone()[0]
        rows = con.execute(
            "select metric, estimate from analysis.response_rates "
            "where group_var = 'overall' and bor_variant = 'unconfirmed'"
        ).fetchall()
        for metric, estimate in rows:
            result.headline[metric] = f"{100 * estimate:.1f} %"
        for endpoint, median in con.execute(
            "select endpoint, median_months from analysis.km_estimates where group_var = 'overall'"
        ).fetchall():
            result.headline[f"median {endpoint}"] = f"{median:.1f} months"
    finally:
        con.close()
