"""Excel ``.xlsx`` event logs: what Japanese Excel writes is read with its types, and
every fault is an EventLogError naming the file, the sheet and the cell.

The workbooks are written here with openpyxl (the ``test`` extra), so each trait is
visible in the test: Japanese sheet names and headers, ids with leading zeros stored
as text, Excel date cells, numbers, a blank row and a second sheet.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
import zipfile
from pathlib import Path

import polars as pl
import pytest

import cxkit.analytics as ca
from cxkit.analytics import EventLogError, EventLogWarning, EventSchema, read_events
from cxkit.cli import main

openpyxl = pytest.importorskip("openpyxl")

HEADER = ["顧客ID", "日時", "タッチポイント", "チャネル", "待ち時間", "結果"]
T0 = dt.datetime(2026, 1, 5, 9, 0)
# customer 00123: ウェブ → 電話 → purchase; 00456: ウェブ → abandon; 00789: 電話 → purchase
ROWS = [
    ["00123", T0, "ウェブ", "web", 0, None],
    ["00123", T0 + dt.timedelta(minutes=30), "電話", "phone", 125.5, "purchase"],
    [None] * 6,  # a blank row (sheet row 4)
    ["00456", T0 + dt.timedelta(hours=1), "ウェブ", "web", 0, "abandon"],
    ["00789", T0 + dt.timedelta(hours=2), "電話", "phone", 30, "purchase"],
]
SCHEMA = EventSchema(
    customer="顧客ID",
    timestamp="日時",
    touchpoint="タッチポイント",
    channel="チャネル",
    wait_s="待ち時間",
    outcome="結果",
)
COLUMNS = [
    "--column",
    "customer=顧客ID",
    "--column",
    "timestamp=日時",
    "--column",
    "touchpoint=タッチポイント",
    "--column",
    "channel=チャネル",
    "--column",
    "wait_s=待ち時間",
    "--column",
    "outcome=結果",
]


def workbook(path: Path, rows: list[list[object]] = ROWS, *, at: str = "A1") -> Path:
    """Sheet 'イベント' with HEADER and ``rows`` starting at cell ``at``; sheet '集計' second."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "イベント"
    col0 = ord(at[0]) - 65
    row0 = int(at[1:])
    for r, values in enumerate([HEADER, *rows]):
        for c, value in enumerate(values):
            if value is not None:
                ws.cell(row=row0 + r, column=col0 + c + 1, value=value)
    for r in range(len(rows)):  # ids typed as text in Excel, as ('00123) keeps the zeros
        ws.cell(row=row0 + 1 + r, column=col0 + 1).number_format = "@"
    summary = wb.create_sheet("集計")
    summary.append(["月", "件数"])
    summary.append(["1月", 4])
    wb.save(path)
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return workbook(tmp_path / "イベント.xlsx")


def read(path: Path, **kwargs: object) -> pl.DataFrame:
    return read_events(path, schema=SCHEMA, **kwargs).collect()  # type: ignore[arg-type]


# -- what is read ---------------------------------------------------------------------
def test_japanese_workbook_keeps_ids_dates_and_numbers(book: Path) -> None:
    with pytest.warns(
        EventLogWarning, match=r"sheet 'イベント': skipped 1 blank row \(e\.g\. row 4\)"
    ):
        frame = read(book)
    assert frame.columns == HEADER
    assert frame["顧客ID"].to_list() == ["00123", "00123", "00456", "00789"]
    assert frame.schema["日時"] == pl.Datetime("ms")
    assert frame["日時"][1] == T0 + dt.timedelta(minutes=30)
    assert frame.schema["待ち時間"] == pl.Float64
    assert frame["待ち時間"].to_list() == [0.0, 125.5, 0.0, 30.0]
    assert frame["結果"].to_list() == [None, "purchase", "abandon", "purchase"]


