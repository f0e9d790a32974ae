"""The value types of a journey: touchpoints, hand-offs, outcomes, stages and steps.

All are frozen dataclasses: they compare by value, hash, and are edited with
:func:`dataclasses.replace` (or the ``with_*`` methods of
:class:`~cxkit.core.journey.Journey`), which return new objects.

Field names are the YAML keys (see ``docs/reference/yaml.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

from cxkit.core.i18n import label as _label

__all__ = [
    "BLUEPRINT_LANES",
    "TEXT_LISTS",
    "CallReason",
    "Emotion",
    "Evidence",
    "Handoff",
    "Outcome",
    "OutcomeKind",
    "Persona",
    "Stage",
    "Step",
    "Touchpoint",
    "TouchpointKind",
    "frozen_mapping",
]


def frozen_mapping(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of ``mapping`` (``{}`` for ``None``)."""
    return MappingProxyType(dict(mapping or {}))


class _LabelledEnum(str, Enum):
    """A string enum whose members have English and Japanese labels."""

    def label(self, lang: str = "en") -> str:
        """Display label in ``lang`` (``"en"`` or ``"ja"``)."""
        return _label(self.value, lang)

    def __str__(self) -> str:
        return self.value


class Emotion(_LabelledEnum):
    """The three emotion classes of the expectation–disconfirmation model.

    Examples
    --------
    >>> Emotion.parse("感動")
    <Emotion.DELIGHTED: 'delighted'>
    >>> Emotion.DISSATISFIED.label("ja")
    '不満'
    """

    DISSATISFIED = "dissatisfied"
    SATISFIED = "satisfied"
    DELIGHTED = "delighted"

    @classmethod
    def parse(cls, value: str | Emotion) -> Emotion:
        """Accept an English value (any case) or a Japanese label (不満 / 満足 / 感動)."""
        if isinstance(value, Emotion):
            return value
        text = str(value).strip()
        for member in cls:
            if text.lower() == member.value or text == member.label("ja"):
                return member
        raise ValueError(
            f"unknown emotion {text!r}; expected one of "
            + ", ".join(f"{m.value} ({m.label('ja')})" for m in cls)
        )


class Evidence(_LabelledEnum):
    """How well a step's annotation is supported."""

    ASSUMED = "assumed"
    OBSERVED = "observed"
    MEASURED = "measured"


class OutcomeKind(_LabelledEnum):
    """What an absorbing outcome means for the business."""

    PURCHASE = "purchase"
    RESOLVED = "resolved"
    CHURN = "churn"
    ABANDON = "abandon"
    OTHER = "other"

    @property
    def default_value_sign(self) -> int:
        """+1 for purchase/resolved, −1 for churn/abandon, 0 otherwise."""
        return {"purchase": 1, "resolved": 1, "churn": -1, "abandon": -1}.get(self.value, 0)


class TouchpointKind(_LabelledEnum):
    """The role a touchpoint plays in the journey (model reference §3.1)."""

    MARKETING = "marketing"
    SALES = "sales"
    SERVICE = "service"


@dataclass(frozen=True)
class Touchpoint:
    """A node of the touchpoint graph: a place where the customer meets the company.

    Parameters
    ----------
    id
        Identifier referenced by hand-offs and steps.
    label
        Display label, in any language.
    channel
        A built-in or journey-declared channel id.
    kind
        ``marketing``, ``sales`` or ``service``; service touchpoints count as
        contacts for first-contact resolution.
    owner
        The team that owns the touchpoint.
    cost_per_contact
        Cost of one visit or contact (currency of the journey's economics).
    handle_time_s
        Mean handle time of one contact in seconds (0 for self-service).
    capacity
        Optional contacts per period the touchpoint can serve.
    description
        Free text.
    """

    id: str
    label: str = ""
    channel: str = "web"
    kind: TouchpointKind = TouchpointKind.SERVICE
    owner: str | None = None
    cost_per_contact: float = 0.0
    handle_time_s: float = 0.0
    capacity: float | None = None
    description: str | None = None

    @property
    def display(self) -> str:
        """The label, or the id when no label is set."""
        return self.label or self.id


@dataclass(frozen=True)
class Handoff:
    """A directed edge: customers at ``source`` move on to ``target``.

    Parameters
    ----------
    source
        A touchpoint id.
    target
        A touchpoint id or an outcome id.
    probability
        Share of the customers leaving ``source`` who go to ``target``. A
        touchpoint's probabilities sum to at most 1; the remainder goes to the
        journey's ``remainder_outcome`` (``abandon`` by default).
    context_carryover
        Share of customers whose context (identity, history, reason) arrives with
        them, in [0, 1]. CRM integration raises it. Only hand-offs between two
        touchpoints can lose context; the default 1.0 means "kept".
    reexplain_effort
        Extra effort (CES points) when context is lost; ``None`` uses the model
        default ``w_ri`` (0.5, model reference §3.4).
    reexplain_time_s
        Extra handle time (s) when context is lost; ``None`` uses ``tau_rep`` (60 s).
    wait_s
        Mean wait before the target serves the customer, in seconds.
    transfer
        ``True`` when this is a transfer inside a channel (agent to agent).
    label
        Display label of the edge.
    """

    source: str
    target: str
    probability: float
    context_carryover: float = 1.0
    reexplain_effort: float | None = None
    reexplain_time_s: float | None = None
    wait_s: float = 0.0
    transfer: bool = False
    label: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """``(source, target)``; unique within a graph."""
        return (self.source, self.target)


