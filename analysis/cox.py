"""Cox proportional-hazards models (lifelines ``CoxPHFitter``; ties handled by Efron's method).

Fitted with :class:`analysis.fast_cox.FastCoxPHFitter` (lifelines' loops vectorised).

Each model is a complete-case analysis; the number of rows lost to missing covariates is
returned with the estimates. Models that cannot be estimated (a covariate without variation,
a level without events, non-convergence) yield NaN rows whose ``note`` says why and how to
fix it, instead of raising, so that a whole batch of univariable models still completes.

The proportional-hazards assumption is checked per term on scaled Schoenfeld residuals with
:func:`analysis.ph_test.proportional_hazard_test` (a vectorised equivalent of lifelines'
function of the same name), using the Kaplan–Meier time transform (the default of R's
``cox.zph``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis._checks import ModelNotEstimable, as_duration, as_event, require_columns
from analysis.design import (
    Design,
    build_design,
    empty_level_problem,
    placeholder_rows,
    term_labels,
)
from analysis.ph_test import proportional_hazard_test

__all__ = [
    "COX_COLUMNS",
    "DEFAULT_UNIVARIABLE_FACTORS",
    "DEFAULT_MULTIVARIABLE_COVARIATES",
    "CoxFit",
    "fit_cox",
    "multivariable_cox",
    "univariable_cox",
]

DEFAULT_UNIVARIABLE_FACTORS = (
    "ecog_ge1",
    "has_cyclophosphamide",
    "dnlr_high",
    "lipi_group",
    "icis_class",
    "has_anti_ctla4",
    "histotype_group",
    "age_at_ici_start",
    "sex",
    "prior_lines",
    "n_metastatic_sites",
)
DEFAULT_MULTIVARIABLE_COVARIATES = (
    "ecog_ge1",
    "has_cyclophosphamide",
    "dnlr_high",
    "icis_class",
    "histotype_group",
)

# Beyond this |log-hazard ratio| the fit has run off to infinity (monotone likelihood).
_DIVERGENT_COEF = 15.0

#: Columns of every Cox result table, in order.
COX_COLUMNS = [
    "model", "variable", "term", "level", "reference", "coef", "se", "hr", "ci_lower",
    "ci_upper", "p_value", "n", "events", "n_missing", "ph_test_p", "concordance", "note",
]  # fmt: skip


@dataclass
class CoxFit:
    """Result of :func:`fit_cox`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term, columns :data:`COX_COLUMNS`.
    n, events, n_missing : int
        Patients analysed, events among them, rows dropped for missing covariates.
    concordance : float
        Harrell's C of the fitted model (NaN if not estimated).
    fitter : lifelines.CoxPHFitter or None
        The fitted lifelines model (a :class:`~analysis.fast_cox.FastCoxPHFitter`).
    """

    table: pd.DataFrame
    n: int
    events: int
    n_missing: int
    concordance: float = np.nan
    fitter: object | None = field(default=None, repr=False)


def _outcome_rows(df: pd.DataFrame, duration_col: str, event_col: str) -> pd.DataFrame:
    outcome = pd.DataFrame(
        {
            "duration": as_duration(df[duration_col], duration_col),
            "event": as_event(df[event_col], event_col),
        },
        index=df.index,
    )
    return df.loc[outcome.notna().all(axis=1)].assign(
        _duration=outcome["duration"], _event=outcome["event"]
    )


def _ph_pvalues(fitter, data: pd.DataFrame, time_transform: str) -> dict[str, float]:
    """Per-term p-values of the Schoenfeld test; ``{}`` (NaN p-values) if it cannot be run."""
    try:
        with np.errstate(all="ignore"):
            result = proportional_hazard_test(fitter, data, time_transform=time_transform)
    except (ValueError, np.linalg.LinAlgError, ZeroDivisionError):
        return {}
    return {str(name): float(p) for name, p in result["p"].items()}


def _first_sentence(message: str) -> str:
    """First sentence of a library message (drops advice paragraphs and documentation URLs)."""
    return message.strip().splitlines()[0].split(". ")[0].rstrip(".")


def _rename(message: str, internal_names: dict[str, str]) -> str:
    """Replace lifelines-safe column names (x0, x1, …) by term names in a warning message."""
    for internal in sorted(internal_names, key=len, reverse=True):  # x10 before x1
        message = re.sub(rf"\b{internal}\b", internal_names[internal], message)
    return message


def _table(rows: list[dict], n: int, events: int, n_missing: int, model: str) -> pd.DataFrame:
    table = pd.DataFrame(rows).assign(model=model, n=n, events=events, n_missing=n_missing)
    return table.reindex(columns=COX_COLUMNS)


def _unestimable(
    rows: pd.DataFrame,
    covariates: Sequence[str],
    design: Design | None,
    note: str,
    model_label: str,
) -> CoxFit:
    if design is None:
        n_missing = int(rows[list(covariates)].isna().any(axis=1).sum())
        kept = rows.loc[rows[list(covariates)].notna().all(axis=1)]
    else:
        n_missing, kept = design.n_missing, rows.loc[design.matrix.index]
    n, events = len(kept), int(kept["_event"].sum())
    rows_out = placeholder_rows(covariates, design, note)
    return CoxFit(_table(rows_out, n, events, n_missing, model_label), n, events, n_missing)


def fit_cox(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str],
    *,
    reference_levels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    ph_time_transform: str = "km",
    model_label: str = "multivariable",
) -> CoxFit:
    """Fit one Cox proportional-hazards model.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    duration_col, event_col : str
        Follow-up time and event indicator (0/1 or boolean). Rows with either missing are
        not analysed (and not counted in ``n_missing``, which is about covariates).
    covariates : sequence of str
        Model terms; booleans and text columns are dummy coded (see :mod:`analysis.design`).
    reference_levels : mapping, optional
        Reference level per categorical column, e.g. ``{"icis_class": "anti_pd1"}``.
    alpha : float, optional
        One minus the confidence level of the hazard-ratio intervals.
    ph_time_transform : str, optional
        Time transform of the Schoenfeld test: ``"km"`` (R's default), ``"rank"``,
        ``"identity"`` or ``"log"``.
    model_label : str, optional
        Value of the ``model`` column.

    Returns
    -------
    CoxFit
        Estimates (HR, CI, Wald p) per term with ``n``, ``events``, ``n_missing``, the
        per-term PH test p-value and the model's concordance.

    Raises
    ------
    AnalysisInputError
        If a column is missing, the event column is not 0/1, or a reference level is unknown.
    """
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning
    from scipy.linalg import LinAlgWarning

    from analysis.fast_cox import FastCoxPHFitter  # lazy: lifelines is slow to import

    require_columns(df, [duration_col, event_col, *covariates], context="fit_cox")
    used = list(dict.fromkeys([duration_col, event_col, *covariates]))
    df = df[used].reset_index(drop=True)  # rows are aligned by index below
    rows = _outcome_rows(df, duration_col, event_col)
    design: Design | None = None
    try:
        design = build_design(rows, covariates, reference_levels)
        data = design.matrix.copy()
        data.columns = [f"x{i}" for i in range(data.shape[1])]  # lifelines-safe names
        outcome = rows[["_duration", "_event"]]  # data.index: rows.index less missing ones
        outcome = outcome.loc[data.index] if len(data) < len(rows) else outcome
        data["_duration"], data["_event"] = outcome["_duration"], outcome["_event"]
        n, events = len(data), int(data["_event"].sum())
        if events == 0:
            raise ModelNotEstimable("no events among the analysed patients")
        problem = empty_level_problem(design, data["_event"], both_sides=False)
        if problem:
            raise ModelNotEstimable(problem)
        data = data.reset_index(drop=True)  # positions: the PH test reuses lifelines' sort
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # record, do not print or raise; reported as notes
            fitter = FastCoxPHFitter(alpha=alpha).fit(data, "_duration", "_event")
    except ModelNotEstimable as exc:
        return _unestimable(rows, covariates, design, str(exc), model_label)
    except (ConvergenceError, np.linalg.LinAlgError) as exc:
        note = f"Cox model did not converge ({_first_sentence(str(exc))}); check for "
        note += "collinear covariates or sparse levels"
        return _unestimable(rows, covariates, design, note, model_label)
    if (fitter.params_.abs() > _DIVERGENT_COEF).any() or not np.isfinite(
        fitter.standard_errors_
    ).all():
        note = "Cox estimates diverged (monotone likelihood: a level or range without events); "
        note += "merge sparse levels or drop the covariate"
        return _unestimable(rows, covariates, design, note, model_label)
    internal_names = dict(zip(data.columns[:-2], (t.name for t in design.terms), strict=True))
    messages = [
        str(w.message)
        for w in caught
        if issubclass(w.category, (ConvergenceWarning, LinAlgWarning, RuntimeWarning))
    ]
    notes = sorted({_rename(_first_sentence(m), internal_names) for m in messages})
    ph_p = _ph_pvalues(fitter, data, ph_time_transform)
    summary = fitter.summary
    lower_col = next(c for c in summary.columns if c.startswith("exp(coef) lower"))
    upper_col = next(c for c in summary.columns if c.startswith("exp(coef) upper"))
    out = []
    for internal, term in zip(data.columns[:-2], design.terms, strict=True):
        est = summary.loc[internal]
        out.append(
            term_labels(term)
            | {
                "coef": est["coef"],
                "se": est["se(coef)"],
                "hr": est["exp(coef)"],
                "ci_lower": est[lower_col],
                "ci_upper": est[upper_col],
                "p_value": est["p"],
                "ph_test_p": ph_p.get(internal, np.nan),
                "concordance": fitter.concordance_index_,
                "note": "; ".join(notes),
            }
        )
    table = _table(out, n, events, design.n_missing, model_label)
    return CoxFit(table, n, events, design.n_missing, fitter.concordance_index_, fitter)


def univariable_cox(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    factors: Sequence[str] = DEFAULT_UNIVARIABLE_FACTORS,
    *,
    reference_levels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    ph_time_transform: str = "km",
) -> pd.DataFrame:
    """One Cox model per candidate factor, stacked (``model == "univariable"``).

    Each model uses every patient with that factor known, so ``n`` and ``n_missing`` differ
    between factors. See :func:`fit_cox` for the parameters and columns.
    """
    options = {"reference_levels": reference_levels, "alpha": alpha}
    options["ph_time_transform"] = ph_time_transform
    tables = [
        fit_cox(df, duration_col, event_col, [factor], model_label="univariable", **options).table
        for factor in factors
    ]
    return pd.concat(tables, ignore_index=True)


def multivariable_cox(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str] = DEFAULT_MULTIVARIABLE_COVARIATES,
    *,
    reference_levels: Mapping[str, str] | None = None,
    alpha: float = 0.05,
    ph_time_transform: str = "km",
) -> pd.DataFrame:
    """One Cox model with all ``covariates`` (``model == "multivariable"``); see :func:`fit_cox`."""
    options = {"reference_levels": reference_levels, "alpha": alpha}
    options["ph_time_transform"] = ph_time_transform
    return fit_cox(
        df, duration_col, event_col, covariates, model_label="multivariable", **options
    ).table
