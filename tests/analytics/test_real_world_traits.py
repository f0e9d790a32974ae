"""Small logs with the traits of public event logs that nobody here wrote.

* **ties** — the BPIC 2012 loan log has 25,369 events that share their case and
  timestamp (``O_SELECTED`` and ``O_CREATED`` in the same second): they keep the input's
  row order, as pm4py keeps them, unless an order column says otherwise;
* **repeated events** — the helpdesk log repeats activities at the same second; rows
  that differ in any column (a resource, say) are separate events, rows equal in every
  column are one event recorded twice unless ``duplicates="keep"`` or an event-id
  column says otherwise;
* **no outcome column** — most process-mining logs end with a final activity
  (``Closed``, ``A_DECLINED``) rather than an outcome column.

The expected directly-follows counts are worked out by hand below each log (pm4py's
``discover_dfg`` gives the same on these rows: it sorts by case and time, stably).
"""

from __future__ import annotations

import datetime as dt
import warnings

import polars as pl
import pytest

from cxkit.analytics import (
    EventLog,
    EventLogWarning,
    EventSchema,
    attribution,
    discover,
    touchpoint_metrics,
)
from cxkit.core.errors import CxkitError

T0 = dt.datetime(2012, 1, 1, 9)


def _log(rows: list[tuple], extra: dict[str, list] | None = None) -> pl.DataFrame:
    data = {
        "customer_id": [r[0] for r in rows],
        "timestamp": [T0 + dt.timedelta(seconds=r[1]) for r in rows],
        "touchpoint": [r[2] for r in rows],
    }
    return pl.DataFrame({**data, **(extra or {})})


def _dfg(log: EventLog) -> dict[tuple[str, str], int]:
    edges = log.edges_table.filter(pl.col("to_tp") > 0)
    return {(a, b): n for a, b, n in edges.select("tp", "target", "count").iter_rows()}


def _read(frame: pl.DataFrame, **schema: object) -> tuple[EventLog, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EventLogWarning)
        log = EventLog(frame, schema=EventSchema(missing_outcome="resolved", **schema))
    return log, [str(w.message) for w in caught if issubclass(w.category, EventLogWarning)]


# -- ties ------------------------------------------------------------------------------
#: Two loan applications. In case 1 ``O_SELECTED`` and ``O_CREATED`` share second 10 and
#: the file lists ``O_SELECTED`` first; case 2 has a three-way tie at second 5.
TIES = [
    ("1", 0, "A_SUBMITTED"),
    ("1", 10, "O_SELECTED"),
    ("1", 10, "O_CREATED"),
    ("1", 20, "O_SENT"),
    ("2", 0, "A_SUBMITTED"),
    ("2", 5, "W_Call"),
    ("2", 5, "O_SELECTED"),
    ("2", 5, "O_CREATED"),
]
#: In input order: 1: A_SUBMITTED→O_SELECTED→O_CREATED→O_SENT;
#: 2: A_SUBMITTED→W_Call→O_SELECTED→O_CREATED.
TIES_DFG = {
    ("A_SUBMITTED", "O_SELECTED"): 1,
    ("O_SELECTED", "O_CREATED"): 2,
    ("O_CREATED", "O_SENT"): 1,
    ("A_SUBMITTED", "W_Call"): 1,
    ("W_Call", "O_SELECTED"): 1,
}


def test_ties_keep_the_input_order_and_are_counted() -> None:
    log, notes = _read(_log(TIES))
    assert _dfg(log) == TIES_DFG  # alphabetical tie-breaking would give O_CREATED→O_SELECTED
    assert log.n_tied == 5
    assert notes == [
        "5 events share their customer and time with another event: they keep the input's "
        "row order; give a column that orders them with EventSchema(order=...) "
        "(CLI --order-by)"
    ]


def test_rows_of_other_cases_and_times_may_come_in_any_order() -> None:
    shuffled = [TIES[i] for i in (5, 3, 0, 1, 6, 4, 7, 2)]  # ties keep their order
    log, _ = _read(_log(shuffled))
    assert _dfg(log) == TIES_DFG


