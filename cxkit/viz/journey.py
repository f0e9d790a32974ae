"""Charts of one journey: the journey map, emotion curve, touchpoint graph and gap heatmap.

All functions take the journey first and return an altair chart built from polars
frames whose values are the journey's own evaluation (:meth:`Journey.evaluate`), so
a chart never disagrees with ``cxkit show``. Charts are deterministic (layouts are
seeded), carry cxkit's theme (:mod:`cxkit.viz.theme`) and label themselves in
``lang`` — by default the journey's ``language`` — through :mod:`cxkit.core.i18n`.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("billing_inquiry")
>>> chart = emotion_curve(j)
>>> chart.layer[2].data["valence"].to_list()  # the points layer
[-4.0, -6.0, 0.0, 3.0]
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import networkx as nx
import polars as pl

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label as _label
from cxkit.core.i18n import resolve_lang
from cxkit.core.journey import Journey, StepEvaluation
from cxkit.core.model import BLUEPRINT_LANES, TEXT_LISTS
from cxkit.viz._text import Wrapped
from cxkit.viz._text import wrap as _wrap
from cxkit.viz.theme import (
    CARRYOVER_COLORS,
    EMOTION_COLORS,
    EMOTION_TEXT_COLORS,
    GAP_COLORS,
    INK,
    MUTED,
    OPPORTUNITY_COLOR,
    apply_theme,
    channel_color,
    emotion_scale,
    outcome_color,
)

__all__ = [
    "GRAPH_LAYOUTS",
    "MAP_ROWS",
    "emotion_curve",
    "expectation_gap_heatmap",
    "journey_map",
    "journey_map_page",
    "journey_map_pages",
    "step_frame",
    "steps_per_page",
    "touchpoint_graph",
]

#: Layouts accepted by :func:`touchpoint_graph`.
GRAPH_LAYOUTS: tuple[str, ...] = ("spring", "kamada_kawai", "circular", "shell", "layered")

_STEP_PX = 150  # default width of one step column in the journey map
_MIN_WIDTH = 480
_FONT_SIZE = 11
_LINE_PX = 15
_STAGE_FILL = "#3A4B5C"
_NO_VALUE_COLOR = "#B0B0B0"
_OUTCOME_EDGE_COLOR = "#9A9A9A"


# -- arguments ------------------------------------------------------------------------
def _check_journey(journey: Any) -> Journey:
    if not isinstance(journey, Journey):
        raise CxkitError(
            "`journey` must be a cxkit Journey (e.g. cx.load_journey('billing_inquiry')), "
            f"got {type(journey).__name__}"
        )
    return journey


def _check_width(width: Any) -> int | None:
    if width is None:
        return None
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not width >= 120:
        raise CxkitError(f"`width` must be a number of pixels ≥ 120 or None, got {width!r}")
    return int(width)


# -- text helpers ---------------------------------------------------------------------
def wrap_text(text: str, max_px: float, font_size: float = _FONT_SIZE, max_lines: int = 4) -> str:
    """Wrap ``text`` into lines of at most ``max_px`` pixels, joined by ``"\\n"``.

    Japanese breaks between phrases (BudouX), English at spaces, and no line starts
    with closing punctuation or a small kana; widths are the chart font's own (see
    :mod:`cxkit.viz._text`). Ends with ``…`` when more than ``max_lines`` lines
    would be needed.

    Examples
    --------
    >>> wrap_text("Searches the FAQ for the unexpected charge", 120)
    'Searches the FAQ for\\nthe unexpected charge'
    >>> wrap_text("コールセンター（電話）に問い合わせる", 90)
    'コールセンター\\n（電話）に\\n問い合わせる'
    >>> wrap_text("a b c d e f g h", 10, max_lines=2)
    'a\\nb…'
    """
    return _wrap(text, max_px, font_size, max_lines).text


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = round(float(value), digits)
    text = str(int(v)) if v == int(v) else f"{v:g}"
    return text.replace("-", "−")


def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white (``amount`` = share of white), as ``#rrggbb``."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (255 - c) * amount) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _signed(value: float | None) -> str:
    text = _fmt(value)
    return "+" + text if value is not None and round(value, 2) > 0 else text


def _unique(labels: Sequence[str], ids: Sequence[str]) -> list[str]:
    """Labels, with the id appended where two labels would collide."""
    counts: dict[str, int] = {}
    for lab in labels:
        counts[lab] = counts.get(lab, 0) + 1
    return [lab if counts[lab] == 1 else f"{lab} ({i})" for lab, i in zip(labels, ids, strict=True)]


def _row_axis(names: Sequence[str], values: Sequence[float], font_size: float = 12) -> alt.Axis:
    """A y axis that shows ``names`` at ``values`` (row headers of the journey map)."""
    table = json.dumps(list(names), ensure_ascii=True)
    index = {float(v): i for i, v in enumerate(values)}
    test = " : ".join(f"datum.value === {v} ? {table}[{i}]" for v, i in index.items())
    return alt.Axis(
        values=list(values),
        labelExpr=f"{test} : ''",
        title=None,
        ticks=False,
        domain=False,
        grid=False,
        labelFontWeight=600,
        labelFontSize=font_size,
        labelPadding=8,
        labelLimit=150,
    )


# -- the step table -------------------------------------------------------------------
def _map_order(journey: Journey) -> list[StepEvaluation]:
    """Evaluated steps in map order: by stage order, then by step order (stable)."""
    stage_rank = {st.id: i for i, st in enumerate(journey.stages)}
    evaluated = list(journey.evaluate().steps)
    return sorted(evaluated, key=lambda ev: stage_rank.get(ev.step.stage, len(stage_rank)))


def step_frame(journey: Journey, *, lang: str | None = None) -> pl.DataFrame:
    """One row per step, in map order, with every annotation the charts show.

    Numeric columns (``expectation``, ``experience``, ``gap``, ``valence``, ``effort``,
    ``wait_s``) are the journey's evaluation; ``*_text`` columns are the same values
    formatted for tooltips; ``emotion_key`` is the class id and ``emotion`` its label
    in ``lang``.

    Examples
    --------
    >>> import cxkit as cx
    >>> f = step_frame(cx.load_journey("billing_inquiry"), lang="ja")
    >>> f["valence"].to_list(), f["emotion"].to_list()
    ([-4.0, -6.0, 0.0, 3.0], ['不満', '不満', '満足', '感動'])
    """
    journey = _check_journey(journey)
    lang = resolve_lang(lang, journey)
    g = journey.graph
    stage_labels = {st.id: st.display for st in journey.stages}
    yes, no = _label("viz_yes", lang), _label("viz_no", lang)
    ordered = _map_order(journey)
    agg = journey.evaluate().aggregate
    with_valence = [ev.index for ev in journey.evaluate().steps if ev.valence is not None]
    peak_index = with_valence[agg.peak_index] if agg is not None else None
    end_index = with_valence[-1] if with_valence else None
    rows: list[dict[str, Any]] = []
    for pos, ev in enumerate(ordered):
        s = ev.step
        if g.has_touchpoint(s.touchpoint):
            tp = g.touchpoint(s.touchpoint)
            tp_label, channel_id = tp.display, tp.channel
            channel_label = g.channel(channel_id).label(lang)
        else:  # an invalid reference still shows, under its raw id
            tp_label, channel_id, channel_label = s.touchpoint, "?", "?"
        emotion_key = ev.emotion.value if ev.emotion is not None else None
        marks = []
        if ev.index == peak_index:
            marks.append(_label("peak", lang))
        if ev.index == end_index:
            marks.append(_label("end", lang))
        rows.append(
            {
                "pos": pos,
                "index": ev.index,
                "step_no": ev.index + 1,
                "step_id": s.id or f"#{ev.index + 1}",
                "stage_id": s.stage,
                "stage": stage_labels.get(s.stage, s.stage),
                "touchpoint_id": s.touchpoint,
                "touchpoint": tp_label,
                "channel_id": channel_id,
                "channel": channel_label,
                "action": s.action,
                "call_reason": s.call_reason or "—",
                "expectation": ev.expectation,
                "experience": ev.experience,
                "gap": ev.disconfirmation,
                "valence": ev.valence,
                "emotion_key": emotion_key,
                "emotion": ev.emotion.label(lang) if ev.emotion is not None else "—",
                "text_color": EMOTION_TEXT_COLORS.get(emotion_key or "", MUTED),
                "emotion_source": _label(f"viz_{ev.emotion_source}", lang)
                if ev.emotion_source
                else "—",
                "peak_end": " · ".join(marks),
                "effort": s.effort,
                "wait_s": s.wait_s,
                "expected_wait_s": ev.expected_wait_s,
                "expectation_text": _fmt(ev.expectation),
                "experience_text": _fmt(ev.experience),
                "gap_text": _signed(ev.disconfirmation),
                "valence_text": _signed(ev.valence),
                "effort_text": _fmt(s.effort),
                "wait_text": _fmt(s.wait_s, 0),
                "expected_wait_text": _fmt(ev.expected_wait_s, 0),
                "context_lost": yes if s.context_lost else no,
                "transfer": yes if s.transfer else no,
                "repeat_contact": yes if s.repeat_contact else no,
                "pain_points": "; ".join(s.pain_points) or "—",
                "n_pain": len(s.pain_points),
                "opportunities": "; ".join(s.opportunities) or "—",
                "n_opp": len(s.opportunities),
                **{f"{f}_list": list(getattr(s, f)) for f in TEXT_LISTS},
                **{f: "; ".join(getattr(s, f)) or "—" for f in BLUEPRINT_LANES},
                "evidence": s.evidence.label(lang),
                "notes": s.notes or "—",
            }
        )
    schema = {
        "pos": pl.Int64,
        "index": pl.Int64,
        "step_no": pl.Int64,
        "expectation": pl.Float64,
        "experience": pl.Float64,
        "gap": pl.Float64,
        "valence": pl.Float64,
        "emotion_key": pl.String,
        "effort": pl.Float64,
        "wait_s": pl.Float64,
        "expected_wait_s": pl.Float64,
        "n_pain": pl.Int64,
        "n_opp": pl.Int64,
        **{f"{f}_list": pl.List(pl.String) for f in TEXT_LISTS},
    }
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema_overrides=schema, infer_schema_length=None)


def _step_tooltip(lang: str) -> list[alt.Tooltip]:
    def t(field: str, key: str) -> alt.Tooltip:
        return alt.Tooltip(f"{field}:N", title=_label(key, lang))

    return [
        t("stage", "stage"),
        t("action", "action"),
        t("touchpoint", "touchpoint"),
        t("channel", "channel"),
        t("call_reason", "call_reason"),
        t("expectation_text", "expectation"),
        t("experience_text", "experience"),
        t("gap_text", "disconfirmation"),
        t("valence_text", "valence"),
        t("emotion", "emotion"),
        t("emotion_source", "viz_emotion_source"),
        t("effort_text", "effort"),
        t("wait_text", "viz_wait_s"),
        t("expected_wait_text", "viz_expected_wait_s"),
        t("context_lost", "viz_context_lost"),
        t("transfer", "viz_transfer"),
        t("repeat_contact", "viz_repeat_contact"),
        t("pain_points", "pain_points"),
        t("opportunities", "opportunities"),
        t("frontstage", "blueprint_frontstage"),
        t("backstage", "blueprint_backstage"),
        t("support", "blueprint_support"),
        t("evidence", "evidence"),
        t("notes", "viz_notes"),
    ]


def _ring_color() -> pl.Expr:
    """Colour of a step without valence: its annotated emotion's, else grey."""
    return (
        pl.col("emotion_key")
        .replace_strict(EMOTION_COLORS, default=_NO_VALUE_COLOR, return_dtype=pl.String)
        .alias("ring")
    )


