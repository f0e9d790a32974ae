"""A Parquet scan larger than memory: the one engine, run on buckets of whole customers.

A polars ``LazyFrame`` of more than :data:`BUCKET_ROWS` rows is split into buckets of
customers by a hash of their id, and each bucket is checked and counted by the same
engine as any log (:func:`~cxkit.analytics._validate.prepare` and
:class:`~cxkit.analytics.EventLog`), one bucket at a time, so that memory grows with
the bucket rather than with the log. Every journey lies in one bucket, so the tables
add up (:func:`_add`): counts, sums and distinct customers are summed, first and last
times are the least and greatest, and the medians and spreads that do not add up are
taken over the values of all buckets (the gaps of every transition, the effort
answers). Contact sums for a repeat window are counted bucket by bucket when asked
for. The row-level frames (``rows``, ``contacts``), which only the churn model and
``calibrate`` read, come from the whole log, read at once when first needed.

What the checks repair is said once for the whole log: duplicate and tied events are
counted over all buckets; any other warning is given once, as the buckets that found
it said it (its counts are then those of one bucket). An error names what the first
bucket that has it found.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

import narwhals as nw
import numpy as np
import polars as pl

from cxkit.analytics._frames import collect
from cxkit.analytics._log import EventLog
from cxkit.analytics._schema import EventLogWarning, EventSchema, user_stacklevel
from cxkit.analytics._validate import (
    PreparedLog,
    duplicates_note,
    prepare,
    ties_note,
)

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["BUCKET_ROWS", "BucketedLog", "bucket_count"]

#: Rows of a bucket, about: a polars LazyFrame of more than twice as many rows is read
#: in buckets of customers, so that the peak memory stays that of ~2M rows.
BUCKET_ROWS = 1_000_000
_SEED = 0x9E3779B97F4A7C15


def bucket_count(events: Any, schema: EventSchema | None) -> int:
    """How many buckets a log is read in: 1 unless it is a polars LazyFrame of more than
    twice :data:`BUCKET_ROWS` rows whose customer column exists."""
    if not isinstance(events, pl.LazyFrame):
        return 1
    customer = (schema or EventSchema()).customer
    try:
        if customer not in events.collect_schema().names():
            return 1
        n = int(events.select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, OSError):
        return 1  # left to the checks, which say what is wrong
    return math.ceil(n / BUCKET_ROWS) if n > 2 * BUCKET_ROWS else 1


class BucketedLog(EventLog):
    """An :class:`EventLog` read in buckets of customers (see the module docstring).

    :class:`EventLog` returns one for a large polars LazyFrame; it answers every table
    as the whole log would.
    """

    def __init__(
        self,
        events: pl.LazyFrame,
        *,
        schema: EventSchema | None = None,
        journey: Journey | None = None,
        buckets: int | None = None,
    ) -> None:
        self._events, self._journey = events, journey
        self._contacts: dict[float, nw.LazyFrame[Any]] = {}
        self._sums: dict[float, pl.DataFrame] = {}
        self._later_notes: list[str] = []
        k = buckets if buckets is not None else bucket_count(events, schema)
        customer = pl.col((schema or EventSchema()).customer).cast(pl.String)
        bucket = (customer.hash(_SEED) % k).alias("_bucket")
        # one streamed pass for the buckets that hold rows
        held = events.select(bucket).unique().collect(engine="streaming")["_bucket"]
        self._parts = [events.filter(bucket == b) for b in sorted(held.to_list())]
        self._read(schema)

    # -- reading the buckets ---------------------------------------------------------
    def _logs(self, schema: EventSchema | None) -> Iterator[EventLog]:
        """Each non-empty bucket as an :class:`EventLog`, its warnings held back."""
        for part in self._parts:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EventLogWarning)
                yield EventLog(prepare(part, schema, journey=self._journey))

    def _read(self, schema: EventSchema | None) -> None:
        tables: dict[str, list[pl.DataFrame]] = {name: [] for name in _TABLES}
        gaps: dict[tuple[str, str], list[np.ndarray]] = {}
        self._preps: list[PreparedLog] = []
        summaries: list[dict[str, Any]] = []
        for log in self._logs(schema):
            # the bucket's counts and notes, not its rows
            self._preps.append(dataclasses.replace(log.prepared, frame=None))
            summaries.append(log.summary)
            for name, read in _TABLES.items():
                tables[name].append(read(log))
            for key, values in _gaps(log).items():
                gaps.setdefault(key, []).append(values)
        self.schema = self._preps[0].schema
        self.missing = self.schema.missing_outcome
        self._summary = _add_summaries(summaries)
        self._tables = {name: _MERGE[name](tables[name]) for name in _MERGE}
        self._tables["edges"] = _add_edges(tables["edges"], gaps)
        for note in self._bucket_notes:
            warnings.warn(note, EventLogWarning, stacklevel=user_stacklevel())

    # -- what EventLog reads from its PreparedLog ---------------------------------------
    @property
    def n_events(self) -> int:
        return sum(p.n_rows for p in self._preps)

    @property
    def n_tied(self) -> int:
        return sum(p.n_tied for p in self._preps)

    @property
    def backend(self) -> str:
        return "polars"

    @property
    def columns(self) -> frozenset[str]:
        return self._preps[0].available

    def has(self, name: str) -> bool:
        return name in self._preps[0].available

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        return tuple(sorted({o for p in self._preps for o in p.outcome_ids}))

    @property
    def warnings(self) -> tuple[str, ...]:
        return (*self._bucket_notes, *self._later_notes)

    @cached_property
    def _bucket_notes(self) -> tuple[str, ...]:
        """What the checks repaired, said once for the whole log."""
        notes: list[str] = []
        for p in self._preps:
            notes += [n for n in p.warnings if n not in notes and not _counted(n)]
        n_dup = sum(p.n_duplicates for p in self._preps)
        if n_dup:
            n_kept = sum(p.n_rows + p.n_duplicates for p in self._preps)
            notes.append(duplicates_note(n_dup, n_kept, by_id="event_id" in self.columns))
        if self.n_tied:
            notes.append(ties_note(self.n_tied, self.schema))
        return tuple(notes)

    # -- the row-level frames: the whole log ------------------------------------------
    @cached_property
    def prepared(self) -> PreparedLog:  # type: ignore[override]
        """The whole log, checked (read at once: only row-level analyses need it)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EventLogWarning)
            return prepare(self._events, self.schema, journey=self._journey)

    def contact_sums(self, window_us: float) -> pl.DataFrame:
        """Per touchpoint, the first, FCR and repeat contacts, counted bucket by bucket."""
        if window_us not in self._sums:
            parts = [log.contact_sums(window_us) for log in self._logs(self.schema)]
            self._sums[window_us] = _add(parts, ["tp"])
        return self._sums[window_us]

    # -- the tables ---------------------------------------------------------------------
    @property
    def summary(self) -> dict[str, Any]:  # type: ignore[override]
        return dict(self._summary)

    @property
    def edges_table(self) -> pl.DataFrame:  # type: ignore[override]
        return self._tables["edges"]

    @property
    def starts_table(self) -> pl.DataFrame:  # type: ignore[override]
        return self._tables["starts"]

    @property
    def touchpoint_table(self) -> pl.DataFrame:  # type: ignore[override]
        return self._tables["touchpoints"]

    @property
    def effort_spread(self) -> pl.DataFrame:  # type: ignore[override]
        return _effort_spread(self._tables["efforts"])

    @property
    def effort_per_journey(self) -> tuple[bool, float | None, float | None, int]:  # type: ignore[override]
        return _effort_per_journey(self._tables["efforts"])

    @property
    def reach_table(self) -> pl.DataFrame:  # type: ignore[override]
        return self._tables["reach"]

    @property
    def credit_table(self) -> pl.DataFrame:  # type: ignore[override]
        return self._tables["credit"]

    @property
    def channels_table(self) -> pl.DataFrame:  # type: ignore[override]
        return self._tables["channels"]


