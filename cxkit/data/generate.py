"""Synthetic customer event logs sampled from a journey's touchpoint graph.

:func:`generate_events` walks customers through a journey's touchpoint graph with
the Monte Carlo engine's own walker (:class:`cxkit.sim._walk.Walker`, model reference
§3.4: vectorised over customers, one numpy pass per step; with the same seed the
customers take the paths :func:`cxkit.sim.simulate` gives them) and writes down
what a company's systems would have recorded: one row per contact, with its time,
touchpoint, channel, call reason, whether the customer had to repeat themselves, how
long they waited and how they felt, the outcome on each customer's last row, and
post-journey survey answers (CES, CSAT, NPS). ``with_noise=True`` makes the log look
like a real export: some missing values, duplicated events and rows out of
chronological order.

Each contact's emotion and each customer's effort and survey answers are the
figures Monte Carlo computes for the same customers (:class:`cxkit.sim._flow.WalkMetrics`,
the definitions of :mod:`cxkit.core.metrics`), plus the answer noise. The columns are
documented in :data:`EVENT_SCHEMA` and in ``cxkit/data/examples/README.md``.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cxkit.core import metrics
from cxkit.core._checks import whole_number
from cxkit.core.compiled import CompiledJourney, compile_journey, start_table
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.rng import SeedLike, as_generator
from cxkit.sim._flow import WalkMetrics
from cxkit.sim._walk import Walk, Walker, end_outcomes

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_SCHEMA",
    "OPTIONAL_COLUMNS",
    "generate_events",
    "parse_duration",
]

#: The columns of a generated log in order, with their polars types. The
#: ``timestamp`` column carries the ``tz=`` time zone given to the generator.
EVENT_SCHEMA: Mapping[str, pl.DataType] = {
    "customer_id": pl.String(),
    "timestamp": pl.Datetime("us"),
    "touchpoint": pl.String(),
    "channel": pl.String(),
    "call_reason": pl.String(),
    "emotion": pl.String(),
    "effort": pl.Int64(),
    "outcome": pl.String(),
    "csat": pl.Int64(),
    "nps": pl.Int64(),
    "context_lost": pl.Boolean(),
    "wait_s": pl.Float64(),
}

#: Column names in order.
EVENT_COLUMNS: tuple[str, ...] = tuple(EVENT_SCHEMA)

#: Columns that ``with_noise=True`` blanks out now and then (never the ids, times,
#: touchpoints, channels or outcomes).
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "call_reason",
    "emotion",
    "effort",
    "csat",
    "nps",
    "context_lost",
    "wait_s",
)

_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "m": 60.0,
    "min": 60.0,
    "h": 3600.0,
    "d": 86400.0,
    "w": 604800.0,
}
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z]+)?\s*$")


def parse_duration(value: str | float | _dt.timedelta, *, argument: str) -> float:
    """Seconds in ``value``: ``"90s"``, ``"15min"``, ``"2h"``, ``"30d"``, ``"1w"``, a number of
    seconds or a :class:`datetime.timedelta`.

    Raises
    ------
    CxkitError
        Naming ``argument`` when the value is not a positive duration.

    Examples
    --------
    >>> parse_duration("2h", argument="mean_gap"), parse_duration("1.5d", argument="span")
    (7200.0, 129600.0)
    >>> parse_duration("2 hours", argument="mean_gap")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `mean_gap` must be a positive duration such as ... got '2 hours'
    """
    seconds = math.nan
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value.lower())
        if match and (match.group(2) or "s") in _UNITS:
            seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if not (math.isfinite(seconds) and seconds > 0):
        raise CxkitError(
            f"`{argument}` must be a positive duration such as '90s', '15min', '2h', '30d' "
            f"or a number of seconds, got {format_value(value)}"
        )
    return seconds


def _rate(value: object, argument: str) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value)
        if 0.0 <= x <= 1.0:
            return x
    raise CxkitError(f"`{argument}` must be a share in [0, 1], got {format_value(value)}")


def _non_negative(value: object, argument: str) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        x = float(value)
        if math.isfinite(x) and x >= 0.0:
            return x
    raise CxkitError(f"`{argument}` must be a number ≥ 0, got {format_value(value)}")


def _start_epoch_us(start: str | _dt.date | _dt.datetime, tz: str | None) -> int:
    """Microseconds since the Unix epoch of ``start`` read as a wall time in ``tz``."""
    zone: _dt.tzinfo
    if tz is None:
        zone = _dt.timezone.utc
    else:
        try:
            zone = ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise CxkitError(
                f"`tz` must be an IANA time zone such as 'Asia/Tokyo' or 'UTC', or None, "
                f"got {format_value(tz)}"
            ) from None
    if isinstance(start, _dt.datetime):
        moment = start
    elif isinstance(start, _dt.date):
        moment = _dt.datetime(start.year, start.month, start.day)
    elif isinstance(start, str):
        try:
            moment = _dt.datetime.fromisoformat(start)
        except ValueError:
            raise CxkitError(
                "`start` must be an ISO date or date-time such as '2026-01-01' or "
                f"'2026-01-01T09:00', got {format_value(start)}"
            ) from None
    else:
        raise CxkitError(
            f"`start` must be an ISO date string, a date or a datetime, got {format_value(start)}"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    return (moment - epoch) // _dt.timedelta(microseconds=1)


def _resolve_journey(journey: Journey | str | Path) -> Journey:
    if isinstance(journey, Journey):
        return journey
    if isinstance(journey, (str, Path)):
        from cxkit.io import load_journey

        return load_journey(journey)
    raise CxkitError(
        "`journey` must be a cxkit.Journey, a template name or a path to a journey file, "
        f"got {format_value(journey)}"
    )


def generate_events(
    journey: Journey | str | Path,
    n_customers: int,
    *,
    seed: SeedLike,
    start: str | _dt.date | _dt.datetime = "2026-01-01",
    tz: str | None = "Asia/Tokyo",
    mean_gap: str | float | _dt.timedelta = "2h",
    span: str | float | _dt.timedelta = "30d",
    max_steps: int | None = None,
    emotion_noise: float = 1.0,
    effort_noise: float = 0.5,
    with_surveys: bool = True,
    with_noise: bool = False,
    null_rate: float = 0.05,
    duplicate_rate: float = 0.01,
    shuffle_rate: float = 0.02,
    id_prefix: str = "c",
) -> pl.DataFrame:
    """Sample an event log of ``n_customers`` customers moving through ``journey``.

    Each customer gets a call reason from the mix ``w_c``, a start touchpoint from
    that reason's start distribution, then moves along hand-offs drawn with their
    probabilities — the remainder ``1 − Σ p`` of a touchpoint going to the journey's
    ``remainder_outcome`` — until an outcome absorbs them or ``max_steps`` contacts
    have been made (the journey is then cut and ends in the remainder outcome,
    model reference §3.4). The walk is the Monte Carlo engine's
    (:class:`cxkit.sim._walk.Walker`): vectorised over customers, the loop runs over
    steps and each step handles every customer still on the way at once.

    The figures are Monte Carlo's: the walk is ``simulate(journey, n_customers,
    seed=seed, waits="exponential")``'s, and each contact's moments and each
    customer's effort and remembered experience are computed by the code
    :func:`cxkit.sim.simulate` runs (:class:`cxkit.sim._flow.WalkMetrics`, with the
    one definition of each metric in :mod:`cxkit.core.metrics`). What is recorded
    per contact:

    * ``timestamp``: the first contact of each customer falls uniformly in
      ``[start, start + span)``; later ones follow after ``1 s + Exp(mean_gap)``
      (whole seconds, so a customer's events never tie);
    * ``context_lost``: on arriving through a hand-off between two touchpoints, the
      customer's context is lost with probability ``1 − context_carryover``;
    * ``wait_s``: ``Exp(mean)`` seconds, rounded to whole seconds, the mean being the
      hand-off's wait in the compiled chain (its own ``wait_s``, else the target's
      designed wait, :func:`cxkit.core.metrics.designed_waits`); 0 at the first
      contact and for hand-offs that do not wait;
    * ``emotion``: how the contact felt — the class, on the step scale
      (:func:`~cxkit.core.metrics.contact_emotion_code`: the valence read back as a
      disconfirmation, then ``τ⁻``/``τ⁺``, so a one-moment contact gets its designed
      step's class), of the contact's own remembered experience
      (:func:`~cxkit.core.metrics.remembered` of its moments folded alone: the wait
      moment from the drawn wait, then the replay of the touchpoint's designed steps,
      less ``π_rep`` on the first when the context was lost;
      :func:`~cxkit.core.metrics.flow_moments`, model reference §1.1), plus
      ``N(0, emotion_noise²)`` points. Null where the journey says nothing about the
      touchpoint (no designed step, no call-reason expectation) or the contact lived
      no moment.

    What is recorded once per customer, on their last row:

    * ``outcome``: the outcome id;
    * ``effort``: the customer's CES (:func:`~cxkit.core.metrics.ces5` of
      :func:`~cxkit.core.metrics.effort_index`: switches, repeated explanations,
      transfers, repeat contacts and minutes waited beyond ``W_exp``, model reference
      §3.4, the journey's ``parameters.effort``), plus ``N(0, effort_noise²)``,
      rounded and clipped to 1–5;
    * ``csat`` (1–5) and ``nps`` (0–10): the synthetic survey answers
      (:func:`~cxkit.core.metrics.synthetic_csat5`,
      :func:`~cxkit.core.metrics.synthetic_nps10`) of the customer's remembered
      experience ``J`` (model reference §1.3); null when no contact has an emotion or
      ``with_surveys=False``.

    Parameters
    ----------
    journey
        A :class:`~cxkit.Journey`, a template name or a journey file.
    n_customers
        Number of customers (≥ 1).
    seed
        Seed of the random numbers; the same seed gives the same frame. The walk
        draws from the walker's streams of ``seed`` (the customers of
        ``simulate(journey, n_customers, seed=seed, waits="exponential")`` for a
        whole-number seed; a
        :class:`numpy.random.Generator` gives them a seed from its next number);
        times and the emotion, survey and export noise come from
        ``numpy.random.Generator(PCG64(seed))`` (or that generator).
    start, tz
        Start of the period as a wall time in time zone ``tz`` (IANA name; ``None``
        gives naive timestamps read as UTC).
    mean_gap
        Mean time between a customer's consecutive contacts (``"2h"``, ``"45min"``,
        seconds…).
    span
        Length of the period over which customers start.
    max_steps
        Contacts after which a journey is cut; ``None`` uses the journey's
        ``parameters.effort.max_steps`` (50).
    emotion_noise, effort_noise
        Standard deviations of the per-contact disconfirmation noise (points) and of
        the CES answer noise.
    with_surveys
        Fill ``csat`` and ``nps``.
    with_noise
        Make the log look like a real export: blank ``null_rate`` of the values of
        each of :data:`OPTIONAL_COLUMNS`, duplicate ``duplicate_rate`` of the rows,
        and move ``shuffle_rate`` of the rows out of chronological order.
    null_rate, duplicate_rate, shuffle_rate
        Shares in [0, 1] used when ``with_noise`` is true.
    id_prefix
        Prefix of the customer ids (``"c0001"``…).

    Returns
    -------
    polars.DataFrame
        Columns :data:`EVENT_COLUMNS`, rows in chronological order (unless
        ``with_noise``).

    Raises
    ------
    CxkitError
        For a bad argument, naming it, the value received and what was expected;
        :class:`~cxkit.core.errors.SimulationError` for a journey whose graph
        cannot be sampled.

    Examples
    --------
    >>> import cxkit as cx
    >>> events = generate_events("billing_inquiry", 1000, seed=1)
    >>> events.columns[:6]
    ['customer_id', 'timestamp', 'touchpoint', 'channel', 'call_reason', 'emotion']
    >>> events.filter(pl.col("customer_id") == "c0002").select("touchpoint", "outcome").rows()
    [('web_faq', None), ('phone_queue', None), ('agent', 'resolved')]

    The paths are the Monte Carlo engine's: the same walker, the same seed.

    >>> from cxkit.sim import simulate
    >>> mc = simulate(cx.load_journey("billing_inquiry"), 1000, seed=1, waits="exponential")
    >>> mc.customers.row(1)[2]
    ['web_faq', 'phone_queue', 'agent']
    >>> last = events.filter(pl.col("customer_id") == "c0002", pl.col("outcome").is_not_null())
    >>> bool(last["csat"].item() == mc.data["csat5"][1])  # the same remembered experience
    True
    >>> first = events.group_by("customer_id").agg(pl.col("touchpoint").first())
    >>> first["touchpoint"].unique().to_list()  # everyone starts on the FAQ
    ['web_faq']
    >>> events["outcome"].drop_nulls().len()  # one outcome per customer
    1000
    >>> generate_events("billing_inquiry", 5, seed=1).equals(
    ...     generate_events("billing_inquiry", 5, seed=1)
    ... )
    True
    """
    j = _resolve_journey(journey)
    n_customers = whole_number(n_customers, "n_customers", 1)
    rng = as_generator(seed)
    t0 = _start_epoch_us(start, tz)
    gap_s = parse_duration(mean_gap, argument="mean_gap")
    span_s = parse_duration(span, argument="span")
    steps = whole_number(
        j.params.effort.max_steps if max_steps is None else max_steps, "max_steps", 1
    )
    emotion_sd = _non_negative(emotion_noise, "emotion_noise")
    effort_sd = _non_negative(effort_noise, "effort_noise")
    rates = {
        "null_rate": _rate(null_rate, "null_rate"),
        "duplicate_rate": _rate(duplicate_rate, "duplicate_rate"),
        "shuffle_rate": _rate(shuffle_rate, "shuffle_rate"),
    }
    if not isinstance(id_prefix, str):
        raise CxkitError(f"`id_prefix` must be a string, got {format_value(id_prefix)}")
    arrays = compile_journey(j)
    starts = start_table(j)
    walk_seed = int(rng.integers(2**63)) if isinstance(seed, np.random.Generator) else seed
    forced, abandon = end_outcomes(j, arrays)
    walker = Walker(  # simulate(..., waits="exponential")'s walker
        arrays,
        starts,
        seed=walk_seed,
        max_steps=steps,
        forced=forced,
        abandon=abandon,
        edge_wait=arrays.wait_s,
        exponential=True,
    )
    walk = walker.run(0, n_customers)
    flow = WalkMetrics(j, arrays, starts, random_waits=walker.random_waits)
    columns = _record(flow, walk, rng, gap_s, span_s, emotion_sd, effort_sd)
    frame = _to_frame(
        arrays,
        starts.reasons,
        columns,
        n_customers,
        t0,
        tz,
        id_prefix,
        with_surveys=bool(with_surveys),
    )
    if with_noise:
        frame = _add_noise(frame, rng, **rates)
    return frame


def _record(
    flow: WalkMetrics,
    w: Walk,
    rng: np.random.Generator,
    gap_s: float,
    span_s: float,
    emotion_sd: float,
    effort_sd: float,
) -> dict[str, NDArray[Any]]:
    """What the systems record of each walk: per-event and per-customer arrays.

    The figures are Monte Carlo's (:class:`cxkit.sim._flow.WalkMetrics`, the
    definitions of :mod:`cxkit.core.metrics`); the extra randomness (times, emotion
    and survey noise) is drawn from ``rng`` in this order: first-contact times, gaps,
    emotion noise, effort noise.
    """
    ep = flow.emotion
    n_customers = w.size
    v = w.visits
    cust, tp = v.customer, v.node
    n_events = cust.size

    # times: the first contact uniform in the span, then 1 s + Exp(mean_gap) apart
    clock = np.floor(rng.random(n_customers) * span_s).astype(np.int64)
    later = n_events - n_customers
    gaps = 1 + np.floor(rng.exponential(gap_s, later)).astype(np.int64)
    time_s = np.empty(n_events, dtype=np.int64)
    time_s[:n_customers] = clock
    ptr = v.step_ptr
    for k in range(1, ptr.size - 1):  # one pass per step, every customer on the way at once
        lo, hi = int(ptr[k]), int(ptr[k + 1])
        who = cust[lo:hi]
        clock[who] += gaps[lo - n_customers : hi - n_customers]
        time_s[lo:hi] = clock[who]
    wait = np.zeros(n_events) if v.wait is None else np.round(v.wait)

    # emotion at each contact: the class of the contact's own remembered experience
    # (its moments folded alone), plus noise; recorded where the journey says how the
    # touchpoint feels and the contact lived a moment
    visit = flow.visit_states(w)
    contact = metrics.remembered(visit, ep)
    score = contact.score + emotion_sd * rng.standard_normal(n_events)
    emotion = metrics.contact_emotion_code(score, ep).astype(np.int8)
    known = flow.known[w.reason[cust], tp] & (contact.n > 0)
    emotion[~known] = -1

    # per customer: Monte Carlo's figures (effort index, remembered experience)
    per = flow.customers(w)
    ces_answer = np.clip(np.round(per["ces5"] + effort_sd * rng.standard_normal(n_customers)), 1, 5)
    last_event = np.zeros(n_customers, dtype=np.int64)
    np.maximum.at(last_event, cust, np.arange(n_events))
    return {
        "customer": cust,
        "touchpoint": tp,
        "time_s": time_s,
        "context_lost": v.lost,
        "wait_s": wait,
        "emotion": emotion,
        "reason": w.reason,
        "outcome": w.outcome,
        "last_event": last_event,
        "effort": ces_answer.astype(np.int64),
        "csat": per["csat5"].astype(np.int64),
        "nps": per["nps10"].astype(np.int64),
        "has_score": np.bincount(cust, known, minlength=n_customers) > 0,
    }


def _to_frame(
    a: CompiledJourney,
    reason_ids: tuple[str | None, ...],
    cols: dict[str, NDArray[Any]],
    n_customers: int,
    t0_us: int,
    tz: str | None,
    id_prefix: str,
    *,
    with_surveys: bool,
) -> pl.DataFrame:
    n_events = cols["customer"].size
    # chronological order (ties: customer number), computed on integers before any
    # string column exists
    order = np.lexsort((cols["customer"], cols["time_s"]))
    customer = cols["customer"][order]
    is_last = np.zeros(n_events, dtype=bool)
    is_last[cols["last_event"]] = True
    is_last = is_last[order]
    width = max(4, len(str(n_customers)))
    ids = pl.Series("customer_id", np.arange(1, n_customers + 1)).cast(pl.String).str.zfill(width)
    ids = (id_prefix + ids).gather(customer)
    names = pl.Series(a.touchpoint_ids, dtype=pl.String)
    channels = pl.Series(a.channel, dtype=pl.String)
    reasons = pl.Series(list(reason_ids), dtype=pl.String)
    # a journey cut at max_steps without a remainder or abandon outcome ends in 'abandon'
    outcomes = pl.Series([*a.outcome_ids, "abandon"], dtype=pl.String)
    emotions = pl.Series(["dissatisfied", "satisfied", "delighted"], dtype=pl.String)
    not_last = pl.Series(~is_last)

    def per_customer(values: NDArray[Any], mask: NDArray[np.bool_] | None = None) -> pl.Series:
        keep = is_last if mask is None else is_last & mask[customer]
        return pl.Series(values[customer]).set(pl.Series(~keep), None)

    emotion_idx = cols["emotion"][order].astype(np.int64)
    time_us = t0_us + cols["time_s"][order] * 1_000_000
    timestamp = pl.Series("timestamp", time_us).cast(pl.Datetime("us"))
    if tz is not None:
        timestamp = timestamp.dt.replace_time_zone("UTC").dt.convert_time_zone(str(tz))
    tp = cols["touchpoint"][order]
    surveys = cols["has_score"] if with_surveys else np.zeros(n_customers, dtype=bool)
    return pl.DataFrame(
        {
            "customer_id": ids,
            "timestamp": timestamp,
            "touchpoint": names.gather(tp),
            "channel": channels.gather(tp),
            "call_reason": reasons.gather(cols["reason"][customer]),
            "emotion": emotions.gather(np.maximum(emotion_idx, 0)).set(
                pl.Series(emotion_idx < 0), None
            ),
            "effort": per_customer(cols["effort"]),
            "outcome": outcomes.gather(cols["outcome"][customer]).set(not_last, None),
            "csat": per_customer(cols["csat"], surveys),
            "nps": per_customer(cols["nps"], surveys),
            "context_lost": pl.Series(cols["context_lost"][order]),
            "wait_s": pl.Series(cols["wait_s"][order], dtype=pl.Float64),
        }
    )


def _add_noise(
    frame: pl.DataFrame,
    rng: np.random.Generator,
    *,
    null_rate: float,
    duplicate_rate: float,
    shuffle_rate: float,
) -> pl.DataFrame:
    """Blank optional values, duplicate rows and move rows out of order."""
    height = frame.height
    if null_rate > 0:
        blanks = {
            name: pl.when(pl.Series(rng.random(height) < null_rate))
            .then(None)
            .otherwise(pl.col(name))
            .alias(name)
            for name in OPTIONAL_COLUMNS
        }
        frame = frame.with_columns(**blanks)
    if duplicate_rate > 0:
        dup = np.flatnonzero(rng.random(height) < duplicate_rate)
        if dup.size:
            position = np.concatenate([np.arange(height), dup]).astype(np.float64)
            position[height:] += 0.5  # a copy lands right after its original
            frame = (
                pl.concat([frame, frame[dup]])
                .with_columns(_pos=pl.Series(position))
                .sort("_pos")
                .drop("_pos")
            )
    if shuffle_rate > 0:
        height = frame.height
        chosen = np.flatnonzero(rng.random(height) < shuffle_rate)
        order = np.arange(height)
        order[chosen] = chosen[rng.permutation(chosen.size)]
        frame = frame[order]
    return frame
