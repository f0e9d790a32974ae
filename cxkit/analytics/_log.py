"""Events → journeys (cases), transitions and contact windows, lazily, on any backend.

Vocabulary
----------
*touchpoint row*
    An event with a touchpoint (a contact).
*outcome row*
    An event without a touchpoint that records an outcome.
*case*
    One journey of one customer. **An outcome closes the customer's current case**;
    events after it open a new one. So the outcome may sit on the last touchpoint
    row or on a separate outcome row after it, and a customer who comes back after
    a purchase starts a second journey. A case whose events record no outcome ends
    in ``EventSchema.missing_outcome`` (``abandon`` by default).
*transition*
    From a touchpoint row to the next touchpoint row of the same case, or — for
    the case's last touchpoint row — to the case's outcome.

Ordering is by customer, time, the ``EventSchema.order`` column when one is given,
then the row's position in the input (``_row``): events at the same instant keep
the input's row order, as pm4py keeps them (:func:`~._validate.ordered_events`).
On polars the checked frame arrives sorted and the neighbours are shifted columns;
elsewhere they come from global ``over(order_by=…)`` windows masked by key, which
every backend runs (partitioned ordered windows do not run on Dask).

Every table is computed here, once, for every backend: there is no second path.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import _quiet, collect, distinct_counts, row_index
from cxkit.analytics._schema import EventLogError, EventLogWarning, EventSchema, user_stacklevel
from cxkit.analytics._validate import EMOTIONS, ROW, PreparedLog, event_order, prepare
from cxkit.core.channels import BUILTIN_CHANNELS
from cxkit.core.errors import format_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from cxkit.core.journey import Journey

__all__ = ["ASSISTED_CHANNELS", "EventLog", "as_log"]

#: Channels whose within-channel hand-offs count as transfers when the log has no
#: transfer column: the call center and its sub-channels.
ASSISTED_CHANNELS: tuple[str, ...] = tuple(
    cid for cid, ch in BUILTIN_CHANNELS.items() if ch.family == "call_center"
)

_NEXT = ("customer", "case", "tp", "outcome", "t", "channel", "ctx", "wait", "xfer")
#: Working columns of :attr:`EventLog.all_rows` that :attr:`EventLog.rows` drops.
_WORKING = (
    "_i",
    "_kind",
    "_o",
    "_cum",
    "same_next",
    "p_customer",
    "p_case",
    "case_reason",
    *[f"n_{c}" for c in _NEXT],
)


def _same(a: str, b: str) -> nw.Expr:
    return (nw.col(a) == nw.col(b)).fill_null(False)


class EventLog:
    """A checked event log with its journeys and transitions, ready for analysis.

    Every analytics function accepts a raw frame or an ``EventLog``. Build one when
    you run several analyses on a large log: the checks (:mod:`._validate`) run when
    it is built, the ordered windows on first use, and every later aggregate reuses
    them (see ``_persist``: polars collects them, DuckDB materialises them, Dask
    persists them, Spark checkpoints them).

    Parameters
    ----------
    events
        The event log: polars (eager or lazy), DuckDB, Dask, pandas or PySpark.
    schema
        Column names, if they differ from :class:`EventSchema`'s defaults.
    journey
        A designed journey whose outcome ids the log may use.

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> log = EventLog(
    ...     pl.DataFrame(
    ...         {
    ...             "customer_id": ["a", "a", "b"],
    ...             "timestamp": [dt.datetime(2026, 1, 1, h) for h in (9, 10, 9)],
    ...             "touchpoint": ["web", "phone", "web"],
    ...         }
    ...     )
    ... )
    >>> log
    <EventLog: 3 events, 2 customers, 2 journeys, 2 touchpoints (polars)>
    """

    def __new__(
        cls, events: Any = None, *, schema: EventSchema | None = None, **_: Any
    ) -> EventLog:
        """A polars LazyFrame of more than ``BUCKET_ROWS`` rows is read in buckets of
        customers (:class:`~cxkit.analytics._buckets.BucketedLog`)."""
        if cls is EventLog and isinstance(events, pl.LazyFrame):
            from cxkit.analytics._buckets import BucketedLog, bucket_count

            if bucket_count(events, schema) > 1:
                return super().__new__(BucketedLog)
        return super().__new__(cls)

    def __init__(
        self,
        events: Any,
        *,
        schema: EventSchema | None = None,
        journey: Journey | None = None,
    ) -> None:
        self._contacts: dict[float, nw.LazyFrame[Any]] = {}
        self._later_notes: list[str] = []
        if not isinstance(events, PreparedLog):
            events = prepare(events, schema, journey=journey)
        self.prepared: PreparedLog = events
        self.schema = events.schema
        self.missing = self.schema.missing_outcome

    def subset(
        self,
        *,
        customers: Iterable[Any] | None = None,
        touchpoints: Iterable[str] | None = None,
    ) -> EventLog:
        """The log restricted to some customers and touchpoints, without checking again.

        The rows were checked (and repaired) when this log was built; a subset of
        them needs no second check, so this filters the checked rows and builds a
        new log on them: only the journeys, transitions and tables are computed
        again. ``customers`` keeps every event of these customers (ids compared as
        text, as the checks store them); ``touchpoints`` drops the events at other
        touchpoints, so the journeys go straight from one kept touchpoint to the
        next (rows that only record an outcome stay). ``None`` keeps everything.
        :attr:`warnings` and :attr:`n_tied` stay those of the whole log's check.

        Examples
        --------
        >>> import polars as pl, datetime as dt
        >>> log = EventLog(
        ...     pl.DataFrame(
        ...         {
        ...             "customer_id": ["a", "a", "a", "b"],
        ...             "timestamp": [dt.datetime(2026, 1, 1, h) for h in (9, 10, 11, 9)],
        ...             "touchpoint": ["web", "chat", "phone", "web"],
        ...         }
        ...     )
        ... )
        >>> log.subset(customers=["a"], touchpoints=["web", "phone"])
        <EventLog: 2 events, 1 customers, 1 journeys, 2 touchpoints (polars)>
        """
        kept = {
            "customers": None if customers is None else [str(c) for c in customers],
            "touchpoints": None if touchpoints is None else list(touchpoints),
        }
        keep: nw.Expr = nw.lit(True)
        if kept["customers"] is not None:
            keep = keep & nw.col("customer").is_in(kept["customers"])
        if kept["touchpoints"] is not None:
            keep = keep & (nw.col("tp").is_null() | nw.col("tp").is_in(kept["touchpoints"]))
        frame = self.prepared.frame.filter(keep)
        if frame.implementation.is_polars():  # checked rows are sorted: filtering keeps that
            frame = nw.from_native(frame.to_native().collect().lazy())
        n_rows = int(collect(frame.select(nw.len().alias("n")))["n"][0])
        if n_rows == 0:
            chosen = " and ".join(f"{len(v)} {k}" for k, v in kept.items() if v is not None)
            raise EventLogError(f"no event of the log is left after keeping {chosen}")
        return EventLog(replace(self.prepared, frame=frame, n_rows=n_rows))

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<EventLog: {self.n_events} events, {s['customers']} customers, {s['cases']} "
            f"journeys, {self.touchpoint_table.height} touchpoints ({self.backend})>"
        )

    @property
    def n_events(self) -> int:
        """Rows kept after cleaning (duplicates and empty rows dropped)."""
        return self.prepared.n_rows

    @property
    def n_tied(self) -> int:
        """Events that share customer and time (and order value) with another event."""
        return self.prepared.n_tied

    @property
    def backend(self) -> str:
        """The dataframe library the log runs on (``polars``, ``duckdb``, ``dask``…)."""
        return self.prepared.backend

    @property
    def columns(self) -> frozenset[str]:
        """The optional :class:`EventSchema` fields the log has."""
        return self.prepared.available

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the checks repaired or ignored, and what the tables found later (a
        touchpoint seen in several channels)."""
        return (*self.prepared.warnings, *self._later_notes)

    @cached_property
    def channel_mix(self) -> pl.DataFrame:
        """Per (touchpoint, channel): events and share
        (:func:`~cxkit.analytics._channels.channel_mix`); empty without a channel column.

        Warns once per log about the touchpoints seen in several channels (the note is
        kept in :attr:`warnings`), whichever analysis reads it first.
        """
        from cxkit.analytics._channels import channel_mix, mixed_channels_note

        if not self.has("channel"):
            empty = {"tp": pl.String, "channel": pl.String, "count": pl.Int64}
            return pl.DataFrame(schema={**empty, "share": pl.Float64})
        mix = channel_mix(self.channels_table)
        note = mixed_channels_note(mix)
        if note:
            self._later_notes.append(note)
            warnings.warn(note, EventLogWarning, stacklevel=user_stacklevel())
        return mix

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """The outcomes that the log records (sorted; unknown ones as mapped)."""
        return self.prepared.outcome_ids

    def has(self, name: str) -> bool:
        """Whether optional schema field ``name`` is in the log."""
        return name in self.prepared.available

    @property
    def order(self) -> list[str]:
        """The sort keys of the events (:func:`~cxkit.analytics._validate.event_order`)."""
        return event_order(self.has("order"))

    # -- lazy frames -------------------------------------------------------------------
    @cached_property
    def all_rows(self) -> nw.LazyFrame[Any]:
        """Every row with ``case``, ``start`` and the next row's columns (``n_*``).

        One ordered row index, one cumulative sum and two self-joins on the index
        (the neighbours), rather than one window per column: on Dask every ordered
        window is a full sort. On polars: one sort and shifted columns instead
        (:func:`_polars_all_rows`, the same rows in sorted order).
        """
        if self.prepared.frame.implementation.is_polars():
            native = self.prepared.frame.to_native()
            rows = _polars_all_rows(native)
            return nw.from_native(rows.lazy())
        f = self.prepared.frame.with_columns(
            _kind=nw.col("tp").is_null().cast(nw.Int64),
            _o=(~nw.col("outcome").is_null()).cast(nw.Int64),
        )
        f = row_index(f, "_i", self.order, cum_sums={"_cum": "_o"})
        # window results are combined with other columns in a later step (Dask cannot
        # mix a window and arithmetic in one expression)
        f = f.with_columns(case=(nw.col("_cum") - nw.col("_o")).cast(nw.Int64))
        f = _persist(f)
        following = f.select(
            (nw.col("_i") - 1).alias("_i"), *[nw.col(c).alias(f"n_{c}") for c in _NEXT]
        )
        previous = f.select(
            (nw.col("_i") + 1).alias("_i"),
            nw.col("customer").alias("p_customer"),
            nw.col("case").alias("p_case"),
        )
        f = f.join(following, on="_i", how="left").join(previous, on="_i", how="left")
        return _persist(
            f.with_columns(
                same_next=_same("n_customer", "customer") & _same("n_case", "case"),
                start=(~(_same("p_customer", "customer") & _same("p_case", "case"))).cast(nw.Int64),
            )
        )

    @cached_property
    def case_reasons(self) -> nw.LazyFrame[Any]:
        """``customer, case, case_reason``: the (greatest) call reason seen in each case."""
        return (
            self.all_rows.filter(~nw.col("reason").is_null())
            .group_by("customer", "case")
            .agg(nw.col("reason").max().alias("case_reason"))
        )

    @cached_property
    def rows(self) -> nw.LazyFrame[Any]:
        """Touchpoint rows, each with its transition.

        Added columns: ``target`` (next touchpoint, or the case's outcome), ``to_tp``
        (1.0 when the target is a touchpoint), ``end`` (1 on the case's last
        touchpoint row), ``gap_us`` (time to the next event of the case), ``t_ctx``,
        ``t_wait``, ``t_xfer`` (the target event's context-lost flag, wait and
        transfer), ``switch`` (channel changes; null when a channel is unknown),
        ``issue`` (call reason, else the case's reason, else ``""``).
        """
        polars = self.all_rows.implementation.is_polars()
        f = self.all_rows
        if polars and self.has("call_reason"):
            # polars rows are in journey order: the case's reason by a window over the
            # journey's rows (numbered by its start) instead of a join
            native = f.to_native().with_columns(
                case_reason=pl.col("reason").max().over(pl.col("start").cum_sum())
            )
            f = nw.from_native(native)
        f = f.filter(nw.col("_kind") == 0)
        has_out = ~nw.col("outcome").is_null()
        next_tp = nw.col("same_next") & ~nw.col("n_tp").is_null()
        to_tp = (~has_out) & next_tp
        target = (
            nw.when(has_out)
            .then(nw.col("outcome"))
            .otherwise(
                nw.when(next_tp)
                .then(nw.col("n_tp"))
                .otherwise(
                    nw.when(nw.col("same_next"))
                    .then(nw.col("n_outcome"))
                    .otherwise(nw.lit(self.missing))
                )
            )
        )
        both_channels = ~nw.col("channel").is_null() & ~nw.col("n_channel").is_null()
        if self.has("transfer"):
            xfer = nw.when(to_tp).then(nw.col("n_xfer"))
        else:
            inferred = (
                (nw.col("channel") == nw.col("n_channel"))
                & nw.col("channel").is_in(list(ASSISTED_CHANNELS))
                & (nw.col("tp") != nw.col("n_tp"))
            )
            xfer = nw.when(to_tp & both_channels).then(inferred.cast(nw.Float64))
        f = f.with_columns(
            target=target,
            to_tp=to_tp.cast(nw.Float64),
            end=(~to_tp).cast(nw.Int64),
            gap_us=nw.when(nw.col("same_next") & ~has_out).then(
                (nw.col("n_t") - nw.col("t")).cast(nw.Float64)
            ),
            t_ctx=nw.when(to_tp).then(nw.col("n_ctx")),
            t_wait=nw.when(to_tp).then(nw.col("n_wait")),
            t_xfer=xfer,
            switch=nw.when(to_tp & both_channels).then(
                (nw.col("channel") != nw.col("n_channel")).cast(nw.Float64)
            ),
        )
        if self.has("call_reason"):
            if not polars:
                f = f.join(self.case_reasons, on=["customer", "case"], how="left")
            f = f.with_columns(
                issue=nw.coalesce(nw.col("reason"), nw.col("case_reason"), nw.lit(""))
            )
        else:
            f = f.with_columns(issue=nw.lit(""))
        # the neighbours' columns have been read: keep what the tables and contacts use
        return _persist(f.drop(*_WORKING, strict=False))

    def contacts(self, window_us: float) -> nw.LazyFrame[Any]:
        """Touchpoint rows with ``repeat`` (an earlier contact on the same issue within
        the window), ``first`` (not a repeat) and ``fcr`` (a first contact with no
        later contact on the same issue within the window); cached per window."""
        if window_us not in self._contacts:
            self._contacts[window_us] = _persist(self._compute_contacts(window_us))
        return self._contacts[window_us]

    def _compute_contacts(self, window_us: float) -> nw.LazyFrame[Any]:
        order = ["customer", "issue", "t", ROW]
        # materialised before the self-joins, which would otherwise each repeat the window
        f = _persist(row_index(self.rows, "_j", order))
        keys = {"c": "customer", "i": "issue", "t": "t"}
        previous = f.select(
            (nw.col("_j") + 1).alias("_j"), *[nw.col(c).alias(f"_p{k}") for k, c in keys.items()]
        )
        following = f.select(
            (nw.col("_j") - 1).alias("_j"), *[nw.col(c).alias(f"_n{k}") for k, c in keys.items()]
        )
        f = f.join(previous, on="_j", how="left").join(following, on="_j", how="left")
        prev_same = _same("_pc", "customer") & _same("_pi", "issue")
        next_same = _same("_nc", "customer") & _same("_ni", "issue")
        repeat = prev_same & ((nw.col("t") - nw.col("_pt")) <= window_us).fill_null(False)
        again = next_same & ((nw.col("_nt") - nw.col("t")) <= window_us).fill_null(False)
        return f.with_columns(
            repeat=repeat.cast(nw.Float64),
            first=(~repeat).cast(nw.Float64),
            fcr=((~repeat) & (~again)).cast(nw.Float64),
        )

    def contact_sums(self, window_us: float) -> pl.DataFrame:
        """Per touchpoint: ``first_sum`` (first contacts), ``fcr_sum`` (first contacts
        with no later contact on the same issue within the window) and ``repeat_sum``
        (contacts with an earlier one on the same issue within the window)."""
        agg = collect(
            self.contacts(window_us)
            .group_by("tp")
            .agg(
                nw.col("first").sum().alias("first_sum"),
                nw.col("fcr").sum().alias("fcr_sum"),
                nw.col("repeat").sum().alias("repeat_sum"),
            )
        )
        return _normalise(agg).sort("tp")

    # -- collected tables --------------------------------------------------------------
    @cached_property
    def summary(self) -> dict[str, Any]:
        """Counts: customers, cases, contacts, empty cases, first and last event time."""
        rows = collect(
            self.rows.select(
                nw.len().alias("contacts"),
                nw.col("customer").n_unique().alias("customers"),
                nw.col("start").sum().alias("cases"),
                nw.col("t").min().alias("t_min"),
                nw.col("t").max().alias("t_max"),
            )
        ).row(0, named=True)
        empty = collect(
            self.all_rows.filter((nw.col("_kind") == 1) & (nw.col("start") == 1)).select(
                nw.len().alias("n")
            )
        )["n"][0]
        out = {k: (int(v) if v is not None else None) for k, v in rows.items()}
        out["empty_cases"] = int(empty)
        return out

    @cached_property
    def edges_table(self) -> pl.DataFrame:
        """Per (source, target): counts and sums for the edge statistics."""
        f = self.rows
        median = nw.col("gap_us").median().alias("gap_median")
        polars = f.implementation.is_polars()
        agg = collect(
            f.group_by("tp", "target").agg(
                *([median] if polars else []),
                nw.len().alias("count"),
                nw.col("to_tp").max().alias("to_tp"),
                nw.col("gap_us").sum().alias("gap_sum"),
                nw.col("gap_us").count().alias("gap_n"),
                nw.col("t_ctx").sum().alias("ctx_sum"),
                nw.col("t_ctx").count().alias("ctx_n"),
                nw.col("t_wait").sum().alias("wait_sum"),
                nw.col("t_wait").count().alias("wait_n"),
                nw.col("switch").sum().alias("switch_sum"),
                nw.col("switch").count().alias("switch_n"),
                nw.col("t_xfer").sum().alias("xfer_sum"),
                nw.col("t_xfer").count().alias("xfer_n"),
            )
        )
        if polars:  # one pass; elsewhere the median needs its own group_by (Dask)
            agg = agg.select(*[c for c in agg.columns if c != "gap_median"], "gap_median")
            return _normalise(agg).sort("tp", "target")
        med = collect(f.filter(~nw.col("gap_us").is_null()).group_by("tp", "target").agg(median))
        out = _normalise(agg).join(_normalise(med), on=["tp", "target"], how="left")
        return out.sort("tp", "target")

    @cached_property
    def starts_table(self) -> pl.DataFrame:
        """Per (case reason, start touchpoint): number of cases."""
        agg = collect(
            self.rows.filter(nw.col("start") == 1)
            .group_by("issue", "tp")
            .agg(nw.len().alias("count"))
        )
        return _normalise(agg).sort("issue", "tp")

    @cached_property
    def touchpoint_table(self) -> pl.DataFrame:
        """Per touchpoint: contacts, customers and the sums behind every mean and share
        (with declared survey scales, also ``emotion_score_sum``/``_count`` and
        ``csat_sum``)."""
        e = nw.col("emotion")
        # indicator columns first: Dask aggregates plain columns only
        flags = {
            "csat_top": (nw.col("csat") >= 4).cast(nw.Float64),
            "promoter": (nw.col("nps") >= 9).cast(nw.Float64),
            "detractor": (nw.col("nps") <= 6).cast(nw.Float64),
            **{name: (e == name).cast(nw.Float64) for name in EMOTIONS},
        }
        aggs = [
            nw.len().alias("contacts"),
            nw.col("start").sum().alias("starts_count"),
            nw.col("effort").sum().alias("effort_sum"),
            nw.col("effort").count().alias("effort_count"),
            nw.col("csat_top").sum().alias("csat_top_sum"),
            nw.col("csat").count().alias("csat_count"),
            nw.col("promoter").sum().alias("promoter_sum"),
            nw.col("detractor").sum().alias("detractor_sum"),
            nw.col("nps").count().alias("nps_count"),
            nw.col("wait").sum().alias("wait_sum"),
            nw.col("wait").count().alias("wait_count"),
            nw.col("ctx").sum().alias("ctx_sum"),
            nw.col("ctx").count().alias("ctx_count"),
            e.count().alias("emotion_count"),
            *[nw.col(name).sum().alias(f"{name}_sum") for name in EMOTIONS],
        ]
        if self.schema.scale("emotion") is not None:  # the numeric answers' sums
            aggs += [
                nw.col("emotion_score").sum().alias("emotion_score_sum"),
                nw.col("emotion_score").count().alias("emotion_score_count"),
            ]
        if self.schema.scale("csat") is not None:  # for the mean on the declared scale
            aggs.append(nw.col("csat").sum().alias("csat_sum"))
        grouped = self.rows.with_columns(**flags).group_by("tp").agg(*aggs)
        customers = distinct_counts(self.rows, "tp", "customer", "customers")
        table = collect(grouped).join(customers, on="tp", how="left")
        first = ["tp", "contacts", "customers"]
        table = table.select(*first, pl.exclude(first))
        return _normalise(table).sort("tp")

    @cached_property
    def effort_spread(self) -> pl.DataFrame:
        """Per touchpoint: the sample standard deviation of the CES answers."""
        agg = collect(
            self.rows.filter(~nw.col("effort").is_null())
            .group_by("tp")
            .agg(nw.col("effort").std(ddof=1).alias("effort_std"))
        )
        return _normalise(agg).sort("tp")

    @cached_property
    def effort_per_journey(self) -> tuple[bool, float | None, float | None, int]:
        """:meth:`answers_per_journey` of the effort answers."""
        return self.answers_per_journey("effort")

    def answers_per_journey(self, column: str) -> tuple[bool, float | None, float | None, int]:
        """``(per_journey, mean, sd, n)`` of the survey answers in canonical ``column``
        (``effort``, ``csat``…).

        ``per_journey`` is true when every answer sits on a journey's last contact
        (one survey per journey): the answers then measure whole journeys.
        """
        row = collect(
            self.rows.filter(~nw.col(column).is_null())
            .with_columns(_mid=(nw.col("end") == 0).cast(nw.Int64))
            .select(
                nw.len().alias("n"),
                nw.col("_mid").sum().alias("mid"),
                nw.col(column).mean().alias("mean"),
                nw.col(column).std(ddof=1).alias("sd"),
            )
        ).row(0, named=True)
        n = int(row["n"] or 0)
        mean = float(row["mean"]) if row["mean"] is not None else None
        sd = float(row["sd"]) if row["sd"] is not None else None
        return (n > 0 and int(row["mid"] or 0) == 0, mean, sd, n)

    @cached_property
    def reach_table(self) -> pl.DataFrame:
        """Per touchpoint: the number of journeys (cases) that visit it at least once."""
        agg = collect(
            self.rows.select("tp", "customer", "case")
            .unique()
            .group_by("tp")
            .agg(nw.len().alias("count"))
        )
        return _normalise(agg).sort("tp")

    @cached_property
    def credit_table(self) -> pl.DataFrame:
        """Per (touchpoint, outcome its journey reached): the touch credits.

        ``first`` counts the journeys that start at the touchpoint, ``last`` those that
        end there, and ``linear`` adds ``1/k`` for each of a journey's *k* contacts —
        the sums behind first-, last-touch and linear attribution for any target.
        """
        rows = self.rows
        ends = rows.filter(nw.col("end") == 1).select(
            "customer", "case", nw.col("target").alias("case_outcome")
        )
        sizes = rows.group_by("customer", "case").agg(nw.len().alias("k"))
        agg = collect(
            rows.join(ends, on=["customer", "case"], how="inner")
            .join(sizes, on=["customer", "case"], how="inner")
            .with_columns(
                first=nw.col("start").cast(nw.Float64),
                last=nw.col("end").cast(nw.Float64),
                linear=1.0 / nw.col("k").cast(nw.Float64),
            )
            .group_by("tp", "case_outcome")
            .agg(nw.col("first").sum(), nw.col("last").sum(), nw.col("linear").sum())
        )
        out = _normalise(agg.rename({"case_outcome": "outcome"}))
        return out.select("tp", "outcome", "first", "last", "linear").sort("tp", "outcome")

    @cached_property
    def channels_table(self) -> pl.DataFrame:
        """Per (touchpoint, channel): number of events."""
        agg = collect(self.rows.group_by("tp", "channel").agg(nw.len().alias("count")))
        return _normalise(agg).sort("tp", "channel", nulls_last=True)


