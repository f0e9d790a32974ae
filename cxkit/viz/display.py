"""Notebook display that works offline: a journey shows its map as a static SVG.

``Journey._repr_mimebundle_`` (in :mod:`cxkit.core.display`) calls
:func:`journey_mimebundle` by name. It returns the journey map rendered to SVG by
vl-convert (``image/svg+xml``) plus the journey's ``repr`` (``text/plain``).

Why SVG rather than altair's default display: in JupyterLab 4.6 without internet the
default, ``mimetype`` and plain ``jupyter`` renderers show nothing (they load Vega
from a CDN or need the JupyterLab Vega extension), and an HTML output with the
Vega bundle inlined adds ~0.9 MB to every output and is not re-run when an untrusted
notebook is reopened. An SVG needs no JavaScript, no network and no trust: it shows
in JupyterLab, VS Code, nbconvert/MkDocs pages and GitHub previews, stays small, and
Japanese text stays text (searchable, sharp). The cost is interactivity: tooltips
are not shown — call :func:`cxkit.viz.journey_map` for the interactive chart after
:func:`enable_offline_renderer`.

Examples
--------
>>> import cxkit as cx
>>> bundle = journey_mimebundle(cx.load_journey("billing_inquiry"))
>>> sorted(bundle)
['image/svg+xml', 'text/plain']
>>> bundle["image/svg+xml"].startswith("<svg")
True
"""

from __future__ import annotations

import functools
from typing import Any

from cxkit.core.errors import CxkitError

__all__ = ["OFFLINE_RENDERERS", "enable_offline_renderer", "journey_mimebundle", "journey_svg"]

#: Renderers :func:`enable_offline_renderer` can switch altair to.
OFFLINE_RENDERERS: tuple[str, ...] = ("auto", "jupyter", "svg", "png")


def journey_svg(journey: Any, *, lang: str | None = None) -> str:
    """The journey map as an SVG document (vl-convert; fonts registered first).

    Examples
    --------
    >>> import cxkit as cx
    >>> "Billing inquiry" in journey_svg(cx.load_journey("billing_inquiry"))
    True
    """
    from cxkit.viz.journey import _check_journey

    return _cached_svg(_check_journey(journey), lang)


@functools.lru_cache(maxsize=16)
def _cached_svg(journey: Any, lang: str | None) -> str:
    # journeys are immutable values (hashable, equal by value): the same journey
    # shown again — e.g. a notebook re-rendering outputs — costs nothing
    import vl_convert

    from cxkit.export.escape import svg_spec
    from cxkit.viz.fonts import register_fonts
    from cxkit.viz.journey import journey_map

    spec = journey_map(journey, lang=lang).to_dict(validate=False)  # validated in tests
    spec = svg_spec(spec)  # a control character in a label would abort vl-convert
    register_fonts()
    return vl_convert.vegalite_to_svg(spec)


def journey_mimebundle(journey: Any) -> dict[str, Any]:
    """MIME bundle of a journey for notebooks: its map as SVG, and its ``repr`` as text.

    Never raises: if the map cannot be drawn the bundle holds the text and the reason.

    Parameters
    ----------
    journey
        A :class:`~cxkit.core.journey.Journey`.

    Returns
    -------
    dict
        ``{"image/svg+xml": <svg…>, "text/plain": "<Journey …>"}``.

    Examples
    --------
    >>> journey_mimebundle("not a journey")["text/plain"].splitlines()[1][:40]
    '(journey map unavailable: CxkitError: `j'
    """
    text = repr(journey)
    try:
        return {"image/svg+xml": journey_svg(journey), "text/plain": text}
    except Exception as exc:  # noqa: BLE001 - a display hook must never raise
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return {"text/plain": f"{text}\n(journey map unavailable: {reason})"}


def enable_offline_renderer(renderer: str = "auto") -> str:
    """Switch altair to a renderer that works in JupyterLab without internet.

    Affects the charts you display yourself (``cx.viz.journey_map(j)`` in a cell).
    ``"jupyter"`` is altair's anywidget renderer with the Vega bundle taken from
    vl-convert (interactive: tooltips, selections); ``"svg"`` and ``"png"`` are static
    images rendered by vl-convert. ``"auto"`` picks ``"jupyter"`` when ``anywidget``
    is installed, else ``"svg"``. Undo with ``alt.renderers.enable("default")``.

    Parameters
    ----------
    renderer
        One of ``"auto"``, ``"jupyter"``, ``"svg"``, ``"png"``.

    Returns
    -------
    str
        The renderer now active.

    Raises
    ------
    CxkitError
        If ``renderer`` is not one of the above, or ``"jupyter"`` is asked for
        without ``anywidget`` installed.

    Examples
    --------
    >>> import altair as alt
    >>> enable_offline_renderer("svg")
    'svg'
    >>> _ = alt.renderers.enable("default")
    """
    if renderer not in OFFLINE_RENDERERS:
        raise CxkitError(
            f"`renderer` must be one of {', '.join(map(repr, OFFLINE_RENDERERS))}, got {renderer!r}"
        )
    import altair as alt

    if renderer in ("auto", "jupyter"):
        try:
            import anywidget  # noqa: F401
        except ImportError:
            if renderer == "jupyter":
                raise CxkitError(
                    "`renderer='jupyter'` needs the anywidget package "
                    "(pip install anywidget); use renderer='svg' for static charts"
                ) from None
            renderer = "svg"
        else:
            renderer = "jupyter"
    if renderer == "jupyter":
        alt.renderers.enable("jupyter", offline=True)
    else:
        from cxkit.viz.fonts import register_fonts

        register_fonts()
        _make_safe(renderer)
        alt.renderers.enable(renderer)
    return str(alt.renderers.active)


def _make_safe(renderer: str) -> None:
    """Register altair's ``renderer`` (``svg`` or ``png``) again, wrapped so that every
    string of a spec passes :func:`cxkit.export.escape.svg_spec` before vl-convert sees
    it: a control character in a label would abort the kernel (a Rust panic)."""
    import altair as alt

    from cxkit.export.escape import svg_spec

    alt.renderers.enable(renderer)
    original = alt.renderers.get()
    if getattr(original, "cxkit_safe", False):
        return

    def safe(spec: Any, **options: Any) -> Any:
        return original(svg_spec(spec), **options)

    safe.cxkit_safe = True  # type: ignore[attr-defined]
    alt.renderers.register(renderer, safe)
