"""Dataframe plumbing shared by the analytics: any native frame → a narwhals LazyFrame.

The analytics are written once against narwhals' lazy API and run on polars
(eager or lazy), DuckDB relations, Dask dataframes, pandas and PySpark. Two things
cannot be written portably and live here, at the edge:

* turning the timestamp column into integer microseconds since the Unix epoch (UTC)
  — time zones, text parsing and duration arithmetic differ between backends;
* collecting a (small) aggregated result as a polars frame.

Traps met on the way: partitioned windows do not
run on Dask, so ordered windows are global with ``order_by`` and masked by key;
median cannot share a Dask ``group_by`` with other aggregations; ``n_unique`` in a
Dask ``group_by`` adds up each partition's distinct counts (narwhals 2.29), so
distinct counts are ``unique()`` then a count (:func:`distinct_counts`); counts come
back UInt32 on polars and Int64 elsewhere; DuckDB's cumulative sums are decimals.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import narwhals as nw
import polars as pl

from cxkit.core.errors import format_value

__all__ = [
    "T_US",
    "collect",
    "distinct_counts",
    "lazy_frame",
    "row_index",
    "with_epoch_us",
    "with_input_order",
]

#: Internal column holding event times as int64 microseconds since 1970-01-01 UTC.
T_US = "__cx_t_us"

# ISO 8601 forms read from text: with an offset (any, mixed) or without (UTC).
_TZ_FORMATS = (
    "%+",
    "%Y-%m-%dT%H:%M:%S%.f%#z",  # %#z: "+09", "+0900" or "+09:00"
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%d %H:%M%z",
)
_NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence narwhals' notice that Dask support moves to a separate package."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*narwhals-dask.*", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*Dask support.*", category=FutureWarning)
        yield


def lazy_frame(events: Any, *, argument: str = "events") -> tuple[nw.LazyFrame[Any], bool]:
    """``events`` as a narwhals LazyFrame, and whether it was an eager frame.

    Accepts polars DataFrame/LazyFrame, DuckDB relations, Dask and pandas dataframes,
    PySpark dataframes and narwhals frames.

    >>> import polars as pl
    >>> lf, eager = lazy_frame(pl.DataFrame({"a": [1]}))
    >>> type(lf).__name__, eager
    ('LazyFrame', True)
    """
    from cxkit.analytics._schema import EventLogError

    if isinstance(events, nw.LazyFrame):
        return events, False
    if isinstance(events, nw.DataFrame):
        return events.lazy(), True
    try:
        with _quiet():
            frame = nw.from_native(events)
    except TypeError:
        raise EventLogError(
            f"`{argument}` must be a dataframe (polars, DuckDB, Dask, pandas, PySpark…), "
            f"got {type(events).__name__} {format_value(events, 40)}"
        ) from None
    if isinstance(frame, nw.DataFrame):
        return frame.lazy(), True
    if isinstance(frame, nw.LazyFrame):
        return frame, False
    raise EventLogError(
        f"`{argument}` must be a dataframe, got a {type(events).__name__} (a single column?)"
    )


def collect(frame: nw.LazyFrame[Any] | nw.DataFrame[Any]) -> pl.DataFrame:
    """Collect a narwhals frame into an eager polars DataFrame."""
    with _quiet():
        if isinstance(frame, nw.DataFrame):
            native = frame.to_native()
            if isinstance(native, pl.DataFrame):
                return native
            return frame.lazy().collect(backend="polars").to_native()
        return frame.collect(backend="polars").to_native()


def _polars_epoch(column: str, dtype: Any) -> pl.Expr:
    col = pl.col(column)
    if dtype == nw.String:
        parsed = [col.str.to_datetime(f, time_zone="UTC", strict=False) for f in _TZ_FORMATS]
        parsed += [
            col.str.to_datetime(f, strict=False).dt.replace_time_zone("UTC") for f in _NAIVE_FORMATS
        ]
        return pl.coalesce(parsed).dt.epoch("us")
    if dtype == nw.Date:
        return col.cast(pl.Datetime("us")).dt.epoch("us")
    return col.dt.epoch("us")


def with_epoch_us(lf: nw.LazyFrame[Any], column: str, dtype: Any) -> nw.LazyFrame[Any]:
    """Add :data:`T_US`: ``column`` as microseconds since the epoch, UTC.

    Time-zone-aware values are converted to UTC; naive ones are read as UTC (on
    PySpark: in the session time zone); ISO 8601 text is parsed, each value with its
    own offset. Values that cannot be read become null (the caller counts them).
    ``dtype`` must be a datetime, date or string dtype (the caller checks).
    """
    impl = lf.implementation
    if impl.is_polars():
        native = lf.to_native()
        return nw.from_native(native.with_columns(_polars_epoch(column, dtype).alias(T_US)))
    if impl.is_duckdb():
        import duckdb

        q = '"' + column.replace('"', '""') + '"'
        if dtype == nw.String:
            sql = (
                f"CASE WHEN regexp_matches(trim({q}), '(Z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$') "
                f"THEN epoch_us(TRY_CAST(trim({q}) AS TIMESTAMPTZ)) "
                f"ELSE epoch_us(TRY_CAST(trim({q}) AS TIMESTAMP)) END"
            )
        elif dtype == nw.Date:
            sql = f"epoch_us(CAST({q} AS TIMESTAMP))"
        else:
            sql = f"epoch_us({q})"
        rel = lf.to_native()
        expr = duckdb.SQLExpression(f"CAST(({sql}) AS BIGINT)").alias(T_US)
        return nw.from_native(rel.select(duckdb.StarExpression(), expr))
    if impl.is_pyspark() or impl.is_pyspark_connect():
        from pyspark.sql import functions as F  # noqa: N812

        sdf = lf.to_native()
        col = F.col(column)
        ts = F.to_timestamp(col) if dtype in (nw.String, nw.Date) else col.cast("timestamp")
        return nw.from_native(sdf.withColumn(T_US, F.unix_micros(ts).cast("bigint")))
    if impl.is_pandas_like() or impl.is_dask():
        if dtype in (nw.String, nw.Object):
            native = lf.to_native()
            import pandas as pd

            def parse(s: Any) -> Any:
                return pd.to_datetime(s, utc=True, format="ISO8601", errors="coerce")

            if impl.is_dask():
                parsed = native[column].map_partitions(parse, meta=(column, "datetime64[ns, UTC]"))
            else:
                parsed = parse(native[column])
            native = native.assign(**{T_US: parsed})
            with _quiet():
                lf = nw.from_native(native)
                if isinstance(lf, nw.DataFrame):
                    lf = lf.lazy()
            return lf.with_columns(nw.col(T_US).dt.timestamp("us").cast(nw.Int64))
        expr = nw.col(column)
        if dtype == nw.Date:
            expr = expr.cast(nw.Datetime("us"))
        return lf.with_columns(expr.dt.timestamp("us").cast(nw.Int64).alias(T_US))
    # any other narwhals backend: narwhals' own expression
    return lf.with_columns(nw.col(column).dt.timestamp("us").cast(nw.Int64).alias(T_US))


def with_input_order(lf: nw.LazyFrame[Any], name: str) -> nw.LazyFrame[Any]:
    """Add ``name``: a number that increases with the row's position in the input.

    The last sort key of the events, so that ties keep the input's row order. polars
    and pandas: the row index; DuckDB: ``row_number() OVER ()`` (DuckDB keeps the
    insertion order by default); Dask: a running count over the partitions in order;
    PySpark: ``monotonically_increasing_id()`` (increasing, not consecutive).

    >>> import polars as pl
    >>> lf = nw.from_native(pl.LazyFrame({"a": ["x", "y"]}))
    >>> with_input_order(lf, "_row").collect().to_native().rows()
    [('x', 0), ('y', 1)]
    """
    impl = lf.implementation
    native = lf.to_native()
    with _quiet():
        if impl.is_polars():
            row = native.with_row_index(name).select(pl.exclude(name), pl.col(name).cast(pl.Int64))
            return nw.from_native(row)
        if impl.is_duckdb():
            import duckdb

            rank = duckdb.SQLExpression("row_number() OVER () - 1").alias(name)
            return nw.from_native(native.select(duckdb.StarExpression(), rank))
        if impl.is_dask():
            ones = native.assign(**{name: 1})
            return nw.from_native(ones.assign(**{name: ones[name].cumsum() - 1}))
        if impl.is_pyspark() or impl.is_pyspark_connect():
            from pyspark.sql import functions as F  # noqa: N812

            return nw.from_native(native.withColumn(name, F.monotonically_increasing_id()))
        if impl.is_pandas_like():
            import numpy as np

            return nw.from_native(native.assign(**{name: np.arange(len(native))})).lazy()
    raise TypeError(f"no input order for a {impl} frame")  # pragma: no cover


def row_index(
    lf: nw.LazyFrame[Any],
    name: str,
    order: list[str],
    cum_sums: dict[str, str] | None = None,
) -> nw.LazyFrame[Any]:
    """Add ``name``, the row's position (0, 1, …) when sorted by ``order`` (no nulls),
    and for each ``{new: column}`` of ``cum_sums`` the running sum of ``column`` in
    that order.

    narwhals' ``with_row_index(order_by=…)`` and ``cum_sum().over(order_by=…)`` on
    every backend but Dask, where each is a cumulative sum over a sort realigned to
    the original index — ten times slower than sorting the frame once and scanning
    the sorted partitions, which this does there.
    """
    cum_sums = cum_sums or {}
    if lf.implementation.is_dask():
        native = lf.to_native().sort_values(order).assign(**{name: 1})
        native = native.assign(
            **{name: native[name].cumsum() - 1},
            **{new: native[col].cumsum() for new, col in cum_sums.items()},
        )
        with _quiet():
            return nw.from_native(native)
    out = lf.with_row_index(name, order_by=order)
    if cum_sums:
        out = out.with_columns(
            **{new: nw.col(col).cum_sum().over(order_by=[name]) for new, col in cum_sums.items()}
        )
    return out


def distinct_counts(lf: nw.LazyFrame[Any], by: str, column: str, alias: str) -> pl.DataFrame:
    """Per value of ``by``, the number of distinct ``column`` values, as polars.

    ``unique()`` then a count, rather than ``n_unique()`` in the group-by: narwhals
    2.29 runs the latter on Dask as a sum of each partition's distinct counts, which
    counts a value seen in two partitions twice.

    >>> import polars as pl
    >>> lf = nw.from_native(pl.LazyFrame({"g": ["a", "a", "a", "b"], "x": [1, 2, 1, 1]}))
    >>> distinct_counts(lf, "g", "x", "n").sort("g").rows()
    [('a', 2), ('b', 1)]
    """
    counted = lf.select(by, column).unique().group_by(by).agg(nw.len().alias(alias))
    return collect(counted).with_columns(pl.col(alias).cast(pl.Int64))