def _counted(note: str) -> bool:
    """Whether ``note`` is a bucket's count of duplicate or tied events (said again for
    the whole log)."""
    return (note.startswith("dropped ") and " duplicate event" in note) or (
        " share their customer" in note
    )


def _gaps(log: EventLog) -> dict[tuple[str, str], np.ndarray]:
    """Every transition's gap by (source, target), to take the medians over all buckets:
    8 bytes a transition."""
    gaps = collect(
        log.rows.filter(~nw.col("gap_us").is_null()).select("tp", "target", "gap_us")
    ).partition_by("tp", "target", as_dict=True)
    return {(str(a), str(b)): g["gap_us"].to_numpy() for (a, b), g in gaps.items()}


def _medians(gaps: dict[tuple[str, str], list[np.ndarray]]) -> pl.DataFrame:
    """The median gap of each transition over the gaps of all buckets, one at a time."""
    keys = list(gaps)
    return pl.DataFrame(
        {
            "tp": [k[0] for k in keys],
            "target": [k[1] for k in keys],
            "gap_median": [float(np.median(np.concatenate(gaps[k]))) for k in keys],
        },
        schema={"tp": pl.String, "target": pl.String, "gap_median": pl.Float64},
    )


def _efforts(log: EventLog) -> pl.DataFrame:
    """Every effort answer, with whether it sits on a journey's last contact."""
    if not log.has("effort"):
        return pl.DataFrame(schema={"tp": pl.String, "effort": pl.Float64, "end": pl.Int64})
    rows = log.rows.filter(~nw.col("effort").is_null()).select("tp", "effort", "end")
    return _decoded(collect(rows))


