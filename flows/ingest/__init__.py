"""Ingestion engine: every center's extract into DuckDB, traceable, idempotent and safe.

A plain library (no Prefect import), wrapped by the flow in one task per center.

Public API
----------
load_specs(spec_dir) -> dict[str, CenterSpec]
check_extracts_folder(extracts_dir, specs) -> FolderCheck
ensure_ops_schema(con); start_run(con, run_id, extracts_dir, ...); finish_run(con, run_id, status)
load_center(con, spec, center_dir, run_id) -> CenterLoadResult
load_centers(con, specs, extracts_dir, run_id) -> dict[str, CenterLoadResult]
overall_status(results) -> RunStatus
"""

from flows.ingest.errors import (
    CenterLoadError,
    CenterStatus,
    ExtractsFolderError,
    FileStatus,
    IngestError,
    Issue,
    Level,
    RunStatus,
    SourceFileError,
    SpecError,
)
from flows.ingest.folder import FolderCheck, check_extracts_folder, resolve_extracts_dir
from flows.ingest.ledger import ensure_ops_schema, finish_run, start_run
from flows.ingest.load import DEFAULT_SPEC_DIR, load_center, new_run_id
from flows.ingest.results import CenterLoadResult, TableLoadResult, overall_status
from flows.ingest.runner import load_centers
from flows.ingest.spec import CenterSpec, ColumnsSpec, TableSpec, load_spec, load_specs
from flows.ingest.xlsx_text import cell_text

__all__ = [
    "DEFAULT_SPEC_DIR",
    "CenterLoadError",
    "CenterLoadResult",
    "CenterSpec",
    "CenterStatus",
    "ColumnsSpec",
    "ExtractsFolderError",
    "FileStatus",
    "FolderCheck",
    "IngestError",
    "Issue",
    "Level",
    "RunStatus",
    "SourceFileError",
    "SpecError",
    "TableLoadResult",
    "TableSpec",
    "cell_text",
    "check_extracts_folder",
    "ensure_ops_schema",
    "finish_run",
    "load_center",
    "load_centers",
    "load_spec",
    "load_specs",
    "new_run_id",
    "overall_status",
    "resolve_extracts_dir",
    "start_run",
]
