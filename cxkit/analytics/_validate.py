"""Robust reading of an event log: every fault is reported or repaired, never hidden.

:func:`prepare` turns any narwhals-compatible frame into the canonical lazy frame the
analytics read, with one column per :class:`~cxkit.analytics.EventSchema` field:

======================  ==========================================================
column                  content
======================  ==========================================================
``customer``            the customer id, as text
``t``                   event time, int64 microseconds since 1970-01-01 UTC
``tp``                  touchpoint id (null on a row that only records an outcome)
``channel``             channel id or null
``reason``              call reason or null
``emotion``             ``dissatisfied`` / ``satisfied`` / ``delighted`` or null
``effort`` … ``wait``   CES, CSAT, NPS, wait (s) as float64, or null
``emotion_score``       a numeric emotion on its declared scale, or null
``ctx``, ``xfer``       context lost / transfer as 1.0 / 0.0, or null
``outcome``             outcome id or null
======================  ==========================================================

How each fault is handled (tested one by one in ``tests/analytics/test_validate.py``):

* a missing or misspelled column → :class:`EventLogError` with a did-you-mean;
* null customer ids or timestamps, or text that is not a date → error naming how
  many rows and showing the first one;
* an empty log → error;
* values out of range (effort outside 1–5, CSAT outside 1–5, NPS outside 0–10,
  negative waits, flags other than 0/1) and unknown emotions → error;
* survey columns with a declared scale (``EventSchema(scales=…)``) → mapped to the
  canonical scales by :mod:`cxkit.analytics._scales`; answers outside the declared
  scale → error;
* unknown outcomes → error with a did-you-mean, or mapped to ``other`` when
  ``EventSchema(unknown_outcomes="other")`` (with a counted warning);
* duplicate events — rows equal in every column of the input, or with the same
  event id when ``EventSchema.event_id`` names an id column — → dropped, with a
  counted :class:`EventLogWarning`; rows that differ in any column are kept;
* events of one customer at the same time (ties) → kept in the input's row order
  (after ``EventSchema.order``'s column when one is given), with a counted warning;
* no outcome column and no ``EventSchema.outcome_touchpoints`` → a warning that every
  journey ends in ``EventSchema.missing_outcome``;
* rows with neither a touchpoint nor an outcome → dropped, with a counted warning;
* unsorted rows → nothing to do: every ordered computation sorts by time, the order
  column and the input row (``_row``);
* time zones → every time is converted to UTC (naive times are read as UTC); text
  times that mix both kinds → a counted warning (``_readers.mixed_zones_note``);
* a file path → read and checked by :func:`~cxkit.analytics.read_events` first;
* text in the string columns is stripped, and empty text counts as null;
* with ``EventSchema(split_channels=True)``, a touchpoint seen in several channels
  becomes one touchpoint per channel, ``tp = "<touchpoint> (<channel>)"``
  (:mod:`cxkit.analytics._channels`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from cxkit.analytics._channels import split_touchpoints
from cxkit.analytics._frames import T_US, collect, lazy_frame, with_epoch_us, with_input_order
from cxkit.analytics._scales import canonical_expr
from cxkit.analytics._schema import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    EventLogError,
    EventLogWarning,
    EventSchema,
    user_stacklevel,
)
from cxkit.core.errors import format_value
from cxkit.core.model import OutcomeKind
from cxkit.core.suggest import did_you_mean

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["EMOTIONS", "PreparedLog", "prepare"]

#: Canonical emotion values, in scale order.
EMOTIONS: tuple[str, ...] = ("dissatisfied", "satisfied", "delighted")
_EMOTION_SPELLINGS = {
    "dissatisfied": ("dissatisfied", "不満"),
    "satisfied": ("satisfied", "満足"),
    "delighted": ("delighted", "感動"),
}

#: Canonical column of each schema field.
CANONICAL: dict[str, str] = {
    "customer": "customer",
    "timestamp": "t",
    "touchpoint": "tp",
    "channel": "channel",
    "call_reason": "reason",
    "emotion": "emotion",
    "effort": "effort",
    "outcome": "outcome",
    "csat": "csat",
    "nps": "nps",
    "context_lost": "ctx",
    "wait_s": "wait",
    "transfer": "xfer",
}
_TEXT_FIELDS = ("touchpoint", "channel", "call_reason", "outcome")
_NUMBER_FIELDS = ("effort", "csat", "nps", "wait_s")
_FLAG_FIELDS = ("context_lost", "transfer")
_RANGES = {
    "effort": (1.0, 5.0, "a CES answer from 1 to 5"),
    "csat": (1.0, 5.0, "a CSAT answer from 1 to 5"),
    "nps": (0.0, 10.0, "an NPS answer from 0 to 10"),
    "wait_s": (0.0, float("inf"), "a wait of 0 seconds or more"),
}


@dataclass(frozen=True, eq=False)
class PreparedLog:
    """A checked event log in canonical columns (see the module docstring).

    ``frame`` is lazy on every backend; ``available`` names the optional schema
    fields the log has; ``warnings`` repeats what was repaired. On polars the
    rows of ``frame`` are sorted by :func:`event_order` (see :func:`ordered_events`).
    ``n_tied``: events that share customer and time (and
    order value) with another event, kept in input order.
    """

    frame: nw.LazyFrame[Any]
    schema: EventSchema
    available: frozenset[str]
    backend: str
    n_rows_read: int
    n_rows: int
    n_duplicates: int
    outcome_ids: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())
    n_tied: int = 0

    def has(self, name: str) -> bool:
        """Whether optional field ``name`` is in the log."""
        return name in self.available


def _warn(messages: list[str], text: str) -> None:
    messages.append(text)
    warnings.warn(text, EventLogWarning, stacklevel=user_stacklevel())


def duplicates_note(n_duplicates: int, n_kept: int, *, by_id: bool = False) -> str:
    """The warning about dropped duplicate events.

    >>> duplicates_note(2, 10)
    "dropped 2 duplicate events (rows equal in every column) of 10; pass EventSchema(duplicates='keep') (CLI --keep-duplicates) if they are separate events"
    """  # noqa: E501
    plural = "s" if n_duplicates != 1 else ""
    if by_id:
        return (
            f"dropped {n_duplicates} duplicate event{plural} (rows with the same event id) "
            f"of {n_kept}"
        )
    return (
        f"dropped {n_duplicates} duplicate event{plural} (rows equal in every column) of "
        f"{n_kept}; pass EventSchema(duplicates='keep') (CLI --keep-duplicates) if they are "
        "separate events"
    )


def _strip_text(expr: nw.Expr) -> nw.Expr:
    text = expr.cast(nw.String).str.strip_chars()
    return nw.when(text.str.len_chars() > 0).then(text)


def _emotion_expr(raw: nw.Expr) -> nw.Expr:
    key = raw.str.to_lowercase()
    out: nw.Expr = nw.lit(None, dtype=nw.String)
    for name in reversed(EMOTIONS):
        out = nw.when(key.is_in(list(_EMOTION_SPELLINGS[name]))).then(nw.lit(name)).otherwise(out)
    return out


def _known_outcomes(schema: EventSchema, journey: Journey | None) -> list[str]:
    known = [k.value for k in OutcomeKind]
    known += list(schema.outcomes)
    if journey is not None:
        known += list(journey.graph.outcome_ids)
    known.append(schema.missing_outcome)
    return list(dict.fromkeys(known))


def _example(lf: nw.LazyFrame[Any], condition: nw.Expr, columns: Sequence[str]) -> str:
    row = collect(lf.filter(condition).select(list(dict.fromkeys(columns))).head(1))
    if row.height == 0:  # pragma: no cover - the count said there was one
        return ""
    return format_value({k: _plain(v) for k, v in row.row(0, named=True).items()}, 200)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _rows(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


#: What :func:`resolve_columns` found: the schema, the frame as a narwhals LazyFrame,
#: whether it was eager, its dtypes, the optional fields present, and the warnings
#: already given.
Resolved = tuple[EventSchema, "nw.LazyFrame[Any]", bool, dict[str, Any], set[str], list[str]]


def resolve_columns(events: Any, schema: EventSchema | None, argument: str = "events") -> Resolved:
    """Find the schema's columns in ``events`` and check their types.

    Raises :class:`EventLogError` for a missing column (with a did-you-mean) or a
    column of the wrong type; warns (once) about a column that is surely an optional
    field spelt differently.
    """
    schema = schema if schema is not None else EventSchema()
    if not isinstance(schema, EventSchema):
        raise EventLogError(f"`schema` must be an EventSchema, got {format_value(schema)}")
    if isinstance(events, (str, os.PathLike)):  # a file: checked and scanned
        from cxkit.analytics._readers import read_events

        events = read_events(events, schema=schema)
    lf, eager = lazy_frame(events, argument=argument)
    try:
        dtypes = dict(lf.collect_schema().items())
    except Exception as exc:  # noqa: BLE001 - a backend's own failure, reported plainly
        raise EventLogError(f"cannot read the columns of `{argument}`: {exc}") from None
    columns = list(dtypes)

    problems: list[str] = []
    notes: list[str] = []
    available: set[str] = set()
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        col = schema.column(name)
        if col is None:
            continue
        if col in dtypes:
            if name in OPTIONAL_FIELDS:
                available.add(name)
            continue
        hint = did_you_mean(col, [c for c in columns if c not in _used(schema)])
        what = f"column {col!r} ({_describe(name)})"
        if name in REQUIRED_FIELDS or not schema.is_default(name):
            msg = f"{what} is missing"
            if hint:
                guess = hint.split("'")[1]
                msg += f"; {hint} Pass EventSchema({name}={guess!r}) if that is the column."
            else:
                msg += f"; the log has {_list(columns)}"
            problems.append(msg)
        elif (guess := _lookalike(col, [c for c in columns if c not in _used(schema)])) is not None:
            _warn(
                notes,
                f"the log has no column {col!r} ({_describe(name)}) but has {guess!r}; "
                f"pass EventSchema({name}={guess!r}) to use it",
            )
    if problems:
        raise EventLogError(problems)

    # dtypes
    for name in REQUIRED_FIELDS + tuple(sorted(available)):
        col = schema.column(name)
        assert col is not None
        problems += _dtype_problems(
            name, col, dtypes[col], lf.implementation.is_polars(), schema.scale(name)
        )
    if problems:
        raise EventLogError(problems)

    native = lf.to_native()
    if eager and isinstance(native, pl.LazyFrame) and dtypes[schema.timestamp] == nw.String:
        # in memory, so cheap (a file's times are checked by read_events)
        from cxkit.analytics._readers import mixed_zones_note

        note = mixed_zones_note(native, schema.timestamp)
        if note:
            _warn(notes, note)
    return schema, lf, eager, dtypes, available, notes


def prepare(
    events: Any,
    schema: EventSchema | None = None,
    *,
    journey: Journey | None = None,
    argument: str = "events",
) -> PreparedLog:
    """Check ``events`` and return it in canonical columns (see the module docstring).

    Raises
    ------
    EventLogError
        Listing every problem found (missing columns, nulls, bad values…).

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ["a", "a"],
    ...         "timestamp": [dt.datetime(2026, 1, 1, 9), dt.datetime(2026, 1, 1, 10)],
    ...         "touchpoint": ["web", "phone"],
    ...     }
    ... )
    >>> p = prepare(log)
    >>> p.n_rows, sorted(p.available), p.backend
    (2, [], 'polars')
    >>> prepare(log.rename({"touchpoint": "touch_point"}))
    Traceback (most recent call last):
    ...
    cxkit.analytics._schema.EventLogError: column 'touchpoint' (the touchpoint) is missing; did you mean 'touch_point'? Pass EventSchema(touchpoint='touch_point') if that is the column.
    """  # noqa: E501
    schema, lf, eager, dtypes, available, notes = resolve_columns(events, schema, argument)
    backend = str(lf.implementation.name).lower()
    raw = with_input_order(lf, ROW)
    ts_col = schema.timestamp
    full, lf, checks, counted = _canonical(raw, schema, available, dtypes, eager)
    summed = collect(lf.select(*_sums(counted))).row(0, named=True)
    counts = {k: int(v or 0) for k, v in summed.items()}
    n_read = counts["n"]
    if n_read == 0:
        raise EventLogError(
            f"the event log `{argument}` is empty (0 rows); expected one row per event "
            f"with at least the columns {schema.customer!r}, {schema.timestamp!r} and "
            f"{schema.touchpoint!r}"
        )
    problems = _problems(full, schema, checks, counts)
    lf, outcome_ids = _outcomes(lf, schema, journey, available, problems, notes)
    if problems:
        raise EventLogError(problems)
    _warn_without_outcomes(schema, available, notes)
    if counts["empty"]:
        key_cols = [schema.customer, ts_col, schema.touchpoint]
        _warn(
            notes,
            f"{_rows(counts['empty'])} of {n_read} have neither a touchpoint nor an outcome "
            f"and were ignored; e.g. {_example(full, checks['empty'], key_cols)}",
        )
    keep = {k: nw.col(f"__cx_{k}") for k in (*CANONICAL.values(), "emotion_score")}
    keep |= {k: nw.col(schema.column(f)) for f, k in _ORDER_FIELDS.items() if f in available}  # type: ignore[arg-type]
    frame = lf.filter(~counted["empty"]).select(nw.col(ROW), **keep)
    n_kept = n_read - counts["empty"]
    frame, n_dup, tied = ordered_events(frame, raw, schema, available)
    n_rows = n_kept - n_dup
    if n_dup:
        _warn(notes, duplicates_note(n_dup, n_kept, by_id="event_id" in available))
    if tied:
        _warn(notes, ties_note(tied, schema))
    if n_rows == 0:
        raise EventLogError(
            f"the event log `{argument}` has no usable event: all {n_read} rows lack both a "
            "touchpoint and an outcome"
        )
    return PreparedLog(
        frame=frame,
        schema=schema,
        available=frozenset(available),
        backend=backend,
        n_rows_read=n_read,
        n_rows=n_rows,
        n_duplicates=n_dup,
        outcome_ids=tuple(outcome_ids),
        warnings=tuple(notes),
        n_tied=tied,
    )


def _canonical(
    raw: nw.LazyFrame[Any],
    schema: EventSchema,
    available: set[str],
    dtypes: dict[str, Any],
    eager: bool,
) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any], dict[str, nw.Expr], dict[str, nw.Expr]]:
    """The canonical columns and the checks of :func:`prepare`.

    Returns ``full`` (the input with the canonical columns, lazy: for the examples of a
    message), the frame to read on (on polars: the canonical columns and one flag per
    check, computed once), the checks as expressions on ``full`` and as columns of the
    frame to read on.
    """
    polars = raw.implementation.is_polars()
    lf = with_epoch_us(raw, schema.timestamp, dtypes[schema.timestamp])
    # in memory: one cheap pass over the distinct values (a scan would be read twice)
    in_memory = polars and eager
    clean = _clean_text_fields(lf, schema, available, dtypes) if in_memory else frozenset()
    canon = _canonical_exprs(schema, available, dtypes, clean)
    full = lf.with_columns(**{f"__cx_{k}": v for k, v in canon.items()})
    if schema.split_channels and "channel" in available:
        full = split_touchpoints(full, "__cx_tp", "__cx_channel")
    checks = _checks(schema, available, dtypes, clean)
    if not polars:
        return full, full, checks, checks
    extra = [schema.column(f) for f in _ORDER_FIELDS if f in available]
    flags = {f"__chk_{k}": e for k, e in checks.items()}
    lf = nw.from_native(
        full.select(ROW, *extra, *[f"__cx_{k}" for k in canon], **flags)  # type: ignore[arg-type]
        .to_native()
        # text as categorical codes from here on (see ordered_events)
        .with_columns(pl.col([f"__cx_{c}" for c in _CODED]).cast(pl.Categorical))
        # a scan (a bucket of one, say) is streamed: only the rows kept are held
        .collect(engine="streaming")
        .lazy()
    )
    return full, lf, checks, {k: nw.col(f"__chk_{k}") for k in checks}


def _checks(
    schema: EventSchema,
    available: set[str],
    dtypes: dict[str, Any],
    clean: frozenset[str] = frozenset(),
) -> dict[str, nw.Expr]:
    """One boolean expression per fault that :func:`prepare` counts."""
    c = {k: nw.col(f"__cx_{k}") for k in CANONICAL.values()}
    ts_col = schema.timestamp
    checks: dict[str, nw.Expr] = {
        "null_customer": c["customer"].is_null(),
        "null_ts": nw.col(ts_col).is_null(),
        "bad_ts": (~nw.col(ts_col).is_null()) & c["t"].is_null(),
        "empty": c["tp"].is_null() & c["outcome"].is_null(),
    }
    for name in _NUMBER_FIELDS:
        if name in available:
            lo, hi, _ = _range(schema, name)
            v = _checked_value(schema, name, c)
            checks[f"range_{name}"] = (~v.is_null()) & ((v < lo) | (v > hi))
    if "emotion" in available and schema.scale("emotion") is not None:
        lo, hi, _ = _range(schema, "emotion")
        v = nw.col("__cx_emotion_score")
        checks["range_emotion"] = (~v.is_null()) & ((v < lo) | (v > hi))
    for name in _FLAG_FIELDS:
        if name in available:
            v = c[CANONICAL[name]]
            col = schema.column(name)
            if _is_text(dtypes[col]):  # type: ignore[index]
                raw = _strip_text(nw.col(col))  # type: ignore[arg-type]
                checks[f"range_{name}"] = (~raw.is_null()) & v.is_null()
            else:
                checks[f"range_{name}"] = (~v.is_null()) & (v != 0) & (v != 1)
    if "emotion" in available and schema.scale("emotion") is None:
        emotion = nw.col(schema.emotion)  # type: ignore[arg-type]
        raw = emotion.cast(nw.String) if "emotion" in clean else _strip_text(emotion)
        checks["bad_emotion"] = (~raw.is_null()) & c["emotion"].is_null()
    return checks


def _sums(checks: dict[str, nw.Expr]) -> list[nw.Expr]:
    return [nw.len().alias("n")] + [e.cast(nw.Int64).sum().alias(k) for k, e in checks.items()]


def _problems(
    lf: nw.LazyFrame[Any], schema: EventSchema, checks: dict[str, nw.Expr], counts: dict[str, int]
) -> list[str]:
    """The messages of every fault counted in ``counts`` (each with an example row)."""
    problems: list[str] = []
    n_read, ts_col = counts["n"], schema.timestamp
    key_cols = [schema.customer, ts_col, schema.touchpoint]
    if counts["null_customer"]:
        problems.append(
            f"column {schema.customer!r} (the customer id) is null in "
            f"{_rows(counts['null_customer'])} of {n_read}; e.g. "
            f"{_example(lf, checks['null_customer'], key_cols)} — expected an id on every row"
        )
    if counts["null_ts"]:
        problems.append(
            f"column {ts_col!r} (the event time) is null in {_rows(counts['null_ts'])} of "
            f"{n_read}; e.g. {_example(lf, checks['null_ts'], key_cols)} — expected a "
            "time on every row"
        )
    if counts["bad_ts"]:
        problems.append(
            f"column {ts_col!r} (the event time) cannot be read as a date and time in "
            f"{_rows(counts['bad_ts'])}; e.g. "
            f"{_example(lf, checks['bad_ts'], key_cols)} — expected ISO 8601 text such as "
            "'2026-01-31T09:30:00+09:00' or a datetime column"
        )
    for name in ("emotion", *_NUMBER_FIELDS, *_FLAG_FIELDS):
        n_bad = counts.get(f"range_{name}", 0)
        if n_bad:
            col = schema.column(name)
            ranged = name in _RANGES or name == "emotion"
            expected = _range(schema, name)[2] if ranged else "true/false (or 1/0)"
            where = "outside its declared scale" if schema.scale(name) else "out of range"
            problems.append(
                f"column {col!r} ({_describe(name)}) is {where} in {_rows(n_bad)}; e.g. "
                f"{_example(lf, checks[f'range_{name}'], [*key_cols, col])} — expected {expected}"
                + _scale_hint(schema, name)
            )
    if counts.get("bad_emotion"):
        problems.append(_emotion_problem(lf, schema, checks["bad_emotion"], counts["bad_emotion"]))
    return problems


def _emotion_problem(lf: nw.LazyFrame[Any], schema: EventSchema, bad_rows: nw.Expr, n: int) -> str:
    col = schema.emotion
    assert col is not None
    bad = collect(
        lf.filter(bad_rows)
        .group_by(col)
        .agg(nw.len().alias("n"))
        .sort(["n", col], descending=[True, False])
        .head(5)
    )
    shown = ", ".join(
        f"{v!r} ({k}×){_hint(v, [*EMOTIONS, '不満', '満足', '感動'])}" for v, k in bad.rows()
    )
    return (
        f"column {col!r} (the emotion) has unknown values in {_rows(n)}: {shown} — expected "
        "one of 'dissatisfied', 'satisfied', 'delighted' (or 不満, 満足, 感動)"
        + _scale_hint(schema, "emotion")
    )


def _outcomes(
    lf: nw.LazyFrame[Any],
    schema: EventSchema,
    journey: Journey | None,
    available: set[str],
    problems: list[str],
    notes: list[str],
) -> tuple[nw.LazyFrame[Any], list[str]]:
    """Check the outcomes the log records; map undeclared ones to ``other`` if asked.

    Returns the frame and the sorted outcome ids; appends to ``problems``/``notes``.
    """
    if "outcome" not in available and not schema.outcome_touchpoints:
        return lf, []
    out = nw.col("__cx_outcome")
    seen = collect(
        lf.filter(~out.is_null())
        .group_by("__cx_outcome")
        .agg(nw.len().alias("n"))
        .sort("__cx_outcome")
    )
    known = _known_outcomes(schema, journey)
    unknown = [(v, n) for v, n in seen.rows() if v not in known]
    where = (
        f"column {schema.outcome!r} (the outcome)"
        if "outcome" in available
        else "EventSchema.outcome_touchpoints"
    )
    if unknown and schema.unknown_outcomes == "error":
        shown = ", ".join(f"{v!r} ({n}×){_hint(v, known)}" for v, n in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        problems.append(
            f"{where} has unknown outcomes: {shown}{more} — "
            f"expected one of {_list(known)}; declare other ids with "
            "EventSchema(outcomes=(...)) or map them to 'other' with "
            "EventSchema(unknown_outcomes='other')"
        )
    elif unknown:
        total = sum(n for _, n in unknown)
        _warn(
            notes,
            f"{_rows(total)} had outcomes that are not declared "
            f"({_list([v for v, _ in unknown])}); they were mapped to 'other'",
        )
        lf = lf.with_columns(
            nw.when(out.is_in([v for v, _ in unknown]))
            .then(nw.lit("other"))
            .otherwise(out)
            .alias("__cx_outcome")
        )
    return lf, sorted({("other" if v not in known else v) for v, _ in seen.rows()})


def _warn_without_outcomes(schema: EventSchema, available: set[str], notes: list[str]) -> None:
    """Warn when nothing in the log or the schema says how journeys end."""
    declared = schema.outcome_touchpoints or not schema.is_default("missing_outcome")
    if "outcome" in available or declared:
        return
    _warn(
        notes,
        "the log records no outcome (no outcome column): every journey ends in "
        f"{schema.missing_outcome!r}, so first-contact resolution and conversion are 0; "
        "declare which touchpoints end a journey with EventSchema(outcome_touchpoints="
        "{'Closed': 'resolved'}) (CLI --outcome-touchpoint Closed=resolved), or the "
        "outcome of every journey with EventSchema(missing_outcome='resolved') "
        "(CLI --missing-outcome resolved)",
    )


#: The column of the input row number (the input order: the last sort key).
ROW = "_row"
#: Optional schema fields carried into the canonical frame unchanged, and their column.
_ORDER_FIELDS = {"order": "order", "event_id": "eid"}
#: Text columns that polars carries as categorical codes once checked: the sort, the
#: shifts and the group-bys then move and hash integers (the tables are decoded by
#: ``_log._normalise``).
_CODED = ("tp", "outcome", "channel", "reason", "emotion")
#: Seed of the customer hash that polars sorts by (see :func:`ordered_events`).
_HASH_SEED = 0x2545F4914F6CDD1D


def event_order(has_order: bool) -> list[str]:
    """The sort keys of a customer's events: time, the order column, the input row."""
    return ["customer", "t", *(["order"] if has_order else []), ROW]


