"""Statuses, issues and exceptions of the ingestion engine.

Problems with one center's files never raise out of `load_center`: they become `Issue`
records (level ``error`` or ``warning``) in the center's result and in ``ops.messages``, so the
flow can report every center and decide on its exit code. Exceptions are for the caller's own
mistakes (an invalid spec, an extracts folder that does not exist) and for
`CenterLoadResult.raise_for_status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CenterStatus(StrEnum):
    """Outcome of `load_center` for one center."""

    LOADED = "loaded"  # at least one table replaced; warnings possible
    SKIPPED_UNCHANGED = "skipped_unchanged"  # every file already loaded with the same spec
    FAILED = "failed"  # a fatal problem: nothing of this center changed in this run


class FileStatus(StrEnum):
    """Outcome for one source file (one row of ``ops.loads``)."""

    LOADED = "loaded"  # its raw table was replaced by this file
    SKIPPED_UNCHANGED = "skipped_unchanged"  # same sha256 and spec as the data in place
    FAILED = "failed"  # this file has a fatal problem
    NOT_APPLIED = "not_applied"  # read fine, but another file of the center failed
    REJECTED = "rejected"  # loaded, then put back by the gate: a fatal quality check failed


class RunStatus(StrEnum):
    """Status of a whole run in ``ops.runs``."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"  # every configured center loaded or was unchanged
    PARTIAL = "partial"  # some centers failed, the others loaded
    FAILED = "failed"  # no center could be loaded, or the run itself broke


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found while loading, located as precisely as possible.

    Attributes
    ----------
    level : Level
        ``error`` makes the center fail; ``warning`` is recorded and reported only.
    code : str
        Stable machine-readable kind, e.g. ``missing_required_column`` (see docs).
    message : str
        Human text that already names the center, file, line and column where known.
    center_id, table, file, line, column
        Where it happened; ``file`` is relative to the extracts folder.
    """

    level: Level
    code: str
    message: str
    center_id: str
    table: str | None = None
    file: str | None = None
    line: int | None = None
    column: str | None = None


def locate(
    center_id: str, file: str | None = None, line: int | None = None, column: str | None = None
) -> str:
    """The ``center: file line N, column 'x'`` prefix every message starts with."""
    where = center_id
    if file:
        where += f": {file}"
    if line is not None:
        where += f" line {line}"
    if column is not None:
        where += f"{',' if line is not None else ''} column {column!r}"
    return where


def make_issue(
    level: Level,
    code: str,
    text: str,
    center_id: str,
    table: str | None = None,
    file: str | None = None,
    line: int | None = None,
    column: str | None = None,
) -> Issue:
    """Build an `Issue` whose message is prefixed with its location."""
    message = f"{locate(center_id, file, line, column)}: {text}"
    return Issue(level, code, message, center_id, table, file, line, column)


class IngestError(Exception):
    """Base class of every exception raised by `flows.ingest`."""


class SpecError(IngestError):
    """One center spec file is invalid.

    Attributes
    ----------
    spec_path : str
        The spec file as given (e.g. ``flows/centers/frcsv.yml``).
    center_id : str
        The file's stem, so the flow can report which center it disables.
    problems : list[str]
        Every problem found, each ``<spec file>: <key path>: <what is wrong>``.
    """

    def __init__(self, spec_path: str, center_id: str, problems: list[str]):
        self.spec_path = spec_path
        self.center_id = center_id
        self.problems = problems
        super().__init__("\n".join(problems))


class ExtractsFolderError(IngestError):
    """The extracts folder itself does not exist or is not a folder."""


class SourceFileError(IngestError):
    """A fatal problem with one source file; carries the `Issue` describing it."""

    def __init__(self, issue: Issue):
        self.issue = issue
        super().__init__(issue.message)


class CenterLoadError(IngestError):
    """Raised by `CenterLoadResult.raise_for_status` when a center failed."""

    def __init__(self, center_id: str, issues: list[Issue]):
        self.center_id = center_id
        self.issues = issues
        text = "; ".join(issue.message for issue in issues) or "unknown error"
        super().__init__(f"center {center_id!r} failed to load: {text}")


@dataclass(frozen=True)
class SourceRef:
    """The center, logical table and file a problem belongs to; builds located issues."""

    center_id: str
    table: str
    file: str

    def error(
        self, code: str, text: str, line: int | None = None, column: str | None = None
    ) -> SourceFileError:
        return SourceFileError(
            make_issue(Level.ERROR, code, text, self.center_id, self.table, self.file, line, column)
        )

    def warning(
        self, code: str, text: str, line: int | None = None, column: str | None = None
    ) -> Issue:
        return make_issue(
            Level.WARNING, code, text, self.center_id, self.table, self.file, line, column
        )