@dataclass(frozen=True)
class Outcome:
    """An absorbing state of the journey (purchase, resolved, churn, abandon…).

    ``value_sign`` is +1 for outcomes the business wants, −1 for losses and 0 for
    neutral ones; ``None`` takes the default of ``kind``.
    """

    id: str
    label: str = ""
    kind: OutcomeKind = OutcomeKind.OTHER
    value_sign: int | None = None

    @property
    def sign(self) -> int:
        """The effective value sign."""
        return self.kind.default_value_sign if self.value_sign is None else self.value_sign

    @property
    def display(self) -> str:
        """The label, or the id when no label is set."""
        return self.label or self.id


@dataclass(frozen=True)
class CallReason:
    """Why a customer starts the journey; it sets their expectations (事前期待).

    Parameters
    ----------
    id, label
        Identifier and display label.
    share
        Share of customers with this reason (the mix ``w_c``); shares sum to 1.
    entry
        Start distribution over touchpoints for this reason; empty means the
        journey's ``entry``.
    expectations
        Expectation (0–10 points) at each touchpoint for this reason, ``E[c, τ]``.
    expected_wait_s
        The wait the customer expects for this reason (``W_exp``, default 60 s).
    """

    id: str
    label: str = ""
    share: float = 1.0
    entry: Mapping[str, float] = field(default_factory=dict)
    expectations: Mapping[str, float] = field(default_factory=dict)
    expected_wait_s: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "entry", frozen_mapping(self.entry))
        object.__setattr__(self, "expectations", frozen_mapping(self.expectations))

    def __hash__(self) -> int:
        return hash((self.id, self.share))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CallReason):
            return NotImplemented
        return (
            self.id,
            self.label,
            self.share,
            dict(self.entry),
            dict(self.expectations),
            self.expected_wait_s,
        ) == (
            other.id,
            other.label,
            other.share,
            dict(other.entry),
            dict(other.expectations),
            other.expected_wait_s,
        )


@dataclass(frozen=True)
class Stage:
    """A column of the journey map (e.g. awareness, consideration, purchase)."""

    id: str
    label: str = ""
    description: str | None = None

    @property
    def display(self) -> str:
        """The label, or the id when no label is set."""
        return self.label or self.id


@dataclass(frozen=True)
class Persona:
    """Who the journey is about."""

    name: str = ""
    description: str | None = None
    goals: tuple[str, ...] = ()
    frustrations: tuple[str, ...] = ()


#: The free-text list fields of a :class:`Step`: notes about the step and its service
#: blueprint lanes.
TEXT_LISTS: tuple[str, ...] = ("pain_points", "opportunities", "frontstage", "backstage", "support")

#: The service-blueprint lanes of a :class:`Step`, top to bottom; the line of visibility
#: runs between ``frontstage`` and ``backstage``.
BLUEPRINT_LANES: tuple[str, ...] = ("frontstage", "backstage", "support")


@dataclass(frozen=True)
class Step:
    """One moment of a designed journey.

    Parameters
    ----------
    stage
        Stage id.
    touchpoint
        Touchpoint id.
    action
        What the customer does, in their words.
    id
        Optional identifier (for cross-references and widgets).
    call_reason
        Optional call-reason id; its expectations fill in ``expectation``.
    expectation
        What the customer expects, 0–10 points (事前期待). ``None`` takes the call
        reason's expectation for this touchpoint, if any.
    experience
        What they get, 0–10 points. ``None`` on a step with ``wait_s`` is derived
        from the wait (model reference §1.1: ``E + clip((W_exp − w)/u_w, −10, 2)``).
    emotion
        An explicit emotion annotation; it wins over the computed class.
    effort
        The customer's effort at this step, CES 1–5 (lower is better).
    wait_s, expected_wait_s
        Observed and expected wait in seconds (``expected_wait_s`` defaults to the
        call reason's, then to ``W_exp`` = 60 s).
    context_lost
        The customer had to repeat themselves at this step.
    transfer
        The step is a transfer between agents.
    repeat_contact
        The step is a repeat contact on the same issue.
    pain_points, opportunities
        Free-text lists.
    frontstage, backstage, support
        The service blueprint of the step, free-text lists: what the front-line staff
        do in view of the customer (frontstage, above the line of visibility), what
        staff do out of view (backstage), and the support processes and systems behind
        them (support, below the line of internal interaction).
    evidence
        ``assumed``, ``observed`` or ``measured``.
    notes
        Free text.
    """

    stage: str
    touchpoint: str
    action: str = ""
    id: str | None = None
    call_reason: str | None = None
    expectation: float | None = None
    experience: float | None = None
    emotion: Emotion | None = None
    effort: float | None = None
    wait_s: float | None = None
    expected_wait_s: float | None = None
    context_lost: bool = False
    transfer: bool = False
    repeat_contact: bool = False
    pain_points: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    evidence: Evidence = Evidence.ASSUMED
    notes: str | None = None
    frontstage: tuple[str, ...] = ()
    backstage: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