def ordered_events(
    frame: nw.LazyFrame[Any], raw: nw.LazyFrame[Any], schema: EventSchema, available: set[str]
) -> tuple[nw.LazyFrame[Any], int, int]:
    """Drop duplicate events; count the events tied with another; sort on polars.

    Duplicates are rows with the same event id when ``EventSchema.event_id`` is given,
    otherwise rows equal in every column of the input (``raw``). Two events *tie*
    when they share customer, time (and order value): they keep their input order.
    On polars the frame comes back sorted by :func:`event_order` (customers grouped
    by a 64-bit hash of their id — an integer sort instead of a text sort — or by
    their id in the unlikely case that two ids share a hash). Returns the frame, the
    number of duplicates dropped and the number of tied events kept.
    """
    keys = event_order("order" in available)
    if frame.implementation.is_polars():
        native = _sorted_polars(frame.to_native(), keys)
        tie = _tie_flags(keys[:-1])
        frame = nw.from_native(native.with_columns(_tie=tie).lazy())
        tied_rows = frame.filter(nw.col("_tie")).select(ROW, *keys[:-1])
        frame = frame.drop("_tie")
    else:
        groups = frame.group_by(*keys[:-1]).agg(nw.len().alias("_n")).filter(nw.col("_n") > 1)
        tied_rows = frame.join(groups.drop("_n"), on=keys[:-1], how="semi").select(ROW, *keys[:-1])
    dropped = _duplicate_rows(frame, tied_rows, raw, schema, available)
    if dropped:
        frame = frame.filter(~nw.col(ROW).is_in(dropped))
        # the rows left may tie no more
        tied_rows = _still_tied(tied_rows.filter(~nw.col(ROW).is_in(dropped)), keys[:-1])
    n_tied = int(collect(tied_rows.select(nw.len().alias("n")))["n"][0])
    return frame, len(dropped), n_tied


