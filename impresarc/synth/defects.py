"""Planted defects of the ``legacy`` center that change what the records *say*.

Patient-level defects (a conflicting duplicate, a death before ICI start, an ICI without start
date, ECOG 7, no labs at all) and cell-level missing markers are applied to the canonical
records here, so that the truth derived from them reflects the expected handling. Ragged
lines are chosen here too: the truth is derived without those rows (they are quarantined).
Purely cosmetic defects (date formats, whitespace, misspellings, duplicate lines) are planted
by :mod:`impresarc.synth.writers.legacy`, which also lists every defect with its line.

Counts grow with the center's size, with at least one of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from impresarc.synth.derive import ICI_CLASS
from impresarc.synth.records import Records

#: Share of legacy patients carrying each patient-level defect (in this priority order).
PATIENT_DEFECT_RATES = {
    "conflicting_duplicate_patient": 0.01,
    "death_before_ici_start": 0.01,
    "no_ici_start_date": 0.01,
    "invalid_ecog": 0.01,
    "missing_baseline_labs": 0.02,
}
MISSING_MARKERS = ("NA", "?", "inconnu")
#: Cells that may carry a missing marker instead of a value: (table, canonical column).
MARKER_CELLS = (
    ("patients", "smarca4_deficient"),
    ("patients", "nf1_altered"),
    ("patients", "prior_lines"),
    ("patients", "metastatic_sites"),
    ("patients", "death_date"),
    ("patients", "next_line_start_date"),
    ("labs", "ldh"),
    ("labs", "albumin"),
)
MARKER_RATE = 0.03
RAGGED_RATE = 0.005
INVALID_ECOG = 7


def planted_count(n_eligible: int, rate: float) -> int:
    """How many to plant among ``n_eligible``: proportional, at least one if possible."""
    return min(n_eligible, max(1, round(n_eligible * rate)))


@dataclass
class DefectPlan:
    """What the ``legacy`` extract gets wrong, by patient ``idx`` and canonical ``row_id``."""

    patients: dict[str, np.ndarray]
    conflicting_copy_rows: np.ndarray = field(default_factory=lambda: np.array([], int))
    no_start_rows: np.ndarray = field(default_factory=lambda: np.array([], int))
    markers: dict[str, pd.DataFrame] = field(default_factory=dict)
    ragged_rows: np.ndarray = field(default_factory=lambda: np.array([], int))

    def affected_patients(self) -> np.ndarray:
        """Every patient carrying a patient-level defect."""
        return np.concatenate([np.asarray(v, int) for v in self.patients.values()])


def plan_patient_defects(rng: np.random.Generator, cohort: pd.DataFrame) -> DefectPlan:
    """Choose distinct legacy patients for each patient-level defect kind."""
    legacy = rng.permutation(np.flatnonzero(cohort["center_id"].to_numpy() == "legacy"))
    chosen, used = {}, 0
    for kind, rate in PATIENT_DEFECT_RATES.items():
        count = min(planted_count(len(legacy), rate), len(legacy) - used)
        chosen[kind] = np.sort(legacy[used : used + count])
        used += count
    return DefectPlan(patients=chosen)


def missing_labs_mask(plan: DefectPlan, n_patients: int) -> np.ndarray:
    """Patients whose extract carries no lab at all."""
    mask = np.zeros(n_patients, dtype=bool)
    mask[plan.patients["missing_baseline_labs"]] = True
    return mask


def _plant_markers(rng: np.random.Generator, records: Records, plan: DefectPlan) -> None:
    spared = plan.patients["conflicting_duplicate_patient"]
    for table_name, column in MARKER_CELLS:
        table = getattr(records, table_name)
        eligible = (table["center_id"] == "legacy") & ~table["idx"].isin(spared)
        if column in ("death_date", "next_line_start_date"):
            eligible &= table[column].isna()  # an unknown date written as a marker
        else:
            eligible &= table[column].notna() & (table[column] != "")
        rows = np.flatnonzero(eligible.to_numpy())
        picked = np.sort(rng.choice(rows, planted_count(len(rows), MARKER_RATE), replace=False))
        table.loc[table.index[picked], column] = None if table[column].dtype == object else np.nan
        marker = rng.choice(MISSING_MARKERS, len(picked))
        found = pd.DataFrame({"row_id": table["row_id"].to_numpy()[picked], "column": column,
                              "marker": marker})  # fmt: skip
        plan.markers[table_name] = pd.concat([plan.markers.get(table_name), found])


def apply_defects(rng: np.random.Generator, records: Records, plan: DefectPlan) -> None:
    """Apply the plan to the canonical records in place (see module docstring)."""
    kinds = plan.patients
    patients = records.patients
    start = patients.set_index("idx")["ici_start"]

    late = patients["idx"].isin(kinds["death_before_ici_start"])
    before = rng.integers(10, 201, late.sum())
    patients.loc[late, "death_date"] = start.reindex(patients.loc[late, "idx"]).to_numpy() - before

    patients.loc[patients["idx"].isin(kinds["invalid_ecog"]), "ecog_ps"] = INVALID_ECOG

    treatments = records.treatments
    no_start = treatments["idx"].isin(kinds["no_ici_start_date"]) & treatments["drug"].isin(
        ICI_CLASS
    )
    treatments.loc[no_start, "start_date"] = np.nan
    plan.no_start_rows = treatments.loc[no_start, "row_id"].to_numpy()

    _plant_markers(rng, records, plan)

    copies = patients[patients["idx"].isin(kinds["conflicting_duplicate_patient"])].copy()
    copies["sex"] = np.where(copies["sex"] == "M", "F", "M")
    copies["row_id"] = patients["row_id"].max() + 1 + np.arange(len(copies))
    plan.conflicting_copy_rows = copies["row_id"].to_numpy()
    records.patients = pd.concat([patients, copies], ignore_index=True).sort_values(
        ["idx", "row_id"], kind="stable", ignore_index=True
    )

    events = records.adverse_events
    # Any legacy adverse event will do, except those of the conflicting duplicate (kept simple).
    eligible = (events["center_id"] == "legacy") & ~events["idx"].isin(
        kinds["conflicting_duplicate_patient"]
    )
    rows = np.flatnonzero(eligible.to_numpy())
    picked = rng.choice(rows, planted_count(len(rows), RAGGED_RATE), replace=False)
    plan.ragged_rows = np.sort(events["row_id"].to_numpy()[picked])


def without_quarantined(records: Records, plan: DefectPlan) -> dict[str, pd.DataFrame]:
    """The tables as the warehouse keeps them: quarantined (ragged) lines removed."""
    tables = records.tables()
    events = tables["adverse_events"]
    tables["adverse_events"] = events[~events["row_id"].isin(plan.ragged_rows)]
    return tables
