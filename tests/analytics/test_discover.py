"""discover(): a log sampled from a known graph gives that graph back, and the
discovered journey is a valid, editable, savable cxkit journey."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import EventLogWarning, EventSchema, discover
from cxkit.analytics._chain import Chain
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint

N = 20_000
Z = 4.5  # |estimate − truth| < Z standard errors: a false alarm about once in 150 000


def _design() -> Journey:
    """Two entries, a loop (agent → agent), a remainder on every touchpoint."""
    g = TouchpointGraph(
        touchpoints=(
            Touchpoint("web", channel="web"),
            Touchpoint("chat", channel="chat"),
            Touchpoint("phone", channel="phone"),
            Touchpoint("agent", channel="phone"),
        ),
        handoffs=(
            Handoff("web", "resolved", 0.4),
            Handoff("web", "chat", 0.2),
            Handoff("web", "phone", 0.3, context_carryover=0.2),
            Handoff("chat", "resolved", 0.6),
            Handoff("chat", "phone", 0.3, context_carryover=0.5),
            Handoff("phone", "agent", 0.9),
            Handoff("agent", "resolved", 0.7),
            Handoff("agent", "agent", 0.1, context_carryover=0.5),
            Handoff("agent", "churn", 0.1),
        ),
        outcomes=(
            Outcome("resolved", kind=OutcomeKind.RESOLVED),
            Outcome("churn", kind=OutcomeKind.CHURN),
            Outcome("abandon", kind=OutcomeKind.ABANDON),
        ),
        entry={"web": 0.7, "phone": 0.3},
    )
    return Journey("design", title="Design", graph=g)


@pytest.fixture(scope="module")
def sampled(sampler: Callable[..., pl.DataFrame]) -> tuple[Journey, pl.DataFrame]:
    j = _design()
    return j, sampler(j, N, seed=7)


def test_recovers_generating_probabilities(sampled: tuple[Journey, pl.DataFrame]) -> None:
    design, log = sampled
    found = discover(log)
    j = found.journey
    assert j.is_valid
    truth = {(u, v): d["probability"] for u, v, d in design.graph.nx.edges(data=True)}
    edges = found.edges
    n_from = dict(edges.group_by("source").agg(pl.col("count").sum()).rows())
    # every observed transition is a designed one, and every designed one is observed
    assert set(zip(edges["source"], edges["target"], strict=True)) == set(truth)
    for h in j.handoffs:
        p = truth[h.key]
        se = math.sqrt(p * (1 - p) / n_from[h.source])
        assert abs(h.probability - p) < Z * se, (h.key, h.probability, p)
    # start distribution
    for tp, p in design.graph.entry.items():
        se = math.sqrt(p * (1 - p) / found.n_journeys)
        assert abs(j.graph.entry[tp] - p) < Z * se
    # context carry-over, recorded as context_lost on the event reached
    for h in design.graph.handoffs:
        if h.target in design.graph.touchpoint_ids:
            n = edges.filter(source=h.source, target=h.target)["count"][0]
            kappa = h.context_carryover
            se = max(math.sqrt(kappa * (1 - kappa) / n), 1e-12)
            assert abs(j.graph.handoff(*h.key).context_carryover - kappa) < Z * se + 1e-12
    # outcome rates against the exact absorption probabilities of the design
    exact = dict(
        zip(
            Chain.from_journey(design).outcomes,
            Chain.from_journey(design).outcome_probabilities(),
            strict=True,
        )
    )
    for o, rate in found.outcomes.select("outcome", "rate").rows():
        se = math.sqrt(exact[o] * (1 - exact[o]) / found.n_journeys)
        assert abs(rate - exact[o]) < Z * se
    assert found.n_customers == found.n_journeys == N


def test_counts_add_up(sampled: tuple[Journey, pl.DataFrame]) -> None:
    _, log = sampled
    found = discover(log)
    assert found.n_events == log.height
    assert found.starts["count"].sum() == found.n_journeys
    assert found.outcomes["count"].sum() == found.n_journeys
    assert found.touchpoints["contacts"].sum() == log.height
    # transitions out of a touchpoint = its contacts (each contact goes somewhere)
    out = dict(found.edges.group_by("source").agg(pl.col("count").sum()).rows())
    assert out == dict(found.touchpoints.select("touchpoint", "contacts").rows())
    # mle is count / total per source
    mle = found.edges.with_columns(
        check=pl.col("count") / pl.col("count").sum().over("source") - pl.col("mle")
    )
    assert mle["check"].abs().max() < 1e-15


def test_graph_and_touchpoints_come_from_the_data(sampled: tuple[Journey, pl.DataFrame]) -> None:
    _, log = sampled
    j = discover(log).journey
    assert {tp.id: tp.channel for tp in j.touchpoints} == {
        "web": "web",
        "chat": "chat",
        "phone": "phone",
        "agent": "phone",
    }
    assert j.graph.remainder_outcome == "abandon"
    assert {o.id: o.kind for o in j.graph.outcomes} == {
        "resolved": OutcomeKind.RESOLVED,
        "churn": OutcomeKind.CHURN,
        "abandon": OutcomeKind.ABANDON,
    }
    # touchpoints in breadth-first order from the busiest start
    assert [tp.id for tp in j.touchpoints] == ["web", "phone", "chat", "agent"]
    # each touchpoint's probabilities sum to 1 (nothing left to the remainder)
    for tp in j.touchpoints:
        assert math.isclose(sum(h.probability for h in j.graph.handoffs_from(tp.id)), 1.0)
    # the steps follow the most probable path: web → resolved (0.7 × 0.4)
    assert [s.touchpoint for s in j.steps] == ["web"]


def test_saved_yaml_is_a_valid_editable_journey(
    sampled: tuple[Journey, pl.DataFrame], tmp_path: Path
) -> None:
    _, log = sampled
    j = discover(log, decimals=4).journey
    path = cx.save_journey(j, tmp_path / "observed.yaml")
    assert [p for p in cx.validate_file(path) if p.severity == "error"] == []
    again = cx.load_journey(path)
    assert again == j
    # decimals: rounded, and each touchpoint still sums to exactly 1 (to float precision)
    for tp in again.touchpoints:
        probs = [h.probability for h in again.graph.handoffs_from(tp.id)]
        assert all(round(p, 4) == p for p in probs)
        assert abs(sum(probs) - 1) < 1e-12
    edited = again.with_handoff("web", "resolved", probability=0.5)
    assert edited.graph.handoff("web", "resolved").probability == 0.5


def _log(rows: list[tuple], **extra: list) -> pl.DataFrame:
    t0 = dt.datetime(2026, 3, 1, 9)
    data = {
        "customer_id": [r[0] for r in rows],
        "timestamp": [t0 + dt.timedelta(hours=r[1]) for r in rows],
        "touchpoint": [r[2] for r in rows],
        "outcome": [r[3] for r in rows],
    }
    data.update(extra)
    return pl.DataFrame(data)


def test_outcome_on_last_event_or_on_a_separate_row_give_the_same_graph() -> None:
    on_last = _log(
        [("a", 0, "web", None), ("a", 1, "phone", "resolved"), ("b", 0, "web", "purchase")]
    )
    separate = _log(
        [
            ("a", 0, "web", None),
            ("a", 1, "phone", None),
            ("a", 2, None, "resolved"),
            ("b", 0, "web", None),
            ("b", 0, None, "purchase"),  # same time: the outcome row comes after
        ]
    )
    a, b = discover(on_last), discover(separate)
    assert a.journey.graph == b.journey.graph
    assert a.edges.drop("mean_gap_s", "median_gap_s").equals(
        b.edges.drop("mean_gap_s", "median_gap_s")
    )


def test_an_outcome_closes_the_journey_and_a_later_event_opens_another() -> None:
    log = _log(
        [
            ("a", 0, "web", "purchase"),
            ("a", 48, "phone", None),  # comes back two days later: a second journey
            ("a", 49, "agent", "resolved"),
        ]
    )
    found = discover(log)
    assert found.n_customers == 1 and found.n_journeys == 2
    keys = set(zip(found.edges["source"], found.edges["target"], strict=True))
    assert ("web", "phone") not in keys  # no transition across journeys
    assert keys == {("web", "purchase"), ("phone", "agent"), ("agent", "resolved")}
    assert dict(found.starts.select("touchpoint", "count").rows()) == {"web": 1, "phone": 1}


def test_customers_without_outcome_end_in_abandon_and_single_events_count() -> None:
    log = _log([("a", 0, "web", None), ("b", 0, "web", None), ("c", 0, "web", "purchase")])
    found = discover(log)
    assert dict(found.outcomes.select("outcome", "count").rows()) == {"abandon": 2, "purchase": 1}
    j = found.journey
    assert j.graph.handoff("web", "abandon").probability == pytest.approx(2 / 3)
    other = discover(log, schema=EventSchema(missing_outcome="open"))
    assert "open" in other.journey.graph.outcome_ids
    assert other.journey.graph.remainder_outcome == "open"


def test_min_count_and_smoothing() -> None:
    rows = [(f"c{i}", 0, "web", "resolved") for i in range(8)]
    rows += [("x", 0, "web", None), ("x", 1, "phone", "resolved")]
    rows += [("y", 0, "web", None), ("y", 1, "chat", "resolved")]
    log = _log(rows)
    with pytest.warns(EventLogWarning, match="'chat', 'phone' was seen fewer than min_count=2"):
        # phone and chat only ever go on once: their transitions are kept
        found = discover(log, min_count=2)
    pruned = found.journey
    assert {h.target for h in pruned.graph.handoffs_from("web")} == {"resolved"}
    assert pruned.graph.handoff("web", "resolved").probability == 1.0
    assert pruned.graph.handoff("phone", "resolved").probability == 1.0
    web = found.edges.filter(source="web").sort("target")
    assert web.select("target", "count", "kept", "mle").rows() == [
        ("chat", 1, False, 0.1),
        ("phone", 1, False, 0.1),
        ("resolved", 8, True, 0.8),
    ]
    smooth = discover(log, smoothing=1.0).journey
    # web: counts resolved 8, phone 1, chat 1 over K = 3 touchpoints + 2 outcomes
    assert smooth.graph.handoff("web", "resolved").probability == pytest.approx(9 / 15)
    assert smooth.graph.handoff("web", "web").probability == pytest.approx(1 / 15)
    assert smooth.graph.handoff("web", "abandon").probability == pytest.approx(1 / 15)
    assert smooth.is_valid


def test_ids_channels_and_call_reasons_from_messy_names() -> None:
    log = _log(
        [("a", 0, "Web FAQ", None), ("a", 1, "電話", "resolved"), ("b", 0, "Web FAQ", None)],
        channel=["web", "LINE app", "web"],
        call_reason=["billing", None, "delivery"],
    )
    j = discover(log).journey
    assert [tp.id for tp in j.touchpoints] == ["Web_FAQ", "電話"]
    assert j.graph.touchpoint("Web_FAQ").label == "Web FAQ"
    assert j.graph.touchpoint("電話").channel == "LINE_app"
    assert [c.id for c in j.graph.channels] == ["LINE_app"]
    assert j.graph.channels[0].name == "LINE app"
    reasons = {c.id: (c.share, dict(c.entry)) for c in j.graph.call_reasons}
    assert reasons == {"billing": (0.5, {"Web_FAQ": 1.0}), "delivery": (0.5, {"Web_FAQ": 1.0})}
    assert j.is_valid


def test_discover_from_a_designed_journey_keeps_its_design() -> None:
    design = cx.load_journey("billing_inquiry")
    log = _log(
        [
            ("a", 0, "web_faq", None),
            ("a", 1, "Phone queue (IVR)", None),  # matched by label
            ("a", 2, "agent", "resolved"),
            ("b", 0, "web_faq", "resolved"),
        ]
    )
    found = discover(log, journey=design)
    j = found.journey
    assert j.id == "billing_inquiry_observed"
    assert j.steps == design.steps and j.stages == design.stages
    assert j.graph.touchpoint("agent") == design.graph.touchpoint("agent")
    assert j.graph.handoff("web_faq", "phone_queue").probability == 0.5
    assert j.graph.handoff("web_faq", "resolved").probability == 0.5
    # no channel column: the design's channels are kept; no context data: its κ too
    assert j.graph.handoff("web_faq", "phone_queue").context_carryover == 0.0
    assert j.is_valid
    assert "discovered" in j.tags


def test_bad_arguments_name_themselves() -> None:
    log = _log([("a", 0, "web", "resolved")])
    with pytest.raises(cx.CxkitError, match="`min_count` must be a whole number ≥ 1, got 0"):
        discover(log, min_count=0)
    with pytest.raises(cx.CxkitError, match="`smoothing` must be a number ≥ 0, got -1"):
        discover(log, smoothing=-1)
    with pytest.raises(cx.CxkitError, match=r"`journey` must be a cxkit\.Journey"):
        discover(log, journey="billing_inquiry")


def test_touchpoint_named_like_an_outcome_is_refused() -> None:
    log = _log([("a", 0, "resolved", None), ("a", 1, "web", "resolved")])
    with pytest.raises(cx.CxkitError, match="'resolved' is used both as a touchpoint and as an"):
        discover(log)


def test_discovered_probabilities_are_deterministic_and_exact() -> None:
    rng = np.random.default_rng(3)
    n = 50
    targets = rng.choice(["resolved", "churn"], n)
    log = _log([(f"c{i}", 0, "web", targets[i]) for i in range(n)])
    j = discover(log).journey
    k = int((targets == "resolved").sum())
    assert j.graph.handoff("web", "resolved").probability == k / n


def test_a_log_named_in_japanese_gives_a_japanese_journey():
    """Touchpoints named in Japanese: the discovered journey is labelled in Japanese."""
    events = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c"],
            "timestamp": ["2026-01-01 09:00", "2026-01-01 10:00"] * 2 + ["2026-01-02 09:00"],
            "touchpoint": ["店舗", "コールセンター（電話）", "店舗", "LINE公式アカウント", "店舗"],
            "outcome": [None, "resolved", None, "churn", "resolved"],
        }
    )
    j = discover(events).journey
    assert j.language == "ja"
    assert j.title == "発見されたジャーニー"
    assert j.stages[0].label == "観測された最頻経路"
    assert j.steps[0].action == "店舗（3件の接触）"
    assert j.description.startswith("cxkit がイベントログから発見") and "顧客 3 人" in j.description
    english = discover(events.with_columns(pl.col("touchpoint").replace({"店舗": "Store"})))
    # two of three names are still Japanese: at least half → ja; all English → en
    assert english.journey.language == "ja"
    plain = events.with_columns(touchpoint=pl.lit("Web"))
    assert discover(plain).journey.language == "en"
    assert discover(plain).journey.title == "Discovered journey"
