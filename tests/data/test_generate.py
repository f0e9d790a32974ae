"""cxkit.data.generate_events: determinism, graph fidelity, recorded values, noise, bad input."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

import cxkit as cx
from cxkit.core import metrics
from cxkit.core.compiled import compile_journey
from cxkit.core.errors import CxkitError, SimulationError, TemplateNotFoundError
from cxkit.data import EVENT_COLUMNS, EVENT_SCHEMA, OPTIONAL_COLUMNS, generate_events
from cxkit.data.synthetic import random_journey

KEYS = ["customer_id", "timestamp", "touchpoint", "channel", "outcome"]


def transitions(events: pl.DataFrame) -> pl.DataFrame:
    """(source, target) per contact: the next touchpoint, or the outcome on the last row."""
    return (
        events.sort("customer_id", "timestamp")
        .with_columns(nxt=pl.col("touchpoint").shift(-1).over("customer_id"))
        .select(
            source="touchpoint",
            target=pl.coalesce("nxt", "outcome"),
            context_lost_next=pl.col("context_lost").shift(-1).over("customer_id"),
        )
    )


def assert_edges_match_graph(journey: cx.Journey, events: pl.DataFrame) -> int:
    """Every edge frequency within 4 standard errors of the graph's probability."""
    counts = transitions(events).group_by("source", "target").len()
    visits = dict(counts.group_by("source").agg(pl.col("len").sum()).iter_rows())
    observed = {(s, t): n for s, t, n in counts.iter_rows()}
    g = journey.nx
    checked = 0
    for s in journey.graph.touchpoint_ids:
        n_s = visits.get(s, 0)
        for t in {*g.successors(s), *(t for (a, t) in observed if a == s)}:
            p = g.edges[s, t]["probability"] if g.has_edge(s, t) else 0.0
            n_st = observed.get((s, t), 0)
            assert p > 0 or n_st == 0, f"{s}->{t} seen {n_st} times but not in the graph"
            if n_s == 0:
                continue
            se = math.sqrt(p * (1 - p) / n_s)
            assert abs(n_st / n_s - p) <= 4 * se + 1e-12, (s, t, n_st / n_s, p, se)
            checked += 1
    return checked


# -- determinism ---------------------------------------------------------------------


def test_same_seed_same_frame_and_other_seed_other_frame() -> None:
    j = cx.load_journey("subscription_support")
    a = generate_events(j, 500, seed=11, with_noise=True)
    b = generate_events(j, 500, seed=11, with_noise=True)
    c = generate_events(j, 500, seed=12, with_noise=True)
    assert a.equals(b)
    assert not a.equals(c)
    gen = np.random.default_rng(5)
    assert generate_events(j, 50, seed=np.random.default_rng(5)).equals(
        generate_events(j, 50, seed=gen)
    )


def test_columns_types_and_time_zone() -> None:
    events = generate_events("retail_omnichannel", 300, seed=1)
    assert events.columns == list(EVENT_COLUMNS)
    for name, dtype in EVENT_SCHEMA.items():
        if name == "timestamp":
            assert events.schema[name] == pl.Datetime("us", "Asia/Tokyo")
        else:
            assert events.schema[name] == dtype, name
    naive = generate_events("retail_omnichannel", 10, seed=1, tz=None, start="2026-03-01")
    assert naive.schema["timestamp"] == pl.Datetime("us")
    assert naive["timestamp"].min() >= dt.datetime(2026, 3, 1)
    # the same instants, shown in another zone
    utc = generate_events("retail_omnichannel", 10, seed=1, tz="UTC", start="2026-03-01T09:00")
    tokyo = generate_events(
        "retail_omnichannel", 10, seed=1, tz="Asia/Tokyo", start="2026-03-01T18:00"
    )
    assert utc["timestamp"].dt.epoch("s").equals(tokyo["timestamp"].dt.epoch("s"))


# -- fidelity to the graph -----------------------------------------------------------


@pytest.mark.parametrize(
    ("journey", "n"),
    [
        (cx.load_journey("web_phone_faq"), 20_000),  # self-loop phone->phone
        (cx.load_journey("billing_inquiry"), 20_000),  # remainders to 'abandon'
        (cx.load_journey("subscription_support"), 20_000),  # call reasons with own entries
        (random_journey(15, seed=4), 30_000),  # ~100 edges, transfers, waits
    ],
    ids=lambda x: getattr(x, "id", str(x)),
)
def test_edge_frequencies_match_graph_within_4_se(journey: cx.Journey, n: int) -> None:
    events = generate_events(journey, n, seed=2026)
    assert events["customer_id"].n_unique() == n
    assert assert_edges_match_graph(journey, events) >= len(journey.graph.handoffs) // 2


