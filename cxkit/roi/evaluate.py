"""What CX initiatives are worth: effects → journey → churn and cost → cash flows → NPV.

:func:`evaluate` values each initiative on its own against the baseline journey
(model reference §4–§5, DESIGN.md "ROI roadmap"):

1. **Journey.** The baseline and each scenario (the journey with the initiative's
   effects) are solved as absorbing chains by the batched exact engine
   (:mod:`cxkit.roi._engine`): outcome shares, contacts, cost to serve, the
   resolution shares ``π = (FCR, resolved in ≥ 2 contacts, unresolved)`` and the
   effort. Every Monte Carlo draw of the effects is one row of one vectorised
   solve — the same numbers as :func:`cxkit.sim.exact` for each draw, without a
   Monte Carlo journey simulation per draw.
2. **Churn** per period of :attr:`~cxkit.core.economics.Economics.period`:
   model V-A (``churn_model="outcomes"``, default) ``c_base + p·φ·Σπ_k d_k`` with
   SQM's stated-intent anchors ``d = (0.05, 0.09, 0.25)`` and
   ``φ ~ Tri(0.2, 0.5, 1.0)`` (``economics.phi``); or model V-B
   (``churn_model="effort"``) ``c_base + p·φ_e·E[g(CES)]``. ``c_base`` is
   calibrated per draw so that the baseline reproduces ``economics.baseline_churn``
   (``0`` when it is not given; clipped at 0 with a warning when the journey alone
   explains more churn than observed). A journey that ends in an outcome of kind
   ``churn`` is a customer lost for sure (behaviour, not stated intent: not scaled
   by φ): ``churn = c_base + p·(φ·Σ_k π_k d_k + π_churn)``, where the
   "unresolved" class excludes ``π_churn`` (and, in V-B,
   ``c_base + p·(φ_e·E[g(CES)]·(1 − π_churn) + π_churn)``).
3. **Value per period** (model reference §4.5, Forrester's CX-index structure):

   * retained margin ``(churn_base − churn_scen)·customers·margin``
     (``value_basis="margin"``: each period, the customers kept bring that period's
     margin; a conservative flow that ignores the survivors' later margins), or
     ``… ·CLV`` (``value_basis="clv"``: each customer kept is worth their lifetime
     value ``m(1 + d)/(1 + d − r')`` at the new retention, margin of the period
     included);
   * cost-to-serve saving ``journeys·(cost_base − cost_scen)`` with cost per journey
     = contacts × cost per contact + re-explanation time at the receiving
     touchpoint's cost per second; journeys per period are
     ``economics.journeys_per_period`` or ``customers × contact_rate``;
   * optional spend uplift ``spend_uplift·ΔCES·customers·p·m``;
   * a change of margin (``economics:margin_per_customer`` effects) ``customers·Δm``;
   * conversion ``Σ_o value_o·(P_scen(o) − P_base(o))·journeys`` over the outcomes
     given a value in ``economics.value_per_outcome`` (a purchase's margin): the
     "more purchases" source of Forrester's CX Index model (model reference §2.2 S9,
     §4.5). ``P(o)`` is the absorption probability of outcome ``o`` of the exact
     chain, per draw; ``journeys`` is the baseline number of journeys per period
     (a change of ``contact_rate`` does not make purchases). Do not give a value to
     an outcome of kind ``churn``: the churn model already values it;
   * a business-case benefit ``benefit_per_period`` given with the initiative.

4. **Cash flows** per period of ``economics.cash_flow_period`` (quarters by
   default) ``t = 0 … T``, ``T = horizon × periods per year``: the one-off cost at
   ``t = 0`` (undiscounted, model reference §0), then from ``t = 1`` the benefits ramped
   linearly ``min(1, t/R)`` over ``ramp_up_periods`` and the running cost.
   Per-period amounts given per :attr:`Economics.period` are converted in
   proportion (a year's benefit is a quarter's × 4). The discount rate per period
   is ``(1 + d)^(1/p) − 1``. An initiative with its own ``cash_flow_period`` (a
   yearly business case, model reference Example C2) gets its flows, NPV, ROI, IRR and paybacks
   in that period; in a roadmap its costs are re-expressed per roadmap period and
   a later start discounts its NPV by the roadmap period's rate (or
   ``start_discount``).
5. **Metrics**: NPV, ROI, IRR, payback and discounted payback, plain and after the
   TEI risk adjustment ``B(1 − ρ_B)``, ``C(1 + ρ_C)`` (:mod:`cxkit.roi.finance`).
6. **Uncertainty**: ``n_sims`` draws of every effect (triangular / PERT / uniform
   / fixed), of ``φ`` and of the business-case inputs, with common random numbers:
   effect ``j`` of initiative ``i`` always draws from the stream
   ``SeedSequence(seed, spawn_key=(crc32(i), j))`` and ``φ`` from one shared
   stream, so that an initiative gets the same draws alone and in a roadmap, and
   all initiatives share the same ``φ``. Summaries are P10/P50/P90 (the
   :data:`~cxkit.roi.uncertainty.PERCENTILE_CONVENTION`: P10 is the pessimistic
   NPV), ``P(NPV < 0)`` and the distribution of the cumulative discounted net cash
   flow per period (the fan chart); a one-at-a-time sensitivity of each input
   (its low and high with the others at their mode) gives the tornado.

An initiative with an ``npv`` estimate (a business case from elsewhere) takes its
NPV from it: the modelled effects are still evaluated and reported but are not
part of its value.

Examples
--------
Model reference Example C1: the FCR initiative of ``roi_example_c`` with ``φ = 1``:

>>> import cxkit as cx
>>> from dataclasses import replace
>>> j = cx.load_journey("roi_example_c")
>>> econ = replace(j.economics, phi=1.0)
>>> ev = evaluate(j, ["faq"], economics=econ, n_sims=200, seed=1)
>>> faq = ev["faq"]
>>> ev.baseline.fcr_shares, tuple(round(x, 4) for x in faq.scenario.fcr_shares)
((0.7, 0.2, 0.1), (0.8, 0.15, 0.05))
>>> round(ev.baseline.churn, 6), round(faq.scenario.churn, 6)
(0.2, 0.194)
>>> round(ev.baseline.clv, 4), round(faq.scenario.clv, 4)
(266.6667, 274.1497)
>>> round(faq.benefits["retained_margin"], 6)
30000.0
"""

from __future__ import annotations

import math
import numbers
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from cxkit.core._checks import (
    MAX_HORIZON_PERIODS,
    MAX_MAGNITUDE,
    MAX_SIMS,
    at_most,
    fits_in_memory,
)
from cxkit.core.economics import Economics, Effect, Estimate, Initiative
from cxkit.core.errors import CxkitError, JourneyValidationError, Problem, format_value
from cxkit.core.journey import Journey
from cxkit.core.metrics import NotApplicable
from cxkit.core.rng import SeedLike, as_generator
from cxkit.core.suggest import unknown_message
from cxkit.io.initiatives_io import check_initiatives
from cxkit.roi._engine import (
    Metrics,
    effort_distribution,
    run,
)
from cxkit.roi._scenario import Compiled, compile_scenario
from cxkit.roi.finance import CashFlowSummary, annual_to_period_rate, summarize_cash_flows
from cxkit.roi.uncertainty import PERCENTILE_CONVENTION, PercentileSummary, sample
from cxkit.sim.loyalty import DEFAULT_DEFECTION, clv_constant

