"""Per-table state while a center loads, and how it rolls up into a `CenterLoadResult`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from flows.ingest import ledger
from flows.ingest.errors import CenterStatus, FileStatus, Issue, Level, SourceRef, make_issue
from flows.ingest.results import CenterLoadResult, TableLoadResult
from flows.ingest.spec import CenterSpec, TableSpec
from flows.ingest.staging import Staged


@dataclass
class Outcome:
    """Everything known about one table while its center is being loaded."""

    table: TableSpec
    ref: SourceRef
    record: ledger.LoadRecord
    staged: Staged | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.record.status


def new_outcome(spec: CenterSpec, table: TableSpec, run_id: str) -> Outcome:
    record = ledger.LoadRecord(
        load_id=str(uuid.uuid4()),
        run_id=run_id,
        center_id=spec.center_id,
        table_name=table.name,
        source_file=table.file,
        sheet=table.sheet,
        status=FileStatus.FAILED.value,
        started_at=ledger.now_utc(),
        spec_sha256=table.fingerprint(),
        spec_json=ledger.spec_json(table),
    )
    return Outcome(table, SourceRef(spec.center_id, table.name, table.source_label), record)


def folder_missing(spec: CenterSpec, center_dir: Path, run_id: str) -> list[Outcome]:
    """Every table fails; the problem is reported once, for the center."""
    issue = make_issue(
        Level.ERROR,
        "center_folder_missing",
        f"center folder {center_dir} not found: nothing loaded, previous raw data kept",
        spec.center_id,
    )
    outcomes = [new_outcome(spec, table, run_id) for table in spec.tables.values()]
    for outcome in outcomes:
        outcome.record.message = issue.message
        outcome.record.finished_at = ledger.now_utc()
    if outcomes:
        outcomes[0].issues.append(issue)
    return outcomes


def to_result(
    spec: CenterSpec, run_id: str, outcomes: list[Outcome], seconds: float
) -> CenterLoadResult:
    statuses = {o.status for o in outcomes}
    if FileStatus.FAILED.value in statuses or not outcomes:
        status = CenterStatus.FAILED
    elif statuses == {FileStatus.SKIPPED_UNCHANGED.value}:
        status = CenterStatus.SKIPPED_UNCHANGED
    else:
        status = CenterStatus.LOADED
    tables = [
        TableLoadResult(
            table=o.table.name,
            source_file=o.ref.file,
            status=FileStatus(o.status),
            load_id=o.record.load_id,
            sha256=o.record.sha256,
            bytes=o.record.bytes,
            lines_read=o.record.lines_read,
            data_rows_read=o.record.data_rows_read,
            rows_loaded=o.record.rows_loaded,
            rows_quarantined=o.record.rows_quarantined,
            message=o.record.message or "",
        )
        for o in outcomes
    ]
    issues = [issue for o in outcomes for issue in o.issues]
    return CenterLoadResult(spec.center_id, run_id, status, tables, issues, seconds)
