"""Scheduled runs: the run flow served as a Prefect deployment on a cron schedule."""

from __future__ import annotations

from pathlib import Path


def build_deployment(extracts: Path, warehouse: Path, cron: str, name: str = "nightly"):
    """A deployment of the run flow with its parameters and cron schedule (not yet served).

    Raises
    ------
    ValueError
        When `cron` is not a valid five-field cron expression.
    """
    from prefect.client.schemas.schedules import CronSchedule

    from flows.flow import impresarc_run

    try:
        CronSchedule(cron=cron)
    except ValueError as error:
        raise ValueError(f"invalid --cron {cron!r}: {error}") from None
    return impresarc_run.to_deployment(
        name=name,
        cron=cron,
        parameters={"extracts": str(extracts.resolve()), "warehouse": str(warehouse.resolve())},
        description="Nightly IMPRESARC harmonization run over every center's extract.",
    )


def serve_deployment(extracts: Path, warehouse: Path, cron: str) -> None:
    """Serve the deployment until interrupted (needs a standing Prefect server)."""
    from prefect import serve

    serve(build_deployment(extracts, warehouse, cron))
