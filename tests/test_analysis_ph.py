"""Vectorised re-implementations against the library code they replace.

* analysis.ph_test: the Schoenfeld test vs lifelines' ``proportional_hazard_test``;
* analysis.fast_cox: Efron gradients and concordance vs lifelines' ``CoxPHFitter``;
* analysis.logistic: Newton start values vs statsmodels' own ``Logit`` fit.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, datasets
from lifelines.statistics import proportional_hazard_test as lifelines_ph_test
from lifelines.utils.concordance import _concordance_summary_statistics

from analysis._checks import AnalysisInputError
from analysis.cox import fit_cox
from analysis.fast_cox import FastCoxPHFitter, concordance_counts, efron_cells, efron_values
from analysis.logistic import _start_params
from analysis.ph_test import TIME_TRANSFORMS, proportional_hazard_test, schoenfeld_ph_test

# Same arithmetic up to summation order: agreement is ~1e-13; 1e-6 leaves ample margin.
RTOL = 1e-6


def _rossi():
    return datasets.load_rossi(), "week", "arrest"


def _lung():
    df = datasets.load_lung().drop(columns=["inst"]).dropna().reset_index(drop=True)
    return df, "time", "status"  # lifelines' copy is coded 0/1 (R's is 1/2)


def _kidney():  # 863 rows, many tied times (days)
    return datasets.load_kidney_transplant(), "time", "death"


def _larynx():
    return datasets.load_larynx(), "time", "death"


def _gbsg2():
    df = datasets.load_gbsg2()
    df = df.assign(
        horTh=(df["horTh"] == "yes").astype(int),
        menostat=(df["menostat"] == "Post").astype(int),
        tgrade=df["tgrade"].map({"I": 1, "II": 2, "III": 3}),
    )
    return df, "time", "cens"


def _ties(seed: int = 7, n: int = 400):
    """Coarse times (many ties, mixed events and censorings at a time), shuffled rows."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    group = rng.integers(0, 3, size=n)
    hazard = np.exp(0.5 * x[:, 0] - 0.3 * group)
    times = np.ceil(rng.exponential(1 / hazard) * 4)  # integers 1, 2, …
    return (
        pd.DataFrame(
            {
                "t": times,
                "e": rng.random(n) < 0.7,
                "x0": x[:, 0],
                "x1": x[:, 1] * 10 + 50,  # far from zero: tests the uncentred scale
                "g1": (group == 1).astype(float),
                "g2": (group == 2).astype(float),
            }
        ),
        "t",
        "e",
    )


DATASETS = {
    "rossi": _rossi,
    "lung": _lung,
    "kidney": _kidney,
    "larynx": _larynx,
    "gbsg2": _gbsg2,
    "ties": _ties,
}