def _valence_bound(frame: pl.DataFrame) -> float:
    """Half the height of a valence axis: the largest |valence| rounded up, plus 1 (≥ 5)."""
    vals = frame["valence"].drop_nulls()
    return max(5.0, math.ceil(float(vals.abs().max())) + 1.0) if vals.len() else 5.0


def _valence_label() -> pl.Expr:
    """A step's valence text, followed by ``(peak · end)`` marks when it has any."""
    return (
        pl.when(pl.col("peak_end") == "")
        .then(pl.col("valence_text"))
        .otherwise(
            pl.concat_str(pl.col("valence_text"), pl.lit(" ("), pl.col("peak_end"), pl.lit(")"))
        )
        .alias("valence_label")
    )


def _text_color() -> alt.Color:
    """Text marks take the darker shade of their step's emotion (precomputed column)."""
    return alt.Color("text_color:N", scale=None)


def _emotion_color(lang: str, *, legend: bool = True, font: float | None = None) -> alt.Color:
    domain, colors = emotion_scale(lang)
    sizes = {} if font is None else {"labelFontSize": font, "titleFontSize": font + 1}
    return alt.Color(
        "emotion:N",
        scale=alt.Scale(domain=domain, range=colors),
        legend=alt.Legend(title=_label("emotion", lang), orient="right", **sizes)
        if legend
        else None,
    )


def _subtitle(journey: Journey, lang: str) -> list[str]:
    ev = journey.evaluate()
    parts: list[str] = []
    if journey.persona is not None and journey.persona.name:
        parts.append(f"{_label('persona', lang)}: {journey.persona.name}")
    line: list[str] = []
    if ev.aggregate is not None:
        a = ev.aggregate
        line.append(
            f"{_label('remembered', lang)} ({_label('peak_end', lang)}): "
            f"{_signed(a.peak_end)} · {a.emotion.label(lang)}"
        )
    line.append(f"{_label('ces', lang)}: {_fmt(ev.effort.ces5)}")
    parts.append("   |   ".join(line))
    return parts


def _title(journey: Journey, lang: str, key: str, **more: Any) -> alt.TitleParams:
    name = journey.title or journey.id
    text = f"{name} — {_label(key, lang)}" + more.pop("suffix", "")
    return alt.TitleParams(text=text, subtitle=_subtitle(journey, lang), anchor="start", **more)


def _empty_chart(journey: Journey, lang: str, key: str, message_key: str) -> alt.LayerChart:
    text = alt.Chart(pl.DataFrame({"message": [_label(message_key, lang)]})).mark_text(
        color=MUTED, fontSize=13
    )
    chart = alt.layer(text.encode(text="message:N")).properties(
        width=_MIN_WIDTH, height=60, title=_title(journey, lang, key)
    )
    return apply_theme(chart)


# -- the journey map ------------------------------------------------------------------
#: Paper sizes of :func:`journey_map_pages` (landscape): width in mm and page width in px.
PAPERS: dict[str, tuple[float, int]] = {"a4": (297.0, 1280), "a3": (420.0, 1810)}
#: Smallest type on a printed page, in points (the map's body text).
MIN_PRINT_PT = 7.0
_PRINT_MARGIN_MM = 10.0  # each side, as a PDF page keeps it
_RESERVED_PX = 270  # row labels, legends and padding beside the plotting area
_MIN_STEP_PX = 105  # a step column a caption of ~8 Japanese characters per line fits


def _print_font_px(paper: str) -> float:
    """Body text size in px that prints at :data:`MIN_PRINT_PT` or more on ``paper``.

    The page (``PAPERS[paper][1]`` px wide) is printed across the paper width minus the
    margins; 1 pt = 1/72 in. The size is rounded up to half a pixel, and never below
    the notebook size (11 px).

    Examples
    --------
    >>> _print_font_px("a4"), _print_font_px("a3")
    (11.5, 11.5)
    """
    width_mm, page_px = PAPERS[paper]
    printable_pt = (width_mm - 2 * _PRINT_MARGIN_MM) / 25.4 * 72
    return max(float(_FONT_SIZE), math.ceil(2 * MIN_PRINT_PT * page_px / printable_pt) / 2)


@dataclass
class _MapContext:
    """What every panel of one map (or page) shares."""

    lang: str
    font: float
    plot_w: float
    n: int
    tooltip: list[alt.Tooltip]
    score_domain: tuple[float, float]
    valence_bound: float
    footnotes: list[str] | None = None  # None: no footnotes (the notebook strip)
    page: Any = None  # a StagePage, on pages

    @property
    def step_px(self) -> float:
        return self.plot_w / self.n

    @property
    def line_px(self) -> float:
        return round(self.font * 1.3)

    def __post_init__(self) -> None:
        # one scale object for every panel (widgets patch its domain in one place)
        self.x_scale = alt.Scale(domain=[-0.5, self.n - 0.5], nice=False, zero=False)

    def x(self, field: str = "pos") -> alt.X:
        return alt.X(f"{field}:Q", scale=self.x_scale, axis=None)

    def fit(self, text: str, max_px: float, max_lines: int, *, bold: bool = False) -> Wrapped:
        """``text`` wrapped; when cut, a footnote (on pages) holds it whole."""
        w = _wrap(text, max_px, self.font, max_lines, bold=bold)
        if not w.truncated or self.footnotes is None:
            return w
        self.footnotes.append(text)
        mark = f" [{len(self.footnotes)}]"
        return _wrap(text, max_px, self.font, max_lines, bold=bold, marker=mark)


def _px_scale(height: float) -> alt.Scale:
    """The y scale of a panel laid out in pixels: fractions of its ``height`` from the top.

    Positions are computed in pixels and written as fractions (:func:`_frac`), so the
    scale itself never changes (widgets patch data, not scales; see
    :mod:`cxkit.viz._fastspec`).
    """
    return alt.Scale(domain=[1, 0], nice=False, zero=False)


def _frac(df: pl.DataFrame, height: float, *columns: str) -> pl.DataFrame:
    """``columns`` (pixels from the panel's top) as fractions of ``height``."""
    return df.with_columns(*(pl.col(c) / height for c in columns))


