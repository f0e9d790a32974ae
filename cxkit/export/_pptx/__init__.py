"""The journey as a PowerPoint deck a consultant hands to a client (python-pptx).

Every slide is native, editable shapes and text — never a picture: an overview
(title, persona, the stages, the whole emotion curve as a native line chart, headline
KPIs), one slide per page of :func:`cxkit.viz.paging.stage_pages` (lanes of step
columns, see :mod:`._page`) and a summary with the journey's KPIs
(:func:`cxkit.export._common.aggregate_rows`, the figures ``cxkit show`` prints).
The deck is deterministic: the same journey gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.journey import Journey
from cxkit.core.model import BLUEPRINT_LANES
from cxkit.export._common import check_journey, resolve_lang

__all__ = ["MAX_STEPS_PER_SLIDE", "pptx"]

#: Most step columns on one slide: at 10 pt, a column holds about 12 Japanese
#: characters (25 Latin) per line, so a two-sentence caption stays within 6 lines.
MAX_STEPS_PER_SLIDE = 6

#: The fixed date of the deck's document properties (same journey → same bytes).
_FIXED_DATE = datetime(2000, 1, 1)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _python_pptx() -> Any:
    try:
        import pptx
    except ImportError as exc:
        raise CxkitError(
            f"exporting PowerPoint needs python-pptx, which is not installed ({exc}); "
            "install it with: pip install 'cxkit[office]'"
        ) from None
    return pptx


def pptx(journey: Journey, *, lang: str | None = None) -> bytes:
    """The journey as a 16:9 PowerPoint deck (``.pptx`` bytes) of native, editable shapes.

    Slides: an overview, one slide per page of
    :func:`~cxkit.viz.paging.stage_pages` (at most :data:`MAX_STEPS_PER_SLIDE` steps,
    whole stages; a continued stage is marked) and a summary of the journey's KPIs.
    Text is wrapped at phrase boundaries and never overflows its shape; a text too
    long for its place is shortened with ``…`` and kept whole in the slide's notes.

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of cxkit's own labels (``"en"`` or ``"ja"``); by default the
        journey's own language when it is one of those, else English.

    Returns
    -------
    bytes
        The ``.pptx`` file; the same journey and language give the same bytes.

    Examples
    --------
    >>> import io, cxkit as cx
    >>> from pptx import Presentation
    >>> data = pptx(cx.load_journey("billing_inquiry"))
    >>> deck = Presentation(io.BytesIO(data))
    >>> len(deck.slides), deck.slide_width / deck.slide_height
    (3, 1.7777777777777777)
    >>> data == pptx(cx.load_journey("billing_inquiry"))
    True
    """
    journey = check_journey(journey)
    lang = resolve_lang(lang, journey)
    mod = _python_pptx()
    from cxkit.export._pptx._page import DeckContext, page_slide
    from cxkit.export._pptx._slides import overview_slide, summary_slide
    from cxkit.export._pptx._text import SLIDE_H, SLIDE_W, emu
    from cxkit.viz.paging import stage_pages

    prs = mod.Presentation()
    prs.slide_width, prs.slide_height = emu(SLIDE_W), emu(SLIDE_H)
    steps = journey.evaluate().steps
    pages = stage_pages(journey, MAX_STEPS_PER_SLIDE)
    valences = [s.valence for s in steps if s.valence is not None]
    lo, hi = min([0.0, *valences]), max([0.0, *valences])
    ctx = DeckContext(
        journey=journey,
        lang=lang,
        steps=steps,
        valence_range=(lo - 0.5, hi + 0.5),
        blueprint=any(getattr(s, k) for s in journey.steps for k in BLUEPRINT_LANES),
        n_pages=len(pages),
    )
    overview_slide(prs, ctx)
    for page in pages:
        page_slide(prs, ctx, page, MAX_STEPS_PER_SLIDE)
    summary_slide(prs, ctx)
    return _save(prs, journey.title or journey.id)


def _save(prs: Any, title: str) -> bytes:
    """The deck's bytes, with fixed dates everywhere (document properties, zip entries,
    the embedded chart workbooks), so that the same deck gives the same bytes."""
    props = prs.core_properties
    props.title = title
    props.author = props.last_modified_by = "cxkit"
    props.created = props.modified = props.last_printed = _FIXED_DATE
    props.revision = 1
    for part in prs.part.package.iter_parts():
        if part.partname.endswith(".xlsx"):
            part._blob = _fixed_zip(part.blob)
    buffer = io.BytesIO()
    prs.save(buffer)
    return _fixed_zip(buffer.getvalue())


_CREATED = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)")


def _fixed_zip(data: bytes) -> bytes:
    """``data`` (a zip) with every entry dated 1980-01-01 and core dates fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "docProps/core.xml":
                blob = _CREATED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", blob)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, blob)
    return out.getvalue()