__all__ = [
    "PERIODS_PER_YEAR",
    "Evaluation",
    "InitiativeResult",
    "ScenarioSummary",
    "Sensitivity",
    "evaluate",
    "summarise",
]

Array = NDArray[np.float64]
ChurnModel = Literal["outcomes", "effort"]

#: Periods per year of each period name.
PERIODS_PER_YEAR: dict[str, int] = {"year": 1, "quarter": 4, "month": 12}

#: Prefix of period labels in reports (``Q1``, ``Y2``, ``M3``).
PERIOD_PREFIX: dict[str, str] = {"year": "Y", "quarter": "Q", "month": "M"}

_PHI_KEY = "__phi__"
_BENEFIT_COLUMN = 100_000
_NPV_COLUMN = 100_001


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ScenarioSummary:
    """The journey metrics of one scenario (effects at their mode), per customer journey.

    Attributes
    ----------
    outcome_shares
        ``{outcome: probability}``.
    fcr_shares
        ``(FCR, resolved in ≥ 2 contacts, unresolved)`` (model V-A's classes). On a
        journey without an outcome of kind ``resolved`` first-contact resolution does
        not apply (:func:`cxkit.core.metrics.fcr_applicability`): model V-A then
        counts the outcomes with a positive value sign, and the reports and
        :meth:`to_dict` say "not applicable" instead of these numbers (see
        ``not_applicable``).
    contacts, service_contacts, switches, transfers, context_losses, repeat_contacts
        Expected counts per journey (model reference §3.2).
    effort_index
        Expected effort index before clipping.
    ces
        Mean CES5 (clipped to 1–5), from the effort-level chain.
    cost_per_journey
        Contact cost plus re-explanation cost.
    contact_cost, reexplain_cost
        Its two parts: ``v·cost_per_contact`` (what :func:`cxkit.sim.exact` calls
        the expected cost) and the re-explanation time at the receiving
        touchpoint's cost per second.
    handle_time_s
        Expected handle time, re-explanations included.
    churn, retention
        Churn per period of the economics and ``1 − churn``.
    clv
        Constant-retention CLV ``m·r/(1 + d − r)`` per customer (model reference §4.1).
    not_applicable
        ``{"fcr_shares": NotApplicable}`` when first-contact resolution does not
        apply to the journey; empty otherwise.
    """

    outcome_shares: Mapping[str, float]
    fcr_shares: tuple[float, float, float]
    contacts: float
    service_contacts: float
    switches: float
    transfers: float
    context_losses: float
    repeat_contacts: float
    effort_index: float
    ces: float
    cost_per_journey: float
    contact_cost: float
    reexplain_cost: float
    handle_time_s: float
    churn: float
    retention: float
    clv: float
    not_applicable: Mapping[str, NotApplicable] = field(default_factory=dict)

    @property
    def fcr_applies(self) -> bool:
        """Whether first-contact resolution applies (an outcome of kind ``resolved``)."""
        return "fcr_shares" not in self.not_applicable

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict; ``fcr_shares`` is ``null`` where FCR does not apply, with
        the reason in ``not_applicable`` (message in ``lang``)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["outcome_shares"] = dict(self.outcome_shares)
        out["fcr_shares"] = (
            dict(zip(("fcr", "multi_contact", "unresolved"), self.fcr_shares, strict=True))
            if self.fcr_applies
            else None
        )
        out["not_applicable"] = {k: v.to_dict(lang) for k, v in self.not_applicable.items()}
        return out


@dataclass(frozen=True)
class Sensitivity:
    """One bar of the tornado: an input at its low and high, the others at their mode.

    ``npv_low``/``npv_high`` are the risk-adjusted NPVs with the input at ``low``
    and ``high``; ``swing = |npv_high − npv_low|``.
    """

    name: str
    label: str
    low: float
    high: float
    npv_low: float
    npv_high: float

    @property
    def swing(self) -> float:
        """``|npv_high − npv_low|``."""
        return abs(self.npv_high - self.npv_low)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "name": self.name,
            "label": self.label,
            "low": self.low,
            "high": self.high,
            "npv_low": self.npv_low,
            "npv_high": self.npv_high,
            "swing": self.swing,
        }


