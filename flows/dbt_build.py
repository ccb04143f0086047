"""Run dbt in a child process against the internal build database.

A child process, not the in-process runner: dbt-duckdb keeps its connection open for the life
of the process, which would hold the build database's single write lock through later stages;
the child also dies with the run (PR_SET_PDEATHSIG), so no orphan keeps the database locked.

Inside the child, dbt runs through its Python API (`dbtRunner`): one child can then run several
dbt commands on one parsed manifest, paying the dbt import (about 3 s) and the parse once. The
flow's plain `build` uses this: it builds without the unit tests (they depend on the code
only; `make test` runs them) and then writes the static docs page in the same child, so that
the docs stage finds `static_index.html` newer than `manifest.json` and only copies it.

The child runs in the build database's folder and names the database relative to it, so that
dbt's parse state (`partial_parse.msgpack`, keyed among others on the profile's `path`) is the
same for every warehouse: a machine-wide copy (`PARSE_CACHE`) saves a fresh warehouse dbt's
full parse (several seconds); dbt itself re-parses whatever changed since that copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from flows.child_process import die_with_parent
from impresarc import settings

DEMO_PSEUDONYM_KEY = "impresarc-demo-key-not-secret"

# The flow's production build. Unit tests check the models' logic on fixed inline fixtures:
# a function of the code, not of the data, run by `make test` (tests/test_dbt_crosscheck.py
# builds with them), so every data build need not repeat them (about 5 s at 272 patients).
PRODUCTION_BUILD = ["build", "--exclude-resource-type", "unit_test"]
# Written after a successful production build, in the same child (best effort: a failure here
# leaves the docs stage to generate them itself).
DOCS_AFTER_BUILD = ["docs", "generate", "--static", "--no-compile"]
# The file log keeps the run's info lines (one START and one result line per node); the debug
# level (every SQL statement) costs about a tenth of the build's CPU. run_results.json keeps
# each node's status, message, timing and compiled SQL. DBT_LOG_LEVEL_FILE=debug restores it.
FILE_LOG_LEVEL = "info"
# The last successful build's parse state, shared by every warehouse of this checkout
# (dbt_project/target/ is ignored by git and removed by `make clean`).
PARSE_CACHE = settings.DBT_PROJECT_DIR / "target" / "parse_cache" / "partial_parse.msgpack"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# Where the child writes how long each of its phases took (for `make bench`)
PHASES_FILE = "impresarc_phases.json"


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
    """Environment of the dbt child: build database path and the pseudonymisation key.

    The database path is relative to the child's working folder (`build_db.parent`): dbt's
    parse state then does not depend on where the warehouse is.
    """
    env = dict(os.environ)
    env.setdefault("DBT_LOG_LEVEL_FILE", FILE_LOG_LEVEL)
    env.update(
        DBT_TARGET_PATH=str(dbt_target_dir(build_db).resolve()),
        DBT_LOG_PATH=str((build_db.parent / "dbt_logs").resolve()),
        IMPRESARC_BUILD_DB=build_db.name,
        IMPRESARC_PSEUDONYM_KEY=pseudonym_key,
        DBT_PROFILES_DIR=str(settings.DBT_PROJECT_DIR),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DO_NOT_TRACK="1",
    )
    return env


def run_dbt(
    args: list[str],
    build_db: Path,
    pseudonym_key: str,
    dbt_vars: dict | None = None,
) -> DbtResult:
    """Run `dbt <args>` in the project and summarise `run_results.json`.

    A plain `["build"]` is the flow's production build: `PRODUCTION_BUILD`, then the static
    docs (`DOCS_AFTER_BUILD`) in the same child. Any other arguments run as given.

    Raises
    ------
    DbtBuildError
        When dbt exits non-zero; the message names each failing model or test.
    """
    common = ["--project-dir", str(settings.DBT_PROJECT_DIR)]
    if dbt_vars:
        common += ["--vars", json.dumps(dbt_vars)]
    if args == ["build"]:
        steps = [
            {"args": PRODUCTION_BUILD, "required": True},
            {"args": DOCS_AFTER_BUILD, "required": False},
        ]
    else:
        steps = [{"args": args, "required": True}]
    spec = {"common": common, "steps": steps}
    command = [sys.executable, "-m", "flows.dbt_build", json.dumps(spec)]
    started = time.perf_counter()
    target = dbt_target_dir(build_db)
    (target / "run_results.json").unlink(missing_ok=True)
    (target / PHASES_FILE).unlink(missing_ok=True)
    _reuse_parse_state(target)
    proc = subprocess.run(
        command,
        preexec_fn=die_with_parent,
        cwd=build_db.resolve().parent,
        env=dbt_env(build_db, pseudonym_key),
        capture_output=True,
        text=True,
    )
    if proc.returncode == 0:
        _share_parse_state(target)
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


def _reuse_parse_state(target: Path) -> None:
    """A target folder without parse state starts from the shared one (a cache: never fatal)."""
    own = target / PARTIAL_PARSE_FILE
    if own.exists() or not PARSE_CACHE.exists():
        return
    with contextlib.suppress(OSError):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PARSE_CACHE, own)


def _share_parse_state(target: Path) -> None:
    """Publish this target's parse state for the next fresh warehouse (atomic replace)."""
    own = target / PARTIAL_PARSE_FILE
    with contextlib.suppress(OSError):
        if not own.exists() or (
            PARSE_CACHE.exists() and PARSE_CACHE.stat().st_mtime >= own.stat().st_mtime
        ):
            return
        PARSE_CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = PARSE_CACHE.with_name(f".{PARTIAL_PARSE_FILE}.{os.getpid()}.tmp")
        shutil.copyfile(own, partial)
        os.replace(partial, PARSE_CACHE)


