"""Center ``frcsv``: French spreadsheet export (``;``, cp1252, dd/mm/yyyy, decimal comma)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from impresarc.synth import vocab
from impresarc.synth.formatting import format_numbers
from impresarc.synth.writers.longform import date, lab_long, number, text, write_tables, yes_no

LAB_TESTS = {"wbc": "Leucocytes", "neutrophils": "Polynucléaires neutrophiles",
             "lymphocytes": "Lymphocytes", "ldh": "LDH", "albumin": "Albumine"}  # fmt: skip
LAB_UNITS = {"Leucocytes": "G/L", "Polynucléaires neutrophiles": "G/L", "Lymphocytes": "G/L",
             "LDH": "UI/L", "Albumine": "g/L"}  # fmt: skip
LAB_DECIMALS = {"Leucocytes": 2, "Polynucléaires neutrophiles": 2, "Lymphocytes": 2,
                "LDH": 0, "Albumine": 0}  # fmt: skip


def _sites(table: pd.DataFrame) -> np.ndarray:
    return vocab.translate_sites(table["metastatic_sites"].to_numpy(), vocab.SITE_FR, ", ")


def _sex(table: pd.DataFrame) -> np.ndarray:
    return np.where(table["sex"].to_numpy() == "M", "H", "F").astype(object)


def _lab_value(table: pd.DataFrame) -> np.ndarray:
    out = np.empty(len(table), dtype=object)
    for test, places in LAB_DECIMALS.items():
        mask = (table["test"] == test).to_numpy()
        out[mask] = format_numbers(table["value"].to_numpy()[mask], places, ",")
    return out


def write(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the five ``frcsv`` files (layout in ``docs/extract_formats.md``)."""
    fr = "fr"
    layout = {
        "patients": ("patients.csv", [
            ("IPP", text("patient_id")), ("Sexe", _sex),
            ("Date de naissance", date("birth_date", fr)),
            ("Date de diagnostic", date("diagnosis_date", fr)),
            ("Histologie", text("histotype", vocab.HISTOTYPE_FR)),
            ("SMARCA4 déficient", yes_no("smarca4_deficient", "frcsv")),
            ("NF1 altéré", yes_no("nf1_altered", "frcsv")), ("ECOG", number("ecog_ps")),
            ("Lignes antérieures", number("prior_lines")), ("Sites métastatiques", _sites),
            ("Date des dernières nouvelles", date("last_contact_date", fr)),
            ("Date de décès", date("death_date", fr)),
            ("Date début ligne suivante", date("next_line_start_date", fr)),
        ]),
        "treatments": ("traitements.csv", [
            ("IPP", text("patient_id")), ("Molécule", text("drug", vocab.DRUG_FR)),
            ("Date de début", date("start_date", fr)), ("Date de fin", date("end_date", fr)),
            ("Motif d'arrêt", text("stop_reason", vocab.STOP_REASON_FR)),
        ]),
        "labs": ("biologie.csv", [
            ("IPP", text("patient_id")), ("Date de prélèvement", date("sample_date", fr)),
            ("Examen", text("test")), ("Valeur", _lab_value), ("Unité", text("test", LAB_UNITS)),
            ("LSN", number("uln")),
        ]),
        "assessments": ("evaluations.csv", [
            ("IPP", text("patient_id")), ("Date d'évaluation", date("assessment_date", fr)),
            ("Réponse RECIST", text("overall_response", vocab.RECIST_FR)),
        ]),
        "adverse_events": ("effets_indesirables.csv", [
            ("IPP", text("patient_id")), ("Effet indésirable", text("ae_term", vocab.AE_TERM_FR)),
            ("Grade CTCAE", number("grade")), ("Date de début", date("onset_date", fr)),
            ("Arrêt du traitement", yes_no("led_to_discontinuation", "frcsv")),
        ]),
    }  # fmt: skip
    labs = lab_long(tables["labs"], LAB_TESTS)
    return write_tables(
        folder, {**tables, "labs": labs}, layout, delimiter=";", encoding="cp1252", newline="\r\n"
    )
