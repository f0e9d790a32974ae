"""The PDF export and the paged SVG/PNG map, on every template and a 40-step bilingual map."""

from __future__ import annotations

import functools
import io
import re
import struct

import pypdf
import pytest
from pypdf.generic import IndirectObject

import cxkit as cx
from cxkit import export
from cxkit.cli import main
from cxkit.export._chart import PAPERS, _page_svgs, page_svgs, svg_size
from cxkit.viz.paging import stage_pages

PT_PER_MM = 72 / 25.4

#: Every template (in its own language) and the 40-step stress map in Japanese and English.
CASES = [*cx.io.list_templates(), "long_journey_40_ja", "long_journey_40_en"]


@functools.cache
def journey_of(name: str) -> cx.Journey:
    if name.startswith("long_journey_40_"):
        return cx.data.long_journey(40, language=name.rsplit("_", 1)[1])
    return cx.load_journey(name)


@functools.cache
def pdf_of(name: str, paper: str = "a4") -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(export.pdf(journey_of(name), paper=paper)))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def document_text(reader: pypdf.PdfReader) -> str:
    return squeeze("".join(page.extract_text() for page in reader.pages))


def fonts_of(resources: object, seen: set[int]) -> list[pypdf.generic.DictionaryObject]:
    """Every font dictionary used by a page, through its form XObjects."""
    if isinstance(resources, IndirectObject):
        if resources.idnum in seen:
            return []
        seen.add(resources.idnum)
    resources = resources.get_object() if resources is not None else {}
    found = [f.get_object() for f in resources.get("/Font", {}).values()]
    for xobject in resources.get("/XObject", {}).values():
        found += fonts_of(xobject.get_object().get("/Resources"), seen)
    return found


def font_files(font: pypdf.generic.DictionaryObject) -> set[str]:
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    return {k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor}


# -- the PDF over every template and the long map ------------------------------------------
@pytest.mark.parametrize("name", CASES)
def test_every_step_action_is_in_the_pdf_text(name) -> None:
    text = document_text(pdf_of(name))
    # a caption shortened on the map counts when its footnote carries the full text
    missing = [s.action for s in journey_of(name).steps if squeeze(s.action) not in text]
    assert missing == []


@pytest.mark.parametrize("name", CASES)
def test_every_page_is_a4_landscape_and_every_font_embedded(name) -> None:
    reader = pdf_of(name)
    width, height = (mm * PT_PER_MM for mm in PAPERS["a4"])
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - width) <= 1 and abs(float(box.height) - height) <= 1
        fonts = fonts_of(page.get("/Resources"), set())
        assert fonts, "a map page without text"
        assert all(font_files(f) for f in fonts), [str(f.get("/BaseFont")) for f in fonts]


def sheets_per_page(name: str, paper: str = "a4") -> list[int]:
    """1 for a map page that prints at 7 pt or more on its sheet, 2 for a taller one."""
    from cxkit.export._pdf import printed_body_pt

    return [
        1 if printed_body_pt(p, paper) >= 7.0 else 2
        for p in page_svgs(journey_of(name), paper=paper)
    ]


@pytest.mark.parametrize("name", CASES)
def test_one_sheet_per_stage_page_or_two_for_a_tall_page(name) -> None:
    from cxkit.viz import journey as viz_journey

    per_page = viz_journey.steps_per_page("a4")
    counts = sheets_per_page(name)
    assert len(counts) == len(stage_pages(journey_of(name), per_page))
    assert len(pdf_of(name).pages) == sum(counts)


def test_a3_pages_and_page_count() -> None:
    reader = pdf_of("long_journey_40_ja", "a3")
    width, height = (mm * PT_PER_MM for mm in PAPERS["a3"])
    assert all(
        abs(float(p.mediabox.width) - width) <= 1 and abs(float(p.mediabox.height) - height) <= 1
        for p in reader.pages
    )
    assert len(reader.pages) == sum(sheets_per_page("long_journey_40_ja", "a3"))
    assert len(reader.pages) < len(pdf_of("long_journey_40_ja").pages)  # A3 holds more


def test_metadata_title_language_producer_and_no_dates() -> None:
    reader = pdf_of("complaint_recovery_ja")
    journey = journey_of("complaint_recovery_ja")
    assert reader.metadata.title == journey.title
    assert reader.metadata.producer.startswith("cxkit ")
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    assert pdf_of("retail_omnichannel").trailer["/Root"]["/Lang"] == "en"


def test_same_journey_same_bytes() -> None:
    journey = journey_of("complaint_recovery_ja")
    first = export.pdf(journey)
    _page_svgs.cache_clear()  # draw the map again, not only the PDF
    assert export.pdf(journey) == first
    assert first.startswith(b"%PDF-") and first.rstrip().endswith(b"%%EOF")


