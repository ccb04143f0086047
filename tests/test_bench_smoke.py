"""The benchmark harness itself, on the smallest cohort, so it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys

from impresarc import settings


def test_bench_smoke_writes_table_and_json(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(settings.PROJECT_ROOT / "bench" / "bench.py"),
            "--sizes",
            "272",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "272 patients — floor" in done.stdout
    payload = json.loads(out.read_text())
    assert payload["cores"] >= 1 and "duckdb" in payload["versions"]
    (result,) = payload["results"]
    assert result["patients"] == 272 and result["floor_read_s"] > 0
    cold, rerun = result["runs"]
    assert cold["exit_code"] == 0 and rerun["exit_code"] == 0
    assert cold["n_analysed"] > 250
    assert {"load", "validate", "analyse", "report", "publish"} <= set(cold["stage_seconds"])
    assert cold["peak_rss_mb"] > 50
    # the rerun finds every extract unchanged: no dbt build
    assert "dbt build" in cold["stage_seconds"] and "dbt build" not in rerun["stage_seconds"]
    # ... and no raw-layer checks either: their last results are reused
    assert "raw checks" in cold["stage_seconds"] and "raw checks" not in rerun["stage_seconds"]