def _child(spec: dict) -> int:
    """Body of the dbt child: run each step with dbtRunner, on one manifest when several.

    `spec`: {"common": arguments of every step, "steps": [{"args": [...], "required": bool}]}.

    Exit status as the dbt CLI's: 0 success, 1 a node failed, 2 dbt itself failed.
    """
    import traceback

    from flows.progress import seconds_since_process_start

    phases = _Phases(seconds_since_process_start())
    from dbt.cli.main import dbtRunner

    phases.done("import dbt")
    common, steps = spec["common"], spec["steps"]
    manifest = None
    if len(steps) > 1:
        # parse once for every step; manifest.json is written at the end of the build
        parsed = dbtRunner().invoke(["parse", "--no-write-json", *common])
        phases.done("parse")
        if not parsed.success:
            if parsed.exception is not None:
                traceback.print_exception(parsed.exception, file=sys.stderr)
            return 2
        manifest = parsed.result
    for step in steps:
        outcome = dbtRunner(manifest=manifest).invoke([*step["args"], *common])
        phases.done(" ".join(step["args"][:2]))
        if outcome.success:
            continue
        if outcome.exception is not None:
            traceback.print_exception(outcome.exception, file=sys.stderr)
        if step["required"]:
            return 1 if outcome.exception is None else 2
        print(f"dbt {' '.join(step['args'][:2])} failed (not required: continuing)", flush=True)
    return 0


class _Phases:
    """Seconds of each phase of the child, rewritten to `PHASES_FILE` after each (best effort)."""

    def __init__(self, since_start: float | None) -> None:
        self.seconds = {"python start": since_start or 0.0}
        self.last = time.perf_counter()
        self.file = Path(os.environ.get("DBT_TARGET_PATH", ".")) / PHASES_FILE

    def done(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = now - self.last
        self.last = now
        with contextlib.suppress(OSError):
            self.file.write_text(json.dumps(self.seconds))


if __name__ == "__main__":
    sys.exit(_child(json.loads(sys.argv[1])))
