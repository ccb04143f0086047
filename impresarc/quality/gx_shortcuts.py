"""Shortcuts through Great Expectations' fixed costs, each giving GX's own results.

GX's cost per expectation and per Data Docs page is mostly work it repeats with the same
inputs: dumping an expectation's configuration, filtering the batch by a row condition,
comparing each new expectation of a suite with all earlier ones, compiling the same Jinja
templates. Each shortcut here computes that once; the patches are scoped to a `with` block
and undone on exit. tests/test_quality_perf_frames.py validates with and without them: run it
again after upgrading GX (they lean on GX 1.x internals).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_NOT_COMPARED = {"id", "rendered_content", "notes", "meta"}


def distinct(expectations: list) -> list:
    """The expectations `ExpectationSuite.add_expectation` would keep, in one pass.

    A suite is a set: an expectation equal to an earlier one but for its meta and notes is
    left out (its check then gets no result). `add_expectation` compares each new expectation
    with all the earlier ones, pydantic dumps included: quadratic, a tenth of the validation
    of a relation with 150 checks.
    """
    seen: set = set()
    kept = []
    for expectation in expectations:
        key = (expectation.expectation_type, _frozen(expectation.dict(exclude=_NOT_COMPARED)))
        if key not in seen:
            seen.add(key)
            kept.append(expectation)
    return kept


def _frozen(value: Any) -> Any:
    """A hashable value equal to another one's exactly when the values compare equal."""
    if isinstance(value, dict):
        return ("dict", frozenset((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_frozen(item) for item in value))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(_frozen(item) for item in value))
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return value


def nothing(*_args: Any, **_kwargs: Any) -> None:
    """Do nothing (stands in for a GX method whose work nobody uses)."""
    return None


# The patches are on GX's classes, so for the whole process: held for the length of a `with`
# block, the lock keeps another thread from validating with a half-restored class (concurrent
# validations wait for each other; the flow validates one relation at a time anyway).
_PATCH_LOCK = threading.RLock()


@contextmanager
def configurations_computed_once() -> Iterator[None]:
    """While GX validates, compute each expectation's configuration once.

    `Expectation.configuration` is a property that dumps the expectation (pydantic) into a new
    `ExpectationConfiguration` at every access, and GX's validator reads it for each of the
    expectation's keyword arguments and each metric: about eighty dumps per expectation, most
    of GX's fixed cost per expectation. Expectations are not modified while they are
    validated (GX validates fresh copies), so one dump per expectation object gives the same
    values. The property is restored on exit.
    """
    from great_expectations.expectations.expectation import Expectation

    with _PATCH_LOCK:
        original = Expectation.__dict__["configuration"]
        computed: dict[int, tuple[Any, Any]] = {}

        def configuration(expectation):
            found = computed.get(id(expectation))
            if found is None or found[0] is not expectation:  # keeps the object: ids stay unique
                found = computed[id(expectation)] = (expectation, original.fget(expectation))
            return found[1]

        Expectation.configuration = property(configuration, doc=original.__doc__)
        try:
            yield
        finally:
            Expectation.configuration = original


@contextmanager
def row_conditions_applied_once() -> Iterator[None]:
    """While GX validates, filter the batch by each distinct row condition once.

    GX's pandas engine applies an expectation's row condition (`DataFrame.query`, which
    builds a Series for every column of the frame) anew for each of the expectation's
    metrics: four times or more per expectation. The filtered frame depends on the frame and
    on the condition only, and GX does not modify it, so it is computed once per validation.
    """
    from great_expectations.execution_engine import PandasExecutionEngine

    with _PATCH_LOCK:
        original = PandasExecutionEngine.__dict__["_apply_row_condition_filter"]
        filtered: dict[tuple, tuple[Any, Any]] = {}

        def apply(engine, data, row_condition, domain_kwargs):
            key = _condition_key(row_condition, domain_kwargs)
            if key is None:
                return original(engine, data, row_condition, domain_kwargs)
            found = filtered.get((id(data), key))
            if found is None or found[0] is not data:  # keeps the frame: ids stay unique
                result = original(engine, data, row_condition, domain_kwargs)
                found = filtered[(id(data), key)] = (data, result)
            return found[1]

        PandasExecutionEngine._apply_row_condition_filter = apply
        try:
            yield
        finally:
            PandasExecutionEngine._apply_row_condition_filter = original


def _condition_key(row_condition: Any, domain_kwargs: dict) -> tuple | None:
    """What determines a row condition's filter exactly (GX's pydantic conditions dump with
    their parameters' types; a text goes with its parser); None when unsure."""
    parser = domain_kwargs.get("condition_parser")
    try:
        if isinstance(row_condition, str):
            return ("text", row_condition, parser)
        if isinstance(row_condition, dict):
            return ("dict", json.dumps(row_condition, sort_keys=True), parser)
        dumped = row_condition.json(sort_keys=True)
    except (AttributeError, TypeError, ValueError):
        return None
    return (type(row_condition).__qualname__, dumped, parser)


@contextmanager
def templates_compiled_once() -> Iterator[None]:
    """While GX renders Data Docs, compile each Jinja template once per process.

    GX makes a new Jinja environment, with an empty template cache, for every view it
    renders, so each page compiled the same templates again (a third of the rendering). The
    environments are all configured alike, so they share one in-memory bytecode cache (keyed
    by template and source checksum, as Jinja's own caches are).
    """
    from great_expectations.render.view.view import DefaultJinjaView

    global _TEMPLATE_CACHE  # noqa: PLW0603 - created once GX (and Jinja) are imported
    with _PATCH_LOCK:
        if _TEMPLATE_CACHE is None:
            _TEMPLATE_CACHE = _memory_bytecode_cache()
        cache = _TEMPLATE_CACHE
        original = DefaultJinjaView.__init__

        def __init__(view, *args, **kwargs):
            original(view, *args, **kwargs)
            view.env.bytecode_cache = cache
            view.env.auto_reload = False  # no stat of every template file at every use

        DefaultJinjaView.__init__ = __init__
        try:
            yield
        finally:
            DefaultJinjaView.__init__ = original


_TEMPLATE_CACHE = None


def _memory_bytecode_cache():
    import jinja2

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.code: dict[tuple[str, str], Any] = {}

        def load_bytecode(self, bucket) -> None:
            bucket.code = self.code.get((bucket.key, bucket.checksum))

        def dump_bytecode(self, bucket) -> None:
            self.code[(bucket.key, bucket.checksum)] = bucket.code

    return MemoryBytecodeCache()
