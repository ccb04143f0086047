"""The default synthetic cohort on disk: promised formats, determinism, planted defects.

Everything is read back with the standard library (csv, zipfile) or openpyxl — never with
the generator's own code — against what docs/extract_formats.md promises.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from impresarc.synth import generate

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FR = re.compile(r"^\d{2}/\d{2}/\d{4}$")
MON = re.compile(r"^\d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
CENTERS = ("ref", "frcsv", "xlsx", "wide", "shifted", "legacy")


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "default"
    generate(out)
    return out


def _read(path: Path, delimiter=",", encoding="utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _truth(cohort: Path) -> list[dict[str, str]]:
    return _read(cohort / "truth" / "patients.csv")


def test_same_seed_same_bytes_other_seed_other_bytes(cohort, tmp_path):
    generate(tmp_path / "again")
    generate(tmp_path / "other", seed=7)
    reference = _digests(cohort)
    assert len(reference) == 25
    assert _digests(tmp_path / "again") == reference
    other = _digests(tmp_path / "other")
    assert other.keys() == reference.keys()
    assert all(
        other[name] != digest for name, digest in reference.items() if "parameters" not in name
    )


def test_center_sizes_are_unequal_and_sum_to_n(cohort):
    truth = _truth(cohort)
    sizes = {c: sum(r["center_id"] == c for r in truth) for c in CENTERS}
    assert sum(sizes.values()) == 272
    assert sizes["ref"] > sizes["frcsv"] > sizes["xlsx"] > sizes["wide"] > sizes["legacy"]
    params = json.loads((cohort / "truth" / "parameters.json").read_text())
    assert params["center_sizes"] == sizes
    assert set(params["pfs"]["hazard_ratios"]) == set(params["os"]["hazard_ratios"])


def test_ref_center_follows_the_fixed_format(cohort):
    folder = cohort / "centers" / "ref"
    patients = _read(folder / "patients.csv")
    assert list(patients[0]) == [
        "patient_id", "sex", "birth_date", "diagnosis_date", "histotype", "smarca4_deficient",
        "nf1_altered", "ecog_ps", "prior_lines", "metastatic_sites", "last_contact_date",
        "death_date", "next_line_start_date",
    ]  # fmt: skip
    assert all(re.fullmatch(r"REF-\d{6}", p["patient_id"]) for p in patients)
    assert {p["sex"] for p in patients} <= {"M", "F"}
    assert all(ISO.match(p["birth_date"]) for p in patients)
    labs = _read(folder / "labs.csv")
    assert {r["test"] for r in labs} == {"wbc", "neutrophils", "lymphocytes", "ldh", "albumin"}
    assert all(r["uln"] == ("250" if r["test"] == "ldh" else "") for r in labs)
    responses = {r["overall_response"] for r in _read(folder / "assessments.csv")}
    assert responses <= {"CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"}
    reasons = {r["stop_reason"] for r in _read(folder / "treatments.csv")}
    assert reasons <= {"progression", "toxicity", "death", "patient_choice", "completed",
                       "ongoing", "other"}  # fmt: skip


def test_frcsv_is_french_cp1252_semicolon(cohort):
    folder = cohort / "centers" / "frcsv"
    raw = (folder / "patients.csv").read_bytes()
    assert b"\r\n" in raw and "Date de décès".encode("cp1252") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accents are single cp1252 bytes
    patients = _read(folder / "patients.csv", ";", "cp1252")
    assert {p["Sexe"] for p in patients} <= {"H", "F"}
    assert all(FR.match(p["Date de naissance"]) for p in patients)
    labs = _read(folder / "biologie.csv", ";", "cp1252")
    wbc = [r["Valeur"] for r in labs if r["Examen"] == "Leucocytes"]
    assert wbc and all(re.fullmatch(r"\d+,\d{2}", v) for v in wbc)
    codes = {r["Réponse RECIST"] for r in _read(folder / "evaluations.csv", ";", "cp1252")}
    assert codes <= {"RC", "RP", "SD", "Non-RC/Non-MP", "MP", "NE"} and "MP" in codes


def test_xlsx_has_french_sheets_and_real_date_cells(cohort):
    path = cohort / "centers" / "xlsx" / "export_immunotherapie.xlsx"
    with zipfile.ZipFile(path) as book:
        assert "xl/workbook.xml" in book.namelist()
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "Patients", "Traitements", "Biologie", "Evaluations", "Effets indésirables",
    ]  # fmt: skip
    rows = list(workbook["Patients"].iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "N° dossier"
    assert all(isinstance(r[0], int) and 10**7 <= r[0] < 10**8 for r in rows[1:])
    births = [r[header.index("Date de naissance")] for r in rows[1:]]
    assert all(isinstance(b, dt.datetime) for b in births)
    assert {r[header.index("ECOG")] for r in rows[1:]} <= {"PS 0", "PS 1", "PS 2", "PS 3"}
    drugs = {r[1] for r in list(workbook["Traitements"].iter_rows(values_only=True))[1:]}
    assert drugs <= {"Keytruda", "Opdivo", "Tecentriq", "Imfinzi", "Bavencio", "Yervoy",
                     "Endoxan", "Inlyta", "Yondelis"}  # fmt: skip
    labs = list(workbook["Biologie"].iter_rows(values_only=True))[1:]
    wbc = [r[3] for r in labs if r[2] == "Leucocytes"]
    assert all(isinstance(v, int) and 500 < v < 50000 for v in wbc)  # cells/mm³
    albumin = [r[3] for r in labs if r[2] == "Albumine"]
    assert all(1.0 < v < 6.0 for v in albumin)  # g/dL


def test_wide_has_one_row_per_patient_and_just_enough_groups(cohort):
    rows = _read(cohort / "centers" / "wide" / "patients_wide.csv")
    header = list(rows[0])
    assert len({r["patient_ref"] for r in rows}) == len(rows)
    assert {r["sex"] for r in rows} <= {"1", "2"}
    for prefix, field in (("trt", "drug"), ("lab", "date"), ("eval", "date"), ("ae", "term")):
        groups = sorted(
            int(m.group(1)) for h in header if (m := re.match(rf"{prefix}_(\d+)_{field}$", h))
        )
        assert groups == list(range(1, len(groups) + 1))
        assert any(r[f"{prefix}_{groups[-1]}_{field}"] for r in rows)  # the last group is needed
    assert all(STAMP.match(r["eval_1_date"]) for r in rows if r["eval_1_date"])
    pct = [float(r["lab_1_neutrophils_pct"]) for r in rows if r["lab_1_neutrophils_pct"]]
    assert pct and all(20 < v < 100 for v in pct)


def test_shifted_is_tsv_with_bom_and_day_offsets(cohort):
    folder = cohort / "centers" / "shifted"
    raw = (folder / "patients.tsv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    patients = _read(folder / "patients.tsv", "\t", "utf-8-sig")
    assert "birth_date" not in patients[0] and "age_at_ici_start" in patients[0]
    assert all(re.fullmatch(r"\d{4}-\d{2}", p["ici_start_month"]) for p in patients)
    assert all(int(p["diagnosis_day"]) < 0 for p in patients)
    assert all(re.fullmatch(r"\d{4}/3", p["morphology_icdo3"]) for p in patients)
    treatments = _read(folder / "treatments.tsv", "\t", "utf-8-sig")
    ici = {"pembrolizumab", "nivolumab", "atezolizumab", "durvalumab", "avelumab", "ipilimumab"}
    first = {}
    for t in treatments:
        if t["drug"] in ici:
            first[t["pseudo_id"]] = min(first.get(t["pseudo_id"], 10**6), int(t["start_day"]))
    assert set(first.values()) == {0}  # day 0 is the first ICI administration


def test_legacy_is_messy_but_documented(cohort):
    text = (cohort / "centers" / "legacy" / "patients.csv").read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "PAT_NO" and all(re.fullmatch(r"\d{7}", r[0]) for r in rows[1:])
    assert any(r[0].startswith("0") for r in rows[1:])


def _extract_ids(cohort: Path) -> dict[str, set[str]]:
    centers = cohort / "centers"
    ids = {
        "ref": {r["patient_id"] for r in _read(centers / "ref" / "patients.csv")},
        "frcsv": {r["IPP"] for r in _read(centers / "frcsv" / "patients.csv", ";", "cp1252")},
        "wide": {r["patient_ref"] for r in _read(centers / "wide" / "patients_wide.csv")},
        "shifted": {
            r["pseudo_id"] for r in _read(centers / "shifted" / "patients.tsv", "\t", "utf-8-sig")
        },
        "legacy": {r["PAT_NO"] for r in _read(centers / "legacy" / "patients.csv")},
    }
    book = openpyxl.load_workbook(centers / "xlsx" / "export_immunotherapie.xlsx", read_only=True)
    ids["xlsx"] = {str(r[0]) for r in list(book["Patients"].iter_rows(values_only=True))[1:]}
    return ids


def test_every_truth_patient_is_in_its_extract(cohort):
    ids = _extract_ids(cohort)
    truth = _truth(cohort)
    for row in truth:
        assert row["source_patient_id"] in ids[row["center_id"]]
    assert sum(len(v) for v in ids.values()) == len(truth)


def test_ref_records_are_consistent_with_the_truth(cohort):
    folder = cohort / "centers" / "ref"
    patients = {p["patient_id"]: p for p in _read(folder / "patients.csv")}
    truth = {t["source_patient_id"]: t for t in _truth(cohort) if t["center_id"] == "ref"}
    dated = [("assessments.csv", "assessment_date"), ("labs.csv", "sample_date"),
             ("adverse_events.csv", "onset_date"), ("treatments.csv", "end_date")]  # fmt: skip
    for file, column in dated:
        for row in _read(folder / file):
            death = patients[row["patient_id"]]["death_date"]
            assert not death or not row[column] or row[column] <= death, (file, row)
    starts = {}
    for t in _read(folder / "treatments.csv"):
        if t["drug"] != "cyclophosphamide" and t["drug"] not in ("axitinib", "trabectedin"):
            starts[t["patient_id"]] = min(starts.get(t["patient_id"], "9999"), t["start_date"])
    pd_dates = {}
    for a in _read(folder / "assessments.csv"):
        if a["overall_response"] == "PD":
            pd_dates.setdefault(a["patient_id"], set()).add(a["assessment_date"])
    for pid, t in truth.items():
        p = patients[pid]
        assert p["birth_date"] < p["diagnosis_date"] < starts[pid]
        assert int(t["os_days"]) >= int(t["pfs_days"])
        start = dt.date.fromisoformat(starts[pid])
        end = (start + dt.timedelta(days=int(t["pfs_days"]) - 1)).isoformat()
        if t["pfs_event"] == "true" and end != p["death_date"]:
            assert end in pd_dates[pid]  # the progression is a recorded PD assessment
        if t["bor"] in ("CR", "PR"):
            assert t["is_responder"] == "true"


def _parse_date(text: str) -> dt.date:
    """Any of the three legacy date formats."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def _field(path: Path, line: int, column: str, delimiter: str = ","):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(delimiter)
    fields = lines[line - 1].split(delimiter)
    return header, fields, (fields[header.index(column)] if column in header else None), lines


