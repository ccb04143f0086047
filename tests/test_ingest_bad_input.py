"""Bad input: each case ends in a clear message, the other centers load, nothing is lost.

These tests corrupt a copy of the small hand-written `ref` extract; test_ingest_cohort.py runs
the same kinds of corruption on the synthetic six-center cohort.
"""

from __future__ import annotations

import dataclasses
import os

import openpyxl

from flows.ingest import CenterStatus, FileStatus, load_centers
from tests.test_ingest_support import SPECS, codes, connect, load, ref_fixture


def rewrite(path, text: str | bytes) -> None:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)


def only_error(result):
    (error,) = result.errors
    return error


def test_missing_file(tmp_path):
    centers = ref_fixture(tmp_path)
    (centers / "ref" / "labs.csv").rename(centers / "ref" / "lab.csv")
    result = load(connect(tmp_path), centers)
    error = only_error(result)
    assert result.status == CenterStatus.FAILED and error.code == "file_missing"
    assert error.message.startswith("ref: labs.csv: file not found in")
    assert "(did you mean 'lab.csv'?)" in error.message


def test_empty_file(tmp_path):
    centers = ref_fixture(tmp_path)
    rewrite(centers / "ref" / "treatments.csv", b"")
    error = only_error(load(connect(tmp_path), centers))
    assert (error.code, error.message) == (
        "empty_file",
        "ref: treatments.csv: the file is empty (0 bytes)",
    )


