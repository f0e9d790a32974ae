"""What every exporter shows, computed once: rows of steps, aggregates, labels."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.journey import Journey, StepEvaluation

__all__ = [
    "STEP_COLUMNS",
    "AggregateRow",
    "BlueprintRow",
    "DesignFlowTable",
    "StepRow",
    "aggregate_rows",
    "blueprint_rows",
    "check_journey",
    "design_flow_table",
    "fmt_number",
    "fmt_signed",
    "mermaid_score",
    "resolve_lang",
    "stage_groups",
    "step_rows",
]


def check_journey(journey: Any, argument: str = "journey") -> Journey:
    """Return ``journey`` if it is a :class:`Journey`, else raise :class:`CxkitError`."""
    if not isinstance(journey, Journey):
        raise CxkitError(
            f"`{argument}` must be a cxkit Journey (see cxkit.load_journey), "
            f"got {type(journey).__name__}"
        )
    return journey


def fmt_number(value: float | None, digits: int = 2) -> str:
    """A number for tables: integers without decimals, others rounded; ``—`` for none.

    Examples
    --------
    >>> fmt_number(6.0), fmt_number(0.53333), fmt_number(None), fmt_number(-0.0)
    ('6', '0.53', '—', '0')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    rounded = round(float(value), digits)
    if rounded == 0:
        return "0"
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{digits}f}".rstrip("0").rstrip(".")


def fmt_signed(value: float | None) -> str:
    """A gap with its sign: ``+3``, ``-2``, ``0``.

    Examples
    --------
    >>> fmt_signed(3.0), fmt_signed(-2.0), fmt_signed(0.0), fmt_signed(None)
    ('+3', '-2', '0', '—')
    """
    text = fmt_number(value)
    if value is not None and text not in ("0", "—") and not text.startswith("-"):
        return "+" + text
    return text


def mermaid_score(evaluation: StepEvaluation) -> int:
    """The 1–5 score of a step in a Mermaid ``journey`` diagram.

    With a valence ``s`` (sat-points): ``clip(floor(3 + s/2 + 0.5), 1, 5)`` — meeting
    the expectation (``s = 0``) is 3, each 2 sat-points is one face, half-points round
    up. Without a valence, an explicit emotion maps to 2 (dissatisfied), 3 (satisfied)
    or 4 (delighted), and a step with neither is 3.

    Examples
    --------
    >>> import cxkit as cx
    >>> ev = cx.load_journey("billing_inquiry").evaluate()
    >>> [mermaid_score(s) for s in ev.steps]  # valences -4, -6, 0, +3
    [1, 1, 3, 5]
    """
    if evaluation.valence is not None:
        raw = math.floor(3 + evaluation.valence / 2 + 0.5)
        return int(min(max(raw, 1), 5))
    if evaluation.emotion is not None:
        return {"dissatisfied": 2, "satisfied": 3, "delighted": 4}[evaluation.emotion.value]
    return 3


#: Label keys of the step table's columns, as Markdown and HTML show them.
STEP_COLUMNS = (
    "export_step_no",
    "touchpoint",
    "action",
    "expectation",
    "experience",
    "disconfirmation",
    "emotion",
    "effort",
    "evidence",
)


@dataclass(frozen=True)
class StepRow:
    """One step as the exporters show it (labels not yet escaped)."""

    number: int
    stage_id: str
    stage: str
    touchpoint: str
    channel: str
    action: str
    expectation: str
    experience: str
    gap: str
    emotion: str
    effort: str
    evidence: str
    pain_points: tuple[str, ...]
    opportunities: tuple[str, ...]
    score: int
    frontstage: tuple[str, ...] = ()
    backstage: tuple[str, ...] = ()
    support: tuple[str, ...] = ()


