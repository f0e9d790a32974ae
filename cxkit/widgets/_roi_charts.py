"""Charts of a :class:`cxkit.roi.Roadmap` for the RoadmapPlanner.

Stand-ins for ``cxkit.viz.roi.npv_fan`` and ``cxkit.viz.roi.roadmap_gantt`` (same
signatures), used by :class:`~cxkit.widgets.roadmap.RoadmapPlanner` only when
``cxkit.viz.roi`` is not installed; :func:`message` draws an empty plan. Built from
the roadmap's own numbers (``joint_fan``, ``schedule``, ``plan``), themed by
:func:`cxkit.viz.theme.apply_theme`, labelled through :mod:`cxkit.core.i18n`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import polars as pl

from cxkit.core.i18n import label as _label
from cxkit.viz.theme import MUTED, apply_theme

__all__ = ["message", "npv_fan", "roadmap_gantt"]

_WIDTH = 520
_BAND = "#9ECAE1"
_LINE = "#08519C"
_RAMP = "#A6D8C0"
_FULL = "#1B9E77"
_BUDGET = "#555555"


def message(text: str, title: str, height: int = 80) -> alt.LayerChart:
    """A chart that only says ``text`` (an empty roadmap…) under ``title``.

    >>> message("nothing", "Roadmap").to_dict()["title"]
    'Roadmap'
    """
    chart = alt.layer(
        alt.Chart(pl.DataFrame({"message": [text]}))
        .mark_text(color=MUTED, fontSize=13)
        .encode(text="message:N")
    ).properties(width=_WIDTH, height=height, title=title)
    return apply_theme(chart)


def npv_fan(plan: Any, initiative: str | None = None, *, lang: str = "en") -> alt.LayerChart:
    """Cumulative discounted net cash flow of the plan per period: P10–P90 band, P50 line.

    ``plan`` is a :class:`cxkit.roi.Roadmap` (``initiative`` is ignored; it is there
    for the signature of ``cxkit.viz.roi.npv_fan``).

    Examples
    --------
    >>> import cxkit as cx
    >>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=200, seed=1)
    >>> spec = npv_fan(plan).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['area', 'rule', 'line', 'point']
    """
    title = _label("roi_npv_fan", lang)
    ev = plan.evaluation
    rows = [
        {
            "t": t,
            "period": ev.period_label(t),
            "p10": float(p10),
            "p50": float(p50),
            "p90": float(p90),
        }
        for t, (p10, p50, p90) in enumerate(plan.joint_fan)
    ]
    frame = pl.DataFrame(rows)
    money = f"{_label('roi_cumulative_cash_flow', lang)} ({ev.currency})"
    x = alt.X(
        "t:Q",
        title=_label("roi_period", lang),
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=[0, len(rows) - 1], nice=False),
    )
    y_axis = alt.Axis(title=money, format="~s")
    tooltip = [
        alt.Tooltip("period:N", title=_label("roi_period", lang)),
        alt.Tooltip("p10:Q", title="P10", format=",.0f"),
        alt.Tooltip("p50:Q", title="P50", format=",.0f"),
        alt.Tooltip("p90:Q", title="P90", format=",.0f"),
    ]
    base = alt.Chart(frame)
    band = base.mark_area(color=_BAND, opacity=0.6).encode(
        x=x, y=alt.Y("p10:Q", axis=y_axis), y2="p90:Q", tooltip=tooltip
    )
    zero = (
        alt.Chart(pl.DataFrame({"zero": [0.0]}))
        .mark_rule(color=MUTED, strokeDash=[4, 3])
        .encode(y="zero:Q")
    )
    line = base.mark_line(color=_LINE, strokeWidth=2.5).encode(
        x=x, y=alt.Y("p50:Q", axis=y_axis), tooltip=tooltip
    )
    points = base.mark_point(color=_LINE, filled=True, size=30).encode(
        x=x, y=alt.Y("p50:Q", axis=y_axis), tooltip=tooltip
    )
    chart = alt.layer(band, zero, line, points).properties(
        width=_WIDTH,
        height=220,
        title=alt.TitleParams(
            text=title, subtitle=_label("roi_convention", lang) + ": P10 / P50 / P90"
        ),
    )
    return apply_theme(chart)


def roadmap_gantt(plan: Any, *, lang: str = "en") -> alt.VConcatChart:
    """The roadmap: one bar per scheduled initiative (ramp-up, then full benefit) and the
    spend against the budget per period.

    Examples
    --------
    >>> import cxkit as cx
    >>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=200, seed=1)
    >>> spec = roadmap_gantt(plan).to_dict()
    >>> sorted({row["id"] for rows in spec["datasets"].values() for row in rows if "id" in row})
    ['chat', 'crm', 'faq']
    """
    title = _label("roi_gantt", lang)
    ev = plan.evaluation
    n_q = plan.n_periods
    end = max(n_q, *(s.full_benefit for s in plan.schedule)) + 1
    bars = []
    for s in plan.schedule:
        bars.append(
            {
                "id": s.id,
                "label": s.label,
                "x0": s.start - 0.5,
                "x1": s.full_benefit - 0.5,
                "phase": _label("roi_ramp_up", lang),
                "value": s.value,
                "start": ev.period_label(s.start),
            }
        )
        bars.append(
            {
                "id": s.id,
                "label": s.label,
                "x0": s.full_benefit - 0.5,
                "x1": end - 0.5,
                "phase": _label("roi_full_benefit", lang),
                "value": s.value,
                "start": ev.period_label(s.start),
            }
        )
    frame = pl.DataFrame(bars)
    order = [s.label for s in plan.schedule]
    x_scale = alt.Scale(domain=[0.5, end - 0.5], nice=False)
    x_axis = alt.Axis(
        title=_label("roi_period", lang), values=list(range(1, end)), format="d", grid=True
    )
    phases = [_label("roi_ramp_up", lang), _label("roi_full_benefit", lang)]
    gantt = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=3, height=16)
        .encode(
            x=alt.X("x0:Q", scale=x_scale, axis=x_axis),
            x2="x1:Q",
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "phase:N",
                scale=alt.Scale(domain=phases, range=[_RAMP, _FULL]),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=_label("roi_initiative", lang)),
                alt.Tooltip("start:N", title=_label("w_start", lang)),
                alt.Tooltip("value:Q", title=_label("roi_npv_risk", lang), format=",.0f"),
            ],
        )
        .properties(width=_WIDTH, height=max(60, 28 * len(order)))
    )
    spend = pl.DataFrame(
        {
            "q": list(range(1, n_q + 1)),
            "period": [ev.period_label(q) for q in range(1, n_q + 1)],
            "spend": [float(x) for x in plan.plan.spend_per_quarter],
            "budget": [float(x) for x in plan.plan.budget_per_quarter],
        }
    )
    money = f"{_label('roi_spend', lang)} ({ev.currency})"
    spend_x = alt.X("q:Q", scale=x_scale, axis=alt.Axis(title=None, values=list(range(1, end))))
    spend_tooltip = [
        alt.Tooltip("period:N", title=_label("roi_period", lang)),
        alt.Tooltip("spend:Q", title=_label("roi_spend", lang), format=",.0f"),
        alt.Tooltip("budget:Q", title=_label("roi_budget", lang), format=",.0f"),
    ]
    spend_bars = (
        alt.Chart(spend)
        .mark_bar(color=MUTED, opacity=0.7, size=18)
        .encode(
            x=spend_x,
            y=alt.Y("spend:Q", title=money, axis=alt.Axis(format="~s")),
            tooltip=spend_tooltip,
        )
    )
    budget_ticks = (
        alt.Chart(spend)
        .mark_tick(color=_BUDGET, thickness=2, size=26)
        .encode(x=spend_x, y="budget:Q", tooltip=spend_tooltip)
    )
    spend_panel = alt.layer(spend_bars, budget_ticks).properties(width=_WIDTH, height=90)
    chart = alt.vconcat(gantt, spend_panel, spacing=8).properties(
        title=alt.TitleParams(text=title, anchor="start")
    )
    return apply_theme(chart)
