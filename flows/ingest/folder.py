"""Check an extracts folder against the configured centers before loading anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flows.ingest.errors import ExtractsFolderError, Issue, Level, make_issue
from flows.ingest.spec import CenterSpec


@dataclass
class FolderCheck:
    """What an extracts folder holds compared with the configured centers.

    Attributes
    ----------
    extracts_dir : Path
        The folder holding one sub-folder per center (``.../centers`` resolved).
    present : list[str]
        Configured centers that have a folder.
    missing : list[str]
        Configured centers without a folder: each will fail with ``center_folder_missing``.
    unknown : list[str]
        Folders that match no configured center: ignored, reported as a warning.
    issues : list[Issue]
        One issue per missing (error) or unknown (warning) folder, with a clear message.
    """

    extracts_dir: Path
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every configured center has a folder (unknown folders are only warned)."""
        return not self.missing

    def center_dir(self, center_id: str) -> Path:
        return self.extracts_dir / center_id

    @property
    def center_dirs(self) -> dict[str, Path]:
        """Folder of each configured center that is present."""
        return {center_id: self.extracts_dir / center_id for center_id in self.present}

    @property
    def problems(self) -> dict[str, str]:
        """Message of each configured center that cannot load (its folder is missing)."""
        return {i.center_id: i.message for i in self.issues if i.code == "center_folder_missing"}

    @property
    def warnings(self) -> list[str]:
        """Messages about folders that match no center (ignored)."""
        return [i.message for i in self.issues if i.code == "unknown_center_folder"]


def resolve_extracts_dir(path: Path) -> Path:
    """Accept either the folder of center folders or its parent holding ``centers/``.

    Raises
    ------
    ExtractsFolderError
        When the folder does not exist or is not a folder.
    """
    path = Path(path)
    if not path.is_dir():
        raise ExtractsFolderError(f"extracts folder not found: {path}")
    if (path / "centers").is_dir():
        return path / "centers"
    return path


def check_extracts_folder(
    extracts_dir: Path, specs: Mapping[str, CenterSpec], *, also_known: Iterable[str] = ()
) -> FolderCheck:
    """Compare the center folders present with the configured centers.

    Parameters
    ----------
    extracts_dir : Path
        Folder with one sub-folder per center, or its parent holding ``centers/``.
    specs : mapping of center id to CenterSpec
        The configured centers.
    also_known : iterable of str
        Center ids whose spec is invalid: their folders are not reported as unknown (their
        failure is reported by the spec error instead).

    Returns
    -------
    FolderCheck
    """
    root = resolve_extracts_dir(extracts_dir)
    known = set(specs) | set(also_known)
    folders = sorted(
        entry.name for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith(".")
    )
    check = FolderCheck(extracts_dir=root)
    for center_id in specs:
        if center_id in folders:
            check.present.append(center_id)
            continue
        check.missing.append(center_id)
        listing = ", ".join(folders) or "no center folder at all"
        check.issues.append(
            make_issue(
                Level.ERROR,
                "center_folder_missing",
                f"configured center has no folder in {root} (found: {listing}); "
                f"this center is not loaded and keeps its previous data",
                center_id,
            )
        )
    for name in folders:
        if name not in known:
            check.unknown.append(name)
            check.issues.append(
                make_issue(
                    Level.WARNING,
                    "unknown_center_folder",
                    f"folder {root / name} matches no center spec (configured: "
                    f"{', '.join(sorted(specs)) or 'none'}); it is ignored. To load it, add "
                    f"flows/centers/{name}.yml",
                    name,
                )
            )
    return check
