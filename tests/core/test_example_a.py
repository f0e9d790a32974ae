"""Model reference Example A — step EDT, emotion classes, peak-end and effort — exactly."""

from __future__ import annotations

import math

import pytest

import cxkit as cx
from cxkit.core.emotion import (
    aggregate_valences,
    classify,
    step_valence,
    synthetic_csat5,
    synthetic_nps10,
    wait_experience,
)
from cxkit.core.params import EmotionParams


@pytest.fixture(scope="module")
def journey():
    return cx.load_journey("billing_inquiry")


def test_step_table(journey):
    steps = journey.evaluate().steps
    assert [s.expectation for s in steps] == [6, 6, 7, 7]
    assert [s.experience for s in steps] == [4, 3, 7, 10]
    assert [s.disconfirmation for s in steps] == [-2, -3, 0, 3]
    assert [s.valence for s in steps] == [-4, -6, 0, 3]
    assert [s.emotion for s in steps] == [
        cx.Emotion.DISSATISFIED,
        cx.Emotion.DISSATISFIED,
        cx.Emotion.SATISFIED,
        cx.Emotion.DELIGHTED,
    ]
    assert [s.emotion.label("ja") for s in steps] == ["不満", "不満", "満足", "感動"]
    assert all(s.emotion_source == "computed" for s in steps)


def test_wait_step_performance():
    # P = 6 + (60 − 180)/40 = 3
    assert wait_experience(6, 180, 60) == 3.0
    # the bonus for a short wait is capped at +2 points, the penalty at −10
    assert wait_experience(6, 0, 600) == 8.0
    assert wait_experience(6, 10_000, 60) == -4.0


def test_journey_aggregates(journey):
    agg = journey.evaluate().aggregate
    assert (agg.peak, agg.end, agg.peak_index) == (-6, 3, 1)
    assert agg.peak_end == -1.5
    assert agg.emotion is cx.Emotion.DISSATISFIED
    assert agg.mean == -1.75
    assert math.isclose(agg.recency, 1 / 1.875, abs_tol=1e-12)
    assert round(agg.recency, 4) == 0.5333


def test_hybrid_and_what_if(journey):
    hybrid = journey.with_params(emotion={"w_pe": 0.5}).evaluate().aggregate
    assert hybrid.score == pytest.approx(-1.625, abs=1e-12)
    met = journey.with_step("resolve", experience=7.0).evaluate().aggregate
    assert met.peak_end == -3.0  # the delightful ending is worth +1.5 sat-points
    assert journey.evaluate().aggregate.peak_end - met.peak_end == 1.5


def test_effort(journey):
    effort = journey.evaluate().effort
    assert (effort.switches, effort.reexplanations, effort.excess_wait_minutes) == (1, 1, 2.0)
    assert effort.ces5 == 2.5
    with_crm = journey.with_step("explain", context_lost=False)
    assert with_crm.evaluate().effort.ces5 == 2.0


def test_synthetic_survey(journey):
    agg = journey.evaluate().aggregate
    assert (agg.csat5, agg.nps10) == (3, 6)
    assert synthetic_csat5(-1.5) == 3 and synthetic_nps10(-1.5) == 6


def test_thresholds_are_inclusive_for_satisfied():
    assert classify(-1.0) is cx.Emotion.SATISFIED
    assert classify(-1.0001) is cx.Emotion.DISSATISFIED
    assert classify(2.0) is cx.Emotion.SATISFIED
    assert classify(2.0001) is cx.Emotion.DELIGHTED


def test_parameters_are_overridable():
    p = EmotionParams(beta_minus=2.25, tau_minus=0.5)
    assert step_valence(6, 4, p) == -4.5
    assert classify(-0.75, p) is cx.Emotion.DISSATISFIED


def test_worst_peak_variant_and_ties():
    assert aggregate_valences([-4, 4, 1], EmotionParams(peak="worst")).peak == -4
    # ties on |s| go to the later step
    assert aggregate_valences([-4, 4, 1]).peak == 4


def test_explicit_emotion_wins_and_is_kept(journey):
    j = journey.with_step("faq", emotion="満足")
    step = j.evaluate().steps[0]
    assert step.emotion is cx.Emotion.SATISFIED
    assert step.computed_emotion is cx.Emotion.DISSATISFIED
    assert step.emotion_source == "explicit"
    assert step.valence == -4  # the valence is still the model's
    assert cx.loads_journey(cx.dump_journey(j)) == j


def test_steps_without_scores_are_skipped_in_aggregates(journey):
    j = journey.with_step("faq", experience=None, expectation=None)
    j = j.with_step("faq", call_reason=None)
    ev = j.evaluate()
    assert ev.steps[0].valence is None and ev.steps[0].emotion is None
    assert ev.aggregate.n_steps == 3
    assert ev.aggregate.mean == pytest.approx((-6 + 0 + 3) / 3)
