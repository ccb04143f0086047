"""The checks file (`expectations/checks.yml`): loading and validation.

Every check's metadata and threshold live in that one file, never in code, so that the data
manager can tune a threshold or a severity without a code change. Loading validates the whole
file and reports every problem with the file, the check id and the key at fault.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from impresarc import settings
from impresarc.quality.check_schema import (
    CATEGORIES,
    EXPECTATIONS,
    HARMONIZED_SCOPES,
    LAYERS,
    LEVELS,
    OVERRIDE_MATCH_KEYS,
    RAW_SCOPES,
    SETTINGS_DEFAULTS,
    SEVERITIES,
    STATUSES,
    SUBCATEGORIES,
    entry_problems,
)

DEFAULT_CHECKS_FILE = settings.EXPECTATIONS_DIR / "checks.yml"
__all__ = [
    "CATEGORIES",
    "EXPECTATIONS",
    "HARMONIZED_SCOPES",
    "LAYERS",
    "LEVELS",
    "RAW_SCOPES",
    "SEVERITIES",
    "STATUSES",
    "SUBCATEGORIES",
    "CheckDefinition",
    "ChecksConfig",
    "ChecksConfigError",
    "Override",
    "load_checks",
]


class ChecksConfigError(ValueError):
    """The checks file is invalid; the message names the file, the check and the key."""


@dataclass(frozen=True)
class Override:
    """A change of threshold, severity, arguments or enablement for some centers/tables/fields."""

    center: str | tuple[str, ...] | None = None
    table: str | tuple[str, ...] | None = None
    field: str | tuple[str, ...] | None = None
    threshold: float | None = None
    severity: str | None = None
    enabled: bool | None = None
    kwargs: dict[str, Any] | None = None
    expectation: str | None = None

    def matches(self, center: str, table: str | None, field_name: str | None) -> bool:
        """Each of center, table, field: unset, or matching the name, glob or list given."""
        wanted = (self.center, self.table, self.field)
        actual = (center, table, field_name)
        return all(_name_matches(want, got) for want, got in zip(wanted, actual, strict=True))


def _name_matches(wanted: str | tuple[str, ...] | None, name: str | None) -> bool:
    if wanted is None:
        return True
    if name is None:
        return False
    patterns = wanted if isinstance(wanted, tuple) else (wanted,)
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


@dataclass(frozen=True)
class CheckDefinition:
    """One entry of the checks file (a raw-layer entry is a template over the center spec)."""

    id: str
    layer: str
    title: str
    description: str
    category: str
    subcategory: str
    level: str
    severity: str
    threshold: float
    expectation: str
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    fix: str = ""
    applies_to: str | None = None
    relation: str | tuple[str, ...] | None = None
    field: str | None = None
    fields: tuple[str, ...] = ()
    where: dict[str, Any] = dataclasses.field(default_factory=dict)
    show: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    notes: str = ""
    enabled: bool = True

    def resolved(self, center: str, table: str | None, field_name: str | None) -> Override:
        """Threshold, severity, enablement, expectation and arguments after the overrides."""
        threshold, severity, enabled = self.threshold, self.severity, self.enabled
        kwargs, expectation = dict(self.kwargs), self.expectation
        for override in self.overrides:
            if override.matches(center, table, field_name):
                threshold = threshold if override.threshold is None else override.threshold
                severity = override.severity or severity
                enabled = enabled if override.enabled is None else override.enabled
                if override.expectation and override.expectation != expectation:
                    kwargs = {}  # another expectation: the base arguments do not apply
                expectation = override.expectation or expectation
                kwargs.update(override.kwargs or {})
        return Override(
            threshold=threshold,
            severity=severity,
            enabled=enabled,
            kwargs=kwargs,
            expectation=expectation,
        )


@dataclass(frozen=True)
class ChecksConfig:
    """The whole checks file."""

    path: Path
    checks: tuple[CheckDefinition, ...]
    settings: dict[str, Any]

    def for_layer(self, layer: str) -> list[CheckDefinition]:
        return [check for check in self.checks if check.layer == layer]

    def get(self, check_id: str) -> CheckDefinition:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(check_id)


def load_checks(path: Path = DEFAULT_CHECKS_FILE) -> ChecksConfig:
    """Read and validate the checks file.

    Raises
    ------
    ChecksConfigError
        Listing every problem found, one per line, as ``file: check 'id': key 'k': problem``.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ChecksConfigError(f"{path}: cannot read the checks file: {error}") from error
    problems: list[str] = []
    if not isinstance(document, dict) or not isinstance(document.get("checks"), list):
        raise ChecksConfigError(f"{path}: top level must be a mapping with a list 'checks'")
    settings_block = {**SETTINGS_DEFAULTS, **(document.get("settings") or {})}
    checks: list[CheckDefinition] = []
    seen: set[str] = set()
    for position, entry in enumerate(document["checks"], start=1):
        label = entry.get("id", f"#{position}") if isinstance(entry, dict) else f"#{position}"
        found = entry_problems(entry)
        if isinstance(entry, dict) and entry.get("id") in seen:
            found.append(("id", "duplicate check id"))
        problems.extend(f"{path}: check '{label}': key '{k}': {p}" for k, p in found)
        if not found:
            seen.add(entry["id"])
            checks.append(_build(entry))
    if problems:
        raise ChecksConfigError("invalid checks file:\n" + "\n".join(problems))
    return ChecksConfig(path=path, checks=tuple(checks), settings=settings_block)


def _build(entry: dict) -> CheckDefinition:
    overrides = tuple(
        Override(
            **{
                k: tuple(v) if isinstance(v, list) and k in OVERRIDE_MATCH_KEYS else v
                for k, v in override.items()
            }
        )
        for override in entry.get("overrides", [])
    )
    values = {key: value for key, value in entry.items() if key != "overrides"}
    values["threshold"] = float(values["threshold"])
    for key in ("fields", "show"):
        values[key] = tuple(values.get(key, ()))
    if isinstance(values.get("relation"), list):
        values["relation"] = tuple(values["relation"])
    for key in ("description", "title", "fix", "notes"):
        if key in values:
            values[key] = " ".join(str(values[key]).split())
    return CheckDefinition(**values, overrides=overrides)
