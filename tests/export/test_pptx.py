"""The PowerPoint deck (cxkit.export.pptx): every template and the 40-step stress case,
in English and Japanese, read back with python-pptx; text placement measured on the
deck as LibreOffice renders it."""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import cxkit as cx
from cxkit import export
from cxkit.core.i18n import _LABELS
from cxkit.core.model import TEXT_LISTS
from cxkit.export._pptx import MAX_STEPS_PER_SLIDE
from cxkit.viz.paging import stage_pages

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: E402

EMU_PER_PT = 12700
EMOTIONS = ("dissatisfied", "satisfied", "delighted")
NAMES = [*cx.io.list_templates(), "long_journey_40"]
CASES = [(name, lang) for name in NAMES for lang in ("en", "ja")]


@functools.cache
def journey_of(name: str) -> cx.Journey:
    return cx.data.long_journey(40) if name == "long_journey_40" else cx.load_journey(name)


@functools.cache
def deck_bytes(name: str, lang: str) -> bytes:
    return export.pptx(journey_of(name), lang=lang)


def deck(name: str, lang: str):
    return Presentation(io.BytesIO(deck_bytes(name, lang)))


def _norm(text: str) -> str:
    # white space aside; a bullet "•" set in the CJK font reads back from the PDF as "・"
    return re.sub(r"[\s•・]+", "", text)


