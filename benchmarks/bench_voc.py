"""Benchmark: ``cxkit.voc.call_reason_impact`` against the same figures in bare polars.

A synthetic call-center log (numpy, seeded): ``--events`` events (1M and 5M by
default) of ``events / 4`` customers, 8 call reasons, emotions, and each customer's
journeys closed by an outcome (``resolved``, ``abandon`` or ``churn``, churn more
likely for two reasons). Both sides get the same eager polars frame and compute, per
reason: contacts, dissatisfied contacts and answers, journeys and repeat journeys
(whole-log window), customers, churned customers, and the log's customers and churned
customers. cxkit's side also checks the log (:func:`cxkit.analytics._validate.prepare`:
nulls, types, ordering, duplicates) and computes the intervals; the bare side trusts
its input. The figures of both are compared exactly; the ratio is printed.

Run::

    .venv/bin/python benchmarks/bench_voc.py [--events 1000000,5000000] [--repeat 2]

``--quick`` divides the sizes by 10. Times are wall times on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REASONS = ["billing", "connection", "plan_change", "cancellation", "device", "app", "fee", "move"]
TPS = ["ivr", "phone_agent", "chat", "email", "web"]


def synthetic_log(n_events: int, seed: int = 1) -> pl.DataFrame:
    """``n_events`` events: customers of 4 events on average, in journeys of 1–3 events."""
    rng = np.random.default_rng(seed)
    n_customers = max(1, n_events // 4)
    customer = np.sort(rng.integers(0, n_customers, n_events))
    t0 = int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp() * 1e6)
    t = t0 + rng.integers(0, 90 * 86400, n_events) * 1_000_000
    reason_of = rng.integers(0, len(REASONS), n_customers)
    # the event's reason: mostly the customer's, sometimes another one
    other = rng.random(n_events) < 0.2
    reason = np.where(other, rng.integers(0, len(REASONS), n_events), reason_of[customer])
    emotion = rng.choice(np.array(["dissatisfied", "satisfied", "delighted", ""]), n_events)
    churny = np.isin(reason, [1, 3])
    close = rng.random(n_events) < 0.4
    outcome = np.where(
        close,
        np.where(rng.random(n_events) < np.where(churny, 0.2, 0.05), "churn", "resolved"),
        "",
    )
    frame = pl.DataFrame(
        {
            "customer_id": pl.Series(customer).cast(pl.String),
            "timestamp": pl.Series(t).cast(pl.Datetime("us", "UTC")),
            "touchpoint": rng.choice(np.array(TPS), n_events),
            "call_reason": np.array(REASONS)[reason],
            "emotion": emotion,
            "outcome": outcome,
        }
    )
    empty = {c: pl.when(pl.col(c) != "").then(pl.col(c)) for c in ("emotion", "outcome")}
    frame = frame.with_columns(**empty)
    # unique (customer, time): no ties, so both sides order the events the same way
    return frame.unique(["customer_id", "timestamp"], keep="first", maintain_order=True)


def bare_polars(events: pl.DataFrame) -> tuple[pl.DataFrame, tuple[int, int]]:
    """The same figures as plain polars expressions (journeys as the engine's cases)."""
    f = events.lazy().sort("customer_id", "timestamp")
    f = f.with_columns(
        _o=pl.col("outcome").is_not_null().cast(pl.Int64),
    ).with_columns(
        case=(pl.col("_o").cum_sum() - pl.col("_o")).over("customer_id"),
    )
    contacts = f.filter(pl.col("touchpoint").is_not_null() & pl.col("call_reason").is_not_null())
    contacts = contacts.with_columns(
        dis=pl.when(pl.col("emotion").is_not_null()).then(
            (pl.col("emotion") == "dissatisfied").cast(pl.Int64)
        )
    )
    per_key = contacts.group_by(pl.col("call_reason").alias("key")).agg(
        pl.len().alias("contacts"),
        pl.col("dis").sum().alias("dissatisfied"),
        pl.col("dis").count().alias("answered"),
    )
    journeys = (
        contacts.group_by(pl.col("call_reason").alias("key"), "customer_id", "case")
        .agg(pl.col("timestamp").min())
        .sort("key", "customer_id", "timestamp", "case")
        .with_columns(
            rep=(
                (pl.col("key") == pl.col("key").shift(1))
                & (pl.col("customer_id") == pl.col("customer_id").shift(1))
            )
            .fill_null(False)
            .cast(pl.Int64)
        )
        .group_by("key")
        .agg(pl.len().alias("journeys"), pl.col("rep").sum().alias("repeats"))
    )
    churned = f.group_by("customer_id").agg(
        (pl.col("outcome") == "churn").fill_null(False).max().cast(pl.Int64).alias("churned")
    )
    per_customer = (
        contacts.select(pl.col("call_reason").alias("key"), "customer_id")
        .unique()
        .join(churned, on="customer_id")
        .group_by("key")
        .agg(pl.len().alias("customers"), pl.col("churned").sum())
    )
    out = per_key.join(journeys, on="key").join(per_customer, on="key")
    table, totals = pl.collect_all([out, churned.select(pl.len(), pl.col("churned").sum())])
    n, c = totals.row(0)
    return table.sort("key"), (int(n), int(c))


def best_of(run: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t)
    return result, best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="1000000,5000000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from cxkit.voc import call_reason_impact

    sizes = [int(s) // (10 if args.quick else 1) for s in args.events.split(",")]
    cols = ["contacts", "dissatisfied", "answered", "journeys", "repeats", "customers", "churned"]
    print("| events | customers | cxkit (s) | bare polars (s) | ratio | figures equal |")
    print("|---:|---:|---:|---:|---:|---|")
    ok = True
    for n in sizes:
        events = synthetic_log(n)
        call_reason_impact(events.head(2000))  # warm-up: imports not timed
        ours, t_ours = best_of(lambda e=events: call_reason_impact(e), args.repeat)
        (bare, totals), t_bare = best_of(lambda e=events: bare_polars(e), args.repeat)
        mine = ours.sort("reason").select(cols)  # type: ignore[union-attr]
        equal = mine.equals(bare.select([pl.col(c).cast(pl.Int64) for c in cols]))
        ok &= equal
        print(
            f"| {events.height:,} | {totals[0]:,} | {t_ours:.2f} | {t_bare:.2f} | "
            f"{t_ours / t_bare:.1f}× | {'yes' if equal else 'NO'} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
