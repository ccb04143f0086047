"""Latent outcomes: progression and death times, follow-up, and the propensity to respond.

Progression and death times are each drawn from a Weibull proportional-hazards model given
the covariates; a Gaussian copula between their normal scores makes them correlated while
each marginal stays exactly PH (so the planted OS hazard ratios are recoverable as such).
Progression is only *seen* at an assessment (see :mod:`impresarc.synth.timeline`), which
attenuates PFS hazard ratios; the latent PFS log-HRs are inflated by a calibration constant
to compensate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, ndtr

from impresarc.synth import parameters as p
from impresarc.synth.cohort import day_number


def covariate_matrix(cohort: pd.DataFrame, dnlr_high: np.ndarray) -> np.ndarray:
    """0/1 matrix of :data:`parameters.COVARIATES` (columns in that order)."""
    columns = {
        "ecog_ge1": cohort["ecog_ge1"].to_numpy(),
        "has_cyclophosphamide": cohort["has_cyclophosphamide"].to_numpy(),
        "dnlr_high": dnlr_high,
        "anti_pdl1": cohort["anti_pdl1"].to_numpy(),
        "histotype_favourable": cohort["histotype_favourable"].to_numpy(),
        "histotype_ddlps": cohort["histotype_ddlps"].to_numpy(),
    }
    return np.column_stack([columns[name].astype(float) for name in p.COVARIATES])


def _linear(matrix: np.ndarray, log_ratios: dict[str, float]) -> np.ndarray:
    return matrix @ np.array([log_ratios[name] for name in p.COVARIATES])


def _weibull_ph(survival: np.ndarray, eta: np.ndarray, shape: float, scale: float) -> np.ndarray:
    """Invert S(t | x) = exp(-(t / scale)^shape · exp(eta)) at the given survival values."""
    return scale * (-np.log(survival) / np.exp(eta)) ** (1.0 / shape)


def simulate_outcomes(
    rng: np.random.Generator, cohort: pd.DataFrame, dnlr_high: np.ndarray
) -> pd.DataFrame:
    """Draw latent times (days after ICI start), follow-up and response propensity.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream reserved for outcomes.
    cohort : pandas.DataFrame
        Output of :func:`impresarc.synth.cohort.simulate_cohort`.
    dnlr_high : numpy.ndarray of bool
        The dNLR class entering the hazards: derived from the written baseline labs, or the
        latent class when the extract has none.

    Returns
    -------
    pandas.DataFrame
        ``progression_time`` (continuous days), ``death_day``, ``censor_day``, ``died``,
        ``observed_until`` (last day a record can carry: the day before death, or the
        censoring day), ``pfs_score`` (the progression normal score, larger = later) and
        ``responds`` (latent responder draw).
    """
    n = len(cohort)
    x = covariate_matrix(cohort, dnlr_high)
    rho = p.PROGRESSION_DEATH_CORRELATION
    z_pfs = rng.standard_normal(n)
    z_os = rho * z_pfs + np.sqrt(1 - rho**2) * rng.standard_normal(n)
    # A larger normal score means a smaller survival quantile reached, i.e. a later event.
    eta_pfs = _linear(x, p.log_hazard(p.PFS_HR, p.PFS_LOG_HR_INFLATION))
    eta_os = _linear(x, p.log_hazard(p.OS_HR))
    progression = _weibull_ph(ndtr(-z_pfs), eta_pfs, p.PFS_WEIBULL_SHAPE, p.PFS_WEIBULL_SCALE_DAYS)
    death = _weibull_ph(ndtr(-z_os), eta_os, p.OS_WEIBULL_SHAPE, p.OS_WEIBULL_SCALE_DAYS)
    death_day = np.maximum(np.ceil(death), 1).astype(int)

    administrative = day_number(p.DATA_CUTOFF) - cohort["ici_start"].to_numpy()
    lost = rng.exponential(p.LOSS_TO_FOLLOW_UP_MEAN_DAYS, n)
    censor_day = np.floor(np.minimum(administrative, lost)).astype(int)
    died = death_day <= censor_day

    logit = (
        p.RESPONSE_INTERCEPT
        + _linear(x, p.log_hazard(p.RESPONSE_OR, p.RESPONSE_LOG_OR_INFLATION))
        + p.RESPONSE_PFS_LINK * z_pfs
    )
    return pd.DataFrame(
        {
            "progression_time": progression,
            "death_day": death_day,
            "censor_day": censor_day,
            "died": died,
            "observed_until": np.where(died, death_day - 1, censor_day),
            "pfs_score": z_pfs,
            "responds": rng.random(n) < expit(logit),
        }
    )