def test_every_listed_defect_is_where_it_is_said_to_be(cohort):
    defects = _read(cohort / "truth" / "defects.csv")
    kinds = {d["kind"] for d in defects}
    assert kinds == {
        "ragged_line", "duplicate_row", "conflicting_duplicate_patient", "death_before_ici_start",
        "invalid_ecog", "missing_baseline_labs", "misspelt_drug", "misspelt_histotype",
        "stray_whitespace", "mixed_date_format", "missing_marker", "no_ici_start_date",
    }  # fmt: skip
    folder = cohort / "centers" / "legacy"
    labs = (folder / "labs.csv").read_text()
    histotypes = {
        "Leiomyosarcoma",
        "Undifferentiated pleomorphic sarcoma",
        "Angiosarcoma",
        "Dedifferentiated liposarcoma",
        "Osteosarcoma",
        "Gastrointestinal stromal tumour",
        "Malignant peripheral nerve sheath tumour",
        "Alveolar soft part sarcoma",
    }
    drugs = {"pembrolizumab", "nivolumab", "atezolizumab", "cyclophosphamide", "ipilimumab"}
    for d in defects:
        assert d["center_id"] == "legacy" and d["expected_handling"]
        header, fields, value, lines = _field(folder / d["file"], int(d["line"]), d["column"])
        kind = d["kind"]
        if kind == "ragged_line":
            assert len(fields) == len(header) + 1
            continue
        assert len(fields) == len(header), d
        if kind == "duplicate_row":
            assert lines[int(d["line"]) - 1] in lines[1 : int(d["line"]) - 1]
        elif kind == "conflicting_duplicate_patient":
            same = [ln.split(",") for ln in lines[1:] if ln.split(",")[0] == fields[0]]
            assert len({f[1].strip() for f in same}) == 2
        elif kind == "death_before_ici_start":
            starts = [
                _parse_date(t["START"])
                for t in _read(folder / "treatments.csv")
                if t["PAT_NO"] == fields[0]
                and t["DRUG"].strip() in drugs | {"durvalumab", "avelumab"}
            ]
            assert _parse_date(value) < min(starts)
        elif kind == "invalid_ecog":
            assert value == "7"
        elif kind == "missing_baseline_labs":
            assert f"\n{value}," not in labs
        elif kind == "misspelt_drug":
            assert value not in drugs and value.strip() == value
        elif kind == "misspelt_histotype":
            assert value not in histotypes and value.strip() == value
        elif kind == "stray_whitespace":
            assert value != value.strip() and value.strip()
        elif kind == "mixed_date_format":
            assert ISO.match(value) or MON.match(value)
        elif kind == "missing_marker":
            assert value in ("NA", "?", "inconnu")
        elif kind == "no_ici_start_date":
            assert value == "" and fields[1].strip() in drugs | {"durvalumab", "avelumab"}


