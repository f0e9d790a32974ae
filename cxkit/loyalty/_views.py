"""Per-segment views: journeys, outcomes, hand-offs and churn from an event log, and
CLV per segment from the sBG and constant-retention models of :mod:`cxkit.sim.loyalty`.
"""

from __future__ import annotations

import math
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl

from cxkit.analytics._frames import collect
from cxkit.analytics._log import EventLog
from cxkit.analytics._schema import EventSchema
from cxkit.core.errors import format_value
from cxkit.loyalty._rfm import RFMResult
from cxkit.loyalty._schema import TransactionError

__all__ = ["segment_clv", "segment_views"]


def segment_views(
    result: RFMResult,
    events: Any,
    *,
    schema: EventSchema | None = None,
    churn: str | tuple[str, ...] = "churn",
) -> pl.DataFrame:
    """Per segment: the journeys, outcomes, hand-offs, contacts and churn of its customers.

    The segments are joined onto the event log by customer id (compared as text).

    Parameters
    ----------
    result
        The RFM segments (:func:`~cxkit.loyalty.rfm`).
    events
        An event log (:class:`cxkit.analytics.EventLog` or any frame it accepts).
    schema
        The log's :class:`~cxkit.analytics.EventSchema` (when ``events`` is a frame).
    churn
        Outcome id(s) that mean churn.

    Returns
    -------
    polars.DataFrame
        One row per segment (best first): ``customers`` (in the segment),
        ``in_log`` (of them, with events), ``journeys``, ``journeys_per_customer``,
        ``contacts_per_customer``, ``handoffs_per_customer`` (moves from one
        touchpoint to another within a journey), ``churn_rate`` (share of the
        customers in the log who reached a churn outcome), and ``outcome_<id>``:
        the share of the segment's journeys ending in each outcome.
    """
    log = events if isinstance(events, EventLog) else EventLog(events, schema=schema)
    churn_ids = (churn,) if isinstance(churn, str) else tuple(churn)
    rows = log.rows
    per = collect(
        rows.group_by("customer").agg(
            nw.len().alias("contacts"),
            nw.col("start").sum().alias("journeys"),
            nw.col("to_tp").sum().alias("handoffs"),
        )
    )
    ends = collect(
        rows.filter(nw.col("end") == 1).group_by("customer", "target").agg(nw.len().alias("n"))
    )
    churned = collect(
        log.prepared.frame.with_columns(
            _c=nw.col("outcome").is_in(list(churn_ids)).fill_null(False).cast(nw.Int64)
        )
        .group_by("customer")
        .agg(nw.col("_c").max().alias("churned"))
    )
    seg = result.table.select("customer", "segment")
    text = pl.col("customer").cast(pl.String)
    per = per.with_columns(text).join(churned.with_columns(text), on="customer", how="left")
    per = seg.join(per, on="customer", how="left")
    agg = per.group_by("segment").agg(
        pl.len().cast(pl.Int64).alias("customers"),
        pl.col("contacts").is_not_null().sum().cast(pl.Int64).alias("in_log"),
        pl.col("journeys").sum().cast(pl.Int64).alias("journeys"),
        pl.col("contacts").sum().cast(pl.Float64).alias("_contacts"),
        pl.col("handoffs").sum().cast(pl.Float64).alias("_handoffs"),
        pl.col("churned").sum().cast(pl.Float64).alias("_churned"),
    )
    in_log = pl.when(pl.col("in_log") > 0).then(pl.col("in_log").cast(pl.Float64))
    agg = agg.with_columns(
        (pl.col("journeys") / in_log).alias("journeys_per_customer"),
        (pl.col("_contacts") / in_log).alias("contacts_per_customer"),
        (pl.col("_handoffs") / in_log).alias("handoffs_per_customer"),
        (pl.col("_churned") / in_log).alias("churn_rate"),
    ).drop("_contacts", "_handoffs", "_churned")
    outcomes = _outcome_shares(ends.with_columns(text), seg)
    agg = agg.join(outcomes, on="segment", how="left")
    return _in_order(agg, result)


def _outcome_shares(ends: pl.DataFrame, seg: pl.DataFrame) -> pl.DataFrame:
    joined = ends.join(seg, on="customer", how="inner")
    if not joined.height:
        return pl.DataFrame({"segment": []}, schema={"segment": pl.String})
    wide = (
        joined.group_by("segment", "target")
        .agg(pl.col("n").sum())
        .pivot(on="target", index="segment", values="n", sort_columns=True)
    )
    ids = [c for c in wide.columns if c != "segment"]
    total = pl.sum_horizontal(pl.col(ids).fill_null(0))
    return wide.select(
        "segment",
        *[(pl.col(c).fill_null(0) / total).alias(f"outcome_{c}") for c in ids],
    )


def _in_order(frame: pl.DataFrame, result: RFMResult) -> pl.DataFrame:
    order = [*result.segments.order, "no_purchase"]
    rank = {s: i for i, s in enumerate(order)}
    return (
        frame.with_columns(pl.col("segment").replace_strict(rank, default=len(order)).alias("_o"))
        .sort("_o", "segment")
        .drop("_o")
    )


