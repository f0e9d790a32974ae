"""The call-reason impact table: which reasons cost the most loyalty and money.

One lazy plan on the log's own backend (polars, pandas, DuckDB, Dask… through
:class:`~cxkit.analytics.EventLog`) reduces the events to one row per reason (or per
reason × complaint category) and one row of totals; only those small aggregates are
collected, and the intervals are computed on them (:mod:`cxkit.voc._stats`).

Definitions (``docs/reference/voc.md``):

* a *contact* of reason *R* is a touchpoint event whose call-reason column holds *R*;
* *dissatisfied*: the event's emotion is dissatisfied (不満, or a low score on a
  declared scale) or its CSAT is 2 or less on the 1–5 scale the engine maps every
  CSAT scale to; the rate is over the contacts with an emotion or a CSAT answer;
* a *journey* of reason *R* is one of the engine's cases (an outcome closes a
  customer's case) with a contact of reason *R*; a *repeat* journey starts within
  ``window`` (the whole log by default) of the start of the same customer's previous
  journey of reason *R*: the customer had to come back;
* a customer *churned* when any of their events records a ``churn`` outcome
  (:func:`cxkit.analytics._churn.churned_customers`, the churn model's definition).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from cxkit.analytics._churn import churned_customers
from cxkit.analytics._frames import collect, row_index
from cxkit.analytics._log import EventLog, as_log
from cxkit.analytics._schema import EventLogError, EventSchema, parse_window
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.suggest import did_you_mean
from cxkit.voc._stats import risk_ratio, wilson_interval

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["IMPACT_COLUMNS", "call_reason_impact"]

#: Separator of reason and category in the combined key (never in real text).
_SEP = "\x1f"

#: The columns of :func:`call_reason_impact`'s table, in order (``category`` only
#: when a category column is given).
IMPACT_COLUMNS: tuple[str, ...] = (
    "rank",
    "reason",
    "category",
    "contacts",
    "journeys",
    "customers",
    "share",
    "share_low",
    "share_high",
    "dissatisfied",
    "answered",
    "dissatisfaction",
    "dissatisfaction_low",
    "dissatisfaction_high",
    "repeats",
    "repeat_rate",
    "repeat_low",
    "repeat_high",
    "churned",
    "churn_rate",
    "churn_rate_without",
    "churn_lift",
    "churn_lift_low",
    "churn_lift_high",
    "lift_note",
    "excess_churn",
    "cost",
    "score",
)


def call_reason_impact(
    events: Any,
    *,
    reason: str | None = None,
    category: str | None = None,
    schema: EventSchema | None = None,
    churn: str | Sequence[str] = "churn",
    cost_per_contact: float | Mapping[str, float] | None = None,
    journey: Journey | None = None,
    window: str | float | None = None,
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Rank call reasons by volume, dissatisfaction, repeats, churn lift and cost.

    Parameters
    ----------
    events
        The event log (polars, pandas, DuckDB, Dask… or an :class:`EventLog`), or
        the path of a log file (:func:`cxkit.analytics.read_events`).
    reason
        The column of call reasons; default the schema's ``call_reason``
        (``"call_reason"``).
    category
        A complaint-category column: then one row per (reason, category). Needs the
        raw events (an ``EventLog`` keeps only the schema's columns).
    schema
        Column names of the log, if they differ from :class:`EventSchema`'s.
    churn
        The churn outcome id(s).
    cost_per_contact
        A cost per contact, or a mapping touchpoint id → cost per contact.
    journey
        The designed journey: its outcome ids are known to the log's checks, and
        its touchpoints' ``cost_per_contact`` price the contacts when
        ``cost_per_contact`` is not given.
    window
        Repeat window (``"7d"``, ``"24h"``, seconds); default: the whole log.
    confidence
        Level of every interval (Wilson for rates, Katz log interval for the lift).

    Returns
    -------
    polars.DataFrame
        One row per reason, ranked (columns :data:`IMPACT_COLUMNS`; see the module
        docstring and ``docs/reference/voc.md``).

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> t = [dt.datetime(2026, 1, d) for d in (1, 2, 3, 1, 1, 1)]
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a", "b", "c", "d"],
    ...         "timestamp": t,
    ...         "touchpoint": ["phone", "phone", None, "phone", "phone", "phone"],
    ...         "call_reason": ["bill", "bill", None, "bill", "wifi", "wifi"],
    ...         "outcome": ["abandon", None, "churn", "resolved", "resolved", "churn"],
    ...     }
    ... )
    >>> t = call_reason_impact(log, cost_per_contact=500)
    >>> t.select("reason", "contacts", "journeys", "repeats", "churned", "cost").rows()
    [('bill', 3, 3, 1, 1, 1500.0), ('wifi', 2, 2, 0, 1, 1000.0)]
    """
    _check_confidence(confidence)
    churn_ids = (churn,) if isinstance(churn, str) else tuple(churn)
    window_us = math.inf if window is None else parse_window(window, argument="window") * 1e6
    log = _log(events, reason, category, schema, journey)
    prices = _prices(cost_per_contact, journey)
    contacts = _contacts(log, prices)
    sums, totals = _aggregates(log, contacts, churn_ids, window_us)
    if sums.height == 0:
        raise EventLogError(
            f"no contact in the log has a call reason (column {log.schema.call_reason!r} is "
            "empty on every touchpoint row); expected the reason of each contact"
        )
    if isinstance(prices, dict):
        _check_priced(contacts)
    table = _with_intervals(sums, totals, confidence, has_outcome=log.has("outcome"))
    return _ranked(table, category is not None, cost=prices is not None)


