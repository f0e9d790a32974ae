"""The polars fast path (:mod:`cxkit.analytics._fast`) against the generic path.

``EventLog(df)`` on a polars log that needs no repair computes ``summary`` and the
five tables that :func:`discover` and :func:`attribution` read by counting over
integer codes (``log._fast``); ``EventLog(prepare(df))`` always runs the generic
narwhals path of :mod:`cxkit.analytics._log`. The fast path is an optimisation only,
so the two must agree value for value — ``summary``, the five tables, ``n_events``,
``warnings`` and ``columns`` — and where the fast path declines (``log._fast is
None``), the user must see exactly the generic path's errors and warnings.

Compared here:

* every journey template's generated log in ten shapes (as generated, shuffled,
  outcomes on separate rows, lazy, integer ids, padded and Japanese text, upper
  case, three columns only, a transfer column, ISO text times) and the shipped
  examples — each test asserting that the fast path ran, so that none can pass by
  declining;
* the faults that the generic path reports or repairs: the fast path declines and
  ``EventLog`` and :func:`discover` raise or warn exactly as the generic path does;
* a hypothesis property over small random logs full of ties: the tables agree
  whenever the fast path runs, it declines exactly when the generic path repairs
  something or two events cannot be ordered, and :func:`discover` finds the same
  journey either way;
* ties at one instant, ordered by the generic path's sort keys;
* a large LazyFrame read in buckets of whole customers (``_fast.BUCKET_ROWS`` made
  small), against the generic path;
* :func:`attribution` and :func:`discover` on both paths;
* a collision of the first customer hash, which the second hash must reveal;
* a log, or a bucket, without any touchpoint row;
* with every comparison of the tables, the per-customer sums behind
  :func:`churn_model`'s features (:mod:`cxkit.analytics._fast_customers`).
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import cxkit as cx
from cxkit.analytics import (
    DiscoveryResult,
    EventLog,
    EventLogWarning,
    EventSchema,
    _fast,
    attribution,
    discover,
)
from cxkit.analytics._churn import _customer_sums
from cxkit.analytics._validate import prepare, resolve_columns
from cxkit.core.errors import CxkitError
from cxkit.core.journey import Journey
from cxkit.data import generate_events
from cxkit.io import dump_journey

TABLES = ("edges_table", "starts_table", "touchpoint_table", "channels_table", "credit_table")
TOLERANCE: dict[str, Any] = {"check_exact": False, "rel_tol": 1e-9, "abs_tol": 1e-9}
TEMPLATES = sorted(cx.list_templates())
EXAMPLES = sorted(cx.data.list_examples())
T0 = dt.datetime(2026, 1, 5, 9)


# -- helpers ----------------------------------------------------------------------------
@functools.cache
def _journey(name: str) -> Journey:
    return cx.load_journey(name)


@functools.cache
def _generated(name: str) -> pl.DataFrame:
    return generate_events(_journey(name), 3000, seed=3)


def _paths(
    events: Any, *, journey: Journey | None = None, schema: EventSchema | None = None
) -> tuple[EventLog, EventLog]:
    """``events`` read by ``EventLog`` (the fast path when it can) and by the generic path."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        fast = EventLog(events, schema=schema, journey=journey)
        generic = EventLog(prepare(events, schema, journey=journey))
    assert generic._fast is None
    return fast, generic


