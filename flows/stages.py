"""The stages of a run that decide something: the raw-layer gate, and reuse of unchanged work."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows.progress import say
from flows.run import RunResult
from flows.stage_cache import StageCache
from flows.tasks import analyse_task, reuse_analysis_task, reuse_quality_task, validate_task
from impresarc import settings

UNCHANGED = "raw data, dbt project, checks, code and settings unchanged since the last run"


def stage_digest(db: Path, run_id: str, centers: list[str], key: str, stage: str) -> str | None:
    """Digest of what `stage` reads (see `flows.stage_cache`); None when it must run anyway."""
    from flows.stage_cache import STAGE_INPUTS, stage_fingerprint

    con = duckdb.connect(str(db))
    try:
        return stage_fingerprint(con, run_id, centers, key, STAGE_INPUTS[stage])
    finally:
        con.close()


def validate(cache: StageCache, db, run_id, centers, key, quality_dir, previous, raw):
    """The checks of the harmonized layer, or the last run's results when nothing changed."""
    if previous is not None:
        return reuse_quality_task(db, run_id, quality_dir, previous)
    quality = validate_task(db, run_id, quality_dir, raw)
    cache.put("quality", stage_digest(db, run_id, centers, key, "quality"), quality)
    return quality


def analyse(
    cache: StageCache, db: Path, run_id: str, centers: list[str], key: str, reports: Path
) -> dict:
    """The statistics: recomputed, or the last run's when the marts and the code are the same."""
    fingerprint = stage_digest(db, run_id, centers, key, "analysis")
    tables = cache.get("analysis", fingerprint)
    if tables is not None:
        say("analyse", f"statistics reused from the last run: {UNCHANGED}")
        return reuse_analysis_task(db, tables, reports)
    cache.forget("analysis")
    tables = analyse_task(db, reports)
    cache.put("analysis", fingerprint, tables)
    return tables


def apply_gate(result: RunResult, db: Path, raw, centers: list[str]) -> list[str]:
    """Accept each center's new raw data, or put its previous data back when a fatal check failed.

    Returns the centers whose raw layer is complete after that: the ones dbt harmonizes.
    """
    from flows import ingest
    from flows.ingest.gate import accept_center, reject_center

    blocked = raw.fatal_centers
    con = duckdb.connect(str(db))
    try:
        for center_id in raw.results:
            if center_id not in blocked:
                accept_center(con, center_id, result.run_id)
                continue
            rejected = reject_center(con, center_id, result.run_id, blocked[center_id])
            if not rejected and center_id in result.centers_failed:
                continue  # the loader refused the files: its message says why
            kept = "new data rejected, previous data kept" if rejected else "nothing new to reject"
            result.centers_failed[center_id] = (
                f"blocked by fatal quality check(s) ({kept}): " + "; ".join(blocked[center_id])
            )
            if center_id in result.centers_loaded:
                result.centers_loaded.remove(center_id)
            say("raw checks", f"{center_id}: BLOCKED {result.centers_failed[center_id]}")
        if not blocked:
            return centers
        specs = ingest.load_specs(settings.CENTER_SPECS_DIR, invalid=[])
        return centers_with_raw_data(con, specs)
    finally:
        con.close()


def centers_with_raw_data(con: duckdb.DuckDBPyConnection, specs: dict) -> list[str]:
    """Centers whose raw layer holds every table of their spec: the ones dbt harmonizes."""
    present = set(
        con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema like 'raw\\_%' escape '\\'"
        ).fetchall()
    )
    present = {name for (name,) in present}
    return sorted(
        center_id
        for center_id, spec in specs.items()
        if all(f"raw_{center_id}.{table}" in present for table in spec.tables)
    )
