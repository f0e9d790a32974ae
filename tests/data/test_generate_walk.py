"""The event generator walks customers with the Monte Carlo engine's walker."""

from __future__ import annotations

import polars as pl

import cxkit as cx
from cxkit.data import generate_events
from cxkit.sim import simulate


def test_the_event_generator_walks_the_monte_carlo_paths() -> None:
    j = cx.load_journey("subscription_support")
    mc = simulate(j, 400, seed=7).customers
    events = generate_events(j, 400, seed=7).sort("customer_id", "timestamp")
    per = events.group_by("customer_id", maintain_order=True).agg(
        pl.col("touchpoint"), pl.col("outcome").drop_nulls().first(), pl.col("call_reason").first()
    )
    assert per["touchpoint"].to_list() == mc["path"].to_list()
    assert per["outcome"].to_list() == mc["outcome"].cast(pl.String).to_list()
    assert per["call_reason"].to_list() == mc["call_reason"].cast(pl.String).to_list()


def test_waits_are_drawn_only_into_touchpoints_with_a_wait() -> None:
    j = cx.load_journey("billing_inquiry")  # the queue's designed 180 s; no other wait
    events = generate_events(j, 3_000, seed=3)
    assert (events.filter(pl.col("touchpoint") != "phone_queue")["wait_s"] == 0).all()
    assert (events.filter(pl.col("touchpoint") == "phone_queue")["wait_s"] >= 0).all()
