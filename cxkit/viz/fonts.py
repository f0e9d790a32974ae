"""Fonts for SVG/PNG rendering: make Japanese labels render in vl-convert images.

vl-convert draws text with the fonts it knows about. Japanese labels (``感動``,
``コールセンター``) need a CJK font, otherwise PNGs show empty boxes ("tofu").
:func:`register_fonts` registers the usual font directories of Linux, macOS and
Windows (plus any listed in the ``CXKIT_FONT_DIRS`` environment variable, separated
by :data:`os.pathsep`) with vl-convert, once per process, and reports which CJK font
files it found. Exporters call it before rendering an image; calling it again is
free. See ``docs/guide/japanese.md`` for installing a CJK font.

Examples
--------
>>> info = register_fonts()
>>> info is register_fonts()  # cached: registration happens once
True
>>> isinstance(info.cjk_fonts, tuple)
True
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cxkit.core.errors import CxkitError

__all__ = ["FONT_DIRECTORIES", "FontRegistration", "find_cjk_fonts", "register_fonts"]

#: Directories searched for fonts, most specific first (missing ones are skipped).
FONT_DIRECTORIES: tuple[str, ...] = (
    # Debian / Ubuntu (fonts-noto-cjk), other Linux distributions
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    # macOS
    "/System/Library/Fonts",
    "/Library/Fonts",
    "~/Library/Fonts",
    # Windows
    "C:/Windows/Fonts",
    "~/AppData/Local/Microsoft/Windows/Fonts",
)

#: Substrings (lower case) of font file names that carry Japanese glyphs.
_CJK_NAME_HINTS: tuple[str, ...] = (
    "cjk",
    "notosansjp",
    "notoserifjp",
    "sourcehansans",
    "sourcehanserif",
    "hiragino",
    "ヒラギノ",
    "yugoth",
    "yumin",
    "meiryo",
    "msgothic",
    "msmincho",
    "ipag",
    "ipam",
    "ipaex",
    "takao",
    "vlgothic",
    "droidsansjapanese",
    "osaka",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


@dataclass(frozen=True)
class FontRegistration:
    """What :func:`register_fonts` did.

    Attributes
    ----------
    directories
        Font directories registered with vl-convert, in order.
    cjk_fonts
        Font files with Japanese glyphs found in those directories (sorted).
    """

    directories: tuple[str, ...]
    cjk_fonts: tuple[str, ...]

    @property
    def has_cjk(self) -> bool:
        """Whether a Japanese-capable font was found (PNG text will not be tofu)."""
        return bool(self.cjk_fonts)


_lock = threading.Lock()
_registered: FontRegistration | None = None


def _candidate_dirs(extra_dirs: Iterable[str | os.PathLike[str]] | None) -> list[Path]:
    env = os.environ.get("CXKIT_FONT_DIRS", "")
    names: list[str | os.PathLike[str]] = [d for d in env.split(os.pathsep) if d]
    if extra_dirs is not None:
        if isinstance(extra_dirs, (str, os.PathLike)):
            extra_dirs = [extra_dirs]
        for d in extra_dirs:
            if not isinstance(d, (str, os.PathLike)):
                raise CxkitError(
                    f"`extra_dirs` must be font directory paths, got {d!r} "
                    f"({type(d).__name__}) among them"
                )
            names.append(d)
    names.extend(FONT_DIRECTORIES)
    seen: dict[str, Path] = {}
    for name in names:
        path = Path(name).expanduser()
        if path.is_dir():
            seen.setdefault(str(path.resolve()), path.resolve())
    return list(seen.values())


def find_cjk_fonts(directories: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    """Font files under ``directories`` (recursively) whose names mark a CJK font.

    Parameters
    ----------
    directories
        Directories to search; missing ones are skipped.

    Returns
    -------
    tuple of str
        Sorted absolute paths such as ``.../NotoSansCJK-Regular.ttc``.

    Examples
    --------
    >>> find_cjk_fonts(["/nonexistent"])
    ()
    """
    found: set[str] = set()
    for d in directories:
        root = Path(d).expanduser()
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                low = f.lower().replace(" ", "").replace("-", "").replace("_", "")
                if low.endswith(_FONT_SUFFIXES) and any(h in low for h in _CJK_NAME_HINTS):
                    found.add(str(Path(dirpath) / f))
    return tuple(sorted(found))


def register_fonts(
    extra_dirs: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] | None = None,
) -> FontRegistration:
    """Register font directories with vl-convert (once per process) for SVG/PNG export.

    The first call registers ``CXKIT_FONT_DIRS``, ``extra_dirs`` and the existing
    :data:`FONT_DIRECTORIES`; later calls return the cached result, except that new
    ``extra_dirs`` are registered too.

    Parameters
    ----------
    extra_dirs
        More directories holding fonts (e.g. a folder with ``NotoSansJP-Regular.ttf``).

    Returns
    -------
    FontRegistration
        The registered directories and the CJK font files found in them.

    Raises
    ------
    CxkitError
        If an entry of ``extra_dirs`` is not a path.

    Examples
    --------
    >>> register_fonts().directories == register_fonts().directories
    True
    """
    global _registered
    import vl_convert

    with _lock:
        dirs = _candidate_dirs(extra_dirs)
        known = set(_registered.directories) if _registered is not None else set()
        new = [d for d in dirs if str(d) not in known]
        if _registered is not None and not new:
            return _registered
        for d in new:
            vl_convert.register_font_directory(str(d))
        all_dirs = (*(_registered.directories if _registered else ()), *(str(d) for d in new))
        cjk = set(_registered.cjk_fonts if _registered else ()) | set(find_cjk_fonts(new))
        _registered = FontRegistration(tuple(all_dirs), tuple(sorted(cjk)))
        return _registered
