"""compute_all on a synthetic cohort, storage in DuckDB and CSV."""

import importlib.util
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis._checks import AnalysisInputError
from analysis.tables import TABLE_NAMES, compute_all, write_csvs, write_tables


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


synthetic = _synthetic()

REQUIRED_COLUMNS = {
    "response_rates": ["metric", "bor_variant", "group_var", "group_value", "n", "x", "estimate",
                       "ci_lower", "ci_upper"],
    "km_estimates": ["endpoint", "group_var", "group_value", "n", "events", "median_months",
                     "median_ci_lower", "median_ci_upper", "s6", "s6_ci_lower", "s6_ci_upper",
                     "s12", "s12_ci_lower", "s12_ci_upper"],
    "cox_models": ["endpoint", "model", "term", "hr", "ci_lower", "ci_upper", "p_value", "n",
                   "events", "ph_test_p", "n_missing"],
    "logistic_models": ["model", "term", "odds_ratio", "ci_lower", "ci_upper", "p_value", "n"],
    "table1": ["variable", "level", "group_var", "group_value", "n", "pct", "median"],
    "safety": ["section", "item", "n", "denominator", "pct", "ci_lower", "ci_upper"],
    "bor_distribution": ["bor_variant", "group_var", "group_value", "bor", "n", "pct"],
    "logrank_tests": ["endpoint", "group_var", "statistic", "df", "p_value"],
    "followup": ["endpoint", "median_months", "median_ci_lower", "median_ci_upper"],
}  # fmt: skip


@pytest.fixture(scope="module")
def cohort():
    return synthetic.standard_cohort()


@pytest.fixture(scope="module")
def tables():
    return synthetic.standard_tables()


def test_all_tables_present_with_required_columns(tables):
    assert tuple(tables) == TABLE_NAMES
    for name, columns in REQUIRED_COLUMNS.items():
        missing = set(columns) - set(tables[name].columns)
        assert not missing, f"{name} lacks {missing}"
        assert not tables[name].empty, name


def test_overall_orr_equals_count_ratio_and_groups_sum(tables, cohort):
    dataset, _ = cohort
    rates = tables["response_rates"]
    orr = rates.query("metric == 'ORR' and bor_variant == 'unconfirmed' and group_var == 'overall'")
    assert orr["group_value"].item() == "overall"
    assert orr["estimate"].item() == dataset["bor"].isin(["CR", "PR"]).sum() / len(dataset)
    assert orr["estimate"].item() == dataset["is_responder"].mean()
    overall = rates[rates["group_var"] == "overall"].set_index(["metric", "bor_variant"])
    for (metric, variant, group_var), part in rates.groupby(["metric", "bor_variant", "group_var"]):
        total = overall.loc[[(metric, variant)]]
        assert part["n"].sum() == total["n"].item() == len(dataset), group_var
        assert part["x"].sum() == total["x"].item(), group_var


def test_km_rows_and_unreached_medians(tables, cohort):
    dataset, _ = cohort
    km = tables["km_estimates"]
    overall = km.query("group_var == 'overall'").set_index("endpoint")
    assert overall.loc["OS", "events"] == dataset["os_event"].sum()
    assert np.isfinite(km["median_months"].dropna()).all()  # inf converted to NaN
    ecog = km.query("endpoint == 'PFS' and group_var == 'ecog_ge1'")
    assert ecog["n"].sum() == len(dataset)  # the "missing" group keeps the total


def test_missing_covariates_are_counted(tables, cohort):
    dataset, _ = cohort
    cox = tables["cox_models"]
    ecog = cox.query("endpoint == 'OS' and model == 'univariable' and variable == 'ecog_ge1'")
    assert ecog["n_missing"].item() == dataset["ecog_ge1"].isna().sum() > 0
    assert ecog["n"].item() == len(dataset) - ecog["n_missing"].item()
    multi = cox.query("endpoint == 'OS' and model == 'multivariable'")
    covariates = ["ecog_ge1", "has_cyclophosphamide", "dnlr_high", "icis_class", "histotype_group"]
    incomplete = dataset[covariates].isna().any(axis=1).sum()
    assert (multi["n_missing"] == incomplete).all()
    assert set(multi["term"]) >= {"icis_class[anti_pdl1]", "histotype_group[favourable]"}
    assert set(multi.query("variable == 'histotype_group'")["reference"]) == {"other"}


def test_planted_hazard_ratio_is_recovered():
    dataset = synthetic.make_analysis_dataset(
        n=2000, seed=5, pfs_log_hr={"ecog_ge1": np.log(2.0)}, os_log_hr={}
    )
    events = synthetic.make_adverse_events(dataset)
    settings = {
        "km_group_vars": [],
        "response_group_vars": [],
        "cox_factors": ["ecog_ge1"],
        "cox_covariates": ["ecog_ge1", "has_cyclophosphamide", "icis_class"],
        "logistic_factors": ["ecog_ge1"],
        "logistic_covariates": ["ecog_ge1"],
    }
    cox = compute_all(dataset, events, settings)["cox_models"]
    for model in ("univariable", "multivariable"):
        row = cox.query("endpoint == 'PFS' and model == @model and term == 'ecog_ge1'").iloc[0]
        assert row["ci_lower"] < 2.0 < row["ci_upper"], model
        assert row["hr"] == pytest.approx(2.0, rel=0.12)
    # Covariates without a planted effect: their CIs cover 1.
    null = cox.query("endpoint == 'PFS' and model == 'multivariable' and term != 'ecog_ge1'")
    assert len(null) == 2
    assert ((null["ci_lower"] < 1.0) & (null["ci_upper"] > 1.0)).all()


def test_helpful_errors(cohort):
    dataset, events = cohort
    with pytest.raises(AnalysisInputError, match="column 'pfs_months' not found"):
        compute_all(dataset.drop(columns="pfs_months"), events)
    with pytest.raises(AnalysisInputError, match=r"event column 'os_event' must be 0/1"):
        compute_all(dataset.assign(os_event=np.where(dataset["os_event"], 2, 0)), events)
    with pytest.raises(AnalysisInputError, match="unknown analysis setting"):
        compute_all(dataset, events, {"alhpa": 0.1})
    with pytest.raises(AnalysisInputError, match="no rows"):
        compute_all(dataset.iloc[:0], events)


def test_write_tables_and_csvs(tables, tmp_path):
    con = duckdb.connect()
    written = write_tables(con, tables)
    assert written == [f"analysis.{name}" for name in TABLE_NAMES]
    count = con.execute("select count(*) from analysis.response_rates").fetchone()[0]
    assert count == len(tables["response_rates"])
    # Re-running replaces each table rather than appending to it.
    write_tables(con, {"response_rates": tables["response_rates"].head(3)})
    assert con.execute("select count(*) from analysis.response_rates").fetchone()[0] == 3
    assert con.execute("select count(*) from analysis.cox_models").fetchone()[0] > 0
    with pytest.raises(AnalysisInputError, match="identifier"):
        write_tables(con, {"bad name; drop": tables["safety"]})
    paths = write_csvs(tmp_path / "csv", tables)
    assert {p.stem for p in paths} == set(TABLE_NAMES)
    reread = pd.read_csv(tmp_path / "csv" / "km_estimates.csv")
    assert len(reread) == len(tables["km_estimates"])
