"""Start Prefect's temporary API server at CLI start, in its own process, and wait for it later.

Called by flows.run.run_pipeline. Prefect 3.9.1 with PREFECT_API_URL unset does the same
lazily at the flow's first API call (prefect.server.api.server.SubprocessASGIServer): it first
imports the whole server package in the CLI process (about 2.5 s, only to reach that class),
then starts uvicorn and waits for it, all on the critical path. Started here before anything
imports Prefect, the server boots while the CLI imports Prefect, the flow, DuckDB, pandas (one
core each), and the CLI process never imports the server's code.

Must run before the first `import prefect` of the process: Prefect reads PREFECT_API_URL into
its settings context at import.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from flows.child_process import die_with_parent

_server: subprocess.Popen | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_prefect_api() -> str | None:
    """Start the server unless PREFECT_API_URL is set; point PREFECT_API_URL at it.

    Returns the API URL; None (Prefect then behaves as before) when a server is configured
    (PREFECT_API_URL), one was started already, or Prefect is already imported (its settings
    would not see the URL).
    """
    global _server
    if os.environ.get("PREFECT_API_URL") or _server is not None or "prefect" in sys.modules:
        return None
    spec = importlib.util.find_spec("prefect")  # locates the package without importing it
    app_dir = str(Path(spec.origin).parent.parent)
    port = _free_port()
    # the environment SubprocessASGIServer gives its server (the offline env is inherited)
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    _server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            app_dir,
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env=env,
        preexec_fn=die_with_parent,
    )
    atexit.register(stop_prefect_api)
    url = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = url
    return url


def wait_for_prefect_api(timeout: float | None = None, meanwhile: Sequence[str] = ()) -> None:
    """Block until the server started here answers /health (no-op when none was started).

    Parameters
    ----------
    timeout : float, optional
        Seconds to wait; Prefect's own start-up timeout setting by default.
    meanwhile : sequence of str
        Modules the run will import later, imported in this order while the server is not
        up yet: the process would otherwise sit idle during the wait. Stops at the first
        module imported after the server is up.
    """
    if _server is None:
        return
    if timeout is None:
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
    url = os.environ["PREFECT_API_URL"] + "/health"
    deadline = time.monotonic() + timeout
    to_import = list(meanwhile)
    while time.monotonic() < deadline:
        if _server.poll() is not None:
            raise RuntimeError(f"Prefect API server exited with code {_server.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        if to_import:
            importlib.import_module(to_import.pop(0))
        else:
            time.sleep(0.05)
    raise RuntimeError(f"Prefect API server not up after {timeout:.0f}s ({url})")


def stop_prefect_api() -> None:
    """Stop the server started here (at exit of the process that started it)."""
    global _server
    if _server is None:
        return
    _server.terminate()
    try:
        _server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _server.kill()
        _server.wait()
    _server = None
