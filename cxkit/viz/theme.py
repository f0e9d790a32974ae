"""The cxkit chart theme: fonts, colours and a Vega-Lite ``config``.

One look for every cxkit chart, without touching altair's global state:

* :data:`FONT` lists Latin-and-Japanese fonts, so labels such as ``感動`` render in
  notebooks, in SVG/PNG (vl-convert, see :mod:`cxkit.viz.fonts`) and in exported pages.
* :data:`EMOTION_COLORS` gives the three emotion classes fixed, colour-blind-safe
  colours: deep red (不満), blue (満足) and gold (感動). Simulated protanopia,
  deuteranopia and tritanopia (Machado et al. 2009) keep every pair at least
  ΔE 38 apart in CIELAB (the tests check it; Okabe–Ito's vermillion / blue / bluish
  green fall to ΔE 17 for blue vs green under tritanopia).
  :data:`EMOTION_TEXT_COLORS` are darker shades for text on white.
* :func:`channel_color` gives every channel id a stable colour: built-in channels have
  fixed colours from Paul Tol's colour-blind-safe "muted" scheme; any other id is
  hashed (CRC-32, not Python's salted ``hash``) into a second safe palette, so the same
  id gets the same colour in every chart, session and machine.
* :func:`theme_config` is the Vega-Lite ``config`` dict; :func:`apply_theme` puts it on
  a chart (top level only, as Vega-Lite requires) and :func:`use_theme` registers it as
  an altair theme named ``"cxkit"`` for users who want it on their own charts.

Chart functions in :mod:`cxkit.viz` return charts already themed with
:func:`apply_theme`; exporters embedding a raw spec can use :func:`theme_config`.

Examples
--------
>>> EMOTION_COLORS["delighted"]
'#E69F00'
>>> channel_color("phone")
'#332288'
>>> channel_color("line") == channel_color("line")
True
>>> theme_config()["font"].split(",")[0]
'"Noto Sans CJK JP"'
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any, TypeVar

from cxkit.core.errors import CxkitError

__all__ = [
    "CARRYOVER_COLORS",
    "CHANNEL_COLORS",
    "EMOTION_COLORS",
    "EMOTION_ORDER",
    "EMOTION_TEXT_COLORS",
    "FONT",
    "GAP_COLORS",
    "INK",
    "MUTED",
    "OPPORTUNITY_COLOR",
    "OUTCOME_COLORS",
    "THEME_NAME",
    "apply_theme",
    "channel_color",
    "channel_scale",
    "emotion_scale",
    "outcome_color",
    "theme_config",
    "use_theme",
]

ChartT = TypeVar("ChartT")

#: Name of the altair theme registered by :func:`use_theme`.
THEME_NAME = "cxkit"

#: Font stack: Japanese-capable fonts first (Linux, then macOS, then Windows).
FONT = (
    '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", '
    '"Yu Gothic", "Meiryo", "Helvetica Neue", Arial, sans-serif'
)

#: Text and rule colours.
INK = "#2B2B2B"
#: Secondary text, grid lines and neutral marks.
MUTED = "#8C8C8C"
GRID = "#E6E6E6"

#: Order of the emotion classes, worst to best (legend and scale order).
EMOTION_ORDER: tuple[str, ...] = ("dissatisfied", "satisfied", "delighted")

#: Fixed colours of the emotion classes: deep red, blue, gold (colour-blind safe).
EMOTION_COLORS: dict[str, str] = {
    "dissatisfied": "#C0392B",
    "satisfied": "#0072B2",
    "delighted": "#E69F00",
}

#: Darker shades of :data:`EMOTION_COLORS` for text on white (contrast ≥ 3:1).
EMOTION_TEXT_COLORS: dict[str, str] = {
    "dissatisfied": "#B03A2E",
    "satisfied": "#0072B2",
    "delighted": "#9A6500",
}

#: Colour of improvement opportunities (badges in the journey map).
OPPORTUNITY_COLOR = "#009E73"

#: Diverging scale of expectation gaps: below expectations red, above blue.
GAP_COLORS: tuple[str, str, str] = ("#C0392B", "#F4F4F4", "#0072B2")

#: Fixed colours of the built-in channels (Paul Tol "muted" + Tol blue).
CHANNEL_COLORS: dict[str, str] = {
    "store": "#999933",
    "tv": "#DDCC77",
    "ec": "#44AA99",
    "web": "#88CCEE",
    "sns": "#AA4499",
    "call_center": "#4477AA",
    "phone": "#332288",
    "email": "#882255",
    "webform": "#CC6677",
    "chat": "#117733",
}

#: Colours for user channels, chosen by CRC-32 of the id (Paul Tol "light" + "bright").
_EXTRA_CHANNEL_COLORS: tuple[str, ...] = (
    "#EE8866",
    "#77AADD",
    "#BBCC33",
    "#AAAA00",
    "#EE6677",
    "#66CCEE",
    "#228833",
    "#AA3377",
)

#: Colours of outcome kinds (terminal nodes): good outcomes green, losses dark.
OUTCOME_COLORS: dict[str, str] = {
    "purchase": "#009E73",
    "resolved": "#009E73",
    "churn": "#3B3B3B",
    "abandon": "#6E6E6E",
    "other": "#A0A0A0",
}

#: Context carry-over 0 → 1: vermillion → orange → bluish green (Okabe–Ito, colour-blind safe).
CARRYOVER_COLORS: tuple[str, str, str] = ("#D55E00", "#E69F00", "#009E73")


def channel_color(channel_id: str) -> str:
    """Return the stable colour of a channel.

    Parameters
    ----------
    channel_id
        A channel id such as ``"phone"`` or a journey's own channel (``"line"``).

    Returns
    -------
    str
        A ``#RRGGBB`` colour: fixed for built-in channels, otherwise chosen by a CRC-32
        hash of the id, so it is the same in every session.

    Raises
    ------
    CxkitError
        If ``channel_id`` is not a non-empty string.

    Examples
    --------
    >>> channel_color("web")
    '#88CCEE'
    >>> channel_color("kiosk") in _EXTRA_CHANNEL_COLORS
    True
    """
    if not isinstance(channel_id, str) or not channel_id:
        raise CxkitError(
            f"`channel_id` must be a non-empty channel id such as 'phone', got {channel_id!r}"
        )
    fixed = CHANNEL_COLORS.get(channel_id)
    if fixed is not None:
        return fixed
    index = zlib.crc32(channel_id.encode("utf-8")) % len(_EXTRA_CHANNEL_COLORS)
    return _EXTRA_CHANNEL_COLORS[index]


def outcome_color(kind: str) -> str:
    """Colour of an outcome kind (``"purchase"``, ``"churn"``…); unknown kinds are grey.

    Examples
    --------
    >>> outcome_color("churn")
    '#3B3B3B'
    """
    return OUTCOME_COLORS.get(kind, OUTCOME_COLORS["other"])


def channel_scale(channel_ids: Iterable[str]) -> tuple[list[str], list[str]]:
    """Domain and range of a colour scale for ``channel_ids`` (duplicates dropped).

    Examples
    --------
    >>> channel_scale(["web", "phone", "web"])
    (['web', 'phone'], ['#88CCEE', '#332288'])
    """
    domain = list(dict.fromkeys(channel_ids))
    return domain, [channel_color(c) for c in domain]


def emotion_scale(lang: str = "en", *, text: bool = False) -> tuple[list[str], list[str]]:
    """Domain (labels in ``lang``) and range of the emotion-class colour scale.

    ``text=True`` gives the darker :data:`EMOTION_TEXT_COLORS` for labels.

    Examples
    --------
    >>> emotion_scale("ja")[0]
    ['不満', '満足', '感動']
    >>> emotion_scale(text=True)[1][2]
    '#9A6500'
    """
    from cxkit.core.i18n import label

    colors = EMOTION_TEXT_COLORS if text else EMOTION_COLORS
    return [label(k, lang) for k in EMOTION_ORDER], [colors[k] for k in EMOTION_ORDER]


def theme_config() -> dict[str, Any]:
    """The Vega-Lite top-level ``config`` of cxkit charts (a fresh dict each call).

    Examples
    --------
    >>> cfg = theme_config()
    >>> cfg["view"]["stroke"] is None
    True
    >>> cfg["axis"]["labelFont"] == FONT
    True
    """
    return {
        "font": FONT,
        "background": "white",
        "padding": 8,
        "view": {"stroke": None, "continuousWidth": 480, "continuousHeight": 240},
        "title": {
            "font": FONT,
            "fontSize": 16,
            "fontWeight": 600,
            "color": INK,
            "anchor": "start",
            "subtitleFont": FONT,
            "subtitleColor": MUTED,
            "subtitleFontSize": 12,
            "offset": 10,
        },
        "axis": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelColor": INK,
            "titleColor": INK,
            "labelFontSize": 11,
            "titleFontSize": 12,
            "titleFontWeight": 600,
            "domainColor": MUTED,
            "tickColor": MUTED,
            "gridColor": GRID,
        },
        "header": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelColor": INK,
            "titleColor": INK,
            "labelFontSize": 12,
        },
        "legend": {
            "labelFont": FONT,
            "titleFont": FONT,
            "labelColor": INK,
            "titleColor": INK,
            "labelFontSize": 11,
            "titleFontSize": 12,
            "titleFontWeight": 600,
            "orient": "right",
            "symbolStrokeWidth": 2,
        },
        "text": {"font": FONT, "color": INK, "fontSize": 11},
        "range": {
            "category": list(CHANNEL_COLORS.values()) + list(_EXTRA_CHANNEL_COLORS),
            "diverging": list(GAP_COLORS),
        },
        "concat": {"spacing": 14},
    }


def apply_theme(chart: ChartT) -> ChartT:
    """Return ``chart`` configured with :func:`theme_config` (a copy; top level only).

    Vega-Lite accepts ``config`` only on the top-level chart, so call this once on
    the finished (layered / concatenated) chart.

    Parameters
    ----------
    chart
        An altair top-level chart (``Chart``, ``LayerChart``, ``VConcatChart``…).

    Raises
    ------
    CxkitError
        If ``chart`` is not an altair top-level chart.

    Examples
    --------
    >>> import altair as alt
    >>> c = apply_theme(alt.Chart({"values": [{"x": 1}]}).mark_point().encode(x="x:Q"))
    >>> c.to_dict()["config"]["font"] == FONT
    True
    """
    import altair as alt

    if not isinstance(chart, alt.TopLevelMixin):
        raise CxkitError(
            "`chart` must be an altair top-level chart (Chart, LayerChart, VConcatChart…), "
            f"got {type(chart).__name__}"
        )
    return chart.configure(**theme_config())


def use_theme(enable: bool = True) -> str:
    """Register cxkit's look as the altair theme ``"cxkit"``; enable it if asked.

    Only charts you build yourself are affected, and only while the theme is
    active; cxkit's own charts carry their config explicitly and do not need this.
    Switch back with ``alt.theme.enable("default")``.

    Parameters
    ----------
    enable
        Enable the theme right away (default) or only register it.

    Returns
    -------
    str
        The theme name, ``"cxkit"``.

    Examples
    --------
    >>> import altair as alt
    >>> use_theme(enable=False)
    'cxkit'
    >>> "cxkit" in alt.theme.names()
    True
    """
    import altair as alt

    def _cxkit_theme() -> dict[str, Any]:
        return {"config": theme_config()}

    alt.theme.register(THEME_NAME, enable=enable)(_cxkit_theme)  # type: ignore[arg-type]
    return THEME_NAME
