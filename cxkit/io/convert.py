"""Schema objects ↔ core model ↔ plain data (the YAML/JSON document).

:func:`journey_from_schema` builds the core model from a validated
:class:`~cxkit.io.schema.JourneyFile`; :func:`journey_to_data` writes a journey back
as plain data in canonical key order, leaving out values equal to their defaults,
so that ``load → dump → load`` gives an equal journey.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from enum import Enum
from typing import Any

from cxkit.core.channels import Channel
from cxkit.core.economics import (
    Distribution,
    Economics,
    Effect,
    EffectChange,
    Estimate,
    Initiative,
    Prerequisite,
)
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import (
    TEXT_LISTS,
    CallReason,
    Emotion,
    Evidence,
    Handoff,
    Outcome,
    OutcomeKind,
    Persona,
    Stage,
    Step,
    Touchpoint,
    TouchpointKind,
)
from cxkit.core.params import EffortParams, EmotionParams, ModelParams
from cxkit.io.schema import (
    FORMAT_VERSION,
    EconomicsSchema,
    EstimateSchema,
    InitiativeSchema,
    JourneyFile,
    TouchpointSchema,
)

__all__ = [
    "economics_from_schema",
    "economics_to_data",
    "initiative_from_schema",
    "initiative_to_data",
    "journey_from_schema",
    "journey_to_data",
]


def _clean(schema: Any, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in schema.model_dump(exclude_none=False).items() if k not in exclude}


def _touchpoint(schema: TouchpointSchema) -> Touchpoint:
    return Touchpoint(**{**_clean(schema), "kind": TouchpointKind(schema.kind)})


def journey_from_schema(doc: JourneyFile, *, source: str | None = None) -> Journey:
    """Build a :class:`Journey` from a validated schema object (no cross-checks)."""
    touchpoints = tuple(_touchpoint(t) for t in doc.touchpoints)
    outcomes = tuple(Outcome(**{**_clean(o), "kind": OutcomeKind(o.kind)}) for o in doc.outcomes)
    handoffs = tuple(Handoff(**_clean(h)) for h in doc.handoffs)
    channels = tuple(Channel(**_clean(c)) for c in doc.channels)
    reasons = tuple(CallReason(**_clean(c)) for c in doc.call_reasons)
    graph = TouchpointGraph(
        touchpoints=touchpoints,
        handoffs=handoffs,
        outcomes=outcomes,
        channels=channels,
        entry=dict(doc.entry),
        call_reasons=reasons,
        remainder_outcome=doc.remainder_outcome,
    )
    steps = []
    for s in doc.steps:
        data = _clean(s)
        data["emotion"] = Emotion.parse(s.emotion) if s.emotion is not None else None
        data["evidence"] = Evidence(s.evidence)
        for key in TEXT_LISTS:
            data[key] = tuple(getattr(s, key))
        steps.append(Step(**data))
    persona = None
    if doc.persona is not None:
        p = doc.persona
        persona = Persona(p.name, p.description, tuple(p.goals), tuple(p.frustrations))
    params = ModelParams()
    if doc.parameters is not None:
        emo = doc.parameters.emotion.model_dump(exclude_none=True) if doc.parameters.emotion else {}
        eff = doc.parameters.effort.model_dump(exclude_none=True) if doc.parameters.effort else {}
        params = ModelParams(EmotionParams(**emo), EffortParams(**eff))
    economics = economics_from_schema(doc.economics) if doc.economics is not None else None
    initiatives = [initiative_from_schema(ini) for ini in doc.initiatives]
    return Journey(
        id=doc.id,
        title=doc.title,
        graph=graph,
        stages=tuple(Stage(**_clean(s)) for s in doc.stages),
        steps=tuple(steps),
        persona=persona,
        description=doc.description,
        language=doc.language,
        params=params,
        economics=economics,
        initiatives=tuple(initiatives),
        tags=tuple(doc.tags),
        source=source,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return value  # keep floats as floats: 1.0 stays 1.0
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if is_dataclass(value):
        return _compact(value)
    return value


def _compact(
    obj: Any, rename: dict[str, str] | None = None, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Fields of a dataclass that differ from their defaults, as plain data."""
    out: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.default is not MISSING:
            default = f.default
        elif f.default_factory is not MISSING:
            default = f.default_factory()
        else:
            default = MISSING
        if f.name not in keep and default is not MISSING and _same(value, default):
            continue
        out[(rename or {}).get(f.name, f.name)] = _plain(value)
    return out


def _same(a: Any, b: Any) -> bool:
    if hasattr(a, "items") and hasattr(b, "items"):
        return dict(a) == dict(b)
    return a == b


def _touchpoint_data(touchpoint: Touchpoint) -> dict[str, Any]:
    return _compact(touchpoint, keep=("id", "channel"))


def _handoff_data(handoff: Handoff) -> dict[str, Any]:
    return _compact(handoff, rename={"source": "from", "target": "to"}, keep=("probability",))


