"""Publish the analysts' warehouse: a new DuckDB file swapped in with one atomic rename.

Readers holding the previous file open keep their (unlinked) inode and go on working; a run
killed at any point before the rename leaves the published file exactly as it was.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "analysis", "quality")
# ops tables that carry no patient-level content; ops.quarantine holds raw lines: never published.
PUBLISHED_OPS_TABLES = ("runs", "loads")
TEMP_SUFFIX = ".publishing"


@dataclass(frozen=True)
class PublishResult:
    """What a publish wrote."""

    warehouse: Path
    snapshot: Path | None
    tables: int
    seconds: float


def remove_stale_temp_files(warehouse: Path) -> list[Path]:
    """Delete half-written publish files left by a killed run."""
    stale = sorted(warehouse.parent.glob(f"{warehouse.name}*{TEMP_SUFFIX}*"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _tables_to_copy(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = 'build' order by 1, 2"
    ).fetchall()
    wanted = []
    for schema, table in rows:
        if schema in PUBLISHED_SCHEMAS or (schema == "ops" and table in PUBLISHED_OPS_TABLES):
            wanted.append((schema, table))
    return wanted


def publish_warehouse(build_db: Path, warehouse: Path, run_id: str, keep: int = 5) -> PublishResult:
    """Copy the published schemas of the build database into a new file and swap it in.

    Parameters
    ----------
    build_db
        The internal build database (read, never modified).
    warehouse
        Destination path of the published file.
    run_id
        The run being published (names the snapshot of the previous file).
    keep
        How many dated snapshots of previous warehouses to keep.
    """
    started = time.perf_counter()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(warehouse)
    temp = warehouse.with_name(f"{warehouse.name}{TEMP_SUFFIX}-{run_id}")
    con = duckdb.connect(str(temp))
    try:
        con.execute(f"attach '{build_db}' as build (read_only)")
        tables = _tables_to_copy(con)
        for schema in sorted({s for s, _ in tables}):
            con.execute(f'create schema if not exists "{schema}"')
        for schema, table in tables:
            con.execute(
                f'create table "{schema}"."{table}" as select * from build."{schema}"."{table}"'
            )
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync(temp)
    snapshot = _snapshot_previous(warehouse, run_id, keep)
    os.replace(temp, warehouse)
    _fsync(warehouse.parent)
    return PublishResult(warehouse, snapshot, len(tables), time.perf_counter() - started)


def _snapshot_previous(warehouse: Path, run_id: str, keep: int) -> Path | None:
    if not warehouse.exists() or keep <= 0:
        return None
    snapshots = warehouse.parent / "snapshots"
    snapshots.mkdir(exist_ok=True)
    snapshot = snapshots / f"{warehouse.stem}-before-{run_id}{warehouse.suffix}"
    # A hard link costs nothing and survives the rename that replaces the published name.
    if not snapshot.exists():
        os.link(warehouse, snapshot)
    existing = sorted(snapshots.glob(f"{warehouse.stem}-before-*{warehouse.suffix}"))
    for old in existing[:-keep]:
        old.unlink(missing_ok=True)
    return snapshot


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
