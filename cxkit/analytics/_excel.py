"""Reading Excel workbooks (``.xlsx``) as event logs, with fastexcel (Rust calamine).

One sheet is read (the first, or ``sheet=``: a name or a 1-based number). Its first
non-empty row names the columns; each later row is an event. Cells keep their Excel
types — dates as datetimes, numbers as numbers — except the id and text columns of
the schema, read as text so that customer ``00123`` stays ``00123``. Nothing is lost
without a word: a cell that Excel's column type would turn into a null (``n/a`` in a
number column cxkit reads, ``45000.5`` in a text time column) is an
:class:`~cxkit.analytics.EventLogError` naming the sheet and the cell (``D17``); a
column cxkit does not read keeps such cells as text. Blank rows are skipped with a
warning.

Excel date cells carry no time zone: like naive CSV times they are read as UTC.

Limits: a sheet holds at most 1,048,576 rows (Excel's own limit), and the whole sheet
is read into memory, so a workbook over :data:`MAX_EXCEL_BYTES` is refused — save the
sheet as CSV (UTF-8) or Parquet for larger logs.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import narwhals as nw
import polars as pl

from cxkit.analytics._schema import EventLogError, EventLogWarning, EventSchema, user_stacklevel
from cxkit.core.errors import format_value
from cxkit.core.suggest import did_you_mean

__all__ = ["MAX_EXCEL_BYTES", "cell_name", "read_xlsx"]

#: Largest ``.xlsx`` file read (the sheet is held in memory, several times its
#: compressed size).
MAX_EXCEL_BYTES = 256 << 20
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")  # an encrypted .xlsx, or an Excel 97-2003 .xls


def cell_name(row: int, column: int) -> str:
    """The A1-style name of the cell at 0-based ``row`` and ``column``.

    >>> cell_name(0, 0), cell_name(16, 2), cell_name(0, 26), cell_name(9, 701)
    ('A1', 'C17', 'AA1', 'ZZ10')
    """
    letters = ""
    n = column + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row + 1}"


def read_xlsx(
    p: Path, schema: EventSchema, sheet: str | int | None, text: list[str]
) -> pl.LazyFrame:
    """Read one sheet of the workbook ``p`` (see the module docstring).

    ``text`` are the columns to read as text (the schema's ids and names).
    """
    size = p.stat().st_size
    if size > MAX_EXCEL_BYTES:
        raise EventLogError(
            f"{p}: is {size:,} bytes; Excel workbooks are read whole into memory up to "
            f"{MAX_EXCEL_BYTES:,} bytes — save the sheet as CSV (UTF-8) or Parquet instead"
        )
    reader = _open(p)
    name = _sheet(p, list(reader.sheet_names), sheet)
    where = f"{p}: sheet {name!r}"
    raw = _load(reader, name, where, header_row=None, skip_rows=0, dtypes="string")
    top = _header_row(raw, where, list(reader.sheet_names))
    header = [None if v is None else str(v) for v in raw.row(top)]
    typed_sheet = _sheet_obj(reader, name, where, dtypes={c: "string" for c in text if c in header})
    info = list(typed_sheet.selected_columns)
    # the raw load starts at the sheet's first used column; absolute_index counts from A
    left = info[0].absolute_index - info[0].index if info else 0
    _refuse_duplicates(where, header, schema, top, left)
    typed = _frame(typed_sheet, where)
    data = raw.slice(top + 1)
    if data.height != typed.height:  # pragma: no cover - fastexcel reads both alike
        raise EventLogError(f"{where}: cannot read the sheet consistently; save it as CSV")
    columns = [(c.index, c.absolute_index) for c in info]
    first = top + 1
    typed = _keep_every_value(typed, data, where, schema, columns, first)
    return _drop_blank_rows(typed, where, first).lazy()


def _open(p: Path) -> Any:
    try:
        import fastexcel
    except ImportError:  # pragma: no cover - a core dependency
        raise EventLogError(
            f"{p}: reading .xlsx needs the fastexcel package — pip install fastexcel"
        ) from None
    with p.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE):
        raise EventLogError(
            f"{p}: is password-protected (encrypted) or an Excel 97-2003 workbook; expected "
            "an .xlsx workbook without a password — open it in Excel and save it as .xlsx "
            "without one (or as CSV UTF-8)"
        )
    if not head.startswith(b"PK"):
        hint = " (is it a CSV file named .xlsx? rename it to .csv)" if _texty(head) else ""
        raise EventLogError(
            f"{p}: is not an Excel workbook: an .xlsx file is a ZIP archive, this one "
            f"starts with {head[:8]!r}{hint}"
            if head
            else f"{p}: is empty (0 bytes); expected an Excel workbook"
        )
    try:
        return fastexcel.read_excel(str(p))
    except Exception:  # noqa: BLE001 - fastexcel's own error, reported with the file
        raise EventLogError(
            f"{p}: cannot be read as an Excel workbook (a ZIP archive without a valid "
            "workbook inside: damaged, or another format); expected an .xlsx saved by "
            "Excel or a compatible program"
        ) from None


def _texty(head: bytes) -> bool:
    return all(b in b"\t\r\n" or 32 <= b < 127 or b >= 128 for b in head)


def _sheet(p: Path, names: list[str], sheet: str | int | None) -> str:
    """The name of the sheet that ``sheet`` (name, 1-based number or ``None``) means."""
    listed = ", ".join(repr(n) for n in names)
    if not names:
        raise EventLogError(f"{p}: the workbook has no sheets; expected one with the events")
    if sheet is None:
        return names[0]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    if isinstance(sheet, str) and sheet.strip().isdigit():
        sheet = int(sheet.strip())
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 1 <= sheet <= len(names):
            return names[sheet - 1]
        raise EventLogError(
            f"{p}: no sheet number {sheet}; the workbook has {len(names)} "
            f"sheet{'s' if len(names) != 1 else ''} ({listed}), numbered from 1"
        )
    if not isinstance(sheet, str):
        raise EventLogError(
            f"`sheet` must be a sheet name or a 1-based number, got {format_value(sheet)}"
        )
    hint = did_you_mean(sheet, names)
    raise EventLogError(
        f"{p}: no sheet named {sheet!r}" + (f" ({hint})" if hint else "") + f"; the "
        f"workbook's sheets: {listed}"
    )


def _sheet_obj(reader: Any, name: str, where: str, **options: Any) -> Any:
    try:
        return reader.load_sheet(name, **options)
    except Exception:  # noqa: BLE001 - fastexcel's own error, reported with the sheet
        raise EventLogError(
            f"{where}: cannot be read (a damaged sheet?); save it again from Excel, or as CSV"
        ) from None


def _frame(sheet: Any, where: str) -> pl.DataFrame:
    try:
        return sheet.to_polars()
    except Exception:  # noqa: BLE001 - fastexcel's own error, reported with the sheet
        raise EventLogError(
            f"{where}: cannot be read (a damaged sheet?); save it again from Excel, or as CSV"
        ) from None


def _load(reader: Any, name: str, where: str, **options: Any) -> pl.DataFrame:
    return _frame(_sheet_obj(reader, name, where, **options), where)


def _header_row(raw: pl.DataFrame, where: str, names: list[str]) -> int:
    """The 0-based row of the header: the first with a non-blank cell."""
    filled = raw.select(
        pl.any_horizontal(pl.all().str.strip_chars().fill_null("") != "").alias("f")
    ).to_series()
    if raw.width == 0 or not filled.any():
        others = (
            f" (the workbook's sheets: {', '.join(map(repr, names))})" if len(names) > 1 else ""
        )
        raise EventLogError(
            f"{where}: is empty; expected a header row naming the columns (customer_id, "
            f"timestamp, touchpoint, …) and one row per event{others}"
        )
    return int(filled.arg_max())  # type: ignore[arg-type]


def _refuse_duplicates(
    where: str, header: list[str | None], schema: EventSchema, top: int, left: int
) -> None:
    read = {c for c in (schema.column(n) for n in _fields()) if c is not None}
    for name in dict.fromkeys(h for h in header if h in read):
        at = [i for i, h in enumerate(header) if h == name]
        if len(at) > 1:
            cells = " and ".join(cell_name(top, left + i) for i in at)
            raise EventLogError(
                f"{where}: cells {cells} are both named {name!r}; expected each column "
                "that cxkit reads to appear once"
            )


def _fields() -> tuple[str, ...]:
    from cxkit.analytics._schema import OPTIONAL_FIELDS, REQUIRED_FIELDS

    return REQUIRED_FIELDS + OPTIONAL_FIELDS


def _keep_every_value(
    typed: pl.DataFrame,
    raw: pl.DataFrame,
    where: str,
    schema: EventSchema,
    columns: list[tuple[int, int]],
    first: int,
) -> pl.DataFrame:
    """Refuse a cell of a column cxkit reads that its column's type turned into a null
    (or a text time that does not parse); keep other columns' such cells as text."""
    from cxkit.analytics._frames import _polars_epoch
    from cxkit.analytics._validate import _NUMBER_FIELDS

    read = {c for c in (schema.column(n) for n in _fields()) if c is not None}
    numbers = {schema.column(n) for n in _NUMBER_FIELDS}
    for (at, letter), (col, dtype) in zip(columns, typed.schema.items(), strict=True):
        cells = raw.get_column(raw.columns[at])
        text = cells.str.strip_chars()
        given = text.is_not_null() & (text != "")
        if col == schema.timestamp and dtype == pl.String:
            parsed = typed.select(_polars_epoch(col, nw.String)).to_series()
            lost = given & parsed.is_null()
            expected = "a date and time: an Excel date cell or ISO 8601 text"
        elif col in numbers and dtype == pl.String:  # text cells in a number column
            value = text.cast(pl.Float64, strict=False)
            lost = given & value.is_null()
            expected = "a number"
            if not lost.any():
                typed = typed.with_columns(value.alias(col))
        elif dtype != pl.String:
            lost = given & typed.get_column(col).is_null()
            expected = _kind(dtype)
        else:
            continue
        if not lost.any():
            continue
        if col not in read:
            typed = typed.with_columns(cells.alias(col))
            continue
        row = int(lost.arg_max())  # type: ignore[arg-type]
        n = int(lost.sum())
        more = f" (and {n - 1} more cell{'s' if n > 2 else ''})" if n > 1 else ""
        raise EventLogError(
            f"{where}, cell {cell_name(first + row, letter)}: column {col!r} has "
            f"{format_value(text[row])}{more}; expected {expected}"
        )
    return typed


def _kind(dtype: Any) -> str:
    if dtype == pl.Boolean:
        return "TRUE/FALSE as in the column's other cells"
    if dtype.is_numeric():
        return "a number as in the column's other cells"
    if dtype.is_temporal():
        return "a date as in the column's other cells"
    return str(dtype)  # pragma: no cover


def _drop_blank_rows(frame: pl.DataFrame, where: str, first: int) -> pl.DataFrame:
    blank = frame.select(
        pl.all_horizontal(
            [
                pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "")
                if frame.schema[c] == pl.String
                else pl.col(c).is_null()
                for c in frame.columns
            ]
        ).alias("b")
    ).to_series()
    n = int(blank.sum())
    if not n:
        return frame
    at = first + int(blank.arg_max())  # type: ignore[arg-type]
    warnings.warn(
        f"{where}: skipped {n} blank row{'s' if n != 1 else ''} (e.g. row {at + 1})",
        EventLogWarning,
        stacklevel=user_stacklevel(),
    )
    return frame.filter(~blank)
