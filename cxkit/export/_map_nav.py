"""The journey map as the first thing on a page: full width, zoom, page-by-stage navigation.

The HTML page and every journey page of a site open with this block. Each page of the
map (pages follow :func:`cxkit.viz.paging.stage_pages`, through
:func:`cxkit.viz.journey.journey_map_pages`) is a Vega-Lite spec in a
``<script type="application/json" class="cxkit-vega">`` element; cxkit's loader
(``assets/cxkit-loader.js``, hashed under the page's Content-Security-Policy) draws
them, shows one page at a time and wires the buttons. Without JavaScript nothing
is drawn, as before; the block carries no inline script or handler.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from cxkit.core.i18n import label
from cxkit.core.journey import Journey
from cxkit.export.escape import html_attr, html_text, json_for_script

__all__ = ["MapPage", "map_block", "map_page_spec", "map_page_specs", "map_pages"]


@dataclass(frozen=True)
class MapPage:
    """One page of the map as a page shows it: its button text, a caption, its spec
    (JSON already escaped for a ``<script>`` element) and the spec's ``$schema``."""

    button: str
    caption: str
    script_json: str
    schema: str


@functools.cache
def _page_cache() -> Any:
    """One spec cache of a map page per process (:class:`cxkit.viz._fastspec.SpecCache`):
    a page of the same shape as one drawn before (same lanes and panels, other texts
    and numbers) is re-rendered from its recorded altair calls in a few ms instead of
    ~0.3 s, and its spec equals altair's."""
    from cxkit.viz._fastspec import SpecCache

    return SpecCache("journey_map_page")


def map_page_specs(journey: Journey, lang: str, paper: str = "a4") -> list[dict[str, Any]]:
    """The Vega-Lite specs of the map's pages
    (:func:`~cxkit.viz.journey.journey_map_pages` on ``paper``), through the page cache.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.viz.journey import journey_map_pages
    >>> j = cx.load_journey("retail_omnichannel")
    >>> map_page_specs(j, "en") == [p.to_dict(validate=False) for p in journey_map_pages(j)]
    True
    """
    from cxkit.viz.journey import steps_per_page
    from cxkit.viz.paging import stage_pages

    count = max(len(stage_pages(journey, steps_per_page(paper))), 1)
    return [map_page_spec(journey, lang, paper, n) for n in range(1, count + 1)]


def map_page_spec(
    journey: Journey, lang: str, paper: str, number: int, rows: str = "all"
) -> dict[str, Any]:
    """The spec of one page (or half page, ``rows``) of the map, through the page cache
    (:func:`~cxkit.viz.journey.journey_map_page`)."""
    kwargs: dict[str, Any] = {"number": number, "lang": lang, "paper": paper}
    if rows != "all":
        kwargs["rows"] = rows
    return _page_cache().spec(journey, **kwargs).spec


def _captions(journey: Journey, lang: str, n_pages: int) -> list[tuple[str, str]]:
    """Button text and caption per page: the page's stages and step numbers (the pages
    of :func:`~cxkit.viz.paging.stage_pages` that ``journey_map_pages`` draws)."""
    from cxkit.viz.journey import steps_per_page
    from cxkit.viz.paging import map_order, stage_pages

    names = {s.id: s.display for s in journey.stages}
    number = {pos: k + 1 for k, pos in enumerate(map_order(journey))}
    found = stage_pages(journey, steps_per_page("a4")) if n_pages > 1 else None
    out = []
    for k in range(n_pages):
        button = label("export_page_n", lang).format(n=k + 1)
        if found is None:
            out.append((button, ""))
            continue
        page = found[k]
        first, last = number[page.steps[0]], number[page.steps[-1]]
        stages = " · ".join(names.get(s, s) for s in page.stages)
        steps = label("export_steps_range", lang).format(first=first, last=last)
        out.append((f"{k + 1}. {stages}", f"{stages} ({steps})"))
    return out


@functools.lru_cache(maxsize=64)
def map_pages(journey: Journey, lang: str) -> tuple[MapPage, ...]:
    """The pages of the journey map (cached: journeys are immutable values).

    Examples
    --------
    >>> import cxkit as cx
    >>> pages = map_pages(cx.load_journey("billing_inquiry"), "en")
    >>> len(pages), pages[0].button
    (1, 'Page 1')
    """
    specs = map_page_specs(journey, lang)
    captions = _captions(journey, lang, len(specs))
    return tuple(
        MapPage(button, caption, json_for_script(spec), str(spec.get("$schema", "")))
        for spec, (button, caption) in zip(specs, captions, strict=True)
    )


def _button(cls: str, text: str, attrs: str = "") -> str:
    return f'<button type="button" class="{cls}"{attrs}>{html_text(text)}</button>'


def map_block(journey: Journey, lang: str, *, heading: str | None = None) -> str:
    """The map section (one line of HTML): toolbar, pages, cue; see the module docstring.

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of the buttons and cues.
    heading
        An ``<h2>`` text above the map (escaped); ``None`` for none.

    Examples
    --------
    >>> import cxkit as cx
    >>> block = map_block(cx.load_journey("billing_inquiry"), "ja")
    >>> block.startswith('<section class="cxkit-map"'), "幅に合わせる" in block
    (True, True)
    """
    pages = map_pages(journey, lang)
    total = len(pages)
    t = lambda key: label(key, lang)  # noqa: E731
    tools = [
        _button("cxkit-zoom", t("export_zoom_fit"), ' data-zoom="fit" aria-pressed="true"'),
        _button("cxkit-zoom", t("export_zoom_full"), ' data-zoom="full" aria-pressed="false"'),
    ]
    if total > 1:
        tools.append(_button("cxkit-prev", "◀", f' title="{html_attr(t("export_prev_page"))}"'))
        tools += [
            _button(
                "cxkit-page",
                p.button,
                f' data-page="{k}" aria-pressed="{"true" if k == 0 else "false"}"'
                f' title="{html_attr(p.caption)}"',
            )
            for k, p in enumerate(pages)
        ]
        tools.append(_button("cxkit-next", "▶", f' title="{html_attr(t("export_next_page"))}"'))
    cue = t("export_pages_cue").format(total=total) if total > 1 else ""
    body = []
    for k, p in enumerate(pages):
        status = t("export_page_of").format(n=k + 1, total=total)
        caption = f"{status}: {p.caption}" if p.caption else status
        hidden = "" if k == 0 else " hidden"
        body.append(
            f'<div class="cxkit-map-page" data-page="{k}"{hidden}>'
            + (f'<p class="cxkit-map-caption">{html_text(caption)}</p>' if total > 1 else "")
            + '<div class="cxkit-chart">'
            f'<script type="application/json" class="cxkit-vega">{p.script_json}'
            "</script></div></div>"
        )
    head = f"<h2>{html_text(heading)}</h2>" if heading else ""
    return (
        f'<section class="cxkit-map" data-pages="{total}" data-zoom="fit" '
        f'aria-label="{html_attr(t("viz_journey_map"))}">{head}'
        f'<nav class="cxkit-map-tools" aria-label="{html_attr(t("export_map_pages"))}">'
        + "".join(tools)
        + "</nav>"
        + (f'<p class="cxkit-map-cue">{html_text(cue)}</p>' if cue else "")
        + f'<p class="cxkit-scroll-cue" hidden>{html_text(t("export_scroll_cue"))}</p>'
        + "".join(body)
        + "</section>"
    )
