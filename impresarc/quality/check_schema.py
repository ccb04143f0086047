"""The schema of the checks file: allowed values, keys, and the validation of one entry.

Kept apart from `config` (which loads the file) so each stays short; every problem is returned
as ``(key, what is wrong)`` and `config.load_checks` prefixes it with the file and check id.
"""

from __future__ import annotations

from typing import Any

LAYERS = ("raw", "harmonized")
CATEGORIES = ("conformance", "completeness", "plausibility")
SUBCATEGORIES = ("verification", "validation")
LEVELS = ("table", "field", "value")
SEVERITIES = ("fatal", "error", "warning")
STATUSES = ("passed", "failed", "not_applicable", "error")

# Templates. Raw: one instance per table or column of the center spec. Harmonized: one per
# column of the relation, one per `<x>_source_value` column having a parsed sibling `<x>`, or
# one per relation over all its content columns (exact duplicate rows).
RAW_SCOPES = (
    "each_table",
    "each_required_column",
    "each_optional_column",
    "each_named_column",  # required + optional
    "each_column",  # required + optional + received columns matching the spec's patterns
    "all_cells",  # one instance per table over all its cells (unpivoted: line, column, value)
)
HARMONIZED_SCOPES = ("each_column", "each_source_value", "all_columns")

# expectation -> (arguments it requires, shape of its domain). `relation_exists` and the
# `ledger_*` checks are not GX expectations: a relation that is not there cannot be handed to
# GX, and the load ledger is about files, not rows (see ledger.py).
EXPECTATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "relation_exists": ((), "relation"),
    "ledger_file_loaded": ((), "ledger"),
    "ledger_no_quarantined_lines": ((), "ledger"),
    "expect_table_row_count_to_be_between": ((), "table"),
    "expect_column_to_exist": ((), "column"),
    "expect_column_values_to_not_be_null": ((), "column_map"),
    "expect_column_values_to_be_between": ((), "column_map"),
    "expect_column_values_to_be_in_set": (("value_set",), "column_map"),
    "expect_column_values_to_not_be_in_set": (("value_set",), "column_map"),
    "expect_column_values_to_match_regex": (("regex",), "column_map"),
    "expect_column_values_to_not_match_regex": (("regex",), "column_map"),
    "expect_column_values_to_match_strftime_format": (("strftime_format",), "column_map"),
    "expect_column_values_to_be_unique": ((), "column_map"),
    "expect_column_pair_values_a_to_be_greater_than_b": (("column_A", "column_B"), "pair"),
    "expect_compound_columns_to_be_unique": (("column_list",), "multicolumn"),
}

CHECK_KEYS = {
    "id",
    "layer",
    "title",
    "description",
    "fix",
    "category",
    "subcategory",
    "level",
    "severity",
    "threshold",
    "expectation",
    "kwargs",
    "applies_to",
    "relation",
    "field",
    "fields",
    "where",
    "show",
    "overrides",
    "notes",
    "enabled",
}
REQUIRED_KEYS = (
    "id",
    "layer",
    "title",
    "description",
    "category",
    "subcategory",
    "level",
    "severity",
    "threshold",
    "expectation",
)
OVERRIDE_MATCH_KEYS = ("center", "table", "field")
OVERRIDE_SET_KEYS = ("threshold", "severity", "enabled", "kwargs", "expectation")
SETTINGS_DEFAULTS = {"violations_stored_per_check": 1000, "violations_listed_per_check": 100}


