"""dbt-duckdb plugin registering the IMPRESARC Python UDFs on the DuckDB connection.

`impresarc_hmac16(center_id, source_patient_id)` returns the first 16 hex characters of
HMAC-SHA256(key, "<center_id>:<source_patient_id>") where the key is read from the
environment variable IMPRESARC_PSEUDONYM_KEY (never from the profile or the project files).
Only the macro `pseudonymize()` calls it; only table models call the macro, so that no view
of the published warehouse depends on a UDF that an analyst's DuckDB session does not have.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from dbt.adapters.duckdb.plugins import BasePlugin

KEY_ENV_VAR = "IMPRESARC_PSEUDONYM_KEY"
UDF_NAME = "impresarc_hmac16"


def pseudonym(key: str, center_id: str, source_patient_id: str) -> str:
    """Reference implementation (also used by the tests)."""
    message = f"{center_id}:{source_patient_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:16]


def impresarc_hmac16(center_id: str | None, source_patient_id: str | None) -> str | None:
    """The UDF body: null in, null out; fails loudly when the key is not set."""
    if center_id is None or source_patient_id is None:
        return None
    key = os.environ.get(KEY_ENV_VAR)
    if not key:
        raise RuntimeError(f"{KEY_ENV_VAR} is not set: cannot pseudonymise patient ids")
    return pseudonym(key, center_id, source_patient_id)


class Plugin(BasePlugin):
    """Registers the UDFs once per database connection (its cursors share them)."""

    def configure_connection(self, conn) -> None:
        from duckdb.sqltypes import VARCHAR

        conn.create_function(
            UDF_NAME,
            impresarc_hmac16,
            [VARCHAR, VARCHAR],
            VARCHAR,
            null_handling="special",
            side_effects=False,
        )
