"""Table 1: baseline characteristics, overall and by center.

Continuous variables are summarised by median and interquartile range (R's default type-7
quantiles), categorical ones by n and % of patients with a known value; missing values are
counted on a separate ``missing`` row so nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis._checks import MISSING_LABEL, group_codes, require_columns

__all__ = ["DEFAULT_TABLE1_VARIABLES", "VARIABLE_LABELS", "baseline_table", "baseline_table_wide"]

#: Default Table 1 variables and how to summarise them.
DEFAULT_TABLE1_VARIABLES: dict[str, str] = {
    "age_at_ici_start": "continuous",
    "sex": "categorical",
    "histotype_group": "categorical",
    "histotype": "categorical",
    "smarca4_deficient": "categorical",
    "nf1_altered": "categorical",
    "ecog_ps": "categorical",
    "prior_lines": "continuous",
    "n_metastatic_sites": "continuous",
    "icis_class": "categorical",
    "has_anti_ctla4": "categorical",
    "has_cyclophosphamide": "categorical",
    "wbc": "continuous",
    "anc": "continuous",
    "alc": "continuous",
    "dnlr": "continuous",
    "dnlr_high": "categorical",
    "ldh_above_uln": "categorical",
    "albumin": "continuous",
    "lipi_group": "categorical",
}

#: Readable labels for report tables (unknown columns are shown by name).
VARIABLE_LABELS: dict[str, str] = {
    "age_at_ici_start": "Age at ICI start, years",
    "sex": "Sex",
    "histotype_group": "Histotype group",
    "histotype": "Histotype",
    "smarca4_deficient": "SMARCA4-deficient",
    "nf1_altered": "NF1 altered",
    "ecog_ps": "ECOG performance status",
    "ecog_ge1": "ECOG PS ≥ 1",
    "prior_lines": "Prior systemic lines",
    "n_metastatic_sites": "Metastatic sites",
    "icis_class": "ICI class",
    "has_anti_ctla4": "Anti-CTLA-4 combination",
    "has_cyclophosphamide": "Cyclophosphamide co-administration",
    "wbc": "White blood cells, 10⁹/L",
    "anc": "Neutrophils, 10⁹/L",
    "alc": "Lymphocytes, 10⁹/L",
    "dnlr": "dNLR",
    "dnlr_high": "dNLR high",
    "ldh_above_uln": "LDH > ULN",
    "albumin": "Albumin, g/L",
    "lipi_group": "LIPI group",
    "center_id": "Center",
}

_LONG_COLUMNS = [
    "variable", "label", "kind", "level", "group_var", "group_value", "group_n", "n",
    "denominator", "pct", "median", "q1", "q3", "min", "max",
]  # fmt: skip


def _level_order(levels) -> list[str]:
    def key(level: str):
        if level == MISSING_LABEL:
            return (3, 0.0, level)
        if level in ("yes", "no"):
            return (0, 0.0 if level == "yes" else 1.0, level)
        try:
            return (1, float(level), level)
        except ValueError:
            return (2, 0.0, level)

    return sorted(levels, key=key)


def _continuous_row(values: np.ndarray) -> dict[str, float]:
    numbers = values[~np.isnan(values)]
    if numbers.size == 0:
        return {"n": 0, "median": np.nan, "q1": np.nan, "q3": np.nan, "min": np.nan, "max": np.nan}
    q1, median, q3 = np.percentile(numbers, [25, 50, 75])
    return {
        "n": int(numbers.size),
        "median": median,
        "q1": q1,
        "q3": q3,
        "min": numbers.min(),
        "max": numbers.max(),
    }


def baseline_table(
    df: pd.DataFrame,
    variables: Mapping[str, str] | None = None,
    *,
    group_col: str | None = "center_id",
) -> pd.DataFrame:
    """Baseline characteristics in tidy long form.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per patient.
    variables : mapping, optional
        Column → ``"continuous"`` or ``"categorical"``. Default
        :data:`DEFAULT_TABLE1_VARIABLES`, silently restricted to the columns present;
        explicitly requested columns must exist.
    group_col : str or None, optional
        Column giving the groups shown beside the overall column (default ``center_id``).

    Returns
    -------
    pandas.DataFrame
        Columns ``variable, label, kind, level, group_var, group_value, group_n, n,
        denominator, pct, median, q1, q3, min, max``. Continuous variables have one row per
        group with ``level`` ``""`` (``n`` = patients with a value) plus a ``missing`` row if
        any value is missing; categorical variables one row per level, ``pct`` being % of
        known values.
    """
    if variables is None:
        variables = {k: v for k, v in DEFAULT_TABLE1_VARIABLES.items() if k in df.columns}
    require_columns(df, list(variables) + ([group_col] if group_col else []), context="table1")
    groups = [("overall", "overall", np.ones(len(df), dtype=bool))]
    if group_col:
        values, codes = group_codes(df[group_col])
        position = {value: i for i, value in enumerate(values)}
        groups += [(group_col, g, codes == position[g]) for g in _level_order(values)]
    rows = []
    for variable, kind in variables.items():
        if kind not in ("continuous", "categorical"):
            raise ValueError(f"kind of {variable!r} must be 'continuous' or 'categorical'")
        column = df[variable]
        missing = column.isna().to_numpy()
        any_missing = bool(missing.any())
        if kind == "categorical":  # labelled once, then counted per group
            labels, codes = group_codes(column)
            levels = [lvl for lvl in _level_order(labels) if lvl != MISSING_LABEL]
            level_code = {level: code for code, level in enumerate(labels)}
        else:
            numbers = pd.to_numeric(column, errors="coerce").astype(float).to_numpy()
        base = {
            "variable": variable,
            "label": VARIABLE_LABELS.get(variable, variable),
            "kind": kind,
        }
        for group_var, group_value, in_group in groups:
            group_n = int(in_group.sum())
            where = base | {"group_var": group_var, "group_value": group_value, "group_n": group_n}
            n_missing = int(missing[in_group].sum())
            known = group_n - n_missing
            if kind == "continuous":
                summary = _continuous_row(numbers[in_group])
                rows.append(where | {"level": "", "denominator": group_n} | summary)
            else:
                counts = np.bincount(codes[in_group], minlength=len(labels))
                for level in levels:
                    n = int(counts[level_code[level]])
                    pct = 100 * n / known if known else np.nan
                    rows.append(where | {"level": level, "n": n, "denominator": known, "pct": pct})
            if any_missing:
                rows.append(
                    where | {"level": MISSING_LABEL, "n": n_missing, "denominator": group_n}
                )
    return pd.DataFrame(rows).reindex(columns=_LONG_COLUMNS)


def _format_cell(row: pd.Series) -> str:
    if row["level"] == MISSING_LABEL:
        return f"{int(row['n'])}"
    if row["kind"] == "continuous":
        if row["n"] == 0:
            return "–"
        return f"{row['median']:.1f} [{row['q1']:.1f}–{row['q3']:.1f}]"
    pct = "–" if pd.isna(row["pct"]) else f"{row['pct']:.1f} %"
    return f"{int(row['n'])} ({pct})"


def baseline_table_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Display version of :func:`baseline_table`: one row per variable/level, one column per
    group headed with its size, cells formatted as ``median [Q1–Q3]`` or ``n (%)``."""
    if long.empty:
        return pd.DataFrame(columns=["Characteristic", "Level"])
    frame = long.copy()
    frame["cell"] = frame.apply(_format_cell, axis=1)
    sizes = frame.groupby("group_value", sort=False)["group_n"].first().to_dict()
    header = {g: f"{'Overall' if g == 'overall' else g} (N={int(n)})" for g, n in sizes.items()}
    frame["column"] = frame["group_value"].map(header)
    row_order = list(dict.fromkeys(zip(frame["label"], frame["level"], strict=True)))
    wide = frame.pivot_table(
        index=["label", "level"], columns="column", values="cell", aggfunc="first", sort=False
    )
    wide = wide.reindex(index=pd.MultiIndex.from_tuples(row_order), columns=list(header.values()))
    wide = wide.reset_index()
    wide.columns = ["Characteristic", "Level", *header.values()]
    first_of_variable = ~wide["Characteristic"].duplicated()
    wide["Characteristic"] = wide["Characteristic"].where(first_of_variable, "")
    return wide
