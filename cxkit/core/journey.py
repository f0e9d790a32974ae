"""The Journey: a persona, ordered stages and steps over a touchpoint graph.

A journey is immutable: every ``with_*`` / ``add_*`` / ``remove_*`` / ``move_*``
method returns a new journey and leaves the original untouched. Construction does
not validate; :meth:`Journey.validate` lists problems and :func:`cxkit.load_journey`
refuses a file with errors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from typing import Any

import networkx as nx

from cxkit.core import metrics
from cxkit.core.economics import Economics, Initiative
from cxkit.core.emotion import (
    JourneyEmotion,
    aggregate_valences,
    classify,
    disconfirmation,
    step_valence,
    wait_experience,
)
from cxkit.core.errors import CxkitError, Problem
from cxkit.core.graph import TouchpointGraph
from cxkit.core.model import (
    TEXT_LISTS,
    CallReason,
    Emotion,
    Handoff,
    Persona,
    Stage,
    Step,
    Touchpoint,
)
from cxkit.core.params import EffortParams, EmotionParams, ModelParams
from cxkit.core.suggest import unknown_message as _unknown

__all__ = ["EffortBreakdown", "Journey", "JourneyEvaluation", "StepEvaluation"]


@dataclass(frozen=True)
class StepEvaluation:
    """A step with its computed emotion (model reference §1.1).

    ``expectation`` and ``experience`` are the effective values (after call-reason
    and wait defaults); ``emotion`` is the explicit annotation when there is one,
    otherwise the computed class; ``emotion_source`` says which.
    """

    index: int
    step: Step
    expectation: float | None
    experience: float | None
    disconfirmation: float | None
    valence: float | None
    computed_emotion: Emotion | None
    emotion: Emotion | None
    emotion_source: str | None
    expected_wait_s: float

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready record (the ``steps`` entries of ``cxkit show --json``)."""
        s = self.step
        return {
            "index": self.index,
            "id": s.id,
            "stage": s.stage,
            "touchpoint": s.touchpoint,
            "action": s.action,
            "call_reason": s.call_reason,
            "expectation": self.expectation,
            "experience": self.experience,
            "disconfirmation": self.disconfirmation,
            "valence": self.valence,
            "computed_emotion": _emotion_value(self.computed_emotion),
            "emotion": _emotion_value(self.emotion),
            "emotion_label": self.emotion.label(lang) if self.emotion else None,
            "emotion_source": self.emotion_source,
            "effort": s.effort,
            "wait_s": s.wait_s,
            "expected_wait_s": self.expected_wait_s,
            "context_lost": s.context_lost,
            "transfer": s.transfer,
            "repeat_contact": s.repeat_contact,
            "pain_points": list(s.pain_points),
            "opportunities": list(s.opportunities),
            "evidence": s.evidence.value,
            "frontstage": list(s.frontstage),
            "backstage": list(s.backstage),
            "support": list(s.support),
        }


def _emotion_value(e: Emotion | None) -> str | None:
    return e.value if e is not None else None


