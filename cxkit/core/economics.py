"""Economics and CX initiatives: the inputs of the ROI model.

Their shape is part of the journey format (``economics:`` and ``initiatives:``
blocks) and of stand-alone initiative files; :mod:`cxkit.roi` evaluates them. See
the model reference §4–§5 for how they are used and ``docs/reference/roi.md`` for the format.

Effect targets
--------------
An :class:`Effect` names what it changes with a ``target``:

==========================  ===========================================================
``handoff:A->B``            one declared hand-off (ids only)
``handoffs:PAT->PAT``       every declared hand-off whose ends match the patterns
``reroute:PAT->PAT``        move a share of the matched hand-offs to the touchpoint ``via``
``touchpoint:ID``           one touchpoint
``touchpoints:PAT``         every touchpoint matching the pattern
``step:ID``                 one designed step (by step id)
``steps:PAT``               the designed steps at touchpoints matching the pattern
``reasons:PAT``             the arrivals of call reasons: ``*`` (all), an id, or
                            ``@CHANNEL`` (the *contact reasons* that reach a touchpoint
                            on that channel: customers who start at service touchpoints)
``parameter:GROUP.NAME``    a model parameter (``parameter:effort.w_wait_per_minute``)
``economics:NAME``          a valuation input: ``churn`` (the churn rate per period),
                            ``margin_per_customer`` or ``contact_rate``
==========================  ===========================================================

Patterns (``PAT``) select touchpoints and outcomes without knowing a journey's ids,
so that one catalogue of initiatives applies to any journey:

* ``*`` — any touchpoint (as a source) or any touchpoint or outcome (as a target);
* ``@CHANNEL`` — touchpoints on that channel or on one of its sub-channels
  (``@call_center`` matches phone, email, web form and chat touchpoints);
* ``=KIND`` — outcomes of that kind (``=resolved``, ``=churn``…);
* anything else — an id.

A pattern that matches nothing is not an error: the effect then changes nothing
(:func:`cxkit.roi.evaluate` reports it), and an initiative none of whose selectors
matches anything in a journey is valued at zero there (not applicable).

Examples
--------
>>> parse_effect_target("handoffs:@web->=resolved")
('handoffs', ('@web', '=resolved'))
>>> Estimate.parse(1.0)
Estimate(low=1.0, mode=1.0, high=1.0, distribution=<Distribution.FIXED: 'fixed'>)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from cxkit.core.model import Handoff, Touchpoint

__all__ = [
    "ECONOMICS_EFFECT_NAMES",
    "EFFECT_FIELDS",
    "OUTCOME_KINDS",
    "Distribution",
    "Economics",
    "Effect",
    "EffectChange",
    "Estimate",
    "Initiative",
    "Prerequisite",
    "is_pattern",
    "parse_effect_target",
]

Period = Literal["year", "quarter", "month"]

#: Outcome kinds a ``=KIND`` pattern may name.
OUTCOME_KINDS: tuple[str, ...] = ("purchase", "resolved", "churn", "abandon", "other")


class Distribution(str, Enum):
    """How an uncertain effect is sampled (model reference §5.4)."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    UNIFORM = "uniform"
    FIXED = "fixed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Estimate:
    """An uncertain number given as ``low ≤ mode ≤ high`` and a distribution.

    A plain number in a file is a fixed estimate (``low = mode = high``,
    ``distribution: fixed``).

    Examples
    --------
    >>> Estimate(20000, 30000, 40000).distribution.value
    'triangular'
    >>> Estimate.parse({"low": 0.2, "mode": 0.5, "high": 1.0}).high
    1.0
    """

    low: float
    mode: float
    high: float
    distribution: Distribution = Distribution.TRIANGULAR

    @classmethod
    def fixed(cls, value: float) -> Estimate:
        """A certain value."""
        v = float(value)
        return cls(v, v, v, Distribution.FIXED)

    @classmethod
    def parse(cls, value: Any) -> Estimate:
        """An :class:`Estimate` from a number, a mapping or an :class:`Estimate`."""
        if isinstance(value, Estimate):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls.fixed(value)
        if isinstance(value, dict):
            dist = Distribution(value.get("distribution", "triangular"))
            return cls(float(value["low"]), float(value["mode"]), float(value["high"]), dist)
        raise ValueError(
            f"an estimate is a number or a mapping with low, mode, high, got {value!r}"
        )

    @property
    def is_fixed(self) -> bool:
        """Whether the estimate is a plain number (written back as one)."""
        return self.distribution == Distribution.FIXED and self.low == self.mode == self.high


