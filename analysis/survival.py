"""Kaplan–Meier estimates, numbers at risk, log-rank tests and median follow-up.

Conventions follow R's ``survival`` package so results can be checked against it:

* pointwise confidence bands are log-log (``survfit(conf.type = "log-log")``), which is what
  lifelines computes (exponential Greenwood);
* quantiles (the median and its CI limits) use R's ``quantile.survfit`` rule: the first time
  the curve is at or below 1/2, except that when the curve sits exactly at 1/2 over a flat
  stretch the midpoint of that stretch is used (e.g. the median of 1, …, 10 uncensored is
  5.5, not 5);
* a median that is not reached is reported as NaN (lifelines returns ``inf``);
* survival at a time beyond the last follow-up time is NaN (R drops such times);
* "at risk at t" counts durations ≥ t.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis._checks import (
    MISSING_LABEL,
    as_duration,
    as_event,
    group_codes,
    require_columns,
)
from analysis.km_quantile import survival_quantile

__all__ = [
    "km_curve",
    "km_summary",
    "km_tables",
    "LOGRANK_COLUMNS",
    "logrank_test",
    "median_followup",
    "number_at_risk",
    "rate_column",
    "survival_quantile",
]


#: Keys of a :func:`logrank_test` result, in order.
LOGRANK_COLUMNS = ["group_var", "n", "n_groups", "statistic", "df", "p_value", "note"]


def rate_column(time: float) -> str:
    """Name of the survival-rate column at ``time``, e.g. ``rate_column(6) == "s6"``."""
    return f"s{time:g}".replace(".", "_")


def _positional(df: pd.DataFrame, columns: Sequence[str | None], context: str) -> pd.DataFrame:
    """Check and keep ``columns`` (None skipped), indexed 0..n-1 (rows are aligned by index)."""
    columns = list(dict.fromkeys(c for c in columns if c is not None))
    require_columns(df, columns, context=context)
    return df[columns].reset_index(drop=True)


def _clean(df: pd.DataFrame, duration_col: str, event_col: str) -> pd.DataFrame:
    require_columns(df, [duration_col, event_col], context="survival")
    out = pd.DataFrame(
        {
            "duration": as_duration(df[duration_col], duration_col),
            "event": as_event(df[event_col], event_col),
        },
        index=df.index,
    )
    return out.dropna()


def _fit_km(duration: pd.Series, event: pd.Series, alpha: float):
    from lifelines import KaplanMeierFitter

    return KaplanMeierFitter(alpha=alpha).fit(duration, event.astype(bool))


def _step_value(curve: pd.Series, time: float, last_time: float) -> float:
    if time > last_time:
        return np.nan
    return float(curve.loc[:time].iloc[-1])


def _empty_row(times: Sequence[float]) -> dict[str, float]:
    row = {"median": np.nan, "median_ci_lower": np.nan, "median_ci_upper": np.nan}
    for time in times:
        name = rate_column(time)
        row.update({name: np.nan, f"{name}_ci_lower": np.nan, f"{name}_ci_upper": np.nan})
    return row


def _km_row(kmf, data: pd.DataFrame, times: Sequence[float]) -> dict[str, float]:
    row: dict[str, float] = {"n": len(data), "events": int(data["event"].sum())}
    if kmf is None:
        return row | _empty_row(times)
    surv = kmf.survival_function_.iloc[:, 0]
    lower, upper = (kmf.confidence_interval_.iloc[:, i] for i in (0, 1))
    timeline = surv.index.to_numpy()
    row["median"] = survival_quantile(timeline, surv.to_numpy())
    # The lower band crosses 1/2 first, so it gives the lower limit of the median.
    row["median_ci_lower"] = survival_quantile(timeline, lower.to_numpy())
    row["median_ci_upper"] = survival_quantile(timeline, upper.to_numpy())
    last_time = float(data["duration"].max())
    for time in times:
        name = rate_column(time)
        row[name] = _step_value(surv, time, last_time)
        row[f"{name}_ci_lower"] = _step_value(lower, time, last_time)
        row[f"{name}_ci_upper"] = _step_value(upper, time, last_time)
    return row


def _km_curve_frame(kmf) -> pd.DataFrame:
    index = kmf.survival_function_.index
    table = kmf.event_table.reindex(index)
    return pd.DataFrame(
        {
            "time": index.to_numpy(dtype=float),
            "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
            "ci_lower": kmf.confidence_interval_.iloc[:, 0].to_numpy(),
            "ci_upper": kmf.confidence_interval_.iloc[:, 1].to_numpy(),
            "n_at_risk": table["at_risk"].to_numpy(),
            "n_events": table["observed"].to_numpy(),
            "n_censored": table["censored"].to_numpy(),
        }
    )


def _groups(df: pd.DataFrame, data: pd.DataFrame, group_col: str | None):
    if group_col is None:
        yield "overall", "overall", data
        return
    require_columns(df, [group_col], context="survival")
    values, codes = group_codes(df.loc[data.index, group_col])
    for i, value in enumerate(values):
        yield group_col, value, data[codes == i]


def km_tables(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    *,
    group_col: str | None = None,
    times: Sequence[float] = (6.0, 12.0),
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier summary and step curves from a single fit per group.

    See :func:`km_summary` and :func:`km_curve` for the parameters and the two tables.
    """
    df = _positional(df, [duration_col, event_col, group_col], "survival")
    data = _clean(df, duration_col, event_col)
    rows, curves = [], []
    for var, value, part in _groups(df, data, group_col):
        kmf = _fit_km(part["duration"], part["event"], alpha) if len(part) else None
        rows.append({"group_var": var, "group_value": value, **_km_row(kmf, part, times)})
        if kmf is not None:
            curves.append(_km_curve_frame(kmf).assign(group_var=var, group_value=value))
    curve = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    if not curve.empty:
        curve = curve[["group_var", "group_value", *curve.columns[:-2]]]
    return pd.DataFrame(rows), curve


