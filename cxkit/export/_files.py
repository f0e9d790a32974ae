"""Thin writers: one journey to a file in any export format, atomically."""

from __future__ import annotations

import os
from pathlib import Path

from cxkit.core.errors import CxkitError
from cxkit.core.journey import Journey
from cxkit.export._common import check_journey, resolve_lang
from cxkit.io.journey_io import atomic_write_bytes

__all__ = [
    "FORMATS",
    "PAGED_FORMATS",
    "SUFFIXES",
    "atomic_write_bytes",
    "format_for",
    "render",
    "write",
    "write_data",
]

#: Export formats, with the file suffix each is written with by default.
FORMATS: dict[str, str] = {
    "md": ".md",
    "mermaid": ".mmd",
    "flowchart": ".mmd",
    "html": ".html",
    "svg": ".svg",
    "png": ".png",
    "yaml": ".yaml",
    "json": ".json",
    "xlsx": ".xlsx",
    "pptx": ".pptx",
    "pdf": ".pdf",
}

#: File suffix → format (``.mmd`` is the journey diagram; ask for ``flowchart``).
SUFFIXES: dict[str, str] = {
    ".md": "md",
    ".markdown": "md",
    ".mmd": "mermaid",
    ".mermaid": "mermaid",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".png": "png",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".xlsx": "xlsx",
    ".pptx": "pptx",
    ".pdf": "pdf",
}


def _check_format(to: str) -> str:
    if to not in FORMATS:
        raise CxkitError(f"`to` must be one of {', '.join(FORMATS)}, got {to!r}")
    return to


def format_for(path: str | os.PathLike[str], to: str | None = None) -> str:
    """The export format for ``path``: ``to`` if given, else from the file suffix.

    Examples
    --------
    >>> format_for("map.md"), format_for("x.out", to="html"), format_for("j.YML")
    ('md', 'html', 'yaml')
    """
    if to is not None:
        return _check_format(to)
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix not in SUFFIXES:
        raise CxkitError(
            f"cannot tell the export format of {os.fspath(path)!r} from its suffix "
            f"{suffix or '(none)'!r}; expected one of {', '.join(SUFFIXES)}, "
            "or give the format (`to=`, --to)"
        )
    return SUFFIXES[suffix]


#: Formats drawn as the paged map (``paper``; ``page`` for the images).
PAGED_FORMATS = ("svg", "png", "pdf")


def render(
    journey: Journey,
    to: str,
    *,
    lang: str | None = None,
    paper: str = "a4",
    page: int | None = None,
) -> str | bytes:
    """The journey in format ``to`` (see :data:`FORMATS`): text, or bytes for PNG, PDF,
    XLSX and PPTX.

    ``paper`` (``"a4"``/``"a3"``, landscape) sizes the pages of the map in SVG, PNG
    and PDF; ``page`` picks one page of the SVG or PNG map (default: all, stacked).

    Examples
    --------
    >>> import cxkit as cx
    >>> text = render(cx.load_journey("billing_inquiry"), "mermaid")
    >>> text.startswith("---"), "journey" in text.splitlines()  # front matter, diagram
    (True, True)
    """
    from cxkit import export

    journey = check_journey(journey)
    _check_format(to)
    lang = resolve_lang(lang, journey)
    if page is not None and to not in ("svg", "png"):
        raise CxkitError(f"`page` applies to the svg and png maps only, not to {to!r}")
    if to in PAGED_FORMATS:
        return _render_paged(journey, to, lang, paper, page)
    if to == "md":
        return export.markdown(journey, lang=lang)
    if to == "mermaid":
        return export.mermaid_journey(journey, lang) + "\n"
    if to == "flowchart":
        return export.mermaid_flowchart(journey, lang) + "\n"
    if to == "html":
        return export.html(journey, lang=lang)
    if to == "yaml":
        return export.yaml(journey)
    if to == "xlsx":
        return export.xlsx(journey, lang=lang)
    if to == "pptx":
        return export.pptx(journey, lang=lang)
    return export.json(journey) + "\n"


def _render_paged(
    journey: Journey, to: str, lang: str, paper: str, page: int | None
) -> str | bytes:
    from cxkit import export

    if to == "pdf":
        return export.pdf(journey, lang=lang, paper=paper)
    if to == "svg":
        return export.svg(journey, lang, paper=paper, page=page)
    return export.png(journey, lang, paper=paper, page=page)


def write(
    journey: Journey,
    path: str | os.PathLike[str],
    to: str | None = None,
    *,
    lang: str | None = None,
    paper: str = "a4",
    page: int | None = None,
) -> Path:
    """Write the journey to ``path`` in format ``to`` (default: from the suffix).

    The whole output is rendered first. A regular file is written atomically, so a
    failure leaves any previous file untouched; a symbolic link is followed (its
    target is replaced, the link kept); a named pipe, a character device or
    ``/dev/stdout`` is written as a stream, never replaced
    (:func:`~cxkit.io.atomic_write_bytes`).

    Parameters
    ----------
    journey
        The journey.
    path
        The file to write; its folder must exist.
    to
        One of :data:`FORMATS` (``md``, ``mermaid``, ``flowchart``, ``html``, ``svg``,
        ``png``, ``yaml``, ``json``, ``xlsx``, ``pptx``, ``pdf``); ``None`` infers it from
        the suffix.
    lang
        Language of cxkit's own labels.
    paper, page
        Paper size of the paged map (svg, png, pdf) and one page of it (svg, png);
        see :func:`render`.

    Raises
    ------
    CxkitError
        When the path is a folder, its folder is missing, the name is too long, a
        pipe has no reader… (the message names the path and what was expected).

    Examples
    --------
    >>> import tempfile, pathlib, cxkit as cx
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "billing.mmd"
    >>> "journey" in write(cx.load_journey("billing_inquiry"), out).read_text().splitlines()
    True
    """
    fmt = format_for(path, to)
    write_data(path, render(journey, fmt, lang=lang, paper=paper, page=page))
    return Path(os.fspath(path))


def write_data(path: str | os.PathLike[str], data: str | bytes) -> int:
    """Write rendered output (text as UTF-8) to ``path``; returns the bytes written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> write_data(pathlib.Path(tempfile.mkdtemp()) / "a.md", "# 日本")
    8
    """
    from cxkit.io._write import encode_text

    payload = encode_text(path, data) if isinstance(data, str) else bytes(data)
    atomic_write_bytes(path, payload)
    return len(payload)