@dataclass(frozen=True, eq=False)
class InitiativeResult:
    """One initiative against the baseline.

    Attributes
    ----------
    id, label, category
        From the initiative.
    scenario
        Journey metrics with the effects at their mode.
    benefits
        Value per period of :attr:`Economics.period` at the mode, by source:
        ``retained_margin``, ``cost_to_serve``, ``spend_uplift``, ``margin_change``,
        ``conversion``, ``business_case`` and ``total``.
    benefit_flows, cost_flows
        Cash flows ``t = 0 … T`` at the mode, before risk adjustment (costs positive).
    summary, risk_adjusted
        :class:`~cxkit.roi.finance.CashFlowSummary` of those flows, plain and TEI
        risk-adjusted.
    npv, npv_risk_adjusted
        Monte Carlo :class:`~cxkit.roi.uncertainty.PercentileSummary` (P10/P50/P90,
        mean, ``P(NPV < 0)``).
    npv_fan
        Per period ``t``: (P10, P50, P90) of the risk-adjusted cumulative discounted
        net cash flow up to ``t``.
    sensitivity
        Tornado bars, largest swing first.
    value_source
        ``"model"``, or ``"npv"`` when the initiative's ``npv`` estimate is used.
    warnings
        Effects that matched nothing, probability overflows…
    period
        Period of :attr:`benefit_flows`, :attr:`cost_flows` and the paybacks: the
        initiative's own ``cash_flow_period`` or the evaluation's.
    applies
        ``False`` when none of the initiative's selectors (hand-offs, touchpoints,
        steps, call reasons, added hand-offs) matches anything in the journey: it is
        then **valued at zero** — no benefit, no cost flows, NPV 0 in every draw, no
        payback — and :attr:`warnings` says so. :meth:`value_by_start` and
        :meth:`cost_schedule` still describe what *starting* it would mean (its costs,
        no benefit): a roadmap uses them only when it must start it as the
        prerequisite of an initiative that applies.
    """

    id: str
    label: str
    category: str | None
    initiative: Initiative
    scenario: ScenarioSummary
    benefits: Mapping[str, float]
    benefit_flows: tuple[float, ...]
    cost_flows: tuple[float, ...]
    summary: CashFlowSummary
    risk_adjusted: CashFlowSummary
    npv: PercentileSummary
    npv_risk_adjusted: PercentileSummary
    npv_fan: tuple[tuple[float, float, float], ...]
    sensitivity: tuple[Sensitivity, ...]
    value_source: Literal["model", "npv"]
    warnings: tuple[str, ...]
    mean_benefit_ra: tuple[float, ...] = field(repr=False, default=())
    cost_ra: tuple[float, ...] = field(repr=False, default=())
    npv_ra_draws: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    draws: Array = field(repr=False, default_factory=lambda: np.zeros((0, 0)))
    modes: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    benefit_draws: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    npv_override_draws: Array = field(repr=False, default_factory=lambda: np.zeros(0))
    rate: float = 0.0
    period: str = "quarter"
    roadmap_rate: float = 0.0
    roadmap_cost_flows: tuple[float, ...] = field(repr=False, default=())
    applies: bool = True
    #: For an initiative that does not apply: the costs of starting it anyway, per
    #: roadmap period (its :attr:`cost_flows` are 0).
    start_cost_flows: tuple[float, ...] = field(repr=False, default=())

    @property
    def own_period(self) -> bool:
        """Whether the initiative's cash flows have a period of their own."""
        return bool(self.roadmap_cost_flows)

    def value_by_start(
        self, n_periods: int, start_discount: float | None = None
    ) -> tuple[float, ...]:
        """``V_q`` for a start in period ``q = 1 … n_periods`` (model reference §5.3).

        The expected risk-adjusted NPV at ``t = 0`` of the initiative started in
        period ``q``: its cash flows shifted by ``q − 1`` periods, discounted from
        ``t = 0`` and **truncated at the horizon** (a later start earns fewer
        periods of benefit). With ``start_discount`` (model reference Example C4: 0.9) the value
        of a start in ``q`` is ``V_1·start_discount^(q−1)`` instead. An ``npv``
        estimate is shifted by discounting only. For an initiative that does not
        apply (:attr:`applies` is ``False``) it is the value of starting it anyway:
        its risk-adjusted costs, no benefit.
        """
        n = int(n_periods)
        if self.value_source == "npv":
            v1 = float(np.mean(self.npv_override_draws))
        else:
            net = np.asarray(self.mean_benefit_ra) - np.asarray(self.cost_ra)
            disc = (1.0 + self.rate) ** -np.arange(net.size, dtype=float)
            v1 = float(net @ disc)
        if start_discount is not None:
            return tuple(v1 * start_discount**q for q in range(n))
        if self.value_source == "npv":
            return tuple(v1 / (1.0 + self.rate) ** q for q in range(n))
        if self.own_period:
            return tuple(v1 / (1.0 + self.roadmap_rate) ** q for q in range(n))
        # shifted by ``shift`` periods and truncated at the horizon
        return tuple(
            float(net[: net.size - shift] @ disc[shift:]) if shift < net.size else 0.0
            for shift in range(n)
        )

    def cost_schedule(self, n_periods: int) -> tuple[float, ...]:
        """Nominal spend ``k = 0 … n_periods − 1`` periods after the start (for budgets).

        Periods are the evaluation's (the roadmap's), also for an initiative whose
        cash flows have a period of their own.
        """
        own = self.start_cost_flows or self.roadmap_cost_flows or self.cost_flows
        flows = list(own[:n_periods])
        run_cost = own[1] if len(own) > 1 else 0.0
        flows += [run_cost] * (n_periods - len(flows))
        return tuple(float(x) for x in flows)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict (``inf``/``nan`` kept as floats; messages in ``lang``)."""
        return {
            "id": self.id,
            "label": self.label,
            "category": self.category,
            "applies": self.applies,
            "value_source": self.value_source,
            "cash_flow_period": self.period,
            "discount_rate_per_period": self.rate,
            "scenario": self.scenario.to_dict(lang),
            "benefits_per_period": dict(self.benefits),
            "benefit_flows": list(self.benefit_flows),
            "cost_flows": list(self.cost_flows),
            "summary": self.summary.to_dict(),
            "risk_adjusted": self.risk_adjusted.to_dict(),
            "npv": self.npv.to_dict(),
            "npv_risk_adjusted": self.npv_risk_adjusted.to_dict(),
            "npv_fan": [list(x) for x in self.npv_fan],
            "sensitivity": [s.to_dict() for s in self.sensitivity],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Every initiative valued against the baseline; see :func:`evaluate`.

    ``evaluation["crm"]`` is the :class:`InitiativeResult` of ``crm``.
    """

    journey_id: str
    economics: Economics
    currency: str
    period: str
    periods_per_year: int
    horizon_periods: int
    rate: float
    churn_model: str
    n_sims: int
    seed: int
    baseline: ScenarioSummary
    initiatives: tuple[InitiativeResult, ...]
    warnings: tuple[str, ...]
    convention: str = PERCENTILE_CONVENTION
    context: Any = field(default=None, repr=False)

    @property
    def ids(self) -> tuple[str, ...]:
        """Initiative ids, in the order evaluated."""
        return tuple(r.id for r in self.initiatives)

    @property
    def not_applicable(self) -> tuple[str, ...]:
        """Ids of the initiatives that match nothing in the journey (valued at zero)."""
        return tuple(r.id for r in self.initiatives if not r.applies)

    def __getitem__(self, initiative_id: str) -> InitiativeResult:
        for r in self.initiatives:
            if r.id == initiative_id:
                return r
        raise CxkitError(unknown_message("initiative", initiative_id, self.ids))

    def __iter__(self) -> Any:
        return iter(self.initiatives)

    def __len__(self) -> int:
        return len(self.initiatives)

    def period_label(self, t: int) -> str:
        """``"Q3"`` for period 3 of quarterly flows."""
        return f"{PERIOD_PREFIX.get(self.period, 'P')}{t}"

    def table(self) -> list[dict[str, Any]]:
        """One row per initiative: NPV (mode), risk-adjusted P10/P50/P90, payback…

        ``applies`` is ``False`` for an initiative that matches nothing in the
        journey (valued at zero)."""
        rows = []
        for r in self.initiatives:
            rows.append(
                {
                    "id": r.id,
                    "label": r.label,
                    "applies": r.applies,
                    "npv": r.summary.npv,
                    "npv_risk_adjusted": r.risk_adjusted.npv,
                    "p10": r.npv_risk_adjusted.p10,
                    "p50": r.npv_risk_adjusted.p50,
                    "p90": r.npv_risk_adjusted.p90,
                    "prob_negative": r.npv_risk_adjusted.prob_negative,
                    "roi": r.risk_adjusted.roi,
                    "irr": r.risk_adjusted.irr,
                    "payback": r.risk_adjusted.payback,
                    "discounted_payback": r.risk_adjusted.discounted_payback,
                }
            )
        return rows

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict (the ``evaluation`` of ``cxkit roi --json``; messages in
        ``lang``)."""
        return {
            "journey": self.journey_id,
            "currency": self.currency,
            "period": self.period,
            "periods_per_year": self.periods_per_year,
            "horizon_periods": self.horizon_periods,
            "discount_rate_per_period": self.rate,
            "churn_model": self.churn_model,
            "value_basis": self.economics.value_basis,
            "n_sims": self.n_sims,
            "seed": self.seed,
            "percentile_convention": self.convention,
            "baseline": self.baseline.to_dict(lang),
            "initiatives": [r.to_dict(lang) for r in self.initiatives],
            "not_applicable": list(self.not_applicable),
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Timing:
    """The cash-flow grid of one initiative."""

    ppy: int
    horizon: int
    rate: float
    factor: float
    disc: Array


@dataclass
class _Context:
    """Everything the valuation of a scenario needs (shared by evaluate and roadmap)."""

    journey: Journey
    economics: Economics
    churn_model: str
    entropy: int
    n_sims: int
    ppy: int  # cash-flow periods per year
    ppy_econ: int
    horizon: int  # T
    rate: float
    rate_econ: float
    factor: float  # econ-period amount → cash-flow-period amount
    disc: Array
    need_levels: bool
    base: Metrics
    base_ces: float
    base_g: float
    phi_mode: float
    phi_draws: Array
    warnings: list[str]
    churn_mask: Array = field(default_factory=lambda: np.zeros(0))
    outcome_values: Array = field(default_factory=lambda: np.zeros(0))
    period: str = "quarter"
    compiled: dict[tuple[str, ...], Compiled] = field(default_factory=dict)

    def timing(self, period: str | None) -> _Timing:
        """Cash-flow periods, horizon, rates and discount factors of ``period``."""
        own = _Timing(self.ppy, self.horizon, self.rate, self.factor, self.disc)
        if period is None or PERIODS_PER_YEAR[period] == self.ppy:
            return own
        ppy = PERIODS_PER_YEAR[period]
        years = self.horizon / self.ppy
        horizon = max(1, round(years * ppy))
        rate = annual_to_period_rate(self.economics.discount_rate, ppy)
        disc = (1.0 + rate) ** -np.arange(horizon + 1, dtype=float)
        return _Timing(ppy, horizon, rate, self.ppy_econ / ppy, disc)

    def stream(self, key: str, j: int) -> np.random.Generator:
        return as_generator(
            np.random.SeedSequence(self.entropy, spawn_key=(zlib.crc32(key.encode()), j))
        )

    def compile(self, initiatives: Sequence[Initiative]) -> Compiled:
        key = tuple(i.id for i in initiatives)
        if key not in self.compiled:
            self.compiled[key] = compile_scenario(self.journey, initiatives)
        return self.compiled[key]


def _entropy(seed: SeedLike) -> int:
    """The integer every stream of an evaluation derives from (a Generator gives one draw)."""
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and int(seed) >= 0:
        return int(seed)
    # a Generator or SeedSequence gives one integer; None and bad seeds get the one message
    return int(as_generator(seed).integers(0, 2**63 - 1))


def _draw(ctx: _Context, est: Estimate, key: str, j: int, n: int) -> Array:
    return sample(est.distribution, est.low, est.mode, est.high, n, ctx.stream(key, j))


def _resolve_initiatives(
    journey: Journey, initiatives: Sequence[Initiative | str] | Initiative | None
) -> tuple[Initiative, ...]:
    if initiatives is None:
        return tuple(journey.initiatives)
    if isinstance(initiatives, (Initiative, str)):
        initiatives = [initiatives]
    known = {i.id: i for i in journey.initiatives}
    out = []
    for k, item in enumerate(initiatives):
        if isinstance(item, Initiative):
            out.append(item)
        elif isinstance(item, str):
            if item not in known:
                raise CxkitError(
                    f"`initiatives[{k}]`: "
                    + unknown_message("initiative", item, list(known))
                    + f" (the initiatives of journey {journey.id!r}; pass Initiative objects "
                    "or cxkit.roi.catalog() for others)"
                )
            out.append(known[item])
        else:
            raise CxkitError(
                f"`initiatives[{k}]` must be an Initiative or an initiative id, got "
                f"{format_value(item)} ({type(item).__name__})"
            )
    return tuple(out)


def _context(
    journey: Journey,
    initiatives: Sequence[Initiative],
    economics: Economics | None,
    n_sims: int,
    seed: SeedLike,
    churn_model: str,
    horizon_years: float | None,
    periods: str | None,
) -> _Context:
    if not isinstance(journey, Journey):
        raise CxkitError(f"`journey` must be a Journey, got {type(journey).__name__}")
    econ = economics if economics is not None else journey.economics
    if econ is None:
        raise CxkitError(
            f"journey {journey.id!r} has no economics: add an 'economics:' block "
            "(customers, margin_per_customer, contact_rate…) or pass economics="
        )
    if not isinstance(econ, Economics):
        raise CxkitError(f"`economics` must be an Economics, got {type(econ).__name__}")
    if churn_model not in ("outcomes", "effort"):
        raise CxkitError(
            f"`churn_model` must be 'outcomes' (model V-A) or 'effort' (model V-B), "
            f"got {format_value(churn_model)}"
        )
    if isinstance(n_sims, bool) or not isinstance(n_sims, numbers.Integral) or n_sims < 1:
        raise CxkitError(f"`n_sims` must be an integer ≥ 1, got {format_value(n_sims)}")
    at_most(n_sims, "`n_sims`", 1, MAX_SIMS, "draws", "a fixed cap on one run's draws")
    period = periods if periods is not None else econ.cash_flow_period
    if period not in PERIODS_PER_YEAR:
        raise CxkitError(
            f"`periods` must be one of 'year', 'quarter', 'month', got {format_value(period)}"
        )
    years = econ.horizon_years if horizon_years is None else horizon_years
    try:
        years = float(years)
    except (TypeError, ValueError):
        raise CxkitError(
            f"`horizon_years` must be a number > 0, got {format_value(years)}"
        ) from None
    if not math.isfinite(years) or years <= 0:
        raise CxkitError(f"`horizon_years` must be a number > 0, got {format_value(years)}")
    ppy = PERIODS_PER_YEAR[period]
    if years * ppy > MAX_HORIZON_PERIODS + 0.5:
        raise CxkitError(
            f"`horizon_years` {format_value(years)} gives {years * ppy:.4g} {period}s; at most "
            f"{MAX_HORIZON_PERIODS} cash-flow periods (IRR is searched down to −99 % per "
            "period, whose discount factors overflow past ~150 periods)"
        )
    horizon = max(1, round(years * ppy))
    _check_draw_memory(journey, initiatives, int(n_sims), horizon)
    # prerequisites may name initiatives that are not evaluated here; roadmap() checks them
    given = {i.id for i in initiatives}
    pool = list(initiatives) + [i for i in journey.initiatives if i.id not in given]
    problems = check_initiatives(pool, econ, journey=journey)
    n_given = len(initiatives)

    def mine(path: str) -> bool:
        if not path.startswith("initiatives["):
            return True
        if ".prerequisites" in path or ".excludes" in path:
            return False  # they matter to roadmap(), which checks them
        return int(path[len("initiatives[") : path.index("]")]) < n_given

    errors = [p for p in problems if p.severity == "error" and mine(p.path)]
    errors += _value_problems(econ, journey)
    errors += _magnitude_problems(econ, initiatives)
    if errors:
        raise JourneyValidationError(errors, file=f"initiatives for journey {journey.id!r}")
    entropy = _entropy(seed)
    ppy_econ = PERIODS_PER_YEAR[econ.period]
    rate = annual_to_period_rate(econ.discount_rate, ppy)
    warnings: list[str] = []
    if econ.customers == 0:
        warnings.append(
            "economics.customers is 0: churn changes are worth nothing (set the number of "
            "active customers)"
        )
    base_c = compile_scenario(journey, ())
    base = run(base_c)
    need_levels = churn_model == "effort" or econ.spend_uplift > 0
    base_ces, base_g = effort_distribution(base_c)
    ctx = _Context(
        journey=journey,
        economics=econ,
        churn_model=churn_model,
        entropy=entropy,
        n_sims=int(n_sims),
        ppy=ppy,
        ppy_econ=ppy_econ,
        horizon=horizon,
        rate=rate,
        rate_econ=annual_to_period_rate(econ.discount_rate, ppy_econ),
        factor=ppy_econ / ppy,
        disc=(1.0 + rate) ** -np.arange(horizon + 1, dtype=float),
        need_levels=need_levels,
        period=period,
        base=base,
        base_ces=float(base_ces[0]),
        base_g=float(base_g[0]),
        phi_mode=0.0,
        phi_draws=np.zeros(0),
        warnings=warnings,
    )
    phi = econ.phi if churn_model == "outcomes" else econ.phi_effort
    ctx.phi_mode = float(phi.mode)
    ctx.phi_draws = _draw(ctx, phi, _PHI_KEY, 0, ctx.n_sims)
    ctx.compiled[()] = base_c
    ctx.churn_mask = np.array([k.value == "churn" for k in base_c.out_kinds], dtype=float)
    ctx.outcome_values = np.array(
        [econ.value_per_outcome.get(o, 0.0) for o in base_c.out_ids], dtype=float
    )
    return ctx


#: Bytes the engine keeps per draw: per hand-off of the compiled journey, per
#: cash-flow period of one initiative, and a constant (measured on roi_example_c and
#: retail_omnichannel at 20,000-200,000 draws: 1.0-6.7 KB per draw; these are ~1.3-2x).
_DRAW_BYTES_PER_EDGE = 200
_DRAW_BYTES_PER_PERIOD = 48
_DRAW_BYTES = 400


def _check_draw_memory(
    journey: Journey, initiatives: Sequence[Initiative], n_sims: int, horizon: int
) -> None:
    """Refuse ``n_sims`` draws whose estimated memory exceeds the budget."""
    edges = len(journey.graph.handoffs) + sum(len(i.effects) for i in initiatives)
    per = _DRAW_BYTES + _DRAW_BYTES_PER_EDGE * edges + _DRAW_BYTES_PER_PERIOD * (horizon + 1)
    fits_in_memory(n_sims, "`n_sims`", per, MAX_SIMS, "draws")


#: Money and count fields of the economics block bounded by ``MAX_MAGNITUDE``.
_ECON_AMOUNTS = ("customers", "journeys_per_period", "margin_per_customer", "acquisition_cost")


def _magnitude_problems(econ: Economics, initiatives: Sequence[Initiative]) -> list[Problem]:
    """Amounts past ``MAX_MAGNITUDE`` (1e15): their sums would overflow to inf/nan."""
    found: list[tuple[str, object]] = [
        (f"economics.{name}", getattr(econ, name)) for name in _ECON_AMOUNTS
    ]
    found += [(f"economics.budgets[{k}]", b) for k, b in enumerate(econ.budgets)]
    found += [(f"economics.value_per_outcome.{k}", v) for k, v in econ.value_per_outcome.items()]
    for k, ini in enumerate(initiatives):
        found += [(f"initiatives[{k}].{f}", getattr(ini, f)) for f in _INITIATIVE_AMOUNTS]
        for e, effect in enumerate(ini.effects):
            where = f"initiatives[{k}].effects[{e}]"
            found += [(f"{where}.{f}", getattr(effect, f)) for f in ("low", "mode", "high")]
    return [
        Problem(
            "out of range",
            path=path,
            value=value,
            expected=f"a finite number of magnitude ≤ {MAX_MAGNITUDE:g} (larger sums overflow)",
            code="range",
        )
        for path, value in found
        if isinstance(value, (int, float))
        and not isinstance(value, bool)
        and not (math.isfinite(value) and abs(value) <= MAX_MAGNITUDE)
    ]


_INITIATIVE_AMOUNTS = ("cost_one_off", "cost_per_period")


def _value_problems(econ: Economics, journey: Journey) -> list[Problem]:
    """Unknown outcome ids in ``economics.value_per_outcome``."""
    known = list(journey.graph.outcome_ids)
    return [
        Problem(
            unknown_message("outcome", key, known),
            path=f"economics.value_per_outcome.{key}",
            value=key,
            expected=f"an outcome id of journey {journey.id!r}: {', '.join(known)}",
            code="unknown-reference",
        )
        for key in econ.value_per_outcome
        if key not in known
    ]


# --------------------------------------------------------------------------- valuation


def _churn(
    ctx: _Context,
    m: Metrics,
    phi: Array,
    g_rows: Array | None,
) -> tuple[Array, Array, Array]:
    """``(churn_base, churn_scen, clipped)`` per row of economics' period."""
    econ = ctx.economics
    s = m.contacts.shape[0]
    p_b = float(econ.contact_rate)
    mult, add = m.econ.get("contact_rate", (np.ones(s), np.zeros(s)))
    p_s = np.clip(p_b * mult + add, 0.0, 1.0)
    lost_b = float(ctx.base.absorption[0] @ ctx.churn_mask)
    lost_s = m.absorption @ ctx.churn_mask
    if ctx.churn_model == "outcomes":
        d = np.asarray(DEFAULT_DEFECTION)
        shares_b = ctx.base.fcr_shares[0].copy()
        shares_b[2] -= lost_b
        shares_s = m.fcr_shares.copy()
        shares_s[:, 2] -= lost_s
        driver_b = float(shares_b @ d)
        driver_s = shares_s @ d
    else:
        driver_b = ctx.base_g * (1.0 - lost_b)
        g_s = g_rows if g_rows is not None else np.full(s, ctx.base_g)
        driver_s = g_s * (1.0 - lost_s)
    # stated intent is scaled by φ; a journey that ends in a churn outcome is a loss
    base_driven = p_b * (phi * driver_b + lost_b)
    observed = econ.baseline_churn
    c_base = observed - base_driven if observed is not None else np.zeros(s)
    clipped = c_base < -1e-12
    c_base = np.maximum(c_base, 0.0)
    churn_b = np.clip(c_base + base_driven, 0.0, 1.0)
    churn_s = c_base + p_s * (phi * driver_s + lost_s)
    cm, ca = m.econ.get("churn", (np.ones(s), np.zeros(s)))
    churn_s = np.clip(churn_s * cm + ca, 0.0, 1.0)
    return churn_b, churn_s, clipped


