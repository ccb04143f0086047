"""Center ``xlsx``: one workbook, a sheet per table, real Excel date cells.

The SpreadsheetML is written directly (vectorised string building): openpyxl would take
minutes for a large cohort. Dates are numeric serials styled ``dd/mm/yyyy`` (so readers get
dates, not text); strings are inline; zip entries carry a fixed timestamp, so the file is
byte-identical for identical content.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from impresarc.synth import vocab
from impresarc.synth.formatting import format_labels, format_numbers
from impresarc.synth.writers.longform import lab_long, yes_no

EXCEL_EPOCH_OFFSET = 25569  # serial of 1970-01-01 in the 1900 date system
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BOOK = "export_immunotherapie.xlsx"

LAB_TESTS = {"wbc": "Leucocytes", "neutrophils": "Neutrophiles", "lymphocytes": "Lymphocytes",
             "ldh": "LDH", "albumin": "Albumine"}  # fmt: skip
LAB_UNITS = {"Leucocytes": "/mm3", "Neutrophiles": "/mm3", "Lymphocytes": "/mm3",
             "LDH": "UI/L", "Albumine": "g/dL"}  # fmt: skip


CELL_PIECES = {
    "text": ('" t="inlineStr"><is><t>', "</t></is></c>"),
    "number": ('"><v>', "</v></c>"),
    "date": ('" s="1"><v>', "</v></c>"),
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(columns: list[tuple[str, str, np.ndarray]], n_rows: int) -> bytes:
    """A worksheet: header row then ``n_rows`` data rows (an unknown value writes no cell).

    Every cell carries its reference (``r="C12"``), as Excel writes them. The pieces of all
    rows are laid in one object matrix and joined once: no per-row Python work.
    """
    header = "".join(
        f'<c r="{_column_letter(i)}1" t="inlineStr"><is><t>{escape(name)}</t></is></c>'
        for i, (name, _, _) in enumerate(columns)
    )
    row_numbers = np.arange(2, n_rows + 2).astype(str).astype(object)
    pieces = np.empty((n_rows, 2 + 5 * len(columns)), dtype=object)
    pieces[:, 0] = '<row r="' + row_numbers + '">'
    pieces[:, -1] = "</row>"
    for i, (_, kind, values) in enumerate(columns):
        values = np.asarray(values, dtype=object)
        if kind == "text":
            distinct, inverse = np.unique(values.astype(str), return_inverse=True)
            values = np.array([escape(v) for v in distinct.tolist()], dtype=object)[inverse]
        middle, end = CELL_PIECES[kind]
        empty = values == ""
        cell = ('<c r="' + _column_letter(i), row_numbers, middle, values, end)
        for offset, piece in enumerate(cell):
            at = 1 + 5 * i + offset
            pieces[:, at] = np.where(empty, "", piece) if empty.any() else piece
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{header}</row>'
        + "".join(pieces.ravel().tolist())
        + "</sheetData></worksheet>"
    )
    return xml.encode("utf-8")


def _serial(days: np.ndarray) -> np.ndarray:
    return format_numbers(np.asarray(days, dtype=float) + EXCEL_EPOCH_OFFSET)


def _sheets(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[list, int]]:
    p, t = tables["patients"], tables["treatments"]
    labs = lab_long(tables["labs"], LAB_TESTS)
    counts = labs["test"].isin(["Leucocytes", "Neutrophiles", "Lymphocytes"]).to_numpy()
    albumin = (labs["test"] == "Albumine").to_numpy()
    value = format_numbers(labs["value"].to_numpy())
    value[counts] = format_numbers(np.round(labs["value"].to_numpy()[counts] * 1000))
    value[albumin] = format_numbers(labs["value"].to_numpy()[albumin] / 10, 1)
    a, e = tables["assessments"], tables["adverse_events"]
    ecog = format_numbers(p["ecog_ps"].to_numpy())
    stop_fr = vocab.STOP_REASON_FR
    return {
        "Patients": ([
            ("N° dossier", "number", p["patient_id"].to_numpy(dtype=object)),
            ("Sexe", "text", np.where(p["sex"] == "M", "Homme", "Femme").astype(object)),
            ("Date de naissance", "date", _serial(p["birth_date"])),
            ("Date du diagnostic", "date", _serial(p["diagnosis_date"])),
            ("Histologie", "text", format_labels(p["histotype"].to_numpy(), vocab.HISTOTYPE_FR)),
            ("SMARCA4", "text", yes_no("smarca4_deficient", "xlsx")(p)),
            ("NF1", "text", yes_no("nf1_altered", "xlsx")(p)),
            ("ECOG", "text", np.where(ecog == "", "", "PS " + ecog).astype(object)),
            ("Nb lignes antérieures", "number", format_numbers(p["prior_lines"].to_numpy())),
            ("Sites métastatiques", "text",
             vocab.translate_sites(p["metastatic_sites"].to_numpy(), vocab.SITE_FR, ", ")),
            ("Dernières nouvelles", "date", _serial(p["last_contact_date"])),
            ("Date de décès", "date", _serial(p["death_date"])),
            ("Début ligne suivante", "date", _serial(p["next_line_start_date"])),
        ], len(p)),
        "Traitements": ([
            ("N° dossier", "number", t["patient_id"].to_numpy(dtype=object)),
            ("Spécialité", "text", format_labels(t["drug"].to_numpy(), vocab.DRUG_BRAND)),
            ("Début", "date", _serial(t["start_date"])),
            ("Fin", "date", _serial(t["end_date"])),
            ("Motif d'arrêt", "text", format_labels(t["stop_reason"].to_numpy(), stop_fr)),
        ], len(t)),
        "Biologie": ([
            ("N° dossier", "number", labs["patient_id"].to_numpy(dtype=object)),
            ("Date", "date", _serial(labs["sample_date"])),
            ("Paramètre", "text", labs["test"].to_numpy(dtype=object)),
            ("Valeur", "number", value),
            ("Unité", "text", format_labels(labs["test"].to_numpy(), LAB_UNITS)),
            ("LSN", "number", format_numbers(labs["uln"].to_numpy())),
        ], len(labs)),
        "Evaluations": ([
            ("N° dossier", "number", a["patient_id"].to_numpy(dtype=object)),
            ("Date", "date", _serial(a["assessment_date"])),
            ("Réponse", "text", format_labels(a["overall_response"].to_numpy(), vocab.RECIST_FR)),
        ], len(a)),
        "Effets indésirables": ([
            ("N° dossier", "number", e["patient_id"].to_numpy(dtype=object)),
            ("Terme CTCAE", "text", e["ae_term"].to_numpy(dtype=object)),
            ("Grade", "number", format_numbers(e["grade"].to_numpy())),
            ("Date de début", "date", _serial(e["onset_date"])),
            ("Arrêt du traitement", "text", yes_no("led_to_discontinuation", "xlsx")(e)),
        ], len(e)),
    }  # fmt: skip


def _package_parts(sheet_names: list[str]) -> dict[str, str]:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(sheet_names, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheet_names) + 1)
    )
    n = len(sheet_names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": head
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + overrides
        + "</Types>",
        "_rels/.rels": head + f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
        f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": head + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{sheets}'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": head + f'<Relationships xmlns="{pkg}">{sheet_rels}'
        f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": head + f'<styleSheet xmlns="{main}"><numFmts count="1"><numFmt '
        'numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/>'
        '<name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill '
        'patternType="none"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
        'xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }


def write(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write the ``xlsx`` workbook (layout in ``docs/extract_formats.md``)."""
    sheets = _sheets(tables)
    path = folder / BOOK
    folder.mkdir(parents=True, exist_ok=True)
    parts = {name: text.encode("utf-8") for name, text in _package_parts(list(sheets)).items()}
    for i, (columns, n_rows) in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(columns, n_rows)
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            book.writestr(info, data, compresslevel=1)
    return [path]
