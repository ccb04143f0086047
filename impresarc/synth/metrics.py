"""Cohort-level summaries of a truth table: calibration figures and the Cox recovery check.

Used to calibrate the generator and to report; the tests recompute the same figures with
lifelines directly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impresarc.synth import parameters as p

DAYS_PER_MONTH = 365.25 / 12


def analysable(truth: pd.DataFrame) -> pd.DataFrame:
    """Non-excluded patients with numeric endpoints and boolean flags."""
    kept = truth[truth["expected_exclusion_reason"].fillna("") == ""].copy()
    for column in ("pfs_days", "os_days", "ecog_ps", "dnlr"):
        kept[column] = pd.to_numeric(kept[column])
    flags = (
        "pfs_event", "os_event", "is_responder", "is_disease_control", "dnlr_high",
        "has_cyclophosphamide", "any_grade3plus_ae", "discontinued_for_toxicity",
    )  # fmt: skip
    for column in flags:
        kept[column] = kept[column].map({"true": 1.0, "false": 0.0, True: 1.0, False: 0.0})
    return kept


def calibration_summary(truth: pd.DataFrame) -> dict[str, float]:
    """The study figures (ORR, SD, DCR, KM medians and milestones, AE rates) of a truth table."""
    from lifelines import KaplanMeierFitter

    kept = analysable(truth)
    bor = kept["bor"]
    pfs = KaplanMeierFitter().fit(kept["pfs_days"] / DAYS_PER_MONTH, kept["pfs_event"])
    os_ = KaplanMeierFitter().fit(kept["os_days"] / DAYS_PER_MONTH, kept["os_event"])
    return {
        "n": float(len(kept)),
        "orr": float(bor.isin(["CR", "PR"]).mean()),
        "cr": float((bor == "CR").mean()),
        "sd": float((bor == "SD").mean()),
        "dcr": float(bor.isin(["CR", "PR", "SD", "NON-CR/NON-PD"]).mean()),
        "median_pfs_months": float(pfs.median_survival_time_),
        "pfs_6_months": float(pfs.predict(6.0)),
        "pfs_12_months": float(pfs.predict(12.0)),
        "median_os_months": float(os_.median_survival_time_),
        "grade3plus_ae": float(kept["any_grade3plus_ae"].mean()),
        "stopped_for_toxicity": float(kept["discontinued_for_toxicity"].mean()),
    }


def cox_design(truth: pd.DataFrame) -> pd.DataFrame:
    """Complete-case 0/1 design of :data:`parameters.COVARIATES` with both endpoints."""
    kept = analysable(truth)
    design = pd.DataFrame(
        {
            "ecog_ge1": (kept["ecog_ps"] >= 1).astype(float).where(kept["ecog_ps"].notna()),
            "has_cyclophosphamide": kept["has_cyclophosphamide"],
            "dnlr_high": kept["dnlr_high"],
            "anti_pdl1": (kept["icis_class"] == "anti_pdl1").astype(float),
            "histotype_favourable": kept["histotype"].isin(p.FAVOURABLE_HISTOTYPES).astype(float),
            "histotype_ddlps": (kept["histotype"] == "dedifferentiated_liposarcoma").astype(float),
            "pfs_days": kept["pfs_days"],
            "pfs_event": kept["pfs_event"],
            "os_days": kept["os_days"],
            "os_event": kept["os_event"],
            "is_responder": kept["is_responder"],
        }
    )
    return design.dropna()


def cox_check(truth: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    """Multivariable Cox fit of ``endpoint`` (``pfs`` or ``os``) against the planted HRs."""
    from lifelines import CoxPHFitter

    design = cox_design(truth)
    columns = [*p.COVARIATES, f"{endpoint}_days", f"{endpoint}_event"]
    fit = CoxPHFitter().fit(
        design[columns], duration_col=f"{endpoint}_days", event_col=f"{endpoint}_event"
    )
    planted = p.PFS_HR if endpoint == "pfs" else p.OS_HR
    summary = fit.summary
    table = pd.DataFrame(
        {
            "planted_hr": [planted[c] for c in p.COVARIATES],
            "hr": summary["exp(coef)"].to_numpy(),
            "ci_lower": summary["exp(coef) lower 95%"].to_numpy(),
            "ci_upper": summary["exp(coef) upper 95%"].to_numpy(),
        },
        index=list(p.COVARIATES),
    )
    table["covered"] = (table["ci_lower"] <= table["planted_hr"]) & (
        table["planted_hr"] <= table["ci_upper"]
    )
    return table


def response_odds_ratios(truth: pd.DataFrame) -> pd.DataFrame:
    """Logistic regression of objective response on the covariates (Newton-Raphson)."""
    design = cox_design(truth)
    x = np.column_stack([np.ones(len(design)), design[list(p.COVARIATES)].to_numpy()])
    y = design["is_responder"].to_numpy()
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-x @ beta))
        hessian = x.T @ (x * (mu * (1 - mu))[:, None])
        step = np.linalg.solve(hessian, x.T @ (y - mu))
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    se = np.sqrt(np.diag(np.linalg.inv(hessian)))
    table = pd.DataFrame(
        {
            "planted_or": [p.RESPONSE_OR[c] for c in p.COVARIATES],
            "or": np.exp(beta[1:]),
            "ci_lower": np.exp(beta[1:] - 1.96 * se[1:]),
            "ci_upper": np.exp(beta[1:] + 1.96 * se[1:]),
        },
        index=list(p.COVARIATES),
    )
    return table