def journey_to_data(journey: Journey) -> dict[str, Any]:
    """The journey as plain data in the YAML format's canonical order.

    Explicit emotions are written in the journey's language when it is Japanese
    (``感動``), in English otherwise.
    """
    g = journey.graph
    data: dict[str, Any] = {"cxkit": FORMAT_VERSION, "id": journey.id}
    if journey.title:
        data["title"] = journey.title
    if journey.description is not None:
        data["description"] = journey.description
    data["language"] = journey.language
    if journey.tags:
        data["tags"] = list(journey.tags)
    if journey.persona is not None:
        data["persona"] = _compact(journey.persona)
    if journey.stages:
        data["stages"] = [_compact(s, keep=("id",)) for s in journey.stages]
    if g.channels:
        data["channels"] = [_compact(c, keep=("id",)) for c in g.channels]
    if g.touchpoints:
        data["touchpoints"] = [_touchpoint_data(t) for t in g.touchpoints]
    if g.outcomes:
        data["outcomes"] = [_compact(o, keep=("id",)) for o in g.outcomes]
    if g.entry:
        data["entry"] = dict(g.entry)
    if g.remainder_outcome != "abandon":
        data["remainder_outcome"] = g.remainder_outcome
    if g.call_reasons:
        data["call_reasons"] = [_compact(c, keep=("id",)) for c in g.call_reasons]
    if g.handoffs:
        data["handoffs"] = [_handoff_data(h) for h in g.handoffs]
    if journey.steps:
        steps = []
        for s in journey.steps:
            d = _compact(s, keep=("stage", "touchpoint"))
            if s.emotion is not None and journey.language.startswith("ja"):
                d["emotion"] = s.emotion.label("ja")
            # id first, then the rest in field order: easier to read
            steps.append({**({"id": d.pop("id")} if "id" in d else {}), **d})
        data["steps"] = steps
    overrides = journey.params.overrides()
    if overrides:
        data["parameters"] = _plain(overrides)
    if journey.economics is not None:
        data["economics"] = economics_to_data(journey.economics)
    if journey.initiatives:
        data["initiatives"] = [initiative_to_data(ini) for ini in journey.initiatives]
    return data


# -- economics and initiatives -----------------------------------------------------------
def _estimate(schema: EstimateSchema | None) -> Estimate | None:
    if schema is None:
        return None
    return Estimate(schema.low, schema.mode, schema.high, Distribution(schema.distribution))


def economics_from_schema(schema: EconomicsSchema) -> Economics:
    """Build :class:`Economics` from a validated ``economics:`` block."""
    data = _clean(schema, exclude=("phi", "phi_effort", "budgets"))
    extra: dict[str, Any] = {"budgets": tuple(schema.budgets)}
    for name in ("phi", "phi_effort"):
        value = _estimate(getattr(schema, name))
        if value is not None:
            extra[name] = value
    return Economics(**data, **extra)


def initiative_from_schema(ini: InitiativeSchema) -> Initiative:
    """Build an :class:`Initiative` from a validated ``initiatives:`` entry."""
    effects = tuple(
        Effect(
            **{
                **_clean(e),
                "change": EffectChange(e.change),
                "distribution": Distribution(e.distribution),
            }
        )
        for e in ini.effects
    )
    return Initiative(
        **_clean(
            ini,
            exclude=(
                "prerequisites",
                "excludes",
                "effects",
                "benefit_per_period",
                "npv",
                "add_touchpoints",
                "add_handoffs",
            ),
        ),
        prerequisites=tuple(Prerequisite(p.id, p.lag) for p in ini.prerequisites),
        excludes=tuple(ini.excludes),
        effects=effects,
        benefit_per_period=_estimate(ini.benefit_per_period),
        npv=_estimate(ini.npv),
        add_touchpoints=tuple(_touchpoint(t) for t in ini.add_touchpoints),
        add_handoffs=tuple(Handoff(**_clean(h)) for h in ini.add_handoffs),
    )


def _estimate_data(value: Estimate) -> Any:
    if value.is_fixed:
        return value.mode
    out: dict[str, Any] = {"low": value.low, "mode": value.mode, "high": value.high}
    if value.distribution != Distribution.TRIANGULAR:
        out["distribution"] = value.distribution.value
    return out


def economics_to_data(economics: Economics) -> dict[str, Any]:
    """The ``economics:`` block as plain data (defaults left out)."""
    d = _compact(economics)
    for name in ("phi", "phi_effort"):
        if name in d:
            d[name] = _estimate_data(getattr(economics, name))
    return d


def initiative_to_data(ini: Initiative) -> dict[str, Any]:
    """One ``initiatives:`` entry as plain data (defaults left out)."""
    d = _compact(ini, keep=("id",))
    if ini.prerequisites:
        d["prerequisites"] = [
            p.id if p.lag == 1 else {"id": p.id, "lag": p.lag} for p in ini.prerequisites
        ]
    for name in ("benefit_per_period", "npv"):
        value = getattr(ini, name)
        if value is not None:
            d[name] = _estimate_data(value)
    if ini.add_touchpoints:
        d["add_touchpoints"] = [_touchpoint_data(t) for t in ini.add_touchpoints]
    if ini.add_handoffs:
        d["add_handoffs"] = [_handoff_data(h) for h in ini.add_handoffs]
    if ini.effects:
        # the effects last: they are the longest part
        d.pop("effects", None)
        d["effects"] = [_compact(e, keep=("target", "low", "mode", "high")) for e in ini.effects]
    return d
