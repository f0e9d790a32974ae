"""Transactions → one row per customer, on the table's own backend (narwhals).

The per-transaction work — parsing dates, checking amounts, the per-customer
group-by — runs lazily on the table's backend (polars, pandas, DuckDB…); only the
per-customer totals are collected, as polars. Every check is counted in one pass;
an example row is looked up only when a check fails.

Rules (``docs/reference/loyalty.md``, *Input rules*):

* a **purchase** is a row with ``amount >= 0``, a **refund** one with ``amount < 0``;
* ``refunds="net"`` (default): refunds net against the customer's revenue but are
  not purchases (they move neither recency nor frequency); ``"drop"`` ignores them;
  ``"error"`` refuses them;
* a **day** is the calendar day of the date (UTC for time-zone-aware times);
* ``same_day="once"`` (default): a customer's purchases on one day count as one
  purchase (one visit); ``"each"`` counts every purchase row;
* ``as_of`` defaults to the day after the last transaction (purchase or refund);
  rows after ``as_of`` are refused (``future="error"``, default) or dropped
  with a warning (``future="drop"``).
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import T_US, collect, lazy_frame, with_epoch_us, with_input_order
from cxkit.analytics._schema import EventLogWarning, user_stacklevel
from cxkit.core.errors import format_value
from cxkit.core.suggest import did_you_mean
from cxkit.loyalty._schema import TransactionError, TransactionSchema

__all__ = ["CustomerTotals", "customer_totals", "parse_as_of"]

_DAY_US = 86_400_000_000
_EPOCH = dt.date(1970, 1, 1)
_ROW = "__cx_row"
_NUMBER = r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$"

Refunds = Literal["net", "drop", "error"]
SameDay = Literal["once", "each"]
Future = Literal["error", "drop"]


@dataclass(frozen=True)
class CustomerTotals:
    """Per-customer totals of a transactions table (see the module docstring).

    ``table`` has ``customer`` (text), ``first_purchase`` and ``last_purchase``
    (dates; null for a customer with refunds only), ``frequency`` (purchases as
    counted by ``same_day``), ``transactions`` (purchase rows), ``refunds`` (refund
    rows kept) and ``revenue`` (net amount: purchases plus refunds).
    """

    table: pl.DataFrame
    as_of: dt.date
    n_rows: int
    backend: str
    notes: tuple[str, ...]


def parse_as_of(value: Any) -> dt.date | None:
    """``as_of`` as a date: a date, a datetime (its date), ISO text or ``None``.

    >>> parse_as_of("2026-04-01"), parse_as_of(None)
    (datetime.date(2026, 4, 1), None)
    >>> parse_as_of("April 1st")
    Traceback (most recent call last):
    ...
    cxkit.loyalty._schema.TransactionError: `as_of` must be a date such as '2026-04-01', got 'April 1st'
    """  # noqa: E501
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) and len(value) <= 40:
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise TransactionError(
        f"`as_of` must be a date such as '2026-04-01', got {format_value(value)}"
    )


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        hint = did_you_mean(value, allowed) if isinstance(value, str) else None
        raise TransactionError(
            f"`{name}` must be one of {', '.join(map(repr, allowed))}, got {format_value(value)}"
            + (f"; {hint}" if hint else "")
        )


def customer_totals(
    transactions: Any,
    schema: TransactionSchema | None = None,
    *,
    as_of: Any = None,
    refunds: Refunds = "net",
    same_day: SameDay = "once",
    future: Future = "error",
    origin: str | os.PathLike[str] | None = None,
) -> CustomerTotals:
    """The per-customer totals of ``transactions`` (see the module docstring).

    ``origin`` is the file the table was read from, named in error messages.

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> t = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a", "a", "b"],
    ...         "date": [dt.date(2026, 1, d) for d in (1, 1, 5, 3)],
    ...         "amount": [100.0, 50.0, -30.0, 80.0],
    ...     }
    ... )
    >>> totals = customer_totals(t)
    >>> totals.as_of
    datetime.date(2026, 1, 6)
    >>> totals.table.select("customer", "frequency", "transactions", "revenue").rows()
    [('a', 1, 2, 120.0), ('b', 1, 1, 80.0)]
    """
    schema = schema if schema is not None else TransactionSchema()
    if not isinstance(schema, TransactionSchema):
        raise TransactionError(f"`schema` must be a TransactionSchema, got {format_value(schema)}")
    _choice("refunds", refunds, ("net", "drop", "error"))
    _choice("same_day", same_day, ("once", "each"))
    _choice("future", future, ("error", "drop"))
    as_of_date = parse_as_of(as_of)
    raw, _ = lazy_frame(transactions, argument="transactions")
    where = _Where(raw, origin)
    lf = _typed(raw, schema, where)
    stats = _check(lf, schema, where, refunds)
    notes: list[str] = []
    if refunds == "drop" and stats["refunds"]:
        lf = lf.filter(nw.col("amount") >= 0)
        _note(notes, f"dropped {stats['refunds']:,} refund rows (amount < 0), as refunds='drop'")
    if stats["last_purchase"] is None:
        raise TransactionError(
            f"{where.prefix()}the transactions hold no purchase (no row with an amount >= 0); "
            "expected at least one"
        )
    if as_of_date is None:
        as_of_date = _EPOCH + dt.timedelta(days=int(stats["last_day"]) + 1)
    as_of_day = (as_of_date - _EPOCH).days
    if stats["last_day"] > as_of_day:
        lf = _future(lf, schema, where, as_of_date, as_of_day, future, notes)
    table = _aggregate(lf, same_day)
    only_refunds = table.filter(pl.col("frequency") == 0).height
    if only_refunds:
        _note(
            notes,
            f"{only_refunds:,} customer{'s have' if only_refunds != 1 else ' has'} refunds but "
            "no purchase: listed with segment 'no_purchase' and no scores",
        )
    backend = raw.implementation.name.lower()
    return CustomerTotals(table, as_of_date, int(stats["n"]), backend, tuple(notes))


class _Where:
    """Names a row for messages: ``sales.csv: line 7`` (CSV), else ``row 7``."""

    def __init__(self, raw: nw.LazyFrame[Any], origin: str | os.PathLike[str] | None) -> None:
        self.raw = raw
        self.origin = Path(os.fspath(origin)) if origin is not None else None

    def prefix(self) -> str:
        return f"{self.origin}: " if self.origin is not None else ""

    def row(self, row: int) -> str:
        if self.origin is not None and self.origin.suffix.lower() == ".csv":
            from cxkit.analytics._readers import _csv_line

            return f"{self.origin}: line {_csv_line(self.origin, row)}"
        return f"{self.prefix()}row {row + 1:,} (counted from 1 after the header)"

    def example(self, condition: nw.Expr, column: str) -> str:
        """``"<where>: column 'x' has <value>"`` for the first row meeting ``condition``."""
        found = collect(
            with_input_order(self.raw, _ROW)
            .filter(condition)
            .select(_ROW, nw.col(column))
            .sort(_ROW)
            .head(1)
        )
        if not found.height:  # pragma: no cover - the caller counted one
            return f"{self.prefix()}column {column!r}"
        row, value = found.row(0)
        return f"{self.row(int(row))}: column {column!r} has {_shown(value)}"


def _shown(value: Any) -> str:
    """A cell value for a message: dates as ISO text, the rest as :func:`format_value`."""
    return format_value(value.isoformat() if isinstance(value, dt.date) else value)


def _note(notes: list[str], text: str) -> None:
    notes.append(text)
    warnings.warn(text, EventLogWarning, stacklevel=user_stacklevel())


def _missing_columns(columns: list[str], schema: TransactionSchema, where: _Where) -> list[str]:
    problems = []
    option = {"customer": "--customer-id", "date": "--date", "amount": "--amount"}
    for name in ("customer", "date", "amount"):
        col = getattr(schema, name)
        if col in columns:
            continue
        hint = did_you_mean(col, [c for c in columns if c not in schema.columns()])
        msg = f"{where.prefix()}column {col!r} (the {name}) is missing"
        if hint:
            guess = hint.split("'")[1]
            msg += f"; {hint} Pass TransactionSchema({name}={guess!r}) (CLI {option[name]})"
        else:
            shown = ", ".join(map(repr, columns[:12])) + (", …" if len(columns) > 12 else "")
            msg += f"; the table has {shown or 'no columns'}"
        problems.append(msg)
    return problems


def _typed(raw: nw.LazyFrame[Any], schema: TransactionSchema, where: _Where) -> nw.LazyFrame[Any]:
    """``customer``, ``amount`` (float), ``day`` (days since 1970) and ``date_raw``."""
    dtypes = dict(raw.collect_schema().items())
    problems = _missing_columns(list(dtypes), schema, where)
    if problems:
        raise TransactionError(problems)
    c, d, a = schema.columns()
    dd, da = dtypes[d], dtypes[a]
    if not (dd in (nw.String, nw.Date) or dd == nw.Datetime or isinstance(dd, nw.Datetime)):
        problems.append(
            f"{where.prefix()}column {d!r} (the date) is {dd}; expected dates, datetimes or "
            "ISO 8601 text such as '2026-03-31'"
        )
    if da == nw.String:
        bad = ~nw.col(a).is_null() & ~nw.col(a).str.contains(_NUMBER)
        n_bad = int(collect(raw.select(bad.cast(nw.Int64).sum().alias("n")))["n"][0] or 0)
        if n_bad:
            problems.append(
                f"{where.example(bad, a)}; expected a number such as 1200 or -350.5 "
                f"(no currency signs or thousands separators) — {n_bad:,} such "
                f"row{'s' if n_bad != 1 else ''}"
            )
    elif not da.is_numeric():
        problems.append(f"{where.prefix()}column {a!r} (the amount) is {da}; expected numbers")
    if problems:
        raise TransactionError(problems)
    amount = nw.col(a).str.strip_chars() if da == nw.String else nw.col(a)
    lf = raw.select(
        nw.col(c).alias("customer"),
        nw.col(d).alias("date_raw"),
        amount.cast(nw.Float64).alias("amount"),
    )
    if lf.implementation.is_polars():  # days straight from the dates: no microseconds
        return nw.from_native(lf.to_native().with_columns(_polars_day(dd)))
    lf = with_epoch_us(lf, "date_raw", dd)
    return lf.with_columns((nw.col(T_US) // _DAY_US).alias("day"))


def _polars_day(dtype: Any) -> list[pl.Expr]:
    """``day`` (and :data:`T_US`, null where unreadable) on polars."""
    from cxkit.analytics._frames import _polars_epoch

    col = pl.col("date_raw")
    if dtype == nw.Date:
        day = col.cast(pl.Int32).cast(pl.Int64)
        return [day.alias("day"), day.alias(T_US)]
    if dtype != nw.String:
        day = col.dt.epoch("d").cast(pl.Int64)
        return [day.alias("day"), day.alias(T_US)]
    us = _polars_epoch("date_raw", dtype)
    return [(us // _DAY_US).alias("day"), us.alias(T_US)]


def _check(
    lf: nw.LazyFrame[Any], schema: TransactionSchema, where: _Where, refunds: str
) -> dict[str, Any]:
    """One pass: row count, nulls, unreadable dates, refunds, last day and last purchase."""
    purchase = nw.col("amount") >= 0
    flags = {
        "customer_null": nw.col("customer").is_null(),
        "date_null": nw.col("date_raw").is_null(),
        "date_bad": ~nw.col("date_raw").is_null() & nw.col(T_US).is_null(),
        "amount_null": nw.col("amount").is_null(),
        "amount_nan": nw.col("amount").is_nan().fill_null(False),
        "refunds": nw.col("amount") < 0,
    }
    stats = collect(
        lf.select(
            nw.len().alias("n"),
            *[f.fill_null(False).cast(nw.Int64).sum().alias(k) for k, f in flags.items()],
            nw.col("day").max().alias("last_day"),
            nw.when(purchase).then(nw.col("day")).otherwise(None).max().alias("last_purchase"),
        )
    ).row(0, named=True)
    stats = {k: (int(v) if v is not None else None) for k, v in stats.items()}
    c, d, a = schema.columns()
    raw = {"customer": nw.col(c), "date": nw.col(d), "amount": nw.col(a)}
    expected = {
        "customer_null": (raw["customer"].is_null(), c, "a customer id in every row"),
        "date_null": (raw["date"].is_null(), d, "a date in every row"),
        "amount_null": (raw["amount"].is_null(), a, "an amount in every row"),
    }
    problems = [
        f"{where.example(cond, col)}; expected {what} — {stats[k]:,} such row"
        + ("s" if stats[k] != 1 else "")
        for k, (cond, col, what) in expected.items()
        if stats[k]
    ]
    if stats["date_bad"]:
        problems.append(_bad_dates(lf, schema, where, stats["date_bad"]))
    if stats["amount_nan"]:
        problems.append(
            f"{where.prefix()}column {a!r} has {stats['amount_nan']:,} NaN amounts; "
            "expected finite numbers"
        )
    if refunds == "error" and stats["refunds"]:
        cond = raw["amount"].cast(nw.Float64) < 0
        problems.append(
            f"{where.example(cond, a)}; expected no refunds (amount < 0) as refunds='error' — "
            f"{stats['refunds']:,} such rows; pass refunds='net' to net them against purchases"
        )
    if problems:
        raise TransactionError(problems)
    return stats


def _bad_dates(lf: nw.LazyFrame[Any], schema: TransactionSchema, where: _Where, n: int) -> str:
    found = collect(
        with_input_order(lf, _ROW)
        .filter(~nw.col("date_raw").is_null() & nw.col(T_US).is_null())
        .select(_ROW, "date_raw")
        .sort(_ROW)
        .head(1)
    )
    row, value = found.row(0)
    return (
        f"{where.row(int(row))}: column {schema.date!r} has {format_value(value)}, which is not "
        f"a date; expected ISO 8601 such as '2026-03-31' or '2026-03-31T10:00:00+09:00' — "
        f"{n:,} such row{'s' if n != 1 else ''}"
    )


def _future(
    lf: nw.LazyFrame[Any],
    schema: TransactionSchema,
    where: _Where,
    as_of: dt.date,
    as_of_day: int,
    future: str,
    notes: list[str],
) -> nw.LazyFrame[Any]:
    after = nw.col("day") > as_of_day
    n = int(collect(lf.select(after.cast(nw.Int64).sum().alias("n")))["n"][0] or 0)
    if future == "drop":
        _note(notes, f"dropped {n:,} row{'s' if n != 1 else ''} dated after as_of {as_of}")
        return lf.filter(~after)
    found = collect(
        with_input_order(lf, _ROW).filter(after).select(_ROW, "date_raw").sort(_ROW).head(1)
    )
    row, value = found.row(0)
    raise TransactionError(
        f"{where.row(int(row))}: column {schema.date!r} has {_shown(value)}, after as_of "
        f"{as_of}; expected no transaction after as_of — {n:,} such row"
        f"{'s' if n != 1 else ''}; pass future='drop' (CLI --future drop) to leave them out"
    )


def _aggregate(lf: nw.LazyFrame[Any], same_day: str) -> pl.DataFrame:
    """The per-customer group-by; refund rows count in ``revenue`` only.

    Sorted by customer id in its own type (numbers numerically), then made text.
    """
    pday = nw.when(nw.col("amount") >= 0).then(nw.col("day")).otherwise(None)
    aggs = [
        nw.col("_pday").min().alias("first_day"),
        nw.col("_pday").max().alias("last_day"),
        nw.col("_pday").count().alias("transactions"),
        nw.len().alias("_rows"),
        nw.col("amount").sum().alias("revenue"),
    ]
    if same_day == "once":
        aggs.append(nw.col("_pday").n_unique().alias("_u"))
    table = collect(lf.with_columns(_pday=pday).group_by("customer").agg(*aggs))
    refunds = pl.col("_rows").cast(pl.Int64) - pl.col("transactions").cast(pl.Int64)
    if same_day == "once":  # n_unique counts the refunds' null day once
        freq = pl.col("_u").cast(pl.Int64) - (refunds > 0).cast(pl.Int64)
    else:
        freq = pl.col("transactions")
    return table.sort("customer").select(
        pl.col("customer").cast(pl.String),
        pl.col("first_day").cast(pl.Int32).cast(pl.Date).alias("first_purchase"),
        pl.col("last_day").cast(pl.Int32).cast(pl.Date).alias("last_purchase"),
        pl.col("last_day").cast(pl.Int64).alias("_last_day"),
        freq.cast(pl.Int64).alias("frequency"),
        pl.col("transactions").cast(pl.Int64),
        refunds.alias("refunds"),
        pl.col("revenue").cast(pl.Float64),
    )