def entry_problems(entry: Any) -> list[tuple[str, str]]:
    """Every (key, problem) of one entry; empty when the entry is valid."""
    if not isinstance(entry, dict):
        return [("-", "each check must be a mapping")]
    problems = [(key, "unknown key") for key in entry if key not in CHECK_KEYS]
    problems += [(key, "missing") for key in REQUIRED_KEYS if key not in entry]
    for key, allowed in (
        ("layer", LAYERS),
        ("category", CATEGORIES),
        ("level", LEVELS),
        ("subcategory", SUBCATEGORIES),
        ("severity", SEVERITIES),
        ("expectation", tuple(EXPECTATIONS)),
    ):
        if key in entry and entry[key] not in allowed:
            problems.append((key, f"{entry[key]!r} is not one of {', '.join(allowed)}"))
    if "id" in entry and not (isinstance(entry["id"], str) and entry["id"].isidentifier()):
        problems.append(("id", "must be a snake_case identifier"))
    problems += _threshold_problems("threshold", entry.get("threshold", 0))
    problems += _mapping_problems(entry, ("kwargs", "where"))
    if entry.get("layer") == "raw" and entry.get("applies_to") not in RAW_SCOPES:
        problems.append(("applies_to", f"raw checks need one of {', '.join(RAW_SCOPES)}"))
    relation = entry.get("relation")
    names = [relation] if isinstance(relation, str) else relation
    if entry.get("layer") == "harmonized" and not (
        isinstance(names, list) and names and all(isinstance(n, str) for n in names)
    ):
        problems.append(("relation", "harmonized checks need the relation(s) they read"))
    is_harmonized = entry.get("layer") == "harmonized"
    if is_harmonized and entry.get("applies_to", HARMONIZED_SCOPES[0]) not in HARMONIZED_SCOPES:
        problems.append(("applies_to", f"harmonized templates: {', '.join(HARMONIZED_SCOPES)}"))
    shape = EXPECTATIONS.get(entry.get("expectation"), ((), ""))[1]
    needs_field = shape.startswith("column") and not entry.get("applies_to")
    if is_harmonized and needs_field and not (entry.get("field") or entry.get("fields")):
        problems.append(("field", f"{entry['expectation']} needs the column it checks"))
    required_kwargs = EXPECTATIONS.get(entry.get("expectation"), ((), ""))[0]
    kwargs = entry.get("kwargs") if isinstance(entry.get("kwargs"), dict) else {}
    if is_harmonized and not entry.get("applies_to"):  # templates fill in their arguments
        problems += [
            ("kwargs", f"missing argument {name!r}")
            for name in required_kwargs
            if name not in kwargs
        ]
    for key in ("enabled",):
        if key in entry and not isinstance(entry[key], bool):
            problems.append((key, "must be true or false"))
    for key in ("fields", "show"):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append((key, "must be a list of column names"))
    problems += _where_problems(entry.get("where"))
    problems += _override_problems(entry.get("overrides", []))
    return problems


def _threshold_problems(key: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        return [(key, f"{value!r} must be a percentage between 0 and 100")]
    return []


def _mapping_problems(entry: dict, keys: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (key, "must be a mapping")
        for key in keys
        if key in entry and not isinstance(entry[key], dict)
    ]


def _where_problems(where: Any) -> list[tuple[str, str]]:
    """`where` values: not_null, null, a scalar, a list or {not_in: [...]}."""
    if not isinstance(where, dict):
        return []
    problems = []
    for column, wanted in where.items():
        if isinstance(wanted, dict) and (
            set(wanted) != {"not_in"} or not isinstance(wanted["not_in"], list)
        ):
            problems.append((f"where.{column}", "a mapping must be {not_in: [values]}"))
    return problems


def _override_problems(overrides: Any) -> list[tuple[str, str]]:
    if not isinstance(overrides, list):
        return [("overrides", "must be a list")]
    problems = []
    for number, override in enumerate(overrides, start=1):
        key = f"overrides[{number}]"
        if not isinstance(override, dict):
            problems.append((key, "must be a mapping"))
            continue
        for name in override:
            if name not in OVERRIDE_MATCH_KEYS + OVERRIDE_SET_KEYS:
                problems.append((f"{key}.{name}", "unknown key"))
        if not any(name in override for name in OVERRIDE_SET_KEYS):
            problems.append((key, f"sets nothing (one of {', '.join(OVERRIDE_SET_KEYS)})"))
        for name in OVERRIDE_MATCH_KEYS:
            value = override.get(name)
            is_list = isinstance(value, list) and all(isinstance(v, str) for v in value)
            if value is not None and not (isinstance(value, str) or is_list):
                problems.append((f"{key}.{name}", "must be a name or a list of names"))
        if "threshold" in override:
            problems += _threshold_problems(f"{key}.threshold", override["threshold"])
        if "severity" in override and override["severity"] not in SEVERITIES:
            problems.append((f"{key}.severity", f"{override['severity']!r} is not a severity"))
        if "enabled" in override and not isinstance(override["enabled"], bool):
            problems.append((f"{key}.enabled", "must be true or false"))
        if "expectation" in override and override["expectation"] not in EXPECTATIONS:
            problems.append((f"{key}.expectation", f"{override['expectation']!r} is unknown"))
        if "kwargs" in override and not isinstance(override["kwargs"], dict):
            problems.append((f"{key}.kwargs", "must be a mapping"))
    return problems
