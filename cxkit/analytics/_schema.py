"""The event-log contract: column names, errors and warnings of :mod:`cxkit.analytics`.

An event log has one row per event. Three columns are required — who
(``customer_id``), when (``timestamp``) and where (``touchpoint``) — and the others
are used when they exist. :class:`EventSchema` renames them for logs that spell
them differently.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Literal

from cxkit.core.errors import CxkitError, ProblemsError, format_value

__all__ = [
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "EventLogError",
    "EventLogWarning",
    "EventSchema",
    "Scale",
    "parse_window",
    "user_stacklevel",
]

#: Fields of :class:`EventSchema` whose column must exist.
REQUIRED_FIELDS: tuple[str, ...] = ("customer", "timestamp", "touchpoint")

#: Fields of :class:`EventSchema` whose column is used when it exists.
OPTIONAL_FIELDS: tuple[str, ...] = (
    "channel",
    "call_reason",
    "emotion",
    "effort",
    "outcome",
    "csat",
    "nps",
    "context_lost",
    "wait_s",
    "transfer",
    "order",
    "event_id",
)


class EventLogError(ProblemsError):
    """An event log cannot be analysed as given.

    The message names the column, how many rows are affected, an example row or
    value, and what was expected. ``problems`` lists every problem found (one line
    each), so that a log with several faults is reported in one go.
    """

    subject = "the event log"


def user_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` that points at the first frame
    outside cxkit (the user's call), counted from the caller of this function."""
    import os
    import sys

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


class EventLogWarning(UserWarning):
    """Something in an event log was repaired or ignored (duplicates dropped, rows
    without a touchpoint or outcome skipped…); the message says what and how many."""


#: Survey fields that take a declared scale (``EventSchema(scales=...)``).
SCALE_FIELDS: tuple[str, ...] = ("emotion", "effort", "csat", "nps")

