"""The checks on a small hand-made center: real loader, staging/marts shaped like dbt's.

Fast and independent of dbt and of the generator (the end-to-end version on the synthetic
cohort is tests/test_quality_e2e.py). One module-scoped database, three quality runs:
run-1 on the planted extract, run-2 on the same data (trend), run-3 after a required column
disappeared from one file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from impresarc.quality.runner import check_raw_center, run_quality_checks

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LOCAL_IDS = ("REF-0001", "REF-0002", "REF-0003", "REF-0004", "REF-0005", "REF-0006")
PATIENTS = """patient_id,sex,birth_date,diagnosis_date,histotype,smarca4_deficient,nf1_altered,\
ecog_ps,prior_lines,metastatic_sites,last_contact_date,death_date,next_line_start_date
REF-0001,M,1960-01-02,2018-03-01,Leiomyosarcoma,no,no,1,2,lung,2020-01-01,,
REF-0002,F,1971-02-30,2019-01-01,Leiomyosarcoma,no,no,0,1,lung,2020-02-01,,
REF-0003,F,1955-05-05,2017-06-01,Chordoma,,,7,1,liver,2020-03-01,,
REF-0004,M,1949-07-07,2016-01-01,Synovial sarcoma,no,no,1,3,,2019-04-01,2019-04-01,
REF-0005,M,1980-08-08,2019-05-01,Angiosarcoma,no,no,2,1,bone,2020-05-01,,
REF-0006,F,1966-09-09,2018-02-01,Osteosarcoma,no,no,1,0,lung,2020-06-01,,
"""
TREATMENTS = """patient_id,drug,start_date,end_date,stop_reason
REF-0001,pembrolizumab,2019-01-10,2019-06-10,progression
REF-0002,nivolumab,2019-02-10,,ongoing
REF-0003,pembrolizumab,2019-03-10,2019-09-10,progression
REF-0004,pembrolizumab,2019-04-10,2019-05-10,death
REF-0005,atezolizumab,2019-05-10,2019-07-10,toxicity
REF-0006,pembrolizumab,2019-06-10,2019-08-10,progression
"""
LABS = "patient_id,sample_date,test,value,unit,uln\n" + "".join(
    f"{pid},2019-0{i + 1}-01,wbc,{value},10^9/L,\n"
    for i, (pid, value) in enumerate(
        zip(LOCAL_IDS, ["7.1", "6.2", "abc", "8", "5.5", "640"], strict=True)
    )
)
ASSESSMENTS = "patient_id,assessment_date,overall_response\n" + "".join(
    f"{pid},2019-0{i + 2}-20,SD\n" for i, pid in enumerate(LOCAL_IDS)
)
ADVERSE_EVENTS = "patient_id,ae_term,grade,onset_date,led_to_discontinuation\n"
FILES = {
    "patients.csv": PATIENTS,
    "treatments.csv": TREATMENTS,
    "labs.csv": LABS,
    "assessments.csv": ASSESSMENTS,
    "adverse_events.csv": ADVERSE_EVENTS,
}

# Shaped like the dbt models (only the columns the checks read, plus lineage).
HARMONIZED_SQL = """
create schema if not exists staging;
create or replace view staging.stg_ref__labs as
select 'ref' as center_id, patient_id as source_patient_id,
       try_cast(sample_date as date) as sample_date, test as test_source_value,
       value as value_source_value, try_cast(value as double) as value_as_number,
       unit as unit_source_value, _source_file, _source_line
from raw_ref.labs;
create schema if not exists marts;
create or replace table marts.patients as
select 'k' || right(patient_id, 1) as patient_key, 'ref' as center_id,
       case sex when 'M' then 'male' when 'F' then 'female' else 'unmapped' end as sex,
       sex as sex_source_value, 2019 - year(try_cast(birth_date as date)) as age_at_ici_start,
       ecog_ps as ecog_ps_source_value, ecog_ps not in ('0', '1', '2', '3', '4')
       as is_ecog_ps_invalid, try_cast(death_date as date) as death_date,
       date '2019-04-10' as ici_start_date, false as is_conflicting_duplicate,
       false as is_excluded, _source_file, _source_line
from raw_ref.patients;
create or replace table marts.lab_results as
select 'k' || right(patient_id, 1) as patient_key, 'ref' as center_id, test,
       try_cast(value as double) as value, value as value_source_value,
       unit as unit_source_value, 1.0 as conversion_factor, _source_file, _source_line
