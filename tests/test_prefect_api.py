"""flows.prefect_api: the run starts Prefect's API server itself, before Prefect is imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from flows import prefect_api
from impresarc import settings


def test_no_server_is_started_when_one_is_configured(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://example.invalid/api")
    assert prefect_api.start_prefect_api() is None
    assert prefect_api._server is None
    prefect_api.wait_for_prefect_api()  # nothing started: returns at once


def test_the_started_server_answers_and_prefect_uses_it(tmp_path):
    # a fresh process: Prefect must not be imported yet when the server is started
    script = textwrap.dedent(
        """
        import os, sys, urllib.request
        from impresarc import settings
        settings.apply_offline_env()
        os.environ.pop("PREFECT_API_URL", None)
        from flows import prefect_api
        url = prefect_api.start_prefect_api()
        assert url and url.startswith("http://127.0.0.1:"), url
        assert "prefect" not in sys.modules
        # the server needs seconds to boot: the wait imports what the run needs later
        prefect_api.wait_for_prefect_api(meanwhile=["lifelines"])
        assert "lifelines" in sys.modules
        with urllib.request.urlopen(url + "/health", timeout=5) as response:
            assert response.status == 200
        from prefect.settings import PREFECT_API_URL
        assert PREFECT_API_URL.value() == url, PREFECT_API_URL.value()
        assert prefect_api.start_prefect_api() is None  # once per process
        server = prefect_api._server
        prefect_api.stop_prefect_api()
        assert server.poll() is not None
        print("ok")
        """
    )
    env = {**settings.OFFLINE_ENV, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "ok"
