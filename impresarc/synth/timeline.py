"""Tumor assessments: the visit schedule, when progression is seen, and the RECIST codes.

Visits follow the center's cadence with jitter until death or the end of follow-up.
Progression is recorded (PD) at the first visit on or after the latent progression time, or
earlier by an unscheduled symptom-driven scan. Before it, responders show PR (rarely CR) from
their first or second visit onward, patients with non-measurable disease NON-CR/NON-PD, the
others SD; a few visits are not evaluable. Realistic extras that must not change endpoints:
a PD scan of the previous line before ICI start, visits after PD, and a second (NE) reading
on a PD date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from impresarc.synth import parameters as p


def grouped_position(group: np.ndarray) -> np.ndarray:
    """0-based position of each row inside its run of equal ``group`` values (sorted input)."""
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    sizes = np.diff(np.r_[starts, len(group)])
    return np.arange(len(group)) - np.repeat(starts, sizes)


def _schedule(rng: np.random.Generator, cadence: np.ndarray, until: np.ndarray) -> pd.DataFrame:
    """Scheduled visit days in ``[1, until]`` for every patient (long format)."""
    shortest = cadence + p.VISIT_JITTER_DAYS[0]
    count = np.maximum(until, 0) // shortest + 1
    idx = np.repeat(np.arange(len(cadence)), count)
    step = cadence[idx] + rng.integers(p.VISIT_JITTER_DAYS[0], p.VISIT_JITTER_DAYS[1] + 1, len(idx))
    total = np.cumsum(step)
    first = np.r_[0, np.cumsum(count)[:-1]]
    before = np.repeat(np.r_[0, total][first], count)
    day = total - before
    keep = day <= until[idx]
    return pd.DataFrame({"idx": idx[keep], "day": day[keep]})


def _progression_day(
    rng: np.random.Generator, visits: pd.DataFrame, outcomes: pd.DataFrame
) -> np.ndarray:
    """Day PD is recorded (NaN if never): first visit at/after onset, or an unscheduled scan."""
    n = len(outcomes)
    onset = outcomes["progression_time"].to_numpy()
    idx, day = visits["idx"].to_numpy(), visits["day"].to_numpy()
    after = day >= onset[idx]
    scheduled = np.full(n, np.inf)
    np.minimum.at(scheduled, idx[after], day[after])
    unscheduled = np.ceil(onset) + rng.integers(*p.UNSCHEDULED_PD_DELAY_DAYS, n, endpoint=True)
    symptomatic = rng.random(n) < p.UNSCHEDULED_PD_SHARE
    use = symptomatic & (unscheduled < scheduled) & (unscheduled <= outcomes["observed_until"])
    pd_day = np.where(use, unscheduled, scheduled)
    return np.where(np.isfinite(pd_day), pd_day, np.nan)


def _pre_progression_codes(
    rng: np.random.Generator, idx: np.ndarray, outcomes: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """RECIST codes of the visits before PD, and the per-patient responder flag."""
    n = len(outcomes)
    position = grouped_position(idx)
    n_visits = np.bincount(idx, minlength=n)
    non_measurable = rng.random(n) < p.NON_MEASURABLE_SHARE
    responder = outcomes["responds"].to_numpy() & (n_visits >= 1) & ~non_measurable
    onset = np.where((n_visits >= 2) & (rng.random(n) < p.RESPONSE_AT_SECOND_VISIT), 1, 0)
    complete = responder & (rng.random(n) < p.COMPLETE_RESPONSE_SHARE)
    cr_from = np.where(n_visits > onset + 1, onset + 1, onset)
    codes = np.where(non_measurable[idx], "NON-CR/NON-PD", "SD").astype(object)
    responding = responder[idx] & (position >= onset[idx])
    codes[responding] = "PR"
    codes[complete[idx] & (position >= cr_from[idx])] = "CR"
    # A visit may be unreadable, but never the one that shows the response first.
    onset_visit = responder[idx] & (position == onset[idx])
    codes[(rng.random(len(idx)) < p.NE_VISIT_SHARE) & ~onset_visit] = "NE"
    return codes, responder


def simulate_assessments(
    rng: np.random.Generator, cohort: pd.DataFrame, outcomes: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw every tumor assessment.

    Returns
    -------
    assessments : pandas.DataFrame
        ``idx, day`` (days after ICI start), ``overall_response``, ``minute`` (time of day).
    course : pandas.DataFrame
        Per patient: ``pd_day`` (NaN without recorded PD), ``responder``, ``last_visit_day``.
    """
    n = len(cohort)
    until = outcomes["observed_until"].to_numpy()
    cadence = cohort["cadence_days"].to_numpy()
    visits = _schedule(rng, cadence, until)
    pd_day = _progression_day(rng, visits, outcomes)
    idx, day = visits["idx"].to_numpy(), visits["day"].to_numpy()
    before = ~(day >= pd_day[idx])  # NaN pd_day: every visit is before progression
    pre_idx, pre_day = idx[before], day[before]
    pre_codes, responder = _pre_progression_codes(rng, pre_idx, outcomes)
    progressed = np.flatnonzero(~np.isnan(pd_day))

    # Visits after PD (still scanned, maybe pseudo-progression): must not change endpoints.
    extra = progressed[rng.random(len(progressed)) < p.POST_PD_VISIT_SHARE]
    extra = np.repeat(extra, rng.integers(1, 3, len(extra)))
    extra_day = pd_day[extra] + cadence[extra] * (grouped_position(extra) + 1)
    extra_day = extra_day + rng.integers(0, 8, len(extra))
    keep = extra_day <= until[extra]
    extra, extra_day = extra[keep], extra_day[keep]
    extra_codes = np.where(rng.random(len(extra)) < 0.7, "PD", "SD")
    # A second reading of the PD scan, not evaluable; the worse (PD) is kept.
    doubled = progressed[rng.random(len(progressed)) < p.SAME_DATE_PAIR_SHARE]
    prestart = np.flatnonzero(rng.random(n) < p.PRESTART_SCAN_SHARE)

    parts = [
        (pre_idx, pre_day, pre_codes),
        (progressed, pd_day[progressed], np.full(len(progressed), "PD")),
        (extra, extra_day, extra_codes),
        (doubled, pd_day[doubled], np.full(len(doubled), "NE")),
        (prestart, -rng.integers(7, 41, len(prestart)), np.full(len(prestart), "PD")),
    ]
    assessments = pd.DataFrame(
        {
            "idx": np.concatenate([part[0] for part in parts]),
            "day": np.concatenate([part[1] for part in parts]).astype(int),
            "overall_response": np.concatenate([part[2] for part in parts]).astype(object),
        }
    )
    assessments["minute"] = rng.integers(8 * 60, 18 * 60, len(assessments))
    assessments = assessments.sort_values(["idx", "day"], kind="stable", ignore_index=True)
    last_visit = np.full(n, np.nan)
    np.fmax.at(last_visit, assessments["idx"].to_numpy(), assessments["day"].to_numpy())
    course = pd.DataFrame({"pd_day": pd_day, "responder": responder, "last_visit_day": last_visit})
    return assessments, course