def test_discover_on_the_workbook_counts_by_hand(book: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)  # the blank row
        found = ca.discover(book, schema=SCHEMA)
    edges = {(r["source"], r["target"]): r["count"] for r in found.edges.iter_rows(named=True)}
    # ウェブ→電話 once (00123); journeys end: 電話→purchase twice, ウェブ→abandon once
    assert edges[("ウェブ", "電話")] == 1
    assert edges[("電話", "purchase")] == 2
    assert edges[("ウェブ", "abandon")] == 1
    assert found.n_events == 4 and found.n_customers == 3


def test_a_table_away_from_a1_names_its_own_cells(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][4] = "n/a"  # sheet row 3 + 1 + 3 = 7; column C + 4 = G
    path = workbook(tmp_path / "offset.xlsx", rows, at="C3")
    with pytest.raises(EventLogError) as info:
        read(path)
    assert str(info.value) == (
        f"{path}: sheet 'イベント', cell G7: column '待ち時間' has 'n/a'; expected a number "
        "as in the column's other cells"
    )


# -- sheets ---------------------------------------------------------------------------
@pytest.mark.parametrize("sheet", ["集計", 2, "2"])
def test_a_sheet_by_name_or_number(book: Path, sheet: object) -> None:
    frame = read_events(book, sheet=sheet).collect()  # type: ignore[arg-type]
    assert frame.to_dicts() == [{"月": "1月", "件数": 4.0}]


def test_a_missing_sheet_lists_the_sheets_with_a_did_you_mean(book: Path) -> None:
    with pytest.raises(EventLogError) as info:
        read(book, sheet="イベンド")
    assert str(info.value) == (
        f"{book}: no sheet named 'イベンド' (did you mean 'イベント'?); the workbook's sheets: "
        "'イベント', '集計'"
    )
    with pytest.raises(EventLogError, match=r"no sheet number 3; the workbook has 2 sheets"):
        read(book, sheet=3)
    with pytest.raises(EventLogError, match=r"no sheet number 0"):
        read(book, sheet=0)
    with pytest.raises(EventLogError, match=r"`sheet` must be a sheet name or a 1-based number"):
        read(book, sheet=1.5)


def test_sheet_is_refused_for_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("customer_id,timestamp,touchpoint\n1,2026-01-01T00:00:00Z,web\n")
    with pytest.raises(EventLogError, match=r"`sheet` \(CLI --sheet\) is for \.xlsx workbooks"):
        read_events(path, sheet="Sheet1")


# -- cells that would be lost ----------------------------------------------------------
def test_text_in_a_number_column_cxkit_reads_names_the_cell(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][4] = "n/a"  # sheet row 5 (after the header and rows 2-4), column E
    rows[4][4] = "?"
    path = workbook(tmp_path / "e.xlsx", rows)
    with pytest.raises(EventLogError) as info:
        read(path)
    assert str(info.value) == (
        f"{path}: sheet 'イベント', cell E5: column '待ち時間' has 'n/a' (and 1 more cell); "
        "expected a number"
    )


def test_numbers_typed_as_text_in_a_number_column_are_numbers(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS if r[0] is not None]
    for r in rows:
        r[4] = str(r[4])  # '0', '125.5', … stored as text cells
    path = workbook(tmp_path / "e.xlsx", rows)
    frame = read(path)
    assert frame.schema["待ち時間"] == pl.Float64
    assert frame["待ち時間"].to_list() == [0.0, 125.5, 0.0, 30.0]


