"""Shared test configuration: every test runs with the offline/quiet environment."""

from __future__ import annotations

import pytest

from impresarc import settings

settings.apply_offline_env()


@pytest.fixture
def things_con():
    """In-memory DuckDB with `raw_t.things` (tests/quality_perf_support.py), closed after."""
    from tests.quality_perf_support import things_database

    connection = things_database()
    yield connection
    connection.close()
