"""Source patient ids: each center numbers its patients in its own realistic way."""

from __future__ import annotations

import numpy as np
import pandas as pd


def _unique_numbers(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    """``n`` distinct integers in ``[low, high)``, ascending."""
    return np.sort(rng.choice(high - low, size=n, replace=False) + low)


def _by_start_order(numbers: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Hand the ascending ``numbers`` out in order of ICI start (hospitals number by arrival)."""
    out = np.empty_like(numbers)
    out[np.argsort(start, kind="stable")] = numbers
    return out


def _zero_padded(numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.zfill(numbers.astype(str), width)


def assign_patient_ids(rng: np.random.Generator, cohort: pd.DataFrame) -> np.ndarray:
    """Return the source patient id of every patient of ``cohort`` (object array of str).

    ``ref`` ``REF-000123``; ``frcsv`` ``IPC2019-0042`` (year of ICI start, rank in that
    year); ``xlsx`` an 8-digit hospital number; ``wide`` ``GR123456``; ``shifted`` a
    pseudonym ``PSN-7F3A9C2B``; ``legacy`` a 7-digit number with leading zeros.
    """
    ids = np.empty(len(cohort), dtype=object)
    for center, rows in cohort.groupby("center_id", sort=False).indices.items():
        n = len(rows)
        start = cohort["ici_start"].to_numpy()[rows]
        if center == "ref":
            numbers = _by_start_order(_unique_numbers(rng, 1, 10**6, n), start)
            ids[rows] = np.strings.add("REF-", _zero_padded(numbers, 6))
        elif center == "frcsv":
            year = (np.datetime64("1970-01-01") + start.astype("timedelta64[D]")).astype(
                "datetime64[Y]"
            ).astype(int) + 1970
            order = pd.DataFrame({"year": year, "start": start}).sort_values(
                ["year", "start"], kind="stable"
            )
            rank = np.empty(n, dtype=int)
            rank[order.index.to_numpy()] = order.groupby("year").cumcount().to_numpy() + 1
            prefix = np.strings.add("IPC", year.astype(str))
            ids[rows] = np.strings.add(np.strings.add(prefix, "-"), _zero_padded(rank, 4))
        elif center == "xlsx":
            ids[rows] = _by_start_order(_unique_numbers(rng, 10**7, 10**8, n), start).astype(str)
        elif center == "wide":
            numbers = _by_start_order(_unique_numbers(rng, 10**5, 10**6, n), start)
            ids[rows] = np.strings.add("GR", numbers.astype(str))
        elif center == "shifted":
            # Pseudonyms carry no order: random, not by arrival.
            numbers = rng.choice(16**8, size=n, replace=False)
            hexes = np.char.upper(np.char.mod("%08x", numbers))
            ids[rows] = np.strings.add("PSN-", hexes)
        elif center == "legacy":
            numbers = _by_start_order(_unique_numbers(rng, 1000, 10**6, n), start)
            ids[rows] = _zero_padded(numbers, 7)
        else:  # pragma: no cover - CENTERS is fixed
            raise ValueError(center)
    return ids
