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
* duplicate events — rows equal in every column cxkit reads — → dropped, with a
  counted :class:`EventLogWarning`;
* rows with neither a touchpoint nor an outcome → dropped, with a counted warning;
* unsorted rows → nothing to do: every ordered computation sorts by time;
* time zones → every time is converted to UTC (naive times are read as UTC); text
  times that mix both kinds → a counted warning (``_readers.mixed_zones_note``);
* a file path → read and checked by :func:`~cxkit.analytics.read_events` first;
* text in the string columns is stripped, and empty text counts as null.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import narwhals as nw
import polars as pl

from cxkit.analytics._frames import T_US, collect, lazy_frame, with_epoch_us
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
    fields the log has; ``warnings`` repeats what was repaired. ``presorted``: the
    rows of ``frame`` are in :data:`SORT_KEYS` order (polars, see :func:`sorted_unique`).
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
    in_memory: bool = False
    presorted: bool = False

    def has(self, name: str) -> bool:
        """Whether optional field ``name`` is in the log."""
        return name in self.available


def _warn(messages: list[str], text: str) -> None:
    messages.append(text)
    warnings.warn(text, EventLogWarning, stacklevel=user_stacklevel())


def duplicates_note(n_duplicates: int, n_kept: int) -> str:
    """The warning for duplicate events dropped from the ``n_kept`` rows with an event.

    >>> duplicates_note(1, 10)
    'dropped 1 duplicate event (rows equal in every column cxkit reads) of 10'
    """
    plural = "s" if n_duplicates != 1 else ""
    return (
        f"dropped {n_duplicates} duplicate event{plural} (rows equal in every column cxkit "
        f"reads) of {n_kept}"
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
    field spelt differently. Shared by :func:`prepare` and the polars fast path
    (:mod:`cxkit.analytics._fast`), so that both report the same problems.
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
    resolved: Resolved | None = None,
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
    schema, lf, eager, dtypes, available, notes = (
        resolved if resolved is not None else resolve_columns(events, schema, argument)
    )
    problems: list[str] = []
    columns = list(dtypes)
    backend = str(lf.implementation.name).lower()

    ts_col = schema.timestamp
    lf = with_epoch_us(lf, ts_col, dtypes[ts_col])
    canon = _canonical_exprs(schema, available, dtypes)
    lf = lf.with_columns(**{f"__cx_{k}": v for k, v in canon.items()})
    c = {k: nw.col(f"__cx_{k}") for k in canon}
    if lf.implementation.is_polars():
        # polars: compute the canonical columns once, keeping only the columns read
        # (the checks below and the examples of their messages), then reuse them
        used = [col for col in columns if col in _used(schema)]
        lf = nw.from_native(
            lf.select(*used, *[f"__cx_{k}" for k in canon]).to_native().collect().lazy()
        )

    # one pass for every count
    checks: dict[str, nw.Expr] = {
        "n": nw.len(),
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
        v = c["emotion_score"]
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
        raw = _strip_text(nw.col(schema.emotion))  # type: ignore[arg-type]
        checks["bad_emotion"] = (~raw.is_null()) & c["emotion"].is_null()
    aggs = [checks["n"].alias("n")] + [
        e.cast(nw.Int64).sum().alias(k) for k, e in checks.items() if k != "n"
    ]
    counts = {k: int(v or 0) for k, v in collect(lf.select(*aggs)).row(0, named=True).items()}

    n_read = counts["n"]
    if n_read == 0:
        raise EventLogError(
            f"the event log `{argument}` is empty (0 rows); expected one row per event "
            f"with at least the columns {schema.customer!r}, {schema.timestamp!r} and "
            f"{schema.touchpoint!r}"
        )
    key_cols = [schema.customer, ts_col, schema.touchpoint]
    if counts["null_customer"]:
        problems.append(
            f"column {schema.customer!r} (the customer id) is null in "
            f"{_rows(counts['null_customer'])} of {n_read}; e.g. "
            f"{_example(lf, c['customer'].is_null(), key_cols)} — expected an id on every row"
        )
    if counts["null_ts"]:
        problems.append(
            f"column {ts_col!r} (the event time) is null in {_rows(counts['null_ts'])} of "
            f"{n_read}; e.g. {_example(lf, nw.col(ts_col).is_null(), key_cols)} — expected a "
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
            expected = (
                _range(schema, name)[2]
                if name in _RANGES or name == "emotion"
                else ("true/false (or 1/0)")
            )
            where = "outside its declared scale" if schema.scale(name) else "out of range"
            problems.append(
                f"column {col!r} ({_describe(name)}) is {where} in {_rows(n_bad)}; e.g. "
                f"{_example(lf, checks[f'range_{name}'], [*key_cols, col])} — expected {expected}"
                + _scale_hint(schema, name)
            )
    if counts.get("bad_emotion"):
        col = schema.emotion
        bad = collect(
            lf.filter(checks["bad_emotion"])
            .group_by(col)
            .agg(nw.len().alias("n"))
            .sort(["n", col], descending=[True, False])
            .head(5)
        )
        shown = ", ".join(
            f"{v!r} ({n}×){_hint(v, [*EMOTIONS, '不満', '満足', '感動'])}" for v, n in bad.rows()
        )
        problems.append(
            f"column {col!r} (the emotion) has unknown values in "
            f"{_rows(counts['bad_emotion'])}: {shown} — expected one of 'dissatisfied', "
            "'satisfied', 'delighted' (or 不満, 満足, 感動)" + _scale_hint(schema, "emotion")
        )

    # outcomes
    outcome_ids: list[str] = []
    if "outcome" in available:
        seen = collect(
            lf.filter(~c["outcome"].is_null())
            .group_by("__cx_outcome")
            .agg(nw.len().alias("n"))
            .sort("__cx_outcome")
        )
        known = _known_outcomes(schema, journey)
        unknown = [(v, n) for v, n in seen.rows() if v not in known]
        if unknown and schema.unknown_outcomes == "error":
            shown = ", ".join(f"{v!r} ({n}×){_hint(v, known)}" for v, n in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            problems.append(
                f"column {schema.outcome!r} (the outcome) has unknown outcomes: {shown}{more} — "
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
                nw.when(c["outcome"].is_in([v for v, _ in unknown]))
                .then(nw.lit("other"))
                .otherwise(c["outcome"])
                .alias("__cx_outcome")
            )
        outcome_ids = sorted({("other" if v not in known else v) for v, _ in seen.rows()})
    if problems:
        raise EventLogError(problems)

    if counts["empty"]:
        _warn(
            notes,
            f"{_rows(counts['empty'])} of {n_read} have neither a touchpoint nor an outcome "
            f"and were ignored; e.g. {_example(lf, checks['empty'], key_cols)}",
        )
    frame = lf.filter(~checks["empty"]).select(
        **{k: nw.col(f"__cx_{k}") for k in (*CANONICAL.values(), "emotion_score")}
    )
    n_kept = n_read - counts["empty"]
    in_memory = bool(eager and lf.implementation.is_polars())
    presorted = lf.implementation.is_polars()
    # polars: one sort (which the journeys need anyway) finds the duplicates as
    # neighbours, instead of a hash of every row and a second sort later
    frame = nw.from_native(sorted_unique(frame.to_native()).lazy()) if presorted else frame.unique()
    n_rows = int(collect(frame.select(nw.len().alias("n")))["n"][0])
    n_dup = n_kept - n_rows
    if n_dup:
        _warn(
            notes,
            duplicates_note(n_dup, n_kept),
        )
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
        in_memory=in_memory,
        presorted=presorted,
    )


#: The order of a presorted frame: each customer's rows together (customers sorted
#: by id), by time, touchpoint rows (by touchpoint) before outcome rows,
#: then outcome (none first) — the journeys' row order — then every other column,
#: so that equal rows are neighbours.
SORT_KEYS: tuple[str, ...] = ("customer", "t", "tp", "outcome")


def sorted_unique(frame: Any) -> Any:
    """A polars frame in canonical columns, sorted and without duplicate rows.

    Sorted by :data:`SORT_KEYS` then the other columns (so rows equal in every column
    are neighbours, and kept once: the rows of ``unique()``, in sorted order). The
    customers are sorted by their ids, so the order is the same on every run (an
    earlier version sorted by a categorical code, whose numbering depends on polars'
    thread scheduling; a text sort measured no slower). Returns an eager
    ``polars.DataFrame``.

    >>> import polars as pl
    >>> f = pl.DataFrame(
    ...     {
    ...         "customer": ["b", "a", "a", "a", "a"],
    ...         "t": [1, 2, 1, 1, 1],
    ...         "tp": ["x", "y", None, "x", "x"],
    ...         "outcome": [None, None, "churn", None, None],
    ...         "effort": [1.0, None, None, 2.0, 2.0],
    ...     }
    ... )
    >>> sorted_unique(f).rows()
    [('a', 1, 'x', None, 2.0), ('a', 1, None, 'churn', None), ('a', 2, 'y', None, None), ('b', 1, 'x', None, 1.0)]
    """  # noqa: E501
    import polars as pl

    lf = frame.lazy()
    columns = lf.collect_schema().names()
    keys = [*SORT_KEYS, *[c for c in columns if c not in SORT_KEYS]]
    lf = lf.sort(keys, nulls_last=[k == "tp" for k in keys])
    same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(c).shift(1)) for c in columns])
    return lf.filter(~same).collect()


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


def _canonical_exprs(
    schema: EventSchema, available: set[str], dtypes: dict[str, Any]
) -> dict[str, nw.Expr]:
    out: dict[str, nw.Expr] = {
        "customer": nw.col(schema.customer).cast(nw.String),
        "t": nw.col(T_US).cast(nw.Int64),
    }
    for name in CANONICAL:
        key = CANONICAL[name]
        if key in out:
            continue
        col = schema.column(name)
        present = name in REQUIRED_FIELDS or name in available
        if name in _TEXT_FIELDS:
            out[key] = _strip_text(nw.col(col)) if present else nw.lit(None, dtype=nw.String)  # type: ignore[arg-type]
        elif name == "emotion" and present and schema.scale(name) is not None:
            out[key] = canonical_expr(name, nw.col(col), schema.scale(name))  # type: ignore[arg-type]
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
    return out


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
    if name in ("customer", *_TEXT_FIELDS, "emotion"):
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
