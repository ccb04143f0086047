"""Latent cohort: one row per patient with baseline characteristics and the ICI regimen.

Dates are integer day numbers since 1970-01-01 (``numpy.datetime64(day, "D")``), kept as
``float`` so that an unknown date can be ``NaN``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impresarc.synth import parameters as p

EPOCH = np.datetime64("1970-01-01", "D")


def day_number(date) -> int:
    """Return the day number (days since 1970-01-01) of a ``datetime.date``."""
    return int((np.datetime64(date, "D") - EPOCH).astype(int))


def center_sizes(n_patients: int) -> dict[str, int]:
    """Split ``n_patients`` over the centers by their shares (largest remainder).

    Every center gets at least one patient and ``legacy`` at least
    :data:`~impresarc.synth.parameters.LEGACY_MIN_PATIENTS` when the cohort allows it, so that
    each patient-level defect kind can be planted on its own patient.
    """
    n_centers = len(p.CENTERS)
    if n_patients < n_centers:
        raise ValueError(f"need at least {n_centers} patients (one per center), got {n_patients}")
    legacy = max(round(n_patients * p.CENTER_SHARES["legacy"]), 1)
    legacy = max(legacy, min(p.LEGACY_MIN_PATIENTS, n_patients - (n_centers - 1)))
    others = [c for c in p.CENTERS if c != "legacy"]
    shares = np.array([p.CENTER_SHARES[c] for c in others])
    exact = (n_patients - legacy) * shares / shares.sum()
    sizes = np.maximum(np.floor(exact).astype(int), 1)
    remainder = n_patients - legacy - sizes.sum()
    order = np.argsort(-(exact - np.floor(exact)), kind="stable")
    sizes[order[: max(remainder, 0)]] += 1
    while sizes.sum() > n_patients - legacy:  # only when the floor of 1 overshoots
        sizes[np.argmax(sizes)] -= 1
    result = dict(zip(others, sizes.tolist(), strict=True))
    result["legacy"] = legacy
    return {c: result[c] for c in p.CENTERS}


def _categorical(rng: np.random.Generator, probs: dict[str, float], n: int) -> np.ndarray:
    labels = np.array(list(probs))
    weights = np.array(list(probs.values()))
    return labels[rng.choice(len(labels), size=n, p=weights / weights.sum())]


def _marker_flag(rng: np.random.Generator, positive: np.ndarray, n: int) -> np.ndarray:
    """``yes`` for positive patients, else ``no`` if tested or ``None`` (not tested)."""
    tested = rng.random(n) < p.MARKER_TESTED
    return np.where(positive, "yes", np.where(tested, "no", None)).astype(object)


def _metastatic_sites(rng: np.random.Generator, n: int) -> np.ndarray:
    """``|``-joined sites, each present independently (empty string for none)."""
    sites = list(p.METASTATIC_SITE_PROBS)
    present = np.column_stack([rng.random(n) < p.METASTATIC_SITE_PROBS[s] for s in sites])
    # Encode each patient's combination as a bit mask and render the 2^k combinations once.
    masks = present @ (1 << np.arange(len(sites)))
    labels = np.array(
        [
            "|".join(s for bit, s in enumerate(sites) if combo >> bit & 1)
            for combo in range(1 << len(sites))
        ],
        dtype=object,
    )
    return labels[masks]


def _regimen(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    anti_pdl1 = rng.random(n) < p.ANTI_PDL1_SHARE
    pd1 = _categorical(rng, p.PD1_DRUGS, n)
    pdl1 = _categorical(rng, p.PDL1_DRUGS, n)
    ipilimumab = ~anti_pdl1 & (rng.random(n) < p.IPILIMUMAB_SHARE / (1 - p.ANTI_PDL1_SHARE))
    # Nivolumab-ipilimumab is the usual combination.
    pd1 = np.where(ipilimumab & (rng.random(n) < p.IPILIMUMAB_WITH_NIVOLUMAB), "nivolumab", pd1)
    cyclophosphamide = rng.random(n) < p.CYCLOPHOSPHAMIDE_SHARE
    partner_draw = rng.random(n)
    axitinib_cut = p.OTHER_PARTNER_SHARES["axitinib"]
    trabectedin_cut = axitinib_cut + p.OTHER_PARTNER_SHARES["trabectedin"]
    partner = np.where(
        cyclophosphamide,
        "",
        np.where(
            partner_draw < axitinib_cut,
            "axitinib",
            np.where(partner_draw < trabectedin_cut, "trabectedin", ""),
        ),
    )
    return {
        "ici_drug": np.where(anti_pdl1, pdl1, pd1),
        "anti_pdl1": anti_pdl1,
        "ipilimumab": ipilimumab,
        "has_cyclophosphamide": cyclophosphamide,
        "cyclophosphamide_lead_in": cyclophosphamide & (rng.random(n) < p.CYCLOPHOSPHAMIDE_LEAD_IN),
        "partner": partner.astype(object),
    }


def simulate_cohort(rng: np.random.Generator, sizes: dict[str, int]) -> pd.DataFrame:
    """Draw the baseline characteristics and regimen of every patient.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream reserved for the cohort.
    sizes : dict
        Number of patients per center (see :func:`center_sizes`).

    Returns
    -------
    pandas.DataFrame
        One row per patient, indexed ``0 … N-1``, centers in :data:`parameters.CENTERS` order.
    """
    n = sum(sizes.values())
    first, last = day_number(p.ICI_START_FIRST), day_number(p.ICI_START_LAST)
    start = rng.integers(first, last + 1, size=n)
    age_years = np.clip(rng.normal(p.AGE_MEAN, p.AGE_SD, n), p.AGE_MIN, p.AGE_MAX)
    birth = start - np.round(age_years * 365.25).astype(int) - rng.integers(0, 365, n)
    # AGE_MIN in days can fall one day short of the birthday (18 years may hold 5 leap days):
    # at ICI start every patient is an adult by the calendar
    adult_on = pd.to_datetime(start, unit="D") - pd.DateOffset(years=int(p.AGE_MIN))
    birth = np.minimum(birth, adult_on.values.astype("datetime64[D]").astype(np.int64))
    extra = rng.lognormal(np.log(p.DIAGNOSIS_MEDIAN_EXTRA_DAYS), p.DIAGNOSIS_SIGMA, n)
    diagnosis = start - p.DIAGNOSIS_MIN_DAYS - np.round(extra).astype(int)
    # A sarcoma diagnosed before the 16th birthday would be paediatric: keep adults.
    diagnosis = np.maximum(diagnosis, birth + 16 * 365)
    histotype = _categorical(rng, p.HISTOTYPE_MIX, n)
    mpnst_nf1 = (histotype == "mpnst") & (rng.random(n) < p.MPNST_NF1_ALTERED)
    ecog = rng.choice(len(p.ECOG_PROBS), size=n, p=p.ECOG_PROBS)
    cohort = pd.DataFrame(
        {
            "center_id": np.repeat(list(sizes), list(sizes.values())),
            "sex": np.where(rng.random(n) < p.SEX_FEMALE, "F", "M"),
            "birth_date": birth.astype(float),
            "diagnosis_date": diagnosis.astype(float),
            "ici_start": start.astype(float),
            "histotype": histotype,
            "smarca4_deficient": _marker_flag(rng, histotype == "smarca4_deficient_tumor", n),
            "nf1_altered": np.where(
                histotype == "mpnst",
                np.where(mpnst_nf1, "yes", "no"),
                _marker_flag(rng, np.zeros(n, bool), n),
            ).astype(object),
            "ecog_ps": ecog.astype(float),
            "prior_lines": rng.choice(
                len(p.PRIOR_LINES_PROBS), size=n, p=p.PRIOR_LINES_PROBS
            ).astype(float),
            "metastatic_sites": _metastatic_sites(rng, n),
            **_regimen(rng, n),
        }
    )
    cohort["cadence_days"] = cohort["center_id"].map(p.CADENCE_WEEKS).to_numpy() * 7
    cohort["ecog_ge1"] = ecog >= 1
    cohort["histotype_favourable"] = np.isin(histotype, p.FAVOURABLE_HISTOTYPES)
    cohort["histotype_ddlps"] = histotype == "dedifferentiated_liposarcoma"
    return cohort
