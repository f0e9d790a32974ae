"""Fixtures for the analytics tests: a tiny vectorised sampler of event logs.

``sample_log(journey, n, seed)`` walks ``n`` customers through a journey's absorbing
chain (hand-offs plus each touchpoint's remainder) with numpy — one vectorised draw
per step for all customers still walking — and writes one row per contact, the
outcome on each customer's last row. It is independent of ``cxkit.data`` so that
these tests check discovery against a sampler written separately.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest

from cxkit.core.journey import Journey

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def sample_log(
    journey: Journey,
    n: int,
    *,
    seed: int,
    max_steps: int = 50,
    context: bool = True,
) -> pl.DataFrame:
    """Sample an event log from ``journey``'s graph (see the module docstring)."""
    g = journey.graph
    tps = list(g.touchpoint_ids)
    outs = list(g.outcome_ids)
    nodes = tps + outs
    k = len(tps)
    prob = np.zeros((k, len(nodes)))
    keep = np.ones((k, len(nodes)))
    for u, v, d in g.nx.edges(data=True):
        prob[tps.index(u), nodes.index(v)] += d["probability"]
        keep[tps.index(u), nodes.index(v)] = d["context_carryover"]
    cum = np.cumsum(prob, axis=1)
    cum[:, -1] = 1.0
    start = np.zeros(k)
    for t, p in journey.start_distribution().items():
        start[tps.index(t)] = p
    rng = np.random.default_rng(seed)
    state = rng.choice(k, size=n, p=start / start.sum())
    alive = np.arange(n)
    t = rng.uniform(0, 30 * 86400, size=n)
    lost = np.zeros(n, dtype=bool)
    rows_c, rows_t, rows_s, rows_l, rows_o = [], [], [], [], []
    for step in range(max_steps):
        cur = state[alive]
        u = rng.random(alive.size)
        nxt = (u[:, None] > cum[cur]).sum(axis=1)
        ends = nxt >= k
        outcome = np.where(ends, nxt - k, -1)
        if step == max_steps - 1:
            outcome = np.where(ends, outcome, outs.index(g.remainder_outcome))
            ends[:] = True
        rows_c.append(alive.copy())
        rows_t.append(t[alive].copy())
        rows_s.append(cur.copy())
        rows_l.append(lost[alive].copy())
        rows_o.append(outcome)
        go = alive[~ends]
        moved = nxt[~ends]
        lost[go] = rng.random(go.size) > keep[state[go], moved]
        state[go] = moved
        t[go] += 60 + rng.exponential(3600, go.size)
        alive = go
        if alive.size == 0:
            break
    cust = np.concatenate(rows_c)
    s = np.concatenate(rows_s)
    o = np.concatenate(rows_o)
    secs = np.concatenate(rows_t)
    channel_of = np.array([g.touchpoint(x).channel for x in tps])
    data = {
        "customer_id": [f"c{i:06d}" for i in cust],
        "timestamp": pl.Series(np.round(secs * 1e6).astype("int64")).cast(pl.Datetime("us", "UTC"))
        + pl.lit(T0),
        "touchpoint": np.array(tps)[s],
        "channel": channel_of[s],
        "outcome": [outs[i] if i >= 0 else None for i in o],
    }
    df = pl.DataFrame({k2: v for k2, v in data.items() if k2 != "timestamp"})
    ts = (pl.Series(np.round(secs * 1e6).astype("int64")) + int(T0.timestamp() * 1e6)).cast(
        pl.Datetime("us")
    )
    df = df.with_columns(timestamp=ts.dt.replace_time_zone("UTC"))
    if context:
        df = df.with_columns(context_lost=pl.Series(np.concatenate(rows_l)))
    return df.select(
        "customer_id",
        "timestamp",
        *[c for c in df.columns if c not in ("customer_id", "timestamp")],
    )


@pytest.fixture(scope="session")
def sampler() -> Callable[..., pl.DataFrame]:
    """The sampler of the module docstring."""
    return sample_log
