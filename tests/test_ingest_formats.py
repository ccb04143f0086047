"""Formats and line numbering: CRLF, blank lines, quoted line breaks, cp1252, xlsx cells."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.ingest import CenterStatus, cell_text, load_center
from flows.ingest.linemap import LineMapError, map_lines
from tests.test_ingest_support import SPECS, connect, ledger_balances, load, ref_fixture


def test_blank_lines_crlf_and_quoted_line_breaks_keep_exact_lines(tmp_path):
    centers = ref_fixture(tmp_path)
    text = (
        "patient_id,ae_term,grade,onset_date,led_to_discontinuation\r\n"
        "\r\n"
        'REF-000001,"Rash,\r\nmaculo-papular",2,2019-10-01,no\r\n'
        "REF-000001,Fatigue,1,2019-10-02,no,extra\r\n"
        "REF-000002,Nausea,1,2019-10-03,no\r\n"
        "\r\n"
    )
    (centers / "ref" / "adverse_events.csv").write_bytes(text.encode())
    con = connect(tmp_path)
    result = load(con, centers)
    assert result.status == CenterStatus.LOADED
    rows = con.execute(
        "select ae_term, _source_line from raw_ref.adverse_events order by _source_line"
    ).fetchall()
    assert rows == [("Rash,\r\nmaculo-papular", 3), ("Nausea", 6)]
    assert con.execute("select line from ops.quarantine").fetchall() == [(5,)]
    counts = con.execute(
        "select lines_read, blank_lines, data_rows_read from ops.loads "
        "where table_name = 'adverse_events'"
    ).fetchone()
    assert counts == (7, 2, 3)


def test_cp1252_semicolon_export_is_transcoded(tmp_path):
    folder = tmp_path / "centers" / "frcsv"
    folder.mkdir(parents=True)
    spec = SPECS["frcsv"]
    for table in spec.tables.values():
        header = ";".join(table.columns.required)
        row = ";".join(["IPC2019-0042"] + ["Léiomyosarcome"] * (len(table.columns.required) - 1))
        (folder / table.file).write_bytes(f"{header}\r\n{row}\r\n".encode("cp1252"))
    biologie = folder / "biologie.csv"
    biologie.write_bytes(biologie.read_bytes() + b"IPC2019-0042;\x81;LDH;7,45;UI/L;246\r\n")
    con = connect(tmp_path)
    result = load_center(con, spec, folder, "run-1")
    assert result.status == CenterStatus.LOADED, result.issues
    assert con.execute(
        'select "Date de prélèvement", _source_line from raw_frcsv.labs'
    ).fetchall() == [("Léiomyosarcome", 2)]
    # 0x81 has no cp1252 character: that line is quarantined, shown byte for byte
    assert con.execute(
        "select line, column_name, raw_text, reason from ops.quarantine"
    ).fetchall() == [
        (
            3,
            "Date de prélèvement",
            "IPC2019-0042;\\x81;LDH;7,45;UI/L;246",
            "undecodable bytes: not valid cp1252",
        )
    ]


def test_xlsx_cells_become_text_by_one_rule():
    assert cell_text(None) == ""
    assert cell_text(40123456) == "40123456"
    assert cell_text(40123456.0) == "40123456"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(7.45) == "7.45"
    assert cell_text(1e-07) == "0.0000001"
    assert cell_text(True) == "TRUE"
    assert cell_text(dt.datetime(2020, 1, 2)) == "2020-01-02"
    assert cell_text(dt.datetime(2020, 1, 2, 13, 5)) == "2020-01-02 13:05:00"
    assert cell_text(dt.time(8, 30)) == "08:30:00"
    assert cell_text(" PS 1 ") == " PS 1 "


def test_xlsx_sheet_rows_and_lineage(tmp_path):
    folder = tmp_path / "centers" / "xlsx"
    folder.mkdir(parents=True)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in SPECS["xlsx"].tables.values():
        sheet = workbook.create_sheet(table.sheet)
        sheet.append(list(table.columns.required))
        width = len(table.columns.required)
        sheet.append(([40123456, dt.datetime(2020, 3, 1)] + [0.1 + 0.2] * 4)[:width])
    labs = workbook["Biologie"]
    labs.append([])  # row 3 blank
    labs.append([40123457, dt.datetime(2020, 3, 2), "LDH", 312, "UI/L", 225, "stray"])  # row 4
    labs.append([40123458, None, "Albumine", 3.6, "g/dL"])  # row 5, short: padded with ''
    workbook.save(folder / "export_immunotherapie.xlsx")
    con = connect(tmp_path)
    result = load_center(con, SPECS["xlsx"], folder, "run-1")
    assert result.status == CenterStatus.LOADED, result.issues
    rows = con.execute(
        'select "N° dossier", "Date", "Valeur", "LSN", _source_file, _source_line '
        "from raw_xlsx.labs order by _source_line"
    ).fetchall()
    assert rows == [
        ("40123456", "2020-03-01", "0.3", "0.3", "export_immunotherapie.xlsx[Biologie]", 2),
        ("40123458", "", "3.6", "", "export_immunotherapie.xlsx[Biologie]", 5),
    ]
    quarantined = con.execute("select line, raw_text, reason from ops.quarantine").fetchall()
    assert quarantined == [
        (
            4,
            "40123457\t2020-03-02\tLDH\t312\tUI/L\t225\tstray",
            "ragged row: value(s) in column(s) 7 beyond the header's 6 columns",
        )
    ]
    assert ledger_balances(con, "run-1") == []


def test_line_map_rejects_rows_that_do_not_fit():
    with pytest.raises(LineMapError, match="do not fill"):
        map_lines(
            header_lines=1,
            line_count=5,
            blank_lines=np.array([], dtype=np.int64),
            accepted=2,
            rejects={},
            multiline_rows={},
        )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.lists(
        st.sampled_from(
            ["row", "row", "row", "blank", "ragged", "surplus_empty", "multiline", "bad"]
        ),
        min_size=0,
        max_size=25,
    ),
    crlf=st.booleans(),
)
def test_lineage_holds_for_any_mix_of_lines(tmp_path_factory, kinds, crlf):
    """Property: every row's _source_line holds its values; every other line is accounted for."""
    tmp_path = tmp_path_factory.mktemp("prop")
    centers = ref_fixture(tmp_path)
    newline = "\r\n" if crlf else "\n"
    lines = ["patient_id,drug,start_date,end_date,stop_reason"]
    expected, quarantined = {}, set()
    physical = 1  # the header
    for index, kind in enumerate(kinds):
        values = [f"P{index}", "pembrolizumab", "2020-01-01", "", "ongoing"]
        physical += 1
        if kind == "blank":
            lines.append("")
        elif kind == "ragged":
            quarantined.add(physical)
            lines.append(",".join(values + ["x"]))
        elif kind == "surplus_empty":  # DuckDB alone would drop the empty surplus field
            quarantined.add(physical)
            lines.append(",".join([*values, "", ""]))
        elif kind == "bad":
            quarantined.add(physical)
            lines.append(",".join(values).replace("pembro", "pembro\udcff"))
        elif kind == "multiline":
            expected[physical] = f"P{index}"
            lines.append(",".join([values[0], f'"two{newline}lines"', *values[2:]]))
            physical += 1
        else:
            expected[physical] = f"P{index}"
            lines.append(",".join(values))
    data = newline.join(lines).encode("utf-8", "surrogateescape") + newline.encode()
    (centers / "ref" / "treatments.csv").write_bytes(data)
    con = duckdb.connect()  # in memory: this test runs many times
    treatments = dataclasses.replace(
        SPECS["ref"].tables["treatments"], max_quarantined_fraction=1.0
    )
    spec = dataclasses.replace(SPECS["ref"], tables={"treatments": treatments})
    result = load_center(con, spec, centers / "ref", "run-1")
    assert result.ok, result.issues
    got = dict(con.execute("select _source_line, patient_id from raw_ref.treatments").fetchall())
    assert got == expected
    assert {line for (line,) in con.execute("select line from ops.quarantine").fetchall()} == (
        quarantined
    )
    con.close()


