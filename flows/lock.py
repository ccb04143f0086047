"""One run at a time per warehouse: an advisory file lock the kernel releases on any exit."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RunLockedError(RuntimeError):
    """Another run holds the warehouse's lock."""


# Locks this process already holds: the CLI takes the lock before Prefect starts (so a second
# run is refused at once), and the flow takes it again for served deployments.
_HELD: set[tuple[Path, int]] = set()


@contextmanager
def run_lock(lock_file: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the run lock for the duration of the block.

    flock is tied to the open file description, so a run killed with SIGKILL leaves no stale
    lock behind: the next run simply acquires it.

    Parameters
    ----------
    lock_file
        The lock file (created if missing).
    wait_seconds
        How long to wait for a running run to finish before refusing; 0 refuses at once.
    """
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    holder_key = (lock_file.resolve(), threading.get_ident())
    if holder_key in _HELD:
        yield
        return
    handle = lock_file.open("a+")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown"
                    raise RunLockedError(
                        f"another impresarc run is in progress on this warehouse ({holder}); "
                        f"lock file {lock_file}. Wait for it to finish or pass --wait SECONDS."
                    ) from None
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        _HELD.add(holder_key)
        try:
            yield
        finally:
            _HELD.discard(holder_key)
    finally:
        handle.close()
