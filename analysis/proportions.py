"""Response proportions: exact (Clopper–Pearson) confidence intervals, ORR, DCR and BOR.

Rates are computed on all analysable patients (intention to treat): patients whose best
overall response is ``NE``, ``MISSING`` or null count in the denominator as non-responders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis._checks import AnalysisInputError, group_codes, require_columns

__all__ = [
    "BOR_CATEGORIES",
    "DEFAULT_BOR_VARIANTS",
    "RESPONSE_DEFINITIONS",
    "bor_distribution",
    "clopper_pearson",
    "proportion_summary",
    "response_rates",
]

#: RECIST 1.1 best overall response codes, in display order.
BOR_CATEGORIES = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE", "MISSING")

#: Which BOR codes count towards each metric.
RESPONSE_DEFINITIONS: dict[str, frozenset[str]] = {
    "ORR": frozenset({"CR", "PR"}),
    "DCR": frozenset({"CR", "PR", "SD", "NON-CR/NON-PD"}),
}

#: BOR variant name → column in the analysis dataset.
DEFAULT_BOR_VARIANTS: dict[str, str] = {"unconfirmed": "bor", "confirmed": "bor_confirmed"}


def clopper_pearson(x: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact two-sided Clopper–Pearson confidence interval for a binomial proportion.

    Parameters
    ----------
    x : int
        Number of successes, ``0 <= x <= n``.
    n : int
        Number of trials.
    alpha : float, optional
        One minus the confidence level (default 0.05 for a 95 % interval).

    Returns
    -------
    tuple of float
        ``(lower, upper)``; ``(nan, nan)`` when ``n == 0``.

    Examples
    --------
    >>> [round(v, 3) for v in clopper_pearson(7, 20)]
    [0.154, 0.592]
    """
    if n < 0 or x < 0 or x > n:
        raise AnalysisInputError(f"need 0 <= x <= n, got x={x}, n={n}")
    if n == 0:
        return (np.nan, np.nan)
    lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return (lower, upper)


def proportion_summary(x: int, n: int, alpha: float = 0.05) -> dict[str, float]:
    """Return ``n``, ``x``, ``estimate`` and exact ``ci_lower``/``ci_upper`` as a dict."""
    lower, upper = clopper_pearson(x, n, alpha)
    estimate = x / n if n else np.nan
    return {"n": n, "x": x, "estimate": estimate, "ci_lower": lower, "ci_upper": upper}


def _normalised_bor(df: pd.DataFrame, bor_col: str) -> pd.Series:
    raw = df[bor_col].astype(object).where(df[bor_col].notna(), "MISSING")
    positions, distinct = pd.factorize(raw)  # normalise each distinct code once
    normalised = np.array([str(v).strip().upper() for v in distinct], dtype=object)
    codes = pd.Series(normalised[positions], index=df.index, name=bor_col, dtype=object)
    unknown = sorted(set(codes) - set(BOR_CATEGORIES))
    if unknown:
        raise AnalysisInputError(
            f"BOR column {bor_col!r} has unknown codes {unknown}; expected RECIST codes "
            f"{list(BOR_CATEGORIES)}"
        )
    return codes


def _group_iter(df: pd.DataFrame, group_vars: Sequence[str]):
    """Yield ``(group_var, sorted group values, each row's position in them)``."""
    yield "overall", ["overall"] if len(df) else [], np.zeros(len(df), dtype=int)
    for group_var in group_vars:
        yield group_var, *group_codes(df[group_var])


def response_rates(
    df: pd.DataFrame,
    *,
    bor_variants: Mapping[str, str] | None = None,
    group_vars: Sequence[str] = (),
    metrics: Mapping[str, frozenset[str]] | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Objective response and disease control rates with exact 95 % CIs.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per analysable patient.
    bor_variants : mapping, optional
        BOR variant name → BOR column; default :data:`DEFAULT_BOR_VARIANTS`
        (``bor`` = unconfirmed, ``bor_confirmed`` = confirmed). Variants whose column is
        absent raise an error: pass only the variants you have.
    group_vars : sequence of str, optional
        Columns to stratify by (e.g. ``histotype_group``, ``icis_class``, ``center_id``).
        Null group values form a ``"missing"`` group, so group rows sum to the total.
    metrics : mapping, optional
        Metric name → set of BOR codes counted as success; default
        :data:`RESPONSE_DEFINITIONS` (ORR, DCR).
    alpha : float, optional
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric, bor_variant, group_var, group_value, n, x, estimate, ci_lower,
        ci_upper``; unstratified rows have ``group_var == group_value == "overall"``.
    """
    bor_variants = dict(DEFAULT_BOR_VARIANTS if bor_variants is None else bor_variants)
    metrics = dict(RESPONSE_DEFINITIONS if metrics is None else metrics)
    require_columns(df, [*bor_variants.values(), *group_vars], context="response_rates")
    rows = []
    groupings = list(_group_iter(df, group_vars))
    for variant, bor_col in bor_variants.items():
        codes = _normalised_bor(df, bor_col)
        for metric, success_codes in metrics.items():
            success = codes.isin(success_codes).to_numpy(dtype=float)
            for group_var, values, position in groupings:
                sizes = np.bincount(position, minlength=len(values))
                successes = np.bincount(position, weights=success, minlength=len(values))
                for i, group_value in enumerate(values):
                    summary = proportion_summary(int(successes[i]), int(sizes[i]), alpha)
                    rows.append(
                        {
                            "metric": metric,
                            "bor_variant": variant,
                            "group_var": group_var,
                            "group_value": group_value,
                            **summary,
                        }
                    )
    return pd.DataFrame(rows)


def bor_distribution(
    df: pd.DataFrame,
    *,
    bor_variants: Mapping[str, str] | None = None,
    group_vars: Sequence[str] = (),
) -> pd.DataFrame:
    """Counts and percentages of each best overall response code.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per analysable patient.
    bor_variants : mapping, optional
        BOR variant name → column, default :data:`DEFAULT_BOR_VARIANTS`.
    group_vars : sequence of str, optional
        Columns to stratify by, in addition to the overall rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``bor_variant, group_var, group_value, bor, n, total, pct``; every code in
        :data:`BOR_CATEGORIES` appears for every group, with zero counts where absent.
    """
    bor_variants = dict(DEFAULT_BOR_VARIANTS if bor_variants is None else bor_variants)
    require_columns(df, [*bor_variants.values(), *group_vars], context="bor_distribution")
    rows = []
    groupings = list(_group_iter(df, group_vars))
    n_codes = len(BOR_CATEGORIES)
    for variant, bor_col in bor_variants.items():
        codes = _normalised_bor(df, bor_col)
        code_index = pd.Index(BOR_CATEGORIES).get_indexer(codes)  # all known (checked)
        for group_var, values, position in groupings:
            cells = np.bincount(position * n_codes + code_index, minlength=len(values) * n_codes)
            counts = cells.reshape(len(values), n_codes)
            for i, group_value in enumerate(values):
                total = int(counts[i].sum())
                for j, code in enumerate(BOR_CATEGORIES):
                    n = int(counts[i, j])
                    rows.append(
                        {
                            "bor_variant": variant,
                            "group_var": group_var,
                            "group_value": group_value,
                            "bor": code,
                            "n": n,
                            "total": total,
                            "pct": 100.0 * n / total if total else np.nan,
                        }
                    )
    return pd.DataFrame(rows)
