"""Properties of generated logs over random journeys (hypothesis) and the real entry point."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxkit.data import generate_events, random_journey


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_touchpoints=st.integers(2, 12),
    journey_seed=st.integers(0, 10_000),
    seed=st.integers(0, 10_000),
    n_customers=st.integers(1, 300),
    noise=st.booleans(),
    max_steps=st.integers(1, 60),
)
def test_invariants_of_any_generated_log(
    n_touchpoints: int, journey_seed: int, seed: int, n_customers: int, noise: bool, max_steps: int
) -> None:
    j = random_journey(n_touchpoints, seed=journey_seed)
    g = j.graph
    events = generate_events(j, n_customers, seed=seed, with_noise=noise, max_steps=max_steps)
    clean = events.unique(maintain_order=True) if noise else events
    per = clean.sort("customer_id", "timestamp").group_by("customer_id", maintain_order=True)
    summary = per.agg(
        n=pl.len(),
        outcomes=pl.col("outcome").drop_nulls().len(),
        last_outcome=pl.col("outcome").last(),
        increasing=(pl.col("timestamp").diff().dt.total_seconds().drop_nulls() >= 1).all(),
        reasons=pl.col("call_reason").drop_nulls().n_unique(),
    )
    assert summary.height == n_customers
    assert (summary["n"] <= max_steps).all()
    assert (summary["outcomes"] == 1).all()
    assert summary["last_outcome"].is_in(list(g.outcome_ids)).all()
    assert summary["increasing"].all()
    assert (summary["reasons"] <= 1).all()
    channel_of = {tp.id: tp.channel for tp in g.touchpoints}
    assert all(channel_of[t] == c for t, c in events.select("touchpoint", "channel").iter_rows())
    # consecutive contacts follow hand-offs of the graph
    steps = (
        clean.sort("customer_id", "timestamp")
        .with_columns(nxt=pl.col("touchpoint").shift(-1).over("customer_id"))
        .drop_nulls("nxt")
        .select("touchpoint", "nxt")
        .unique()
    )
    assert all(j.nx.has_edge(a, b) for a, b in steps.iter_rows())
    assert events["effort"].drop_nulls().is_between(1, 5).all()


def test_make_examples_check_through_the_interpreter() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "cxkit.data.make_examples", "--check", "subscription_support"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "cxkit.data.make_examples", "--check", "retail"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 2
    assert "unknown example 'retail'; did you mean 'retail_omnichannel'?" in bad.stderr
