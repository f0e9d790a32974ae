"""The Excel journey grid (cxkit.io.grid): lossless round trips, hostile grids, the CLI.

Hostile grids are built the way a workshop damages them: a written grid is opened
with openpyxl, edited (a misspelled row label, an unknown touchpoint, text where a
number goes, a formula, rows inserted) and read back; each problem must name its cell
as ``file!Sheet!C7``, the field, the value received and what was expected.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import cxkit as cx
from cxkit.cli import cli
from cxkit.core.errors import CxkitError, JourneyValidationError
from cxkit.io import dump_journey
from cxkit.io.grid import grid_bytes, loads_grid, validate_grid
from cxkit.io.grid._layout import GRID_ROWS, INFO_ROWS, TABLES, aliases

CASES = [*cx.io.list_templates(), "long_journey_40"]


def _journey(name: str) -> cx.Journey:
    return cx.data.long_journey(40) if name == "long_journey_40" else cx.load_journey(name)


def _edit(journey: cx.Journey, change: Callable[[Any], None]) -> bytes:
    """The grid of ``journey`` after ``change(workbook)``, as bytes."""
    book = openpyxl.load_workbook(io.BytesIO(grid_bytes(journey)))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _problems(raw: bytes, file: str = "x.xlsx") -> list[str]:
    _, problems = validate_grid(raw, file=file)
    return [p.format() for p in problems]


# -- round trips ------------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_round_trip_is_lossless(name: str, tmp_path) -> None:
    journey = _journey(name)
    path = cx.io.save_journey(journey, tmp_path / f"{name}.xlsx")
    back = cx.load_journey(path)
    assert back == journey
    assert dump_journey(back) == dump_journey(journey)
    assert cx.io.validate_file(path) == []
    # the same journey gives the same bytes (fixed workbook dates)
    assert path.read_bytes() == grid_bytes(journey)


def test_the_grid_is_stages_by_lanes_in_the_journey_language() -> None:
    journey = cx.load_journey("complaint_recovery_ja")
    book = openpyxl.load_workbook(io.BytesIO(cx.export.xlsx(journey)))
    assert book.sheetnames == [
        "ジャーニー",
        "ジャーニー情報",
        "ステージ一覧",
        "タッチポイント一覧",
        "引き継ぎ",
        "結果",
        "問い合わせ理由",
        "チャネル",
        "施策",
    ]
    sheet = book["ジャーニー"]
    labels = [sheet.cell(row=r, column=1).value for r in range(1, len(GRID_ROWS) + 1)]
    assert labels[:4] == ["ステージ", "ステップID", "タッチポイント", "行動"]
    assert "ペインポイント" in labels and "バックステージ" in labels
    assert all(lab != c.label("en") for lab, c in zip(labels, GRID_ROWS, strict=True))
    assert sheet.max_column == len(journey.steps) + 1
    # the stage written once over its steps: merged cells, one per run of a stage
    runs = sum(
        1
        for i, s in enumerate(journey.steps)
        if i + 1 < len(journey.steps) and journey.steps[i + 1].stage == s.stage
        if i == 0 or journey.steps[i - 1].stage != s.stage
    )
    assert len(sheet.merged_cells.ranges) == runs > 0
    assert sheet.freeze_panes == "B2"
    assert sheet.cell(row=4, column=2).value == journey.steps[0].action
    pains = GRID_ROWS.index(next(c for c in GRID_ROWS if c.key == "pain_points")) + 1
    first = journey.steps[0]
    assert sheet.cell(row=pains, column=2).value == "\n".join(first.pain_points)
    # English labels on request, and the journey still reads back
    en = cx.export.xlsx(journey, lang="en")
    assert openpyxl.load_workbook(io.BytesIO(en)).sheetnames[0] == "Journey"
    assert loads_grid(en) == journey


def test_render_write_and_cli_export(tmp_path) -> None:
    journey = cx.load_journey("retail_omnichannel")
    data = cx.export.render(journey, "xlsx")
    assert isinstance(data, bytes) and data[:2] == b"PK"
    out = cx.export.write(journey, tmp_path / "r.xlsx")
    assert out.read_bytes() == data
    result = CliRunner().invoke(
        cli, ["export", "retail_omnichannel", "--to", "xlsx", "--out", str(tmp_path / "c.xlsx")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c.xlsx").read_bytes() == data


def test_labels_are_distinct_within_each_sheet() -> None:
    for columns in (GRID_ROWS, INFO_ROWS, *(t.columns for t in TABLES)):
        seen: dict[str, str] = {}
        for c in columns:
            for a in aliases(c.key, c.label_key or f"xlsx_{c.key}"):
                assert seen.setdefault(a, c.key) == c.key, (a, c.key, seen[a])


# -- text that must stay text -----------------------------------------------------------
INJECTIONS = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", '=HYPERLINK("http://x","y")', "=", "-"]


def test_formula_injection_texts_stay_text() -> None:
    base = cx.load_journey("billing_inquiry")
    steps = list(base.steps)
    steps[0] = replace(steps[0], action=INJECTIONS[0], pain_points=tuple(INJECTIONS[1:]))
    steps[1] = replace(steps[1], notes=INJECTIONS[4])
    journey = base.replace(steps=tuple(steps), title="=cmd|' /C calc'!A0")
    raw = grid_bytes(journey)
    book = openpyxl.load_workbook(io.BytesIO(raw))  # formulas would be kept as formulas
    cells = [c for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert book.worksheets[0]["B4"].value == "=1+1"
    assert book.worksheets[0]["B4"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if "worksheets" in n)
    assert loads_grid(raw) == journey


def test_cp932_and_full_width_labels_are_read() -> None:
    """Labels typed with full-width letters, ideographic spaces and mixed languages;
    texts with CP932 characters (①, ～, ㈱, 髙, half-width kana) kept as typed."""
    base = cx.load_journey("complaint_recovery_ja")
    steps = list(base.steps)
    steps[0] = replace(steps[0], action="①髙橋㈱ｶﾀｶﾅ～〜－−", pain_points=("ＡＢＣ　全角",))
    journey = base.replace(steps=tuple(steps))
    spellings = {3: "タッチ　ポイント", 4: "ACTION", 10: "ｗａｉｔ＿ｓ", 15: "ペイン ポイント"}

    def relabel(book: Any) -> None:
        for row, text in spellings.items():
            book["ジャーニー"].cell(row=row, column=1).value = text

    back = loads_grid(_edit(journey, relabel))
    assert back == journey
    assert back.steps[0].action == "①髙橋㈱ｶﾀｶﾅ～〜－−"


# -- hostile grids --------------------------------------------------------------------
def test_misspelled_row_label_names_the_cell_with_did_you_mean() -> None:
    def typo(book: Any) -> None:
        book["Journey"]["A4"] = "Acton"
        book["Journey"]["A15"] = "Pain pionts"

    problems = _problems(_edit(cx.load_journey("billing_inquiry"), typo))
    assert problems[0] == (
        "x.xlsx!Journey!A4: unknown row label (got 'Acton') — expected one of 'Stage', "
        "'Step id', 'Touchpoint', 'Action', 'Call reason', 'Expectation (0–10)', "
        "'Experience (0–10)', 'Emotion', 'Effort (CES 1–5)', 'Wait (s)', "
        "'Expected wait (s)', 'Had to repeat themselves', 'Transfer', 'Repeat contact', "
        "'Pain points', 'Opportunities', 'Frontstage', 'Backstage', 'Support processes', "
        "'Evidence', 'Notes'; did you mean 'Action'?"
    )
    assert problems[1].startswith("x.xlsx!Journey!A15: unknown row label (got 'Pain pionts')")
    assert problems[1].endswith("did you mean 'Pain points'?")


def test_unknown_touchpoint_in_c7_is_located_with_a_suggestion() -> None:
    """Rows moved by the workshop (four inserted above the touchpoints): rows are
    found by their label, and the problem is at the cell where the value now is."""

    def move_and_typo(book: Any) -> None:
        sheet = book["Journey"]
        sheet.insert_rows(3, amount=4)
        assert sheet["A7"].value == "Touchpoint"
        sheet["C7"] = "phone_queu"

    problems = _problems(_edit(cx.load_journey("billing_inquiry"), move_and_typo))
    assert problems == [
        "x.xlsx!Journey!C7: steps[1].touchpoint: unknown touchpoint 'phone_queu'; "
        "did you mean 'phone_queue'?"
    ]


def test_schema_and_reference_problems_come_in_one_pass() -> None:
    def damage(book: Any) -> None:
        sheet = book["Journey"]
        sheet["B6"] = "high"  # expectation
        sheet["D3"] = "agnet"  # touchpoint
        sheet["B1"] = "serch"  # stage

    journey, problems = validate_grid(
        _edit(cx.load_journey("billing_inquiry"), damage), file="x.xlsx"
    )
    assert journey is None
    text = [p.format() for p in problems]
    assert (
        "x.xlsx!Journey!B6: steps[0].expectation: wrong type: got text (got 'high') "
        "— expected a number" in text
    )
    with pytest.raises(JourneyValidationError) as err:
        loads_grid(_edit(cx.load_journey("billing_inquiry"), damage), file="x.xlsx")
    assert "x.xlsx!Journey!B6" in str(err.value)


def test_reference_problems_after_the_schema_passes() -> None:
    def damage(book: Any) -> None:
        book["Journey"]["D3"] = "agnet"
        book["Journey"]["B1"] = "serch"
        book["Hand-offs"]["B2"] = "phone_queu"

    problems = _problems(_edit(cx.load_journey("billing_inquiry"), damage))
    assert "x.xlsx!Journey!B1: steps[0].stage: unknown stage 'serch'; did you mean 'search'?" in (
        problems
    )
    assert (
        "x.xlsx!Journey!D3: steps[2].touchpoint: unknown touchpoint 'agnet'; did you mean 'agent'?"
        in problems
    )
    assert any(p.startswith("x.xlsx!Hand-offs!B2: handoffs[0].to: ") for p in problems), problems


def test_a_formula_without_a_value_is_refused() -> None:
    def formula(book: Any) -> None:
        book["Journey"]["C6"] = "=B6+1"

    problems = _problems(_edit(cx.load_journey("billing_inquiry"), formula))
    assert problems == [
        "x.xlsx!Journey!C6: a formula without a computed value — expected a value (type it, "
        "or open and save the file in Excel or LibreOffice so that the formula is computed)"
    ]


def test_empty_and_missing_sheets() -> None:
    book = openpyxl.Workbook()
    book.active.title = "Journey"
    out = io.BytesIO()
    book.save(out)
    assert _problems(out.getvalue())[0] == (
        "x.xlsx!Journey!A1: the journey sheet is empty — expected row labels in column A "
        "(stage, touchpoint, action…) and a column per step"
    )
    book.active.title = "Journy"
    out = io.BytesIO()
    book.save(out)
    problems = _problems(out.getvalue())
    assert problems[0].startswith("x.xlsx: the workbook has no journey sheet (got ['Journy'])")
    assert problems[0].endswith("did you mean 'Journey'?")


def test_a_huge_sheet_is_bounded(monkeypatch) -> None:
    def far(book: Any) -> None:
        book["Journey"].cell(row=5_001, column=2).value = "x"

    problems = _problems(_edit(cx.load_journey("billing_inquiry"), far))
    assert problems == [
        "x.xlsx!Journey!A1: sheet has 5,001 rows and 5 columns — expected at most 5,000 rows "
        "and 1,000 columns"
    ]
    from cxkit.io.grid import _reader
    from cxkit.io.grid._layout import Limits

    monkeypatch.setattr(_reader, "LIMITS", Limits(unpacked_bytes=10_000))
    problems = _problems(grid_bytes(cx.load_journey("billing_inquiry")))
    assert problems[0].startswith("x.xlsx: workbook unpacks to ")
    monkeypatch.setattr(_reader, "LIMITS", Limits(file_bytes=1_000))
    assert _problems(grid_bytes(cx.load_journey("billing_inquiry")))[0].startswith(
        "x.xlsx: file is too large: "
    )


def test_a_file_that_is_not_a_workbook(tmp_path) -> None:
    assert _problems(b"id: x\n") == [
        "x.xlsx: not an Excel workbook (an .xlsx file is a zip archive) — expected an .xlsx "
        "workbook"
    ]
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)
    assert _problems(xls)[0].startswith("x.xlsx: an Excel 97–2003 .xls file")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "hi")
    assert _problems(other.getvalue())[0].startswith("x.xlsx: cannot read the workbook: ")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CxkitError, match=r"bad.xlsx: not an Excel workbook"):
        cx.load_journey(bad)


def test_unknown_sheet_is_a_warning_with_did_you_mean() -> None:
    def extra(book: Any) -> None:
        book.create_sheet("Touchpoint")

    journey, problems = validate_grid(
        _edit(cx.load_journey("billing_inquiry"), extra), file="x.xlsx"
    )
    assert journey == cx.load_journey("billing_inquiry")
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].format().endswith("did you mean 'Touchpoints'?")


def test_a_workshop_grid_without_merges_or_step_ids() -> None:
    """A grid typed by hand: the stage written in every column (no merge), blank
    columns between steps, no step ids: read as the same steps."""

    def unmerge(book: Any) -> None:
        sheet = book["Journey"]
        for merged in list(sheet.merged_cells.ranges):
            value = sheet.cell(row=1, column=merged.min_col).value
            sheet.unmerge_cells(str(merged))
            for col in range(merged.min_col, merged.max_col + 1):
                sheet.cell(row=1, column=col).value = value
        sheet.insert_cols(3)

    journey = cx.load_journey("billing_inquiry")
    back = loads_grid(_edit(journey, unmerge))
    assert back == journey


# -- the command line -----------------------------------------------------------------
def test_cli_validate_show_and_new_on_a_grid(tmp_path) -> None:
    runner = CliRunner()
    grid = tmp_path / "c.xlsx"
    result = runner.invoke(cli, ["new", str(grid), "--template", "complaint_recovery_ja"])
    assert result.exit_code == 0, result.output
    assert cx.load_journey(grid) == cx.load_journey("complaint_recovery_ja")
    result = runner.invoke(cli, ["validate", str(grid)])
    assert result.exit_code == 0 and result.output.strip().endswith("c.xlsx: valid")
    result = runner.invoke(cli, ["show", str(grid)])
    assert result.exit_code == 0
    assert "配送設置トラブルの苦情対応とお詫び訪問" in result.output

    def typo(book: Any) -> None:
        book["ジャーニー"]["C3"] = "cal_center"

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_edit(cx.load_journey("complaint_recovery_ja"), typo))
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}!ジャーニー!C3: steps[1].touchpoint: unknown touchpoint 'cal_center'" in (
        result.output
    )
    result = runner.invoke(cli, ["show", str(bad)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
