"""Synthetic six-center IMPRESARC cohort with planted truth.

``generate(out, patients, seed)`` writes ``out/centers/<center_id>/…`` (the extracts, as six
hospitals would send them; formats in ``docs/extract_formats.md``) and ``out/truth/`` (the
planted truth, never read by the pipeline). Same seed and size → byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from impresarc.synth import parameters
from impresarc.synth.defects import without_quarantined
from impresarc.synth.derive import derive_truth
from impresarc.synth.formatting import format_numbers, write_delimited
from impresarc.synth.simulate import simulate
from impresarc.synth.writers import legacy, write_center

__all__ = ["SynthSummary", "generate"]


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    out: Path
    n_patients: int
    seed: int
    center_sizes: dict[str, int]
    center_files: dict[str, list[Path]] = field(default_factory=dict)
    truth_patients: Path | None = None
    truth_defects: Path | None = None
    truth_parameters: Path | None = None
    n_defects: int = 0
    n_excluded: int = 0


def _truth_columns(truth: pd.DataFrame) -> dict[str, np.ndarray]:
    columns = {}
    for name in truth.columns:
        values = truth[name]
        if name == "dnlr":
            columns[name] = format_numbers(values.to_numpy(dtype=float), 6)
        elif name in ("pfs_days", "os_days", "ecog_ps"):
            columns[name] = format_numbers(values.to_numpy(dtype=float))
        else:
            columns[name] = np.where(values.isna(), "", values.astype(str)).astype(object)
    return columns


def generate(out: Path, patients: int = 272, seed: int = 20250101) -> SynthSummary:
    """Write the synthetic cohort: per-center extracts and the planted truth.

    Parameters
    ----------
    out : pathlib.Path
        Output folder; ``centers/`` and ``truth/`` are written inside.
    patients : int
        Cohort size over the six centers (every table scales with it).
    seed : int
        Random seed.

    Returns
    -------
    SynthSummary
        Paths and counts of what was written.
    """
    out = Path(out)
    sim = simulate(patients, seed)
    truth = derive_truth(without_quarantined(sim.records, sim.plan))

    center_files = {}
    by_center = sim.records.by_center()
    for center, tables in by_center.items():
        if center != "legacy":
            center_files[center] = write_center(center, tables, out / "centers" / center)
    # The legacy writer plants the cosmetic defects and reports where every defect landed.
    center_files["legacy"], defects = legacy.write(
        by_center["legacy"], out / "centers" / "legacy", sim.plan, sim.rngs["defects"]
    )

    truth_dir = out / "truth"
    truth_patients = truth_dir / "patients.csv"
    write_delimited(truth_patients, _truth_columns(truth))
    truth_defects = truth_dir / "defects.csv"
    defects = defects.assign(line=defects["line"].astype(int).astype(str))
    write_delimited(truth_defects, {c: defects[c].to_numpy(dtype=object) for c in defects.columns})
    truth_parameters = truth_dir / "parameters.json"
    document = parameters.as_json(seed, patients, sim.sizes)
    truth_parameters.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return SynthSummary(
        out=out,
        n_patients=patients,
        seed=seed,
        center_sizes=dict(sim.sizes),
        center_files=center_files,
        truth_patients=truth_patients,
        truth_defects=truth_defects,
        truth_parameters=truth_parameters,
        n_defects=len(defects),
        n_excluded=int((truth["expected_exclusion_reason"] != "").sum()),
    )