def test_remainder_goes_to_remainder_outcome() -> None:
    j = cx.load_journey("billing_inquiry")  # web_faq: 0.4 resolved + 0.5 phone, 0.1 left
    events = generate_events(j, 20_000, seed=3)
    t = transitions(events).filter(pl.col("source") == "web_faq")
    share = (t["target"] == "abandon").mean()
    se = math.sqrt(0.1 * 0.9 / t.height)
    assert abs(share - 0.1) <= 4 * se
    # agent keeps 0.85 + 0.05; the remainder 0.10 abandons too
    a = transitions(events).filter(pl.col("source") == "agent")
    assert abs((a["target"] == "abandon").mean() - 0.10) <= 4 * math.sqrt(0.09 / a.height)


def test_start_distribution_and_call_reason_mix() -> None:
    j = cx.load_journey("subscription_support")
    n = 20_000
    events = generate_events(j, n, seed=8)
    first = events.sort("customer_id", "timestamp").group_by("customer_id").first()
    for reason in j.graph.call_reasons:
        share = (first["call_reason"] == reason.id).sum() / n
        assert abs(share - reason.share) <= 4 * math.sqrt(reason.share * (1 - reason.share) / n)
        starts = first.filter(pl.col("call_reason") == reason.id)["touchpoint"]
        entry = dict(reason.entry) or j.start_distribution()
        for tp in set(starts.unique()) | set(entry):
            p = entry.get(tp, 0.0)
            got = (starts == tp).mean()
            assert abs(got - p) <= 4 * math.sqrt(p * (1 - p) / starts.len()) + 1e-12, (
                reason.id,
                tp,
            )


def test_context_lost_drawn_from_carryover() -> None:
    j = cx.load_journey("web_phone_faq")  # web->phone κ=0, phone->phone κ=0.5
    events = generate_events(j, 20_000, seed=5)
    t = transitions(events)
    web_phone = t.filter((pl.col("source") == "web") & (pl.col("target") == "phone"))
    assert web_phone["context_lost_next"].all()
    repeat = t.filter((pl.col("source") == "phone") & (pl.col("target") == "phone"))
    share = repeat["context_lost_next"].mean()
    assert abs(share - 0.5) <= 4 * math.sqrt(0.25 / repeat.height)
    firsts = events.sort("customer_id", "timestamp").group_by("customer_id").first()
    assert not firsts["context_lost"].any()


def test_one_outcome_per_customer_on_the_last_row() -> None:
    events = generate_events("retail_omnichannel", 2_000, seed=9)
    last = events.sort("customer_id", "timestamp").group_by("customer_id").last()
    assert last["outcome"].null_count() == 0
    assert events["outcome"].drop_nulls().len() == 2_000
    for col in ("effort", "csat", "nps"):
        # answered once per journey, on the last row
        answered = events.filter(pl.col(col).is_not_null())
        assert answered["customer_id"].n_unique() == answered.height
        assert answered["outcome"].null_count() == 0


def test_timestamps_gaps_and_waits() -> None:
    j = cx.load_journey("billing_inquiry")
    events = generate_events(j, 5_000, seed=4, mean_gap="30min", span="7d")
    ordered = events.sort("customer_id", "timestamp")
    gaps = (
        ordered.with_columns(gap=pl.col("timestamp").diff().over("customer_id").dt.total_seconds())[
            "gap"
        ]
        .drop_nulls()
        .to_numpy()
    )
    assert gaps.min() >= 1  # strictly increasing per customer
    # 1 s + floor(Exp(1800 s)): mean 1800.5 s, sd 1800 s
    assert abs(gaps.mean() - 1800.5) <= 4 * 1800 / math.sqrt(gaps.size)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    firsts = ordered.group_by("customer_id").first()["timestamp"]
    assert firsts.min() >= start
    assert firsts.max() < start + dt.timedelta(days=7)
    # the queue's designed wait (180 s) is the mean of an exponential wait
    queue = events.filter(pl.col("touchpoint") == "phone_queue")["wait_s"].to_numpy()
    assert abs(queue.mean() - 180) <= 4 * 180 / math.sqrt(queue.size)
    assert (events.filter(pl.col("touchpoint") == "web_faq")["wait_s"] == 0).all()


