"""Bad event logs: every case is reported (count, example, expectation) or repaired
with a counted warning — never a silently wrong graph."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import polars as pl
import pytest

from cxkit.analytics import EventLogError, EventLogWarning, EventSchema, discover
from cxkit.analytics._validate import prepare
from cxkit.core.errors import CxkitError

T0 = dt.datetime(2026, 5, 1, 9)


def good(n: int = 3) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["a", "a", "b"][:n],
            "timestamp": [T0, T0 + dt.timedelta(hours=1), T0][:n],
            "touchpoint": ["web", "phone", "web"][:n],
            "outcome": [None, "resolved", "purchase"][:n],
        }
    )


def test_missing_required_column_with_did_you_mean() -> None:
    with pytest.raises(EventLogError) as info:
        discover(good().rename({"customer_id": "customerid"}))
    assert str(info.value) == (
        "column 'customer_id' (the customer id) is missing; did you mean 'customerid'? "
        "Pass EventSchema(customer='customerid') if that is the column."
    )


def test_missing_column_without_a_close_name_lists_the_columns() -> None:
    with pytest.raises(
        EventLogError,
        match=r"column 'touchpoint' \(the touchpoint\) is missing; "
        r"the log has 'customer_id', 'timestamp', 'outcome'",
    ):
        discover(good().drop("touchpoint"))


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(EventLogError) as info:
        discover(good().rename({"customer_id": "cust", "timestamp": "time"}))
    assert len(info.value.problems) == 2
    assert str(info.value).startswith("the event log has 2 problems:")


def test_a_renamed_optional_column_must_exist() -> None:
    with pytest.raises(EventLogError, match=r"column 'feeling' \(the emotion\) is missing"):
        discover(good(), schema=EventSchema(emotion="feeling"))


def test_a_misspelled_optional_column_is_pointed_out() -> None:
    log = good().with_columns(emotions=pl.lit("satisfied"))
    with pytest.warns(
        EventLogWarning, match=r"no column 'emotion' \(the emotion\) but has 'emotions'"
    ):
        discover(log)


def test_schema_renames_columns() -> None:
    log = good().rename({"customer_id": "cust", "timestamp": "ts", "touchpoint": "tp"})
    found = discover(log, schema=EventSchema(customer="cust", timestamp="ts", touchpoint="tp"))
    assert found.n_customers == 2


def test_null_customer_ids_name_count_and_example() -> None:
    log = good().with_columns(customer_id=pl.Series(["a", None, None]))
    with pytest.raises(EventLogError) as info:
        discover(log)
    msg = str(info.value)
    assert "column 'customer_id' (the customer id) is null in 2 rows of 3" in msg
    assert "'touchpoint': 'phone'" in msg and "expected an id on every row" in msg


def test_null_and_unreadable_timestamps() -> None:
    log = good().with_columns(timestamp=pl.Series([None, "2026-05-01T10:00:00", "yesterday"]))
    with pytest.raises(EventLogError) as info:
        discover(log)
    problems = info.value.problems
    assert problems[0].startswith("column 'timestamp' (the event time) is null in 1 row of 3")
    assert problems[1].startswith(
        "column 'timestamp' (the event time) cannot be read as a date and time in 1 row; e.g. "
    )
    assert "'yesterday'" in problems[1] and "ISO 8601" in problems[1]


def test_timestamp_of_the_wrong_type() -> None:
    with pytest.raises(EventLogError, match=r"has type Int64; expected datetimes"):
        discover(good().with_columns(timestamp=pl.Series([1, 2, 3])))


def test_empty_log() -> None:
    with pytest.raises(EventLogError, match="is empty \\(0 rows\\)"):
        discover(good().head(0))


def test_not_a_dataframe() -> None:
    with pytest.raises(EventLogError, match="`events` must be a dataframe"):
        discover({"customer_id": ["a"]})
    with pytest.raises(CxkitError, match="`schema` must be an EventSchema"):
        discover(good(), schema={"customer": "x"})  # type: ignore[arg-type]


def test_duplicates_are_dropped_with_a_count() -> None:
    log = pl.concat([good(), good().head(2)])
    with pytest.warns(EventLogWarning, match=r"dropped 2 duplicate events .* of 5"):
        found = discover(log)
    assert found.n_events == 3
    assert found.journey == discover(good()).journey


def test_unsorted_rows_give_the_same_result() -> None:
    log = pl.concat([good(), good().with_columns(customer_id=pl.lit("c"))])
    shuffled = log.sample(fraction=1.0, shuffle=True, seed=5)
    a, b = discover(log), discover(shuffled)
    assert a.journey == b.journey and a.edges.equals(b.edges)


def test_mixed_time_zones_are_converted_to_utc() -> None:
    # the same instants written with three different offsets
    text = pl.DataFrame(
        {
            "customer_id": ["a", "a", "a"],
            "timestamp": [
                "2026-05-01T18:00:00+09:00",  # 09:00 UTC
                "2026-05-01T09:30:00Z",  # 09:30 UTC
                "2026-05-01 05:45:00-04:00",  # 09:45 UTC
            ],
            "touchpoint": ["web", "phone", "agent"],
        }
    )
    found = discover(text.reverse())  # wall clocks would order them agent, web, phone
    keys = list(zip(found.edges["source"], found.edges["target"], strict=True))
    assert ("web", "phone") in keys and ("phone", "agent") in keys
    gaps = dict(zip(found.edges["source"], found.edges["mean_gap_s"], strict=True))
    assert gaps["web"] == 1800.0 and gaps["phone"] == 900.0
    # pandas object column of datetimes in different zones
    objs = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a"],
            "timestamp": pd.Series(
                [
                    pd.Timestamp("2026-05-01T18:00:00", tz="Asia/Tokyo"),
                    pd.Timestamp("2026-05-01T09:30:00", tz="UTC"),
                    pd.Timestamp("2026-05-01T05:45:00", tz="America/New_York"),
                ],
                dtype=object,
            ),
            "touchpoint": ["web", "phone", "agent"],
        }
    )
    assert discover(objs).edges.equals(found.edges)
    # offsets written "+0900" (polars' own CSV) or "+09" (PostgreSQL) read the same
    other = text.with_columns(
        timestamp=pl.Series(
            ["2026-05-01T18:00:00.000000+0900", "2026-05-01 09:30:00+00", "2026-05-01 05:45:00-04"]
        )
    )
    assert discover(other).edges.equals(found.edges)
    # a time-zone-aware column equals the naive UTC one
    aware = text.with_columns(
        timestamp=pl.col("timestamp").str.to_datetime("%+", time_zone="Asia/Tokyo")
    )
    assert discover(aware).edges.equals(found.edges)


def test_unknown_outcomes_error_or_map_to_other() -> None:
    log = good().with_columns(outcome=pl.Series([None, "resolvd", "purchase"]))
    with pytest.raises(
        EventLogError, match=r"unknown outcomes: 'resolvd' \(1×\), did you mean 'resolved'\?"
    ):
        discover(log)
    with pytest.warns(
        EventLogWarning,
        match=r"1 row had outcomes that are not declared \('resolvd'\); "
        r"they were mapped to 'other'",
    ):
        found = discover(log, schema=EventSchema(unknown_outcomes="other"))
    assert "other" in found.journey.graph.outcome_ids
    declared = discover(log, schema=EventSchema(outcomes=("resolvd",)))
    assert "resolvd" in declared.journey.graph.outcome_ids


def test_single_event_customers_start_and_end() -> None:
    found = discover(good().filter(pl.col("customer_id") == "b"))
    j = found.journey
    assert dict(j.graph.entry) == {"web": 1.0}
    assert [(h.source, h.target, h.probability) for h in j.handoffs] == [("web", "purchase", 1.0)]
    assert j.is_valid


def test_rows_with_neither_touchpoint_nor_outcome_are_dropped_with_a_count() -> None:
    log = pl.concat(
        [
            good(),
            pl.DataFrame(
                {"customer_id": ["z"], "timestamp": [T0], "touchpoint": [""], "outcome": [None]},
                schema=good().schema,
            ),
        ]
    )
    with pytest.warns(EventLogWarning, match="1 row of 4 have neither a touchpoint nor an outcome"):
        found = discover(log)
    assert found.n_customers == 2


def test_an_outcome_only_log_is_refused() -> None:
    log = good().with_columns(touchpoint=pl.lit(None, pl.String))
    with (
        pytest.raises(EventLogError, match="has outcomes but no touchpoint events"),
        pytest.warns(EventLogWarning, match="1 row of 3 have neither a touchpoint nor an"),
    ):
        discover(log)


def test_values_out_of_range() -> None:
    log = good().with_columns(
        effort=pl.Series([1, 9, None]),
        csat=pl.Series([0, 5, 3]),
        nps=pl.Series([11, 5, 3]),
        wait_s=pl.Series([-1.0, 5.0, 3.0]),
        context_lost=pl.Series([2, 0, 1]),
        emotion=pl.Series(["happy", "satisfied", "不満"]),
    )
    with pytest.raises(EventLogError) as info:
        discover(log)
    text = "\n".join(info.value.problems)
    for expected in (
        "column 'effort' (the CES answer) is out of range in 1 row; e.g. {",
        "— expected a CES answer from 1 to 5",
        "— expected a CSAT answer from 1 to 5",
        "— expected an NPS answer from 0 to 10",
        "— expected a wait of 0 seconds or more",
        "column 'context_lost' (context lost) is out of range in 1 row",
        "column 'emotion' (the emotion) has unknown values in 1 row: 'happy' (1×)",
    ):
        assert expected in text, expected


def test_flags_written_as_text_are_read() -> None:
    log = good().with_columns(context_lost=pl.Series(["no", "YES", None]))
    found = discover(log)
    assert found.edges.filter(source="web")["context_lost_rate"][0] == 1.0
    bad = good().with_columns(context_lost=pl.Series(["no", "perhaps", None]))
    with pytest.raises(EventLogError, match=r"'context_lost' .* out of range in 1 row"):
        discover(bad)


def test_python_object_columns_are_refused_not_crashed_on() -> None:
    log = good().with_columns(touchpoint=pl.Series([object(), "web", "x"], dtype=pl.Object))
    with pytest.raises(EventLogError, match=r"'touchpoint' \(the touchpoint\) has type Object"):
        discover(log)


def test_numbers_of_the_wrong_type() -> None:
    with pytest.raises(
        EventLogError, match=r"column 'effort' \(the CES answer\) has type String; expected numbers"
    ):
        discover(good().with_columns(effort=pl.lit("high")))


def test_prepare_reports_what_it_did() -> None:
    log = pl.concat([good(), good().head(1)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        p = prepare(log)
    assert (p.n_rows_read, p.n_rows, p.n_duplicates) == (4, 3, 1)
    assert p.outcome_ids == ("purchase", "resolved")
    assert p.warnings == (
        "dropped 1 duplicate event (rows equal in every column) of 4; pass "
        "EventSchema(duplicates='keep') (CLI --keep-duplicates) if they are separate events",
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"customer": ""}, "EventSchema.customer must be a column name"),
        ({"emotion": 3}, "EventSchema.emotion must be a column name (non-empty text) or None"),
        ({"customer": "x", "touchpoint": "x"}, "maps several fields to the same column 'x'"),
        ({"outcomes": "purchase"}, "EventSchema.outcomes must be a tuple of outcome ids"),
        ({"unknown_outcomes": "drop"}, "must be 'error' or 'other', got 'drop'"),
    ],
)
def test_bad_schemas(kwargs: dict, message: str) -> None:
    with pytest.raises(CxkitError) as info:
        EventSchema(**kwargs)
    assert message in str(info.value)
