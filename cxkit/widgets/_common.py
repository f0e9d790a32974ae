"""Shared pieces of the workshop widgets: labels, live charts, small HTML helpers."""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as w

from cxkit.core.errors import CxkitError, format_value
from cxkit.core.i18n import label as _label
from cxkit.core.i18n import resolve_lang
from cxkit.core.journey import Journey
from cxkit.viz._fastspec import SpecCache, SpecUpdate

__all__ = [
    "LiveChart",
    "Timer",
    "WorkshopWidget",
    "check_journey",
    "fmt_number",
    "html_table",
    "resolve_lang",
    "status_html",
    "summary_rows_html",
    "t",
]

_OFFLINE_READY = False


def t(key: str, lang: str) -> str:
    """The label of ``key`` in ``lang`` (:func:`cxkit.core.i18n.label`)."""
    return _label(key, lang)


def check_journey(journey: Any, argument: str = "journey") -> Journey:
    """A :class:`Journey`, or one loaded from a template name or a path."""
    if isinstance(journey, Journey):
        return journey
    if isinstance(journey, str) or hasattr(journey, "__fspath__"):
        from cxkit.io import load_journey

        return load_journey(journey)
    raise CxkitError(
        f"`{argument}` must be a cxkit.Journey, a template name or a path, "
        f"got {format_value(journey)}"
    )


def fmt_number(value: float | None, digits: int = 2, *, signed: bool = False) -> str:
    """A number for a readout: ``—`` for ``None``/nan, thousands separators for money.

    >>> fmt_number(1234567.8, 0), fmt_number(-0.25, signed=True), fmt_number(None)
    ('1,234,568', '−0.25', '—')
    """
    if value is None or value != value:
        return "—"
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    text = f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"
    return text.replace("-", "−")


def status_html(text: str, kind: str = "info") -> str:
    """The status line: ``kind`` is ``info``, ``ok``, ``warning`` or ``error``."""
    colors = {"info": "#555555", "ok": "#1B7F3B", "warning": "#A65E00", "error": "#B3261E"}
    color = colors.get(kind, colors["info"])
    return (
        f'<div class="cxkit-status cxkit-status-{kind}" style="color:{color};'
        f'font-size:12px;min-height:1.4em">{html.escape(text)}</div>'
    )


