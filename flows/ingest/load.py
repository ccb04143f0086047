"""Load one center's extract into ``raw_<center_id>``: all its changed tables, or nothing.

Order of work for a center:

1. each table: locate the file, hash it, skip it when the same bytes were loaded with the same
   spec; otherwise read it into a cursor-local temporary stage, quarantine unparseable lines and
   reconcile rows with lines (``csv_reader`` / ``xlsx_reader``);
2. if every table is fine: one transaction replaces the changed raw tables and writes their
   ``ops.loads`` / ``ops.quarantine`` / ``ops.messages`` rows;
3. otherwise nothing is applied (the previous raw tables stay) and the ledger rows are written
   on their own, so the failure and its quarantined lines are on record.
"""

from __future__ import annotations

import difflib
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from flows.ingest import ledger
from flows.ingest.commit import commit_or_record
from flows.ingest.csv_reader import stage_csv
from flows.ingest.errors import (
    FileStatus,
    Level,
    SourceFileError,
    SourceRef,
)
from flows.ingest.outcome import Outcome, folder_missing, new_outcome, to_result
from flows.ingest.results import CenterLoadResult
from flows.ingest.spec import CenterSpec, TableSpec, load_spec
from flows.ingest.staging import Lineage, Staged, drop_leftovers, ident
from flows.ingest.textscan import sha256_file
from flows.ingest.xlsx_reader import stage_xlsx

DEFAULT_SPEC_DIR = Path(__file__).resolve().parents[1] / "centers"


def new_run_id() -> str:
    """A sortable, unique run id: ``YYYYMMDDTHHMMSSZ-xxxxxx``."""
    return f"{ledger.now_utc():%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def load_center(
    con: duckdb.DuckDBPyConnection,
    spec: CenterSpec | str,
    center_dir: Path,
    run_id: str | None = None,
) -> CenterLoadResult:
    """Load every table of one center, atomically, into schema ``raw_<center_id>``.

    Safe to call concurrently for different centers, on cursors of one connection: the work
    runs on a private cursor (its own transaction and temporary tables).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection (or cursor) to the build database.
    spec : CenterSpec or str
        The center's spec, or its id to read ``flows/centers/<id>.yml``.
    center_dir : Path
        The center's folder in the extracts.
    run_id : str, optional
        The run this load belongs to (see `start_run`); a new id when omitted.

    Returns
    -------
    CenterLoadResult
        Never raises for problems with the center's files: they are in ``result.issues``;
        call ``result.raise_for_status()`` to turn a failure into `CenterLoadError`.
    """
    if isinstance(spec, str):
        spec = load_spec(DEFAULT_SPEC_DIR / f"{spec}.yml")
    run_id = run_id or new_run_id()
    center_dir = Path(center_dir)
    clock = time.perf_counter()
    cur = con.cursor()
    try:
        if not ledger.ops_schema_exists(cur):
            ledger.ensure_ops_schema(cur)
        with tempfile.TemporaryDirectory(prefix=f"impresarc-{spec.center_id}-") as workdir:
            if center_dir.is_dir():
                created = prepare_schema(cur, spec.schema)
                context = _Context(run_id, Path(workdir), ledger.now_utc())
                try:
                    outcomes = [
                        _prepare(cur, spec, table, center_dir, context)
                        for table in spec.tables.values()
                    ]
                finally:
                    context.close()
            else:
                created, outcomes = False, folder_missing(spec, center_dir, run_id)
            commit_or_record(cur, spec, outcomes, run_id, drop_schema_if_empty=created)
    finally:
        cur.close()  # also drops the cursor's temporary tables
    return to_result(spec, run_id, outcomes, time.perf_counter() - clock)


@dataclass
class _Context:
    """What the tables of one center's load share."""

    run_id: str
    workdir: Path  # scratch folder for transcoded copies
    loaded_at: datetime  # `_loaded_at` of every row of this load
    # a workbook holding several tables is opened once: its shared strings are parsed once
    workbooks: dict[Path, Any] = field(default_factory=dict)

    def close(self) -> None:
        for workbook in self.workbooks.values():
            workbook.close()
        self.workbooks.clear()


