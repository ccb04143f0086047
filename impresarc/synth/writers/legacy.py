"""Center ``legacy``: a messy export, with every planted defect listed by file, line, column.

Renders the canonical tables (in which :mod:`impresarc.synth.defects` already planted the
defects that change content), then plants the cosmetic ones — mixed date formats, stray
whitespace, misspellings, missing markers, exact duplicate lines and the ragged line — and
reports each with its physical line number (header = line 1).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from impresarc.synth import vocab
from impresarc.synth.defects import DefectPlan, planted_count
from impresarc.synth.formatting import format_numbers, write_delimited
from impresarc.synth.writers.longform import date, lab_long, number, text, yes_no

MIXED_DATE_RATE = 0.06  # of the date cells of a column, for each of the two odd formats
WHITESPACE_RATE = 0.02
MISSPELT_HISTOTYPE_RATE = 0.08
MISSPELT_DRUG_RATE = 0.05
DUPLICATE_RATE = 0.01
HANDLING = {
    "ragged_line": "quarantine line",
    "duplicate_row": "drop exact duplicate",
    "conflicting_duplicate_patient": "exclude patient: conflicting_duplicate_patient",
    "death_before_ici_start": "exclude patient: death_before_ici_start",
    "no_ici_start_date": "exclude patient: no_ici_start_date",
    "invalid_ecog": "null value and report",
    "missing_baseline_labs": "report; dnlr null",
    "misspelt_drug": "map via vocabulary",
    "misspelt_histotype": "map via vocabulary",
    "stray_whitespace": "trim",
    "mixed_date_format": "parse date",
    "missing_marker": "null value",
}
LAB_TESTS = {"wbc": "WBC", "neutrophils": "NEUT", "lymphocytes": "LYMPH", "ldh": "LDH",
             "albumin": "ALB"}  # fmt: skip
LAB_UNITS = {"WBC": "10^9/L", "NEUT": "10^9/L", "LYMPH": "10^9/L", "LDH": "U/L", "ALB": "g/L"}
MARKER_SENTINEL = -1.0


class _Table:
    """A legacy file being rendered: text columns plus the defects planted in them."""

    def __init__(self, file: str, columns: dict[str, np.ndarray], row_ids: np.ndarray) -> None:
        self.file, self.columns, self.row_ids = file, columns, row_ids
        self.found: list[pd.DataFrame] = []
        self.touched = {name: np.zeros(len(row_ids), bool) for name in columns}
        self.duplicated = np.zeros(len(row_ids), bool)

    def note(self, positions: np.ndarray, column: str, kind: str) -> None:
        positions = np.asarray(positions, dtype=int)
        if column in self.touched:
            self.touched[column][positions] = True
        self.found.append(pd.DataFrame({"pos": positions, "column": column, "kind": kind}))

    def pick(self, rng: np.random.Generator, column: str, eligible: np.ndarray, rate: float):
        """Untouched, non-empty cells of ``column`` among ``eligible``: a proportional sample."""
        ok = np.flatnonzero(eligible & ~self.touched[column] & (self.columns[column] != ""))
        return np.sort(rng.choice(ok, planted_count(len(ok), rate), replace=False))


def _date_formats(rng, table: _Table, columns: tuple[str, ...], days: dict, spared) -> None:
    for column in columns:
        for style in ("iso", "mon"):
            picked = table.pick(rng, column, ~spared, MIXED_DATE_RATE)
            table.columns[column][picked] = date("d", style)(
                pd.DataFrame({"d": days[column][picked]})
            )
            table.note(picked, column, "mixed_date_format")


def _whitespace(rng, table: _Table, columns: tuple[str, ...], spared) -> None:
    pads = np.array([" {}", "{} ", "  {}", "{}  ", " {} "], dtype=object)
    for column in columns:
        picked = table.pick(rng, column, ~spared, WHITESPACE_RATE)
        pattern = pads[rng.integers(0, len(pads), len(picked))]
        values = table.columns[column][picked]
        table.columns[column][picked] = [p.format(v) for p, v in zip(pattern, values, strict=True)]
        table.note(picked, column, "stray_whitespace")


def _misspell(rng, table: _Table, column: str, codes, variants: dict, rate, kind, spared) -> None:
    eligible = np.isin(codes, list(variants)) & ~spared
    picked = table.pick(rng, column, eligible, rate)
    for code, options in variants.items():
        mine = picked[codes[picked] == code]
        table.columns[column][mine] = np.array(options, dtype=object)[
            rng.integers(0, len(options), len(mine))
        ]
    table.note(picked, column, kind)


def _markers(table: _Table, found: pd.DataFrame | None, headers: dict[str, str]) -> None:
    if found is None or found.empty:
        return
    position = pd.Series(np.arange(len(table.row_ids)), index=table.row_ids)
    for column, rows in found.groupby("column"):
        header = headers[column]
        pos = position.reindex(rows["row_id"]).dropna().astype(int).to_numpy()
        markers = rows.set_index("row_id")["marker"].reindex(table.row_ids[pos]).to_numpy()
        table.columns[header][pos] = markers
        table.note(pos, header, "missing_marker")


def _finish(table: _Table, folder: Path, rng, duplicate_rate: float, spared) -> pd.DataFrame:
    """Insert duplicate lines, write the file, return its defects with line numbers."""
    if duplicate_rate:
        eligible = np.flatnonzero(~spared)
        picked = rng.choice(eligible, planted_count(len(eligible), duplicate_rate), replace=False)
        table.duplicated[picked] = True
    copies = 1 + table.duplicated.astype(int)
    first_line = np.cumsum(copies) - copies + 2  # header is line 1
    # Unchecked: the ragged line is meant to carry one field too many.
    write_delimited(folder / table.file, table.columns, repeats=copies, checked=False)
    found = pd.concat(table.found, ignore_index=True) if table.found else pd.DataFrame()
    rows = [found.assign(line=first_line[found["pos"].to_numpy()])] if len(found) else []
    dup = np.flatnonzero(table.duplicated)
    rows.append(pd.DataFrame({"line": first_line[dup] + 1, "column": "", "kind": "duplicate_row"}))
    out = pd.concat(rows, ignore_index=True)[["line", "column", "kind"]]
    return out.assign(file=table.file)


def write(
    tables: dict[str, pd.DataFrame], folder: Path, plan: DefectPlan, rng: np.random.Generator
) -> tuple[list[Path], pd.DataFrame]:
    """Write the five ``legacy`` files and list their defects (``truth/defects.csv`` rows)."""
    defects = []
    p = tables["patients"]
    conflicting = p["idx"].isin(plan.patients["conflicting_duplicate_patient"]).to_numpy()
    patient_dates = {
        "DOB": "birth_date",
        "DIAG_DATE": "diagnosis_date",
        "LAST_FU": "last_contact_date",
        "DOD": "death_date",
        "NEXT_LINE": "next_line_start_date",
    }
    sites = p["metastatic_sites"].fillna("").to_numpy(str)
    columns = {
        "PAT_NO": text("patient_id")(p), "SEX": text("sex")(p),
        "DOB": date("birth_date", "fr")(p), "DIAG_DATE": date("diagnosis_date", "fr")(p),
        "HISTO": text("histotype", vocab.HISTOTYPE_EN)(p),
        "SMARCA4": yes_no("smarca4_deficient", "legacy")(p),
        "NF1": yes_no("nf1_altered", "legacy")(p), "PS": number("ecog_ps")(p),
        "PRIOR_LINES": number("prior_lines")(p),
        "METS": np.char.replace(sites, "|", "/").astype(object),
        "LAST_FU": date("last_contact_date", "fr")(p), "DOD": date("death_date", "fr")(p),
        "NEXT_LINE": date("next_line_start_date", "fr")(p),
    }  # fmt: skip
    table = _Table("patients.csv", columns, p["row_id"].to_numpy())
    _markers(
        table,
        plan.markers.get("patients"),
        {
            "smarca4_deficient": "SMARCA4",
            "nf1_altered": "NF1",
            "prior_lines": "PRIOR_LINES",
            "metastatic_sites": "METS",
            "death_date": "DOD",
            "next_line_start_date": "NEXT_LINE",
        },
    )
    idx = p["idx"].to_numpy()
    copy = np.isin(table.row_ids, plan.conflicting_copy_rows)
    table.note(np.flatnonzero(copy), "SEX", "conflicting_duplicate_patient")
    for kind, column in (("death_before_ici_start", "DOD"), ("invalid_ecog", "PS"),
                         ("missing_baseline_labs", "PAT_NO")):  # fmt: skip
        table.note(np.flatnonzero(np.isin(idx, plan.patients[kind])), column, kind)
    days = {h: p[c].to_numpy(dtype=float) for h, c in patient_dates.items()}
    _date_formats(rng, table, tuple(patient_dates), days, conflicting)
    codes = p["histotype"].to_numpy(dtype=object)
    _misspell(rng, table, "HISTO", codes, vocab.HISTOTYPE_LEGACY_VARIANTS,
              MISSPELT_HISTOTYPE_RATE, "misspelt_histotype", conflicting)  # fmt: skip
    _whitespace(rng, table, ("SEX", "HISTO"), conflicting)
    defects.append(_finish(table, folder, rng, DUPLICATE_RATE, conflicting))

    t = tables["treatments"]
    table = _Table("treatments.csv", {
        "PAT_NO": text("patient_id")(t), "DRUG": text("drug")(t),
        "START": date("start_date", "fr")(t), "STOP": date("end_date", "fr")(t),
        "REASON": text("stop_reason")(t)}, t["row_id"].to_numpy())  # fmt: skip
    table.note(np.flatnonzero(np.isin(table.row_ids, plan.no_start_rows)), "START",
               "no_ici_start_date")  # fmt: skip
    none = np.zeros(len(t), bool)
    days = {"START": t["start_date"].to_numpy(float), "STOP": t["end_date"].to_numpy(float)}
    _date_formats(rng, table, ("START", "STOP"), days, none)
    _misspell(rng, table, "DRUG", t["drug"].to_numpy(object), vocab.DRUG_LEGACY_MISSPELLINGS,
              MISSPELT_DRUG_RATE, "misspelt_drug", none)  # fmt: skip
    _whitespace(rng, table, ("DRUG", "REASON"), none)
    defects.append(_finish(table, folder, rng, 0.0, none))

    labs = tables["labs"].copy()
    marked = plan.markers.get("labs")
    if marked is not None:  # keep the marked cells' rows: they are written, as a marker
        for column, rows in marked.groupby("column"):
            labs.loc[labs["row_id"].isin(rows["row_id"]), column] = MARKER_SENTINEL
    long = lab_long(labs, LAB_TESTS)
    value = format_numbers(long["value"].to_numpy(), 0)
    counts = long["test"].isin(["WBC", "NEUT", "LYMPH"]).to_numpy()
    value[counts] = format_numbers(long["value"].to_numpy()[counts], 2)
    table = _Table("labs.csv", {
        "PAT_NO": text("patient_id")(long), "DATE": date("sample_date", "fr")(long),
        "TEST": text("test")(long), "RESULT": value, "UNIT": text("test", LAB_UNITS)(long),
        "ULN": number("uln")(long)}, long["row_id"].to_numpy())  # fmt: skip
    sentinel = long["value"].to_numpy() == MARKER_SENTINEL
    if marked is not None:
        key = marked.assign(test=marked["column"].map(LAB_TESTS)).set_index(["row_id", "test"])
        where = pd.MultiIndex.from_arrays([long["row_id"][sentinel], long["test"][sentinel]])
        table.columns["RESULT"][sentinel] = key["marker"].reindex(where).to_numpy()
        table.note(np.flatnonzero(sentinel), "RESULT", "missing_marker")
    _date_formats(rng, table, ("DATE",), {"DATE": long["sample_date"].to_numpy(float)}, sentinel)
    _whitespace(rng, table, ("TEST",), sentinel)
    defects.append(_finish(table, folder, rng, DUPLICATE_RATE, sentinel))

    a = tables["assessments"]
    table = _Table("assessments.csv", {
        "PAT_NO": text("patient_id")(a), "EXAM_DATE": date("assessment_date", "fr")(a),
        "RESP": text("overall_response")(a)}, a["row_id"].to_numpy())  # fmt: skip
    none = np.zeros(len(a), bool)
    _date_formats(rng, table, ("EXAM_DATE",), {"EXAM_DATE": a["assessment_date"].to_numpy(float)},
                  none)  # fmt: skip
    _whitespace(rng, table, ("RESP",), none)
    defects.append(_finish(table, folder, rng, DUPLICATE_RATE, none))

    e = tables["adverse_events"]
    columns = {
        "PAT_NO": text("patient_id")(e),
        "AE": text("ae_term")(e),
        "GRADE": number("grade")(e),
        "ONSET": date("onset_date", "fr")(e),
        "STOPPED": yes_no("led_to_discontinuation", "legacy")(e),
    }
    table = _Table("adverse_events.csv", columns, e["row_id"].to_numpy())
    ragged = np.isin(table.row_ids, plan.ragged_rows)
    # A free-text comment after a comma, never quoted: one field too many.
    table.columns["AE"][ragged] = table.columns["AE"][ragged] + ", resolved"
    table.note(np.flatnonzero(ragged), "AE", "ragged_line")
    _date_formats(rng, table, ("ONSET",), {"ONSET": e["onset_date"].to_numpy(float)}, ragged)
    defects.append(_finish(table, folder, rng, 0.0, ragged))

    found = pd.concat(defects, ignore_index=True)
    found["center_id"] = "legacy"
    found["expected_handling"] = found["kind"].map(HANDLING)
    found = found.sort_values(["file", "line", "column", "kind"], kind="stable", ignore_index=True)
    paths = [folder / f for f in ("patients.csv", "treatments.csv", "labs.csv",
                                   "assessments.csv", "adverse_events.csv")]  # fmt: skip
    return paths, found[["center_id", "file", "line", "column", "kind", "expected_handling"]]
