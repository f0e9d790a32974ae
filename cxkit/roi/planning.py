"""The ROI roadmap: which initiatives to start in which period, under a budget.

:func:`roadmap` (model reference §5.3, DESIGN.md "ROI roadmap"):

1. values every initiative alone with :func:`cxkit.roi.evaluate`;
2. turns each into a :class:`~cxkit.roi.portfolio.Candidate`: ``V_{i,q}`` is the
   expected risk-adjusted NPV at ``t = 0`` of a start in period ``q`` — its cash
   flows shifted by ``q − 1`` periods and **truncated at the horizon** — or, with
   ``start_discount`` (model reference Example C4), ``V_{i,1}·start_discount^(q−1)``; its spend
   per period after the start is the one-off cost then the running cost;
   prerequisites (with their lags) and exclusions come from the initiatives;
3. solves the time-indexed binary program with :func:`~cxkit.roi.portfolio.optimize_portfolio`
   (HiGHS, zero gap; an infeasible ``must_include`` names the binding row);
4. **re-simulates the chosen combination jointly**: the chain with the effects of
   the initiatives started so far, with the same draws (common random numbers) as
   their stand-alone evaluations. Initiatives are added in start order; the
   benefit added by the ``k``-th is ``B(A_k) − B(A_{k−1})``, ramped from its own
   start — so once every ramp is complete the joint benefit is exactly ``B`` of
   the whole set. The joint NPV minus the additive estimate ``Σ V_{i,q_i}`` is the
   **interaction gap**: negative when initiatives compete for the same customers
   (two fixes of the same hand-off), positive when they reinforce each other.
   Initiatives valued by an ``npv`` estimate are added as given (no interaction).

Examples
--------
Model reference Example C4 through the roadmap (``roi_example_c``: NPVs 100/40/70/60,
budgets 100 and 60, a start one period later keeps 90 %):

>>> import cxkit as cx
>>> plan = roadmap(cx.load_journey("roi_example_c"), n_sims=200, seed=1)
>>> plan.starts, round(plan.value, 6)
({'crm': 1, 'faq': 1, 'chat': 2}, 224.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core._checks import MAX_MAGNITUDE, MAX_PLANNING_PERIODS, at_most
from cxkit.core.economics import Economics, Initiative
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.rng import SeedLike
from cxkit.roi._engine import effort_distribution, run
from cxkit.roi._outliers import Outlier, evaluation_outliers
from cxkit.roi._reasons import Reason, explain_unscheduled
from cxkit.roi.evaluate import (
    ChurnModel,
    Evaluation,
    InitiativeResult,
    _benefits,
    _Context,
    _ra,
    _ramp,
    _resolve_initiatives,
    evaluate,
    summarise,
)
from cxkit.roi.portfolio import Candidate, CapacityLimit, PortfolioPlan, optimize_portfolio
from cxkit.roi.uncertainty import PERCENTILE_CONVENTION, PercentileSummary

__all__ = ["Roadmap", "ScheduledInitiative", "roadmap"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ScheduledInitiative:
    """One row of the roadmap's Gantt chart.

    ``start`` is the 1-based period; benefits begin the period after and reach
    their full level at ``full_benefit`` (after the ramp-up); ``value`` is
    ``V_{i,start}`` and ``spend`` the spend in the planning periods.
    """

    id: str
    label: str
    start: int
    full_benefit: int
    value: float
    spend: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "id": self.id,
            "label": self.label,
            "start": self.start,
            "full_benefit": self.full_benefit,
            "value": self.value,
            "spend": list(self.spend),
        }


@dataclass(frozen=True, eq=False)
class Roadmap:
    """The chosen plan, its values and the joint re-simulation; see :func:`roadmap`.

    Attributes
    ----------
    plan
        The :class:`~cxkit.roi.portfolio.PortfolioPlan` (starts, spend, slack,
        binding budget rows).
    evaluation
        The stand-alone :class:`~cxkit.roi.evaluate.Evaluation` of every initiative.
    period
        ``"quarter"``, ``"year"`` or ``"month"``: the unit of the plan's periods.
    values, costs
        ``V_{i,q}`` for ``q = 1 … Q`` and spend ``k`` periods after a start, per id.
    schedule
        The selected initiatives in start order (:class:`ScheduledInitiative`).
    additive_value
        ``Σ V_{i,q_i}`` of the selected starts (the objective without synergies).
    joint
        The risk-adjusted NPV of the selected plan simulated jointly (P10/P50/P90).
    interaction_gap
        ``joint.mean − additive_value``.
    joint_fan
        Per period: (P10, P50, P90) of the plan's cumulative discounted net cash flow.
    joint_benefit_flows, joint_cost_flows
        Mean risk-adjusted benefit and cost per period of the plan's modelled
        initiatives (a business-case ``npv`` has no cash flows: it enters the joint
        value and the fan from its start period, net of its costs).
    start_discount
        The delay multiplier used, or ``None`` (shifted cash flows).
    not_applicable
        Initiatives left out of the plan because they match nothing in the journey
        (valued at zero; see :attr:`cxkit.roi.InitiativeResult.applies`).
    reasons
        ``{id: Reason}`` for **every** initiative given that the plan does not start:
        why (over budget and by how much, a prerequisite, an exclusion, capacity,
        negative value or none within the horizon, the budget going further
        elsewhere); see :mod:`cxkit.roi._reasons` for the rule.
    outliers
        ``{id: Outlier}``: initiatives whose NPV or payback is far outside the
        others' (:mod:`cxkit.roi._outliers`).
    """

    plan: PortfolioPlan
    evaluation: Evaluation
    period: str
    values: Mapping[str, tuple[float, ...]]
    costs: Mapping[str, tuple[float, ...]]
    schedule: tuple[ScheduledInitiative, ...]
    additive_value: float
    joint: PercentileSummary | None
    interaction_gap: float
    joint_fan: tuple[tuple[float, float, float], ...]
    joint_benefit_flows: tuple[float, ...]
    joint_cost_flows: tuple[float, ...]
    start_discount: float | None
    not_applicable: tuple[str, ...] = ()
    convention: str = PERCENTILE_CONVENTION
    joint_draws: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    reasons: Mapping[str, Reason] = field(default_factory=dict)
    outliers: Mapping[str, Outlier] = field(default_factory=dict)

    @property
    def starts(self) -> dict[str, int]:
        """``{id: start period}`` of the selected initiatives."""
        return dict(self.plan.starts)

    @property
    def value(self) -> float:
        """The optimiser's objective (Σ V plus synergies)."""
        return self.plan.value

    @property
    def n_periods(self) -> int:
        """Planning periods Q."""
        return len(self.plan.budget_per_quarter)

    @property
    def relative_gap(self) -> float:
        """``interaction_gap / |additive_value|`` (nan when the additive value is 0)."""
        if self.additive_value == 0:
            return math.nan
        return self.interaction_gap / abs(self.additive_value)

    def period_label(self, q: int) -> str:
        """``"Q2"`` for the second quarter."""
        return self.evaluation.period_label(q)

    def reason_messages(self, lang: str = "en") -> dict[str, str]:
        """``{id: reason}`` as sentences in ``lang``, amounts in the plan's currency."""
        names, money = self._names(), self._money
        return {k: r.message(lang, names, money) for k, r in self.reasons.items()}

    def _names(self) -> dict[str, str]:
        return {r.id: r.label or r.id for r in self.evaluation.initiatives}

    def _money(self, amount: float) -> str:
        cur = self.evaluation.economics.currency
        if abs(amount) >= 1e6:
            return f"{amount / 1e6:,.1f} M {cur}"
        return f"{amount:,.0f} {cur}"

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict (the ``roadmap`` of ``cxkit roi --json``); messages in ``lang``."""
        names, money = self._names(), self._money
        return {
            "period": self.period,
            "periods": self.n_periods,
            "starts": self.starts,
            "by_period": {
                self.period_label(q): list(ids) for q, ids in self.plan.by_quarter().items()
            },
            "value": self.value,
            "additive_value": self.additive_value,
            "joint": None if self.joint is None else self.joint.to_dict(),
            "interaction_gap": self.interaction_gap,
            "relative_gap": self.relative_gap,
            "start_discount": self.start_discount,
            "budget_per_period": list(self.plan.budget_per_quarter),
            "spend_per_period": list(self.plan.spend_per_quarter),
            "slack_per_period": list(self.plan.slack_per_quarter),
            "binding": list(self.plan.binding),
            "carry_over": self.plan.carry_over,
            "schedule": [s.to_dict() for s in self.schedule],
            "values": {k: list(v) for k, v in self.values.items()},
            "joint_fan": [list(x) for x in self.joint_fan],
            "not_applicable": list(self.not_applicable),
            "reasons": {k: r.to_dict(lang, names, money) for k, r in self.reasons.items()},
            "outliers": {k: o.to_dict(lang) for k, o in self.outliers.items()},
            "percentile_convention": self.convention,
        }


#: Why planning periods are bounded (the messages say it).
_PERIODS_WHY = "the roadmap MILP's spend matrix grows with the square of the periods"


def _budgets(
    budget: float | Sequence[float] | None, quarters: int | None, econ: Economics
) -> tuple[float, ...]:
    if budget is None:
        budget = econ.budgets
        if not budget:
            raise CxkitError(
                "`budget` is required: give one budget per period (budget=[100, 60]) or set "
                "'budgets:' in the economics block"
            )
    if isinstance(budget, numbers.Real) and not isinstance(budget, bool):
        values = [float(budget)]
    elif isinstance(budget, (str, bytes)) or not isinstance(budget, Iterable):
        raise CxkitError(
            f"`budget` must be a number or a sequence of numbers, got {format_value(budget)}"
        )
    else:
        values = []
        for k, b in enumerate(budget):
            try:
                values.append(float(b))
            except (TypeError, ValueError):
                raise CxkitError(f"`budget[{k}]` must be a number, got {format_value(b)}") from None
    if not values:
        raise CxkitError("`budget` must give at least one period's budget, got none")
    if len(values) > MAX_PLANNING_PERIODS:
        raise CxkitError(
            f"`budget` must give at most {MAX_PLANNING_PERIODS} periods ({_PERIODS_WHY}), "
            f"got {len(values)}"
        )
    for k, v in enumerate(values):
        if not math.isfinite(v) or v < 0 or v > MAX_MAGNITUDE:
            raise CxkitError(
                f"`budget[{k}]` must be a finite amount ≥ 0 and ≤ {MAX_MAGNITUDE:g}, got {v!r}"
            )
    if quarters is not None:
        if isinstance(quarters, bool) or not isinstance(quarters, numbers.Integral) or quarters < 1:
            raise CxkitError(f"`quarters` must be an integer ≥ 1, got {format_value(quarters)}")
        at_most(quarters, "`quarters`", 1, MAX_PLANNING_PERIODS, "periods", _PERIODS_WHY)
        if len(values) == 1:
            values = values * int(quarters)
        elif len(values) != quarters:
            raise CxkitError(
                f"`budget` gives {len(values)} periods but `quarters` is {quarters}; give one "
                "budget per period or a single budget repeated"
            )
    return tuple(values)


def roadmap(
    journey: Journey,
    initiatives: Sequence[Initiative | str] | None = None,
    *,
    budget: float | Sequence[float] | None = None,
    quarters: int | None = None,
    carry_over: bool | None = None,
    economics: Economics | None = None,
    n_sims: int = 10_000,
    seed: SeedLike = None,
    churn_model: ChurnModel = "outcomes",
    horizon_years: float | None = None,
    periods: str | None = None,
    start_discount: float | None = None,
    must_include: Iterable[str] = (),
    synergies: Mapping[tuple[str, str], float] | None = None,
    capacity: CapacityLimit | Sequence[CapacityLimit] | None = None,
    evaluation: Evaluation | None = None,
    joint_cache: dict[Any, Any] | None = None,
) -> Roadmap:
    """Schedule initiatives over periods under budgets to maximise expected NPV.

    Parameters
    ----------
    journey
        The baseline journey.
    initiatives
        Initiatives or ids of the journey's own; ``None`` takes
        ``journey.initiatives``. Prerequisites must be among them.
    budget
        Budget per planning period (``[100, 60]``), or one number for every period
        (with ``quarters``); ``None`` takes ``economics.budgets``.
    quarters
        Number of planning periods; defaults to ``len(budget)``. At most 120 (the
        MILP's spend matrix grows with the square of the periods), as is
        ``len(budget)``; each budget is at most 1e15.
    carry_over
        Whether unspent budget rolls forward; ``None`` takes ``economics.carry_over``.
    economics
        Overrides ``journey.economics``.
    n_sims, seed, churn_model, horizon_years, periods
        As in :func:`cxkit.roi.evaluate`; ``seed`` is required.
    start_discount
        Value a start delayed by one period at this share of a first-period start
        (model reference Example C4); ``None`` takes ``economics.start_discount``, and if that is
        unset too, shifts the cash flows and truncates them at the horizon.
    must_include, synergies, capacity
        Passed to :func:`~cxkit.roi.portfolio.optimize_portfolio`.
    evaluation
        A previous :func:`~cxkit.roi.evaluate` of the same initiatives to reuse.
    joint_cache
        A dict kept between calls with the same ``evaluation`` (a widget re-planning):
        the joint re-simulation of a set of starts already simulated is reused (it
        is deterministic: the same draws give the same numbers).

    Returns
    -------
    Roadmap

    Raises
    ------
    CxkitError
        For a missing or negative budget, unknown prerequisites, cyclic
        prerequisites, and an infeasible ``must_include`` (naming the binding
        constraint).
    """
    inits = _resolve_initiatives(journey, initiatives)
    econ = economics if economics is not None else journey.economics
    if econ is None:
        raise CxkitError(
            f"journey {journey.id!r} has no economics: add an 'economics:' block or pass economics="
        )
    budgets = _budgets(budget, quarters, econ)
    n_q = len(budgets)
    carry = econ.carry_over if carry_over is None else bool(carry_over)
    sd = econ.start_discount if start_discount is None else start_discount
    if sd is not None and (not isinstance(sd, numbers.Real) or not 0 <= float(sd) <= 1):
        raise CxkitError(f"`start_discount` must be in [0, 1] (0.9 keeps 90 %), got {sd!r}")
    if evaluation is None:
        evaluation = evaluate(
            journey,
            inits,
            economics=econ,
            n_sims=n_sims,
            seed=seed,
            churn_model=churn_model,
            horizon_years=horizon_years,
            periods=periods,
        )
    else:
        missing = [i.id for i in inits if i.id not in evaluation.ids]
        if missing:
            raise CxkitError(f"`evaluation` does not hold initiatives {missing}")
    results = {r.id: r for r in evaluation.initiatives}
    inits, not_applicable = _applicable(inits, results, must_include)
    values = {i.id: results[i.id].value_by_start(n_q, sd) for i in inits}
    costs = {i.id: results[i.id].cost_schedule(n_q) for i in inits}
    planned = {i.id for i in inits}
    candidates = [
        Candidate(
            i.id,
            values[i.id],
            costs=costs[i.id],
            prerequisites={p.id: p.lag for p in i.prerequisites},
            # an excluded initiative outside this plan cannot be chosen with it anyway
            excludes=tuple(e for e in i.excludes if e in planned),
        )
        for i in inits
    ]
    plan = optimize_portfolio(
        candidates,
        budgets,
        carry_over=carry,
        synergies=synergies,
        capacity=capacity,
        must_include=must_include,
    )
    reasons = _reasons(candidates, budgets, plan, carry, synergies, capacity, results)
    reasons.update({i: Reason("not_applicable") for i in not_applicable})
    # in start order, ties in the order given (a stable sort)
    chosen = sorted((i for i in inits if i.id in plan.starts), key=lambda i: plan.starts[i.id])
    additive = float(sum(values[i.id][plan.starts[i.id] - 1] for i in chosen))
    ctx: _Context = evaluation.context
    key = (id(evaluation), tuple((i.id, plan.starts[i.id]) for i in chosen), sd)
    if joint_cache is not None and key in joint_cache:
        joint_rows, fan, b_mean, c_mean = joint_cache[key]
    else:
        joint_rows, fan, b_mean, c_mean = _joint(ctx, chosen, plan.starts, results, sd)
        if joint_cache is not None:
            joint_cache[key] = (joint_rows, fan, b_mean, c_mean)
    joint = None
    gap = 0.0
    if chosen:
        joint = summarise(joint_rows)
        gap = joint.mean - additive
    schedule = tuple(
        ScheduledInitiative(
            i.id,
            i.label or i.id,
            plan.starts[i.id],
            plan.starts[i.id] + max(1, i.ramp_up_periods),
            values[i.id][plan.starts[i.id] - 1],
            tuple(
                costs[i.id][q - plan.starts[i.id]] if q >= plan.starts[i.id] else 0.0
                for q in range(1, n_q + 1)
            ),
        )
        for i in chosen
    )
    return Roadmap(
        plan=plan,
        evaluation=evaluation,
        period=evaluation.period,
        values=values,
        costs=costs,
        schedule=schedule,
        additive_value=additive,
        joint=joint,
        interaction_gap=gap,
        joint_fan=fan,
        joint_benefit_flows=b_mean,
        joint_cost_flows=c_mean,
        start_discount=sd,
        not_applicable=not_applicable,
        joint_draws=joint_rows,
        reasons={i.id: reasons[i.id] for i in _resolve_order(evaluation, reasons)},
        outliers=evaluation_outliers(evaluation),
    )


def _resolve_order(evaluation: Evaluation, reasons: Mapping[str, Reason]) -> list[Any]:
    """The initiatives with a reason, in the evaluation's order."""
    return [r for r in evaluation.initiatives if r.id in reasons]


def _reasons(
    candidates: Sequence[Candidate],
    budgets: Sequence[float],
    plan: PortfolioPlan,
    carry: bool,
    synergies: Mapping[tuple[str, str], float] | None,
    capacity: CapacityLimit | Sequence[CapacityLimit] | None,
    results: Mapping[str, InitiativeResult],
) -> dict[str, Reason]:
    """:func:`~cxkit.roi._reasons.explain_unscheduled`, with ``negative_value`` made
    ``no_value`` for an initiative whose mean benefit within the horizon is zero."""
    out = explain_unscheduled(
        candidates, budgets, plan, carry_over=carry, synergies=synergies, capacity=capacity
    )
    for iid, r in out.items():
        res = results[iid]
        no_benefit = float(np.sum(res.mean_benefit_ra)) <= 0.0
        if r.code == "negative_value" and res.value_source == "model" and no_benefit:
            out[iid] = Reason("no_value", amount=r.amount)
    return out


def _applicable(
    inits: Sequence[Initiative],
    results: Mapping[str, InitiativeResult],
    must_include: Iterable[str],
) -> tuple[list[Initiative], tuple[str, ...]]:
    """The initiatives a plan may start, and those left out because they match nothing.

    An initiative that is not applicable to the journey (valued at zero) is not a
    candidate — unless an applicable candidate requires it, directly or through
    other prerequisites, or ``must_include`` names it: it is then planned at its
    costs, with no benefit of its own.
    """
    by_id = {i.id: i for i in inits}
    forced = {must_include} if isinstance(must_include, str) else set(must_include)
    keep = {i.id for i in inits if results[i.id].applies or i.id in forced}
    todo = list(keep)
    while todo:
        for pre in by_id[todo.pop()].prerequisites:
            if pre.id in by_id and pre.id not in keep:
                keep.add(pre.id)
                todo.append(pre.id)
    left_out = tuple(i.id for i in inits if i.id not in keep)
    return [i for i in inits if i.id in keep], left_out


def _joint(
    ctx: _Context,
    chosen: Sequence[Initiative],
    starts: Mapping[str, int],
    results: Mapping[str, InitiativeResult],
    sd: float | None,
) -> tuple[Array, tuple[tuple[float, float, float], ...], tuple[float, ...], tuple[float, ...]]:
    """Joint risk-adjusted NPV per Monte Carlo row, the fan and the mean flows."""
    n = ctx.n_sims
    horizon = ctx.horizon
    t = np.arange(horizon + 1, dtype=float)
    benefit = np.zeros((n, horizon + 1))
    cost = np.zeros(horizon + 1)
    npv_sd = np.zeros(n)  # the start-discount convention
    modelled = [i for i in chosen if i.npv is None]
    prev = np.zeros(n)
    business = np.zeros(n)
    for k, ini in enumerate(modelled):
        active = modelled[: k + 1]
        c = ctx.compile(active)
        # the same draws as each initiative's stand-alone evaluation (its column j)
        cols = [results[iid].draws[:, j] for iid, j, _ in c.columns]
        values = np.column_stack(cols) if cols else None
        m = run(c, values, rows=n, detail_rows=0)
        ces_rows = g_rows = None
        if ctx.need_levels:
            ces_rows, g_rows = effort_distribution(c, values, rows=n)
        if ini.benefit_per_period is not None:
            business = business + results[ini.id].benefit_draws
        total = _benefits(ctx, m, ctx.phi_draws, business, ces_rows, g_rows)["total"]
        delta = total - prev
        prev = total
        s = starts[ini.id] - 1
        unshifted = delta[:, None] * ctx.factor * _ramp(t, ini.ramp_up_periods)[None, :]
        if s <= horizon:
            benefit[:, s:] += unshifted[:, : horizon + 1 - s]
        b_ra_k, _ = _ra(ctx, unshifted, np.zeros(horizon + 1))
        if sd is not None:
            npv_sd += sd**s * (b_ra_k @ ctx.disc)
    given = np.zeros((n, horizon + 1))  # business-case NPVs, counted from their start
    for ini in chosen:
        s = starts[ini.id] - 1
        r = results[ini.id]
        if ini.npv is not None:
            # an NPV given as a business case is net of its costs; no cash flows
            factor = sd**s if sd is not None else (1.0 + ctx.rate) ** -s
            contribution = factor * r.npv_override_draws
            npv_sd += contribution
            if s <= horizon:
                given[:, s:] += contribution[:, None]
            continue
        # in the roadmap's periods, also for an initiative with a period of its own
        c_un = np.asarray(r.start_cost_flows or r.roadmap_cost_flows or r.cost_flows)
        if s <= horizon:
            cost[s:] += c_un[: horizon + 1 - s]
        if sd is not None:
            _, c_ra_k = _ra(ctx, np.zeros((1, horizon + 1)), c_un)
            npv_sd -= sd**s * float(c_ra_k @ ctx.disc)
    b_ra, c_ra = _ra(ctx, benefit, cost)
    net = (b_ra - c_ra[None, :]) * ctx.disc[None, :]
    cum = np.cumsum(net, axis=1) + given
    rows = npv_sd if sd is not None else cum[:, -1]
    fan = np.percentile(cum, [10, 50, 90], axis=0, method="linear").T
    return (
        rows,
        tuple((float(a), float(b), float(c_)) for a, b, c_ in fan),
        tuple(float(x) for x in b_ra.mean(axis=0)),
        tuple(float(x) for x in c_ra),
    )
