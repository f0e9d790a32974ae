"""Read an Excel journey grid into the plain data of a journey file, cell by cell.

The reader builds the same document the YAML loader reads and remembers the cell
each value came from (``cells``), so that the one validator
(:func:`cxkit.io.journey_io.journey_from_data`'s schema and reference checks)
reports every problem and each is shown at its cell: ``grid.xlsx!Journey!C7``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cxkit.core.errors import JourneyValidationError, Problem
from cxkit.core.i18n import LANGUAGES, label
from cxkit.core.suggest import did_you_mean
from cxkit.io.grid._layout import (
    GRID_ROWS,
    INFO_ROWS,
    LIMITS,
    TABLES,
    Column,
    aliases,
    decode,
    normalise,
)

__all__ = ["Grid", "read_grid"]

Path = tuple[Any, ...]
_EVIDENCE = {label(e, lang): e for e in ("assumed", "observed", "measured") for lang in LANGUAGES}


@dataclass
class Grid:
    """What a workbook holds: the journey document, where each value came from, and
    the problems found in reading the cells (before any schema check)."""

    file: str
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[Path, tuple[str, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    formulas: dict[tuple[str, str], bool] = field(default_factory=dict)

    def at(self, sheet: str, ref: str) -> str:
        """``file!Sheet!C7``: the location of a cell."""
        return f"{self.file}!{sheet}!{ref}"

    def problem(self, sheet: str, ref: str, message: str, **kw: Any) -> None:
        """Record a problem at a cell."""
        self.problems.append(Problem(message, file=self.at(sheet, ref), **kw))

    def locate(self, path: Path) -> str:
        """The location of the cell of ``path`` or of its nearest ancestor."""
        p = tuple(path)
        while p:
            if p in self.cells:
                return self.at(*self.cells[p])
            p = p[:-1]
        return self.file


def read_grid(raw: bytes, file: str) -> Grid:
    """The journey document held by the workbook bytes ``raw`` (see the module doc)."""
    grid = Grid(file)
    book = _open(raw, grid)
    if book is None:
        return grid
    sheets = _match_sheets(book, grid)
    journey_sheet = sheets.get("journey")
    if journey_sheet is None:
        names = [label("xlsx_sheet_journey", lang) for lang in LANGUAGES]
        grid.problems.append(
            Problem(
                "the workbook has no journey sheet",
                file=file,
                value=list(book.sheetnames),
                expected="a sheet named " + " or ".join(repr(n) for n in names),
                hint=did_you_mean(book.sheetnames[0], names) if book.sheetnames else None,
                code="xlsx-sheet",
            )
        )
    else:
        _read_steps(journey_sheet, grid)
    if "info" in sheets:
        _read_info(sheets["info"], grid)
    for table in TABLES:
        if table.key in sheets:
            _read_table(sheets[table.key], table.key, table.columns, grid)
    return grid


# -- opening, bounded ---------------------------------------------------------------------
def _open(raw: bytes, grid: Grid) -> Any:
    """The openpyxl workbook, or ``None`` with a problem recorded."""
    import openpyxl

    def fail(message: str, expected: str | None = None, code: str = "xlsx-file") -> None:
        grid.problems.append(Problem(message, file=grid.file, expected=expected, code=code))

    if len(raw) > LIMITS.file_bytes:
        fail(f"file is too large: {len(raw):,} bytes", f"at most {LIMITS.file_bytes:,} bytes")
        return None
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        fail("an Excel 97–2003 .xls file (or an encrypted workbook)", "an .xlsx workbook")
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        fail("not an Excel workbook (an .xlsx file is a zip archive)", "an .xlsx workbook")
        return None
    unpacked = sum(i.file_size for i in infos)
    if unpacked > LIMITS.unpacked_bytes:
        fail(
            f"workbook unpacks to {unpacked:,} bytes",
            f"at most {LIMITS.unpacked_bytes:,} bytes (a journey grid is far smaller)",
        )
        return None
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/sheet")]
    if len(sheets) > LIMITS.sheets:
        fail(f"workbook has {len(sheets)} sheets", f"at most {LIMITS.sheets}")
        return None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
        grid.formulas = dict(_formula_cells(archive))
    except Exception as exc:  # noqa: BLE001 - any damage inside the archive
        fail(f"cannot read the workbook: {type(exc).__name__}: {exc}", "an .xlsx workbook")
        return None
    for sheet in book.worksheets:
        if sheet.max_row > LIMITS.rows or sheet.max_column > LIMITS.columns:
            grid.problem(
                sheet.title,
                "A1",
                f"sheet has {sheet.max_row:,} rows and {sheet.max_column:,} columns",
                expected=f"at most {LIMITS.rows:,} rows and {LIMITS.columns:,} columns",
                code="xlsx-size",
            )
            return None
    return book


def _formula_cells(archive: zipfile.ZipFile) -> Iterator[tuple[tuple[str, str], bool]]:
    """``((sheet, ref), has_cached_value)`` of every formula cell of the workbook."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.reader.workbook import WorkbookParser

    parser = WorkbookParser(archive, "xl/workbook.xml")
    parser.parse()
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    for sheet, rel in parser.find_sheets():
        part = rel.target.lstrip("/")
        if part not in archive.namelist():
            continue
        with archive.open(part) as stream:
            for _, element in iterparse(stream):
                if element.tag == f"{ns}c":
                    if element.find(f"{ns}f") is not None:
                        value = element.find(f"{ns}v")
                        cached = value is not None and value.text is not None
                        yield (sheet.name, element.get("r", "")), cached
                    element.clear()


