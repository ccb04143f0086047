"""On a 20,000-patient cohort, the warehouse's multivariable Cox HRs recover the planted HRs.

Slow (a full run at 20,000 patients): run by `make test-slow` and CI.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.pipeline_helpers import run_cli

# generator covariate -> (variable, level) of analysis.cox_models
TERMS = {
    "ecog_ge1": ("ecog_ge1", None),
    "has_cyclophosphamide": ("has_cyclophosphamide", None),
    "dnlr_high": ("dnlr_high", None),
    "anti_pdl1": ("icis_class", "anti_pdl1"),
    "histotype_favourable": ("histotype_group", "favourable"),
    "histotype_ddlps": ("histotype_group", "dedifferentiated_liposarcoma"),
}


@pytest.mark.slow
def test_multivariable_cox_contains_planted_hazard_ratios(tmp_path):
    cohort = tmp_path / "cohort"
    assert run_cli("synth", "--out", str(cohort), "--patients", "20000").returncode == 0
    warehouse = tmp_path / "wh" / "impresarc.duckdb"
    done = run_cli("run", "--extracts", str(cohort), "--warehouse", str(warehouse), timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    planted = json.loads((cohort / "truth" / "parameters.json").read_text())
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "select endpoint, variable, level, hr, ci_lower, ci_upper from analysis.cox_models "
        "where model = 'multivariable'"
    ).fetchall()
    con.close()
    misses = []
    for endpoint in ("PFS", "OS"):
        for covariate, hr in planted[endpoint.lower()]["hazard_ratios"].items():
            variable, level = TERMS[covariate]
            match = [
                r
                for r in rows
                if r[0] == endpoint and r[1] == variable and (level is None or str(r[2]) == level)
            ]
            assert len(match) == 1, f"{endpoint} {covariate}: {match}"
            _, _, _, estimate, low, high = match[0]
            if not low <= hr <= high:
                misses.append(
                    f"{endpoint} {covariate}: planted {hr}, got {estimate:.3f} "
                    f"[{low:.3f}, {high:.3f}]"
                )
    assert not misses, misses