def _benefits(
    ctx: _Context,
    m: Metrics,
    phi: Array,
    business: Array,
    ces_rows: Array | None,
    g_rows: Array | None,
) -> dict[str, Array]:
    """Value per economics period, by source, per row."""
    econ = ctx.economics
    s = m.contacts.shape[0]
    n_cust = float(econ.customers)
    m_b = float(econ.margin_per_customer)
    churn_b, churn_s, clipped = _churn(ctx, m, phi, g_rows)
    if clipped.any():
        msg = (
            f"the journey alone explains more churn than economics.baseline_churn "
            f"({econ.baseline_churn}); c_base was set to 0, so the baseline churn is the "
            "journey-driven churn (lower phi or contact_rate, or raise baseline_churn)"
        )
        if msg not in ctx.warnings:
            ctx.warnings.append(msg)
    if econ.value_basis == "clv":
        retention = 1.0 - churn_s
        d = ctx.rate_econ
        unit = m_b * (1.0 + d) / np.maximum(1.0 + d - retention, 1e-12)
    else:
        unit = np.full(s, m_b)
    retained = (churn_b - churn_s) * n_cust * unit
    mm, ma = m.econ.get("margin_per_customer", (np.ones(s), np.zeros(s)))
    margin_change = n_cust * (m_b * mm + ma - m_b)
    p_b = float(econ.contact_rate)
    cm, ca = m.econ.get("contact_rate", (np.ones(s), np.zeros(s)))
    p_s = np.clip(p_b * cm + ca, 0.0, 1.0)
    if econ.journeys_per_period is not None:
        j_b = float(econ.journeys_per_period)
        j_s = j_b * (p_s / p_b if p_b > 0 else np.ones(s))
    else:
        j_b = n_cust * p_b
        j_s = n_cust * p_s
    cost_b = float(ctx.base.cost[0])
    cost_to_serve = j_b * cost_b - j_s * m.cost
    if econ.spend_uplift > 0 and ces_rows is not None:
        spend = econ.spend_uplift * (ctx.base_ces - ces_rows) * n_cust * p_b * m_b
    else:
        spend = np.zeros(s)
    vals = ctx.outcome_values
    if vals.any():
        k = vals.size
        delta_p = m.absorption[:, :k] - ctx.base.absorption[0, :k][None, :]
        conversion = j_b * (delta_p @ vals)
    else:
        conversion = np.zeros(s)
    total = retained + margin_change + cost_to_serve + spend + conversion + business
    return {
        "retained_margin": retained,
        "cost_to_serve": cost_to_serve,
        "spend_uplift": spend,
        "margin_change": margin_change,
        "conversion": conversion,
        "business_case": np.broadcast_to(business, (s,)).astype(float),
        "total": total,
        "churn_base": churn_b,
        "churn_scen": churn_s,
    }


