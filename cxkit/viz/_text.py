"""Text for charts: width measured with the real font, Japanese broken at phrase boundaries.

Vega-Lite draws text but does not wrap it, so cxkit wraps labels itself before a chart is
built and sizes boxes from the result. Two things make that honest:

* **Width** — :func:`text_width` measures a string with the advance widths of the font
  the charts are drawn in (the first font of :data:`cxkit.viz.theme.FONT`, Noto Sans CJK
  JP, read with fontTools from the directories :mod:`cxkit.viz.fonts` registers). Without
  that font it falls back to a conservative estimate (1 em per wide character).
* **Breaks** — :func:`wrap` breaks Japanese between phrases found by BudouX (Google's
  phrase segmenter, loaded once on first use), English at spaces, and keeps the kinsoku
  rules: no line starts with closing brackets or punctuation (:data:`NO_LINE_START`) or a
  small kana, and no line ends with an opening bracket. A phrase longer than a line is
  broken between characters under the same rules.

Examples
--------
>>> wrap("コールセンター（電話）", 80).lines
('コールセンター', '（電話）')
>>> w = wrap("Searches the FAQ for the unexpected charge", 100, max_lines=2)
>>> w.lines, w.truncated
(('Searches the FAQ', 'for the unexpect…'), True)
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["NO_LINE_END", "NO_LINE_START", "Wrapped", "phrases", "text_width", "wrap"]

#: Characters that may not begin a line (closing brackets, punctuation, small kana, ー).
NO_LINE_START = frozenset(
    "）」』】〕〉》”’、。，．・：；？！ー)]},.;:!?ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
)
#: Characters that may not end a line (opening brackets).
NO_LINE_END = frozenset("（「『【〔〈《“‘([{")

_ELLIPSIS = "…"
_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
_WORD = re.compile(r"[A-Za-z0-9_@#%&'’\-.]")
_PREFIX = re.compile(r"(?:\d{1,3}\.|[•・·\-–]) ")  # "3. ", "• ": kept with what follows
_FONT_FILES = {False: "NotoSansCJK-Regular.ttc", True: "NotoSansCJK-Bold.ttc"}
_FONT_FAMILY = "Noto Sans CJK JP"
_lock = threading.Lock()


@dataclass(frozen=True)
class Wrapped:
    """A wrapped text.

    Attributes
    ----------
    lines
        The lines, at most ``max_lines``; the last ends with ``…`` when ``truncated``.
    truncated
        Whether text was left out (show the full text elsewhere: tooltip, footnote).
    width
        Width in pixels of the widest line.
    """

    lines: tuple[str, ...]
    truncated: bool
    width: float

    @property
    def text(self) -> str:
        """The lines joined by ``"\\n"`` (Vega-Lite's ``lineBreak``)."""
        return "\n".join(self.lines)


# -- widths ---------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _font_widths(bold: bool) -> tuple[dict[int, str], dict[str, Any], float] | None:
    """(cmap, hmtx, units per em) of Noto Sans CJK JP, or None when it is not installed."""
    from cxkit.viz.fonts import FONT_DIRECTORIES

    try:
        from fontTools.ttLib import TTCollection
    except ImportError:  # pragma: no cover - fontTools comes with cxkit[viz]
        return None
    name = _FONT_FILES[bold]
    for d in FONT_DIRECTORIES:
        root = Path(d).expanduser()
        if not root.is_dir():
            continue
        for path in [root / name, *root.glob(f"*/{name}")]:
            if path.is_file():
                for font in TTCollection(str(path), lazy=True).fonts:
                    if font["name"].getDebugName(1) == _FONT_FAMILY:
                        return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
    return None


def _estimate(ch: str) -> float:
    """Width of ``ch`` in em without the font: generous, so that boxes still fit."""
    if _WIDE.match(ch) or unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in "ilj.,:;'|!":
        return 0.3
    if ch.isupper() or ch in "mwMW":
        return 0.75
    return 0.6


@lru_cache(maxsize=8192)
def _char_em(ch: str, bold: bool) -> float:
    with _lock:
        font = _font_widths(bold)
    if font is not None:
        cmap, hmtx, upm = font
        glyph = cmap.get(ord(ch))
        if glyph is not None:
            return hmtx[glyph][0] / upm
    return _estimate(ch)


def text_width(text: str, font_size: float, *, bold: bool = False) -> float:
    """Width in pixels of one line of ``text`` at ``font_size`` px (no kerning).

    Examples
    --------
    >>> text_width("電話", 10)
    20.0
    >>> 0 < text_width("ab", 10) < text_width("電話", 10)
    True
    """
    return font_size * sum(_char_em(ch, bold) for ch in text)


# -- phrases --------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _parser() -> Any:
    import budoux

    return budoux.load_default_japanese_parser()


def _latin(ch: str) -> bool:
    return bool(_WORD.match(ch))


def phrases(text: str) -> list[str]:
    """Break opportunities of one paragraph: the pieces a line may end after.

    Japanese is split into phrases by BudouX, Latin text after each space (never
    inside a word); a piece starting with a character of :data:`NO_LINE_START` is
    joined to the one before, a piece ending with one of :data:`NO_LINE_END` to the
    one after.

    Examples
    --------
    >>> phrases("ECサイトでクーポンを適用しようとして、authentication error が出る")
    ['ECサイトで', 'クーポンを', '適用しようとして、', 'authentication ', 'error ', 'が', '出る']
    """
    if not text:
        return []
    pieces: list[str] = []
    for phrase in _parser().parse(text) if not text.isascii() else [text]:
        for part in re.split(r"(?<= )(?=\S)", phrase):
            if pieces and _glued(pieces[-1], part):
                pieces[-1] += part
            else:
                pieces.append(part)
    return pieces


def _glued(before: str, after: str) -> bool:
    """Whether no line may break between ``before`` and ``after``."""
    return (
        after[0] in NO_LINE_START
        or before[-1] in NO_LINE_END
        or (_latin(before[-1]) and _latin(after[0]))
        or _PREFIX.fullmatch(before) is not None
    )


# -- wrapping -------------------------------------------------------------------------
def _split_long(piece: str, max_px: float, size: float, bold: bool) -> list[str]:
    """Break a piece wider than a line between characters, keeping the kinsoku rules.

    Where no character boundary of the line may break (a run of small kana), the
    line runs on until one may.
    """
    out: list[str] = []
    line = ""
    for ch in piece:
        if line and text_width(line + ch, size, bold=bold) > max_px:
            rest = line + ch
            cut = next((c for c in range(len(line), 0, -1) if _may_break(rest, c)), 0)
            if cut:
                out.append(line[:cut])
                line = line[cut:]
        line += ch
    if line:
        out.append(line)
    return out


def _may_break(text: str, at: int) -> bool:
    """Whether a line may break before ``text[at]`` by the kinsoku rules."""
    return text[at] not in NO_LINE_START and text[at - 1] not in NO_LINE_END


def _lines(paragraph: str, max_px: float, size: float, bold: bool) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in phrases(paragraph):
        if text_width((line + piece).rstrip(), size, bold=bold) <= max_px:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        if text_width(piece.rstrip(), size, bold=bold) <= max_px:
            line = piece
        else:
            *full, line = _split_long(piece.rstrip(), max_px, size, bold)
            lines += full
    lines.append(line.rstrip())
    return lines


def _shorten(line: str, max_px: float, size: float, bold: bool) -> str:
    """``line`` cut so that ``line + "…"`` fits in ``max_px``."""
    line = line.rstrip(" .…。、")
    while len(line) > 1 and text_width(line + _ELLIPSIS, size, bold=bold) > max_px:
        line = line[:-1].rstrip(" .…。、")
    return line + _ELLIPSIS


def wrap(
    text: str,
    max_px: float,
    font_size: float = 11,
    max_lines: int = 4,
    *,
    bold: bool = False,
    marker: str = "",
) -> Wrapped:
    """Wrap ``text`` into at most ``max_lines`` lines no wider than ``max_px`` pixels.

    Line breaks in ``text`` are kept. When more lines would be needed the last kept
    line ends with ``…`` and ``truncated`` is true.

    Parameters
    ----------
    text
        The text (Japanese, English or both).
    max_px
        Width of a line in pixels.
    font_size
        Font size in pixels.
    max_lines
        Most lines (≥ 1).
    bold
        Measure with the bold face (``fontWeight`` ≥ 600).
    marker
        Appended after the ``…`` of a truncated text (a footnote number such as
        ``" [3]"``); room is made for it.

    Examples
    --------
    >>> wrap("請求内容についてFAQを検索する", 100).lines
    ('請求内容について', 'FAQを検索する')
    >>> wrap("a b c d e f g h", 10, max_lines=2).lines
    ('a', 'b…')
    >>> wrap("一つ目の文。二つ目の文。三つ目の文。", 80, 12, 2, marker=" [1]").lines
    ('一つ目の文。', '二つ目の… [1]')
    """
    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        lines += _lines(paragraph, max(max_px, font_size), font_size, bold)
    truncated = len(lines) > max(1, max_lines)
    if truncated:
        lines = lines[: max(1, max_lines)]
        room = max_px - text_width(marker, font_size, bold=bold)
        lines[-1] = _shorten(lines[-1], room, font_size, bold) + marker
    width = max((text_width(ln, font_size, bold=bold) for ln in lines), default=0.0)
    return Wrapped(tuple(lines), truncated, width)
