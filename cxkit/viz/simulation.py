"""Charts of simulation results, returned as altair charts (never displayed).

* :func:`outcome_shares` — how journeys end, with 95 % intervals for Monte Carlo runs;
* :func:`ces_distribution` — the distribution of simulated effort (CES 1–5);
* :func:`flows` — a Sankey-like flow chart: touchpoints in layers (steps from the
  start), outcomes last, bands as wide as the expected traversals of each hand-off
  (exact engine) or the observed ones (Monte Carlo);
* :func:`what_if` — two scenarios side by side, metric by metric.

Every function takes ``lang=`` (``"en"`` or ``"ja"``) for its labels, which come
from :mod:`cxkit.core.i18n`, and returns a chart themed with
:func:`cxkit.viz.theme.apply_theme`. Aggregation happens in Python: a chart never
embeds one row per simulated customer.

Examples
--------
>>> import cxkit as cx
>>> from cxkit.sim.exact import exact
>>> chart = outcome_shares(exact(cx.load_journey("billing_inquiry")))
>>> type(chart).__name__
'LayerChart'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import polars as pl

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label as _label
from cxkit.core.i18n import resolve_lang
from cxkit.core.journey import Journey
from cxkit.sim.exact import ExactResult, exact
from cxkit.sim.results import Comparison, Estimate, SimulationResult
from cxkit.viz.theme import MUTED, apply_theme, channel_color, outcome_color

__all__ = ["ces_distribution", "flows", "outcome_shares", "what_if", "what_if_changes"]

Result = SimulationResult | ExactResult

_WIDTH = 480


def _check_result(
    value: Any, name: str, allowed: tuple[type, ...] = (SimulationResult, ExactResult)
) -> None:
    if not isinstance(value, allowed):
        names = " or ".join(t.__name__ for t in allowed)
        raise CxkitError(f"`{name}` must be a {names}, got {type(value).__name__}")


def _outcome_meta(result: Result) -> list[tuple[str, str, str]]:
    """``(id, label, kind)`` per outcome."""
    if isinstance(result, ExactResult):
        return [
            (
                o,
                str(result.outcome_info.get(o, {}).get("label", o)),
                str(result.outcome_info.get(o, {}).get("kind", "other")),
            )
            for o in result.outcomes
        ]
    return [
        (o, result.labels.get(o, o), kind)
        for o, kind in zip(result.outcomes, result.outcome_kinds, strict=True)
    ]


def _display(item_id: str, label: str, lang: str) -> str:
    """The journey's own label, or the localised id when the journey gives none."""
    return label if label and label != item_id else _label(item_id, lang)


def _subtitle(result: Result, lang: str) -> str:
    if isinstance(result, ExactResult):
        return f"{result.journey_id} · {_label('sim_exact', lang)}"
    return (
        f"{result.journey_id} · {_label('sim_monte_carlo', lang)}: "
        f"n = {result.n_customers:,}, {_label('sim_seed', lang)} {result.seed}"
    )


def _exact(value: float) -> Estimate:
    """An exact value as an :class:`Estimate` (its interval is the value itself)."""
    v = float(value)
    return Estimate(v, 0.0, v, v, "exact")


def _share(result: Result, outcome: str) -> Estimate:
    """The share of journeys ending in ``outcome``: exact, or Monte Carlo (Wilson)."""
    if isinstance(result, ExactResult):
        return _exact(result.absorption[outcome])
    return result.summary()["outcome_shares"][outcome]


def _title(key: str, result: Result, lang: str) -> alt.TitleParams:
    return alt.TitleParams(text=_label(key, lang), subtitle=_subtitle(result, lang), anchor="start")


# ----------------------------------------------------------------------------- outcomes


def outcome_shares_frame(result: Result, *, lang: str = "en") -> pl.DataFrame:
    """The data of :func:`outcome_shares`: one row per outcome.

    Columns ``outcome``, ``label``, ``kind``, ``share``, ``ci_low``, ``ci_high``,
    ``color`` (exact results have ``ci_low = ci_high = share``).

    Examples
    --------
    >>> import cxkit as cx
    >>> f = outcome_shares_frame(exact(cx.load_journey("billing_inquiry")), lang="ja")
    >>> f.select("label", "share").row(0)
    ('Charge explained and corrected', 0.7825)
    """
    resolve_lang(lang)
    _check_result(result, "result")
    rows = []
    for oid, lab, kind in _outcome_meta(result):
        est = _share(result, oid)
        rows.append(
            {
                "outcome": oid,
                "label": _display(oid, lab, lang),
                "kind": _label(kind, lang),
                "share": est.estimate,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
                "color": outcome_color(kind),
            }
        )
    return pl.DataFrame(rows)


