"""Benchmark: what a run costs from 272 to 272,000 patients.

For each cohort size: generate the extracts (fixed seed), measure a floor (DuckDB alone reading
every extract file once with its native reader), then a cold `impresarc run` in a fresh process
and a second run on the unchanged extracts. Prints a table and writes JSON.

Usage: python bench/bench.py [--sizes 272,27200,272000] [--work DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import date
from importlib import metadata
from pathlib import Path

from flows.dbt_build import PHASES_FILE, dbt_target_dir
from flows.paths import RunPaths

ROOT = Path(__file__).resolve().parents[1]
SEED = 20250101
VERSIONS = (
    "duckdb",
    "dbt-core",
    "dbt-duckdb",
    "prefect",
    "great-expectations",
    "lifelines",
    "pandas",
    "numpy",
)


def _measured_child(command: list[str], env: dict) -> tuple[float, float, int, str]:
    """Run a child process; return wall seconds, peak RSS (MiB, its process tree), exit, stdout."""
    started = time.perf_counter()
    out_file = Path(env["BENCH_TMP"]) / "stdout.txt"
    with out_file.open("w") as out, open(os.devnull, "w") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), out_file.read_text()


FLOOR_SCRIPT = r"""
import sys, time, duckdb, pathlib
root = pathlib.Path(sys.argv[1]); t = time.perf_counter(); con = duckdb.connect(sys.argv[2])
n = 0
for path in sorted(root.rglob('*')):
    if path.suffix.lower() in {'.csv', '.tsv', '.txt'}:
        n += 1
        con.execute(f"create table t{n} as select * from read_csv('{path}', all_varchar=true, "
                    "ignore_errors=true, null_padding=true)")
