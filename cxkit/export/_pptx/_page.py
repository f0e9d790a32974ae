"""One slide per page of the journey map: stage headers, then lanes of step columns.

The steps on a slide are one page of :func:`cxkit.viz.paging.stage_pages`. Top to
bottom: the stage headers (a continued stage is marked), the step captions, the
touchpoints coloured by channel, the emotion curve (emotion-coloured points joined by
connectors, on one scale for the whole deck), expected → experienced, pain points,
opportunities and, when the journey has a service blueprint, frontstage, the dashed
line of visibility, backstage and support processes. Lane heights come from the
text they hold; what does not fit is shortened and kept whole in the slide notes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cxkit.core.i18n import label
from cxkit.core.journey import Journey, StepEvaluation
from cxkit.core.model import BLUEPRINT_LANES
from cxkit.export._common import fmt_number, fmt_signed
from cxkit.export._pptx._text import (
    PAD_X,
    SLIDE_H,
    SLIDE_W,
    Canvas,
    Notes,
    Run,
    box_height,
    fit_lines,
    text_width,
)
from cxkit.viz import theme
from cxkit.viz.paging import StagePage

__all__ = ["DeckContext", "page_slide"]

MARGIN = 20.0
LABEL_W = 104.0
CONTENT_X = MARGIN + LABEL_W + 4
CONTENT_W = SLIDE_W - MARGIN - CONTENT_X
GAP = 4.0
SIZE = 10.0  # body text: legible on a projected slide and printed on A4
LANES_BOTTOM = SLIDE_H - 32
STAGE_FILL = "#3A4B5C"
LANE_FILL = "#EEF1F4"
CAPTION_FILL = "#F6F6F6"
PAIN = ("#FBECEA", theme.EMOTION_TEXT_COLORS["dissatisfied"])
OPPORTUNITY = ("#E5F4EE", "#00704F")
BLUEPRINT_FILL = "#F3F0FA"
_EMOTION_MIN, _EMOTION_MAX = 48.0, 150.0
#: Share of the lines each text lane gets when space is short: captions first.
_WEIGHT = {"action": 2.0, "pain": 1.25, "opp": 1.25}
_VISIBILITY_H = 20.0


@dataclass(frozen=True)
class DeckContext:
    """What every slide of one deck shares."""

    journey: Journey
    lang: str
    steps: tuple[StepEvaluation, ...]
    valence_range: tuple[float, float]
    blueprint: bool
    n_pages: int

    def tp_label(self, touchpoint: str) -> tuple[str, str]:
        """(touchpoint label, channel id) of a step's touchpoint."""
        g = self.journey.graph
        if g.has_touchpoint(touchpoint):
            tp = g.touchpoint(touchpoint)
            return tp.display, tp.channel
        return touchpoint, touchpoint


@dataclass
class Cell:
    """The text of one step in one lane."""

    texts: Sequence[str]
    fill: str | None = None
    color: str = theme.INK
    bullet: str = ""
    align: str = "l"
    bold_first: str = ""


@dataclass
class Lane:
    """A row of the map: its title and one cell per column (``None``: empty)."""

    key: str
    title: str
    cells: list[Cell | None] = field(default_factory=list)
    kind: str = "text"  # "text", "emotion" or "visibility"


def _ink_on(fill: str) -> str:
    r, g, b = (int(fill.lstrip("#")[k : k + 2], 16) / 255 for k in (0, 2, 4))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#FFFFFF" if lum < 0.5 else theme.INK