def _frames(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        elif shape.has_table:
            out += [c.text_frame.text for row in shape.table.rows for c in row.cells]
    return out


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_slide_count_is_two_plus_the_stage_pages(name, lang) -> None:
    j = journey_of(name)
    pages = stage_pages(j, MAX_STEPS_PER_SLIDE)
    d = deck(name, lang)
    assert len(d.slides) == 2 + len(pages)
    assert (d.slide_width, d.slide_height) == (960 * EMU_PER_PT, 540 * EMU_PER_PT)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_step_action_is_in_a_text_frame_of_its_page(name, lang) -> None:
    j = journey_of(name)
    d = deck(name, lang)
    pages = stage_pages(j, MAX_STEPS_PER_SLIDE)
    shortened = 0
    for page, slide in zip(pages, list(d.slides)[1:-1], strict=True):
        frames = [_norm(t) for t in _frames(slide)]
        notes = _norm(_notes(slide))
        for i in page.steps:
            action = _norm(j.steps[i].action)
            if any(action in f for f in frames):
                continue
            # shortened on the slide: the start is in its caption, the whole text in the notes
            assert action in notes, (name, i, j.steps[i].action)
            assert any(f.startswith(f"{i + 1}.{action[:8]}") for f in frames), (name, i)
            shortened += 1
    if name != "long_journey_40":
        assert shortened == 0, f"{name}: {shortened} captions shortened"


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_every_shape_is_native(name, lang) -> None:
    data = deck_bytes(name, lang)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not [n for n in z.namelist() if n.startswith("ppt/media/")]
        for n in z.namelist():
            if n.startswith("ppt/slides/slide"):
                assert b"<p:pic" not in z.read(n) and b"<a:blip" not in z.read(n), n
    kinds = set()
    for slide in deck(name, lang).slides:
        for shape in slide.shapes:
            assert shape.shape_type != MSO_SHAPE_TYPE.PICTURE
            kinds.add(shape.shape_type)
    assert MSO_SHAPE_TYPE.CHART in kinds and MSO_SHAPE_TYPE.TABLE in kinds
    assert MSO_SHAPE_TYPE.AUTO_SHAPE in kinds


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_text_is_set_in_the_deck_font_at_ten_points_or_more(name, lang) -> None:
    with zipfile.ZipFile(io.BytesIO(deck_bytes(name, lang))) as z:
        slides = [z.read(n).decode() for n in z.namelist() if re.match(r"ppt/slides/slide\d+", n)]
    for xml in slides:
        for rpr in re.findall(r"<a:rPr [^>]*>.*?</a:rPr>", xml):
            assert '<a:ea typeface="Noto Sans CJK JP"' in rpr, rpr
            assert int(re.search(r'sz="(\d+)"', rpr).group(1)) >= 1000, rpr


def _content_words(j: cx.Journey) -> set[str]:
    texts = [j.title, j.id, j.description or "", j.source or ""]
    if j.persona:
        texts += [j.persona.name, j.persona.description or ""]
    texts += [s.display for s in j.stages]
    texts += [t.display for t in j.graph.touchpoints] + [t.id for t in j.graph.touchpoints]
    texts += [c.label("ja") for c in j.graph.channels] + [c.name for c in j.graph.channels]
    for s in j.steps:
        texts += [s.action, s.touchpoint, *(t for k in TEXT_LISTS for t in getattr(s, k))]
    return set(re.findall(r"[A-Za-z]{2,}", " ".join(texts)))


@pytest.mark.parametrize("name", NAMES)
def test_japanese_deck_has_no_english_label(name) -> None:
    j = journey_of(name)
    data = deck_bytes(name, "ja")
    text = []
    for slide in Presentation(io.BytesIO(data)).slides:
        text += _frames(slide)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # the chart: series names, axis titles
        for n in z.namelist():
            if n.startswith("ppt/charts/chart"):
                text += re.findall(r"<(?:a|c):(?:t|v)>([^<]*)<", z.read(n).decode())
    # a line break inside a word (wrap_text breaks "CIO." before a closing "O.") joins again
    words = set(re.findall(r"[A-Za-z]{2,}", " ".join(text).replace("\v", "")))
    japanese_labels = set(re.findall(r"[A-Za-z]{2,}", " ".join(v["ja"] for v in _LABELS.values())))
    english = set(re.findall(r"[A-Za-z]{2,}", " ".join(v["en"] for v in _LABELS.values())))
    stray = (words - _content_words(j) - japanese_labels) & english
    assert not stray, stray
    assert "ステージ" in " ".join(text) and "ペインポイント" in " ".join(text)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_same_journey_same_bytes(name, lang) -> None:
    deck_bytes.cache_clear()
    first = deck_bytes(name, lang)
    deck_bytes.cache_clear()
    assert deck_bytes(name, lang) == first


def test_summary_slide_shows_the_figures_of_cxkit_show() -> None:
    from cxkit.cli.journey import show_payload

    j = cx.load_journey("billing_inquiry")
    p = show_payload(j, "en")
    summary = list(Presentation(io.BytesIO(export.pptx(j))).slides)[-1]
    assert "Key figures" in _frames(summary)[0]
    table = next(s.table for s in summary.shapes if s.has_table)
    rows = {r.cells[0].text_frame.text: r.cells[1].text_frame.text for r in table.rows}
    assert rows["Journey effort (CES 1–5)"] == f"{p['effort']['ces5']:g}"
    assert rows["Peak-end"] == f"{p['aggregate']['peak_end']:g}".replace("-", "−")
    assert rows["Journey emotion"] == p["aggregate"]["emotion_label"]
    assert rows["First-contact resolution (All customers)"].endswith(" %")


def test_purchase_journey_has_no_fcr_row() -> None:
    summary = list(Presentation(io.BytesIO(export.pptx(journey_of("retail_omnichannel")))).slides)
    table = next(s.table for s in summary[-1].shapes if s.has_table)
    assert not [r for r in table.rows if "First-contact" in r.cells[0].text_frame.text]


def test_blueprint_lanes_and_line_of_visibility() -> None:
    d = deck("complaint_recovery_ja", "ja")
    page = list(d.slides)[1]
    texts = _frames(page)
    assert {"フロントステージ", "バックステージ", "支援プロセス", "可視境界線"} <= set(texts)
    dashed = page.shapes._spTree.xpath(".//p:cxnSp[.//a:prstDash]")
    assert len(dashed) >= 2  # the zero line of the curve and the line of visibility
    assert "Frontstage" not in " ".join(_frames(list(deck("billing_inquiry", "en").slides)[1]))


def test_touchpoints_are_coloured_by_channel_and_points_by_emotion() -> None:
    from cxkit.viz import theme

    j = journey_of("retail_omnichannel")
    page = list(deck("retail_omnichannel", "en").slides)[1]
    fills = {
        s.text_frame.text: str(s.fill.fore_color.rgb)
        for s in page.shapes
        if s.has_text_frame and s.fill.type == 1
    }
    first = j.graph.touchpoint(j.steps[0].touchpoint)
    assert fills[first.display] == theme.channel_color(first.channel).lstrip("#")
    ovals = page.shapes._spTree.xpath('.//p:sp[.//a:prstGeom[@prst="ellipse"]]//a:srgbClr/@val')
    emotions = {c.lstrip("#") for c in theme.EMOTION_COLORS.values()}
    assert emotions & set(ovals)


def test_render_write_and_cli(tmp_path, capsys) -> None:
    from cxkit.cli import main

    j = journey_of("billing_inquiry")
    assert export.render(j, "pptx") == export.pptx(j)
    path = export.write(j, tmp_path / "deck.pptx")
    assert path.read_bytes()[:2] == b"PK"
    out = tmp_path / "cli.pptx"
    assert main(["export", "billing_inquiry", "--to", "pptx", "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out} (pptx, ")
    assert out.read_bytes() == export.pptx(j)
    assert main(["export", "billing_inquiry", "--out", str(tmp_path / "b.pptx")]) == 0
    assert main(["export", "billing_inquiry", "--to", "pptx"]) == 1
    err = capsys.readouterr().err
    assert "--to pptx writes binary data" in err and "Traceback" not in err


# -- measured on the deck as LibreOffice renders it ------------------------------------------
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice missing: make office-deps")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every deck rendered to PDF by LibreOffice (one soffice run for all)."""
    folder = tmp_path_factory.mktemp("pptx")
    paths = []
    for name, lang in CASES:
        path = folder / f"{name}-{lang}.pptx"
        path.write_bytes(deck_bytes(name, lang))
        paths.append(str(path))
    profile = folder / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *paths,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {(n, lang): folder / f"{n}-{lang}.pdf" for n, lang in CASES}


def _fragments(page) -> list[tuple[float, float, float, str]]:
    """(x, baseline y from the top, font size, text) of every piece of text on a PDF page."""
    height = float(page.mediabox.height)
    out = []

    def visit(text, cm, tm, _font, size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((x, height - y, size * abs(tm[3] or 1) * abs(cm[3] or 1), text))

    page.extract_text(visitor_text=visit)
    return out


def _boxes(slide) -> list[tuple[tuple[float, float, float, float] | None, str]]:
    """(box in pt, text) of every text-bearing shape in drawing order; a chart has text None."""
    out = []
    for s in slide.shapes:
        box = tuple(v / EMU_PER_PT for v in (s.left, s.top, s.left + s.width, s.top + s.height))
        if s.has_chart:
            out.append((box, None))
        elif s.has_table:
            out += [(box, _norm(c.text_frame.text)) for r in s.table.rows for c in r.cells]
        elif s.has_text_frame and _norm(s.text_frame.text):
            out.append((box, _norm(s.text_frame.text)))
    return out


def _assign(fragments, boxes):
    """Walk LibreOffice's text (drawn shape by shape, in order) along the shapes' texts."""
    k, rest = 0, boxes[0][1] if boxes else ""
    for x, y, size, text in fragments:
        t = _norm(text)
        if not t:  # a bullet alone
            continue
        while k < len(boxes):
            box, want = boxes[k]
            if want is None:  # a chart: its labels, until the next shape's text starts
                nxt = boxes[k + 1][1] if k + 1 < len(boxes) else None
                if nxt is not None and nxt.startswith(t):
                    k, rest = k + 1, nxt
                    continue
                yield None, (x, y, size, text)
                break
            if rest.startswith(t):
                rest = rest[len(t) :]
                yield box, (x, y, size, text)
                break
            k += 1
            rest = boxes[k][1] if k < len(boxes) else ""
        else:
            raise AssertionError(f"text {text!r} not found in the shapes that follow")


@needs_soffice
@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_no_text_leaves_its_shape_when_libreoffice_renders_it(rendered, name, lang) -> None:
    from pypdf import PdfReader

    reader = PdfReader(rendered[(name, lang)])
    d = deck(name, lang)
    assert len(reader.pages) == len(d.slides)
    from cxkit.core.i18n import label

    chart_words = "".join(label(k, lang) for k in ("valence", "step", *EMOTIONS))
    for number, (page, slide) in enumerate(zip(reader.pages, d.slides, strict=True), 1):
        fragments = _fragments(page)
        assert fragments, f"slide {number} is empty"
        for box, (x, y, size, text) in _assign(fragments, _boxes(slide)):
            t = _norm(text)
            if box is None:  # the chart's own text: ticks, step numbers, titles, legend
                assert re.fullmatch(r"[-−]?\d+(\.\d+)?", t) or t in chart_words, (number, text)
                continue
            left, top, right, bottom = box
            where = f"{name}/{lang} slide {number}: {text!r} at ({x:.1f}, {y:.1f}) in {box}"
            assert left - 1 <= x <= right + 1, where
            assert top - 1 <= y - 0.8 * size and y <= bottom + 0.5, where
