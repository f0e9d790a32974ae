"""attribution(): exact removal effects (model reference R3 and Example B), heuristics."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import numpy as np
import polars as pl
import pytest

import cxkit as cx
from cxkit.analytics import attribution
from cxkit.analytics._chain import Chain
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import Handoff, Outcome, OutcomeKind, Touchpoint

T0 = dt.datetime(2026, 2, 1, 8)


def paths_log(paths: list[tuple[list[str], str]], channels: dict[str, str] | None = None):
    """One customer per path; the outcome on the last event."""
    rows = []
    for i, (tps, outcome) in enumerate(paths):
        for k, tp in enumerate(tps):
            rows.append(
                (
                    f"c{i:04d}",
                    T0 + dt.timedelta(minutes=k),
                    tp,
                    outcome if k == len(tps) - 1 else None,
                )
            )
    data = {
        "customer_id": [r[0] for r in rows],
        "timestamp": [r[1] for r in rows],
        "touchpoint": [r[2] for r in rows],
        "outcome": [r[3] for r in rows],
    }
    if channels is not None:
        data["channel"] = [channels[r[2]] for r in rows]
    return pl.DataFrame(data)


def by_name(frame: pl.DataFrame, key: str = "touchpoint") -> dict[str, dict]:
    return {r[key]: r for r in frame.iter_rows(named=True)}


def test_models_r3_bryl_2016_exactly() -> None:
    log = paths_log([(["C1", "C2", "C3"], "purchase"), (["C1"], "null"), (["C2", "C3"], "null")])
    a = by_name(
        attribution(log, target="purchase", schema=cx.analytics.EventSchema(outcomes=("null",)))
    )
    assert a["C1"]["p_target"] == pytest.approx(1 / 3, abs=1e-15)
    assert [a[c]["removal_effect"] for c in ("C1", "C2", "C3")] == pytest.approx(
        [0.5, 1.0, 1.0], abs=1e-12
    )
    assert [a[c]["markov"] for c in ("C1", "C2", "C3")] == pytest.approx([0.2, 0.4, 0.4], abs=1e-12)
    assert a["C1"]["p_without"] == pytest.approx(1 / 6, abs=1e-15)
    # one conversion: C1 first, C3 last, a third each linearly
    assert [a[c]["first_touch"] for c in ("C1", "C2", "C3")] == [1.0, 0.0, 0.0]
    assert [a[c]["last_touch"] for c in ("C1", "C2", "C3")] == [0.0, 0.0, 1.0]
    assert [a[c]["linear"] for c in ("C1", "C2", "C3")] == pytest.approx([1 / 3] * 3)
    assert [a[c]["markov_conversions"] for c in ("C1", "C2", "C3")] == pytest.approx(
        [0.2, 0.4, 0.4]
    )


def example_b() -> Journey:
    g = TouchpointGraph(
        touchpoints=(Touchpoint("web", channel="web"), Touchpoint("phone", channel="phone")),
        handoffs=(
            Handoff("web", "resolved", 0.5),
            Handoff("web", "phone", 0.3),
            Handoff("web", "churn", 0.2),
            Handoff("phone", "resolved", 0.8),
            Handoff("phone", "phone", 0.1),
            Handoff("phone", "churn", 0.1),
        ),
        outcomes=(
            Outcome("resolved", kind=OutcomeKind.RESOLVED),
            Outcome("churn", kind=OutcomeKind.CHURN),
        ),
        entry={"web": 1.0},
    )
    return Journey("example_b", graph=g)


def test_models_example_b_from_the_journey_exactly() -> None:
    a = by_name(attribution(example_b(), target="resolved"))
    assert a["web"]["p_target"] == pytest.approx(23 / 30, abs=1e-15)
    assert a["phone"]["removal_effect"] == pytest.approx(8 / 23, abs=1e-15)
    assert a["web"]["removal_effect"] == pytest.approx(1.0, abs=1e-15)
    assert a["web"]["markov"] == pytest.approx(23 / 31, abs=1e-15)
    assert a["phone"]["markov"] == pytest.approx(8 / 31, abs=1e-15)
    assert a["phone"]["p_without"] == pytest.approx(0.5, abs=1e-15)
    # exact heuristics from the chain: every journey starts on the web ...
    assert a["web"]["first_touch"] == 1.0
    # ... and ends resolved from the web with 0.5, from the phone with 23/30 − 0.5
    assert a["web"]["last_touch"] == pytest.approx(0.5 / (23 / 30), abs=1e-15)
    assert a["phone"]["last_touch"] == pytest.approx((23 / 30 - 0.5) / (23 / 30), abs=1e-15)
    assert a["web"]["linear"] is None
    # the kind works as a target too
    kind = attribution(example_b(), target="resolved")
    assert kind.equals(attribution(example_b(), target=["resolved"]))


def test_models_example_b_from_events_with_exact_frequencies() -> None:
    # 300 journeys whose transition counts are exactly the designed probabilities
    paths: list[tuple[list[str], str]] = []
    paths += [(["web"], "resolved")] * 150  # web → resolved 0.5
    paths += [(["web"], "churn")] * 60  # web → churn 0.2
    # 90 go to the phone (0.3); the phone's 100 visits: 80 resolved, 10 repeat, 10 churn
    paths += [(["web", "phone", "phone"], "resolved")] * 10
    paths += [(["web", "phone"], "resolved")] * 70
    paths += [(["web", "phone"], "churn")] * 10
    log = paths_log(paths)
    a = by_name(attribution(log, target="resolved"))
    assert a["web"]["p_target"] == pytest.approx(23 / 30, abs=1e-14)
    assert a["phone"]["removal_effect"] == pytest.approx(8 / 23, abs=1e-14)
    assert a["web"]["markov"] == pytest.approx(23 / 31, abs=1e-14)
    assert a["phone"]["markov"] == pytest.approx(8 / 31, abs=1e-14)
    # observed heuristics: 230 conversions, 150 of them last touched on the web
    assert a["web"]["last_touch"] == pytest.approx(150 / 230)
    assert a["phone"]["last_touch"] == pytest.approx(80 / 230)
    linear_web = (150 + 70 / 2 + 10 / 3) / 230
    assert a["web"]["linear"] == pytest.approx(linear_web)
    assert a["phone"]["linear"] == pytest.approx(1 - linear_web)
    assert a["web"]["markov_conversions"] == pytest.approx(230 * 23 / 31)


def brute_force_removal(chain: Chain, targets: list[str], removed: set[str]) -> Fraction:
    """P(target) with ``removed`` redirected to null, by exact rational elimination."""
    n = chain.n
    q = chain.Q.toarray()
    r = chain.target_vector(targets)
    keep = [i for i, s in enumerate(chain.states) if s not in removed]
    # x = Q x + r on the kept states (transitions into removed states are lost)
    size = len(keep)
    a = [
        [
            Fraction(int(i == j)) - Fraction(q[keep[i], keep[j]]).limit_denominator(10**9)
            for j in range(size)
        ]
        for i in range(size)
    ]
    b = [Fraction(r[k]).limit_denominator(10**9) for k in keep]
    for col in range(size):  # Gauss–Jordan
        piv = next(i for i in range(col, size) if a[i][col] != 0)
        a[col], a[piv], b[col], b[piv] = a[piv], a[col], b[piv], b[col]
        for i in range(size):
            if i != col and a[i][col] != 0:
                f = a[i][col] / a[col][col]
                a[i] = [x - f * y for x, y in zip(a[i], a[col], strict=True)]
                b[i] -= f * b[col]
    x = {keep[i]: b[i] / a[i][i] for i in range(size)}
    del n
    return sum(
        (Fraction(chain.start[k]).limit_denominator(10**9) * x[k] for k in keep), Fraction(0)
    )


def test_removal_formula_matches_redirection_on_every_template() -> None:
    for name in cx.list_templates():
        j = cx.load_journey(name)
        chain = Chain.from_journey(j)
        probs = chain.outcome_probabilities()
        for target in [o for o, p in zip(chain.outcomes, probs, strict=True) if p > 1e-9][:2]:
            p, without = chain.removal([target])
            sets = chain.removal_of_sets([target], [[s] for s in chain.states])
            assert np.allclose(without, sets, atol=1e-12), name
            for s, w in itertools.islice(zip(chain.states, without, strict=True), 3):
                exact = brute_force_removal(chain, [target], {s})
                assert w == pytest.approx(float(exact), abs=1e-9), (name, s)
            assert p == pytest.approx(float(brute_force_removal(chain, [target], set())), abs=1e-9)


def test_channel_level_removes_every_touchpoint_of_the_channel() -> None:
    log = paths_log(
        [(["web", "queue", "agent"], "resolved"), (["web"], "resolved"), (["queue"], "churn")],
        channels={"web": "web", "queue": "phone", "agent": "phone"},
    )
    a = by_name(attribution(log, target="resolved", by="channel"), key="channel")
    assert set(a) == {"web", "phone"}
    chain_p = a["web"]["p_target"]
    assert chain_p == pytest.approx(2 / 3)
    # without the phone channel only web → resolved (1/2 of web visits) remains
    assert a["phone"]["p_without"] == pytest.approx(2 / 3 * 1 / 2)
    # without the web, journeys starting in the queue still reach the agent: 1/3 · 1/2
    assert a["web"]["p_without"] == pytest.approx(1 / 6)
    assert a["web"]["first_touch"] == 1.0
    assert a["phone"]["last_touch"] == 0.5
    assert "touchpoint" not in attribution(log, target="resolved", by="channel").columns


def test_unknown_or_unreached_target_is_refused_with_a_hint() -> None:
    log = paths_log([(["web"], "purchase"), (["web"], "abandon")])
    with pytest.raises(
        cx.CxkitError, match=r"target outcome 'purchse' is never reached.*did you mean 'purchase'"
    ):
        attribution(log, target="purchse")
    with pytest.raises(cx.CxkitError, match="target outcome 'resolved' is never reached"):
        attribution(log, target="resolved")
    with pytest.raises(cx.CxkitError, match="`by` must be 'touchpoint' or 'channel'"):
        attribution(log, by="stage")  # type: ignore[arg-type]
    with pytest.raises(cx.CxkitError, match="`target` must be an outcome id"):
        attribution(log, target=[])


def test_shares_sum_to_one() -> None:
    log = paths_log(
        [(["a", "b"], "purchase"), (["b", "c"], "purchase"), (["a", "c", "a"], "abandon")]
    )
    a = attribution(log)
    for col in ("markov", "first_touch", "last_touch", "linear"):
        assert a[col].sum() == pytest.approx(1.0)
    assert a["markov"].to_list() == sorted(a["markov"].to_list(), reverse=True)