print(time.perf_counter() - t)
"""


def bench_size(n: int, work: Path) -> dict:
    """Generate, measure the floor, then a cold run and a rerun for one cohort size."""
    cohort = work / f"cohort_{n}"
    env = dict(os.environ, IMPRESARC_QUIET="1", BENCH_TMP=str(work))
    exe = str(Path(sys.executable).parent / "impresarc")
    if not (cohort / "centers").exists():
        _measured_child(
            [exe, "synth", "--out", str(cohort), "--patients", str(n), "--seed", str(SEED)], env
        )
    floor_db = work / f"floor_{n}.duckdb"
    floor_db.unlink(missing_ok=True)
    floor_wall, floor_rss, code, out = _measured_child(
        [sys.executable, "-c", FLOOR_SCRIPT, str(cohort / "centers"), str(floor_db)], env
    )
    floor_read = float(out.strip().splitlines()[-1])
    warehouse = work / f"warehouse_{n}" / "impresarc.duckdb"
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    runs = []
    for label in ("cold", "rerun"):
        summary = work / f"summary_{n}_{label}.json"
        wall, rss, code, _ = _measured_child(
            [
                exe,
                "run",
                "--extracts",
                str(cohort / "centers"),
                "--warehouse",
                str(warehouse),
                "--allow-partial",
                "--summary-json",
                str(summary),
            ],
            env,
        )
        detail = json.loads(summary.read_text()) if summary.exists() else {}
        stages = detail.get("stage_seconds", {})
        phases_file = dbt_target_dir(RunPaths(warehouse).build_db) / PHASES_FILE
        dbt_phases = (
            json.loads(phases_file.read_text())
            if "dbt build" in stages and phases_file.exists()
            else {}
        )
        runs.append(
            {
                "label": label,
                "wall_s": wall,
                "peak_rss_mb": rss,
                "exit_code": code,
                "stage_seconds": stages,
                "dbt_phases": dbt_phases,
                "stage_peak_rss_mb": detail.get("stage_peak_rss_mb", {}),
                "overhead_seconds": detail.get("overhead_seconds", {}),
                "n_analysed": detail.get("n_analysed"),
            }
        )
    return {
        "patients": n,
        "floor_read_s": floor_read,
        "floor_process_s": floor_wall,
        "floor_peak_rss_mb": floor_rss,
        "runs": runs,
    }


def print_table(results: list[dict]) -> None:
    """One line per size and run, each stage as seconds and as a multiple of the floor."""
    for res in results:
        floor = res["floor_read_s"]
        print(
            f"\n== {res['patients']:,} patients — floor (DuckDB reads every CSV/TSV once): "
            f"{floor:.2f} s"
        )
        for run in res["runs"]:
            print(
                f"  {run['label']:<5} total {run['wall_s']:7.1f} s ({run['wall_s'] / floor:6.1f}x"
                f" floor)  peak RSS {run['peak_rss_mb']:7.0f} MiB  exit {run['exit_code']}"
            )
            for stage, secs in run["stage_seconds"].items():
                rss = run["stage_peak_rss_mb"].get(stage, float("nan"))
                print(f"      {stage:<10} {secs:7.1f} s  {secs / floor:6.1f}x  ≤{rss:6.0f} MiB")
            if run.get("dbt_phases"):
                phases = ", ".join(f"{k} {v:.1f} s" for k, v in run["dbt_phases"].items())
                print(f"      (inside dbt build) {phases}")
            for what, secs in run.get("overhead_seconds", {}).items():
                print(f"      (outside stages) {what}: {secs:.1f} s")


# Issue 8's budgets on a 2-core machine: (name, patients, what is measured, limit)
BUDGETS = (
    ("272 patients cold, end to end", 272, "cold_wall_s", 30.0),
    ("272,000 patients cold, end to end", 272_000, "cold_wall_s", 300.0),
    ("272,000 patients cold, peak memory (MiB)", 272_000, "cold_peak_rss_mb", 4096.0),
    ("272,000 patients rerun / cold", 272_000, "rerun_share", 0.25),
)
GROWTH_LIMIT = 12.0


def check_budgets(results: list[dict]) -> list[dict]:
    """Each budget whose cohort size was run: measured value, limit and whether it is met."""
    by_size = {res["patients"]: res for res in results}
    checked = []
    for name, patients, measure, limit in BUDGETS:
        if patients not in by_size:
            continue
        cold, rerun = by_size[patients]["runs"]
        value = {
            "cold_wall_s": cold["wall_s"],
            "cold_peak_rss_mb": cold["peak_rss_mb"],
            "rerun_share": rerun["wall_s"] / cold["wall_s"],
        }[measure]
        checked.append({"budget": name, "measured": value, "limit": limit, "met": value <= limit})
    sizes = [res["patients"] for res in results]
    if 27_200 in sizes and 272_000 in sizes:
        ratio = by_size[272_000]["runs"][0]["wall_s"] / by_size[27_200]["runs"][0]["wall_s"]
        checked.append(
            {
                "budget": "growth 27,200 -> 272,000 (cold time ratio)",
                "measured": ratio,
                "limit": GROWTH_LIMIT,
                "met": ratio <= GROWTH_LIMIT,
            }
        )
    return checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="272,27200,272000")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / f"{date.today().isoformat()}.json"
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = [bench_size(n, args.work) for n in sizes]
    print_table(results)
    payload = {
        "date": date.today().isoformat(),
        "cores": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "versions": {p: metadata.version(p) for p in VERSIONS},
        "results": results,
    }
    if len(sizes) >= 2 and sizes[-1] >= 10 * sizes[-2]:
        t_small, t_big = (r["runs"][0]["wall_s"] for r in results[-2:])
        payload["growth_ratio_last_two"] = t_big / t_small
        print(f"\ngrowth {sizes[-2]:,} → {sizes[-1]:,}: {t_big / t_small:.1f}x time")
    payload["budgets"] = check_budgets(results)
    print()
    for budget in payload["budgets"]:
        verdict = "met" if budget["met"] else "MISSED"
        print(
            f"budget {budget['budget']}: {budget['measured']:.2f} (≤ {budget['limit']:g}) {verdict}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
