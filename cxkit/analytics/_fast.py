"""The polars fast path: an event log's tables from integer codes and one sort.

:class:`~cxkit.analytics.EventLog` reads every log through :func:`prepare` and the
ordered windows of :mod:`cxkit.analytics._log`, written once with narwhals for every
backend. On a polars log that needs no repair but dropping duplicate events, the
tables that every analysis reads (``summary``, ``edges_table``, ``starts_table``,
``touchpoint_table``, ``channels_table``, ``credit_table``, ``reach_table``, the
effort answers and the contact sums; the churn model's per-customer sums in
:mod:`cxkit.analytics._fast_customers`) come from here instead:

1. each text column becomes small integer codes (an ``Enum`` cast of its distinct
   values, which are stripped, checked and mapped once, not once per row);
2. customers become two independent 64-bit hashes; the rows are sorted once by the
   first hash and time (a stable sort by the hash alone when the log is already in
   time order, as exports usually are);
3. every transition, journey and start is a shifted comparison of those arrays;
   the tables are :func:`numpy.bincount` counts over them, and polars group-bys for
   the per-touchpoint sums that need no order and for the edge statistics (run on a
   worker thread beside the numpy work: polars releases the GIL).

A LazyFrame of more than :data:`BUCKET_ROWS` rows is read with polars' streaming
engine in buckets of whole customers, one at a time, and the buckets' tables are
added up (:func:`_merge`), so that a Parquet scan larger than memory can be read.

The results are the generic path's, value for value (``tests/analytics/test_fast.py``
compares both on every template in ten shapes, the shipped logs, random logs and
buckets; ``tests/analytics/test_streaming.py`` the bucketed reading). The fast path declines —
and the generic path runs, with its errors, warnings and repairs — when anything
needs more than a clean read: null ids or times, unreadable times, out-of-range
values, unknown emotions or outcomes, rows with neither a touchpoint nor an outcome,
text flags, or two different events of one customer at the same instant that the
sort keys cannot order. Duplicate events are dropped here, as the generic path drops
them and with its warning (:func:`without_duplicates`).

Two customers are told apart by their pair of hashes: rows of one first-hash run
whose second hashes differ reveal a collision, and the fast path declines. A wrong
grouping needs both 64-bit hashes of two ids to collide at once (about 2⁻¹²⁸ per pair
of ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import polars as pl

from cxkit.analytics._frames import _polars_epoch
from cxkit.analytics._schema import EventSchema
from cxkit.analytics._validate import (
    _EMOTION_SPELLINGS,
    _FLAG_FIELDS,
    _NUMBER_FIELDS,
    _RANGES,
    EMOTIONS,
    Resolved,
    _known_outcomes,
)
from cxkit.core.channels import BUILTIN_CHANNELS

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["ASSISTED_CHANNELS", "FastTables", "fast_tables"]

#: Channels whose within-channel hand-offs count as transfers when the log has no
#: transfer column: the call center and its sub-channels.
ASSISTED_CHANNELS: tuple[str, ...] = tuple(
    cid for cid, ch in BUILTIN_CHANNELS.items() if ch.family == "call_center"
)

T = TypeVar("T")
#: Each text field's distinct values in the whole log (so that buckets code alike).
Uniques = dict[str, list[str | None]]

#: Seeds of the two customer hashes.
_SEED_A, _SEED_B = 0x2545F4914F6CDD1D, 0x6A09E667F3BCC909

_TEXT_FIELDS = ("touchpoint", "outcome", "channel", "call_reason", "emotion")
#: Fields a transition reads from its target row (so they are sorted with the rows).
_NEXT_FIELDS = ("context_lost", "wait_s", "transfer")


@dataclass(frozen=True, eq=False)
class FastTables:
    """The tables of a clean polars log (see :class:`~cxkit.analytics.EventLog`)."""

    summary: dict[str, Any]
    edges: pl.DataFrame
    starts: pl.DataFrame
    touchpoints: pl.DataFrame
    channels: pl.DataFrame
    credit: pl.DataFrame
    n_rows: int
    reach: pl.DataFrame | None = None
    effort_spread: pl.DataFrame | None = None
    effort_per_journey: tuple[bool, float | None, float | None, int] | None = None
    contacts: _Contacts | None = None
    #: The outcomes that the log records (sorted), as ``PreparedLog.outcome_ids``.
    outcome_ids: tuple[str, ...] = ()
    #: Duplicate events dropped (rows equal in every column read), as the generic path.
    n_duplicates: int = 0


@dataclass(frozen=True, eq=False)
class _Contacts:
    """What first-contact resolution and repeat contacts need, per touchpoint row in
    journey order: ``customer`` (dense, non-decreasing), ``t``, ``tp``, ``start``, and
    the row's call reason (−1 for none) with each journey's greatest (``None`` without
    a call-reason column). Kept by the fast path so that any window can be counted."""

    customer: np.ndarray
    t: np.ndarray
    tp: np.ndarray
    start: np.ndarray
    reason: np.ndarray | None
    journey_reason: np.ndarray | None
    tp_values: list[str]

    @classmethod
    def of(cls, rows: _Rows) -> _Contacts:
        """The contacts of :func:`_journeys`' touchpoint rows."""
        return cls(
            rows.customer,
            rows.t,
            rows.tp,
            rows.start,
            rows.reason,
            rows.journey_reason,
            rows.tp_values,
        )

    def sums(self, window_us: float) -> pl.DataFrame:
        """``EventLog.contact_sums``: per touchpoint, first contacts, first contacts
        resolved (no contact on the same issue within the window after them) and repeat
        contacts (an earlier contact on the same issue within the window)."""
        _, tp, repeat, again = self.flags(window_us)
        k = len(self.tp_values)
        seen = np.bincount(tp, minlength=k) > 0

        def total(flags: np.ndarray) -> np.ndarray:
            return np.bincount(tp, weights=flags, minlength=k)[seen]

        return pl.DataFrame(
            {
                "tp": [v for v, s in zip(self.tp_values, seen, strict=True) if s],
                "first_sum": total(~repeat),
                "fcr_sum": total(~repeat & ~again),
                "repeat_sum": total(repeat),
            },
            schema={
                "tp": pl.String,
                "first_sum": pl.Float64,
                "fcr_sum": pl.Float64,
                "repeat_sum": pl.Float64,
            },
        )

    def flags(self, window_us: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``customer``, ``tp``, ``repeat`` (an earlier contact on the same issue within
        the window) and ``again`` (a later one) of every contact, in an order of the
        rows (each customer's contacts by issue, then time)."""
        customer, t, tp = self.customer, self.t, self.tp
        issue = np.zeros(len(tp), np.int64)
        if self.reason is not None and self.journey_reason is not None and len(tp):
            journey = np.cumsum(self.start, dtype=np.int64) - 1
            issue = np.where(self.reason >= 0, self.reason, self.journey_reason[journey]) + 1
            # each customer's contacts by issue, in time order within an issue (stable)
            key = customer.astype(np.int64) * (int(issue.max()) + 1) + issue
            if len(key) and not bool(np.all(key[1:] >= key[:-1])):
                order = np.argsort(key, kind="stable")
                customer, t, tp, issue = customer[order], t[order], tp[order], issue[order]
        same = (customer[1:] == customer[:-1]) & (issue[1:] == issue[:-1])
        close = same & ((t[1:] - t[:-1]) <= window_us)
        repeat = np.zeros(len(tp), bool)
        repeat[1:] = close
        again = np.zeros(len(tp), bool)
        again[:-1] = close
        return customer, tp, repeat, again


#: A LazyFrame with more rows than this is read in buckets of whole customers, each
#: about this size, so that a Parquet scan larger than memory never has to fit.
BUCKET_ROWS = 4_000_000

#: Seed of the hash that assigns customers to buckets.
_SEED_BUCKET = 0x3C6EF372FE94F82B


def fast_tables(resolved: Resolved, journey: Journey | None, native: Any) -> FastTables | None:
    """The tables of a polars log, or ``None`` when the generic path must read it.

    ``resolved`` is :func:`~cxkit.analytics._validate.resolve_columns`' answer for
    ``native`` (a polars DataFrame or LazyFrame). A LazyFrame of more than
    :data:`BUCKET_ROWS` rows (a ``polars.scan_parquet`` of a large file, say) is read
    with polars' streaming engine in buckets of whole customers, one at a time; the
    tables of the buckets add up (gap medians are taken over all buckets' gaps).
    """
    schema, dtypes, column = resolved[0], resolved[3], field_columns(resolved)
    if schema.scales:  # declared survey scales are mapped by the generic path only
        return None
    found = read_log(
        resolved,
        journey,
        native,
        lambda frame, uniques: _read(frame, column, dtypes, schema, journey, uniques),
    )
    if found is None:
        return None
    parts, bucketed = found
    tables = [(replace(t, n_duplicates=n_duplicates), gaps) for (t, gaps), n_duplicates in parts]
    return _merge(tables) if bucketed else tables[0][0]


def read_log(
    resolved: Resolved,
    journey: Journey | None,
    native: Any,
    read: Callable[[pl.DataFrame, Uniques | None], T | None],
) -> tuple[list[tuple[T, int]], bool] | None:
    """``read(frame, uniques)`` of the log's frame (:func:`log_frames`) — or of each of
    its buckets, one at a time (then ``True``) — without its duplicate events
    (:func:`without_duplicates`), with their number. ``None`` when ``read`` declines a
    frame, or the log is empty."""
    schema, dtypes, column = resolved[0], resolved[3], field_columns(resolved)
    if schema.scales:  # declared survey scales are mapped by the generic path only
        return None
    parts: list[tuple[T, int]] = []
    bucketed = False
    for frame, uniques in log_frames(resolved, native):
        bucketed = uniques is not None
        found = without_duplicates(
            lambda f, u=uniques: read(f, u), frame, column, dtypes, schema, journey, uniques
        )
        del frame  # a bucket is freed before the next is read
        if found is None:
            return None
        parts.append(found)
    return (parts, bucketed) if parts else None


class TiedEventsError(Exception):
    """Two events of a customer that the sort keys (customer, time, touchpoint,
    outcome) cannot order: duplicates, or events that differ in another column."""


def without_duplicates(
    read: Callable[[pl.DataFrame], T | None],
    frame: pl.DataFrame,
    column: dict[str, str | None],
    dtypes: dict[str, Any],
    schema: EventSchema,
    journey: Journey | None,
    uniques: Uniques | None,
) -> tuple[T, int] | None:
    """``read(frame)`` and ``0`` — or, when it meets events that the sort keys cannot
    order (:class:`TiedEventsError`), ``read`` of ``frame`` without its duplicate events and
    their number. ``None`` when ``read`` declines, or ties remain (events that differ
    only in a column the sort keys do not hold: the generic path orders them).

    Duplicates are rows equal in every column read, compared as the generic path
    compares them: by their codes (stripped text, canonical spellings), times in µs
    and numbers as floats; one of each set is kept.
    """
    try:
        found = read(frame)
        return (found, 0) if found is not None else None
    except TiedEventsError:
        pass
    coded = _code(frame, column, dtypes, schema, journey, uniques, own=True)
    if coded is None:  # pragma: no cover - read coded the same frame
        return None
    values = [c for c in coded[0].columns if c not in ("row", "has_effort")]
    # (in the frame's order: a log in time order stays so, for the sort)
    keep = coded[0].unique(subset=values, keep="any")["row"].sort()
    del coded
    n_duplicates = frame.height - len(keep)
    if n_duplicates == 0:
        return None
    try:
        found = read(frame[keep.to_numpy()])
    except TiedEventsError:
        return None
    return (found, n_duplicates) if found is not None else None


def field_columns(resolved: Resolved) -> dict[str, str | None]:
    """The log's column for each field the fast path reads (``None``: not in the log)."""
    schema, available = resolved[0], resolved[4]
    fields = ("customer", "timestamp", "touchpoint", *sorted(available))
    return {f: schema.column(f) for f in fields}


def log_frames(resolved: Resolved, native: Any) -> Iterator[tuple[pl.DataFrame, Uniques | None]]:
    """The log as in-memory polars frames of the columns read, with ``None`` — or, for
    a LazyFrame of more than :data:`BUCKET_ROWS` rows, bucket by bucket (whole
    customers, read with the streaming engine) with the whole log's distinct texts
    (so that every bucket codes them alike). Empty frames are skipped."""
    column = field_columns(resolved)
    used = list(dict.fromkeys(c for c in column.values() if c is not None))
    if isinstance(native, pl.LazyFrame):
        lf = native.select(used)
        n_rows = int(lf.select(pl.len()).collect(engine="streaming").item())
        if n_rows > BUCKET_ROWS:
            yield from _buckets(lf, n_rows, column)
            return
        frame = lf.collect()
    elif isinstance(native, pl.DataFrame):
        frame = native.select(used)
    else:  # pragma: no cover - the caller checks the backend
        return
    if frame.height:
        yield frame, None


def _read(
    frame: pl.DataFrame,
    column: dict[str, str | None],
    dtypes: dict[str, Any],
    schema: EventSchema,
    journey: Journey | None,
    uniques: Uniques | None = None,
) -> tuple[FastTables, pl.DataFrame | None] | None:
    """The tables of an in-memory frame (with its gaps per edge when ``uniques``, the
    whole log's distinct texts, are given: a bucket's medians are taken later)."""
    found = _code(frame, column, dtypes, schema, journey, uniques)
    if found is None:
        return None
    coded, codes = found
    del found
    labels = coded.select(c for c in ("touchpoint", "emotion") if c in coded.columns)
    # polars releases the GIL: the order-free sums run beside the sort and the numpy work
    with ThreadPoolExecutor(max_workers=1) as worker:
        sums = worker.submit(_touchpoint_sums, frame, column, labels, codes)
        coded = _sort(coded, codes)  # the unsorted codes are freed here
        if coded is None:
            return None
        rows = _journeys(coded, codes, schema)
        del coded
        tables, gaps = _tables(rows, sums.result(), worker, keep_gaps=uniques is not None)
    return replace(tables, outcome_ids=tuple(codes.get("outcome", []))), gaps


def _buckets(
    lf: pl.LazyFrame, n_rows: int, column: dict[str, str | None]
) -> Iterator[tuple[pl.DataFrame, Uniques]]:
    """A large LazyFrame's buckets of whole customers, each collected in turn."""
    uniques = lf.select(_distinct_texts(column)).collect(engine="streaming").row(0, named=True)
    customer = pl.col(str(column["customer"]))
    if isinstance(lf.collect_schema()[str(column["customer"])], (pl.Categorical, pl.Enum)):
        customer = customer.cast(pl.String)
    n_buckets = -(-n_rows // BUCKET_ROWS)
    for k in range(n_buckets):
        frame = lf.filter(customer.hash(_SEED_BUCKET) % n_buckets == k).collect(engine="streaming")
        if frame.height:
            yield frame, uniques
        del frame  # not held while the next bucket is read


def _merge(parts: list[tuple[FastTables, pl.DataFrame | None]]) -> FastTables:
    """The tables of a log from those of its buckets (disjoint sets of customers)."""
    from cxkit.analytics._log import _normalise

    def added(name: str, keys: list[str]) -> pl.DataFrame:
        frames = [getattr(p, name) for p, _ in parts]
        merged = pl.concat(frames).group_by(keys).agg(pl.exclude(keys).sum())
        return merged.select(frames[0].columns).sort(keys, nulls_last=True)

    edges = pl.concat([p.edges for p, _ in parts])
    edge_columns = [c for c in parts[0][0].edges.columns if c != "edge"]
    edges = edges.group_by("edge").agg(
        pl.col("tp").first(),
        pl.col("target").first(),
        pl.col("to_tp").max(),
        pl.exclude("edge", "tp", "target", "to_tp").sum(),
    )
    gaps = pl.concat([g for _, g in parts if g is not None])
    medians = gaps.group_by("edge").agg(pl.col("gap").median().alias("gap_median"))
    edges = (
        edges.join(medians, on="edge", how="left")
        .select(*edge_columns, "gap_median")
        .sort("tp", "target")
    )
    summaries = [p.summary for p, _ in parts]
    summary = {
        **{k: sum(s[k] for s in summaries) for k in ("contacts", "customers", "cases")},
        "t_min": min((s["t_min"] for s in summaries if s["t_min"] is not None), default=None),
        "t_max": max((s["t_max"] for s in summaries if s["t_max"] is not None), default=None),
        "empty_cases": sum(s["empty_cases"] for s in summaries),
    }
    return FastTables(
        summary=summary,
        edges=_normalise(edges),
        starts=added("starts", ["issue", "tp"]),
        touchpoints=added("touchpoints", ["tp"]),
        channels=added("channels", ["tp", "channel"]),
        credit=added("credit", ["tp", "outcome"]),
        n_rows=sum(p.n_rows for p, _ in parts),
        outcome_ids=tuple(sorted({o for p, _ in parts for o in p.outcome_ids})),
        n_duplicates=sum(p.n_duplicates for p, _ in parts),
    )


def _code(
    frame: pl.DataFrame,
    column: dict[str, str | None],
    dtypes: dict[str, Any],
    schema: EventSchema,
    journey: Journey | None,
    uniques: Uniques | None = None,
    *,
    own: bool = False,
) -> tuple[pl.DataFrame, dict[str, list[str]]] | None:
    """Every column read as numbers in one parallel pass, or ``None`` (generic path).

    Returns the coded frame — ``t`` (µs), ``h`` and ``h2`` (customer hashes), a code
    column per text field and a Float64 column per flag field read on a transition's
    target row (with ``own``: per number and flag field, and ``row``, the row's
    position in ``frame``) — and the values behind each text field's codes (sorted;
    emotions in scale order). Null is the last code, ``len(values)``.
    """
    customer = str(column["customer"])
    c_dtype = frame.schema[customer]
    if isinstance(c_dtype, (pl.Categorical, pl.Enum)):
        c_expr = pl.col(customer).cast(pl.String)
    elif c_dtype == pl.String or c_dtype.is_integer():
        c_expr = pl.col(customer)
    else:
        return None
    if frame[customer].null_count():
        return None

    texts = [f for f in _TEXT_FIELDS if column.get(f) is not None]
    for f in texts:
        dtype = frame.schema[str(column[f])]
        if dtype.is_nested() or dtype == pl.Object:  # pragma: no cover - resolve_columns checks
            return None
    if uniques is None:
        uniques = frame.select(_distinct_texts(column)).row(0, named=True)

    known = set(_known_outcomes(schema, journey))
    spelling = {s: name for name, spellings in _EMOTION_SPELLINGS.items() for s in spellings}
    codes: dict[str, list[str]] = {}
    exprs: dict[str, pl.Expr] = {}
    for f in texts:
        raw = [v for v in uniques[f] if v is not None]
        stripped = pl.Series(raw, dtype=pl.String).str.strip_chars()
        canonical: list[str | None] = []
        if f == "emotion":
            keys = stripped.str.to_lowercase().to_list()
            for key, text in zip(keys, stripped.to_list(), strict=True):
                if text and key not in spelling:
                    return None  # an unknown emotion: the generic path reports it
                canonical.append(spelling[key] if text else None)
            values = list(EMOTIONS)
        else:
            canonical = [text or None for text in stripped.to_list()]
            values = sorted({c for c in canonical if c is not None})
        if f == "outcome" and any(v not in known for v in values):
            return None  # unknown outcomes: an error or a mapping, both generic
        width = _code_dtype(len(raw))
        code = (
            pl.col(str(column[f]))
            .cast(pl.String)
            .cast(pl.Enum(raw))
            .to_physical()
            .cast(width)
            .fill_null(len(raw))
        )
        if canonical != values:  # stripped text or other spellings: map the codes
            index = {v: k for k, v in enumerate(values)}
            lookup = [index[c] if c is not None else len(values) for c in canonical]
            code = code.replace_strict(
                list(range(len(raw) + 1)), [*lookup, len(values)], return_dtype=width
            )
        exprs[f] = code
        codes[f] = values

    checks: list[pl.Expr] = []
    bounds: dict[str, tuple[float, float]] = {}
    for f in (*_NUMBER_FIELDS, *_FLAG_FIELDS):
        if column.get(f) is None:
            continue
        dtype = frame.schema[str(column[f])]
        if not (dtype.is_numeric() or dtype in (pl.Boolean, pl.Null)):
            return None  # text flags: the generic path reads them
        v = pl.col(str(column[f]))
        lo, hi = (_RANGES[f][0], _RANGES[f][1]) if f in _NUMBER_FIELDS else (0, 1)
        checks += [
            v.min().cast(pl.Float64).alias(f"{f}_min"),
            v.max().cast(pl.Float64).alias(f"{f}_max"),
        ]
        bounds[f] = (lo, hi)
        if dtype.is_float():
            checks.append(v.is_nan().any().alias(f"{f}_nan"))
        if own or f in _NEXT_FIELDS:  # read on the next row of a transition: sorted
            exprs[f] = v.cast(pl.Float64)
        if f == "effort":  # whether answers sit on journeys' last contacts needs the order
            exprs["has_effort"] = v.is_not_null()
        if f in _FLAG_FIELDS and dtype.is_numeric():
            checks.append(((v != 0) & (v != 1)).any().alias(f"{f}_flag"))
    if checks:
        found = frame.select(checks).row(0, named=True)
        for f, (lo, hi) in bounds.items():
            low, high = found[f"{f}_min"], found[f"{f}_max"]
            if (low is not None and low < lo) or (high is not None and high > hi):
                return None  # values out of range: the generic path reports them
        if any(v for k, v in found.items() if k.endswith(("_nan", "_flag"))):
            return None
    ts = str(column["timestamp"])
    coded = frame.select(
        t=_polars_epoch(ts, dtypes[ts]),
        h=c_expr.hash(_SEED_A),
        h2=c_expr.hash(_SEED_B),
        **exprs,
        **({"row": pl.int_range(pl.len(), dtype=pl.UInt64)} if own else {}),
    )
    empty = pl.col("touchpoint") == len(codes["touchpoint"])
    if "outcome" in exprs:
        empty = empty & (pl.col("outcome") == len(codes["outcome"]))
    if any(coded.select(pl.col("t").is_null().any(), empty.any()).row(0)):
        return None  # null or unreadable times, or rows with neither touchpoint nor outcome
    return coded, codes


def _distinct_texts(column: dict[str, str | None]) -> list[pl.Expr]:
    """Each text field's distinct values, as sorted text (one list per field)."""
    return [
        pl.col(str(column[f])).cast(pl.String).unique().sort().implode().alias(f)
        for f in _TEXT_FIELDS
        if column.get(f) is not None
    ]


def _code_dtype(n_values: int) -> Any:
    """The narrowest unsigned integer holding codes 0…``n_values`` (null included)."""
    for dtype, top in ((pl.UInt8, 255), (pl.UInt16, 65_535)):
        if n_values <= top:
            return dtype
    return pl.UInt32


def _sort(
    coded: pl.DataFrame, codes: dict[str, list[str]], also: Sequence[str] = ()
) -> pl.DataFrame | None:
    """The order-dependent columns (and those named in ``also``) in journey order: by
    customer (first hash), time, then — for two events at one instant — touchpoint
    rows first, by touchpoint, then by outcome with none first (the generic path's
    order). Raises :class:`TiedEventsError` for two rows equal in all of those (possible
    duplicates); ``None`` when a hash collision needs the generic path."""
    keep = ["h", "h2", "t", "touchpoint", "outcome", "channel", "call_reason", "has_effort"]
    keep += [*_NEXT_FIELDS, *also]
    coded = coded.select(c for c in keep if c in coded.columns)
    in_time_order = coded["t"].is_sorted()  # a stable sort by customer keeps time order
    coded = coded.sort("h", maintain_order=True) if in_time_order else coded.sort("h", "t")
    hs, ts = coded["h"].to_numpy(), coded["t"].to_numpy()
    same_customer = hs[1:] == hs[:-1]
    if (same_customer & (ts[1:] == ts[:-1])).any():
        keys = [pl.col("h"), pl.col("t"), pl.col("touchpoint")]
        if "outcome" in coded.columns:
            keys.append((pl.col("outcome").cast(pl.Int64) + 1) % (len(codes["outcome"]) + 1))
        coded = coded.sort(keys)
        hs, ts = coded["h"].to_numpy(), coded["t"].to_numpy()
        same_customer = hs[1:] == hs[:-1]
        tie = same_customer & (ts[1:] == ts[:-1])
        for name in ("touchpoint", "outcome"):
            if name in coded.columns:
                values = coded[name].to_numpy()
                tie &= values[1:] == values[:-1]
        if tie.any():
            raise TiedEventsError
    h2 = coded["h2"].to_numpy()
    if bool(np.any(same_customer & (h2[1:] != h2[:-1]))):
        return None  # a hash collision: the generic path compares the ids themselves
    return coded.drop("h2")


@dataclass(frozen=True, eq=False)
class _Rows:
    """The touchpoint rows in journey order, each with its transition (numpy arrays).

    ``target`` indexes ``names`` (touchpoints, outcomes and the missing outcome,
    sorted); ``customer`` numbers the customers (dense); a journey's rows are
    contiguous, from a ``start`` row to the next row not followed by a touchpoint;
    ``start_issue`` is the call reason of each ``start`` row, as an index into
    ``issue_names`` (``""`` first: none); ``channel`` and
    ``next_channel`` use ``len(channels)`` for none; ``next_*`` are the target row's
    fields (NaN where unknown), ``None`` when the log lacks the column.
    """

    tp: np.ndarray
    target: np.ndarray
    to_tp: np.ndarray
    same_next: np.ndarray
    start: np.ndarray
    gap: np.ndarray
    t: np.ndarray
    next_tp: np.ndarray
    customer: np.ndarray
    start_issue: np.ndarray
    effort_known: np.ndarray | None
    reason: np.ndarray | None
    journey_reason: np.ndarray | None
    channel: np.ndarray | None
    next_channel: np.ndarray | None
    next_values: dict[str, np.ndarray]
    names: list[str]
    tp_values: list[str]
    issue_names: list[str]
    channels: list[str]
    empty_cases: int
    n_rows: int


def _journeys(coded: pl.DataFrame, codes: dict[str, list[str]], schema: EventSchema) -> _Rows:
    """Journeys (an outcome closes one), starts and transitions of the sorted rows."""
    n = coded.height
    tp_values = codes["touchpoint"]
    out_values = codes.get("outcome", [])
    n_tp, n_out = len(tp_values), len(out_values)
    hs = coded["h"].to_numpy()
    tp = coded["touchpoint"].to_numpy()
    out = coded["outcome"].to_numpy() if "outcome" in coded.columns else np.zeros(n, np.uint8)
    new_customer = np.ones(n, bool)
    new_customer[1:] = hs[1:] != hs[:-1]
    has_out = out < n_out
    start = new_customer.copy()
    start[1:] |= has_out[:-1]
    same_next = np.zeros(n, bool)
    same_next[:-1] = ~new_customer[1:] & ~has_out[:-1]
    next_tp = _next(tp, n_tp)
    to_tp = same_next & (next_tp < n_tp)

    names = sorted(set(tp_values) | set(out_values) | {schema.missing_outcome})
    name_index = {v: k for k, v in enumerate(names)}
    missing = name_index[schema.missing_outcome]
    tp_name = np.array([name_index[v] for v in tp_values] + [missing], np.int32)
    out_name = np.array([name_index[v] for v in out_values] + [missing], np.int32)
    # the next touchpoint, else the row's own outcome, else the next (outcome-only)
    # row's outcome in the same journey, else the missing outcome
    target = np.where(
        to_tp, tp_name[next_tp], out_name[np.where(same_next, _next(out, n_out), out)]
    ).astype(np.int64)
    firsts = np.flatnonzero(start)
    issue_names = [""]
    start_issue = np.zeros(len(firsts), np.int64)
    reason = journey_reason = None
    if "call_reason" in coded.columns:  # the first row's reason, else the journey's greatest
        reason = coded["call_reason"].to_numpy().astype(np.int32)
        reason[reason == len(codes["call_reason"])] = -1
        journey_reason = np.maximum.reduceat(reason, firsts)
        first_reason = reason[firsts]
        start_issue = np.where(first_reason >= 0, first_reason, journey_reason) + 1
        issue_names += codes["call_reason"]
    t = coded["t"].to_numpy()
    gap = _next(t, 0) - t
    customer = np.cumsum(new_customer, dtype=np.int32) - 1
    channels = codes.get("channel", [])
    channel = coded["channel"].to_numpy() if "channel" in coded.columns else None
    next_channel = _next(channel, len(channels)) if channel is not None else None
    next_values = {
        f: _next(coded[f].to_numpy(), np.nan) for f in _NEXT_FIELDS if f in coded.columns
    }
    is_tp = tp < n_tp
    rows: Any = slice(None) if bool(is_tp.all()) else np.flatnonzero(is_tp)

    def pick(values: np.ndarray | None) -> Any:
        return values[rows] if values is not None else None

    return _Rows(
        tp=tp[rows].astype(np.int64),  # np.bincount's key type: no conversion per count
        target=target[rows],
        to_tp=to_tp[rows],
        same_next=same_next[rows],
        start=start[rows],
        gap=gap[rows],
        t=t[rows],
        next_tp=next_tp[rows],
        customer=customer[rows],
        start_issue=start_issue[tp[firsts] < n_tp],  # journeys that start at a touchpoint
        effort_known=(
            coded["has_effort"].to_numpy()[rows] if "has_effort" in coded.columns else None
        ),
        reason=pick(reason),
        journey_reason=(journey_reason[tp[firsts] < n_tp] if journey_reason is not None else None),
        channel=pick(channel),
        next_channel=pick(next_channel),
        next_values={f: v[rows] for f, v in next_values.items()},
        names=names,
        tp_values=tp_values,
        issue_names=issue_names,
        channels=channels,
        empty_cases=int(np.count_nonzero(start & ~is_tp)),
        n_rows=n,
    )


def _tables(
    rows: _Rows,
    sums: tuple[pl.DataFrame, dict[str, Any] | None],
    worker: ThreadPoolExecutor,
    *,
    keep_gaps: bool = False,
) -> tuple[FastTables, pl.DataFrame | None]:
    """Every table of the log, by counting over the touchpoint rows (the edges'
    group-by on ``worker``, beside the others).

    With ``keep_gaps`` (a bucket of a larger log), the edges keep their code
    (``edge``) and no median; the gaps per edge are returned beside the tables.
    """
    from cxkit.analytics._log import _normalise

    edge_table = worker.submit(_edge_table, rows, keep_gaps)
    n_tp = len(rows.tp_values)
    touchpoints, effort = sums
    spread = pl.DataFrame(schema={"tp": pl.String, "effort_std": pl.Float64})
    if effort is not None:
        spread = touchpoints.filter(pl.col("effort_count") > 0).select("tp", "effort_std")
    touchpoints = touchpoints.with_columns(
        customers=_distinct_per_touchpoint(rows.tp, rows.customer, n_tp),
        starts_count=np.bincount(rows.tp, weights=rows.start, minlength=n_tp).astype(np.int64),
    ).select(_TOUCHPOINT_COLUMNS)
    summary = {
        "contacts": len(rows.tp),
        "customers": int(np.count_nonzero(np.bincount(rows.customer))),
        "cases": int(np.count_nonzero(rows.start)),
        # none when no row has a touchpoint (a log of outcomes only, or such a bucket)
        "t_min": int(rows.t.min()) if len(rows.t) else None,
        "t_max": int(rows.t.max()) if len(rows.t) else None,
        "empty_cases": rows.empty_cases,
    }
    starts = _normalise(_start_table(rows))
    channels = _normalise(_channel_table(rows))
    credit = _normalise(_credit_table(rows))
    edges, gaps = edge_table.result()
    normal = _normalise(edges.drop("edge", strict=False))
    tables = FastTables(
        summary=summary,
        edges=normal.with_columns(edges["edge"]) if keep_gaps else normal,
        starts=starts,
        touchpoints=_normalise(touchpoints),
        channels=channels,
        credit=credit,
        n_rows=rows.n_rows,
        # a bucket's row-level answers are not kept: its arrays would outlive the bucket
        reach=None if keep_gaps else _reach_table(rows),
        effort_spread=None if keep_gaps else spread,
        effort_per_journey=None if keep_gaps else _effort_per_journey(rows, effort),
        contacts=None if keep_gaps else _Contacts.of(rows),
    )
    return tables, gaps


def _pairs(keys: np.ndarray, width: int, size: int, labels: tuple[list[Any], list[Any]]) -> Any:
    """Counts per ``key = a·width + b``, the keys seen, and their two labels."""
    counts = np.bincount(keys, minlength=size)
    present = np.flatnonzero(counts)
    first = [labels[0][k // width] for k in present]
    second = [labels[1][k % width] for k in present]
    return counts, present, first, second


def _edge_table(rows: _Rows, keep_gaps: bool = False) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """``edges_table``: per (touchpoint, target), counts and the sums behind each mean —
    one parallel group-by over the transitions (a statistic's unknown values null).

    With ``keep_gaps``: the ``edge`` code and no median, and the gaps (``edge``,
    ``gap``) beside, for :func:`_merge`."""
    n_names = len(rows.names)
    data: dict[str, np.ndarray] = {
        "edge": rows.tp * n_names + rows.target,
        "gap": rows.gap,
        "same": rows.same_next,
        "to_tp": rows.to_tp,
        **{f: v for f, v in rows.next_values.items()},
    }
    data.update(channel_changes(rows))
    to_tp = pl.col("to_tp")

    def following(name: str) -> pl.Expr | None:
        """The target row's ``name`` on transitions to a touchpoint (null if unknown)."""
        if name not in data:
            return None
        v = pl.col(name)
        return pl.when(to_tp & v.is_not_nan()).then(v)

    def among_both(name: str) -> pl.Expr | None:
        if name not in data:
            return None
        return pl.when(pl.col("both")).then(pl.col(name).cast(pl.Float64))

    stats: dict[str, pl.Expr | None] = {
        "gap": pl.when(pl.col("same")).then(pl.col("gap").cast(pl.Float64)),
        "ctx": following("context_lost"),
        "wait": following("wait_s"),
        "switch": among_both("switch"),
        "xfer": following("transfer") if "transfer" in data else among_both("inferred"),
    }
    aggs = [pl.len().alias("count"), to_tp.any().cast(pl.Float64).alias("to_tp")]
    for name, expr in stats.items():
        if expr is None:
            aggs += [pl.lit(0.0).alias(f"{name}_sum"), pl.lit(0, pl.Int64).alias(f"{name}_n")]
        else:
            aggs += [expr.sum().alias(f"{name}_sum"), expr.count().alias(f"{name}_n")]
    gap = stats["gap"]
    assert gap is not None
    transitions = pl.DataFrame(data)
    if not keep_gaps:
        aggs.append(gap.median().alias("gap_median"))
    table = transitions.lazy().group_by("edge").agg(aggs).sort("edge").collect()
    edge = table["edge"].to_numpy()
    table = table.select(
        pl.Series("tp", [rows.tp_values[k // n_names] for k in edge], pl.String),
        pl.Series("target", [rows.names[k % n_names] for k in edge], pl.String),
        pl.all() if keep_gaps else pl.exclude("edge"),
    )
    if not keep_gaps:
        return table, None
    gaps = transitions.filter(pl.col("same")).select("edge", pl.col("gap").cast(pl.Float64))
    return table, gaps


def channel_changes(rows: _Rows) -> dict[str, np.ndarray]:
    """Per transition, with a channel column: ``both`` (to a touchpoint, both channels
    known), ``switch`` (the channel changes) and — without a transfer column —
    ``inferred`` transfers (within an assisted channel, to another touchpoint)."""
    if rows.channel is None or rows.next_channel is None:
        return {}
    n_ch = len(rows.channels)
    out = {
        "both": rows.to_tp & (rows.channel < n_ch) & (rows.next_channel < n_ch),
        "switch": rows.channel != rows.next_channel,
    }
    if "transfer" not in rows.next_values:  # within an assisted channel, another desk
        assisted = np.array([v in ASSISTED_CHANNELS for v in rows.channels] + [False])
        out["inferred"] = (
            (rows.channel == rows.next_channel) & assisted[rows.channel] & (rows.tp != rows.next_tp)
        )
    return out


def _start_table(rows: _Rows) -> pl.DataFrame:
    """``starts_table``: journeys per (call reason, first touchpoint)."""
    n_tp = len(rows.tp_values)
    keys = rows.start_issue * n_tp + rows.tp[rows.start]
    counts, present, issues, tps = _pairs(
        keys, n_tp, len(rows.issue_names) * n_tp, (rows.issue_names, rows.tp_values)
    )
    return pl.DataFrame(
        {"issue": issues, "tp": tps, "count": counts[present]},
        schema={"issue": pl.String, "tp": pl.String, "count": pl.Int64},
    )


def _channel_table(rows: _Rows) -> pl.DataFrame:
    """``channels_table``: events per (touchpoint, channel), no channel last."""
    width = len(rows.channels) + 1
    channel = rows.channel if rows.channel is not None else np.full(len(rows.tp), width - 1)
    counts, present, tps, channels = _pairs(
        rows.tp * width + channel,
        width,
        len(rows.tp_values) * width,
        (rows.tp_values, [*rows.channels, None]),
    )
    return pl.DataFrame(
        {"tp": tps, "channel": channels, "count": counts[present]},
        schema={"tp": pl.String, "channel": pl.String, "count": pl.Int64},
    )


def _credit_table(rows: _Rows) -> pl.DataFrame:
    """``credit_table``: first / last / linear touch sums per (touchpoint, outcome).

    A journey's touchpoint rows are contiguous, from its start row to its end row
    (the one not followed by a touchpoint), so each row's journey outcome and size
    are repeats of per-journey values.
    """
    n_names = len(rows.names)
    end = ~rows.to_tp
    firsts = np.flatnonzero(rows.start)
    size = np.diff(np.append(firsts, len(rows.tp)))
    outcome = np.repeat(rows.target[np.flatnonzero(end)], size)
    keys = rows.tp * n_names + outcome
    _, present, tps, outcomes = _pairs(
        keys, n_names, len(rows.tp_values) * n_names, (rows.tp_values, rows.names)
    )

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(keys, weights=weights, minlength=len(rows.tp_values) * n_names)[present]

    return pl.DataFrame(
        {
            "tp": tps,
            "outcome": outcomes,
            "first": total(rows.start),
            "last": total(end),
            "linear": total(np.repeat(1.0 / size, size)),
        }
    )


def _next(values: np.ndarray, fill: Any) -> np.ndarray:
    """Each row's next row (``fill`` after the last).

    >>> _next(np.array([1, 2, 3]), -1).tolist()
    [2, 3, -1]
    """
    out = np.empty_like(values)
    out[:-1] = values[1:]
    out[-1] = fill
    return out


#: The columns of ``EventLog.touchpoint_table``, in order.
_TOUCHPOINT_COLUMNS = (
    "tp", "contacts", "customers", "starts_count", "effort_sum", "effort_count",
    "csat_top_sum", "csat_count", "promoter_sum", "detractor_sum", "nps_count",
    "wait_sum", "wait_count", "ctx_sum", "ctx_count", "emotion_count",
    *(f"{name}_sum" for name in EMOTIONS),
)  # fmt: skip


def _touchpoint_sums(
    frame: pl.DataFrame,
    column: dict[str, str | None],
    coded: pl.DataFrame,
    codes: dict[str, list[str]],
) -> tuple[pl.DataFrame, dict[str, Any] | None]:
    """Per touchpoint, the sums that need no order, in one parallel group-by over the
    log's own columns; ``customers`` and ``starts_count`` are added after the sort.

    Also ``effort_std`` per touchpoint and the mean and SD of every effort answer
    (``None`` without an effort column), for ``EventLog.effort_spread`` and
    ``effort_per_journey``."""
    n_tp = len(codes["touchpoint"])
    parts = [coded.select("touchpoint", *(["emotion"] if "emotion" in coded.columns else []))]
    answers = [f for f in (*_NUMBER_FIELDS, "context_lost") if column.get(f) is not None]
    parts.append(frame.select(pl.col(str(column[f])).alias(f) for f in answers))
    table = pl.concat(parts, how="horizontal")
    zero = pl.lit(0.0)

    def summed(name: str, test: Any = None) -> tuple[pl.Expr, pl.Expr]:
        if name not in answers:
            return zero, pl.lit(0, pl.Int64)
        v = pl.col(name).cast(pl.Float64)
        return (test(v).cast(pl.Float64) if test is not None else v).sum(), v.count()

    effort = summed("effort")
    csat = summed("csat", lambda v: v >= 4)
    promoter = summed("nps", lambda v: v >= 9)
    detractor = summed("nps", lambda v: v <= 6)
    wait = summed("wait_s")
    ctx = summed("context_lost")
    emotion = pl.col("emotion") if "emotion" in coded.columns else None

    def emotions(test: Any) -> pl.Expr:
        return test(emotion).sum() if emotion is not None else zero

    aggs = [
        pl.len().alias("contacts"),
        effort[0].alias("effort_sum"),
        effort[1].alias("effort_count"),
        csat[0].alias("csat_top_sum"),
        csat[1].alias("csat_count"),
        promoter[0].alias("promoter_sum"),
        detractor[0].alias("detractor_sum"),
        promoter[1].alias("nps_count"),
        wait[0].alias("wait_sum"),
        wait[1].alias("wait_count"),
        ctx[0].alias("ctx_sum"),
        ctx[1].alias("ctx_count"),
        emotions(lambda e: e < len(EMOTIONS)).alias("emotion_count"),
        *[
            emotions(lambda e, code=code: e == code).alias(f"{name}_sum")
            for code, name in enumerate(EMOTIONS)
        ],
    ]
    answers_effort = "effort" in answers
    if answers_effort:
        aggs.append(pl.col("effort").cast(pl.Float64).std(ddof=1).alias("effort_std"))
    contacts = table.lazy().filter(pl.col("touchpoint") < n_tp)
    sums = contacts.group_by("touchpoint").agg(aggs).collect()
    index = pl.DataFrame(
        {"touchpoint": np.arange(n_tp), "tp": codes["touchpoint"]},
        schema_overrides={"touchpoint": coded.schema["touchpoint"]},
    )
    sums = index.join(sums, on="touchpoint", how="left").drop("touchpoint")
    sums = sums.with_columns(pl.exclude("effort_std").fill_null(0))
    if not answers_effort:
        return sums, None
    effort = pl.col("effort").cast(pl.Float64)
    overall = contacts.select(effort.mean().alias("mean"), effort.std(ddof=1).alias("sd"))
    return sums, overall.collect().row(0, named=True)


def _reach_table(rows: _Rows) -> pl.DataFrame:
    """``reach_table``: per touchpoint, the journeys that visit it at least once."""
    k = len(rows.tp_values)
    journey = np.cumsum(rows.start, dtype=np.int64) - 1
    count = _distinct_per_touchpoint(rows.tp, journey, k)
    seen = np.bincount(rows.tp, minlength=k) > 0
    return pl.DataFrame(
        {"tp": [v for v, s in zip(rows.tp_values, seen, strict=True) if s], "count": count[seen]},
        schema={"tp": pl.String, "count": pl.Int64},
    )


def _effort_per_journey(
    rows: _Rows, effort: dict[str, Any] | None
) -> tuple[bool, float | None, float | None, int]:
    """``effort_per_journey``: whether every effort answer is on a journey's last
    contact (one survey per journey), with the answers' mean, SD and number."""
    if effort is None or rows.effort_known is None:
        return (False, None, None, 0)
    n = int(np.count_nonzero(rows.effort_known))
    mid = int(np.count_nonzero(rows.effort_known & rows.to_tp))  # not the last contact
    mean = float(effort["mean"]) if effort["mean"] is not None else None
    sd = float(effort["sd"]) if effort["sd"] is not None else None
    return (n > 0 and mid == 0, mean, sd, n)


def _distinct_per_touchpoint(tp: np.ndarray, group: np.ndarray, k: int) -> np.ndarray:
    """Per touchpoint, the number of distinct ``group`` values (dense, non-decreasing
    codes: customers or journeys)."""
    n_groups = int(group[-1]) + 1 if len(group) else 0
    return _distinct_per_group(tp, group, k, n_groups)


def _distinct_per_group(
    group: np.ndarray, other: np.ndarray, n_groups: int, n_other: int
) -> np.ndarray:
    """Per ``group`` code (``0…n_groups−1``), the number of distinct ``other`` codes
    (``0…n_other−1``) on its rows.

    >>> _distinct_per_group(np.array([0, 0, 2, 0]), np.array([1, 1, 0, 3]), 3, 4).tolist()
    [2, 0, 1]
    """
    keys = group.astype(np.int64) * n_other + other
    if n_groups * n_other <= 8 * len(group) + 1024:  # a table of every pair
        seen = np.zeros(n_groups * n_other, bool)
        seen[keys] = True
        return seen.reshape(n_groups, n_other).sum(axis=1)
    pairs = pl.Series(keys).unique().to_numpy()
    return np.bincount(pairs // n_other, minlength=n_groups)
