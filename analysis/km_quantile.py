"""Quantiles of a step survival curve, computed exactly as R's ``quantile.survfit``.

lifelines returns the first time the curve is at or below ``q``. R's ``survival`` package
differs when the curve sits *exactly* at ``q`` over a flat stretch (common in small groups:
with 10 uncensored patients the curve is exactly 0.5 between the 5th and 6th event): it
then reports the midpoint of that stretch, the usual definition of a sample median. The same
rule is applied to the confidence bands to obtain the CI of the median.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["R_TOLERANCE", "survival_quantile"]

#: R's default tolerance for "exactly q", ``sqrt(.Machine$double.eps)``.
R_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


def survival_quantile(
    times: Sequence[float], survival: Sequence[float], q: float = 0.5, tol: float = R_TOLERANCE
) -> float:
    """Time at which a step survival curve reaches ``q`` (R ``quantile.survfit`` rule).

    Parameters
    ----------
    times : sequence of float
        Increasing times of the curve (its value holds from each time to the next).
    survival : sequence of float
        Curve values (a survival estimate or one of its confidence limits); NaN ignored.
    q : float, optional
        Survival level; 0.5 gives the median.
    tol : float, optional
        Tolerance for "exactly ``q``", R's default ``sqrt(.Machine$double.eps)``.

    Returns
    -------
    float
        The quantile, or NaN if the curve never reaches ``q``.
    """
    t = np.asarray(times, dtype=float)
    s = np.asarray(survival, dtype=float)
    keep = ~np.isnan(s)
    t, s = t[keep], s[keep]
    if t.size == 0:
        return np.nan
    last_time = t[-1]
    if t[0] > 0:  # the curve starts at 1 at time 0
        t, s = np.r_[0.0, t], np.r_[1.0, s]
    # Censor-only times repeat the previous value; keep the first time of each value.
    first = ~pd.Series(s).duplicated().to_numpy()
    t, s = t[first], s[first]
    reached = np.flatnonzero(s <= q + tol)
    passed = np.flatnonzero(s <= q - tol)
    if reached.size == 0:
        return np.nan
    if passed.size == 0:
        # Flat exactly at q until the end of follow-up: midpoint up to the last time.
        return float((t[reached[0]] + last_time) / 2) if abs(s[-1] - q) < tol else np.nan
    return float((t[reached[0]] + t[passed[0]]) / 2)