def _lanes(ctx: DeckContext, evs: list[StepEvaluation]) -> list[Lane]:
    lang = ctx.lang
    lanes = [Lane("action", label("action", lang)), Lane("touchpoint", label("touchpoint", lang))]
    lanes += [Lane("emotion", label("viz_emotion_curve", lang), kind="emotion")]
    lanes += [Lane("gap", label("pptx_expect_experience", lang))]
    lanes += [Lane("pain", label("pain_points", lang)), Lane("opp", label("opportunities", lang))]
    if ctx.blueprint:
        lanes.append(Lane("frontstage", label("pptx_frontstage", lang)))
        lanes.append(Lane("visibility", label("pptx_line_of_visibility", lang), kind="visibility"))
        lanes += [Lane(k, label(f"pptx_{k}", lang)) for k in BLUEPRINT_LANES[1:]]
    for ev in evs:
        s = ev.step
        number = f"{ev.index + 1}. "
        lanes[0].cells.append(Cell([number + s.action], CAPTION_FILL, bold_first=number))
        tp, channel = ctx.tp_label(s.touchpoint)
        fill = theme.channel_color(channel)
        lanes[1].cells.append(Cell([tp], fill, _ink_on(fill), align="c"))
        lanes[3].cells.append(_gap_cell(ev))
        lanes[4].cells.append(
            Cell(s.pain_points, PAIN[0], PAIN[1], "• ") if s.pain_points else None
        )
        opp = Cell(s.opportunities, OPPORTUNITY[0], OPPORTUNITY[1], "• ")
        lanes[5].cells.append(opp if s.opportunities else None)
        for lane in lanes[6:]:
            if lane.kind == "text":
                texts = getattr(s, lane.key)
                lane.cells.append(Cell(texts, BLUEPRINT_FILL, bullet="• ") if texts else None)
    return lanes


def _gap_cell(ev: StepEvaluation) -> Cell | None:
    if ev.expectation is None and ev.experience is None:
        return None
    text = f"{fmt_number(ev.expectation)} → {fmt_number(ev.experience)}"
    color = theme.INK
    if ev.disconfirmation is not None:
        text += f"  ({fmt_signed(ev.disconfirmation)})".replace("-", "−")
        if ev.disconfirmation < 0:
            color = theme.EMOTION_TEXT_COLORS["dissatisfied"]
        elif ev.disconfirmation > 0:
            color = theme.EMOTION_TEXT_COLORS["satisfied"]
    return Cell([text.replace("-", "−")], color=color, align="c")


def _lines_needed(lane: Lane, col_w: float) -> int:
    need = [
        sum(map(len, fit_lines(c.texts, col_w - GAP, SIZE, bullet=c.bullet)[0]))
        for c in lane.cells
        if c is not None
    ]
    return max(need, default=1)


def _allocate(lanes: list[Lane], col_w: float, space: float) -> dict[str, float]:
    """Height of every lane: text lanes as tall as their text, capped alike to fit ``space``."""
    text = [ln for ln in lanes if ln.kind == "text"]
    own = {ln.key: _lines_needed(ln, col_w) for ln in text}
    title = {ln.key: len(fit_lines([ln.title], LABEL_W, SIZE)[0][0]) for ln in lanes}
    fixed = sum(_VISIBILITY_H for ln in lanes if ln.kind == "visibility")
    budget = space - fixed - _EMOTION_MIN - GAP * (len(lanes) - 1)
    cap = float(max(own.values(), default=1))

    def lines(key: str, c: float) -> int:
        return max(min(own[key], int(c * _WEIGHT.get(key, 1.0))), title[key], 1)

    while cap > 1 and sum(box_height(lines(k, cap), SIZE) for k in own) > budget:
        cap -= 0.25
    heights = {k: box_height(lines(k, cap), SIZE) for k in own}
    spare = budget - sum(heights.values())
    heights["emotion"] = min(_EMOTION_MIN + max(spare, 0.0), _EMOTION_MAX)
    heights["emotion"] = max(heights["emotion"], box_height(title["emotion"], SIZE))
    heights["visibility"] = max(_VISIBILITY_H, box_height(title.get("visibility", 1), SIZE))
    return heights