def step_rows(journey: Journey, lang: str) -> list[StepRow]:
    """The steps of ``journey`` with their evaluation, formatted for display."""
    stages = {s.id: s.display for s in journey.stages}
    rows = []
    for ev in journey.evaluate().steps:
        s = ev.step
        graph = journey.graph
        if graph.has_touchpoint(s.touchpoint):
            tp = graph.touchpoint(s.touchpoint)
            tp_label, channel = tp.display, _channel_label(journey, tp.channel, lang)
        else:
            tp_label, channel = s.touchpoint, ""
        emotion = ev.emotion.label(lang) if ev.emotion is not None else "—"
        if ev.emotion_source == "explicit":
            emotion += f" ({label('viz_explicit', lang)})"
        rows.append(
            StepRow(
                number=ev.index + 1,
                stage_id=s.stage,
                stage=stages.get(s.stage, s.stage),
                touchpoint=tp_label,
                channel=channel,
                action=s.action,
                expectation=fmt_number(ev.expectation),
                experience=fmt_number(ev.experience),
                gap=fmt_signed(ev.disconfirmation),
                emotion=emotion,
                effort=fmt_number(s.effort),
                evidence=s.evidence.label(lang),
                pain_points=tuple(s.pain_points),
                opportunities=tuple(s.opportunities),
                score=mermaid_score(ev),
                frontstage=tuple(s.frontstage),
                backstage=tuple(s.backstage),
                support=tuple(s.support),
            )
        )
    return rows


def _channel_label(journey: Journey, channel_id: str, lang: str) -> str:
    try:
        return journey.graph.channel(channel_id).label(lang)
    except CxkitError:
        return channel_id


def stage_groups(
    journey: Journey, rows: list[StepRow]
) -> list[tuple[str, str | None, list[StepRow]]]:
    """``(stage label, stage description, rows)`` in stage order; stages without steps
    are kept, steps on undeclared stages come last, in order of appearance."""
    groups: dict[str, tuple[str, str | None, list[StepRow]]] = {
        s.id: (s.display, s.description, []) for s in journey.stages
    }
    for row in rows:
        groups.setdefault(row.stage_id, (row.stage, None, []))[2].append(row)
    return list(groups.values())


@dataclass(frozen=True)
class BlueprintRow:
    """One row of a service-blueprint table: a lane, or a line between lanes.

    ``kind`` is ``"lane"`` (``cells``: one text per step, lines joined with a line
    break by the exporter) or ``"line"`` (the line of interaction or of visibility,
    ``cells`` empty).
    """

    kind: str
    label: str
    cells: tuple[tuple[str, ...], ...] = ()


def blueprint_rows(items: list[StepRow], lang: str) -> list[BlueprintRow]:
    """The service blueprint of some steps (a stage): customer actions, the line of
    interaction, frontstage, the line of visibility, backstage and support processes
    (Shostack 1984; Bitner, Ostrom & Morgan 2008), one column per step.

    Empty when none of the steps has a frontstage, backstage or support entry.

    Examples
    --------
    >>> import cxkit as cx
    >>> rows = step_rows(cx.load_journey("complaint_recovery_ja"), "en")
    >>> [r.label for r in blueprint_rows(rows, "en")][:4]
    ['Customer actions', 'Line of interaction', 'Frontstage', 'Line of visibility']
    >>> blueprint_rows(step_rows(cx.load_journey("billing_inquiry"), "en"), "en")
    []
    """
    if not any(r.frontstage or r.backstage or r.support for r in items):
        return []

    def lane(key: str, field: str) -> BlueprintRow:
        return BlueprintRow("lane", label(key, lang), tuple(getattr(r, field) for r in items))

    actions = tuple((r.action,) if r.action else () for r in items)
    return [
        BlueprintRow("lane", label("export_customer_actions", lang), actions),
        BlueprintRow("line", label("line_of_interaction", lang)),
        lane("blueprint_frontstage", "frontstage"),
        BlueprintRow("line", label("line_of_visibility", lang)),
        lane("blueprint_backstage", "backstage"),
        lane("blueprint_support", "support"),
    ]


