"""Publishing swaps in a complete warehouse atomically and never exposes the build layers."""

from __future__ import annotations

import os
import threading

import duckdb
import pytest

from flows.lock import RunLockedError, run_lock
from flows.publish import TEMP_SUFFIX, publish_warehouse


def _build_db(path, marker: int):
    con = duckdb.connect(str(path))
    for schema in ("raw_ref", "staging", "intermediate", "marts", "analysis", "quality", "ops"):
        con.execute(f"create schema if not exists {schema}")
    con.execute("create or replace table raw_ref.patients as select 'REF-000001' as patient_id")
    con.execute("create or replace table intermediate.crosswalk as select 'REF-000001' as id")
    con.execute(f"create or replace table marts.patients as select {marker} as marker")
    con.execute("create or replace table analysis.km_estimates as select 1 as x")
    con.execute("create or replace table quality.check_results as select 1 as x")
    con.execute("create or replace table ops.runs as select 'r1' as run_id")
    con.execute("create or replace table ops.quarantine as select 'REF-000001;x' as raw_text")
    con.close()


def _schemas_and_tables(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return set(
            con.execute("select table_schema || '.' || table_name from information_schema.tables")
            .fetchdf()
            .iloc[:, 0]
        )
    finally:
        con.close()


def test_publish_copies_only_published_schemas(tmp_path):
    build = tmp_path / "build.duckdb"
    _build_db(build, marker=1)
    result = publish_warehouse(build, tmp_path / "wh" / "impresarc.duckdb", "r1")
    tables = _schemas_and_tables(result.warehouse)
    assert tables == {
        "marts.patients",
        "analysis.km_estimates",
        "quality.check_results",
        "ops.runs",
    }
    assert result.snapshot is None


def test_republish_keeps_snapshots_and_readers_keep_working(tmp_path):
    build = tmp_path / "build.duckdb"
    warehouse = tmp_path / "wh" / "impresarc.duckdb"
    _build_db(build, marker=1)
    publish_warehouse(build, warehouse, "20260101T000000Z-a")
    reader = duckdb.connect(str(warehouse), read_only=True)
    for i, run_id in enumerate(["20260102T000000Z-b", "20260103T000000Z-c", "20260104T0Z-d"]):
        _build_db(build, marker=i + 2)
        publish_warehouse(build, warehouse, run_id, keep=2)
    # the reader opened before three publishes still sees its own consistent file
    assert reader.execute("select marker from marts.patients").fetchone()[0] == 1
    reader.close()
    fresh = duckdb.connect(str(warehouse), read_only=True)
    assert fresh.execute("select marker from marts.patients").fetchone()[0] == 4
    fresh.close()
    snapshots = sorted(p.name for p in (warehouse.parent / "snapshots").iterdir())
    assert len(snapshots) == 2, snapshots
    assert snapshots[-1] == "impresarc-before-20260104T0Z-d.duckdb"


def test_stale_temp_file_from_killed_publish_is_removed(tmp_path):
    build = tmp_path / "build.duckdb"
    warehouse = tmp_path / "impresarc.duckdb"
    _build_db(build, marker=7)
    stale = tmp_path / f"impresarc.duckdb{TEMP_SUFFIX}-deadrun"
    stale.write_bytes(b"half written")
    publish_warehouse(build, warehouse, "r2")
    assert not stale.exists()
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}*"))


def test_second_run_is_refused_while_first_holds_lock(tmp_path):
    lock = tmp_path / "run.lock"
    held, release = threading.Event(), threading.Event()

    def first_run():
        with run_lock(lock):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=first_run)
    thread.start()
    held.wait(5)
    with pytest.raises(RunLockedError, match="in progress"), run_lock(lock):
        pass
    release.set()
    thread.join()
    with run_lock(lock):  # released after the first run ends
        pass


def test_lock_is_reentrant_within_one_run(tmp_path):
    lock = tmp_path / "run.lock"
    with run_lock(lock), run_lock(lock):  # the CLI and then the flow of the same run
        pass


def test_second_run_waits_for_first(tmp_path):
    lock = tmp_path / "run.lock"
    order = []
    release = threading.Event()

    def first():
        with run_lock(lock):
            order.append("first-start")
            release.wait(5)
            order.append("first-end")

    thread = threading.Thread(target=first)
    thread.start()
    while not order:
        pass
    threading.Timer(0.6, release.set).start()
    with run_lock(lock, wait_seconds=10):
        order.append("second")
    thread.join()
    assert order == ["first-start", "first-end", "second"]


def test_lock_is_released_when_holder_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    lock = tmp_path / "run.lock"
    code = (
        "import time, pathlib; from flows.lock import run_lock\n"
        f"with run_lock(pathlib.Path({str(lock)!r})):\n"
        "    print('held', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    with pytest.raises(RunLockedError), run_lock(lock):
        pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.1)
    with run_lock(lock):
        pass
