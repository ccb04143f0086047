"""Load several centers concurrently, one thread and one cursor per center.

The Prefect flow wraps `load_center` in its own tasks; this helper does the same without
Prefect, for the tests, scripts and anyone loading by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from flows.ingest.folder import check_extracts_folder
from flows.ingest.ledger import ensure_ops_schema
from flows.ingest.load import load_center
from flows.ingest.results import CenterLoadResult
from flows.ingest.spec import CenterSpec


def load_centers(
    con: duckdb.DuckDBPyConnection,
    specs: Mapping[str, CenterSpec],
    extracts_dir: Path,
    run_id: str,
    *,
    max_workers: int | None = None,
) -> dict[str, CenterLoadResult]:
    """Load every configured center in threads; a failing center does not stop the others.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection to the build database; each thread gets its own cursor.
    specs : mapping of center id to CenterSpec
    extracts_dir : Path
        Folder of center folders (or its parent holding ``centers/``).
    run_id : str
    max_workers : int, optional
        Threads (default: one per center, at most 6).

    Returns
    -------
    dict[str, CenterLoadResult]
        By center id, in the order of `specs`.
    """
    folder = check_extracts_folder(extracts_dir, specs)
    ensure_ops_schema(con)  # once, before the threads: DDL from several threads would conflict
    cursors = {center_id: con.cursor() for center_id in specs}  # created here, used there
    workers = max_workers or max(1, min(len(specs), 6))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
            futures = {
                center_id: pool.submit(
                    load_center, cursors[center_id], spec, folder.center_dir(center_id), run_id
                )
                for center_id, spec in specs.items()
            }
            return {center_id: future.result() for center_id, future in futures.items()}
    finally:
        for cursor in cursors.values():
            cursor.close()