def outcome_shares(result: Result, *, lang: str = "en") -> alt.LayerChart:
    """A bar per outcome: the share of journeys ending there (with a 95 % interval).

    Parameters
    ----------
    result
        A :class:`~cxkit.sim.results.SimulationResult` (Wilson intervals are drawn)
        or an :class:`~cxkit.sim.exact.ExactResult` (exact shares).
    lang
        Language of the labels.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.sim.montecarlo import simulate
    >>> spec = outcome_shares(simulate(cx.load_journey("billing_inquiry"), 2000, seed=1)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['bar', 'rule', 'text']
    """
    frame = outcome_shares_frame(result, lang=lang)
    share_title = _label("sim_share", lang)
    order = frame["label"].to_list()
    y = alt.Y("label:N", sort=order, title=_label("outcomes", lang))
    tooltip = [
        alt.Tooltip("label:N", title=_label("viz_outcome", lang)),
        alt.Tooltip("kind:N", title=_label("viz_kind", lang)),
        alt.Tooltip("share:Q", title=share_title, format=".2%"),
        alt.Tooltip("ci_low:Q", title=_label("sim_ci_low", lang), format=".2%"),
        alt.Tooltip("ci_high:Q", title=_label("sim_ci_high", lang), format=".2%"),
    ]
    base = alt.Chart(frame)
    bars = base.mark_bar().encode(
        x=alt.X(
            "share:Q", title=share_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
        ),
        y=y,
        color=alt.Color("color:N", scale=None),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="#2B2B2B", strokeWidth=1.5).encode(
        x="ci_low:Q", x2="ci_high:Q", y=y
    )
    text = base.mark_text(align="left", dx=6).encode(
        x="ci_high:Q", y=y, text=alt.Text("share:Q", format=".1%")
    )
    chart = alt.layer(bars, whiskers, text).properties(
        width=_WIDTH, title=_title("sim_outcome_shares", result, lang)
    )
    return apply_theme(chart)


# ----------------------------------------------------------------------------- CES


def ces_distribution(
    result: SimulationResult, *, lang: str = "en", bin_width: float = 0.5
) -> alt.LayerChart:
    """Histogram of simulated journey effort (CES 1–5) with a rule at the mean.

    Parameters
    ----------
    result
        A Monte Carlo :class:`~cxkit.sim.results.SimulationResult`.
    lang
        Language of the labels.
    bin_width
        Width of the bars in CES points; 4 must be a whole multiple of it.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.sim.montecarlo import simulate
    >>> r = simulate(cx.load_journey("billing_inquiry"), 1000, seed=1)
    >>> spec = ces_distribution(r).to_dict()
    >>> sum(row["share"] for row in spec["datasets"][spec["layer"][0]["data"]["name"]])
    1.0
    """
    resolve_lang(lang)
    _check_result(result, "result", (SimulationResult,))
    if not (
        isinstance(bin_width, (int, float))
        and bin_width > 0
        and math.isclose(4 / bin_width, round(4 / bin_width))
    ):
        raise CxkitError(
            "`bin_width` must be a positive number dividing 4 (e.g. 0.25, 0.5, 1), "
            f"got {bin_width!r}"
        )
    k = round(4 / bin_width)
    edges = np.linspace(1.0, 5.0, k + 1)
    counts, _ = np.histogram(result.data["ces5"], bins=edges)
    n = result.n_customers
    frame = pl.DataFrame(
        {
            "bin_start": edges[:-1],
            "bin_end": edges[1:],
            "count": counts.astype(np.int64),
            "share": counts / n,
        }
    )
    mean = result.summary()["ces5"]
    ces_title = _label("effort", lang)
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#0072B2", binSpacing=1)
        .encode(
            x=alt.X(
                "bin_start:Q",
                title=ces_title,
                scale=alt.Scale(domain=[1, 5]),
                axis=alt.Axis(values=list(range(1, 6))),
            ),
            x2="bin_end:Q",
            y=alt.Y("share:Q", title=_label("sim_share", lang), axis=alt.Axis(format="%")),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("bin_start:Q", title="CES ≥"),
                alt.Tooltip("bin_end:Q", title="CES <"),
                alt.Tooltip("count:Q", title=_label("sim_customers", lang), format=","),
                alt.Tooltip("share:Q", title=_label("sim_share", lang), format=".1%"),
            ],
        )
    )
    mean_frame = pl.DataFrame(
        {
            "mean": [mean.estimate],
            "ci_low": [mean.ci_low],
            "ci_high": [mean.ci_high],
            "text": [f"{_label('sim_mean', lang)} {mean.estimate:.2f}"],
        }
    )
    rule = alt.Chart(mean_frame).mark_rule(color="#D55E00", strokeWidth=2).encode(x="mean:Q")
    text = (
        alt.Chart(mean_frame)
        .mark_text(align="left", dx=4, dy=-4, baseline="bottom", color="#D55E00")
        .encode(x="mean:Q", y=alt.value(0), text="text:N")
    )
    chart = alt.layer(bars, rule, text).properties(
        width=_WIDTH, height=220, title=_title("sim_ces_distribution", result, lang)
    )
    return apply_theme(chart)


