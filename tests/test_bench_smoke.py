"""The benchmark harness itself, on the smallest cohort, so it cannot rot."""

from __future__ import annotations

import importlib.util
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
    # the time outside the stages is named, and stages plus overheads account for the run
    overhead = cold["overhead_seconds"]
    assert {
        "process start and CLI imports",
        "waiting for Prefect's API server (importing meanwhile)",
        "imports, Prefect flow run and lock",
        "between stages (hashing inputs, bookkeeping)",
    } == set(overhead)
    assert all(seconds >= 0 for seconds in overhead.values())
    accounted = sum(cold["stage_seconds"].values()) + sum(overhead.values())
    assert accounted <= cold["wall_s"] and cold["wall_s"] - accounted < 10, (accounted, cold)
    assert "(outside stages) waiting for Prefect's API server (importing" in done.stdout
    # dbt's own fixed costs (its import and the project parse) are named inside its stage
    phases = cold["dbt_phases"]
    assert list(phases)[:3] == ["python start", "import dbt", "parse"], phases
    assert "build --exclude-resource-type" in phases and "docs generate" in phases
    assert sum(phases.values()) <= cold["stage_seconds"]["dbt build"] + 1
    assert rerun["dbt_phases"] == {}  # no dbt build on the rerun
    (budget,) = payload["budgets"]  # only the 272-patient budget applies to this size
    assert budget["limit"] == 30.0 and budget["measured"] == cold["wall_s"]
    assert budget["met"] == (cold["wall_s"] <= 30.0)
    assert "budget 272 patients cold, end to end:" in done.stdout


def _result(patients, cold_s, rerun_s, rss=100.0):
    runs = [{"wall_s": cold_s, "peak_rss_mb": rss}, {"wall_s": rerun_s, "peak_rss_mb": rss}]
    return {"patients": patients, "runs": runs}


def test_budgets_are_judged_on_the_measured_runs():
    spec = importlib.util.spec_from_file_location(
        "bench_script", settings.PROJECT_ROOT / "bench" / "bench.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    checked = bench.check_budgets(
        [
            _result(272, 29.0, 10.0),
            _result(27_200, 40.0, 12.0),
            _result(272_000, 500.0, 100.0, rss=5000.0),
        ]
    )
    verdicts = {c["budget"]: (round(c["measured"], 3), c["met"]) for c in checked}
    assert verdicts == {
        "272 patients cold, end to end": (29.0, True),
        "272,000 patients cold, end to end": (500.0, False),
        "272,000 patients cold, peak memory (MiB)": (5000.0, False),
        "272,000 patients rerun / cold": (0.2, True),
        "growth 27,200 -> 272,000 (cold time ratio)": (12.5, False),
    }