def _decoded(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.col(pl.Categorical).cast(pl.String))


#: Each table of a bucket, read from its EventLog.
_TABLES: dict[str, Callable[[EventLog], pl.DataFrame]] = {
    "edges": lambda log: log.edges_table,
    "starts": lambda log: log.starts_table,
    "touchpoints": lambda log: log.touchpoint_table,
    "efforts": _efforts,
    "reach": lambda log: log.reach_table,
    "credit": lambda log: log.credit_table,
    "channels": lambda log: log.channels_table,
}


def _add(parts: list[pl.DataFrame], keys: list[str], largest: tuple[str, ...] = ()) -> pl.DataFrame:
    """The buckets' tables added up by ``keys`` (``largest``: the greatest value)."""
    frame = pl.concat(parts, how="vertical_relaxed")
    values = [c for c in frame.columns if c not in keys]
    aggs = [pl.col(c).max() if c in largest else pl.col(c).sum() for c in values]
    out = frame.group_by(keys, maintain_order=False).agg(aggs)
    return out.select(frame.columns).sort(keys, nulls_last=True)


def _add_edges(
    parts: list[pl.DataFrame], gaps: dict[tuple[str, str], list[np.ndarray]]
) -> pl.DataFrame:
    keys = ["tp", "target"]
    summed = _add([p.drop("gap_median") for p in parts], keys, largest=("to_tp",))
    out = summed.join(_medians(gaps), on=keys, how="left")
    return out.select(parts[0].columns).sort(keys)


def _add_summaries(parts: list[dict[str, Any]]) -> dict[str, Any]:
    out = {
        k: sum(p[k] or 0 for p in parts) for k in ("contacts", "customers", "cases", "empty_cases")
    }
    times = [p for p in parts if p["t_min"] is not None]
    out["t_min"] = min(p["t_min"] for p in times) if times else None
    out["t_max"] = max(p["t_max"] for p in times) if times else None
    return {k: out[k] for k in parts[0]}


def _effort_spread(efforts: pl.DataFrame) -> pl.DataFrame:
    agg = efforts.group_by("tp").agg(pl.col("effort").std(ddof=1).alias("effort_std"))
    return agg.with_columns(pl.col("effort_std").cast(pl.Float64)).sort("tp")


def _effort_per_journey(efforts: pl.DataFrame) -> tuple[bool, float | None, float | None, int]:
    n = efforts.height
    mean = float(efforts["effort"].mean()) if n else None  # type: ignore[arg-type]
    sd = efforts["effort"].std(ddof=1) if n > 1 else None
    mid = int((efforts["end"] == 0).sum()) if n else 0
    return (n > 0 and mid == 0, mean, float(sd) if sd is not None else None, n)  # type: ignore[arg-type]


_MERGE: dict[str, Callable[[list[pl.DataFrame]], pl.DataFrame]] = {
    "starts": lambda parts: _add(parts, ["issue", "tp"]),
    "touchpoints": lambda parts: _add(parts, ["tp"]),
    "efforts": lambda parts: pl.concat(parts, how="vertical_relaxed"),
    "reach": lambda parts: _add(parts, ["tp"]),
    "credit": lambda parts: _add(parts, ["tp", "outcome"]),
    "channels": lambda parts: _add(parts, ["tp", "channel"]),
}
