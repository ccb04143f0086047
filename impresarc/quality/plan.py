"""Expand the checks file into concrete check instances for one center.

A raw-layer entry is a template applied to every table or column of the center spec
(`flows/centers/<id>.yml`); a harmonized entry names its relation, possibly with ``{center}``
(a staging view) or a template over the relation's columns. An instance is one check on one
center, one relation and at most one field, with its threshold and severity resolved.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any

from impresarc.quality.config import CheckDefinition, ChecksConfig

LINEAGE_COLUMNS = ("_source_file", "_source_line", "_source_sha256", "_loaded_at", "_run_id")
# never checked for completeness nor shown: identifiers and bookkeeping
_NOT_VARIABLES = {"center_id", "source_patient_id", "patient_key", "record_id", *LINEAGE_COLUMNS}
SOURCE_SUFFIX = "_source_value"
# how a staging view names the parsed sibling of `<x>_source_value`
_PARSED_SUFFIXES = ("", "_as_number")

Catalog = dict[str, dict[str, str]]  # "schema.table" -> {column: type}, in order


@dataclass(frozen=True)
class CheckInstance:
    """One check on one center, relation and field, ready to be validated."""

    check: CheckDefinition
    expectation: str  # the check's, or an override's for this center and field
    center_id: str
    relation: str
    field_name: str | None
    kwargs: dict[str, Any]
    where: dict[str, Any]
    threshold: float
    severity: str
    center_filter: bool = False
    show_columns: tuple[str, ...] = field(default=())
    label: str = ""  # how the center knows the relation: "patients.csv" for a raw table
    cells: tuple[str, ...] = ()  # all_cells: the columns whose cells are checked together
    missing_values: tuple[str, ...] = ()  # raw: the texts the center spec declares missing

    @property
    def key(self) -> str:
        """Unique within a center's run: the GX expectation carries it in its meta."""
        return f"{self.check.id}|{self.relation}|{self.field_name or ''}|{bool(self.cells)}"

    def columns_needed(self) -> list[str]:
        """Columns of the relation this check reads (besides the lineage columns)."""
        if self.cells:  # read unpivoted: whichever of the cells are there
            return []
        kwargs = self.kwargs
        names = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
        names += list(kwargs.get("column_list", []))
        names += list(self.where)
        return [name for name in dict.fromkeys(names) if name]


def relation_name(template: str, center_id: str) -> str:
    return template.replace("{center}", center_id)


def raw_instances(
    config: ChecksConfig, center_id: str, spec: Any, catalog: Catalog | None = None
) -> list[CheckInstance]:
    """Instances of the raw-layer templates over the tables and columns of a center spec.

    Parameters
    ----------
    spec
        A `flows.ingest.spec.CenterSpec` (its `tables[name].columns.required/optional`).
    catalog
        When given, `each_column` also covers the columns received that match the spec's
        patterns (the repeated groups of a wide export).
    """
    instances = []
    for check in config.for_layer("raw"):
        for table in spec.tables.values():
            relation = f"raw_{center_id}.{table.name}"
            received = list((catalog or {}).get(relation, {}))
            columns = _raw_columns(check.applies_to, table.columns, received)
            for column in columns:
                instance = _instance(check, center_id, relation, table.name, column)
                if instance is None:
                    continue
                if check.applies_to == "all_cells":
                    cells = tuple(c for c in _raw_columns("each_column", table.columns, received))
                    instance = dataclasses.replace(
                        instance, cells=cells, kwargs={**instance.kwargs, "column": "value"}
                    )
                instances.append(
                    dataclasses.replace(
                        instance, label=table.source_label, missing_values=table.missing_values
                    )
                )
    return instances


def _raw_columns(scope: str, columns: Any, received: list[str]) -> list[str | None]:
    required, optional = list(columns.required), list(columns.optional)
    repeated = [
        name
        for name in received
        if name not in LINEAGE_COLUMNS
        and name not in required + optional
        and any(re.fullmatch(pattern, name) for pattern in columns.patterns)
    ]
    return {
        "each_table": [None],
        "all_cells": [None],
        "each_required_column": required,
        "each_optional_column": optional,
        "each_named_column": required + optional,
        "each_column": required + optional + repeated,
    }.get(scope, [])


