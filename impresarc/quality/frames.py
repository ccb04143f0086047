"""Read what the checks validate: one DataFrame per relation (or per raw table's cells).

Reading is plain `select <columns> from <relation>` (plus `where center_id = ?` for the marts):
the only shaping done is picking the columns the checks need and the lineage columns that
locate an offending record, and, for the checks over every cell of a raw table, unpivoting
it (one row per line, column and value) so that one expectation covers all its columns.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

import duckdb
import pandas as pd

from impresarc.quality.plan import Catalog, CheckInstance

LOCATING_COLUMNS = ("_source_file", "_source_line", "patient_key")


def read_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """Every table and view of the database: ``schema.table`` -> {column: type}, in order."""
    rows = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() order by table_schema, table_name, "
        "ordinal_position"
    ).fetchall()
    catalog: Catalog = defaultdict(dict)
    for schema, table, column, data_type in rows:
        catalog[f"{schema}.{table}"][column] = data_type
    return dict(catalog)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_frame(con, relation: str, instances: list[CheckInstance], columns: dict[str, str]):
    """The columns the instances need, with the lineage columns, of the center's rows.

    A text that means "missing" is read as null: the empty text everywhere, and in the raw
    layer also the markers the center spec declares (``missing_values``: NA, ?…). GX then
    counts them as missing values, not as malformed ones; `raw_missing_marker` still sees
    them (it reads the cells as they are, `read_cells`).
    """
    wanted = [c for i in instances for c in i.columns_needed() if c in columns]
    wanted += [c for i in instances for c in i.show_columns if c in columns]
    wanted += [c for c in LOCATING_COLUMNS if c in columns]
    missing = ", ".join(literal(m) for m in dict.fromkeys(("", *instances[0].missing_values)))
    selected = []
    for column in dict.fromkeys(wanted):
        name = quote(column)
        if columns[column] == "VARCHAR" and column not in LOCATING_COLUMNS:
            selected.append(f"case when {name} in ({missing}) then null else {name} end as {name}")
        else:
            selected.append(name)
    schema, table = relation.split(".", 1)
    sql = f"select {', '.join(selected) or '1 as _one'} from {quote(schema)}.{quote(table)}"
    if instances[0].center_filter and "center_id" in columns:
        return con.execute(sql + " where center_id = ?", [instances[0].center_id]).df()
    return con.execute(sql).df()


def safe_name(column: str) -> str:
    """A column name GX's row conditions accept (they go through pandas `query`)."""
    return re.sub(r"[^\w ]", "_", column)


def renamed(instance: CheckInstance, aliases: dict[str, str]) -> CheckInstance:
    """The instance with its column names replaced by their aliases (its key is unchanged:
    it is made of the check, the relation and the field as named in the database)."""

    def alias(name):
        return aliases.get(name, name) if isinstance(name, str) else name

    kwargs = {k: alias(v) for k, v in instance.kwargs.items()}
    if "column_list" in kwargs:
        kwargs["column_list"] = [alias(c) for c in kwargs["column_list"]]
    where = {alias(k): v for k, v in instance.where.items()}
    return dataclasses.replace(instance, kwargs=kwargs, where=where)


def read_cells(con, relation: str, cells: tuple[str, ...], columns: list[str]):
    """Every non-empty cell of the table as one row (line, column, value): one expectation then
    checks all the columns of a table (GX's cost is per expectation, not per row)."""
    present = [c for c in cells if c in columns]
    schema, table = relation.split(".", 1)
    if not present:
        return pd.DataFrame(
            {"_source_file": [], "_source_line": [], "column_name": [], "value": []}
        )
    listed = ", ".join(quote(c) for c in present)
    return con.execute(
        f"select _source_file, _source_line, column_name, value from ("
        f"unpivot (select {listed}, _source_file, _source_line "
        f"from {quote(schema)}.{quote(table)}) on {listed} into name column_name value value"
        f") where value <> ''"
    ).df()