from raw_ref.labs;
"""


def write_extract(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load(build_db: Path, folder: Path, run_id: str) -> None:
    from flows.ingest import ensure_ops_schema, load_center

    con = duckdb.connect(str(build_db))
    try:
        ensure_ops_schema(con)
        load_center(con, "ref", folder, run_id)
        con.execute(HARMONIZED_SQL)
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality_small")
    build_db = root / "build.duckdb"
    extract = write_extract(root / "extracts" / "ref", FILES)
    load(build_db, extract, "run-1")
    first = run_quality_checks(build_db, "run-1", root / "run-1", centers=["ref"])
    load(build_db, extract, "run-2")  # the same files: skipped as unchanged by the loader
    second = run_quality_checks(build_db, "run-2", root / "run-2", data_docs=False)
    broken = {**FILES, "labs.csv": LABS.replace(",unit,", ",").replace(",10^9/L,", ",")}
    shutil.rmtree(extract)
    load(build_db, write_extract(extract, broken), "run-3")
    third = run_quality_checks(build_db, "run-3", root / "run-3", data_docs=False)
    return build_db, first, second, third


def results_of(build_db: Path, run_id: str):
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return con.execute("select * from quality.check_results where run_id = ?", [run_id]).df()
    finally:
        con.close()


def violations_of(build_db: Path, run_id: str, check_id: str) -> set[tuple[str, int]]:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        rows = con.execute(
            "select source_file, source_line from quality.check_violations "
            "where run_id = ? and check_id = ?",
            [run_id, check_id],
        ).fetchall()
    finally:
        con.close()
    return {(file, line) for file, line in rows}


def test_planted_problems_are_found_at_their_file_and_line(runs):
    build_db, first, _, _ = runs
    assert ("patients.csv", 3) in violations_of(build_db, "run-1", "raw_date_parseable")
    assert ("labs.csv", 4) in violations_of(build_db, "run-1", "stg_value_parseable")
    assert ("labs.csv", 7) in violations_of(build_db, "run-1", "hz_lab_range_wbc")
    assert ("patients.csv", 4) in violations_of(build_db, "run-1", "hz_ecog_range")
    rows = results_of(build_db, "run-1")
    keys = rows["check_id"] + "|" + rows["table_name"].fillna("")
    status = dict(zip(keys, rows["status"], strict=True))
    assert status["raw_table_not_empty|raw_ref.adverse_events"] == "failed"
    assert status["raw_file_loaded|raw_ref.labs"] == "passed"
    assert first.fatal_centers == {}


def test_a_missing_column_or_table_is_an_error_not_a_crash(runs):
    build_db, *_ = runs
    rows = results_of(build_db, "run-1")
    missing = rows[rows["check_id"] == "hz_assessment_cadence"].iloc[0]
    assert missing["status"] == "error" and "not found" in missing["message"]
    empty = rows[(rows["check_id"] == "raw_date_parseable") & (rows["field_name"] == "onset_date")]
    assert empty["status"].tolist() == ["not_applicable"]


def test_every_stored_row_carries_the_dqd_metadata(runs):
    build_db, first, _, _ = runs
    rows = results_of(build_db, "run-1")
    assert len(rows) == first.n_checks
    for column in ("category", "subcategory", "level", "severity", "threshold_pct", "status"):
        assert rows[column].notna().all(), column
    assert set(rows["status"]) <= {"passed", "failed", "not_applicable", "error"}


def test_second_run_on_the_same_data_draws_a_two_point_trend(runs):
    build_db, first, second, _ = runs
    html = second.center_pages["ref"].read_text("utf-8")
    trend = html[html.index("Pass rate over runs") :]
    assert trend.count("<circle") == 2 and "run-1" in trend and "run-2" in trend
    rates = re.findall(r"<title>run-\d: ([\d.]+) %</title>", trend)
    assert len(rates) == 2 and rates[0] == rates[1]  # same data, same pass rate
    assert second.fatal_centers == {} and second.n_checks == first.n_checks


def test_lost_column_fails_the_center_with_the_reason(runs):
    build_db, _, _, third = runs
    assert "ref" in third.fatal_centers
    reason = " ".join(third.fatal_centers["ref"])
    assert "raw_file_loaded" in reason and "unit" in reason
    html = third.center_pages["ref"].read_text("utf-8")
    assert "Blocked:" in html and "labs.csv was not loaded" in html
    con = duckdb.connect(str(build_db))
    try:
        raw = check_raw_center(con, "ref", "run-3")
    finally:
        con.close()
    assert any(r.is_blocking and r.check_id == "raw_file_loaded" for r in raw)


def test_pages_show_no_local_patient_id_and_link_the_data_docs(runs):
    _, first, _, _ = runs
    pages = [first.index_page, *first.center_pages.values()]
    for page in pages:
        html = page.read_text("utf-8")
        assert not any(local_id in html for local_id in LOCAL_IDS), page
    docs = first.data_docs["ref"]
    assert docs.exists()
    assert re.search(r'href="data_docs/ref/index.html"', first.center_pages["ref"].read_text())
    rendered = " ".join(p.read_text("utf-8") for p in docs.parent.rglob("*.html"))
    assert not any(local_id in rendered for local_id in LOCAL_IDS)