#: φ of model V-A in ROI runs: Tri(0.2, 0.5, 1.0) (model reference §4.4, §7). [ASSUMPTION]
DEFAULT_PHI = Estimate(0.2, 0.5, 1.0)

#: φ_e of model V-B: 0.10 (model reference §4.4). [ASSUMPTION]
DEFAULT_PHI_EFFORT = Estimate(0.10, 0.10, 0.10, Distribution.FIXED)


@dataclass(frozen=True)
class Economics:
    """Money and volume figures of the business behind a journey.

    Parameters
    ----------
    currency
        ISO code used in reports (``"JPY"``).
    period
        Unit of ``margin_per_customer``, ``baseline_churn``, ``journeys_per_period``
        and of the initiatives' ``cost_per_period`` and ``benefit_per_period``
        (``"year"``).
    customers
        Active customers at the start.
    journeys_per_period
        How many journeys (issues, purchases) start per period; ``None`` means one
        per contacting customer, ``customers × contact_rate``.
    margin_per_customer
        Margin ``m`` of one active customer per period.
    acquisition_cost
        Cost to acquire one customer (``AC``).
    discount_rate
        Annual discount rate ``d`` (10 %). [ASSUMPTION]
    horizon_years
        Evaluation horizon (3 years, TEI-like). [ASSUMPTION]
    contact_rate
        ``p_contact``: share of customers with at least one service issue per period.
    baseline_churn
        Observed churn per period, used to calibrate ``c_base``; ``None`` sets
        ``c_base = 0`` (only the journey-driven churn is modelled).
    risk_benefit, risk_cost
        TEI risk adjustments ``ρ_B`` (0.10) and ``ρ_C`` (0.05). [ASSUMPTION]
    cash_flow_period
        Period of the ROI cash flows and of the roadmap's slots (``"quarter"``).
    phi
        ``φ`` of churn model V-A, the share of stated defection intent that becomes
        churn: Tri(0.2, 0.5, 1.0) in ROI runs (model reference §4.4). [ASSUMPTION]
    phi_effort
        ``φ_e`` of churn model V-B (0.10). [ASSUMPTION]
    value_basis
        How a lower churn becomes money: ``"margin"`` (each period, the customers
        kept bring that period's margin) or ``"clv"`` (each customer kept is worth
        their lifetime value at the new retention).
    spend_uplift
        Share of margin gained per contacting customer and per CES point of effort
        removed (0: off). [ASSUMPTION; model reference §2.2 S1 is stated intent]
    budgets
        Budget per roadmap period (quarter by default); empty means "give it to
        :func:`cxkit.roi.roadmap`".
    carry_over
        Whether unspent budget rolls forward to the next period.
    start_discount
        If set, a start delayed by one period keeps this share of an initiative's
        value (model reference Example C4: 0.9); ``None`` values a later start by shifting its cash
        flows and truncating them at the horizon.
    value_per_outcome
        ``{outcome id: value}``: what one journey ending in that outcome is worth to
        the business (the margin of a purchase), in :attr:`currency`. An initiative
        that raises ``P(outcome)`` earns ``ΔP × journeys per period × value`` per
        period (the "more purchases" source of Forrester's CX Index model, model reference
        §2.2 S9 and §4.5). Empty (the default): conversion is worth nothing.

    Examples
    --------
    >>> Economics(customers=1000, value_per_outcome={"purchase": 1200}).value_per_outcome
    {'purchase': 1200.0}
    """

    currency: str = "JPY"
    period: Period = "year"
    customers: int = 0
    journeys_per_period: float | None = None
    margin_per_customer: float = 0.0
    acquisition_cost: float = 0.0
    discount_rate: float = 0.10
    horizon_years: float = 3.0
    contact_rate: float = 1.0
    baseline_churn: float | None = None
    risk_benefit: float = 0.10
    risk_cost: float = 0.05
    cash_flow_period: Period = "quarter"
    phi: Estimate = DEFAULT_PHI
    phi_effort: Estimate = DEFAULT_PHI_EFFORT
    value_basis: Literal["margin", "clv"] = "margin"
    spend_uplift: float = 0.0
    budgets: tuple[float, ...] = ()
    carry_over: bool = False
    start_discount: float | None = None
    value_per_outcome: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "budgets", tuple(float(b) for b in self.budgets))
        values = self.value_per_outcome
        if not isinstance(values, Mapping):
            raise ValueError(
                "value_per_outcome must be a mapping {outcome id: value}, got "
                f"{type(values).__name__}"
            )
        clean: dict[str, float] = {}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"value_per_outcome[{key!r}] must be a number, got {value!r}")
            if not math.isfinite(float(value)):
                raise ValueError(
                    f"value_per_outcome[{key!r}] must be a finite number, got {value!r}"
                )
            clean[str(key)] = float(value)
        object.__setattr__(self, "value_per_outcome", clean)
        for name in ("phi", "phi_effort"):
            object.__setattr__(self, name, Estimate.parse(getattr(self, name)))