def _boxed_text(
    ctx: _MapContext,
    df: pl.DataFrame,
    name: str,
    height: float,
    axis: alt.Axis,
    box: dict[str, Any],
    text: dict[str, Any],
    *,
    top_left: bool = False,
) -> list[alt.Chart]:
    """A named box per row (``x0``–``x1``, ``y0``–``y1``) and its named text (``label``).

    The text is centred in the box, or set from its top left corner (``top_left``).
    """
    if not top_left:  # centre the block of lines (the text is set from its top)
        lines = pl.col("label").str.count_matches("\n") + 1
        df = df.with_columns(
            ((pl.col("y0") + pl.col("y1")) / 2 - lines * ctx.line_px / 2).alias("ty")
        )
    df = _frac(df, height, "y0", "y1", "ty")
    y_scale = _px_scale(height)
    y = alt.Y("y0:Q", scale=y_scale, axis=axis)
    rect = (
        alt.Chart(df)
        .mark_rect(**box)
        .encode(x=ctx.x("x0"), x2="x1:Q", y=y, y2="y1:Q", tooltip=ctx.tooltip)
        .properties(name=f"{name}_box")
    )
    anchor = {"x": ctx.x("tx"), "y": alt.Y("ty:Q", scale=y_scale, axis=axis)}
    label = (
        alt.Chart(df)
        .mark_text(
            lineBreak="\n",
            fontSize=ctx.font,
            lineHeight=ctx.line_px,
            align="left" if top_left else "center",
            baseline="top",
            **text,
        )
        .encode(**anchor, text="label:N", tooltip=ctx.tooltip)
        .properties(name=f"{name}_text")
    )
    return [rect, label]


def _cells(
    frame: pl.DataFrame, texts: Sequence[str], y0: float, y1: float, *, top_left: bool = False
) -> pl.DataFrame:
    """One box per step, its column from ``y0`` to ``y1`` px; the text is anchored at the
    box's centre, or at its top left corner (``top_left``, 5 px in)."""
    return frame.with_columns(
        pl.Series("label", list(texts), dtype=pl.String),
        (pl.col("pos") - 0.47).alias("x0"),
        (pl.col("pos") + 0.47).alias("x1"),
        (pl.col("pos") - (0.47 if top_left else 0.0)).cast(pl.Float64).alias("tx"),
        pl.lit(float(y0)).alias("y0"),
        pl.lit(float(y1)).alias("y1"),
        pl.lit(y0 + 5.0 if top_left else (y0 + y1) / 2).alias("ty"),
    )


def _separators(ctx: _MapContext, frame: pl.DataFrame) -> alt.Chart:
    """Faint dashed rules between stages."""
    firsts = frame.group_by("stage_id", maintain_order=True).agg(pl.col("pos").min().alias("f"))
    bounds = firsts.filter(pl.col("f") > 0).select((pl.col("f") - 0.5).alias("b"))
    return (
        alt.Chart(bounds)
        .mark_rule(color="#D0D0D0", strokeDash=[3, 3], strokeWidth=1)
        .encode(x=ctx.x("b"))
    )


def _stage_names(ctx: _MapContext, stages: pl.DataFrame) -> list[str]:
    """Stage names, marked where a stage goes on from the previous page or to the next."""
    names = stages["stage"].to_list()
    page, more = ctx.page, _label("viz_continued", ctx.lang)
    if page is not None and page.continued_from_previous:
        names[0] = f"← {names[0]} ({more})"
    if page is not None and page.continues_on_next:
        names[-1] = f"{names[-1]} ({more}) →"
    return names


def _stage_panel(ctx: _MapContext, frame: pl.DataFrame) -> alt.LayerChart:
    stages = frame.group_by("stage_id", maintain_order=True).agg(
        pl.col("stage").first(), pl.col("pos").min().alias("a"), pl.col("pos").max()
    )
    texts = [
        ctx.fit(name, (r["pos"] - r["a"] + 0.94) * ctx.step_px - 16, 2, bold=True).text
        for name, r in zip(_stage_names(ctx, stages), stages.iter_rows(named=True), strict=True)
    ]
    lines = max(t.count("\n") + 1 for t in texts)
    h = lines * ctx.line_px + 16
    df = stages.with_columns(
        pl.Series("label", texts, dtype=pl.String),
        (pl.col("a") - 0.47).alias("x0"),
        (pl.col("pos") + 0.47).alias("x1"),
        ((pl.col("a") + pl.col("pos")) / 2).cast(pl.Float64).alias("tx"),
        pl.lit(2.0).alias("y0"),
        pl.lit(h - 2.0).alias("y1"),
        pl.lit(h / 2).alias("ty"),
        (pl.col("pos") - pl.col("a") + 1).alias("n_steps"),
    )
    axis = _row_axis([_label("stage", ctx.lang)], [0.5], ctx.font + 1)
    tip = [
        alt.Tooltip("stage:N", title=_label("stage", ctx.lang)),
        alt.Tooltip("n_steps:Q", title=_label("viz_n_steps", ctx.lang)),
    ]
    box, text = _boxed_text(
        ctx,
        df,
        "stage",
        h,
        axis,
        {"color": _STAGE_FILL, "cornerRadius": 4},
        {"color": "white", "fontWeight": 600},
    )
    return alt.layer(box.encode(tooltip=tip), text.encode(tooltip=tip)).properties(
        width=ctx.plot_w, height=h
    )


def _step_panel(ctx: _MapContext, frame: pl.DataFrame) -> alt.LayerChart:
    texts = [
        ctx.fit(f"{no}. {a}" if a else f"{no}. {sid}", 0.94 * ctx.step_px - 10, 6).text
        for no, a, sid in zip(frame["step_no"], frame["action"], frame["step_id"], strict=True)
    ]
    h = max(t.count("\n") + 1 for t in texts) * ctx.line_px + 14
    axis = _row_axis([_label("step", ctx.lang)], [0.5], ctx.font + 1)
    df = _cells(frame, texts, 2, h - 2)
    layers = _boxed_text(
        ctx, df, "step", h, axis, {"fill": "#FFFFFF", "opacity": 0}, {"color": INK}
    )
    return alt.layer(_separators(ctx, frame), *layers).properties(width=ctx.plot_w, height=h)


def _lane_panel(ctx: _MapContext, frame: pl.DataFrame) -> alt.LayerChart:
    lanes = list(dict.fromkeys(frame["channel"].to_list()))
    lane_ids = list(dict.fromkeys(frame["channel_id"].to_list()))
    lane_of = {c: i for i, c in enumerate(lanes)}
    texts = [ctx.fit(t, 0.9 * ctx.step_px - 14, 3).text for t in frame["touchpoint"]]
    lane_h = max(t.count("\n") + 1 for t in texts) * ctx.line_px + 22
    h = lane_h * len(lanes)
    centre = [(lane_of[c] + 0.5) * lane_h for c in frame["channel"]]
    df = frame.with_columns(
        pl.Series("label", texts, dtype=pl.String),
        pl.Series("lane", centre),
        (pl.col("pos") - 0.45).alias("x0"),
        (pl.col("pos") + 0.45).alias("x1"),
        pl.col("pos").cast(pl.Float64).alias("tx"),
        pl.Series("ty", centre),
    ).with_columns(
        (pl.col("lane") - lane_h / 2 + 5).alias("y0"), (pl.col("lane") + lane_h / 2 - 5).alias("y1")
    )
    y_scale = _px_scale(h)
    axis = _row_axis(lanes, [(i + 0.5) * lane_h / h for i in range(len(lanes))], ctx.font + 1)
    path_df = _frac(df, h, "lane")
    box, text = _boxed_text(
        ctx,
        df.with_columns(path_df["lane"]),
        "touchpoint",
        h,
        axis,
        {"cornerRadius": 5, "strokeWidth": 1.5},
        {"color": INK},
    )
    box = box.encode(
        fill=alt.Color(
            "channel:N",
            scale=alt.Scale(domain=lanes, range=[_tint(channel_color(c), 0.8) for c in lane_ids]),
            legend=None,
        ),
        stroke=alt.Stroke(
            "channel:N",
            scale=alt.Scale(domain=lanes, range=[channel_color(c) for c in lane_ids]),
            legend=None,
        ),
    )
    path = (
        alt.Chart(path_df)
        .mark_line(color=MUTED, strokeWidth=2, strokeDash=[4, 3], interpolate="linear")
        .encode(x=ctx.x(), y=alt.Y("lane:Q", scale=y_scale, axis=axis), order="pos:Q")
    )
    return alt.layer(_separators(ctx, frame), path, box, text).properties(
        width=ctx.plot_w, height=h
    )


def _has_blueprint(frame: pl.DataFrame) -> bool:
    return any(frame[f"{lane}_list"].list.len().sum() > 0 for lane in BLUEPRINT_LANES)


