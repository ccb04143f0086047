"""Helpers for end-to-end tests: run `impresarc` in a child process, kill it at a stage."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

IMPRESARC = str(Path(sys.executable).parent / "impresarc")


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `impresarc ARGS` to completion in a fresh process."""
    return subprocess.run(
        [IMPRESARC, *args], capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
    )


def run_and_kill_at(stage: str, *args: str, timeout: float = 600) -> list[str]:
    """Start `impresarc ARGS`, SIGKILL it as soon as STAGE reports `started`.

    Returns the progress lines seen. Fails if the run ends before reaching the stage.
    """
    proc = subprocess.Popen(
        [IMPRESARC, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "IMPRESARC_QUIET"},
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        for line in proc.stderr:
            seen.append(line.rstrip())
            if f"] {stage:<10} started" in line:
                # the whole process group, as a machine or container kill would: no survivor
                # (dbt child, Prefect's temporary server) gets to clean up either
                os.killpg(proc.pid, signal.SIGKILL)
                break
        proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"run ended before stage {stage!r}: {seen[-5:]}"
    return seen


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file, or None when it does not exist."""
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()