def _fit(df, duration_col, event_col, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CoxPHFitter().fit(df, duration_col, event_col, **kwargs)


def _assert_matches_lifelines(fitter, df, time_transform):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = lifelines_ph_test(fitter, df, time_transform=time_transform).summary
    got = proportional_hazard_test(fitter, df, time_transform).loc[expected.index]
    for column in ("test_statistic", "p"):
        np.testing.assert_allclose(
            got[column].to_numpy(), expected[column].to_numpy(), rtol=RTOL, atol=0
        )


@pytest.mark.parametrize("time_transform", TIME_TRANSFORMS)
@pytest.mark.parametrize("name", DATASETS)
def test_matches_lifelines(name, time_transform):
    df, duration_col, event_col = DATASETS[name]()
    _assert_matches_lifelines(_fit(df, duration_col, event_col), df, time_transform)


@pytest.mark.parametrize("time_transform", TIME_TRANSFORMS)
def test_matches_lifelines_with_weights_and_robust_errors(time_transform):
    df, duration_col, event_col = _ties(seed=3)
    df["w"] = np.random.default_rng(0).integers(1, 4, size=len(df)).astype(float)
    fitter = _fit(df, duration_col, event_col, weights_col="w", robust=True)
    _assert_matches_lifelines(fitter, df, time_transform)


def test_row_order_of_tied_events_follows_lifelines():
    # The rank transform gives tied events successive ranks in (stable) sorted order, so
    # the input order of tied rows matters; it must match lifelines' for any index.
    df, duration_col, event_col = _ties(seed=11)
    df.index = np.random.default_rng(1).permutation(len(df)) + 1000
    _assert_matches_lifelines(_fit(df, duration_col, event_col), df, "rank")


def test_fit_cox_reports_the_lifelines_p_value():
    df, _, _ = _ties(seed=5)
    fit = fit_cox(df, "t", "e", ["x0", "x1"], ph_time_transform="km")
    # fit_cox fits on internal names x0, x1 (numeric covariates are used as they are).
    fitted = pd.DataFrame(
        {"x0": df["x0"], "x1": df["x1"], "_duration": df["t"], "_event": df["e"].astype(float)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = lifelines_ph_test(fit.fitter, fitted, time_transform="km").summary["p"]
    got = fit.table.set_index("term")["ph_test_p"]
    np.testing.assert_allclose(got.to_numpy(), expected.loc[["x0", "x1"]].to_numpy(), rtol=RTOL)


def test_a_given_row_order_is_used_only_when_it_is_the_stable_sort():
    df, duration_col, event_col = _ties(seed=9)
    names = ["x0", "x1", "g1", "g2"]
    fitter = _fit(df, duration_col, event_col)
    args = (df[duration_col], df[event_col], df[names], fitter.params_, fitter.variance_matrix_)
    expected = schoenfeld_ph_test(*args)
    stable = np.lexsort((df[event_col].to_numpy(), df[duration_col].to_numpy()))
    wrong = [np.arange(len(df)), stable[::-1], stable[:-1], np.r_[stable[1:], stable[:1]]]
    for order in [stable, fitter.durations.index.to_numpy(), *wrong]:
        pd.testing.assert_frame_equal(schoenfeld_ph_test(*args, order=order), expected)


def test_undefined_statistic_is_nan():
    # All events at one time: the centred transformed times are all zero (not with
    # "rank", which numbers tied events 1, 2, …).
    df = pd.DataFrame({"t": [5.0] * 4 + [7.0] * 4, "e": [1] * 4 + [0] * 4, "x": range(8)})
    result = schoenfeld_ph_test(df.t, df.e, df[["x"]], [0.1], [[0.04]], time_transform="km")
    assert np.isnan(result.loc["x", "test_statistic"]) and np.isnan(result.loc["x", "p"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_transform": "ranks"}, "use one of"),
        ({"durations": [1.0, 2.0]}, "one value per row"),
        ({"events": [0, 0, 0, 0]}, "at least one event"),
        ({"events": [0, 2, 1, 1]}, "0/1"),
        ({"durations": [1.0, np.nan, 3.0, 4.0]}, "drop those rows"),
        ({"params": [0.1, 0.2]}, "column order of covariates"),
        ({"variance_matrix": np.eye(2)}, "one row/column per covariate"),
        ({"weights": [1.0, 0.0, 1.0, 1.0]}, "positive"),
    ],
)
def test_input_errors_say_how_to_fix(kwargs, message):
    arguments = {
        "durations": [1.0, 2.0, 3.0, 4.0],
        "events": [1, 0, 1, 1],
        "covariates": [[0.0], [1.0], [0.0], [1.0]],
        "params": [0.1],
        "variance_matrix": [[0.04]],
        "time_transform": "km",
    } | kwargs
    covariates = arguments.pop("covariates")
    params, variance = arguments.pop("params"), arguments.pop("variance_matrix")
    durations, events = arguments.pop("durations"), arguments.pop("events")
    with pytest.raises(AnalysisInputError, match=message):
        schoenfeld_ph_test(durations, events, covariates, params, variance, **arguments)


def test_unsupported_models_are_refused():
    df, duration_col, event_col = _ties(seed=2)
    fitter = _fit(df.drop(columns="g2"), duration_col, event_col, strata=["g1"])
    with pytest.raises(AnalysisInputError, match="strata"):
        proportional_hazard_test(fitter, df, "rank")
    fitter = _fit(df, duration_col, event_col)
    with pytest.raises(AnalysisInputError, match="lacks column"):
        proportional_hazard_test(fitter, df.drop(columns="x1"), "rank")


def test_large_dataset_runs_in_seconds():
    # lifelines' loop is quadratic (hours here); this must stay O(n log n).
    rng = np.random.default_rng(0)
    n, d = 200_000, 6
    x = np.column_stack([rng.normal(size=(n, 3)), rng.integers(0, 2, size=(n, 3))])
    times = np.round(rng.exponential(12, size=n), 1) + 0.1  # ~1,000 distinct times: ties
    events = rng.random(n) < 0.6
    params = rng.normal(scale=0.2, size=d)
    variance = np.diag(np.full(d, 1e-4))
    start = time.process_time()
    for time_transform in TIME_TRANSFORMS:
        result = schoenfeld_ph_test(
            times, events, x, params, variance, time_transform=time_transform
        )
        assert result["p"].between(0, 1).all()
    assert time.process_time() - start < 20


# --- analysis.fast_cox ---------------------------------------------------------------------


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", DATASETS)
def test_fast_cox_matches_lifelines(name, weighted):
    df, duration_col, event_col = DATASETS[name]()
    options = {}
    if weighted:
        df = df.assign(w=np.random.default_rng(0).integers(1, 4, size=len(df)).astype(float))
        options = {"weights_col": "w", "robust": True}
    expected = _fit(df, duration_col, event_col, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = FastCoxPHFitter().fit(df, duration_col, event_col, **options)
    for attribute in ("params_", "standard_errors_"):
        np.testing.assert_allclose(getattr(got, attribute), getattr(expected, attribute), rtol=1e-9)
    np.testing.assert_allclose(got.summary["p"], expected.summary["p"], rtol=1e-8)
    assert got.log_likelihood_ == pytest.approx(expected.log_likelihood_, rel=1e-12)
    assert got.concordance_index_ == pytest.approx(expected.concordance_index_, rel=1e-12)
    pd.testing.assert_frame_equal(got.baseline_survival_, expected.baseline_survival_, rtol=1e-9)


def test_efron_values_match_lifelines_away_from_the_optimum():
    df, duration_col, event_col = _ties(seed=4)
    df["w"] = np.random.default_rng(2).integers(1, 3, size=len(df)).astype(float)
    fitter = _fit(df, duration_col, event_col, weights_col="w")
    model = fitter._model
    X, T, E, W, *_ = model._preprocess_dataframe(df)
    beta = np.array([0.4, -0.02, 0.3, -0.5])
    expected = model._get_efron_values_batch(X, T, E, W, None, beta)
    arrays = (X.to_numpy(), T.to_numpy(), E.to_numpy(), W.to_numpy())
    for got in (efron_values(*arrays, beta), efron_values(*arrays, beta, efron_cells(*arrays))):
        for value, reference in zip(got, expected, strict=True):
            np.testing.assert_allclose(value, reference, rtol=1e-10)


def test_concordance_counts_match_lifelines_with_ties_and_censoring():
    rng = np.random.default_rng(5)
    for n in (1, 2, 50, 2000):
        times = rng.integers(1, 30, size=n).astype(float)
        events = rng.random(n) < 0.6
        scores = rng.integers(0, 8, size=n).astype(float)
        expected = _concordance_summary_statistics(times, scores, events)
        assert concordance_counts(times, scores, events) == tuple(int(v) for v in expected)


def test_identical_covariates_give_tied_predictions():
    # lifelines' matrix-vector product may differ in the last bit between equal rows; the
    # fast fitter gives equal rows equal partial hazards, so they count as tied pairs.
    df, duration_col, event_col = _ties(seed=6, n=3000)
    df = df.drop(columns=["x0", "x1"])
    fitter = FastCoxPHFitter().fit(df, duration_col, event_col)
    hazards = fitter.predict_partial_hazard(df)
    patterns = df[["g1", "g2"]].astype(str).agg("".join, axis=1)
    assert (hazards.groupby(patterns).nunique() == 1).all()


# --- analysis.logistic ---------------------------------------------------------------------


def test_logistic_start_values_are_the_maximum_likelihood_estimate():
    import statsmodels.api as sm

    rng = np.random.default_rng(8)
    n = 5000
    x = np.column_stack(
        [np.ones(n), rng.integers(0, 2, n), rng.integers(0, 3, n), rng.integers(40, 80, n)]
    ).astype(float)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2 + 0.7 * x[:, 1] + 0.02 * x[:, 3])))).astype(float)
    expected = sm.Logit(y, x).fit(disp=0).params
    np.testing.assert_allclose(_start_params(y, x), expected, rtol=1e-8)
    separated = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    assert _start_params(np.array([0, 0, 0, 1, 1, 1.0]), separated) is None


# --- scale -----------------------------------------------------------------------------------


def test_fast_cox_on_a_large_dataset_runs_in_seconds():
    rng = np.random.default_rng(1)
    n = 200_000
    df = pd.DataFrame(rng.integers(0, 2, size=(n, 4)).astype(float), columns=list("abcd"))
    df["age"] = rng.integers(30, 90, size=n).astype(float)
    df["t"] = np.round(rng.exponential(np.exp(-0.3 * df["a"]) * 12), 1) + 0.1
    df["e"] = (rng.random(n) < 0.7).astype(float)
    start = time.process_time()
    fitter = FastCoxPHFitter().fit(df, "t", "e")
    assert 0.5 < fitter.concordance_index_ < 1
    assert proportional_hazard_test(fitter, df, "km")["p"].between(0, 1).all()
    assert time.process_time() - start < 20
