"""The overview slide (title, persona, stages, the whole emotion curve, headline KPIs)
and the summary slide (the journey's KPIs and its biggest pain points)."""

from __future__ import annotations

from typing import Any

from cxkit.core.i18n import label
from cxkit.export._common import aggregate_rows, fmt_number
from cxkit.export._pptx._page import MARGIN, SIZE, STAGE_FILL, DeckContext, _write_notes
from cxkit.export._pptx._text import (
    FONT,
    SLIDE_H,
    SLIDE_W,
    Canvas,
    Notes,
    Run,
    box_height,
    emu,
    fit_lines,
)
from cxkit.viz import theme
from cxkit.viz.paging import map_order

__all__ = ["overview_slide", "summary_slide"]

_WIDTH = SLIDE_W - 2 * MARGIN


def _heading(cv: Canvas, text: str, sub: str, notes: Notes, lang: str) -> float:
    """Title (and a muted line under it); returns where the content begins."""
    (lines,), cut = fit_lines([text], _WIDTH, 20, max_lines=2)
    if cut:
        notes.add(label("title", lang), [text])
    h = box_height(len(lines), 20)
    cv.box(MARGIN, 14, _WIDTH, h, [([Run("\v".join(lines), 20, True)], "l")])
    y = 14 + h
    if sub:
        (sub_lines,), cut = fit_lines([sub], _WIDTH, 12, max_lines=2)
        if cut:
            notes.add(label("persona", lang), [sub])
        sh = box_height(len(sub_lines), 12)
        cv.box(MARGIN, y, _WIDTH, sh, [([Run("\v".join(sub_lines), 12, color=theme.MUTED)], "l")])
        y += sh
    return y + 8


def _persona_line(ctx: DeckContext) -> str:
    p = ctx.journey.persona
    if p is None or not (p.name or p.description):
        return ""
    text = f"{label('persona', ctx.lang)}: {p.name}"
    return text + (f" — {p.description.strip()}" if p.description else "")


def _stage_strip(cv: Canvas, ctx: DeckContext, y: float, notes: Notes) -> float:
    counts: dict[str, int] = {}
    for st in ctx.journey.steps:
        counts[st.stage] = counts.get(st.stage, 0) + 1
    stages = [(s.display, counts.get(s.id, 0)) for s in ctx.journey.stages] or [("—", 0)]
    w = _WIDTH / len(stages)
    steps = label("steps", ctx.lang)
    need = max(len(fit_lines([name], w - 18, SIZE)[0][0]) for name, _ in stages)
    lines = min(need, 3)
    h = box_height(lines + 1, SIZE)
    for k, (name, n) in enumerate(stages):
        (wrapped,), cut = fit_lines([name], w - 18, SIZE, max_lines=lines)
        if cut:
            notes.add(label("stage", ctx.lang), [name])
        # the arrow, then its text in a plain box over the arrow's body (a preset's own
        # text area differs between PowerPoint and LibreOffice)
        cv.box(MARGIN + k * w, y, w - 2, h, fill=STAGE_FILL, shape="arrow", arrow=min(0.5, 8.0 / h))
        body = [
            ([Run("\v".join(wrapped), SIZE, True, "#FFFFFF")], "l"),
            ([Run(f"{n} {steps}", SIZE, False, "#FFFFFF")], "l"),
        ]
        cv.box(MARGIN + k * w, y, w - 18, h, body, anchor="m")
    return y + h + 8


def _curve_chart(slide: Any, ctx: DeckContext, y: float, h: float) -> Any:
    """A native line chart of the valence of every step, points coloured by emotion."""
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import (
        XL_CHART_TYPE,
        XL_LEGEND_POSITION,
        XL_MARKER_STYLE,
        XL_TICK_LABEL_POSITION,
    )
    from pptx.util import Pt

    order = map_order(ctx.journey)
    data = CategoryChartData()
    data.categories = [str(i + 1) for i in order]
    data.add_series(label("valence", ctx.lang), [ctx.steps[i].valence for i in order])
    # one marker-only series per emotion class, so that every viewer (PowerPoint,
    # LibreOffice, Keynote) colours the points, and the legend names the classes
    valences = [ctx.steps[i].valence for i in order]
    kinds = [_kind(ctx.steps[i]) for i in order]
    for kind in theme.EMOTION_ORDER:
        values = [v if k == kind else None for v, k in zip(valences, kinds, strict=True)]
        data.add_series(label(kind, ctx.lang), values)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.LINE_MARKERS, emu(MARGIN), emu(y), emu(_WIDTH), emu(h), data
    )
    chart = frame.chart
    chart.has_title = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.font.size = Pt(SIZE)
    chart.font.name = FONT
    line, *classes = chart.plots[0].series
    line.smooth = False
    line.marker.style = XL_MARKER_STYLE.NONE
    line.format.line.color.rgb = _rgb("#5A5A5A")
    line.format.line.width = Pt(1.75)
    for series, kind in zip(classes, theme.EMOTION_ORDER, strict=True):
        color = _rgb(theme.EMOTION_COLORS[kind])
        series.smooth = False
        series.format.line.fill.background()
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 8
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = color
        series.marker.format.line.color.rgb = color
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("#E6E6E6")
    axis.axis_title.text_frame.text = label("valence", ctx.lang)
    chart.category_axis.axis_title.text_frame.text = label("step", ctx.lang)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    return chart


