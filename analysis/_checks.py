"""Input validation and coercion shared by the analysis modules.

Every public analysis function takes a DataFrame plus column names; these helpers turn the
columns into plain float arrays and, when the input cannot be used, raise an
:class:`AnalysisInputError` whose message says what was expected and how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "AnalysisInputError",
    "MISSING_LABEL",
    "ModelNotEstimable",
    "as_binary",
    "as_duration",
    "as_event",
    "group_codes",
    "group_labels",
    "is_boolean_like",
    "require_columns",
]

#: Label used for a missing group value (so that group rows always sum to the total).
MISSING_LABEL = "missing"


class AnalysisInputError(ValueError):
    """Raised when an input DataFrame cannot be analysed as requested."""


class ModelNotEstimable(AnalysisInputError):
    """Raised when the data are valid but a model cannot be estimated (no variation,
    separation); model functions turn it into NaN rows carrying the message as a note."""


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, context: str = "") -> None:
    """Raise if any of ``columns`` is absent from ``df``.

    Parameters
    ----------
    df : pandas.DataFrame
        The input table.
    columns : iterable of str
        Column names the caller needs.
    context : str, optional
        Short description of the caller, prepended to the message.

    Raises
    ------
    AnalysisInputError
        Naming the first missing column, close matches and the available columns.
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalysisInputError(f"expected a pandas DataFrame, got {type(df).__name__}")
    available = [str(c) for c in df.columns]
    for column in columns:
        if column in df.columns:
            continue
        prefix = f"{context}: " if context else ""
        close = difflib.get_close_matches(str(column), available, n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        shown = ", ".join(available[:40]) + (", …" if len(available) > 40 else "")
        raise AnalysisInputError(
            f"{prefix}column {column!r} not found in DataFrame{hint}; expected one of: {shown}"
        )


def _distinct_values(series: pd.Series, limit: int = 8) -> str:
    values = pd.unique(series.dropna())
    shown = sorted((repr(v) for v in values[:limit]), key=str)
    more = ", …" if len(values) > limit else ""
    return "{" + ", ".join(shown) + more + "}"


def is_boolean_like(series: pd.Series) -> bool:
    """Return True for bool / nullable boolean columns, including object columns of bools."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    if series.dtype == object:
        values = series.dropna()
        return len(values) > 0 and all(isinstance(v, (bool, np.bool_)) for v in values)
    return False


def as_binary(series: pd.Series, name: str, *, what: str = "column") -> np.ndarray:
    """Coerce a 0/1 or boolean column to floats (1.0, 0.0, NaN for missing).

    Parameters
    ----------
    series : pandas.Series
        Values that must be booleans or the numbers 0 and 1 (nulls allowed).
    name : str
        Column name, used in the error message.
    what : str, optional
        Role of the column in the message, e.g. ``"event column"``.

    Returns
    -------
    numpy.ndarray
        Float array of 1.0 / 0.0 / NaN.

    Raises
    ------
    AnalysisInputError
        If any non-null value is not 0/1/True/False.
    """
    if is_boolean_like(series):
        return series.astype("boolean").astype("Float64").astype(float).to_numpy()
    numeric = pd.to_numeric(series, errors="coerce").astype(float)
    bad = series.notna() & ~numeric.isin([0.0, 1.0])
    if bad.any():
        raise AnalysisInputError(
            f"{what} {name!r} must be 0/1 or boolean, got values {_distinct_values(series[bad])}; "
            "recode it (e.g. event=1/True, censored=0/False) before calling"
        )
    return numeric.to_numpy()


def as_event(series: pd.Series, name: str) -> np.ndarray:
    """Coerce an event indicator (1/True = event, 0/False = censored) to floats."""
    return as_binary(series, name, what="event column")


def as_duration(series: pd.Series, name: str) -> np.ndarray:
    """Coerce a follow-up duration column to non-negative floats (NaN for missing).

    Raises
    ------
    AnalysisInputError
        If values are not numeric or some are negative.
    """
    numeric = pd.to_numeric(series, errors="coerce").astype(float)
    not_numeric = series.notna() & numeric.isna()
    if not_numeric.any():
        raise AnalysisInputError(
            f"duration column {name!r} must be numeric, got values "
            f"{_distinct_values(series[not_numeric])}; convert it to days or months first"
        )
    negative = numeric < 0
    if negative.any():
        raise AnalysisInputError(
            f"duration column {name!r} has {int(negative.sum())} negative value(s) "
            f"(e.g. {numeric[negative].iloc[0]:g}); check the start/end dates of those rows"
        )
    return numeric.to_numpy()


def _label(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _row_labels(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Label names and each row's index into them (names may repeat; the last is missing)."""
    if is_boolean_like(series):
        flags = series.astype("boolean")
        codes = np.where(flags.fillna(False).to_numpy(dtype=bool), 0, 1)
        codes[(flags.isna() | series.isna()).to_numpy()] = 2
        return np.array(["yes", "no", MISSING_LABEL], dtype=object), codes
    # label each distinct value once (not each row): codes -1 (nulls) pick the last entry
    codes, uniques = pd.factorize(series.astype(object))
    return np.array([_label(v) for v in uniques] + [MISSING_LABEL], dtype=object), codes


def group_labels(series: pd.Series) -> pd.Series:
    """Turn a grouping column into readable string labels.

    Booleans become ``"yes"``/``"no"``, integral floats lose their ``.0`` and nulls become
    :data:`MISSING_LABEL`, so that every row belongs to exactly one group.
    """
    names, codes = _row_labels(series)
    return pd.Series(names[codes], index=series.index, name=series.name, dtype=object)


def group_codes(series: pd.Series) -> tuple[list[str], np.ndarray]:
    """Sorted distinct :func:`group_labels` of ``series`` and each row's position in them.

    Lets callers count or split by group with integer arrays instead of building and
    comparing the labels row by row for every group.
    """
    names, codes = _row_labels(series)
    name_codes, distinct = pd.factorize(names)  # values sharing a label share a group
    rows = name_codes[codes]
    present = np.bincount(rows, minlength=len(distinct)) > 0
    order = [i for i in np.argsort(np.asarray(distinct, dtype=str), kind="stable") if present[i]]
    rank = np.full(len(distinct), -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return [str(distinct[i]) for i in order], rank[rows]
