"""Grambsch–Therneau test of proportional hazards, vectorised (O(n log n)).

The test regresses the scaled Schoenfeld residuals of a fitted Cox model on a transform of
time, one covariate at a time, and refers the score statistic to a chi-squared
distribution with 1 degree of freedom. It reproduces lifelines 0.30
``lifelines.statistics.proportional_hazard_test`` (the approximation R's ``cox.zph`` used
before survival 3.0), including its definitions:

* rows are sorted stably by (duration, event), as lifelines does before fitting;
* Schoenfeld residuals use Efron's tie correction for the expected covariate at each event
  time, with risk scores ``w * exp(x' beta)`` (``w`` the case weights);
* scaled residuals are ``n_events * residuals @ variance_matrix``;
* time transforms: ``"rank"`` (1, 2, …, n_events in sorted order, so tied events get
  successive ranks), ``"km"`` (``1 - S(t)`` of the weighted Kaplan–Meier curve of all
  rows), ``"identity"`` (``t``) and ``"log"`` (``log t``);
* statistic ``(sum_k g_k r*_k)^2 / (n_events * se^2 * sum_k g_k^2)`` with ``g`` the
  centred transformed event times and ``se`` the model's standard errors.

lifelines grows the residual array row by row in a Python loop (quadratic in the number of
rows); here everything is sorting and cumulative sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._checks import AnalysisInputError

__all__ = ["TIME_TRANSFORMS", "proportional_hazard_test", "schoenfeld_ph_test"]

#: Time transforms accepted by :func:`schoenfeld_ph_test`.
TIME_TRANSFORMS = ("rank", "km", "identity", "log")


def _as_float_vector(values, name: str, n: int | None = None) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise AnalysisInputError(f"{name} must be one-dimensional; got shape {array.shape}")
    if n is not None and len(array) != n:
        raise AnalysisInputError(
            f"{name} has {len(array)} values but durations has {n}; pass one value per row"
        )
    if not np.isfinite(array).all():
        raise AnalysisInputError(
            f"{name} contains missing or infinite values; drop those rows first "
            "(the test needs the complete cases the model was fitted on)"
        )
    return array


def _validated(durations, events, covariates, params, variance_matrix, weights, standard_errors):
    """Check and convert the inputs of :func:`schoenfeld_ph_test` to float arrays."""
    t = _as_float_vector(durations, "durations")
    n = len(t)
    e = _as_float_vector(events, "events", n)
    if not np.isin(e, (0.0, 1.0)).all():
        raise AnalysisInputError("events must be 0/1 or boolean (1 = event observed)")
    if not e.any():
        raise AnalysisInputError("events has no event; the test needs at least one event")
    x = np.asarray(covariates, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] != n:
        raise AnalysisInputError(
            f"covariates must be a (n_rows, n_covariates) table with n_rows = {n}; "
            f"got shape {x.shape}"
        )
    if not np.isfinite(x).all():
        raise AnalysisInputError("covariates contain missing or infinite values; drop those rows")
    d = x.shape[1]
    beta = _as_float_vector(params, "params")
    if len(beta) != d:
        raise AnalysisInputError(
            f"params has {len(beta)} coefficients but covariates has {d} columns; "
            "pass the fitted coefficients in the column order of covariates"
        )
    v = np.asarray(variance_matrix, dtype=float)
    if v.shape != (d, d):
        raise AnalysisInputError(
            f"variance_matrix must be {d} x {d} (one row/column per covariate); got {v.shape}"
        )
    w = np.ones(n) if weights is None else _as_float_vector(weights, "weights", n)
    if (w <= 0).any():
        raise AnalysisInputError("weights must be positive; drop rows with zero weight")
    se = np.sqrt(np.diag(v)) if standard_errors is None else standard_errors
    se = _as_float_vector(se, "standard_errors")
    if len(se) != d:
        raise AnalysisInputError(f"standard_errors has {len(se)} values, covariates {d} columns")
    return t, e, x, beta, v, w, se


def _sort_order(t: np.ndarray, e: np.ndarray, order) -> np.ndarray:
    """``order`` if it sorts rows by (duration, event) stably, else ``np.lexsort((e, t))``."""
    order = None if order is None else np.asarray(order)
    n = len(t)
    valid = order is not None and order.shape == (n,) and order.dtype.kind in "iu" and n > 0
    valid = valid and order.min() >= 0 and order.max() < n
    if valid and (np.bincount(order, minlength=n) == 1).all():
        dt, de, step = np.diff(t[order]), np.diff(e[order]), np.diff(order)
        if ((dt > 0) | ((dt == 0) & ((de > 0) | ((de == 0) & (step > 0))))).all():
            return order
    return np.lexsort((e, t))  # stable: ties keep their input order, as in lifelines


def _efron_residuals(t, e, x, phi, group, starts):
    """Schoenfeld residuals (Efron ties) of the event rows, in sorted order.

    ``t`` is sorted ascending, ``group`` numbers the distinct times 0, 1, … and ``starts``
    is the first row of each distinct time. The risk set at a time is every row with a
    duration at or after it, so its sums are reverse cumulative sums read at ``starts``.
    """
    n_groups = len(starts)
    phi_x = phi[:, None] * x
    risk0 = np.cumsum(phi[::-1])[::-1][starts]
    risk1 = np.cumsum(phi_x[::-1], axis=0)[::-1][starts]
    event = e.astype(bool)
    event_group = group[event]
    deaths = np.bincount(event_group, minlength=n_groups)
    tie0 = np.bincount(event_group, weights=phi[event], minlength=n_groups)
    tie1 = np.zeros_like(risk1)
    for j, column in enumerate(phi_x[event].T):
        tie1[:, j] = np.bincount(event_group, weights=column, minlength=n_groups)
    # Efron: the l-th of m tied deaths (l = 0 … m-1) sees the risk set minus l/m of the
    # tied deaths; the expected covariate is the mean over l of the weighted means.
    with_deaths = np.flatnonzero(deaths)
    m = deaths[with_deaths]
    slot_group = np.repeat(with_deaths, m)
    m_slot = np.repeat(m, m).astype(float)
    first_slot = np.repeat(np.cumsum(m) - m, m)
    frac = (np.arange(len(slot_group)) - first_slot) / m_slot
    denom = (risk0[slot_group] - frac * tie0[slot_group]) * m_slot
    a = np.bincount(slot_group, weights=1.0 / denom, minlength=n_groups)
    b = np.bincount(slot_group, weights=frac / denom, minlength=n_groups)
    expected = risk1 * a[:, None] - tie1 * b[:, None]
    return x[event] - expected[event_group]


def _transformed_times(t, e, w, group, time_transform: str) -> np.ndarray:
    """Transformed time of each event row (sorted order), as lifelines' TimeTransformers."""
    event = e.astype(bool)
    if time_transform == "rank":
        return np.cumsum(e)[event]
    if time_transform == "identity":
        return t[event]
    if time_transform == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(t[event])
    # "km": 1 - weighted Kaplan–Meier survival at the event time, computed as lifelines
    # does (at risk = total weight - weight removed before; product via a sum of logs).
    removed = np.bincount(group, weights=w)
    observed = np.bincount(group, weights=w * e)
    at_risk = w.sum() - np.concatenate(([0.0], np.cumsum(removed)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.exp(np.cumsum(np.log(at_risk - observed) - np.log(at_risk)))
    return 1.0 - survival[group[event]]


def schoenfeld_ph_test(
    durations,
    events,
    covariates,
    params,
    variance_matrix,
    *,
    weights=None,
    standard_errors=None,
    time_transform: str = "rank",
    names=None,
    order=None,
) -> pd.DataFrame:
    """Proportional-hazards test of each covariate of a fitted Cox model.

    Parameters
    ----------
    durations, events : array-like of shape (n,)
        Follow-up times and event indicators (0/1 or boolean) of the rows the model was
        fitted on; no missing values.
    covariates : array-like of shape (n, d)
        Covariate values, unstandardised, in the order of ``params``.
    params : array-like of shape (d,)
        Fitted log-hazard ratios.
    variance_matrix : array-like of shape (d, d)
        Model-based variance of ``params`` (lifelines ``variance_matrix_``).
    weights : array-like of shape (n,), optional
        Positive case weights used in the fit; unit weights if omitted.
    standard_errors : array-like of shape (d,), optional
        Standard errors to scale the statistic with (lifelines ``standard_errors_``, which
        are robust ones if the model was fitted with ``robust=True``); by default the
        square roots of the diagonal of ``variance_matrix``.
    time_transform : {"rank", "km", "identity", "log"}, optional
        Transform of time the residuals are regressed on (see the module docstring).
    names : sequence of str, optional
        Covariate names for the index of the result; default ``covariates``' columns if it
        is a DataFrame, else ``0 … d-1``.
    order : array-like of int, optional
        Row positions by ascending duration, then event, ties in input order (as lifelines
        sorts; e.g. its ``durations.index`` for a 0..n-1 index). Checked in O(n) and
        recomputed when it is not that order.

    Returns
    -------
    pandas.DataFrame
        Indexed by covariate, columns ``test_statistic`` (chi-squared, 1 df) and ``p``.
        Both are NaN for a covariate when the statistic is undefined (e.g. all events at
        the same time).

    Raises
    ------
    AnalysisInputError
        If the shapes disagree, values are missing or infinite, events are not 0/1 or
        there is no event, weights are not positive, or ``time_transform`` is unknown.
    """
    from scipy import stats

    if time_transform not in TIME_TRANSFORMS:
        raise AnalysisInputError(
            f"unknown time_transform {time_transform!r}; use one of {list(TIME_TRANSFORMS)}"
        )
    if names is None:
        names = list(covariates.columns) if isinstance(covariates, pd.DataFrame) else None
    t, e, x, beta, v, w, se = _validated(
        durations, events, covariates, params, variance_matrix, weights, standard_errors
    )
    order = _sort_order(t, e, order)
    t, e, x, w = t[order], e[order], x[order], w[order]
    new_time = np.r_[True, t[1:] != t[:-1]]
    starts = np.flatnonzero(new_time)
    group = np.cumsum(new_time) - 1
    # Uncentred linear predictor, as in lifelines, so that results agree to rounding.
    phi = w * np.exp(x @ beta)
    residuals = _efron_residuals(t, e, x, phi, group, starts)
    n_events = float(e.sum())
    scaled = n_events * residuals @ v
    g = _transformed_times(t, e, w, group, time_transform)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = g - g.mean()
        statistic = (g @ scaled) ** 2 / (n_events * se**2 * (g**2).sum())
    p = stats.chi2.sf(statistic, 1)
    index = pd.Index(names if names is not None else range(x.shape[1]), name="covariate")
    return pd.DataFrame({"test_statistic": statistic, "p": p}, index=index)


def proportional_hazard_test(fitter, data: pd.DataFrame, time_transform: str = "rank"):
    """:func:`schoenfeld_ph_test` of a fitted lifelines ``CoxPHFitter``.

    Drop-in for ``lifelines.statistics.proportional_hazard_test(fitter, data,
    time_transform=...)`` (its ``.summary[["test_statistic", "p"]]``).

    Parameters
    ----------
    fitter : lifelines.CoxPHFitter
        Fitted with the default Breslow baseline, without ``strata``, ``formula`` or
        ``entry_col``.
    data : pandas.DataFrame
        The DataFrame passed to ``fitter.fit``.
    time_transform : {"rank", "km", "identity", "log"}, optional
        See :func:`schoenfeld_ph_test`.

    Returns
    -------
    pandas.DataFrame
        Indexed by covariate, columns ``test_statistic`` and ``p``.

    Raises
    ------
    AnalysisInputError
        If the model is of a kind not supported or ``data`` lacks its columns.
    """
    if getattr(fitter, "params_", None) is None or not hasattr(fitter, "duration_col"):
        raise AnalysisInputError("fitter must be a fitted lifelines CoxPHFitter; call fit first")
    method = getattr(fitter, "baseline_estimation_method", "breslow")
    used = [k for k in ("strata", "formula", "entry_col") if getattr(fitter, k, None) is not None]
    if method != "breslow" or used:
        raise AnalysisInputError(
            "only Cox models with the Breslow baseline and without strata, formula or "
            f"entry_col are supported (got baseline {method!r}, options {used}); "
            "use lifelines.statistics.proportional_hazard_test for those"
        )
    names = list(fitter.params_.index)
    columns = [fitter.duration_col, fitter.event_col, *names]
    columns += [fitter.weights_col] if fitter.weights_col else []
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise AnalysisInputError(
            f"data lacks column(s) {missing} of the fitted model; pass the DataFrame given to fit"
        )
    # lifelines' row order, as positions when the index is 0..n-1 (saves a sort)
    positional = data.index.equals(pd.RangeIndex(len(data)))
    return schoenfeld_ph_test(
        data[fitter.duration_col],
        data[fitter.event_col],
        data[names],
        fitter.params_.to_numpy(),
        fitter.variance_matrix_.to_numpy(),
        weights=data[fitter.weights_col] if fitter.weights_col else None,
        standard_errors=fitter.standard_errors_.to_numpy(),
        time_transform=time_transform,
        names=names,
        order=fitter.durations.index.to_numpy() if positional else None,
    )
