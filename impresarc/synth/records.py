"""Canonical records: the five tables of every center in canonical codes, units and dates.

This is what the extracts say once the vocabularies are applied; writers only format it, and
:mod:`impresarc.synth.derive` computes the truth from it. Every table carries ``idx`` (the
latent patient), ``center_id`` and ``patient_id``; dates are absolute day numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from impresarc.synth import parameters as p

TABLES = ("patients", "treatments", "labs", "assessments", "adverse_events")


@dataclass
class Records:
    """The five canonical tables (all centers together)."""

    patients: pd.DataFrame
    treatments: pd.DataFrame
    labs: pd.DataFrame
    assessments: pd.DataFrame
    adverse_events: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {name: getattr(self, name) for name in TABLES}

    def by_center(self) -> dict[str, dict[str, pd.DataFrame]]:
        """The tables split by center (every center of :data:`parameters.CENTERS`)."""
        split: dict[str, dict[str, pd.DataFrame]] = {center: {} for center in p.CENTERS}
        for name, table in self.tables().items():
            rows = table.groupby("center_id", sort=False).indices
            for center in p.CENTERS:
                taken = rows.get(center, np.array([], dtype=int))
                split[center][name] = table.take(taken).reset_index(drop=True)
        return split


def _keyed(table: pd.DataFrame, cohort: pd.DataFrame) -> pd.DataFrame:
    idx = table["idx"].to_numpy()
    keyed = table.copy()
    keyed.insert(1, "center_id", cohort["center_id"].to_numpy()[idx])
    keyed.insert(2, "patient_id", cohort["patient_id"].to_numpy()[idx])
    return keyed


def _absolute(table: pd.DataFrame, start: np.ndarray, relative: str, absolute: str) -> None:
    table[absolute] = start[table["idx"].to_numpy()] + table.pop(relative).to_numpy()


def build_records(
    rng: np.random.Generator,
    cohort: pd.DataFrame,
    labs: pd.DataFrame,
    assessments: pd.DataFrame,
    regimen: pd.DataFrame,
    treatments: pd.DataFrame,
    adverse_events: pd.DataFrame,
    outcomes: pd.DataFrame,
) -> Records:
    """Assemble the canonical tables from the simulated pieces (relative days → dates)."""
    start = cohort["ici_start"].to_numpy()
    until = outcomes["observed_until"].to_numpy()
    # On-treatment samples taken after death or the end of follow-up do not exist.
    lab_idx = labs["idx"].to_numpy()
    labs = labs[labs["sample_date"].to_numpy() - start[lab_idx] <= until[lab_idx]]

    assessments = assessments.copy()
    _absolute(assessments, start, "day", "assessment_date")
    treatments = treatments.copy()
    _absolute(treatments, start, "start_day", "start_date")
    _absolute(treatments, start, "end_day", "end_date")
    adverse_events = adverse_events.copy()
    _absolute(adverse_events, start, "onset_day", "onset_date")

    last_contact = start + regimen["last_contact_day"].to_numpy()
    # Some last-contact dates lag behind a later record (data entry): the truth then uses the
    # latest record (rule 9), so the lag is visible but harmless.
    latest = (
        pd.concat(
            [
                assessments.groupby("idx")["assessment_date"].max(),
                labs.groupby("idx")["sample_date"].max(),
                adverse_events.groupby("idx")["onset_date"].max(),
            ],
            axis=1,
        )
        .max(axis=1)
        .reindex(np.arange(len(cohort)))
        .to_numpy()
    )
    lag = (
        ~outcomes["died"].to_numpy()
        & (until > 60)
        & (latest - start > 30)
        & (rng.random(len(cohort)) < p.LAST_CONTACT_LAG_SHARE)
    )
    last_contact[lag] = latest[lag] - rng.integers(5, 41, lag.sum())
    last_contact = np.maximum(last_contact, start)

    patients = cohort[
        [
            "center_id", "patient_id", "sex", "birth_date", "diagnosis_date", "histotype",
            "smarca4_deficient", "nf1_altered", "ecog_ps", "prior_lines", "metastatic_sites",
        ]
    ].copy()  # fmt: skip
    patients.insert(0, "idx", np.arange(len(cohort)))
    patients["last_contact_date"] = last_contact
    patients["death_date"] = np.where(outcomes["died"], start + outcomes["death_day"], np.nan)
    patients["next_line_start_date"] = start + regimen["next_line_day"].to_numpy()
    patients["ici_start"] = start  # generator-only: the writers of `shifted` need it

    records = Records(
        patients=patients,
        treatments=_keyed(treatments, cohort),
        labs=_keyed(labs.reset_index(drop=True), cohort),
        assessments=_keyed(assessments, cohort),
        adverse_events=_keyed(adverse_events, cohort),
    )
    for table in records.tables().values():
        table["row_id"] = np.arange(len(table))  # stable address of a record (defects)
    return records