def km_summary(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    *,
    group_col: str | None = None,
    times: Sequence[float] = (6.0, 12.0),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan–Meier median and survival rates with log-log confidence intervals.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    duration_col, event_col : str
        Follow-up time (any unit; results are in the same unit) and event indicator
        (1/True = event). Rows with a missing duration or event are ignored.
    group_col : str, optional
        Stratify by this column (nulls form a ``"missing"`` group); ``None`` for overall.
    times : sequence of float, optional
        Times at which to report survival (columns ``s6``, ``s12``, … see :func:`rate_column`).
    alpha : float, optional
        One minus the confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group_var, group_value, n, events, median, median_ci_lower,
        median_ci_upper`` and for each time ``s<t>, s<t>_ci_lower, s<t>_ci_upper``.
    """
    return km_tables(df, duration_col, event_col, group_col=group_col, times=times, alpha=alpha)[0]


def number_at_risk(
    df: pd.DataFrame,
    duration_col: str,
    times: Sequence[float],
    *,
    group_col: str | None = None,
) -> pd.DataFrame:
    """Number of patients still at risk (duration ≥ t) at each of ``times``.

    Returns
    -------
    pandas.DataFrame
        Columns ``group_var, group_value, time, n_at_risk``.
    """
    require_columns(df, [duration_col], context="number_at_risk")
    df = _positional(df, [duration_col, group_col], "survival")
    durations = pd.Series(as_duration(df[duration_col], duration_col), index=df.index).dropna()
    data = pd.DataFrame({"duration": durations, "event": 0.0})
    rows = []
    for var, value, part in _groups(df, data, group_col):
        for time in times:
            n_at_risk = int((part["duration"] >= time).sum())
            rows.append(
                {
                    "group_var": var,
                    "group_value": value,
                    "time": float(time),
                    "n_at_risk": n_at_risk,
                }
            )
    return pd.DataFrame(rows)


def km_curve(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    *,
    group_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Kaplan–Meier step curves in tidy form (for plotting and storage).

    Returns
    -------
    pandas.DataFrame
        Columns ``group_var, group_value, time, survival, ci_lower, ci_upper, n_at_risk,
        n_events, n_censored``; one row per distinct time, starting at time 0.
    """
    return km_tables(df, duration_col, event_col, group_col=group_col, times=(), alpha=alpha)[1]


def logrank_test(
    df: pd.DataFrame, duration_col: str, event_col: str, group_col: str
) -> dict[str, float | int | str]:
    """Log-rank test of equal survival across the levels of ``group_col``.

    Rows whose group is missing are excluded. With fewer than two groups the statistic and
    p-value are NaN and ``note`` says why.

    Returns
    -------
    dict
        ``group_var, n, n_groups, statistic, df, p_value, note``.
    """
    from lifelines.statistics import multivariate_logrank_test

    require_columns(df, [duration_col, event_col], context="survival")
    df = _positional(df, [duration_col, event_col, group_col], "logrank_test")
    data = _clean(df, duration_col, event_col)
    values, codes = group_codes(df.loc[data.index, group_col])  # codes in label order
    if MISSING_LABEL in values:  # rows without a group are not tested
        missing = values.index(MISSING_LABEL)
        data, codes = data[codes != missing], codes[codes != missing]
        codes, values = codes - (codes > missing), values[:missing] + values[missing + 1 :]
    result: dict[str, float | int | str] = {
        "group_var": group_col,
        "n": len(data),
        "n_groups": len(values),
        "statistic": np.nan,
        "df": np.nan,
        "p_value": np.nan,
        "note": "",
    }
    if len(values) < 2 or data["event"].sum() == 0:
        result["note"] = "fewer than two groups or no events: test not computed"
        return result
    groups = pd.Series(codes, index=data.index)  # same test as on the labels, much faster
    test = multivariate_logrank_test(data["duration"], groups, data["event"].astype(bool))
    result.update(
        statistic=float(test.test_statistic),
        df=int(test.degrees_of_freedom),
        p_value=float(test.p_value),
    )
    return result


def median_followup(
    df: pd.DataFrame, duration_col: str, event_col: str, *, alpha: float = 0.05
) -> dict[str, float | int | str]:
    """Median follow-up by the reverse Kaplan–Meier method.

    Censoring is treated as the event (and events as censoring), so the median is the
    potential follow-up had no patient died/progressed.

    Returns
    -------
    dict
        ``method, n, n_censored, median, median_ci_lower, median_ci_upper, max_followup``.
    """
    data = _clean(df, duration_col, event_col)
    reversed_data = data.assign(event=1.0 - data["event"])
    kmf = _fit_km(reversed_data["duration"], reversed_data["event"], alpha) if len(data) else None
    row = _km_row(kmf, reversed_data, ())
    return {
        "method": "reverse_kaplan_meier",
        "n": row["n"],
        "n_censored": row["events"],
        "median": row["median"],
        "median_ci_lower": row["median_ci_lower"],
        "median_ci_upper": row["median_ci_upper"],
        "max_followup": float(data["duration"].max()) if len(data) else np.nan,
    }
