"""Text and shape primitives of the PowerPoint deck: sized text boxes that never overflow.

Every text frame on a cxkit slide is laid out here. Text is wrapped with the map's
own line breaker (:func:`cxkit.viz.journey.wrap_text`, which keeps Japanese closing
brackets and small kana off the start of a line), the lines are joined with line
breaks so that PowerPoint and LibreOffice show the same lines, and the box is sized
from the number of lines at a known line height. A text that needs more lines than
its box allows is shortened with ``…``; the caller keeps the full text for the
slide notes.

Sizes are in points (1 pt = 12,700 EMU); the slide is 960 × 540 pt (16:9).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "FONT",
    "LINE_FACTOR",
    "PAD_X",
    "PAD_Y",
    "SLIDE_H",
    "SLIDE_W",
    "Canvas",
    "Notes",
    "Run",
    "box_height",
    "emu",
    "fit_lines",
    "text_width",
]

#: Slide size in points (13.333 × 7.5 in, 16:9).
SLIDE_W, SLIDE_H = 960.0, 540.0
#: The deck's font, for Latin and East Asian text alike (one set of metrics).
FONT = "Noto Sans CJK JP"
#: Line height over font size: Noto Sans CJK's ascent + descent is 1.448 em, Meiryo's 1.5.
LINE_FACTOR = 1.5
#: Inner margins of every text frame (pt).
PAD_X, PAD_Y = 4.0, 2.5
#: Wrap to this share of the frame's inner width: the width estimate is not a font.
_WRAP_MARGIN = 0.9


def emu(points: float) -> int:
    """Points to EMU (English Metric Units), rounded.

    Examples
    --------
    >>> emu(1), emu(72)
    (12700, 914400)
    """
    return round(points * 12700)


def _char_width(ch: str, size: float) -> float:
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return size
    if ch in "ilj.,:;'|!()[] ":
        return size * 0.3
    if ch.isupper() or ch in "mwMW@%&":
        return size * 0.7
    return size * 0.55


def text_width(text: str, size: float) -> float:
    """Estimated width (pt) of one line of ``text`` at ``size`` pt.

    Examples
    --------
    >>> text_width("感動", 10), text_width("ab", 10)
    (20, 11.0)
    """
    return sum(_char_width(ch, size) for ch in text)


def box_height(lines: int, size: float) -> float:
    """Height (pt) of a text frame showing ``lines`` lines at ``size`` pt, margins included.

    Examples
    --------
    >>> box_height(2, 10)
    35.0
    """
    return lines * size * LINE_FACTOR + 2 * PAD_Y


@functools.lru_cache(maxsize=4096)
def _wrap_cached(text: str, width: float, size: float) -> tuple[str, ...]:
    return tuple(_wrap(text, width, size))


def _wrap(text: str, width: float, size: float) -> list[str]:
    from cxkit.viz.journey import wrap_text

    inner = max((width - 2 * PAD_X) * _WRAP_MARGIN, size)
    out: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        out += wrap_text(paragraph, inner, size, max_lines=10_000).split("\n")
    return out


def fit_lines(
    texts: Sequence[str], width: float, size: float, max_lines: int | None = None, bullet: str = ""
) -> tuple[list[list[str]], bool]:
    """Wrap ``texts`` (one paragraph each) into a frame ``width`` pt wide.

    Returns the lines of each paragraph and whether anything was cut to stay within
    ``max_lines`` lines in all (the last line kept then ends with ``…``).

    Examples
    --------
    >>> fit_lines(["請求内容についてFAQを検索する"], 100, 10)
    ([['請求内容について', 'FAQを検索する']], False)
    >>> fit_lines(["a long text that needs lines"], 60, 10, max_lines=2)
    ([['a long', 'text that…']], True)
    """
    paragraphs = [list(_wrap_cached(bullet + t, width, size)) for t in texts]
    if max_lines is None or sum(map(len, paragraphs)) <= max_lines:
        return paragraphs, False
    kept: list[list[str]] = []
    left = max(max_lines, 1)
    for lines in paragraphs:
        if left <= 0:
            break
        take = lines[:left]
        left -= len(take)
        kept.append(take)
    last = kept[-1][-1].rstrip(" .…")
    kept[-1][-1] = last + "…"
    return kept, True


@dataclass(frozen=True)
class Run:
    """A piece of text with its look (``size`` pt, ``bold``, ``color`` ``#RRGGBB``)."""

    text: str
    size: float = 10.0
    bold: bool = False
    color: str = "#2B2B2B"


@dataclass
class Notes:
    """The full texts shortened on a slide, for its notes page."""

    lines: list[str] = field(default_factory=list)

    def add(self, where: str, texts: Sequence[str]) -> None:
        """Keep ``texts`` (the full texts shown shortened at ``where``)."""
        self.lines.append(f"{where}: " + " / ".join(texts))


_NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
)
_ANCHOR = {"t": "t", "m": "ctr", "b": "b"}
_GEOMETRY = {"rect": "rect", "oval": "ellipse", "arrow": "homePlate"}
# characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates;
# noncharacters): dropped
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str) -> str:
    return escape(_XML_BAD.sub("", text), {'"': "&quot;"})


