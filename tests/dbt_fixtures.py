"""Helpers of the dbt test modules: generate a synthetic cohort, load its raw layer with the
ingest flow's loader, and run dbt on it in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEMO_PSEUDONYM_KEY = "impresarc-demo-key-not-secret"
CENTER_IDS = ("ref", "frcsv", "xlsx", "wide", "shifted", "legacy")


def dbt_env(build_db: Path, pseudonym_key: str = DEMO_PSEUDONYM_KEY) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        IMPRESARC_BUILD_DB=str(Path(build_db).resolve()),
        IMPRESARC_PSEUDONYM_KEY=pseudonym_key,
        DBT_PROFILES_DIR=str(DBT_PROJECT_DIR),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


@dataclass
class DbtRun:
    returncode: int
    seconds: float
    stdout: str
    results: list[dict]

    def failures(self) -> list[str]:
        return [
            f"{r['unique_id']}: {r.get('message')}"
            for r in self.results
            if r.get("status") in {"error", "fail", "runtime error"}
        ]


def run_dbt(
    args: list[str],
    build_db: Path,
    target_path: Path | None = None,
    dbt_vars: dict | None = None,
) -> DbtRun:
    """Run dbt in a child process (its DuckDB connection is released when it exits).

    ``target_path`` keeps the run's artifacts (and logs) out of the project folder, so that
    tests running side by side do not overwrite each other's ``run_results.json``.
    """
    command = [sys.executable, "-m", "dbt.cli.main", *args, "--project-dir", str(DBT_PROJECT_DIR)]
    if target_path is not None:
        command += ["--target-path", str(target_path), "--log-path", str(target_path / "logs")]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    env = dbt_env(build_db)
    started = time.perf_counter()
    proc = subprocess.run(
        command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    results_file = (target_path or DBT_PROJECT_DIR / "target") / "run_results.json"
    results = []
    if results_file.exists():
        results = json.loads(results_file.read_text()).get("results", [])
    return DbtRun(proc.returncode, seconds, proc.stdout + proc.stderr, results)


# --------------------------------------------------------------------------- raw layer


def load_raw_layer(build_db: Path, centers_dir: Path, centers: Iterable[str] = CENTER_IDS) -> str:
    """Fill the ``raw_<center_id>`` schemas of ``build_db`` with the ingest flow's loader.

    Returns the loader used. Every center must load (``raise_for_status``).
    """
    from flows.ingest import load_center

    con = duckdb.connect(str(build_db))
    try:
        for center_id in centers:
            load_center(con, center_id, centers_dir / center_id).raise_for_status()
    finally:
        con.close()
    return "flows.ingest.load_center"


# --------------------------------------------------------------------------- one cohort


@dataclass
class BuiltCohort:
    """A synthetic cohort, its raw layer and the dbt build on it."""

    root: Path
    build_db: Path
    target_path: Path
    build: DbtRun
    loader: str

    @property
    def truth_dir(self) -> Path:
        return self.root / "truth"


def build_cohort(root: Path, patients: int, seed: int) -> BuiltCohort:
    """Generate a cohort into ``root``, load its raw layer and run ``dbt build`` on it."""
    from impresarc.synth import generate

    generate(root, patients=patients, seed=seed)
    build_db = root / "build.duckdb"
    loader = load_raw_layer(build_db, root / "centers")
    target_path = root / "dbt_target"
    build = run_dbt(["build"], build_db, target_path=target_path)
    return BuiltCohort(root, build_db, target_path, build, loader)
