"""Logistic regression of response: closed-form 2x2 check, planted effect, separation."""

import numpy as np
import pandas as pd
import pytest

from analysis.logistic import LOGISTIC_COLUMNS, fit_logistic, univariable_logistic


def _two_by_two(a, b, c, d):
    """a responders / b non-responders exposed, c / d unexposed."""
    exposed = [True] * (a + b) + [False] * (c + d)
    response = [1] * a + [0] * b + [1] * c + [0] * d
    return pd.DataFrame({"exposed": exposed, "resp": response})


def test_two_by_two_odds_ratio_and_wald_interval_match_closed_form():
    a, b, c, d = 12, 28, 9, 61
    fit = fit_logistic(_two_by_two(a, b, c, d), "resp", ["exposed"])
    row = fit.table.iloc[0]
    odds_ratio = a * d / (b * c)
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert row["odds_ratio"] == pytest.approx(odds_ratio, rel=1e-6)
    assert row["ci_lower"] == pytest.approx(odds_ratio * np.exp(-1.959964 * se), rel=1e-5)
    assert row["ci_upper"] == pytest.approx(odds_ratio * np.exp(1.959964 * se), rel=1e-5)
    assert (row["n"], row["events"], row["n_missing"]) == (110, 21, 0)
    assert list(fit.table.columns) == LOGISTIC_COLUMNS


def test_planted_odds_ratio_is_recovered():
    rng = np.random.default_rng(3)
    n = 3000
    group = rng.choice(["a", "b"], n)
    logit = -1.5 + np.log(2.5) * (group == "b")
    data = pd.DataFrame({"group": group, "resp": rng.random(n) < 1 / (1 + np.exp(-logit))})
    row = fit_logistic(data, "resp", ["group"], reference_levels={"group": "a"}).table.iloc[0]
    assert row["term"] == "group[b]"
    assert row["ci_lower"] < 2.5 < row["ci_upper"]


def test_separation_gives_nan_row_with_note_instead_of_crash():
    data = _two_by_two(10, 0, 5, 30)  # every exposed patient responds
    data["age"] = np.random.default_rng(0).permutation(np.linspace(30, 80, len(data)))
    table = univariable_logistic(data, "resp", ["exposed", "age"])
    exposed = table.set_index("variable").loc["exposed"]
    assert np.isnan(exposed["odds_ratio"])
    assert "separation" in exposed["note"]
    assert table.set_index("variable").loc["age", "note"] == ""
    # Complete separation on a continuous covariate is caught at fit time.
    continuous = pd.DataFrame({"x": np.arange(40.0), "resp": np.arange(40) >= 20})
    row = fit_logistic(continuous, "resp", ["x"]).table.iloc[0]
    assert np.isnan(row["odds_ratio"]) and "separation" in row["note"]
