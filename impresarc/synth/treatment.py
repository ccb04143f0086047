"""The ICI regimen's course (stop dates and reasons), adverse events, next line, last contact.

Everything is in days after ICI start and never later than ``observed_until`` (the day before
death, or the censoring day), so that no record is dated after death.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impresarc.synth import parameters as p

AE_TERMS = {
    "Fatigue": 0.22,
    "Diarrhea": 0.12,
    "Pruritus": 0.12,
    "Rash maculo-papular": 0.10,
    "Hypothyroidism": 0.10,
    "Hyperthyroidism": 0.05,
    "Arthralgia": 0.08,
    "Nausea": 0.08,
    "Anemia": 0.07,
    "Infusion related reaction": 0.03,
    "Alanine aminotransferase increased": 0.03,
}
#: Immune-related events that make clinicians stop an ICI.
DISCONTINUATION_TERMS = {
    "Colitis": 0.30,
    "Pneumonitis": 0.20,
    "Alanine aminotransferase increased": 0.20,
    "Rash maculo-papular": 0.10,
    "Adrenal insufficiency": 0.10,
    "Myocarditis": 0.05,
    "Hypothyroidism": 0.05,
}


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    probs = np.array(list(weights.values()))
    return names[rng.choice(len(names), size=n, p=probs / probs.sum())]


def _uniform_day(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """An integer day uniformly in ``[low, high]`` (element-wise, requires low <= high)."""
    return np.floor(low + rng.random(len(low)) * (high - low + 1)).astype(int)


def simulate_course(
    rng: np.random.Generator, cohort: pd.DataFrame, outcomes: pd.DataFrame, course: pd.DataFrame
) -> pd.DataFrame:
    """Per patient: regimen end day and stop reason, toxicity stop, next line, last contact.

    Returns
    -------
    pandas.DataFrame
        ``end_day`` (NaN while ongoing), ``stop_reason``, ``toxicity_day`` (NaN if none),
        ``next_line_day`` (NaN if none), ``last_contact_day``.
    """
    n = len(cohort)
    until = outcomes["observed_until"].to_numpy().astype(float)
    pd_day = course["pd_day"].to_numpy()
    progression_free_until = np.where(np.isnan(pd_day), until, pd_day - 1)
    # Toxicity stops happen during the first year, while progression-free.
    tox_window = np.minimum(progression_free_until, 365)
    toxic = (rng.random(n) < p.TOXICITY_STOP_PROB) & (tox_window >= 21)
    tox_day = np.where(
        toxic, _uniform_day(rng, np.full(n, 14.0), np.maximum(tox_window, 14)), np.nan
    )
    other = ~toxic & (rng.random(n) < p.OTHER_STOP_PROB) & (progression_free_until >= 45)
    other_day = _uniform_day(rng, np.full(n, 30.0), np.maximum(progression_free_until, 30))
    completed = ~toxic & ~other & (progression_free_until >= p.TREATMENT_MAX_DAYS)
    progressed = ~np.isnan(pd_day)
    pd_stop = np.minimum(pd_day + rng.integers(0, 15, n), until)
    died = outcomes["died"].to_numpy()

    reason = np.select(
        [toxic, other, completed, progressed, died],
        ["toxicity", "other_or_choice", "completed", "progression", "death"],
        default="ongoing",
    ).astype(object)
    reason[reason == "other_or_choice"] = np.where(
        rng.random((reason == "other_or_choice").sum()) < 0.5, "patient_choice", "other"
    )
    end_day = np.select(
        [toxic, other, completed, progressed, died],
        [tox_day, other_day, p.TREATMENT_MAX_DAYS, pd_stop, outcomes["death_day"].to_numpy()],
        default=np.nan,
    ).astype(float)

    next_line = np.where(
        progressed & (rng.random(n) < p.NEXT_LINE_AFTER_PD),
        pd_day + rng.integers(14, 57, n),
        np.nan,
    )
    # Rarely a next line starts after a toxicity stop, before the PD that came later.
    early = toxic & progressed & (rng.random(n) < p.NEXT_LINE_BEFORE_PD)
    early_day = tox_day + rng.integers(28, 61, n)
    next_line = np.where(early & (early_day < pd_day), early_day, next_line)
    next_line[next_line > until] = np.nan

    last_contact = np.where(died, outcomes["death_day"].to_numpy(), until).astype(float)
    return pd.DataFrame(
        {
            "end_day": end_day,
            "stop_reason": reason,
            "toxicity_day": tox_day,
            "next_line_day": next_line,
            "last_contact_day": last_contact,
        }
    )


def treatment_rows(
    rng: np.random.Generator, cohort: pd.DataFrame, regimen: pd.DataFrame
) -> pd.DataFrame:
    """One row per drug of the regimen: ``idx, drug, start_day, end_day, stop_reason``."""
    n = len(cohort)
    every = np.arange(n)
    end, reason = regimen["end_day"].to_numpy(), regimen["stop_reason"].to_numpy()
    parts = [
        pd.DataFrame(
            {
                "idx": every,
                "drug": cohort["ici_drug"].to_numpy(),
                "start_day": 0,
                "end_day": end,
                "stop_reason": reason,
            }
        )
    ]
    ipi = np.flatnonzero(cohort["ipilimumab"].to_numpy())
    # Ipilimumab is given for four cycles, then completed unless the regimen stopped first.
    stops_later = ~(end[ipi] <= p.IPILIMUMAB_DAYS)
    seen_long_enough = regimen["last_contact_day"].to_numpy()[ipi] >= p.IPILIMUMAB_DAYS
    ipi_end = np.where(stops_later, np.where(seen_long_enough, p.IPILIMUMAB_DAYS, np.nan), end[ipi])
    ipi_reason = np.where(
        stops_later, np.where(seen_long_enough, "completed", "ongoing"), reason[ipi]
    )
    parts.append(
        pd.DataFrame(
            {
                "idx": ipi,
                "drug": "ipilimumab",
                "start_day": 0,
                "end_day": ipi_end,
                "stop_reason": ipi_reason,
            }
        )
    )
    cyclo = np.flatnonzero(cohort["has_cyclophosphamide"].to_numpy())
    lead_in = cohort["cyclophosphamide_lead_in"].to_numpy()[cyclo]
    parts.append(
        pd.DataFrame(
            {
                "idx": cyclo,
                "drug": "cyclophosphamide",
                "start_day": np.where(lead_in, -7, 0),
                "end_day": end[cyclo],
                "stop_reason": reason[cyclo],
            }
        )
    )
    partner = np.flatnonzero(cohort["partner"].to_numpy() != "")
    parts.append(
        pd.DataFrame(
            {
                "idx": partner,
                "drug": cohort["partner"].to_numpy()[partner],
                "start_day": 0,
                "end_day": end[partner],
                "stop_reason": reason[partner],
            }
        )
    )
    rows = pd.concat(parts, ignore_index=True)
    rows["stop_reason"] = rows["stop_reason"].astype(object)
    return rows.sort_values(["idx", "start_day", "drug"], kind="stable", ignore_index=True)


def adverse_event_rows(
    rng: np.random.Generator, outcomes: pd.DataFrame, regimen: pd.DataFrame
) -> pd.DataFrame:
    """``idx, ae_term, grade, onset_day, led_to_discontinuation`` for every patient."""
    n = len(outcomes)
    until = outcomes["observed_until"].to_numpy().astype(float)
    count = rng.poisson(p.AE_PER_PATIENT_MEAN, n) * (until >= 7)
    idx = np.repeat(np.arange(n), count)
    onset = _uniform_day(rng, np.full(len(idx), 7.0), np.minimum(until[idx], 400))
    grade = rng.choice(4, size=len(idx), p=p.AE_GRADE_PROBS) + 1
    ordinary = pd.DataFrame(
        {
            "idx": idx,
            "ae_term": _pick(rng, AE_TERMS, len(idx)),
            "grade": grade,
            "onset_day": onset,
            "led_to_discontinuation": False,
        }
    )
    toxic = np.flatnonzero(~np.isnan(regimen["toxicity_day"].to_numpy()))
    tox_onset = regimen["toxicity_day"].to_numpy()[toxic] - rng.integers(0, 8, len(toxic))
    stopping = pd.DataFrame(
        {
            "idx": toxic,
            "ae_term": _pick(rng, DISCONTINUATION_TERMS, len(toxic)),
            "grade": rng.choice(4, size=len(toxic), p=p.TOXICITY_STOP_GRADE_PROBS) + 1,
            "onset_day": np.maximum(tox_onset, 1).astype(int),
            "led_to_discontinuation": True,
        }
    )
    rows = pd.concat([ordinary, stopping], ignore_index=True)
    return rows.sort_values(["idx", "onset_day"], kind="stable", ignore_index=True)
