"""A journey's graph is validated once: at load (or first use) and never again when compiled."""

from __future__ import annotations

import math

import pytest

import cxkit as cx
from cxkit.core import validate
from cxkit.core.compiled import compile_journey
from cxkit.core.errors import SimulationError
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import CallReason, Handoff, Outcome, Touchpoint
from cxkit.sim import exact


def _journey(*handoffs: Handoff, **graph: object) -> Journey:
    g = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", **graph.pop("web", {})),
            Touchpoint("phone", channel="phone"),
        ),
        handoffs=handoffs,
        outcomes=(Outcome("done"), Outcome("abandon")),
        entry={"web": 1.0},
        **graph,
    )
    return Journey("h", graph=g)


def test_a_loaded_journey_is_not_checked_again_when_compiled(monkeypatch):
    calls = []
    real = validate.graph_problems
    monkeypatch.setattr(validate, "graph_problems", lambda j: calls.append(j) or real(j))
    j = cx.load_journey("billing_inquiry")
    assert len(calls) == 1  # at load, with the file's positions
    compile_journey(j)
    exact(j)
    compile_journey(j)
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("journey", "message"),
    [
        (
            _journey(Handoff("web", "done", "0.5")),  # type: ignore[arg-type]
            "handoffs[0].probability: not a number (got '0.5') — expected a number in [0, 1]",
        ),
        (
            _journey(Handoff("web", "done", math.nan)),
            "handoffs[0].probability: out of range (got nan) — expected a number in [0, 1]",
        ),
        (
            _journey(Handoff("web", "done", True)),  # type: ignore[arg-type]
            "handoffs[0].probability: not a number (got True)",
        ),
        (
            _journey(Handoff("web", "done", 1.0, wait_s=math.inf)),
            "handoffs[0].wait_s: out of range (got inf) — expected a number of seconds "
            "in [0, 1e+15]",
        ),
        (
            _journey(Handoff("web", "done", 1.0), web={"cost_per_contact": math.nan}),
            "touchpoints[0].cost_per_contact: out of range (got nan) — expected a finite amount",
        ),
        (
            _journey(Handoff("web", "done", 1.0), call_reasons=(CallReason("a", share="x"),)),  # type: ignore[arg-type]
            "call_reasons[0].share: not a number (got 'x') — expected a share in [0, 1]",
        ),
    ],
)
def test_a_journey_built_in_code_gets_the_validators_message(journey, message):
    with pytest.raises(SimulationError) as info:
        exact(journey)
    assert str(info.value).startswith("journey 'h' cannot be simulated: ")
    assert message in str(info.value)
