"""Kaplan–Meier, log-rank and follow-up, checked against R ``survival`` reference values."""

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_lung

from analysis._checks import AnalysisInputError
from analysis.km_quantile import survival_quantile
from analysis.survival import (
    km_curve,
    km_summary,
    logrank_test,
    median_followup,
    number_at_risk,
)


@pytest.fixture(scope="module")
def lung():
    data = load_lung()
    # Some lifelines versions ship R's 1 = censored / 2 = dead coding.
    if set(data["status"].unique()) == {1, 2}:
        data["status"] = data["status"] - 1
    assert set(data["status"].unique()) == {0, 1}
    return data


def test_km_median_and_loglog_ci_match_r(lung):
    # R: survfit(Surv(time, status) ~ 1, lung, conf.type = "log-log") -> 310 (284, 361)
    row = km_summary(lung, "time", "status", times=(365,)).iloc[0]
    assert (row["n"], row["events"]) == (228, 165)
    assert round(row["median"]) == 310
    assert round(row["median_ci_lower"]) == 284
    assert round(row["median_ci_upper"]) == 361
    assert row["s365"] == pytest.approx(0.409, abs=0.001)  # R: summary(fit, times = 365)
    assert row["s365_ci_lower"] < row["s365"] < row["s365_ci_upper"]


def test_median_uses_r_midpoint_rule_on_flat_half():
    # R: median(survfit(Surv(1:10) ~ 1)) is 5.5 (the curve is exactly 0.5 on [5, 6)).
    uncensored = pd.DataFrame({"t": np.arange(1, 11), "e": 1})
    assert km_summary(uncensored, "t", "e").iloc[0]["median"] == 5.5
    assert survival_quantile([0, 1, 2], [1.0, 0.6, 0.4]) == 2.0


def test_unreached_median_is_nan_and_late_rates_are_nan():
    data = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6], "e": [1, 0, 0, 0, 0, 0]})
    row = km_summary(data, "t", "e", times=(3, 12)).iloc[0]
    assert np.isnan(row["median"]) and np.isnan(row["median_ci_upper"])
    assert row["s3"] == pytest.approx(5 / 6)
    assert np.isnan(row["s12"])  # beyond the last follow-up time


def test_grouped_summary_curve_and_at_risk(lung):
    summary = km_summary(lung, "time", "status", group_col="sex")
    assert list(summary["group_value"]) == ["1", "2"]
    assert summary["n"].sum() == 228
    curve = km_curve(lung, "time", "status", group_col="sex")
    assert curve.groupby("group_value")["time"].min().eq(0).all()
    at_risk = number_at_risk(lung, "time", [0, 200], group_col="sex")
    assert at_risk.loc[at_risk["time"] == 0, "n_at_risk"].sum() == 228
    expected = int((lung.loc[lung["sex"] == 1, "time"] >= 200).sum())
    assert at_risk.query("group_value == '1' and time == 200")["n_at_risk"].item() == expected


def test_logrank_matches_r(lung):
    # R: survdiff(Surv(time, status) ~ sex, lung) -> Chisq = 10.3 on 1 df, p = 0.001
    result = logrank_test(lung, "time", "status", "sex")
    assert result["statistic"] == pytest.approx(10.3, abs=0.05)
    assert result["df"] == 1
    assert result["p_value"] == pytest.approx(0.00131, abs=0.0001)


def test_median_followup_is_reverse_km(lung):
    result = median_followup(lung, "time", "status")
    assert result["n_censored"] == 63
    flipped = lung.assign(status=1 - lung["status"])
    assert result["median"] == km_summary(flipped, "time", "status").iloc[0]["median"]


def test_bad_inputs_explain_the_fix(lung):
    with pytest.raises(AnalysisInputError, match=r"column 'pfs_days' not found in DataFrame"):
        km_summary(lung, "pfs_days", "status")
    bad = lung.assign(status=lung["status"] + 1)
    with pytest.raises(AnalysisInputError, match=r"event column 'status' must be 0/1 or boolean"):
        km_summary(bad, "time", "status")
    with pytest.raises(AnalysisInputError, match="negative"):
        km_summary(lung.assign(time=-lung["time"]), "time", "status")
