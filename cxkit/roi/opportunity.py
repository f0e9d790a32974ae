"""Opportunity scores from a dot vote: customer value × business value ÷ effort.

A workshop votes on the journey's **cards** — every pain point and opportunity of
every step. The score follows TheyDo's opportunity score (customer value × business
value ÷ effort), with each term taken from cxkit's own numbers:

* **customer value** of a card ``c`` on step ``s``: ``votes(c) × severity(s)`` with
  ``severity(s) = 1 + pain(s) + strain(s)``, ``pain = min(1, max(0, −valence)/10)``
  (the step's expectation–disconfirmation valence, 0 when it has none) and
  ``strain = (CES − 1)/4`` (its effort, 0 when it has none); so ``1 ≤ severity ≤ 3``
  and a card nobody voted for has no customer value. An initiative's customer value
  is the sum over the cards on the steps it **targets**: the steps at a touchpoint its
  effects name (``handoff``/``handoffs``/``reroute`` at either end, ``touchpoint(s)``,
  ``step(s)``, ``reasons`` — patterns ``@channel`` and ids; ``*``, ``=kind``,
  ``parameter:`` and ``economics:`` effects are journey-wide and target no step).
* **business value** of an initiative: ``max(0, NPV P50) / max_j max(0, NPV P50_j)``
  (risk-adjusted, from :func:`cxkit.roi.evaluate`), in ``[0, 1]``.
* **effort** of an initiative: ``max(0.1, cost / median cost) × (1 + ramp-up / 4)``
  with ``cost = one-off cost + one period of running cost`` (the median over the
  initiatives; 1 when every cost is 0) — dearer and slower to ramp up is more effort.

``score = customer value × business value ÷ effort``; the **proposals** are the
initiatives with a positive score, highest first (at most ``n``).

Examples
--------
>>> s = Scored("faq", customer_value=6.0, business_value=0.5, effort=1.5)
>>> s.score
2.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cxkit.core.economics import Initiative, parse_effect_target
from cxkit.core.journey import Journey

__all__ = [
    "Card",
    "Scored",
    "cards",
    "effort_of",
    "opportunity_scores",
    "severity",
    "targeted_steps",
]

_STEP_KINDS = ("handoff", "handoffs", "reroute", "touchpoint", "touchpoints", "step", "steps")


@dataclass(frozen=True)
class Card:
    """One pain point or opportunity of one step, to vote on."""

    id: str
    step: str
    kind: str  # "pain" or "opportunity"
    text: str
    severity: float


@dataclass(frozen=True)
class Scored:
    """An initiative's opportunity score and its three terms."""

    id: str
    customer_value: float
    business_value: float
    effort: float

    @property
    def score(self) -> float:
        """``customer_value × business_value ÷ effort``."""
        return self.customer_value * self.business_value / self.effort

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "customer_value": self.customer_value,
            "business_value": self.business_value,
            "effort": self.effort,
            "score": self.score,
        }


def severity(valence: float | None, effort: float | None) -> float:
    """``1 + min(1, max(0, −valence)/10) + (CES − 1)/4`` (missing terms count 0).

    >>> severity(-5.0, 3.0), severity(None, None), severity(-30.0, 5.0)
    (2.0, 1.0, 3.0)
    """
    pain = 0.0 if valence is None else min(1.0, max(0.0, -float(valence)) / 10.0)
    strain = 0.0 if effort is None else min(1.0, max(0.0, (float(effort) - 1.0) / 4.0))
    return 1.0 + pain + strain


def cards(journey: Journey) -> tuple[Card, ...]:
    """Every pain point and opportunity of the journey's steps, in step order.

    Ids are ``"<step>:pain:<k>"`` and ``"<step>:opportunity:<k>"``.
    """
    ev = journey.evaluate()
    out = []
    for se in ev.steps:
        s = se.step
        sev = severity(se.valence, s.effort)
        for kind, texts in (("pain", s.pain_points), ("opportunity", s.opportunities)):
            out += [Card(f"{s.id}:{kind}:{k}", s.id, kind, t, sev) for k, t in enumerate(texts)]
    return tuple(out)


def _touchpoints(journey: Journey, pattern: str) -> set[str]:
    """Touchpoint ids a pattern names (an id or ``@channel``; ``*``/``=kind`` none)."""
    from cxkit.roi._scenario import _channel_family

    tps = journey.graph.touchpoints
    if pattern.startswith("@"):
        return {tp.id for tp in tps if pattern[1:] in _channel_family(journey, tp.channel)}
    return {pattern} if any(tp.id == pattern for tp in tps) else set()


def targeted_steps(journey: Journey, initiative: Initiative) -> set[str]:
    """Ids of the steps an initiative's effects target (see the module docstring)."""
    steps = journey.steps
    ids: set[str] = set()
    tps: set[str] = set()
    for eff in initiative.effects:
        try:
            kind, parts = parse_effect_target(eff.target)
        except ValueError:
            continue
        if kind == "step":
            ids.add(parts[0])
        elif kind in _STEP_KINDS or kind == "reasons":
            for part in parts:
                tps |= _touchpoints(journey, part)
    ids |= {s.id for s in steps if s.touchpoint in tps}
    return {s.id for s in steps if s.id in ids}


def effort_of(initiatives: Sequence[Initiative]) -> dict[str, float]:
    """``{id: effort}``: ``max(0.1, cost/median) × (1 + ramp-up/4)``.

    >>> from cxkit.core.economics import Initiative
    >>> effort_of(
    ...     [Initiative("a", cost_one_off=10), Initiative("b", cost_one_off=30, ramp_up_periods=2)]
    ... )
    {'a': 0.5, 'b': 2.25}
    """
    costs = {i.id: float(i.cost_one_off + i.cost_per_period) for i in initiatives}
    med = float(np.median(list(costs.values()))) if costs else 0.0
    med = med if med > 0 else 1.0
    return {
        i.id: max(0.1, costs[i.id] / med) * (1.0 + i.ramp_up_periods / 4.0) for i in initiatives
    }


def opportunity_scores(
    journey: Journey,
    initiatives: Sequence[Initiative],
    npv_p50: Mapping[str, float],
    votes: Mapping[str, int],
    *,
    deck: Sequence[Card] | None = None,
    targets: Mapping[str, set[str]] | None = None,
) -> list[Scored]:
    """Scores of the initiatives, highest first (ties in the order given).

    ``npv_p50`` maps ids to the risk-adjusted NPV P50; ``votes`` maps card ids
    (:func:`cards`) to their dots. ``deck`` and ``targets`` (``{id: step ids}``)
    may be given to reuse :func:`cards` and :func:`targeted_steps`.
    """
    by_card = {c.id: c for c in (cards(journey) if deck is None else deck)}
    if targets is None:
        targets = {i.id: targeted_steps(journey, i) for i in initiatives}
    step_value: dict[str, float] = {}
    for cid, n in votes.items():
        if cid in by_card and n > 0:
            c = by_card[cid]
            step_value[c.step] = step_value.get(c.step, 0.0) + n * c.severity
    best = max((max(0.0, v) for v in npv_p50.values() if math.isfinite(v)), default=0.0)
    effort = effort_of(initiatives)
    out = []
    for ini in initiatives:
        cv = sum(step_value.get(s, 0.0) for s in targets[ini.id])
        v = npv_p50.get(ini.id, 0.0)
        bv = max(0.0, v) / best if best > 0 and math.isfinite(v) else 0.0
        out.append(Scored(ini.id, cv, bv, effort[ini.id]))
    order = sorted(range(len(out)), key=lambda k: (-out[k].score, k))
    return [out[k] for k in order]
