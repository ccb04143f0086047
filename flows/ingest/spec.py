"""Center specs: one YAML file per center, ``flows/centers/<center_id>.yml``, validated on load.

A spec says, for each logical table the center sends, which file (or workbook sheet) holds it
and how to read it. See ``docs/adding_a_center.md`` for the format and worked examples.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from flows.ingest.errors import SpecError
from flows.ingest.spec_checks import MISSING, SpecReader, join
from flows.ingest.spec_model import (
    BUILTIN_DEFAULTS,
    CENTER_ID_PATTERN,
    COLUMN_KEYS,
    FORMATS,
    LOGICAL_TABLES,
    TABLE_KEYS,
    TOP_KEYS,
    CenterSpec,
    ColumnsSpec,
    TableSpec,
)

__all__ = ["CenterSpec", "ColumnsSpec", "TableSpec", "load_spec", "load_specs"]


def load_specs(spec_dir: Path, *, invalid: list[SpecError] | None = None) -> dict[str, CenterSpec]:
    """Load and validate every ``*.yml`` spec of a folder.

    Parameters
    ----------
    spec_dir : Path
        Folder holding one ``<center_id>.yml`` per center.
    invalid : list of SpecError, optional
        When given, each invalid spec is appended here and left out of the result, so the
        other centers can still load. When omitted, the first invalid spec raises.

    Returns
    -------
    dict[str, CenterSpec]
        Valid specs by center id, in file-name order.

    Raises
    ------
    SpecError
        An invalid spec, when `invalid` is not given (or when the folder does not exist).
    """
    spec_dir = Path(spec_dir)
    if not spec_dir.is_dir():
        raise SpecError(str(spec_dir), "", [f"{spec_dir}: spec folder not found"])
    specs: dict[str, CenterSpec] = {}
    for path in sorted(spec_dir.glob("*.yml")):
        try:
            spec = load_spec(path)
        except SpecError as error:
            if invalid is None:
                raise
            invalid.append(error)
            continue
        specs[spec.center_id] = spec
    return specs


def load_spec(path: Path) -> CenterSpec:
    """Read and validate one spec file; raise `SpecError` listing every problem."""
    label = _display_path(path)
    center_id = path.stem
    reader = SpecReader(label)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(label, center_id, [f"{label}: cannot read the file: {error}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(label, center_id, [f"{label}: not valid YAML{where}: {problem}"]) from None
    spec = _parse_center(document, center_id, label, reader)
    if reader.problems or spec is None:
        # A bad `defaults:` value is seen once per table: report it once.
        problems = list(dict.fromkeys(reader.problems)) or [f"{label}: invalid spec"]
        raise SpecError(label, center_id, problems)
    return spec


def _parse_center(
    document: Any, center_id: str, label: str, reader: SpecReader
) -> CenterSpec | None:
    if not re.fullmatch(CENTER_ID_PATTERN, center_id):
        reader.problem(
            "",
            f"the file name must be <center_id>.yml with a center id matching "
            f"{CENTER_ID_PATTERN}, got {center_id!r}",
        )
    top = reader.mapping(document, "(top level)")
    if top is None:
        return None
    reader.check_keys(top, "", TOP_KEYS, required=("tables",))
    if "center_id" in top and top["center_id"] != center_id:
        reader.problem(
            "center_id", f"must match the file name {center_id!r}, got {top['center_id']!r}"
        )
    description = top.get("description")
    if description is not None:
        reader.string(description, "description")
    spec_defaults: dict[str, Any] = {}
    if "defaults" in top:
        spec_defaults = reader.mapping(top["defaults"], "defaults") or {}
        reader.check_keys(spec_defaults, "defaults", BUILTIN_DEFAULTS)
    tables_raw = reader.mapping(top.get("tables", {}), "tables") or {}
    if "tables" in top and not tables_raw:
        reader.problem("tables", "expected at least one table")
    tables = {}
    for name, raw in tables_raw.items():
        key_path = join("tables", str(name))
        if name not in LOGICAL_TABLES:
            reader.problem(
                key_path, f"unknown logical table; expected one of {', '.join(LOGICAL_TABLES)}"
            )
            continue
        table = _parse_table(name, raw, spec_defaults, key_path, reader)
        if table is not None:
            tables[name] = table
    return CenterSpec(center_id, label, tables, description)


def _parse_table(
    name: str, raw: Any, spec_defaults: dict[str, Any], key_path: str, reader: SpecReader
) -> TableSpec | None:
    given = reader.mapping(raw, key_path)
    if given is None:
        return None
    reader.check_keys(given, key_path, TABLE_KEYS, required=("file", "columns"))

    def value(key: str) -> tuple[Any, str]:
        """The table's own value, else the spec's default, else the built-in default."""
        if key in given:
            return given[key], join(key_path, key)
        if key in spec_defaults:
            return spec_defaults[key], join("defaults", key)
        return BUILTIN_DEFAULTS[key], join(key_path, key)

    problems_before = len(reader.problems)
    file = reader.string(given.get("file", ""), join(key_path, "file"))
    if file and (PurePosixPath(file).is_absolute() or ".." in PurePosixPath(file).parts):
        reader.problem(join(key_path, "file"), "must be a file name inside the center folder")
    fmt = reader.string(*value("format"), choices=FORMATS)
    sheet = given.get("sheet", MISSING)
    if fmt == "xlsx" and sheet is MISSING:
        reader.problem(join(key_path, "sheet"), "missing required key (format is xlsx)")
    elif fmt == "csv" and sheet is not MISSING:
        reader.problem(join(key_path, "sheet"), "only used with format xlsx")
    sheet_name = None if sheet is MISSING else reader.string(sheet, join(key_path, "sheet"))
    encoding = _encoding(reader, *value("encoding"))
    delimiter = reader.string(*value("delimiter"), length=1)
    quote = reader.string(*value("quote"), max_length=1)
    if delimiter and quote and delimiter == quote:
        reader.problem(join(key_path, "quote"), "must differ from the delimiter")
    for text, (_, where) in ((delimiter, value("delimiter")), (quote, value("quote"))):
        if text and (text in "\r\n" or not text.isascii()):
            reader.problem(
                where, f"must be a single ASCII character other than a line break, got {text!r}"
            )
    decimal_mark = reader.string(*value("decimal_mark"), choices=(".", ","))
    header_row = reader.integer(*value("header_row"), minimum=1)
    missing_values = reader.string_list(*value("missing_values"))
    fraction = reader.fraction(*value("max_quarantined_fraction"))
    description = given.get("description")
    if description is not None:
        reader.string(description, join(key_path, "description"))
    columns = _parse_columns(given.get("columns"), join(key_path, "columns"), reader)
    if len(reader.problems) > problems_before or columns is None:
        return None
    return TableSpec(
        name=name,
        file=file,
        format=fmt,
        sheet=sheet_name,
        encoding=encoding,
        delimiter=delimiter,
        quote=quote,
        decimal_mark=decimal_mark,
        header_row=header_row,
        missing_values=tuple(missing_values),
        columns=columns,
        max_quarantined_fraction=fraction,
        description=description,
    )


def _parse_columns(raw: Any, key_path: str, reader: SpecReader) -> ColumnsSpec | None:
    if raw is None:
        return None
    given = reader.mapping(raw, key_path)
    if given is None:
        return None
    reader.check_keys(given, key_path, COLUMN_KEYS, required=("required",))
    # At least one required column, so that a wrong delimiter is always noticed.
    required = reader.string_list(
        given.get("required", []), join(key_path, "required"), non_empty="required" in given
    )
    optional = reader.string_list(given.get("optional", []), join(key_path, "optional"))
    patterns = reader.string_list(given.get("patterns", []), join(key_path, "patterns"))
    for name in set(required) & set(optional):
        reader.problem(join(key_path, "optional"), f"{name!r} is also listed as required")
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as error:
            reader.problem(
                f"{key_path}.patterns[{index}]", f"not a valid regular expression: {error}"
            )
    return ColumnsSpec(tuple(required), tuple(optional), tuple(patterns))


def _encoding(reader: SpecReader, raw: Any, key_path: str) -> str | None:
    name = reader.string(raw, key_path)
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        reader.problem(key_path, f"unknown encoding {name!r} (e.g. utf-8, cp1252, latin-1)")
        return None


def _display_path(path: Path) -> str:
    """The spec path relative to the working directory when possible (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