def assert_same_tables(a: EventLog, b: EventLog) -> None:
    """The two logs have the same events: the same summary and tables."""
    assert a.summary == b.summary
    assert a.n_events == b.n_events
    for name in TABLES:
        try:
            assert_frame_equal(getattr(a, name), getattr(b, name), **TOLERANCE)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def assert_same_log(fast: EventLog, generic: EventLog) -> None:
    """The two logs agree on everything that the fast path computes."""
    assert_same_tables(fast, generic)
    assert fast.warnings == generic.warnings
    assert fast.columns == generic.columns
    assert fast.outcome_ids == generic.outcome_ids
    # first contacts, FCR and repeat contacts for a short and a long window
    for window_us in (3_600e6, 30 * 86_400e6):
        assert_frame_equal(fast.contact_sums(window_us), generic.contact_sums(window_us))
    # what drift reads: journeys per touchpoint and the effort answers
    assert_frame_equal(fast.reach_table, generic.reach_table)
    assert_frame_equal(fast.effort_spread, generic.effort_spread, **TOLERANCE)
    a, b = fast.effort_per_journey, generic.effort_per_journey
    assert (a[0], a[3]) == (b[0], b[3])
    for x, y in zip(a[1:3], b[1:3], strict=True):  # mean and SD, or None for both
        assert (x is None and y is None) or x == pytest.approx(y, rel=1e-9, abs=1e-12)
    assert_same_customers(fast, generic)


def assert_same_customers(fast: EventLog, generic: EventLog) -> None:
    """The per-customer sums behind churn_model's features, for two windows and two
    sets of churn outcomes (the fast path's, :mod:`cxkit.analytics._fast_customers`)."""
    for window_us, churn in ((7 * 86_400e6, ("churn",)), (3_600e6, ("abandon", "resolved"))):
        mine = fast.fast_customer_sums(window_us, churn)
        if fast._fast is None:  # a log that the generic path reads: so are its customers
            assert mine is None
            continue
        assert mine is not None, "the fast path declined the customer sums of a clean log"
        theirs = _customer_sums(generic, churn, window_us)
        try:
            assert_frame_equal(mine.sort("customer"), theirs.sort("customer"), **TOLERANCE)
        except AssertionError as exc:
            raise AssertionError(f"customer sums ({window_us:g} µs, {churn}): {exc}") from None


def assert_same_discovery(a: DiscoveryResult, b: DiscoveryResult) -> None:
    """The same journey (as YAML) and the same counts behind it."""
    assert dump_journey(a.journey) == dump_journey(b.journey)
    assert (a.n_events, a.n_customers, a.n_journeys) == (b.n_events, b.n_customers, b.n_journeys)
    assert a.warnings == b.warnings
    for name in ("edges", "starts", "outcomes", "touchpoints"):
        try:
            assert_frame_equal(getattr(a, name), getattr(b, name), **TOLERANCE)
        except AssertionError as exc:
            raise AssertionError(f"discover().{name}: {exc}") from None


