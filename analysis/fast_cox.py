"""lifelines' Cox model with its per-row Python loops replaced by array code.

:class:`FastCoxPHFitter` is a ``lifelines.CoxPHFitter`` (same API, Newton–Raphson path,
warnings, errors, summaries) whose slow parts at a few hundred thousand rows are replaced:

* the Efron log-likelihood, gradient and Hessian of each Newton–Raphson step
  (:func:`efron_values`): per-time sums over cells of identical rows, reverse cumulative
  sums over the risk sets and the Efron tie correction per death, instead of a Python loop
  over the distinct times (or over every row, which lifelines picks at large n);
* Harrell's concordance index (:func:`concordance_counts`): a table of deaths by time and
  by predicted score instead of a balanced tree filled one row at a time;
* smaller overheads: medians instead of ``DataFrame.describe`` for the central values,
  no Python list of row labels when predicting, one property evaluation per attribute.

Results are lifelines' up to floating-point rounding (tests/test_analysis_ph.py), except
that rows with identical covariates always get identical partial hazards (see
``predict_log_partial_hazard``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, utils
from lifelines.fitters.coxph_fitter import SemiParametricPHFitter
from lifelines.utils.concordance import _concordance_ratio, _concordance_summary_statistics

__all__ = ["EfronCells", "FastCoxPHFitter", "concordance_counts", "efron_cells", "efron_values"]

# Largest (distinct death times x distinct scores) table for the array concordance; beyond
# it (continuous scores with many death times) lifelines' O(n log n) tree is used.
_MAX_TABLE_CELLS = 4_000_000


def _pattern_codes(x: np.ndarray) -> np.ndarray | None:
    """A code per row, equal for equal rows of ``x``; None if there are too many patterns."""
    codes, size = np.zeros(len(x), dtype=np.int64), 1
    for column in x.T:
        position, distinct = pd.factorize(column)
        size *= max(len(distinct), 1)
        if size > 2**40:
            return None
        codes = codes * len(distinct) + position
    return codes


class EfronCells(NamedTuple):
    """Rows merged into cells of equal (time, event, covariates), in time order.

    Such rows have equal risk scores up to their case weights, so every sum of the Efron
    likelihood is a sum over cells with the weights added up; with dummy covariates 10^5
    rows make a few thousand cells.
    """

    x: np.ndarray  # (k, d) covariates of each cell
    weight: np.ndarray  # summed case weights
    count: np.ndarray  # number of rows
    dead: np.ndarray  # 1.0 for event cells
    group: np.ndarray  # distinct-time number
    starts: np.ndarray  # first cell of each distinct time


def efron_cells(x, t, e, w) -> EfronCells:
    """Merge sorted rows (see :func:`efron_values`) into :class:`EfronCells`."""
    dead = np.where(e.astype(bool), 1.0, 0.0)
    group = np.cumsum(np.r_[True, t[1:] != t[:-1]]) - 1
    patterns = _pattern_codes(x)
    if patterns is None:
        cell, first = np.arange(len(t)), np.arange(len(t))
    else:
        n_patterns = int(patterns.max()) + 1
        if n_patterns * 2 * (int(group[-1]) + 1) > 2**62:  # codes would overflow
            patterns = np.arange(len(t))
            n_patterns = len(t)
        # factorize numbers cells by first appearance, so they stay in time order
        cell, _ = pd.factorize((group * 2 + dead.astype(np.int64)) * n_patterns + patterns)
        first = np.zeros(int(cell.max()) + 1, dtype=np.int64)
        first[cell[::-1]] = np.arange(len(t))[::-1]
    cell_group = group[first]
    return EfronCells(
        x=x[first],
        weight=np.bincount(cell, weights=w),
        count=np.bincount(cell).astype(float),
        dead=dead[first],
        group=cell_group,
        starts=np.flatnonzero(np.r_[True, cell_group[1:] != cell_group[:-1]]),
    )


def efron_values(x, t, e, w, beta, cells: EfronCells | None = None):
    """Hessian, gradient and log partial likelihood of a Cox model with Efron ties.

    The arithmetic of lifelines' ``_get_efron_values_batch``, vectorised: risk-set sums are
    reverse cumulative sums over the distinct times, and the Efron correction is summed
    over the deaths of each time. The risk-set second moments enter the Hessian only
    through ``sum_g c_g sum_(i in risk set g) phi_i x_i x_i'``, which is computed as one
    weighted ``x' W x`` with ``W_i = phi_i * sum_(g: t_g <= t_i) c_g``.

    Parameters
    ----------
    x : ndarray of shape (n, d)
        Covariates, rows sorted by ascending duration (events after censorings within a
        time, as lifelines sorts them).
    t, e, w : ndarray of shape (n,)
        Sorted durations, event indicators and case weights.
    beta : ndarray of shape (d,)
        Coefficients at which to evaluate.
    cells : EfronCells, optional
        ``efron_cells(x, t, e, w)``, to reuse between Newton–Raphson steps.

    Returns
    -------
    hessian : ndarray of shape (d, d)
    gradient : ndarray of shape (d,)
    log_likelihood : float
    """
    c = efron_cells(x, t, e, w) if cells is None else cells
    d, n_groups = c.x.shape[1], len(c.starts)
    phi = c.weight * np.exp(c.x @ beta)
    phi_x = phi[:, None] * c.x
    # per-time sums of all rows and of the deaths, in one pass
    columns = [
        phi,
        phi * c.dead,
        c.count * c.dead,
        c.weight * c.dead,
        phi_x,
        phi_x * c.dead[:, None],
    ]
    sums = np.add.reduceat(np.column_stack(columns), c.starts, axis=0)
    deaths, tie0, tie1 = sums[:, 2], sums[:, 1], sums[:, 4 + d :]
    # risk sets: every row with a duration at or after the time
    risk0 = np.cumsum(sums[::-1, 0])[::-1]
    risk1 = np.cumsum(sums[::-1, 4 : 4 + d], axis=0)[::-1]
    x_death_sum = (c.x * (c.weight * c.dead)[:, None]).sum(0)
    weighted_average = np.divide(sums[:, 3], deaths, out=np.zeros(n_groups), where=deaths > 0)
    # Efron: the l-th of m tied deaths (l = 0 … m-1) sees the risk set less l/m of the ties.
    m = np.rint(deaths).astype(int)
    slot = np.repeat(np.arange(n_groups), m)
    frac = (np.arange(len(slot)) - np.repeat(np.cumsum(m) - m, m)) / np.repeat(m, m)
    denom = 1.0 / (risk0[slot] - frac * tie0[slot])

    def per_group(values):
        return np.bincount(slot, weights=values, minlength=n_groups)

    a0, a1 = per_group(denom), per_group(frac * denom)
    b0, b1, b2 = per_group(denom**2), per_group(frac * denom**2), per_group(frac**2 * denom**2)
    # first moments: sum_g wa_g (numer_g' numer_g summed over the slots)
    cross = np.einsum("g,ga,gb->ab", weighted_average * b1, risk1, tie1)
    second = (
        np.einsum("g,ga,gb->ab", weighted_average * b0, risk1, risk1)
        - (cross + cross.T)
        + np.einsum("g,ga,gb->ab", weighted_average * b2, tie1, tie1)
    )
    # second moments: sum_g wa_g (a0_g risk2_g - a1_g tie2_g) as one x' W x
    at_risk_weight = np.cumsum(weighted_average * a0)[c.group]
    cell_weight = phi * (at_risk_weight - c.dead * (weighted_average * a1)[c.group])
    hessian = second - (c.x * cell_weight[:, None]).T @ c.x
    gradient = x_death_sum - weighted_average @ (risk1 * a0[:, None] - tie1 * a1[:, None])
    log_lik = float(x_death_sum @ beta + weighted_average @ per_group(np.log(denom)))
    return hessian, gradient, log_lik


def concordance_counts(event_times, predicted, event_observed) -> tuple[int, int, int]:
    """(correct, tied, admissible) pair counts of Harrell's C, as lifelines counts them.

    A pair is admissible when one subject died before the other's death or censoring
    (or at a censoring at the same time); it is correct when the one who died first has
    the lower ``predicted`` value (lifelines passes minus the partial hazard), and tied
    when the values are equal.

    Parameters
    ----------
    event_times, predicted, event_observed : array-like of shape (n,)
        Durations, predicted scores and event indicators.

    Returns
    -------
    tuple of int
        ``(num_correct, num_tied, num_pairs)`` as lifelines'
        ``_concordance_summary_statistics``.
    """
    t = np.asarray(event_times, dtype=float)
    p = np.asarray(predicted, dtype=float)
    e = np.asarray(event_observed).astype(bool)
    if not e.any():
        return (0, 0, 0)
    death_times = np.unique(t[e])
    scores, code = np.unique(p, return_inverse=True)
    n_times, n_scores = len(death_times), len(scores)
    if n_times * n_scores > _MAX_TABLE_CELLS:
        return _concordance_summary_statistics(t, p, e)
    cell = np.searchsorted(death_times, t[e]) * n_scores + code[e]
    # at_or_before[g, k]: deaths at or before the g-th death time with score code k
    at_or_before = np.bincount(cell, minlength=n_times * n_scores).reshape(n_times, n_scores)
    at_or_before = np.cumsum(at_or_before, axis=0)
    lower = np.cumsum(at_or_before, axis=1) - at_or_before  # … with a lower score
    # comparable deaths: strictly before a death, at or before a censoring
    row = np.searchsorted(death_times, t, side="right") - 1 - e
    keep = row >= 0
    row, code = row[keep], code[keep]
    correct = int(lower[row, code].sum())
    tied = int(at_or_before[row, code].sum())
    pairs = int(at_or_before.sum(axis=1)[row].sum())
    return (correct, tied, pairs)


class _FastSemiParametricPHFitter(SemiParametricPHFitter):
    """lifelines' Breslow/Efron Cox model with array gradients and concordance."""

    def _choose_gradient_calculator(self, T, X, entries):
        if entries is not None:  # delayed entry: keep lifelines' own code
            return super()._choose_gradient_calculator(T, X, entries)

        cache: dict = {}  # the cells of the data of the last call (same data every step)

        def gradients(X, T, E, weights, entries, beta):
            inputs = (X, T, E, weights)
            if cache.get("inputs") is None or any(
                a is not b for a, b in zip(cache["inputs"], inputs, strict=True)
            ):
                arrays = (X.to_numpy(), T.to_numpy(), E.to_numpy(), weights.to_numpy())
                cache.update(inputs=inputs, cells=efron_cells(*arrays))
            return efron_values(None, None, None, None, beta, cells=cache["cells"])

        return gradients

    def _compute_central_values_of_raw_training_data(self, df, strata=None, name="baseline"):
        # lifelines runs DataFrame.describe (all quantiles, std, …) to keep the medians;
        # for numeric columns without strata compute just the medians (same values).
        numeric = all(
            pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            for dtype in df.dtypes
        )
        if strata or not numeric or df.empty:
            return super()._compute_central_values_of_raw_training_data(df, strata, name)
        medians = np.median(df.to_numpy(dtype=float), axis=0)
        return pd.DataFrame([medians], index=[name], columns=df.columns).astype(df.dtypes)

    def predict_log_partial_hazard(self, X) -> pd.Series:
        # lifelines rebuilds the index from a Python list of the row labels (slow at 10^5
        # rows): keep the DataFrame's own unique index. Its matrix-vector product can also
        # differ in the last bit between identical rows (BLAS blocking), which turns tied
        # predictions into random concordant/discordant pairs in the concordance index; a
        # row-wise sum gives identical rows identical values.
        if not isinstance(X, pd.DataFrame) or not X.index.is_unique:
            return super().predict_log_partial_hazard(X)
        values = self.regressors.transform_df(X)["beta_"].to_numpy().astype(float)
        values = utils.normalize(values, self._norm_mean.values, 1)
        linear = (values * self.params_.to_numpy()).sum(axis=1)
        return pd.Series(linear, index=X.index.copy())

    @property
    def concordance_index_(self) -> float:
        if not hasattr(self, "_concordance_index_"):
            if self.strata:
                return super().concordance_index_
            df = self._predicted_partial_hazards_
            counts = concordance_counts(df["T"].values, -df["P"].values, df["E"].values)
            self._concordance_index_ = _concordance_ratio(*counts)
        return self._concordance_index_


class FastCoxPHFitter(CoxPHFitter):
    """``lifelines.CoxPHFitter`` with array-based Efron gradients and concordance.

    Only the default ``baseline_estimation_method="breslow"`` is changed; the spline and
    piecewise baselines are lifelines' own.
    """

    def __getattr__(self, attr):
        # lifelines delegates to the fitted model with hasattr() then getattr(), which
        # evaluates properties such as ``summary`` twice; look them up once.
        if attr == "_model":
            raise AttributeError("Must call `fit` first.")
        model = self._model  # before fitting: "Must call `fit` first."
        try:
            return getattr(model, attr)
        except AttributeError:
            raise AttributeError(f"{self._class_name} has no attribute '{attr}'") from None

    def _fit_model_breslow(self, *args, **kwargs):
        model = _FastSemiParametricPHFitter(
            penalizer=self.penalizer,
            l1_ratio=self.l1_ratio,
            strata=self.strata,
            alpha=self.alpha,
            label=self._label,
        )
        if not utils.CensoringType.is_right_censoring(self):
            raise ValueError("only right-censored data are supported by the Cox model")
        model.fit(*args, **kwargs)
        return model