def whole_journeys_note(field: str, n: int, use: str) -> str:
    """The note for survey answers that all sit on journeys' last contacts.

    >>> whole_journeys_note("effort", 3, "are not compared with the designed steps")
    "effort: all 3 answers are on journeys' last contacts, so they rate whole journeys and are not compared with the designed steps"
    """  # noqa: E501
    return (
        f"{field}: all {n} answers are on journeys' last contacts, so they rate whole "
        f"journeys and {use}"
    )


def designed_ids(journey: Journey, names: Sequence[str]) -> dict[str, str | None]:
    """Each touchpoint name of a log → the designed journey's touchpoint id: the name
    itself when it is an id, else the id of the touchpoint labelled so, else ``None``.

    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> tp = j.graph.touchpoints[0]
    >>> designed_ids(j, [tp.id, tp.label, "elsewhere"]) == {
    ...     tp.id: tp.id,
    ...     tp.label: tp.id,
    ...     "elsewhere": None,
    ... }
    True
    """
    ids = set(journey.graph.touchpoint_ids)
    labels = {tp.label: tp.id for tp in journey.graph.touchpoints if tp.label}
    return {name: name if name in ids else labels.get(name) for name in names}


def as_log(
    events: Any, schema: EventSchema | None = None, journey: Journey | None = None
) -> EventLog:
    """``events`` as an :class:`EventLog` (an ``EventLog`` is returned as it is)."""
    if isinstance(events, EventLog):
        if schema is not None and schema != events.schema:
            raise EventLogError(
                "`schema` cannot be changed for an EventLog (it was read with "
                f"{format_value(events.schema, 80)}); build a new EventLog instead"
            )
        return events
    return EventLog(events, schema=schema, journey=journey)