@dataclass(frozen=True)
class AggregateRow:
    """One line of the journey aggregates table."""

    key: str
    label: str
    value: str


def aggregate_rows(journey: Journey, lang: str) -> list[AggregateRow]:
    """Peak, end, peak-end, mean, recency, remembered score and class, synthetic survey
    answers and the effort breakdown (model reference §1.3, §3.4)."""
    ev = journey.evaluate()
    rows: list[AggregateRow] = []
    agg = ev.aggregate
    if agg is not None:
        for key, value in (
            ("peak", agg.peak),
            ("end", agg.end),
            ("peak_end", agg.peak_end),
            ("mean", agg.mean),
            ("recency", agg.recency),
            ("remembered", agg.score),
        ):
            rows.append(AggregateRow(key, label(key, lang), fmt_number(value)))
        emotion = agg.emotion.label(lang)
        rows.append(AggregateRow("journey_emotion", label("journey_emotion", lang), emotion))
        rows.append(AggregateRow("csat", label("csat", lang), str(agg.csat5)))
        rows.append(AggregateRow("nps", label("nps", lang), str(agg.nps10)))
    eff = ev.effort
    rows.append(AggregateRow("ces", label("ces", lang), fmt_number(eff.ces5)))
    for key, value in (
        ("switches", eff.switches),
        ("reexplanations", eff.reexplanations),
        ("transfers", eff.transfers),
        ("repeat_contacts", eff.repeat_contacts),
        ("excess_wait", eff.excess_wait_minutes),
    ):
        rows.append(AggregateRow(key, label(key, lang), fmt_number(value)))
    return rows


@dataclass(frozen=True)
class DesignFlowTable:
    """The design-time / flow-time table of an export, as text cells.

    ``rows`` are ``(key, label, design, flow)``; ``notes`` explain the columns;
    ``reasons`` say why the two differ (empty on a single path, where
    ``notes`` says they are equal).
    """

    header: tuple[str, str, str]
    rows: tuple[tuple[str, str, str, str], ...]
    notes: tuple[str, ...]
    reasons: tuple[str, ...]
    why: str


def _dv_cell(row: Any, value: float | None, na: Any, lang: str) -> str:
    if value is None:
        return na.message(lang) if na is not None else "—"
    if row.key == "fcr":
        return fmt_number(100 * value, 1) + " %"
    return fmt_number(value)


def design_flow_table(journey: Journey, lang: str) -> DesignFlowTable:
    """Each metric's design-time figure (the designed steps) beside its flow-time figure
    (every customer: :func:`cxkit.sim.design_flow.design_vs_flow`), and why they differ.

    Examples
    --------
    >>> import cxkit as cx
    >>> t = design_flow_table(cx.load_journey("billing_inquiry"), "en")
    >>> t.rows[1]
    ('effort_index', 'Effort index (before clipping)', '2.5', '1.75')
    """
    from cxkit.sim.design_flow import design_vs_flow

    dv = design_vs_flow(journey)
    header = (
        label("export_measure", lang),
        f"{label('dv_design', lang)} ({label('dv_design_time', lang)})",
        f"{label('dv_flow', lang)} ({label('dv_flow_time', lang)})",
    )
    rows = tuple(
        (
            r.key,
            r.label(lang),
            _dv_cell(r, r.design, r.design_na, lang),
            _dv_cell(r, r.flow, r.flow_na, lang),
        )
        for r in dv.rows
    )
    notes = [
        label("dv_explain", lang),
        label("dv_mc_note", lang).format(n=f"{dv.n_customers:,}", seed=dv.seed),
    ]
    if dv.error is not None:
        notes.append(label("dv_unavailable", lang).format(error=dv.error))
    elif dv.single_path:
        notes.append(label("dv_equal", lang))
    return DesignFlowTable(header, rows, tuple(notes), tuple(dv.why(lang)), label("dv_why", lang))
