"""The truth: what the warehouse must derive from the extracts, computed from the records.

An independent, literal implementation of the rules written in ``docs/extract_formats.md``
("Derivation rules used for the truth"); it knows nothing of how the generator drew the
latent outcomes. Input tables are in canonical codes and units (the vocabularies already
applied), keyed by ``center_id`` and ``patient_id``, with dates as day numbers (``float``,
``NaN`` when unknown).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCE_KEY = ["center_id", "patient_id"]
#: Internal integer patient key (one per distinct ``center_id, patient_id``): fast grouping.
KEY = "pkey"
ICI_CLASS = {
    "pembrolizumab": "anti_pd1",
    "nivolumab": "anti_pd1",
    "atezolizumab": "anti_pdl1",
    "durvalumab": "anti_pdl1",
    "avelumab": "anti_pdl1",
    "ipilimumab": "anti_ctla4",
}
#: Severity used when two assessments share a date: the lowest rank is kept.
SEVERITY = {"PD": 0, "NE": 1, "NON-CR/NON-PD": 2, "SD": 3, "PR": 4, "CR": 5}
RESPONSE_CODES = pd.CategoricalDtype(list(SEVERITY), ordered=True)
BASELINE_WINDOW_DAYS = 30
SD_MIN_DAYS = 42
CONFIRMATION_MIN_DAYS = 28
DNLR_HIGH_ABOVE = 3.0
ENDPOINT_COLUMNS = [
    "bor", "bor_confirmed", "is_responder", "is_disease_control", "pfs_days", "pfs_event",
    "os_days", "os_event", "dnlr", "dnlr_high", "ecog_ps", "histotype", "icis_class",
    "has_cyclophosphamide", "any_grade3plus_ae", "discontinued_for_toxicity",
]  # fmt: skip


def ici_start_dates(treatments: pd.DataFrame) -> pd.Series:
    """First ICI administration per patient (only ICI drugs count, not partners)."""
    ici = treatments[treatments["drug"].isin(ICI_CLASS)]
    return ici.groupby(KEY)["start_date"].min()


def baseline_dnlr(labs: pd.DataFrame, start: pd.Series) -> pd.DataFrame:
    """Baseline WBC and ANC (last value per test in ``[start-30, start]``) and the dNLR.

    Parameters
    ----------
    labs : pandas.DataFrame
        ``sample_date, wbc, neutrophils`` (10^9/L) plus the key columns of ``start``'s index.
    start : pandas.Series
        Start date per patient; its index names give the key columns.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``start``: ``wbc, neutrophils, dnlr`` (NaN when missing) and
        ``dnlr_high`` (object: True, False or None).
    """
    keys = list(start.index.names)
    rows = labs[[*keys, "sample_date", "wbc", "neutrophils"]].merge(
        start.rename("start").reset_index(), on=keys, how="inner"
    )
    in_window = (rows["sample_date"] >= rows["start"] - BASELINE_WINDOW_DAYS) & (
        rows["sample_date"] <= rows["start"]
    )
    rows = rows[in_window].sort_values([*keys, "sample_date"], kind="stable")
    out = pd.DataFrame(index=start.index)
    for test in ("wbc", "neutrophils"):
        # groupby.last skips NaN: the last *available* value of this test.
        out[test] = rows.groupby(keys)[test].last().reindex(start.index).astype(float)
    rest = out["wbc"] - out["neutrophils"]
    # No meaningful ratio when ANC >= WBC (an impossible count): null, like a missing value.
    out["dnlr"] = (out["neutrophils"] / rest).where(rest > 0)
    out["dnlr_high"] = np.where(out["dnlr"].isna(), None, out["dnlr"] > DNLR_HIGH_ABOVE)
    return out


def considered_assessments(
    assessments: pd.DataFrame, start: pd.Series, next_line: pd.Series
) -> pd.DataFrame:
    """Assessments that count: on/after start, before next line, one per date, to first PD."""
    rows = assessments[[KEY, "assessment_date", "overall_response"]].merge(
        start.rename("start").reset_index(), on=KEY, how="inner"
    )
    rows = rows.merge(next_line.rename("next_line").reset_index(), on=KEY, how="left")
    keep = (rows["assessment_date"] >= rows["start"]) & ~(
        rows["assessment_date"] >= rows["next_line"]
    )
    rows = rows[keep].copy()
    # Categorical codes: fast comparisons, and ordered by severity for the same-date rule.
    rows["overall_response"] = rows["overall_response"].astype(RESPONSE_CODES)
    # A missing or unknown response is not an assessment (the warehouse reports it).
    rows = rows[rows["overall_response"].notna()]
    rows["severity"] = rows["overall_response"].cat.codes
    rows = rows.sort_values([KEY, "assessment_date", "severity"], kind="stable")
    rows = rows.drop_duplicates([KEY, "assessment_date"], keep="first")  # the worse
    is_pd = (rows["overall_response"] == "PD").astype(int)
    pd_before = is_pd.groupby(rows[KEY]).cumsum() - is_pd
    rows = rows[pd_before == 0].copy()
    rows["day"] = rows["assessment_date"] - rows["start"]
    return rows[[KEY, "assessment_date", "day", "overall_response"]].reset_index(drop=True)


def _any_per_patient(keys: pd.Series, mask: pd.Series, index: pd.Index) -> np.ndarray:
    """For each patient of ``index``: does any of its rows satisfy ``mask``?"""
    hit = np.zeros(len(index), dtype=bool)
    hit[index.get_indexer(keys[mask.to_numpy()])] = True
    return hit


def _ladder(codes: pd.DataFrame, index: pd.Index) -> pd.Series:
    """The BOR ladder of rule 6 over ``codes`` (``overall_response``, ``day``)."""
    code, late = codes["overall_response"], codes["day"] >= SD_MIN_DAYS

    def any_of(mask: pd.Series) -> np.ndarray:
        return _any_per_patient(codes[KEY], mask, index)

    steps = [
        ("CR", any_of(code == "CR")),
        ("PR", any_of(code == "PR")),
        ("SD", any_of((code == "SD") & late)),
        ("NON-CR/NON-PD", any_of((code == "NON-CR/NON-PD") & late)),
        ("PD", any_of(code == "PD")),
        ("NE", any_of(pd.Series(True, index=codes.index))),  # any assessment at all
    ]
    bor = np.full(len(index), "MISSING", dtype=object)
    for label, mask in reversed(steps):  # the first rule that applies wins
        bor[mask] = label
    return pd.Series(bor, index=index)


def _confirmed(considered: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Confirmed BOR (rule 7)."""
    rows = considered.copy()
    groups = rows[KEY]
    rows["pos"] = rows.groupby(KEY).cumcount()
    # Running counts: "between i and j" = count at j minus count at i (j itself is CR/PR).
    rows["ne_so_far"] = (rows["overall_response"] == "NE").astype(int).groupby(groups).cumsum()
    not_cr_ne = ~rows["overall_response"].isin(["CR", "NE"])
    rows["non_cr_so_far"] = not_cr_ne.astype(int).groupby(groups).cumsum()
    objective = rows[rows["overall_response"].isin(["CR", "PR"])]
    pairs = objective.merge(objective, on=KEY, suffixes=("", "_later"))
    pairs = pairs[pairs["pos_later"] > pairs["pos"]]
    far_enough = pairs["assessment_date_later"] - pairs["assessment_date"] >= (
        CONFIRMATION_MIN_DAYS
    )
    ne_between = pairs["ne_so_far_later"] - pairs["ne_so_far"]
    cr_confirmed = (
        (pairs["overall_response"] == "CR")
        & (pairs["overall_response_later"] == "CR")
        & far_enough
        & (ne_between <= 1)
        & (pairs["non_cr_so_far_later"] == pairs["non_cr_so_far"])
    )
    pr_confirmed = (pairs["overall_response"] == "PR") & far_enough & (ne_between <= 1)

    # Unconfirmed objective responses late enough count as SD; earlier ones only as an
    # assessment (NE rung). Then the usual ladder.
    fallback = rows[[KEY, "overall_response", "day"]].copy()
    objective_rows = fallback["overall_response"].isin(["CR", "PR"])
    late = fallback["day"] >= SD_MIN_DAYS
    fallback.loc[objective_rows & late, "overall_response"] = "SD"
    fallback.loc[objective_rows & ~late, "overall_response"] = "NE"
    bor = _ladder(fallback, index)
    bor[_any_per_patient(pairs[KEY], pr_confirmed, index)] = "PR"
    bor[_any_per_patient(pairs[KEY], cr_confirmed, index)] = "CR"
    return bor