def test_a_column_cxkit_does_not_read_keeps_every_cell_as_text(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][4] = "n/a"
    path = workbook(tmp_path / "e.xlsx", rows)
    schema = EventSchema(
        customer="顧客ID", timestamp="日時", touchpoint="タッチポイント", outcome="結果"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        frame = read_events(path, schema=schema).collect()
    assert frame["待ち時間"].to_list() == ["0", "125.5", "n/a", "30"]


def test_a_number_in_a_text_time_column_names_the_cell(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS if r[0] is not None]
    rows[0][1] = "2026-01-05T09:00:00+09:00"
    rows[2][1] = 46027.375  # an Excel serial date stored without a date format
    path = workbook(tmp_path / "e.xlsx", rows)
    with pytest.raises(EventLogError) as info:
        read(path)
    assert str(info.value) == (
        f"{path}: sheet 'イベント', cell B4: column '日時' has '46027.375'; expected a date "
        "and time: an Excel date cell or ISO 8601 text"
    )


# -- workbooks that are not readable ----------------------------------------------------
def test_unreadable_workbooks(tmp_path: Path) -> None:
    cases: list[tuple[str, bytes | None, str]] = [
        (
            "csv.xlsx",
            b"customer_id,timestamp\n1,2\n",
            "is not an Excel workbook: an .xlsx file is a ZIP archive, this one starts with "
            "b'customer' (is it a CSV file named .xlsx? rename it to .csv)",
        ),
        ("zero.xlsx", b"", "is empty (0 bytes); expected an Excel workbook"),
        (
            "locked.xlsx",  # what Excel writes for a password-protected workbook: OLE2
            bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504),
            "is password-protected (encrypted) or an Excel 97-2003 workbook",
        ),
        ("zip.xlsx", None, "cannot be read as an Excel workbook (a ZIP archive without"),
    ]
    for name, data, message in cases:
        path = tmp_path / name
        if data is None:
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("readme.txt", "not a workbook")
        else:
            path.write_bytes(data)
        with pytest.raises(EventLogError) as info:
            read_events(path)
        assert str(info.value).startswith(f"{path}: {message}"), str(info.value)


def test_an_empty_sheet_and_a_repeated_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "空"
    wb.create_sheet("data").append(["customer_id", "timestamp", "customer_id"])
    path = tmp_path / "e.xlsx"
    wb.save(path)
    with pytest.raises(EventLogError) as info:
        read_events(path)
    assert str(info.value) == (
        f"{path}: sheet '空': is empty; expected a header row naming the columns (customer_id, "
        "timestamp, touchpoint, …) and one row per event (the workbook's sheets: '空', 'data')"
    )
    with pytest.raises(EventLogError) as info:
        read_events(path, sheet="data")
    assert str(info.value) == (
        f"{path}: sheet 'data': cells A1 and C1 are both named 'customer_id'; expected each "
        "column that cxkit reads to appear once"
    )


def test_a_workbook_over_the_size_limit_is_refused(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cxkit.analytics import _excel

    monkeypatch.setattr(_excel, "MAX_EXCEL_BYTES", 100)
    with pytest.raises(
        EventLogError, match=r"Excel workbooks are read whole into memory up to 100"
    ):
        read_events(book)


def test_other_spreadsheet_formats_are_named(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1"))
    with pytest.raises(EventLogError, match=r"'\.xls'.*save it as an \.xlsx workbook"):
        read_events(path)


# -- the commands -----------------------------------------------------------------------
def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_analytics_command_reads_a_sheet(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "discover", str(book), *COLUMNS, "--sheet", "イベント", "--json")
    assert code == 0, err
    assert "skipped 1 blank row" in err
    assert json.loads(out)["n_events"] == 4
    code, out, err = _cli(capsys, "attribution", str(book), *COLUMNS, "--sheet", "1", "--json")
    assert code == 0, err
    rows = {r["touchpoint"]: r for r in json.loads(out)["rows"]}
    assert set(rows) == {"ウェブ", "電話"}
    assert json.loads(out)["p_target"] == pytest.approx(2 / 3, abs=1e-12)
    design = tmp_path / "observed.yaml"
    assert _cli(capsys, "discover", str(book), *COLUMNS, "-o", str(design))[0] == 0
    code, out, err = _cli(capsys, "drift", str(design), str(book), *COLUMNS, "--json")
    assert code == 0, err
    assert json.loads(out)["command"] == "drift"


def test_a_missing_sheet_on_the_command_line_is_one_line(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "discover", str(book), "--sheet", "Sheet1")
    assert code == 1 and out == ""
    assert err == (
        f"cxkit: error: {book}: no sheet named 'Sheet1'; the workbook's sheets: 'イベント', "
        "'集計'\n"
    )
