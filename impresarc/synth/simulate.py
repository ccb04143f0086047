"""The whole latent simulation, from the cohort to canonical records (no files written).

Each concern draws from its own random stream (spawned from the seed), so that changing how
one table is simulated does not reshuffle the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impresarc.synth import derive
from impresarc.synth.cohort import center_sizes, simulate_cohort
from impresarc.synth.defects import (
    DefectPlan,
    apply_defects,
    missing_labs_mask,
    plan_patient_defects,
)
from impresarc.synth.identifiers import assign_patient_ids
from impresarc.synth.labs import simulate_labs
from impresarc.synth.outcomes import simulate_outcomes
from impresarc.synth.records import Records, build_records
from impresarc.synth.timeline import simulate_assessments
from impresarc.synth.treatment import adverse_event_rows, simulate_course, treatment_rows

STREAMS = ("cohort", "ids", "defects", "labs", "outcomes", "timeline", "course", "records")


@dataclass
class Simulation:
    """Latent cohort, latent outcomes and the canonical records they produce."""

    sizes: dict[str, int]
    cohort: pd.DataFrame
    outcomes: pd.DataFrame
    course: pd.DataFrame
    records: Records
    plan: DefectPlan
    rngs: dict[str, np.random.Generator]


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    """One independent generator per concern, all derived from ``seed``."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {
        name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)
    }


def hazard_dnlr_high(labs: pd.DataFrame, cohort: pd.DataFrame, latent: np.ndarray) -> np.ndarray:
    """dNLR class entering the hazards: derived from the written baseline, else latent."""
    start = pd.Series(
        cohort["ici_start"].to_numpy(), index=pd.Index(np.arange(len(cohort)), name="idx")
    )
    derived = derive.baseline_dnlr(labs, start)["dnlr_high"].to_numpy()
    missing = pd.isna(derived)
    return np.where(missing, latent, np.where(missing, False, derived)).astype(bool)


def simulate(n_patients: int, seed: int) -> Simulation:
    """Run the latent simulation and plant the content-changing ``legacy`` defects.

    Parameters
    ----------
    n_patients : int
        Cohort size (all centers).
    seed : int
        Random seed.
    """
    rngs = random_streams(seed)
    sizes = center_sizes(n_patients)
    cohort = simulate_cohort(rngs["cohort"], sizes)
    cohort["patient_id"] = assign_patient_ids(rngs["ids"], cohort)
    # Chosen before the hazards: patients without any lab enter them with their latent dNLR.
    plan = plan_patient_defects(rngs["defects"], cohort)
    no_labs = missing_labs_mask(plan, len(cohort))
    labs, latent_high = simulate_labs(rngs["labs"], cohort, no_labs)
    cohort["dnlr_high_hazard"] = hazard_dnlr_high(labs, cohort, latent_high)
    outcomes = simulate_outcomes(rngs["outcomes"], cohort, cohort["dnlr_high_hazard"].to_numpy())
    assessments, course = simulate_assessments(rngs["timeline"], cohort, outcomes)
    regimen = simulate_course(rngs["course"], cohort, outcomes, course)
    treatments = treatment_rows(rngs["course"], cohort, regimen)
    adverse_events = adverse_event_rows(rngs["course"], outcomes, regimen)
    records = build_records(
        rngs["records"], cohort, labs, assessments, regimen, treatments, adverse_events, outcomes
    )
    apply_defects(rngs["defects"], records, plan)
    return Simulation(sizes, cohort, outcomes, course, records, plan, rngs)
