"""Per-customer journey sums on the polars fast path, for :func:`churn_model`.

The generic path computes the churn features with a group-by per customer over
:meth:`EventLog.contacts` (the touchpoint rows with their transitions and repeat
flags), which prepares the row-level frames. On a polars log that needs no repair
the same sums come from the fast path's arrays (:mod:`cxkit.analytics._fast`): the
rows are coded and sorted once more, and every customer's sums are
:func:`numpy.bincount` counts over the dense customer numbers. A LazyFrame larger
than :data:`~cxkit.analytics._fast.BUCKET_ROWS` rows is read bucket by bucket
(whole customers), so a Parquet scan larger than memory gets its churn features too.

``tests/analytics/test_fast.py`` (``assert_same_customers``, with every comparison of
the two paths' tables) and ``tests/analytics/test_churn.py`` compare both paths
value for value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from cxkit.analytics._fast import (
    Uniques,
    _code,
    _Contacts,
    _distinct_per_group,
    _journeys,
    _sort,
    channel_changes,
    field_columns,
    read_log,
)
from cxkit.analytics._validate import EMOTIONS, Resolved

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["customer_sums"]

#: What each customer's row holds besides ``customer`` and ``churned``, in order;
#: a field's sums only where the log has its column (see :func:`customer_sums`).
_SUMS = (
    "contacts", "journeys", "touchpoints", "t_min", "t_max", "repeat_contacts",
    "switches", "transfers", "context_losses", "wait_sum", "mean_effort",
    "emotion_n", "dissatisfied_n", "delighted_n", "mean_csat", "mean_nps",
)  # fmt: skip


def customer_sums(
    resolved: Resolved,
    journey: Journey | None,
    native: Any,
    window_us: float,
    churn_ids: Sequence[str],
) -> pl.DataFrame | None:
    """One row per customer with a touchpoint row, or ``None`` (the generic path).

    Columns: ``customer`` (text), ``contacts`` (Int64), then as Float64 ``journeys``,
    ``touchpoints`` (distinct), ``t_min`` and ``t_max`` (µs, over touchpoint rows),
    ``repeat_contacts`` (an earlier contact on the same issue within ``window_us``),
    ``switches`` and ``transfers`` (with a channel or transfer column),
    ``context_losses`` and ``wait_sum`` (the rows' own values), ``mean_effort``,
    ``emotion_n``, ``dissatisfied_n`` and ``delighted_n``, ``mean_csat``,
    ``mean_nps`` (each where the log has the column), and ``churned`` (Int64: 1 when
    any of the customer's rows records an outcome in ``churn_ids``). Rows in no
    particular order.
    """
    schema, dtypes, column = resolved[0], resolved[3], field_columns(resolved)
    found = read_log(
        resolved,
        journey,
        native,
        lambda frame, uniques: _customers_of(
            frame, column, dtypes, schema, journey, uniques, window_us, churn_ids
        ),
    )
    if found is None:
        return None
    return pl.concat([part for part, _ in found[0]])  # buckets hold disjoint customers


def _customers_of(
    frame: pl.DataFrame,
    column: dict[str, str | None],
    dtypes: dict[str, Any],
    schema: Any,
    journey: Journey | None,
    uniques: Uniques | None,
    window_us: float,
    churn_ids: Sequence[str],
) -> pl.DataFrame | None:
    """:func:`customer_sums` of one in-memory frame (the whole log or a bucket);
    raises :class:`~cxkit.analytics._fast.TiedEventsError` on events that the sort cannot order."""
    found = _code(frame, column, dtypes, schema, journey, uniques, own=True)
    if found is None:
        return None
    coded, codes = found
    own = [f for f in ("effort", "csat", "nps", "emotion") if f in coded.columns]
    ordered = _sort(coded, codes, also=["row", *own])
    del coded, found
    if ordered is None:
        return None
    rows = _journeys(ordered, codes, schema)

    # every row (outcome-only rows too): the dense customer numbers and churn
    hs = ordered["h"].to_numpy()
    new_customer = np.ones(len(hs), bool)
    new_customer[1:] = hs[1:] != hs[:-1]
    n_customers = int(np.count_nonzero(new_customer))
    every = np.cumsum(new_customer) - 1
    churned = np.zeros(n_customers, bool)
    if "outcome" in ordered.columns:
        churn_codes = [k for k, v in enumerate(codes["outcome"]) if v in churn_ids]
        hit = np.isin(ordered["outcome"].to_numpy(), churn_codes)
        churned = np.bincount(every, weights=hit, minlength=n_customers) > 0

    # the touchpoint rows, in customer order (rows.customer numbers them likewise)
    is_tp = ordered["touchpoint"].to_numpy() < len(codes["touchpoint"])
    customer = rows.customer.astype(np.int64)

    def total(weights: Any) -> np.ndarray:
        return np.bincount(customer, weights=weights, minlength=n_customers)

    def own_values(name: str) -> np.ndarray:
        return ordered[name].to_numpy()[is_tp]

    def known_sum(values: np.ndarray) -> np.ndarray:
        return total(np.where(np.isnan(values), 0.0, values))

    def mean(values: np.ndarray) -> np.ndarray:
        n = total(~np.isnan(values))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n > 0, known_sum(values) / np.maximum(n, 1), np.nan)

    contacts = np.bincount(customer, minlength=n_customers)
    present = contacts > 0  # the generic table's customers: those with a touchpoint row
    firsts = np.flatnonzero(np.diff(customer, prepend=-1) != 0)
    lasts = np.flatnonzero(np.diff(customer, append=-1) != 0)
    t_min = np.zeros(n_customers)
    t_max = np.zeros(n_customers)
    t_min[customer[firsts]] = rows.t[firsts]
    t_max[customer[firsts]] = rows.t[lasts]
    in_order, _, repeat, _ = _Contacts.of(rows).flags(window_us)
    sums: dict[str, np.ndarray] = {
        "contacts": contacts,
        "journeys": total(rows.start),
        "touchpoints": _distinct_per_group(customer, rows.tp, n_customers, len(rows.tp_values)),
        "t_min": t_min,
        "t_max": t_max,
        "repeat_contacts": np.bincount(
            in_order.astype(np.int64), weights=repeat, minlength=n_customers
        ),
    }
    changes = channel_changes(rows)
    if changes:
        sums["switches"] = total(changes["both"] & changes["switch"])
    if "transfer" in rows.next_values:
        xfer = rows.next_values["transfer"]
        sums["transfers"] = known_sum(np.where(rows.to_tp, xfer, np.nan))
    elif changes:
        sums["transfers"] = total(changes["both"] & changes["inferred"])
    if "context_lost" in ordered.columns:
        sums["context_losses"] = known_sum(own_values("context_lost"))
    if "wait_s" in ordered.columns:
        sums["wait_sum"] = known_sum(own_values("wait_s"))
    if "effort" in ordered.columns:
        sums["mean_effort"] = mean(own_values("effort"))
    if "emotion" in ordered.columns:
        emotion = own_values("emotion")
        sums["emotion_n"] = total(emotion < len(EMOTIONS))
        sums["dissatisfied_n"] = total(emotion == EMOTIONS.index("dissatisfied"))
        sums["delighted_n"] = total(emotion == EMOTIONS.index("delighted"))
    for name in ("csat", "nps"):
        if name in ordered.columns:
            sums[f"mean_{name}"] = mean(own_values(name))

    # each customer's id, from their first touchpoint row of the frame
    ids = frame[str(column["customer"])].gather(ordered["row"].to_numpy()[is_tp][firsts])
    columns = {
        "customer": ids.cast(pl.String),
        **{
            name: pl.Series(values[present], dtype=pl.Int64 if name == "contacts" else pl.Float64)
            for name in _SUMS
            if (values := sums.get(name)) is not None
        },
        "churned": pl.Series(churned[present].astype(np.int64)),
    }
    return pl.DataFrame(columns).with_columns(pl.col("^mean_.*$").fill_nan(None))