def _flows(
    ctx: _Context, ini: Initiative, total: Array, tm: _Timing | None = None
) -> tuple[Array, Array]:
    """Benefit rows ``(S, T+1)`` and the cost vector ``(T+1,)``, before risk adjustment.

    On the evaluation's grid, or on ``tm`` (an initiative's own cash-flow period).
    """
    tm = tm if tm is not None else ctx.timing(None)
    ramp = _ramp(np.arange(tm.horizon + 1, dtype=float), ini.ramp_up_periods)
    benefits = total[:, None] * tm.factor * ramp[None, :]
    costs = np.full(tm.horizon + 1, ini.cost_per_period * tm.factor)
    costs[0] = ini.cost_one_off
    return benefits, costs


def _ramp(t: Array, r: int) -> Array:
    """Share of the full benefit in period ``t``: 0 at ``t = 0``, then ``min(1, t/r)``."""
    return np.where(t >= 1, np.minimum(1.0, t / r) if r > 0 else 1.0, 0.0)


def _ra(ctx: _Context, benefits: Array, costs: Array) -> tuple[Array, Array]:
    econ = ctx.economics
    return benefits * (1.0 - econ.risk_benefit), costs * (1.0 + econ.risk_cost)


def _summary(ctx: _Context, m: Metrics, row: int, churn: float) -> ScenarioSummary:
    econ = ctx.economics
    retention = 1.0 - churn
    try:
        clv = float(clv_constant(econ.margin_per_customer, retention, ctx.rate_econ))
    except CxkitError:
        clv = math.nan
    shares = m.absorption[row]
    return ScenarioSummary(
        outcome_shares={o: float(p) for o, p in zip(_out_ids(ctx), shares, strict=False)},
        fcr_shares=tuple(float(round(x, 15)) for x in m.fcr_shares[row]),  # type: ignore[arg-type]
        contacts=float(m.contacts[row]),
        service_contacts=float(m.service_contacts[row]),
        switches=float(m.switches[row]),
        transfers=float(m.transfers[row]),
        context_losses=float(m.context_losses[row]),
        repeat_contacts=float(m.repeat_contacts[row]),
        effort_index=float(m.effort_index[row]),
        ces=float(m.ces[row]),
        cost_per_journey=float(m.cost[row]),
        contact_cost=float(m.contact_cost[row]),
        reexplain_cost=float(m.reexplain_cost[row]),
        handle_time_s=float(m.handle_time_s[row]),
        churn=float(churn),
        retention=float(retention),
        clv=clv,
        not_applicable=(
            {"fcr_shares": m.not_applicable["fcr"]} if "fcr" in m.not_applicable else {}
        ),
    )