def _check_confidence(confidence: Any) -> None:
    ok = isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
    if not ok or not 0 < confidence < 1:
        raise CxkitError(
            f"`confidence` must be in (0, 1), e.g. 0.95, got {format_value(confidence)}"
        )


def _columns(events: Any) -> list[str]:
    frame = nw.from_native(events)
    if isinstance(frame, nw.LazyFrame):
        return list(frame.collect_schema().names())
    return list(frame.columns)


def _require(name: str, columns: Sequence[str], what: str, option: str) -> None:
    if name in columns:
        return
    hint = did_you_mean(name, columns)
    raise EventLogError(
        f"column {name!r} ({what}) is missing; "
        + (f"{hint} Pass {option}=… (--{option} …) if that is the column" if hint else "")
        + ("" if hint else f"the log has {', '.join(map(repr, columns))}")
    )


def _log(
    events: Any,
    reason: str | None,
    category: str | None,
    schema: EventSchema | None,
    journey: Journey | None,
) -> EventLog:
    """The checked log whose ``reason`` is the call reason (× the category)."""
    from dataclasses import replace

    schema = schema or EventSchema()
    if reason is not None:
        schema = replace(schema, call_reason=reason)
    if schema.call_reason is None:
        raise CxkitError("`reason`: name the call-reason column, e.g. reason='call_reason'")
    if isinstance(events, EventLog):
        if category is not None:
            raise CxkitError(
                "`category` needs the raw events: an EventLog keeps only its schema's columns"
            )
        log = as_log(events, schema if reason is not None else None, journey)
    else:
        if isinstance(events, (str, os.PathLike)):  # a file: read and checked by the engine
            from cxkit.analytics import read_events

            events = read_events(events, schema=schema)
        columns = _columns(events)
        _require(schema.call_reason, columns, "the call reason", "reason")
        if category is not None:
            _require(category, columns, "the complaint category", "category")
            events, schema = _combined(events, schema, category)
        log = EventLog(events, schema=schema, journey=journey)
    if not log.has("call_reason"):
        raise EventLogError(f"the log has no call-reason column {schema.call_reason!r}")
    return log


def _combined(events: Any, schema: EventSchema, category: str) -> tuple[Any, EventSchema]:
    """``events`` with one key column ``reason ␟ category`` used as the call reason."""
    from dataclasses import replace

    key = "__cx_voc_key"
    text = nw.col(category).cast(nw.String).fill_null("")
    reason = nw.col(schema.call_reason).cast(nw.String)
    frame = nw.from_native(events).with_columns(
        nw.when(nw.col(schema.call_reason).is_null())
        .then(nw.lit(None, nw.String))
        .otherwise(nw.concat_str([reason, text], separator=_SEP))
        .alias(key)
    )
    return frame.to_native(), replace(schema, call_reason=key)


def _prices(
    cost_per_contact: float | Mapping[str, float] | None, journey: Journey | None
) -> float | dict[str, float] | None:
    """A flat price, a price per touchpoint, or ``None`` (no cost)."""
    if cost_per_contact is None and journey is not None:
        return {tp.id: float(tp.cost_per_contact) for tp in journey.touchpoints}
    if cost_per_contact is None:
        return None
    if isinstance(cost_per_contact, Mapping):
        return {str(k): _price(v, f"cost_per_contact[{k!r}]") for k, v in cost_per_contact.items()}
    return _price(cost_per_contact, "cost_per_contact")