def _match_sheets(book: Any, grid: Grid) -> dict[str, Any]:
    """The sheets of the layout found in ``book`` by name (en or ja, any case)."""
    known = {"journey": "xlsx_sheet_journey", "info": "xlsx_sheet_info"}
    known.update({t.key: f"xlsx_sheet_{t.key}" for t in TABLES})
    by_alias = {a: key for key, lk in known.items() for a in aliases(key, lk)}
    names = [label(lk, lang) for lk in known.values() for lang in LANGUAGES]
    found: dict[str, Any] = {}
    for sheet in book.worksheets:
        key = by_alias.get(normalise(sheet.title))
        if key is None or key in found:
            grid.problem(
                sheet.title,
                "A1",
                "sheet is not read" if key is None else "a second sheet of this kind is not read",
                value=sheet.title,
                expected="one of " + ", ".join(repr(n) for n in names),
                hint=did_you_mean(sheet.title, names),
                severity="warning",
                code="xlsx-sheet",
            )
            continue
        found[key] = sheet
    return found


# -- cells -----------------------------------------------------------------------------
def _cell(sheet: Any, row: int, col: int, grid: Grid) -> Any:
    """The value of a cell, ``None`` for an empty one; formulas without a value refused."""
    from openpyxl.utils import get_column_letter

    ref = f"{get_column_letter(col)}{row}"
    value = sheet.cell(row=row, column=col).value
    if grid.formulas.get((sheet.title, ref)) is False:
        grid.problem(
            sheet.title,
            ref,
            "a formula without a computed value",
            expected="a value (type it, or open and save the file in Excel or LibreOffice "
            "so that the formula is computed)",
            code="xlsx-formula",
        )
        return None
    if isinstance(value, str):
        if len(value) > LIMITS.cell_chars:
            grid.problem(
                sheet.title,
                ref,
                f"cell text of {len(value):,} characters",
                expected=f"at most {LIMITS.cell_chars:,} characters",
                code="xlsx-size",
            )
            return None
        if not value.strip():
            return None
    return value


def _parse(value: Any, column: Column, where: tuple[str, str], grid: Grid) -> Any:
    """A cell's value as the document holds it (lines split, YAML read)."""
    if value is None or (column.kind == "scalar" and not isinstance(value, str)):
        return value
    if column.kind == "scalar":
        return decode(value)
    if column.kind == "lines":
        lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return [decode(line.strip()) for line in lines if line.strip()]
    from cxkit.io.source import read_yaml

    try:
        return read_yaml(decode(str(value)), grid.at(*where)).data
    except JourneyValidationError as exc:
        first = exc.problems[0] if exc.problems else None
        grid.problem(
            *where,
            "cell does not hold readable YAML"
            + (f": {first.message}" if first is not None else ""),
            value=value,
            expected=f"YAML text for {column.key!r} (as in a journey file)",
            code="xlsx-yaml",
        )
        return None


def _label_rows(
    sheet: Any, columns: tuple[Column, ...], grid: Grid, first: int
) -> dict[int, Column]:
    """Rows (or columns) of ``sheet`` matched to fields by their label in column A."""
    by_alias = {a: c for c in columns for a in aliases(c.key, c.label_key or f"xlsx_{c.key}")}
    labels = [c.label(lang) for c in columns for lang in LANGUAGES]
    found: dict[int, Column] = {}
    for r in range(first, sheet.max_row + 1):
        text = _cell(sheet, r, 1, grid)
        if text is None:
            continue
        column = by_alias.get(normalise(str(text)))
        if column is None or column in found.values():
            grid.problem(
                sheet.title,
                f"A{r}",
                "unknown row label" if column is None else "this row label is repeated",
                value=text,
                expected="one of " + ", ".join(repr(c.label("en")) for c in columns),
                hint=did_you_mean(str(text), labels),
                code="xlsx-label",
            )
            continue
        found[r] = column
    return found


def _merged_value(sheet: Any, row: int, col: int, grid: Grid) -> tuple[Any, str]:
    """The value over a cell: its own or that of the merged range it lies in (a stage
    written once over its steps), with the reference of the cell holding it."""
    from openpyxl.utils import get_column_letter

    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            top = f"{get_column_letter(merged.min_col)}{merged.min_row}"
            return _cell(sheet, merged.min_row, merged.min_col, grid), top
    return _cell(sheet, row, col, grid), f"{get_column_letter(col)}{row}"


