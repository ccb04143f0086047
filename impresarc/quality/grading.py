"""Grading: a check instance and its counts become a `CheckResult` with its status."""

from __future__ import annotations

from impresarc.quality.plan import CheckInstance
from impresarc.quality.results import CheckResult, status_for


def missing_relation_result(run_id: str, instance: CheckInstance, label: str) -> CheckResult:
    message = f"table {label} not found"
    if instance.expectation == "relation_exists":
        return graded_result(run_id, instance, 1, 1, "tables", message)
    return make_result(run_id, instance, "error", message=message)


def graded_result(run_id, instance, checked: int, violating: int, unit: str, message: str = ""):
    status, pct = status_for(checked, violating, instance.threshold)
    return make_result(run_id, instance, status, checked, violating, pct, message, unit)


def make_result(
    run_id: str,
    instance: CheckInstance,
    status: str,
    checked: int | None = None,
    violating: int | None = None,
    pct: float | None = None,
    message: str = "",
    unit: str = "rows",
) -> CheckResult:
    check = instance.check
    fill = {"table": instance.label or instance.relation, "field": instance.field_name or ""}
    return CheckResult(
        run_id=run_id,
        center_id=instance.center_id,
        layer=check.layer,
        check_id=check.id,
        title=_fill(check.title, fill),
        description=_fill(check.description, fill),
        fix=_fill(check.fix, fill),
        category=check.category,
        subcategory=check.subcategory,
        level=check.level,
        severity=instance.severity,
        table_name=instance.relation,
        field_name=instance.field_name,
        threshold_pct=instance.threshold,
        status=status,
        rows_checked=checked,
        rows_violating=violating,
        pct_violating=pct,
        message=message,
        count_unit=unit,
    )


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text
