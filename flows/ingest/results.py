"""What `load_center` returns: per-file outcomes rolled up into a center outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flows.ingest.errors import CenterLoadError, CenterStatus, FileStatus, Issue, Level, RunStatus


@dataclass
class TableLoadResult:
    """One source file of one center in one run (mirrors its ``ops.loads`` row)."""

    table: str
    source_file: str
    status: FileStatus
    load_id: str
    sha256: str | None = None
    bytes: int | None = None
    lines_read: int | None = None
    data_rows_read: int | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    message: str = ""


@dataclass
class CenterLoadResult:
    """Outcome of loading one center.

    Attributes
    ----------
    status : CenterStatus
        ``loaded``, ``skipped_unchanged`` or ``failed``; a failed center keeps its previous raw
        tables untouched.
    tables : list of TableLoadResult
        One per configured logical table.
    issues : list of Issue
        Errors (why it failed) and warnings (schema drift, quarantined lines…).
    """

    center_id: str
    run_id: str
    status: CenterStatus
    tables: list[TableLoadResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != CenterStatus.FAILED

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == Level.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == Level.WARNING]

    @property
    def rows_loaded(self) -> int:
        return sum(t.rows_loaded or 0 for t in self.tables if t.status == FileStatus.LOADED)

    @property
    def rows_quarantined(self) -> int:
        return sum(t.rows_quarantined or 0 for t in self.tables if t.status == FileStatus.LOADED)

    def raise_for_status(self) -> None:
        """Raise `CenterLoadError` when the center failed."""
        if not self.ok:
            raise CenterLoadError(self.center_id, self.errors)

    @property
    def message(self) -> str:
        """Same as `summary()`."""
        return self.summary()

    def summary(self) -> str:
        """One line for logs and the run summary."""
        if self.status == CenterStatus.FAILED:
            reasons = "; ".join(issue.message for issue in self.errors)
            return f"{self.center_id}: FAILED, previous raw data kept: {reasons}"
        if self.status == CenterStatus.SKIPPED_UNCHANGED:
            return (
                f"{self.center_id}: nothing loaded, all {len(self.tables)} file(s) unchanged "
                f"since they were last loaded"
            )
        loaded = [t for t in self.tables if t.status == FileStatus.LOADED]
        skipped = len(self.tables) - len(loaded)
        text = (
            f"{self.center_id}: loaded {len(loaded)} table(s), {self.rows_loaded} rows, "
            f"{self.rows_quarantined} line(s) quarantined"
        )
        if skipped:
            text += f", {skipped} unchanged file(s) skipped"
        if self.warnings:
            text += f", {len(self.warnings)} warning(s)"
        return text


def overall_status(results: Iterable[CenterLoadResult], other_failures: int = 0) -> RunStatus:
    """Run status from the center results.

    Parameters
    ----------
    results : iterable of CenterLoadResult
    other_failures : int
        Centers that failed before loading (invalid spec, missing folder).
    """
    results = list(results)
    failed = sum(1 for result in results if not result.ok) + other_failures
    if not failed:
        return RunStatus.SUCCEEDED
    if failed < len(results) + other_failures and any(result.ok for result in results):
        return RunStatus.PARTIAL
    return RunStatus.FAILED