# -- the sheets --------------------------------------------------------------------------
def _read_steps(sheet: Any, grid: Grid) -> None:
    """The main sheet: one step per non-empty column from B, a field per labelled row."""
    from openpyxl.utils import get_column_letter

    if sheet.max_row == 1 and sheet.max_column == 1 and sheet["A1"].value is None:
        grid.problem(
            sheet.title,
            "A1",
            "the journey sheet is empty",
            expected="row labels in column A (stage, touchpoint, action…) and a column per step",
            code="xlsx-empty",
        )
        return
    rows = _label_rows(sheet, GRID_ROWS, grid, first=1)
    merged = [r for r in sheet.merged_cells.ranges if r.min_row != r.max_row]
    for r in merged:
        grid.problem(
            sheet.title,
            r.coord.split(":")[0],
            "cells merged across rows",
            value=r.coord,
            expected="cells merged along one row only (a stage over its steps)",
            code="xlsx-merge",
        )
    steps = []
    for col in range(2, sheet.max_column + 1):
        letter = get_column_letter(col)
        index = len(steps)
        step: dict[str, Any] = {}
        for r, column in rows.items():
            if column.key == "stage":
                value, ref = _merged_value(sheet, r, col, grid)
            else:
                value, ref = _cell(sheet, r, col, grid), f"{letter}{r}"
            if column.key == "evidence" and isinstance(value, str):
                value = _EVIDENCE.get(value.strip(), value)
            value = _parse(value, column, (sheet.title, ref), grid)
            if value is None:
                continue
            step[column.key] = value
            grid.cells[("steps", index, column.key)] = (sheet.title, ref)
        if set(step) - {"stage"}:
            grid.cells[("steps", index)] = (sheet.title, f"{letter}{min(rows, default=1)}")
            steps.append(step)
        else:  # an empty column (or only a stage written over it): not a step
            for key in list(grid.cells):
                if key[:2] == ("steps", index):
                    del grid.cells[key]
    _unlabelled(sheet, rows, grid)
    if steps:
        grid.data["steps"] = steps


def _unlabelled(sheet: Any, rows: dict[int, Column], grid: Grid) -> None:
    """A value in a row without a label is an error: it would be silently lost."""
    from openpyxl.utils import get_column_letter

    for r in range(1, sheet.max_row + 1):
        if r in rows or sheet.cell(row=r, column=1).value is not None:
            continue
        for col in range(2, sheet.max_column + 1):
            value = sheet.cell(row=r, column=col).value
            if value is not None and str(value).strip():
                grid.problem(
                    sheet.title,
                    f"{get_column_letter(col)}{r}",
                    "a value in a row without a label",
                    value=value,
                    expected="a row label in column A (stage, touchpoint, action…)",
                    code="xlsx-label",
                )
                break


def _read_info(sheet: Any, grid: Grid) -> None:
    """The info sheet: field labels in column A, values in column B."""
    rows = _label_rows(sheet, INFO_ROWS, grid, first=2)
    for r, column in rows.items():
        ref = f"B{r}"
        value = _parse(_cell(sheet, r, 2, grid), column, (sheet.title, ref), grid)
        if value is None:
            continue
        if column.key.startswith("persona_"):
            grid.data.setdefault("persona", {})[column.key[8:]] = value
            grid.cells.setdefault(("persona",), (sheet.title, ref))
            grid.cells[("persona", column.key[8:])] = (sheet.title, ref)
        else:
            grid.data[column.key] = value
            grid.cells[(column.key,)] = (sheet.title, ref)


def _read_table(sheet: Any, key: str, columns: tuple[Column, ...], grid: Grid) -> None:
    """A list sheet: headers in row 1, a record per non-empty row below."""
    from openpyxl.utils import get_column_letter

    by_alias = {a: c for c in columns for a in aliases(c.key, c.label_key or f"xlsx_{c.key}")}
    labels = [c.label(lang) for c in columns for lang in LANGUAGES]
    heads: dict[int, Column] = {}
    for col in range(1, sheet.max_column + 1):
        text = _cell(sheet, 1, col, grid)
        if text is None:
            continue
        column = by_alias.get(normalise(str(text)))
        if column is None or column in heads.values():
            grid.problem(
                sheet.title,
                f"{get_column_letter(col)}1",
                "unknown column header" if column is None else "this column header is repeated",
                value=text,
                expected="one of " + ", ".join(repr(c.label("en")) for c in columns),
                hint=did_you_mean(str(text), labels),
                code="xlsx-label",
            )
            continue
        heads[col] = column
    records = []
    for r in range(2, sheet.max_row + 1):
        index = len(records)
        record: dict[str, Any] = {}
        for col, column in heads.items():
            ref = f"{get_column_letter(col)}{r}"
            value = _parse(_cell(sheet, r, col, grid), column, (sheet.title, ref), grid)
            if value is not None:
                record[column.key] = value
                grid.cells[(key, index, column.key)] = (sheet.title, ref)
        if record:
            grid.cells[(key, index)] = (sheet.title, f"A{r}")
            records.append(record)
    if records:
        grid.data[key] = records