_SCALE_TEXT = re.compile(
    r"^\s*([-+]?\d+(?:\.\d+)?)\s*\.\.\s*([-+]?\d+(?:\.\d+)?)\s*(?:(low|high)\s*=\s*best)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scale:
    """The answer scale of a survey column: ``low`` to ``high``, and which end is best.

    Parameters
    ----------
    low, high
        The lowest and highest answers (``low < high``), e.g. ``-2`` and ``2``.
    best
        ``"high"`` when the highest answer is the best one (emotion, CSAT, NPS and
        CES 2.0's "easy to handle" agreement), ``"low"`` when the lowest is (CES v1's
        effort); ``None`` takes the field's usual reading (see
        :class:`EventSchema`'s ``scales``).

    Examples
    --------
    >>> Scale.parse("-2..2")
    Scale(low=-2.0, high=2.0, best=None)
    >>> str(Scale.parse("1..10 low=best"))
    '1..10 low=best'
    >>> Scale(3, 1)
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: a survey scale needs low < high, got 3..1
    """

    low: float
    high: float
    best: Literal["high", "low"] | None = None

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise CxkitError(f"Scale.{name} must be a finite number, got {format_value(v)}")
            object.__setattr__(self, name, float(v))
        if not self.low < self.high:
            raise CxkitError(f"a survey scale needs low < high, got {self.low:g}..{self.high:g}")
        if self.best not in ("high", "low", None):
            raise CxkitError(f"Scale.best must be 'high' or 'low', got {format_value(self.best)}")

    @classmethod
    def parse(cls, text: str | Scale | tuple[float, float]) -> Scale:
        """A scale from ``"LOW..HIGH"`` (optionally followed by ``low=best`` or
        ``high=best``), a ``(low, high)`` pair or a :class:`Scale`."""
        if isinstance(text, Scale):
            return text
        if isinstance(text, tuple) and len(text) == 2:
            return cls(*text)
        m = _SCALE_TEXT.match(text) if isinstance(text, str) else None
        if m is None:
            raise CxkitError(
                f"a survey scale must be written LOW..HIGH, e.g. '-2..2', '1..7' or "
                f"'1..10 low=best', got {format_value(text)}"
            )
        best = m.group(3).lower() if m.group(3) else None
        return cls(float(m.group(1)), float(m.group(2)), best)  # type: ignore[arg-type]

    def __str__(self) -> str:
        text = f"{self.low:g}..{self.high:g}"
        return text + (f" {self.best}=best" if self.best == "low" else "")


def _check_scales(schema: EventSchema) -> tuple[tuple[str, Scale], ...]:
    """``schema.scales`` checked and normalised (see :class:`EventSchema`)."""
    given = schema.scales
    if isinstance(given, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in given):
        given = dict(given)
    if not isinstance(given, Mapping):
        raise CxkitError(
            "EventSchema.scales must map survey fields to scales, e.g. "
            f"{{'emotion': '-2..2'}}, got {format_value(given)}"
        )
    out: dict[str, Scale] = {}
    for name, value in given.items():
        if name not in SCALE_FIELDS:
            from cxkit.core.suggest import did_you_mean

            hint = did_you_mean(str(name), SCALE_FIELDS)
            raise CxkitError(
                f"EventSchema.scales: {format_value(name)} takes no scale; "
                + (hint or "expected one of " + ", ".join(SCALE_FIELDS))
            )
        if schema.column(name) is None:
            raise CxkitError(
                f"EventSchema.scales declares a scale for {name!r}, but "
                f"EventSchema.{name} is None (the log has no such column)"
            )
        out[name] = _field_scale(name, Scale.parse(value))
    return tuple(sorted(out.items()))


def _field_scale(name: str, scale: Scale) -> Scale:
    """``scale`` with ``best`` resolved for field ``name``; refuses what cannot be read."""
    pair = (scale.low, scale.high)
    if name == "nps" and (pair != (0.0, 10.0) or scale.best == "low"):
        raise CxkitError(
            f"EventSchema.scales: NPS is defined on 0..10 (promoters 9–10, detractors 0–6), "
            f"got {scale}; declare another recommendation scale as 'csat' instead"
        )
    if scale.best is not None:
        return scale
    if name != "effort":
        return replace(scale, best="high")
    if pair in ((1.0, 5.0), (1.0, 7.0)):  # CES v1 (effort) and CES 2.0 (ease)
        return replace(scale, best="low" if pair == (1.0, 5.0) else "high")
    raise CxkitError(
        f"EventSchema.scales: say which end of the effort scale {scale} is best: "
        f"'{scale} low=best' (an effort question, as CES v1) or '{scale} high=best' "
        "(an ease question, as CES 2.0)"
    )


@dataclass(frozen=True)
class EventSchema:
    """Where each piece of an event log lives, and how outcomes are read.

    Every field but the last seven is a column name; ``None`` for an optional
    column means "the log does not have it".

    Parameters
    ----------
    customer, timestamp, touchpoint
        Required: the customer (case) id, the event time and the touchpoint id.
        Timestamps may be naive (read as UTC) or time-zone aware, or ISO 8601 text
        (offsets allowed, mixed offsets converted to UTC).
    channel
        The touchpoint's channel (``web``, ``phone``…); channel switches need it.
    call_reason
        Why the customer got in touch; repeat contacts are counted per reason.
    emotion
        ``dissatisfied`` / ``satisfied`` / ``delighted`` (or 不満 / 満足 / 感動).
    effort
        CES v1 answer, 1 (low) – 5 (high).
    outcome
        The outcome reached (``purchase``, ``resolved``, ``churn``…), set on the
        customer's last event or on a separate row whose touchpoint is null.
    csat, nps
        Survey answers on 1–5 and 0–10 scales.
    context_lost
        Whether the customer had to repeat their context at this event (bool or 0/1).
    wait_s
        Wait before being served at this event, in seconds.
    transfer
        Whether this event was reached by a transfer between agents (bool or 0/1);
        without it, transfers are inferred (see ``docs/reference/analytics.md``).
    order
        A column that orders the events of one customer at the same instant (a
        sequence number, a finer time…); ``None`` by default. Events of one customer
        are ordered by time, then by this column, then by their row in the input —
        so without it, ties keep the input's row order (as pm4py does).
    event_id
        A column of event ids (``None`` by default): when given, rows with the same
        id are duplicates; otherwise only rows equal in every column are.
    outcomes
        Outcome ids accepted beyond the five kinds (``purchase``, ``resolved``,
        ``churn``, ``abandon``, ``other``) and the designed journey's outcomes.
    unknown_outcomes
        What an outcome that is not accepted does: ``"error"`` (default) raises
        :class:`EventLogError` naming it with a did-you-mean; ``"other"`` maps it to
        the outcome ``other``.
    missing_outcome
        The outcome of a journey whose events record none (default ``abandon``).
    duplicates
        What rows equal in every column are: ``"drop"`` (default: one event recorded
        twice; dropped with a counted warning) or ``"keep"`` (separate events that no
        column tells apart — some exports repeat an activity without an event id).
        With ``event_id``, rows with the same id are dropped either way.
    outcome_touchpoints
        Touchpoint values that record an outcome rather than a contact, e.g.
        ``{"Closed": "resolved", "Cancelled": "churn"}`` (a mapping, kept as sorted
        pairs): such an event is an outcome row — it closes the journey with that
        outcome — for logs whose outcomes are final activities, not a column.
    split_channels
        ``True`` makes one touchpoint per (touchpoint, channel) pair for each
        touchpoint whose events come in several channels: ``Create SR`` seen on
        ``Internet`` and ``Phone`` becomes ``Create SR (Internet)`` and
        ``Create SR (Phone)``, in every table, metric, attribution and drift. Without
        it such a touchpoint takes its most frequent channel, with a warning
        (see ``docs/reference/analytics.md``, *Channels*).
    scales
        The declared answer scales of survey columns, ``{field: scale}`` for
        ``emotion``, ``effort``, ``csat`` and ``nps``; a scale is a :class:`Scale` or
        its text (``"-2..2"``, ``"1..7"``, ``"1..10 low=best"``). A declared
        ``emotion`` column holds numbers; each field's answers are mapped to cxkit's
        scales by the formulas of ``docs/reference/analytics.md`` ("Survey scales").
        Stored as a sorted tuple of ``(field, Scale)`` pairs.

    Examples
    --------
    >>> s = EventSchema(customer="cust", timestamp="ts")
    >>> s.customer, s.touchpoint, s.emotion
    ('cust', 'touchpoint', 'emotion')
    >>> EventSchema(customer="")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: EventSchema.customer must be a column name (non-empty text), got ''
    """  # noqa: E501

    customer: str = "customer_id"
    timestamp: str = "timestamp"
    touchpoint: str = "touchpoint"
    channel: str | None = "channel"
    call_reason: str | None = "call_reason"
    emotion: str | None = "emotion"
    effort: str | None = "effort"
    outcome: str | None = "outcome"
    csat: str | None = "csat"
    nps: str | None = "nps"
    context_lost: str | None = "context_lost"
    wait_s: str | None = "wait_s"
    transfer: str | None = "transfer"
    order: str | None = None
    event_id: str | None = None
    outcomes: tuple[str, ...] = ()
    unknown_outcomes: Literal["error", "other"] = "error"
    missing_outcome: str = "abandon"
    outcome_touchpoints: tuple[tuple[str, str], ...] = ()
    duplicates: Literal["drop", "keep"] = "drop"
    split_channels: bool = False
    scales: Mapping[str, Scale | str] | tuple[tuple[str, Scale], ...] = ()

    def __post_init__(self) -> None:
        for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS):
            value = getattr(self, name)
            if name in OPTIONAL_FIELDS and value is None:
                continue
            if not isinstance(value, str) or not value:
                raise CxkitError(
                    f"EventSchema.{name} must be a column name (non-empty text)"
                    + (" or None" if name in OPTIONAL_FIELDS else "")
                    + f", got {format_value(value)}"
                )
        columns = [getattr(self, n) for n in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)]
        named = [c for c in columns if c is not None]
        if len(set(named)) != len(named):
            dup = sorted({c for c in named if named.count(c) > 1})
            raise CxkitError(
                f"EventSchema maps several fields to the same column {dup[0]!r}; "
                "expected one column per field"
            )
        if isinstance(self.outcomes, str) or not all(
            isinstance(o, str) and o for o in self.outcomes
        ):
            raise CxkitError(
                "EventSchema.outcomes must be a tuple of outcome ids, "
                f"got {format_value(self.outcomes)}"
            )
        object.__setattr__(self, "outcomes", tuple(self.outcomes))
        if self.unknown_outcomes not in ("error", "other"):
            raise CxkitError(
                "EventSchema.unknown_outcomes must be 'error' or 'other', "
                f"got {format_value(self.unknown_outcomes)}"
            )
        if not isinstance(self.missing_outcome, str) or not self.missing_outcome:
            raise CxkitError(
                "EventSchema.missing_outcome must be an outcome id, "
                f"got {format_value(self.missing_outcome)}"
            )
        object.__setattr__(self, "outcome_touchpoints", _pairs(self.outcome_touchpoints))
        if self.duplicates not in ("drop", "keep"):
            raise CxkitError(
                "EventSchema.duplicates must be 'drop' or 'keep', "
                f"got {format_value(self.duplicates)}"
            )
        if not isinstance(self.split_channels, bool):
            raise CxkitError(
                "EventSchema.split_channels must be True or False, "
                f"got {format_value(self.split_channels)}"
            )
        object.__setattr__(self, "scales", _check_scales(self))

    def scale(self, name: str) -> Scale | None:
        """The declared scale of survey field ``name`` (``None`` when not declared)."""
        return dict(self.scales).get(name)  # type: ignore[arg-type]

    def column(self, name: str) -> str | None:
        """The column of field ``name`` (``None`` when the log has none)."""
        return getattr(self, name)

    def is_default(self, name: str) -> bool:
        """Whether field ``name`` keeps its default column name."""
        for f in fields(self):
            if f.name == name:
                return getattr(self, name) == f.default
        raise KeyError(name)


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    """``EventSchema.outcome_touchpoints`` as sorted ``(touchpoint, outcome)`` pairs."""
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = [(k, v) for k, v in items]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        pairs = None
    if pairs is None or not all(isinstance(x, str) and x.strip() for p in pairs for x in p):
        raise CxkitError(
            "EventSchema.outcome_touchpoints must map touchpoint values to outcome ids, "
            f"e.g. {{'Closed': 'resolved'}}, got {format_value(value)}"
        )
    keys = [k.strip() for k, _ in pairs]
    if len(set(keys)) != len(keys):
        dup = sorted({k for k in keys if keys.count(k) > 1})[0]
        raise CxkitError(f"EventSchema.outcome_touchpoints names touchpoint {dup!r} twice")
    return tuple(sorted((k.strip(), v.strip()) for k, v in pairs))


_WINDOW = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def parse_window(value: str | float | _dt.timedelta, *, argument: str = "repeat_window") -> float:
    """A duration in seconds from ``"7d"``, ``"24h"``, ``"90min"``, seconds or a timedelta.

    Examples
    --------
    >>> parse_window("7d"), parse_window("36h"), parse_window("90 min"), parse_window(60)
    (604800.0, 129600.0, 5400.0, 60.0)
    >>> parse_window("7 dayz")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `repeat_window` must be a duration such as '7d', '24h', '30min' or seconds, got '7 dayz'
    """  # noqa: E501
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (m := _WINDOW.match(value)):
        unit = m.group(2).lower()
        key = "m" if unit.startswith("m") else unit[0]
        seconds = float(m.group(1)) * _UNIT_SECONDS[key]
    else:
        raise CxkitError(
            f"`{argument}` must be a duration such as '7d', '24h', '30min' or seconds, "
            f"got {format_value(value)}"
        )
    if not math.isfinite(seconds) or seconds <= 0:
        raise CxkitError(f"`{argument}` must be a positive duration, got {format_value(value)}")
    return seconds
