"""Great Expectations objects from check instances, and check outcomes from GX results.

Kept apart from the session (`gx_suite`) so each stays short. GX is imported by the callers
and passed in (`gxe`) or imported inside the functions: importing it costs seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from impresarc.quality.plan import CheckInstance
from impresarc.quality.results import status_for

COLUMN_PRESENCE = "expect_column_to_exist"
PRESENCE_KEY = "columns present"


@dataclass
class GxOutcome:
    """What GX reported for one expectation, reduced to what a check result needs."""

    success: bool | None = None
    element_count: int | None = None
    missing_count: int = 0
    unexpected_count: int | None = None
    unexpected_index: list[int] = field(default_factory=list)
    observed_value: Any = None
    details: dict = field(default_factory=dict)
    error: str | None = None


def expectation_class_name(snake_name: str) -> str:
    """``expect_column_pair_values_a_to_be_greater_than_b`` -> ``ExpectColumnPair…ThanB``."""
    return "".join(part.capitalize() for part in snake_name.split("_"))


def row_condition(where: dict[str, Any]):
    """A GX row condition from the checks file's ``where`` mapping (all terms AND-ed).

    Values: ``not_null``, ``null``, a list (membership), ``{not_in: [...]}`` or a scalar
    (equality). An empty text is read as null (`frames.read_frame`).
    """
    if not where:
        return None
    from great_expectations.expectations.row_conditions import Column

    terms = []
    for name, wanted in where.items():
        column = Column(name)
        if wanted == "not_null":
            terms.append(column.is_not_null())
        elif wanted == "null":
            terms.append(column.is_null())
        elif isinstance(wanted, list):
            terms.append(column.is_in(wanted))
        elif isinstance(wanted, dict):
            terms.append(column.is_not_in(wanted["not_in"]))
        else:
            terms.append(column == wanted)
    condition = terms[0]
    for term in terms[1:]:
        condition = condition & term
    return condition


def graded_counts(outcome: GxOutcome) -> tuple[int, int]:
    """(rows checked, rows violating) of a map expectation: nulls are left out (GX's rule),
    except by a not-null expectation, whose unexpected values are the nulls."""
    checked = (outcome.element_count or 0) - outcome.missing_count
    return checked, outcome.unexpected_count or 0


def locating_expectations(gxe, instances: list[CheckInstance], found: dict) -> list:
    """The expectations of the failing checks, to run again to locate the offending rows."""
    again = []
    for instance in instances:
        outcome = found.get(instance.key)
        if outcome is None or outcome.error or outcome.unexpected_count is None:
            continue
        checked, violating = graded_counts(outcome)
        if status_for(checked, violating, instance.threshold)[0] != "failed":
            continue  # only a failing check lists its offending records
        again.append(build_expectation(gxe, instance))
    return again


def presence_outcomes(instances: list[CheckInstance], shared: GxOutcome) -> dict:
    """One outcome per column-presence instance from the table's shared expectation."""
    if shared.error:
        return {i.key: GxOutcome(error=shared.error) for i in instances}
    missing = set(shared.details.get("mismatched", {}).get("missing", []))
    return {i.key: GxOutcome(success=i.kwargs["column"] not in missing) for i in instances}


def build_expectation(gxe, instance: CheckInstance):
    cls = getattr(gxe, expectation_class_name(instance.expectation))
    kwargs = dict(instance.kwargs)
    shape_is_map = instance.expectation not in (
        "expect_column_to_exist",
        "expect_table_row_count_to_be_between",
    )
    if shape_is_map:
        # GX's own verdict follows the same threshold, so Data Docs agree with our status
        kwargs.setdefault("mostly", max(0.0, 1.0 - instance.threshold / 100.0))
        condition = row_condition(instance.where)
        if condition is not None:
            kwargs["row_condition"] = condition
    meta = {
        "check_key": instance.key,
        "check_id": instance.check.id,
        "severity": instance.severity,
        "threshold_pct": instance.threshold,
    }
    return cls(**kwargs, meta=meta, notes=instance.check.description)


def read_outcome(item) -> GxOutcome:
    error = _exception_message(item.exception_info)
    result = item.result or {}
    return GxOutcome(
        success=item.success,
        element_count=result.get("element_count"),
        missing_count=result.get("missing_count") or 0,
        unexpected_count=result.get("unexpected_count"),
        unexpected_index=list(
            result.get("unexpected_index_list") or result.get("partial_unexpected_index_list") or []
        ),
        observed_value=result.get("observed_value"),
        details=result.get("details") or {},
        error=error,
    )


def _exception_message(info: Any) -> str | None:
    """GX puts exceptions either flat or keyed by metric id; return the first message."""
    if not isinstance(info, dict):
        return None
    candidates = [info] + [value for value in info.values() if isinstance(value, dict)]
    for candidate in candidates:
        if candidate.get("raised_exception") or candidate.get("exception_message"):
            message = candidate.get("exception_message") or "the check raised an exception"
            return str(message).strip().splitlines()[-1][:500]
    return None