def _sorted_polars(frame: pl.LazyFrame, keys: list[str]) -> pl.DataFrame:
    # eager: the lazy engine's sort measured 2-3x slower on these frames (polars 2.1)
    hashed = frame.collect().with_columns(_h=pl.col("customer").hash(_HASH_SEED))
    if keys[1:] == ["t", ROW] and hashed["t"].is_sorted():
        # rows in time order (as exports are) are in (time, input row) order already:
        # a stable sort by the customer hash keeps it
        out = hashed.sort("_h", maintain_order=True)
    else:
        out = hashed.sort(["_h", *keys[1:]])
    h, cust = pl.col("_h"), pl.col("customer")
    if out.select(((h == h.shift(1)) & (cust != cust.shift(1))).any()).item():
        out = out.sort(keys)  # two ids share a hash: sort by the ids themselves
    return out.drop("_h")


def _tie_flags(keys: list[str]) -> pl.Expr:
    """On rows sorted by ``keys``: whether the row equals its previous or next one."""
    prev = pl.all_horizontal([pl.col(k).eq_missing(pl.col(k).shift(1)) for k in keys])
    after = pl.all_horizontal([pl.col(k).eq_missing(pl.col(k).shift(-1)) for k in keys])
    return prev | after


def _still_tied(rows: nw.LazyFrame[Any], keys: list[str]) -> nw.LazyFrame[Any]:
    groups = rows.group_by(*keys).agg(nw.len().alias("_n")).filter(nw.col("_n") > 1)
    return rows.join(groups.drop("_n"), on=keys, how="semi")