def _kind(ev: Any) -> str:
    return ev.emotion.value if ev.emotion is not None else "satisfied"


def _rgb(color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(color.lstrip("#").upper())


def _kpi_cards(cv: Canvas, cards: list[tuple[str, str, str]], y: float) -> None:
    w = _WIDTH / len(cards)
    need = max(len(fit_lines([name], w - 6, SIZE)[0][0]) for name, _, _ in cards)
    h = box_height(1, 22) + box_height(need, SIZE)
    for k, (name, value, color) in enumerate(cards):
        (lines,), _ = fit_lines([name], w - 6, SIZE)
        cv.box(
            MARGIN + k * w,
            y,
            w - 6,
            h,
            [
                ([Run(value, 22, True, color)], "l"),
                ([Run("\v".join(lines), SIZE, color=theme.MUTED)], "l"),
            ],
            fill="#F6F6F6",
        )


def overview_slide(prs: Any, ctx: DeckContext) -> Any:
    """The first slide: title, persona, stages, the whole emotion curve, headline KPIs."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    notes = Notes()
    cv = Canvas(slide, ctx.lang)
    j, lang = ctx.journey, ctx.lang
    y = _heading(cv, j.title or j.id, _persona_line(ctx), notes, lang)
    y = _stage_strip(cv, ctx, y, notes)
    rows = {r.key: r for r in aggregate_rows(j, lang)}
    cards = [(label("steps", lang), str(len(j.steps)), theme.INK)]
    cards.append((label("touchpoints", lang), str(len(j.graph.touchpoints)), theme.INK))
    if "remembered" in rows:
        agg = j.evaluate().aggregate
        color = theme.EMOTION_TEXT_COLORS[agg.emotion.value] if agg is not None else theme.INK
        cards.append((rows["remembered"].label, rows["remembered"].value.replace("-", "−"), color))
        cards.append((rows["journey_emotion"].label, rows["journey_emotion"].value, color))
    cards.append((rows["ces"].label, rows["ces"].value, theme.INK))
    card_h = box_height(1, 22) + box_height(2, SIZE)
    chart_h = SLIDE_H - 20 - card_h - 8 - y
    _kpi_cards(cv, cards, SLIDE_H - 20 - card_h)
    cv.flush()
    _curve_chart(slide, ctx, y, chart_h)
    cv.flush()
    _write_notes(slide, lang, notes)
    return slide


def _kpi_rows(ctx: DeckContext) -> list[tuple[str, str]]:
    """(label, value) of every journey KPI, as ``cxkit show`` prints them; first-contact
    resolution (all customers, the exact chain, as in ``cxkit show``) where it applies."""
    from cxkit.core.errors import SimulationError
    from cxkit.sim.exact import exact

    rows = [(r.label, r.value.replace("-", "−")) for r in aggregate_rows(ctx.journey, ctx.lang)]
    try:
        fcr = exact(ctx.journey).fcr
    except SimulationError:  # customers who never reach an outcome: no chain figure
        fcr = None
    if fcr is not None:
        name = f"{label('sim_fcr', ctx.lang)} ({label('dv_flow', ctx.lang)})"
        rows.append((name, fmt_number(100 * fcr, 1) + " %"))
    return rows


def _kpi_table(cv: Canvas, rows: list[tuple[str, str]], y: float, w: float) -> float:
    """A native table of (label, value) rows; returns its height."""
    row_h = box_height(1, SIZE) + 2
    widths = (round(w * 0.72), w - round(w * 0.72))
    cells = []
    for r, (name, value) in enumerate(rows):
        tcs = []
        for c, text in enumerate((name, value)):
            paragraph = cv.paragraphs([([Run(text, SIZE, c == 1)], "l" if c == 0 else "r")])
            fill = (
                f'<a:solidFill><a:srgbClr val="{"EEF1F4" if r % 2 else "F8F9FA"}"/></a:solidFill>'
            )
            tcs.append(
                f"<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>{paragraph}</a:txBody>"
                f'<a:tcPr marL="{emu(4)}" marR="{emu(4)}" marT="{emu(1)}" marB="{emu(1)}" '
                f'anchor="ctr">{fill}</a:tcPr></a:tc>'
            )
        cells.append(f'<a:tr h="{emu(row_h)}">{"".join(tcs)}</a:tr>')
    grid = "".join(f'<a:gridCol w="{emu(x)}"/>' for x in widths)
    h = row_h * len(rows)
    cv.raw(
        '<p:graphicFrame xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        "<p:nvGraphicFramePr>{ID}<p:cNvGraphicFramePr>"
        '<a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>'
        f'<p:xfrm><a:off x="{emu(MARGIN)}" y="{emu(y)}"/><a:ext cx="{emu(w)}" cy="{emu(h)}"/>'
        "</p:xfrm><a:graphic><a:graphicData "
        'uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblPr/>'
        f"<a:tblGrid>{grid}</a:tblGrid>{''.join(cells)}</a:tbl></a:graphicData></a:graphic>"
        "</p:graphicFrame>"
    )
    return h


def _pain_lines(ctx: DeckContext) -> list[tuple[str, list[str]]]:
    """The steps furthest below their expectation (lowest valence, at most five)."""
    worst = sorted(
        (ev for ev in ctx.steps if ev.valence is not None and ev.valence < 0),
        key=lambda e: (e.valence, e.index),
    )
    out = []
    for ev in worst[:5]:
        tp, _ = ctx.tp_label(ev.step.touchpoint)
        step = label("pptx_step_n", ctx.lang).format(n=ev.index + 1)
        head = f"{step} · {tp} ({label('valence', ctx.lang)} {ev.valence:+.3g})"
        out.append((head.replace("-", "−"), [ev.step.action, *ev.step.pain_points]))
    return out


def summary_slide(prs: Any, ctx: DeckContext) -> Any:
    """The last slide: every KPI of the journey and its biggest pain points."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    notes = Notes()
    cv = Canvas(slide, ctx.lang)
    lang = ctx.lang
    y = _heading(cv, label("pptx_summary", lang), ctx.journey.title or ctx.journey.id, notes, lang)
    rows = _kpi_rows(ctx)
    left_w = 380.0
    _kpi_table(cv, rows, y, left_w)
    (foot,), cut = fit_lines([label("pptx_design_time_note", lang)], left_w, SIZE, max_lines=3)
    fh = box_height(len(foot), SIZE)
    cv.box(
        MARGIN,
        SLIDE_H - 14 - fh,
        left_w,
        fh,
        [([Run("\v".join(foot), SIZE, color=theme.MUTED)], "l")],
    )
    x = MARGIN + left_w + 24
    w = SLIDE_W - MARGIN - x
    cv.box(x, y, w, box_height(1, 14), [([Run(label("pptx_biggest_pains", lang), 14, True)], "l")])
    y += box_height(1, 14) + 4
    pains = _pain_lines(ctx)
    if not pains:
        cv.box(x, y, w, box_height(1, SIZE), [([Run(label("pptx_no_pains", lang), SIZE)], "l")])
    space = SLIDE_H - 14 - y
    per = max(int((space / max(len(pains), 1) - 6 - box_height(1, SIZE)) // (SIZE * 1.5)), 1)
    for head, texts in pains:
        (head_lines,), _ = fit_lines([head], w, SIZE, max_lines=1)
        paragraphs, cut = fit_lines(texts[:1], w, SIZE, max_lines=per)
        rest = per - sum(map(len, paragraphs))
        pp, cut2 = (
            fit_lines(texts[1:], w, SIZE, max_lines=max(rest, 0), bullet="• ")
            if texts[1:] and rest > 0
            else ([], bool(texts[1:]))
        )
        if cut or cut2:
            notes.add(head, texts)
        body = [([Run(head_lines[0], SIZE, True, theme.EMOTION_TEXT_COLORS["dissatisfied"])], "l")]
        body += [([Run("\v".join(p), SIZE)], "l") for p in paragraphs]
        body += [
            ([Run("\v".join(p), SIZE, color=theme.EMOTION_TEXT_COLORS["dissatisfied"])], "l")
            for p in pp
        ]
        n = 1 + sum(map(len, paragraphs)) + sum(map(len, pp))
        h = box_height(n, SIZE)
        cv.box(x, y, w, h, body, fill="#FBECEA")
        y += h + 6
    cv.flush()
    _write_notes(slide, lang, notes)
    return slide
