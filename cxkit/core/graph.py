"""The touchpoint graph: touchpoints, hand-offs between them, and outcomes.

A :class:`TouchpointGraph` is an absorbing Markov chain in the making: touchpoints
are the transient states, outcomes the absorbing ones, hand-offs the transition
probabilities. A touchpoint's hand-off probabilities sum to at most 1; **the
remainder** ``1 − Σ p`` goes to ``remainder_outcome`` (``abandon`` by default),
which must then be a declared outcome. A touchpoint with no hand-offs at all sends
everyone to the remainder outcome (the validator warns about it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import networkx as nx

from cxkit.core.channels import BUILTIN_CHANNELS, Channel
from cxkit.core.errors import CxkitError
from cxkit.core.model import CallReason, Handoff, Outcome, Touchpoint, frozen_mapping
from cxkit.core.suggest import unknown_message as _unknown

__all__ = ["PROBABILITY_TOLERANCE", "TouchpointGraph"]

#: Sums of probabilities may exceed 1 by this much (floating-point slack).
PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True, eq=False)
class TouchpointGraph:
    """Touchpoints, hand-offs and outcomes; immutable.

    Parameters
    ----------
    touchpoints, handoffs, outcomes
        The nodes, edges and absorbing states, in file order.
    channels
        Channels the journey declares beyond the built-in ones.
    entry
        Start distribution over touchpoints (sums to 1); empty means "where the
        first step is".
    call_reasons
        The call-reason mix and each reason's expectations.
    remainder_outcome
        Outcome that receives each touchpoint's probability remainder.

    Examples
    --------
    >>> from cxkit.core.model import Touchpoint, Handoff, Outcome, OutcomeKind
    >>> g = TouchpointGraph(
    ...     touchpoints=(Touchpoint("web", channel="web"), Touchpoint("phone", channel="phone")),
    ...     handoffs=(
    ...         Handoff("web", "resolved", 0.5),
    ...         Handoff("web", "phone", 0.3),
    ...         Handoff("phone", "resolved", 0.8),
    ...     ),
    ...     outcomes=(
    ...         Outcome("resolved", kind=OutcomeKind.RESOLVED),
    ...         Outcome("abandon", kind=OutcomeKind.ABANDON),
    ...     ),
    ...     entry={"web": 1.0},
    ... )
    >>> round(g.remainder("web"), 10)
    0.2
    >>> g.is_channel_switch(g.handoff("web", "phone"))
    True
    >>> g.nx.number_of_edges()  # 3 hand-offs + 2 remainder edges to 'abandon'
    5
    >>> g.nx.edges["web", "abandon"]["remainder"]
    True
    """

    touchpoints: tuple[Touchpoint, ...] = ()
    handoffs: tuple[Handoff, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    channels: tuple[Channel, ...] = ()
    entry: Mapping[str, float] = field(default_factory=dict)
    call_reasons: tuple[CallReason, ...] = ()
    remainder_outcome: str = "abandon"

    def __post_init__(self) -> None:
        for name in ("touchpoints", "handoffs", "outcomes", "channels", "call_reasons"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "entry", frozen_mapping(self.entry))

    # -- value semantics -------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (
            self.touchpoints,
            self.handoffs,
            self.outcomes,
            self.channels,
            tuple(self.entry.items()),
            self.call_reasons,
            self.remainder_outcome,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TouchpointGraph):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    # -- look-ups --------------------------------------------------------------------
    @cached_property
    def _touchpoint_index(self) -> dict[str, Touchpoint]:
        return {tp.id: tp for tp in self.touchpoints}

    @cached_property
    def _outcome_index(self) -> dict[str, Outcome]:
        return {o.id: o for o in self.outcomes}

    @cached_property
    def _handoff_index(self) -> dict[tuple[str, str], Handoff]:
        return {h.key: h for h in self.handoffs}

    @property
    def touchpoint_ids(self) -> tuple[str, ...]:
        """Touchpoint ids in declaration order."""
        return tuple(tp.id for tp in self.touchpoints)

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """Outcome ids in declaration order."""
        return tuple(o.id for o in self.outcomes)

    def touchpoint(self, touchpoint_id: str) -> Touchpoint:
        """The touchpoint with this id; :class:`CxkitError` with a did-you-mean if none."""
        try:
            return self._touchpoint_index[touchpoint_id]
        except KeyError:
            raise CxkitError(_unknown("touchpoint", touchpoint_id, self.touchpoint_ids)) from None

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id; :class:`CxkitError` with a did-you-mean if none."""
        try:
            return self._outcome_index[outcome_id]
        except KeyError:
            raise CxkitError(_unknown("outcome", outcome_id, self.outcome_ids)) from None

    def has_touchpoint(self, node_id: str) -> bool:
        """Whether ``node_id`` is a touchpoint."""
        return node_id in self._touchpoint_index

    def has_outcome(self, node_id: str) -> bool:
        """Whether ``node_id`` is an outcome."""
        return node_id in self._outcome_index

    def channel(self, channel_id: str) -> Channel:
        """A declared or built-in channel."""
        for ch in self.channels:
            if ch.id == channel_id:
                return ch
        if channel_id in BUILTIN_CHANNELS:
            return BUILTIN_CHANNELS[channel_id]
        raise CxkitError(_unknown("channel", channel_id, self.channel_ids))

    @property
    def channel_ids(self) -> tuple[str, ...]:
        """Built-in channel ids followed by the journey's own."""
        own = [c.id for c in self.channels if c.id not in BUILTIN_CHANNELS]
        return tuple(BUILTIN_CHANNELS) + tuple(own)

    def handoff(self, source: str, target: str) -> Handoff:
        """The hand-off ``source → target``."""
        try:
            return self._handoff_index[(source, target)]
        except KeyError:
            known = [f"{s}->{t}" for s, t in self._handoff_index]
            raise CxkitError(_unknown("hand-off", f"{source}->{target}", known)) from None

    def handoffs_from(self, source: str) -> tuple[Handoff, ...]:
        """Hand-offs leaving ``source``, in declaration order."""
        return self._handoffs_by_source.get(source, ())

    @cached_property
    def _handoffs_by_source(self) -> dict[str, tuple[Handoff, ...]]:
        grouped: dict[str, list[Handoff]] = {}
        for h in self.handoffs:
            grouped.setdefault(h.source, []).append(h)
        return {s: tuple(hs) for s, hs in grouped.items()}

    def remainder(self, touchpoint_id: str) -> float:
        """``1 − Σ p`` over the hand-offs leaving ``touchpoint_id`` (never below 0)."""
        return max(0.0, 1.0 - sum(h.probability for h in self.handoffs_from(touchpoint_id)))

    def is_channel_switch(self, handoff: Handoff) -> bool:
        """Whether ``handoff`` moves the customer to another channel."""
        if not (self.has_touchpoint(handoff.source) and self.has_touchpoint(handoff.target)):
            return False
        return self.touchpoint(handoff.source).channel != self.touchpoint(handoff.target).channel

    def can_lose_context(self, handoff: Handoff) -> bool:
        """Only hand-offs between two touchpoints can lose context."""
        return self.has_touchpoint(handoff.source) and self.has_touchpoint(handoff.target)

    # -- networkx view ---------------------------------------------------------------
    @cached_property
    def nx(self) -> nx.DiGraph:
        """A read-only :class:`networkx.DiGraph` of the graph.

        Nodes carry ``kind`` (``"touchpoint"`` or ``"outcome"``) and the fields of
        their object; edges carry the hand-off's fields, ``channel_switch`` and,
        for remainders, ``remainder=True``. Mutating it raises
        :class:`networkx.NetworkXError`; edit the graph with the ``with_*`` methods.
        """
        g = nx.DiGraph(remainder_outcome=self.remainder_outcome)
        for tp in self.touchpoints:
            g.add_node(
                tp.id,
                kind="touchpoint",
                touchpoint=tp,
                label=tp.display,
                channel=tp.channel,
                entry=float(self.entry.get(tp.id, 0.0)),
            )
        for o in self.outcomes:
            g.add_node(o.id, kind="outcome", outcome=o, label=o.display)
        for h in self.handoffs:
            g.add_edge(
                h.source,
                h.target,
                handoff=h,
                probability=h.probability,
                context_carryover=h.context_carryover,
                transfer=h.transfer,
                channel_switch=self.is_channel_switch(h),
                remainder=False,
            )
        for tp in self.touchpoints:
            rest = self.remainder(tp.id)
            if rest > PROBABILITY_TOLERANCE and self.remainder_outcome in self._outcome_index:
                if g.has_edge(tp.id, self.remainder_outcome):
                    g.edges[tp.id, self.remainder_outcome]["probability"] += rest
                else:
                    g.add_edge(
                        tp.id,
                        self.remainder_outcome,
                        handoff=None,
                        probability=rest,
                        context_carryover=1.0,
                        transfer=False,
                        channel_switch=False,
                        remainder=True,
                    )
        return nx.freeze(g)

    # -- edits (return new graphs) ---------------------------------------------------
    def replace(self, **changes: Any) -> TouchpointGraph:
        """A copy with some fields replaced."""
        return replace(self, **changes)

    def with_touchpoint(self, touchpoint: Touchpoint) -> TouchpointGraph:
        """Add ``touchpoint``, or replace the one with the same id."""
        if self.has_touchpoint(touchpoint.id):
            tps = tuple(touchpoint if tp.id == touchpoint.id else tp for tp in self.touchpoints)
        else:
            tps = (*self.touchpoints, touchpoint)
        return replace(self, touchpoints=tps)

    def without_touchpoint(self, touchpoint_id: str) -> TouchpointGraph:
        """Remove a touchpoint, its hand-offs and its entry share."""
        self.touchpoint(touchpoint_id)
        return replace(
            self,
            touchpoints=tuple(tp for tp in self.touchpoints if tp.id != touchpoint_id),
            handoffs=tuple(h for h in self.handoffs if touchpoint_id not in (h.source, h.target)),
            entry={k: v for k, v in self.entry.items() if k != touchpoint_id},
        )

    def with_handoff(self, source: str, target: str, **changes: Any) -> TouchpointGraph:
        """Change the hand-off ``source → target``, or add it (``probability=`` required).

        Examples
        --------
        >>> from cxkit.core.model import Touchpoint, Outcome
        >>> g = TouchpointGraph((Touchpoint("a"),), (), (Outcome("done"),))
        >>> g.with_handoff("a", "done", probability=1.0).handoff("a", "done").probability
        1.0
        """
        self.touchpoint(source)
        if not (self.has_touchpoint(target) or self.has_outcome(target)):
            raise CxkitError(
                _unknown("hand-off target", target, self.touchpoint_ids + self.outcome_ids)
            )
        key = (source, target)
        if key in self._handoff_index:
            new = replace(self._handoff_index[key], **changes)
            handoffs = tuple(new if h.key == key else h for h in self.handoffs)
        else:
            if "probability" not in changes:
                raise CxkitError(
                    f"hand-off {source}->{target} does not exist; give probability= to add it"
                )
            handoffs = (*self.handoffs, Handoff(source, target, **changes))
        return replace(self, handoffs=handoffs)

    def without_handoff(self, source: str, target: str) -> TouchpointGraph:
        """Remove the hand-off ``source → target``."""
        self.handoff(source, target)
        return replace(self, handoffs=tuple(h for h in self.handoffs if h.key != (source, target)))

    def with_outcome(self, outcome: Outcome) -> TouchpointGraph:
        """Add ``outcome``, or replace the one with the same id."""
        if self.has_outcome(outcome.id):
            outs = tuple(outcome if o.id == outcome.id else o for o in self.outcomes)
        else:
            outs = (*self.outcomes, outcome)
        return replace(self, outcomes=outs)
