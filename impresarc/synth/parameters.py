"""Every number of the generating model, in one place, exported to ``truth/parameters.json``.

The planted effects are hazard ratios (PFS, OS) and odds ratios (response) on six covariates,
all 0/1 and all derivable from the extracts by the warehouse:

``ecog_ge1``
    ECOG performance status ≥ 1.
``has_cyclophosphamide``
    Metronomic cyclophosphamide in the regimen. As in the study, co-administration goes with
    *poorer* outcomes: a higher hazard of progression and of death, a lower chance of response.
``dnlr_high``
    Baseline dNLR > 3 (derived from the written baseline labs; the latent value when the
    extract has no baseline sample).
``anti_pdl1``
    The regimen's checkpoint inhibitor is anti-PD-L1 (reference: anti-PD-1).
``histotype_favourable``
    ASPS, chordoma, GIST, SMARCA4-deficient tumour or MPNST.
``histotype_ddlps``
    Dedifferentiated liposarcoma (reference for both histotype terms: every other histotype).

Calibration constants (Weibull scales, response intercept, event probabilities, the PFS
log-HR inflation that compensates the attenuation due to interval detection at assessments)
were tuned on large simulated cohorts so that the cohort lands on the IMPRESARC figures.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

CENTERS: tuple[str, ...] = ("ref", "frcsv", "xlsx", "wide", "shifted", "legacy")

#: Share of the cohort sent by each center.
CENTER_SHARES: dict[str, float] = {
    "ref": 0.24,
    "frcsv": 0.20,
    "xlsx": 0.17,
    "wide": 0.15,
    "shifted": 0.13,
    "legacy": 0.11,
}
#: The legacy center hosts one patient per patient-level defect kind; keep it big enough.
LEGACY_MIN_PATIENTS = 6

#: Tumor assessment cadence (weeks) of each center; visits are jittered around it.
CADENCE_WEEKS: dict[str, int] = {
    "ref": 10,
    "frcsv": 10,
    "xlsx": 6,
    "wide": 11,
    "shifted": 10,
    "legacy": 9,
}
#: Jitter of each visit around the cadence, in days.
VISIT_JITTER_DAYS = (-7, 7)

#: LDH upper limit of normal of each center's laboratory, U/L.
LDH_ULN: dict[str, int] = {
    "ref": 250,
    "frcsv": 246,
    "xlsx": 225,
    "wide": 280,
    "shifted": 214,
    "legacy": 245,
}

# Fixed calendar anchors: the output never depends on today's date.
ICI_START_FIRST = dt.date(2015, 1, 1)
ICI_START_LAST = dt.date(2021, 6, 30)
DATA_CUTOFF = dt.date(2022, 12, 31)

HISTOTYPE_MIX: dict[str, float] = {
    "leiomyosarcoma": 0.20,
    "undifferentiated_pleomorphic_sarcoma": 0.17,
    "dedifferentiated_liposarcoma": 0.08,
    "synovial_sarcoma": 0.05,
    "alveolar_soft_part_sarcoma": 0.04,
    "chordoma": 0.04,
    "gist": 0.04,
    "smarca4_deficient_tumor": 0.03,
    "mpnst": 0.03,
    "angiosarcoma": 0.06,
    "osteosarcoma": 0.06,
    "other_sarcoma": 0.20,
}
FAVOURABLE_HISTOTYPES = (
    "alveolar_soft_part_sarcoma",
    "chordoma",
    "gist",
    "smarca4_deficient_tumor",
    "mpnst",
)
#: Share of MPNST with a documented NF1 alteration (the others are tested negative).
MPNST_NF1_ALTERED = 0.6
#: Share of other histotypes in which SMARCA4 / NF1 were tested (then negative).
MARKER_TESTED = 0.5

ECOG_PROBS = (0.45, 0.35, 0.15, 0.05)
PRIOR_LINES_PROBS = (0.12, 0.30, 0.28, 0.18, 0.08, 0.04)
SEX_FEMALE = 0.48
AGE_MEAN, AGE_SD, AGE_MIN, AGE_MAX = 56.0, 15.0, 18.0, 88.0
#: Diagnosis to ICI start: at least this many days, plus a log-normal delay.
DIAGNOSIS_MIN_DAYS, DIAGNOSIS_MEDIAN_EXTRA_DAYS, DIAGNOSIS_SIGMA = 60, 600.0, 0.8
METASTATIC_SITE_PROBS: dict[str, float] = {
    "lung": 0.70,
    "liver": 0.25,
    "bone": 0.25,
    "lymph_node": 0.20,
    "peritoneum": 0.15,
    "pleura": 0.10,
    "soft_tissue": 0.20,
    "brain": 0.03,
}

# Regimen: anti-PD-L1 vs anti-PD-1, drug within class, partners.
ANTI_PDL1_SHARE = 0.30
PD1_DRUGS = {"pembrolizumab": 0.6, "nivolumab": 0.4}
PDL1_DRUGS = {"atezolizumab": 0.40, "durvalumab": 0.35, "avelumab": 0.25}
IPILIMUMAB_SHARE = 0.15  # given with an anti-PD-1 (mostly nivolumab)
IPILIMUMAB_WITH_NIVOLUMAB = 0.8
IPILIMUMAB_DAYS = 63  # four cycles every three weeks
CYCLOPHOSPHAMIDE_SHARE = 0.20
CYCLOPHOSPHAMIDE_LEAD_IN = 0.5  # share starting 7 days before the ICI
OTHER_PARTNER_SHARES = {"axitinib": 0.06, "trabectedin": 0.03}

# Baseline labs (latent values, 10^9/L, U/L, g/L).
WBC_MEDIAN, WBC_SIGMA = 7.2, 0.35
NEUTROPHIL_FRACTION_BETA = (13.6, 6.4)  # P(fraction > 0.75, i.e. dNLR > 3) ≈ 0.25
LYMPHOCYTE_SHARE_OF_REST = (0.55, 0.85)
LDH_OVER_ULN_MEDIAN, LDH_SIGMA, LDH_DNLR_HIGH_FACTOR = 0.85, 0.35, 1.5
ALBUMIN_MEAN, ALBUMIN_SD, ALBUMIN_DNLR_HIGH_SHIFT = 37.0, 4.5, -3.0
SAMPLE_NOISE_SIGMA = 0.10  # visit-to-visit variation of a patient's counts
#: Probabilities of the lab sample dates around ICI start.
LAB_BASELINE_SAMPLE = 0.88  # one sample in [start-28, start]
LAB_SECOND_BASELINE_SAMPLE = 0.20  # an earlier sample, also inside the window
LAB_OLD_SAMPLE = 0.40  # a sample 31-60 days before start (outside the window)
LAB_ON_TREATMENT_SAMPLE = 0.40  # a sample 14-35 days after start (outside the window)
LAB_LDH_MISSING = 0.08
LAB_ALBUMIN_MISSING = 0.10
DNLR_THRESHOLD = 3.0
DNLR_GUARD = 0.01  # written dNLR values are kept at least this far from the threshold

COVARIATES = (
    "ecog_ge1",
    "has_cyclophosphamide",
    "dnlr_high",
    "anti_pdl1",
    "histotype_favourable",
    "histotype_ddlps",
)
#: Planted hazard ratios of progression-free survival (what a Cox model should recover).
PFS_HR = {
    "ecog_ge1": 1.45,
    "has_cyclophosphamide": 1.40,
    "dnlr_high": 1.60,
    "anti_pdl1": 1.10,
    "histotype_favourable": 0.55,
    "histotype_ddlps": 1.50,
}
#: Planted hazard ratios of overall survival.
OS_HR = {
    "ecog_ge1": 1.90,
    "has_cyclophosphamide": 1.35,
    "dnlr_high": 2.00,
    "anti_pdl1": 1.45,
    "histotype_favourable": 0.50,
    "histotype_ddlps": 1.60,
}
#: Planted odds ratios of objective response.
RESPONSE_OR = {
    "ecog_ge1": 0.55,
    "has_cyclophosphamide": 0.60,
    "dnlr_high": 0.45,
    "anti_pdl1": 0.75,
    "histotype_favourable": 3.00,
    "histotype_ddlps": 0.50,
}

# Calibration constants (see module docstring).
PFS_WEIBULL_SHAPE = 0.76
PFS_WEIBULL_SCALE_DAYS = 186.0  # reference patient (all covariates 0)
#: Latent log-HR = planted log-HR × factor. Detection at visits attenuates PFS HRs a little;
#: deaths before progression pull the anti-PD-L1 PFS HR towards its (larger) OS HR, and the
#: cyclophosphamide one towards its (slightly smaller) OS HR. Measured on 200,000-patient
#: cohorts (cyclophosphamide: on 100,000-patient cohorts, several seeds).
PFS_LOG_HR_INFLATION = {
    "ecog_ge1": 1.00,
    "has_cyclophosphamide": 1.07,
    "dnlr_high": 1.03,
    "anti_pdl1": 0.76,
    "histotype_favourable": 1.04,
    "histotype_ddlps": 1.02,
}
OS_WEIBULL_SHAPE = 1.80
OS_WEIBULL_SCALE_DAYS = 726.0
PROGRESSION_DEATH_CORRELATION = 0.65  # Gaussian copula between the two latent times
LOSS_TO_FOLLOW_UP_MEAN_DAYS = 4000.0
#: Share of progressions found by an unscheduled (symptom-driven) scan soon after onset.
UNSCHEDULED_PD_SHARE = 0.70
UNSCHEDULED_PD_DELAY_DAYS = (3, 14)
RESPONSE_INTERCEPT = -1.19
RESPONSE_PFS_LINK = 1.3  # logit slope on the latent PFS normal score
#: Averaging over the PFS score attenuates the ORs (≈ 1/sqrt(1 + link²/1.7²) ≈ 1/1.25): the
#: latent log-ORs are inflated to compensate. A response can only be seen at a visit before
#: progression, so a covariate's PFS effect leaks into its observed OR: one that shortens PFS
#: lowers the chance of such a visit (pushing its OR down), one that lengthens PFS raises it.
#: When that push goes the same way as the planted OR (cyclophosphamide: PFS HR 1.40 with
#: OR 0.60: shorter PFS and fewer responses) it makes up for part of the attenuation, hence a
#: smaller factor (cyclophosphamide's was measured on 100,000-patient cohorts, several seeds).
RESPONSE_LOG_OR_INFLATION = {
    "ecog_ge1": 1.25,
    "has_cyclophosphamide": 1.08,
    "dnlr_high": 1.25,
    "anti_pdl1": 1.45,
    "histotype_favourable": 1.25,
    "histotype_ddlps": 1.25,
}
RESPONSE_AT_SECOND_VISIT = 0.3
COMPLETE_RESPONSE_SHARE = 0.06  # of responders
NON_MEASURABLE_SHARE = 0.015  # patients assessed NON-CR/NON-PD only
NE_VISIT_SHARE = 0.03
POST_PD_VISIT_SHARE = 0.15
SAME_DATE_PAIR_SHARE = 0.04  # PD visits recorded twice (PD + NE) on one date
PRESTART_SCAN_SHARE = 0.25  # a PD scan of the previous line, 7-40 days before start
NEXT_LINE_AFTER_PD = 0.5
NEXT_LINE_BEFORE_PD = 0.3  # of patients stopping for toxicity who later progress
LAST_CONTACT_LAG_SHARE = 0.03  # alive patients whose last-contact date lags a later record
TOXICITY_STOP_PROB = 0.116
TOXICITY_STOP_GRADE_PROBS = (0.0, 0.68, 0.28, 0.04)  # grades 1-4 of the discontinuing AE
OTHER_STOP_PROB = 0.03
TREATMENT_MAX_DAYS = 730
AE_PER_PATIENT_MEAN = 0.8
AE_GRADE_PROBS = (0.64, 0.336, 0.022, 0.002)  # other AEs, grades 1-4


def log_hazard(
    hrs: dict[str, float], inflation: float | dict[str, float] = 1.0
) -> dict[str, float]:
    """Return log hazard (or odds) ratios, multiplied by ``inflation`` (one or per covariate)."""
    factor = inflation if isinstance(inflation, dict) else dict.fromkeys(hrs, inflation)
    return {name: factor[name] * math.log(value) for name, value in hrs.items()}


def as_json(seed: int, n_patients: int, center_sizes: dict[str, int]) -> dict[str, Any]:
    """Collect every public constant of this module into a JSON-serialisable mapping."""
    constants = {
        name: (value.isoformat() if isinstance(value, dt.date) else value)
        for name, value in globals().items()
        if name.isupper() and not name.startswith("_")
    }
    return {
        "seed": seed,
        "n_patients": n_patients,
        "center_sizes": center_sizes,
        "covariates": list(COVARIATES),
        "pfs": {
            "hazard_ratios": PFS_HR,
            "latent_hazard_ratios": {
                k: math.exp(v) for k, v in log_hazard(PFS_HR, PFS_LOG_HR_INFLATION).items()
            },
            "weibull_shape": PFS_WEIBULL_SHAPE,
            "weibull_scale_days_reference": PFS_WEIBULL_SCALE_DAYS,
        },
        "os": {
            "hazard_ratios": OS_HR,
            "weibull_shape": OS_WEIBULL_SHAPE,
            "weibull_scale_days_reference": OS_WEIBULL_SCALE_DAYS,
        },
        "response": {"odds_ratios": RESPONSE_OR, "intercept": RESPONSE_INTERCEPT},
        "targets": {
            "orr": 0.17,
            "cr": 0.01,
            "sd": 0.33,
            "dcr": 0.49,
            "median_pfs_months": 2.7,
            "pfs_6_months": 0.28,
            "pfs_12_months": 0.13,
            "median_os_months": 13.5,
            "grade3plus_ae": 0.05,
            "stopped_for_toxicity": 0.10,
        },
        "constants": constants,
    }
