"""Terminal progress for manual runs: one line per stage and per center, on stderr."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

_START = time.perf_counter()


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children (dbt), in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def seconds_since_process_start() -> float | None:
    """Seconds since this process started (Linux /proc; None elsewhere)."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None
    # field 22 of stat (the 20th after the command name): start time in clock ticks since boot
    return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))


def say(stage: str, message: str) -> None:
    """Print one progress line unless IMPRESARC_QUIET is set."""
    if os.environ.get("IMPRESARC_QUIET"):
        return
    elapsed = time.perf_counter() - _START
    print(f"[{elapsed:7.1f}s] {stage:<10} {message}", file=sys.stderr, flush=True)
