"""The quality stage's cheaper frames read and list values exactly as before.

Big relations are read through Arrow with their text columns as pandas categoricals, and
violations are listed from the frame's values without a Series per row: none may change a
value shown or a line pointed at.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from impresarc.quality import frames
from tests.quality_perf_support import (
    ReferenceSession,
    duckdb_df,
    instance,
    outcomes,
    reference_violations,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_violations_list_values_as_iterrows_reads_them():
    """Missing values, timestamps, nullable integers and keys, shown as before."""
    from impresarc.quality.evaluate import _violations

    frame = pd.DataFrame(
        {
            "code": pd.Categorical(["A", None, "B"]),
            "day": pd.to_datetime(["2020-01-02", None, "2021-03-04"]),
            "n": pd.array([1, None, 3], dtype="Int64"),
            "_source_file": ["f.csv", None, "f.csv"],
            "_source_line": pd.array([2, None, 4], dtype="Int64"),
            "patient_key": ["k1", None, "k3"],
        }
    )
    one = instance("one", "expect_column_values_to_not_be_null", "code")
    many = dataclasses.replace(one, show_columns=("code", "day", "n", "absent"))
    keyed = dataclasses.replace(many, check=dataclasses.replace(one.check, layer="harmonized"))
    for i in (one, many, keyed):
        for index in ([0, 1, 2], [2, 0], []):
            assert _violations(i, frame, index) == reference_violations(i, frame, index)
    assert _violations(keyed, frame, [1])[0].value == "code=(empty), day=(empty), n=(empty)"


def test_frames_are_converted_as_duckdb_converts_them(things_con, monkeypatch):
    sql = "select * from raw_t.things"
    expected = things_con.execute(sql).df()
    pd.testing.assert_frame_equal(frames.fetch_frame(things_con, sql), expected)
    nulls = "select * from raw_t.things where code is null"  # a null in each column
    pd.testing.assert_frame_equal(
        frames.fetch_frame(things_con, nulls), things_con.execute(nulls).df()
    )
    none = "select * from raw_t.things where false"
    pd.testing.assert_frame_equal(
        frames.fetch_frame(things_con, none), things_con.execute(none).df()
    )
    monkeypatch.setattr(frames, "CATEGORICAL_MIN_ROWS", 0)
    texts = {"code", "text", "empty"}
    found = frames.fetch_frame(things_con, sql, categorical=texts)
    for column in expected:
        if column in texts:
            assert found[column].dtype == "category"
            values = found[column].astype(object).where(found[column].notna(), None)
            pd.testing.assert_series_equal(values, expected[column])
        else:
            pd.testing.assert_series_equal(found[column], expected[column])


def test_cells_are_read_alike(things_con, monkeypatch):
    cells = ("code", "text", "mixed_date")
    columns = list(frames.read_catalog(things_con)["raw_t.things"])
    as_objects = frames.read_cells(things_con, "raw_t.things", cells, columns)
    monkeypatch.setattr(frames, "CATEGORICAL_MIN_ROWS", 0)
    as_categories = frames.read_cells(things_con, "raw_t.things", cells, columns)
    assert as_categories["column_name"].dtype == "category"
    assert as_categories["value"].dtype == object  # checked with a pattern: kept as objects
    with monkeypatch.context() as plain:
        plain.setattr(frames, "fetch_frame", duckdb_df)
        as_before = frames.read_cells(things_con, "raw_t.things", cells, columns)
    pd.testing.assert_frame_equal(as_objects, as_before)
    pd.testing.assert_frame_equal(as_categories.astype(object), as_objects.astype(object))
    regex = dataclasses.replace(
        instance("untrimmed", "expect_column_values_to_not_match_regex", "value", regex=r"\s$"),
        cells=cells,
    )
    marker = dataclasses.replace(
        instance("marker", "expect_column_values_to_not_be_in_set", "value", value_set=["NA"]),
        cells=cells,
    )
    expected = outcomes(as_objects, [regex, marker], ReferenceSession)
    assert all(found["unexpected_index"] for found in expected.values())
    assert outcomes(as_categories, [regex, marker]) == expected
