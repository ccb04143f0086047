"""Per-center writers: format the canonical records exactly as each hospital exports them.

Every writer takes the center's canonical tables and an output folder and returns the paths
it wrote; :func:`write_center` dispatches on the center id.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from impresarc.synth.writers import frcsv, longform, shifted, wide, xlsx


def write_center(center: str, tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write one center's extract into ``folder`` (not ``legacy``: see :mod:`.legacy`)."""
    writers = {
        "ref": longform.write_ref,
        "frcsv": frcsv.write,
        "xlsx": xlsx.write,
        "wide": wide.write,
        "shifted": shifted.write,
    }
    return writers[center](tables, folder)
