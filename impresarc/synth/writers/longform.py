"""Long-format writing shared by the one-file-per-table centers, and the ``ref`` center."""

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
    write_delimited,
)

#: A column of an extract: header and how to render it from the canonical table.
Column = tuple[str, Callable[[pd.DataFrame], np.ndarray]]


def text(
    column: str, mapping: dict[str, str] | None = None
) -> Callable[[pd.DataFrame], np.ndarray]:
    """Render a text column, optionally through a vocabulary (null → empty)."""

    def render(table: pd.DataFrame) -> np.ndarray:
        values = table[column].to_numpy(dtype=object)
        if mapping is not None:
            return format_labels(values, mapping)
        return np.where(pd.isna(values), "", values).astype(object)

    return render


def date(column: str, style: str = "iso") -> Callable[[pd.DataFrame], np.ndarray]:
    """Render a date column in ``style`` (see :func:`format_dates`)."""
    return lambda table: format_dates(table[column].to_numpy(dtype=float), style)


def number(column: str, decimals: int = 0, mark: str = ".") -> Callable[[pd.DataFrame], np.ndarray]:
    """Render a numeric column with fixed decimals."""
    return lambda table: format_numbers(table[column].to_numpy(dtype=float), decimals, mark)


def yes_no(column: str, center: str) -> Callable[[pd.DataFrame], np.ndarray]:
    """Render a ``yes``/``no``/null or boolean column with the center's words."""
    yes, no = vocab.YES_NO[center]

    def render(table: pd.DataFrame) -> np.ndarray:
        values = table[column].to_numpy(dtype=object)
        truthy = (values == "yes") | (values == True)  # noqa: E712 - object array of bools
        falsy = (values == "no") | (values == False)  # noqa: E712
        return np.where(truthy, yes, np.where(falsy, no, "")).astype(object)

    return render


def render_table(table: pd.DataFrame, columns: list[Column]) -> dict[str, np.ndarray]:
    """Render every column of an extract table as text."""
    return {header: render(table) for header, render in columns}


def write_tables(
    folder: Path,
    tables: dict[str, pd.DataFrame],
    layout: dict[str, tuple[str, list[Column]]],
    **options,
) -> list[Path]:
    """Write each canonical table to its file; ``layout`` maps table → (file name, columns)."""
    paths = []
    for table_name, (file_name, columns) in layout.items():
        path = folder / file_name
        write_delimited(path, render_table(tables[table_name], columns), **options)
        paths.append(path)
    return paths


def lab_long(labs: pd.DataFrame, tests: dict[str, str]) -> pd.DataFrame:
    """One row per (sample, test) from the one-row-per-sample canonical labs.

    ``tests`` maps canonical value columns (``wbc`` …) to the center's test names; rows of a
    test not done are dropped. ``uln`` is set on LDH rows only.
    """
    parts = []
    for order, (column, name) in enumerate(tests.items()):
        part = labs[["row_id", "patient_id", "sample_date"]].copy()
        part["test"], part["value"], part["order"] = name, labs[column].to_numpy(), order
        part["uln"] = labs["ldh_uln"].to_numpy() if column == "ldh" else np.nan
        parts.append(part[part["value"].notna()])
    long = pd.concat(parts, ignore_index=True)
    return long.sort_values(["row_id", "order"], kind="stable", ignore_index=True)


REF_LAB_TESTS = {"wbc": "wbc", "neutrophils": "neutrophils", "lymphocytes": "lymphocytes",
                 "ldh": "ldh", "albumin": "albumin"}  # fmt: skip
REF_LAB_UNITS = {"wbc": "10^9/L", "neutrophils": "10^9/L", "lymphocytes": "10^9/L",
                 "ldh": "U/L", "albumin": "g/L"}  # fmt: skip


def write_ref(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """The reference center: UTF-8 CSV, comma, ISO dates, English codes (docs: ``ref``)."""
    labs = lab_long(tables["labs"], REF_LAB_TESTS)
    decimals = {"wbc": 2, "neutrophils": 2, "lymphocytes": 2, "ldh": 0, "albumin": 0}

    def lab_value(table: pd.DataFrame) -> np.ndarray:
        out = np.empty(len(table), dtype=object)
        for test, places in decimals.items():
            mask = (table["test"] == test).to_numpy()
            out[mask] = format_numbers(table["value"].to_numpy()[mask], places)
        return out

    layout = {
        "patients": ("patients.csv", [
            ("patient_id", text("patient_id")), ("sex", text("sex")),
            ("birth_date", date("birth_date")), ("diagnosis_date", date("diagnosis_date")),
            ("histotype", text("histotype", vocab.HISTOTYPE_EN)),
            ("smarca4_deficient", yes_no("smarca4_deficient", "ref")),
            ("nf1_altered", yes_no("nf1_altered", "ref")), ("ecog_ps", number("ecog_ps")),
            ("prior_lines", number("prior_lines")), ("metastatic_sites", text("metastatic_sites")),
            ("last_contact_date", date("last_contact_date")), ("death_date", date("death_date")),
            ("next_line_start_date", date("next_line_start_date")),
        ]),
        "treatments": ("treatments.csv", [
            ("patient_id", text("patient_id")), ("drug", text("drug")),
            ("start_date", date("start_date")), ("end_date", date("end_date")),
            ("stop_reason", text("stop_reason")),
        ]),
        "labs": ("labs.csv", [
            ("patient_id", text("patient_id")), ("sample_date", date("sample_date")),
            ("test", text("test")), ("value", lab_value),
            ("unit", text("test", REF_LAB_UNITS)), ("uln", number("uln")),
        ]),
        "assessments": ("assessments.csv", [
            ("patient_id", text("patient_id")), ("assessment_date", date("assessment_date")),
            ("overall_response", text("overall_response")),
        ]),
        "adverse_events": ("adverse_events.csv", [
            ("patient_id", text("patient_id")), ("ae_term", text("ae_term")),
            ("grade", number("grade")), ("onset_date", date("onset_date")),
            ("led_to_discontinuation", yes_no("led_to_discontinuation", "ref")),
        ]),
    }  # fmt: skip
    return write_tables(folder, {**tables, "labs": labs}, layout)