class EffectChange(str, Enum):
    """How an effect's value combines with the baseline."""

    SET = "set"
    ADD = "add"
    MULTIPLY = "multiply"
    #: Raise to at least the value, never lower (``max(current, value)``): a context
    #: carry-over that CRM integration brings to 0.9 stays 1.0 where it already was.
    AT_LEAST = "at_least"

    def __str__(self) -> str:
        return self.value


_HANDOFF_FIELDS = (
    "probability",
    "context_carryover",
    "wait_s",
    "reexplain_effort",
    "reexplain_time_s",
)
_TOUCHPOINT_FIELDS = ("cost_per_contact", "handle_time_s", "capacity")
_STEP_FIELDS = ("expectation", "experience", "effort", "wait_s")

#: Fields an effect may change, per target kind (``parameter`` and ``economics``
#: targets name their field in the target itself).
EFFECT_FIELDS: dict[str, tuple[str, ...]] = {
    "handoff": _HANDOFF_FIELDS,
    "handoffs": _HANDOFF_FIELDS,
    "reroute": ("share",),
    "touchpoint": _TOUCHPOINT_FIELDS,
    "touchpoints": _TOUCHPOINT_FIELDS,
    "step": _STEP_FIELDS,
    "steps": _STEP_FIELDS,
    "reasons": ("arrival",),
    "parameter": (),
    "economics": (),
}

#: Names an ``economics:`` target may change.
ECONOMICS_EFFECT_NAMES: tuple[str, ...] = ("churn", "margin_per_customer", "contact_rate")


@dataclass(frozen=True)
class Effect:
    """One uncertain change an initiative makes to the model.

    Parameters
    ----------
    target
        What changes (see the module docstring): ``handoff:A->B``,
        ``handoffs:PAT->PAT``, ``reroute:PAT->PAT``, ``touchpoint:ID``,
        ``touchpoints:PAT``, ``step:ID``, ``steps:PAT``, ``reasons:PAT``,
        ``parameter:GROUP.NAME`` or ``economics:NAME``.
    field
        The field that changes (``probability``, ``context_carryover``…); implied
        for ``parameter:`` and ``economics:`` targets and ``share`` for ``reroute:``.
    change
        ``set``, ``add``, ``multiply`` or raise to ``at_least`` the baseline value.
    low, mode, high, distribution
        The uncertain value, ``low ≤ mode ≤ high``.
    channel_switch_only
        Keep only the matched hand-offs that switch channel.
    transfer_only
        Keep only the matched hand-offs flagged as transfers.
    via
        For ``reroute:``: the touchpoint that receives the moved share (an
        existing one or one the initiative adds).
    repeat_only
        Keep only the matched hand-offs that bring a customer *back* to a
        touchpoint already on their path (repeat contacts): a hand-off ``A → B``
        with ``A = B`` (calls again), or one where every path from the journey's
        entries to ``A`` passes through ``B`` (``B`` dominates ``A``), so that
        every customer who takes it has been at ``B`` before.
    """

    target: str
    field: str | None
    change: EffectChange = EffectChange.SET
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0
    distribution: Distribution = Distribution.TRIANGULAR
    channel_switch_only: bool = False
    transfer_only: bool = False
    via: str | None = None
    repeat_only: bool = False

    @property
    def estimate(self) -> Estimate:
        """``(low, mode, high, distribution)`` as an :class:`Estimate`."""
        return Estimate(self.low, self.mode, self.high, self.distribution)


@dataclass(frozen=True)
class Prerequisite:
    """Initiative ``id`` must have started ``lag`` periods before."""

    id: str
    lag: int = 1


