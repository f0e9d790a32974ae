"""The journey map as a print-ready PDF: one map page per sheet, A4 or A3 landscape.

Each page of the paged map (:func:`cxkit.export._chart.page_svgs`, whole stages per
page) is converted to a vector PDF by vl-convert (fonts subset and embedded, text
kept as text), scaled to fit the sheet inside its margins and centred. A page too
tall for its sheet — its body text would print below
:data:`~cxkit.viz.journey.MIN_PRINT_PT` — is printed as two sheets under the same
stage and step headers: the channel lanes and blueprint, then the scores, emotion
curve and notes (:func:`cxkit.viz.journey.journey_map_page` ``rows=``). The
document carries the journey's title, its language (``/Lang``) and cxkit as
producer, and no dates or random identifiers: the same journey gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.journey import Journey
from cxkit.export._chart import PAPERS, _vl_convert, half_page_svg, svg_size

__all__ = ["MARGIN_MM", "pdf", "print_sheets", "printed_body_pt"]

#: White margin around the map on every side of the sheet, in millimetres.
MARGIN_MM = 10.0

_PT_PER_MM = 72 / 25.4


def _pypdf() -> Any:
    try:
        import pypdf
    except ImportError as exc:
        raise CxkitError(
            f"exporting a PDF needs pypdf, which is not installed ({exc}); "
            "install it with: pip install 'cxkit[viz]'"
        ) from None
    return pypdf


def _sheet_pt(paper: str) -> tuple[float, float]:
    width_mm, height_mm = PAPERS[paper]
    return width_mm * _PT_PER_MM, height_mm * _PT_PER_MM


def _on_sheet(page: str, sheet: tuple[float, float]) -> str:
    """One map page (SVG) scaled to fit inside the sheet's margins and centred, as SVG.

    vl-convert's SVG-to-PDF conversion maps one SVG unit to one point, so a sheet-sized
    SVG becomes a sheet-sized PDF page. The nested ``<svg>`` with a ``viewBox`` scales
    the map uniformly and centres it (``preserveAspectRatio`` ``xMidYMid meet``), with
    no need to parse and rewrite the PDF's content stream afterwards.

    Examples
    --------
    >>> print(
    ...     _on_sheet(
    ...         '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"/>',
    ...         (841.89, 595.276),
    ...     )
    ... )  # doctest: +NORMALIZE_WHITESPACE
    <svg xmlns="http://www.w3.org/2000/svg" width="841.89" height="595.276"
     viewBox="0 0 841.89 595.276"><svg x="28.3465" y="28.3465" width="785.197"
     height="538.583" viewBox="0 0 100 50" preserveAspectRatio="xMidYMid meet"
     xmlns="http://www.w3.org/2000/svg"/></svg>
    """
    width, height = svg_size(page)
    margin = MARGIN_MM * _PT_PER_MM
    inner = (
        f'<svg x="{margin:g}" y="{margin:g}" width="{sheet[0] - 2 * margin:g}" '
        f'height="{sheet[1] - 2 * margin:g}" viewBox="0 0 {width:g} {height:g}" '
        'preserveAspectRatio="xMidYMid meet" '
    )
    root = re.match(r"<svg\b[^>]*>", page)
    if root is None:  # pragma: no cover - svg_size has read this root already
        raise CxkitError("the chart renderer returned no SVG root element")
    own = re.sub(r'\s(width|height|viewBox)="[^"]*"', "", root.group(0))  # the sheet sizes it
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{sheet[0]:g}" height="{sheet[1]:g}" '
        f'viewBox="0 0 {sheet[0]:g} {sheet[1]:g}">'
        + own.replace("<svg ", inner, 1)
        + page[root.end() :]
        + "</svg>"
    )


def printed_body_pt(page: str, paper: str) -> float:
    """The size in points at which a map page's body text prints on ``paper``: the
    map's font (px) times the scale that fits the page inside the sheet's margins.

    Examples
    --------
    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="600"/>'
    >>> round(printed_body_pt(svg, "a4"), 2)  # fitted to the width: 11.5 px → 7.05 pt
    7.05
    """
    from cxkit.viz.journey import _print_font_px

    width, height = svg_size(page)
    sheet_w, sheet_h = (side - 2 * MARGIN_MM * _PT_PER_MM for side in _sheet_pt(paper))
    return _print_font_px(paper) * min(sheet_w / width, sheet_h / height)


def _surely_too_tall(spec: dict[str, Any], paper: str) -> bool:
    """Whether a page's panels alone — their heights and the gaps between them, less
    than the drawn page, which adds the title, legends and padding — are already too
    tall for its body text to print at :data:`~cxkit.viz.journey.MIN_PRINT_PT`.
    Such a page is split without being drawn whole first."""
    from cxkit.viz.journey import MIN_PRINT_PT, _print_font_px

    heights = [panel.get("height") for panel in spec.get("vconcat") or []]
    if not heights or not all(isinstance(h, (int, float)) for h in heights):
        return False
    panels = sum(heights) + spec.get("spacing", 0) * (len(heights) - 1)
    sheet_h = _sheet_pt(paper)[1] - 2 * MARGIN_MM * _PT_PER_MM
    return _print_font_px(paper) * sheet_h / panels < MIN_PRINT_PT


def print_sheets(journey: Journey, lang: str, paper: str) -> tuple[str, ...]:
    """The SVG of every sheet of the PDF: each map page, or — when its body text would
    print below :data:`~cxkit.viz.journey.MIN_PRINT_PT` — its two halves."""
    from cxkit.export._chart import _spec_svg
    from cxkit.export._map_nav import map_page_specs
    from cxkit.viz.journey import MIN_PRINT_PT

    sheets: list[str] = []
    for number, spec in enumerate(map_page_specs(journey, lang, paper), 1):
        tall = bool(journey.steps) and _surely_too_tall(spec, paper)
        whole = None if tall else _spec_svg(spec)
        if whole is not None and (
            not journey.steps or printed_body_pt(whole, paper) >= MIN_PRINT_PT
        ):
            sheets.append(whole)
            continue
        sheets += [half_page_svg(journey, lang, paper, number, r) for r in ("lanes", "scores")]
    return tuple(sheets)


def _sorted_keys(obj: Any, seen: set[int] | None = None) -> None:
    """Put every dictionary reachable from ``obj`` in key order, in place.

    vl-convert writes resource dictionaries in hash order, which changes from run to
    run; pypdf numbers the objects in the order it meets them. Sorted, the same map
    gives the same bytes.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen = set() if seen is None else seen
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):  # streams too: they are dictionaries
        items = sorted(obj.items())
        obj.clear()
        obj.update(items)
        for _, value in items:
            _sorted_keys(value, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _sorted_keys(value, seen)


def _describe(writer: Any, journey: Journey, lang: str, pages: tuple[str, ...]) -> None:
    """Title, language and producer; a fixed file identifier (no date, no randomness)."""
    from pypdf.generic import (
        ArrayObject,
        BooleanObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    import cxkit

    writer.add_metadata(
        {
            "/Title": journey.title or journey.id or "Journey map",
            "/Producer": f"cxkit {cxkit.__version__}",
            "/Creator": "cxkit export",
        }
    )
    root = writer._root_object  # pypdf has no public setter for the catalog's /Lang
    root[NameObject("/Lang")] = TextStringObject(journey.language or lang)
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    content = hashlib.md5(usedforsecurity=False)  # the file identifier: from the content
    for document in pages:
        content.update(document.encode())
    digest = ByteStringObject(content.digest())
    writer._ID = ArrayObject([digest, digest])


def pdf(journey: Journey, *, lang: str | None = None, paper: str = "a4") -> bytes:
    """The journey map as a vector PDF, one map page per sheet of A4 or A3 landscape
    (a page too tall for its sheet on two sheets, so that no text prints below 7 pt).

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of cxkit's own labels (default: the journey's).
    paper
        ``"a4"`` (297 × 210 mm) or ``"a3"`` (420 × 297 mm), landscape.

    Returns
    -------
    bytes
        The PDF document. Fonts are embedded (subsets of Noto Sans CJK for Japanese),
        text is extractable, and the same journey always gives the same bytes.

    Raises
    ------
    CxkitError
        On an unknown ``paper``, or when pypdf or vl-convert is not installed.

    Examples
    --------
    >>> import cxkit as cx
    >>> data = pdf(cx.load_journey("billing_inquiry"))
    >>> data[:5]
    b'%PDF-'
    """
    from cxkit.export._chart import check_paper
    from cxkit.export._common import check_journey, resolve_lang

    pypdf = _pypdf()
    journey = check_journey(journey)
    pages = print_sheets(journey, resolve_lang(lang, journey), check_paper(paper))

    sheet = _sheet_pt(paper)
    vlc = _vl_convert()
    writer = pypdf.PdfWriter()
    for document in pages:
        reader = pypdf.PdfReader(io.BytesIO(bytes(vlc.svg_to_pdf(_on_sheet(document, sheet)))))
        source = reader.pages[0]
        _sorted_keys(source)
        writer.add_page(source)
    _describe(writer, journey, resolve_lang(lang, journey), pages)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
