"""Results published by the IMPRESARC study, for side-by-side comparison in the report.

IMPRESARC: retrospective study of immune checkpoint inhibitors in advanced sarcoma, 272
patients treated in 6 French sarcoma centers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["PUBLISHED", "PUBLISHED_FACTORS", "factor_comparison", "headline_comparison"]

_NAN = np.nan

#: Headline numbers of the publication (percentages in %, times in months).
PUBLISHED = pd.DataFrame(
    [
        ("n_patients", "Patients analysed", 272, _NAN, _NAN, "n"),
        ("orr", "Objective response rate", 17.0, _NAN, _NAN, "%"),
        ("dcr", "Disease control rate", 49.0, _NAN, _NAN, "%"),
        ("pfs_median", "Median PFS", 2.7, 2.5, 3.4, "months"),
        ("pfs_6m", "PFS at 6 months", 28.0, _NAN, _NAN, "%"),
        ("pfs_12m", "PFS at 12 months", 13.0, _NAN, _NAN, "%"),
        ("os_median", "Median OS", 13.5, 11.0, 17.3, "months"),
        ("grade3plus_ae", "Grade ≥ 3 adverse events", 5.0, _NAN, _NAN, "%"),
        ("stop_toxicity", "Treatment stopped for toxicity", 10.0, _NAN, _NAN, "%"),
    ],
    columns=["key", "metric", "value", "ci_lower", "ci_upper", "unit"],
)

#: Prognostic findings of the publication: (model term, published finding).
PUBLISHED_FACTORS = (
    ("ecog_ge1", "Poorer outcomes with ECOG PS ≥ 1"),
    ("has_cyclophosphamide", "Poorer outcomes with cyclophosphamide co-administration"),
    ("dnlr_high", "Poorer outcomes with high dNLR"),
    ("icis_class[anti_pdl1]", "Shorter OS with anti-PD-L1 than with anti-PD-1"),
    ("histotype_group[favourable]", "Better outcomes in ASPS (favourable histotypes)"),
    ("histotype_group[dedifferentiated_liposarcoma]", "Worse outcomes in dedifferentiated LPS"),
)


def _format(value: float, lower: float, upper: float, unit: str) -> str:
    """Format an estimate with its CI; an unreached median (NaN, in months) reads "NR"."""
    if unit == "n":
        return "–" if pd.isna(value) else f"{int(value)}"
    if pd.isna(value) and unit != "months":
        return "–"
    missing = "NR" if unit == "months" else "–"

    def number(x: float) -> str:
        return missing if pd.isna(x) else f"{x:.1f}"

    text = number(value) + (" %" if unit == "%" else "")
    if not (pd.isna(lower) and pd.isna(upper)):
        text += f" [{number(lower)}–{number(upper)}]"
    return text


def _ours(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[float, float, float]]:
    rates = tables["response_rates"]
    overall = rates[(rates["group_var"] == "overall") & (rates["bor_variant"] == "unconfirmed")]
    km = tables["km_estimates"]
    km = km[km["group_var"] == "overall"].set_index("endpoint")
    safety = tables["safety"].set_index("item")
    out: dict[str, tuple[float, float, float]] = {}
    for metric in ("ORR", "DCR"):
        row = overall[overall["metric"] == metric]
        if not row.empty:
            r = row.iloc[0]
            out[metric.lower()] = (100 * r["estimate"], 100 * r["ci_lower"], 100 * r["ci_upper"])
            out["n_patients"] = (r["n"], _NAN, _NAN)
    for endpoint in ("PFS", "OS"):
        if endpoint in km.index:
            r = km.loc[endpoint]
            key = endpoint.lower()
            out[f"{key}_median"] = (r["median_months"], r["median_ci_lower"], r["median_ci_upper"])
            for months in (6, 12):
                if f"s{months}" in r:
                    out[f"{key}_{months}m"] = tuple(
                        100 * r[f"s{months}{suffix}"] for suffix in ("", "_ci_lower", "_ci_upper")
                    )
    for key, item in (
        ("grade3plus_ae", "any_grade3plus_ae"),
        ("stop_toxicity", "discontinued_for_toxicity"),
    ):
        if item in safety.index:
            r = safety.loc[item]
            out[key] = (r["pct"], r["ci_lower"], r["ci_upper"])
    return out


def headline_comparison(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Headline results of this analysis beside :data:`PUBLISHED`.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Output of :func:`analysis.tables.compute_all`.

    Returns
    -------
    pandas.DataFrame
        Columns ``key, metric, this_analysis, published`` (formatted text) and the numeric
        ``value, ci_lower, ci_upper`` of this analysis (NaN where not available). ORR/DCR use
        unconfirmed responses; an unreached median shows as "–".
    """
    ours = _ours(tables)
    rows = []
    for pub in PUBLISHED.itertuples(index=False):
        value, lower, upper = ours.get(pub.key, (_NAN, _NAN, _NAN))
        text = _format(value, lower, upper, pub.unit) if pub.key in ours else "–"
        rows.append(
            {
                "key": pub.key,
                "metric": pub.metric,
                "this_analysis": text,
                "published": _format(pub.value, pub.ci_lower, pub.ci_upper, pub.unit),
                "value": value,
                "ci_lower": lower,
                "ci_upper": upper,
            }
        )
    return pd.DataFrame(rows)


def factor_comparison(cox_models: pd.DataFrame) -> pd.DataFrame:
    """Published prognostic findings beside this analysis' multivariable (else univariable)
    hazard ratios for PFS and OS.

    Returns
    -------
    pandas.DataFrame
        Columns ``published_finding, term, PFS, OS`` (``HR [CI]`` text, "–" if not modelled).
    """
    rows = []
    for term, finding in PUBLISHED_FACTORS:
        row = {"published_finding": finding, "term": term}
        for endpoint in ("PFS", "OS"):
            row[endpoint] = "–"
            for model in ("multivariable", "univariable"):
                hit = cox_models[
                    (cox_models["endpoint"] == endpoint)
                    & (cox_models["model"] == model)
                    & (cox_models["term"] == term)
                ]
                if not hit.empty and pd.notna(hit.iloc[0]["hr"]):
                    r = hit.iloc[0]
                    suffix = "" if model == "multivariable" else " (univariable)"
                    row[endpoint] = (
                        f"{r['hr']:.2f} [{r['ci_lower']:.2f}–{r['ci_upper']:.2f}]{suffix}"
                    )
                    break
        rows.append(row)
    return pd.DataFrame(rows)