@dataclass(frozen=True)
class EffortBreakdown:
    """The effort drivers along the designed steps and the CES they imply (model reference §3.4).

    These are the *design-time* figures (:mod:`cxkit.core.metrics`): the designed
    steps followed by one customer. Channel switches are counted between
    consecutive steps whose touchpoints are on different channels; repeated
    explanations, transfers and repeat contacts come from the steps' flags (a
    repeated explanation costs the effort of the hand-off into its touchpoint, else
    ``w_ri``); waits beyond the expected wait add per minute.

    Attributes
    ----------
    switches, reexplanations, transfers, repeat_contacts
        Counts along the designed steps.
    excess_wait_minutes
        Minutes waited beyond the expected waits (``excess_wait_s / 60``).
    ces5
        The effort index clipped to CES 1–5.
    effort_index
        The effort index before clipping.
    wait_s, excess_wait_s
        Seconds waited at the steps, and beyond their expected waits.
    reexplain_effort
        The effort (CES points) of the repeated explanations.
    """

    switches: int
    reexplanations: int
    transfers: int
    repeat_contacts: int
    excess_wait_minutes: float
    ces5: float
    effort_index: float = 1.0
    wait_s: float = 0.0
    excess_wait_s: float = 0.0
    reexplain_effort: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class JourneyEvaluation:
    """Per-step emotions, the journey aggregates and the effort of a journey."""

    steps: tuple[StepEvaluation, ...]
    aggregate: JourneyEmotion | None
    effort: EffortBreakdown

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict (``steps``, ``aggregate``, ``effort``)."""
        agg = self.aggregate
        return {
            "steps": [s.to_dict(lang) for s in self.steps],
            "aggregate": None
            if agg is None
            else {
                "n_steps_with_valence": agg.n_steps,
                "peak": agg.peak,
                "peak_step_index": self.steps_with_valence[agg.peak_index].index,
                "end": agg.end,
                "peak_end": agg.peak_end,
                "mean": agg.mean,
                "score": agg.score,
                "recency": agg.recency,
                "emotion": agg.emotion.value,
                "emotion_label": agg.emotion.label(lang),
                "csat5": agg.csat5,
                "nps10": agg.nps10,
            },
            "effort": self.effort.to_dict(),
        }

    @property
    def steps_with_valence(self) -> tuple[StepEvaluation, ...]:
        """The steps that have both an expectation and an experience."""
        return tuple(s for s in self.steps if s.valence is not None)


def _handoff_or_none(graph: TouchpointGraph, source: str | None, target: str) -> Handoff | None:
    if source is None:
        return None
    try:
        return graph.handoff(source, target)
    except CxkitError:
        return None


@dataclass(frozen=True, eq=False)
class Journey:
    """A designed customer journey over a touchpoint graph.

    Parameters
    ----------
    id, title
        Identification; ``id`` is a slug.
    graph
        The :class:`TouchpointGraph` (touchpoints, hand-offs, outcomes).
    stages, steps
        Ordered stages (map columns) and steps (moments).
    persona
        Who the journey is about.
    description
        Free text (Markdown allowed; escaped on export).
    language
        Language of the journey's own labels (``"en"``, ``"ja"``…).
    params
        Model parameters; defaults are the model reference's.
    economics, initiatives
        Inputs of the ROI model (:mod:`cxkit.roi`).
    tags
        Free keywords.
    source
        The file it was loaded from, if any (not part of its value).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> j.evaluate().aggregate.peak_end
    -1.5
    >>> j2 = j.with_step(3, experience=7.0)
    >>> j2.evaluate().aggregate.peak_end, j.evaluate().aggregate.peak_end
    (-3.0, -1.5)
    """

    id: str
    title: str = ""
    graph: TouchpointGraph = field(default_factory=TouchpointGraph)
    stages: tuple[Stage, ...] = ()
    steps: tuple[Step, ...] = ()
    persona: Persona | None = None
    description: str | None = None
    language: str = "en"
    params: ModelParams = field(default_factory=ModelParams)
    economics: Economics | None = None
    initiatives: tuple[Initiative, ...] = ()
    tags: tuple[str, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        for name in ("stages", "steps", "initiatives", "tags"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    # -- value semantics (source is not part of the value) --------------------------
    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "source")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Journey):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.id, self.title, self.steps))

    def __repr__(self) -> str:
        g = self.graph
        return (
            f"<Journey {self.id!r}: {len(self.stages)} stages, {len(self.steps)} steps, "
            f"{len(g.touchpoints)} touchpoints, {len(g.handoffs)} hand-offs, "
            f"{len(g.outcomes)} outcomes>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Show the journey map in notebooks (text if the map cannot be drawn)."""
        from cxkit.core.display import JOURNEY_RENDERER, mimebundle

        return mimebundle(self, JOURNEY_RENDERER, repr(self))

    # -- convenient views ------------------------------------------------------------
    @property
    def nx(self) -> nx.DiGraph:
        """The read-only networkx view of the touchpoint graph."""
        return self.graph.nx

    @property
    def touchpoints(self) -> tuple[Touchpoint, ...]:
        """The graph's touchpoints."""
        return self.graph.touchpoints

    @property
    def handoffs(self) -> tuple[Handoff, ...]:
        """The graph's hand-offs."""
        return self.graph.handoffs

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id."""
        for st in self.stages:
            if st.id == stage_id:
                return st
        raise CxkitError(_unknown("stage", stage_id, [s.id for s in self.stages]))

    def call_reason(self, reason_id: str) -> CallReason:
        """The call reason with this id."""
        for cr in self.graph.call_reasons:
            if cr.id == reason_id:
                return cr
        raise CxkitError(
            _unknown("call reason", reason_id, [c.id for c in self.graph.call_reasons])
        )

    def step_index(self, step: int | str) -> int:
        """Position of a step given by index (negative allowed) or id."""
        if isinstance(step, bool):
            raise CxkitError(f"step must be an index or an id, got {step!r}")
        if isinstance(step, int):
            n = len(self.steps)
            if not -n <= step < n:
                raise CxkitError(f"step index {step} is out of range; the journey has {n} steps")
            return step % n
        for i, s in enumerate(self.steps):
            if s.id == step:
                return i
        raise CxkitError(_unknown("step id", step, [s.id for s in self.steps if s.id]))

    def start_distribution(self) -> dict[str, float]:
        """Where customers start: ``graph.entry``, else the first step's touchpoint."""
        if self.graph.entry:
            return dict(self.graph.entry)
        for s in self.steps:
            if self.graph.has_touchpoint(s.touchpoint):
                return {s.touchpoint: 1.0}
        if self.graph.touchpoints:
            return {self.graph.touchpoints[0].id: 1.0}
        return {}

    # -- the emotion model -----------------------------------------------------------
    @cached_property
    def _evaluation(self) -> JourneyEvaluation:
        return self._evaluate()

    def evaluate(self) -> JourneyEvaluation:
        """Per-step disconfirmation, valence and emotion; journey aggregates; effort.

        Steps lacking an expectation or an experience have no valence and are
        left out of the aggregates; an explicit emotion still classifies them.
        """
        return self._evaluation

    def _effective_expectation(self, step: Step) -> float | None:
        if step.expectation is not None:
            return float(step.expectation)
        if step.call_reason:
            for cr in self.graph.call_reasons:
                if cr.id == step.call_reason and step.touchpoint in cr.expectations:
                    return float(cr.expectations[step.touchpoint])
        return None

    def _expected_wait(self, step: Step) -> float:
        if step.expected_wait_s is not None:
            return float(step.expected_wait_s)
        if step.call_reason:
            for cr in self.graph.call_reasons:
                if cr.id == step.call_reason and cr.expected_wait_s is not None:
                    return float(cr.expected_wait_s)
        return self.params.emotion.expected_wait_s

    def _evaluate(self) -> JourneyEvaluation:
        ep: EmotionParams = self.params.emotion
        evaluated: list[StepEvaluation] = []
        for i, step in enumerate(self.steps):
            e = self._effective_expectation(step)
            w_exp = self._expected_wait(step)
            p: float | None = None if step.experience is None else float(step.experience)
            if p is None and step.wait_s is not None and e is not None:
                p = wait_experience(e, step.wait_s, w_exp, ep)
            if e is not None and p is not None:
                d = disconfirmation(e, p)
                s = step_valence(e, p, ep)
                computed: Emotion | None = classify(d, ep)
            else:
                d = s = None
                computed = None
            if step.emotion is not None:
                emotion, source = step.emotion, "explicit"
            elif computed is not None:
                emotion, source = computed, "computed"
            else:
                emotion, source = None, None
            evaluated.append(StepEvaluation(i, step, e, p, d, s, computed, emotion, source, w_exp))
        valences = [s.valence for s in evaluated if s.valence is not None]
        aggregate = aggregate_valences(valences, ep) if valences else None
        return JourneyEvaluation(tuple(evaluated), aggregate, self._effort(evaluated))

    def _effort(self, evaluated: Sequence[StepEvaluation]) -> EffortBreakdown:
        fp: EffortParams = self.params.effort
        g = self.graph
        switches = 0
        reexplain = 0.0
        prev_channel: str | None = None
        prev_tp: str | None = None  # touchpoint of the previous designed visit
        here: str | None = None
        for s in self.steps:
            known = g.has_touchpoint(s.touchpoint)
            channel = g.touchpoint(s.touchpoint).channel if known else None
            if prev_channel is not None and channel is not None and channel != prev_channel:
                switches += 1
            if channel is not None:
                prev_channel = channel
            if known and (s.touchpoint != here or s.repeat_contact):
                prev_tp, here = here, s.touchpoint
            if s.context_lost:
                h = _handoff_or_none(g, prev_tp, s.touchpoint)
                cost = None if h is None else h.reexplain_effort
                reexplain += fp.w_reexplain if cost is None else float(cost)
        losses = sum(s.context_lost for s in self.steps)
        transfers = sum(s.transfer for s in self.steps)
        repeats = sum(s.repeat_contact for s in self.steps)
        waited = [ev for ev in evaluated if ev.step.wait_s is not None]
        wait = math.fsum(float(ev.step.wait_s) for ev in waited)  # type: ignore[arg-type]
        excess = math.fsum(
            metrics.excess_wait(float(ev.step.wait_s), ev.expected_wait_s)  # type: ignore[arg-type]
            for ev in waited
        )
        index = metrics.effort_index(switches, reexplain, transfers, repeats, excess, fp)
        return EffortBreakdown(
            switches=switches,
            reexplanations=losses,
            transfers=transfers,
            repeat_contacts=repeats,
            excess_wait_minutes=excess / 60.0,
            ces5=metrics.ces5(index),
            effort_index=index,
            wait_s=wait,
            excess_wait_s=excess,
            reexplain_effort=reexplain,
        )

    # -- validation ------------------------------------------------------------------
    def validate(self) -> list[Problem]:
        """All problems of this journey (errors and warnings), without file positions."""
        from cxkit.core.validate import validate_journey

        return validate_journey(self)

    @cached_property
    def graph_errors(self) -> tuple[Problem, ...]:
        """The errors that keep the touchpoint graph from being solved, found once.

        :func:`cxkit.core.validate.graph_problems`, cached: compiling the journey
        (:func:`cxkit.core.compiled.compile_journey`) reads it instead of checking again.
        """
        from cxkit.core.validate import graph_problems

        return tuple(graph_problems(self))

    @property
    def is_valid(self) -> bool:
        """Whether :meth:`validate` finds no error."""
        return not any(p.severity == "error" for p in self.validate())

    # -- edits (each returns a new journey) --------------------------------------------
    def replace(self, **changes: Any) -> Journey:
        """A copy with some fields replaced (``title=…``, ``steps=…``…)."""
        return replace(self, **changes)

    def with_graph(self, graph: TouchpointGraph) -> Journey:
        """A copy over another touchpoint graph."""
        return replace(self, graph=graph)

    def with_handoff(self, source: str, target: str, **changes: Any) -> Journey:
        """Change (or add, with ``probability=``) the hand-off ``source → target``.

        Examples
        --------
        >>> import cxkit as cx
        >>> j = cx.load_journey("web_phone_faq")
        >>> j.with_handoff("web", "phone", context_carryover=1.0).graph.handoff(
        ...     "web", "phone"
        ... ).context_carryover
        1.0
        """
        return replace(self, graph=self.graph.with_handoff(source, target, **changes))

    def with_touchpoint(self, touchpoint: Touchpoint) -> Journey:
        """Add or replace a touchpoint."""
        return replace(self, graph=self.graph.with_touchpoint(touchpoint))

    def with_step(self, step: int | str, **changes: Any) -> Journey:
        """Change fields of one step (by index or id)."""
        i = self.step_index(step)
        if "emotion" in changes and changes["emotion"] is not None:
            changes["emotion"] = Emotion.parse(changes["emotion"])
        for key in TEXT_LISTS:
            if key in changes:
                changes[key] = tuple(changes[key])
        steps = list(self.steps)
        steps[i] = replace(steps[i], **changes)
        return replace(self, steps=tuple(steps))

    def add_step(self, step: Step, index: int | None = None) -> Journey:
        """Insert a step (at the end by default)."""
        steps = list(self.steps)
        steps.insert(len(steps) if index is None else index, step)
        return replace(self, steps=tuple(steps))

    def remove_step(self, step: int | str) -> Journey:
        """Remove one step."""
        i = self.step_index(step)
        return replace(self, steps=self.steps[:i] + self.steps[i + 1 :])

    def move_step(self, step: int | str, to: int) -> Journey:
        """Move a step to position ``to``."""
        i = self.step_index(step)
        steps = list(self.steps)
        moved = steps.pop(i)
        steps.insert(to, moved)
        return replace(self, steps=tuple(steps))

    def with_params(
        self, *, emotion: Mapping[str, Any] | None = None, effort: Mapping[str, Any] | None = None
    ) -> Journey:
        """Override model parameters, e.g. ``with_params(emotion={"w_pe": 0.5})``."""
        p = self.params
        try:
            if emotion:
                p = replace(p, emotion=replace(p.emotion, **emotion))
            if effort:
                p = replace(p, effort=replace(p.effort, **effort))
        except TypeError as exc:
            raise CxkitError(f"unknown model parameter: {exc}") from None
        return replace(self, params=p)
