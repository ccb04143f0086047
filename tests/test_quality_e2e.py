"""End to end on the synthetic cohort: generator → loader → dbt → quality checks and pages.

One module-scoped build database (272 patients, six centers). Every defect planted in the
`legacy` extract (truth/defects.csv) must be reported by its named check at its file and line;
the five clean centers must pass every check of severity error or fatal.
"""

from __future__ import annotations

import csv
import re
import time
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RUN_ID = "e2e-run-1"
CLEAN_CENTERS = ("ref", "frcsv", "xlsx", "wide", "shifted")

# defect kind (truth/defects.csv) -> the check that reports it at the defect's file and line
DEFECT_CHECKS = {
    "ragged_line": "raw_lines_quarantined",
    "mixed_date_format": "raw_date_usual_format",
    "missing_marker": "raw_missing_marker",
    "stray_whitespace": "raw_value_untrimmed",
    "misspelt_histotype": "raw_code_in_vocabulary",
    "misspelt_drug": "raw_code_in_vocabulary",
    "duplicate_row": "stg_exact_duplicate_rows",
    "conflicting_duplicate_patient": "stg_patient_id_unique",
    "no_ici_start_date": "stg_field_completeness",
    "invalid_ecog": "hz_ecog_range",
    "death_before_ici_start": "hz_death_not_before_ici_start",
    "missing_baseline_labs": "hz_baseline_blood_count_present",
}
# marts with lineage: a record's file and line -> its pseudonymised key (for checks on
# per-patient tables such as marts.analysis_dataset, which list keys only)
LINEAGE_MARTS = ("patients", "treatment_exposures", "lab_results", "tumor_assessments")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Generate, load, build with dbt, then run the quality stage once."""
    from flows.dbt_build import DEMO_PSEUDONYM_KEY, run_dbt
    from flows.ingest import ensure_ops_schema, load_center, start_run
    from impresarc.quality.runner import run_quality_checks
    from impresarc.synth import generate

    root = tmp_path_factory.mktemp("quality_e2e")
    generate(root / "cohort", patients=272, seed=20250101)
    build_db = root / "build.duckdb"
    con = duckdb.connect(str(build_db))
    try:
        ensure_ops_schema(con)
        start_run(con, RUN_ID, root / "cohort" / "centers")
        for center_id in ("ref", "frcsv", "xlsx", "wide", "shifted", "legacy"):
            load_center(con, center_id, root / "cohort" / "centers" / center_id, RUN_ID)
    finally:
        con.close()
    run_dbt(["build", "--exclude-resource-type", "test"], build_db, DEMO_PSEUDONYM_KEY)
    started = time.perf_counter()
    quality = run_quality_checks(build_db, RUN_ID, root / "reports", data_docs=["legacy"])
    quality.seconds["measured"] = time.perf_counter() - started
    print(f"\nquality checks, 272 patients: {quality.seconds}")
    return root, build_db, quality


def query(build_db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_every_planted_legacy_defect_is_reported_by_its_named_check(built):
    root, build_db, _ = built
    flagged = defaultdict(set)  # check id -> {(file, line)} and {patient key}
    for check_id, file, line, key in query(
        build_db,
        "select check_id, source_file, source_line, patient_key from quality.check_violations "
        "where run_id = ? and center_id = 'legacy'",
        [RUN_ID],
    ):
        flagged[check_id] |= {(file, line), key}
    key_of = {}
    for table in LINEAGE_MARTS:
        for key, file, line in query(
            build_db,
            f"select patient_key, _source_file, _source_line from marts.{table} "
            "where center_id = 'legacy'",
        ):
            key_of[(file, line)] = key
    with (root / "cohort" / "truth" / "defects.csv").open(encoding="utf-8") as handle:
        defects = [row for row in csv.DictReader(handle) if row["center_id"] == "legacy"]
    assert {row["kind"] for row in defects} <= set(DEFECT_CHECKS), "a new kind of defect"
    missed = []
    for row in defects:
        place = (row["file"], int(row["line"]))
        found = flagged[DEFECT_CHECKS[row["kind"]]]
        if place not in found and key_of.get(place) not in found:
            missed.append(f"{row['kind']} at {place}")
    assert not missed, missed


def test_legacy_failures_are_reported_and_clean_centers_pass_errors_and_fatal(built):
    _, build_db, quality = built
    failing = query(
        build_db,
        "select center_id, check_id, table_name, field_name from quality.check_results "
        "where run_id = ? and status in ('failed', 'error') and severity in ('error', 'fatal')",
        [RUN_ID],
    )
    assert not [row for row in failing if row[0] in CLEAN_CENTERS], failing
    legacy_failed = {row[1] for row in failing if row[0] == "legacy"}
    assert {"raw_lines_quarantined", "hz_ecog_range", "stg_patient_id_unique"} <= legacy_failed
    assert quality.fatal_centers == {}


def test_pages_matrix_equals_stored_rows_and_no_local_id_leaks(built):
    root, build_db, quality = built
    counts = defaultdict(int)
    for center, category, subcategory, status, n in query(
        build_db,
        "select center_id, category, subcategory, status, count(*) from quality.check_results "
        "where run_id = ? group by all",
        [RUN_ID],
    ):
        counts[(center, category, subcategory, status)] = n
    for center, page in quality.center_pages.items():
        html = page.read_text("utf-8")
        for category in ("conformance", "completeness", "plausibility"):
            for subcategory in ("verification", "validation"):
                for status in ("passed", "failed", "error"):
                    cell = re.search(
                        rf'id="m-{category}-{subcategory}-{status}">([^<]*)<', html
                    ).group(1)
                    assert int(cell) == counts[(center, category, subcategory, status)]
    with (root / "cohort" / "truth" / "patients.csv").open(encoding="utf-8") as handle:
        local_ids = {row["source_patient_id"] for row in csv.DictReader(handle)}
    pages = [quality.index_page, *quality.center_pages.values()]
    pages += [p for p in (root / "reports" / "data_docs").rglob("*.html")]
    assert len(pages) > 7  # the Data Docs of legacy were built
    for page in pages:
        text = page.read_text("utf-8")
        leaked = [local_id for local_id in local_ids if local_id in text]
        assert not leaked, (page, leaked[:3])