def _blueprint_panel(ctx: _MapContext, frame: pl.DataFrame) -> alt.LayerChart:
    """Frontstage, backstage and support rows, with the lines of visibility and of
    internal interaction between them (a service blueprint under the channel lanes)."""
    gap = ctx.line_px + 12  # the band holding a line and, above it, its label
    rows, centres, lines, top = [], [], [], 0.0
    for k, lane in enumerate(BLUEPRINT_LANES):
        texts = [
            ctx.fit("\n".join(f"• {t}" for t in items), 0.94 * ctx.step_px - 12, 5).text
            for items in frame[f"{lane}_list"].to_list()
        ]
        h = max(1, *(t.count("\n") + 1 for t in texts)) * ctx.line_px + 12
        rows.append(_cells(frame, texts, top + 2, top + h - 2, top_left=True))
        centres.append(top + h / 2)
        top += h
        if k < len(BLUEPRINT_LANES) - 1:
            key = ("line_of_visibility", "line_of_internal_interaction")[k]
            lines.append(
                {
                    "y": top + gap - 4,
                    "ty": top + gap - 6,
                    "tx": -0.5,
                    "label": _label(f"blueprint_{key}", ctx.lang),
                }
            )
            top += gap
    y_scale = _px_scale(top)
    names = [_label(f"blueprint_{lane}", ctx.lang) for lane in BLUEPRINT_LANES]
    axis = _row_axis(names, [c / top for c in centres], ctx.font + 1)
    df = pl.concat(rows, how="vertical_relaxed")
    layers = _boxed_text(
        ctx,
        df,
        "blueprint",
        top,
        axis,
        {"fill": "#F4F6F8", "cornerRadius": 3},
        {"color": INK, "dx": 6},
        top_left=True,
    )
    df_lines = _frac(pl.DataFrame(lines), top, "y", "ty")
    rule = (
        alt.Chart(df_lines)
        .mark_rule(color=INK, strokeWidth=1.2, strokeDash=[6, 3])
        .encode(y=alt.Y("y:Q", scale=y_scale, axis=axis))
        .properties(name="blueprint_line")
    )
    label = (
        alt.Chart(df_lines)
        .mark_text(
            align="left",
            baseline="bottom",
            dx=4,
            fontSize=ctx.font,
            fontStyle="italic",
            color=MUTED,
        )
        .encode(x=ctx.x("tx"), y=alt.Y("ty:Q", scale=y_scale, axis=axis), text="label:N")
        .properties(name="blueprint_line_label")
    )
    return alt.layer(_separators(ctx, frame), *layers, rule, label).properties(
        width=ctx.plot_w, height=top
    )


def _score_domain(frame: pl.DataFrame) -> tuple[float, float]:
    """0–10, extended to whole numbers that hold every expectation and experience."""
    values = pl.concat([frame["expectation"], frame["experience"]]).drop_nulls()
    if values.len() == 0:
        return 0.0, 10.0
    return min(0.0, math.floor(float(values.min()))), max(10.0, math.ceil(float(values.max())))


def _score_panel(ctx: _MapContext, frame: pl.DataFrame) -> alt.LayerChart:
    lo, hi = ctx.score_domain
    lang, f = ctx.lang, ctx.font
    score_scale = alt.Scale(domain=[lo, hi], nice=False)
    kinds = [_label("expectation", lang), _label("experience", lang)]
    shape = alt.Shape(
        "kind:N",
        scale=alt.Scale(domain=kinds, range=["M-1,-0.22H1V0.22H-1Z", "circle"]),
        legend=alt.Legend(
            title=None,
            orient="right",
            symbolFillColor="#666666",
            symbolStrokeColor="#666666",
            labelFontSize=f,
        ),
    )
    exp_df = frame.with_columns(pl.lit(kinds[0]).alias("kind"))
    got_df = frame.filter(pl.col("experience").is_not_null()).with_columns(
        pl.lit(kinds[1]).alias("kind")
    )
    gap_df = frame.filter(pl.col("gap").is_not_null()).with_columns(
        ((pl.col("expectation") + pl.col("experience")) / 2).alias("mid")
    )
    # the part of the axis outside 0–10 (wait-derived experiences can fall below 0)
    off = _label("viz_off_scale", lang)
    bands = pl.DataFrame(
        [(lo, 0.0, (lo + 0.0) / 2), (10.0, hi, (10.0 + hi) / 2)],
        schema={"b0": pl.Float64, "b1": pl.Float64, "bm": pl.Float64},
        orient="row",
    ).filter(pl.col("b1") > pl.col("b0"))
    bands = bands.with_columns(pl.lit(off).alias("label"), pl.lit(-0.5).alias("tx"))
    ticks = sorted({lo, 0.0, 5.0, 10.0, hi})
    score_y = alt.Axis(
        title=_label("viz_score", lang),
        values=ticks,
        grid=True,
        titleFontWeight=600,
        labelFontSize=f,
        titleFontSize=f + 1,
    )
    y = {"scale": score_scale, "axis": score_y}
    height = 130 * (hi - lo) / 10
    return alt.layer(
        alt.Chart(bands)
        .mark_rect(color="#EFE6E1", opacity=0.8)
        .encode(y=alt.Y("b0:Q", **y), y2="b1:Q")
        .properties(name="off_scale_band"),
        alt.Chart(bands)
        .mark_text(
            align="left", baseline="middle", dx=4, fontSize=f, fontStyle="italic", color="#8A5A44"
        )
        .encode(x=ctx.x("tx"), y=alt.Y("bm:Q", **y), text="label:N")
        .properties(name="off_scale_label"),
        _separators(ctx, frame),
        alt.Chart(gap_df)
        .mark_rule(strokeWidth=4, opacity=0.45)
        .encode(
            x=ctx.x(),
            y=alt.Y("expectation:Q", **y),
            y2="experience:Q",
            color=_emotion_color(lang, legend=False),
            tooltip=ctx.tooltip,
        ),
        alt.Chart(exp_df.filter(pl.col("expectation").is_not_null()))
        .mark_point(filled=True, size=260, color="#555555", opacity=1)
        .encode(x=ctx.x(), y=alt.Y("expectation:Q", **y), shape=shape, tooltip=ctx.tooltip),
        alt.Chart(got_df)
        .mark_point(filled=True, size=110, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=ctx.x(),
            y=alt.Y("experience:Q", **y),
            shape=shape,
            color=_emotion_color(lang, legend=False),
            tooltip=ctx.tooltip,
        ),
        alt.Chart(gap_df)
        .mark_text(align="left", dx=12, fontSize=f, fontWeight=600)
        .encode(
            x=ctx.x(),
            y=alt.Y("mid:Q", **y),
            text="gap_text:N",
            color=_text_color(),
            tooltip=ctx.tooltip,
        ),
    ).properties(width=ctx.plot_w, height=height)


def _emotion_panel(ctx: _MapContext, frame: pl.DataFrame) -> alt.LayerChart:
    lang, f, x = ctx.lang, ctx.font, ctx.x()
    bound = ctx.valence_bound
    v_scale = alt.Scale(domain=[-bound, bound], nice=False)
    v_axis = alt.Axis(
        title=_label("valence", lang),
        grid=False,
        titleFontWeight=600,
        tickCount=5,
        labelFontSize=f,
        titleFontSize=f + 1,
    )
    y = alt.Y("valence:Q", scale=v_scale, axis=v_axis)
    valued = frame.filter(pl.col("valence").is_not_null()).with_columns(
        pl.when(pl.col("valence") >= 0).then(pl.lit(-1)).otherwise(pl.lit(1)).alias("side"),
        _valence_label(),
    )
    missing = frame.filter(pl.col("valence").is_null()).with_columns(
        pl.lit(0.0).alias("zero"),
        pl.lit(_label("viz_no_valence_step", lang)).alias("why"),
        _ring_color(),
    )
    text = {"fontWeight": 600, "fontSize": f}
    layers: list[Any] = [
        _separators(ctx, frame),
        alt.Chart(pl.DataFrame({"zero": [0.0]}))
        .mark_rule(color=INK, strokeWidth=1)
        .encode(y=alt.Y("zero:Q", scale=v_scale, axis=v_axis)),
        alt.Chart(valued)
        .mark_line(color="#7A7A7A", strokeWidth=2, interpolate="monotone")
        .encode(x=x, y=y, order="pos:Q"),
        alt.Chart(valued)
        .mark_point(filled=True, size=170, opacity=1, stroke="white", strokeWidth=1.5)
        .encode(x=x, y=y, color=_emotion_color(lang, font=f), tooltip=ctx.tooltip),
        alt.Chart(valued.filter(pl.col("side") < 0))
        .mark_text(dy=-14, **text)
        .encode(x=x, y=y, text="valence_label:N", color=_text_color()),
        alt.Chart(valued.filter(pl.col("side") > 0))
        .mark_text(dy=15, **text)
        .encode(x=x, y=y, text="valence_label:N", color=_text_color()),
        # always present, empty when every step has a valence: the chart's structure then
        # depends on the step count only through values (widgets patch those, see
        # cxkit.viz._fastspec) and an empty layer draws nothing
        alt.Chart(missing)
        .mark_point(filled=False, size=120, strokeWidth=2.5, opacity=1)
        .encode(
            color=alt.Color("ring:N", scale=None),
            x=x,
            y=alt.Y("zero:Q", scale=v_scale, axis=v_axis),
            tooltip=[alt.Tooltip("why:N", title=_label("valence", lang)), *ctx.tooltip],
        ),
    ]
    return alt.layer(*layers).properties(width=ctx.plot_w, height=150)


