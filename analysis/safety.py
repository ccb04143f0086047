"""Safety: grade ≥ 3 adverse events, discontinuation for toxicity, most frequent AE terms.

Percentages use the analysed patients as denominator (one row per patient in the analysis
dataset); AE term frequencies count patients, not events (a patient with two episodes of the
same term counts once, at their worst grade).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis._checks import AnalysisInputError, as_binary, require_columns
from analysis.proportions import proportion_summary

__all__ = ["DEFAULT_SAFETY_INDICATORS", "SAFETY_COLUMNS", "ae_term_frequencies", "safety_summary"]

#: Patient-level indicator column → readable label.
DEFAULT_SAFETY_INDICATORS: dict[str, str] = {
    "any_grade3plus_ae": "Any grade ≥ 3 adverse event",
    "discontinued_for_toxicity": "Treatment stopped for toxicity",
}

SAFETY_COLUMNS = [
    "section", "item", "label", "grade_scope", "n", "denominator", "pct", "ci_lower", "ci_upper",
]  # fmt: skip


def _indicator_rows(
    df: pd.DataFrame, indicators: Mapping[str, str], alpha: float
) -> list[dict[str, object]]:
    rows = []
    for column, label in indicators.items():
        values = as_binary(df[column], column, what="safety indicator")
        known = ~np.isnan(values)
        summary = proportion_summary(int(values[known].sum()), int(known.sum()), alpha)
        rows.append(
            {
                "section": "summary",
                "item": column,
                "label": label,
                "grade_scope": "",  # the label carries the grade restriction, if any
                "n": summary["x"],
                "denominator": summary["n"],
                "pct": 100 * summary["estimate"],
                "ci_lower": 100 * summary["ci_lower"],
                "ci_upper": 100 * summary["ci_upper"],
            }
        )
    return rows


def ae_term_frequencies(
    adverse_events: pd.DataFrame,
    n_patients: int,
    *,
    patient_col: str = "patient_key",
    term_col: str = "ae_term",
    grade_col: str = "grade",
    top_n: int = 10,
) -> pd.DataFrame:
    """Patients with each AE term, any grade and grade ≥ 3, for the most frequent terms.

    Parameters
    ----------
    adverse_events : pandas.DataFrame
        One row per adverse event.
    n_patients : int
        Denominator: number of analysed patients.
    patient_col, term_col, grade_col : str, optional
        Column names; grades must be numeric 1–5 (nulls count as "any grade" only).
    top_n : int, optional
        Keep the ``top_n`` most frequent terms at any grade plus the ``top_n`` most frequent
        at grade ≥ 3.

    Returns
    -------
    pandas.DataFrame
        Columns ``ae_term, n_any, pct_any, n_grade3plus, pct_grade3plus``, most frequent first.
    """
    require_columns(adverse_events, [patient_col, term_col, grade_col], context="AE frequencies")
    grade = pd.to_numeric(adverse_events[grade_col], errors="coerce")
    bad = adverse_events[grade_col].notna() & (grade.isna() | ~grade.between(1, 5))
    if bad.any():
        raise AnalysisInputError(
            f"AE grade column {grade_col!r} must hold CTCAE grades 1-5, got "
            f"{sorted(map(str, adverse_events.loc[bad, grade_col].unique()))[:8]}"
        )
    events = pd.DataFrame(
        {"patient": adverse_events[patient_col], "term": adverse_events[term_col], "grade": grade}
    ).dropna(subset=["patient", "term"])
    worst = events.groupby(["term", "patient"])["grade"].max().reset_index()
    counts = worst.groupby("term").agg(
        n_any=("patient", "size"), n_grade3plus=("grade", lambda g: int((g >= 3).sum()))
    )
    keep = set(counts.nlargest(top_n, "n_any").index) | set(
        counts[counts["n_grade3plus"] > 0].nlargest(top_n, "n_grade3plus").index
    )
    counts = counts.loc[sorted(keep)].sort_values(["n_any", "n_grade3plus"], ascending=False)
    denominator = n_patients if n_patients else np.nan
    counts["pct_any"] = 100 * counts["n_any"] / denominator
    counts["pct_grade3plus"] = 100 * counts["n_grade3plus"] / denominator
    out = counts.reset_index().rename(columns={"term": "ae_term"})
    return out[["ae_term", "n_any", "pct_any", "n_grade3plus", "pct_grade3plus"]]


def safety_summary(
    analysis_dataset: pd.DataFrame,
    adverse_events: pd.DataFrame,
    *,
    indicators: Mapping[str, str] | None = None,
    patient_col: str = "patient_key",
    top_n: int = 10,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Safety table: patient-level indicators with exact CIs, then AE term frequencies.

    Adverse events of patients absent from ``analysis_dataset`` (excluded patients) are
    ignored so that numerators and denominators describe the same population.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SAFETY_COLUMNS`. ``section`` is ``"summary"`` for the indicators
        (``pct`` and CI in percent) and ``"ae_term"`` for term rows, which come in pairs of
        ``grade_scope`` ``"any"`` and ``"grade>=3"``.
    """
    indicators = dict(DEFAULT_SAFETY_INDICATORS if indicators is None else indicators)
    require_columns(analysis_dataset, [patient_col, *indicators], context="safety_summary")
    require_columns(adverse_events, [patient_col], context="safety_summary (adverse events)")
    rows = _indicator_rows(analysis_dataset, indicators, alpha)
    analysed = set(analysis_dataset[patient_col].dropna())
    own_events = adverse_events[adverse_events[patient_col].isin(analysed)]
    n_patients = len(analysis_dataset)
    terms = ae_term_frequencies(own_events, n_patients, patient_col=patient_col, top_n=top_n)
    for record in terms.itertuples(index=False):
        for scope, n in (("any", record.n_any), ("grade>=3", record.n_grade3plus)):
            summary = proportion_summary(int(n), n_patients, alpha)
            rows.append(
                {
                    "section": "ae_term",
                    "item": record.ae_term,
                    "label": record.ae_term,
                    "grade_scope": scope,
                    "n": int(n),
                    "denominator": n_patients,
                    "pct": 100 * summary["estimate"],
                    "ci_lower": 100 * summary["ci_lower"],
                    "ci_upper": 100 * summary["ci_upper"],
                }
            )
    return pd.DataFrame(rows).reindex(columns=SAFETY_COLUMNS)
