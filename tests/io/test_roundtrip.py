"""YAML → model → YAML is lossless; writes are atomic."""

from __future__ import annotations

import json
import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxkit as cx
from cxkit.io import dumps_json, save_journey
from cxkit.io.journey_io import _parse

ids = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8).filter(
    lambda s: s[0] != "_" or len(s) > 1
)
labels = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=30)
scores = st.one_of(st.none(), st.integers(0, 10).map(float), st.floats(0, 10, allow_nan=False))


@st.composite
def journeys(draw):
    tp_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    out_ids = draw(
        st.lists(ids.filter(lambda x: x not in tp_ids), min_size=1, max_size=3, unique=True)
    )
    touchpoints = [
        cx.Touchpoint(
            t,
            label=draw(labels),
            channel=draw(st.sampled_from(sorted(cx.BUILTIN_CHANNELS))),
            kind=draw(st.sampled_from(list(cx.TouchpointKind))),
            cost_per_contact=draw(st.floats(0, 1000, allow_nan=False)),
        )
        for t in tp_ids
    ]
    outcomes = [
        cx.Outcome(o, label=draw(labels), kind=draw(st.sampled_from(list(cx.OutcomeKind))))
        for o in out_ids
    ]
    handoffs = []
    for t in tp_ids:
        targets = draw(st.lists(st.sampled_from(tp_ids + out_ids), max_size=3, unique=True))
        if targets:
            weights = draw(
                st.lists(st.integers(1, 10), min_size=len(targets), max_size=len(targets))
            )
            for target, w in zip(targets, weights, strict=True):
                handoffs.append(
                    cx.Handoff(
                        t,
                        target,
                        probability=w / sum(weights) * draw(st.sampled_from([1.0, 0.5])),
                        context_carryover=draw(st.floats(0, 1)),
                        transfer=draw(st.booleans()),
                    )
                )
    stages = [
        cx.Stage(s, label=draw(labels))
        for s in draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    ]
    steps = [
        cx.Step(
            stage=draw(st.sampled_from([s.id for s in stages])),
            touchpoint=draw(st.sampled_from(tp_ids)),
            action=draw(labels),
            expectation=draw(scores),
            experience=draw(scores),
            emotion=draw(st.one_of(st.none(), st.sampled_from(list(cx.Emotion)))),
            effort=draw(st.one_of(st.none(), st.floats(1, 5))),
            wait_s=draw(st.one_of(st.none(), st.floats(0, 3600))),
            context_lost=draw(st.booleans()),
            pain_points=tuple(draw(st.lists(labels, max_size=2))),
            evidence=draw(st.sampled_from(list(cx.Evidence))),
            notes=draw(st.one_of(st.none(), labels)),
        )
        for _ in range(draw(st.integers(0, 6)))
    ]
    graph = cx.TouchpointGraph(
        touchpoints=touchpoints,
        handoffs=handoffs,
        outcomes=outcomes,
        entry={tp_ids[0]: 1.0},
        remainder_outcome=out_ids[0],
    )
    return cx.Journey(
        id=draw(ids),
        title=draw(labels),
        graph=graph,
        stages=stages,
        steps=steps,
        description=draw(st.one_of(st.none(), labels)),
        language=draw(st.sampled_from(["en", "ja"])),
        tags=tuple(draw(st.lists(labels, max_size=2))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_yaml_round_trip_is_lossless(journey):
    text = cx.dump_journey(journey)
    # invalid journeys (bad references) are still written and read back without loss
    back, _ = _parse(text, "hyp.yaml")
    assert back == journey
    assert cx.dump_journey(back) == text  # a fixed point


@settings(max_examples=50, deadline=None)
@given(journeys())
def test_json_round_trip_is_lossless(journey):
    back, _ = _parse(dumps_json(journey), "hyp.json")
    assert back == journey


def test_japanese_emotions_are_written_in_japanese():
    j = cx.load_journey("billing_inquiry").replace(language="ja").with_step(0, emotion="delighted")
    text = cx.dump_journey(j)
    assert "emotion: 感動" in text
    assert cx.loads_journey(text) == j


def test_save_is_atomic_and_round_trips(tmp_path):
    j = cx.load_journey("billing_inquiry")
    path = save_journey(j, tmp_path / "j.yaml")
    assert cx.load_journey(path) == j
    path_json = save_journey(j, tmp_path / "j.json")
    assert json.loads(path_json.read_text(encoding="utf-8"))["id"] == "billing_inquiry"
    assert cx.load_journey(path_json) == j
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.json", "j.yaml"]


def test_a_crash_during_save_leaves_the_old_file(tmp_path, monkeypatch):
    j = cx.load_journey("billing_inquiry")
    path = save_journey(j, tmp_path / "j.yaml")
    original = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(cx.CxkitError, match="disk full"):
        save_journey(j.replace(title="changed"), path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["j.yaml"]  # no temporary file left


def test_save_into_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(cx.CxkitError, match="does not exist"):
        save_journey(cx.load_journey("billing_inquiry"), tmp_path / "no" / "j.yaml")