def _duplicate_rows(
    frame: nw.LazyFrame[Any],
    tied_rows: nw.LazyFrame[Any],
    raw: nw.LazyFrame[Any],
    schema: EventSchema,
    available: set[str],
) -> list[int]:
    """Input rows (``ROW``) of the duplicate events, all but the first of each set."""
    if "event_id" in available:
        ids = frame.filter(~nw.col("eid").is_null()).select(ROW, "eid")
        first = ids.group_by("eid").agg(nw.col(ROW).min().alias("_first"))
        dup = ids.join(first, on="eid").filter(nw.col(ROW) != nw.col("_first"))
        return sorted(collect(dup.select(ROW))[ROW].to_list())
    if schema.duplicates == "keep":
        return []
    rows = collect(tied_rows.select(ROW))[ROW].to_list()
    if not rows:  # a duplicate shares its customer and time: no tie, no duplicate
        return []
    columns = [c for c in raw.collect_schema().names() if c != ROW]
    candidates = raw.filter(nw.col(ROW).is_in(rows))
    first = candidates.group_by(*columns, drop_null_keys=False).agg(
        nw.col(ROW).min().alias("_first")
    )
    kept = set(collect(first.select("_first"))["_first"].to_list())
    return sorted(r for r in rows if r not in kept)