def _text_cell(cv: Canvas, cell: Cell, x: float, y: float, w: float, h: float) -> list[str]:
    """Draw ``cell``; returns its full texts when they had to be shortened."""
    max_lines = max(int((h - box_height(0, SIZE)) // (SIZE * 1.5)), 1)
    paragraphs, cut = fit_lines(cell.texts, w, SIZE, max_lines, bullet=cell.bullet)
    runs = []
    for lines in paragraphs:
        text = "\v".join(lines)
        if cell.bold_first and text.startswith(cell.bold_first):
            rest = text[len(cell.bold_first) :]
            runs.append(
                (
                    [
                        Run(cell.bold_first, SIZE, True, cell.color),
                        Run(rest, SIZE, False, cell.color),
                    ],
                    cell.align,
                )
            )
        else:
            runs.append(([Run(text, SIZE, color=cell.color)], cell.align))
    cv.box(x, y, w, h, runs, fill=cell.fill, anchor="m" if cell.align == "c" else "t")
    return list(cell.texts) if cut else []


def page_slide(prs: Any, ctx: DeckContext, page: StagePage, max_steps: int) -> Any:
    """Add the slide of ``page`` to ``prs`` and return it."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    notes = Notes()
    cv = Canvas(slide, ctx.lang)
    evs = [ctx.steps[i] for i in page.steps]
    col_w = CONTENT_W / max(len(evs), min(max_steps, 3), 1)
    _title(cv, ctx, page, notes)
    top = _stage_headers(cv, ctx, page, col_w, notes)
    lanes = _lanes(ctx, evs)
    heights = _allocate(lanes, col_w, LANES_BOTTOM - top)
    y = top
    for lane in lanes:
        h = heights[lane.key]
        if lane.kind != "visibility":
            _lane_title(cv, lane.title, y, h)
        if lane.kind == "emotion":
            _emotion_lane(cv, ctx, evs, y, h, col_w)
        elif lane.kind == "visibility":
            _visibility(cv, lane.title, y, h)
        for k, cell in enumerate(lane.cells):
            if cell is not None:
                full = _text_cell(cv, cell, CONTENT_X + k * col_w, y, col_w - GAP, h)
                if full:
                    step = label("pptx_step_n", ctx.lang).format(n=evs[k].index + 1)
                    notes.add(f"{step} · {lane.title}", full)
        y += h + GAP
    _legend(cv, ctx, evs)
    cv.flush()
    _write_notes(slide, ctx.lang, notes)
    return slide


def _title(cv: Canvas, ctx: DeckContext, page: StagePage, notes: Notes) -> None:
    title = ctx.journey.title or ctx.journey.id
    number = label("pptx_page", ctx.lang).format(n=page.number + 1, total=ctx.n_pages + 2)
    w = SLIDE_W - 2 * MARGIN - 70
    (lines,), cut = fit_lines([title], w, 14, max_lines=1)
    if cut:
        notes.add(label("title", ctx.lang), [title])
    cv.box(MARGIN, 12, w, box_height(1, 14), [([Run(lines[0], 14, True)], "l")])
    cv.box(
        SLIDE_W - MARGIN - 66,
        14,
        66,
        box_height(1, SIZE),
        [([Run(number, SIZE, color=theme.MUTED)], "r")],
    )


def _stage_headers(
    cv: Canvas, ctx: DeckContext, page: StagePage, col_w: float, notes: Notes
) -> float:
    """Draw the stage headers; returns where the lanes begin."""
    stages = {s.id: s.display for s in ctx.journey.stages}
    parts: list[tuple[str, int, int]] = []  # (stage id, first column, columns)
    for k, i in enumerate(page.steps):
        sid = ctx.steps[i].step.stage
        if parts and parts[-1][0] == sid:
            parts[-1] = (sid, parts[-1][1], parts[-1][2] + 1)
        else:
            parts.append((sid, k, 1))
    texts = []
    for j, (sid, _, _) in enumerate(parts):
        text = stages.get(sid, sid)
        if j == 0 and page.continued_from_previous:
            text += " " + label("pptx_continued", ctx.lang)
        if j == len(parts) - 1 and page.continues_on_next:
            text += "  " + label("pptx_continues", ctx.lang)
        texts.append(text)
    y = 12 + box_height(1, 14) + 6
    need = max(
        (
            len(fit_lines([t], n * col_w - GAP, 11)[0][0])
            for t, (_, _, n) in zip(texts, parts, strict=True)
        ),
        default=1,
    )
    lines = min(need, 2)
    h = box_height(lines, 11)
    cv.box(
        MARGIN,
        y,
        LABEL_W,
        h,
        [([Run(label("stage", ctx.lang), SIZE, True)], "l")],
        fill=LANE_FILL,
        anchor="m",
    )
    for text, (_, first, n) in zip(texts, parts, strict=True):
        (wrapped,), cut = fit_lines([text], n * col_w - GAP, 11, max_lines=lines)
        if cut:
            notes.add(label("stage", ctx.lang), [text])
        cv.box(
            CONTENT_X + first * col_w,
            y,
            n * col_w - GAP,
            h,
            [([Run("\v".join(wrapped), 11, True, "#FFFFFF")], "l")],
            fill=STAGE_FILL,
            anchor="m",
        )
    return y + h + GAP


def _lane_title(cv: Canvas, title: str, y: float, h: float) -> None:
    (lines,), _ = fit_lines([title], LABEL_W, SIZE)
    cv.box(
        MARGIN,
        y,
        LABEL_W,
        h,
        [([Run("\v".join(lines), SIZE, True)], "l")],
        fill=LANE_FILL,
        anchor="m",
    )


def _emotion_lane(
    cv: Canvas, ctx: DeckContext, evs: list[StepEvaluation], y: float, h: float, col_w: float
) -> None:
    lo, hi = ctx.valence_range
    pad, r = 8.0, 5.0

    def ypos(v: float) -> float:
        return y + pad + (hi - v) / (hi - lo) * (h - 2 * pad)

    cv.line(
        CONTENT_X,
        ypos(0.0),
        CONTENT_X + len(evs) * col_w - GAP,
        ypos(0.0),
        color="#B0B0B0",
        width=0.75,
        dashed=True,
    )
    points = [
        (CONTENT_X + k * col_w + (col_w - GAP) / 2, ypos(ev.valence), ev)
        for k, ev in enumerate(evs)
        if ev.valence is not None
    ]
    for (x1, y1, _), (x2, y2, _) in itertools.pairwise(points):
        cv.line(x1, y1, x2, y2, color="#5A5A5A", width=1.5)
    for x, yy, ev in points:
        kind = ev.emotion.value if ev.emotion is not None else "satisfied"
        cv.box(
            x - r,
            yy - r,
            2 * r,
            2 * r,
            fill=theme.EMOTION_COLORS[kind],
            line="#FFFFFF",
            shape="oval",
        )


def _visibility(cv: Canvas, title: str, y: float, h: float) -> None:
    mid = y + h / 2
    cv.line(MARGIN, mid, SLIDE_W - MARGIN, mid, color=theme.INK, width=1.25, dashed=True)
    w = text_width(title, SIZE) + 2 * PAD_X + 8
    cv.box(
        SLIDE_W - MARGIN - w,
        mid - box_height(1, SIZE) / 2,
        w,
        box_height(1, SIZE),
        [([Run(title, SIZE, True)], "c")],
        fill="#FFFFFF",
        anchor="m",
    )


def _legend(cv: Canvas, ctx: DeckContext, evs: list[StepEvaluation]) -> None:
    items: list[tuple[str, str, Any]] = []
    for ev in evs:
        _, channel = ctx.tp_label(ev.step.touchpoint)
        try:
            name = ctx.journey.graph.channel(channel).label(ctx.lang)
        except Exception:  # noqa: BLE001 - a touchpoint off the graph: its id
            name = channel
        item = (name, theme.channel_color(channel), "rect")
        if item not in items:
            items.append(item)
    items += [(label(k, ctx.lang), theme.EMOTION_COLORS[k], "oval") for k in theme.EMOTION_ORDER]
    x, y, h = CONTENT_X, SLIDE_H - 24, box_height(1, SIZE)
    for name, color, shape in items:
        w = text_width(name, SIZE) + 2 * PAD_X + 6
        if x + 12 + w > SLIDE_W - MARGIN:
            break
        cv.box(x, y + h / 2 - 4.5, 9, 9, fill=color, shape=shape)
        cv.box(x + 11, y, w, h, [([Run(name, SIZE, color=theme.MUTED)], "l")], anchor="m")
        x += 11 + w + 8


def _write_notes(slide: Any, lang: str, notes: Notes) -> None:
    if not notes.lines:
        return
    frame = slide.notes_slide.notes_text_frame
    frame.text = "\n".join([label("pptx_full_texts", lang), *notes.lines])
