"""Behavioural × attitudinal loyalty (Dick & Basu 1994): four quadrants.

Behaviour is repeat patronage — the frequency score (default: high when
``f_score >= 4``, the top two quintiles) or the tenure in days between the first and
the last purchase (``behaviour="tenure"``, default high at ``>= 365``). Attitude is
the mean of a customer's survey answers:

==========  =====================================================  =================
kind        answers                                                high when mean ≥
==========  =====================================================  =================
``nps``     0–10 likelihood to recommend                           9 (a promoter)
``csat``    1–5 satisfaction                                       4 (top-two box)
``emotion`` dissatisfied / satisfied / delighted (不満 / 満足 / 感動),  0.5
            read as −1 / 0 / +1 (the journey's remembered emotion)
==========  =====================================================  =================

=================  ==========  =========  =============================================
quadrant           behaviour   attitude   reading
=================  ==========  =========  =============================================
``true_loyal``     high        high       attached and active
``inertia``        high        low        stays, but would leave for a better offer
``latent``         low         high       promoters at risk: like you, buy little
``low``            low         low        neither
``no_answer``      any         none       no survey answer
=================  ==========  =========  =============================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import collect, lazy_frame
from cxkit.core.errors import format_value
from cxkit.core.suggest import did_you_mean
from cxkit.loyalty._rfm import RFMResult
from cxkit.loyalty._schema import TransactionError

__all__ = ["QUADRANTS", "LoyaltyMatrix", "loyalty_matrix"]

#: Quadrant ids, in display order.
QUADRANTS: tuple[str, ...] = ("true_loyal", "inertia", "latent", "low", "no_answer")
_ATTITUDE_DEFAULT = {"nps": 9.0, "csat": 4.0, "emotion": 0.5}
_RANGE = {"nps": (0.0, 10.0), "csat": (1.0, 5.0), "emotion": (-1.0, 1.0)}
_EMOTION = {
    "dissatisfied": -1.0,
    "satisfied": 0.0,
    "delighted": 1.0,
    "不満": -1.0,
    "満足": 0.0,
    "感動": 1.0,
}
_BEHAVIOUR_DEFAULT = {"frequency": 4.0, "tenure": 365.0}


@dataclass(frozen=True)
class LoyaltyMatrix:
    """Customers placed in the behaviour × attitude quadrants.

    Attributes
    ----------
    table
        Per scored customer: ``customer``, ``behaviour`` (F score or tenure days),
        ``attitude`` (mean answer; null without one), ``answers``, ``quadrant``.
    counts
        Per quadrant: ``customers``, ``share`` and ``revenue_share``.
    kind, behaviour
        What was crossed.
    behaviour_threshold, attitude_threshold
        High means ``>=`` these.
    """

    table: pl.DataFrame
    counts: pl.DataFrame
    kind: str
    behaviour: str
    behaviour_threshold: float
    attitude_threshold: float

    def to_dict(self) -> dict[str, Any]:
        """A plain description (for JSON)."""
        return {
            "kind": self.kind,
            "behaviour": self.behaviour,
            "behaviour_threshold": self.behaviour_threshold,
            "attitude_threshold": self.attitude_threshold,
            "quadrants": self.counts.to_dicts(),
        }


def loyalty_matrix(
    result: RFMResult,
    attitudes: Any,
    *,
    column: str | None = None,
    kind: Literal["nps", "csat", "emotion"] = "nps",
    customer: str = "customer_id",
    behaviour: Literal["frequency", "tenure"] = "frequency",
    behaviour_threshold: float | None = None,
    attitude_threshold: float | None = None,
) -> LoyaltyMatrix:
    """Cross behaviour (frequency or tenure) with attitude (NPS, CSAT or emotion).

    Parameters
    ----------
    result
        The RFM scores (:func:`~cxkit.loyalty.rfm`).
    attitudes
        A frame with a customer id column and an answer column (one row per answer;
        an event log works): polars, pandas, DuckDB…
    column
        The answer column (default: ``kind``'s name, e.g. ``nps``).
    kind
        ``"nps"`` (0–10), ``"csat"`` (1–5) or ``"emotion"`` (text); see the module
        docstring for each one's default threshold.
    customer
        The customer id column of ``attitudes``.
    behaviour
        ``"frequency"`` (the F score) or ``"tenure"`` (days from first to last purchase).
    behaviour_threshold, attitude_threshold
        High means ``>=`` the threshold (defaults in the module docstring).

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> from cxkit.loyalty import rfm
    >>> t = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "b", "c"],
    ...         "date": [dt.date(2026, 1, d) for d in (1, 2, 1, 1)],
    ...         "amount": [10.0, 10.0, 5.0, 5.0],
    ...     }
    ... )
    >>> answers = pl.DataFrame({"customer_id": ["a", "b"], "nps": [6, 10]})
    >>> m = loyalty_matrix(rfm(t, bins=2), answers, behaviour_threshold=2)
    >>> m.table.select("customer", "quadrant").rows()
    [('a', 'inertia'), ('b', 'latent'), ('c', 'no_answer')]
    """
    if kind not in _ATTITUDE_DEFAULT:
        hint = did_you_mean(kind, list(_ATTITUDE_DEFAULT)) if isinstance(kind, str) else None
        raise TransactionError(
            f"`kind` must be 'nps', 'csat' or 'emotion', got {format_value(kind)}"
            + (f"; {hint}" if hint else "")
        )
    if behaviour not in _BEHAVIOUR_DEFAULT:
        raise TransactionError(
            f"`behaviour` must be 'frequency' or 'tenure', got {format_value(behaviour)}"
        )
    b_cut = _threshold("behaviour_threshold", behaviour_threshold, _BEHAVIOUR_DEFAULT[behaviour])
    a_cut = _threshold("attitude_threshold", attitude_threshold, _ATTITUDE_DEFAULT[kind])
    answers = _answers(attitudes, column or kind, kind, customer)
    scored = result.scored
    beh = (
        pl.col("f_score").cast(pl.Float64)
        if behaviour == "frequency"
        else (pl.col("last_purchase") - pl.col("first_purchase")).dt.total_days().cast(pl.Float64)
    )
    table = scored.select("customer", beh.alias("behaviour"), "revenue").join(
        answers, on="customer", how="left"
    )
    high_b = pl.col("behaviour") >= b_cut
    high_a = pl.col("attitude") >= a_cut
    quadrant = (
        pl.when(pl.col("attitude").is_null())
        .then(pl.lit("no_answer"))
        .when(high_b & high_a)
        .then(pl.lit("true_loyal"))
        .when(high_b)
        .then(pl.lit("inertia"))
        .when(high_a)
        .then(pl.lit("latent"))
        .otherwise(pl.lit("low"))
    )
    table = table.with_columns(
        quadrant.alias("quadrant"), pl.col("answers").fill_null(0).cast(pl.Int64)
    ).sort("customer")
    return LoyaltyMatrix(
        table.select("customer", "behaviour", "attitude", "answers", "quadrant"),
        _counts(table),
        kind,
        behaviour,
        b_cut,
        a_cut,
    )


def _threshold(name: str, value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TransactionError(f"`{name}` must be a number, got {format_value(value)}")
    return float(value)


def _answers(attitudes: Any, column: str, kind: str, customer: str) -> pl.DataFrame:
    lf, _ = lazy_frame(attitudes, argument="attitudes")
    dtypes = dict(lf.collect_schema().items())
    for col, what in ((customer, "customer id"), (column, f"{kind} answer")):
        if col not in dtypes:
            hint = did_you_mean(col, list(dtypes))
            raise TransactionError(
                f"`attitudes` has no column {col!r} (the {what})"
                + (f"; {hint}" if hint else f"; it has {', '.join(map(repr, list(dtypes)[:12]))}")
            )
    value = nw.col(column)
    if kind == "emotion":
        value = (
            value.cast(nw.String)
            .str.strip_chars()
            .replace_strict(_EMOTION, default=None, return_dtype=nw.Float64)
        )
    elif not dtypes[column].is_numeric():
        raise TransactionError(
            f"`attitudes` column {column!r} is {dtypes[column]}; expected {kind} answers as numbers"
        )
    per = collect(
        lf.select(nw.col(customer).alias("customer"), value.cast(nw.Float64).alias("_a"))
        .filter(~nw.col("_a").is_null())
        .group_by("customer")
        .agg(
            nw.col("_a").mean().alias("attitude"),
            nw.len().alias("answers"),
            nw.col("_a").min().alias("_lo"),
            nw.col("_a").max().alias("_hi"),
        )
    ).with_columns(pl.col("customer").cast(pl.String))
    lo, hi = _RANGE[kind]
    bad = per.filter((pl.col("_lo") < lo) | (pl.col("_hi") > hi))
    if bad.height:
        c = bad.sort("customer").row(0, named=True)
        shown = c["_lo"] if c["_lo"] < lo else c["_hi"]
        raise TransactionError(
            f"`attitudes` column {column!r}: customer {c['customer']!r} answered {shown:g}; "
            f"expected {kind} answers in {lo:g}…{hi:g} ({bad.height:,} customers out of range)"
        )
    return per.select("customer", "attitude", "answers")


def _counts(table: pl.DataFrame) -> pl.DataFrame:
    n = table.height or 1
    total = float(table["revenue"].clip(lower_bound=0.0).sum()) or 1.0
    got = table.group_by("quadrant").agg(
        pl.len().cast(pl.Int64).alias("customers"),
        (pl.col("revenue").clip(lower_bound=0.0).sum() / total).alias("revenue_share"),
    )
    base = pl.DataFrame({"quadrant": list(QUADRANTS)})
    return (
        base.join(got, on="quadrant", how="left")
        .with_columns(pl.col("customers").fill_null(0), pl.col("revenue_share").fill_null(0.0))
        .with_columns((pl.col("customers") / n).alias("share"))
        .select("quadrant", "customers", "share", "revenue_share")
    )