def _price(value: Any, name: str) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0:
        raise CxkitError(f"`{name}` must be a cost of 0 or more, got {format_value(value)}")
    return float(value)


def _contacts(log: EventLog, prices: float | dict[str, float] | None) -> nw.LazyFrame[Any]:
    """Touchpoint events with a reason: ``key, customer, case, t, dis, cost, unpriced``."""
    emotion = nw.col("emotion") == "dissatisfied" if log.has("emotion") else nw.lit(False)
    low_csat = nw.col("csat") <= 2 if log.has("csat") else nw.lit(False)
    # answered: stated on the nulls themselves (pandas compares a null as False)
    answered = nw.lit(False)
    for name in ("emotion", "csat"):
        if log.has(name):
            answered = answered | ~nw.col(name).is_null()
    dis = emotion.fill_null(False) | low_csat.fill_null(False)
    if prices is None:
        cost = nw.lit(None, nw.Float64)
    elif isinstance(prices, dict):
        cost = nw.lit(None, nw.Float64)
        for tp, price in prices.items():
            cost = nw.when(nw.col("tp") == tp).then(nw.lit(price)).otherwise(cost)
    else:
        cost = nw.lit(prices)
    return log.all_rows.filter(~nw.col("tp").is_null() & ~nw.col("reason").is_null()).select(
        nw.col("reason").cast(nw.String).alias("key"),
        "customer",
        "case",
        "t",
        dis=nw.when(answered).then(dis.cast(nw.Int64)),
        cost=cost.cast(nw.Float64),
        unpriced=nw.col("tp").cast(nw.String),
    )


