"""The Prefect tasks of a run: thin, typed wrappers around the libraries that do the work."""

from __future__ import annotations

from pathlib import Path

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.dbt_build import DbtResult, run_dbt


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def load_center_task(con: duckdb.DuckDBPyConnection, spec, center_dir: Path, run_id: str):
    """Load one center's extract files into its raw schema."""
    from flows.ingest import load_center

    cursor = con.cursor()
    try:
        return load_center(cursor, spec, center_dir, run_id)
    finally:
        cursor.close()


@task(cache_policy=NO_CACHE)
def dbt_build_task(build_db: Path, pseudonym_key: str, centers: list[str]) -> DbtResult:
    """Seed, build and test the dbt project on the build database for these centers."""
    return run_dbt(["build"], build_db, pseudonym_key, {"centers": centers})


@task(cache_policy=NO_CACHE)
def dbt_docs_task(build_db: Path, pseudonym_key: str, centers: list[str], out_dir: Path) -> Path:
    """Generate the dbt docs site and copy it among the run's outputs."""
    import shutil

    from flows.dbt_build import dbt_target_dir

    # --static embeds manifest and catalog, so the page works opened from disk (file://);
    # --no-compile reuses what `dbt build` compiled into the same target folder
    out_dir.mkdir(parents=True, exist_ok=True)
    static = dbt_target_dir(build_db) / "static_index.html"
    manifest = dbt_target_dir(build_db) / "manifest.json"
    if not static.exists() or static.stat().st_mtime < manifest.stat().st_mtime:
        run_dbt(
            ["docs", "generate", "--static", "--no-compile"],
            build_db,
            pseudonym_key,
            {"centers": centers},
        )
    shutil.copy2(static, out_dir / "index.html")
    return out_dir / "index.html"


@task(cache_policy=NO_CACHE)
def raw_checks_task(build_db: Path, run_id: str, out_dir: Path):
    """Run every center's raw-layer checks: the gate before dbt build."""
    from impresarc.quality.runner import check_raw_layer

    _quiet_gx()
    return check_raw_layer(build_db, run_id, out_dir)


@task(cache_policy=NO_CACHE)
def validate_task(build_db: Path, run_id: str, out_dir: Path, raw=None):
    """Run the harmonized-layer checks per center, record every result and write the reports."""
    from impresarc.quality.runner import run_quality_checks

    _quiet_gx()
    return run_quality_checks(build_db, run_id, out_dir, raw=raw)


@task(cache_policy=NO_CACHE)
def reuse_quality_task(build_db: Path, run_id: str, out_dir: Path, previous):
    """Record the last run's check results for this run (same inputs) and write its pages."""
    from impresarc.quality.reuse import record_again

    return record_again(build_db, run_id, out_dir, previous)


def _quiet_gx() -> None:
    import logging

    import great_expectations  # noqa: F401 - its import sets some of its loggers to INFO

    # GX logs every temporary Data Docs folder at INFO: noise on the run's terminal
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


@task(cache_policy=NO_CACHE)
def analyse_task(build_db: Path, out_dir: Path) -> dict:
    """Compute the study's statistics from the marts and store them in schema analysis."""
    from analysis.tables import compute_all, write_csvs, write_tables

    con = duckdb.connect(str(build_db))
    try:
        dataset = con.execute("select * from marts.analysis_dataset").df()
        adverse_events = con.execute("select * from marts.adverse_events").df()
        tables = compute_all(dataset, adverse_events)
        write_tables(con, tables)
    finally:
        con.close()
    write_csvs(out_dir / "tables", tables)
    return tables


@task(cache_policy=NO_CACHE)
def reuse_analysis_task(build_db: Path, tables: dict, out_dir: Path) -> dict:
    """Store the last run's statistics (computed from the same marts) for this run."""
    from analysis.tables import write_csvs, write_tables

    con = duckdb.connect(str(build_db))
    try:
        write_tables(con, tables)
    finally:
        con.close()
    write_csvs(out_dir / "tables", tables)
    return tables


@task(cache_policy=NO_CACHE)
def report_task(build_db: Path, tables: dict, run_id: str, out_dir: Path) -> Path:
    """Render the self-contained HTML study report."""
    from analysis.report import render_report

    con = duckdb.connect(str(build_db), read_only=True)
    try:
        data_cut = {
            "run_id": run_id,
            "exclusions": con.execute("select * from marts.exclusions").df(),
            # the files whose data is in place: the last successful load of each table
            "loads": con.execute(
                "select center_id, table_name, source_file, sha256, rows_loaded, run_id "
                "from ops.current_loads order by center_id, table_name"
            ).df(),
        }
    finally:
        con.close()
    return render_report(tables, data_cut, out_dir / "study_report.html")


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_task(build_db: Path, warehouse: Path, run_id: str, keep: int):
    """Swap in the analysts' warehouse atomically."""
    from flows.publish import publish_warehouse

    return publish_warehouse(build_db, warehouse, run_id, keep=keep)