def test_legacy_lines_are_well_formed_except_listed_ragged_ones(cohort):
    ragged = {(d["file"], int(d["line"])) for d in _read(cohort / "truth" / "defects.csv")
              if d["kind"] == "ragged_line"}  # fmt: skip
    for path in (cohort / "centers" / "legacy").glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text())))
        for number, row in enumerate(rows[1:], start=2):
            expected = len(rows[0]) + ((path.name, number) in ragged)
            assert len(row) == expected, (path.name, number)


def test_excluded_patients_match_planted_defects(cohort):
    truth = _truth(cohort)
    defects = _read(cohort / "truth" / "defects.csv")
    legacy = (cohort / "centers" / "legacy").joinpath
    excluded = {t["expected_exclusion_reason"] for t in truth if t["expected_exclusion_reason"]}
    assert excluded == {"no_ici_start_date", "death_before_ici_start",
                        "conflicting_duplicate_patient"}  # fmt: skip
    by_kind = {}
    for d in defects:
        _, fields, _, _ = _field(legacy(d["file"]), int(d["line"]), d["column"])
        by_kind.setdefault(d["kind"], set()).add(fields[0].strip())
    for t in truth:
        reason = t["expected_exclusion_reason"]
        if reason:
            assert t["source_patient_id"] in by_kind[reason]
            assert t["pfs_days"] == "" and t["bor"] == ""
    ecog7 = {t["source_patient_id"]: t for t in truth}
    for pid in by_kind["invalid_ecog"]:
        assert ecog7[pid]["ecog_ps"] == "" and ecog7[pid]["expected_exclusion_reason"] == ""
