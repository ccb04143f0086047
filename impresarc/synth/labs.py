"""Laboratory samples around ICI start, with values exactly as each center writes them.

One row per sample date (a full blood count, LDH and albumin). Values are quantised to the
precision of the writing center *here*, so that the dNLR the warehouse derives from the
extract is the one that entered the hazards:

* counts in 10^9/L with two decimals (``xlsx`` writes them ×1000 as cells/mm³, exact);
* ``wide`` writes neutrophils and lymphocytes as % of WBC with one decimal, so its counts are
  ``wbc × pct / 100``;
* every written dNLR is kept at least :data:`parameters.DNLR_GUARD` away from the threshold 3,
  so that floating-point order of operations can never flip ``dnlr_high``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impresarc.synth import parameters as p


def _latent_blood(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Each patient's latent blood picture (the level every sample scatters around)."""
    wbc = rng.lognormal(np.log(p.WBC_MEDIAN), p.WBC_SIGMA, n)
    fraction = rng.beta(*p.NEUTROPHIL_FRACTION_BETA, n)
    high = fraction / (1 - fraction) > p.DNLR_THRESHOLD
    ldh_ratio = rng.lognormal(np.log(p.LDH_OVER_ULN_MEDIAN), p.LDH_SIGMA, n)
    return pd.DataFrame(
        {
            "wbc": wbc,
            "neutrophil_fraction": fraction,
            "lymphocyte_share": rng.uniform(*p.LYMPHOCYTE_SHARE_OF_REST, n),
            "ldh_over_uln": ldh_ratio * np.where(high, p.LDH_DNLR_HIGH_FACTOR, 1.0),
            "albumin": rng.normal(p.ALBUMIN_MEAN, p.ALBUMIN_SD, n)
            + np.where(high, p.ALBUMIN_DNLR_HIGH_SHIFT, 0.0),
            "latent_dnlr_high": high,
        }
    )


def _sample_days(rng: np.random.Generator, n: int, no_labs: np.ndarray) -> pd.DataFrame:
    """Sample dates relative to ICI start: (patient, day) pairs, some outside the window."""
    has_baseline = rng.random(n) < p.LAB_BASELINE_SAMPLE
    baseline = -rng.integers(0, 21, n)
    second = np.maximum(baseline - rng.integers(4, 11, n), -30)
    has_second = has_baseline & (rng.random(n) < p.LAB_SECOND_BASELINE_SAMPLE)
    # One to three sample dates. Without a baseline sample there is an older one (outside the
    # window); with a second baseline sample there is none.
    older = ~has_second & (~has_baseline | (rng.random(n) < p.LAB_OLD_SAMPLE))
    candidates = [
        (has_baseline, baseline),
        (has_second, second),
        (older, -rng.integers(31, 61, n)),
        (rng.random(n) < p.LAB_ON_TREATMENT_SAMPLE, rng.integers(14, 36, n)),
    ]
    idx = np.concatenate([np.flatnonzero(mask & ~no_labs) for mask, _ in candidates])
    day = np.concatenate([days[mask & ~no_labs] for mask, days in candidates])
    order = np.lexsort((day, idx))
    return pd.DataFrame({"idx": idx[order], "day": day[order]})


def _guard_dnlr(wbc: np.ndarray, anc: np.ndarray, step: float) -> np.ndarray:
    """Move ``anc`` by ``step`` quanta until every dNLR is outside ``3 ± DNLR_GUARD``."""
    anc = anc.copy()
    for _ in range(100):
        dnlr = anc / (wbc - anc)
        bad = np.abs(dnlr - p.DNLR_THRESHOLD) < p.DNLR_GUARD
        if not bad.any():
            return anc
        anc[bad] += np.where(dnlr[bad] >= p.DNLR_THRESHOLD, step, -step)
        anc = np.round(anc, 6)
    raise RuntimeError("could not move dNLR away from the threshold")  # pragma: no cover


def simulate_labs(
    rng: np.random.Generator, cohort: pd.DataFrame, no_labs: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Draw every lab sample of every patient.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream reserved for labs.
    cohort : pandas.DataFrame
        Output of :func:`impresarc.synth.cohort.simulate_cohort`.
    no_labs : numpy.ndarray of bool
        Patients whose extract has no lab at all (a planted ``legacy`` defect).

    Returns
    -------
    labs : pandas.DataFrame
        ``idx, sample_date, sample_minute, wbc, neutrophils, lymphocytes, ldh, ldh_uln,
        albumin, neutrophils_pct, lymphocytes_pct`` (percentages only for ``wide``).
    latent_dnlr_high : numpy.ndarray of bool
        The latent dNLR class, used in the hazards when no baseline sample is written.
    """
    n = len(cohort)
    latent = _latent_blood(rng, n)
    samples = _sample_days(rng, n, no_labs)
    idx = samples["idx"].to_numpy()
    m = len(samples)
    of = latent.iloc[idx].reset_index(drop=True)
    center = cohort["center_id"].to_numpy()[idx]
    noise = rng.normal(0.0, p.SAMPLE_NOISE_SIGMA, (3, m))
    wbc = np.round(of["wbc"].to_numpy() * np.exp(noise[0]), 2)
    fraction = np.clip(of["neutrophil_fraction"].to_numpy() + 0.03 * noise[1] / 0.1, 0.30, 0.93)
    anc = np.round(wbc * fraction, 2)
    lymphocytes = np.round((wbc - anc) * of["lymphocyte_share"].to_numpy(), 2)
    wide = center == "wide"
    neutrophils_pct = np.where(wide, np.round(100 * anc / wbc, 1), np.nan)
    lymphocytes_pct = np.where(wide, np.round(100 * lymphocytes / wbc, 1), np.nan)
    neutrophils_pct[wide] = _guard_dnlr(np.full(wide.sum(), 100.0), neutrophils_pct[wide], 0.1)
    anc[~wide] = _guard_dnlr(wbc[~wide], anc[~wide], 0.01)
    anc[wide] = wbc[wide] * neutrophils_pct[wide] / 100
    lymphocytes[wide] = wbc[wide] * lymphocytes_pct[wide] / 100
    uln = cohort["center_id"].map(p.LDH_ULN).to_numpy()[idx].astype(float)
    ldh = np.round(uln * of["ldh_over_uln"].to_numpy() * np.exp(noise[2]))
    albumin = np.round(of["albumin"].to_numpy() + rng.normal(0, 1.5, m)).clip(15, 52)
    ldh[rng.random(m) < p.LAB_LDH_MISSING] = np.nan
    albumin[rng.random(m) < p.LAB_ALBUMIN_MISSING] = np.nan
    labs = pd.DataFrame(
        {
            "idx": idx,
            "sample_date": cohort["ici_start"].to_numpy()[idx] + samples["day"].to_numpy(),
            "sample_minute": rng.integers(7 * 60 + 30, 11 * 60 + 30, m),
            "wbc": wbc,
            "neutrophils": anc,
            "lymphocytes": lymphocytes,
            "ldh": ldh,
            "ldh_uln": np.where(np.isnan(ldh), np.nan, uln),
            "albumin": albumin,
            "neutrophils_pct": neutrophils_pct,
            "lymphocytes_pct": lymphocytes_pct,
        }
    )
    return labs, latent["latent_dnlr_high"].to_numpy()
