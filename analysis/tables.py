"""Compute every result table of the study and store them (DuckDB schema ``analysis``, CSV).

Entry point: :func:`compute_all` takes the warehouse marts ``marts.analysis_dataset`` and
``marts.adverse_events`` as DataFrames and returns ``{table name: DataFrame}``; unstratified
rows carry ``group_var == group_value == "overall"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analysis._checks import AnalysisInputError, as_duration, as_event, require_columns
from analysis.config import AnalysisConfig
from analysis.cox import multivariable_cox, univariable_cox
from analysis.logistic import multivariable_logistic, univariable_logistic
from analysis.proportions import bor_distribution, response_rates
from analysis.safety import DEFAULT_SAFETY_INDICATORS, safety_summary
from analysis.survival import (
    LOGRANK_COLUMNS,
    km_tables,
    logrank_test,
    median_followup,
    number_at_risk,
)
from analysis.table1 import baseline_table

__all__ = ["TABLE_NAMES", "compute_all", "write_csvs", "write_tables"]

#: Names of the tables returned by :func:`compute_all`, in report order.
TABLE_NAMES = (
    "table1",
    "response_rates",
    "bor_distribution",
    "km_estimates",
    "km_curves",
    "km_at_risk",
    "logrank_tests",
    "followup",
    "cox_models",
    "logistic_models",
    "safety",
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _required_columns(config: AnalysisConfig) -> list[str]:
    columns = ["patient_key", *config.bor_variants.values(), config.logistic_outcome]
    for duration_col, event_col in config.endpoints.values():
        columns += [duration_col, event_col]
    columns += [*config.response_group_vars, *config.km_group_vars]
    columns += [*config.cox_factors, *config.cox_covariates]
    columns += [*config.logistic_factors, *config.logistic_covariates]
    columns += [*DEFAULT_SAFETY_INDICATORS, *(config.table1_variables or {})]
    columns += [config.table1_group_col] if config.table1_group_col else []
    return list(dict.fromkeys(columns))


def _stack(frames: list[pd.DataFrame], empty_columns: list[str]) -> pd.DataFrame:
    """Concatenate per-endpoint frames and move ``endpoint`` to the first column."""
    if not frames:  # e.g. no stratification requested: keep a well-formed empty table
        return pd.DataFrame(columns=["endpoint", *empty_columns])
    stacked = pd.concat(frames, ignore_index=True)
    return stacked[["endpoint", *(c for c in stacked.columns if c != "endpoint")]]


def _endpoint_tables(
    df: pd.DataFrame, endpoint: str, duration_col: str, event_col: str, config: AnalysisConfig
) -> dict[str, list[pd.DataFrame]]:
    out: dict[str, list[pd.DataFrame]] = {
        name: [] for name in ("km_estimates", "km_curves", "km_at_risk", "logrank_tests")
    }
    for group_col in (None, *config.km_group_vars):
        summary, curve = km_tables(
            df,
            duration_col,
            event_col,
            group_col=group_col,
            times=config.survival_times,
            alpha=config.alpha,
        )
        out["km_estimates"].append(summary)
        out["km_curves"].append(curve)
        out["km_at_risk"].append(
            number_at_risk(df, duration_col, config.at_risk_times, group_col=group_col)
        )
        if group_col is not None:
            test = logrank_test(df, duration_col, event_col, group_col)
            out["logrank_tests"].append(pd.DataFrame([test]))
    follow = median_followup(df, duration_col, event_col, alpha=config.alpha)
    out["followup"] = [pd.DataFrame([follow])]
    model_options = {
        "reference_levels": config.reference_levels,
        "alpha": config.alpha,
        "ph_time_transform": config.ph_time_transform,
    }
    out["cox_models"] = [
        univariable_cox(df, duration_col, event_col, config.cox_factors, **model_options),
        multivariable_cox(df, duration_col, event_col, config.cox_covariates, **model_options),
    ]
    return {name: [f.assign(endpoint=endpoint) for f in frames] for name, frames in out.items()}


def compute_all(
    analysis_dataset: pd.DataFrame,
    adverse_events: pd.DataFrame,
    config: AnalysisConfig | Mapping[str, object] | None = None,
) -> dict[str, pd.DataFrame]:
    """Compute all result tables of the study.

    Parameters
    ----------
    analysis_dataset : pandas.DataFrame
        ``marts.analysis_dataset``: one row per analysable patient.
    adverse_events : pandas.DataFrame
        ``marts.adverse_events``: one row per adverse event (``patient_key, ae_term, grade``).
    config : AnalysisConfig or mapping, optional
        Analysis settings; a mapping is passed to :meth:`AnalysisConfig.from_mapping`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys :data:`TABLE_NAMES`: ``table1`` (long), ``response_rates``,
        ``bor_distribution``, ``km_estimates`` (``median_months``, ``s6``, ``s12`` … with CIs),
        ``km_curves``, ``km_at_risk``, ``logrank_tests``, ``followup`` (reverse KM),
        ``cox_models`` (``endpoint, model, term, hr, ci_lower, ci_upper, p_value, n, events,
        n_missing, ph_test_p`` …), ``logistic_models`` and ``safety``.

    Raises
    ------
    AnalysisInputError
        If the dataset is empty or lacks a column the configuration needs.
    """
    config = AnalysisConfig.coerce(config)
    if analysis_dataset.empty:
        raise AnalysisInputError("analysis_dataset has no rows; check the warehouse build")
    require_columns(analysis_dataset, _required_columns(config), context="compute_all")
    require_columns(
        adverse_events, ["patient_key", "ae_term", "grade"], context="compute_all (adverse_events)"
    )
    for duration_col, event_col in config.endpoints.values():  # fail fast, before any model
        as_duration(analysis_dataset[duration_col], duration_col)
        as_event(analysis_dataset[event_col], event_col)
    df = analysis_dataset.reset_index(drop=True)
    per_endpoint: dict[str, list[pd.DataFrame]] = {}
    for endpoint, (duration_col, event_col) in config.endpoints.items():
        for name, frames in _endpoint_tables(df, endpoint, duration_col, event_col, config).items():
            per_endpoint.setdefault(name, []).extend(frames)
    # Only the log-rank table can be empty (no stratification requested).
    empty_columns = {"logrank_tests": LOGRANK_COLUMNS}
    tables = {
        name: _stack(frames, empty_columns.get(name, [])) for name, frames in per_endpoint.items()
    }
    tables["km_estimates"] = tables["km_estimates"].rename(columns={"median": "median_months"})
    tables["followup"] = tables["followup"].rename(
        columns={"median": "median_months", "max_followup": "max_followup_months"}
    )
    tables["response_rates"] = response_rates(
        df,
        bor_variants=config.bor_variants,
        group_vars=config.response_group_vars,
        alpha=config.alpha,
    )
    tables["bor_distribution"] = bor_distribution(
        df, bor_variants=config.bor_variants, group_vars=config.response_group_vars
    )
    model_options = {"reference_levels": config.reference_levels, "alpha": config.alpha}
    tables["logistic_models"] = pd.concat(
        [
            univariable_logistic(
                df, config.logistic_outcome, config.logistic_factors, **model_options
            ),
            multivariable_logistic(
                df, config.logistic_outcome, config.logistic_covariates, **model_options
            ),
        ],
        ignore_index=True,
    )
    tables["table1"] = baseline_table(
        df, config.table1_variables, group_col=config.table1_group_col
    )
    tables["safety"] = safety_summary(
        df, adverse_events, top_n=config.top_ae_terms, alpha=config.alpha
    )
    return {name: tables[name] for name in TABLE_NAMES}


def _check_name(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise AnalysisInputError(
            f"table name {name!r} is not a plain SQL identifier (letters, digits, underscore)"
        )
    return name


def write_tables(con, tables: Mapping[str, pd.DataFrame], schema: str = "analysis") -> list[str]:
    """(Re)create one DuckDB table per result in ``schema``.

    Each table is replaced atomically (``create or replace table … as select …``), so a
    reader never sees a half-written table; tables not in ``tables`` are left untouched.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Open connection to the warehouse.
    tables : mapping of str to pandas.DataFrame
        Result tables, e.g. from :func:`compute_all`.
    schema : str, optional
        Target schema, created if absent.

    Returns
    -------
    list of str
        Qualified names of the tables written.
    """
    _check_name(schema)
    con.execute(f"create schema if not exists {schema}")
    written = []
    for name, frame in tables.items():
        _check_name(name)
        view = f"__analysis_{name}_df"
        con.register(view, frame)
        try:
            con.execute(f'create or replace table {schema}."{name}" as select * from "{view}"')
        finally:
            con.unregister(view)
        written.append(f"{schema}.{name}")
    return written


def write_csvs(directory: str | Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each table to ``<directory>/<name>.csv`` (UTF-8, no index); return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = directory / f"{_check_name(name)}.csv"
        frame.to_csv(path, index=False)
        paths.append(path)
    return paths
