"""Design matrices for regression models (Cox, logistic) with explicit reference levels.

Covariates are coded the way a clinical reader expects:

* boolean columns → one 0/1 term, level ``"yes"`` against reference ``"no"``;
* text / categorical columns → one dummy per non-reference level; the reference level is
  taken from ``reference_levels`` or, failing that, the first level in sorted order
  (R's default for factors);
* numeric columns → one term per unit increase.

Rows with a missing value in any requested covariate are dropped (complete-case analysis)
and counted, so that callers can report how many patients each model lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._checks import (
    AnalysisInputError,
    ModelNotEstimable,
    as_binary,
    is_boolean_like,
    require_columns,
)

__all__ = [
    "Design",
    "Term",
    "build_design",
    "covariate_kind",
    "empty_level_problem",
    "placeholder_rows",
    "term_labels",
]


@dataclass(frozen=True)
class Term:
    """One column of a design matrix.

    Attributes
    ----------
    name : str
        Column name in the design matrix, e.g. ``"histotype_group[favourable]"``.
    variable : str
        Source column in the input DataFrame.
    level : str
        Level compared with the reference (``""`` for continuous covariates).
    reference : str
        Reference level (``""`` for continuous covariates).
    kind : str
        ``"binary"``, ``"categorical"`` or ``"continuous"``.
    """

    name: str
    variable: str
    level: str
    reference: str
    kind: str


@dataclass(frozen=True)
class Design:
    """A complete-case design matrix and the metadata needed to label model output.

    Attributes
    ----------
    matrix : pandas.DataFrame
        Float columns, one per :class:`Term`, indexed like the kept input rows.
    terms : tuple of Term
        Term metadata, in column order.
    n_missing : int
        Number of input rows dropped because a covariate was missing.
    level_counts : dict
        For each binary/categorical variable, the row count per level (reference included)
        among kept rows; used to detect levels without events (separation).
    """

    matrix: pd.DataFrame
    terms: tuple[Term, ...]
    n_missing: int
    level_counts: dict[str, pd.Series]

    def variable_levels(self, variable: str) -> pd.Series:
        """Return the level label of ``variable`` for every kept row."""
        terms = [t for t in self.terms if t.variable == variable]
        labels = np.full(len(self.matrix), terms[0].reference, dtype=object)
        for term in terms:
            labels[self.matrix[term.name].to_numpy() == 1.0] = term.level
        return pd.Series(labels, index=self.matrix.index, dtype=object)


def covariate_kind(series: pd.Series) -> str:
    """Classify a column as ``"binary"``, ``"categorical"`` or ``"continuous"``."""
    if is_boolean_like(series):
        return "binary"
    if pd.api.types.is_numeric_dtype(series.dtype):
        return "continuous"
    return "categorical"


def _categorical_terms(
    series: pd.Series, variable: str, reference: str | None
) -> tuple[list[Term], pd.DataFrame, pd.Series]:
    values = series.astype(str)
    codes, distinct = pd.factorize(values)  # integer codes: no string comparison per level
    levels = sorted(distinct)
    if len(levels) < 2:
        raise ModelNotEstimable(
            f"covariate {variable!r} does not vary among the {len(values)} complete rows "
            f"(single level {levels}); drop it from the model"
        )
    if reference is None:
        reference = levels[0]
    elif reference not in levels:
        # Not raised as a plain input error: in a batch of models (or a partial data cut)
        # a level can legitimately be absent, and the other models must still be computed.
        raise ModelNotEstimable(
            f"reference level {reference!r} for {variable!r} not found among the analysed rows; "
            f"levels are {levels}; pass reference_levels={{{variable!r}: <one of them>}}"
        )
    terms, columns = [], {}
    for level in (lvl for lvl in levels if lvl != reference):
        name = f"{variable}[{level}]"
        terms.append(Term(name, variable, level, reference, "categorical"))
        columns[name] = (codes == distinct.get_loc(level)).astype(float)
    # rows per level as values.value_counts() orders them (by count, ties as they appear)
    counts = pd.Series(np.bincount(codes), index=distinct.rename(values.name), name="count")
    return terms, pd.DataFrame(columns, index=series.index), counts.sort_values(ascending=False)


def build_design(
    df: pd.DataFrame,
    covariates: Sequence[str],
    reference_levels: Mapping[str, str] | None = None,
) -> Design:
    """Build a complete-case design matrix for ``covariates``.

    Parameters
    ----------
    df : pandas.DataFrame
        Input rows (already restricted to rows with a usable outcome).
    covariates : sequence of str
        Columns to include, in order.
    reference_levels : mapping, optional
        Reference level per categorical column, e.g. ``{"icis_class": "anti_pd1"}``.

    Returns
    -------
    Design
        Matrix, term metadata and the number of rows dropped for missing covariates.

    Raises
    ------
    AnalysisInputError
        If a column is absent, has a single level / no variation among the complete cases, or
        a reference level does not exist.
    """
    if not covariates:
        raise AnalysisInputError("no covariates given; pass at least one column name")
    require_columns(df, covariates, context="design matrix")
    reference_levels = dict(reference_levels or {})
    complete = df[list(covariates)].notna().all(axis=1)
    kept = df.loc[complete, list(covariates)]
    if kept.empty:
        raise ModelNotEstimable(
            f"no row has all of {list(covariates)} non-missing; drop a covariate or impute"
        )
    terms: list[Term] = []
    blocks: list[pd.DataFrame] = []
    level_counts: dict[str, pd.Series] = {}
    for variable in covariates:
        series = kept[variable]
        kind = covariate_kind(series)
        if kind == "binary":
            values = as_binary(series, variable, what="covariate")
            new_terms = [Term(variable, variable, "yes", "no", "binary")]
            block = pd.DataFrame({variable: values}, index=kept.index)
            # counted on the floats (fast), then labelled: yes = 1.0, no = 0.0
            counts = pd.Series(values).value_counts()
            level_counts[variable] = counts.rename(index={1.0: "yes", 0.0: "no"})
        elif kind == "categorical":
            reference = reference_levels.get(variable)
            new_terms, block, level_counts[variable] = _categorical_terms(
                series, variable, reference
            )
        else:
            new_terms = [Term(variable, variable, "", "", "continuous")]
            block = pd.DataFrame({variable: series.astype(float)}, index=kept.index)
        if block.shape[1] == 0 or any(block[c].nunique() < 2 for c in block.columns):
            raise ModelNotEstimable(
                f"covariate {variable!r} does not vary among the {len(kept)} complete rows "
                "(single level); drop it from the model or merge it with another variable"
            )
        terms.extend(new_terms)
        blocks.append(block)
    matrix = pd.concat(blocks, axis=1)
    return Design(matrix, tuple(terms), int((~complete).sum()), level_counts)


def empty_level_problem(design: Design, outcome: pd.Series, *, both_sides: bool) -> str | None:
    """Describe a level in which the outcome never occurs (which makes the MLE infinite).

    Parameters
    ----------
    design : Design
        The model's design.
    outcome : pandas.Series
        0/1 outcome (event or response) aligned with ``design.matrix``.
    both_sides : bool
        Also flag levels in which the outcome *always* occurs (needed for logistic
        regression; a Cox model stays estimable when every patient of a level has the event).

    Returns
    -------
    str or None
        A message naming the variable and level and suggesting a fix, or None.
    """
    y = outcome.reindex(design.matrix.index).to_numpy(dtype=float)
    for variable in design.level_counts:
        # events per level from the 0/1 dummy columns (the reference level: the rest)
        terms = [t for t in design.terms if t.variable == variable]
        positives_by_level = {
            t.level: int(y[design.matrix[t.name].to_numpy() == 1.0].sum()) for t in terms
        }
        positives_by_level[terms[0].reference] = int(y.sum()) - sum(positives_by_level.values())
        for level, count in design.level_counts[variable].items():
            positives = positives_by_level[level]
            if positives == 0 or (both_sides and positives == count):
                what = "no" if positives == 0 else "only"
                return (
                    f"level {level!r} of {variable!r} has {what} events/responses among its "
                    f"{count} patients (separation: estimate would be infinite); merge this "
                    "level with another or drop the covariate"
                )
    return None


def placeholder_rows(
    covariates: Sequence[str], design: Design | None, note: str
) -> list[dict[str, object]]:
    """Rows of term labels for a model that could not be estimated (estimates left NaN).

    One row per design term when the design exists, else one row per covariate.
    """
    if design is not None:
        return [term_labels(term) | {"note": note} for term in design.terms]
    return [
        {"variable": c, "term": c, "level": "", "reference": "", "note": note} for c in covariates
    ]


def term_labels(term: Term) -> dict[str, object]:
    """Return the ``variable, term, level, reference`` labels of a design term."""
    return {
        "variable": term.variable,
        "term": term.name,
        "level": term.level,
        "reference": term.reference,
    }