def test_an_order_column_orders_the_ties() -> None:
    # a sequence number that puts O_CREATED before O_SELECTED in both cases
    seq = [0, 2, 1, 3, 0, 1, 3, 2]
    log, notes = _read(_log(TIES, {"seq": seq}), order="seq")
    assert _dfg(log) == {
        ("A_SUBMITTED", "O_CREATED"): 1,
        ("O_CREATED", "O_SELECTED"): 2,
        ("O_SELECTED", "O_SENT"): 1,
        ("A_SUBMITTED", "W_Call"): 1,
        ("W_Call", "O_CREATED"): 1,
    }
    assert log.n_tied == 0 and notes == []


def test_an_order_column_that_leaves_ties_says_so() -> None:
    log, notes = _read(_log(TIES, {"seq": [0, 1, 1, 2, 0, 1, 1, 1]}), order="seq")
    assert log.n_tied == 5
    assert notes == [
        "5 events share their customer, time and 'seq' value with another event: they keep "
        "the input's row order"
    ]


def test_a_missing_order_column_is_named() -> None:
    with pytest.raises(CxkitError, match=r"column 'sequence' .* is missing; the log has .*'seq'"):
        EventLog(_log(TIES, {"seq": list(range(8))}), schema=EventSchema(order="sequence"))


@pytest.mark.parametrize("backend", ["pandas", "duckdb", "dask"])
def test_every_backend_keeps_the_input_order_of_ties(backend: str) -> None:
    frame = _log(TIES)
    if backend == "pandas":
        native = frame.to_pandas()
    elif backend == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        native = duckdb.connect().from_arrow(frame.to_arrow())
    else:
        dd = pytest.importorskip("dask.dataframe")
        native = dd.from_pandas(frame.to_pandas(), npartitions=2)
    log, _ = _read(native)
    assert _dfg(log) == TIES_DFG and log.n_tied == 5


# -- repeated events ---------------------------------------------------------------------
#: A helpdesk ticket: "Take in charge ticket" twice in one second by two resources (two
#: events), "Resolve ticket" twice in one second with every column equal.
REPEATS = [
    ("t1", 0, "Assign seriousness", "R1"),
    ("t1", 5, "Take in charge ticket", "R1"),
    ("t1", 5, "Take in charge ticket", "R2"),
    ("t1", 9, "Resolve ticket", "R2"),
    ("t1", 9, "Resolve ticket", "R2"),
    ("t1", 12, "Closed", "R2"),
]


def _repeats(ids: list[str] | None = None) -> pl.DataFrame:
    extra: dict[str, list] = {"resource": [r[3] for r in REPEATS]}
    if ids is not None:
        extra["event"] = ids
    return _log([r[:3] for r in REPEATS], extra)


def test_rows_that_differ_in_a_column_cxkit_does_not_read_are_kept() -> None:
    log, notes = _read(_repeats())
    assert log.n_events == 5
    assert _dfg(log)[("Take in charge ticket", "Take in charge ticket")] == 1
    assert ("Resolve ticket", "Resolve ticket") not in _dfg(log)
    assert notes[0] == (
        "dropped 1 duplicate event (rows equal in every column) of 6; pass "
        "EventSchema(duplicates='keep') (CLI --keep-duplicates) if they are separate events"
    )


def test_identical_rows_can_be_kept_as_separate_events() -> None:
    log, notes = _read(_repeats(), duplicates="keep")
    assert log.n_events == 6 and not any("dropped" in n for n in notes)
    assert _dfg(log)[("Resolve ticket", "Resolve ticket")] == 1  # pm4py counts it too


def test_an_event_id_column_decides_what_a_duplicate_is() -> None:
    # the two identical "Resolve ticket" rows are two events; the last row repeats e3
    log, notes = _read(_repeats(["e1", "e2", "e3", "e4", "e5", "e3"]), event_id="event")
    assert log.n_events == 5
    assert _dfg(log)[("Resolve ticket", "Resolve ticket")] == 1
    assert "Closed" not in log.touchpoint_table["tp"].to_list()
    assert notes[0] == "dropped 1 duplicate event (rows with the same event id) of 6"


def test_bad_duplicates_setting() -> None:
    with pytest.raises(CxkitError, match=r"EventSchema\.duplicates must be 'drop' or 'keep'"):
        EventSchema(duplicates="ignore")  # type: ignore[arg-type]


