"""What every child process of a run shares: it dies with the run."""

from __future__ import annotations

import contextlib

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux `preexec_fn`: SIGKILL the child if the run dies (atexit does not run on SIGKILL),
    so that no orphan keeps the build database locked or a server running."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