def _polars_all_rows(frame: pl.LazyFrame | pl.DataFrame) -> pl.DataFrame:
    """:attr:`EventLog.all_rows` on polars: shifted columns for the neighbours.

    ``frame`` is sorted by :func:`~cxkit.analytics._validate.event_order`
    (:func:`~cxkit.analytics._validate.ordered_events` sorts it): each customer's rows
    together and in order, all that the neighbours, cases and starts need. The
    columns and values are those of the other backends' row index and self-joins
    (``_i`` is the row's position); one ``collect``.

    >>> import polars as pl
    >>> f = pl.DataFrame(
    ...     {
    ...         "customer": ["a", "a", "a", "b"],
    ...         "t": [1, 2, 3, 1],
    ...         "_row": [1, 0, 2, 3],
    ...         "tp": ["y", "x", None, "x"],
    ...         "outcome": [None, None, "churn", "resolved"],
    ...     }
    ... )
    >>> for k in ("channel", "ctx", "wait", "xfer"):
    ...     f = f.with_columns(pl.lit(None).alias(k))
    >>> r = _polars_all_rows(f)
    >>> r.select("_i", "customer", "tp", "case", "n_tp", "start", "same_next").rows()
    [(0, 'a', 'y', 0, 'x', 1, True), (1, 'a', 'x', 0, None, 0, True), (2, 'a', None, 0, 'x', 0, False), (3, 'b', 'x', 1, None, 1, False)]
    """  # noqa: E501
    tp, outcome = pl.col("tp"), pl.col("outcome")
    flags = {"_kind": tp.is_null().cast(pl.Int64), "_o": outcome.is_not_null().cast(pl.Int64)}
    lf = (
        frame.lazy()
        .with_columns(**flags)
        .with_row_index("_i")
        .with_columns(_cum=pl.col("_o").cum_sum())
        .with_columns(case=(pl.col("_cum") - pl.col("_o")).cast(pl.Int64))
    )

    def same(a: str, b: str) -> pl.Expr:
        return (pl.col(a) == pl.col(b)).fill_null(False)

    lf = lf.with_columns(
        *[pl.col(c).shift(-1).alias(f"n_{c}") for c in _NEXT],
        p_customer=pl.col("customer").shift(1),
        p_case=pl.col("case").shift(1),
    ).with_columns(
        same_next=same("n_customer", "customer") & same("n_case", "case"),
        start=(~(same("p_customer", "customer") & same("p_case", "case"))).cast(pl.Int64),
    )
    return lf.collect()


