"""Read-only access to the published warehouse for analysts: one query, a shell, run status."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


class WarehouseMissingError(FileNotFoundError):
    """No published warehouse at the given path yet."""


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the published file read-only, so a run can publish while it is open."""
    if not warehouse.exists():
        raise WarehouseMissingError(
            f"no published warehouse at {warehouse}: run `impresarc run` (or `make demo`) first, "
            "or pass --warehouse PATH"
        )
    return duckdb.connect(str(warehouse), read_only=True)


def run_query(warehouse: Path, sql: str, output_format: str = "table", out=sys.stdout) -> int:
    """Run one statement read-only and print its result; return the number of rows."""
    con = connect_read_only(warehouse)
    try:
        frame = con.execute(sql).df()
    finally:
        con.close()
    if output_format == "csv":
        frame.to_csv(out, index=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for column in frame.columns:
            table.add_column(str(column))
        for row in frame.itertuples(index=False):
            table.add_row(*("" if value is None else str(value) for value in row))
        Console(file=out, width=200).print(table)
    return len(frame)


def interactive_shell(warehouse: Path) -> None:
    """A minimal read-only SQL prompt: statements end with `;`, `.quit` leaves."""
    con = connect_read_only(warehouse)
    print(f"impresarc read-only shell on {warehouse}; end statements with ';', .quit to leave")
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input("impresarc> " if not buffer else "      ...> ")
            except EOFError:
                break
            if line.strip() in {".quit", ".exit"}:
                break
            buffer.append(line)
            if not line.rstrip().endswith(";"):
                continue
            statement = "\n".join(buffer)
            buffer.clear()
            try:
                print(con.execute(statement).df().to_string(index=False, max_rows=50))
            except duckdb.Error as error:
                print(f"error: {error}")
    finally:
        con.close()


def run_status(warehouse: Path, limit: int = 10) -> str:
    """The last runs recorded in the published warehouse, newest first."""
    con = connect_read_only(warehouse)
    try:
        runs = con.execute(
            f"select * from ops.runs order by started_at desc limit {int(limit)}"
        ).df()
        loads = con.execute(
            "select run_id, center_id, status, sum(rows_loaded) as rows_loaded "
            "from ops.loads group by all order by run_id, center_id"
        ).df()
    finally:
        con.close()
    lines = []
    for run in runs.to_dict("records"):
        run_loads = loads[loads.run_id == run["run_id"]]
        centers = ", ".join(
            f"{r.center_id}:{r.status}({int(r.rows_loaded or 0)} rows)"
            for r in run_loads.itertuples()
        )
        lines.append(
            f"{run['run_id']}  {run.get('status')}  started {run.get('started_at')}  "
            f"finished {run.get('finished_at')}\n    extracts {run.get('extracts_dir')}\n"
            f"    centers {centers or '-'}"
        )
    reports = warehouse.parent / "reports"
    lines.append(f"reports: {reports}")
    return "\n".join(lines)
