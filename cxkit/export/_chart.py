"""The journey chart as a Vega-Lite spec, SVG or PNG, and the offline Vega JS bundle.

The chart comes from :func:`cxkit.viz.journey_map`. vl-convert renders it to
SVG/PNG without a browser or network; altair and vl-convert are imported only
here, inside functions, so that ``import cxkit.export`` stays light.

A long map is drawn as pages of whole stages (:func:`cxkit.viz.paging.stage_pages`)
sized for a sheet of paper (:data:`PAPERS`): :func:`svg` and :func:`png` stack the
pages top to bottom in one image, or give one page (``page=k``); the PDF export
(:mod:`cxkit.export._pdf`) puts each page on a sheet. Each page is rendered to SVG
once per journey, language and paper, and every format reuses it.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.journey import Journey
from cxkit.export._common import check_journey, resolve_lang
from cxkit.export.escape import svg_spec

__all__ = [
    "PAPERS",
    "chart_spec",
    "check_paper",
    "half_page_svg",
    "page_svgs",
    "png",
    "spec_png",
    "spec_svg",
    "svg",
    "vega_bundle",
    "vl_version_of",
]

#: Paper sizes of the paged map, landscape, in millimetres (width, height).
PAPERS: dict[str, tuple[float, float]] = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}

_PAGE_GAP_PX = 48  # white space between stacked pages in one PNG/SVG


def _missing(package: str, exc: BaseException) -> CxkitError:
    return CxkitError(
        f"exporting a chart needs {package}, which is not installed ({exc}); "
        "install it with: pip install 'cxkit[viz]'"
    )


def chart_spec(journey: Journey, lang: str | None = None) -> dict[str, Any]:
    """The Vega-Lite spec (a dict) of the journey map of :func:`cxkit.viz.journey_map`."""
    journey = check_journey(journey)
    lang = resolve_lang(lang, journey)
    return json.loads(_spec_json(journey, lang))


@functools.lru_cache(maxsize=64)
def _spec_json(journey: Journey, lang: str) -> str:
    # Journeys are immutable values: the same journey gives the same chart, so a
    # site or an export to several formats draws each chart once.
    try:
        from cxkit.viz import journey_map
    except ImportError as exc:
        raise _missing(exc.name or "altair", exc) from None
    return json.dumps(journey_map(journey, lang=lang).to_dict())


def _vl_convert() -> Any:
    try:
        import vl_convert
    except ImportError as exc:
        raise _missing("vl-convert-python", exc) from None
    return vl_convert


@functools.cache
def _supported_versions() -> tuple[str, ...]:
    return tuple(_vl_convert().get_vegalite_versions())


def vl_version_of(spec: dict[str, Any]) -> str | None:
    """The vl-convert Vega-Lite version (``"6.4"``) matching a spec's ``$schema``.

    The newest supported version of the same major is used when the exact minor is
    not bundled; ``None`` (vl-convert's default) when the spec names none.

    Examples
    --------
    >>> vl_version_of({"$schema": "https://vega.github.io/schema/vega-lite/v5.20.1.json"})
    '5.20'
    """
    m = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if m is None:
        return None
    wanted = f"{m.group(1)}.{m.group(2)}"
    supported = _supported_versions()
    if wanted in supported:
        return wanted
    same_major = [v for v in supported if v.split(".")[0] == m.group(1)]
    return same_major[-1] if same_major else None


def _register_fonts() -> None:
    try:
        from cxkit.viz import register_fonts
    except ImportError:  # viz without fonts support: vl-convert's defaults
        return
    register_fonts()


def check_paper(paper: Any) -> str:
    """``paper`` if it is one of :data:`PAPERS` (``"a4"``, ``"a3"``), else a :class:`CxkitError`.

    Examples
    --------
    >>> check_paper("a3")
    'a3'
    """
    if not isinstance(paper, str) or paper not in PAPERS:
        raise CxkitError(f"`paper` must be one of {', '.join(map(repr, PAPERS))}, got {paper!r}")
    return paper


def _check_page(page: Any, count: int, paper: str) -> int | None:
    if page is None:
        return None
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= count:
        raise CxkitError(
            f"`page` must be a page number from 1 to {count} (the map has {count} "
            f"page{'s' if count != 1 else ''} on {paper}), got {page!r}"
        )
    return page


def _map_nav() -> Any:
    try:
        from cxkit.export import _map_nav
    except ImportError as exc:
        raise _missing(exc.name or "altair", exc) from None
    return _map_nav


def _spec_svg(page_spec: dict[str, Any]) -> str:
    """One page's spec drawn as SVG by vl-convert, with cxkit's fonts."""
    vlc = _vl_convert()
    _register_fonts()
    spec = svg_spec(page_spec)  # no label can make vl-convert abort
    return str(vlc.vegalite_to_svg(spec, vl_version=vl_version_of(spec)))


@functools.lru_cache(maxsize=8)
def _page_svgs(journey: Journey, lang: str, paper: str) -> tuple[str, ...]:
    # Rendering is the cost of every image export: each page is drawn once per
    # (journey, lang, paper), and SVG, PNG and PDF are all made from these SVGs.
    return tuple(_spec_svg(spec) for spec in _map_nav().map_page_specs(journey, lang, paper))


def half_page_svg(journey: Journey, lang: str, paper: str, number: int, rows: str) -> str:
    """Page ``number`` of the map with only its ``rows`` (``"lanes"`` or ``"scores"``,
    under the stage and step headers), as SVG: the two sheets of a tall page in print."""
    return _spec_svg(_map_nav().map_page_spec(journey, lang, paper, number, rows))


def page_svgs(journey: Journey, lang: str | None = None, paper: str = "a4") -> tuple[str, ...]:
    """The pages of the journey map on ``paper``, each an SVG document.

    Pages hold whole stages (:func:`cxkit.viz.paging.stage_pages`); a short journey
    has one page.

    Examples
    --------
    >>> import cxkit as cx
    >>> [p[:4] for p in page_svgs(cx.load_journey("billing_inquiry"))]
    ['<svg']
    """
    journey = check_journey(journey)
    return _page_svgs(journey, resolve_lang(lang, journey), check_paper(paper))


_SIZE = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def svg_size(document: str) -> tuple[float, float]:
    """Width and height (px) of an SVG document written by vl-convert.

    Examples
    --------
    >>> svg_size('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20.5"></svg>')
    (30.0, 20.5)
    """
    m = _SIZE.match(document)
    if m is None:
        raise CxkitError("the chart renderer returned an SVG without a width and height")
    return float(m.group(1)), float(m.group(2))


def _stack(pages: tuple[str, ...]) -> str:
    """The pages one under the other in one SVG, a gap (with a thin rule) between them."""
    if len(pages) == 1:
        return pages[0]
    sizes = [svg_size(p) for p in pages]
    width = max(w for w, _ in sizes)
    height = sum(h for _, h in sizes) + _PAGE_GAP_PX * (len(pages) - 1)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}">'
        f'<rect width="{width:g}" height="{height:g}" fill="white"/>'
    ]
    y = 0.0
    for k, (page, (_, h)) in enumerate(zip(pages, sizes, strict=True)):
        if k:
            rule = y - _PAGE_GAP_PX / 2
            parts.append(
                f'<line x1="0" y1="{rule:g}" x2="{width:g}" y2="{rule:g}" '
                'stroke="#c8c8c8" stroke-dasharray="6 6"/>'
            )
        parts.append(_own_ids(page, f"p{k + 1}-").replace("<svg ", f'<svg x="0" y="{y:g}" ', 1))
        y += h + _PAGE_GAP_PX
    parts.append("</svg>")
    return "".join(parts)


def _own_ids(page: str, prefix: str) -> str:
    """Prefix the ids of one page (clip paths, gradients) so that stacked pages keep theirs."""
    page = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', page)
    page = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", page)
    return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', page)


def svg(
    journey: Journey, lang: str | None = None, *, paper: str = "a4", page: int | None = None
) -> str:
    """The journey map as an SVG document (text), rendered offline by vl-convert.

    A map of several pages (whole stages per page, sized for ``paper``) comes as the
    pages stacked top to bottom with a gap between them; ``page=k`` gives page ``k``
    alone (1-based). A short map is one page, the same image either way.

    Every label goes through :func:`cxkit.export.escape.svg_text` first: a control
    character that XML cannot hold becomes a space, a noncharacter or lone
    surrogate U+FFFD (vl-convert would abort the process on them).

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of cxkit's own labels (default: the journey's).
    paper
        ``"a4"`` or ``"a3"`` (landscape): the page size the map is paged for.
    page
        One page (1 to the number of pages), or ``None`` for all of them.

    Raises
    ------
    CxkitError
        On an unknown ``paper`` or a ``page`` out of range (the message gives the range).

    Examples
    --------
    >>> import cxkit as cx
    >>> svg(cx.load_journey("billing_inquiry")).startswith("<svg")
    True
    """
    pages = page_svgs(journey, lang, paper)
    k = _check_page(page, len(pages), paper)
    return pages[k - 1] if k is not None else _stack(pages)


def png(
    journey: Journey,
    lang: str | None = None,
    scale: float = 2,
    *,
    paper: str = "a4",
    page: int | None = None,
) -> bytes:
    """The journey map as PNG bytes (``scale`` × the chart's pixel size).

    Pages as in :func:`svg`: all of them stacked, or ``page=k`` alone. Japanese
    labels need a CJK font; :func:`cxkit.viz.register_fonts` is called first.

    Examples
    --------
    >>> import cxkit as cx
    >>> png(cx.load_journey("billing_inquiry"), scale=1)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 10:
        raise CxkitError(f"`scale` must be a number in (0, 10], got {scale!r}")
    document = svg(journey, lang, paper=paper, page=page)
    return bytes(_vl_convert().svg_to_png(document, scale=float(scale)))


@functools.cache
def vega_bundle(vl_version: str | None = None) -> str:
    """vega, vega-lite and vega-embed as one classic script, wrapped in an IIFE.

    It defines ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite`` and
    nothing else global, so it can sit beside other scripts on a page.
    """
    code = _vl_convert().javascript_bundle(vl_version=vl_version)
    if re.search(r"</script|<!--", code, re.IGNORECASE):  # pragma: no cover - a bad bundle
        raise CxkitError("the vl-convert JavaScript bundle cannot be inlined in HTML")
    return "(function(){\n" + code + "\n})();\n"


def spec_svg(spec: dict[str, Any]) -> str:
    """Any cxkit Vega-Lite spec (a dict) as an SVG document, rendered offline.

    Labels are made safe first (:func:`cxkit.export.escape.svg_spec`), as in :func:`svg`.

    Examples
    --------
    >>> spec_svg({"mark": "point", "data": {"values": [{"a": 1}]}}).startswith("<svg")
    True
    """
    spec = svg_spec(spec)
    vlc = _vl_convert()
    _register_fonts()
    return str(vlc.vegalite_to_svg(spec, vl_version=vl_version_of(spec)))


def spec_png(spec: dict[str, Any], scale: float = 2) -> bytes:
    """Any cxkit Vega-Lite spec (a dict) as PNG bytes (``scale`` × its pixel size).

    Examples
    --------
    >>> spec_png({"mark": "point", "data": {"values": [{"a": 1}]}}, scale=1)[:4]
    b'\\x89PNG'
    """
    spec = svg_spec(spec)
    vlc = _vl_convert()
    _register_fonts()
    return bytes(vlc.vegalite_to_png(spec, scale=float(scale), vl_version=vl_version_of(spec)))
