"""The run flow: load → dbt build → validate → analyse → report → publish.

`run_pipeline` is the entry point of `impresarc run` and `impresarc demo`; `impresarc_run` is
the Prefect flow that `impresarc serve` deploys on a schedule.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from impresarc import settings


@dataclass
class RunResult:
    """What a run did, for the terminal summary and the exit code."""

    run_id: str
    warehouse: Path
    reports_dir: Path
    centers_loaded: list[str] = field(default_factory=list)
    centers_failed: dict[str, str] = field(default_factory=dict)
    n_analysed: int = 0
    n_excluded: int = 0
    headline: dict[str, float] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    stage_peak_rss_mb: dict[str, float] = field(default_factory=dict)
    # time spent outside the stages (process start, imports, Prefect, hashing the inputs)
    overhead_seconds: dict[str, float] = field(default_factory=dict)
    report: Path | None = None
    quality_index: Path | None = None
    allow_partial: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.centers_failed and not self.allow_partial else 0

    def to_json(self) -> dict:
        """A JSON-ready dict of the run (for `--summary-json` and the benchmark)."""
        return {
            "run_id": self.run_id,
            "warehouse": str(self.warehouse),
            "reports_dir": str(self.reports_dir),
            "centers_loaded": self.centers_loaded,
            "centers_failed": self.centers_failed,
            "n_analysed": self.n_analysed,
            "n_excluded": self.n_excluded,
            "headline": self.headline,
            "stage_seconds": self.stage_seconds,
            "stage_peak_rss_mb": self.stage_peak_rss_mb,
            "overhead_seconds": self.overhead_seconds,
            "report": str(self.report) if self.report else None,
            "quality_index": str(self.quality_index) if self.quality_index else None,
            "exit_code": self.exit_code,
        }

    def summary_text(self) -> str:
        lines = [f"run {self.run_id}"]
        lines.append(f"  centers loaded: {', '.join(self.centers_loaded) or 'none'}")
        for center, why in self.centers_failed.items():
            lines.append(f"  center FAILED: {center}: {why}")
        lines.append(f"  patients analysed: {self.n_analysed}, excluded: {self.n_excluded}")
        for name, value in self.headline.items():
            lines.append(f"  {name}: {value}")
        lines.append(f"  warehouse: {self.warehouse}")
        if self.report:
            lines.append(f"  study report: {self.report}")
        if self.quality_index:
            lines.append(f"  quality reports: {self.quality_index}")
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items())
        lines.append(f"  stages: {timings}")
        if self.overhead_seconds:
            outside = ", ".join(f"{k} {v:.1f}s" for k, v in self.overhead_seconds.items())
            lines.append(f"  outside the stages: {outside}")
        return "\n".join(lines)


def pseudonym_key() -> str:
    """The pseudonymisation key: environment, else a key file named by env, else the demo key."""
    key = os.environ.get("IMPRESARC_PSEUDONYM_KEY")
    key_file = os.environ.get("IMPRESARC_PSEUDONYM_KEY_FILE")
    if not key and key_file:
        key = Path(key_file).read_text(encoding="utf-8").strip()
    if not key:
        from flows.dbt_build import DEMO_PSEUDONYM_KEY

        key = DEMO_PSEUDONYM_KEY
    return key


# What the report (every run), the analysis and the checks (cold runs) import, in that order:
# imported while Prefect's server boots (about 6 s at best), they cost the run nothing later
IMPORTED_WHILE_PREFECT_STARTS = (
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "analysis.report",
    "lifelines",
    "great_expectations",
)


def run_pipeline(
    extracts: Path,
    warehouse: Path = settings.DEFAULT_WAREHOUSE,
    allow_partial: bool = False,
    keep_snapshots: int = 5,
    wait_seconds: float = 0.0,
) -> RunResult:
    """Run the whole pipeline once under the warehouse's run lock."""
    entered = time.perf_counter()
    settings.apply_offline_env()
    from flows.prefect_api import start_prefect_api, wait_for_prefect_api
    from flows.progress import seconds_since_process_start

    before_run = seconds_since_process_start()
    # the server boots on the other core while this process imports Prefect and the flow
    start_prefect_api()
    from flows.lock import run_lock
    from flows.paths import RunPaths

    paths = RunPaths(warehouse.resolve())
    paths.ensure()
    with run_lock(paths.lock_file, wait_seconds=wait_seconds):
        from flows.flow import impresarc_run

        waiting = time.perf_counter()
        wait_for_prefect_api(meanwhile=IMPORTED_WHILE_PREFECT_STARTS)
        waited = time.perf_counter() - waiting
        result = impresarc_run(
            extracts=str(extracts.resolve()),
            warehouse=str(paths.warehouse),
            allow_partial=allow_partial,
            keep_snapshots=keep_snapshots,
        )
    _record_overhead(result, time.perf_counter() - entered, before_run, waited)
    return result


def _record_overhead(
    result: RunResult, total: float, before_run: float | None, waited: float
) -> None:
    """Name the time outside the stages (the flow already recorded its own share)."""
    accounted = sum(result.stage_seconds.values()) + sum(result.overhead_seconds.values())
    named = {}
    if before_run is not None:
        named["process start and CLI imports"] = before_run
    named["waiting for Prefect's API server (importing meanwhile)"] = waited
    named["imports, Prefect flow run and lock"] = max(0.0, total - waited - accounted)
    result.overhead_seconds = {**named, **result.overhead_seconds}
