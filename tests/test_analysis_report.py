"""The self-contained HTML study report."""

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis._checks import AnalysisInputError
from analysis.published import PUBLISHED, headline_comparison
from analysis.report import DataCut, expected_figures, render_report


def _synthetic():
    """Load tests/fixtures/analysis/synthetic.py once per session (it caches results)."""
    name = "impresarc_analysis_synthetic_fixture"
    if name not in sys.modules:
        path = Path(__file__).parent / "fixtures" / "analysis" / "synthetic.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


MALICIOUS = _synthetic().MALICIOUS_CENTER


@pytest.fixture(scope="module")
def tables():
    tables = _synthetic().standard_tables()
    assert MALICIOUS in set(tables["table1"]["group_value"])
    return tables


@pytest.fixture(scope="module")
def data_cut():
    loads = pd.DataFrame(
        {
            "center": ["ref", MALICIOUS],
            "file": ["patients.csv", "x.xlsx"],
            "sha256": ["a" * 64, "b" * 64],
        }
    )
    exclusions = pd.DataFrame(
        {
            "patient_key": ["P9", "P10"],
            "center_id": ["ref", MALICIOUS],
            "reason": ["no ICI exposure", "<b>bold</b> reason"],
        }
    )
    return DataCut(run_id="run-2024-05-01", loads=loads, exclusions=exclusions)


@pytest.fixture(scope="module")
def report_html(tables, data_cut, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "nested" / "report.html"
    path = render_report(tables, data_cut, out)
    assert path == out and path.exists()
    return path.read_text(encoding="utf-8")


def test_headline_numbers_side_by_side(report_html, tables):
    comparison = headline_comparison(tables)
    for text in comparison["this_analysis"]:
        assert text in report_html
    assert "17.0 %" in report_html and "49.0 %" in report_html
    assert "2.7 [2.5–3.4]" in report_html and "13.5 [11.0–17.3]" in report_html
    assert len(comparison) == len(PUBLISHED)
    assert "run-2024-05-01" in report_html and "a" * 64 in report_html


def test_one_embedded_image_per_expected_figure(report_html, tables):
    km_figures = expected_figures(tables)
    assert len(km_figures) == 12  # PFS and OS: overall + 5 factors
    forest_plots = 4  # PFS and OS x univariable and multivariable
    images = re.findall(r"<img [^>]*>", report_html)
    assert len(images) == len(km_figures) + forest_plots
    assert all('src="data:image/png;base64,' in img for img in images)


def test_report_is_self_contained_and_escaped(report_html):
    assert not re.search(r"https?://", report_html)
    assert "<script" not in report_html.lower()
    assert "<link" not in report_html.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in report_html
    assert "&lt;b&gt;bold&lt;/b&gt; reason" in report_html


def test_render_report_rejects_incomplete_input(tables, data_cut, tmp_path):
    partial = {k: v for k, v in tables.items() if k != "safety"}
    with pytest.raises(AnalysisInputError, match=r"missing \['safety'\]"):
        render_report(partial, data_cut, tmp_path / "r.html")
    with pytest.raises(AnalysisInputError, match="column 'sha256' not found"):
        DataCut("run", data_cut.loads.drop(columns="sha256"), data_cut.exclusions)


def test_data_cut_accepts_the_pipeline_mapping_and_ledger_column_names(data_cut):
    ledger = pd.DataFrame(
        {
            "center_id": ["ref", "ref"],
            "file_name": ["p.csv"] * 2,
            "sha256": ["c" * 64] * 2,
            "rows_loaded": [10, 10],
        }
    )
    cut = DataCut.coerce({"run_id": "r1", "loads": ledger, "exclusions": data_cut.exclusions})
    assert list(cut.loads.columns) == ["center", "file", "sha256", "rows_loaded"]
    assert len(cut.loads) == 1  # duplicate ledger rows shown once
    assert cut.included_centers() == ["ref"]
    assert DataCut.coerce(data_cut) is data_cut
    with pytest.raises(AnalysisInputError, match="needs keys run_id, loads, exclusions"):
        DataCut.coerce({"run_id": "r1", "loads": ledger})
