"""Run check instances: read each relation once, validate it with GX, grade the results."""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pandas as pd

from impresarc.quality.frames import read_cells, read_frame, renamed, safe_name
from impresarc.quality.grading import graded_result, make_result, missing_relation_result
from impresarc.quality.gx_expectations import GxOutcome, graded_counts
from impresarc.quality.gx_suite import GxSession
from impresarc.quality.plan import Catalog, CheckInstance
from impresarc.quality.results import CheckResult, Violation

MAX_SHOWN_VALUE = 60
CELLS_SUFFIX = ".cells"


def run_instances(
    con: duckdb.DuckDBPyConnection,
    session: GxSession,
    run_id: str,
    instances: list[CheckInstance],
    catalog: Catalog,
) -> list[CheckResult]:
    """Validate every instance and return one graded result each."""
    by_frame: dict[tuple[str, bool], list[CheckInstance]] = defaultdict(list)
    for instance in instances:
        by_frame[(instance.relation, bool(instance.cells))].append(instance)
    results = []
    for (relation, _), group in by_frame.items():
        results += _run_relation(con, session, run_id, relation, group[0].label, group, catalog)
    return results


def _run_relation(con, session, run_id, relation, label, group, catalog) -> list[CheckResult]:
    columns = catalog.get(relation)
    if columns is None:
        return [missing_relation_result(run_id, instance, label) for instance in group]
    runnable, results = [], []
    for instance in group:
        if instance.expectation == "relation_exists":
            results.append(graded_result(run_id, instance, 1, 0, "tables"))
            continue
        missing = [c for c in instance.columns_needed() if c not in columns]
        if missing and instance.expectation != "expect_column_to_exist":
            message = f"column {missing[0]!r} not found in {label}"
            results.append(make_result(run_id, instance, "error", message=message))
        else:
            runnable.append(instance)
    if not runnable:
        return results
    if runnable[0].cells:
        frame = read_cells(con, relation, runnable[0].cells, columns)
        outcomes = session.validate(relation + CELLS_SUFFIX, frame, runnable)
    else:
        frame = read_frame(con, relation, runnable, columns)
        aliases = {c: safe_name(c) for c in frame.columns if safe_name(c) != c}
        if aliases:  # GX's row conditions go through pandas query(): no quotes in names
            frame = frame.rename(columns=aliases)
            aliased = [renamed(i, aliases) for i in runnable]
            outcomes = session.validate(relation, frame, aliased)
            frame = frame.rename(columns={v: k for k, v in aliases.items()})
        else:
            outcomes = session.validate(relation, frame, runnable)
    for instance in runnable:
        outcome = outcomes.get(instance.key, GxOutcome(error="no result from Great Expectations"))
        results.append(_from_outcome(run_id, instance, outcome, frame, label))
    return results


def _from_outcome(run_id, instance, outcome: GxOutcome, frame: pd.DataFrame, label: str):
    expectation = instance.expectation
    if outcome.error:
        return make_result(run_id, instance, "error", message=outcome.error)
    if expectation == "expect_column_to_exist":
        message = (
            "" if outcome.success else f"column {instance.field_name!r} is missing from {label}"
        )
        return graded_result(run_id, instance, 1, 0 if outcome.success else 1, "columns", message)
    if expectation == "expect_table_row_count_to_be_between":
        return graded_result(run_id, instance, 1, 0 if outcome.success else 1, "tables")
    if outcome.element_count is None or outcome.unexpected_count is None:
        return make_result(run_id, instance, "error", message="Great Expectations gave no counts")
    checked, violating = graded_counts(outcome)
    result = graded_result(
        run_id, instance, checked, violating, "cells" if instance.cells else "rows"
    )
    result.violations = _violations(instance, frame, outcome.unexpected_index)
    return result


def _violations(instance: CheckInstance, frame: pd.DataFrame, index: list) -> list[Violation]:
    """The offending rows located by file, line and (harmonized layer) pseudonymised key.

    A row's values are read from ``rows.values``, as `DataFrame.iterrows` reads them (same
    objects and numpy scalars) without building a Series per row.
    """
    if not index:
        return []
    rows = frame.loc[index]
    keys = rows["patient_key"] if "patient_key" in rows and instance.check.layer != "raw" else None
    shown = [c for c in instance.show_columns if c in rows]
    position_of = {name: position for position, name in enumerate(rows.columns)}
    file_at, line_at = position_of.get("_source_file"), position_of.get("_source_line")
    key_values = None if keys is None else list(keys)
    violations = []
    for position, row in enumerate(rows.values):
        value = None
        if instance.cells:  # the column only: a cell's value may be a patient id
            value = f"column {row[position_of['column_name']]}"
        elif shown:
            parts = [
                f"{c}={_text(row[position_of[c]])}"
                if len(shown) > 1
                else _text(row[position_of[c]])
                for c in shown
            ]
            value = ", ".join(parts)[:MAX_SHOWN_VALUE]
        violations.append(
            Violation(
                source_file=_optional(None if file_at is None else row[file_at]),
                source_line=_optional_int(None if line_at is None else row[line_at]),
                patient_key=None if key_values is None else _optional(key_values[position]),
                value=value,
            )
        )
    return violations


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(empty)"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _optional(value):
    return None if value is None or pd.isna(value) else str(value)


def _optional_int(value):
    return None if value is None or pd.isna(value) else int(value)
