"""The quality pages without Great Expectations: masking, escaping, matrix = stored rows, trend."""

from __future__ import annotations

import re

import duckdb
import pytest

from impresarc.quality.config import load_checks
from impresarc.quality.html import (
    mask_complete_pct,
    mask_count,
    mask_pct,
    mask_text,
    trend_svg,
)
from impresarc.quality.report import write_reports
from impresarc.quality.results import (
    CheckResult,
    Violation,
    pass_rate_history,
    read_results,
    status_for,
    write_results,
)

LOCAL_ID = "0042817"


def result(center, check_id, status, category="conformance", subcategory="verification",
           layer="harmonized", checked=40, violating=0, **extra) -> CheckResult:  # fmt: skip
    pct = None if checked is None else 100.0 * (violating or 0) / max(checked, 1)
    return CheckResult(
        run_id=extra.pop("run_id", "run-2"),
        center_id=center,
        layer=layer,
        check_id=check_id,
        title=f"title of {check_id} <b>",
        description="what it checks",
        fix="what to do",
        category=category,
        subcategory=subcategory,
        level="value",
        severity=extra.pop("severity", "error"),
        table_name=extra.pop("table_name", "marts.patients"),
        field_name=extra.pop("field_name", "age_at_ici_start"),
        threshold_pct=0.0,
        status=status,
        rows_checked=checked,
        rows_violating=violating,
        pct_violating=pct,
        **extra,
    )


@pytest.fixture
def recorded(tmp_path):
    """Two runs of two centers in quality.check_results, and the pages of the second run."""
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    first = [result("legacy", "hz_age_range", "passed", run_id="run-1"),
             result("ref", "hz_age_range", "passed", run_id="run-1")]  # fmt: skip
    second = [
        result(
            "legacy",
            "hz_age_range",
            "failed",
            violating=3,
            violations=[
                Violation("patients.csv", 12, "k1", "17"),
                Violation("patients.csv", 14, "k2", "150"),
            ],
        ),  # fmt: skip
        result("legacy", "hz_sex_mapped", "failed", subcategory="validation", violating=12),
        result(
            "legacy",
            "raw_file_loaded",
            "failed",
            layer="raw",
            severity="fatal",
            table_name="raw_legacy.labs",
            field_name=None,
            checked=1,
            violating=1,
            count_unit="tables",
            message="labs.csv was not loaded: missing column 'TEST'",
            violations=[Violation("labs.csv", None)],
        ),  # fmt: skip
        result(
            "legacy",
            "stg_field_completeness",
            "passed",
            category="completeness",
            table_name="staging.stg_legacy__patients",
            field_name="sex_source_value",
            violating=2,
        ),  # fmt: skip
        result("legacy", "hz_lab_range_ldh", "not_applicable", checked=0),
        result(
            "legacy",
            "hz_assessment_cadence",
            "error",
            checked=None,
            violating=None,
            message="column 'days_since_previous_assessment' not found",
        ),
        result("ref", "hz_age_range", "passed"),
        result(
            "ref",
            "stg_field_completeness",
            "passed",
            category="completeness",
            table_name="staging.stg_ref__patients",
            field_name="sex_source_value",
            violating=20,
        ),  # fmt: skip
    ]
    write_results(con, first)
    write_results(con, second)
    pages = write_reports(con, "run-2", second, load_checks(), {}, tmp_path, {"legacy": None})
    yield con, pages
    con.close()


def test_small_counts_are_masked_and_table_counts_are_not():
    assert mask_count(3) == "< 5" and mask_count(0) == "0" and mask_count(5) == "5"
    assert mask_count(1, unit="tables") == "1"
    assert mask_pct(3, 200, 1.5) == "< 2.5 %"
    assert mask_pct(3, 4, 75.0) == "masked"
    assert mask_pct(0, 200, 0.0) == "0.0 %"
    assert mask_complete_pct(2, 40, 5.0) == "> 87.5 %"
    assert mask_complete_pct(20, 40, 50.0) == "50.0 %"


