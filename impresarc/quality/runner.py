"""Entry points of the data-quality stage: validate every center, record, report.

The flow calls `check_raw_layer` right after loading (before `dbt build`): a center whose
fatal raw check fails is put back to its previous raw data (`flows.ingest.gate`), so its new data
never reaches the marts. `run_quality_checks` then validates the harmonized layer after
`dbt build`, reuses those raw results, records everything and writes the reports.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from impresarc import settings
from impresarc.quality.config import DEFAULT_CHECKS_FILE, ChecksConfig, load_checks
from impresarc.quality.evaluate import run_instances
from impresarc.quality.frames import read_catalog
from impresarc.quality.gx_suite import GxSession
from impresarc.quality.ledger import LEDGER_EXPECTATIONS, run_ledger_checks
from impresarc.quality.plan import Catalog, harmonized_instances, raw_instances
from impresarc.quality.results import CheckResult, write_results


@dataclass
class QualityResult:
    """What the quality stage produced for one run.

    Attributes
    ----------
    fatal_centers
        Center -> reasons (one per fatal check that failed or could not run). The flow keeps
        these centers out of the marts (their previous marts rows stay).
    """

    run_id: str
    index_page: Path
    center_pages: dict[str, Path]
    fatal_centers: dict[str, list[str]]
    n_checks: int
    n_failed: int
    n_errors: int = 0
    data_docs: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    results: list[CheckResult] = field(default_factory=list, repr=False)

    def summary_text(self) -> str:
        blocked = ", ".join(sorted(self.fatal_centers)) or "none"
        return (
            f"{self.n_checks} checks, {self.n_failed} failed, {self.n_errors} errors; "
            f"blocked centers: {blocked}"
        )


@dataclass
class RawChecks:
    """Raw-layer results of the centers checked before `dbt build`, with their GX sessions.

    The sessions go on to validate the harmonized layer, so that each center's Data Docs
    site holds both layers.
    """

    results: dict[str, list[CheckResult]]
    sessions: dict[str, GxSession]
    seconds: float = 0.0

    @property
    def fatal_centers(self) -> dict[str, list[str]]:
        """Center -> reasons, for the centers a fatal raw check blocks."""
        return fatal_reasons([r for found in self.results.values() for r in found])


def check_raw_layer(
    build_db: Path,
    run_id: str,
    out_dir: Path,
    *,
    checks_file: Path = DEFAULT_CHECKS_FILE,
    spec_dir: Path = settings.CENTER_SPECS_DIR,
) -> RawChecks:
    """Validate the raw layer of every center present (the gate before `dbt build`).

    Parameters
    ----------
    out_dir
        The run's quality folder: each center's Data Docs site goes to
        ``out_dir/data_docs/<center_id>/`` (as with `run_quality_checks`).
    """
    started = time.perf_counter()
    config = load_checks(checks_file)
    specs = load_center_specs(spec_dir)
    limit = int(config.settings["violations_stored_per_check"])
    con = duckdb.connect(str(build_db))
    try:
        catalog = read_catalog(con)
        results, sessions = {}, {}
        for center_id in centers_present(con, run_id, specs):
            docs_dir = out_dir / "data_docs" / center_id
            session = sessions[center_id] = GxSession(center_id, run_id, docs_dir, limit)
            results[center_id] = check_raw_center(
                con,
                center_id,
                run_id,
                config=config,
                spec=specs[center_id],
                session=session,
                catalog=catalog,
            )
    finally:
        con.close()
    return RawChecks(results, sessions, time.perf_counter() - started)


def load_center_specs(spec_dir: Path = settings.CENTER_SPECS_DIR) -> dict:
    """Valid center specs by id (an invalid spec is the loader's to report, not ours)."""
    from flows.ingest.spec import load_specs

    return load_specs(spec_dir, invalid=[])


def centers_present(con: duckdb.DuckDBPyConnection, run_id: str, specs: dict) -> list[str]:
    """Centers having a raw schema, or a load attempt in this run (a first load may fail)."""
    schemas = {
        row[0]
        for row in con.execute(
            "select schema_name from duckdb_schemas() where schema_name like 'raw\\_%' escape '\\'"
        ).fetchall()
    }
    present = {schema.removeprefix("raw_") for schema in schemas}
    has_loads = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'ops' and table_name = 'loads'"
    ).fetchone()[0]
    if has_loads:
        present |= {
            row[0]
            for row in con.execute(
                "select distinct center_id from ops.loads where run_id = ?", [run_id]
            ).fetchall()
        }
    return sorted(center for center in present if center in specs)


def check_raw_center(
    con: duckdb.DuckDBPyConnection,
    center_id: str,
    run_id: str,
    *,
    config: ChecksConfig | None = None,
    spec=None,
    session: GxSession | None = None,
    catalog: Catalog | None = None,
) -> list[CheckResult]:
    """Validate one center's raw layer (`raw_<center_id>.*` and its load ledger).

    Returns the graded results without writing them; `CheckResult.is_blocking` tells whether a
    fatal check failed.
    """
    config = config or load_checks(DEFAULT_CHECKS_FILE)
    spec = spec or load_center_specs()[center_id]
    session = session or GxSession(center_id, run_id)
    catalog = catalog if catalog is not None else read_catalog(con)
    instances = raw_instances(config, center_id, spec, catalog)
    ledger = [i for i in instances if i.expectation in LEDGER_EXPECTATIONS]
    others = [i for i in instances if i.expectation not in LEDGER_EXPECTATIONS]
    results = run_ledger_checks(con, run_id, ledger)
    return results + run_instances(con, session, run_id, others, catalog)


