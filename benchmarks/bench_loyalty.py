"""Benchmark: RFM scores + segments on 10M transactions (issue 16).

Three ways to the same per-customer table, in the same run, on the same Parquet file:

1. **cxkit** — :func:`cxkit.loyalty.rfm` on ``pl.scan_parquet`` (its checks, the lazy
   per-customer group-by, the scores and the segments);
2. **plain polars** — the same computation written as polars expressions by hand
   (refunds net, same-day purchases once, ``rank("min")`` quintiles, the same rule
   table); its table is checked equal to cxkit's; goal: cxkit ≤ 1.3× this;
3. **pandas** — ``groupby`` then ``qcut`` on ``rank(method="first")``, the way most
   analysts do it today (its ties are ordinal, so its scores are not compared).

Synthetic data: ``n`` transactions of ``n/10`` customers (int ids) over two years,
log-normal amounts, 2 % refunds; cached under ``/tmp/cxkit-bench`` as Parquet. The
timings are the best of ``--repeat`` runs (wall and CPU time); the machine may be
shared, so the load average is printed.

Run::

    .venv/bin/python benchmarks/bench_loyalty.py [--size 10000000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

CACHE = Path("/tmp/cxkit-bench")
AS_OF = dt.date(2026, 1, 1)
START = dt.date(2024, 1, 1)


def synthetic(n: int, seed: int = 16) -> Path:
    """``n`` transactions (cached): customer_id, date, amount."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"loyalty_{n}_{seed}.parquet"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    n_customers = max(n // 10, 10)
    # skewed activity: a few customers buy much more often (Pareto-like)
    weights = rng.pareto(1.5, n_customers) + 1.0
    customer = rng.choice(n_customers, size=n, p=weights / weights.sum())
    days = (AS_OF - START).days
    day = rng.integers(0, days, size=n)
    amount = np.round(rng.lognormal(8.0, 0.9, size=n), 0)
    refund = rng.random(n) < 0.02
    amount[refund] = -np.round(amount[refund] * rng.uniform(0.2, 1.0, refund.sum()))
    offset = (START - dt.date(1970, 1, 1)).days
    frame = pl.DataFrame(
        {
            "customer_id": customer.astype(np.int64),
            "date": pl.Series(day + offset, dtype=pl.Int32).cast(pl.Date),
            "amount": amount,
        }
    )
    from _harness import write_parquet_atomically

    write_parquet_atomically(frame, path)
    return path


def run_cxkit(path: Path) -> pl.DataFrame:
    from cxkit.loyalty import rfm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rfm(pl.scan_parquet(path), as_of=AS_OF).table


def run_polars(path: Path) -> pl.DataFrame:
    """The same RFM, as plain polars expressions."""
    from cxkit.loyalty import DEFAULT_SEGMENTS

    purchase = pl.col("amount") >= 0
    per = (
        pl.scan_parquet(path)
        .group_by("customer_id")
        .agg(
            pl.col("date").filter(purchase).max().alias("last"),
            pl.col("date").filter(purchase).n_unique().alias("frequency"),
            pl.col("amount").sum().alias("revenue"),
        )
        .filter(pl.col("frequency") > 0)
        .collect()
    )
    n = per.height

    def score(expr: pl.Expr) -> pl.Expr:
        return ((expr.rank("min") - 1) * 5 // n + 1).cast(pl.Int8)

    recency = (pl.lit(AS_OF) - pl.col("last")).dt.total_days()
    return per.with_columns(
        recency.alias("recency"),
        score(-recency).alias("r_score"),
        score(pl.col("frequency")).alias("f_score"),
        score(pl.col("revenue")).alias("m_score"),
    ).with_columns(
        (pl.col("r_score").cast(pl.Int16) * 10 + pl.col("f_score"))
        .replace_strict(DEFAULT_SEGMENTS.mapping(), return_dtype=pl.String)
        .alias("segment")
    )


def run_pandas(path: Path) -> Any:
    """groupby + qcut, as analysts write it."""
    import pandas as pd

    df = pd.read_parquet(path)
    df["date"] = pd.to_datetime(df["date"])
    buys = df[df["amount"] >= 0]
    per = buys.groupby("customer_id").agg(last=("date", "max"), frequency=("date", "nunique"))
    per["monetary"] = df.groupby("customer_id")["amount"].sum()
    per["recency"] = (pd.Timestamp(AS_OF) - per["last"]).dt.days
    labels = [1, 2, 3, 4, 5]
    per["r"] = pd.qcut(per["recency"].rank(method="first"), 5, labels=labels[::-1]).astype(int)
    per["f"] = pd.qcut(per["frequency"].rank(method="first"), 5, labels=labels).astype(int)
    per["m"] = pd.qcut(per["monetary"].rank(method="first"), 5, labels=labels).astype(int)
    from cxkit.loyalty import DEFAULT_SEGMENTS

    per["segment"] = (per["r"] * 10 + per["f"]).map(DEFAULT_SEGMENTS.mapping())
    return per


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    best_wall = best_cpu = float("inf")
    out = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, out


def check_equal(ours: pl.DataFrame, plain: pl.DataFrame) -> None:
    a = (
        ours.filter(pl.col("frequency") > 0)
        .select(
            pl.col("customer").cast(pl.Int64),
            "recency",
            "frequency",
            "r_score",
            "f_score",
            "m_score",
            "segment",
        )
        .sort("customer")
    )
    b = plain.select(
        pl.col("customer_id").alias("customer"),
        "recency",
        pl.col("frequency").cast(pl.Int64),
        "r_score",
        "f_score",
        "m_score",
        "segment",
    ).sort("customer")
    assert a.equals(b), "cxkit and plain polars disagree"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1M transactions, 1 run")
    args = parser.parse_args(argv)
    n, repeat = (1_000_000, 1) if args.quick else (args.size, args.repeat)
    t0 = time.perf_counter()
    path = synthetic(n)
    print(
        f"{n:,} transactions ({path}, ready in {time.perf_counter() - t0:.1f} s); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    rows = []
    results: dict[str, Any] = {}
    for name, fn in (
        ("cxkit", run_cxkit),
        ("plain polars", run_polars),
        ("pandas qcut", run_pandas),
    ):
        wall, cpu, out = timed(lambda fn=fn: fn(path), repeat)
        results[name] = out
        rows.append((name, wall, cpu))
    check_equal(results["cxkit"], results["plain polars"])
    base_wall, base_cpu = rows[1][1], rows[1][2]
    print(f"{'':14}{'wall s':>9}{'cpu s':>9}{'× polars (wall)':>17}{'× polars (cpu)':>16}")
    for name, wall, cpu in rows:
        print(f"{name:14}{wall:9.2f}{cpu:9.2f}{wall / base_wall:17.2f}{cpu / base_cpu:16.2f}")
    ratio = rows[0][1] / base_wall
    print(
        f"cxkit / plain polars: {ratio:.2f}× (goal ≤ 1.3×); "
        f"pandas / cxkit: {rows[2][1] / rows[0][1]:.2f}×; "
        f"{results['cxkit'].height:,} customers; tables equal"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
