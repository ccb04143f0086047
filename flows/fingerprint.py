"""Skip the dbt build when nothing it reads has changed since the last successful build.

The marts are a pure function of the raw layer, the dbt project, the dbt vars and the
pseudonymisation key; when all four are unchanged a rebuild would reproduce them exactly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from impresarc import settings

DBT_INPUT_DIRS = ("models", "macros", "seeds", "tests", "plugins")
DBT_INPUT_FILES = ("dbt_project.yml", "profiles.yml")


def build_fingerprint(con: duckdb.DuckDBPyConnection, centers: list[str], key: str) -> str:
    """Digest of the raw data in place, the dbt project files, the centers and the key."""
    digest = hashlib.sha256()
    loads = con.execute(
        "select center_id, table_name, sha256, spec_sha256 from ops.current_loads "
        "order by center_id, table_name"
    ).fetchall()
    digest.update(json.dumps([list(row) for row in loads if row[0] in centers]).encode())
    project = settings.DBT_PROJECT_DIR
    files = [project / name for name in DBT_INPUT_FILES]
    for folder in DBT_INPUT_DIRS:
        files += sorted(p for p in (project / folder).rglob("*") if _is_source(p))
    for path in files:
        digest.update(str(path.relative_to(project)).encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(sorted(centers)).encode())
    digest.update(hashlib.sha256(key.encode()).digest())
    return digest.hexdigest()


def _is_source(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts


def last_built_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """Fingerprint of the last successful dbt build, if any."""
    con.execute(
        "create table if not exists ops.dbt_builds "
        "(run_id varchar, fingerprint varchar, built_at timestamp default current_timestamp)"
    )
    row = con.execute(
        "select fingerprint from ops.dbt_builds order by built_at desc limit 1"
    ).fetchone()
    return row[0] if row else None


def record_build(con: duckdb.DuckDBPyConnection, run_id: str, fingerprint: str) -> None:
    """Remember a successful dbt build."""
    last_built_fingerprint(con)  # creates the table on first use
    con.execute(
        "insert into ops.dbt_builds (run_id, fingerprint) values (?, ?)", [run_id, fingerprint]
    )
