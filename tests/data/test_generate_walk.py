"""The event generator walks customers with the Monte Carlo engine's walker, and records
Monte Carlo's own figures (the definitions of ``cxkit.core.metrics``)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import cxkit as cx
from cxkit.core import metrics
from cxkit.data import generate_events
from cxkit.sim import simulate


@pytest.mark.parametrize("name", ["subscription_support", "b2b_saas_onboarding", "billing_inquiry"])
def test_the_event_generator_records_the_monte_carlo_customers(name: str) -> None:
    # the generator draws its waits: simulate with exponential waits walks the same
    j = cx.load_journey(name)
    mc = simulate(j, 400, seed=7, waits="exponential").customers
    events = generate_events(j, 400, seed=7, emotion_noise=0.0, effort_noise=0.0)
    per = (
        events.sort("customer_id", "timestamp")
        .group_by("customer_id", maintain_order=True)
        .agg(
            pl.col("touchpoint"),
            pl.col("outcome").drop_nulls().first(),
            pl.col("call_reason").first(),
            pl.col("emotion"),
            pl.col("effort").drop_nulls().first(),
            pl.col("csat").drop_nulls().first(),
            pl.col("nps").drop_nulls().first(),
            pl.col("wait_s").sum(),
            pl.col("context_lost").sum(),
        )
    )
    assert per["touchpoint"].to_list() == mc["path"].to_list()
    assert per["outcome"].to_list() == mc["outcome"].cast(pl.String).to_list()
    assert per["call_reason"].to_list() == mc["call_reason"].cast(pl.String).to_list()
    assert per["context_lost"].to_list() == mc["context_losses"].to_list()
    # the same drawn waits (the log rounds each to whole seconds)
    assert ((per["wait_s"] - mc["wait_s"]).abs() <= 0.5 * mc["contacts"]).all()
    # the same per-visit valences: the same remembered experience and effort
    answered = per["csat"].is_not_null().to_numpy()
    assert answered.mean() > 0.9
    np.testing.assert_array_equal(
        per["csat"].to_numpy()[answered], mc["csat5"].to_numpy()[answered]
    )
    np.testing.assert_array_equal(per["nps"].to_numpy()[answered], mc["nps10"].to_numpy()[answered])
    np.testing.assert_array_equal(
        per["effort"].to_numpy(), np.clip(np.round(mc["ces5"].to_numpy()), 1, 5)
    )
    # a customer with one contact: that contact's emotion is the class of the journey's
    # remembered experience read on the step scale (contact_emotion_code)
    one = (mc["contacts"] == 1).to_numpy() & answered
    assert one.any()
    codes = metrics.contact_emotion_code(mc["j"].to_numpy()[one], j.params.emotion)
    np.testing.assert_array_equal(
        per.filter(pl.Series(one))["emotion"].list.first().to_numpy(),
        np.array(["dissatisfied", "satisfied", "delighted"])[codes],
    )


def test_a_contact_feels_its_own_moments() -> None:
    # billing_inquiry's agent replays two designed moments (0 then +3): J = 3, whatever
    # came before; the FAQ's one moment is -4
    j = cx.load_journey("billing_inquiry")
    events = generate_events(j, 2_000, seed=2, emotion_noise=0.0)
    ep = j.params.emotion
    block = metrics.valence_block([0.0, 3.0], ep)
    state = block[: len(metrics.STATE_ROWS), None]
    code = int(metrics.contact_emotion_code(metrics.remembered(state, ep).score[0], ep))
    agent = events.filter(pl.col("touchpoint") == "agent")["emotion"]
    assert (agent == ("dissatisfied", "satisfied", "delighted")[code]).all()


def test_waits_are_drawn_only_into_touchpoints_with_a_wait() -> None:
    j = cx.load_journey("billing_inquiry")  # the queue's designed 180 s; no other wait
    events = generate_events(j, 3_000, seed=3)
    assert (events.filter(pl.col("touchpoint") != "phone_queue")["wait_s"] == 0).all()
    assert (events.filter(pl.col("touchpoint") == "phone_queue")["wait_s"] >= 0).all()
