"""The `impresarc` command line.

Heavy libraries (Prefect, dbt, GX, lifelines) are imported inside the commands that use them so
that `impresarc --help` and light commands start fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from impresarc import settings

app = typer.Typer(
    help="IMPRESARC clinical data warehouse: synthesize, harmonize, validate, analyse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main() -> None:
    settings.apply_offline_env()


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write centers/ and truth/ into.")],
    patients: Annotated[int, typer.Option(min=6, help="Cohort size.")] = 272,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 20250101,
) -> None:
    """Write a synthetic six-center cohort: per-center extracts plus the planted truth."""
    from impresarc.synth import generate

    summary = generate(out, patients=patients, seed=seed)
    typer.echo(f"wrote {summary.n_patients} patients to {out}")


@app.command()
def run(
    extracts: Annotated[
        Path, typer.Option(help="Folder with one sub-folder per center (or holding centers/).")
    ],
    warehouse: Annotated[
        Path, typer.Option(help="Published DuckDB file for analysts.")
    ] = settings.DEFAULT_WAREHOUSE,
    allow_partial: Annotated[
        bool, typer.Option(help="Exit 0 even when some centers failed to load.")
    ] = False,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for a run already in progress (0: refuse).")
    ] = 0.0,
    keep_snapshots: Annotated[
        int, typer.Option(help="Dated snapshots of previous warehouses to keep.")
    ] = 5,
    summary_json: Annotated[
        Path | None, typer.Option(help="Also write the run summary as JSON to this file.")
    ] = None,
) -> None:
    """Load, harmonize, validate, analyse, report and publish one run."""
    import json

    from flows.lock import RunLockedError
    from flows.run import run_pipeline

    try:
        result = run_pipeline(
            extracts=extracts,
            warehouse=warehouse,
            allow_partial=allow_partial,
            keep_snapshots=keep_snapshots,
            wait_seconds=wait,
        )
    except RunLockedError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(3) from None
    typer.echo(result.summary_text())
    if summary_json:
        summary_json.write_text(json.dumps(result.to_json(), indent=2))
    raise typer.Exit(result.exit_code)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Demo folder.")] = settings.DEFAULT_DEMO_DIR,
    patients: Annotated[int, typer.Option(min=6, help="Cohort size.")] = 272,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 20250101,
) -> None:
    """Synthesize the default cohort into ./demo/, run the pipeline, print a summary."""
    from flows.run import run_pipeline
    from impresarc.synth import generate

    generate(out, patients=patients, seed=seed)
    result = run_pipeline(
        extracts=out / "centers", warehouse=out / "warehouse" / "impresarc.duckdb"
    )
    typer.echo(result.summary_text())
    raise typer.Exit(result.exit_code)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One SQL statement, run read-only.")],
    warehouse: Annotated[Path, typer.Option(help="Published warehouse.")] = (
        settings.DEFAULT_WAREHOUSE
    ),
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
) -> None:
    """Run one query on the published warehouse, read-only."""
    from impresarc.access import run_query

    run_query(warehouse, query, "csv" if csv else "table")


@app.command()
def shell(
    warehouse: Annotated[Path, typer.Option(help="Published warehouse.")] = (
        settings.DEFAULT_WAREHOUSE
    ),
) -> None:
    """Open an interactive read-only SQL prompt on the published warehouse."""
    from impresarc.access import interactive_shell

    interactive_shell(warehouse)


@app.command()
def status(
    warehouse: Annotated[Path, typer.Option(help="Published warehouse.")] = (
        settings.DEFAULT_WAREHOUSE
    ),
    limit: Annotated[int, typer.Option(help="How many runs to show.")] = 10,
) -> None:
    """Show the last runs: when, which extracts, which centers loaded, where the reports are."""
    from impresarc.access import run_status

    typer.echo(run_status(warehouse, limit))


@app.command()
def serve(
    extracts: Annotated[Path, typer.Option(help="Folder with one sub-folder per center.")],
    cron: Annotated[str, typer.Option(help="Cron schedule, e.g. '0 2 * * *'.")] = "0 2 * * *",
    warehouse: Annotated[Path, typer.Option(help="Published warehouse.")] = (
        settings.DEFAULT_WAREHOUSE
    ),
) -> None:
    """Serve the run flow as a Prefect deployment on a cron schedule (needs PREFECT_API_URL)."""
    from flows.deploy import serve_deployment

    serve_deployment(extracts, warehouse, cron)


if __name__ == "__main__":
    app()
