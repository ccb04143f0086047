"""Terminal progress for manual runs: one line per stage and per center, on stderr."""

from __future__ import annotations

import os
import resource
import sys
import time

_START = time.perf_counter()


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children (dbt), in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def say(stage: str, message: str) -> None:
    """Print one progress line unless IMPRESARC_QUIET is set."""
    if os.environ.get("IMPRESARC_QUIET"):
        return
    elapsed = time.perf_counter() - _START
    print(f"[{elapsed:7.1f}s] {stage:<10} {message}", file=sys.stderr, flush=True)