# ----------------------------------------------------------------------------- flows

_FLOW_POINTS = 12  # points along each band


def _flow_inputs(
    source: Journey | ExactResult | SimulationResult,
) -> tuple[
    Result, dict[str, float], dict[tuple[str, str], float], dict[tuple[str, str], dict[str, float]]
]:
    """Node throughputs and edge traversals from an exact or Monte Carlo result."""
    if isinstance(source, Journey):
        source = exact(source)
    if isinstance(source, ExactResult):
        through = {t: float(v) for t, v in source.expected_visits.items()}
        through.update({o: float(p) for o, p in source.absorption.items()})
        trav: dict[tuple[str, str], float] = {}
        extra: dict[tuple[str, str], dict[str, float]] = {}
        for e in source.edges:
            key = (e.source, e.target)
            trav[key] = trav.get(key, 0.0) + e.traversals
            extra[key] = {"probability": e.probability, "context_losses": e.context_losses}
        return source, through, trav, extra
    if isinstance(source, SimulationResult):
        visits = np.bincount(source._events[1], minlength=len(source.touchpoints))
        through = {
            t: float(v) / source.n_customers
            for t, v in zip(source.touchpoints, visits, strict=True)
        }
        counts = source.outcome_counts()
        through.update({o: c / source.n_customers for o, c in counts.items()})
        trav = source.edge_traversals()
        extra = {
            k: {
                "probability": v / through[k[0]] if through[k[0]] else math.nan,
                "context_losses": math.nan,
            }
            for k, v in trav.items()
        }
        return source, through, trav, extra
    raise CxkitError(
        "`source` must be a Journey, an ExactResult or a SimulationResult, "
        f"got {type(source).__name__}"
    )


def _layers(
    touchpoints: Sequence[str],
    outcomes: Sequence[str],
    start: Sequence[str],
    trav: dict[tuple[str, str], float],
) -> dict[str, int]:
    """Breadth-first depth of each touchpoint from the start; outcomes in the last layer."""
    succ: dict[str, list[str]] = {t: [] for t in touchpoints}
    for (s, t), w in trav.items():
        if w > 0 and t in succ:
            succ[s].append(t)
    depth = {t: 0 for t in start}
    frontier = list(start)
    while frontier:
        nxt = []
        for s in frontier:
            for t in succ.get(s, []):
                if t not in depth:
                    depth[t] = depth[s] + 1
                    nxt.append(t)
        frontier = nxt
    last = max(depth.values(), default=0) + 1
    for o in outcomes:
        depth[o] = last
    return depth


def _smooth(t: np.ndarray) -> np.ndarray:
    return t * t * (3 - 2 * t)