def _notes_panel(
    ctx: _MapContext, frame: pl.DataFrame, column: str, key: str, color: str
) -> alt.LayerChart:
    """Pain points or opportunities: a count badge and the bulleted texts per step."""
    count = {"pain_points": "n_pain", "opportunities": "n_opp"}[column]
    texts = [
        ctx.fit("\n".join(f"• {t}" for t in items), 0.94 * ctx.step_px - 34, 6).text
        for items in frame[f"{column}_list"].to_list()
    ]
    h = max(1, *(t.count("\n") + 1 for t in texts)) * ctx.line_px + 14
    df = _cells(frame, texts, 2, h - 2, top_left=True).with_columns(
        (pl.col("pos") - 0.47).alias("left"),
        pl.lit(14.0).alias("by"),
    )
    y_scale = _px_scale(h)
    axis = _row_axis([_label(key, ctx.lang)], [0.5], ctx.font + 1)
    badges = _frac(df.filter(pl.col(count) > 0), h, "by")
    box, text = _boxed_text(
        ctx,
        df,
        column,
        h,
        axis,
        {"fill": "#FFFFFF", "opacity": 0},
        {"color": INK, "dx": 28},
        top_left=True,
    )
    badge_at = {"x": ctx.x("left"), "y": alt.Y("by:Q", scale=y_scale, axis=axis)}
    return alt.layer(
        _separators(ctx, frame),
        box,
        alt.Chart(badges)
        .mark_circle(size=290, color=color, opacity=1, xOffset=13)
        .encode(**badge_at, tooltip=ctx.tooltip),
        alt.Chart(badges)
        .mark_text(color="white", fontWeight=700, fontSize=ctx.font, xOffset=13)
        .encode(**badge_at, text=f"{count}:Q"),
        text,
    ).properties(width=ctx.plot_w, height=h)


def _footnote_panel(ctx: _MapContext) -> alt.LayerChart:
    """The full texts of the page's shortened labels, numbered as marked."""
    notes = ctx.footnotes or []
    lines = [f"[{k}] {t}".replace("\n", " / ") for k, t in enumerate(notes, 1)]
    text = _wrap("\n".join(lines), ctx.plot_w - 20, ctx.font, 10_000).text
    h = (text.count("\n") + 1) * ctx.line_px + 12
    df = pl.DataFrame(
        {
            "label": [text],
            "x0": [-0.5],
            "x1": [ctx.n - 0.5],
            "tx": [-0.5],
            "y0": [0.0],
            "y1": [float(h)],
            "ty": [6.0],
        }
    )
    axis = _row_axis([_label("viz_footnotes", ctx.lang)], [0.5], ctx.font + 1)
    box, label = _boxed_text(
        ctx,
        df,
        "footnote",
        h,
        axis,
        {"fill": "#FAFAFA"},
        {"color": INK, "dx": 8},
        top_left=True,
    )
    return alt.layer(
        box.encode(tooltip=alt.value(None)), label.encode(tooltip=alt.value(None))
    ).properties(width=ctx.plot_w, height=h)


#: The row groups of a page (``rows=``): every row, or the page's two halves for print.
MAP_ROWS = ("all", "lanes", "scores")


def _map_chart(
    ctx: _MapContext, frame: pl.DataFrame, title: alt.TitleParams, rows: str = "all"
) -> alt.VConcatChart:
    """The panels of one map (or page), top to bottom, under ``title``: all of them, or
    under the stage and step headers only the channel lanes and the blueprint
    (``"lanes"``) or only the scores, the emotion curve and the notes (``"scores"``)."""
    panels = [_stage_panel(ctx, frame), _step_panel(ctx, frame)]
    if rows in ("all", "lanes"):
        panels.append(_lane_panel(ctx, frame))
        if _has_blueprint(frame):
            panels.append(_blueprint_panel(ctx, frame))
    if rows in ("all", "scores"):
        panels += [
            _score_panel(ctx, frame),
            _emotion_panel(ctx, frame),
            _notes_panel(ctx, frame, "pain_points", "pain_points", EMOTION_COLORS["dissatisfied"]),
            _notes_panel(ctx, frame, "opportunities", "opportunities", OPPORTUNITY_COLOR),
        ]
    if ctx.footnotes:
        panels.append(_footnote_panel(ctx))
    # One constructor call: each of vconcat(), resolve_scale() and properties() would
    # deep-copy every panel again (altair copies on every chained call), which was
    # half the time of a map.
    independent = alt.ScaleResolveMap(
        color="independent", shape="independent", fill="independent", stroke="independent"
    )
    chart = alt.VConcatChart(
        vconcat=panels, spacing=6, resolve=alt.Resolve(scale=independent), title=title
    )
    return apply_theme(chart)


def journey_map(
    journey: Journey, *, lang: str | None = None, width: float | None = None
) -> alt.VConcatChart | alt.LayerChart:
    """The journey map as one strip: stages, steps, channel lanes, scores, emotion.

    Panels share the x axis (one column per step, steps grouped by stage in stage
    order) and are stacked top to bottom:

    1. stage headers;
    2. the steps (what the customer does);
    3. one lane per channel holding the step's touchpoint, coloured by channel, with a
       line following the customer across lanes (each lane change is a channel switch);
    4. when any step has ``frontstage`` / ``backstage`` / ``support`` texts, the
       service blueprint: those three rows, with the line of visibility between
       frontstage and backstage and the line of internal interaction above support;
    5. expectation (bar) and experience (dot) per step on 0–10, joined by the gap,
       coloured by emotion class; when a (wait-derived) score lies outside 0–10 the
       axis is extended to it and the part outside 0–10 is shaded and labelled;
    6. the emotion curve: step valences coloured 不満 / 満足 / 感動 around the zero line,
       with the peak and end of the peak-end rule marked;
    7. pain points and 8. opportunities, with count badges and the texts themselves.

    Texts are wrapped to their boxes with the font's real widths, Japanese at phrase
    boundaries (BudouX, see :mod:`cxkit.viz._text`); rows and boxes grow with their
    text. A text still too long ends in ``…``; every mark's tooltip carries all of
    the step's annotations in full. Steps without a valence still appear (their
    emotion mark is a hollow grey ring at zero). For print, slides and long
    journeys use :func:`journey_map_pages`.

    Parameters
    ----------
    journey
        The journey to draw.
    lang
        Language of cxkit's own labels (``"en"`` or ``"ja"``); defaults to the
        journey's ``language``. The journey's own texts are shown as written.
    width
        Width in pixels of the plotting area (all steps); default 150 per step,
        at least 480.

    Returns
    -------
    altair.VConcatChart
        The map (an altair ``LayerChart`` with a message if the journey has no steps).

    Raises
    ------
    CxkitError
        If ``journey`` is not a Journey, ``lang`` is unknown or ``width`` is not a
        number of pixels ≥ 120.

    Examples
    --------
    >>> import cxkit as cx
    >>> chart = journey_map(cx.load_journey("billing_inquiry"), lang="ja")
    >>> len(chart.vconcat)
    7
    >>> chart.vconcat[0].data["stage"].to_list()  # the stage header band
    ['Self-service search', 'Contact the center', 'Resolution']
    """
    journey = _check_journey(journey)
    lang = resolve_lang(lang, journey)
    width = _check_width(width)
    frame = step_frame(journey, lang=lang)
    n = frame.height
    if n == 0:
        return _empty_chart(journey, lang, "viz_journey_map", "viz_no_steps")
    ctx = _MapContext(
        lang=lang,
        font=_FONT_SIZE,
        plot_w=width or max(_MIN_WIDTH, _STEP_PX * n),
        n=n,
        tooltip=_step_tooltip(lang),
        score_domain=_score_domain(frame),
        valence_bound=_valence_bound(frame),
    )
    return _map_chart(ctx, frame, _title(journey, lang, "viz_journey_map"))


def steps_per_page(paper: str = "a4") -> int:
    """Most steps on one page of :func:`journey_map_pages` on ``paper``.

    A step column is at least 105 px wide, so that a caption at the print size
    (:data:`MIN_PRINT_PT`) holds about eight Japanese characters per line.

    Examples
    --------
    >>> steps_per_page("a4"), steps_per_page("a3")
    (9, 14)
    """
    _check_paper(paper)
    return (PAPERS[paper][1] - _RESERVED_PX) // _MIN_STEP_PX


def _check_paper(paper: Any) -> str:
    if paper not in PAPERS:
        raise CxkitError(
            f"`paper` must be one of {', '.join(map(repr, PAPERS))} (landscape), got {paper!r}"
        )
    return paper


def journey_map_pages(
    journey: Journey, *, lang: str | None = None, paper: str = "a4"
) -> list[alt.VConcatChart | alt.LayerChart]:
    """The journey map in pages that print legibly on A4 or A3 landscape.

    The steps are split by whole stages with :func:`cxkit.viz.paging.stage_pages`
    (a stage longer than a page goes on over several, its header marked
    "continued"), at most :func:`steps_per_page` steps a page. Every page is
    :data:`PAPERS` ``[paper][1]`` px wide (1280 px for A4, 1810 px for A3) and is
    drawn at a body type size that prints at :data:`MIN_PRINT_PT` (7 pt) or more
    when the page fills the paper width minus 10 mm margins; every page repeats the
    row labels, the lanes of its steps and the legends, says "page k of n" in its
    title (when there is more than one), and lists the full text of every label it
    had to shorten as numbered footnotes (the label ends with ``… [k]``). Score axes
    and the emotion scale are the same on every page.

    Parameters
    ----------
    journey
        The journey to draw.
    lang
        Language of cxkit's own labels; defaults to the journey's ``language``.
    paper
        ``"a4"`` or ``"a3"`` (landscape).

    Returns
    -------
    list of altair.VConcatChart
        One chart per page (one message chart if the journey has no steps).

    Raises
    ------
    CxkitError
        If ``journey`` is not a Journey, ``lang`` or ``paper`` is unknown.

    Examples
    --------
    >>> import cxkit as cx
    >>> pages = journey_map_pages(cx.load_journey("retail_omnichannel"))
    >>> len(pages), pages[0].title.text.split(" — ")[-1]
    (3, 'page 1 of 3')
    """
    from cxkit.viz.paging import stage_pages

    journey = _check_journey(journey)
    paper = _check_paper(paper)
    count = max(len(stage_pages(journey, steps_per_page(paper))), 1)
    return [
        journey_map_page(journey, number, lang=lang, paper=paper) for number in range(1, count + 1)
    ]


