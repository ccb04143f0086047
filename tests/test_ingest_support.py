"""Shared helpers of the ingestion tests (no tests here).

`synthetic_cohort` generates the six-center cohort once per session and size; every test copies
what it corrupts into its own tmp_path, so the shared cohort is never modified.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.ingest import (
    DEFAULT_SPEC_DIR,
    CenterLoadResult,
    ensure_ops_schema,
    load_center,
    load_specs,
)

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SPECS = load_specs(DEFAULT_SPEC_DIR)
SMALL_COHORT = 60
SEED = 20250101
_COHORTS: dict[int, Path] = {}


def synthetic_cohort(tmp_path_factory: pytest.TempPathFactory, patients: int = SMALL_COHORT):
    """Folder written by `impresarc.synth.generate` (``centers/``, ``truth/``), cached."""
    if patients not in _COHORTS:
        try:
            from impresarc.synth import generate
        except ImportError:  # the generator is written in parallel with the loader
            pytest.skip("impresarc.synth.generate is not available yet")
        out = tmp_path_factory.mktemp(f"cohort{patients}")
        generate(out, patients=patients, seed=SEED)
        _COHORTS[patients] = out
    return _COHORTS[patients]


def copy_centers(source_centers: Path, dest: Path, centers: list[str] | None = None) -> Path:
    """Copy center folders into ``dest/centers`` and return that folder."""
    target = dest / "centers"
    target.mkdir(parents=True, exist_ok=True)
    for folder in sorted(source_centers.iterdir()):
        if folder.is_dir() and (centers is None or folder.name in centers):
            shutil.copytree(folder, target / folder.name)
    return target


def ref_fixture(dest: Path) -> Path:
    """The small hand-written `ref` extract, copied to ``dest/centers/ref``; returns centers/."""
    return copy_centers(FIXTURES, dest, ["ref"])


def connect(tmp_path: Path, *, on_disk: bool = False) -> duckdb.DuckDBPyConnection:
    """A build database with the ops schema: in memory (fast), or a file like production."""
    con = duckdb.connect(str(tmp_path / "build.duckdb") if on_disk else ":memory:")
    ensure_ops_schema(con)
    return con


def load(
    con: duckdb.DuckDBPyConnection, centers: Path, center_id: str = "ref", run_id: str = "run-1"
) -> CenterLoadResult:
    return load_center(con, SPECS[center_id], centers / center_id, run_id)


def codes(result: CenterLoadResult) -> set[str]:
    return {issue.code for issue in result.issues}


def physical_line(path: Path, number: int, encoding: str = "utf-8") -> str:
    """Line `number` (1-based) of a file as text, line ending removed."""
    with path.open("rb") as handle:
        for index, raw in enumerate(handle, start=1):
            if index == number:
                return raw.decode(encoding, errors="replace").rstrip("\r\n")
    raise IndexError(f"{path} has fewer than {number} lines")


def ledger_balances(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple]:
    """Files of a run whose data rows do not equal loaded + quarantined (should be none)."""
    return con.execute(
        """
        select center_id, table_name, data_rows_read, rows_loaded, rows_quarantined
        from ops.loads
        where run_id = ? and status = 'loaded'
          and (data_rows_read != rows_loaded + rows_quarantined or not reconciled)
        """,
        [run_id],
    ).fetchall()
