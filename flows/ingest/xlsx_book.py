"""Open a workbook with openpyxl's reader, without loading its worksheets up front.

``openpyxl.load_workbook(read_only=True)`` creates every sheet at once, and each sheet looks
for a ``<dimension>`` element; when a writer omits it (it is optional), openpyxl parses the
whole sheet to find out, once per sheet, before a single cell is read (40 s for a
270,000-patient workbook). Here openpyxl's own `ExcelReader` runs the same steps as
``load_workbook`` (manifest, shared strings, workbook, styles) except creating the sheets;
a sheet is created only if the openpyxl fallback path needs it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Book:
    """What the cell readers need from an opened workbook."""

    path: Path
    workbook: Any  # openpyxl Workbook, without sheets
    archive: zipfile.ZipFile
    sheet_paths: dict[str, str]  # sheet name -> worksheet part in the archive
    shared_strings: list
    sheets: dict[str, Any] = field(default_factory=dict)

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheet_paths)

    @property
    def date_styles(self) -> set:
        return set(self.workbook._date_formats)  # noqa: SLF001 - set by openpyxl's stylesheet

    @property
    def timedelta_styles(self) -> set:
        return set(self.workbook._timedelta_formats)  # noqa: SLF001

    @property
    def epoch(self):
        return self.workbook.epoch

    def openpyxl_sheet(self, name: str):
        """openpyxl's read-only worksheet (created on demand: it may scan the whole sheet)."""
        if name not in self.sheets:
            from openpyxl.worksheet._read_only import ReadOnlyWorksheet

            self.sheets[name] = ReadOnlyWorksheet(
                self.workbook, name, self.sheet_paths[name], self.shared_strings
            )
        return self.sheets[name]

    def close(self) -> None:
        self.archive.close()


def open_book(path: Path) -> Book:
    """Read a workbook's structure (not its cells) in read-only, values-only mode.

    Raises
    ------
    zipfile.BadZipFile, OSError, KeyError, ValueError
        When openpyxl cannot read the workbook.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(str(path), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheet_paths = {
            sheet.name: rel.target
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        }
    except BaseException:
        reader.archive.close()
        raise
    reader.wb._archive = reader.archive  # noqa: SLF001 - as load_workbook does in read-only mode
    return Book(Path(path), reader.wb, reader.archive, sheet_paths, reader.shared_strings)