def test_binary_garbage(tmp_path):
    centers = ref_fixture(tmp_path)
    rewrite(centers / "ref" / "labs.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    error = only_error(load(connect(tmp_path), centers))
    assert error.code == "binary_file" and error.line == 3
    assert error.message.startswith("ref: labs.csv line 3: binary content (control byte at offset")


def test_undecodable_bytes_are_quarantined_with_line_and_column(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "adverse_events.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Colitis", b"Colite h\xe9morragique")  # cp1252 'é' in UTF-8
    rewrite(path, b"\n".join(lines))
    con = connect(tmp_path)
    result = load(con, centers)
    assert result.status == CenterStatus.LOADED
    (warning,) = [issue for issue in result.warnings if issue.code == "lines_quarantined"]
    assert warning.message == (
        "ref: adverse_events.csv line 3, column 'ae_term': 1 of 3 data row(s) quarantined (33%); "
        "first at line 3: undecodable bytes: not valid utf-8"
    )
    raw_text, column = con.execute("select raw_text, column_name from ops.quarantine").fetchone()
    assert raw_text == "REF-000004,Colite h\\xe9morragique,3,2019-12-28,yes"
    assert column == "ae_term"


def test_wrong_encoding_everywhere_fails_instead_of_loading_a_fraction(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "patients.csv"
    rewrite(path, path.read_bytes().replace(b"sarcoma", b"sarcome \xe0 cellules"))
    error = only_error(load(connect(tmp_path), centers))
    assert error.code == "too_many_quarantined"
    assert "4 of 4 data row(s) quarantined" in error.message
    assert "check encoding, delimiter and quote" in error.message


def test_wrong_delimiter(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "assessments.csv"
    rewrite(path, path.read_text().replace(",", ";"))
    error = only_error(load(connect(tmp_path), centers))
    assert error.code == "delimiter_mismatch" and error.line == 1
    assert error.message == (
        "ref: assessments.csv line 1, column 'patient_id': missing required column(s) "
        "'patient_id', 'assessment_date', 'overall_response'; the header has 1 column(s): "
        "'patient_id;assessment_date;overall_response'. Wrong delimiter? The spec says ',' but "
        "the header contains ';' 2 time(s); check `delimiter` in the center spec."
    )


def test_missing_required_column(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "treatments.csv"
    rewrite(path, path.read_text().replace("stop_reason", "Stop_Reason"))
    error = only_error(load(connect(tmp_path), centers))
    assert error.code == "missing_required_column" and error.column == "stop_reason"
    assert "missing required column(s) 'stop_reason'" in error.message
    assert "Close matches (names must match exactly): 'Stop_Reason' for 'stop_reason'" in (
        error.message
    )


def test_unexpected_extra_column_is_a_warning_and_is_loaded(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "assessments.csv"
    lines = path.read_text().splitlines()
    rewrite(
        path,
        "\n".join(f"{line},{'site' if i == 0 else 'x'}" for i, line in enumerate(lines)) + "\n",
    )
    con = connect(tmp_path)
    result = load(con, centers)
    assert result.status == CenterStatus.LOADED
    (drift,) = [issue for issue in result.warnings if issue.code == "unexpected_column"]
    assert drift.message == (
        "ref: assessments.csv line 1, column 'site': schema drift: "
        "column(s) not in the spec, loaded as received: 'site'"
    )
    assert con.execute("select distinct site from raw_ref.assessments").fetchall() == [("x",)]
    logged = con.execute("select level, code from ops.messages where code = 'unexpected_column'")
    assert logged.fetchall() == [("warning", "unexpected_column")]


def test_duplicate_header_names(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "labs.csv"
    rewrite(path, path.read_text().replace("unit,uln", "unit,Value", 1))
    error = only_error(load(connect(tmp_path), centers))
    assert error.code == "duplicate_column"
    assert error.message.startswith(
        "ref: labs.csv line 1, column 'Value': duplicate header name 'Value' at columns 4 and 6 "
        "(as 'value'; DuckDB column names ignore case)"
    )


def test_ragged_lines_go_to_quarantine(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "labs.csv"
    lines = path.read_text().splitlines()
    lines[3] += ",surplus"  # line 4: one field too many
    lines[6] = lines[6].rsplit(",", 2)[0]  # line 7: two fields short
    rewrite(path, "\n".join(lines) + "\n")
    con = connect(tmp_path)
    result = load(con, centers)
    assert result.status == CenterStatus.LOADED
    quarantined = con.execute(
        "select line, raw_text, reason from ops.quarantine order by line"
    ).fetchall()
    assert quarantined == [
        (4, lines[3], "ragged line: 7 fields, more than the header's 6"),
        (7, lines[6], "ragged line: 4 fields, fewer than the header's 6"),
    ]
    loaded = con.execute("select count(*) from raw_ref.labs").fetchone()[0]
    assert loaded + len(quarantined) == len(lines) - 1


def test_header_only_file_loads_empty_with_a_warning(tmp_path):
    centers = ref_fixture(tmp_path)
    path = centers / "ref" / "adverse_events.csv"
    rewrite(path, path.read_text().splitlines()[0] + "\n")
    con = connect(tmp_path)
    result = load(con, centers)
    assert result.status == CenterStatus.LOADED and "no_data_rows" in codes(result)
    assert con.execute("select count(*) from raw_ref.adverse_events").fetchone()[0] == 0


def test_failed_center_keeps_its_previous_data_and_the_other_centers_load(tmp_path):
    centers = ref_fixture(tmp_path)
    twin = dataclasses.replace(SPECS["ref"], center_id="twin")
    (centers / "twin").mkdir()
    for path in (centers / "ref").iterdir():
        (centers / "twin" / path.name).write_bytes(path.read_bytes())
    specs = {"ref": SPECS["ref"], "twin": twin}
    con = connect(tmp_path)
    first = load_centers(con, specs, centers, "run-1")
    assert {r.status for r in first.values()} == {CenterStatus.LOADED}
    before = con.execute("select * from raw_ref.patients order by _source_line").fetchall()
    # run 2: ref's labs.csv breaks, its patients.csv changes; twin changes and must still load
    rewrite(centers / "ref" / "labs.csv", b"\x00\x01garbage")
    with (centers / "ref" / "patients.csv").open("a") as handle:
        handle.write("REF-000005,F,1990-01-01,2020-01-01,Chordoma,,,1,0,,2021-01-01,,\n")
    with (centers / "twin" / "patients.csv").open("a") as handle:
        handle.write("REF-000005,F,1990-01-01,2020-01-01,Chordoma,,,1,0,,2021-01-01,,\n")
    second = load_centers(con, specs, centers, "run-2")
    assert second["ref"].status == CenterStatus.FAILED
    assert second["twin"].status == CenterStatus.LOADED
    assert "FAILED, previous raw data kept" in second["ref"].summary()
    assert con.execute("select * from raw_ref.patients order by _source_line").fetchall() == before
    assert con.execute("select count(*) from raw_twin.patients").fetchone()[0] == 5
    statuses = dict(
        con.execute(
            "select table_name, status from ops.loads where run_id = 'run-2' and center_id = 'ref'"
        ).fetchall()
    )
    assert statuses == {
        "labs": FileStatus.FAILED,
        "patients": FileStatus.NOT_APPLIED,
        "treatments": FileStatus.SKIPPED_UNCHANGED,
        "assessments": FileStatus.SKIPPED_UNCHANGED,
        "adverse_events": FileStatus.SKIPPED_UNCHANGED,
    }


def test_center_folder_missing_is_one_clear_error(tmp_path):
    centers = ref_fixture(tmp_path)
    result = load(connect(tmp_path), centers, "legacy")
    error = only_error(result)
    assert error.code == "center_folder_missing" and result.status == CenterStatus.FAILED
    assert error.message.startswith("legacy: center folder ") and "not found" in error.message


def write_workbook(path, sheets: dict[str, list[list]]) -> None:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def xlsx_sheets() -> dict[str, list[list]]:
    """One header row per sheet of the `xlsx` spec, plus one data row of plausible values."""
    sheets = {}
    for table in SPECS["xlsx"].tables.values():
        header = list(table.columns.required)
        sheets[table.sheet] = [header, [40123456] + ["x"] * (len(header) - 1)]
    return sheets


def test_workbook_without_a_required_sheet(tmp_path):
    sheets = xlsx_sheets()
    sheets["biologie"] = sheets.pop("Biologie")
    (tmp_path / "centers" / "xlsx").mkdir(parents=True)
    write_workbook(tmp_path / "centers" / "xlsx" / "export_immunotherapie.xlsx", sheets)
    error = only_error(load(connect(tmp_path), tmp_path / "centers", "xlsx"))
    assert error.code == "sheet_missing"
    assert error.message.startswith(
        "xlsx: export_immunotherapie.xlsx[Biologie]: the workbook has no sheet 'Biologie' "
        "(did you mean 'biologie'?); its sheets: 'Patients', 'Traitements'"
    )


def test_a_csv_saved_as_xlsx_is_refused(tmp_path):
    (tmp_path / "centers" / "xlsx").mkdir(parents=True)
    rewrite(tmp_path / "centers" / "xlsx" / "export_immunotherapie.xlsx", "a,b\n1,2\n")
    result = load(connect(tmp_path), tmp_path / "centers", "xlsx")
    assert result.status == CenterStatus.FAILED
    assert {issue.code for issue in result.errors} == {"binary_file"}
    assert "not an xlsx workbook (no zip signature)" in result.errors[0].message
