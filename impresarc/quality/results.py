"""Check results: the record of one check on one center, and the `quality` schema storing them.

`quality.check_results` gets one row per check instance per center per run and is append-only
across runs, so that reports can draw each center's trend. `quality.check_violations` lists the
offending records (file, line, pseudonymised key) of the failing checks — never a value and
never a local patient id: the schema is published to analysts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import pandas as pd

QUALITY_DDL = """
create schema if not exists quality;
create table if not exists quality.check_results (
    run_id varchar not null,
    checked_at timestamptz not null,
    center_id varchar not null,
    layer varchar not null,
    check_id varchar not null,
    check_title varchar,
    category varchar not null,
    subcategory varchar not null,
    level varchar not null,
    severity varchar not null,
    table_name varchar,
    field_name varchar,
    rows_checked bigint,
    rows_violating bigint,
    pct_violating double,
    threshold_pct double,
    status varchar not null,
    message varchar,
    count_unit varchar
);
create table if not exists quality.check_violations (
    run_id varchar not null,
    center_id varchar not null,
    check_id varchar not null,
    table_name varchar,
    field_name varchar,
    source_file varchar,
    source_line bigint,
    patient_key varchar
);
"""

RESULT_COLUMNS = (
    "run_id",
    "checked_at",
    "center_id",
    "layer",
    "check_id",
    "check_title",
    "category",
    "subcategory",
    "level",
    "severity",
    "table_name",
    "field_name",
    "rows_checked",
    "rows_violating",
    "pct_violating",
    "threshold_pct",
    "status",
    "message",
    "count_unit",
)
VIOLATION_COLUMNS = (
    "run_id",
    "center_id",
    "check_id",
    "table_name",
    "field_name",
    "source_file",
    "source_line",
    "patient_key",
)


@dataclass(frozen=True)
class Violation:
    """One offending record: where it is in the extract, and its pseudonymised key.

    `value` is shown on the center's own page only (checks with ``show_value``) and is never
    stored.
    """

    source_file: str | None
    source_line: int | None
    patient_key: str | None = None
    value: str | None = None


@dataclass
class CheckResult:
    """The outcome of one check instance (check × center × table × field) in one run."""

    run_id: str
    center_id: str
    layer: str
    check_id: str
    title: str
    description: str
    fix: str
    category: str
    subcategory: str
    level: str
    severity: str
    table_name: str | None
    field_name: str | None
    threshold_pct: float
    status: str
    rows_checked: int | None = None
    rows_violating: int | None = None
    pct_violating: float | None = None
    message: str = ""
    count_unit: str = "rows"
    violations: list[Violation] = field(default_factory=list)
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def is_blocking(self) -> bool:
        """A fatal check that failed or could not run: the center must not reach the marts."""
        return self.severity == "fatal" and self.status in ("failed", "error")

    @property
    def where(self) -> str:
        """``table.field`` or ``table``, as reports name the place checked."""
        if self.field_name:
            return f"{self.table_name}.{self.field_name}"
        return self.table_name or ""


def status_for(rows_checked: int, rows_violating: int, threshold_pct: float) -> tuple[str, float]:
    """Status and % violating: not applicable when nothing was checked, failed above threshold.

    The threshold is the % of checked rows allowed to violate (OHDSI DQD convention), so a
    threshold of 0 fails on a single offending row.
    """
    if rows_checked <= 0:
        return "not_applicable", 0.0
    pct = 100.0 * rows_violating / rows_checked
    return ("failed" if pct > threshold_pct else "passed"), pct


def ensure_quality_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the `quality` schema and its tables when missing (idempotent)."""
    con.execute(QUALITY_DDL)


def write_results(
    con: duckdb.DuckDBPyConnection, results: list[CheckResult], stored_per_check: int = 1000
) -> None:
    """Append a run's results; rows of the same run and center are replaced (a clean retry).

    Parameters
    ----------
    stored_per_check
        At most this many violations are stored per check instance; the report says so.
    """
    ensure_quality_schema(con)
    written = sorted({(result.run_id, result.center_id) for result in results})
    frame = pd.DataFrame(
        [
            [getattr(r, "title" if c == "check_title" else c) for c in RESULT_COLUMNS]
            for r in results
        ],
        columns=list(RESULT_COLUMNS),
    )
    violations = pd.DataFrame(
        [
            [
                r.run_id,
                r.center_id,
                r.check_id,
                r.table_name,
                r.field_name,
                v.source_file,
                v.source_line,
                v.patient_key,
            ]
            for r in results
            for v in r.violations[:stored_per_check]
        ],
        columns=list(VIOLATION_COLUMNS),
    ).astype({"source_line": "Int64"})
    con.execute("begin transaction")
    try:
        for table in ("check_results", "check_violations"):
            con.executemany(
                f"delete from quality.{table} where run_id = ? and center_id = ?", written
            )
        con.register("new_results", frame)
        con.execute("insert into quality.check_results by name select * from new_results")
        con.register("new_violations", violations)
        con.execute("insert into quality.check_violations by name select * from new_violations")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in ("new_results", "new_violations"):
            con.unregister(name)


def read_results(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> pd.DataFrame:
    """Rows of `quality.check_results` (of one run, or of every run)."""
    ensure_quality_schema(con)
    if run_id is None:
        return con.execute("select * from quality.check_results").df()
    return con.execute("select * from quality.check_results where run_id = ?", [run_id]).df()


def pass_rate_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Pass rate per center and run, oldest run first.

    Pass rate = passed / (passed + failed + error): a check that could not run is not a pass;
    not-applicable checks are left out.
    """
    ensure_quality_schema(con)
    return con.execute(
        """
        select center_id, run_id, min(checked_at) as checked_at,
               count(*) filter (where status = 'passed') as passed,
               count(*) filter (where status in ('passed', 'failed', 'error')) as applicable,
               100.0 * count(*) filter (where status = 'passed')
                   / nullif(count(*) filter (where status in ('passed', 'failed', 'error')), 0)
                   as pass_rate
        from quality.check_results
        group by center_id, run_id
        order by center_id, checked_at, run_id
        """
    ).df()
