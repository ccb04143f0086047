"""Where one run reads and writes: derived once from the published warehouse path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunPaths:
    """Every file location of a run.

    The internal build database (raw layer, crosswalk, ledger) lives in a hidden `.build/`
    folder beside the published warehouse; analysts only ever see the published file.
    """

    warehouse: Path

    @property
    def root(self) -> Path:
        return self.warehouse.parent

    @property
    def build_dir(self) -> Path:
        return self.root / ".build"

    @property
    def build_db(self) -> Path:
        return self.build_dir / "impresarc_build.duckdb"

    @property
    def lock_file(self) -> Path:
        return self.build_dir / "run.lock"

    @property
    def snapshots_dir(self) -> Path:
        return self.root / "snapshots"

    def reports_dir(self, run_id: str) -> Path:
        return self.root / "reports" / run_id

    @property
    def latest_reports_link(self) -> Path:
        return self.root / "reports" / "latest"

    def ensure(self) -> None:
        """Create the folders a run writes into."""
        self.build_dir.mkdir(parents=True, exist_ok=True)
        self.snapshots_dir.mkdir(parents=True, exist_ok=True)
