"""The truth derivation rules (docs/extract_formats.md), one small hand-made case at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from impresarc.synth.derive import derive_truth

START = 18000.0  # a day number; every other date below is relative to it


def _tables(
    pid,
    assessments=(),
    labs=(),
    treatments=None,
    adverse_events=(),
    patient=None,
    extra_patients=(),
):
    """Canonical tables of one patient ``pid`` (plus optional extra rows for that patient)."""
    base = {
        "center_id": "ref", "patient_id": pid, "sex": "F", "histotype": "leiomyosarcoma",
        "ecog_ps": 1.0, "last_contact_date": START + 400, "death_date": np.nan,
        "next_line_start_date": np.nan,
    }  # fmt: skip
    base.update(patient or {})
    patients = pd.DataFrame([base, *(dict(row, patient_id=pid) for row in extra_patients)])
    if treatments is None:
        treatments = [("pembrolizumab", 0, 100, "progression")]
    frame = {
        "patients": patients,
        "treatments": pd.DataFrame(
            [
                ("ref", pid, d, START + s if s is not None else np.nan, START + e, r)
                for d, s, e, r in treatments
            ],
            columns=["center_id", "patient_id", "drug", "start_date", "end_date", "stop_reason"],
        ),  # fmt: skip
        "labs": pd.DataFrame(
            [("ref", pid, START + d, w, n) for d, w, n in labs],
            columns=["center_id", "patient_id", "sample_date", "wbc", "neutrophils"],
        ),
        "assessments": pd.DataFrame(
            [("ref", pid, START + d, r) for d, r in assessments],
            columns=["center_id", "patient_id", "assessment_date", "overall_response"],
        ),
        "adverse_events": pd.DataFrame(
            [("ref", pid, g, START + d) for g, d in adverse_events],
            columns=["center_id", "patient_id", "grade", "onset_date"],
        ),
    }
    return frame


#: Every case of this module, derived together once (a derivation has a fixed cost).
_CASES: dict[str, dict] = {}


def _case(**kwargs) -> str:
    """Register a one-patient case; returns its patient id."""
    pid = f"P{len(_CASES) + 1}"
    _CASES[pid] = kwargs
    return pid


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    parts = [_tables(pid, **kwargs) for pid, kwargs in _CASES.items()]
    tables = {
        name: pd.concat([p[name] for p in parts if len(p[name])], ignore_index=True)
        for name in parts[0]
    }
    return derive_truth(tables).set_index("source_patient_id")


@pytest.mark.parametrize(
    ("pid", "bor"),
    [
        (_case(assessments=[(30, "SD"), (80, "PD")]), "PD"),  # SD too early to count, then PD
        (_case(assessments=[(30, "SD")]), "NE"),  # an early SD alone is only an assessment
        (_case(assessments=[(42, "SD")]), "SD"),  # day 42 is late enough
        (_case(assessments=[(41, "SD"), (60, "NE")]), "NE"),
        (_case(assessments=[(50, "NON-CR/NON-PD")]), "NON-CR/NON-PD"),
        (_case(assessments=[(50, "SD"), (90, "PR"), (130, "PD")]), "PR"),
        (_case(assessments=[(50, "PR"), (90, "CR")]), "CR"),
        (_case(assessments=[]), "MISSING"),
        (_case(assessments=[(-10, "PD")]), "MISSING"),  # before ICI start: not considered
        (_case(assessments=[(60, "PD"), (120, "CR")]), "PD"),  # nothing after the first PD
    ],
)
def test_unconfirmed_bor_ladder(truth, pid, bor):
    assert truth.loc[pid, "bor"] == bor


SAME_DATE = _case(assessments=[(56, "SD"), (112, "SD"), (112, "PD")])
SAME_DATE_NE = _case(assessments=[(56, "SD"), (56, "NE")])
NEXT_LINE = _case(
    assessments=[(56, "SD"), (112, "SD"), (150, "PD")],
    patient={"next_line_start_date": START + 112},
)
LAST_NE = _case(assessments=[(56, "SD"), (100, "NE")])
NO_ASSESSMENT = _case(assessments=[])
DEATH_FIRST = _case(assessments=[(56, "SD")], patient={"death_date": START + 70})


def test_same_date_keeps_the_worse_and_pfs_ends_there(truth):
    row = truth.loc[SAME_DATE]
    assert row["bor"] == "SD"
    assert row["pfs_event"] == "true" and row["pfs_days"] == 113


def test_same_date_ne_beats_sd(truth):
    # NE is worse than SD: the only late assessment is NE, the BOR is NE.
    assert truth.loc[SAME_DATE_NE, "bor"] == "NE"


def test_next_line_is_strictly_exclusive_and_censors_pfs(truth):
    row = truth.loc[NEXT_LINE]
    assert row["bor"] == "SD"
    assert row["pfs_event"] == "false" and row["pfs_days"] == 57  # last adequate: day 56


def test_pfs_censored_at_last_adequate_assessment_or_start(truth):
    assert truth.loc[LAST_NE, "pfs_days"] == 57
    row = truth.loc[NO_ASSESSMENT]
    assert row["pfs_event"] == "false" and row["pfs_days"] == 1


def test_death_before_progression_is_a_pfs_event(truth):
    row = truth.loc[DEATH_FIRST]
    assert (row["pfs_event"], row["pfs_days"]) == ("true", 71)
    assert (row["os_event"], row["os_days"]) == ("true", 71)


@pytest.mark.parametrize(
    ("pid", "confirmed"),
    [
        (_case(assessments=[(60, "PR"), (88, "PR")]), "PR"),
        (_case(assessments=[(60, "PR"), (87, "PR")]), "SD"),  # 27 days: late enough for SD
        (_case(assessments=[(30, "PR"), (50, "PD")]), "PD"),  # early: only an assessment
        (_case(assessments=[(30, "PR"), (70, "SD")]), "SD"),
        (_case(assessments=[(60, "PR"), (75, "NE"), (100, "PR")]), "PR"),  # one NE is allowed
        (_case(assessments=[(60, "PR"), (70, "NE"), (80, "NE"), (100, "PR")]), "SD"),  # not two
        (_case(assessments=[(60, "PR"), (75, "SD"), (100, "CR")]), "PR"),  # SD between is fine
        (_case(assessments=[(60, "CR"), (90, "CR")]), "CR"),
        (_case(assessments=[(60, "CR"), (75, "PR"), (95, "CR")]), "SD"),  # a PR breaks a CR
        (_case(assessments=[(60, "CR"), (75, "NE"), (95, "CR")]), "CR"),
        (_case(assessments=[(30, "PR"), (40, "PR")]), "NE"),  # both too early (and too close)
    ],
)
def test_confirmed_bor(truth, pid, confirmed):
    assert truth.loc[pid, "bor_confirmed"] == confirmed


LABS_WINDOW = _case(labs=[(-31, 10.0, 9.0), (-30, 10.0, 7.0), (0, 10.0, 8.0), (1, 10.0, 9.9)])
LABS_EDGE = _case(labs=[(-30, 10.0, 7.0)])
LABS_OUTSIDE = _case(labs=[(-31, 10.0, 7.0), (3, 10.0, 7.0)])
DNLR_THREE = _case(labs=[(0, 8.0, 6.0)])
REGIMEN = _case(
    treatments=[("cyclophosphamide", -7, 90, "progression"), ("nivolumab", 0, 90, "toxicity"),
                ("ipilimumab", 0, 63, "completed")],
    assessments=[(56, "SD")],
)  # fmt: skip
ANTI_PDL1 = _case(treatments=[("durvalumab", 0, 50, "death")])


def test_baseline_labs_window_is_inclusive_and_takes_the_last_value(truth):
    row = truth.loc[LABS_WINDOW]
    assert row["dnlr"] == pytest.approx(8.0 / 2.0)
    assert row["dnlr_high"] == "true"
    row = truth.loc[LABS_EDGE]
    assert row["dnlr"] == pytest.approx(7.0 / 3.0) and row["dnlr_high"] == "false"
    row = truth.loc[LABS_OUTSIDE]
    assert pd.isna(row["dnlr"]) and pd.isna(row["dnlr_high"])


def test_dnlr_exactly_three_is_not_high(truth):
    assert truth.loc[DNLR_THREE, "dnlr_high"] == "false"


def test_start_is_the_first_ici_not_an_earlier_partner(truth):
    row = truth.loc[REGIMEN]
    assert row["pfs_days"] == 57
    assert row["has_cyclophosphamide"] == "true" and row["icis_class"] == "anti_pd1"
    assert row["discontinued_for_toxicity"] == "true"


def test_anti_pdl1_class(truth):
    assert truth.loc[ANTI_PDL1, "icis_class"] == "anti_pdl1"


@pytest.mark.parametrize(
    ("pid", "reason"),
    [
        (_case(treatments=[("pembrolizumab", None, 90, "progression"),
                           ("cyclophosphamide", 0, 90, "progression")]), "no_ici_start_date"),
        (_case(patient={"death_date": START - 5}), "death_before_ici_start"),
    ],
)  # fmt: skip
def test_exclusions(truth, pid, reason):
    row = truth.loc[pid]
    assert row["expected_exclusion_reason"] == reason
    assert pd.isna(row["pfs_days"]) and pd.isna(row["bor"])


_OTHER_ROW = {
    "center_id": "ref", "sex": "M", "histotype": "leiomyosarcoma", "ecog_ps": 1.0,
    "last_contact_date": START + 400, "death_date": np.nan, "next_line_start_date": np.nan,
}  # fmt: skip
CONFLICTING = _case(extra_patients=[_OTHER_ROW])
EXACT_DUPLICATE = _case(extra_patients=[dict(_OTHER_ROW, sex="F")])
LATE_RECORD = _case(
    assessments=[(56, "SD"), (420, "SD")],
    adverse_events=[(2, 430)],
    patient={"last_contact_date": START + 400},
)
GRADE_3 = _case(adverse_events=[(3, 20)])
ECOG_7 = _case(patient={"ecog_ps": 7.0})


def test_conflicting_duplicate_excluded_but_exact_duplicate_kept(truth):
    assert truth.loc[CONFLICTING, "expected_exclusion_reason"] == "conflicting_duplicate_patient"
    assert truth.loc[EXACT_DUPLICATE, "expected_exclusion_reason"] == ""


def test_os_censored_at_the_latest_record(truth):
    row = truth.loc[LATE_RECORD]
    assert (row["os_event"], row["os_days"]) == ("false", 431)
    assert row["any_grade3plus_ae"] == "false"
    assert truth.loc[GRADE_3, "any_grade3plus_ae"] == "true"


def test_invalid_ecog_is_null_but_patient_kept(truth):
    row = truth.loc[ECOG_7]
    assert pd.isna(row["ecog_ps"]) and row["expected_exclusion_reason"] == ""


UNKNOWN_RESPONSE = _case(assessments=[(56, "SD"), (112, None), (140, "??")])
IMPOSSIBLE_COUNT = _case(labs=[(0, 5.0, 5.0)])


def test_an_assessment_without_a_known_response_is_not_considered(truth):
    row = truth.loc[UNKNOWN_RESPONSE]
    assert row["bor"] == "SD" and row["pfs_days"] == 57


def test_dnlr_is_null_when_anc_is_not_below_wbc(truth):
    assert pd.isna(truth.loc[IMPOSSIBLE_COUNT, "dnlr"])