def check_harmonized_center(
    con: duckdb.DuckDBPyConnection,
    center_id: str,
    run_id: str,
    *,
    config: ChecksConfig,
    session: GxSession,
    catalog: Catalog,
) -> list[CheckResult]:
    """Validate one center's staging views and its rows of the marts."""
    instances = harmonized_instances(config, center_id, catalog)
    return run_instances(con, session, run_id, instances, catalog)


def fatal_reasons(results: list[CheckResult]) -> dict[str, list[str]]:
    """Center -> the distinct reasons of its blocking checks (a missing file stops many)."""
    reasons: dict[str, dict[str, None]] = {}
    for result in results:
        if result.is_blocking:
            why = result.message or f"{result.status} at {result.where}"
            reasons.setdefault(result.center_id, {})[f"{result.check_id}: {why}"] = None
    return {center: list(found) for center, found in reasons.items()}


def run_quality_checks(
    build_db: Path,
    run_id: str,
    out_dir: Path,
    *,
    checks_file: Path = DEFAULT_CHECKS_FILE,
    spec_dir: Path = settings.CENTER_SPECS_DIR,
    centers: list[str] | None = None,
    data_docs: bool | list[str] = True,
    raw: RawChecks | None = None,
) -> QualityResult:
    """Run every check for every center present, record the results and write the reports.

    Parameters
    ----------
    build_db
        The internal build database; opened read-write (results are appended to
        `quality.check_results`) and closed before returning.
    out_dir
        Receives ``index.html``, ``<center_id>.html`` and ``data_docs/<center_id>/``.
    centers
        Only these centers (default: every center present).
    data_docs
        Build the Great Expectations Data Docs (a few seconds per center): all centers, none,
        or the centers listed.
    raw
        Raw-layer results already computed by `check_raw_layer` in this run: reused for
        those centers (with their GX sessions) instead of checking the raw layer again.
    """
    from impresarc.quality.report import write_reports

    timings: dict[str, float] = {}
    started = time.perf_counter()
    config = load_checks(checks_file)
    specs = load_center_specs(spec_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(build_db))
    try:
        present = centers_present(con, run_id, specs)
        chosen = [c for c in present if centers is None or c in centers]
        with_docs = chosen if data_docs is True else [c for c in chosen if c in (data_docs or [])]
        results, sessions = _validate_centers(
            con, run_id, chosen, config, specs, out_dir / "data_docs", with_docs, timings, raw
        )
        write_results(con, results, int(config.settings["violations_stored_per_check"]))
        clock = time.perf_counter()
        docs = {center: _offline(session.build_docs()) for center, session in sessions.items()}
        timings["data docs"] = time.perf_counter() - clock
        clock = time.perf_counter()
        pages = write_reports(con, run_id, results, config, specs, out_dir, docs)
        timings["reports"] = time.perf_counter() - clock
    finally:
        con.close()
    timings["total"] = time.perf_counter() - started
    return QualityResult(
        run_id=run_id,
        index_page=pages.index_page,
        center_pages=pages.center_pages,
        fatal_centers=fatal_reasons(results),
        n_checks=len(results),
        n_failed=sum(r.status == "failed" for r in results),
        n_errors=sum(r.status == "error" for r in results),
        data_docs={c: p for c, p in docs.items() if p is not None},
        seconds=timings,
        results=results,
    )


def _offline(index: Path | None) -> Path | None:
    from impresarc.quality.docs_offline import make_offline

    return make_offline(index) if index is not None and index.exists() else index


def _validate_centers(con, run_id, centers, config, specs, docs_root, with_docs, timings, raw):
    """Both layers of each center, with one GX session (one Data Docs site) per center."""
    results: list[CheckResult] = []
    sessions: dict[str, GxSession] = {}
    catalog = read_catalog(con)
    for center_id in centers:
        clock = time.perf_counter()
        if raw is not None and center_id in raw.results:
            # its session already holds the raw suites (and builds its Data Docs site)
            session = sessions[center_id] = raw.sessions[center_id]
            results += raw.results[center_id]
        else:
            docs_dir = docs_root / center_id if center_id in with_docs else None
            limit = int(config.settings["violations_stored_per_check"])
            session = sessions[center_id] = GxSession(center_id, run_id, docs_dir, limit)
            results += check_raw_center(
                con,
                center_id,
                run_id,
                config=config,
                spec=specs[center_id],
                session=session,
                catalog=catalog,
            )
        results += check_harmonized_center(
            con, center_id, run_id, config=config, session=session, catalog=catalog
        )
        timings[f"validate {center_id}"] = time.perf_counter() - clock
    return results, sessions