def harmonized_instances(
    config: ChecksConfig, center_id: str, catalog: Catalog
) -> list[CheckInstance]:
    """Instances of the harmonized-layer checks; templates expand over the catalog's columns.

    A relation may hold ``{center}`` and a ``*`` wildcard (``staging.stg_{center}__*``: every
    staging view of the center). A relation not in the catalog still gets its instances, which
    then report that the table is missing.
    """
    instances = []
    for check in config.for_layer("harmonized"):
        patterns = (check.relation,) if isinstance(check.relation, str) else check.relation
        relations = [
            relation
            for pattern in patterns
            for relation in matching_relations(relation_name(pattern, center_id), catalog)
        ]
        for relation in relations:
            columns = list(catalog.get(relation, {}))
            for column, where in _targets(check, columns):
                instance = _instance(check, center_id, relation, relation, column, where, columns)
                if instance is not None:
                    instances.append(instance)
    return instances


def matching_relations(pattern: str, catalog: Catalog) -> list[str]:
    if "*" not in pattern:
        return [pattern]
    return sorted(name for name in catalog if fnmatch.fnmatchcase(name, pattern))


def content_columns(columns: list[str]) -> list[str]:
    """The columns that hold data (not identifiers nor lineage)."""
    return [c for c in columns if c not in _NOT_VARIABLES]


def _targets(check: CheckDefinition, columns: list[str]) -> list[tuple[str | None, dict]]:
    if check.applies_to == "each_column":  # a text with a parsed sibling counts once
        parsed_texts = {source for source, _ in _parsed_pairs(columns)}
        return [(c, {}) for c in content_columns(columns) if c not in parsed_texts]
    if check.applies_to == "each_source_value":
        return _parsed_siblings(columns)
    if check.applies_to == "all_columns":
        return [(None, {})]
    return [(name, {}) for name in (check.fields or (check.field,))]


def _parsed_pairs(columns: list[str]) -> list[tuple[str, str]]:
    """(text column, parsed column) for each `<x>_source_value` with a sibling `<x>`."""
    pairs = []
    for source in columns:
        if not source.endswith(SOURCE_SUFFIX):
            continue
        stem = source[: -len(SOURCE_SUFFIX)]
        for suffix in _PARSED_SUFFIXES:
            if stem + suffix in columns:
                pairs.append((source, stem + suffix))
                break
    return pairs


def _parsed_siblings(columns: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(parsed column, filter on its source text) for each text with a parsed sibling."""
    return [(parsed, {source: "not_null"}) for source, parsed in _parsed_pairs(columns)]


def _fill(name: str, column: str | None) -> str:
    return name.replace("{field}", column or "")


def _instance(
    check: CheckDefinition,
    center_id: str,
    relation: str,
    override_table: str,
    column: str | None,
    extra_where: dict[str, Any] | None = None,
    all_columns: list[str] | None = None,
) -> CheckInstance | None:
    """One instance; `override_table` is the name overrides match (raw: the logical table)."""
    resolved = check.resolved(center_id, override_table, column)
    if not resolved.enabled:
        return None
    kwargs = dict(resolved.kwargs or {})
    expectation = resolved.expectation or check.expectation
    if column and expectation.startswith("expect_column_") and "column_A" not in kwargs:
        kwargs["column"] = column
    if check.applies_to == "all_columns":  # the whole line but its position in the file
        kwargs["column_list"] = [c for c in all_columns or [] if c not in LINEAGE_COLUMNS]
    where = {_fill(k, column): v for k, v in {**check.where, **(extra_where or {})}.items()}
    shown = [_fill(name, column) for name in check.show]
    if check.applies_to == "each_source_value":
        shown = list(extra_where or {})  # the text as received, not its (empty) parsed value
    return CheckInstance(
        check=check,
        expectation=expectation,
        center_id=center_id,
        relation=relation,
        field_name=column or check.field,
        kwargs=kwargs,
        where=where,
        threshold=float(resolved.threshold),
        severity=resolved.severity,
        center_filter=relation.startswith("marts."),
        show_columns=tuple(dict.fromkeys(shown)),
        label=relation,
    )