def journey_map_page(
    journey: Journey,
    number: int,
    *,
    lang: str | None = None,
    paper: str = "a4",
    rows: str = "all",
) -> alt.VConcatChart | alt.LayerChart:
    """Page ``number`` (from 1) of :func:`journey_map_pages`: one chart, drawn alone.

    Exports draw the pages one at a time through the widgets' spec cache (a page
    of the same shape as one drawn before is re-rendered from new data in a few ms).
    ``rows`` (:data:`MAP_ROWS`) draws the whole page, or one of its two halves under
    the stage and step headers: ``"lanes"`` (channel lanes and service blueprint) or
    ``"scores"`` (scores, emotion curve, pain points, opportunities) — the PDF prints a
    page taller than its sheet as these two sheets, so that no text shrinks below
    :data:`MIN_PRINT_PT`.

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("retail_omnichannel")
    >>> journey_map_page(j, 2).to_dict() == journey_map_pages(j)[1].to_dict()
    True
    """
    from cxkit.viz.paging import stage_pages

    journey = _check_journey(journey)
    lang = resolve_lang(lang, journey)
    paper = _check_paper(paper)
    full = step_frame(journey, lang=lang)
    if full.height == 0:
        return _empty_chart(journey, lang, "viz_journey_map", "viz_no_steps")
    if rows not in MAP_ROWS:
        raise CxkitError(f"`rows` must be one of {', '.join(map(repr, MAP_ROWS))}, got {rows!r}")
    pages = stage_pages(journey, steps_per_page(paper))
    if not (isinstance(number, int) and 1 <= number <= len(pages)):
        raise CxkitError(f"`number` must be a page number from 1 to {len(pages)}, got {number!r}")
    page = pages[number - 1]
    rank = {index: pos for pos, index in enumerate(page.steps)}
    frame = (
        full.filter(pl.col("index").is_in(list(page.steps)))
        .with_columns(pl.col("index").replace_strict(rank, return_dtype=pl.Int64).alias("pos"))
        .sort("pos")
    )
    ctx = _MapContext(
        lang=lang,
        font=_print_font_px(paper),
        plot_w=PAPERS[paper][1] - _RESERVED_PX,
        n=max(frame.height, 1),
        tooltip=_step_tooltip(lang),
        score_domain=_score_domain(full),
        valence_bound=_valence_bound(full),
        footnotes=[],
        page=page,
    )
    of = _label("viz_page_of", lang).format(k=page.number, n=len(pages))
    suffix = f" — {of}" if len(pages) > 1 else ""
    if rows != "all":
        suffix += f" — {_label(f'viz_rows_{rows}', lang)}"
    title = _title(journey, lang, "viz_journey_map", suffix=suffix, subtitleFontSize=ctx.font + 1)
    return _map_chart(ctx, frame, title, rows)


# -- emotion curve --------------------------------------------------------------------
def emotion_curve(journey: Journey, *, lang: str | None = None) -> alt.LayerChart:
    """The emotion curve: each step's valence, coloured 不満 / 満足 / 感動, around zero.

    The line joins the steps that have a valence, in map order; the peak and the end
    of the peak-end rule are marked; steps without a valence are hollow grey rings
    at zero. The x axis names the steps.

    Parameters
    ----------
    journey
        The journey to draw.
    lang
        Language of cxkit's labels; defaults to the journey's ``language``.

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    CxkitError
        If ``journey`` is not a Journey or ``lang`` is unknown.

    Examples
    --------
    >>> import cxkit as cx
    >>> spec = emotion_curve(cx.load_journey("billing_inquiry"), lang="ja").to_dict()
    >>> spec["layer"][2]["encoding"]["color"]["scale"]["domain"]
    ['不満', '満足', '感動']
    """
    journey = _check_journey(journey)
    lang = resolve_lang(lang, journey)
    frame = step_frame(journey, lang=lang)
    n = frame.height
    if n == 0:
        return _empty_chart(journey, lang, "viz_emotion_curve", "viz_no_steps")
    plot_w = max(_MIN_WIDTH, 120 * n)
    names = [
        wrap_text(f"{no}. {a or sid}", plot_w / n - 10, _FONT_SIZE, 3).split("\n")
        for no, a, sid in zip(frame["step_no"], frame["action"], frame["step_id"], strict=True)
    ]
    table = json.dumps(names, ensure_ascii=True)
    x = alt.X(
        "pos:Q",
        scale=alt.Scale(domain=[-0.5, n - 0.5], nice=False, zero=False),
        axis=alt.Axis(
            title=None,
            values=list(range(n)),
            labelExpr=f"{table}[datum.value]",
            grid=False,
            ticks=False,
            domain=False,
            labelPadding=10,
            labelLineHeight=14,
            labelBaseline="top",
        ),
    )
    bound = _valence_bound(frame)
    y_scale = alt.Scale(domain=[-bound, bound], nice=False)
    y_axis = alt.Axis(title=_label("valence", lang), grid=True, tickCount=5)
    y = alt.Y("valence:Q", scale=y_scale, axis=y_axis)
    tooltip = _step_tooltip(lang)
    valued = frame.filter(pl.col("valence").is_not_null()).with_columns(_valence_label())
    missing = frame.filter(pl.col("valence").is_null()).with_columns(
        pl.lit(0.0).alias("valence"),
        pl.lit(_label("viz_no_valence_step", lang)).alias("why"),
        _ring_color(),
    )
    layers: list[Any] = [
        alt.Chart(pl.DataFrame({"valence": [0.0]})).mark_rule(color=INK, strokeWidth=1).encode(y=y),
        alt.Chart(valued)
        .mark_line(color="#7A7A7A", strokeWidth=2.5, interpolate="monotone")
        .encode(x=x, y=y, order="pos:Q"),
        alt.Chart(valued)
        .mark_point(filled=True, size=200, opacity=1, stroke="white", strokeWidth=1.5)
        .encode(x=x, y=y, color=_emotion_color(lang), tooltip=tooltip),
        alt.Chart(valued.filter(pl.col("valence") >= 0))
        .mark_text(dy=-15, fontWeight=600)
        .encode(x=x, y=y, text="valence_label:N", color=_text_color()),
        alt.Chart(valued.filter(pl.col("valence") < 0))
        .mark_text(dy=16, fontWeight=600)
        .encode(x=x, y=y, text="valence_label:N", color=_text_color()),
    ]
    if missing.height:
        layers.append(
            alt.Chart(missing)
            .mark_point(filled=False, size=130, strokeWidth=2.5, opacity=1)
            .encode(
                color=alt.Color("ring:N", scale=None),
                x=x,
                y=y,
                tooltip=[alt.Tooltip("why:N", title=_label("valence", lang)), *tooltip],
            )
        )
    chart = alt.layer(*layers).properties(
        width=plot_w, height=240, title=_title(journey, lang, "viz_emotion_curve")
    )
    return apply_theme(chart)