def segment_clv(
    result: RFMResult,
    *,
    period_days: int = 90,
    margin: float = 1.0,
    discount_rate: float = 0.10,
    max_periods: int = 12,
) -> pl.DataFrame:
    """CLV per segment: sBG cohort retention fitted on each segment's purchase tenure.

    A customer is *alive* in period ``t`` (periods of ``period_days`` counted from
    their first purchase) when they purchase in period ``t`` or later. Customers whose
    first purchase is recent are observed for fewer periods; the segment's survival
    curve is the Kaplan–Meier product of the per-period retention over the customers
    observed long enough (right-censoring), scaled to the segment's size and fitted
    with :func:`cxkit.sim.sbg_fit` (Fader & Hardie 2007). The expected CLV is
    :func:`cxkit.sim.sbg_clv` (first margin at ``t = 0``) with the margin per period
    ``margin × mean(revenue / active periods)`` over the segment's customers; beside it,
    :func:`cxkit.sim.clv_constant` with the pooled retention ``Σ stayed / Σ at risk``
    over the periods (the constant-retention maximum likelihood under censoring; same
    timing: a margin at ``t = 0``). A period counts for a customer only once it has
    ended before ``as_of``. A fit with very large ``α + β`` (no heterogeneity) is
    valued like any other: :func:`cxkit.sim.sbg_survival` stays exact there.

    Parameters
    ----------
    result
        The RFM segments.
    period_days
        Length of a period in days (default 90: quarters).
    margin
        Share of revenue that is margin (default 1.0: CLV in revenue).
    discount_rate
        Annual discount rate (default 10 %), converted to the period.
    max_periods
        Most periods of survival used (default 12).

    Returns
    -------
    polars.DataFrame
        Per segment: ``customers``, ``observed`` (customers whose first period ended
        before as_of), ``margin_per_period``, ``retention_1`` (first-period retention),
        ``retention_mean`` (pooled per-period retention), ``alpha``,
        ``beta`` (sBG), ``clv_sbg`` and ``clv_constant``; NaN where the segment's
        curve cannot be fitted (no customer observed a full period, or none lost).
    """
    for name, value, low in (("period_days", period_days, 1), ("max_periods", max_periods, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10_000:
            raise TransactionError(
                f"`{name}` must be a whole number ≥ {low}, got {format_value(value)}"
            )
    if not isinstance(margin, (int, float)) or not 0 < margin <= 1e9:
        raise TransactionError(f"`margin` must be a positive number, got {format_value(margin)}")
    if not isinstance(discount_rate, (int, float)) or not 0 < discount_rate < 10:
        raise TransactionError(
            f"`discount_rate` must be an annual rate in (0, 10), got {format_value(discount_rate)}"
        )
    d = (1.0 + discount_rate) ** (period_days / 365.0) - 1.0
    t = result.scored.with_columns(
        ((pl.col("last_purchase") - pl.col("first_purchase")).dt.total_days() // period_days).alias(
            "alive"
        ),
        ((pl.lit(result.as_of) - pl.col("first_purchase")).dt.total_days() // period_days).alias(
            "observed_periods"
        ),
    )
    rows = []
    for seg in result.segments.order:
        part = t.filter(pl.col("segment") == seg)
        if part.height:
            rows.append(_clv_row(seg, part, period_days, margin, d, max_periods))
    return pl.DataFrame(rows)


def _clv_row(
    seg: str, part: pl.DataFrame, period_days: int, margin: float, d: float, max_periods: int
) -> dict[str, Any]:
    from cxkit.sim.loyalty import clv_constant, sbg_clv, sbg_fit

    alive = part["alive"].to_numpy()
    obs = part["observed_periods"].to_numpy()
    active = alive + 1
    m = margin * float(np.mean(part["revenue"].clip(lower_bound=0.0).to_numpy() / active))
    surv, kept, exposed = [1.0], 0.0, 0.0
    for k in range(1, max_periods + 1):
        seen = obs >= k + 1  # period k ended before as_of: a purchase in it would be seen
        at_risk = float(np.sum(seen & (alive >= k - 1)))
        if at_risk == 0:
            break
        stayed = float(np.sum(seen & (alive >= k)))
        surv.append(surv[-1] * stayed / at_risk)
        kept, exposed = kept + stayed, exposed + at_risk
    row: dict[str, Any] = {
        "segment": seg,
        "customers": part.height,
        "observed": int(np.sum(obs >= 2)),
        "margin_per_period": m,
        "retention_1": surv[1] if len(surv) > 1 else math.nan,
        "retention_mean": math.nan,
        "alpha": math.nan,
        "beta": math.nan,
        "clv_sbg": math.nan,
        "clv_constant": math.nan,
    }
    if len(surv) > 1:
        r = kept / exposed  # the constant-retention MLE under right-censoring
        row["retention_mean"] = r
        row["clv_constant"] = float(clv_constant(m, r, d, include_t0=True))
        counts = np.asarray(surv) * 1000.0
        if counts[-1] < counts[0]:
            fit = sbg_fit(counts)
            a, b = fit.alpha, fit.beta
            row.update(alpha=a, beta=b, clv_sbg=sbg_clv(a, b, m, d))
    return row