@dataclass(frozen=True)
class Initiative:
    """A CX investment: costs, effects on the graph, ramp-up and dependencies.

    Parameters
    ----------
    id, label, description, category
        Identification.
    cost_one_off
        Capex at start (t = the start period).
    cost_per_period
        Opex per period of :attr:`Economics.period` while running.
    ramp_up_periods
        Cash-flow periods until the full benefit (linear ramp: ``t/R`` in the
        ``t``-th period after the start).
    prerequisites
        Initiatives that must start earlier (with a lag).
    excludes
        Mutually exclusive initiatives.
    effects
        The changes to the model.
    benefit_per_period
        A benefit per period of :attr:`Economics.period` known from elsewhere (a
        business case), added to the modelled benefits, ramped and risk-adjusted
        like them.
    npv
        A risk-adjusted NPV known from elsewhere, for a start in the first period:
        used as the initiative's value instead of the modelled one (its costs still
        count against budgets).
    add_touchpoints
        Touchpoints the initiative creates (a chat channel); ignored for ids the
        journey already has.
    add_handoffs
        Hand-offs the initiative creates or sets while it is active; their ends may
        be patterns (``@phone``, ``=resolved``): a source pattern adds one hand-off
        per matching touchpoint, a target pattern takes the first match.
    cash_flow_period
        Period of this initiative's own cash flows (``"year"`` for a yearly business
        case such as model reference Example C2); ``None`` uses :attr:`Economics.cash_flow_period`.
    """

    id: str
    label: str = ""
    description: str | None = None
    category: str | None = None
    cost_one_off: float = 0.0
    cost_per_period: float = 0.0
    ramp_up_periods: int = 0
    prerequisites: tuple[Prerequisite, ...] = ()
    excludes: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    benefit_per_period: Estimate | None = None
    npv: Estimate | None = None
    add_touchpoints: tuple[Touchpoint, ...] = ()
    add_handoffs: tuple[Handoff, ...] = ()
    cash_flow_period: Period | None = None

    def __post_init__(self) -> None:
        for name in ("prerequisites", "excludes", "effects", "add_touchpoints", "add_handoffs"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("benefit_per_period", "npv"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Estimate.parse(value))


def is_pattern(part: str) -> bool:
    """Whether a target part is a pattern (``*``, ``@CHANNEL``, ``=KIND``) and not an id.

    Examples
    --------
    >>> is_pattern("@phone"), is_pattern("phone")
    (True, False)
    """
    return part == "*" or part.startswith(("@", "="))


def parse_effect_target(target: str) -> tuple[str, tuple[str, ...]]:
    """Split an effect target into its kind and its ids or patterns.

    Raises :class:`ValueError` with the accepted forms on a malformed target.

    Examples
    --------
    >>> parse_effect_target("handoff:web->phone")
    ('handoff', ('web', 'phone'))
    >>> parse_effect_target("handoffs:*->phone")
    ('handoffs', ('*', 'phone'))
    >>> parse_effect_target("touchpoints:@call_center")
    ('touchpoints', ('@call_center',))
    >>> parse_effect_target("parameter:effort.w_wait_per_minute")
    ('parameter', ('effort', 'w_wait_per_minute'))
    >>> parse_effect_target("economics:churn")
    ('economics', ('churn',))
    >>> parse_effect_target("reasons:@call_center")
    ('reasons', ('@call_center',))
    """
    forms = (
        "handoff:A->B, handoffs:A->* (patterns *, @CHANNEL, =KIND), reroute:A->B, "
        "touchpoint:ID, touchpoints:PATTERN, step:ID, steps:PATTERN, reasons:PATTERN, "
        "parameter:GROUP.NAME, economics:NAME"
    )
    kind, sep, rest = str(target).partition(":")
    rest = rest.strip()
    if not sep or kind not in EFFECT_FIELDS or not rest:
        raise ValueError(f"malformed effect target {target!r}; expected one of {forms}")
    if kind in ("handoff", "handoffs", "reroute"):
        src, arrow, dst = rest.partition("->")
        src, dst = src.strip(), dst.strip()
        if not arrow or not src or not dst:
            raise ValueError(f"malformed effect target {target!r}; expected one of {forms}")
        if kind == "handoff" and (is_pattern(src) or is_pattern(dst)):
            raise ValueError(
                f"effect target {target!r} has a pattern; use 'handoffs:' for patterns"
            )
        return kind, (src, dst)
    if kind == "parameter":
        group, dot, name = rest.partition(".")
        if not dot or group not in ("emotion", "effort") or not name:
            raise ValueError(
                f"malformed effect target {target!r}; expected parameter:emotion.NAME "
                "or parameter:effort.NAME"
            )
        return kind, (group, name)
    if kind in ("touchpoint", "step") and is_pattern(rest):
        raise ValueError(f"effect target {target!r} has a pattern; use '{kind}s:' for patterns")
    if kind == "reasons" and rest.startswith("="):
        raise ValueError(
            f"effect target {target!r}: call reasons are selected by '*', '@CHANNEL' or a "
            "call-reason id, not by an outcome kind"
        )
    return kind, (rest,)
