"""The Prefect flow of one run. Stages are tasks; the flow only sequences them and records."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
from prefect import flow

from flows.paths import RunPaths
from flows.progress import peak_rss_mb, say
from flows.run import RunResult, pseudonym_key
from flows.stage_cache import StageCache
from flows.stages import (
    UNCHANGED,
    analyse,
    apply_gate,
    centers_with_raw_data,
    stage_digest,
    validate,
)
from flows.tasks import (
    dbt_build_task,
    dbt_docs_task,
    load_center_task,
    publish_task,
    raw_checks_task,
    report_task,
)
from impresarc import settings

T = TypeVar("T")


@flow(name="impresarc-run", log_prints=False)
def impresarc_run(
    extracts: str,
    warehouse: str = str(settings.DEFAULT_WAREHOUSE),
    allow_partial: bool = False,
    keep_snapshots: int = 5,
) -> RunResult:
    """Load every center, harmonize, validate, analyse, report and publish."""
    from flows.lock import run_lock

    paths = RunPaths(Path(warehouse))
    paths.ensure()
    with run_lock(paths.lock_file):
        return _run_locked(paths, Path(extracts), allow_partial, keep_snapshots)


def _run_locked(
    paths: RunPaths, extracts: Path, allow_partial: bool, keep_snapshots: int
) -> RunResult:
    from flows.ingest import new_run_id

    body_started = time.perf_counter()
    run_id = new_run_id()
    key = pseudonym_key()
    reports = paths.reports_dir(run_id)
    reports.mkdir(parents=True, exist_ok=True)
    result = RunResult(run_id, paths.warehouse, reports, allow_partial=allow_partial)
    say("run", f"{run_id}: extracts {extracts} -> {paths.warehouse}")
    centers = _timed(result, "load", lambda: _load_all(result, paths, extracts))
    db = paths.build_db
    cache = StageCache(paths.build_dir / "stage_cache")
    quality_dir, raw = reports / "quality", None
    try:
        previous_quality = cache.get("quality", stage_digest(db, run_id, centers, key, "quality"))
        if previous_quality is None:
            cache.forget("quality")
            raw = _timed(result, "raw checks", lambda: raw_checks_task(db, run_id, quality_dir))
            centers = apply_gate(result, db, raw, centers)
        else:
            say("raw checks", f"reused from run {previous_quality.run_id}: {UNCHANGED}")
        if not centers:
            raise RuntimeError(
                "no center has raw data to harmonize: nothing was ever loaded and accepted"
            )
        if _marts_up_to_date(db, centers, key):
            say("dbt build", f"skipped: {UNCHANGED}")
        else:
            _timed(result, "dbt build", lambda: _build_and_record(db, key, centers, run_id))
        _timed(result, "dbt docs", lambda: dbt_docs_task(db, key, centers, reports / "dbt_docs"))
        quality = _timed(
            result,
            "validate",
            lambda: validate(cache, db, run_id, centers, key, quality_dir, previous_quality, raw),
        )
        result.quality_index = getattr(quality, "index_page", None)
        tables = _timed(
            result, "analyse", lambda: analyse(cache, db, run_id, centers, key, reports)
        )
        result.report = _timed(result, "report", lambda: report_task(db, tables, run_id, reports))
        _summarise(result, db)
        _finish_run(db, run_id, "partial" if result.centers_failed else "succeeded")
        _timed(result, "publish", lambda: publish_task(db, paths.warehouse, run_id, keep_snapshots))
    except Exception as error:
        say("run", f"FAILED: {error}")
        _finish_run(db, run_id, "failed", str(error)[:2000])
        raise
    result.overhead_seconds["between stages (hashing inputs, bookkeeping)"] = max(
        0.0, time.perf_counter() - body_started - sum(result.stage_seconds.values())
    )
    say("run", f"done in {sum(result.stage_seconds.values()):.1f}s")
    return result


def _marts_up_to_date(db: Path, centers: list[str], key: str) -> bool:
    from flows.fingerprint import build_fingerprint, last_built_fingerprint

    con = duckdb.connect(str(db))
    try:
        return last_built_fingerprint(con) == build_fingerprint(con, centers, key)
    finally:
        con.close()


def _build_and_record(db: Path, key: str, centers: list[str], run_id: str) -> None:
    """dbt build; its fingerprint is forgotten first, so a build that dies is never trusted."""
    from flows.fingerprint import build_fingerprint, last_built_fingerprint, record_build

    con = duckdb.connect(str(db))
    try:
        last_built_fingerprint(con)
        con.execute("delete from ops.dbt_builds")
        fingerprint = build_fingerprint(con, centers, key)
    finally:
        con.close()
    dbt_build_task(db, key, centers)
    con = duckdb.connect(str(db))
    try:
        record_build(con, run_id, fingerprint)
    finally:
        con.close()


def _timed(result: RunResult, stage: str, action: Callable[[], T]) -> T:
    say(stage, "started")
    started = time.perf_counter()
    value = action()
    result.stage_seconds[stage] = time.perf_counter() - started
    result.stage_peak_rss_mb[stage] = peak_rss_mb()
    say(stage, f"finished in {result.stage_seconds[stage]:.1f}s")
    return value


def _load_all(result: RunResult, paths: RunPaths, extracts: Path) -> list[str]:
    """Load every configured center concurrently; a failing center never stops the others.

    Returns the centers whose raw layer is complete (loaded now or kept from an earlier good
    load): the ones dbt harmonizes.
    """
    from flows import ingest

    invalid: list[ingest.SpecError] = []
    specs = ingest.load_specs(settings.CENTER_SPECS_DIR, invalid=invalid)
    for error in invalid:  # an invalid spec disables its center only
        result.centers_failed[error.center_id] = "; ".join(error.problems)
        say(
            "load",
            f"{error.center_id}: FAILED invalid spec: {result.centers_failed[error.center_id]}",
        )
    folder = ingest.check_extracts_folder(extracts, specs)  # accepts DIR or DIR/centers
    for warning in folder.warnings:
        say("load", f"warning: {warning}")
    con = duckdb.connect(str(paths.build_db))
    try:
        ingest.ensure_ops_schema(con)
        ingest.start_run(
            con,
            result.run_id,
            folder.extracts_dir,
            spec_dir=settings.CENTER_SPECS_DIR,
            centers=sorted(specs),
        )
        for center_id, message in folder.problems.items():
            result.centers_failed[center_id] = message
            say("load", f"{center_id}: FAILED {message}")
        futures = {
            center_id: load_center_task.submit(con, specs[center_id], center_dir, result.run_id)
            for center_id, center_dir in folder.center_dirs.items()
        }
        for center_id, future in futures.items():
            outcome = future.result(raise_on_failure=False)
            if isinstance(outcome, BaseException) or not outcome.ok:
                result.centers_failed[center_id] = str(getattr(outcome, "message", outcome))
                say("load", f"{center_id}: FAILED {result.centers_failed[center_id]}")
            else:
                result.centers_loaded.append(center_id)
                say("load", outcome.message)
        return centers_with_raw_data(con, specs)
    finally:
        con.close()


def _finish_run(build_db: Path, run_id: str, status: str, message: str = "") -> None:
    from flows import ingest

    con = duckdb.connect(str(build_db))
    try:
        ingest.finish_run(con, run_id, status, message)
    finally:
        con.close()


def _summarise(result: RunResult, build_db: Path) -> None:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        result.n_analysed = con.execute("select count(*) from marts.analysis_dataset").fetchone()[0]
        result.n_excluded = con.execute("select count(*) from marts.exclusions").fetchone()[0]
        rows = con.execute(
            "select metric, estimate from analysis.response_rates "
            "where group_var = 'overall' and bor_variant = 'unconfirmed' order by metric desc"
        ).fetchall()
        for metric, estimate in rows:
            result.headline[metric] = f"{100 * estimate:.1f} %"
        for endpoint, median in con.execute(
            "select endpoint, median_months from analysis.km_estimates "
            "where group_var = 'overall' order by endpoint desc"
        ).fetchall():
            result.headline[f"median {endpoint}"] = f"{median:.1f} months"
    finally:
        con.close()
