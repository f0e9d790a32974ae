"""Charts of the ROI model, returned as altair charts (never displayed).

* :func:`npv_fan` — the risk-adjusted cumulative discounted net cash flow over time:
  the P10–P90 band of the Monte Carlo draws with the P50 line (an initiative of an
  :class:`~cxkit.roi.evaluate.Evaluation`, or a whole :class:`~cxkit.roi.planning.Roadmap`);
* :func:`cumulative_cash_flow` — an initiative's cumulative net cash flow at the
  mode, undiscounted and discounted, with the payback periods marked;
* :func:`roadmap_gantt` — the chosen roadmap: ramp-up then full benefit per
  initiative, in planning periods;
* :func:`tornado` — one-at-a-time sensitivity of an initiative's risk-adjusted NPV
  to each uncertain input (its low and high, the others at their mode);
* :func:`initiative_comparison` — every initiative's risk-adjusted NPV: P10–P90,
  P50 and the value at the mode, best first.

Every function takes ``lang=`` (``"en"`` or ``"ja"``) for its labels, which come
from :mod:`cxkit.core.i18n`, builds its data as a small polars frame (the
``*_frame`` functions return it, for tables and tests) and returns a chart themed
with :func:`cxkit.viz.theme.apply_theme`.

Examples
--------
>>> import cxkit as cx
>>> ev = cx.roi.evaluate(cx.load_journey("roi_example_c"), n_sims=200, seed=1)
>>> type(initiative_comparison(ev)).__name__
'LayerChart'
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import polars as pl

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label as _label
from cxkit.core.i18n import resolve_lang
from cxkit.roi.evaluate import Evaluation, InitiativeResult
from cxkit.roi.finance import tei_adjust
from cxkit.roi.planning import Roadmap
from cxkit.viz.theme import INK, MUTED, apply_theme

__all__ = [
    "cash_flow_frame",
    "comparison_frame",
    "cumulative_cash_flow",
    "fan_frame",
    "gantt_frame",
    "initiative_comparison",
    "npv_fan",
    "roadmap_gantt",
    "tornado",
    "tornado_frame",
]

_WIDTH = 480
BAND = "#56B4E9"
LINE = "#0072B2"
LOW = "#D55E00"
HIGH = "#009E73"


def _evaluation(value: Any, name: str = "evaluation") -> Evaluation:
    if isinstance(value, Roadmap):
        return value.evaluation
    if not isinstance(value, Evaluation):
        raise CxkitError(
            f"`{name}` must be an Evaluation (cxkit.roi.evaluate) or a Roadmap, got "
            f"{type(value).__name__}"
        )
    return value


def _initiative(ev: Evaluation, initiative: str | None) -> InitiativeResult:
    if initiative is None:
        if len(ev.initiatives) != 1:
            raise CxkitError(
                f"`initiative` is required: the evaluation holds {len(ev.initiatives)} "
                f"initiatives ({', '.join(ev.ids)})"
            )
        return ev.initiatives[0]
    return ev[initiative]


# --------------------------------------------------------------------------- fan


def fan_frame(result: Evaluation | Roadmap, initiative: str | None = None) -> pl.DataFrame:
    """Per period ``t``: P10/P50/P90 of the cumulative discounted net cash flow.

    An :class:`Evaluation` gives one initiative's (``initiative=`` its id, optional
    when there is one); a :class:`Roadmap` gives the chosen plan's joint fan.

    >>> import cxkit as cx
    >>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=100, seed=1)
    >>> fan_frame(plan).row(-1, named=True)["p50"]
    224.0
    """
    if isinstance(result, Roadmap):
        fan = result.joint_fan
        ev = result.evaluation
    else:
        ev = _evaluation(result, "result")
        fan = _initiative(ev, initiative).npv_fan
    return pl.DataFrame(
        {
            "t": list(range(len(fan))),
            "period": [ev.period_label(t) if t else "0" for t in range(len(fan))],
            "p10": [f[0] for f in fan],
            "p50": [f[1] for f in fan],
            "p90": [f[2] for f in fan],
        }
    )


def npv_fan(
    result: Evaluation | Roadmap, initiative: str | None = None, *, lang: str = "en"
) -> alt.LayerChart:
    """The NPV fan: P10–P90 band and P50 line of the cumulative discounted cash flow.

    The value at the last period is the NPV (risk-adjusted); the band shows how
    uncertain it is at each point in time (P10 is the pessimistic side).

    Examples
    --------
    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(cx.load_journey("roi_example_c"), ["faq"], n_sims=100, seed=1)
    >>> [layer["mark"]["type"] for layer in npv_fan(ev).to_dict()["layer"]]
    ['area', 'line', 'rule']
    """
    lang = resolve_lang(lang)
    frame = fan_frame(result, initiative)
    ev = result.evaluation if isinstance(result, Roadmap) else _evaluation(result, "result")
    x = alt.X("t:Q", title=_label("roi_period", lang), axis=alt.Axis(tickMinStep=1))
    y_title = f"{_label('roi_npv_risk', lang)} ({ev.currency})"
    base = alt.Chart(frame)
    band = base.mark_area(opacity=0.3, color=BAND).encode(
        x=x, y=alt.Y("p10:Q", title=y_title), y2="p90:Q",
        tooltip=["period:N", "p10:Q", "p50:Q", "p90:Q"],
    )  # fmt: skip
    line = base.mark_line(color=LINE, strokeWidth=2).encode(x=x, y="p50:Q")
    zero = alt.Chart(pl.DataFrame({"y": [0.0]})).mark_rule(color=MUTED).encode(y="y:Q")
    title = _label("roi_npv_fan", lang)
    if isinstance(result, Roadmap):
        title += f" — {_label('roi_gantt', lang)}"
    elif initiative or len(ev.initiatives) == 1:
        title += f" — {_initiative(ev, initiative).label}"
    chart = alt.layer(band, line, zero).properties(width=_WIDTH, height=260, title=title)
    return apply_theme(chart)


# --------------------------------------------------------------------------- cash flow


def cash_flow_frame(evaluation: Evaluation, initiative: str | None = None) -> pl.DataFrame:
    """Per period: net flow at the mode (risk-adjusted), cumulative and discounted cumulative.

    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(
    ...     cx.load_journey("web_phone_faq"),
    ...     ["faq"],
    ...     economics=cx.Economics(journeys_per_period=1e4, risk_benefit=0, risk_cost=0),
    ...     n_sims=10,
    ...     seed=1,
    ... )
    >>> cash_flow_frame(ev)["net"][1] > 0
    True
    """
    ev = _evaluation(evaluation)
    r = _initiative(ev, initiative)
    e = ev.economics
    b, c = tei_adjust(r.benefit_flows, r.cost_flows, e.risk_benefit, e.risk_cost)
    net = b - c
    t = np.arange(net.size)
    return pl.DataFrame(
        {
            "t": t,
            "net": net,
            "cumulative": np.cumsum(net),
            # at the initiative's own per-period rate: its flows may be yearly in a
            # quarterly evaluation (cash_flow_period)
            "discounted": np.cumsum(net / (1 + r.rate) ** t),
        }
    )


def cumulative_cash_flow(
    evaluation: Evaluation, initiative: str | None = None, *, lang: str = "en"
) -> alt.LayerChart:
    """Cumulative risk-adjusted net cash flow at the mode, with the paybacks marked.

    Two lines, undiscounted and discounted; a vertical rule at each payback (the
    interpolated period where the line crosses 0, model reference §5.2). A business-case
    NPV (``npv`` given) has no cash flows and is refused.

    Examples
    --------
    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(
    ...     cx.load_journey("web_phone_faq"),
    ...     ["faq"],
    ...     economics=cx.Economics(journeys_per_period=1e4),
    ...     n_sims=10,
    ...     seed=1,
    ... )
    >>> [layer["mark"]["type"] for layer in cumulative_cash_flow(ev).to_dict()["layer"]]
    ['line', 'rule', 'rule', 'text']
    """
    lang = resolve_lang(lang)
    ev = _evaluation(evaluation)
    r = _initiative(ev, initiative)
    if r.value_source == "npv":
        raise CxkitError(
            f"initiative {r.id!r} takes its NPV from a business case: it has no cash flows to draw"
        )
    frame = cash_flow_frame(ev, r.id)
    undiscounted = _label("roi_cumulative_cash_flow", lang)
    long = pl.concat(
        [
            frame.select("t", pl.col("cumulative").alias("value")).with_columns(
                pl.lit("undiscounted").alias("kind")
            ),
            frame.select("t", pl.col("discounted").alias("value")).with_columns(
                pl.lit("discounted").alias("kind")
            ),
        ]
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("t:Q", title=_label("roi_period", lang), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=f"{undiscounted} ({ev.currency})"),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["undiscounted", "discounted"], range=[LINE, LOW]),
                title=None,
            ),
            tooltip=["t:Q", "kind:N", "value:Q"],
        )
    )
    zero = alt.Chart(pl.DataFrame({"y": [0.0]})).mark_rule(color=MUTED).encode(y="y:Q")
    paybacks = [
        {"t": p, "kind": kind, "text": f"{_label('roi_payback_marker', lang)} {p:.2f}"}
        for p, kind in (
            (r.risk_adjusted.payback, "undiscounted"),
            (r.risk_adjusted.discounted_payback, "discounted"),
        )
        if math.isfinite(p)
    ]
    marks = pl.DataFrame(paybacks, schema={"t": pl.Float64, "kind": pl.Utf8, "text": pl.Utf8})
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color=INK).encode(x="t:Q")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, color=INK)
        .encode(x="t:Q", y=alt.value(10), text="text:N")
    )
    title = f"{_label('roi_cumulative_cash_flow', lang)} — {r.label}"
    chart = alt.layer(lines, zero, rules, text).properties(width=_WIDTH, height=260, title=title)
    return apply_theme(chart)


# --------------------------------------------------------------------------- gantt


def gantt_frame(roadmap: Roadmap, *, lang: str = "en") -> pl.DataFrame:
    """One row per phase of each chosen initiative: ramp-up, then full benefit.

    ``start``/``end`` are period boundaries (a start in period ``q`` begins at
    ``q − 1``); full benefit runs to the end of the planning periods.

    >>> import cxkit as cx
    >>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=100, seed=1)
    >>> gantt_frame(plan).select("id", "phase", "start", "end").rows()[:2]
    [('crm', 'ramp-up', 0, 1), ('crm', 'full benefit', 1, 2)]
    """
    if not isinstance(roadmap, Roadmap):
        raise CxkitError(f"`roadmap` must be a Roadmap, got {type(roadmap).__name__}")
    lang = resolve_lang(lang)
    end = roadmap.n_periods
    rows = []
    for s in roadmap.schedule:
        start = s.start - 1
        ramp_end = min(s.full_benefit - 1, end)
        rows.append(
            {
                "id": s.id,
                "label": s.label,
                "phase": _label("roi_ramp_up", lang),
                "start": start,
                "end": max(ramp_end, start + 1),
                "value": s.value,
            }
        )
        if ramp_end < end:
            rows.append(
                {
                    "id": s.id,
                    "label": s.label,
                    "phase": _label("roi_full_benefit", lang),
                    "start": max(ramp_end, start + 1),
                    "end": end,
                    "value": s.value,
                }
            )
    schema = {
        "id": pl.Utf8,
        "label": pl.Utf8,
        "phase": pl.Utf8,
        "start": pl.Int64,
        "end": pl.Int64,
        "value": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def roadmap_gantt(roadmap: Roadmap, *, lang: str = "en") -> alt.Chart:
    """The roadmap as a Gantt chart: which initiative starts when, ramp-up then full benefit.

    Examples
    --------
    >>> import cxkit as cx
    >>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=100, seed=1)
    >>> roadmap_gantt(plan).to_dict()["mark"]["type"]
    'bar'
    """
    frame = gantt_frame(roadmap, lang=lang)
    ev = roadmap.evaluation
    order = [s.label for s in roadmap.schedule]
    phases = [_label("roi_ramp_up", lang), _label("roi_full_benefit", lang)]
    chart = (
        alt.Chart(frame)
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X(
                "start:Q",
                title=_label("roi_period_axis", lang).format(period=_label(f"w_{ev.period}", lang)),
                scale=alt.Scale(domain=[0, roadmap.n_periods]),
                axis=alt.Axis(tickMinStep=1),
            ),
            x2="end:Q",
            y=alt.Y("label:N", sort=order, title=None),
            color=alt.Color(
                "phase:N", scale=alt.Scale(domain=phases, range=[BAND, LINE]), title=None
            ),
            tooltip=["label:N", "phase:N", "start:Q", "end:Q", "value:Q"],
        )
        .properties(
            width=_WIDTH,
            height=max(60, 28 * max(1, len(order))),
            title=_label("roi_gantt", lang),
        )
    )
    return apply_theme(chart)


# --------------------------------------------------------------------------- tornado


def tornado_frame(evaluation: Evaluation, initiative: str | None = None) -> pl.DataFrame:
    """One row per uncertain input: its low/high and the risk-adjusted NPVs there.

    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(
    ...     cx.load_journey("subscription_support"), ["operator_empowerment"], n_sims=100, seed=1
    ... )
    >>> tornado_frame(ev).columns
    ['name', 'label', 'low', 'high', 'npv_low', 'npv_high', 'swing', 'base']
    """
    ev = _evaluation(evaluation)
    r = _initiative(ev, initiative)
    base = r.risk_adjusted.npv
    rows = [
        {
            "name": s.name,
            "label": s.label,
            "low": s.low,
            "high": s.high,
            "npv_low": s.npv_low,
            "npv_high": s.npv_high,
            "swing": s.swing,
            "base": base,
        }
        for s in r.sensitivity
    ]
    schema = {
        "name": pl.Utf8,
        "label": pl.Utf8,
        "low": pl.Float64,
        "high": pl.Float64,
        "npv_low": pl.Float64,
        "npv_high": pl.Float64,
        "swing": pl.Float64,
        "base": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def tornado(
    evaluation: Evaluation, initiative: str | None = None, *, lang: str = "en"
) -> alt.LayerChart:
    """Tornado of the risk-adjusted NPV: each input at its low and its high, largest swing first.

    Examples
    --------
    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(
    ...     cx.load_journey("subscription_support"), ["operator_empowerment"], n_sims=100, seed=1
    ... )
    >>> [layer["mark"]["type"] for layer in tornado(ev).to_dict()["layer"]]
    ['bar', 'bar', 'rule']
    """
    lang = resolve_lang(lang)
    ev = _evaluation(evaluation)
    r = _initiative(ev, initiative)
    frame = tornado_frame(ev, r.id)
    order = frame["label"].to_list()
    y = alt.Y("label:N", sort=order, title=None)
    x_title = f"{_label('roi_npv_risk', lang)} ({ev.currency})"
    low = alt.Chart(frame).mark_bar(color=LOW).encode(
        x=alt.X("npv_low:Q", title=x_title), x2="base:Q", y=y,
        tooltip=["label:N", "low:Q", "npv_low:Q"],
    )  # fmt: skip
    high = (
        alt.Chart(frame)
        .mark_bar(color=HIGH)
        .encode(x="npv_high:Q", x2="base:Q", y=y, tooltip=["label:N", "high:Q", "npv_high:Q"])
    )
    base = (
        alt.Chart(pl.DataFrame({"base": [r.risk_adjusted.npv]}))
        .mark_rule(color=INK)
        .encode(x="base:Q")
    )
    title = f"{_label('roi_tornado', lang)} — {r.label}"
    chart = alt.layer(low, high, base).properties(
        width=_WIDTH, height=max(60, 26 * max(1, len(order))), title=title
    )
    return apply_theme(chart)


# --------------------------------------------------------------------------- comparison


def comparison_frame(evaluation: Evaluation | Roadmap) -> pl.DataFrame:
    """One row per initiative: risk-adjusted NPV at the mode, P10/P50/P90, P(NPV < 0).

    Sorted by P50, best first; ``selected`` is the roadmap's start period (or null).

    >>> import cxkit as cx
    >>> plan = cx.roi.roadmap(cx.load_journey("roi_example_c"), n_sims=100, seed=1)
    >>> rows = comparison_frame(plan).select("id", "p50", "selected").rows()
    >>> rows[1:]  # Example C4's portfolio
    [('crm', 100.0, 1), ('faq', 70.0, 1), ('chat', 60.0, 2), ('cti', 40.0, None)]
    >>> rows[0][0], rows[0][2]  # the C2/C3 business case costs more than any budget
    ('fcr_case', None)
    """
    starts = evaluation.starts if isinstance(evaluation, Roadmap) else {}
    ev = _evaluation(evaluation)
    rows = [
        {
            "id": r.id,
            "label": r.label,
            "npv": r.risk_adjusted.npv,
            "p10": r.npv_risk_adjusted.p10,
            "p50": r.npv_risk_adjusted.p50,
            "p90": r.npv_risk_adjusted.p90,
            "prob_negative": r.npv_risk_adjusted.prob_negative,
            "selected": starts.get(r.id),
        }
        for r in ev.initiatives
    ]
    schema = {
        "id": pl.Utf8,
        "label": pl.Utf8,
        "npv": pl.Float64,
        "p10": pl.Float64,
        "p50": pl.Float64,
        "p90": pl.Float64,
        "prob_negative": pl.Float64,
        "selected": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).sort("p50", descending=True)


def initiative_comparison(evaluation: Evaluation | Roadmap, *, lang: str = "en") -> alt.LayerChart:
    """Every initiative's risk-adjusted NPV: P10–P90 range, P50 point, mode tick; best first.

    Examples
    --------
    >>> import cxkit as cx
    >>> ev = cx.roi.evaluate(cx.load_journey("roi_example_c"), n_sims=100, seed=1)
    >>> [layer["mark"]["type"] for layer in initiative_comparison(ev).to_dict()["layer"]]
    ['rule', 'point', 'tick', 'rule']
    """
    lang = resolve_lang(lang)
    ev = _evaluation(evaluation)
    frame = comparison_frame(evaluation)
    order = frame["label"].to_list()
    y = alt.Y("label:N", sort=order, title=_label("roi_initiative", lang))
    x_title = f"{_label('roi_npv_risk', lang)} ({ev.currency}) — P10 / P50 / P90"
    tooltip = ["label:N", "p10:Q", "p50:Q", "p90:Q", "npv:Q", "prob_negative:Q", "selected:Q"]
    rng = (
        alt.Chart(frame)
        .mark_rule(color=BAND, strokeWidth=4)
        .encode(x=alt.X("p10:Q", title=x_title), x2="p90:Q", y=y, tooltip=tooltip)
    )
    p50 = (
        alt.Chart(frame)
        .mark_point(filled=True, color=LINE, size=60)
        .encode(x="p50:Q", y=y, tooltip=tooltip)
    )
    mode = alt.Chart(frame).mark_tick(color=INK).encode(x="npv:Q", y=y, tooltip=tooltip)
    zero = alt.Chart(pl.DataFrame({"x": [0.0]})).mark_rule(color=MUTED).encode(x="x:Q")
    chart = alt.layer(rng, p50, mode, zero).properties(
        width=_WIDTH,
        height=max(60, 26 * max(1, len(order))),
        title=_label("roi_comparison", lang),
    )
    return apply_theme(chart)
