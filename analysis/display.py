"""Readable display versions of the result tables (formatted text, clinical labels)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.table1 import VARIABLE_LABELS

__all__ = [
    "bor_display",
    "cox_display",
    "estimate_ci",
    "format_p",
    "group_label",
    "km_display",
    "logistic_display",
    "response_display",
    "safety_display",
    "term_label",
    "variable_label",
]


def variable_label(variable: str) -> str:
    """Clinical label of a column (the column name if none is known)."""
    return VARIABLE_LABELS.get(variable, variable)


def group_label(group_var: str, group_value: str) -> str:
    """Label of a subgroup, e.g. ``"ECOG PS ≥ 1: yes"``; ``"Overall"`` for overall rows."""
    if group_var == "overall":
        return "Overall"
    return f"{variable_label(group_var)}: {group_value}"


def term_label(variable: str, level: str, reference: str) -> str:
    """Label of a model term, e.g. ``"ICI class: anti_pdl1 vs anti_pd1"``."""
    name = variable_label(variable)
    if not level:
        return f"{name} (per unit)"
    if (level, reference) == ("yes", "no"):
        return name
    return f"{name}: {level} vs {reference}"


def format_p(p_value: float) -> str:
    """p-value text: ``<0.001`` or three decimals; "–" when missing."""
    if pd.isna(p_value):
        return "–"
    return "<0.001" if p_value < 0.001 else f"{p_value:.3f}"


def estimate_ci(value: float, lower: float, upper: float, *, scale: float = 1.0, digits=1) -> str:
    """``value [lower–upper]`` with NaN shown as "NR" (not reached / not estimable)."""

    def number(x: float) -> str:
        return "NR" if pd.isna(x) or np.isinf(x) else f"{scale * x:.{digits}f}"

    return f"{number(value)} [{number(lower)}–{number(upper)}]"


def response_display(rates: pd.DataFrame) -> pd.DataFrame:
    """One row per subgroup, one column per metric and BOR variant: ``x/n, % [CI]``."""
    frame = rates.copy()
    frame["cell"] = [
        f"{r.x}/{r.n}, {estimate_ci(r.estimate, r.ci_lower, r.ci_upper, scale=100)} %"
        for r in frame.itertuples()
    ]
    frame["column"] = frame["metric"] + " (" + frame["bor_variant"] + ")"
    frame["Subgroup"] = [
        group_label(v, g) for v, g in zip(frame.group_var, frame.group_value, strict=True)
    ]
    order = list(dict.fromkeys(frame["Subgroup"]))
    columns = [
        f"{metric} ({variant})"
        for metric in dict.fromkeys(frame["metric"])
        for variant in dict.fromkeys(frame["bor_variant"])
    ]
    wide = frame.pivot_table(index="Subgroup", columns="column", values="cell", aggfunc="first")
    return wide.reindex(index=order, columns=columns).reset_index().rename_axis(columns=None)


def bor_display(bor: pd.DataFrame) -> pd.DataFrame:
    """Overall best-overall-response distribution, ``n (%)`` per BOR variant."""
    overall = bor[bor["group_var"] == "overall"].copy()
    overall["cell"] = [f"{r.n} ({r.pct:.1f} %)" for r in overall.itertuples()]
    wide = overall.pivot_table(index="bor", columns="bor_variant", values="cell", aggfunc="first")
    wide = wide.reindex(
        index=list(dict.fromkeys(overall["bor"])),
        columns=list(dict.fromkeys(overall["bor_variant"])),
    )
    return wide.reset_index().rename_axis(columns=None).rename(columns={"bor": "BOR"})


def km_display(km: pd.DataFrame, times=(6, 12)) -> pd.DataFrame:
    """Kaplan–Meier medians and landmark rates as text (months; rates in %)."""
    out = pd.DataFrame(
        {
            "Endpoint": km["endpoint"],
            "Subgroup": [
                group_label(v, g) for v, g in zip(km.group_var, km.group_value, strict=True)
            ],
            "N": km["n"],
            "Events": km["events"],
            "Median, months [95 % CI]": [
                estimate_ci(r.median_months, r.median_ci_lower, r.median_ci_upper)
                for r in km.itertuples()
            ],
        }
    )
    for t in times:
        column = f"s{t:g}"
        if column in km:
            out[f"{t:g} months, % [95 % CI]"] = [
                estimate_ci(v, lo, hi, scale=100).replace("NR", "–")
                for v, lo, hi in zip(
                    km[column], km[f"{column}_ci_lower"], km[f"{column}_ci_upper"], strict=True
                )
            ]
    return out


def _ratio_display(models: pd.DataFrame, estimate_col: str, title: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Model": models["model"],
            "Term": [
                term_label(v, lv, rf)
                for v, lv, rf in zip(models.variable, models.level, models.reference, strict=True)
            ],
            f"{title} [95 % CI]": [
                "not estimable" if pd.isna(e) else estimate_ci(e, lo, hi, digits=2)
                for e, lo, hi in zip(
                    models[estimate_col], models.ci_lower, models.ci_upper, strict=True
                )
            ],
            "p": [format_p(p) for p in models["p_value"]],
            "N": models["n"],
            "Events": models["events"],
            "Missing": models["n_missing"],
            "Note": models["note"].fillna(""),
        }
    )


def cox_display(cox: pd.DataFrame) -> pd.DataFrame:
    """Cox model rows as text, with the proportional-hazards test p-value."""
    out = _ratio_display(cox, "hr", "HR")
    out.insert(0, "Endpoint", cox["endpoint"].to_numpy())
    out.insert(len(out.columns) - 1, "PH test p", [format_p(p) for p in cox["ph_test_p"]])
    return out


def logistic_display(logistic: pd.DataFrame) -> pd.DataFrame:
    """Logistic model rows as text (``Events`` = responders)."""
    return _ratio_display(logistic, "odds_ratio", "OR").rename(columns={"Events": "Responders"})


def safety_display(safety: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Safety summary (``n/N, % [CI]``) and AE terms (any grade / grade ≥ 3, ``n (%)``)."""
    summary = safety[safety["section"] == "summary"]
    summary_out = pd.DataFrame(
        {
            "Item": summary["label"],
            "Patients": [
                f"{r.n}/{r.denominator}, {estimate_ci(r.pct, r.ci_lower, r.ci_upper)} %"
                for r in summary.itertuples()
            ],
        }
    )
    terms = safety[safety["section"] == "ae_term"].copy()
    terms["cell"] = [f"{r.n} ({r.pct:.1f} %)" for r in terms.itertuples()]
    order = list(dict.fromkeys(terms["item"]))
    wide = terms.pivot_table(index="item", columns="grade_scope", values="cell", aggfunc="first")
    wide = wide.reindex(order).reset_index().rename_axis(columns=None)
    wide = wide.rename(columns={"item": "AE term", "any": "Any grade", "grade>=3": "Grade ≥ 3"})
    return summary_out, wide