def _out_ids(ctx: _Context) -> tuple[str, ...]:
    return ctx.compiled[()].out_ids


def _effect_label(ini: Initiative, j: int, eff: Effect) -> str:
    what = eff.field or ""
    return f"{ini.id}: {eff.target}" + (f" {what}" if what else "") + f" ({eff.change.value})"


def _not_applicable(ctx: _Context, ini: Initiative, c: Compiled) -> InitiativeResult:
    """The result of an initiative that matches nothing in the journey: valued at zero."""
    n = ctx.n_sims
    tm = ctx.timing(ini.cash_flow_period)
    _, costs = _flows(ctx, ini, np.zeros(1), tm)
    _, c_ra = _ra(ctx, np.zeros((1, costs.size)), costs)
    econ = ctx.economics
    nan = math.nan
    zero = {
        "pv_benefits": 0.0,
        "pv_costs": 0.0,
        "npv": 0.0,
        "roi": nan,
        "irr": nan,
        "payback": nan,
        "discounted_payback": nan,
        "rate": tm.rate,
    }
    base_churn, _, _ = _churn(ctx, ctx.base, np.array([ctx.phi_mode]), np.array([ctx.base_g]))
    scenario = replace(_summary(ctx, ctx.base, 0, float(base_churn[0])), ces=ctx.base_ces)
    draws = np.zeros(n)
    benefits = dict.fromkeys(
        (
            "retained_margin",
            "cost_to_serve",
            "spend_uplift",
            "margin_change",
            "conversion",
            "business_case",
            "total",
        ),
        0.0,
    )
    return InitiativeResult(
        id=ini.id,
        label=ini.label or ini.id,
        category=ini.category,
        initiative=ini,
        scenario=scenario,
        benefits=benefits,
        benefit_flows=(0.0,) * costs.size,
        cost_flows=(0.0,) * costs.size,
        summary=CashFlowSummary(**zero),
        risk_adjusted=CashFlowSummary(
            **zero, risk_benefit=econ.risk_benefit, risk_cost=econ.risk_cost
        ),
        npv=summarise(draws),
        npv_risk_adjusted=summarise(draws),
        npv_fan=((0.0, 0.0, 0.0),) * costs.size,
        sensitivity=(),
        value_source="model",
        warnings=tuple(c.warnings),
        mean_benefit_ra=(0.0,) * costs.size,
        cost_ra=tuple(float(x) for x in c_ra),
        npv_ra_draws=draws,
        draws=np.zeros((n, len(c.columns))),
        modes=np.array([e.mode for _, _, e in c.columns], dtype=float),
        benefit_draws=np.zeros(n),
        rate=tm.rate,
        period=ini.cash_flow_period or ctx.period,
        roadmap_rate=ctx.rate,
        roadmap_cost_flows=(
            () if tm.ppy == ctx.ppy else tuple(float(x) for x in _flows(ctx, ini, np.zeros(1))[1])
        ),
        applies=False,
        start_cost_flows=tuple(float(x) for x in _flows(ctx, ini, np.zeros(1))[1]),
    )


