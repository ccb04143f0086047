"""Rows, checks and reference code shared by the quality stage's speed-up tests.

Each expectation kind the checks file uses, with the edge cases of GX's pandas
implementations (a date column with one or two distinct values, an all-null column, row
conditions), and the straightforward code the faster paths must agree with.
"""

from __future__ import annotations

import dataclasses

import duckdb
import pandas as pd

from impresarc.quality.config import CheckDefinition
from impresarc.quality.gx_suite import GxSession
from impresarc.quality.plan import CheckInstance

ROWS = [
    # code, one_date, two_dates, mixed_date, empty, text, n, flag, day, amount, small
    ("A", "2020-01-02", "2020-01-02", "2020-01-02", None, " padded", 1, True, "2020-01-02", 1.5, 1),
    ("B", "2020-01-02", "2020-02-30", "31/12/2020", None, "x", None, None, None, None, 2),
    ("A", "2020-01-02", "2020-01-02", "NA", None, "trailing ", 3, False, "2021-03-04", 2.5, 3),
    ("Z", "2020-01-02", "2020-02-30", "", None, "y", 4, True, "2019-12-31", None, 4),
    (None, None, None, "2021-13-01", None, "A", 5, False, None, 0.0, 5),
    ("B", "2020-01-02", "2020-01-02", "2021-12-01", None, "A", 6, True, "2022-01-01", 3.0, 6),
]
COLUMNS = (
    "code varchar, one_date varchar, two_dates varchar, mixed_date varchar, empty varchar, "
    "text varchar, n bigint, flag boolean, day date, amount double, small integer"
)


def things_database() -> duckdb.DuckDBPyConnection:
    """An in-memory database with `raw_t.things`: ROWS three times, lines from 2."""
    connection = duckdb.connect()
    connection.execute("create schema raw_t")
    connection.execute(
        f"create table raw_t.things ({COLUMNS}, _source_file varchar, _source_line bigint)"
    )
    connection.executemany(
        "insert into raw_t.things values (" + ", ".join(["?"] * 13) + ")",
        [(*row, "things.csv", line) for line, row in enumerate(ROWS * 3, start=2)],
    )
    return connection


def instance(check_id, expectation, column=None, where=None, **kwargs) -> CheckInstance:
    check = CheckDefinition(
        id=check_id,
        layer="raw",
        title=check_id,
        description="",
        category="conformance",
        subcategory="verification",
        level="value",
        severity="error",
        threshold=0,
        expectation=expectation,
    )
    if column is not None and "column_list" not in kwargs:
        kwargs["column"] = column
    return CheckInstance(
        check=check,
        expectation=expectation,
        center_id="t",
        relation="raw_t.things",
        field_name=column,
        kwargs=kwargs,
        where=where or {},
        threshold=0.0,
        severity="error",
        show_columns=(column,) if column else (),
        label="things.csv",
        missing_values=("NA",),
    )


STRFTIME = "expect_column_values_to_match_strftime_format"
INSTANCES = [
    instance("present", "expect_column_to_exist", "code"),
    instance("rows", "expect_table_row_count_to_be_between", min_value=1),
    instance("filled", "expect_column_values_to_not_be_null", "code"),
    instance("filled_when", "expect_column_values_to_not_be_null", "code", {"n": "not_null"}),
    instance("in_set", "expect_column_values_to_be_in_set", "code", value_set=["A", "B"]),
    instance(
        "in_set_when",
        "expect_column_values_to_be_in_set",
        "code",
        {"code": ["A", "Z"]},
        value_set=["A"],
    ),
    instance("not_in_set", "expect_column_values_to_not_be_in_set", "text", value_set=["A"]),
    instance(
        "not_in_set_eq",
        "expect_column_values_to_not_be_in_set",
        "text",
        {"code": "B"},
        value_set=["x"],
    ),
    instance(
        "regex", "expect_column_values_to_match_regex", "mixed_date", regex=r"^\d{4}-\d{2}-\d{2}$"
    ),
    instance("not_regex", "expect_column_values_to_not_match_regex", "text", regex=r"^\s|\s$"),
    instance("code_not_in_set", "expect_column_values_to_not_be_in_set", "code", value_set=["Z"]),
    instance("code_unique", "expect_column_values_to_be_unique", "code"),
    instance("one_date", STRFTIME, "one_date", strftime_format="%Y-%m-%d"),
    instance("two_dates", STRFTIME, "two_dates", strftime_format="%Y-%m-%d"),
    instance("mixed_date", STRFTIME, "mixed_date", strftime_format="%Y-%m-%d"),
    instance("empty_date", STRFTIME, "empty", strftime_format="%Y-%m-%d"),
    instance("unique", "expect_column_values_to_be_unique", "text"),
    instance(
        "compound", "expect_compound_columns_to_be_unique", column_list=["code", "one_date", "text"]
    ),
    instance(
        "between",
        "expect_column_values_to_be_between",
        "amount",
        {"code": {"not_in": ["Z"]}},
        min_value=1,
        max_value=2.6,
    ),
    instance(
        "pair",
        "expect_column_pair_values_a_to_be_greater_than_b",
        column_A="n",
        column_B="small",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    ),
]


