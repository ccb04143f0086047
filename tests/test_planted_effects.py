"""On a 20,000-patient cohort, the warehouse's multivariable Cox HRs recover the planted HRs.

Slow (a full run at 20,000 patients): run by `make test-slow` and CI.
"""

from __future__ import annotations

import json
import math

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
    outside_95, outside_familywise = [], []
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
            z = abs(math.log(hr) - math.log(estimate)) / _log_se(low, high)
            label = (
                f"{endpoint} {covariate}: planted {hr}, got {estimate:.3f} [{low:.3f}, {high:.3f}]"
            )
            if z > Z_95:
                outside_95.append(label)
            if z > Z_FAMILYWISE:
                outside_familywise.append(label)
    # 12 intervals at 95 %: about 0.6 misses expected by chance, so one miss is tolerated, but
    # every planted HR must sit inside its Bonferroni interval (familywise 95 % over the 12)
    assert not outside_familywise, outside_familywise
    assert len(outside_95) <= 1, outside_95


Z_95 = 1.959964
Z_FAMILYWISE = 2.865636  # two-sided 0.05 / 12


def _log_se(low: float, high: float) -> float:
    """Standard error of log(HR) recovered from a 95 % Wald interval."""
    return (math.log(high) - math.log(low)) / (2 * Z_95)
