"""The CLI starts fast and does not drag the heavy stack into light commands."""

from __future__ import annotations

import subprocess
import sys
import time

from typer.testing import CliRunner

from impresarc.cli import app

HEAVY_MODULES = ("prefect", "dbt", "great_expectations", "lifelines", "statsmodels", "matplotlib")


def test_help_lists_commands():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("synth", "run", "demo"):
        assert command in result.output


def test_help_is_fast_and_light():
    probe = (
        "import sys, time; t = time.perf_counter();"
        "from impresarc.cli import app;"
        "import typer.testing as tt; tt.CliRunner().invoke(app, ['--help']);"
        "print(time.perf_counter() - t);"
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    wall = time.perf_counter() - start
    assert out[1] == "", f"heavy modules imported by --help: {out[1]}"
    assert wall < 1.5, f"impresarc --help took {wall:.2f} s (budget 1 s plus interpreter start)"


def test_offline_environment_defaults_and_user_override(monkeypatch):
    import os

    from impresarc import settings

    for key in settings.OFFLINE_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    settings.apply_offline_env()
    assert os.environ["DO_NOT_TRACK"] == "1"
    assert os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    assert os.environ["PREFECT_HOME"].startswith(str(settings.PROJECT_ROOT))
    assert os.environ["DBT_PROFILES_DIR"] == str(settings.DBT_PROJECT_DIR)
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "DEBUG", "a user's own setting must win"
