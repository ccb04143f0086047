"""Center ``wide``: one row per patient, repeated column groups, ``YYYY-MM-DD HH:MM:SS``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from impresarc.synth import vocab
from impresarc.synth.formatting import (
    format_dates,
    format_labels,
    format_numbers,
    format_timestamps,
    write_delimited,
)
from impresarc.synth.parameters import LDH_ULN
from impresarc.synth.timeline import grouped_position
from impresarc.synth.writers.longform import yes_no

Field = tuple[str, Callable[[pd.DataFrame], np.ndarray]]


def _stamp(column: str, minute: str | None = None) -> Callable[[pd.DataFrame], np.ndarray]:
    if minute is None:
        return lambda t: format_dates(t[column].to_numpy(dtype=float), "timestamp")
    return lambda t: format_timestamps(t[column].to_numpy(dtype=float), t[minute].to_numpy())


def _num(column: str, decimals: int = 0) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda t: format_numbers(t[column].to_numpy(dtype=float), decimals)


def _raw(column: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda t: np.where(t[column].isna(), "", t[column]).astype(object)


def _repeated(
    rows: pd.DataFrame,
    row_of_patient: np.ndarray,
    n_patients: int,
    prefix: str,
    fields: list[Field],
) -> dict[str, np.ndarray]:
    """Spread ``rows`` (sorted by patient, then date) over groups ``prefix_k_*``, k = 1 … K."""
    patient = row_of_patient
    position = grouped_position(patient) if len(patient) else np.array([], dtype=int)
    groups = int(position.max()) + 1 if len(position) else 0
    rendered = [(name, render(rows)) for name, render in fields]
    columns = {}
    for k in range(groups):
        in_group = position == k
        for name, values in rendered:
            column = np.full(n_patients, "", dtype=object)
            column[patient[in_group]] = values[in_group]
            columns[f"{prefix}_{k + 1}_{name}"] = column
    return columns


def write(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write ``patients_wide.csv`` (layout in ``docs/extract_formats.md``)."""
    patients = tables["patients"].reset_index(drop=True)
    n = len(patients)
    position = pd.Series(np.arange(n), index=patients["patient_id"].to_numpy())

    def rows_of(table: pd.DataFrame, order: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
        keyed = table.assign(_p=position.reindex(table["patient_id"]).to_numpy())
        keyed = keyed.sort_values(["_p", *order], kind="stable", ignore_index=True)
        return keyed, keyed["_p"].to_numpy()

    columns: dict[str, np.ndarray] = {
        "patient_ref": patients["patient_id"].to_numpy(dtype=object),
        "sex": np.where(patients["sex"] == "M", "1", "2").astype(object),
        "birth_date": format_dates(patients["birth_date"].to_numpy(), "timestamp"),
        "diagnosis_date": format_dates(patients["diagnosis_date"].to_numpy(), "timestamp"),
        "histology": format_labels(patients["histotype"].to_numpy(), vocab.HISTOTYPE_EN),
        "smarca4_deficient": yes_no("smarca4_deficient", "wide")(patients),
        "nf1_altered": yes_no("nf1_altered", "wide")(patients),
        "performance_status": format_numbers(patients["ecog_ps"].to_numpy()),
        "prior_lines": format_numbers(patients["prior_lines"].to_numpy()),
        "metastatic_sites": patients["metastatic_sites"].to_numpy(dtype=object),
        "last_news_date": format_dates(patients["last_contact_date"].to_numpy(), "timestamp"),
        "death_date": format_dates(patients["death_date"].to_numpy(), "timestamp"),
        "next_line_start_date": format_dates(
            patients["next_line_start_date"].to_numpy(), "timestamp"
        ),
        "ldh_uln": np.full(n, str(LDH_ULN["wide"]), dtype=object),
    }

    treatments, of = rows_of(tables["treatments"], ["start_date", "drug"])
    columns |= _repeated(treatments, of, n, "trt", [
        ("drug", _raw("drug")), ("start", _stamp("start_date")), ("end", _stamp("end_date")),
        ("stop_reason", _raw("stop_reason")),
    ])  # fmt: skip
    labs, of = rows_of(tables["labs"], ["sample_date"])
    columns |= _repeated(labs, of, n, "lab", [
        ("date", _stamp("sample_date", "sample_minute")), ("wbc", _num("wbc", 2)),
        ("neutrophils_pct", _num("neutrophils_pct", 1)),
        ("lymphocytes_pct", _num("lymphocytes_pct", 1)), ("ldh", _num("ldh")),
        ("albumin", _num("albumin")),
    ])  # fmt: skip
    assessments, of = rows_of(tables["assessments"], ["assessment_date"])
    columns |= _repeated(assessments, of, n, "eval", [
        ("date", _stamp("assessment_date", "minute")), ("recist", _raw("overall_response")),
    ])  # fmt: skip
    events, of = rows_of(tables["adverse_events"], ["onset_date"])
    columns |= _repeated(events, of, n, "ae", [
        ("term", _raw("ae_term")), ("grade", _num("grade")), ("date", _stamp("onset_date")),
        ("stopped_treatment", yes_no("led_to_discontinuation", "wide")),
    ])  # fmt: skip
    path = folder / "patients_wide.csv"
    write_delimited(path, columns)
    return [path]
