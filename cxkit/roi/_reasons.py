"""Why an initiative is not in the plan: one honest reason per unscheduled candidate.

:func:`explain_unscheduled` checks, for every candidate the optimum leaves out, the
constraints of the portfolio program (:mod:`cxkit.roi.portfolio`) in this order and
reports the first that holds:

1. ``too_late`` — its prerequisite chain, with its lags, cannot start it within the
   planning periods.
2. ``over_budget`` — even its cheapest schedule, with the prerequisites it needs and
   nothing else, breaks the budget rows: the **amount short** is the least total
   overrun of the per-period budgets over every such schedule (with ``carry_over`` the
   least extra budget in the first period), found by an elastic MILP.
3. ``capacity`` — the same with the budgets met but a capacity row broken.
4. ``negative_value`` — ``V_{i,q} ≤ 0`` at every start period (and no positive
   synergy): alone it loses money.
5. ``excluded`` — it excludes an initiative the plan schedules.
6. ``prerequisite_not_scheduled`` — with the prerequisites it needs (the best such
   schedule alone) it is worth ``≤ 0``: the prerequisite costs more than it brings.
7. ``budget`` — it fits and pays, but the budget goes further elsewhere: the plan
   re-solved with it forced in (``must_include``) is worth less by the amount given,
   and the initiatives it would displace are named; ``tie`` when the loss is 0.

:func:`drop_unselected` adds ``prerequisite_not_selected``: initiatives whose
prerequisite (directly or down the chain) is not among those selected are left out
of the program, each naming the missing prerequisite.

Examples
--------
>>> from cxkit.roi.portfolio import Candidate, optimize_portfolio
>>> cands = [Candidate("a", 10, costs=(8,)), Candidate("b", 5, costs=(12,))]
>>> plan = optimize_portfolio(cands, [10])
>>> r = explain_unscheduled(cands, [10], plan)["b"]
>>> r.code, r.amount
('over_budget', 2.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from cxkit.core.i18n import label
from cxkit.roi.portfolio import (
    Candidate,
    CapacityLimit,
    PortfolioPlan,
    _earliest_starts,
    _prepare,
    _Problem,
    _required,
    _structural_rows,
    optimize_portfolio,
)

__all__ = ["REASON_CODES", "Reason", "drop_unselected", "explain_unscheduled"]

#: Every reason code, in the order of the checks (see the module docstring).
REASON_CODES = (
    "not_selected",
    "prerequisite_not_selected",
    "not_applicable",
    "too_late",
    "over_budget",
    "capacity",
    "negative_value",
    "no_value",
    "excluded",
    "prerequisite_not_scheduled",
    "budget",
    "tie",
)

_TOL = 1e-6


@dataclass(frozen=True)
class Reason:
    """Why one initiative is not scheduled.

    Attributes
    ----------
    code
        One of :data:`REASON_CODES`.
    ids
        The initiatives it names: the missing or unscheduled prerequisites, the
        scheduled initiative that excludes it, the initiatives it would displace.
    amount
        Money: short of the budget (``over_budget``, ``capacity`` in its units), the
        best value (``negative_value``, ``prerequisite_not_scheduled``), the plan
        value lost by forcing it in (``budget``).
    periods
        1-based periods where the cheapest schedule overruns (``over_budget``).
    row
        The capacity's name (``capacity``).
    """

    code: str
    ids: tuple[str, ...] = ()
    amount: float | None = None
    periods: tuple[int, ...] = ()
    row: str | None = None

    def message(
        self,
        lang: str = "en",
        names: Mapping[str, str] | None = None,
        money: Callable[[float], str] | None = None,
    ) -> str:
        """The reason as a sentence in ``lang``; ``names`` maps ids to labels.

        >>> Reason("over_budget", amount=2e6).message(money=lambda x: f"{x / 1e6:.1f} M")
        'over budget: even its cheapest start is 2.0 M short'
        """
        names = names or {}
        fmt = money or (lambda x: f"{x:,.0f}")
        key = f"roi_reason_{self.code}"
        if self.code in ("over_budget", "budget") and self.ids:
            key += "_with"
        sep = "、" if lang == "ja" else ", "
        return label(key, lang).format(
            ids=sep.join(names.get(i, i) for i in self.ids),
            amount="" if self.amount is None else fmt(self.amount),
            row=self.row or "",
        )

    def to_dict(
        self,
        lang: str = "en",
        names: Mapping[str, str] | None = None,
        money: Callable[[float], str] | None = None,
    ) -> dict[str, Any]:
        """JSON-ready dict with the ``message`` in ``lang``."""
        return {
            "code": self.code,
            "ids": list(self.ids),
            "amount": None
            if self.amount is None or not math.isfinite(self.amount)
            else self.amount,
            "periods": list(self.periods),
            "row": self.row,
            "message": self.message(lang, names, money),
        }


def drop_unselected(
    initiatives: Sequence[Any], selected: Iterable[str]
) -> tuple[list[Any], dict[str, Reason]]:
    """The selected initiatives whose prerequisites are all selected, and the rest.

    An initiative whose prerequisite is not selected — or is itself left out for
    that reason — gets ``prerequisite_not_selected`` naming that prerequisite; an
    unselected one gets ``not_selected``. ``initiatives`` have ``id`` and
    ``prerequisites`` (each with an ``id``).

    >>> from cxkit.core.economics import Initiative, Prerequisite
    >>> inits = [Initiative("crm"), Initiative("eta", prerequisites=[Prerequisite("crm")])]
    >>> kept, why = drop_unselected(inits, ["eta"])
    >>> [i.id for i in kept], why["eta"].code, why["eta"].ids
    ([], 'prerequisite_not_selected', ('crm',))
    """
    chosen = set(selected)
    reasons: dict[str, Reason] = {
        i.id: Reason("not_selected") for i in initiatives if i.id not in chosen
    }
    changed = True
    while changed:
        changed = False
        for ini in initiatives:
            if ini.id in reasons:
                continue
            missing = tuple(
                p.id for p in ini.prerequisites if p.id in reasons or p.id not in chosen
            )
            if missing:
                reasons[ini.id] = Reason("prerequisite_not_selected", ids=missing)
                changed = True
    kept = [i for i in initiatives if i.id not in reasons]
    return kept, reasons


def _sub_problem(p: _Problem, members: Sequence[int], forced: int) -> _Problem:
    """The program restricted to ``members`` (a prerequisite closure), ``forced`` in."""
    pos = {m: k for k, m in enumerate(members)}
    return _Problem(
        [p.ids[m] for m in members],
        p.Q,
        p.V[list(members)],
        p.C[list(members)],
        p.budgets,
        p.carry_over,
        [(pos[j], pos[i], lag) for j, i, lag in p.prereq if j in pos and i in pos],
        [(pos[i], pos[k]) for i, k in p.exclusions if i in pos and k in pos],
        [(pos[i], pos[k], s) for i, k, s in p.synergies if i in pos and k in pos],
        [(name, lim, use[list(members)]) for name, lim, use in p.capacity],
        [pos[forced]],
    )


def _least_overrun(sub: _Problem, rows: list[Any], hard: list[Any]) -> tuple[float, list[float]]:
    """Least overrun of ``rows`` over schedules meeting the structure and ``hard`` rows.

    Per-period rows: minimise the sum of the overruns; carry-over (cumulative)
    rows: one shared overrun (extra budget in the first period). ``inf`` when no
    schedule meets the structure and ``hard``.
    """
    s_rows, lb, ub = _structural_rows(sub)
    nx = sub.n * sub.Q
    shared = sub.carry_over
    ne = 1 if shared else len(rows)
    a = [np.concatenate([r, np.zeros(ne)]) for r in s_rows]
    for r in hard:
        a.append(np.concatenate([r.coef, np.zeros(ne)]))
        lb.append(-np.inf)
        ub.append(r.limit)
    for k, r in enumerate(rows):
        e = np.zeros(ne)
        e[0 if shared else k] = -1.0
        a.append(np.concatenate([r.coef, e]))
        lb.append(-np.inf)
        ub.append(r.limit)
    res = milp(
        np.concatenate([np.zeros(nx), np.ones(ne)]),
        constraints=LinearConstraint(np.array(a), lb, ub),
        integrality=np.concatenate([np.ones(nx), np.zeros(ne)]),
        bounds=Bounds(np.zeros(nx + ne), np.concatenate([np.ones(nx), np.full(ne, np.inf)])),
        options={"mip_rel_gap": 0.0},
    )
    if res.status != 0 or res.x is None:
        return math.inf, []
    x = res.x[:nx]
    over = [max(0.0, float(r.coef @ x - r.limit)) for r in rows]
    return float(res.fun), over


def _feasibility(p: _Problem, i: int, plan: PortfolioPlan) -> Reason | None:
    """``too_late``, ``over_budget``, ``capacity`` or ``excluded`` (inside the closure)."""
    closure = sorted(_required(p, [i]))
    pre = tuple(p.ids[m] for m in closure if m != i and p.ids[m] not in plan.starts)
    t, chain = _earliest_starts(p)[i]
    if t >= p.Q:
        return Reason("too_late", ids=tuple(p.ids[m] for m in chain if m != i))
    sub = _sub_problem(p, closure, i)
    from cxkit.roi.portfolio import _resource_rows

    rows = _resource_rows(sub)
    budget_rows = [r for r in rows if not r.name.startswith("capacity")]
    cap_rows = [r for r in rows if r.name.startswith("capacity")]
    short, over = _least_overrun(sub, budget_rows, [])
    if math.isinf(short):
        inside = {p.ids[a] for pair in sub.exclusions for a in pair}
        return Reason("excluded", ids=tuple(sorted(inside - {p.ids[i]})))
    scale = max(1.0, float(np.max(p.budgets)) if p.budgets.size else 1.0)
    if short > _TOL * scale:
        periods = tuple(k + 1 for k, o in enumerate(over) if o > _TOL * scale)
        return Reason("over_budget", ids=pre, amount=short, periods=periods)
    if cap_rows:
        short, over = _least_overrun(replace(sub, carry_over=False), cap_rows, budget_rows)
        if short > _TOL:
            k = int(np.argmax(over)) if over else 0
            name = cap_rows[k].name.split("'")[1] if "'" in cap_rows[k].name else cap_rows[k].name
            return Reason("capacity", ids=pre, amount=short, row=name)
    return None


def _value(p: _Problem, i: int, plan: PortfolioPlan, solve: Callable[..., PortfolioPlan]) -> Reason:
    """``negative_value``, ``excluded``, ``prerequisite_not_scheduled``, ``budget``, ``tie``."""
    best = float(np.max(p.V[i]))
    boost = sum(s for a, b, s in p.synergies if i in (a, b) and s > 0)
    if best + boost <= _TOL * max(1.0, abs(best)):
        return Reason("negative_value", amount=best)
    partners = tuple(
        p.ids[b if a == i else a]
        for a, b in p.exclusions
        if i in (a, b) and p.ids[b if a == i else a] in plan.starts
    )
    if partners:
        return Reason("excluded", ids=partners)
    closure = sorted(_required(p, [i]))
    pre = tuple(p.ids[m] for m in closure if m != i and p.ids[m] not in plan.starts)
    if pre:
        alone = solve(closure, [p.ids[i]])
        if alone.value <= _TOL * max(1.0, abs(best)):
            return Reason("prerequisite_not_scheduled", ids=pre, amount=alone.value)
    forced = solve(None, [p.ids[i]])
    lost = plan.value - forced.value
    if lost <= _TOL * max(1.0, abs(plan.value)):
        return Reason("tie", amount=0.0)
    displaced = tuple(k for k in plan.starts if k not in forced.starts)
    return Reason("budget", ids=displaced, amount=lost)


def explain_unscheduled(
    candidates: Sequence[Candidate],
    budgets: Sequence[float],
    plan: PortfolioPlan,
    *,
    carry_over: bool = False,
    synergies: Mapping[tuple[str, str], float] | None = None,
    capacity: CapacityLimit | Sequence[CapacityLimit] | None = None,
) -> dict[str, Reason]:
    """``{id: Reason}`` for every candidate ``plan`` does not start (module docstring).

    ``plan`` must be the optimum of :func:`~cxkit.roi.portfolio.optimize_portfolio`
    for the same arguments (re-solves compare with its value).
    """
    p = _prepare(candidates, budgets, carry_over, synergies, capacity, ())
    by_id = {c.id: c for c in candidates}

    def solve(members: Sequence[int] | None, forced: list[str]) -> PortfolioPlan:
        cands = list(candidates) if members is None else [by_id[p.ids[m]] for m in members]
        keep = {c.id for c in cands}
        cands = [replace(c, excludes=tuple(e for e in c.excludes if e in keep)) for c in cands]
        syn = {k: v for k, v in (synergies or {}).items() if set(k) <= keep} or None
        caps = None
        if capacity is not None:
            limits = [capacity] if isinstance(capacity, CapacityLimit) else list(capacity)
            caps = [
                CapacityLimit(c.name, c.limits, {k: v for k, v in c.usage.items() if k in keep})
                for c in limits
            ]
        return optimize_portfolio(
            cands, budgets, carry_over=carry_over, synergies=syn, capacity=caps,
            must_include=forced,
        )  # fmt: skip

    out: dict[str, Reason] = {}
    for i, cid in enumerate(p.ids):
        if cid in plan.starts:
            continue
        out[cid] = _feasibility(p, i, plan) or _value(p, i, plan, solve)
    return out
