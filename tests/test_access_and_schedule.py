"""Analysts' read-only access to the published file, and the scheduled deployment."""

from __future__ import annotations

import io

import duckdb
import pytest

from impresarc.access import WarehouseMissingError, run_query, run_status


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "impresarc.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema ops")
    con.execute("create table marts.patients as select * from range(3) t(n)")
    con.execute(
        "create table ops.runs as select 'r1' as run_id, 'succeeded' as status, "
        "timestamp '2026-11-29 02:00:00' as started_at, timestamp '2026-11-29 02:01:00' "
        "as finished_at, '/data/x' as extracts_dir"
    )
    con.execute(
        "create table ops.loads as select 'r1' as run_id, 'ref' as center_id, "
        "'loaded' as status, 42 as rows_loaded"
    )
    con.close()
    return path


def test_sql_reads_published_file_read_only(warehouse):
    out = io.StringIO()
    assert run_query(warehouse, "select count(*) as n from marts.patients", "csv", out) == 1
    assert out.getvalue().splitlines() == ["n", "3"]
    with pytest.raises(duckdb.Error, match="read-only"):
        run_query(warehouse, "create table marts.x as select 1", "csv", io.StringIO())


def test_sql_while_a_writer_would_be_blocked_is_fine_for_readers(warehouse):
    holder = duckdb.connect(str(warehouse), read_only=True)
    out = io.StringIO()
    run_query(warehouse, "select 1 as one", "csv", out)
    holder.close()
    assert out.getvalue().splitlines()[-1] == "1"


def test_missing_warehouse_says_what_to_do(tmp_path):
    with pytest.raises(WarehouseMissingError, match="make demo"):
        run_query(tmp_path / "none.duckdb", "select 1")


def test_status_lists_runs_and_centers(warehouse):
    text = run_status(warehouse)
    assert "r1  succeeded" in text
    assert "ref:loaded(42 rows)" in text
    assert str(warehouse.parent / "reports") in text


def test_deployment_has_cron_schedule_and_parameters(tmp_path):
    from flows.deploy import build_deployment

    deployment = build_deployment(tmp_path / "extracts", tmp_path / "wh.duckdb", "0 2 * * *")
    assert deployment.name == "nightly"
    assert [s.schedule.cron for s in deployment.schedules] == ["0 2 * * *"]
    assert deployment.parameters["extracts"].endswith("extracts")
    assert deployment.parameters["warehouse"].endswith("wh.duckdb")


def test_invalid_cron_is_a_clear_error(tmp_path):
    from flows.deploy import build_deployment

    with pytest.raises(ValueError, match="invalid --cron"):
        build_deployment(tmp_path, tmp_path / "wh.duckdb", "every night")
