"""The quality stage's GX shortcuts and categorical frames validate exactly as before.

GX's validator runs with shortcuts (each expectation's configuration and each row condition's
filter computed once, suites built in one pass) on frames whose texts may be categoricals:
each expectation kind is validated with and without them, and must give the same outcomes.
Run again after any GX upgrade: the shortcuts lean on GX 1.x internals.
"""

from __future__ import annotations

import dataclasses

import pytest

from impresarc.quality import frames
from impresarc.quality.gx_suite import GxSession
from tests.quality_perf_support import (
    INSTANCES,
    ReferenceSession,
    duckdb_df,
    outcomes,
    reference_violations,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_fast_path_gives_the_plain_path_outcomes(things_con, monkeypatch):
    """Categorical frames through Arrow, validated with the shortcuts, against `.df()` frames
    validated the plain way: the same outcomes and the same listed violations."""
    from impresarc.quality.evaluate import _violations

    columns = frames.read_catalog(things_con)["raw_t.things"]
    with monkeypatch.context() as plain:
        plain.setattr(frames, "fetch_frame", duckdb_df)
        as_before = frames.read_frame(things_con, "raw_t.things", INSTANCES, columns)
    expected = outcomes(as_before, INSTANCES, ReferenceSession)
    monkeypatch.setattr(frames, "CATEGORICAL_MIN_ROWS", 0)
    fast = frames.read_frame(things_con, "raw_t.things", INSTANCES, columns)
    kinds = {c: str(fast[c].dtype) for c in fast}
    assert kinds["code"] == kinds["two_dates"] == kinds["_source_file"] == "category"
    assert kinds["text"] == kinds["mixed_date"] == "object"  # checked with a pattern
    assert as_before["code"].dtype == object
    found = outcomes(fast, INSTANCES)
    assert not [key for key, outcome in expected.items() if outcome["error"]]
    assert found == expected
    failing = [i for i in INSTANCES if expected[i.key]["unexpected_index"]]
    assert len(failing) >= 5
    for i in failing:
        index = expected[i.key]["unexpected_index"]
        listed = _violations(i, fast, found[i.key]["unexpected_index"])
        assert listed == reference_violations(i, as_before, index)
        assert [v.source_line for v in listed] == [int(x) + 2 for x in index]  # line of a row


def test_suites_keep_the_expectations_add_expectation_keeps():
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from impresarc.quality.gx_shortcuts import distinct

    def made():
        return [
            gxe.ExpectColumnValuesToBeInSet(column="a", value_set=["x", "y"], meta={"k": 1}),
            gxe.ExpectColumnValuesToBeInSet(column="a", value_set=["x", "y"], meta={"k": 2}),
            gxe.ExpectColumnValuesToBeInSet(column="a", value_set=["y", "x"], meta={"k": 3}),
            gxe.ExpectColumnValuesToBeInSet(column="a", value_set=[1, 2], meta={"k": 4}),
            gxe.ExpectColumnValuesToBeInSet(column="a", value_set=[1.0, 2.0], meta={"k": 5}),
            gxe.ExpectColumnValuesToNotBeNull(column="a", meta={"k": 6}),
            gxe.ExpectColumnValuesToNotBeNull(column="a", mostly=0.5, meta={"k": 7}),
            gxe.ExpectColumnValuesToNotBeNull(column="a", notes="other", meta={"k": 8}),
        ]

    gx.get_context(mode="ephemeral")
    suite = gx.ExpectationSuite(name="one_by_one")
    for expectation in made():
        suite.add_expectation(expectation)
    kept = [e.meta["k"] for e in distinct(made())]
    assert kept == [e.meta["k"] for e in suite.expectations] == [1, 3, 4, 6, 7]


def test_gx_shortcuts_change_no_result(things_con, tmp_path, monkeypatch):
    """Validation with GX's own code paths (no memoised configurations nor row conditions)
    gives the same outcomes and the same results for the Data Docs."""
    import contextlib

    from impresarc.quality import gx_suite

    columns = frames.read_catalog(things_con)["raw_t.things"]
    frame = frames.read_frame(things_con, "raw_t.things", INSTANCES, columns)
    stored: list = []
    strip = gx_suite.strip_values

    def keep(result):
        clean = strip(result).to_json_dict()
        stored.append(
            [{k: v for k, v in r.items() if k != "expectation_config"} for r in clean["results"]]
        )
        return strip(result)

    monkeypatch.setattr(gx_suite, "strip_values", keep)

    def validated():
        session = GxSession("t", "run", tmp_path / f"docs{len(stored)}", limit=2)
        found = session.validate("raw_t.things", frame, INSTANCES)
        return {key: dataclasses.asdict(outcome) for key, outcome in found.items()}

    fast = validated()
    for shortcut in ("configurations_computed_once", "row_conditions_applied_once"):
        monkeypatch.setattr(gx_suite, shortcut, contextlib.nullcontext)
    assert validated() == fast
    assert len(stored) == 2 and stored[0] == stored[1]