# -- paged SVG and PNG ---------------------------------------------------------------------
def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_svg_stacks_the_pages_and_gives_one_page_alone() -> None:
    journey = journey_of("long_journey_40_ja")
    pages = page_svgs(journey)
    stacked = export.svg(journey)
    if len(pages) == 1:  # waits on journey_map_pages (branch i14-map)
        pytest.fail("the 40-step map should have several pages")
    sizes = [svg_size(p) for p in pages]
    width, height = svg_size(stacked)
    assert width == max(w for w, _ in sizes)
    assert height > sum(h for _, h in sizes)  # the pages and a gap between each two
    assert stacked.count("<svg") == len(pages) + 1
    assert export.svg(journey, page=2) == pages[1]


def test_single_page_map_is_the_page_itself() -> None:
    journey = journey_of("billing_inquiry")
    (only,) = page_svgs(journey)
    assert export.svg(journey) == only == export.svg(journey, page=1)
    w, h = svg_size(only)
    assert png_size(export.png(journey, scale=1)) == (round(w), round(h))
    assert export.png(journey, scale=1) == export.png(journey, scale=1, page=1)


def test_png_page_is_the_page_at_scale() -> None:
    journey = journey_of("long_journey_40_en")
    pages = page_svgs(journey)
    w, h = svg_size(pages[-1])
    last = export.png(journey, page=len(pages), scale=1)
    assert png_size(last) == (round(w), round(h))
    all_w, all_h = png_size(export.png(journey, scale=1))
    assert (all_w >= round(w) and all_h >= round(h) * len(pages)) or len(pages) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda j: export.pdf(j, paper="letter"),
            "`paper` must be one of 'a4', 'a3', got 'letter'",
        ),
        (lambda j: export.svg(j, paper="A4"), "`paper` must be one of 'a4', 'a3', got 'A4'"),
        (lambda j: export.svg(j, page=0), "`page` must be a page number from 1 to 1"),
        (lambda j: export.png(j, page=2), "(the map has 1 page on a4), got 2"),
        (lambda j: export.svg(j, page=True), "got True"),
        (lambda j: export.png(j, page="1"), "got '1'"),
        (lambda j: export.render(j, "pdf", page=1), "`page` applies to the svg and png maps"),
    ],
)
def test_bad_paper_or_page_is_a_clear_error(call, message) -> None:
    with pytest.raises(cx.CxkitError) as info:
        call(journey_of("billing_inquiry"))
    assert message in str(info.value)


# -- writer and CLI ------------------------------------------------------------------------
def test_write_pdf_from_the_suffix_atomically(tmp_path) -> None:
    target = tmp_path / "map.pdf"
    target.write_bytes(b"old")
    with pytest.raises(cx.CxkitError, match="`paper` must be one of"):
        export.write(journey_of("billing_inquiry"), target, paper="b5")
    assert target.read_bytes() == b"old"
    export.write(journey_of("billing_inquiry"), target, paper="a3")
    reader = pypdf.PdfReader(target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert round(float(reader.pages[0].mediabox.width)) == round(420 * PT_PER_MM)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.pdf"]


def test_cli_export_pdf_paper_and_page(tmp_path, capsys) -> None:
    out = tmp_path / "m.pdf"
    argv = ["export", "billing_inquiry", "--to", "pdf", "--out", str(out), "--paper", "a3"]
    assert main(argv) == 0
    assert f"wrote {out} (pdf," in capsys.readouterr().out
    assert round(float(pypdf.PdfReader(out).pages[0].mediabox.height)) == round(297 * PT_PER_MM)
    assert main(["export", "billing_inquiry", "--out", str(tmp_path / "p.svg"), "--page", "1"]) == 0
    assert (tmp_path / "p.svg").read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--to", "pdf"], "--to pdf writes binary data: give --out FILE.pdf"),
        (["--to", "png", "--out", "x.png", "--page", "3"], "from 1 to 1"),
        (["--to", "pdf", "--paper", "a5"], "'a5' is not one of 'a4', 'a3'"),
    ],
)
def test_cli_export_pdf_errors(tmp_path, capsys, monkeypatch, argv, message) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "billing_inquiry", *argv]) != 0
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# -- printed type size ---------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_every_sheet_prints_its_body_text_at_7_pt_or_more(name, paper) -> None:
    from cxkit.export._pdf import print_sheets, printed_body_pt

    journey = journey_of(name)
    sheets = print_sheets(journey, journey.language, paper)
    assert min(printed_body_pt(sheet, paper) for sheet in sheets) >= 7.0


def test_a_tall_page_prints_as_lanes_then_scores_under_the_same_headers() -> None:
    # complaint_recovery_ja's first page (8 lanes and a service blueprint) would print
    # at 5.0 pt on one A4 sheet: it becomes two sheets of the same steps
    from cxkit.export._pdf import printed_body_pt

    assert printed_body_pt(page_svgs(journey_of("complaint_recovery_ja"))[0], "a4") < 5.1
    reader = pdf_of("complaint_recovery_ja")
    first, second = (squeeze(p.extract_text()) for p in reader.pages[:2])
    assert "チャネルとサービスブループリント" in first and "評価と感情" in second
    assert "可視境界線" in first and "可視境界線" not in second
    assert "ペインポイント" in second and "ペインポイント" not in first
    for step in journey_of("complaint_recovery_ja").steps[:6]:  # page 1's steps on both
        assert squeeze(step.action)[:12] in first and squeeze(step.action)[:12] in second
