"""Immutability, edits that return copies, the read-only networkx view, channels."""

from __future__ import annotations

import dataclasses

import networkx as nx
import pytest

import cxkit as cx
from cxkit.core.channels import BUILTIN_CHANNELS


@pytest.fixture(scope="module")
def journey():
    return cx.load_journey("billing_inquiry")


def test_values_are_frozen(journey):
    with pytest.raises(dataclasses.FrozenInstanceError):
        journey.title = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        journey.steps[0].experience = 9
    with pytest.raises(TypeError):
        journey.graph.entry["web_faq"] = 0.5


def test_edits_return_copies_and_leave_the_original(journey):
    before = cx.dump_journey(journey)
    j2 = (
        journey.with_handoff("web_faq", "phone_queue", context_carryover=1.0)
        .with_step(0, experience=6)
        .add_step(cx.Step(stage="resolution", touchpoint="agent", action="Thanks the agent"))
        .move_step(-1, 0)
        .remove_step(0)
        .with_params(effort={"w_switch": 1.0})
    )
    assert cx.dump_journey(journey) == before
    assert j2 != journey
    assert j2.graph.handoff("web_faq", "phone_queue").context_carryover == 1.0
    assert journey.graph.handoff("web_faq", "phone_queue").context_carryover == 0.0
    assert j2.steps[0].experience == 6
    assert j2.params.effort.w_switch == 1.0
    assert journey.params.effort.w_switch == 0.5


def test_adding_and_removing_handoffs(journey):
    j2 = journey.with_handoff("phone_queue", "churn", probability=0.05)
    assert j2.graph.handoff("phone_queue", "churn").probability == 0.05
    assert j2.graph.remainder("phone_queue") == pytest.approx(0.05)
    j3 = cx.Journey(**{**{f.name: getattr(j2, f.name) for f in dataclasses.fields(j2)}})
    assert j3 == j2
    g = j2.graph.without_handoff("phone_queue", "churn")
    assert g == journey.graph


def test_bad_edits_are_clear_errors(journey):
    with pytest.raises(cx.CxkitError, match="unknown touchpoint 'phone_queu'; did you mean"):
        journey.with_handoff("phone_queu", "agent", probability=0.1)
    with pytest.raises(cx.CxkitError, match="give probability= to add it"):
        journey.with_handoff("agent", "abandon", context_carryover=1.0)
    with pytest.raises(cx.CxkitError, match="step index 9 is out of range"):
        journey.with_step(9, experience=1)
    with pytest.raises(cx.CxkitError, match="unknown step id 'resolv'; did you mean 'resolve'"):
        journey.with_step("resolv", experience=1)
    with pytest.raises(cx.CxkitError, match="unknown model parameter"):
        journey.with_params(emotion={"beta": 1})
    with pytest.raises(ValueError, match="unknown emotion 'happy'"):
        journey.with_step(0, emotion="happy")


def test_networkx_view_is_read_only_and_complete(journey):
    g = journey.nx
    assert isinstance(g, nx.DiGraph)
    with pytest.raises(nx.NetworkXError):
        g.add_node("x")
    assert g.nodes["web_faq"]["kind"] == "touchpoint"
    assert g.nodes["resolved"]["kind"] == "outcome"
    assert g.edges["web_faq", "phone_queue"]["channel_switch"] is True
    assert g.edges["phone_queue", "agent"]["channel_switch"] is False
    # remainders: web_faq 0.1, phone_queue 0.1, agent 0.1 go to 'abandon'
    for tp in ("web_faq", "phone_queue", "agent"):
        out = sum(d["probability"] for _, _, d in g.out_edges(tp, data=True))
        assert out == pytest.approx(1.0, abs=1e-12)
        assert g.edges[tp, "abandon"]["remainder"] is True


def test_channels_and_labels():
    assert set(BUILTIN_CHANNELS) == {
        "store",
        "tv",
        "ec",
        "web",
        "sns",
        "call_center",
        "phone",
        "email",
        "webform",
        "chat",
    }
    assert all(
        BUILTIN_CHANNELS[c].family == "call_center" for c in ("phone", "email", "webform", "chat")
    )
    assert BUILTIN_CHANNELS["store"].label("ja") == "店舗"
    line = cx.Channel("line", name="LINE", parent="sns", names={"ja": "LINE公式"})
    assert line.label() == "LINE" and line.label("ja") == "LINE公式" and line.family == "sns"
    assert cx.Emotion.parse("Delighted") is cx.Emotion.DELIGHTED
    assert cx.Emotion.parse("不満") is cx.Emotion.DISSATISFIED


def test_start_distribution_falls_back_to_first_step(journey):
    assert journey.start_distribution() == {"web_faq": 1.0}
    no_entry = journey.with_graph(journey.graph.replace(entry={}))
    assert no_entry.start_distribution() == {"web_faq": 1.0}


def test_lazy_namespaces_keep_import_light():
    import subprocess
    import sys

    code = (
        "import sys, cxkit; heavy = [m for m in ('altair', 'ipywidgets', 'vl_convert', 'polars')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
