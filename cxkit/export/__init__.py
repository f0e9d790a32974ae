"""Publish journeys: Markdown, Mermaid, standalone HTML, SVG/PNG, YAML/JSON, MkDocs sites.

The exporters are pure functions from a journey to text (or PNG bytes); the
writers put that text in files atomically. Every label is escaped for the format
it lands in (:mod:`cxkit.export.escape`), and nothing produced here loads anything
from the network: the HTML page inlines its scripts under a strict
Content-Security-Policy, and sites ship Mermaid and Vega themselves.

========================  ==========================================================
:func:`markdown`          a Markdown page (tables, lists, Mermaid, chart)
:func:`mermaid_journey`   Mermaid ``journey`` diagram (stages, steps, 1–5 scores)
:func:`mermaid_flowchart` Mermaid ``flowchart`` of the touchpoint graph
:func:`html`              a self-contained HTML page
:func:`svg`, :func:`png`  the journey map chart as an image (vl-convert, offline)
:func:`pdf`               the paged map as a vector PDF, A4 or A3 landscape
:func:`yaml`, :func:`json`  the journey file itself (lossless round trip)
:func:`xlsx`              the Excel journey grid (lossless round trip, :mod:`cxkit.io.grid`)
:func:`write`             any of these to a file (format from the suffix)
:func:`site`              a MkDocs (Material) project; :func:`build_site` builds it
:func:`pptx`              a PowerPoint deck of native, editable shapes (python-pptx)
========================  ==========================================================

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("billing_inquiry")
>>> cx.export.markdown(j, chart=None).splitlines()[0]
'# Billing inquiry (cxkit model reference, Example A)'
>>> cx.loads_journey(cx.export.yaml(j)) == j
True
"""

from __future__ import annotations

from cxkit.core.journey import Journey
from cxkit.export import escape
from cxkit.export._chart import chart_spec, png, svg
from cxkit.export._common import check_journey
from cxkit.export._files import FORMATS, atomic_write_bytes, render, write
from cxkit.export._html import html
from cxkit.export._markdown import markdown
from cxkit.export._mermaid import mermaid_flowchart, mermaid_journey
from cxkit.export._pdf import pdf
from cxkit.export._pptx import pptx
from cxkit.export._site import build_site, site

__all__ = [
    "FORMATS",
    "atomic_write_bytes",
    "build_site",
    "chart_spec",
    "escape",
    "html",
    "json",
    "markdown",
    "mermaid_flowchart",
    "mermaid_journey",
    "pdf",
    "png",
    "pptx",
    "render",
    "site",
    "svg",
    "write",
    "xlsx",
    "yaml",
]


def yaml(journey: Journey) -> str:
    """The journey as YAML (:func:`cxkit.io.dump_journey`): ``loads_journey`` gives it back.

    Examples
    --------
    >>> import cxkit as cx
    >>> yaml(cx.load_journey("billing_inquiry")).splitlines()[0]
    'cxkit: 1'
    """
    from cxkit.io import dump_journey

    return dump_journey(check_journey(journey))


def json(journey: Journey) -> str:
    """The journey as JSON (:func:`cxkit.io.dumps_json`), the same document as the YAML.

    Examples
    --------
    >>> import cxkit as cx
    >>> json(cx.load_journey("billing_inquiry"))[:14]
    '{\\n  "cxkit": 1'
    """
    from cxkit.io import dumps_json

    return dumps_json(check_journey(journey))


def xlsx(journey: Journey, *, lang: str | None = None) -> bytes:
    """The journey as an Excel journey grid (``.xlsx`` bytes, :mod:`cxkit.io.grid`):
    stages as columns, lanes as rows, and sheets for the rest; ``cx.load_journey`` of
    the file gives the journey back. The same journey always gives the same bytes.

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of sheet names, row labels and headers (default: the journey's).

    Examples
    --------
    >>> import io, cxkit as cx, openpyxl
    >>> data = xlsx(cx.load_journey("complaint_recovery_ja"))
    >>> openpyxl.load_workbook(io.BytesIO(data)).sheetnames[:2]
    ['ジャーニー', 'ジャーニー情報']
    """
    from cxkit.io.grid import grid_bytes

    return grid_bytes(check_journey(journey), lang=lang)