def _known_alive(tables: dict[str, pd.DataFrame], patients: pd.DataFrame) -> pd.Series:
    """Latest of the last-contact date and every dated record of the patient."""
    dated = [
        ("assessments", "assessment_date"),
        ("labs", "sample_date"),
        ("treatments", "start_date"),
        ("treatments", "end_date"),
        ("adverse_events", "onset_date"),
    ]
    parts = [patients["last_contact_date"].astype(float)]
    for table, column in dated:
        latest = tables[table].groupby(KEY)[column].max()
        parts.append(latest.reindex(patients.index).astype(float))
    return pd.concat(parts, axis=1).max(axis=1)


def _flag(values: pd.Series) -> pd.Series:
    return values.map({True: "true", False: "false"}).astype(object)


def _with_key(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Add the integer ``pkey`` to every table (one per distinct center_id, patient_id).

    Returns the keyed tables and the ``center_id, patient_id`` of each ``pkey``.
    """
    patients = tables["patients"]
    source = patients.drop_duplicates(SOURCE_KEY)[SOURCE_KEY].reset_index(drop=True)
    ids_by_center = {
        center: (pd.Index(group["patient_id"].to_numpy()), group.index.to_numpy())
        for center, group in source.groupby("center_id", sort=False)
    }
    keyed = {}
    for name, table in tables.items():
        key = np.full(len(table), -1, dtype=np.int64)
        for center, rows in table.groupby("center_id", sort=False).indices.items():
            if center in ids_by_center:
                ids, keys = ids_by_center[center]
                found = ids.get_indexer(table["patient_id"].to_numpy()[rows])
                key[rows] = np.where(found >= 0, keys[found], -1)
        # Records of a patient id absent from the patients table cannot be attributed.
        keyed[name] = table[key >= 0].assign(**{KEY: key[key >= 0]})
    return keyed, source


def derive_truth(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Compute ``truth/patients.csv`` from canonical extract tables.

    Parameters
    ----------
    tables : dict of pandas.DataFrame
        ``patients``, ``treatments``, ``labs``, ``assessments``, ``adverse_events`` as the
        warehouse sees them after the expected handling of planted defects (quarantined lines
        removed; exact duplicates may remain, they are dropped here).

    Returns
    -------
    pandas.DataFrame
        One row per patient key, columns ``center_id, source_patient_id`` then the truth
        columns, booleans as ``"true"``/``"false"``, nulls as ``NaN``/``None``.
    """
    tables, source = _with_key(tables)
    all_patients = tables["patients"].drop_duplicates()
    n_rows = all_patients.groupby(KEY).size()
    patients = all_patients.drop_duplicates(KEY).set_index(KEY).sort_index()
    conflicting = n_rows.reindex(patients.index) > 1
    treatments = tables["treatments"]
    start = ici_start_dates(treatments).reindex(patients.index)
    death = patients["death_date"]
    exclusion = pd.Series("", index=patients.index, dtype=object)
    exclusion[death < start] = "death_before_ici_start"
    exclusion[start.isna()] = "no_ici_start_date"
    exclusion[conflicting] = "conflicting_duplicate_patient"
    kept = exclusion == ""
    start_kept = start[kept]

    truth = pd.DataFrame(index=patients.index)
    labs = baseline_dnlr(tables["labs"], start_kept)
    truth["dnlr"] = labs["dnlr"].round(6)
    truth["dnlr_high"] = _flag(labs["dnlr_high"])

    considered = considered_assessments(
        tables["assessments"], start_kept, patients["next_line_start_date"][kept]
    )
    truth["bor"] = _ladder(considered, start_kept.index)
    truth["bor_confirmed"] = _confirmed(considered, start_kept.index)
    truth["is_responder"] = _flag(truth["bor"].isin(["CR", "PR"]))
    truth["is_disease_control"] = _flag(truth["bor"].isin(["CR", "PR", "SD", "NON-CR/NON-PD"]))

    is_pd = considered["overall_response"] == "PD"
    first_pd = considered[is_pd].groupby(KEY)["assessment_date"].min().astype(float)
    adequate = considered[considered["overall_response"] != "NE"]
    last_adequate = adequate.groupby(KEY)["assessment_date"].max().astype(float)
    event_date = pd.concat([first_pd.reindex(start_kept.index), death[kept]], axis=1).min(axis=1)
    censor_date = last_adequate.reindex(start_kept.index).fillna(start_kept)
    pfs_event = event_date.notna()
    truth["pfs_days"] = event_date.where(pfs_event, censor_date) - start_kept + 1
    truth["pfs_event"] = _flag(pfs_event)
    os_event = death[kept].notna()
    alive_until = _known_alive(tables, patients[kept])
    truth["os_days"] = death[kept].where(os_event, alive_until) - start_kept + 1
    truth["os_event"] = _flag(os_event)

    ecog = patients["ecog_ps"]
    truth["ecog_ps"] = ecog.where(ecog.isin([0, 1, 2, 3, 4]))
    truth["histotype"] = patients["histotype"]
    by_treatment_patient = treatments[KEY]
    drug_class = treatments["drug"].map(ICI_CLASS)

    def any_row(mask: pd.Series) -> pd.Series:
        return mask.groupby(by_treatment_patient).any().reindex(truth.index, fill_value=False)

    has_pdl1, has_pd1 = any_row(drug_class == "anti_pdl1"), any_row(drug_class == "anti_pd1")
    truth["icis_class"] = np.where(has_pdl1, "anti_pdl1", np.where(has_pd1, "anti_pd1", None))
    cyclo = any_row(treatments["drug"] == "cyclophosphamide")
    truth["has_cyclophosphamide"] = _flag(cyclo)
    events = tables["adverse_events"]
    grade3 = events["grade"].ge(3).groupby(events[KEY]).any()
    truth["any_grade3plus_ae"] = _flag(grade3.reindex(truth.index, fill_value=False))
    tox = any_row(treatments["drug"].isin(ICI_CLASS) & (treatments["stop_reason"] == "toxicity"))
    truth["discontinued_for_toxicity"] = _flag(tox)

    truth.loc[~kept, ENDPOINT_COLUMNS] = None
    truth["expected_exclusion_reason"] = exclusion
    truth.insert(0, "center_id", source["center_id"].to_numpy()[truth.index])
    truth.insert(1, "source_patient_id", source["patient_id"].to_numpy()[truth.index])
    columns = ["center_id", "source_patient_id", *ENDPOINT_COLUMNS, "expected_exclusion_reason"]
    return truth[columns].reset_index(drop=True)
