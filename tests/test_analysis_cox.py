"""Cox models checked against R ``survival::coxph`` reference values."""

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_lung, load_rossi

from analysis._checks import AnalysisInputError
from analysis.cox import COX_COLUMNS, fit_cox, multivariable_cox, univariable_cox


@pytest.fixture(scope="module")
def lung():
    data = load_lung()
    if set(data["status"].unique()) == {1, 2}:  # R coding 1 = censored, 2 = dead
        data["status"] = data["status"] - 1
    return data


def test_lung_sex_matches_r(lung):
    # R: coxph(Surv(time, status) ~ sex, lung): HR 0.588 (0.424-0.816), concordance 0.579
    fit = fit_cox(lung, "time", "status", ["sex"])
    row = fit.table.iloc[0]
    assert row["hr"] == pytest.approx(0.588, abs=0.002)
    assert row["ci_lower"] == pytest.approx(0.424, abs=0.002)
    assert row["ci_upper"] == pytest.approx(0.816, abs=0.002)
    assert row["p_value"] == pytest.approx(0.00149, abs=0.0001)
    assert fit.concordance == pytest.approx(0.579, abs=0.002)
    assert (row["n"], row["events"], row["n_missing"]) == (228, 165, 0)
    assert 0 <= row["ph_test_p"] <= 1
    assert list(fit.table.columns) == COX_COLUMNS


def test_rossi_full_model_matches_r():
    # R: coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi)
    rossi = load_rossi()
    covariates = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
    fit = fit_cox(rossi, "week", "arrest", covariates)
    prio = fit.table.set_index("term").loc["prio"]
    assert prio["coef"] == pytest.approx(0.0915, abs=0.001)
    assert prio["hr"] == pytest.approx(1.096, abs=0.001)
    assert fit.concordance == pytest.approx(0.640, abs=0.002)


def test_categorical_reference_and_missing_covariates_are_explicit(lung):
    data = lung.assign(
        sex_label=lung["sex"].map({1: "male", 2: "female"}),
        ecog_known=lung["ph.ecog"],
    )
    fit = fit_cox(
        data, "time", "status", ["sex_label", "ecog_known"], reference_levels={"sex_label": "male"}
    )
    sex = fit.table.set_index("variable").loc["sex_label"]
    assert (sex["term"], sex["level"], sex["reference"]) == ("sex_label[female]", "female", "male")
    assert sex["hr"] < 1  # women do better, as with the 1/2 coding
    assert fit.n_missing == int(lung["ph.ecog"].isna().sum()) == 1
    assert fit.n == 227
    # An absent reference level (typo, or a partial data cut) yields a NaN row that says why.
    bad = fit_cox(data, "time", "status", ["sex_label"], reference_levels={"sex_label": "x"})
    assert bad.table["hr"].isna().all()
    assert "reference level 'x' for 'sex_label' not found" in bad.table["note"].iloc[0]
    assert "levels are ['female', 'male']" in bad.table["note"].iloc[0]


def test_unestimable_models_give_nan_rows_with_a_note(lung):
    data = lung.assign(
        constant="same",
        no_event_level=np.where(lung["status"] == 0, "only_censored", "mixed"),
    )
    data.loc[data.index[:5], "no_event_level"] = "mixed"  # keep some censored rows "mixed"
    table = univariable_cox(data, "time", "status", ["constant", "no_event_level", "age"])
    by_variable = table.set_index("variable")
    assert np.isnan(by_variable.loc["constant", "hr"])
    assert "does not vary" in by_variable.loc["constant", "note"]
    assert np.isnan(by_variable.loc["no_event_level", "hr"])
    assert "no events" in by_variable.loc["no_event_level", "note"]
    assert by_variable.loc["age", "hr"] > 1
    assert set(table["model"]) == {"univariable"}
    multi = multivariable_cox(data, "time", "status", ["no_event_level", "age"])
    assert multi["hr"].isna().all() and multi["note"].str.contains("separation").all()


def test_boolean_covariates_with_nulls(lung):
    older = pd.array(lung["age"] > 65, dtype="boolean")
    older[:3] = pd.NA
    table = multivariable_cox(lung.assign(older=older), "time", "status", ["older"])
    row = table.iloc[0]
    assert (row["level"], row["reference"], row["n_missing"]) == ("yes", "no", 3)


def test_bad_event_values_are_explained(lung):
    with pytest.raises(AnalysisInputError, match=r"must be 0/1 or boolean, got values \{.*2.*\}"):
        fit_cox(lung.assign(status=lung["status"] + 1), "time", "status", ["sex"])
