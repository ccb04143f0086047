"""Center ``shifted``: pseudonymised, day offsets from ICI start, TSV UTF-8 with BOM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from impresarc.synth import vocab
from impresarc.synth.writers.longform import (
    REF_LAB_TESTS,
    REF_LAB_UNITS,
    lab_long,
    number,
    text,
    write_tables,
    yes_no,
)


def _relative(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Replace every date by its day offset from the patient's ICI start."""
    start = tables["patients"].drop_duplicates("patient_id").set_index("patient_id")["ici_start"]
    dated = {
        "patients": ("diagnosis_date", "last_contact_date", "death_date", "next_line_start_date"),
        "treatments": ("start_date", "end_date"),
        "labs": ("sample_date",),
        "assessments": ("assessment_date",),
        "adverse_events": ("onset_date",),
    }
    out = {}
    for name, columns in dated.items():
        table = tables[name].copy()
        offset = start.reindex(table["patient_id"]).to_numpy()
        for column in columns:
            table[column.replace("_date", "_day")] = table.pop(column).to_numpy() - offset
        out[name] = table
    patients = out["patients"]
    start_days = patients["ici_start"].to_numpy().astype("int64").astype("datetime64[D]")
    birth_days = patients["birth_date"].to_numpy().astype("int64").astype("datetime64[D]")
    patients["ici_start_month"] = np.datetime_as_string(start_days.astype("datetime64[M]"))
    patients["age_at_ici_start"] = _completed_years(birth_days, start_days)
    return out


def _completed_years(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Age in completed years on a date (birthday not yet reached → one year less)."""
    years = birth.astype("datetime64[Y]").astype(int), on.astype("datetime64[Y]").astype(int)
    anniversary = (birth - birth.astype("datetime64[Y]")) > (on - on.astype("datetime64[Y]"))
    # Comparing day-of-year is off by one around 29 February only, a negligible artefact.
    return years[1] - years[0] - anniversary.astype(int)


def write(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the five ``shifted`` files (layout in ``docs/extract_formats.md``)."""
    shifted = _relative(tables)
    labs = lab_long(shifted["labs"].rename(columns={"sample_day": "sample_date"}), REF_LAB_TESTS)
    decimals = {"wbc": 2, "neutrophils": 2, "lymphocytes": 2, "ldh": 0, "albumin": 0}

    def lab_value(table: pd.DataFrame) -> np.ndarray:
        out = np.empty(len(table), dtype=object)
        for test, places in decimals.items():
            mask = (table["test"] == test).to_numpy()
            out[mask] = number("value", places)(table[mask])
        return out

    layout = {
        "patients": ("patients.tsv", [
            ("pseudo_id", text("patient_id")), ("sex", text("sex")),
            ("age_at_ici_start", number("age_at_ici_start")),
            ("ici_start_month", text("ici_start_month")),
            ("diagnosis_day", number("diagnosis_day")),
            ("morphology_icdo3", text("histotype", vocab.HISTOTYPE_ICDO3)),
            ("smarca4_deficient", yes_no("smarca4_deficient", "shifted")),
            ("nf1_altered", yes_no("nf1_altered", "shifted")), ("ecog_ps", number("ecog_ps")),
            ("prior_lines", number("prior_lines")), ("metastatic_sites", text("metastatic_sites")),
            ("last_contact_day", number("last_contact_day")), ("death_day", number("death_day")),
            ("next_line_start_day", number("next_line_start_day")),
        ]),
        "treatments": ("treatments.tsv", [
            ("pseudo_id", text("patient_id")), ("drug", text("drug")),
            ("start_day", number("start_day")), ("end_day", number("end_day")),
            ("stop_reason", text("stop_reason")),
        ]),
        "labs": ("labs.tsv", [
            ("pseudo_id", text("patient_id")), ("sample_day", number("sample_date")),
            ("test", text("test")), ("value", lab_value), ("unit", text("test", REF_LAB_UNITS)),
            ("uln", number("uln")),
        ]),
        "assessments": ("assessments.tsv", [
            ("pseudo_id", text("patient_id")), ("assessment_day", number("assessment_day")),
            ("overall_response", text("overall_response")),
        ]),
        "adverse_events": ("adverse_events.tsv", [
            ("pseudo_id", text("patient_id")), ("ae_term", text("ae_term")),
            ("grade", number("grade")), ("onset_day", number("onset_day")),
            ("led_to_discontinuation", yes_no("led_to_discontinuation", "shifted")),
        ]),
    }  # fmt: skip
    return write_tables(folder, {**shifted, "labs": labs}, layout, delimiter="\t", bom=True)