class ReferenceSession(GxSession):
    """GX used the plain way (as before the shortcuts): a suite built by `add_expectation`, a
    new validator for each pass, no memoised configuration nor row-condition filter."""

    def _validate_batch(self, relation, batch, frame, instances, expectations, outcomes):
        import great_expectations.expectations as gxe

        from impresarc.quality.gx_expectations import (
            COLUMN_PRESENCE,
            PRESENCE_KEY,
            locating_expectations,
            presence_outcomes,
        )

        found = self._plain_run(batch, frame, list(expectations.values()), "BASIC", 0)
        outcomes.update(found)
        again = locating_expectations(gxe, instances, found)
        if again:
            located = self._plain_run(batch, frame, again, "SUMMARY", self.limit)
            for key, outcome in located.items():
                outcomes[key].unexpected_index = outcome.unexpected_index
        presence = [i for i in instances if i.expectation == COLUMN_PRESENCE]
        if presence:
            outcomes.update(presence_outcomes(presence, outcomes.pop(PRESENCE_KEY)))
        return outcomes

    def _plain_run(self, batch, frame, expectations, kind, count):
        from great_expectations.validator.v1_validator import Validator

        from impresarc.quality.gx_expectations import read_outcome

        suite = self._gx.ExpectationSuite(name="reference")
        for expectation in expectations:
            suite.add_expectation(expectation)
        validator = Validator(
            batch_definition=batch,
            batch_parameters={"dataframe": frame},
            result_format={"result_format": kind, "partial_unexpected_count": count},
        )
        result = validator.validate_expectation_suite(suite)
        return {i.expectation_config.meta["check_key"]: read_outcome(i) for i in result.results}


def outcomes(frame: pd.DataFrame, instances: list[CheckInstance], session_class=GxSession):
    session = session_class("t", "run", limit=2)
    found = session.validate("raw_t.things", frame, instances)
    return {key: dataclasses.asdict(outcome) for key, outcome in found.items()}


def duckdb_df(con, sql, params=None, *_conversions, **_named):
    """How frames were read before `fetch_frame`: DuckDB's own conversion, objects for texts."""
    return con.execute(sql, params).df()


def reference_violations(instance, frame, index):
    """`evaluate._violations` the straightforward way: one `iterrows` Series per row."""
    from impresarc.quality.evaluate import MAX_SHOWN_VALUE, _optional, _optional_int, _text
    from impresarc.quality.results import Violation

    rows = frame.loc[index]
    keys = rows["patient_key"] if "patient_key" in rows and instance.check.layer != "raw" else None
    shown = [c for c in instance.show_columns if c in rows]
    found = []
    for position, (_, row) in enumerate(rows.iterrows()):
        value = None
        if instance.cells:
            value = f"column {row['column_name']}"
        elif shown:
            parts = [f"{c}={_text(row[c])}" if len(shown) > 1 else _text(row[c]) for c in shown]
            value = ", ".join(parts)[:MAX_SHOWN_VALUE]
        found.append(
            Violation(
                source_file=_optional(row.get("_source_file")),
                source_line=_optional_int(row.get("_source_line")),
                patient_key=None if keys is None else _optional(keys.iloc[position]),
                value=value,
            )
        )
    return found