def ties_note(n_tied: int, schema: EventSchema) -> str:
    """The warning about events that share their customer and time.

    >>> ties_note(3, EventSchema())
    "3 events share their customer and time with another event: they keep the input's row order; give a column that orders them with EventSchema(order=...) (CLI --order-by)"
    """  # noqa: E501
    if schema.order is not None:
        return (
            f"{n_tied} events share their customer, time and {schema.order!r} value with "
            "another event: they keep the input's row order"
        )
    return (
        f"{n_tied} events share their customer and time with another event: they keep the "
        "input's row order; give a column that orders them with EventSchema(order=...) "
        "(CLI --order-by)"
    )


def _lookalike(name: str, columns: Sequence[str]) -> str | None:
    """A column that is surely ``name`` spelt differently (case, separators, a plural,
    a one-letter typo); stricter than the did-you-mean of errors, since it only warns.

    >>> _lookalike("emotion", ["Emotions", "cust"]), _lookalike("csat", ["cust"])
    ('Emotions', None)
    """
    import difflib

    def norm(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    key = norm(name)
    for c in columns:
        other = norm(c)
        if other in (key, key + "s", key + "es") or key == other + "s":
            return c
        if len(key) >= 5 and difflib.SequenceMatcher(None, key, other).ratio() >= 0.9:
            return c
    return None


#: Most distinct values of a text column that :func:`_clean_text_fields` looks at.
_MAX_DISTINCT = 50_000


def _clean_text_fields(
    lf: nw.LazyFrame[Any], schema: EventSchema, available: set[str], dtypes: dict[str, Any]
) -> frozenset[str]:
    """The text fields whose distinct values need no stripping (an in-memory polars log).

    One pass over the distinct values instead of stripping every row: a clean column
    is then only cast. Columns with more than :data:`_MAX_DISTINCT` values are stripped
    row by row as before.
    """
    names = [
        n
        for n in (*_TEXT_FIELDS, "emotion")
        if (n in REQUIRED_FIELDS or n in available) and _is_text(dtypes[schema.column(n)])
    ]
    if not names:
        return frozenset()
    native = lf.to_native()
    distinct = native.select(
        *[
            pl.col(schema.column(n))
            .cast(pl.String)
            .unique()
            .head(_MAX_DISTINCT + 1)
            .implode()
            .alias(n)
            for n in names
        ]
    ).collect()
    return frozenset(n for n in names if _all_clean(distinct[n][0]))


def _all_clean(values: pl.Series) -> bool:
    """Whether every value is null or non-empty text without surrounding spaces."""
    if len(values) > _MAX_DISTINCT:
        return False
    text = values.drop_nulls()
    return bool((text == text.str.strip_chars()).all() and (text.str.len_chars() > 0).all())


def _canonical_exprs(
    schema: EventSchema,
    available: set[str],
    dtypes: dict[str, Any],
    clean: frozenset[str] = frozenset(),
) -> dict[str, nw.Expr]:
    out: dict[str, nw.Expr] = {
        "customer": nw.col(schema.customer).cast(nw.String),
        "t": nw.col(T_US).cast(nw.Int64),
    }
    for name in CANONICAL:
        key = CANONICAL[name]
        if key in out or (key == "outcome" and "outcome" not in available):
            continue
        col = schema.column(name)
        present = name in REQUIRED_FIELDS or name in available
        if name in _TEXT_FIELDS and name in clean:
            out[key] = nw.col(col).cast(nw.String)  # type: ignore[arg-type]
        elif name in _TEXT_FIELDS:
            out[key] = _strip_text(nw.col(col)) if present else nw.lit(None, dtype=nw.String)  # type: ignore[arg-type]
        elif name == "emotion" and present and schema.scale(name) is not None:
            out[key] = canonical_expr(name, nw.col(col), schema.scale(name))  # type: ignore[arg-type]
        elif name == "emotion" and name in clean:
            out[key] = _emotion_expr(nw.col(col).cast(nw.String))  # type: ignore[arg-type]
        elif name == "emotion":
            out[key] = (
                _emotion_expr(_strip_text(nw.col(col)))  # type: ignore[arg-type]
                if present
                else nw.lit(None, dtype=nw.String)
            )
        elif not present:
            out[key] = nw.lit(None, dtype=nw.Float64)
        elif schema.scale(name) is not None:  # a survey answer on its declared scale
            out[key] = canonical_expr(name, nw.col(col), schema.scale(name))  # type: ignore[arg-type]
        elif name in _FLAG_FIELDS and _is_text(dtypes[col]):  # type: ignore[index]
            out[key] = _flag_from_text(nw.col(col))  # type: ignore[arg-type]
        else:  # numbers and flags
            out[key] = nw.col(col).cast(nw.Float64)  # type: ignore[arg-type]
    scored = "emotion" in available and schema.scale("emotion") is not None
    out["emotion_score"] = (
        nw.col(schema.emotion).cast(nw.Float64)  # type: ignore[arg-type]
        if scored
        else nw.lit(None, dtype=nw.Float64)
    )
    return _with_outcome_touchpoints(out, schema, available)


def _scale_hint(schema: EventSchema, name: str) -> str:
    """How to declare the scale of a survey column whose answers cxkit cannot read."""
    if name not in ("emotion", "effort", "csat") or schema.scale(name) is not None:
        return ""
    example = {"emotion": "-2..2", "effort": "1..7", "csat": "1..7"}[name]
    return (
        f"; answers on another scale need it declared, e.g. "
        f"EventSchema(scales={{{name!r}: {example!r}}}) (CLI: --scale {name}={example})"
    )


def _range(schema: EventSchema, name: str) -> tuple[float, float, str]:
    """``(low, high, expected)`` of a number field: its declared scale, else cxkit's."""
    scale = schema.scale(name)
    if scale is None:
        return _RANGES[name]
    return (
        scale.low,
        scale.high,
        f"an answer on the declared scale {scale} (EventSchema(scales={{{name!r}: "
        f"{str(scale)!r}}}))",
    )


def _checked_value(schema: EventSchema, name: str, c: dict[str, nw.Expr]) -> nw.Expr:
    """The value whose range is checked: the raw answer when a scale is declared."""
    if schema.scale(name) is None:
        return c[CANONICAL[name]]
    return nw.col(schema.column(name)).cast(nw.Float64)  # type: ignore[arg-type]


def _with_outcome_touchpoints(
    out: dict[str, nw.Expr], schema: EventSchema, available: set[str]
) -> dict[str, nw.Expr]:
    """Rows whose touchpoint is one of ``EventSchema.outcome_touchpoints`` become
    outcome rows: no touchpoint, and the mapped outcome (unless the row has one)."""
    recorded = out["outcome"] if "outcome" in available else nw.lit(None, dtype=nw.String)
    if not schema.outcome_touchpoints:
        return out | {"outcome": recorded}
    names = [k for k, _ in schema.outcome_touchpoints]
    tp = out["tp"]
    mapped = tp.replace_strict(
        names, [v for _, v in schema.outcome_touchpoints], default=None, return_dtype=nw.String
    )
    return out | {
        "tp": nw.when(~tp.is_in(names).fill_null(False)).then(tp),
        "outcome": nw.coalesce(recorded, mapped),
    }


def _is_text(dtype: Any) -> bool:
    return dtype in (nw.String, nw.Object, nw.Unknown) or dtype == nw.Categorical


_TRUE = ("true", "t", "yes", "y", "1", "1.0")
_FALSE = ("false", "f", "no", "n", "0", "0.0")


def _flag_from_text(raw: nw.Expr) -> nw.Expr:
    """``true``/``false``/``yes``/``no``/``1``/``0`` (any case) as 1.0 / 0.0; else null."""
    key = _strip_text(raw).str.to_lowercase()
    return (
        nw.when(key.is_in(list(_TRUE)))
        .then(nw.lit(1.0))
        .otherwise(nw.when(key.is_in(list(_FALSE))).then(nw.lit(0.0)))
    )


def _used(schema: EventSchema) -> set[str]:
    return {
        c for c in (schema.column(n) for n in REQUIRED_FIELDS + OPTIONAL_FIELDS) if c is not None
    }


def _dtype_problems(name: str, col: str, dtype: Any, polars: bool, scale: Any = None) -> list[str]:
    what = f"column {col!r} ({_describe(name)})"
    if polars and dtype == nw.Object:
        # polars Object columns hold arbitrary Python objects and cannot be cast
        return [f"{what} has type Object (Python objects); expected a typed column"]
    if name == "timestamp":
        if isinstance(dtype, nw.Datetime) or dtype in (nw.Date, nw.String, nw.Object):
            return []
        return [
            f"{what} has type {dtype}; expected datetimes (time-zone aware or naive, read "
            "as UTC), dates or ISO 8601 text"
        ]
    if name == "emotion" and scale is not None:
        if dtype.is_numeric() or str(dtype) == "Null":
            return []
        return [f"{what} has type {dtype}; expected numbers on its declared scale {scale}"]
    if name in ("customer", *_TEXT_FIELDS, "emotion", "order", "event_id"):
        if dtype.is_nested():
            return [f"{what} has type {dtype}; expected text or numbers"]
        return []
    if name in _NUMBER_FIELDS:
        if dtype.is_numeric() or dtype in (nw.Unknown,) or str(dtype) == "Null":
            return []
        return [f"{what} has type {dtype}; expected numbers"]
    if name in _FLAG_FIELDS:
        if dtype == nw.Boolean or dtype.is_numeric() or _is_text(dtype) or str(dtype) == "Null":
            return []
        return [f"{what} has type {dtype}; expected true/false (or 1/0)"]
    return []  # pragma: no cover


_DESCRIPTIONS = {
    "customer": "the customer id",
    "timestamp": "the event time",
    "touchpoint": "the touchpoint",
    "channel": "the channel",
    "call_reason": "the call reason",
    "emotion": "the emotion",
    "effort": "the CES answer",
    "outcome": "the outcome",
    "csat": "the CSAT answer",
    "nps": "the NPS answer",
    "context_lost": "context lost",
    "wait_s": "the wait in seconds",
    "transfer": "the transfer flag",
    "order": "the order of events at the same time",
    "event_id": "the event id",
}


def _describe(name: str) -> str:
    return _DESCRIPTIONS[name]


def _list(values: Iterable[Any], limit: int = 12) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (", …" if len(values) > limit else "")


def _hint(value: Any, candidates: Sequence[str]) -> str:
    hint = did_you_mean(value, candidates)
    return f", {hint}" if hint else ""