def flows_frames(
    source: Journey | ExactResult | SimulationResult, *, lang: str = "en"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The data of :func:`flows`: ``(nodes, bands)``.

    ``nodes`` has one row per touchpoint visited and per outcome reached:
    ``node``, ``label``, ``layer``, ``throughput`` (expected visits, or the share
    ending there), ``x``, ``y0``, ``y1``, ``color``. ``bands`` has
    ``_FLOW_POINTS`` rows per edge with traffic: ``edge``, ``source``,
    ``target``, ``traversals``, ``probability``, ``context_losses``, ``t``, ``x``,
    ``y0``, ``y1`` (the band's edges, ``traversals`` × the node scale apart), ``back``
    (a loop or a hand-off to an earlier layer), ``color``.

    Examples
    --------
    >>> import cxkit as cx
    >>> nodes, bands = flows_frames(cx.load_journey("billing_inquiry"))
    >>> nodes.select("node", "layer").rows()[:3]
    [('web_faq', 0), ('phone_queue', 1), ('agent', 2)]
    """
    resolve_lang(lang)
    result, through, trav, extra = _flow_inputs(source)
    if isinstance(result, ExactResult):
        tps = list(result.touchpoints)
        start = [t for t, p in result.start.items() if p > 0]
        info = result.touchpoint_info
        channels = {t: str(info.get(t, {}).get("channel", "web")) for t in tps}
        tp_labels = {t: str(info.get(t, {}).get("label", t)) for t in tps}
    else:
        tps = list(result.touchpoints)
        start = [t for t, p in result.settings.get("start", {}).items() if p > 0]
        channels = {t: result.channels.get(t, "web") for t in tps}
        tp_labels = {t: result.labels.get(t, t) for t in tps}
    meta = {oid: (lab, kind) for oid, lab, kind in _outcome_meta(result)}
    outs = [o for o in meta if through.get(o, 0.0) > 0]
    tps = [t for t in tps if through.get(t, 0.0) > 0]
    depth = _layers(tps, outs, start, trav)
    tps = [t for t in tps if t in depth]
    n_layers = max(depth.values(), default=0) + 1
    gap = 0.08
    totals = [sum(through[v] for v in (*tps, *outs) if depth[v] == k) for k in range(n_layers)]
    counts = [sum(1 for v in (*tps, *outs) if depth[v] == k) for k in range(n_layers)]
    unit = 1.0 / max((tot + gap * max(c - 1, 0)) for tot, c in zip(totals, counts, strict=True))
    node_w = 0.12
    pos: dict[str, tuple[float, float, float]] = {}
    rows = []
    for k in range(n_layers):
        members = [v for v in (*tps, *outs) if depth[v] == k]
        height = sum(through[v] for v in members) * unit + gap * max(len(members) - 1, 0)
        y = (1.0 - height) / 2
        for v in members:
            h = through[v] * unit
            pos[v] = (float(k), y, y + h)
            is_tp = v in channels
            rows.append(
                {
                    "node": v,
                    "label": _display(v, tp_labels.get(v) or meta.get(v, (v, ""))[0], lang),
                    "kind": _label(channels[v], lang) if is_tp else _label(meta[v][1], lang),
                    "layer": k,
                    "throughput": through[v],
                    "x": float(k) - node_w / 2,
                    "x2": float(k) + node_w / 2,
                    "y0": y,
                    "y1": y + h,
                    "color": channel_color(channels[v]) if is_tp else outcome_color(meta[v][1]),
                }
            )
            y += h + gap
    nodes = pl.DataFrame(rows)
    # bands: stacked at both ends (Sankey ports), ordered by the other end's position
    edges = [(s, t, w) for (s, t), w in trav.items() if w > 0 and s in pos and t in pos]
    out_cursor = {v: pos[v][1] for v in pos}
    in_cursor = {v: pos[v][1] for v in pos}
    band_rows = []
    ts = np.linspace(0.0, 1.0, _FLOW_POINTS)
    edges.sort(key=lambda e: (pos[e[0]][0], pos[e[0]][1], pos[e[1]][0], pos[e[1]][1]))
    for s, t, w in edges:
        h = w * unit
        ys = out_cursor[s] + h / 2
        out_cursor[s] += h
        yt = in_cursor[t] + h / 2
        in_cursor[t] += h
        xs, xt = pos[s][0] + node_w / 2, pos[t][0] - node_w / 2
        back = not pos[t][0] > pos[s][0]
        if not back:
            xx = xs + (xt - xs) * ts
            yy = ys + (yt - ys) * _smooth(ts)
        else:  # a loop or a hand-off back to an earlier step: an arc above
            lift = 0.12 + 0.05 * (pos[s][0] - pos[t][0])
            xx = xs + (xt - xs) * ts + (0.35 + 0.1 * (pos[s][0] - pos[t][0])) * np.sin(np.pi * ts)
            yy = ys + (yt - ys) * ts - lift * np.sin(np.pi * ts)
        color = channel_color(channels[s]) if t in channels else outcome_color(meta[t][1])
        ex = extra.get((s, t), {})
        for ti, xi, yi in zip(ts, xx, yy, strict=True):
            band_rows.append(
                {
                    "edge": f"{s}->{t}",
                    "source": _display(s, tp_labels.get(s, s), lang),
                    "target": _display(t, tp_labels.get(t) or meta.get(t, (t, ""))[0], lang),
                    "traversals": w,
                    "probability": ex.get("probability", math.nan),
                    "context_losses": ex.get("context_losses", math.nan),
                    "t": float(ti),
                    "x": float(xi),
                    "y0": float(yi - h / 2),
                    "y1": float(yi + h / 2),
                    "back": back,
                    "color": color,
                }
            )
    bands = pl.DataFrame(
        band_rows,
        schema={
            "edge": pl.String,
            "source": pl.String,
            "target": pl.String,
            "traversals": pl.Float64,
            "probability": pl.Float64,
            "context_losses": pl.Float64,
            "t": pl.Float64,
            "x": pl.Float64,
            "y0": pl.Float64,
            "y1": pl.Float64,
            "back": pl.Boolean,
            "color": pl.String,
        },
    )
    return nodes.with_columns(pl.lit(unit).alias("unit")), bands


def flows(
    source: Journey | ExactResult | SimulationResult,
    *,
    lang: str = "en",
    width: int = 640,
    height: int = 320,
) -> alt.LayerChart:
    """A Sankey-like chart of where customers go, step by step.

    Touchpoints are placed in layers by their number of steps from the start
    (breadth first); outcomes form the last layer. A node is as tall as its
    throughput (expected visits per journey, or the share of journeys ending
    there) and a band as wide as the expected traversals of its hand-off — exact
    values from :func:`cxkit.sim.exact.exact` for a journey or an exact result,
    observed means for a Monte Carlo result. Loops and hand-offs back to an earlier
    step arc above. Bands take the source's channel colour, or the outcome's colour.

    Parameters
    ----------
    source
        A :class:`~cxkit.core.journey.Journey` (solved exactly),
        an :class:`~cxkit.sim.exact.ExactResult` or a
        :class:`~cxkit.sim.results.SimulationResult`.
    lang
        Language of the labels.
    width, height
        Plot size in pixels.

    Examples
    --------
    >>> import cxkit as cx
    >>> spec = flows(cx.load_journey("billing_inquiry")).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['area', 'trail', 'rect', 'text']
    """
    if isinstance(source, Journey):
        source = exact(source)
    nodes, bands = flows_frames(source, lang=lang)
    if not isinstance(width, int) or isinstance(width, bool) or width < 100:
        raise CxkitError(f"`width` must be a whole number of pixels ≥ 100, got {width!r}")
    if not isinstance(height, int) or isinstance(height, bool) or height < 100:
        raise CxkitError(f"`height` must be a whole number of pixels ≥ 100, got {height!r}")
    n_layers = int(nodes["layer"].max()) + 1 if nodes.height else 1
    x_scale = alt.Scale(domain=[-0.4, n_layers - 1 + 0.9])
    y_scale = alt.Scale(domain=[-0.25, 1.02], reverse=True)
    band_tooltip = [
        alt.Tooltip("source:N", title=_label("viz_from", lang)),
        alt.Tooltip("target:N", title=_label("viz_to", lang)),
        alt.Tooltip("traversals:Q", title=_label("sim_traversals", lang), format=".3f"),
        alt.Tooltip("probability:Q", title=_label("viz_probability", lang), format=".2f"),
        alt.Tooltip("context_losses:Q", title=_label("sim_context_losses", lang), format=".3f"),
    ]
    # forward bands: areas between the band's edges (x grows along the band)
    forward = (
        alt.Chart(bands.filter(~pl.col("back")))
        .mark_area(opacity=0.45, interpolate="linear")
        .encode(
            x=alt.X("x:Q", axis=None, scale=x_scale),
            y=alt.Y("y0:Q", axis=None, scale=y_scale),
            y2="y1:Q",
            detail="edge:N",
            color=alt.Color("color:N", scale=None),
            tooltip=band_tooltip,
        )
    )
    # loops and hand-offs back to an earlier step: trails (path order), as wide in
    # pixels as the band is tall in data units
    span = y_scale.domain[1] - y_scale.domain[0]  # type: ignore[index]
    backward = (
        alt.Chart(bands.filter(pl.col("back")))
        .transform_calculate(
            px=f"(datum.y1 - datum.y0) * {height / span!r}", y="(datum.y0 + datum.y1) / 2"
        )
        .mark_trail(opacity=0.45)
        .encode(
            x=alt.X("x:Q", axis=None, scale=x_scale),
            y=alt.Y("y:Q", axis=None, scale=y_scale),
            detail="edge:N",
            order="t:Q",
            size=alt.Size("px:Q", scale=None),
            color=alt.Color("color:N", scale=None),
            tooltip=band_tooltip,
        )
    )
    node = (
        alt.Chart(nodes)
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            x2="x2:Q",
            y=alt.Y("y0:Q", scale=y_scale),
            y2="y1:Q",
            color=alt.Color("color:N", scale=None),
            tooltip=[
                alt.Tooltip("label:N", title=_label("touchpoint", lang)),
                alt.Tooltip("kind:N", title=_label("viz_kind", lang)),
                alt.Tooltip("throughput:Q", title=_label("sim_visits", lang), format=".3f"),
                alt.Tooltip("layer:Q", title=_label("sim_layer", lang)),
            ],
        )
    )
    text = (
        alt.Chart(nodes)
        .transform_calculate(
            ymid="(datum.y0 + datum.y1) / 2",
            caption="datum.label + ' (' + format(datum.throughput, '.2f') + ')'",
        )
        .mark_text(align="left", dx=4, baseline="middle", color="#2B2B2B")
        .encode(x=alt.X("x2:Q", scale=x_scale), y=alt.Y("ymid:Q", scale=y_scale), text="caption:N")
    )
    chart = alt.layer(forward, backward, node, text).properties(
        width=width, height=height, title=_title("sim_flows", source, lang)
    )
    return apply_theme(chart)


# ----------------------------------------------------------------------------- what-if

#: metric → (i18n key, ExactResult attribute or None, Monte Carlo summary key or None)
WHAT_IF_METRICS: dict[str, tuple[str, str | None, str | None]] = {
    "contacts": ("sim_contacts", "expected_contacts", "contacts"),
    "channel_switches": ("switches", "expected_switches", "channel_switches"),
    "context_losses": ("sim_context_losses", "expected_context_losses", "context_losses"),
    "repeat_contacts": ("repeat_contacts", "expected_repeat_contacts", "repeat_contacts"),
    "cost": ("sim_cost", "expected_cost", "cost"),
    "handle_time_s": ("sim_handle_time", "expected_handle_time_s", "handle_time_s"),
    "ces5": ("ces", None, "ces5"),
    "fcr": ("sim_fcr", None, "fcr"),
    "j": ("remembered", None, "j"),
}


def _metric(result: Result, name: str) -> Estimate | None:
    _, attr, key = WHAT_IF_METRICS[name]
    if isinstance(result, ExactResult):
        return None if attr is None else _exact(getattr(result, attr))
    est = result.summary()[key] if key else None
    # a metric that does not apply (FCR without a resolved outcome) is left out, not 0
    return None if est is None or est.method == "not_applicable" else est


def what_if_frame(
    result_a: Result,
    result_b: Result,
    labels: tuple[str, str] = ("baseline", "scenario"),
    *,
    lang: str = "en",
    metrics: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The data of :func:`what_if`: one row per metric and scenario.

    Columns ``metric`` (id), ``metric_label``, ``scenario``, ``value``, ``ci_low``,
    ``ci_high``, ``order``. Metrics one of the two results cannot give (CES from an
    exact result…) or that do not apply (first-contact resolution on a journey with
    no outcome of kind ``resolved``) are left out; outcome shares follow the listed
    metrics.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> crm = j.with_handoff("web_faq", "phone_queue", context_carryover=1.0)
    >>> f = what_if_frame(exact(j), exact(crm))
    >>> f.filter(f["metric"] == "context_losses").select("scenario", "value").rows()
    [('baseline', 0.5), ('scenario', 0.0)]
    """
    resolve_lang(lang)
    _check_result(result_a, "result_a")
    _check_result(result_b, "result_b")
    if len(labels) != 2 or str(labels[0]) == str(labels[1]):
        raise CxkitError(f"`labels` must be two different names, got {labels!r}")
    names = list(WHAT_IF_METRICS) if metrics is None else list(metrics)
    for m in names:
        if m not in WHAT_IF_METRICS:
            from cxkit.core.suggest import unknown_message

            raise CxkitError("`metrics`: " + unknown_message("metric", m, WHAT_IF_METRICS))
    shown = [_label(f"sim_{x}", lang) if x in ("baseline", "scenario") else x for x in labels]
    rows = []
    order = 0
    for m in names:
        ea, eb = _metric(result_a, m), _metric(result_b, m)
        if ea is None or eb is None:
            continue
        for scen, est in zip(shown, (ea, eb), strict=True):
            rows.append(
                {
                    "metric": m,
                    "metric_label": _label(WHAT_IF_METRICS[m][0], lang),
                    "scenario": scen,
                    "value": est.estimate,
                    "ci_low": est.ci_low,
                    "ci_high": est.ci_high,
                    "order": order,
                }
            )
        order += 1
    if metrics is None:
        meta_a = {o: (lab, kind) for o, lab, kind in _outcome_meta(result_a)}
        meta_b = {o: (lab, kind) for o, lab, kind in _outcome_meta(result_b)}
        for o in meta_a:
            if o not in meta_b:
                continue
            share = _label("sim_share", lang)
            for scen, res in zip(shown, (result_a, result_b), strict=True):
                est = _share(res, o)
                rows.append(
                    {
                        "metric": f"share:{o}",
                        "metric_label": f"{share}: {_display(o, meta_a[o][0], lang)}",
                        "scenario": scen,
                        "value": est.estimate,
                        "ci_low": est.ci_low,
                        "ci_high": est.ci_high,
                        "order": order,
                    }
                )
            order += 1
    return pl.DataFrame(
        rows,
        schema={
            "metric": pl.String,
            "metric_label": pl.String,
            "scenario": pl.String,
            "value": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "order": pl.Int64,
        },
    )


def _num(value: float) -> str:
    """A value for the what-if labels: 4 significant digits, no exponent below 1e6.

    Examples
    --------
    >>> _num(1.8204), _num(0.00862), _num(1234.5), _num(0.0)
    ('1.82', '0.00862', '1,234', '0')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def what_if_changes(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per metric of a :func:`what_if_frame`: the scenario's change from the
    baseline, relative (``rel``, ``rel_low``, ``rel_high``: fractions of the baseline
    value, null when the baseline is 0) and as text (``text``: ``"a → b (±d, ±p %)"``).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> crm = j.with_handoff("web_faq", "phone_queue", context_carryover=1.0)
    >>> c = what_if_changes(what_if_frame(exact(j), exact(crm)))
    >>> c.filter(c["metric"] == "context_losses").select("rel", "text").row(0)
    (-1.0, '0.5 → 0 (−0.5, −100 %)')
    """
    rows = []
    for (metric,), part in frame.group_by("metric", maintain_order=True):
        base, scen = part.row(0, named=True), part.row(len(part) - 1, named=True)
        a, b = base["value"], scen["value"]
        d = b - a
        rel = d / abs(a) if a != 0 else None

        def relative(x: float | None, a: float = a) -> float | None:
            return None if x is None or a == 0 else (x - a) / abs(a)

        sign = "+" if d > 0 else "−" if d < 0 else "±"
        change = f"{sign}{_num(abs(d))}"
        if rel is not None:
            change += f", {sign}{_num(abs(rel) * 100)} %"
        rows.append(
            {
                "metric": metric,
                "metric_label": base["metric_label"],
                "order": base["order"],
                "rel": rel,
                "rel_low": relative(scen["ci_low"]),
                "rel_high": relative(scen["ci_high"]),
                "text": f"{_num(a)} → {_num(b)} ({change})",
                "direction": "up" if d > 0 else "down" if d < 0 else "same",
            }
        )
    schema = {
        "metric": pl.String,
        "metric_label": pl.String,
        "order": pl.Int64,
        "rel": pl.Float64,
        "rel_low": pl.Float64,
        "rel_high": pl.Float64,
        "text": pl.String,
        "direction": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


#: The smallest half-width of the what-if axis (a fraction of the baseline): changes of
#: a few tenths of a percent stay small, as they are.
WHAT_IF_MIN_SPAN = 0.05


def what_if(
    result_a: Result | Comparison,
    result_b: Result | None = None,
    labels: tuple[str, str] = ("baseline", "scenario"),
    *,
    lang: str = "en",
    metrics: Sequence[str] | None = None,
) -> alt.HConcatChart:
    """Two scenarios metric by metric, as the scenario's change from the baseline.

    Every metric is a row on one shared axis: the change in percent of the baseline
    value (a bar from 0, and the scenario's 95 % CI as a rule when it has one), so
    that a change of 0.001 on 1.8 looks as small as it is. The axis spans at least
    ±5 % (:data:`WHAT_IF_MIN_SPAN`) and has "nice" ticks. Beside it, each row says
    ``baseline → scenario (difference, percent)`` in the metric's own unit. A
    metric whose baseline is 0 has no percent: its text says so and it has no bar.

    Parameters
    ----------
    result_a, result_b
        Baseline and scenario results (exact or Monte Carlo; they may differ in
        kind). A :class:`~cxkit.sim.results.Comparison` may be passed alone as
        ``result_a``: its two results and labels are used.
    labels
        Scenario names; ``"baseline"`` and ``"scenario"`` are translated.
    lang
        Language of the labels.
    metrics
        Metric ids to show (see :data:`WHAT_IF_METRICS`); default: all that both
        results have, then the outcome shares.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> crm = j.with_handoff("web_faq", "phone_queue", context_carryover=1.0)
    >>> spec = what_if(exact(j), exact(crm), lang="ja").to_dict()
    >>> spec["hconcat"][0]["layer"][1]["encoding"]["x"]["axis"]["format"]
    '+.0%'
    """
    if isinstance(result_a, Comparison):
        if result_b is not None:
            raise CxkitError("pass either a Comparison alone or two results, not both")
        result_a, result_b, labels = result_a.a, result_a.b, result_a.labels
    if result_b is None:
        raise CxkitError("`result_b` is required (or pass a Comparison as `result_a`)")
    frame = what_if_frame(result_a, result_b, labels, lang=lang, metrics=metrics)
    scen_order = frame["scenario"].unique(maintain_order=True).to_list()
    changes = what_if_changes(frame)
    return apply_theme(_what_if_chart(changes, scen_order, lang))


def _what_if_chart(changes: pl.DataFrame, scen_order: list[str], lang: str) -> alt.HConcatChart:
    """The layered change panel and the text column of :func:`what_if`."""
    y = alt.Y(
        "metric_label:N",
        title=None,
        sort=alt.SortField("order"),
        axis=alt.Axis(labelLimit=280, ticks=False, domain=False),
    )
    x_title = _label("sim_change_vs_baseline", lang)
    x = alt.X(
        "rel:Q",
        title=x_title,
        axis=alt.Axis(
            format="+.0%",
            labelExpr="datum.value == 0 ? '0%' : datum.label",
            tickCount=8,
            labelOverlap="greedy",
            grid=True,
        ),
        scale=alt.Scale(nice=True, zero=True),
    )
    color = alt.Color(
        "direction:N",
        legend=None,
        scale=alt.Scale(domain=["up", "down", "same"], range=["#0072B2", "#D55E00", MUTED]),
    )
    tooltip = [
        alt.Tooltip("metric_label:N", title=_label("sim_metric", lang)),
        alt.Tooltip("text:N", title=_label("sim_difference", lang)),
        alt.Tooltip("rel:Q", title=x_title, format="+.2%"),
    ]
    height = alt.Step(26)
    bars = alt.Chart().mark_bar(height=14).encode(x=x, x2=alt.datum(0), y=y, color=color)
    bars = bars.encode(tooltip=tooltip)
    ci = (
        alt.Chart()
        .mark_rule(strokeWidth=1.5, color="#1b1b1b")
        .encode(x="rel_low:Q", x2="rel_high:Q", y=y)
    )
    span = pl.DataFrame({"rel": [-WHAT_IF_MIN_SPAN, WHAT_IF_MIN_SPAN]})
    reach = alt.Chart(span).mark_point(opacity=0).encode(x="rel:Q")
    zero = alt.Chart(pl.DataFrame({"rel": [0.0]})).mark_rule(color="#1b1b1b").encode(x="rel:Q")
    panel = alt.layer(reach, bars, ci, zero, data=changes).properties(
        width=_WIDTH - 200, height=height
    )
    text = (
        alt.Chart(changes)
        .mark_text(align="left", baseline="middle", fontSize=11)
        .encode(
            y=alt.Y("metric_label:N", sort=alt.SortField("order"), axis=None),
            x=alt.value(0),
            text="text:N",
            color=alt.value("#1b1b1b"),
        )
        .properties(width=200, height=height)
    )
    subtitle = f"{scen_order[0]} → {scen_order[-1]}" if scen_order else ""
    return alt.hconcat(panel, text, spacing=12).properties(
        title=alt.TitleParams(text=_label("sim_what_if", lang), subtitle=subtitle, anchor="start")
    )