def test_small_counts_in_loader_messages_are_masked_but_lines_and_columns_are_not():
    message = "labs.csv: 3 of 24 data row(s) quarantined (12%). More than allowed"
    assert mask_text(message) == "labs.csv: < 5 of 24 data row(s) quarantined. More than allowed"
    assert mask_text("20 rows loaded, 2 line(s) quarantined") == (
        "20 rows loaded, < 5 line(s) quarantined"
    )
    assert mask_text("column 2 missing at line 3") == "column 2 missing at line 3"
    assert mask_text("13 of 24 rows (54%)") == "13 of 24 rows (54%)"


def test_status_follows_the_threshold_and_empty_checks_are_not_applicable():
    assert status_for(0, 0, 0) == ("not_applicable", 0.0)
    assert status_for(100, 5, 5.0)[0] == "passed"
    assert status_for(100, 6, 5.0)[0] == "failed"


def test_results_are_appended_per_run_and_a_retry_replaces_only_its_own_rows(recorded):
    con, _ = recorded
    assert len(read_results(con, "run-1")) == 2
    write_results(con, [result("ref", "hz_age_range", "failed", run_id="run-1")])
    rows = read_results(con, "run-1").sort_values("center_id")
    assert rows["status"].tolist() == ["passed", "failed"]  # legacy kept, ref replaced
    assert len(read_results(con, "run-2")) == 8
    history = pass_rate_history(con)
    assert history[history["center_id"] == "legacy"]["run_id"].tolist() == ["run-1", "run-2"]


def _matrix_cell(html: str, category: str, subcategory: str, key: str) -> str:
    return re.search(rf'id="m-{category}-{subcategory}-{key}">([^<]*)<', html).group(1)


def test_center_matrix_numbers_equal_the_stored_rows(recorded):
    con, pages = recorded
    html = pages.center_pages["legacy"].read_text("utf-8")
    rows = con.execute(
        "select category, subcategory, status, count(*) from quality.check_results "
        "where run_id = 'run-2' and center_id = 'legacy' group by all"
    ).fetchall()
    for category in ("conformance", "completeness", "plausibility"):
        for subcategory in ("verification", "validation"):
            counts = {s: n for c, sc, s, n in rows if c == category and sc == subcategory}
            for key in ("passed", "failed", "error"):
                cell = _matrix_cell(html, category, subcategory, key)
                assert cell == str(counts.get(key, 0)), (category, subcategory, key)
            total = sum(counts.get(k, 0) for k in ("passed", "failed", "error"))
            assert _matrix_cell(html, category, subcategory, "total") == str(total)
    assert _matrix_cell(html, "all", "all", "failed") == "3"


def test_center_page_lists_offending_records_masks_counts_and_escapes(recorded):
    _, pages = recorded
    html = pages.center_pages["legacy"].read_text("utf-8")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<td>patients.csv</td><td class="num">12</td>' in html
    assert "<code>k1</code>" in html
    assert "&lt; 5" in html  # 3 violating rows
    assert "Blocked:" in html and "missing column &#x27;TEST&#x27;" in html
    assert "days_since_previous_assessment" in html  # the check that could not run, and why
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org", "")
    assert html.count("<circle") == 2  # two runs in the trend


def test_consortium_page_compares_centers_without_records(recorded):
    _, pages = recorded
    html = pages.index_page.read_text("utf-8")
    assert 'href="legacy.html"' in html and 'href="ref.html"' in html
    assert "patients.csv" not in html and "k1" not in html
    assert "&gt; 87.5 %" in html  # 2 missing of 40: masked
    assert "50.0 %" in html  # 20 missing of 40
    assert re.search(r'id="c-ref-all"[^>]*>100\.0 % \(2/2\)', html)
    assert "blocked" in html


def test_trend_svg_has_one_point_per_run_and_escapes_labels():
    svg = trend_svg(["run<1>", "run-2"], [50.0, 75.0])
    assert svg.count("<circle") == 2 and "<polyline" in svg and "run&lt;1&gt;" in svg


def test_center_page_compares_with_the_other_centers_without_naming_them(recorded):
    _, pages = recorded
    ref = pages.center_pages["ref"].read_text("utf-8")
    section = ref[ref.index("Compared with the other centers") : ref.index("Pass rate over runs")]
    assert "patients.sex_source_value" in section  # 50 % filled in, the other center 95 %
    assert "legacy" not in section