def _persist(frame: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """Compute ``frame`` once, so that the aggregates after it reuse it.

    Without this, every aggregate would re-run the checks, the ordered windows and
    the self-joins — and each self-join repeats its whole upstream plan, so lazy
    engines would do exponentially more work (DuckDB took 30 s for 180 000 events).

    * polars: collected (a polars log is in memory anyway);
    * DuckDB: :meth:`DuckDBPyRelation.materialize` (held in DuckDB's client memory);
    * Dask: :func:`dask.persist` (in the workers' memory; the ``.persist()`` method
      fails on these shuffles in dask 2026.8 with "Missing dependency … shuffle");
    * PySpark: ``localCheckpoint()`` (cached on the executors, plan truncated);
    * other backends: left lazy.
    """
    impl = frame.implementation
    with _quiet():
        if impl.is_polars():
            return nw.from_native(collect(frame).lazy())
        if impl.is_duckdb():
            native = frame.to_native()
            if hasattr(native, "materialize"):
                return nw.from_native(native.materialize())
            return frame  # pragma: no cover - duckdb < 1.4
        if impl.is_dask():
            import dask

            (native,) = dask.persist(frame.to_native())
            return nw.from_native(native)
        if impl.is_pyspark():
            return nw.from_native(frame.to_native().localCheckpoint())
    return frame


def _normalise(df: pl.DataFrame) -> pl.DataFrame:
    """Backend-independent dtypes: counts Int64, sums and means Float64, text as text
    (polars carries the text columns as categorical codes: see
    :func:`~cxkit.analytics._validate.ordered_events`)."""
    casts = []
    for name, dtype in df.schema.items():
        if name in (
            "count",
            "contacts",
            "customers",
            "gap_n",
            "ctx_n",
            "wait_n",
            "switch_n",
            "xfer_n",
        ) or name.endswith("_count"):
            casts.append(pl.col(name).cast(pl.Int64))
        elif dtype.is_numeric():
            casts.append(pl.col(name).cast(pl.Float64))
        elif dtype == pl.Categorical:
            casts.append(pl.col(name).cast(pl.String))
    return df.with_columns(casts) if casts else df
