"""Apply a center's staged tables in one transaction, or record why nothing was applied."""

from __future__ import annotations

import duckdb

from flows.ingest import ledger
from flows.ingest.errors import FileStatus, Issue, Level, SourceFileError, make_issue
from flows.ingest.outcome import Outcome
from flows.ingest.quarantine import insert_quarantine
from flows.ingest.spec import CenterSpec
from flows.ingest.staging import apply_staged, ident


def commit_or_record(
    cur: duckdb.DuckDBPyConnection,
    spec: CenterSpec,
    outcomes: list[Outcome],
    run_id: str,
    *,
    drop_schema_if_empty: bool = False,
) -> None:
    """Apply every staged table in one transaction, or record why nothing was applied.

    Parameters
    ----------
    drop_schema_if_empty : bool
        The raw schema was created by this load: drop it again if nothing ends up in it.
    """
    failed = any(o.status == FileStatus.FAILED.value for o in outcomes)
    if not failed:
        try:
            cur.begin()
            for outcome in outcomes:
                if outcome.staged is not None:
                    _apply(cur, outcome)
            _write_ledger(cur, outcomes, run_id)
            cur.commit()
            return
        except (duckdb.Error, SourceFileError) as error:
            cur.rollback()
            issue = (
                error.issue
                if isinstance(error, SourceFileError)
                else make_issue(
                    Level.ERROR,
                    "apply_failed",
                    f"replacing the raw tables failed: {error}",
                    spec.center_id,
                )
            )
            _mark_failed(outcomes, issue)
    for outcome in outcomes:
        if outcome.staged is not None:
            outcome.staged.discard(cur)
        if outcome.status == FileStatus.LOADED.value:
            outcome.record.status = FileStatus.NOT_APPLIED.value
            outcome.record.message = (
                "read fine but not applied: another table of this "
                "center failed, previous raw data kept"
            )
    if drop_schema_if_empty:
        tables = cur.execute(
            "select count(*) from duckdb_tables() where schema_name = ?", [spec.schema]
        ).fetchone()[0]
        if not tables:
            cur.execute(f"drop schema if exists {ident(spec.schema)}")
    cur.begin()
    _write_ledger(cur, outcomes, run_id)
    cur.commit()


def _apply(cur: duckdb.DuckDBPyConnection, outcome: Outcome) -> None:
    """Swap one incoming table in and check it holds exactly the rows counted as loaded."""
    staged = outcome.staged
    written = apply_staged(cur, staged)
    # Lines were already reconciled with rows when the file was read (linemap); this checks
    # that the table swapped in holds exactly the rows counted as loaded.
    outcome.record.reconciled = written == staged.rows_loaded
    if not outcome.record.reconciled:
        raise outcome.ref.error(
            "reconciliation_failed",
            f"{staged.data_rows_read} data rows read but {written} written and "
            f"{staged.rows_quarantined} quarantined",
        )


def _mark_failed(outcomes: list[Outcome], issue: Issue) -> None:
    target = next((o for o in outcomes if o.table.name == issue.table), outcomes[0])
    target.issues.append(issue)
    target.record.status = FileStatus.FAILED.value
    target.record.message = issue.message


def _write_ledger(cur: duckdb.DuckDBPyConnection, outcomes: list[Outcome], run_id: str) -> None:
    for outcome in outcomes:
        record = outcome.record
        ledger.insert_load(cur, record)
        if outcome.staged is not None:
            insert_quarantine(
                cur,
                outcome.staged.quarantine,
                run_id=run_id,
                load_id=record.load_id,
                center_id=record.center_id,
                table=record.table_name,
                source_file=outcome.ref.file,
            )
        ledger.insert_messages(cur, run_id, [(record.load_id, i) for i in outcome.issues])