def _aggregates(
    log: EventLog, contacts: nw.LazyFrame[Any], churn_ids: tuple[str, ...], window_us: float
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Per key: contacts, customers, dissatisfied, answered, repeats, cost, churned;
    and the log's customers and churned customers."""
    journeys = contacts.group_by("key", "customer", "case").agg(nw.col("t").min())
    per_journey = _repeats(journeys, window_us)
    per_key = contacts.group_by("key").agg(
        nw.len().alias("contacts"),
        nw.col("dis").sum().alias("dissatisfied"),
        nw.col("dis").count().alias("answered"),
        nw.col("cost").sum().alias("cost"),
    )
    churned = churned_customers(log, churn_ids) if log.has("outcome") else None
    pairs = contacts.select("key", "customer").unique()
    if churned is not None:
        pairs = pairs.join(churned, on="customer", how="left")
    else:
        pairs = pairs.with_columns(churned=nw.lit(0, nw.Int64))
    per_customer = pairs.group_by("key").agg(
        nw.len().alias("customers"), nw.col("churned").sum().alias("churned")
    )
    joined = per_key.join(per_journey, on="key", how="left")
    sums = collect(joined.join(per_customer, on="key", how="left"))
    if "repeats" not in sums.columns:  # the whole log: all journeys but each customer's first
        sums = sums.with_columns(repeats=pl.col("journeys") - pl.col("customers"))
    everyone = log.prepared.frame.select("customer").unique()
    if churned is not None:
        tot = collect(churned.select(nw.len().alias("n"), nw.col("churned").sum().alias("c"))).row(
            0
        )
    else:
        tot = (collect(everyone.select(nw.len().alias("n")))["n"][0], 0)
    totals = {"customers": int(tot[0]), "churned": int(tot[1] or 0)}
    return sums, totals


def _repeats(journeys: nw.LazyFrame[Any], window_us: float) -> nw.LazyFrame[Any]:
    """Per key: journeys, and repeat journeys (within ``window_us`` of the customer's
    previous journey of the key). Over the whole log every journey but each customer's
    first is a repeat: journeys − customers, counted once collected (no ordering)."""
    if math.isinf(window_us):
        return journeys.group_by("key").agg(nw.len().alias("journeys"))
    f = row_index(journeys, "_j", ["key", "customer", "t", "case"])
    previous = f.select(
        (nw.col("_j") + 1).alias("_j"),
        nw.col("key").alias("_pk"),
        nw.col("customer").alias("_pc"),
        nw.col("t").alias("_pt"),
    )
    f = f.join(previous, on="_j", how="left")
    same = (nw.col("_pk") == nw.col("key")) & (nw.col("_pc") == nw.col("customer"))
    near = (nw.col("t") - nw.col("_pt")).cast(nw.Float64) <= window_us
    f = f.with_columns(_rep=(same.fill_null(False) & near.fill_null(False)).cast(nw.Int64))
    return f.group_by("key").agg(nw.len().alias("journeys"), nw.col("_rep").sum().alias("repeats"))


def _check_priced(contacts: nw.LazyFrame[Any]) -> None:
    missing = collect(contacts.filter(nw.col("cost").is_null()).select("unpriced").unique())
    if missing.height:
        tps = sorted(missing["unpriced"].to_list())
        raise CxkitError(
            "`cost_per_contact` has no cost for touchpoint(s) "
            + ", ".join(map(repr, tps))
            + " (contacts with a call reason happen there); expected a cost for each"
        )


def _with_intervals(
    sums: pl.DataFrame, totals: dict[str, int], confidence: float, *, has_outcome: bool
) -> pl.DataFrame:
    """The rates and their intervals (one row per key: tens of rows, not events)."""
    n_all, c_all = totals["customers"], totals["churned"]
    all_contacts = int(sums["contacts"].sum())
    rows = []
    for r in sums.iter_rows(named=True):
        k, n = int(r["contacts"]), int(r["customers"])
        a, ans, dis = int(r["churned"] or 0), int(r["answered"]), int(r["dissatisfied"] or 0)
        rep, jn = int(r["repeats"]), int(r["journeys"])
        rr = risk_ratio(a, n, c_all - a, n_all - n, confidence) if has_outcome else None
        p0 = (c_all - a) / (n_all - n) if has_outcome and n_all > n else None
        rows.append(
            {
                "key": r["key"],
                "contacts": k,
                "customers": n,
                "share": k / all_contacts,
                **_pair("share", wilson_interval(k, all_contacts, confidence)),
                "dissatisfied": dis,
                "answered": ans,
                "dissatisfaction": dis / ans if ans else None,
                **_pair("dissatisfaction", wilson_interval(dis, ans, confidence) if ans else None),
                "journeys": jn,
                "repeats": rep,
                "repeat_rate": rep / jn,
                **_pair("repeat", wilson_interval(rep, jn, confidence)),
                "churned": a if has_outcome else None,
                "churn_rate": a / n if has_outcome else None,
                "churn_rate_without": p0,
                "churn_lift": rr.ratio if rr else None,
                "churn_lift_low": rr.low if rr else None,
                "churn_lift_high": rr.high if rr else None,
                "lift_note": _note(rr, has_outcome),
                "excess_churn": a - n * p0 if p0 is not None else None,
                "cost": r["cost"],
            }
        )
    return pl.DataFrame(rows, schema_overrides=_FLOATS, infer_schema_length=None)


_FLOATS = {
    name: pl.Float64
    for name in IMPACT_COLUMNS
    if name.endswith(("_low", "_high", "_rate", "_without"))
    or name in ("share", "dissatisfaction", "churn_lift", "excess_churn", "cost", "score")
} | {"lift_note": pl.String}


def _pair(name: str, interval: tuple[float, float] | None) -> dict[str, float | None]:
    low, high = interval if interval is not None else (None, None)
    return {f"{name}_low": low, f"{name}_high": high}


def _note(rr: Any, has_outcome: bool) -> str | None:
    if not has_outcome:
        return "no_outcome"
    if rr.undefined:
        return str(rr.undefined)
    return "corrected" if rr.corrected else None


def _ranked(table: pl.DataFrame, with_category: bool, *, cost: bool) -> pl.DataFrame:
    """Score (excess churned customers, 0 where undefined), then rank."""
    table = table.with_columns(
        score=pl.col("excess_churn").fill_null(0.0).clip(lower_bound=0.0)
    ).sort(["score", "dissatisfied", "contacts", "key"], descending=[True, True, True, False])
    table = table.with_columns(rank=pl.int_range(1, table.height + 1, dtype=pl.Int64))
    if with_category:
        parts = pl.col("key").str.split_exact(_SEP, 1)
        table = table.with_columns(
            reason=parts.struct.field("field_0"),
            category=pl.when(parts.struct.field("field_1") == "")
            .then(None)
            .otherwise(parts.struct.field("field_1")),
        )
    else:
        table = table.with_columns(reason=pl.col("key"))
    if not cost:
        table = table.with_columns(cost=pl.lit(None, pl.Float64))
    names = [c for c in IMPACT_COLUMNS if c != "category" or with_category]
    return table.select(names)
