"""Read what the checks validate: one DataFrame per relation (or per raw table's cells).

Reading is plain `select <columns> from <relation>` (plus `where center_id = ?` for the marts):
the only shaping done is picking the columns the checks need and the lineage columns that
locate an offending record, and, for the checks over every cell of a raw table, unpivoting
it (one row per line, column and value) so that one expectation covers all its columns.

Text columns arrive as pandas categoricals (through Arrow, dictionary-encoded): the values are
the same, but a column of millions of repeated texts costs its distinct values only, in memory
and in every pass GX makes over it (null filters, membership, hashing, date parsing).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

import duckdb
import pandas as pd
import pyarrow as pa

from impresarc.quality.plan import Catalog, CheckInstance

LOCATING_COLUMNS = ("_source_file", "_source_line", "patient_key")
# Expectations whose pandas implementation gives the same result on a categorical column as on
# an object one, and as cheaply or cheaper (isnull, isin, duplicated, map). The others keep
# their columns as objects: those that order or compare values (between, a > b), and the
# pattern checks, which turn the column into fixed-width numpy strings first (rows × longest
# value: gigabytes for a long text in a big table).
CATEGORICAL_SAFE = frozenset(
    {
        "expect_column_to_exist",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_match_strftime_format",
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_table_row_count_to_be_between",
    }
)
# `Series.map` on a categorical maps its categories; when they map to distinct results it
# returns a categorical, on which GX's `~condition` fails. Two unused categories that no date
# format reads (so both map to False) keep the result a plain boolean array.
MAP_PADDING = ("\x00", "\x00\x00")
# Below this many rows a categorical saves nothing and costs its conversion.
CATEGORICAL_MIN_ROWS = 20_000


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
    params = None
    if instances[0].center_filter and "center_id" in columns:
        sql, params = sql + " where center_id = ?", [instances[0].center_id]
    # Columns whose values an ordering or pattern expectation reads stay objects. A column used
    # only in row conditions may be categorical: GX filters with `DataFrame.query` (equality,
    # `in`, `isnull`), which reads a categorical as it reads objects.
    compared = {c for i in instances if i.expectation not in CATEGORICAL_SAFE for c in _domain(i)}
    mapped = {
        c
        for i in instances
        if i.expectation == "expect_column_values_to_match_strftime_format"
        for c in i.columns_needed()
    }
    text = {c for c in wanted if columns[c] == "VARCHAR" and c not in compared}
    return fetch_frame(con, sql, params, text, mapped)


def _domain(instance: CheckInstance) -> list[str]:
    """The columns an instance's expectation reads values of (its row condition aside)."""
    kwargs = instance.kwargs
    names = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
    return [name for name in [*names, *kwargs.get("column_list", [])] if name]


def fetch_frame(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list | None = None,
    categorical: set[str] | frozenset[str] = frozenset(),
    padded: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """The query's rows as a DataFrame, its columns as DuckDB's own ``.df()`` converts them (a
    nullable integer or boolean dtype when the column holds a null, dates as
    ``datetime64[us]``…), except that from `CATEGORICAL_MIN_ROWS` rows on, the `categorical`
    (text) columns are categoricals.

    The query runs once, into Arrow: DuckDB's ``.df()`` costs milliseconds per column even for
    a few rows. The types converted here are those of the warehouse; any other one is handed
    back to DuckDB.

    Parameters
    ----------
    sql, params
        The query and its parameters.
    categorical
        Text columns to return as categoricals (when the result is big enough).
    padded
        Those of them read by a date-format check: given `MAP_PADDING` categories.
    """
    table = con.sql(sql, params=params).to_arrow_table()
    names = table.column_names
    if table.num_rows < CATEGORICAL_MIN_ROWS:
        categorical = frozenset()
    special: dict[str, pd.Series | None] = {}
    for name, values in zip(names, table.columns, strict=True):
        if name in categorical and _is_text(values.type):
            special[name] = _categorical(values, name in padded)
        elif not _arrow_converts_alike(values):
            special[name] = _nullable(values)
    frame = table.select([n for n in names if n not in special]).to_pandas(date_as_object=False)
    for name, values in zip(names, table.columns, strict=True):
        if pa.types.is_date32(values.type) and name not in special:
            try:  # (a date out of pandas' range, DuckDB's infinity: DuckDB's own conversion)
                frame[name] = frame[name].astype("datetime64[us]")
            except (OverflowError, ValueError):
                special[name] = None
    others = [name for name, column in special.items() if column is None]
    if others:
        converted = con.from_arrow(table.select(others)).df()
        special.update({name: converted[name] for name in others})
    if not special:
        return frame
    for name, column in special.items():
        frame[name] = column.to_numpy() if column.dtype == object else column.array
    return frame[names]


def _categorical(values: pa.ChunkedArray, padded: bool) -> pd.Series:
    """A text column as a categorical (nulls stay nulls), padded for `Series.map` if asked."""
    series = pd.Series(values.combine_chunks().dictionary_encode().to_pandas(), copy=False)
    if padded:
        series = series.cat.add_categories(
            [p for p in MAP_PADDING if p not in series.cat.categories]
        )
    return series


_NULLABLE = {
    pa.int64(): pd.Int64Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int8(): pd.Int8Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _arrow_converts_alike(values: pa.ChunkedArray) -> bool:
    """Whether Arrow's own conversion gives what DuckDB's ``.df()`` gives (dates but for their
    unit, fixed after): text, floats, dates, and integers or booleans without a null."""
    kind = values.type
    if kind in _NULLABLE:
        return values.null_count == 0
    return _is_text(kind) or pa.types.is_floating(kind) or pa.types.is_date32(kind)


def _nullable(values: pa.ChunkedArray) -> pd.Series | None:
    """An integer or boolean column holding a null, as DuckDB's nullable dtypes; None (for
    DuckDB to convert) for any other type."""
    if values.type in _NULLABLE:
        return pd.Series(_NULLABLE[values.type].__from_arrow__(values), copy=False)
    return None


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
    return fetch_frame(
        con,
        f"select _source_file, _source_line, column_name, value from ("
        f"unpivot (select {listed}, _source_file, _source_line "
        f"from {quote(schema)}.{quote(table)}) on {listed} into name column_name value value"
        f") where value <> ''",
        categorical={"_source_file", "column_name"},  # the values are checked with a pattern
    )
