"""Write a journey as an Excel journey grid (openpyxl), byte for byte reproducible."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from cxkit.core.errors import CxkitError, JourneyValidationError, Problem
from cxkit.core.i18n import LANGUAGES, label
from cxkit.core.journey import Journey
from cxkit.io.grid._layout import GRID_ROWS, INFO_ROWS, LIMITS, TABLES, Column, encode

__all__ = ["grid_bytes"]

#: The date written into the workbook's properties and its zip entries, so that the
#: same journey always gives the same bytes.
FIXED_DATE = (2000, 1, 1, 0, 0, 0)
_EMOTION_FILL = {"dissatisfied": "F8D7DA", "satisfied": "FFF3CD", "delighted": "D4EDDA"}
_STAGE_FILL = "DCE6F1"
_HEADER_FILL = "EDEDED"
_FORMULA_START = ("=", "+", "-", "@")


def grid_bytes(journey: Journey, *, lang: str | None = None) -> bytes:
    """The journey as an ``.xlsx`` workbook (see ``docs/reference/excel-grid.md``).

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of the sheet names, row labels and headers (``en``/``ja``); by
        default the journey's language when cxkit has labels for it, else English.

    Raises
    ------
    JourneyValidationError
        Text a workbook cannot hold (control characters, a list item holding a line
        break) or that cxkit's readers refuse, naming each field.

    Examples
    --------
    >>> import cxkit as cx
    >>> data = grid_bytes(cx.load_journey("billing_inquiry"))
    >>> data[:2], grid_bytes(cx.load_journey("billing_inquiry")) == data
    (b'PK', True)
    """
    from openpyxl import Workbook

    from cxkit.io.convert import journey_to_data
    from cxkit.io.journey_io import _check_texts

    data = journey_to_data(journey)
    _check_texts(data)
    lang = lang or (journey.language if journey.language in LANGUAGES else "en")
    if lang not in LANGUAGES:
        raise CxkitError(f"`lang` must be one of {', '.join(map(repr, LANGUAGES))}, got {lang!r}")
    problems: list[Problem] = []
    book = Workbook()
    _grid_sheet(book.active, data, lang, _categories(journey), problems)
    _info_sheet(book.create_sheet(label("xlsx_sheet_info", lang)), data, lang, problems)
    for table in TABLES:
        sheet = book.create_sheet(table.name(lang))
        _table_sheet(sheet, table.columns, data.get(table.key, []), lang, table.key, problems)
    if problems:
        raise JourneyValidationError(problems)
    return _reproducible(book)


def _categories(journey: Journey) -> list[str | None]:
    """The emotion class of each step (for the cell colours), ``None`` where unknown."""
    try:
        steps = journey.evaluate().steps
    except Exception:  # noqa: BLE001 - colours are a nicety; an invalid map has none
        return [None] * len(journey.steps)
    return [s.emotion.value if s.emotion is not None else None for s in steps]


def _cell_value(value: Any, column: Column, path: str, problems: list[Problem]) -> Any:
    """The value a cell holds for a field (text lines joined, YAML dumped)."""
    if value is None:
        return None
    if column.kind == "lines":
        for i, item in enumerate(value):
            if not item:
                problems.append(
                    Problem(
                        "an empty list item cannot be written as a line of a cell",
                        path=f"{path}[{i}]",
                        value=item,
                        expected="text",
                        code="xlsx-cell",
                    )
                )
        return "\n".join(encode(item, item=True) for item in value)
    if column.kind == "yaml" or isinstance(value, (dict, list)):
        from cxkit.io.journey_io import _dump_yaml

        return encode(_dump_yaml(value).rstrip("\n"))
    return encode(value) if isinstance(value, str) else value


def _put(sheet: Any, row: int, col: int, value: Any, path: str, problems: list[Problem]) -> Any:
    """Write one cell: text as a string cell (never a formula), checked for what XML holds."""
    cell = sheet.cell(row=row, column=col)
    if value is None:
        return cell
    if isinstance(value, str):
        if len(value) > LIMITS.cell_chars:
            problems.append(
                Problem(
                    f"text of {len(value)} characters is too long for a cell",
                    path=path,
                    value=value,
                    expected=f"at most {LIMITS.cell_chars} characters",
                    code="xlsx-cell",
                )
            )
            return cell
        cell.value = value
        cell.data_type = "s"  # '=1+1' stays text: written as a string, never a formula
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _grid_sheet(
    sheet: Any, data: dict[str, Any], lang: str, moods: list[str | None], problems: list[Problem]
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.title = label("xlsx_sheet_journey", lang)
    steps = data.get("steps", [])
    bold = Font(bold=True)
    for r, row in enumerate(GRID_ROWS, start=1):
        cell = sheet.cell(row=r, column=1, value=row.label(lang))
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        cell.fill = PatternFill("solid", fgColor=_STAGE_FILL if r == 1 else _HEADER_FILL)
    for i, step in enumerate(steps):
        col = i + 2
        for r, row in enumerate(GRID_ROWS, start=1):
            value = step.get(row.key)
            if row.key == "evidence" and value is not None:
                value = label(value, lang)
            path = f"steps[{i}].{row.key}"
            cell = _put(sheet, r, col, _cell_value(value, row, path, problems), path, problems)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
            if row.key in ("emotion", "experience") and i < len(moods) and moods[i]:
                cell.fill = PatternFill("solid", fgColor=_EMOTION_FILL[moods[i]])
        sheet.column_dimensions[get_column_letter(col)].width = 26
    _merge_stages(sheet, steps)
    sheet.column_dimensions["A"].width = 24
    sheet.freeze_panes = "B2"
    _fit_rows(sheet, width=26)
    _print_setup(sheet, title_cols="A:A")


def _merge_stages(sheet: Any, steps: list[dict[str, Any]]) -> None:
    """Merge the stage cells of consecutive steps of one stage; style the header row."""
    from openpyxl.styles import Alignment, Font, PatternFill

    start = 0
    for i in range(1, len(steps) + 1):
        if i < len(steps) and steps[i].get("stage") == steps[start].get("stage"):
            continue
        head = sheet.cell(row=1, column=start + 2)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor=_STAGE_FILL)
        head.alignment = Alignment(horizontal="center", vertical="center")
        if i - start > 1:
            sheet.merge_cells(start_row=1, start_column=start + 2, end_row=1, end_column=i + 1)
        start = i


def _info_sheet(sheet: Any, data: dict[str, Any], lang: str, problems: list[Problem]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    persona = data.get("persona") or {}
    head = [label("xlsx_field", lang), label("xlsx_value", lang)]
    for c, text in enumerate(head, start=1):
        cell = sheet.cell(row=1, column=c, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
    for r, row in enumerate(INFO_ROWS, start=2):
        head_cell = sheet.cell(row=r, column=1, value=row.label(lang))
        head_cell.font = Font(bold=True)
        head_cell.alignment = Alignment(vertical="top")
        key = row.key
        value = persona.get(key[8:]) if key.startswith("persona_") else data.get(key)
        path = key.replace("persona_", "persona.") if key.startswith("persona_") else key
        cell = _put(sheet, r, 2, _cell_value(value, row, path, problems), path, problems)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90
    sheet.freeze_panes = "B2"
    _fit_rows(sheet, width=90)
    _print_setup(sheet, title_cols="A:A")


def _table_sheet(
    sheet: Any,
    columns: tuple[Column, ...],
    records: list[dict[str, Any]],
    lang: str,
    key: str,
    problems: list[Problem],
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for c, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=c, value=column.label(lang))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        wide = column.kind == "yaml" or column.key in ("description", "label")
        sheet.column_dimensions[get_column_letter(c)].width = 40 if wide else 16
    for r, record in enumerate(records, start=2):
        for c, column in enumerate(columns, start=1):
            path = f"{key}[{r - 2}].{column.key}"
            value = _cell_value(record.get(column.key), column, path, problems)
            cell = _put(sheet, r, c, value, path, problems)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    _fit_rows(sheet, width=40)
    _print_setup(sheet, title_rows="1:1")


def _text_lines(text: str, width: int) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide (wide East
    Asian characters count twice), for the row heights (no spreadsheet grows rows by
    itself when a file is opened)."""
    import unicodedata

    total = 0
    for line in text.split("\n"):
        cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        total += max(1, -(-cells // max(width - 2, 1)))
    return total


def _fit_rows(sheet: Any, width: int) -> None:
    """Row heights that show every line of wrapped text (capped at Excel's 409 points)."""
    for row in sheet.iter_rows(min_row=1):
        lines = max(
            (_text_lines(c.value, width) for c in row if isinstance(c.value, str)), default=1
        )
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = min(409, 15 * lines + 2)


def _print_setup(sheet: Any, title_cols: str | None = None, title_rows: str | None = None) -> None:
    """Landscape A4, the labels repeated on every printed page, one page tall."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 1 if title_cols else 0
    sheet.page_setup.fitToWidth = 0 if title_cols else 1
    if title_cols:
        sheet.print_title_cols = title_cols
    if title_rows:
        sheet.print_title_rows = title_rows


def _reproducible(book: Any) -> bytes:
    """The workbook's bytes with fixed dates (properties and zip entries)."""
    import datetime

    fixed = datetime.datetime(*FIXED_DATE)
    book.properties.created = fixed
    book.properties.creator = "cxkit"
    raw = io.BytesIO()
    book.save(raw)
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    payload,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, payload)
    return out.getvalue()