def _evaluate_one(ctx: _Context, ini: Initiative) -> InitiativeResult:
    c = ctx.compile([ini])
    if ini.id in c.inapplicable:
        return _not_applicable(ctx, ini, c)
    n_eff = len(c.columns)
    n = ctx.n_sims
    modes = np.array([e.mode for _, _, e in c.columns], dtype=float)
    draws = np.empty((n, n_eff))
    for k, (iid, j, eff) in enumerate(c.columns):
        draws[:, k] = _draw(ctx, eff.estimate, iid, j, n)
    # rows: mode, then low/high of each effect, then the Monte Carlo draws
    n_head = 1 + 2 * n_eff
    values = np.empty((n_head + n, n_eff))
    values[:n_head] = modes
    for k, (_, _, eff) in enumerate(c.columns):
        values[1 + 2 * k, k] = eff.low
        values[2 + 2 * k, k] = eff.high
    values[n_head:] = draws
    m = run(c, values, detail_rows=n_head)
    if ctx.need_levels:
        ces_rows, g_rows = effort_distribution(c, values)
    else:
        ces_rows, g_rows = None, None
    phi = np.concatenate([np.full(n_head, ctx.phi_mode), ctx.phi_draws])
    if ini.benefit_per_period is not None:
        bpp = ini.benefit_per_period
        b_draws = _draw(ctx, bpp, ini.id, _BENEFIT_COLUMN, n)
        business = np.concatenate([np.full(n_head, bpp.mode), b_draws])
    else:
        b_draws = np.zeros(n)
        business = np.zeros(n_head + n)
    ben = _benefits(ctx, m, phi, business, ces_rows, g_rows)
    tm = ctx.timing(ini.cash_flow_period)
    benefits, costs = _flows(ctx, ini, ben["total"], tm)
    b_ra, c_ra = _ra(ctx, benefits, costs)
    npv_plain = (benefits - costs[None, :]) @ tm.disc
    npv_ra = (b_ra - c_ra[None, :]) @ tm.disc
    cum_ra = np.cumsum((b_ra - c_ra[None, :]) * tm.disc[None, :], axis=1)
    value_source: Literal["model", "npv"] = "model"
    override = np.zeros(0)
    if ini.npv is not None:
        value_source = "npv"
        override = _draw(ctx, ini.npv, ini.id, _NPV_COLUMN, n)
        npv_plain = np.concatenate([np.full(n_head, ini.npv.mode), override])
        npv_ra = npv_plain.copy()
        cum_ra = np.repeat(npv_ra[:, None], tm.horizon + 1, axis=1)
    econ = ctx.economics
    b_mode = benefits[0]
    summary = summarize_cash_flows(b_mode, costs, tm.rate)
    risk = summarize_cash_flows(b_mode, costs, tm.rate, econ.risk_benefit, econ.risk_cost)
    if value_source == "npv":
        v = float(npv_plain[0])
        unknown = dict.fromkeys(("roi", "irr", "payback", "discounted_payback"), math.nan)
        summary = replace(summary, npv=v, **unknown)
        risk = replace(risk, npv=v, **unknown)
    mc = slice(n_head, None)
    npv_s = summarise(npv_plain[mc])
    npv_ra_s = summarise(npv_ra[mc])
    fan = np.percentile(cum_ra[mc], [10, 50, 90], axis=0, method="linear").T
    # tornado: effects at low/high (rows 1 … 2J), then φ and the business case on the mode row
    sens: list[Sensitivity] = []
    if value_source == "model":
        for k, (_, j, eff) in enumerate(c.columns):
            if eff.low == eff.high:
                continue
            sens.append(
                Sensitivity(
                    f"effects[{j}]",
                    _effect_label(ini, j, eff),
                    eff.low,
                    eff.high,
                    float(npv_ra[1 + 2 * k]),
                    float(npv_ra[2 + 2 * k]),
                )
            )
        phi_est = econ.phi if ctx.churn_model == "outcomes" else econ.phi_effort
        if phi_est.low != phi_est.high:
            lo = _one_row_npv(ctx, ini, m, phi_value=phi_est.low, business=business[0], g=g_rows)
            hi = _one_row_npv(ctx, ini, m, phi_value=phi_est.high, business=business[0], g=g_rows)
            sens.append(
                Sensitivity(
                    "phi",
                    "φ (stated intent → churn)"
                    if ctx.churn_model == "outcomes"
                    else "φ_e (disloyal → churn)",
                    phi_est.low,
                    phi_est.high,
                    lo,
                    hi,
                )
            )
        bpp = ini.benefit_per_period
        if bpp is not None and bpp.low != bpp.high:
            lo = _one_row_npv(ctx, ini, m, phi_value=ctx.phi_mode, business=bpp.low, g=g_rows)
            hi = _one_row_npv(ctx, ini, m, phi_value=ctx.phi_mode, business=bpp.high, g=g_rows)
            sens.append(
                Sensitivity(
                    "benefit_per_period", f"{ini.id}: benefit per period", bpp.low, bpp.high, lo, hi
                )
            )
    elif ini.npv is not None and ini.npv.low != ini.npv.high:
        sens.append(
            Sensitivity(
                "npv", f"{ini.id}: NPV", ini.npv.low, ini.npv.high, ini.npv.low, ini.npv.high
            )
        )
    sens.sort(key=lambda x: -x.swing)
    warnings = list(c.warnings)
    if m.renormalised_overflow:
        warnings.append(
            f"initiative {ini.id!r}: in {m.renormalised_overflow} draws the changed hand-off "
            "probabilities of a touchpoint exceeded 1 and were scaled down to sum to 1"
        )
    if c.virtual_remainder and np.any(
        m.absorption[:, list(c.out_ids).index(ctx.journey.graph.remainder_outcome)] > 1e-9
    ):
        warnings.append(
            f"initiative {ini.id!r}: some probability went to the remainder outcome "
            f"{ctx.journey.graph.remainder_outcome!r}, which the journey does not declare"
        )
    scenario = _summary(ctx, m, 0, float(ben["churn_scen"][0]))
    if ces_rows is not None:
        scenario = replace(scenario, ces=float(ces_rows[0]))
    else:
        ces_mode, _ = effort_distribution(c, values[:1])
        scenario = replace(scenario, ces=float(ces_mode[0]))
    return InitiativeResult(
        id=ini.id,
        label=ini.label or ini.id,
        category=ini.category,
        initiative=ini,
        scenario=scenario,
        benefits={k: float(v[0]) for k, v in ben.items() if k not in ("churn_base", "churn_scen")},
        benefit_flows=tuple(float(x) for x in b_mode),
        cost_flows=tuple(float(x) for x in costs),
        summary=summary,
        risk_adjusted=risk,
        npv=npv_s,
        npv_risk_adjusted=npv_ra_s,
        npv_fan=tuple((float(a), float(b), float(c_)) for a, b, c_ in fan),
        sensitivity=tuple(sens),
        value_source=value_source,
        warnings=tuple(warnings),
        mean_benefit_ra=tuple(float(x) for x in b_ra[mc].mean(axis=0)),
        cost_ra=tuple(float(x) for x in c_ra),
        npv_ra_draws=npv_ra[mc].copy(),
        draws=draws,
        modes=modes,
        benefit_draws=b_draws,
        npv_override_draws=override if value_source == "npv" else np.zeros(0),
        rate=tm.rate,
        period=ini.cash_flow_period or ctx.period,
        roadmap_rate=ctx.rate,
        roadmap_cost_flows=(
            () if tm.ppy == ctx.ppy else tuple(float(x) for x in _flows(ctx, ini, np.zeros(1))[1])
        ),
    )


