"""Great Expectations: one suite per relation of a center, validated on a pandas DataFrame.

GX cannot read DuckDB through SQLAlchemy, so each relation is read into a DataFrame and
validated with an ephemeral context (one per center, so that a center's Data Docs hold only
that center). GX is imported here only, inside the methods: importing it costs seconds.

GX's fixed cost per expectation and per Data Docs page is cut by the shortcuts of
`gx_shortcuts`, scoped to the validation and the site build: each computes once what GX would
compute again with the same inputs, so results and pages are unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from impresarc.quality.gx_expectations import (
    COLUMN_PRESENCE,
    PRESENCE_KEY,
    GxOutcome,
    build_expectation,
    locating_expectations,
    presence_outcomes,
    read_outcome,
)
from impresarc.quality.gx_shortcuts import (
    configurations_computed_once,
    distinct,
    nothing,
    row_conditions_applied_once,
    templates_compiled_once,
)
from impresarc.quality.plan import CheckInstance

# result keys that carry values or row positions: removed before Data Docs are rendered,
# so that no value of an extract (an id, a date) reaches the rendered pages
_VALUE_KEYS = (
    "partial_unexpected_list",
    "partial_unexpected_counts",
    "partial_unexpected_index_list",
    "unexpected_list",
    "unexpected_index_list",
    "unexpected_index_query",
    "details",
    "unexpected_rows",
)
SMALL_COUNT = 5
OFFENDING_SUFFIX = ".offending_rows"


class GxSession:
    """An ephemeral GX context validating one center's relations, with its own Data Docs site."""

    def __init__(
        self, center_id: str, run_id: str, docs_dir: Path | None = None, limit: int = 1000
    ):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.center_id = center_id
        self.run_id = run_id
        self.docs_dir = docs_dir
        self.limit = limit  # offending rows located per failing check
        self.docs_error: str | None = None
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        # An ephemeral context "saves" its configuration after every change (a data source
        # added or deleted, a suite added) by dumping it as YAML into memory, which nothing
        # reads back: a third of the cost of a small relation's validation.
        self.context._save_project_config = nothing
        if docs_dir is not None:
            self.context.add_data_docs_site(
                "impresarc",
                {
                    "class_name": "SiteBuilder",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(docs_dir),
                    },
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )

    def validate(
        self, relation: str, frame: pd.DataFrame, instances: list[CheckInstance]
    ) -> dict[str, GxOutcome]:
        """Validate one relation's DataFrame against its instances' expectations.

        GX's cost is per expectation, so: the column-presence instances of a relation share one
        `expect_table_columns_to_match_set`; every expectation runs with the basic result
        format; only the failing ones run again with the summary format (three to four times
        dearer), for the positions of their first `limit` offending rows.

        Returns
        -------
        dict
            Outcome by instance key; an expectation GX refused or could not compute has an
            outcome with `error` set (never an exception).
        """
        import great_expectations.expectations as gxe

        outcomes: dict[str, GxOutcome] = {}
        expectations: dict[str, Any] = {}
        presence = [i for i in instances if i.expectation == COLUMN_PRESENCE]
        for instance in (i for i in instances if i.expectation != COLUMN_PRESENCE):
            try:
                expectations[instance.key] = build_expectation(gxe, instance)
            except Exception as error:  # noqa: BLE001 - a bad check must not stop the others
                outcomes[instance.key] = GxOutcome(error=f"invalid expectation: {error}")
        if presence:
            expectations[PRESENCE_KEY] = gxe.ExpectTableColumnsToMatchSet(
                column_set=sorted({i.kwargs["column"] for i in presence}),
                exact_match=False,
                meta={"check_key": PRESENCE_KEY},
            )
        if not expectations:
            return outcomes
        # A data source per relation, deleted once validated: its execution engine caches
        # every batch it loaded, which would keep all of a center's DataFrames in memory.
        datasource = self.context.data_sources.add_pandas(name=relation)
        batch = datasource.add_dataframe_asset(name=relation).add_batch_definition_whole_dataframe(
            "whole_table"
        )
        try:
            return self._validate_batch(relation, batch, frame, instances, expectations, outcomes)
        finally:
            self.context.data_sources.delete(relation)

    def _validate_batch(self, relation, batch, frame, instances, expectations, outcomes):
        import great_expectations.expectations as gxe
        from great_expectations.validator.v1_validator import Validator

        presence = [i for i in instances if i.expectation == COLUMN_PRESENCE]
        name = f"{self.center_id}.{relation}"
        # One validator for both passes: the batch is loaded (and fingerprinted by GX, a hash
        # of the whole DataFrame) once.
        validator = Validator(
            batch_definition=batch,
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "BASIC", "partial_unexpected_count": 0},
        )
        found = self._run(name, validator, list(expectations.values()), store=True)
        outcomes.update(found)
        again = locating_expectations(gxe, instances, found)
        if again:
            validator.result_format = {
                "result_format": "SUMMARY",
                "partial_unexpected_count": self.limit,
            }
            located = self._run(name + OFFENDING_SUFFIX, validator, again, store=False)
            for key, outcome in located.items():
                outcomes[key].unexpected_index = outcome.unexpected_index
        if presence:
            outcomes.update(presence_outcomes(presence, outcomes.pop(PRESENCE_KEY)))
        return outcomes

    def _run(self, name, validator, expectations, *, store: bool) -> dict[str, GxOutcome]:
        """Validate with GX's validator directly: the store is written only for Data Docs.

        (`ValidationDefinition.run` always serializes its result into the store, which costs
        as much as a third of the validation itself.)
        """
        suite = self._gx.ExpectationSuite(name=name, expectations=distinct(expectations))
        with configurations_computed_once(), row_conditions_applied_once():
            result = validator.validate_expectation_suite(suite)
        outcomes = {
            item.expectation_config.meta["check_key"]: read_outcome(item) for item in result.results
        }
        if store and self.docs_dir is not None:
            self._store_for_docs(suite, validator, result)
        return outcomes

    def _store_for_docs(self, suite, validator, result) -> None:
        """Keep a result (and its suite) for the Data Docs, sanitized: in place, since the
        caller has read what it needs from it."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        self.context.suites.add(suite)
        run_id = RunIdentifier(run_name=self.run_id)
        result.meta.update(run_id=run_id, validation_time=run_id.run_time)
        suite_id = ExpectationSuiteIdentifier(name=suite.name)
        key = ValidationResultIdentifier(
            batch_identifier=validator.active_batch_id,
            expectation_suite_identifier=suite_id,
            run_id=run_id,
        )
        self.context.validation_results_store.store_validation_results(
            strip_values(result), key, suite_id
        )

    def build_docs(self) -> Path | None:
        """Render this center's Data Docs (from results stripped of values and small counts)."""
        if self.docs_dir is None:
            return None
        try:
            with templates_compiled_once():
                self.context.build_data_docs(site_names=["impresarc"])
        except Exception as error:  # noqa: BLE001 - the docs are a convenience, never a blocker
            self.docs_error = f"Data Docs not built: {error}"
            return None
        return self.docs_dir / "index.html"


def strip_values(validation_result):
    """Strip a suite validation result of values, row positions and counts of 1–4, in place.

    GX validates counts as integers, so a small count is removed (with whatever would give it
    away) rather than written "< 5"; what remains keeps GX's renderers working. In place: the
    caller has read its outcomes from the result already, so no copy is needed.

    Returns
    -------
    ExpectationSuiteValidationResult
        The same object, stripped.
    """
    clean = validation_result
    for item in clean.results:
        result = item.result or {}
        for key in _VALUE_KEYS:
            result.pop(key, None)
        if _is_small(result.get("unexpected_count")) or _is_small(result.get("element_count")):
            for key in [k for k in result if k.startswith("unexpected") or k == "element_count"]:
                result.pop(key)
        if _is_small(result.get("missing_count")):
            total = result.get("unexpected_percent_total")
            for key in ("missing_count", "missing_percent", "unexpected_percent_nonmissing"):
                result.pop(key, None)
            if total is not None:  # a share of all rows does not give the missing count away
                result["unexpected_percent"] = total
        if _is_small(result.get("observed_value")):
            result["observed_value"] = f"< {SMALL_COUNT}"
    return clean


def _is_small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_COUNT