def html_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    css_class: str = "cxkit-table",
    align: Sequence[str] | None = None,
) -> str:
    """A small HTML table; every cell is escaped.

    >>> html_table(["a"], [["<b>"]]).count("&lt;b&gt;")
    1
    """
    align = list(align or ["left"] + ["right"] * (len(header) - 1))
    cell = "padding:2px 8px;border-bottom:1px solid #E6E6E6;text-align:{}"
    head = "".join(
        f'<th style="{cell.format(a)};font-weight:600">{html.escape(str(h))}</th>'
        for h, a in zip(header, align, strict=False)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{cell.format(a)}">{html.escape(str(v))}</td>'
            for v, a in zip(row, align, strict=False)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f'<table class="{css_class}" style="border-collapse:collapse;font-size:12px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def summary_rows_html(rows: Iterable[tuple[str, str]]) -> str:
    """The ``<tr>`` rows of a summary box: a grey name, then its value in bold (escaped).

    >>> summary_rows_html([("NPV", "<1>")]).count("&lt;1&gt;")
    1
    """
    return "".join(
        f'<tr><td style="padding:1px 8px 1px 0;color:#555">{html.escape(k)}</td>'
        f'<td class="cxkit-value" style="font-weight:600">{html.escape(v)}</td></tr>'
        for k, v in rows
    )


class Timer:
    """Wall and CPU time of the last update of a widget (for the benchmarks).

    ``seconds`` is the wall time between a control change and the chart spec being
    set; ``cpu_seconds`` the process CPU time over the same span.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self._t0 = (0.0, 0.0)

    def __enter__(self) -> Timer:
        self._t0 = (time.perf_counter(), time.process_time())
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self._t0[0]
        self.cpu_seconds = time.process_time() - self._t0[1]


def _enable_offline() -> None:
    """Load Vega into altair's JupyterChart from vl-convert (no CDN), once."""
    global _OFFLINE_READY
    if not _OFFLINE_READY:
        import altair as alt

        alt.JupyterChart.enable_offline()
        _OFFLINE_READY = True


class LiveChart:
    """An offline :class:`altair.JupyterChart` fed by chart functions of :mod:`cxkit.viz`.

    :meth:`update` computes the new spec through a :class:`SpecCache` (fast when only
    the data changed) and sets the widget's ``spec``: the browser redraws.

    Parameters
    ----------
    function, module
        The default chart function and its module (``"journey_map"``,
        ``"cxkit.viz.journey"``); :meth:`render` draws with another one.
    """

    def __init__(self, function: str, module: str = "cxkit.viz.journey") -> None:
        import altair as alt

        _enable_offline()
        self.function, self.module = function, module
        self._caches: dict[tuple[str, str], SpecCache] = {}
        # SVG: sharp text (Japanese too) and charts a browser test can read
        self.widget = alt.JupyterChart(None, embed_options={"actions": False, "renderer": "svg"})
        self.widget.add_class("cxkit-chart")
        self.last: SpecUpdate | None = None

    @property
    def cache(self) -> SpecCache:
        """The spec cache of the default chart function."""
        return self._cache(self.module, self.function)

    @property
    def spec(self) -> dict[str, Any] | None:
        """The Vega-Lite spec shown now."""
        return self.widget.spec

    def _cache(self, module: str, function: str) -> SpecCache:
        key = (module, function)
        if key not in self._caches:
            self._caches[key] = SpecCache(function, module)
        return self._caches[key]

    def update(self, *args: Any, **kwargs: Any) -> SpecUpdate:
        """Redraw with ``function(*args, **kwargs)``."""
        return self.render(self.module, self.function, *args, **kwargs)

    def render(self, module: str, function: str, *args: Any, **kwargs: Any) -> SpecUpdate:
        """Redraw with ``module.function(*args, **kwargs)``."""
        self.last = self._cache(module, function).spec(*args, **kwargs)
        self.widget.spec = self.last.spec
        return self.last

    def clear(self) -> None:
        """Show nothing."""
        self.widget.spec = None


def button(description: str, icon: str = "", *, tooltip: str = "", width: str = "auto") -> Any:
    """A compact button."""
    return w.Button(
        description=description, icon=icon, tooltip=tooltip, layout=w.Layout(width=width)
    )


def on_click(btn: Any, callback: Callable[[], Any]) -> None:
    """Call ``callback()`` (no argument) when ``btn`` is clicked."""
    btn.on_click(lambda _b: callback())


STYLE = """
<style>
.cxkit-widget { font-family: "Noto Sans", "Noto Sans CJK JP", "Helvetica Neue", Arial,
  sans-serif; }
.cxkit-widget .cxkit-title { font-size: 15px; font-weight: 600; margin: 2px 0 4px 0; }
.cxkit-widget .cxkit-box { border: 1px solid #E3E3E3; border-radius: 6px; padding: 6px 8px; }
.cxkit-widget .widget-label { color: #2B2B2B; }
.cxkit-widget .cxkit-chart { overflow-x: auto; max-width: 100%; }
.cxkit-widget .widget-checkbox { height: auto; }
.cxkit-widget .widget-checkbox .widget-label-basic span { white-space: normal; }
</style>
"""


def title_html(text: str) -> str:
    """A widget title line (escaped) with cxkit's widget CSS."""
    return STYLE + f'<div class="cxkit-title">{html.escape(text)}</div>'


class WorkshopWidget:
    """What the workshop widgets share: the status line, notebook display and closing.

    A subclass builds ``ui`` (the displayed box), ``_status`` (the status line's
    ``HTML``) and ``_widgets`` (every control it created) and keeps ``status``.
    """

    ui: Any
    status: str
    _status: Any
    _widgets: list[Any]

    def close(self) -> None:
        """Close every control of the widget."""
        for widget in self._widgets:
            widget.close()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.ui)

    def _set_status(self, text: str, kind: str = "info") -> None:
        self.status = text
        self._status.value = status_html(text, kind)

    def _guard(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run a UI action; a CxkitError becomes the status line instead of a traceback."""
        try:
            action(*args, **kwargs)
        except CxkitError as exc:
            self._set_status(str(exc), "error")
