"""Run dbt in a child process against the internal build database.

A child process, not the in-process runner: dbt-duckdb keeps its connection open for the life
of the process, which would hold the build database's single write lock through later stages.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from impresarc import settings

DEMO_PSEUDONYM_KEY = "impresarc-demo-key-not-secret"


class DbtBuildError(RuntimeError):
    """dbt exited with failures; the message lists the failing nodes."""


@dataclass
class DbtResult:
    """Outcome of one dbt command."""

    command: str
    seconds: float
    statuses: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def dbt_target_dir(build_db: Path) -> Path:
    """dbt's target/ (manifest, partial parse, docs) for this build database."""
    return build_db.parent / "dbt_target"


def dbt_env(build_db: Path, pseudonym_key: str) -> dict[str, str]:
    """Environment of the dbt child: build database path and the pseudonymisation key."""
    env = dict(os.environ)
    env.update(
        DBT_TARGET_PATH=str(dbt_target_dir(build_db).resolve()),
        DBT_LOG_PATH=str((build_db.parent / "dbt_logs").resolve()),
        IMPRESARC_BUILD_DB=str(build_db.resolve()),
        IMPRESARC_PSEUDONYM_KEY=pseudonym_key,
        DBT_PROFILES_DIR=str(settings.DBT_PROJECT_DIR),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def _die_with_parent() -> None:
    """Linux: SIGKILL the dbt child if the run dies, so no orphan keeps the build DB locked."""
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def run_dbt(
    args: list[str],
    build_db: Path,
    pseudonym_key: str,
    dbt_vars: dict | None = None,
) -> DbtResult:
    """Run `dbt <args>` in the project and summarise `run_results.json`.

    Raises
    ------
    DbtBuildError
        When dbt exits non-zero; the message names each failing model or test.
    """
    command = [
        sys.executable,
        "-m",
        "dbt.cli.main",
        *args,
        "--project-dir",
        str(settings.DBT_PROJECT_DIR),
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    started = time.perf_counter()
    (dbt_target_dir(build_db) / "run_results.json").unlink(missing_ok=True)
    proc = subprocess.run(
        command,
        preexec_fn=_die_with_parent,
        cwd=settings.DBT_PROJECT_DIR,
        env=dbt_env(build_db, pseudonym_key),
        capture_output=True,
        text=True,
    )
    result = DbtResult(" ".join(args), time.perf_counter() - started)
    results_file = dbt_target_dir(build_db) / "run_results.json"
    if results_file.exists():
        for node in json.loads(results_file.read_text()).get("results", []):
            status = str(node.get("status"))
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status in {"error", "fail", "runtime error"}:
                result.failures.append(f"{node.get('unique_id')}: {node.get('message')}")
    if proc.returncode != 0:
        detail = "\n".join(result.failures) or proc.stdout[-4000:] + proc.stderr[-2000:]
        raise DbtBuildError(f"dbt {args[0]} failed (exit {proc.returncode}):\n{detail}")
    return result
