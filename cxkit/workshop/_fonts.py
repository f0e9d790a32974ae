"""The tofu check: warn, with the fix, when Japanese text would show as □□.

A browser on the workshop machine draws Japanese labels with the fonts installed
there; without a CJK font every kana and kanji is an empty box ("tofu"). The check
reuses :func:`cxkit.viz.fonts.find_cjk_fonts` over the same font folders the image
exports search (plus ``CXKIT_FONT_DIRS``), without importing vl-convert.

Examples
--------
>>> font_warning("en") is None  # English needs no CJK font
True
>>> w = font_warning("ja", directories=["/nonexistent"])
>>> "make fonts" in w.text
True
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable

from cxkit.core.i18n import label, resolve_lang
from cxkit.viz.fonts import FONT_DIRECTORIES, find_cjk_fonts

__all__ = ["FontWarning", "font_warning", "has_cjk_font"]


def has_cjk_font(directories: Iterable[str | os.PathLike[str]] | None = None) -> bool:
    """Whether a font with Japanese glyphs is installed.

    Parameters
    ----------
    directories
        Font folders to search (default: ``CXKIT_FONT_DIRS``, then
        :data:`cxkit.viz.fonts.FONT_DIRECTORIES`).

    Examples
    --------
    >>> has_cjk_font(["/nonexistent"])
    False
    """
    if directories is None:
        env = [d for d in os.environ.get("CXKIT_FONT_DIRS", "").split(os.pathsep) if d]
        directories = [*env, *FONT_DIRECTORIES]
    return bool(find_cjk_fonts(directories))


class FontWarning:
    """A warning shown in a notebook or the app view (HTML) and in a terminal (text).

    Attributes
    ----------
    text
        The message, in the language it was made for.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"FontWarning({self.text!r})"

    def _repr_html_(self) -> str:
        return (
            '<div class="cxkit-font-warning" role="alert" style="border-left:4px solid '
            '#d97706;background:#fffbeb;padding:8px 12px;margin:4px 0;color:#78350f">'
            f"⚠ {html.escape(self.text)}</div>"
        )


def font_warning(
    lang: str | None = "ja", directories: Iterable[str | os.PathLike[str]] | None = None
) -> FontWarning | None:
    """A warning with the fix when ``lang`` is Japanese and no CJK font is installed.

    Parameters
    ----------
    lang
        The language of the workshop; only ``"ja"`` needs a CJK font.
    directories
        Font folders to search (see :func:`has_cjk_font`).

    Returns
    -------
    FontWarning or None
        ``None`` when nothing is wrong, so that a notebook cell ending in
        ``font_warning("ja")`` shows nothing then.
    """
    lang = resolve_lang(lang)
    if lang != "ja" or has_cjk_font(directories):
        return None
    return FontWarning(label("workshop_no_cjk_font", lang))
