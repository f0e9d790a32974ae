"""touchpoint_metrics() and journey_metrics(): model reference §2.1 definitions, by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import EventLog, journey_metrics, touchpoint_metrics

T0 = dt.datetime(2026, 4, 1, 9)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


@pytest.fixture
def contact_log() -> pl.DataFrame:
    """Customer a: phone, phone again after 2 days (a repeat), web after 10 days.
    Customer b: phone then chat 1 hour later (a switch), then resolved.
    Customer c: phone about billing, phone about delivery the next day (other issue).
    """
    cols = ("customer_id", "timestamp", "touchpoint", "channel", "call_reason", "outcome")
    r = [
        dict(zip(cols, row, strict=True))
        for row in [
            ("a", at(0), "phone", "phone", "billing", None),
            ("a", at(2), "phone", "phone", "billing", None),
            ("a", at(12), "web", "web", "billing", "resolved"),
            ("b", at(0), "phone", "phone", "billing", None),
            ("b", at(1 / 24), "chat", "chat", None, "resolved"),
            ("c", at(0), "phone", "phone", "billing", None),
            ("c", at(1), "phone", "phone", "delivery", "churn"),
        ]
    ]
    return frame(r)


def test_repeat_contacts_and_fcr_by_hand(contact_log: pl.DataFrame) -> None:
    m = {r["touchpoint"]: r for r in touchpoint_metrics(contact_log).iter_rows(named=True)}
    phone = m["phone"]
    # phone contacts: a@0 (first; repeated by a@2 → not FCR), a@2 (repeat), b@0 (first;
    # followed by chat within 7 days on the case's reason → not FCR), c@0 billing (first,
    # no later billing contact → FCR), c@1 delivery (first, → FCR)
    assert phone["contacts"] == 5
    assert phone["customers"] == 3
    assert phone["first_contacts"] == 4
    assert phone["repeat_contacts"] == 1
    assert phone["repeat_contact_rate"] == pytest.approx(1 / 5)
    assert phone["fcr"] == pytest.approx(2 / 4)
    # the web contact comes 10 days after a's last call: outside the window, a first contact
    assert m["web"]["first_contacts"] == 1 and m["web"]["fcr"] == 1.0
    # b's chat has no reason of its own: it takes the journey's (billing) → a repeat
    assert m["chat"]["repeat_contacts"] == 1 and m["chat"]["fcr"] is None
    # a 14-day window makes a's web visit a repeat too
    wide = {
        r["touchpoint"]: r
        for r in touchpoint_metrics(contact_log, repeat_window="14d").iter_rows(named=True)
    }
    assert wide["web"]["repeat_contacts"] == 1
    assert wide["phone"]["fcr"] == pytest.approx(2 / 4)


def test_switches_transfers_and_journeys(contact_log: pl.DataFrame) -> None:
    m = {r["touchpoint"]: r for r in touchpoint_metrics(contact_log).iter_rows(named=True)}
    # a: phone → phone (same touchpoint: neither), phone → web (switch); b: phone → chat
    assert m["phone"]["switches_out"] == 2
    assert m["web"]["switches_in"] == 1 and m["chat"]["switches_in"] == 1
    assert m["phone"]["transfers_out"] == 0
    assert m["phone"]["journeys_started"] == 3
    assert m["phone"]["journeys_ended"] == 1  # c's second call ends in churn
    assert m["phone"]["channel"] == "phone"
    j = journey_metrics(contact_log).row(0, named=True)
    assert (j["customers"], j["journeys"], j["contacts"]) == (3, 3, 7)
    assert j["contacts_per_journey"] == pytest.approx(7 / 3)
    assert j["switches_per_journey"] == pytest.approx(2 / 3)
    assert j["outcome_resolved"] == pytest.approx(2 / 3)
    assert j["outcome_churn"] == pytest.approx(1 / 3)
    # whole-log FCR: first contacts a@0, b@0, c@0, c@1, a's web → FCR c@0, c@1, web
    assert j["first_contacts"] == 5
    assert j["fcr"] == pytest.approx(3 / 5)
    assert j["repeat_contact_rate"] == pytest.approx(2 / 7)
    assert j["period_start"] == T0 and j["period_end"] == at(12)


def test_transfers_inferred_in_assisted_channels_or_read_from_the_log() -> None:
    rows = [
        {"customer_id": "a", "timestamp": at(0), "touchpoint": "queue", "channel": "phone"},
        {"customer_id": "a", "timestamp": at(0.01), "touchpoint": "agent1", "channel": "phone"},
        {"customer_id": "a", "timestamp": at(0.02), "touchpoint": "agent2", "channel": "phone"},
        {"customer_id": "b", "timestamp": at(0), "touchpoint": "home", "channel": "web"},
        {"customer_id": "b", "timestamp": at(0.01), "touchpoint": "faq", "channel": "web"},
    ]
    m = {r["touchpoint"]: r for r in touchpoint_metrics(frame(rows)).iter_rows(named=True)}
    assert m["queue"]["transfers_out"] == 1 and m["agent1"]["transfers_out"] == 1
    assert m["home"]["transfers_out"] == 0  # web pages are not transfers
    flagged = frame([{**r, "transfer": r["touchpoint"] == "agent2"} for r in rows])
    m = {r["touchpoint"]: r for r in touchpoint_metrics(flagged).iter_rows(named=True)}
    assert m["queue"]["transfers_out"] == 0 and m["agent1"]["transfers_out"] == 1
    assert m["agent2"]["transfers_in"] == 1


def test_survey_metrics_use_the_published_definitions() -> None:
    # Model reference §8: NPS of [10,9,9,8,7,6,5,10,3,9] = +20; CSAT of [5,4,4,3,2,5,1,4,5,3] = 60 %
    nps = [10, 9, 9, 8, 7, 6, 5, 10, 3, 9]
    csat = [5, 4, 4, 3, 2, 5, 1, 4, 5, 3]
    effort = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]
    emotion = ["dissatisfied", "satisfied", "delighted", "満足", "不満"]
    emotion += [None, "Satisfied", "satisfied", "delighted", "感動"]
    log = pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(10)],
            "timestamp": [at(0)] * 10,
            "touchpoint": ["agent"] * 10,
            "nps": nps,
            "csat": csat,
            "effort": effort,
            "emotion": emotion,
            "wait_s": [30.0] * 5 + [90.0] * 5,
            "context_lost": [True, False] * 5,
        }
    )
    m = touchpoint_metrics(log).row(0, named=True)
    assert m["nps"] == pytest.approx(20.0)
    assert m["csat_pct"] == pytest.approx(60.0)
    assert m["ces"] == pytest.approx(3.0)
    assert (m["nps_responses"], m["csat_responses"], m["ces_responses"]) == (10, 10, 10)
    assert m["emotion_responses"] == 9
    assert m["share_dissatisfied"] == pytest.approx(2 / 9)
    assert m["share_satisfied"] == pytest.approx(4 / 9)
    assert m["share_delighted"] == pytest.approx(3 / 9)
    assert m["mean_wait_s"] == pytest.approx(60.0)
    assert m["context_lost"] == 5 and m["context_loss_rate"] == pytest.approx(0.5)
    j = journey_metrics(log).row(0, named=True)
    assert j["nps"] == pytest.approx(20.0) and j["csat_pct"] == pytest.approx(60.0)


def test_columns_appear_only_when_the_log_has_them() -> None:
    log = pl.DataFrame({"customer_id": ["a"], "timestamp": [at(0)], "touchpoint": ["web"]})
    cols = touchpoint_metrics(log).columns
    assert cols == [
        "touchpoint", "channel", "contacts", "customers", "journeys_started", "journeys_ended",
        "first_contacts", "fcr", "repeat_contacts", "repeat_contact_rate",
    ]  # fmt: skip
    assert "ces" not in journey_metrics(log).columns
    assert journey_metrics(log)["outcome_abandon"][0] == 1.0


def test_an_event_log_object_is_reused(contact_log: pl.DataFrame) -> None:
    log = EventLog(contact_log)
    assert touchpoint_metrics(log).equals(touchpoint_metrics(contact_log))
    assert repr(log) == "<EventLog: 7 events, 3 customers, 3 journeys, 3 touchpoints (polars)>"
    with pytest.raises(cx.CxkitError, match="`schema` cannot be changed for an EventLog"):
        touchpoint_metrics(log, schema=cx.analytics.EventSchema(customer="x"))


def test_bad_window_is_refused(contact_log: pl.DataFrame) -> None:
    with pytest.raises(cx.CxkitError, match="`repeat_window` must be a duration"):
        touchpoint_metrics(contact_log, repeat_window="a week")
    with pytest.raises(cx.CxkitError, match="`repeat_window` must be a positive duration"):
        journey_metrics(contact_log, repeat_window=0)
    m = touchpoint_metrics(contact_log, repeat_window=dt.timedelta(hours=12))
    assert m.filter(touchpoint="phone")["repeat_contacts"][0] == 0
