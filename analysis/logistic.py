"""Logistic regression of a binary outcome (by default objective response) on patient factors.

Fitted by maximum likelihood with statsmodels; odds ratios with Wald confidence intervals and
Wald p-values, complete-case. Perfect or quasi-complete separation (e.g. no responder in one
histotype group, common with ~17 % response) makes the estimate infinite: it is detected
before fitting and reported as NaN rows with a note, as is a fit that fails to converge.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._checks import ModelNotEstimable, as_binary, require_columns
from analysis.design import (
    Design,
    build_design,
    empty_level_problem,
    placeholder_rows,
    term_labels,
)

__all__ = [
    "LOGISTIC_COLUMNS",
    "LogisticFit",
    "fit_logistic",
    "multivariable_logistic",
    "univariable_logistic",
]

#: Columns of every logistic result table, in order.
LOGISTIC_COLUMNS = [
    "model", "outcome", "variable", "term", "level", "reference", "coef", "se", "odds_ratio",
    "ci_lower", "ci_upper", "p_value", "n", "events", "n_missing", "note",
]  # fmt: skip

# Beyond this |log-odds| the fit has almost surely run off to infinity (separation).
_DIVERGENT_COEF = 15.0
# Above this many distinct covariate patterns, no Newton start values are computed.
_MAX_PATTERNS = 20_000


@dataclass
class LogisticFit:
    """Result of :func:`fit_logistic`: ``table`` (columns :data:`LOGISTIC_COLUMNS`),
    ``n`` patients analysed, ``events`` (outcome = 1) and ``n_missing`` rows dropped."""

    table: pd.DataFrame
    n: int
    events: int
    n_missing: int


def _start_params(y: np.ndarray, exog: np.ndarray) -> np.ndarray | None:
    """Maximum-likelihood estimate by Newton's method on the distinct covariate patterns.

    Covariates are mostly dummies, so 10^5 rows collapse to a few hundred binomial
    patterns; statsmodels then confirms the optimum in one Newton step instead of ~7 passes
    over every row (same estimate to rounding). None when there are many patterns or
    Newton's method does not converge (e.g. separation): statsmodels then starts from 0.
    """
    codes, size = np.zeros(len(y), dtype=np.int64), 1
    for column in exog.T:
        position, distinct = pd.factorize(column)
        size *= len(distinct)
        if size > 2**40:
            return None
        codes = codes * len(distinct) + position
    pattern, distinct = pd.factorize(codes)
    if len(distinct) > _MAX_PATTERNS:
        return None
    first = np.zeros(len(distinct), dtype=int)
    first[pattern[::-1]] = np.arange(len(y))[::-1]
    x = exog[first]
    n, successes = np.bincount(pattern).astype(float), np.bincount(pattern, weights=y)
    beta = np.zeros(x.shape[1])
    with np.errstate(all="ignore"):
        for _ in range(50):
            p = 1.0 / (1.0 + np.exp(-(x @ beta)))
            hessian = (x * (n * p * (1.0 - p))[:, None]).T @ x
            try:
                step = np.linalg.solve(hessian, x.T @ (successes - n * p))
            except np.linalg.LinAlgError:
                return None
            beta = beta + step
            if not np.isfinite(beta).all():
                return None
            if np.abs(step).max() < 1e-10:
                return beta
    return None


def _fit(y: pd.Series, design: Design, alpha: float):
    # the modules themselves: statsmodels.api also imports time series, graphics, … (~1 s)
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import PerfectSeparationError, PerfectSeparationWarning
    from statsmodels.tools.tools import add_constant

    exog = add_constant(design.matrix, has_constant="add")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence is checked explicitly below
            warnings.simplefilter("error", PerfectSeparationWarning)
            start = _start_params(y.to_numpy(dtype=float), exog.to_numpy(dtype=float))
            result = Logit(y, exog).fit(disp=0, maxiter=200, start_params=start)
    except (PerfectSeparationError, PerfectSeparationWarning) as exc:
        raise ModelNotEstimable(
            f"perfect separation ({exc}); merge sparse levels or drop the covariate"
        ) from exc
    except np.linalg.LinAlgError as exc:
        raise ModelNotEstimable(
            "singular design (collinear covariates); drop one of the collinear covariates"
        ) from exc
    params = result.params.drop("const")
    if not result.mle_retvals.get("converged", True) or (params.abs() > _DIVERGENT_COEF).any():
        raise ModelNotEstimable(
            "logistic model did not converge (probable separation); merge sparse levels or "
            "drop covariates"
        )
    return result


def fit_logistic(
    df: pd.DataFrame,
    outcome_col: str,
    covariates: Sequence[str],
    *,
    reference_levels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    model_label: str = "multivariable",
) -> LogisticFit:
    """Fit one logistic regression model.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    outcome_col : str
        Binary outcome (0/1 or boolean), e.g. ``is_responder``; rows with it missing are not
        analysed.
    covariates : sequence of str
        Model terms; booleans and text columns are dummy coded (see :mod:`analysis.design`).
    reference_levels : mapping, optional
        Reference level per categorical column.
    alpha : float, optional
        One minus the confidence level of the Wald intervals.
    model_label : str, optional
        Value of the ``model`` column.

    Returns
    -------
    LogisticFit
        Odds ratios with Wald CI and p per term; NaN estimates with a ``note`` when the model
        cannot be estimated (no variation, separation, non-convergence).

    Raises
    ------
    AnalysisInputError
        If a column is missing, the outcome is not 0/1, or a reference level is unknown.
    """
    require_columns(df, [outcome_col, *covariates], context="fit_logistic")
    used = list(dict.fromkeys([outcome_col, *covariates]))
    df = df[used].reset_index(drop=True)  # rows are aligned by index below
    outcome = pd.Series(as_binary(df[outcome_col], outcome_col, what="outcome column"), df.index)
    rows = df.loc[outcome.notna()]
    outcome = outcome[outcome.notna()]
    design: Design | None = None
    try:
        design = build_design(rows, covariates, reference_levels)
        y = outcome.loc[design.matrix.index]
        if y.nunique() < 2:
            raise ModelNotEstimable(f"outcome {outcome_col!r} does not vary among analysed rows")
        problem = empty_level_problem(design, y, both_sides=True)
        if problem:
            raise ModelNotEstimable(problem)
        result = _fit(y, design, alpha)
    except ModelNotEstimable as exc:
        complete = rows[list(covariates)].notna().all(axis=1)
        n_missing = int((~complete).sum())
        y = outcome[complete]
        out = placeholder_rows(covariates, design, str(exc))
        table = _table(out, outcome_col, y, n_missing, model_label)
        return LogisticFit(table, len(y), int(y.sum()), n_missing)
    conf = np.exp(result.conf_int(alpha=alpha))
    out = [
        term_labels(term)
        | {
            "coef": result.params[term.name],
            "se": result.bse[term.name],
            "odds_ratio": float(np.exp(result.params[term.name])),
            "ci_lower": conf.loc[term.name, 0],
            "ci_upper": conf.loc[term.name, 1],
            "p_value": result.pvalues[term.name],
            "note": "",
        }
        for term in design.terms
    ]
    table = _table(out, outcome_col, y, design.n_missing, model_label)
    return LogisticFit(table, len(y), int(y.sum()), design.n_missing)


def _table(
    rows: list[dict], outcome_col: str, y: pd.Series, n_missing: int, model: str
) -> pd.DataFrame:
    table = pd.DataFrame(rows).assign(
        model=model, outcome=outcome_col, n=len(y), events=int(y.sum()), n_missing=n_missing
    )
    return table.reindex(columns=LOGISTIC_COLUMNS)


def univariable_logistic(
    df: pd.DataFrame,
    outcome_col: str,
    factors: Sequence[str],
    *,
    reference_levels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """One logistic model per factor, stacked (``model == "univariable"``)."""
    tables = [
        fit_logistic(
            df,
            outcome_col,
            [factor],
            reference_levels=reference_levels,
            alpha=alpha,
            model_label="univariable",
        ).table
        for factor in factors
    ]
    return pd.concat(tables, ignore_index=True)


def multivariable_logistic(
    df: pd.DataFrame,
    outcome_col: str,
    covariates: Sequence[str],
    *,
    reference_levels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """One logistic model with all ``covariates`` (``model == "multivariable"``)."""
    return fit_logistic(
        df,
        outcome_col,
        covariates,
        reference_levels=reference_levels,
        alpha=alpha,
        model_label="multivariable",
    ).table