# -- outcomes ------------------------------------------------------------------------------
def _tickets() -> pl.DataFrame:
    rows = [
        ("a", 0, "Assign"),
        ("a", 1, "Resolve"),
        ("a", 2, "Closed"),
        ("b", 0, "Assign"),
        ("b", 1, "Wait"),
        ("b", 2, "Resolve"),
        ("b", 3, "Closed"),
        ("c", 0, "Assign"),
        ("c", 5, "Cancelled"),
        ("d", 0, "Assign"),  # still open
    ]
    return _log(rows)


def test_a_log_without_outcomes_warns_instead_of_a_silent_abandon() -> None:
    with pytest.warns(EventLogWarning) as caught:
        found = discover(_tickets())
    message = str(caught[0].message)
    assert message.startswith("the log records no outcome (no outcome column): every journey ")
    assert "EventSchema(outcome_touchpoints=" in message and "--missing-outcome" in message
    assert found.outcomes.select("outcome", "count").rows() == [("abandon", 4)]


def test_final_activities_can_be_declared_as_outcomes() -> None:
    schema = EventSchema(outcome_touchpoints={"Closed": "resolved", "Cancelled": "churn"})
    with warnings.catch_warnings():
        warnings.simplefilter("error", EventLogWarning)  # nothing to warn about
        found = discover(_tickets(), schema=schema)
    counts = dict(found.outcomes.select("outcome", "count").rows())
    assert counts == {"resolved": 2, "churn": 1, "abandon": 1}
    assert "Closed" not in found.touchpoints["touchpoint"].to_list()
    shares = attribution(_tickets(), target="resolved", schema=schema)
    assert shares["p_target"][0] == pytest.approx(0.5)
    metrics = touchpoint_metrics(_tickets(), schema=schema)
    assert metrics.filter(pl.col("touchpoint") == "Assign")["contacts"][0] == 4


def test_a_default_outcome_other_than_abandon() -> None:
    found = discover(_tickets(), schema=EventSchema(missing_outcome="resolved"))
    assert found.outcomes.select("outcome", "count").rows() == [("resolved", 4)]


def test_declared_outcomes_must_be_known() -> None:
    schema = EventSchema(outcome_touchpoints={"Closed": "solved"})
    with pytest.raises(CxkitError, match=r"EventSchema\.outcome_touchpoints has unknown outcomes"):
        discover(_tickets(), schema=schema)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Closed": ""}, "must map touchpoint values to outcome ids"),
        ("Closed=resolved", "must map touchpoint values to outcome ids"),
        ([("Closed", "resolved"), (" Closed", "churn")], "names touchpoint 'Closed' twice"),
    ],
)
def test_bad_outcome_touchpoints(value: object, message: str) -> None:
    with pytest.raises(CxkitError, match=message):
        EventSchema(outcome_touchpoints=value)  # type: ignore[arg-type]


# -- case-level channels -------------------------------------------------------------------
def test_removing_the_one_channel_of_every_journey_ends_them_all() -> None:
    """A case-level attribute used as the channel: every event is 'Internet'. Removing it
    removes every touchpoint; the chain used to refuse ("the journey never ends") because
    a removed start touchpoint kept its start share."""
    rows = [("a", 0, "x"), ("a", 1, "y"), ("b", 0, "x"), ("b", 1, "y")]
    extra = {"channel": ["Internet"] * 4, "outcome": [None, "purchase", None, "abandon"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventLogWarning)
        shares = attribution(_log(rows, extra), target="purchase", by="channel")
    assert shares.select("channel", "p_target", "p_without", "removal_effect").rows() == [
        ("Internet", 0.5, 0.0, 1.0)
    ]


def test_a_log_warns_once_about_mixed_channels_whatever_reads_it() -> None:
    rows = [("a", 0, "x"), ("a", 1, "y"), ("b", 0, "x"), ("b", 1, "y")]
    extra = {"channel": ["Internet", "Internet", "Phone", "Phone"]}
    log, _ = _read(_log(rows, extra))
    with pytest.warns(EventLogWarning) as caught:
        touchpoint_metrics(log)
        attribution(log, target="resolved")
        found = discover(log)
    said = [str(w.message) for w in caught if "several channels" in str(w.message)]
    assert len(said) == 1 and said[0].startswith("2 touchpoints were seen in several channels")
    assert said[0] in log.warnings and said[0] in found.warnings
