"""Read extracts back with the standard library, derive, and find the truth again.

The ``ref`` and ``shifted`` extracts are parsed in full (for ``shifted`` the day offsets serve
as dates); for ``wide`` and ``xlsx`` the unit conversions of the baseline labs are checked
through the dNLR.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from impresarc.synth import generate
from impresarc.synth.derive import derive_truth

EPOCH = dt.date(1970, 1, 1)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth_roundtrip") / "cohort"
    generate(out, patients=600, seed=11)
    return out


def _rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> pd.DataFrame:
    with path.open(encoding=encoding, newline="") as handle:
        return pd.DataFrame(list(csv.DictReader(handle, delimiter=delimiter)), dtype=object)


def _day(text: str) -> float:
    return float((dt.date.fromisoformat(text) - EPOCH).days) if text else np.nan


def _num(text: str) -> float:
    return float(text) if text else np.nan


def _canonical(frames: dict[str, pd.DataFrame], id_column: str, dates, center: str) -> dict:
    """Rename to canonical columns, parse dates and numbers (the vocabularies are ref's)."""
    out = {}
    for name, frame in frames.items():
        frame = frame.rename(columns={id_column: "patient_id"}).assign(center_id=center)
        for column in frame.columns:
            if column in dates:
                frame[column] = frame[column].map(dates[column])
            elif column in ("grade", "ecog_ps", "wbc", "neutrophils"):
                frame[column] = frame[column].map(_num)
        out[name] = frame
    return out


def _labs_wide(labs: pd.DataFrame, id_column: str, day_column: str, parse) -> pd.DataFrame:
    """One row per sample with wbc and neutrophils from a long lab table."""
    values = labs.assign(value=labs["value"].map(_num))
    table = values.pivot_table(
        index=[id_column, day_column], columns="test", values="value", aggfunc="first"
    ).reset_index()
    table["sample_date"] = table[day_column].map(parse)
    return table.rename(columns={id_column: "patient_id"})


def _compare(derived: pd.DataFrame, truth: pd.DataFrame, center: str) -> None:
    expected = truth[truth["center_id"] == center].set_index("source_patient_id")
    got = derived.set_index("source_patient_id").loc[expected.index]
    for column in expected.columns.drop(["center_id"]):
        want = expected[column].fillna("").astype(str)
        have = got[column]
        if column in ("pfs_days", "os_days", "ecog_ps"):
            have = have.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif column == "dnlr":
            have = have.map(lambda v: "" if pd.isna(v) else f"{v:.6f}")
        else:
            have = have.fillna("").astype(str)
        assert (want == have).all(), (center, column, want[want != have].head())


def test_ref_extract_derives_to_the_truth(cohort):
    folder = cohort / "centers" / "ref"
    truth = _rows(cohort / "truth" / "patients.csv").fillna("")
    frames = {name: _rows(folder / f"{name}.csv") for name in
              ("patients", "treatments", "assessments", "adverse_events")}  # fmt: skip
    frames["patients"]["histotype"] = (
        truth.set_index("source_patient_id")["histotype"]
        .reindex(frames["patients"]["patient_id"])
        .to_numpy()
    )  # labels → codes is the loader's job, checked elsewhere
    frames["labs"] = _labs_wide(_rows(folder / "labs.csv"), "patient_id", "sample_date", _day)
    date_columns = ("birth_date", "diagnosis_date", "last_contact_date", "death_date",
                    "next_line_start_date", "start_date", "end_date", "assessment_date",
                    "onset_date")  # fmt: skip
    tables = _canonical(frames, "patient_id", dict.fromkeys(date_columns, _day), "ref")
    _compare(derive_truth(tables), truth, "ref")


def test_shifted_extract_derives_to_the_truth(cohort):
    folder = cohort / "centers" / "shifted"
    truth = _rows(cohort / "truth" / "patients.csv").fillna("")
    read = {name: _rows(folder / f"{name}.tsv", "\t", "utf-8-sig") for name in
            ("patients", "treatments", "assessments", "adverse_events", "labs")}  # fmt: skip
    frames = {
        "patients": read["patients"].rename(columns={
            "last_contact_day": "last_contact_date", "death_day": "death_date",
            "next_line_start_day": "next_line_start_date"}),
        "treatments": read["treatments"].rename(columns={"start_day": "start_date",
                                                          "end_day": "end_date"}),
        "assessments": read["assessments"].rename(columns={"assessment_day": "assessment_date"}),
        "adverse_events": read["adverse_events"].rename(columns={"onset_day": "onset_date"}),
        "labs": _labs_wide(read["labs"], "pseudo_id", "sample_day", _num),
    }  # fmt: skip
    frames["labs"] = frames["labs"].rename(columns={"patient_id": "pseudo_id"})
    frames["patients"]["histotype"] = (
        truth.set_index("source_patient_id")["histotype"]
        .reindex(frames["patients"]["pseudo_id"])
        .to_numpy()
    )
    date_columns = ("last_contact_date", "death_date", "next_line_start_date", "start_date",
                    "end_date", "assessment_date", "onset_date")  # fmt: skip
    tables = _canonical(frames, "pseudo_id", dict.fromkeys(date_columns, _num), "shifted")
    _compare(derive_truth(tables), truth, "shifted")


def _dnlr_truth(cohort: Path, center: str) -> pd.Series:
    truth = _rows(cohort / "truth" / "patients.csv").fillna("")
    truth = truth[(truth["center_id"] == center) & (truth["dnlr"] != "")]
    return truth.set_index("source_patient_id")["dnlr"].astype(float)


def test_wide_percentages_give_the_truth_dnlr(cohort):
    rows = _rows(cohort / "centers" / "wide" / "patients_wide.csv")
    truth = _dnlr_truth(cohort, "wide")
    for pid, dnlr in truth.items():
        row = rows[rows["patient_ref"] == pid].iloc[0]
        start = min(
            dt.date.fromisoformat(row[f"trt_{k}_start"][:10])
            for k in range(1, 10)
            if f"trt_{k}_drug" in row and row[f"trt_{k}_drug"] not in ("", "cyclophosphamide",
                                                                       "axitinib", "trabectedin")
        )  # fmt: skip
        window = [
            (row[f"lab_{k}_date"][:10], float(row[f"lab_{k}_wbc"]),
             float(row[f"lab_{k}_neutrophils_pct"]))
            for k in range(1, 10)
            if f"lab_{k}_date" in row and row[f"lab_{k}_date"]
            and 0 <= (start - dt.date.fromisoformat(row[f"lab_{k}_date"][:10])).days <= 30
        ]  # fmt: skip
        _, wbc, pct = max(window)
        anc = wbc * pct / 100
        assert anc / (wbc - anc) == pytest.approx(dnlr, abs=1e-6)


def test_xlsx_cells_per_mm3_give_the_truth_dnlr(cohort):
    book = openpyxl.load_workbook(cohort / "centers" / "xlsx" / "export_immunotherapie.xlsx")
    starts: dict[str, dt.datetime] = {}
    brands = {"Keytruda", "Opdivo", "Tecentriq", "Imfinzi", "Bavencio", "Yervoy"}
    for pid, drug, start, *_ in list(book["Traitements"].iter_rows(values_only=True))[1:]:
        if drug in brands and start is not None:
            starts[str(pid)] = min(starts.get(str(pid), start), start)
    samples: dict[str, dict] = {}
    for pid, date, test, value, *_ in list(book["Biologie"].iter_rows(values_only=True))[1:]:
        if test in ("Leucocytes", "Neutrophiles") and 0 <= (starts[str(pid)] - date).days <= 30:
            samples.setdefault(str(pid), {}).setdefault(date, {})[test] = value / 1000
    for pid, dnlr in _dnlr_truth(cohort, "xlsx").items():
        last = samples[pid][max(samples[pid])]
        wbc, anc = last["Leucocytes"], last["Neutrophiles"]
        assert anc / (wbc - anc) == pytest.approx(dnlr, abs=1e-6)
