"""Journeys compared on one map: as-is vs to-be, and several personas.

:func:`compare_journeys` overlays two journeys' emotion curves on one step axis
(steps matched by id, else by stage, touchpoint and order; see
:func:`cxkit.viz._diff.align`), under the stage bands, and marks what differs: steps
added or removed, and the changes of a matched step (experience, expectation,
emotion class, effort, wait) as short delta labels; a small table puts the two
journeys' key figures side by side (CES, remembered experience, emotion class, from
:meth:`cxkit.Journey.evaluate`). :func:`journey_diff` is the data behind it.

:func:`persona_map` draws several personas' versions of a journey on one map: one
emotion curve per persona, the stages shared, the differing steps marked.

Valences beyond the axis (a long wait can reach −20) are drawn on its edge as a
triangle with their value written beside them.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("billing_inquiry")
>>> chart = compare_journeys(j, j.with_step(1, experience=5.0), lang="ja")
>>> type(chart).__name__
'VConcatChart'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl

from cxkit.core.i18n import label, resolve_lang
from cxkit.core.journey import Journey
from cxkit.viz._diff import (
    MAX_JOURNEYS,
    check_journey,
    check_journeys,
    compare_kpis,
    journey_diff,
    persona_frame,
    persona_names,
    signed,
)
from cxkit.viz.journey import wrap_text
from cxkit.viz.theme import (
    EMOTION_COLORS,
    EMOTION_TEXT_COLORS,
    INK,
    MUTED,
    OPPORTUNITY_COLOR,
    apply_theme,
    emotion_scale,
)

__all__ = [
    "AXIS_LIMIT",
    "PERSONA_COLORS",
    "compare_journeys",
    "compare_kpis",
    "journey_diff",
    "persona_frame",
    "persona_map",
]

#: The valence axis of a comparison reaches at most this far from zero; values beyond
#: are drawn on the edge and marked.
AXIS_LIMIT = 12.0

#: Line colours of the personas of :func:`persona_map` (Paul Tol "muted": distinct from
#: the emotion colours, colour-blind safe).
PERSONA_COLORS: tuple[str, ...] = (
    "#332288",
    "#44AA99",
    "#AA4499",
    "#117733",
    "#88CCEE",
    "#999933",
    "#CC6677",
    "#882255",
)
assert len(PERSONA_COLORS) >= MAX_JOURNEYS

_STEP_PX = 116
_MIN_WIDTH = 480
_FONT = 11
_LINE = 14
_STAGE_FILL = "#3A4B5C"
_STATUS_COLORS = {
    "added": OPPORTUNITY_COLOR,
    "removed": EMOTION_COLORS["dissatisfied"],
    "changed": "#5B4B9A",  # not an emotion colour: a change is neither good nor bad
}
_STATUS_TEXT = {"added": "#00795A", "removed": EMOTION_TEXT_COLORS["dissatisfied"]}
_DIFFERS_FILL = "#FFF4CC"


# -- shared panels -------------------------------------------------------------------
def _x_scale(n: int) -> alt.Scale:
    return alt.Scale(domain=[-0.5, n - 0.5], nice=False, zero=False)


def _x(n: int, field: str = "pos") -> alt.X:
    return alt.X(f"{field}:Q", scale=_x_scale(n), axis=None)


def _unit_y(field: str = "row") -> alt.Y:
    return alt.Y(f"{field}:Q", scale=alt.Scale(domain=[0, 1], nice=False), axis=None)


def _stage_panel(columns: pl.DataFrame, n: int, step_px: float) -> alt.LayerChart:
    """The stage bands: one dark box per run of columns on the same stage."""
    runs = (
        columns.with_columns(
            (pl.col("stage_id") != pl.col("stage_id").shift())
            .fill_null(True)
            .cum_sum()
            .alias("run")
        )
        .group_by("run", maintain_order=True)
        .agg(
            pl.col("stage").first(), pl.col("pos").min().alias("a"), pl.col("pos").max().alias("b")
        )
        .with_columns(
            (pl.col("a") - 0.5).alias("x0"),
            (pl.col("b") + 0.5).alias("x1"),
            ((pl.col("a") + pl.col("b")) / 2).alias("pos"),
            pl.lit(0.06).alias("y0"),
            pl.lit(0.94).alias("y1"),
            pl.lit(0.5).alias("row"),
        )
    )
    texts = [
        wrap_text(s, (b - a + 1) * step_px - 12, 12, 2)
        for s, a, b in zip(runs["stage"], runs["a"], runs["b"], strict=True)
    ]
    runs = runs.with_columns(pl.Series("stage_text", texts))
    x = _x(n)
    base = alt.Chart(runs)
    two_lines = any("\n" in t for t in texts)
    return alt.layer(
        base.mark_rect(color=_STAGE_FILL, cornerRadius=4, xOffset=2, x2Offset=-2).encode(
            x=_x(n, "x0"),
            x2="x1:Q",
            y=_unit_y("y0"),
            y2="y1:Q",
            tooltip=[alt.Tooltip("stage:N", title=None)],
        ),
        base.mark_text(color="white", fontWeight=600, fontSize=12, lineBreak="\n").encode(
            x=x, y=_unit_y(), text="stage_text:N"
        ),
    ).properties(width=n * step_px, height=46 if two_lines else 32)


def _text_panel(
    df: pl.DataFrame, n: int, step_px: float, column: str, tips: Sequence[str], **mark: Any
) -> alt.Chart:
    """One wrapped text per column (``df[column]``, already wrapped), top-aligned; the
    ``tips`` columns (the full texts) are its tooltip."""
    lines = max([1, *(t.count("\n") + 1 for t in df[column] if t)])
    data = df.with_columns(pl.lit(1.0).alias("top"))
    return (
        alt.Chart(data)
        .mark_text(baseline="top", lineBreak="\n", fontSize=_FONT, lineHeight=_LINE, dy=4, **mark)
        .encode(
            x=_x(n),
            y=_unit_y("top"),
            text=f"{column}:N",
            tooltip=[alt.Tooltip(f"{tip}:N", title=None) for tip in tips],
        )
        .properties(width=n * step_px, height=lines * _LINE + 10)
    )


def _pills(df: pl.DataFrame, n: int, step_px: float) -> alt.LayerChart:
    """A coloured pill with a short text (``pill`` column) over marked columns."""
    marked = df.filter(pl.col("pill") != "").with_columns(
        (pl.col("pos") - 0.42).alias("x0"),
        (pl.col("pos") + 0.42).alias("x1"),
        pl.lit(0.1).alias("y0"),
        pl.lit(0.9).alias("y1"),
        pl.lit(0.5).alias("row"),
    )
    x = _x(n)
    base = alt.Chart(marked)
    return alt.layer(
        base.mark_rect(cornerRadius=9).encode(
            x=_x(n, "x0"),
            x2="x1:Q",
            y=_unit_y("y0"),
            y2="y1:Q",
            color=alt.Color("pill_color:N", scale=None),
        ),
        base.mark_text(color="white", fontWeight=700, fontSize=_FONT, lineBreak="\n").encode(
            x=x, y=_unit_y(), text="pill:N", tooltip=[alt.Tooltip("pill_tip:N", title=None)]
        ),
    ).properties(
        width=n * step_px, height=24 if not marked["pill"].str.contains("\n").any() else 38
    )


def _y_domain(values: Sequence[float | None]) -> tuple[float, float]:
    """The valence axis: the values with a margin, at least ±5, at most ±AXIS_LIMIT."""
    vals = [v for v in values if v is not None]
    lo = min([-5.0, *(math.floor(v) - 1.0 for v in vals)])
    hi = max([5.0, *(math.ceil(v) + 1.0 for v in vals)])
    return max(lo, -AXIS_LIMIT), min(hi, AXIS_LIMIT)


def _clamped(df: pl.DataFrame, lo: float, hi: float) -> pl.DataFrame:
    """``plot`` (the valence kept on the axis), ``off`` (−1 below, 1 above, 0 on it)."""
    return df.with_columns(
        pl.col("valence").clip(lo, hi).alias("plot"),
        pl.when(pl.col("valence") < lo)
        .then(-1)
        .when(pl.col("valence") > hi)
        .then(1)
        .otherwise(0)
        .alias("off"),
        pl.col("valence").map_elements(signed, return_dtype=pl.String).alias("valence_text"),
    )


def _off_scale_layers(df: pl.DataFrame, x: alt.X, y: alt.Y) -> list[Any]:
    """Triangles on the axis edge and the true value beside them, for off-axis points."""
    off = df.filter(pl.col("off") != 0).with_columns(
        pl.when(pl.col("off") < 0)
        .then(pl.lit("triangle-down"))
        .otherwise(pl.lit("triangle-up"))
        .alias("tri")
    )
    return [
        alt.Chart(off)
        .mark_point(filled=True, size=150, color=INK, opacity=1)
        .encode(x=x, y=y, shape=alt.Shape("tri:N", scale=None)),
        alt.Chart(off)
        .mark_text(align="left", dx=9, fontWeight=700, color=INK)
        .encode(x=x, y=y, text="valence_text:N"),
    ]


def _emotion_fill(lang: str) -> alt.Fill:
    domain, colors = emotion_scale(lang)
    return alt.Fill(
        "emotion:N",
        scale=alt.Scale(domain=domain, range=colors),
        legend=alt.Legend(title=label("emotion", lang), orient="right"),
    )


def _point_tooltip(lang: str, series: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("series:N", title=series),
        alt.Tooltip("stage:N", title=label("stage", lang)),
        alt.Tooltip("action:N", title=label("action", lang)),
        alt.Tooltip("valence_text:N", title=label("valence", lang)),
        alt.Tooltip("emotion:N", title=label("emotion", lang)),
    ]


def _step_texts(actions: Sequence[str], ids: Sequence[str], step_px: float) -> list[str]:
    return [wrap_text(a or i, step_px - 12, _FONT, 5) for a, i in zip(actions, ids, strict=True)]


def _title(text: str, subtitle: list[str]) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle, anchor="start")


# -- as-is vs to-be ------------------------------------------------------------------
def _curve_frame(diff: pl.DataFrame, names: tuple[str, str], lang: str) -> pl.DataFrame:
    """One row per (column, journey) with a valence: the points of the two curves."""
    parts = []
    for side, name in zip(("before", "after"), names, strict=True):
        parts.append(
            diff.filter(pl.col(f"{side}_valence").is_not_null()).select(
                "pos",
                "stage",
                "action",
                pl.lit(name).alias("series"),
                pl.col(f"{side}_valence").alias("valence"),
                pl.col(f"{side}_emotion")
                .replace_strict({k: label(k, lang) for k in EMOTION_COLORS}, default="—")
                .alias("emotion"),
            )
        )
    return pl.concat(parts)


def _curve_panel(
    diff: pl.DataFrame, names: tuple[str, str], lang: str, step_px: float
) -> tuple[alt.LayerChart, bool]:
    """The two emotion curves, the changes between them, and off-axis marks."""
    n = diff.height
    points = _curve_frame(diff, names, lang)
    lo, hi = _y_domain(points["valence"].to_list())
    points = _clamped(points, lo, hi)
    x = _x(n)
    y_scale = alt.Scale(domain=[lo, hi], nice=False)
    y_axis = alt.Axis(title=label("valence", lang), grid=True, tickCount=6)
    y = alt.Y("plot:Q", scale=y_scale, axis=y_axis)
    series = alt.Scale(domain=list(names), range=[MUTED, INK])
    legend = alt.Legend(title=label("cmp_journeys", lang), orient="right", symbolType="stroke")
    tooltip = _point_tooltip(lang, label("cmp_journeys", lang))
    moved = (
        diff.filter(pl.col("delta_valence").abs() > 1e-9)
        .select(
            "pos",
            pl.col("before_valence").clip(lo, hi).alias("plot"),
            pl.col("after_valence").clip(lo, hi).alias("plot2"),
            pl.col("delta_valence").map_elements(signed, return_dtype=pl.String).alias("delta"),
            (pl.col("delta_valence") > 0).alias("up"),
        )
        .with_columns(((pl.col("plot") + pl.col("plot2")) / 2).alias("mid"))
    )
    layers: list[Any] = [
        alt.Chart(pl.DataFrame({"plot": [0.0]})).mark_rule(color=INK, strokeWidth=1).encode(y=y),
        alt.Chart(moved)
        .mark_rule(strokeWidth=6, opacity=0.25, color="#0072B2")
        .encode(x=x, y=y, y2="plot2:Q"),
        alt.Chart(points)
        .mark_line(strokeWidth=2.5, interpolate="monotone")
        .encode(
            x=x,
            y=y,
            order="pos:Q",
            stroke=alt.Stroke("series:N", scale=series, legend=legend),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=list(names), range=[[6, 4], [1, 0]]),
                legend=legend,
            ),
        ),
        alt.Chart(points.filter(pl.col("series") == names[0]))
        .mark_point(filled=True, size=110, opacity=0.55, stroke="white", strokeWidth=1)
        .encode(x=x, y=y, fill=_emotion_fill(lang), tooltip=tooltip),
        alt.Chart(points.filter(pl.col("series") == names[1]))
        .mark_point(filled=True, size=200, opacity=1, stroke="white", strokeWidth=1.5)
        .encode(x=x, y=y, fill=_emotion_fill(lang), tooltip=tooltip),
        alt.Chart(moved)
        .mark_text(align="right", dx=-10, fontWeight=700, fontSize=12)
        .encode(
            x=x,
            y=alt.Y("mid:Q", scale=y_scale, axis=y_axis),
            text="delta:N",
            color=alt.Color(
                "up:N",
                scale=alt.Scale(domain=[True, False], range=["#00795A", _STATUS_TEXT["removed"]]),
                legend=None,
            ),
        ),
        *_off_scale_layers(points, x, y),
    ]
    chart = (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(width=n * step_px, height=230)
    )
    return chart, bool((points["off"] != 0).any())


def _kpi_panel(
    before: Journey, after: Journey, names: tuple[str, str], lang: str
) -> alt.LayerChart:
    """The key figures of the two journeys as a small table: before, after, change."""
    k = compare_kpis(before, after, lang=lang)
    head = [label("cmp_metric", lang), names[0], names[1], label("cmp_change", lang)]
    colors = {1: "#00795A", -1: _STATUS_TEXT["removed"], 0: INK}
    widths = [230.0, 110.0, 110.0, 120.0]
    starts = [sum(widths[:i]) for i in range(len(widths))]
    cells = []
    for r, row in enumerate(k.iter_rows(named=True)):
        values = [row["metric"], row["before_text"], row["after_text"], row["change_text"]]
        for c, text in enumerate(values):
            color = colors[row["better"]] if c == 3 else INK
            cells.append(
                {"x": starts[c], "y": r + 1.0, "text": text, "color": color, "bold": c == 3}
            )
    cells += [
        {"x": starts[c], "y": 0.0, "text": h, "color": INK, "bold": True}
        for c, h in enumerate(head)
    ]
    df = pl.DataFrame(cells)
    total = sum(widths)
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, total], nice=False), axis=None)
    y = alt.Y(
        "y:Q", scale=alt.Scale(domain=[-0.5, k.height + 0.5], reverse=True, nice=False), axis=None
    )
    rules = pl.DataFrame({"y": [0.5 + r for r in range(k.height)]})
    text = alt.Chart(df).mark_text(align="left", baseline="middle", fontSize=12)
    return alt.layer(
        alt.Chart(rules).mark_rule(color="#DADCE0").encode(y=y),
        text.transform_filter("!datum.bold").encode(
            x=x, y=y, text="text:N", color=alt.Color("color:N", scale=None)
        ),
        text.transform_filter("datum.bold")
        .mark_text(align="left", baseline="middle", fontSize=12, fontWeight=700)
        .encode(x=x, y=y, text="text:N", color=alt.Color("color:N", scale=None)),
    ).properties(
        width=total,
        height=26 * (k.height + 1),
        title=alt.TitleParams(label("cmp_kpis", lang), fontSize=13, anchor="start"),
    )


def _change_texts(diff: pl.DataFrame, step_px: float) -> list[str]:
    return [
        wrap_text(summary.replace(" · ", "\n"), step_px - 10, _FONT, 6)
        if status == "changed"
        else ""
        for status, summary in zip(diff["status"], diff["summary"], strict=True)
    ]


def compare_journeys(
    before: Journey,
    after: Journey,
    *,
    lang: str | None = None,
    labels: tuple[str, str] | None = None,
) -> alt.VConcatChart:
    """Two journeys on one map: emotion curves overlaid, the differences marked.

    Top to bottom: the stage bands; a pill over every column that differs
    (added, removed, changed); what the customer does at each step; the two emotion
    curves (``before`` dashed and pale, ``after`` solid, points coloured
    不満 / 満足 / 感動; a blue bar and a ``+3``-style label where a step's valence
    changed; values beyond the axis as triangles on its edge with the value beside
    them); the changes of each changed step (``体験 +2 (4 → 6)``,
    ``待ち時間 −8分``, ``不満 → 満足``…); and a table of the two journeys' CES,
    remembered experience and emotion class with the change.

    Parameters
    ----------
    before, after
        The journeys (e.g. as-is and to-be; an edited copy ``j.with_step(…)`` is the
        common case). Steps are matched by id, else by stage, touchpoint and order;
        unrelated journeys show every step as added or removed.
    lang
        Language of cxkit's labels; default ``after``'s language.
    labels
        Names of the two journeys in the legend and the table; default
        ``("As-is", "To-be")`` in ``lang`` (``現状`` / ``改善後``).

    Returns
    -------
    altair.VConcatChart

    Raises
    ------
    CxkitError
        If ``before`` or ``after`` is not a Journey, ``lang`` is unknown or
        ``labels`` is not two different non-empty texts.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("complaint_recovery_ja")
    >>> chart = compare_journeys(j, j.with_step("explain_again", experience=6.0))
    >>> chart.vconcat[1].data["pill"].to_list()
    ['変更']
    """
    before, after = check_journey(before, "before"), check_journey(after, "after")
    lang = resolve_lang(lang, after)
    names = _check_labels(labels, lang)
    diff = journey_diff(before, after, lang=lang)
    n = max(diff.height, 1)
    step_px = _STEP_PX if n * _STEP_PX >= _MIN_WIDTH else _MIN_WIDTH / n
    df = diff.with_columns(
        pl.Series(
            "step_text", _step_texts(diff["action"].to_list(), diff["step_id"].to_list(), step_px)
        ),
        pl.Series("change_text", _change_texts(diff, step_px)),
        pl.when(pl.col("status") == "same")
        .then(pl.lit(""))
        .otherwise(
            pl.col("status").replace_strict(
                {s: label(f"cmp_{s}", lang) for s in ("added", "removed", "changed", "same")}
            )
        )
        .alias("pill"),
        pl.col("status").replace_strict(_STATUS_COLORS, default=MUTED).alias("pill_color"),
        pl.col("summary").alias("pill_tip"),
        pl.col("status").replace_strict(_STATUS_TEXT, default=INK).alias("text_color"),
    )
    curve, off = _curve_panel(diff, names, lang, step_px)
    panels: list[Any] = []
    if diff.height:
        panels += [
            _stage_panel(df, n, step_px),
            _pills(df, n, step_px),
            _text_panel(df, n, step_px, "step_text", ["stage", "action"], color=INK),
            curve,
            _text_panel(
                df, n, step_px, "change_text", ["summary"], color="#0B4F7A", fontWeight=600
            ),
        ]
    panels.append(_kpi_panel(before, after, names, lang))
    counts = {s: int((diff["status"] == s).sum()) for s in ("changed", "added", "removed", "same")}
    subtitle = [label("cmp_counts", lang).format(**counts)]
    if (before.title or before.id) != (after.title or after.id):
        subtitle.insert(
            0,
            f"{names[0]}: {before.title or before.id}   →   {names[1]}: {after.title or after.id}",
        )
    if off:
        subtitle.append(label("cmp_off_scale", lang))
    chart = (
        alt.vconcat(*panels, spacing=6)
        .resolve_scale(
            color="independent",
            fill="shared",
            stroke="independent",
            strokeDash="independent",
            shape="independent",
        )
        .properties(
            title=_title(f"{after.title or after.id} — {label('cmp_title', lang)}", subtitle)
        )
    )
    return apply_theme(chart)


def _check_labels(labels: Any, lang: str) -> tuple[str, str]:
    from cxkit.core.errors import CxkitError

    if labels is None:
        return label("cmp_as_is", lang), label("cmp_to_be", lang)
    if (
        not isinstance(labels, (tuple, list))
        or len(labels) != 2
        or not all(isinstance(t, str) and t.strip() for t in labels)
        or labels[0] == labels[1]
    ):
        raise CxkitError(
            "`labels` must be two different non-empty texts such as ('As-is', 'To-be'), "
            f"got {labels!r}"
        )
    return str(labels[0]), str(labels[1])


# -- several personas ----------------------------------------------------------------
def persona_map(journeys: Sequence[Journey], *, lang: str | None = None) -> alt.VConcatChart:
    """Several personas' versions of a journey on one map, one emotion curve each.

    The columns are the journeys' steps aligned (by step id, else stage, touchpoint
    and order), under shared stage bands. Each persona's curve has its own colour
    (:data:`PERSONA_COLORS`, named in the legend by the persona's name, else the
    journey's title); points are coloured 不満 / 満足 / 感動. A column where the
    personas differ (a step only some of them take, or a different expectation,
    experience or emotion class) is shaded and marked: ``差あり`` / ``differs``, or
    which personas have the step.

    Parameters
    ----------
    journeys
        2 to 8 journeys, one per persona, usually with the same stages.
    lang
        Language of cxkit's labels; default the first journey's language.

    Returns
    -------
    altair.VConcatChart

    Raises
    ------
    CxkitError
        Unless ``journeys`` is a list of 2 to 8 Journeys; if ``lang`` is unknown.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> chart = persona_map([j, j.with_step(3, experience=8.0)], lang="en")
    >>> chart.vconcat[1].data["pill"].to_list()
    ['differs']
    """
    journeys = check_journeys(journeys)
    lang = resolve_lang(lang, journeys[0])
    frame = persona_frame(journeys, lang=lang)
    names = persona_names(journeys)
    columns = frame.group_by("pos", maintain_order=True).first()
    n = columns.height
    step_px = _STEP_PX if n * _STEP_PX >= _MIN_WIDTH else _MIN_WIDTH / n
    columns = columns.with_columns(
        pl.Series(
            "step_text",
            _step_texts(columns["action"].to_list(), columns["step_id"].to_list(), step_px),
        ),
        pl.when(~pl.col("differs"))
        .then(pl.lit(""))
        .when(pl.col("only") == "")
        .then(pl.lit(label("cmp_differs", lang)))
        .otherwise(
            pl.col("n_present").map_elements(
                lambda k: label("cmp_only", lang).format(k=k, n=len(journeys)),
                return_dtype=pl.String,
            )
        )
        .alias("pill_raw"),
        pl.lit("#B07800").alias("pill_color"),
        pl.when(pl.col("only") == "")
        .then(pl.lit(label("cmp_differs", lang)))
        .otherwise(pl.col("only"))
        .alias("pill_tip"),
    )
    columns = columns.with_columns(
        pl.Series("pill", [wrap_text(p, step_px - 14, _FONT, 2) for p in columns["pill_raw"]])
    )
    curve, off = _persona_curve(frame, columns, names, lang, step_px)
    subtitle = [
        " · ".join(f"{nm}: {j.title or j.id}" for nm, j in zip(names, journeys, strict=True))
    ]
    if off:
        subtitle.append(label("cmp_off_scale", lang))
    chart = (
        alt.vconcat(
            _stage_panel(columns, n, step_px),
            _pills(columns, n, step_px),
            _text_panel(columns, n, step_px, "step_text", ["stage", "action"], color=INK),
            curve,
            spacing=6,
        )
        .resolve_scale(color="independent", shape="independent")
        .properties(title=_title(label("cmp_persona_title", lang), subtitle))
    )
    return apply_theme(chart)


def _persona_curve(
    frame: pl.DataFrame, columns: pl.DataFrame, names: list[str], lang: str, step_px: float
) -> tuple[alt.LayerChart, bool]:
    n = columns.height
    # personas side by side (a few pixels apart) so that equal values stay visible
    dodge = {name: (k - (len(names) - 1) / 2) * 5 / step_px for k, name in enumerate(names)}
    points = (
        frame.filter(pl.col("valence").is_not_null())
        .rename({"persona": "series", "pos": "column"})
        .with_columns((pl.col("column") + pl.col("series").replace_strict(dodge)).alias("pos"))
    )
    lo, hi = _y_domain(points["valence"].to_list())
    points = _clamped(points, lo, hi)
    x = _x(n)
    y_scale = alt.Scale(domain=[lo, hi], nice=False)
    y_axis = alt.Axis(title=label("valence", lang), grid=True, tickCount=6)
    y = alt.Y("plot:Q", scale=y_scale, axis=y_axis)
    shade = columns.filter(pl.col("differs")).select(
        (pl.col("pos") - 0.5).alias("x0"), (pl.col("pos") + 0.5).alias("x1")
    )
    colors = alt.Scale(domain=names, range=list(PERSONA_COLORS[: len(names)]))
    legend = alt.Legend(
        title=label("persona", lang), orient="right", symbolType="stroke", labelLimit=260
    )
    layers: list[Any] = [
        alt.Chart(shade).mark_rect(color=_DIFFERS_FILL).encode(x=_x(n, "x0"), x2="x1:Q"),
        alt.Chart(pl.DataFrame({"plot": [0.0]})).mark_rule(color=INK, strokeWidth=1).encode(y=y),
        alt.Chart(points)
        .mark_line(strokeWidth=2.5, interpolate="monotone")
        .encode(
            x=x,
            y=y,
            order="pos:Q",
            detail="series:N",
            stroke=alt.Stroke("series:N", scale=colors, legend=legend),
        ),
        alt.Chart(points)
        .mark_point(filled=True, size=150, opacity=1, strokeWidth=2)
        .encode(
            x=x,
            y=y,
            fill=_emotion_fill(lang),
            stroke=alt.Stroke("series:N", scale=colors, legend=None),
            tooltip=_point_tooltip(lang, label("persona", lang)),
        ),
        *_off_scale_layers(points, x, y),
    ]
    chart = alt.layer(*layers).properties(width=n * step_px, height=230)
    return chart, bool((points["off"] != 0).any())
