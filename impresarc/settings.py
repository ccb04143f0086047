"""Process-wide settings: project paths and the environment that keeps every tool offline.

Applied once at the CLI entry point so that a user's shell needs nothing set.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
CENTER_SPECS_DIR = PROJECT_ROOT / "flows" / "centers"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
PREFECT_HOME = PROJECT_ROOT / ".prefect"
DEFAULT_DEMO_DIR = PROJECT_ROOT / "demo"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "impresarc.duckdb"

# setdefault: a user who deliberately points Prefect at a standing server keeps that choice.
OFFLINE_ENV = {
    "PREFECT_HOME": str(PREFECT_HOME),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # the project uses no Prefect blocks: registering Prefect's ~50 block types costs the
    # temporary server about 3 s CPU the first time a PREFECT_HOME is used
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
    "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
    "MPLBACKEND": "Agg",
    "GX_ANALYTICS_ENABLED": "false",
    "TQDM_DISABLE": "1",
}


def apply_offline_env() -> None:
    """Set the offline/quiet environment for Prefect, dbt, GX and matplotlib."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    PREFECT_HOME.mkdir(parents=True, exist_ok=True)
