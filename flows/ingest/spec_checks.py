"""Small typed readers for the YAML spec files, collecting every problem with its key path.

A problem reads ``<spec file>: <key path>: <what is wrong>``, for example
``flows/centers/frcsv.yml: tables.labs.delimiter: expected a string of length 1, got 12``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any


class MISSING:  # noqa: N801 - a sentinel class used as a value
    """Marks a key that is absent (``None`` is a legitimate YAML value)."""


def describe(value: Any) -> str:
    """How a wrong value is shown in a message: strings quoted, the rest as YAML read them."""
    if isinstance(value, bool):
        return f"{value} (YAML reads yes/no/on/off/true/false as booleans: quote the value)"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


class SpecReader:
    """Validate values of one spec file and remember every problem found.

    Parameters
    ----------
    label : str
        The spec file as it should appear at the start of each problem.
    """

    def __init__(self, label: str):
        self.label = label
        self.problems: list[str] = []

    def problem(self, key_path: str, text: str) -> None:
        prefix = f"{self.label}: {key_path}: " if key_path else f"{self.label}: "
        self.problems.append(prefix + text)

    def mapping(self, value: Any, key_path: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.problem(key_path, f"expected a mapping, got {describe(value)}")
        return None

    def check_keys(
        self, mapping: dict, key_path: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> None:
        """Report unknown keys (with a close-match hint) and missing required keys."""
        allowed = list(allowed)
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
                self.problem(
                    join(key_path, str(key)),
                    f"unknown key{suggestion}; allowed keys: {', '.join(allowed)}",
                )
        for key in required:
            if key not in mapping:
                self.problem(join(key_path, key), "missing required key")

    def string(
        self,
        value: Any,
        key_path: str,
        *,
        length: int | None = None,
        max_length: int | None = None,
        choices: Iterable[str] | None = None,
        pattern: str | None = None,
    ) -> str | None:
        """A string, optionally of an exact or maximum length, from a set or a regex."""
        if not isinstance(value, str):
            self.problem(
                key_path, f"expected a string{_length_text(length)}, got {describe(value)}"
            )
            return None
        if length is not None and len(value) != length:
            self.problem(key_path, f"expected a string{_length_text(length)}, got {value!r}")
            return None
        if max_length is not None and len(value) > max_length:
            self.problem(
                key_path, f"expected a string of at most {max_length} character(s), got {value!r}"
            )
            return None
        if choices is not None and value not in choices:
            self.problem(
                key_path, f"expected one of {', '.join(map(repr, choices))}, got {value!r}"
            )
            return None
        if pattern is not None and not re.fullmatch(pattern, value):
            self.problem(key_path, f"{value!r} does not match {pattern}")
            return None
        return value

    def integer(self, value: Any, key_path: str, *, minimum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key_path, f"expected an integer, got {describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.problem(key_path, f"expected an integer >= {minimum}, got {value}")
            return None
        return value

    def fraction(self, value: Any, key_path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self.problem(key_path, f"expected a number between 0 and 1, got {describe(value)}")
            return None
        return float(value)

    def string_list(self, value: Any, key_path: str, *, non_empty: bool = False) -> list[str]:
        """A list of strings without duplicates (each bad item reported with its index)."""
        if not isinstance(value, list):
            self.problem(key_path, f"expected a list of strings, got {describe(value)}")
            return []
        items: list[str] = []
        for index, item in enumerate(value):
            text = self.string(item, f"{key_path}[{index}]")
            if text is None:
                continue
            if text in items:
                self.problem(f"{key_path}[{index}]", f"{text!r} is listed twice")
                continue
            items.append(text)
        if non_empty and not value:
            self.problem(key_path, "expected at least one entry")
        return items


def join(key_path: str, key: str) -> str:
    return f"{key_path}.{key}" if key_path else key


def _length_text(length: int | None) -> str:
    return "" if length is None else f" of length {length}"