def test_effort_is_the_rounded_ces_of_core_metrics_without_noise() -> None:
    j = cx.load_journey("billing_inquiry")
    events = generate_events(j, 3_000, seed=21, effort_noise=0.0)
    fp, ep = j.params.effort, j.params.emotion
    a = compile_journey(j)
    per = (
        events.sort("customer_id", "timestamp")
        .with_columns(prev=pl.col("touchpoint").shift(1).over("customer_id"))
        .group_by("customer_id")
        .agg(
            path=pl.col("touchpoint"),
            prev=pl.col("prev"),
            lost=pl.col("context_lost").sum(),
            wait=pl.col("wait_s"),
            effort=pl.col("effort").drop_nulls().first(),
        )
    )
    for path, prev, lost, wait, effort in per.select(
        "path", "prev", "lost", "wait", "effort"
    ).iter_rows():
        edges = [a.edge_index(u, v) for u, v in zip(prev[1:], path[1:], strict=True)]
        index = metrics.effort_index(
            sum(a.switch[e] for e in edges),
            lost * fp.w_reexplain,
            sum(a.transfer[e] for e in edges),
            0,  # billing_inquiry has no cycle: no repeat contact
            sum(metrics.excess_wait(w, ep.expected_wait_s) for w in wait),
            fp,
        )
        # the log's waits are rounded to whole seconds; the answer uses the drawn ones
        near = abs(metrics.ces5(index) % 1 - 0.5) < fp.w_wait_per_minute / 60 * len(path)
        assert near or effort == np.clip(np.round(metrics.ces5(index)), 1, 5)
    assert set(per["effort"].unique()) <= {1, 2, 3, 4, 5}


def test_emotion_and_surveys_without_noise() -> None:
    j = cx.load_journey("billing_inquiry")
    ep = j.params.emotion
    events = generate_events(j, 4_000, seed=6, emotion_noise=0.0)
    # FAQ: designed E=6, P=4 -> s = -4 -> dissatisfied, every time
    assert (events.filter(pl.col("touchpoint") == "web_faq")["emotion"] == "dissatisfied").all()
    # agent: the visit replays its designed moments, 0 then +3 (-2 then +3 when the
    # context was lost): peak +3, end +3 -> J = 3 -> delighted
    assert (events.filter(pl.col("touchpoint") == "agent")["emotion"] == "delighted").all()
    # queue: its designed wait step is the visit's wait moment, from the drawn wait:
    # E = 6, P = 6 + clip((60 - w)/40, -10, 2): D < -1, dissatisfied, beyond 100 s (the
    # step scale: a one-moment contact gets its designed step's class)
    q = events.filter(pl.col("touchpoint") == "phone_queue")
    w = q["wait_s"].to_numpy()
    s = metrics.valence(6.0, 6.0 + metrics.wait_disconfirmation(w, 60.0, ep), ep)
    codes = metrics.contact_emotion_code(s, ep)
    expected = np.array(["dissatisfied", "satisfied", "delighted"])[codes]
    clear = np.abs(w - 100.0) > 0.5  # the log rounds the wait to whole seconds
    assert clear.mean() > 0.95
    np.testing.assert_array_equal(q["emotion"].to_numpy()[clear], expected[clear])
    # a customer resolved on the FAQ alone: s = -4, J = -4 -> CSAT 2, NPS 3
    alone = (
        events.group_by("customer_id")
        .agg(
            pl.len(),
            pl.col("outcome").drop_nulls().first(),
            pl.col("csat").max(),
            pl.col("nps").max(),
        )
        .filter(pl.col("len") == 1, pl.col("outcome") == "resolved")
    )
    assert alone.height > 100
    assert (alone["csat"] == 2).all() and (alone["nps"] == 3).all()
    no_surveys = generate_events(j, 100, seed=6, with_surveys=False)
    assert no_surveys["csat"].null_count() == no_surveys["nps"].null_count() == no_surveys.height


def test_emotion_null_where_the_journey_says_nothing() -> None:
    j = random_journey(6, seed=1)
    # drop the designed steps and the reasons' expectations: nothing is known
    bare = j.replace(
        steps=(),
        graph=j.graph.replace(
            call_reasons=tuple(
                r.__class__(r.id, share=r.share, entry=r.entry) for r in j.graph.call_reasons
            )
        ),
    )
    events = generate_events(bare, 200, seed=1)
    assert events["emotion"].null_count() == events.height
    assert events["csat"].null_count() == events.height


def test_max_steps_cuts_journeys_into_the_remainder_outcome() -> None:
    j = cx.load_journey("billing_inquiry")
    events = generate_events(j, 2_000, seed=1, max_steps=1)
    assert events.height == 2_000
    # 0.5 would have gone on to the queue: cut, they end in 'abandon' with the 0.1 remainder
    share = (events["outcome"] == "abandon").mean()
    assert abs(share - 0.6) <= 4 * math.sqrt(0.24 / 2_000)
    assert set(events["outcome"].unique()) == {"resolved", "abandon"}


# -- noise ---------------------------------------------------------------------------