def _prepare(
    cur: duckdb.DuckDBPyConnection,
    spec: CenterSpec,
    table: TableSpec,
    center_dir: Path,
    context: _Context,
) -> Outcome:
    """Check, hash and stage one table; never raises for problems with the file."""
    outcome = new_outcome(spec, table, context.run_id)
    ref, record = outcome.ref, outcome.record
    try:
        _stage(cur, spec, outcome, center_dir, context)
    except SourceFileError as error:
        outcome.issues.append(error.issue)
    except Exception as error:  # noqa: BLE001 - one broken table must not stop the others
        outcome.issues.append(ref.error("internal_error", f"unexpected {error!r}").issue)
    if outcome.issues and any(issue.level == Level.ERROR for issue in outcome.issues):
        record.status = FileStatus.FAILED.value
        record.message = "; ".join(i.message for i in outcome.issues if i.level == Level.ERROR)
    record.finished_at = ledger.now_utc()
    return outcome


def _stage(
    cur: duckdb.DuckDBPyConnection,
    spec: CenterSpec,
    outcome: Outcome,
    center_dir: Path,
    context: _Context,
) -> None:
    table, ref, record = outcome.table, outcome.ref, outcome.record
    lineage = Lineage(ref.file, context.run_id, context.loaded_at)
    path = center_dir / table.file
    if not path.is_file():
        raise ref.error("file_missing", _missing_file_text(center_dir, table.file))
    record.sha256, record.bytes = sha256_file(path)
    previous = ledger.last_applied(cur, spec.center_id, table.name)
    if (
        previous
        and previous[:2] == (record.sha256, record.spec_sha256)
        and _raw_exists(cur, spec.schema, table.name)
    ):
        record.status = FileStatus.SKIPPED_UNCHANGED.value
        record.message = (
            f"unchanged since run {previous[2]} (sha256 {record.sha256[:12]}…, "
            f"same spec): not loaded again"
        )
        return
    if table.format == "xlsx":
        staged = stage_xlsx(
            cur, table, ref, path, record.sha256, record.bytes, spec.schema, lineage,
            context.workbooks,
        )  # fmt: skip
        after, _ = sha256_file(path)
    else:
        staged = stage_csv(cur, table, ref, path, context.workdir, spec.schema, lineage)
        after = staged.sha256
    outcome.staged = staged
    outcome.issues.extend(staged.warnings)
    record.lines_read, record.header_lines = staged.lines_read, staged.header_lines
    record.blank_lines, record.data_rows_read = staged.blank_lines, staged.data_rows_read
    record.rows_loaded, record.rows_quarantined = staged.rows_loaded, staged.rows_quarantined
    record.columns = staged.columns
    if after != record.sha256:
        raise ref.error("file_changed", "the file changed while it was being read; rerun")
    _judge_quarantine(staged, ref, outcome)
    record.status = FileStatus.LOADED.value
    record.message = (
        f"{staged.rows_loaded} rows loaded, {staged.rows_quarantined} line(s) "
        f"quarantined out of {staged.data_rows_read} data row(s)"
    )


def _judge_quarantine(staged: Staged, ref: SourceRef, outcome: Outcome) -> None:
    """Warn about quarantined lines; fail when too many (a misconfigured spec, most likely)."""
    if staged.rows_loaded == 0 and not staged.quarantine:
        outcome.issues.append(ref.warning("no_data_rows", "the file has a header but no data"))
    if not staged.quarantine:
        return
    first = staged.quarantine[0]
    share = staged.rows_quarantined / max(staged.data_rows_read, 1)
    text = (
        f"{staged.rows_quarantined} of {staged.data_rows_read} data row(s) quarantined "
        f"({share:.0%}); first at line {first.line}: {first.reason}"
    )
    if share > staged.table.max_quarantined_fraction:
        raise ref.error(
            "too_many_quarantined",
            f"{text}. More than the spec's max_quarantined_fraction "
            f"({staged.table.max_quarantined_fraction:.0%}): check encoding, delimiter and quote",
            line=first.line,
            column=first.column,
        )
    outcome.issues.append(
        ref.warning("lines_quarantined", text, line=first.line, column=first.column)
    )


def prepare_schema(cur: duckdb.DuckDBPyConnection, schema: str) -> bool:
    """Create the center's raw schema if needed (True if created); drop stale incoming tables."""
    exists = cur.execute(
        "select count(*) from duckdb_schemas() where schema_name = ?", [schema]
    ).fetchone()[0]
    if not exists:
        cur.execute(f"create schema if not exists {ident(schema)}")
    drop_leftovers(cur, schema)
    return not exists


def _raw_exists(cur: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = cur.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def _missing_file_text(center_dir: Path, name: str) -> str:
    present = sorted(p.name for p in center_dir.iterdir() if p.is_file())
    close = difflib.get_close_matches(name, present, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listing = ", ".join(present[:15]) or "none"
    return f"file not found in {center_dir}{hint}; files there: {listing}"
