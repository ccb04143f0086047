"""The generic test `not_null_columns` (dbt_project/tests/generic/) fails on a null and names it.

It replaces the per-column `not_null` tests of staging, intermediate and seeds (one dbt node per
model instead of one per column). A throwaway dbt project in a temporary folder holds a three-row
fixture model and the project's own generic test file; one `dbt build --store-failures` runs a
failing and a passing case (a few seconds: no cohort, no raw layer).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.dbt_fixtures import DBT_PROJECT_DIR

GENERIC_TEST = DBT_PROJECT_DIR / "tests" / "generic" / "not_null_columns.sql"

FIXTURE_MODEL = """\
select *
from (values (1, 'a', null), (2, null, null), (3, 'c', 3)) as fixture (id, label, score)
"""

SCHEMA_YML = """\
version: 2
models:
- name: fixture
  data_tests:
  - not_null_columns:
      arguments:
        columns: [id, label, score]
  - not_null_columns:
      arguments:
        columns: [id]
"""


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict, Path]:
    root = tmp_path_factory.mktemp("not_null_columns")
    (root / "models").mkdir()
    (root / "tests" / "generic").mkdir(parents=True)
    shutil.copy(GENERIC_TEST, root / "tests" / "generic" / GENERIC_TEST.name)
    (root / "models" / "fixture.sql").write_text(FIXTURE_MODEL)
    (root / "models" / "schema.yml").write_text(SCHEMA_YML)
    (root / "dbt_project.yml").write_text(
        "name: not_null_columns_fixture\nversion: '1.0'\nconfig-version: 2\nprofile: fixture\n"
    )
    database = root / "fixture.duckdb"
    (root / "profiles.yml").write_text(
        "fixture:\n  target: dev\n  outputs:\n    dev:\n"
        f"      type: duckdb\n      path: '{database}'\n      threads: 1\n"
    )
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DO_NOT_TRACK="1")
    command = [sys.executable, "-m", "dbt.cli.main", "build", "--store-failures"]
    command += ["--project-dir", str(root), "--profiles-dir", str(root)]
    proc = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    run_results = json.loads((root / "target" / "run_results.json").read_text())
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in run_results["results"]}
    return proc, statuses, database


def test_fails_when_a_listed_column_holds_a_null(fixture_build):
    proc, statuses, _ = fixture_build
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    failing = "not_null_columns_fixture_id__label__score"
    assert statuses[failing] == "fail", statuses
    # dbt's failure summary names the test, hence the columns it checks
    assert f"Failure in test {failing}" in output, output


def test_failure_rows_name_each_null_column_and_count_its_rows(fixture_build):
    _, _, database = fixture_build
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select column_name, n_null_rows"
            " from main_dbt_test__audit.not_null_columns_fixture_id__label__score"
            " order by column_name"
        ).fetchall()
    assert rows == [("label", 1), ("score", 2)]


def test_passes_when_the_listed_columns_have_no_null(fixture_build):
    _, statuses, _ = fixture_build
    assert statuses["not_null_columns_fixture_id"] == "pass", statuses