def _color(color: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{color.lstrip("#").upper()}"/></a:solidFill>'


class Canvas:
    """Native shapes of one slide, written as DrawingML and added in one go.

    python-pptx's shape API re-reads the slide's XML for every attribute it sets;
    a journey slide has a few hundred shapes, so they are written here as XML
    (the same elements python-pptx writes) and appended on :meth:`flush`.
    """

    def __init__(self, slide: Any, lang: str) -> None:
        self.slide = slide
        self.lang = "ja-JP" if lang == "ja" else "en-US"
        self.parts: list[str] = []
        tree = slide.shapes._spTree
        self.next_id = max([int(i) for i in tree.xpath("//@id")] + [1]) + 1

    def _id(self, name: str) -> str:
        n = self.next_id
        self.next_id += 1
        return f'<p:cNvPr id="{n}" name="{_esc(name)} {n}"/>'

    def _rpr(self, run: Run, tag: str = "a:rPr") -> str:
        b = ' b="1"' if run.bold else ""
        # East Asian text: Noto Sans CJK JP; charset -128 (Shift JIS) tells PowerPoint
        # the font is Japanese, so a machine without it substitutes one (e.g. Meiryo).
        return (
            f'<{tag} lang="{self.lang}" sz="{round(run.size * 100)}"{b} dirty="0">'
            f'{_color(run.color)}<a:latin typeface="{FONT}"/>'
            f'<a:ea typeface="{FONT}" charset="-128"/></{tag}>'
        )

    def paragraphs(self, paragraphs: Sequence[tuple[Sequence[Run], str]]) -> str:
        """``<a:p>`` elements; ``"\v"`` in a run's text is a line break."""
        out = []
        for runs, how in paragraphs:
            xml = [f'<a:p><a:pPr algn="{ {"l": "l", "c": "ctr", "r": "r"}[how] }"/>']
            for run in runs:
                for j, piece in enumerate(run.text.split("\v")):
                    if j:
                        xml.append(f"<a:br>{self._rpr(run)}</a:br>")
                    if piece:
                        xml.append(f"<a:r>{self._rpr(run)}<a:t>{_esc(piece)}</a:t></a:r>")
            end = runs[-1] if runs else Run("")
            xml.append(self._rpr(end, "a:endParaRPr") + "</a:p>")
            out.append("".join(xml))
        return "".join(out) or "<a:p/>"

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        paragraphs: Sequence[tuple[Sequence[Run], str]] = (),
        *,
        fill: str | None = None,
        line: str | None = None,
        shape: str = "rect",
        anchor: str = "t",
        pad_right: float = PAD_X,
        arrow: float = 0.0,
    ) -> None:
        """A native shape (``rect``, ``oval`` or ``arrow``) at (``x``, ``y``), ``w`` × ``h``
        pt, holding ``paragraphs``. The text wraps inside the shape, which neither
        grows nor shrinks the text (the caller sized both)."""
        av = f'<a:gd name="adj" fmla="val {round(arrow * 100000)}"/>' if arrow else ""
        fill_xml = _color(fill) if fill else "<a:noFill/>"
        line_xml = f'<a:ln w="9525">{_color(line)}</a:ln>' if line else "<a:ln><a:noFill/></a:ln>"
        body = (
            f'<p:txBody><a:bodyPr wrap="square" lIns="{emu(PAD_X)}" tIns="{emu(PAD_Y)}" '
            f'rIns="{emu(pad_right)}" bIns="{emu(PAD_Y)}" anchor="{_ANCHOR[anchor]}" rtlCol="0">'
            f"<a:noAutofit/></a:bodyPr><a:lstStyle/>{self.paragraphs(paragraphs)}</p:txBody>"
        )
        self.parts.append(
            f"<p:sp {_NS}><p:nvSpPr>{self._id('Text' if paragraphs else 'Shape')}"
            "<p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>"
            f'<a:xfrm><a:off x="{emu(x)}" y="{emu(y)}"/><a:ext cx="{emu(w)}" cy="{emu(h)}"/>'
            f'</a:xfrm><a:prstGeom prst="{_GEOMETRY[shape]}"><a:avLst>{av}</a:avLst></a:prstGeom>'
            f"{fill_xml}{line_xml}</p:spPr>{body}</p:sp>"
        )

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        color: str = "#8C8C8C",
        width: float = 1.0,
        dashed: bool = False,
    ) -> None:
        """A straight native connector from (``x1``, ``y1``) to (``x2``, ``y2``)."""
        flip = (' flipH="1"' if x2 < x1 else "") + (' flipV="1"' if y2 < y1 else "")
        dash = '<a:prstDash val="dash"/>' if dashed else ""
        self.parts.append(
            f"<p:cxnSp {_NS}><p:nvCxnSpPr>{self._id('Connector')}<p:cNvCxnSpPr/><p:nvPr/>"
            f"</p:nvCxnSpPr><p:spPr><a:xfrm{flip}>"
            f'<a:off x="{emu(min(x1, x2))}" y="{emu(min(y1, y2))}"/>'
            f'<a:ext cx="{emu(abs(x2 - x1))}" cy="{emu(abs(y2 - y1))}"/></a:xfrm>'
            f'<a:prstGeom prst="line"><a:avLst/></a:prstGeom>'
            f'<a:ln w="{emu(width)}">{_color(color)}{dash}</a:ln></p:spPr></p:cxnSp>'
        )

    def raw(self, xml: str) -> None:
        """Add a finished element (e.g. a table's graphic frame) with the next id."""
        self.parts.append(xml.replace("{ID}", self._id("Table")))

    def flush(self) -> None:
        """Append the shapes drawn so far to the slide."""
        from pptx.oxml import parse_xml

        if not self.parts:
            return
        tree = self.slide.shapes._spTree
        wrapper = parse_xml(f"<p:spTree {_NS}>{''.join(self.parts)}</p:spTree>")
        ext = tree.find("{http://schemas.openxmlformats.org/presentationml/2006/main}extLst")
        for child in list(wrapper):
            if ext is not None:
                ext.addprevious(child)
            else:
                tree.append(child)
        self.parts = []
