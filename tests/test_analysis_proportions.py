"""Exact binomial intervals, response rates and BOR distribution."""

import numpy as np
import pandas as pd
import pytest

from analysis._checks import AnalysisInputError
from analysis.proportions import (
    BOR_CATEGORIES,
    bor_distribution,
    clopper_pearson,
    proportion_summary,
    response_rates,
)


@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [(7, 20, 0.154, 0.592), (0, 10, 0.0, 0.308), (10, 10, 0.692, 1.0)],
)
def test_clopper_pearson_matches_reference_values(x, n, lower, upper):
    low, high = clopper_pearson(x, n)
    assert low == pytest.approx(lower, abs=0.001)
    assert high == pytest.approx(upper, abs=0.001)


def test_clopper_pearson_edge_cases():
    assert clopper_pearson(0, 10)[0] == 0.0
    assert clopper_pearson(10, 10)[1] == 1.0
    assert all(np.isnan(clopper_pearson(0, 0)))
    with pytest.raises(AnalysisInputError, match="0 <= x <= n"):
        clopper_pearson(11, 10)
    assert proportion_summary(7, 20)["estimate"] == pytest.approx(0.35)


def _cohort():
    return pd.DataFrame(
        {
            "bor": ["CR", "PR", "SD", "PD", "NE", None, "NON-CR/NON-PD", "pr", "PD", "MISSING"],
            "bor_confirmed": [
                "CR",
                "SD",
                "SD",
                "PD",
                "NE",
                None,
                "NON-CR/NON-PD",
                "PR",
                "PD",
                "MISSING",
            ],
            "icis_class": ["anti_pd1"] * 6 + ["anti_pdl1"] * 3 + [None],
        }
    )


def test_response_rates_counts_all_patients_and_groups_sum_to_total():
    rates = response_rates(_cohort(), group_vars=["icis_class"])
    overall = rates[rates["group_var"] == "overall"].set_index(["metric", "bor_variant"])
    orr = overall.loc[("ORR", "unconfirmed")]
    assert (orr["x"], orr["n"]) == (3, 10)  # CR, PR and lower-case pr; NE/null in denominator
    assert orr["estimate"] == pytest.approx(0.3)
    assert overall.loc[("ORR", "confirmed"), "x"] == 2
    assert overall.loc[("DCR", "unconfirmed"), "x"] == 5
    groups = rates[rates["group_var"] == "icis_class"]
    assert set(groups["group_value"]) == {"anti_pd1", "anti_pdl1", "missing"}
    for (metric, variant), part in groups.groupby(["metric", "bor_variant"]):
        total = rates[
            (rates["group_var"] == "overall")
            & (rates["metric"] == metric)
            & (rates["bor_variant"] == variant)
        ].iloc[0]
        assert part["n"].sum() == total["n"]
        assert part["x"].sum() == total["x"]
    assert (rates["ci_lower"] <= rates["estimate"]).all()
    assert (rates["estimate"] <= rates["ci_upper"]).all()


def test_bor_distribution_lists_every_code():
    dist = bor_distribution(_cohort())
    overall = dist[(dist["bor_variant"] == "unconfirmed") & (dist["group_var"] == "overall")]
    assert list(overall["bor"]) == list(BOR_CATEGORIES)
    assert overall["n"].sum() == 10
    assert overall.set_index("bor").loc["MISSING", "n"] == 2  # null and explicit MISSING
    assert overall["pct"].sum() == pytest.approx(100)


def test_unknown_bor_code_and_missing_column_are_explained():
    frame = _cohort().assign(bor=["CR", "XX"] + ["PD"] * 8)
    with pytest.raises(AnalysisInputError, match=r"unknown codes \['XX'\]"):
        response_rates(frame)
    with pytest.raises(AnalysisInputError, match="column 'bor_confirmd' not found.*did you mean"):
        response_rates(_cohort(), bor_variants={"confirmed": "bor_confirmd"})
