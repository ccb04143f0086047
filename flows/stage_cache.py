"""Reuse a stage's output when everything it reads is unchanged since it last ran.

A rerun on unchanged extracts skips `dbt build` (see `flows.fingerprint`); the quality checks and
the statistics are pure functions of the same inputs plus their own code and settings, so their
last output is stored beside the build database with a digest of those inputs and reused when the
digest matches. The stored object never leaves ``<warehouse dir>/.build/`` (it holds what the
build database holds: the quality results list offending values shown on a center's own page).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import duckdb

from flows.fingerprint import build_fingerprint
from impresarc import settings

# the folders (besides the marts' inputs) whose files each stage's output depends on
STAGE_INPUTS = {
    "quality": ("expectations", "impresarc/quality", "flows/centers"),
    "analysis": ("analysis",),
}
# a file of one of these statuses was read fine or is the one in place: any other status
# (failed, not applied, rejected) changes what the checks report, so nothing is reused
SETTLED_STATUSES = ("loaded", "skipped_unchanged")


def stage_fingerprint(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    centers: list[str],
    key: str,
    inputs: tuple[str, ...],
) -> str | None:
    """Digest of the marts' inputs plus the files under `inputs`; None if nothing may be reused.

    Nothing is reused when a file of this run did not load cleanly or when a load still waits
    for the raw-layer gate: the checks must run then.
    """
    unsettled = con.execute(
        "select count(*) from ops.loads where run_id = ? and status not in (?, ?)",
        [run_id, *SETTLED_STATUSES],
    ).fetchone()[0]
    if unsettled or _pending_gate(con):
        return None
    digest = hashlib.sha256(build_fingerprint(con, centers, key).encode())
    for folder in inputs:
        root = settings.PROJECT_ROOT / folder
        for path in sorted(p for p in root.rglob("*") if _is_input(p)):
            digest.update(str(path.relative_to(settings.PROJECT_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _pending_gate(con: duckdb.DuckDBPyConnection) -> bool:
    from flows.ingest.gate import GATE_DDL

    con.execute(GATE_DDL)
    return bool(
        con.execute(
            "select count(*) from ops.current_loads l where not exists "
            "(select 1 from ops.gate_decisions d where d.load_id = l.load_id)"
        ).fetchone()[0]
    )


def _is_input(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"


class StageCache:
    """The last output of each stage, keyed by the fingerprint of its inputs."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, stage: str, fingerprint: str | None) -> Any | None:
        """The stored output of `stage` if it was made from inputs with this fingerprint."""
        path = self.folder / f"{stage}.pickle"
        if fingerprint is None or not path.exists():
            return None
        try:
            with path.open("rb") as handle:
                stored_fingerprint, value = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # unreadable or from other code: recompute
        return value if stored_fingerprint == fingerprint else None

    def put(self, stage: str, fingerprint: str | None, value: Any) -> None:
        """Store `value` for `stage` (atomically), or forget the stage when not reusable."""
        path = self.folder / f"{stage}.pickle"
        if fingerprint is None:
            path.unlink(missing_ok=True)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with partial.open("wb") as handle:
            pickle.dump((fingerprint, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)

    def forget(self, stage: str) -> None:
        """Drop the stored output (before recomputing it, so a failed stage is never reused)."""
        (self.folder / f"{stage}.pickle").unlink(missing_ok=True)
