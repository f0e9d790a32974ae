"""Apply initiatives' effects to a journey: the scenario as a new :class:`Journey`.

:func:`apply_effects` is the object-level twin of the batched engine that
:func:`cxkit.roi.evaluate` uses: both compile the same operations
(:mod:`cxkit.roi._engine`) and follow the same rules, so that
``cxkit.sim.exact(apply_effects(j, i))`` gives the numbers of the evaluation's
mode row. The rules (``docs/reference/roi.md``):

* Effects apply in initiative order, then effect order: ``set`` replaces, ``add``
  adds, ``multiply`` multiplies, ``at_least`` raises to at least the value (never
  lowers); results are clipped to their domain
  (probabilities and carry-overs to [0, 1], times and costs to ≥ 0, scores to
  [0, 10], effort to [1, 5]).
* **Renormalisation** once all effects are applied: at each touchpoint whose
  hand-off probabilities changed, the changed hand-offs keep their new values and
  the touchpoint's other hand-offs *and its remainder* are scaled by one factor so
  that the total is 1. Changed hand-offs that alone exceed 1 are scaled down to
  sum to 1 (the others get 0). Probability sums above 1 are never produced.
* Initiatives add their touchpoints (ids the journey lacks) and hand-offs;
  ``reroute:`` effects move a share of the matched hand-offs to ``via``.
* ``reasons:`` targets scale the arrivals ``a_r`` of call reasons: the scenario's
  call-reason shares become ``w_r·a_r / Σ w·a``; the volume ``Σ w·a`` (fewer
  journeys start) is a valuation input left to :func:`cxkit.roi.evaluate`, which
  multiplies the contact rate by it.
* ``economics:`` targets change valuation inputs, not the journey: they are left
  to :func:`cxkit.roi.evaluate`.

Examples
--------
Model reference Example B's FAQ initiative (web → resolved 0.6, web → phone 0.2): the
two changed hand-offs keep their values and web → churn keeps the rest, 0.2:

>>> import cxkit as cx
>>> j = cx.load_journey("web_phone_faq")
>>> s = apply_effects(j, "faq")
>>> [(h.target, round(h.probability, 12)) for h in s.graph.handoffs_from("web")]
[('resolved', 0.6), ('phone', 0.2), ('churn', 0.2)]
>>> round(cx.sim.exact(s).absorption["resolved"], 6)  # 7/9
0.777778
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from cxkit.core.economics import EffectChange, Initiative
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind
from cxkit.roi._engine import apply_ops
from cxkit.roi._scenario import compile_scenario

__all__ = ["apply_effects", "effect_values"]

Point = Literal["low", "mode", "high"]

_STEP_BOUNDS = {
    "expectation": (0.0, 10.0),
    "experience": (0.0, 10.0),
    "effort": (1.0, 5.0),
    "wait_s": (0.0, math.inf),
}


def _as_list(
    journey: Journey, initiatives: Initiative | str | Sequence[Initiative | str]
) -> tuple[Initiative, ...]:
    from cxkit.roi.evaluate import _resolve_initiatives

    if isinstance(initiatives, (Initiative, str)):
        initiatives = [initiatives]
    return _resolve_initiatives(journey, initiatives)


def effect_values(
    initiatives: Sequence[Initiative],
    values: Point | Mapping[Any, Any] | None = None,
) -> dict[tuple[str, int], float]:
    """The value of every effect: ``{(initiative id, effect index): value}``.

    ``values`` is ``None`` or ``"mode"`` (every effect at its mode), ``"low"``,
    ``"high"``, or a mapping that overrides some effects, keyed by
    ``(initiative id, effect index)`` or by initiative id with one value per
    effect; the others take their mode.

    >>> from cxkit.core.economics import Effect, Initiative
    >>> ini = Initiative(
    ...     "x", effects=(Effect("touchpoint:a", "cost_per_contact", low=1, mode=2, high=3),)
    ... )
    >>> effect_values([ini]), effect_values([ini], "high"), effect_values([ini], {"x": [2.5]})
    ({('x', 0): 2.0}, {('x', 0): 3.0}, {('x', 0): 2.5})
    """
    point: Point = "mode"
    overrides: Mapping[Any, Any] = {}
    if isinstance(values, Mapping):
        overrides = values
    elif isinstance(values, str) and values in ("low", "mode", "high"):
        point = values  # type: ignore[assignment]
    elif values is not None:
        raise CxkitError(
            f"`values` must be 'low', 'mode', 'high' or a mapping, got {format_value(values)}"
        )
    out: dict[tuple[str, int], float] = {}
    ids = {i.id: i for i in initiatives}
    for ini in initiatives:
        for j, eff in enumerate(ini.effects):
            out[(ini.id, j)] = float(getattr(eff, point))
    for key, value in overrides.items():
        if isinstance(key, tuple):
            if key not in out:
                raise CxkitError(
                    f"`values` key {key!r} names no effect (expected (initiative id, effect "
                    f"index) among {sorted(out)})"
                )
            out[key] = _number(value, key)
        elif key in ids:
            seq = list(value) if not isinstance(value, (int, float)) else [value]
            if len(seq) != len(ids[key].effects):
                raise CxkitError(
                    f"`values[{key!r}]` has {len(seq)} values but initiative {key!r} has "
                    f"{len(ids[key].effects)} effects"
                )
            for j, v in enumerate(seq):
                out[(key, j)] = _number(v, (key, j))
        else:
            raise CxkitError(
                f"`values` key {key!r} is not an initiative id (expected one of {sorted(ids)})"
            )
    return out


def _number(value: Any, key: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CxkitError(f"`values[{key!r}]` must be a number, got {format_value(value)}") from None
    if not math.isfinite(v):
        raise CxkitError(f"`values[{key!r}]` must be finite, got {v!r}")
    return v


def apply_effects(
    journey: Journey,
    initiatives: Initiative | str | Sequence[Initiative | str],
    values: Point | Mapping[Any, Any] | None = None,
) -> Journey:
    """The journey with the initiatives' effects applied (a new journey; the input is kept).

    Parameters
    ----------
    journey
        The baseline journey.
    initiatives
        One or more :class:`~cxkit.core.economics.Initiative` objects or ids of the
        journey's initiatives, applied together in this order.
    values
        Effect values: ``None``/``"mode"``, ``"low"``, ``"high"`` or overrides (see
        :func:`effect_values`).

    Returns
    -------
    Journey
        With changed hand-offs, touchpoints, steps and parameters, added touchpoints
        and hand-offs. Warnings (an effect that matched nothing, changed
        probabilities scaled down) are issued as :class:`UserWarning`.

    Raises
    ------
    CxkitError
        For unknown initiative ids, effect targets that do not exist or bad values.
    """
    inits = _as_list(journey, initiatives)
    vals = effect_values(inits, values)
    c = compile_scenario(journey, inits)
    row = np.array([[vals[(iid, j)] for iid, j, _ in c.columns]], dtype=float)
    edges, tp, _, overflow = apply_ops(c, row if c.columns else None, 1)
    notes = list(c.warnings)
    if overflow:
        notes.append(
            "changed hand-off probabilities of a touchpoint exceeded 1 and were scaled down"
        )
    g = journey.graph
    n0 = len(g.touchpoints)
    tp_fields = {
        "cost_per_contact": tp["cost_per_contact"][0],
        "handle_time_s": tp["handle_time_s"][0],
        "capacity": tp["capacity"][0],
    }
    added_tps = {t.id: t for ini in inits for t in ini.add_touchpoints}
    touchpoints = []
    for i, tp_id in enumerate(c.tp_ids):
        base = g.touchpoints[i] if i < n0 else added_tps[tp_id]
        cap = tp_fields["capacity"][i]
        touchpoints.append(
            replace(
                base,
                cost_per_contact=_keep(base.cost_per_contact, tp_fields["cost_per_contact"][i]),
                handle_time_s=_keep(base.handle_time_s, tp_fields["handle_time_s"][i]),
                capacity=None if math.isnan(cap) else _keep(base.capacity, cap),
            )
        )
    names = list(c.tp_ids) + list(c.out_ids)
    declared = {h.key: h for h in g.handoffs}
    labels = {}
    for ini in inits:
        for h in ini.add_handoffs:
            labels[(h.source, h.target)] = h.label
    prob = edges["probability"][0]
    kappa = edges["context_carryover"][0]
    wait = edges["wait_s"][0]
    re_eff = edges["reexplain_effort"][0]
    re_time = edges["reexplain_time_s"][0]
    handoffs = []
    for e in range(c.n_edges):
        if c.remainder[e]:
            continue
        key = (names[c.src[e]], names[c.tgt[e]])
        old = declared.get(key)
        between = bool(c.between[e])
        new_fields: dict[str, Any] = {
            "probability": _keep(old.probability if old else None, float(prob[e])),
            # an unchanged wait stays as written: a designed wait the compiler put on a
            # hand-off that declares none is not written into it
            "wait_s": float(c.own_wait[e]) if wait[e] == c.wait[e] else float(wait[e]),
            "reexplain_effort": None if math.isnan(re_eff[e]) else float(re_eff[e]),
            "reexplain_time_s": None if math.isnan(re_time[e]) else float(re_time[e]),
        }
        if between:
            new_fields["context_carryover"] = _keep(
                old.context_carryover if old else None, float(kappa[e])
            )
        if old is not None:
            if old.reexplain_effort is not None and new_fields["reexplain_effort"] is not None:
                new_fields["reexplain_effort"] = _keep(
                    old.reexplain_effort, new_fields["reexplain_effort"]
                )
            if old.reexplain_time_s is not None and new_fields["reexplain_time_s"] is not None:
                new_fields["reexplain_time_s"] = _keep(
                    old.reexplain_time_s, new_fields["reexplain_time_s"]
                )
            handoffs.append(replace(old, **new_fields))
        else:
            handoffs.append(
                Handoff(
                    key[0],
                    key[1],
                    transfer=bool(c.transfer[e]),
                    label=labels.get(key),
                    **new_fields,
                )
            )
    outcomes = list(g.outcomes)
    rem_id = g.remainder_outcome
    if c.virtual_remainder:
        rem_mass = prob[c.remainder].max(initial=0.0)
        if rem_mass > 1e-9:
            outcomes.append(Outcome(rem_id, kind=OutcomeKind.ABANDON))
            notes.append(
                f"probability went to the remainder outcome {rem_id!r}, which the journey "
                "did not declare; it was added (kind abandon)"
            )
    graph = replace(
        g, touchpoints=tuple(touchpoints), handoffs=tuple(handoffs), outcomes=tuple(outcomes)
    )
    steps = list(journey.steps)
    params = journey.params
    arrivals: list[float] | None = None
    for op in c.ops:
        if op.kind == "step" and op.col is not None:
            x = float(row[0, op.col])
            lo, hi = _STEP_BOUNDS[op.field]
            for i in op.idx:
                cur = getattr(steps[i], op.field)
                if cur is None and op.change != EffectChange.SET:
                    notes.append(
                        f"initiative {op.initiative!r}: step {i} has no {op.field} to "
                        f"{op.change.value}; left unset"
                    )
                    continue
                new = _combine(cur, x, op.change)
                steps[i] = replace(steps[i], **{op.field: min(max(new, lo), hi)})
        elif op.kind == "reason" and op.col is not None and op.idx.size:
            reasons = list(graph.call_reasons)
            if not reasons:
                notes.append(
                    f"initiative {op.initiative!r}: the journey declares no call reasons; the "
                    "change of arrivals only changes how many journeys start (a valuation "
                    "input, see cxkit.roi.evaluate)"
                )
                continue
            x = float(row[0, op.col])
            if arrivals is None:
                arrivals = [1.0] * len(reasons)
            for i in op.idx:
                arrivals[i] = max(_combine(arrivals[i], x, op.change), 0.0)
        elif op.kind == "param" and op.col is not None:
            x = float(row[0, op.col])
            group = getattr(params, op.group)
            if op.field not in group.__dataclass_fields__:
                raise CxkitError(f"unknown {op.group} parameter {op.field!r}")
            cur = getattr(group, op.field)
            if isinstance(cur, str):
                raise CxkitError(
                    f"parameter {op.group}.{op.field} is not a number and cannot be changed "
                    "by an effect"
                )
            new = _combine(float(cur), x, op.change)
            value: Any = round(new) if isinstance(cur, int) else max(new, 0.0)
            params = replace(params, **{op.group: replace(group, **{op.field: value})})
    if arrivals is not None:
        reasons = list(graph.call_reasons)
        shares = [r.share * a for r, a in zip(reasons, arrivals, strict=True)]
        total = math.fsum(shares)
        if total <= 0:
            raise CxkitError("the effects bring the arrivals of every call reason to 0")
        graph = replace(
            graph,
            call_reasons=tuple(
                replace(r, share=w / total) for r, w in zip(reasons, shares, strict=True)
            ),
        )
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    return journey.replace(graph=graph, steps=tuple(steps), params=params)


def _combine(cur: float, x: float, change: EffectChange) -> float:
    if change == EffectChange.SET:
        return x
    if change == EffectChange.ADD:
        return float(cur) + x
    if change == EffectChange.AT_LEAST:
        return max(float(cur), x)
    return float(cur) * x


def _keep(old: float | None, new: float) -> float:
    """The old value when the new one only differs by rounding (a lossless round trip)."""
    if old is not None and abs(float(old) - new) <= 1e-15 * max(1.0, abs(new)):
        return float(old)
    return float(new)
