"""Shared journeys for the simulation tests (model reference Example B built from core objects)."""

from __future__ import annotations

import pytest

from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import CallReason, Handoff, Outcome, OutcomeKind, Step, Touchpoint


def example_b(
    *,
    web_resolved: float = 0.5,
    web_phone: float = 0.3,
    kappa_web_phone: float = 0.0,
    kappa_repeat: float = 0.5,
) -> Journey:
    """Model reference §8 Example B: web FAQ and phone, resolved / churn, start at web."""
    graph = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", channel="web", cost_per_contact=10),
            Touchpoint("phone", channel="phone", cost_per_contact=600, handle_time_s=360),
        ),
        handoffs=(
            Handoff("web", "resolved", web_resolved),
            Handoff("web", "phone", web_phone, context_carryover=kappa_web_phone),
            Handoff("web", "churn", 0.2),
            Handoff("phone", "resolved", 0.8),
            Handoff("phone", "phone", 0.1, context_carryover=kappa_repeat),
            Handoff("phone", "churn", 0.1),
        ),
        outcomes=(
            Outcome("resolved", kind=OutcomeKind.RESOLVED),
            Outcome("churn", kind=OutcomeKind.CHURN),
        ),
        entry={"web": 1.0},
    )
    return Journey("example_b", title="Example B", graph=graph)


def example_a_chain() -> Journey:
    """A deterministic two-touchpoint version of Example A's path.

    web FAQ (E 6, P 4) → phone agent after a 180 s wait (W_exp 60 s), context lost,
    agent steps P 7 and 10 (mean 8.5) against E 7 → resolved.
    """
    graph = TouchpointGraph(
        touchpoints=(
            Touchpoint("web_faq", channel="web", cost_per_contact=10),
            Touchpoint("agent", channel="phone", cost_per_contact=600, handle_time_s=360),
        ),
        handoffs=(
            Handoff("web_faq", "agent", 1.0, context_carryover=0.0, wait_s=180),
            Handoff("agent", "resolved", 1.0),
        ),
        outcomes=(Outcome("resolved", kind=OutcomeKind.RESOLVED),),
        entry={"web_faq": 1.0},
        call_reasons=(
            CallReason(
                "billing",
                share=1.0,
                expectations={"web_faq": 6, "agent": 7},
                expected_wait_s=60,
            ),
        ),
    )
    steps = (
        Step("s", "web_faq", expectation=6, experience=4),
        Step("s", "agent", expectation=7, experience=7),
        Step("s", "agent", expectation=7, experience=10),
    )
    return Journey("example_a_chain", graph=graph, steps=steps)


@pytest.fixture
def journey_b() -> Journey:
    return example_b()


@pytest.fixture
def make_example_b():
    """The :func:`example_b` factory (variants with other probabilities or κ)."""
    return example_b


@pytest.fixture
def journey_a_chain() -> Journey:
    return example_a_chain()