def summarise(x: Array) -> PercentileSummary:
    """P10/P50/P90, mean and ``P(x < 0)`` with asymptotic standard errors.

    The standard error of the ``p``-quantile is ``√(p(1 − p)/n)/f(q_p)`` (the
    asymptotic law of a sample quantile), with ``1/f(q_p)`` estimated from the
    empirical quantile function as ``(q_{p+h} − q_{p−h})/(2h)``, ``h = ½n^{−1/3}``
    (at most ``p/2``). It costs one sort instead of a bootstrap; ``n_boot`` is 0 to
    say that the errors are not bootstrap ones.

    >>> s = summarise(np.random.default_rng(0).normal(size=10_000))
    >>> round(s.p50, 1) + 0.0, bool(0.005 < s.se_p50 < 0.02)
    (0.0, True)
    """
    arr = np.asarray(x, dtype=float)
    n = arr.size
    ps = np.array([0.1, 0.5, 0.9])
    h = np.minimum(0.5 * n ** (-1.0 / 3.0), np.minimum(ps, 1 - ps) / 2)
    grid = np.concatenate([ps, ps - h, ps + h]) * 100.0
    q = np.percentile(arr, grid, method="linear")
    p, lo, hi = q[:3], q[3:6], q[6:]
    se = np.sqrt(ps * (1 - ps) / max(n, 1)) * (hi - lo) / (2 * h)
    if n < 20:
        se = np.full(3, math.nan)
    return PercentileSummary(
        p10=float(p[0]),
        p50=float(p[1]),
        p90=float(p[2]),
        mean=float(arr.mean()),
        prob_negative=float(np.mean(arr < 0.0)),
        n=int(n),
        se_p10=float(se[0]),
        se_p50=float(se[1]),
        se_p90=float(se[2]),
        n_boot=0,
    )


def _one_row_npv(
    ctx: _Context,
    ini: Initiative,
    m: Metrics,
    *,
    phi_value: float,
    business: float,
    g: Array | None,
) -> float:
    """Risk-adjusted NPV of the mode row with another φ or business-case value."""
    row = m.take(np.array([0]))
    ben = _benefits(
        ctx,
        row,
        np.array([phi_value]),
        np.array([business]),
        None,
        None if g is None else g[:1],
    )
    tm = ctx.timing(ini.cash_flow_period)
    benefits, costs = _flows(ctx, ini, ben["total"], tm)
    b_ra, c_ra = _ra(ctx, benefits, costs)
    return float((b_ra[0] - c_ra) @ tm.disc)


def evaluate(
    journey: Journey,
    initiatives: Sequence[Initiative | str] | Initiative | None = None,
    *,
    economics: Economics | None = None,
    n_sims: int = 10_000,
    seed: SeedLike = None,
    churn_model: ChurnModel = "outcomes",
    horizon_years: float | None = None,
    periods: str | None = None,
) -> Evaluation:
    """Value each initiative against the baseline journey, with uncertainty.

    See the module docstring for the model. Every number is per the journey's
    customers and economics; every stochastic input is drawn from streams of
    ``seed`` (same seed, same numbers).

    Parameters
    ----------
    journey
        The baseline journey.
    initiatives
        :class:`~cxkit.core.economics.Initiative` objects or ids of the journey's
        own initiatives; ``None`` evaluates ``journey.initiatives``.
    economics
        Overrides ``journey.economics`` (required if the journey has none).
    n_sims
        Monte Carlo draws of the uncertain inputs (10,000); at most 1,000,000, and
        only as many as fit in 75 % of the memory available (estimated before any
        draw; ``docs/reference/cli.md``, "Limits").
    seed
        Required: a non-negative integer (or a Generator, from which one integer is
        drawn).
    churn_model
        ``"outcomes"`` (model V-A, resolution shares) or ``"effort"`` (model V-B, CES).
    horizon_years
        Overrides ``economics.horizon_years``; at most 120 cash-flow periods
        (``horizon_years`` × periods per year).
    periods
        Period of the cash flows (``"quarter"``, ``"year"``, ``"month"``);
        overrides ``economics.cash_flow_period``.

    Returns
    -------
    Evaluation

    Raises
    ------
    CxkitError
        On bad arguments (no economics, unknown initiative ids, bad seed…).
    JourneyValidationError
        When initiatives do not fit the journey (unknown touchpoints, unordered
        ranges, cyclic prerequisites…), listing every problem with its path.
    """
    inits = _resolve_initiatives(journey, initiatives)
    ctx = _context(journey, inits, economics, n_sims, seed, churn_model, horizon_years, periods)
    results = tuple(_evaluate_one(ctx, ini) for ini in inits)
    base_churn, _, _ = _churn(ctx, ctx.base, np.array([ctx.phi_mode]), np.array([ctx.base_g]))
    baseline = replace(_summary(ctx, ctx.base, 0, float(base_churn[0])), ces=ctx.base_ces)
    warnings = list(ctx.warnings)
    for r in results:
        warnings.extend(w for w in r.warnings if w not in warnings)
    econ = ctx.economics
    return Evaluation(
        journey_id=journey.id,
        economics=econ,
        currency=econ.currency,
        period=ctx.period,
        periods_per_year=ctx.ppy,
        horizon_periods=ctx.horizon,
        rate=ctx.rate,
        churn_model=churn_model,
        n_sims=ctx.n_sims,
        seed=ctx.entropy,
        baseline=baseline,
        initiatives=results,
        warnings=tuple(warnings),
        context=ctx,
    )
