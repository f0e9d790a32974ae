"""Channels per event: a touchpoint seen in several channels is warned about and
reported, or split with ``EventSchema(split_channels=True)``; log channels that are
not built in (``Internet``, ``Post``) become declared channels.

The main fixture is a log whose channel is an attribute of the case, as in public
service-request logs: every event of a customer carries the channel the customer
came in by, while the touchpoints are shared.

=========  ==========  =====================================  ===========
customers  channel     events                                 outcome
=========  ==========  =====================================  ===========
c0 – c6    Internet    Create SR, Close SR                    resolved
c7         Phone       Create SR, Close SR                    resolved
c8         Phone       Create SR, Close SR                    churn
c9         Post        Create SR                              (none)
=========  ==========  =====================================  ===========

Create SR: 10 events, Internet 7 / Phone 2 / Post 1 (70 / 20 / 10 %).
Close SR: 9 events, Internet 7 / Phone 2 (7/9 = 77.8 %, 2/9 = 22.2 %).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import polars as pl
import pytest

import cxkit.analytics as ca
from cxkit.analytics import EventLogError, EventLogWarning, EventSchema
from cxkit.cli import main
from cxkit.core.errors import CxkitError

SPLIT = EventSchema(split_channels=True)
T0 = dt.datetime(2026, 1, 1, 9)


def _case_level_log() -> pl.DataFrame:
    rows: list[tuple[str, dt.datetime, str, str, str | None]] = []

    def journey(customer: str, channel: str, touchpoints: list[str], outcome: str | None) -> None:
        for k, tp in enumerate(touchpoints):
            last = k == len(touchpoints) - 1
            rows.append(
                (customer, T0 + dt.timedelta(hours=k), tp, channel, outcome if last else None)
            )

    for k in range(7):
        journey(f"c{k}", "Internet", ["Create SR", "Close SR"], "resolved")
    journey("c7", "Phone", ["Create SR", "Close SR"], "resolved")
    journey("c8", "Phone", ["Create SR", "Close SR"], "churn")
    journey("c9", "Post", ["Create SR"], None)
    return pl.DataFrame(
        rows,
        schema=["customer_id", "timestamp", "touchpoint", "channel", "outcome"],
        orient="row",
    )


@pytest.fixture(scope="module")
def case_log() -> pl.DataFrame:
    return _case_level_log()


EXPECTED_NOTE = (
    "2 touchpoints were seen in several channels and given their most frequent one: "
    "'Create SR' was seen in 3 channels: Internet 70 % (7), Phone 20 % (2), Post 10 % (1); "
    "'Close SR' was seen in 2 channels: Internet 78 % (7), Phone 22 % (2); "
    "pass EventSchema(split_channels=True) (CLI --split-channels) for one touchpoint per "
    "(touchpoint, channel)"
)


def _channel_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    return [
        str(w.message)
        for w in caught
        if issubclass(w.category, EventLogWarning) and "several channels" in str(w.message)
    ]


# -- the warning and the reported mix -----------------------------------------------------
def test_discover_warns_with_counts_and_shares_and_names_the_option(
    case_log: pl.DataFrame,
) -> None:
    with pytest.warns(EventLogWarning) as caught:
        found = ca.discover(case_log)
    assert _channel_notes(list(caught)) == [EXPECTED_NOTE]
    assert EXPECTED_NOTE in found.warnings
    tps = found.touchpoints.select("touchpoint", "channel", "contacts", "channels", "channel_share")
    rows = {r[0]: r[1:] for r in tps.rows()}
    assert rows["Create_SR"][:3] == ("Internet", 10, 3)
    assert rows["Create_SR"][3] == pytest.approx(0.7, abs=1e-12)
    assert rows["Close_SR"][:3] == ("Internet", 9, 2)
    assert rows["Close_SR"][3] == pytest.approx(7 / 9, abs=1e-12)
    mix = found.channel_mix.rows()
    assert [r[:3] for r in mix] == [
        ("Create_SR", "Internet", 7),
        ("Create_SR", "Phone", 2),
        ("Create_SR", "Post", 1),
        ("Close_SR", "Internet", 7),
        ("Close_SR", "Phone", 2),
    ]
    assert [r[3] for r in mix] == pytest.approx([0.7, 0.2, 0.1, 7 / 9, 2 / 9], abs=1e-12)
    assert found.to_dict()["channel_mix"][0] == {
        "touchpoint": "Create_SR",
        "channel": "Internet",
        "count": 7,
        "share": pytest.approx(0.7),
    }
    # the saved journey says it too, on the touchpoint
    create = found.journey.graph.touchpoint("Create_SR")
    assert create.description == (
        "Seen in 3 channels: Internet 70 % (7), Phone 20 % (2), Post 10 % (1); "
        "given the most frequent."
    )


def test_touchpoint_metrics_and_attribution_report_the_mix_and_warn(
    case_log: pl.DataFrame,
) -> None:
    with pytest.warns(EventLogWarning) as caught:
        m = ca.touchpoint_metrics(case_log)
    assert _channel_notes(list(caught)) == [EXPECTED_NOTE]
    rows = {
        r[0]: r[1:] for r in m.select("touchpoint", "channel", "channels", "channel_share").rows()
    }
    assert rows["Create SR"][:2] == ("Internet", 3)
    assert rows["Create SR"][2] == pytest.approx(0.7, abs=1e-12)
    assert rows["Close SR"][:2] == ("Internet", 2)
    assert rows["Close SR"][2] == pytest.approx(7 / 9, abs=1e-12)
    assert m.columns[:4] == ["touchpoint", "channel", "channels", "channel_share"]
    with pytest.warns(EventLogWarning) as caught:
        ca.attribution(case_log, target="resolved")
    assert _channel_notes(list(caught)) == [EXPECTED_NOTE]


def test_one_channel_per_touchpoint_gives_no_warning() -> None:
    log = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c"],
            "timestamp": [T0, T0 + dt.timedelta(hours=1)] * 2 + [T0],
            "touchpoint": ["faq", "call", "faq", "call", "faq"],
            # a missing channel is not another channel
            "channel": ["web", "phone", "web", None, "web"],
            "outcome": [None, "resolved", None, "resolved", "abandon"],
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = ca.discover(log)
        m = ca.touchpoint_metrics(log)
    assert _channel_notes(caught) == []
    assert found.touchpoints.select(
        "touchpoint", "channel", "channels", "channel_share"
    ).rows() == [
        ("faq", "web", 1, 1.0),
        ("call", "phone", 1, 1.0),
    ]
    assert m.select("touchpoint", "channels", "channel_share").rows() == [
        ("faq", 1, 1.0),
        ("call", 1, 1.0),
    ]
    # split_channels changes nothing here
    assert ca.discover(log, schema=SPLIT).journey.graph.touchpoint_ids == ("faq", "call")


def test_without_a_channel_column_the_mix_is_empty() -> None:
    log = pl.DataFrame(
        {"customer_id": ["a"], "timestamp": [T0], "touchpoint": ["faq"], "outcome": ["resolved"]}
    )
    found = ca.discover(log)
    assert found.channel_mix.height == 0
    assert found.touchpoints.select("channels", "channel_share").rows() == [(None, None)]
    assert "channels" not in ca.touchpoint_metrics(log).columns


def test_the_warning_shows_the_most_collapsed_touchpoints_first_and_counts_the_rest() -> None:
    rows = []
    for k in range(5):  # touchpoint tk: 10 events in web, k + 1 in phone
        for j in range(10 + k + 1):
            channel = "web" if j < 10 else "phone"
            rows.append((f"c{k}_{j}", T0, f"t{k}", channel))
    log = pl.DataFrame(
        rows, schema=["customer_id", "timestamp", "touchpoint", "channel"], orient="row"
    )
    with pytest.warns(EventLogWarning) as caught:
        ca.touchpoint_metrics(log)
    (note,) = _channel_notes(list(caught))
    assert note.startswith("5 touchpoints were seen in several channels")
    assert "'t4' was seen in 2 channels: web 67 % (10), phone 33 % (5); 't3'" in note
    assert "; 't2' was seen" in note and "'t1'" not in note and "; and 2 more; pass" in note


# -- the split --------------------------------------------------------------------------
def test_split_makes_one_touchpoint_per_channel_with_exact_counts(case_log: pl.DataFrame) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = ca.discover(case_log, schema=SPLIT)
    assert _channel_notes(caught) == []
    g = found.journey.graph
    assert found.touchpoints.select("touchpoint", "name", "channel", "contacts").rows() == [
        ("Create_SR_Internet", "Create SR (Internet)", "Internet", 7),
        ("Create_SR_Phone", "Create SR (Phone)", "phone", 2),
        ("Create_SR_Post", "Create SR (Post)", "Post", 1),
        ("Close_SR_Internet", "Close SR (Internet)", "Internet", 7),
        ("Close_SR_Phone", "Close SR (Phone)", "phone", 2),
    ]
    assert found.touchpoints["channel_share"].to_list() == [1.0] * 5
    assert sorted(found.edges.select("source", "target", "count").rows()) == [
        ("Close_SR_Internet", "resolved", 7),
        ("Close_SR_Phone", "churn", 1),
        ("Close_SR_Phone", "resolved", 1),
        ("Create_SR_Internet", "Close_SR_Internet", 7),
        ("Create_SR_Phone", "Close_SR_Phone", 2),
        ("Create_SR_Post", "abandon", 1),
    ]
    assert g.entry == pytest.approx(
        {"Create_SR_Internet": 0.7, "Create_SR_Phone": 0.2, "Create_SR_Post": 0.1}, abs=1e-12
    )
    assert g.touchpoint("Create_SR_Phone").label == "Create SR (Phone)"
    assert found.journey.is_valid
    # without the split: 2 touchpoints, 4 transitions (9 + 1 out of Create SR)
    with pytest.warns(EventLogWarning):
        plain = ca.discover(case_log)
    assert sorted(plain.edges.select("source", "target", "count").rows()) == [
        ("Close_SR", "churn", 1),
        ("Close_SR", "resolved", 8),
        ("Create_SR", "Close_SR", 9),
        ("Create_SR", "abandon", 1),
    ]


def test_split_metrics_and_journey_metrics(case_log: pl.DataFrame) -> None:
    m = ca.touchpoint_metrics(case_log, schema=SPLIT)
    assert m.select("touchpoint", "channel", "contacts", "channels").rows() == [
        ("Close SR (Internet)", "Internet", 7, 1),
        ("Create SR (Internet)", "Internet", 7, 1),
        ("Close SR (Phone)", "Phone", 2, 1),
        ("Create SR (Phone)", "Phone", 2, 1),
        ("Create SR (Post)", "Post", 1, 1),
    ]
    # every journey stays in one channel: no switch either way
    assert m["switches_out"].sum() == 0
    assert ca.journey_metrics(case_log, schema=SPLIT)["contacts"][0] == 19


def test_attribution_with_split_credits_channels_per_event(case_log: pl.DataFrame) -> None:
    # P(resolved) = 0.7·1 + 0.2·½ + 0.1·0 = 0.8; without Internet 0.1, without Phone 0.7
    by_channel = ca.attribution(case_log, target="resolved", by="channel", schema=SPLIT)
    rows = {r["channel"]: r for r in by_channel.iter_rows(named=True)}
    assert set(rows) == {"Internet", "Phone", "Post"}
    assert rows["Internet"]["p_target"] == pytest.approx(0.8, abs=1e-12)
    assert rows["Internet"]["p_without"] == pytest.approx(0.1, abs=1e-12)
    assert rows["Internet"]["removal_effect"] == pytest.approx(0.875, abs=1e-12)
    assert rows["Phone"]["removal_effect"] == pytest.approx(0.125, abs=1e-12)
    assert rows["Post"]["removal_effect"] == pytest.approx(0.0, abs=1e-12)
    assert rows["Internet"]["markov"] == pytest.approx(0.875, abs=1e-12)
    by_tp = ca.attribution(case_log, target="resolved", schema=SPLIT)
    effects = dict(by_tp.select("touchpoint", "removal_effect").rows())
    assert effects == pytest.approx(
        {
            "Create SR (Internet)": 0.875,
            "Close SR (Internet)": 0.875,
            "Create SR (Phone)": 0.125,
            "Close SR (Phone)": 0.125,
            "Create SR (Post)": 0.0,
        },
        abs=1e-12,
    )
    assert dict(by_tp.select("touchpoint", "channel").rows())["Create SR (Post)"] == "Post"


def test_drift_with_split_matches_the_split_journey(case_log: pl.DataFrame) -> None:
    designed = ca.discover(case_log, schema=SPLIT).journey
    report = ca.drift(designed, case_log, schema=SPLIT)
    checks = report.to_frame()
    handoffs = checks.filter(pl.col("check") == "handoff")
    assert set(handoffs["source"]) == {
        "Create_SR_Internet",
        "Create_SR_Phone",
        "Create_SR_Post",
        "Close_SR_Internet",
        "Close_SR_Phone",
    }
    assert set(checks["structure"]) == {"both"}
    assert not report.is_drifted
    # read without the split, the log does not fit the split design
    plain = ca.drift(designed, case_log).to_frame()
    assert "data_only" in set(plain["structure"])


def test_split_on_pandas_and_duckdb_gives_the_polars_answer(case_log: pl.DataFrame) -> None:
    duckdb = pytest.importorskip("duckdb")
    pytest.importorskip("pandas")
    expected = ca.discover(case_log, schema=SPLIT).edges.select("source", "target", "count")
    for frame in (case_log.to_pandas(), duckdb.sql("select * from case_log")):
        got = ca.discover(frame, schema=SPLIT).edges.select("source", "target", "count")
        assert sorted(got.rows()) == sorted(expected.rows())


def test_split_names_in_japanese() -> None:
    log = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b"],
            "timestamp": [T0, T0 + dt.timedelta(hours=1)] * 2,
            "touchpoint": ["申込", "審査", "申込", "審査"],
            "channel": ["電話", "電話", "ウェブ窓口", "電話"],
            "outcome": [None, "resolved", None, "resolved"],
        }
    )
    found = ca.discover(log, schema=SPLIT)
    assert found.touchpoints.select("touchpoint", "name", "channel").rows() == [
        ("申込_ウェブ窓口", "申込 (ウェブ窓口)", "ウェブ窓口"),
        ("申込_電話", "申込 (電話)", "phone"),
        ("審査", "審査", "phone"),
    ]
    assert found.journey.is_valid
    assert [c.id for c in found.journey.graph.channels] == ["ウェブ窓口"]


def test_a_split_name_that_is_already_a_touchpoint_is_refused() -> None:
    log = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "timestamp": [T0] * 3,
            "touchpoint": ["Apply", "Apply", "Apply (web)"],
            "channel": ["web", "phone", None],
        }
    )
    with pytest.raises(EventLogError, match=r"split touchpoint 'Apply \(web\)' is already a"):
        ca.discover(log, schema=SPLIT)


def test_split_channels_must_be_a_bool() -> None:
    with pytest.raises(CxkitError, match="split_channels must be True or False"):
        EventSchema(split_channels="yes")  # type: ignore[arg-type]


# -- channels that are not built in -------------------------------------------------------
def test_log_channels_map_to_built_in_ones_or_are_declared() -> None:
    """``Phone`` / ``E-mail`` / ``電話`` spell built-in channels and map to them;
    ``Internet`` and ``Post`` are not built in and are declared in the journey."""
    names = ["Internet", "Post", "Phone", "E-mail", "電話", "Call Center"]
    log = pl.DataFrame(
        {
            "customer_id": [f"c{k}" for k in range(len(names))],
            "timestamp": [T0] * len(names),
            "touchpoint": [f"t{k}" for k in range(len(names))],
            "channel": names,
            "outcome": ["resolved"] * len(names),
        }
    )
    found = ca.discover(log)
    channel_of = {tp.id: tp.channel for tp in found.journey.graph.touchpoints}
    assert channel_of == {
        "t0": "Internet",
        "t1": "Post",
        "t2": "phone",
        "t3": "email",
        "t4": "phone",
        "t5": "call_center",
    }
    declared = found.journey.graph.channels
    assert [(c.id, c.parent) for c in declared] == [("Internet", None), ("Post", None)]
    assert found.journey.is_valid


# -- the command line -------------------------------------------------------------------
def test_cli_warns_and_splits(
    case_log: pl.DataFrame, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.csv"
    case_log.write_csv(path)
    code = main(["discover", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"cxkit: warning: {EXPECTED_NOTE}" in err
    doc = json.loads(out)
    assert [t["channels"] for t in doc["touchpoints"]] == [3, 2]
    assert len(doc["channel_mix"]) == 5

    code = main(["discover", str(path), "--json", "--split-channels"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "several channels" not in err
    doc = json.loads(out)
    assert [t["touchpoint"] for t in doc["touchpoints"]] == [
        "Create_SR_Internet",
        "Create_SR_Phone",
        "Create_SR_Post",
        "Close_SR_Internet",
        "Close_SR_Phone",
    ]
    assert len(doc["edges"]) == 6

    code = main(["discover", str(path), "-o", str(tmp_path / "j.yaml"), "--lang", "ja"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "Internet (3チャネル中 70 %)" in out and "Internet (2チャネル中 78 %)" in out

    code = main(
        ["attribution", str(path), "--target", "resolved", "--by", "channel", "--json",
         "--split-channels"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = {r["channel"]: r["removal_effect"] for r in json.loads(out)["rows"]}
    assert rows == pytest.approx({"Internet": 0.875, "Phone": 0.125, "Post": 0.0}, abs=1e-12)


def test_cli_prints_the_warnings_also_when_the_command_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.csv"
    log = _case_level_log()
    pl.concat([log, log.head(1)]).write_csv(path)  # one duplicate event
    code = main(["attribution", str(path), "--target", "purchase"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "cxkit: warning: dropped 1 duplicate event" in err
    assert "cxkit: error:" in err