# -- touchpoint graph -----------------------------------------------------------------
def _layered_layout(g: nx.DiGraph, starts: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Left-to-right layers by hop distance from the entry touchpoints; outcomes last."""
    outcomes = [v for v, d in g.nodes(data=True) if d.get("kind") == "outcome"]
    touch = [v for v in g.nodes if v not in set(outcomes)]
    depth: dict[str, int] = {}
    sources = [s for s in starts if s in g] or touch[:1]
    if sources:
        lengths = nx.multi_source_dijkstra_path_length(g.subgraph(touch), sources, weight=None)
        depth.update({v: int(d) for v, d in lengths.items()})
    deepest = max(depth.values(), default=-1)
    for v in touch:  # unreachable touchpoints go one column further
        depth.setdefault(v, deepest + 1)
    last = max(depth.values(), default=-1) + 1
    for v in outcomes:
        depth[v] = last
    layers: dict[int, list[str]] = {}
    for v in g.nodes:  # graph order inside a layer
        layers.setdefault(depth[v], []).append(v)
    pos: dict[str, tuple[float, float]] = {}
    for d, members in layers.items():
        m = len(members)
        for i, v in enumerate(members):
            pos[v] = (float(d), (m - 1) / 2 - i)
    return pos


def _layout(g: nx.DiGraph, layout: str, seed: int, starts: Sequence[str]) -> dict[str, Any]:
    if layout == "layered":
        return _layered_layout(g, starts)
    if g.number_of_nodes() == 1:
        return {next(iter(g.nodes)): (0.0, 0.0)}
    undirected = nx.Graph()
    undirected.add_nodes_from(g.nodes)
    for u, v, d in g.edges(data=True):
        w = undirected.get_edge_data(u, v, {}).get("weight", 0.0)
        undirected.add_edge(u, v, weight=w + float(d.get("probability", 0.0)) + 0.05)
    if layout == "spring":
        # Entry touchpoints are pinned on the left and outcomes on the right (their
        # left-to-right layer positions), the rest settle by the seeded spring model:
        # flows read from entry to outcome and the picture is the same for a seed.
        layered = _layered_layout(g, starts)
        pinned = [v for v in g.nodes if v in set(starts) or g.nodes[v].get("kind") == "outcome"]
        start = {v: (x, y * 0.8 + 0.01 * i) for i, (v, (x, y)) in enumerate(layered.items())}
        if len(pinned) == len(start):
            return start
        return nx.spring_layout(
            undirected,
            pos=start,
            fixed=pinned or None,
            seed=seed,
            weight="weight",
            k=1.0,
            iterations=80,
        )
    if layout == "kamada_kawai":
        return nx.kamada_kawai_layout(undirected)
    if layout == "circular":
        return nx.circular_layout(undirected)
    outcomes = [v for v, d in g.nodes(data=True) if d.get("kind") == "outcome"]
    touch = [v for v in g.nodes if v not in set(outcomes)]
    shells = [s for s in (touch, outcomes) if s]
    return nx.shell_layout(undirected, nlist=shells)


def touchpoint_graph(
    journey: Journey,
    *,
    lang: str | None = None,
    layout: str = "spring",
    seed: int = 0,
    width: int = 560,
    height: int = 420,
) -> alt.LayerChart:
    """The touchpoint graph: touchpoints, outcomes and hand-offs as a node-link chart.

    Touchpoints are circles coloured by channel; outcomes are squares coloured by kind
    (good outcomes green, losses dark). Each hand-off is a line whose width grows with
    its probability and whose colour runs from vermillion (context lost: carry-over 0)
    to green (context kept: 1); edges into outcomes cannot lose context and are grey.
    An arrowhead points to the target and the probability is written along the edge.
    Remainder edges (the unassigned share that goes to ``remainder_outcome``) are
    dashed.

    Parameters
    ----------
    journey
        The journey to draw.
    lang
        Language of cxkit's labels; defaults to the journey's ``language``.
    layout
        ``"spring"`` (networkx spring layout, seeded), ``"kamada_kawai"``,
        ``"circular"``, ``"shell"`` (touchpoints inside, outcomes outside) or
        ``"layered"`` (left to right by hops from the entry touchpoints).
    seed
        Seed of the spring layout (same seed, same picture).
    width, height
        Size in pixels.

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    CxkitError
        If ``journey`` is not a Journey, ``lang`` or ``layout`` is unknown, ``seed``
        is not an integer or a size is not a positive number of pixels.

    Examples
    --------
    >>> import cxkit as cx
    >>> chart = touchpoint_graph(cx.load_journey("billing_inquiry"), seed=1)
    >>> between = chart.layer[0].data  # hand-offs between touchpoints
    >>> between.select("source", "target", "probability", "carryover").rows()
    [('web_faq', 'phone_queue', 0.5, 0.0), ('phone_queue', 'agent', 0.9, 1.0)]
    """
    journey = _check_journey(journey)
    lang = resolve_lang(lang, journey)
    if layout not in GRAPH_LAYOUTS:
        raise CxkitError(
            f"`layout` must be one of {', '.join(map(repr, GRAPH_LAYOUTS))}, got {layout!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise CxkitError(f"`seed` must be an integer, got {seed!r}")
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 120:
            raise CxkitError(f"`{name}` must be a number of pixels ≥ 120, got {value!r}")
    g = journey.nx
    if g.number_of_nodes() == 0:
        return _empty_chart(journey, lang, "viz_touchpoint_graph", "viz_no_steps")
    starts = list(journey.start_distribution())
    pos = _layout(g, layout, seed, starts)
    xs = [float(p[0]) for p in pos.values()]
    ys = [float(p[1]) for p in pos.values()]
    x_span = max(max(xs) - min(xs), 1e-9)
    y_span = max(max(ys) - min(ys), 1e-9)
    pad_x, pad_y = 0.14 * x_span + 0.05, 0.14 * y_span + 0.05
    x_dom = [min(xs) - pad_x, max(xs) + pad_x]
    y_dom = [min(ys) - pad_y, max(ys) + pad_y]
    px_x = width / (x_dom[1] - x_dom[0])
    px_y = height / (y_dom[1] - y_dom[0])

    yes, no = _label("viz_yes", lang), _label("viz_no", lang)
    node_rows: list[dict[str, Any]] = []
    for v, d in g.nodes(data=True):
        x0, y0 = (float(c) for c in pos[v])
        if d.get("kind") == "outcome":
            oc = d["outcome"]
            node_rows.append(
                {
                    "id": v,
                    "label": oc.display,
                    "x": x0,
                    "y": y0,
                    "is_outcome": True,
                    "group": oc.kind.label(lang),
                    "color": outcome_color(oc.kind.value),
                    "channel": "—",
                    "entry": "—",
                    "owner": "—",
                }
            )
        else:
            tp = d["touchpoint"]
            node_rows.append(
                {
                    "id": v,
                    "label": tp.display,
                    "x": x0,
                    "y": y0,
                    "is_outcome": False,
                    "group": journey.graph.channel(tp.channel).label(lang),
                    "color": channel_color(tp.channel),
                    "channel": journey.graph.channel(tp.channel).label(lang),
                    "entry": _fmt(d.get("entry", 0.0)),
                    "owner": tp.owner or "—",
                }
            )
    nodes = pl.DataFrame(node_rows).with_columns(
        pl.Series(
            "text", [wrap_text(t, 120, _FONT_SIZE, 2) for t in (r["label"] for r in node_rows)]
        )
    )
    labels_of = {r["id"]: r["label"] for r in node_rows}

    edge_rows: list[dict[str, Any]] = []
    for u, v, d in g.edges(data=True):
        (x1, y1), (x2, y2) = (tuple(map(float, pos[u])), tuple(map(float, pos[v])))
        if g.has_edge(v, u):  # a pair of opposite edges: shift both sideways
            nx_, ny_ = -(y2 - y1), x2 - x1
            norm = math.hypot(nx_ * px_x, ny_ * px_y) or 1.0
            off = 7.0 / norm
            x1, y1, x2, y2 = x1 + nx_ * off, y1 + ny_ * off, x2 + nx_ * off, y2 + ny_ * off
        sx, sy = (x2 - x1) * px_x, -(y2 - y1) * px_y
        length = math.hypot(sx, sy)
        # arrowhead just before the target marker (≈ 20 px from its centre)
        t = max(0.5, 1.0 - 24.0 / length) if length > 0 else 0.5
        prob = float(d["probability"])
        handoff = d.get("handoff")
        edge_rows.append(
            {
                "source": u,
                "target": v,
                "from": labels_of[u],
                "to": labels_of[v],
                "x": x1,
                "y": y1,
                "x2": x2,
                "y2": y2,
                "ax": x1 + (x2 - x1) * t,
                "ay": y1 + (y2 - y1) * t,
                "mx": x1 + (x2 - x1) * 0.42,
                "my": y1 + (y2 - y1) * 0.42,
                "angle": math.degrees(math.atan2(sx, -sy)) % 360 if length > 0 else 0.0,
                "probability": round(prob, 12),
                "carryover": float(d.get("context_carryover", 1.0)),
                "remainder": bool(d.get("remainder", False)),
                "to_outcome": g.nodes[v].get("kind") == "outcome",
                "prob_text": f"{prob:.0%}" if prob >= 0.01 else f"{prob:.1%}",
                "carry_text": _fmt(d.get("context_carryover", 1.0)),
                "switch": yes if d.get("channel_switch") else no,
                "transfer": yes if d.get("transfer") else no,
                "wait": _fmt(handoff.wait_s if handoff is not None else 0.0, 0),
                "kind": _label("viz_remainder", lang) if d.get("remainder") else "",
            }
        )
    edge_schema = {
        "probability": pl.Float64,
        "carryover": pl.Float64,
        "remainder": pl.Boolean,
        "to_outcome": pl.Boolean,
    }
    edges = pl.DataFrame(edge_rows, schema_overrides=edge_schema) if edge_rows else None

    xq = alt.Scale(domain=x_dom, nice=False, zero=False)
    yq = alt.Scale(domain=y_dom, nice=False, zero=False)
    x_enc = alt.X("x:Q", scale=xq, axis=None)
    y_enc = alt.Y("y:Q", scale=yq, axis=None)
    edge_tip = [
        alt.Tooltip("from:N", title=_label("viz_from", lang)),
        alt.Tooltip("to:N", title=_label("viz_to", lang)),
        alt.Tooltip("prob_text:N", title=_label("viz_probability", lang)),
        alt.Tooltip("carry_text:N", title=_label("viz_carryover", lang)),
        alt.Tooltip("switch:N", title=_label("viz_channel_switch", lang)),
        alt.Tooltip("transfer:N", title=_label("viz_transfer", lang)),
        alt.Tooltip("wait:N", title=_label("viz_wait_s", lang)),
        alt.Tooltip("kind:N", title=""),
    ]
    carry_scale = alt.Scale(domain=[0, 0.5, 1], range=list(CARRYOVER_COLORS))
    width_enc = alt.StrokeWidth(
        "probability:Q",
        scale=alt.Scale(domain=[0, 1], range=[1, 9]),
        legend=alt.Legend(
            title=_label("viz_probability", lang),
            orient="right",
            format=".0%",
            values=[0.1, 0.5, 1.0],
        ),
    )
    dash = alt.condition("datum.remainder", alt.value([5, 4]), alt.value([1, 0]))
    layers: list[Any] = []
    if edges is not None:
        # hand-offs between touchpoints can lose context: coloured by carry-over;
        # edges into an outcome cannot (MODELS: only touchpoint → touchpoint): grey
        between = edges.filter(~pl.col("to_outcome"))
        into = edges.filter(pl.col("to_outcome"))
        parts: list[tuple[pl.DataFrame, Any]] = []
        if between.height:
            parts.append(
                (
                    between,
                    alt.Color(
                        "carryover:Q",
                        scale=carry_scale,
                        legend=alt.Legend(
                            title=_label("viz_carryover", lang),
                            orient="right",
                            gradientLength=90,
                            format=".0%",
                        ),
                    ),
                )
            )
        if into.height:
            parts.append((into, alt.value(_OUTCOME_EDGE_COLOR)))
        for df, color in parts:
            layers.append(
                alt.Chart(df)
                .mark_rule(strokeCap="round")
                .encode(
                    x=x_enc,
                    y=y_enc,
                    x2="x2:Q",
                    y2="y2:Q",
                    color=color,
                    strokeWidth=width_enc,
                    strokeDash=dash,
                    tooltip=edge_tip,
                )
            )
        for df, color in parts:
            arrow_color = (
                alt.Color("carryover:Q", scale=carry_scale, legend=None) if df is between else color
            )
            layers.append(
                alt.Chart(df)
                .mark_point(shape="triangle-up", filled=True, size=110, opacity=1)
                .encode(
                    x=alt.X("ax:Q", scale=xq, axis=None),
                    y=alt.Y("ay:Q", scale=yq, axis=None),
                    angle=alt.Angle("angle:Q", scale=None),
                    color=arrow_color,
                    tooltip=edge_tip,
                )
            )
        mid = {"x": alt.X("mx:Q", scale=xq, axis=None), "y": alt.Y("my:Q", scale=yq, axis=None)}
        layers += [
            alt.Chart(edges)
            .mark_text(fontSize=_FONT_SIZE - 1, color="white", stroke="white", strokeWidth=4)
            .encode(**mid, text="prob_text:N"),
            alt.Chart(edges)
            .mark_text(fontSize=_FONT_SIZE - 1, color=INK)
            .encode(**mid, text="prob_text:N", tooltip=edge_tip),
        ]
    node_tip = [
        alt.Tooltip("label:N", title=_label("touchpoint", lang)),
        alt.Tooltip("group:N", title=_label("viz_kind", lang)),
        alt.Tooltip("channel:N", title=_label("channel", lang)),
        alt.Tooltip("entry:N", title=_label("viz_entry", lang)),
        alt.Tooltip("owner:N", title=_label("viz_owner", lang)),
    ]
    touch = nodes.filter(~pl.col("is_outcome"))
    outs = nodes.filter(pl.col("is_outcome"))
    if touch.height:
        domain = list(dict.fromkeys(touch["group"].to_list()))
        colors = [touch.filter(pl.col("group") == c)["color"][0] for c in domain]
        layers.append(
            alt.Chart(touch)
            .mark_circle(size=620, opacity=1, stroke="white", strokeWidth=2)
            .encode(
                x=x_enc,
                y=y_enc,
                color=alt.Color(
                    "group:N",
                    scale=alt.Scale(domain=domain, range=colors),
                    legend=alt.Legend(
                        title=_label("channel", lang), orient="right", symbolSize=160
                    ),
                ),
                tooltip=node_tip,
            )
        )
    if outs.height:
        domain = list(dict.fromkeys(outs["group"].to_list()))
        colors = [outs.filter(pl.col("group") == c)["color"][0] for c in domain]
        layers.append(
            alt.Chart(outs)
            .mark_square(size=520, opacity=1, stroke="white", strokeWidth=2)
            .encode(
                x=x_enc,
                y=y_enc,
                fill=alt.Fill(
                    "group:N",
                    scale=alt.Scale(domain=domain, range=colors),
                    legend=alt.Legend(
                        title=_label("outcomes", lang),
                        orient="right",
                        symbolType="square",
                        symbolSize=160,
                    ),
                ),
                tooltip=node_tip,
            )
        )
    layers += [
        alt.Chart(nodes)
        .mark_text(
            dy=20,
            baseline="top",
            lineBreak="\n",
            fontSize=_FONT_SIZE,
            fontWeight=600,
            color=INK,
            stroke="white",
            strokeWidth=5,
        )
        .encode(x=x_enc, y=y_enc, text="text:N"),
        alt.Chart(nodes)
        .mark_text(
            dy=20, baseline="top", lineBreak="\n", fontSize=_FONT_SIZE, fontWeight=600, color=INK
        )
        .encode(x=x_enc, y=y_enc, text="text:N", tooltip=node_tip),
    ]
    chart = (
        alt.layer(*layers)
        .resolve_scale(color="independent", fill="independent")
        .properties(width=width, height=height, title=_title(journey, lang, "viz_touchpoint_graph"))
    )
    return apply_theme(chart)


# -- expectation-gap heatmap ----------------------------------------------------------
def expectation_gap_heatmap(journey: Journey, *, lang: str | None = None) -> alt.LayerChart:
    """Mean disconfirmation (experience − expectation) per stage × touchpoint.

    Cells average the steps that have both an expectation and an experience; the
    diverging colour scale is centred at 0 (red below expectations, blue
    above) and symmetric, so equal gaps look equally strong either way. Each cell
    shows its mean and its tooltip lists the steps.

    Parameters
    ----------
    journey
        The journey to draw.
    lang
        Language of cxkit's labels; defaults to the journey's ``language``.

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    CxkitError
        If ``journey`` is not a Journey or ``lang`` is unknown.

    Examples
    --------
    >>> import cxkit as cx
    >>> spec = expectation_gap_heatmap(cx.load_journey("billing_inquiry")).to_dict()
    >>> rows = next(iter(spec["datasets"].values()))
    >>> for r in rows:
    ...     print(r["stage"], "|", r["touchpoint"], "|", r["mean_gap"])
    Self-service search | Official web FAQ | -2.0
    Contact the center | Phone queue (IVR) | -3.0
    Contact the center | Billing agent | 0.0
    Resolution | Billing agent | 3.0
    """
    journey = _check_journey(journey)
    lang = resolve_lang(lang, journey)
    frame = step_frame(journey, lang=lang)
    cells = (
        frame.filter(pl.col("gap").is_not_null())
        .group_by("stage_id", "touchpoint_id", maintain_order=True)
        .agg(
            pl.col("stage").first(),
            pl.col("touchpoint").first(),
            pl.col("gap").mean().alias("mean_gap"),
            pl.len().alias("n"),
            pl.col("action").str.join("; ").alias("steps"),
        )
        if frame.height
        else pl.DataFrame()
    )
    if cells.height == 0:
        return _empty_chart(journey, lang, "viz_gap_heatmap", "no_valence")
    bound = max(1.0, float(cells["mean_gap"].abs().max()))
    cells = cells.with_columns(
        pl.col("mean_gap").map_elements(_signed, return_dtype=pl.String).alias("gap_text"),
        (pl.col("mean_gap").abs() > 0.6 * bound).alias("strong"),
    )
    stage_order = list(
        dict.fromkeys([st.display for st in journey.stages] + cells["stage"].to_list())
    )
    stage_order = [s for s in stage_order if s in set(cells["stage"].to_list())]
    tp_order = [
        t
        for t in dict.fromkeys(
            [tp.display for tp in journey.touchpoints] + cells["touchpoint"].to_list()
        )
        if t in set(cells["touchpoint"].to_list())
    ]
    x = alt.X(
        "stage:N",
        sort=stage_order,
        title=_label("stage", lang),
        axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160, domain=False, ticks=False),
    )
    y = alt.Y(
        "touchpoint:N",
        sort=tp_order,
        title=_label("touchpoint", lang),
        axis=alt.Axis(labelLimit=180, domain=False, ticks=False),
    )
    tip = [
        alt.Tooltip("stage:N", title=_label("stage", lang)),
        alt.Tooltip("touchpoint:N", title=_label("touchpoint", lang)),
        alt.Tooltip("gap_text:N", title=_label("viz_mean_gap", lang)),
        alt.Tooltip("n:Q", title=_label("viz_n_steps", lang)),
        alt.Tooltip("steps:N", title=_label("steps", lang)),
    ]
    rect = (
        alt.Chart(cells)
        .mark_rect(cornerRadius=3, stroke="white", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "mean_gap:Q",
                scale=alt.Scale(
                    domain=[-bound, bound],
                    domainMid=0,
                    range=list(GAP_COLORS),
                ),
                legend=alt.Legend(title=_label("viz_mean_gap", lang), gradientLength=120),
            ),
            tooltip=tip,
        )
    )
    text = (
        alt.Chart(cells)
        .mark_text(fontSize=13, fontWeight=600)
        .encode(
            x=x,
            y=y,
            text="gap_text:N",
            color=alt.condition("datum.strong", alt.value("white"), alt.value(INK)),
            tooltip=tip,
        )
    )
    chart = alt.layer(rect, text).properties(
        width=max(260, 130 * len(stage_order)),
        height=max(80, 48 * len(tp_order)),
        title=_title(journey, lang, "viz_gap_heatmap"),
    )
    return apply_theme(chart)
