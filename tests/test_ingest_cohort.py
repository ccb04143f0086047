"""The six demo centers of the synthetic cohort: all load, traceably, concurrently, and the
planted defects end where they should. Skipped until `impresarc.synth.generate` exists."""

from __future__ import annotations

import csv
import random
import shutil

import duckdb
import openpyxl
import pytest

from flows.ingest import (
    CenterStatus,
    RunStatus,
    cell_text,
    check_extracts_folder,
    finish_run,
    load_centers,
    overall_status,
    start_run,
)
from tests.test_ingest_support import (
    SPECS,
    copy_centers,
    ledger_balances,
    physical_line,
    synthetic_cohort,
)

CENTER_IDS = ["ref", "frcsv", "xlsx", "wide", "shifted", "legacy"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The small cohort loaded once (all six centers in threads) into an on-disk database."""
    cohort = synthetic_cohort(tmp_path_factory)
    workdir = tmp_path_factory.mktemp("loaded")
    con = duckdb.connect(str(workdir / "build.duckdb"))
    start_run(con, "run-1", cohort / "centers")
    results = load_centers(con, SPECS, cohort / "centers", "run-1")
    finish_run(con, "run-1", overall_status(results.values()))
    yield cohort, con, results
    con.close()


def test_all_six_centers_load_and_every_file_reconciles(loaded):
    _, con, results = loaded
    assert {c: r.status for c, r in results.items()} == dict.fromkeys(
        CENTER_IDS, CenterStatus.LOADED
    ), {c: r.summary() for c, r in results.items()}
    assert con.execute("select status from ops.runs").fetchone() == (RunStatus.SUCCEEDED,)
    assert ledger_balances(con, "run-1") == []
    loads = con.execute(
        "select center_id, table_name, lines_read, header_lines, blank_lines, data_rows_read, "
        "rows_loaded, rows_quarantined from ops.loads where run_id = 'run-1'"
    ).fetchall()
    assert len(loads) == sum(len(spec.tables) for spec in SPECS.values())
    for center, table, lines, header, blank, data, rows, quarantined in loads:
        assert data == rows + quarantined, (center, table)
        assert lines == header + blank + data, (center, table)  # no multi-line values here
        count = con.execute(f"select count(*) from raw_{center}.{table}").fetchone()[0]
        assert count == rows > 0, (center, table)


def test_legacy_ragged_line_is_quarantined_as_the_truth_says(loaded):
    cohort, con, _ = loaded
    with (cohort / "truth" / "defects.csv").open(newline="") as handle:
        defects = list(csv.DictReader(handle))
    ragged = {
        (row["center_id"], row["file"], int(row["line"]))
        for row in defects
        if row["kind"] == "ragged_line"
    }
    assert ragged, "the truth lists at least one ragged line"
    quarantined = set(
        con.execute(
            "select center_id, source_file, line from ops.quarantine where run_id = 'run-1'"
        ).fetchall()
    )
    assert quarantined == ragged  # and nothing else of any center is quarantined
    # every other planted defect is data for dbt: its line is in the raw layer, not quarantined
    for row in defects:
        if row["kind"] == "ragged_line" or row["center_id"] != "legacy" or not row["line"]:
            continue
        table = next(t.name for t in SPECS["legacy"].tables.values() if t.file == row["file"])
        found = con.execute(
            f"select count(*) from raw_legacy.{table} where _source_line = ?", [int(row["line"])]
        ).fetchone()[0]
        assert found == 1, row


@pytest.mark.parametrize("center_id", CENTER_IDS)
def test_lineage_points_at_the_row_in_the_source(loaded, center_id):
    cohort, con, _ = loaded
    chooser = random.Random(center_id)
    for table in SPECS[center_id].tables.values():
        columns = [
            d[0] for d in con.execute(f"select * from raw_{center_id}.{table.name}").description
        ]
        data_columns = columns[: columns.index("_source_file")]
        rows = con.execute(f"select * from raw_{center_id}.{table.name}").fetchall()
        path = cohort / "centers" / center_id / table.file
        for row in chooser.sample(rows, min(3, len(rows))):
            values = list(row[: len(data_columns)])
            line = row[columns.index("_source_line")]
            assert row[columns.index("_source_file")] == table.source_label
            if table.format == "xlsx":
                cells = _sheet_row(path, table.sheet, line)
                assert (cells + [""] * len(values))[: len(values)] == values
            else:
                text = physical_line(path, line, table.encoding).removeprefix("\ufeff")
                assert text.split(table.delimiter) == values, (center_id, table.name, line)


def _sheet_row(path, sheet: str, number: int) -> list[str]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for index, values in enumerate(workbook[sheet].iter_rows(values_only=True), start=1):
            if index == number:
                return [cell_text(value) for value in values]
    finally:
        workbook.close()
    raise IndexError(number)


def test_second_run_loads_nothing(loaded):
    cohort, con, _ = loaded
    results = load_centers(con, SPECS, cohort / "centers", "run-2")
    assert {r.status for r in results.values()} == {CenterStatus.SKIPPED_UNCHANGED}
    loaded_again = con.execute(
        "select count(*) from ops.loads where run_id = 'run-2' and status != 'skipped_unchanged'"
    ).fetchone()[0]
    assert loaded_again == 0


def test_broken_centers_fail_alone_with_clear_messages(tmp_path_factory, tmp_path):
    cohort = synthetic_cohort(tmp_path_factory)
    centers = copy_centers(cohort / "centers", tmp_path)
    (centers / "frcsv" / "biologie.csv").unlink()  # missing file
    biologie = centers / "xlsx" / "export_immunotherapie.xlsx"
    workbook = openpyxl.load_workbook(biologie)
    workbook["Biologie"].title = "Labo"  # a workbook without a required sheet
    workbook.save(biologie)
    (centers / "shifted" / "labs.tsv").write_bytes(b"")  # empty file
    wide = centers / "wide" / "patients_wide.csv"
    wide.write_text(wide.read_text().replace(",", ";"))  # wrong delimiter
    shutil.rmtree(centers / "legacy")
    (centers / "newsite").mkdir()  # folder for no configured center
    folder = check_extracts_folder(centers, SPECS)
    assert folder.missing == ["legacy"] and folder.unknown == ["newsite"]
    con = duckdb.connect()
    results = load_centers(con, SPECS, centers, "run-1")
    assert results["ref"].status == CenterStatus.LOADED
    expected = {
        "frcsv": ("file_missing", "frcsv: biologie.csv: file not found in"),
        "xlsx": (
            "sheet_missing",
            "xlsx: export_immunotherapie.xlsx[Biologie]: the workbook has no sheet 'Biologie'",
        ),
        "shifted": ("empty_file", "shifted: labs.tsv: the file is empty (0 bytes)"),
        "wide": (
            "delimiter_mismatch",
            "wide: patients_wide.csv line 1, column 'patient_ref': missing required column(s)",
        ),
        "legacy": ("center_folder_missing", "legacy: center folder"),
    }
    for center_id, (code, start) in expected.items():
        result = results[center_id]
        assert result.status == CenterStatus.FAILED, center_id
        assert [e.code for e in result.errors] == [code], result.errors
        assert result.errors[0].message.startswith(start), result.errors[0].message
    assert overall_status(results.values()) == RunStatus.PARTIAL
    raw_schemas = {
        name for (name,) in con.execute("select schema_name from duckdb_schemas()").fetchall()
    }
    assert "raw_ref" in raw_schemas and "raw_frcsv" not in raw_schemas
