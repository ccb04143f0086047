"""Safety summary and Table 1 (baseline characteristics)."""

import numpy as np
import pandas as pd
import pytest

from analysis._checks import AnalysisInputError
from analysis.safety import ae_term_frequencies, safety_summary
from analysis.table1 import baseline_table, baseline_table_wide


def _patients():
    return pd.DataFrame(
        {
            "patient_key": ["p1", "p2", "p3", "p4"],
            "center_id": ["a", "a", "b", "b"],
            "any_grade3plus_ae": pd.array([True, False, False, None], dtype="boolean"),
            "discontinued_for_toxicity": [True, False, False, False],
            "age_at_ici_start": [40.0, 50.0, 60.0, np.nan],
            "sex": ["F", "M", "M", None],
        }
    )


def _events():
    return pd.DataFrame(
        {
            "patient_key": ["p1", "p1", "p2", "p3", "gone"],
            "ae_term": ["Colitis", "Colitis", "Rash", "Colitis", "Colitis"],
            "grade": [2, 3, 1, 1, 4],
        }
    )


def test_safety_summary_counts_patients_once_and_ignores_excluded():
    table = safety_summary(_patients(), _events())
    summary = table[table["section"] == "summary"].set_index("item")
    severe = summary.loc["any_grade3plus_ae"]
    assert (severe["n"], severe["denominator"]) == (1, 3)  # unknown flag not in denominator
    assert severe["pct"] == pytest.approx(100 / 3)
    assert severe["ci_lower"] < severe["pct"] < severe["ci_upper"]
    terms = table[table["section"] == "ae_term"].set_index(["item", "grade_scope"])
    assert terms.loc[("Colitis", "any"), "n"] == 2  # p1 twice counts once; "gone" excluded
    assert terms.loc[("Colitis", "grade>=3"), "n"] == 1
    assert terms.loc[("Rash", "grade>=3"), "n"] == 0
    assert (terms["denominator"] == 4).all()


def test_ae_frequencies_reject_invalid_grades():
    with pytest.raises(AnalysisInputError, match="CTCAE grades 1-5"):
        ae_term_frequencies(_events().assign(grade=[1, 2, 3, 7, 1]), 4)
    empty = ae_term_frequencies(_events().iloc[:0], 4)
    assert empty.empty


def test_table1_long_and_wide():
    variables = {"age_at_ici_start": "continuous", "sex": "categorical"}
    long = baseline_table(_patients(), variables, group_col="center_id")
    age = long[(long["variable"] == "age_at_ici_start") & (long["group_value"] == "overall")]
    assert age.iloc[0]["median"] == 50.0
    assert (age.iloc[0]["q1"], age.iloc[0]["q3"]) == (45.0, 55.0)
    assert age.set_index("level").loc["missing", "n"] == 1
    sex_b = long.query("variable == 'sex' and group_value == 'b'").set_index("level")
    assert sex_b.loc["M", "n"] == 1 and sex_b.loc["M", "pct"] == 100.0
    assert sex_b.loc["missing", "n"] == 1
    wide = baseline_table_wide(long)
    assert list(wide.columns) == ["Characteristic", "Level", "Overall (N=4)", "a (N=2)", "b (N=2)"]
    assert wide.iloc[0]["Overall (N=4)"] == "50.0 [45.0–55.0]"
    assert "2 (66.7 %)" in set(wide["Overall (N=4)"])
    with pytest.raises(AnalysisInputError, match="column 'weight' not found"):
        baseline_table(_patients(), {"weight": "continuous"})