def _outcome(make: Callable[[], Any]) -> tuple[str | None, tuple[str, ...], Any]:
    """``make()``'s error text (or ``None``), the warnings it gave, and its value."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = make()
        except CxkitError as exc:  # EventLogError and discover's argument errors
            return f"{type(exc).__name__}: {exc}", (), None
    return None, tuple(f"{w.category.__name__}: {w.message}" for w in caught), value


# -- the shapes of a generated log ------------------------------------------------------
def _separate_outcomes(e: pl.DataFrame) -> pl.DataFrame:
    """Each outcome moved to an outcome-only row at the instant of the contact that
    carried it (appended last): a tie that the sort keys order, contact first."""
    ended = e.filter(pl.col("outcome").is_not_null())
    return pl.concat(
        [
            e.with_columns(outcome=pl.lit(None, pl.String)),
            ended.with_columns(touchpoint=pl.lit(None, pl.String)),
        ]
    )


def _padded_japanese(e: pl.DataFrame) -> pl.DataFrame:
    """Text padded with white space (" web \\t"), emotions spelt in Japanese."""
    text = ("touchpoint", "channel", "call_reason", "outcome")
    return e.with_columns(
        *[pl.concat_str(pl.lit(" "), pl.col(c), pl.lit(" \t")).alias(c) for c in text],
        emotion=pl.col("emotion").replace(
            {"dissatisfied": "不満", "satisfied": " 満足 ", "delighted": "感動"}
        ),
    )


def _iso_text(e: pl.DataFrame) -> pl.DataFrame:
    """Times as ISO 8601 text, with Tokyo (+09:00) and UTC (+00:00) offsets mixed."""
    tokyo = pl.col("timestamp").dt.to_string("%Y-%m-%dT%H:%M:%S%.f%:z")
    utc = pl.col("timestamp").dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%S%:z")
    return e.with_columns(
        timestamp=pl.when(pl.int_range(pl.len()) % 2 == 0).then(tokyo).otherwise(utc)
    )


def _transfer(e: pl.DataFrame) -> pl.DataFrame:
    """An explicit transfer column (bool, with nulls)."""
    k = pl.int_range(pl.len())
    return e.with_columns(transfer=pl.when(k % 7 == 0).then(None).otherwise(k % 3 == 0))


VARIANTS: dict[str, Callable[[pl.DataFrame], Any]] = {
    "as_generated": lambda e: e,
    "shuffled": lambda e: e.sample(fraction=1.0, shuffle=True, seed=2),
    "separate_outcome_rows": _separate_outcomes,
    "lazy": lambda e: e.lazy(),
    "integer_ids": lambda e: e.with_columns(pl.col("customer_id").str.slice(1).cast(pl.Int64)),
    "padded_japanese": _padded_japanese,
    "upper_case_emotions": lambda e: e.with_columns(pl.col("emotion").str.to_uppercase()),
    "three_columns": lambda e: e.select("customer_id", "timestamp", "touchpoint"),
    "transfer_column": _transfer,
    "iso_text_times": _iso_text,
}
#: Shapes that hold the same events as the generated log: the same tables.
SAME_EVENTS = (
    "shuffled",
    "lazy",
    "integer_ids",
    "padded_japanese",
    "upper_case_emotions",
    "iso_text_times",
)


# -- 1. agreement -----------------------------------------------------------------------
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("template", TEMPLATES)
def test_the_fast_path_gives_the_generic_tables(template: str, variant: str) -> None:
    events = VARIANTS[variant](_generated(template))
    fast, generic = _paths(events, journey=_journey(template))
    assert fast._fast is not None, "the fast path declined a clean log"
    assert_same_log(fast, generic)
    assert fast.summary["contacts"] > 0 and fast.summary["cases"] > 0
    if variant in SAME_EVENTS:  # stripped text, other spellings, ids and offsets: same log
        base, _ = _paths(_generated(template), journey=_journey(template))
        assert_same_tables(fast, base)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_fast_path_gives_the_generic_tables_on_the_shipped_examples(name: str) -> None:
    events = pl.read_parquet(cx.data.example_path(name))  # clean as shipped
    raw = pl.concat([events, events[::97]])  # with rows repeated, as exports come
    fast, generic = _paths(events, journey=_journey(name))
    assert fast._fast is not None
    assert_same_log(fast, generic)
    # with duplicate rows: both paths drop them and say so alike
    fast_raw, generic_raw = _paths(raw, journey=_journey(name))
    assert fast_raw._fast is not None and fast_raw._fast.n_duplicates > 0
    assert_same_log(fast_raw, generic_raw)
    assert any("duplicate" in w for w in fast_raw.warnings)
    assert_same_tables(fast_raw, fast)


def test_ties_are_ordered_as_the_generic_path_orders_them() -> None:
    """Events of a customer at one instant: contacts first, by touchpoint; a contact
    without an outcome before one with; outcome-only rows by outcome."""
    rows = [
        ("a", "web", None),
        ("a", None, "resolved"),
        ("a", "phone", None),  # a: phone → web → resolved
        ("b", "web", "resolved"),
        ("b", "web", None),  # b: web → web → resolved
        ("c", None, "purchase"),
        ("c", None, "churn"),
        ("c", "chat", None),  # c: chat → churn, then an empty journey (purchase)
    ]
    events = pl.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "timestamp": [T0] * len(rows),
            "touchpoint": [r[1] for r in rows],
            "outcome": [r[2] for r in rows],
        }
    )
    for order in (events, events.reverse()):
        fast, generic = _paths(order)
        assert fast._fast is not None
        assert_same_log(fast, generic)
        assert fast.edges_table.select("tp", "target", "count").rows() == [
            ("chat", "churn", 1),
            ("phone", "web", 1),
            ("web", "resolved", 2),
            ("web", "web", 1),
        ]
        assert (fast.summary["cases"], fast.summary["empty_cases"]) == (3, 1)


def _count_buckets(monkeypatch: pytest.MonkeyPatch, bucket_rows: int) -> list[int]:
    """Read LazyFrames in buckets of about ``bucket_rows`` rows; the list collects the
    number of buckets of each log read so."""
    monkeypatch.setattr(_fast, "BUCKET_ROWS", bucket_rows)
    merge, seen = _fast._merge, []

    def counted(parts: list[Any]) -> Any:
        seen.append(len(parts))
        return merge(parts)

    monkeypatch.setattr(_fast, "_merge", counted)
    return seen


@pytest.mark.parametrize("variant", ["lazy", "separate_outcome_rows"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_a_large_lazy_log_read_in_buckets_gives_the_generic_tables(
    monkeypatch: pytest.MonkeyPatch, template: str, variant: str
) -> None:
    buckets = _count_buckets(monkeypatch, 1500)  # 4 000-10 000 rows: several buckets
    events = VARIANTS[variant](_generated(template)).lazy()
    fast, generic = _paths(events, journey=_journey(template))
    assert fast._fast is not None
    assert len(buckets) == 1 and buckets[0] >= 3
    assert_same_log(fast, generic)


# -- 2. declines ------------------------------------------------------------------------
def _clean() -> pl.DataFrame:
    """A small log that needs no repair (the fast path reads it)."""
    h = [T0 + dt.timedelta(hours=k) for k in range(4)]
    return pl.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "c"],
            "timestamp": [h[0], h[1], h[2], h[0], h[1], h[3]],
            "touchpoint": ["web", "phone", "phone", "web", "chat", "phone"],
            "channel": ["web", None, "phone", "web", "chat", "phone"],  # a switch unknown
            "emotion": ["satisfied", None, "dissatisfied", "delighted", None, None],
            "effort": [1.0, None, 2.0, 3.0, None, 5.0],
            "transfer": [False, False, True, False, False, None],
            "outcome": [None, None, "resolved", None, "purchase", None],
        }
    )


def _set(df: pl.DataFrame, column: str, row: int, value: Any) -> pl.DataFrame:
    """``df`` with ``column`` set to ``value`` in ``row``."""
    values = df[column].to_list()
    values[row] = value
    return df.with_columns(pl.Series(column, values, dtype=df.schema[column], strict=False))


def _text_times(df: pl.DataFrame, bad: str) -> pl.DataFrame:
    times = df["timestamp"].dt.to_string("%Y-%m-%dT%H:%M:%S").to_list()
    return df.with_columns(timestamp=pl.Series([bad, *times[1:]]))


_OTHER = EventSchema(unknown_outcomes="other")

#: name → (the log and its schema, a text the error or a warning must contain; ``None``:
#: the generic path reads the log silently).
DECLINES: dict[str, tuple[Callable[[pl.DataFrame], tuple[Any, Any]], str | None]] = {
    "null_customer": (
        lambda d: (_set(d, "customer_id", 2, None), None),
        "(the customer id) is null",
    ),
    "null_timestamp": (lambda d: (_set(d, "timestamp", 2, None), None), "(the event time) is null"),
    "unparsable_timestamp_text": (
        lambda d: (_text_times(d, "yesterday 9am"), None),
        "cannot be read as a date",
    ),
    "effort_out_of_range": (lambda d: (_set(d, "effort", 0, 7.0), None), "out of range"),
    "nan_effort": (lambda d: (_set(d, "effort", 0, float("nan")), None), "out of range"),
    "unknown_emotion": (lambda d: (_set(d, "emotion", 0, "happy"), None), "unknown values"),
    "unknown_outcome": (lambda d: (_set(d, "outcome", 2, "refund"), None), "unknown outcomes"),
    "unknown_outcome_as_other": (
        lambda d: (_set(d, "outcome", 2, "refund"), _OTHER),
        "they were mapped to 'other'",
    ),
    "neither_touchpoint_nor_outcome": (
        lambda d: (_set(d, "touchpoint", 5, None), None),
        "neither a touchpoint nor an outcome",
    ),
    "blank_touchpoint_text": (
        lambda d: (_set(d, "touchpoint", 5, "   "), None),
        "neither a touchpoint nor an outcome",
    ),
    "text_transfer_flags": (
        lambda d: (
            d.with_columns(pl.col("transfer").replace_strict({True: "yes", False: "no"})),
            None,
        ),
        None,
    ),
    "fractional_context_lost": (
        lambda d: (d.with_columns(context_lost=pl.Series([0.0, 0.5, 1.0, 0.0, None, 1.0])), None),
        "out of range",
    ),
    "transfer_flag_out_of_range": (
        lambda d: (d.with_columns(pl.col("transfer").cast(pl.Int64).fill_null(2)), None),
        "out of range",
    ),
    "same_instant_same_touchpoint": (  # a's first contact twice, with another effort
        lambda d: (d.vstack(_set(d.head(1), "effort", 0, 4.0)), None),
        None,
    ),
    "float_customer_ids": (
        lambda d: (d.with_columns(customer_id=pl.Series([1.0, 1.0, 1.0, 2.0, 2.0, 3.0])), None),
        None,
    ),
    "empty_log": (lambda d: (d.head(0), None), "is empty"),
}


def test_the_clean_log_of_the_decline_cases_takes_the_fast_path() -> None:
    fast, generic = _paths(_clean())
    assert fast._fast is not None
    assert_same_log(fast, generic)
    assert fast.summary["contacts"] == 6 and fast.summary["cases"] == 3


#: name → a log with duplicate events (rows equal in every column read, as the generic
#: path compares them) and the number of duplicates.
DUPLICATES: dict[str, tuple[Callable[[pl.DataFrame], pl.DataFrame], int]] = {
    "one_row_twice": (lambda d: d.vstack(d.slice(1, 1)), 1),
    "every_row_three_times": (lambda d: pl.concat([d, d, d]), 12),
    "padded_and_respelt": (  # " web " is web, and 満足 is satisfied, on both paths
        lambda d: d.vstack(
            d.head(1).with_columns(touchpoint=pl.lit(" web "), emotion=pl.lit("満足"))
        ),
        1,
    ),
    "an_outcome_row_twice": (
        lambda d: pl.concat(
            [
                d,
                pl.DataFrame(
                    {"customer_id": ["c", "c"], "timestamp": [T0, T0], "outcome": ["churn"] * 2}
                ),
            ],
            how="diagonal_relaxed",
        ),
        1,
    ),
    "beside_a_tie_that_the_sort_orders": (  # b's chat twice; a web and a phone at one instant
        lambda d: pl.concat([_set(d, "timestamp", 1, T0), d.slice(4, 1)]),
        1,
    ),
}


@pytest.mark.parametrize("case", list(DUPLICATES))
def test_duplicates_are_dropped_on_the_fast_path_as_on_the_generic_path(case: str) -> None:
    build, n_duplicates = DUPLICATES[case]
    events = build(_clean())
    with pytest.warns(EventLogWarning, match=f"dropped {n_duplicates} duplicate event"):
        fast = EventLog(events)
    assert fast._fast is not None and fast._fast.n_duplicates == n_duplicates
    generic = _outcome(lambda: EventLog(prepare(events)))[2]
    assert_same_log(fast, generic)
    assert fast.n_events == events.height - n_duplicates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)  # said above, and said alike
        assert_same_discovery(discover(events), discover(generic))
    # read lazily in buckets of two rows: the duplicates are counted once over buckets
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_fast, "BUCKET_ROWS", 2)
        lazy, _ = _paths(events.lazy())
    assert lazy._fast is not None and lazy._fast.n_duplicates == n_duplicates
    assert_same_log(lazy, generic)


@pytest.mark.parametrize("case", list(DECLINES))
def test_the_fast_path_declines_and_the_generic_path_answers(case: str) -> None:
    build, expected = DECLINES[case]
    events, schema = build(_clean())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        resolved = resolve_columns(events, schema)
    assert _fast.fast_tables(resolved, None, events) is None

    fast = _outcome(lambda: EventLog(events, schema=schema))
    generic = _outcome(lambda: EventLog(prepare(events, schema)))
    assert fast[:2] == generic[:2]  # the same error, or the same warnings
    said = [fast[0]] if fast[0] is not None else list(fast[1])
    if expected is None:
        assert said == []
    else:
        assert any(expected in text for text in said), said
    if fast[0] is None:
        assert fast[2]._fast is None
        assert_same_log(fast[2], generic[2])

    found = _outcome(lambda: discover(events, schema=schema))
    found_generic = _outcome(lambda: discover(EventLog(prepare(events, schema))))
    assert found[:2] == found_generic[:2]
    if found[0] is None:
        assert_same_discovery(found[2], found_generic[2])


# -- 3. property: random small logs -----------------------------------------------------
TOUCHPOINTS = ("web", "phone", "chat\t", " web ", "store front", "窓口", "   ")  # "   ": none
OUTCOMES = ("purchase", "resolved", "churn", "abandon", " resolved ")
OPTIONAL = ("channel", "call_reason", "emotion", "effort", "wait_s", "context_lost", "transfer")


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


_event = st.fixed_dictionaries(
    {
        "hour": st.integers(0, 5),  # few instants: ties are frequent
        "minute": st.sampled_from([0, 0, 30]),
        "touchpoint": st.sampled_from(TOUCHPOINTS),
        "outcome": st.sampled_from((None, None, None, *OUTCOMES)),
        "separate": st.sampled_from((None, None, 0, 1)),  # hours to a separate outcome row
        "channel": _maybe(st.sampled_from(("web", "phone", "chat", " phone", "email"))),
        "call_reason": _maybe(st.sampled_from(("billing", "login", "refund"))),
        "emotion": _maybe(st.sampled_from(("satisfied", "不満", "DELIGHTED", " "))),
        "effort": _maybe(st.integers(1, 5)),
        "wait_s": _maybe(st.floats(0, 600, allow_nan=False)),
        "context_lost": _maybe(st.booleans()),
        "transfer": _maybe(st.booleans()),
    }
)


@st.composite
def _logs(draw: st.DrawFn) -> pl.DataFrame:
    """1–6 customers with 1–8 events each, some outcomes on separate rows, a random
    subset of the optional columns, in generated, time or shuffled order."""
    customers = draw(st.lists(st.lists(_event, min_size=1, max_size=8), min_size=1, max_size=6))
    columns = draw(st.sets(st.sampled_from(OPTIONAL)))
    empty_rows = draw(st.integers(0, 9)) == 0  # in a tenth of the logs (declined)
    rows: list[dict[str, Any]] = []
    for c, events in enumerate(customers):
        for k, ev in enumerate(events):
            row = {"customer_id": c + 1, **ev}
            blank = not row["touchpoint"].strip()
            if blank and (k == 0 or (row["outcome"] is None and not empty_rows)):
                row["touchpoint"] = "phone"  # each customer has a contact
            if row["outcome"] is not None and ev["separate"] is not None:
                rows.append(
                    {
                        "customer_id": c + 1,
                        "hour": ev["hour"] + ev["separate"],
                        "minute": ev["minute"],
                        "touchpoint": None,
                        "outcome": row["outcome"],
                    }
                )
                row["outcome"] = None
            rows.append(row)
    df = pl.DataFrame(
        {
            "customer_id": [r["customer_id"] for r in rows],
            "timestamp": [T0 + dt.timedelta(hours=r["hour"], minutes=r["minute"]) for r in rows],
            "touchpoint": [r["touchpoint"] for r in rows],
            "outcome": [r["outcome"] for r in rows],
            **{c: [r.get(c) for r in rows] for c in OPTIONAL if c in columns},
        },
        schema_overrides={c: pl.String for c in ("touchpoint", "outcome", "emotion")},
    )
    if draw(st.booleans()):
        df = df.with_columns(pl.format("c{}", "customer_id").alias("customer_id"))
    if draw(st.booleans()):
        df = df.with_columns(pl.col("timestamp").dt.to_string("%Y-%m-%dT%H:%M:%S+09:00"))
    if draw(st.integers(0, 3)) == 0:  # in a quarter of the logs, some rows twice
        df = pl.concat([df, df[draw(st.lists(st.integers(0, df.height - 1), max_size=3))]])
    order = draw(st.sampled_from(("generated", "time", "shuffled")))
    if order == "time":
        df = df.sort("timestamp", maintain_order=True)
    elif order == "shuffled":
        df = df[draw(st.permutations(range(df.height)))]
    return df


def _ambiguous(generic: EventLog) -> bool:
    """Whether two kept events of a customer share an instant, touchpoint and outcome."""
    rows = generic.prepared.frame.to_native().collect()
    keys = ["customer", "t", "tp", "outcome"]
    return bool(rows.group_by(keys).len()["len"].max() > 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=_logs(), bucket_rows=st.sampled_from([None, None, 3, 10]))
def test_property_random_logs_agree_on_both_paths(
    events: pl.DataFrame, bucket_rows: int | None
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        if bucket_rows is not None:  # read lazily in buckets of about that many rows
            patch.setattr(_fast, "BUCKET_ROWS", bucket_rows)
            fast, generic = _paths(events.lazy())
        else:
            fast, generic = _paths(events)
    event("fast path" if fast._fast is not None else "declined")
    if fast._fast is not None:
        assert_same_log(fast, generic)
        if fast._fast.n_duplicates:
            event("duplicates dropped on the fast path")
    # it declines exactly when the generic path repairs something other than dropping
    # duplicates (empty rows) or two events of a customer at one instant cannot be
    # ordered
    repairs = [w for w in generic.warnings if "duplicate event" not in w]
    assert (fast._fast is None) == (bool(repairs) or _ambiguous(generic))

    found = _outcome(lambda: discover(events))
    found_generic = _outcome(lambda: discover(generic))
    assert found[0] == found_generic[0]
    if found[0] is None:
        assert_same_discovery(found[2], found_generic[2])


# -- 4. attribution and discover --------------------------------------------------------
@pytest.mark.parametrize("by", ["touchpoint", "channel"])
@pytest.mark.parametrize(
    ("template", "target"), [("retail_omnichannel", "purchase"), ("billing_inquiry", "resolved")]
)
def test_attribution_is_the_same_on_both_paths(template: str, target: str, by: str) -> None:
    events = _generated(template)
    assert EventLog(events)._fast is not None
    fast = attribution(events, target=target, by=by)
    generic = attribution(EventLog(prepare(events)), target=target, by=by)
    assert_frame_equal(fast, generic, **TOLERANCE)
    assert fast.height > 1 and fast["markov"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("variant", ["as_generated", "separate_outcome_rows"])
@pytest.mark.parametrize("template", ["retail_omnichannel", "billing_inquiry"])
def test_discover_is_the_same_on_both_paths(template: str, variant: str) -> None:
    journey = _journey(template)
    events = VARIANTS[variant](_generated(template))
    assert EventLog(events, journey=journey)._fast is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        fast = discover(events, journey=journey)
        generic = discover(EventLog(prepare(events, journey=journey)), journey=journey)
    assert_same_discovery(fast, generic)
    assert fast.n_journeys == 3000


# -- 5. hash collisions -----------------------------------------------------------------
def _collide(monkeypatch: pytest.MonkeyPatch, hashes: tuple[str, ...]) -> None:
    """Give customer ``c`` the hashes ``hashes`` of customer ``a`` (rows 5 and 0 of
    :func:`_clean`, whose times differ, so that no tie hides the collision)."""
    code = _fast._code

    def colliding(*args: Any, **kwargs: Any) -> Any:
        found = code(*args, **kwargs)
        assert found is not None
        coded, codes = found
        merged = [pl.col(h).replace(coded[h][5], coded[h][0]) for h in hashes]
        return coded.with_columns(merged), codes

    monkeypatch.setattr(_fast, "_code", colliding)


def test_a_collision_of_the_first_customer_hash_is_declined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _collide(monkeypatch, ("h",))
    fast, generic = _paths(_clean())
    assert fast._fast is None
    assert_same_log(fast, generic)
    assert fast.summary["customers"] == 3


def test_the_second_hash_is_what_tells_colliding_customers_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # both hashes equal (about 2⁻¹²⁸ per pair of ids): the fast path cannot tell a
    # from c, which shows that the check above is what declined
    _collide(monkeypatch, ("h", "h2"))
    fast, _ = _paths(_clean())
    assert fast._fast is not None
    assert fast.summary["customers"] == 2


# -- no touchpoint rows -----------------------------------------------------------------
def test_a_log_of_outcome_rows_only_gives_the_generic_error() -> None:
    events = pl.DataFrame(
        {
            "customer_id": ["a", "b"],
            "timestamp": [T0, T0],
            "touchpoint": pl.Series([None, None], dtype=pl.String),
            "outcome": ["churn", "purchase"],
        }
    )
    generic = _outcome(lambda: discover(EventLog(prepare(events))))
    assert generic[0] is not None and "no touchpoint events" in generic[0]
    assert _outcome(lambda: discover(events))[:2] == generic[:2]


def test_a_bucket_of_outcome_rows_only_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # a and b fall in different buckets of three (hashes with _fast._SEED_BUCKET)
    events = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "timestamp": [T0, T0 + dt.timedelta(hours=1), T0],
            "touchpoint": ["web", "phone", None],
            "outcome": [None, "resolved", "churn"],
        }
    ).lazy()
    _count_buckets(monkeypatch, 1)
    fast, generic = _paths(events)
    assert_same_log(fast, generic)


@pytest.mark.parametrize("variant", ["as_generated", "shuffled", "separate_outcome_rows"])
@pytest.mark.parametrize("template", ["retail_omnichannel", "subscription_support"])
def test_metrics_are_the_same_on_both_paths_and_stay_on_the_fast_one(
    template: str, variant: str
) -> None:
    from cxkit.analytics import journey_metrics, touchpoint_metrics

    journey = _journey(template)
    fast, generic = _paths(VARIANTS[variant](_generated(template)), journey=journey)
    assert fast._fast is not None
    for window in ("1h", "7d"):
        assert_frame_equal(
            touchpoint_metrics(fast, repeat_window=window),
            touchpoint_metrics(generic, repeat_window=window),
            **TOLERANCE,
        )
        assert_frame_equal(
            journey_metrics(fast, repeat_window=window),
            journey_metrics(generic, repeat_window=window),
            **TOLERANCE,
        )
    from cxkit.analytics import drift

    assert_frame_equal(
        drift(journey, fast).to_frame(), drift(journey, generic).to_frame(), **TOLERANCE
    )
    assert "prepared" not in vars(fast)  # the row-level frames were never needed
