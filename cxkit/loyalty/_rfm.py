"""RFM scoring and named segments: :func:`rfm` and :class:`RFMResult`."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from cxkit.core.errors import format_value
from cxkit.loyalty._bins import Bins, parse_bins, score_exprs
from cxkit.loyalty._prepare import customer_totals
from cxkit.loyalty._schema import TransactionError, TransactionSchema
from cxkit.loyalty._segments import NO_PURCHASE, SegmentTable, as_table, segment_label

__all__ = ["RFMResult", "rfm"]

#: Columns of :attr:`RFMResult.table`, in order.
COLUMNS: tuple[str, ...] = (
    "customer",
    "first_purchase",
    "last_purchase",
    "recency",
    "frequency",
    "transactions",
    "refunds",
    "revenue",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm",
    "segment",
)


@dataclass(frozen=True)
class RFMResult:
    """RFM scores and segments, one row per customer.

    Attributes
    ----------
    table
        One row per customer, sorted by customer id in the id column's own type
        (numbers numerically), customers of ``customers=`` without transactions
        last: ``customer`` (text),
        ``first_purchase``, ``last_purchase`` (dates), ``recency`` (days from the last
        purchase to ``as_of``), ``frequency``, ``transactions`` (purchase rows),
        ``refunds`` (refund rows), ``revenue`` (net amount), ``monetary`` (the scored
        amount: ``revenue`` or ``revenue / frequency``), ``r_score``, ``f_score``,
        ``m_score`` (1 … k), ``rfm`` (e.g. ``"545"``) and ``segment`` (``None`` when
        the scores are not on 1–5; ``no_purchase`` for a customer without a purchase).
    as_of
        The analysis date.
    bins
        How the scores were binned.
    segments
        The rule table used.
    options
        ``monetary``, ``refunds``, ``same_day``, ``future``: the options used.
    n_transactions
        Rows read (before refunds or future rows were dropped).
    backend
        The dataframe library the transactions ran on.
    notes
        What was dropped, repaired or set aside (also given as warnings).
    """

    table: pl.DataFrame
    as_of: dt.date
    bins: Bins
    segments: SegmentTable
    options: dict[str, str]
    n_transactions: int
    backend: str
    notes: tuple[str, ...]

    def __repr__(self) -> str:
        n = self.table.height
        return (
            f"<RFMResult: {n:,} customers, {self.n_transactions:,} transactions, as of "
            f"{self.as_of}, {self.bins.k} scores ({self.backend})>"
        )

    @property
    def scored(self) -> pl.DataFrame:
        """The customers with a purchase (the ones with scores)."""
        return self.table.filter(pl.col("r_score").is_not_null())

    def summary(self, lang: str = "en") -> pl.DataFrame:
        """One row per segment (best first): customers, their share, the share of
        revenue, and median recency, frequency and monetary.

        Revenue shares use each customer's net revenue floored at 0 (as the Pareto
        curve does), so they add up to 1 over the segments.
        """
        t = self.table.with_columns(pl.col("revenue").clip(lower_bound=0.0).alias("_rev"))
        total_rev = float(t["_rev"].sum()) or 1.0
        n = t.height or 1
        agg = t.group_by("segment").agg(
            pl.len().alias("customers"),
            (pl.col("_rev").sum() / total_rev).alias("revenue_share"),
            pl.col("recency").median().alias("recency_median"),
            pl.col("frequency").median().alias("frequency_median"),
            pl.col("monetary").median().alias("monetary_median"),
        )
        order = [*self.segments.order, NO_PURCHASE]
        rank = {s: i for i, s in enumerate(order)}
        return (
            agg.with_columns(
                pl.col("segment")
                .map_elements(lambda s: segment_label(s, lang) if s else "", return_dtype=pl.String)
                .alias("label"),
                (pl.col("customers") / n).alias("share"),
                pl.col("segment").replace_strict(rank, default=len(order)).alias("_o"),
                pl.col("customers").cast(pl.Int64),
            )
            .sort("_o", "segment")
            .select(
                "segment",
                "label",
                "customers",
                "share",
                "revenue_share",
                "recency_median",
                "frequency_median",
                "monetary_median",
            )
        )

    def grid(self) -> pl.DataFrame:
        """Per (R, F) score cell: customers and the mean monetary (for the RFM grid)."""
        return (
            self.scored.group_by("r_score", "f_score")
            .agg(
                pl.len().cast(pl.Int64).alias("customers"),
                pl.col("monetary").mean().alias("monetary_mean"),
                pl.col("segment").first(),
            )
            .sort("r_score", "f_score", descending=[True, False])
        )

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """A plain description (for JSON): as_of, options, bins, counts and the summary."""
        return {
            "as_of": self.as_of.isoformat(),
            "customers": self.table.height,
            "scored_customers": self.scored.height,
            "transactions": self.n_transactions,
            "backend": self.backend,
            "options": dict(self.options),
            "bins": self.bins.describe(),
            "segments": self.summary(lang).to_dicts(),
            "notes": list(self.notes),
        }


def rfm(
    transactions: Any,
    *,
    schema: TransactionSchema | None = None,
    as_of: Any = None,
    bins: Any = 5,
    ties: Literal["min", "ordinal"] = "min",
    monetary: Literal["sum", "mean"] = "sum",
    refunds: Literal["net", "drop", "error"] = "net",
    same_day: Literal["once", "each"] = "once",
    future: Literal["error", "drop"] = "error",
    customers: Any = None,
    segments: SegmentTable | None = None,
    origin: str | os.PathLike[str] | None = None,
) -> RFMResult:
    """Score every customer on recency, frequency and monetary value, and name their segment.

    Parameters
    ----------
    transactions
        One row per purchase or refund (polars, pandas, DuckDB… through narwhals), or
        a file path (CSV, Parquet, NDJSON, ``.xlsx``; read by
        :func:`~cxkit.loyalty.read_transactions`).
    schema
        Column names (:class:`TransactionSchema`), if not ``customer_id``, ``date``,
        ``amount``.
    as_of
        The analysis date (a date or ISO text); default the day after the last
        transaction. Recency is ``as_of − last purchase`` in days.
    bins
        Quantile scores (``5``: quintiles, the default; 2–10) or fixed edges per
        dimension, e.g. ``{"recency": [30, 90, 180, 365]}`` (see
        :mod:`cxkit.loyalty._bins` for the rule and the tie handling).
    ties
        ``"min"`` (equal values, equal scores; default) or ``"ordinal"`` (equal-size
        bins, ties broken by customer id).
    monetary
        ``"sum"`` (net revenue; default) or ``"mean"`` (net revenue per purchase).
    refunds
        ``"net"`` (default: refunds lower revenue, but are not purchases), ``"drop"``
        or ``"error"``.
    same_day
        ``"once"`` (default: purchases on one day are one purchase) or ``"each"``.
    future
        Rows after ``as_of``: ``"error"`` (default) or ``"drop"`` (with a warning).
    customers
        Optional customer table (a frame whose first column, or column
        ``schema.customer``, holds ids): customers without transactions are added with
        frequency 0, no scores and segment ``no_purchase``; they count in the Pareto
        curve as customers with no revenue.
    segments
        The rule table (:class:`SegmentTable`); default the eleven segments of
        ``docs/reference/loyalty.md``. Segments need 5 scores.
    origin
        The file the table came from, for messages (set by the file readers).

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> t = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "date": [dt.date(2026, 3, d) for d in (1, 30, 15, 2)],
    ...         "amount": [100.0, 200.0, 50.0, 20.0],
    ...     }
    ... )
    >>> r = rfm(t, bins=3)
    >>> r.table.select("customer", "recency", "frequency", "monetary", "rfm").rows()
    [('a', 1, 2, 300.0, '333'), ('b', 16, 1, 50.0, '212'), ('c', 29, 1, 20.0, '111')]
    """
    if isinstance(transactions, (str, os.PathLike)):
        from cxkit.loyalty._read import read_transactions

        origin = transactions
        transactions = read_transactions(transactions, schema=schema)
    if monetary not in ("sum", "mean"):
        raise TransactionError(f"`monetary` must be 'sum' or 'mean', got {format_value(monetary)}")
    b = parse_bins(bins, ties)
    table = as_table(segments)
    totals = customer_totals(
        transactions,
        schema,
        as_of=as_of,
        refunds=refunds,
        same_day=same_day,
        future=future,
        origin=origin,
    )
    frame = totals.table
    if customers is not None:
        frame = _with_customers(frame, customers, schema or TransactionSchema())
    scored = _score(frame, totals.as_of, b, monetary, table)
    options = {"monetary": monetary, "refunds": refunds, "same_day": same_day, "future": future}
    return RFMResult(
        scored, totals.as_of, b, table, options, totals.n_rows, totals.backend, totals.notes
    )


def _score(
    frame: pl.DataFrame, as_of: dt.date, bins: Bins, monetary: str, table: SegmentTable
) -> pl.DataFrame:
    as_of_day = (as_of - dt.date(1970, 1, 1)).days
    bought = pl.col("frequency") > 0
    m = pl.col("revenue") if monetary == "sum" else pl.col("revenue") / pl.col("frequency")
    f = frame.with_columns(
        pl.when(bought).then(as_of_day - pl.col("_last_day")).alias("recency"),
        pl.when(bought).then(m).alias("monetary"),
    )
    # frequency 0 is "no purchase": unscored, so it does not move the quantile edges
    scoring = f.with_columns(pl.when(bought).then(pl.col("frequency")).alias("frequency"))
    scores = scoring.select(score_exprs(bins))
    f = f.with_columns(scores)
    digits = pl.concat_str(
        [pl.col(c).cast(pl.String) for c in ("r_score", "f_score", "m_score")],
        separator="" if bins.k < 10 else "-",
    )
    segment = table.expr() if bins.k == 5 else pl.lit(None, dtype=pl.String)
    f = f.with_columns(
        digits.alias("rfm"),
        pl.when(bought).then(segment).otherwise(pl.lit(NO_PURCHASE)).alias("segment"),
    )
    return f.select(COLUMNS)


def _with_customers(frame: pl.DataFrame, customers: Any, schema: TransactionSchema) -> pl.DataFrame:
    from cxkit.analytics._frames import collect, lazy_frame

    lf, _ = lazy_frame(customers, argument="customers")
    cols = lf.collect_schema().names()
    if not cols:
        raise TransactionError("`customers` has no columns; expected a column of customer ids")
    col = schema.customer if schema.customer in cols else cols[0]
    ids = collect(lf.select(col).unique()).select(pl.col(col).cast(pl.String).alias("customer"))
    ids = ids.filter(pl.col("customer").is_not_null())
    extra = ids.join(frame.select("customer"), on="customer", how="anti")
    if not extra.height:
        return frame
    zeros = extra.with_columns(
        pl.lit(None, dtype=pl.Date).alias("first_purchase"),
        pl.lit(None, dtype=pl.Date).alias("last_purchase"),
        pl.lit(None, dtype=pl.Int64).alias("_last_day"),
        pl.lit(0, dtype=pl.Int64).alias("frequency"),
        pl.lit(0, dtype=pl.Int64).alias("transactions"),
        pl.lit(0, dtype=pl.Int64).alias("refunds"),
        pl.lit(0.0).alias("revenue"),
    )
    return pl.concat([frame, zeros.select(frame.columns)])