def _varied_workbook(path) -> None:
    """Every table of the `xlsx` spec, with the value kinds a hospital export holds."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    values = [
        *(40123456, dt.datetime(2020, 3, 1), "Léiomyosarcome & co", 0.1 + 0.2, True),
        *(dt.datetime(2020, 3, 1, 8, 30), None, 1e-07, -3, "  spaced  ", "a < b"),
    ]
    for table in SPECS["xlsx"].tables.values():
        sheet = workbook.create_sheet(table.sheet)
        width = len(table.columns.required)
        sheet.append(list(table.columns.required))
        for shift in range(12):
            row = [values[(shift + i) % len(values)] for i in range(width)]
            sheet.append(row if shift != 5 else [])  # one empty row
        sheet.cell(row=20, column=2, value="after a gap")
    workbook.save(path)


def _raw_rows(con, spec) -> dict:
    return {
        name: con.execute(
            f"select * exclude (_loaded_at, _run_id) from raw_xlsx.{name} order by _source_line"
        ).fetchall()
        for name in spec.tables
    }


def _rewrite_sheets(source, target, change) -> None:
    """Copy a workbook, passing every worksheet's XML through `change`."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = change(data.decode()).encode()
            new.writestr(item, data)


@pytest.mark.parametrize("variant", ["as_written", "no_cell_references", "attributes_reordered"])
def test_fast_xlsx_reader_gives_the_same_text_as_openpyxl(tmp_path, monkeypatch, variant):
    import re

    from flows.ingest import xlsx_reader
    from flows.ingest.xlsx_fast import Unsupported

    folder = tmp_path / "centers" / "xlsx"
    folder.mkdir(parents=True)
    book = folder / "export_immunotherapie.xlsx"
    _varied_workbook(tmp_path / "original.xlsx")
    changes = {
        "as_written": lambda xml: xml,
        "no_cell_references": lambda xml: re.sub(r'<c r="[A-Z]+\d+"', "<c", xml),
        "attributes_reordered": lambda xml: re.sub(
            r'<c r="([A-Z]+\d+)" t="(\w+)"', r'<c t="\2" r="\1"', xml
        ),
    }
    _rewrite_sheets(tmp_path / "original.xlsx", book, changes[variant])
    fast_con = connect(tmp_path)
    assert load_center(fast_con, SPECS["xlsx"], folder, "run-1").status == CenterStatus.LOADED

    def refuse(*args, **kwargs):
        raise Unsupported("forced: read through openpyxl")

    monkeypatch.setattr(xlsx_reader, "stage_cells", refuse)
    slow_con = connect(tmp_path)
    assert load_center(slow_con, SPECS["xlsx"], folder, "run-1").status == CenterStatus.LOADED
    fast, slow = _raw_rows(fast_con, SPECS["xlsx"]), _raw_rows(slow_con, SPECS["xlsx"])
    assert fast == slow
    patients = fast["patients"]
    assert patients[0][:4] == ("40123456", "2020-03-01", "Léiomyosarcome & co", "0.3")
    assert [row[-1] for row in patients][-2:] == [13, 20]  # sheet rows, the empty one skipped
