"""Synthetic purchase transactions for the customers of an event log.

:func:`generate_transactions` gives each customer of a journey event log a purchase
history consistent with their journeys, for trying :mod:`cxkit.loyalty` beside
:mod:`cxkit.analytics` on the same customers:

* each customer buys ``1 + Poisson(λ)`` times over the ``history_days`` before the
  log's last event, ``λ = (mean_purchases − 1) · g`` with a Gamma(1, 1) propensity
  ``g`` (a few customers buy far more often: revenue is concentrated), times 1.5 for
  a customer whose mean NPS in the log is ≥ 9 and 0.5 for one whose journeys left
  them dissatisfied;
* a customer who **churned** in the log buys nothing after their churn event; a
  journey that ended in a **purchase** adds a purchase on that day;
* amounts are log-normal around ``mean_amount`` (σ = 0.8), rounded to 10;
* each purchase is refunded (in full, 1–14 days later, never after the log's end)
  with probability ``refund_rate``.

Vectorised numpy (no loop per customer); the same ``seed``, the same table.

Each shipped example event log has its transactions shipped beside it as
``cxkit/data/examples/<name>_transactions.csv`` (:func:`transactions_path`,
:func:`load_transactions`), generated from the log with the example's seed by
``python -m cxkit.data.make_examples``: the same customer ids, so that
:func:`cxkit.loyalty.segment_views` joins the RFM segments onto the log.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from cxkit.core.errors import CxkitError, format_value
from cxkit.core.rng import as_generator
from cxkit.data.examples import _spec, examples_dir

__all__ = [
    "TRANSACTION_SCHEMA",
    "build_transactions",
    "generate_transactions",
    "load_transactions",
    "transactions_path",
]

#: Column types of a transactions table (amounts in whole yen; a refund is negative).
TRANSACTION_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String(),
    "date": pl.Date(),
    "amount": pl.Int64(),
}

_DAY_US = 86_400_000_000


def _customers(events: pl.DataFrame, churn: tuple[str, ...]) -> pl.DataFrame:
    """Per customer: last event day, churn day, purchase day, mean NPS, dissatisfied."""
    ts = pl.col("timestamp")
    local = ts.dt.replace_time_zone(None) if events.schema["timestamp"].time_zone else ts
    f = events.with_columns(local.dt.date().alias("_day"))
    has = set(events.columns)
    aggs = [
        pl.col("_day").filter(pl.col("outcome").is_in(list(churn))).min().alias("churn_day"),
        pl.col("_day").filter(pl.col("outcome") == "purchase").alias("purchase_days"),
        (pl.col("nps").mean() if "nps" in has else pl.lit(None, pl.Float64)).alias("nps"),
        ((pl.col("emotion") == "dissatisfied").mean() if "emotion" in has else pl.lit(0.0)).alias(
            "dissatisfied"
        ),
    ]
    return f.group_by("customer_id").agg(aggs).sort("customer_id")


def generate_transactions(
    events: Any,
    *,
    seed: Any = 0,
    history_days: int = 365,
    mean_purchases: float = 4.0,
    mean_amount: float = 6000.0,
    refund_rate: float = 0.02,
    churn: tuple[str, ...] = ("churn",),
) -> pl.DataFrame:
    """Purchase transactions (``customer_id``, ``date``, ``amount``) of the customers of a log.

    Parameters
    ----------
    events
        An event log as a polars DataFrame with ``customer_id``, ``timestamp`` and
        (used when present) ``outcome``, ``nps``, ``emotion`` — e.g.
        :func:`cxkit.data.load_example` or :func:`cxkit.data.generate_events`.
    seed
        Any seed :func:`cxkit.core.rng.as_generator` accepts.
    history_days, mean_purchases, mean_amount, refund_rate
        See the module docstring.
    churn
        Outcome ids that end a customer's purchases.

    Examples
    --------
    >>> import cxkit as cx
    >>> t = generate_transactions(cx.data.load_example("retail_omnichannel"), seed=1)
    >>> t.columns, t["customer_id"].n_unique()
    (['customer_id', 'date', 'amount'], 2000)
    """
    if not isinstance(events, pl.DataFrame) or not {"customer_id", "timestamp"} <= set(
        events.columns
    ):
        raise CxkitError(
            "`events` must be a polars DataFrame with columns customer_id and timestamp, "
            f"got {format_value(events)}"
        )
    for name, value, low, high in (
        ("history_days", history_days, 1, 36_500),
        ("mean_purchases", mean_purchases, 1, 1_000),
        ("mean_amount", mean_amount, 1e-6, 1e12),
        ("refund_rate", refund_rate, 0, 1),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not low <= value <= high
        ):
            raise CxkitError(
                f"`{name}` must be a number in [{low}, {high}], got {format_value(value)}"
            )
    rng = as_generator(seed)
    if "outcome" not in events.columns:
        events = events.with_columns(pl.lit(None, pl.String).alias("outcome"))
    per = _customers(events, tuple(churn))
    ts = events["timestamp"]
    end = (ts.dt.replace_time_zone(None) if ts.dtype.time_zone else ts).max().date()  # type: ignore[union-attr]
    end_day = (end - dt.date(1970, 1, 1)).days
    n = per.height
    nps = per["nps"].fill_null(-1.0).to_numpy()
    boost = np.where(nps >= 9, 1.5, 1.0) * np.where(
        per["dissatisfied"].fill_null(0.0).to_numpy() > 0.5, 0.5, 1.0
    )
    lam = (mean_purchases - 1.0) * rng.gamma(1.0, 1.0, n) * boost
    count = 1 + rng.poisson(lam)
    churn_day = per["churn_day"].cast(pl.Int32).fill_null(end_day).to_numpy()
    last = np.minimum(churn_day, end_day)
    first = end_day - history_days
    who = np.repeat(np.arange(n), count)
    span = np.maximum(last[who] - first, 0)
    day = first + np.floor(rng.random(who.size) * (span + 1)).astype(np.int64)
    bought = per.select(pl.col("purchase_days").list.eval(pl.element().cast(pl.Int32)))
    extra_who = np.repeat(np.arange(n), bought["purchase_days"].list.len().to_numpy())
    extra_day = bought["purchase_days"].explode().drop_nulls().to_numpy().astype(np.int64)
    who = np.concatenate([who, extra_who])
    day = np.concatenate([day, extra_day])
    amount = np.round(rng.lognormal(np.log(mean_amount) - 0.32, 0.8, who.size), -1)
    refund = rng.random(who.size) < refund_rate
    r_day = np.minimum(day[refund] + rng.integers(1, 15, refund.sum()), end_day)
    ids = per["customer_id"].to_numpy()
    out = pl.DataFrame(
        {
            "customer_id": np.concatenate([ids[who], ids[who[refund]]]),
            "date": pl.Series(np.concatenate([day, r_day]), dtype=pl.Int32).cast(pl.Date),
            "amount": np.concatenate([amount, -amount[refund]]).astype(np.int64),
        }
    )
    return out.sort("date", "customer_id", "amount", descending=[False, False, True])


def transactions_path(name: str) -> Path:
    """Path of the transactions CSV shipped beside the example event log ``name``.

    Examples
    --------
    >>> transactions_path("retail_omnichannel").name
    'retail_omnichannel_transactions.csv'
    """
    return examples_dir() / f"{_spec(name).name}_transactions.csv"


def build_transactions(name: str, events: pl.DataFrame | None = None) -> pl.DataFrame:
    """The transactions of example ``name``, generated afresh from its event log and seed.

    ``events`` is the example's log when the caller has it already (else it is loaded).

    >>> build_transactions("subscription_support").equals(load_transactions("subscription_support"))
    True
    """
    from cxkit.data.examples import load_example

    spec = _spec(name)
    log = events if events is not None else load_example(name)
    return generate_transactions(log, seed=spec.seed)


def load_transactions(name: str) -> pl.DataFrame:
    """Load the transactions shipped with the example event log ``name``.

    The columns ``customer_id`` (the log's ids), ``date`` and ``amount`` (yen; a
    refund is a negative amount), ordered by date: a table for :func:`cxkit.loyalty.rfm`
    whose customers are those of :func:`cxkit.data.load_example` ``(name)``.

    Raises
    ------
    CxkitError
        For an unknown name (with a did-you-mean) or a missing file.

    Examples
    --------
    >>> import cxkit as cx
    >>> t = cx.data.load_transactions("retail_omnichannel")
    >>> t.columns, t["customer_id"].n_unique()
    (['customer_id', 'date', 'amount'], 2000)
    """
    path = transactions_path(name)
    if not path.is_file():
        raise CxkitError(
            f"example file {path} is missing; regenerate it with "
            "`python -m cxkit.data.make_examples`"
        )
    return pl.read_csv(path, schema=TRANSACTION_SCHEMA)
