"""The journey chart as a Vega-Lite spec, SVG or PNG, and the offline Vega JS bundle.

The chart comes from :func:`cxkit.viz.journey_map`. vl-convert renders it to
SVG/PNG without a browser or network; altair and vl-convert are imported only
here, inside functions, so that ``import cxkit.export`` stays light.
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

__all__ = ["chart_spec", "png", "spec_png", "spec_svg", "svg", "vega_bundle", "vl_version_of"]


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


def svg(journey: Journey, lang: str | None = None) -> str:
    """The journey map as an SVG document (text), rendered offline by vl-convert.

    Every label goes through :func:`cxkit.export.escape.svg_text` first: a control
    character that XML cannot hold becomes a space, a noncharacter or lone
    surrogate U+FFFD (vl-convert would abort the process on them).

    Examples
    --------
    >>> import cxkit as cx
    >>> svg(cx.load_journey("billing_inquiry")).startswith("<svg")
    True
    """
    spec = svg_spec(chart_spec(journey, lang))  # no label can make vl-convert abort
    vlc = _vl_convert()
    _register_fonts()
    return str(vlc.vegalite_to_svg(spec, vl_version=vl_version_of(spec)))


def png(journey: Journey, lang: str | None = None, scale: float = 2) -> bytes:
    """The journey map as PNG bytes (``scale`` × the chart's pixel size).

    Japanese labels need a CJK font; :func:`cxkit.viz.register_fonts` is called first.

    Examples
    --------
    >>> import cxkit as cx
    >>> png(cx.load_journey("billing_inquiry"), scale=1)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= 10:
        raise CxkitError(f"`scale` must be a number in (0, 10], got {scale!r}")
    spec = svg_spec(chart_spec(journey, lang))  # no label can make vl-convert abort
    vlc = _vl_convert()
    _register_fonts()
    return bytes(vlc.vegalite_to_png(spec, scale=float(scale), vl_version=vl_version_of(spec)))


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
