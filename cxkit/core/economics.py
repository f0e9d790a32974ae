"""Economics and CX initiatives: the inputs of the ROI model.

Their shape is part of the journey format now; :mod:`cxkit.roi` evaluates them.
See MODELS.md §4–§5 for how they are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

__all__ = [
    "Distribution",
    "Economics",
    "Effect",
    "EffectChange",
    "Initiative",
    "Prerequisite",
    "parse_effect_target",
]

Period = Literal["year", "quarter", "month"]


@dataclass(frozen=True)
class Economics:
    """Money and volume figures of the business behind a journey.

    Parameters
    ----------
    currency
        ISO code used in reports (``"JPY"``).
    period
        Unit of ``margin_per_customer`` and ``baseline_churn`` (``"year"``).
    customers
        Active customers at the start.
    journeys_per_period
        How many journeys (issues, purchases) start per period; ``None`` means
        one per customer.
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
        Observed churn per period, used to calibrate ``c_base``.
    risk_benefit, risk_cost
        TEI risk adjustments ``ρ_B`` (0.10) and ``ρ_C`` (0.05). [ASSUMPTION]
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


class Distribution(str, Enum):
    """How an uncertain effect is sampled (MODELS.md §5.4)."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    UNIFORM = "uniform"
    FIXED = "fixed"

    def __str__(self) -> str:
        return self.value


class EffectChange(str, Enum):
    """How an effect's value combines with the baseline."""

    SET = "set"
    ADD = "add"
    MULTIPLY = "multiply"

    def __str__(self) -> str:
        return self.value


#: Fields an effect may change, per target kind.
EFFECT_FIELDS: dict[str, tuple[str, ...]] = {
    "handoff": (
        "probability",
        "context_carryover",
        "wait_s",
        "reexplain_effort",
        "reexplain_time_s",
    ),
    "handoffs": (
        "probability",
        "context_carryover",
        "wait_s",
        "reexplain_effort",
        "reexplain_time_s",
    ),
    "touchpoint": ("cost_per_contact", "handle_time_s", "capacity"),
    "step": ("expectation", "experience", "effort", "wait_s"),
    "parameter": (),
}


@dataclass(frozen=True)
class Effect:
    """One uncertain change an initiative makes to the model.

    ``target`` is one of ``handoff:A->B``, ``handoffs:A->*`` / ``handoffs:*->B`` /
    ``handoffs:*`` (wildcards; add ``channel_switch_only`` to keep cross-channel
    hand-offs), ``touchpoint:ID``, ``step:ID`` or ``parameter:GROUP.NAME``
    (``parameter:effort.w_wait_per_minute``). ``field`` names what changes; for
    ``parameter:`` targets it is implied. ``low ≤ mode ≤ high``.
    """

    target: str
    field: str | None
    change: EffectChange = EffectChange.SET
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0
    distribution: Distribution = Distribution.TRIANGULAR
    channel_switch_only: bool = False


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
        Opex per period while running.
    ramp_up_periods
        Periods until the full benefit (linear ramp).
    prerequisites
        Initiatives that must start earlier (with a lag).
    excludes
        Mutually exclusive initiatives.
    effects
        The changes to the model.
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


def parse_effect_target(target: str) -> tuple[str, tuple[str, ...]]:
    """Split an effect target into its kind and its ids.

    Raises :class:`ValueError` with the accepted forms on a malformed target.

    Examples
    --------
    >>> parse_effect_target("handoff:web->phone")
    ('handoff', ('web', 'phone'))
    >>> parse_effect_target("handoffs:*->phone")
    ('handoffs', ('*', 'phone'))
    >>> parse_effect_target("parameter:effort.w_wait_per_minute")
    ('parameter', ('effort', 'w_wait_per_minute'))
    """
    forms = (
        "handoff:A->B, handoffs:A->* (wildcards *), touchpoint:ID, step:ID, parameter:GROUP.NAME"
    )
    kind, sep, rest = str(target).partition(":")
    rest = rest.strip()
    if not sep or kind not in EFFECT_FIELDS or not rest:
        raise ValueError(f"malformed effect target {target!r}; expected one of {forms}")
    if kind in ("handoff", "handoffs"):
        src, arrow, dst = rest.partition("->")
        src, dst = src.strip(), dst.strip()
        if not arrow or not src or not dst:
            raise ValueError(f"malformed effect target {target!r}; expected one of {forms}")
        if kind == "handoff" and "*" in (src, dst):
            raise ValueError(f"effect target {target!r} has a wildcard; use 'handoffs:' for those")
        return kind, (src, dst)
    if kind == "parameter":
        group, dot, name = rest.partition(".")
        if not dot or group not in ("emotion", "effort") or not name:
            raise ValueError(
                f"malformed effect target {target!r}; expected parameter:emotion.NAME "
                "or parameter:effort.NAME"
            )
        return kind, (group, name)
    return kind, (rest,)