def test_noise_adds_nulls_duplicates_and_disorder_only() -> None:
    j = cx.load_journey("subscription_support")
    clean = generate_events(j, 4_000, seed=31)
    noisy = generate_events(j, 4_000, seed=31, with_noise=True)
    # chronological without noise, not with it
    assert clean["timestamp"].is_sorted()
    assert not noisy["timestamp"].is_sorted()
    backwards = (noisy["timestamp"].diff().dt.total_seconds() < 0).sum()
    assert 0.002 * noisy.height < backwards < 0.05 * noisy.height
    # duplicates: about 1 % of rows, identical copies
    dups = noisy.height - clean.height
    assert noisy.height - noisy.unique().height == dups
    assert abs(dups - 0.01 * clean.height) <= 4 * math.sqrt(0.01 * 0.99 * clean.height)
    # nulls: about 5 % of the always-filled optional columns, never in the keys
    for col in ("call_reason", "context_lost", "wait_s"):
        assert clean[col].null_count() == 0
        share = noisy[col].null_count() / noisy.height
        assert abs(share - 0.05) <= 4 * math.sqrt(0.05 * 0.95 / noisy.height), col
    for col in OPTIONAL_COLUMNS:
        assert noisy[col].null_count() > clean[col].null_count(), col
    assert noisy.select(KEYS[:4]).null_count().sum_horizontal().item() == 0
    # the same journeys underneath: dedupe and sort give the clean keys back
    assert noisy.select(KEYS).unique().sort(KEYS[:2]).equals(clean.select(KEYS).sort(KEYS[:2]))


def test_noise_rates_are_honoured() -> None:
    j = cx.load_journey("web_phone_faq")
    none = generate_events(
        j, 500, seed=1, with_noise=True, null_rate=0, duplicate_rate=0, shuffle_rate=0
    )
    assert none.equals(generate_events(j, 500, seed=1))
    lots = generate_events(j, 2_000, seed=1, with_noise=True, null_rate=0.5)
    share = lots["wait_s"].null_count() / lots.height
    assert abs(share - 0.5) <= 4 * math.sqrt(0.25 / lots.height)


# -- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_customers": 0}, "`n_customers` must be a whole number ≥ 1, got 0"),
        ({"n_customers": "10"}, "`n_customers` must be a whole number ≥ 1, got '10'"),
        ({"n_customers": True}, "`n_customers` must be a whole number ≥ 1, got True"),
        ({"seed": None}, "`seed` is required (got None)"),
        ({"seed": -1}, "`seed` must be a non-negative integer"),
        ({"seed": 1.5}, "got 1.5"),
        ({"mean_gap": "soon"}, "`mean_gap` must be a positive duration such as"),
        ({"mean_gap": -5}, "`mean_gap` must be a positive duration"),
        ({"span": "0d"}, "`span` must be a positive duration"),
        ({"tz": "Mars/Olympus"}, "`tz` must be an IANA time zone such as 'Asia/Tokyo'"),
        ({"start": "yesterday"}, "`start` must be an ISO date or date-time"),
        ({"start": 20260101}, "`start` must be an ISO date string, a date or a datetime"),
        ({"max_steps": 0}, "`max_steps` must be a whole number ≥ 1, got 0"),
        ({"null_rate": 1.5}, "`null_rate` must be a share in [0, 1], got 1.5"),
        ({"duplicate_rate": -0.1}, "`duplicate_rate` must be a share in [0, 1], got -0.1"),
        ({"emotion_noise": float("nan")}, "`emotion_noise` must be a number ≥ 0, got nan"),
        ({"id_prefix": 3}, "`id_prefix` must be a string, got 3"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(kwargs: dict, message: str) -> None:
    args = {"journey": "web_phone_faq", "n_customers": 10, "seed": 1, **kwargs}
    with pytest.raises(CxkitError) as info:
        generate_events(**args)
    assert message in str(info.value)


def test_bad_journeys() -> None:
    with pytest.raises(CxkitError, match=r"`journey` must be a cxkit\.Journey"):
        generate_events(42, 10, seed=1)  # type: ignore[arg-type]
    with pytest.raises(TemplateNotFoundError):
        generate_events("no_such_template", 10, seed=1)
    j = cx.load_journey("web_phone_faq")
    over = j.with_graph(j.graph.with_handoff("web", "resolved", probability=0.9))
    with pytest.raises(SimulationError, match=r"from touchpoint 'web' sum to 1\.4"):
        generate_events(over, 10, seed=1)
    short = j.with_graph(j.graph.with_handoff("web", "resolved", probability=0.1))
    with pytest.raises(SimulationError, match="the remainder outcome 'abandon' is not declared"):
        generate_events(short, 10, seed=1)
    mix = j.graph.replace(
        call_reasons=tuple(r.__class__(r.id, share=0.4) for r in j.graph.call_reasons)
    )
    with pytest.raises(SimulationError, match=r"call-reason shares sum to 0\.4"):
        generate_events(j.with_graph(mix), 10, seed=1)
