"""HandoffExplorer: its numbers are cxkit.sim's for the same journeys and seed."""

from __future__ import annotations

import pytest

import cxkit as cx
import cxkit.viz
from cxkit.widgets import HandoffExplorer

N = 4000


@pytest.fixture
def billing():
    return cx.load_journey("billing_inquiry")


@pytest.fixture
def explorer(billing):
    return HandoffExplorer(billing, n_customers=N, seed=3)


def test_carryover_slider_builds_the_scenario_and_example_b_numbers(explorer, billing):
    explorer._select.value = ("web_faq", "phone_queue")
    assert explorer._carryover.value == 0.0
    explorer._carryover.value = 1.0
    assert explorer.scenario == billing.with_handoff(
        "web_faq", "phone_queue", context_carryover=1.0
    )
    assert explorer.baseline == billing
    n = explorer.numbers()
    # the exact chain: half the customers reach the agent without their context today
    assert n["context_losses"]["baseline"] == pytest.approx(0.5)
    assert n["context_losses"]["scenario"] == 0.0
    assert n["context_losses"]["difference"] == pytest.approx(-0.5)
    assert n["share:resolved"]["baseline"] == pytest.approx(0.7825)
    assert n["contacts"]["baseline"] == pytest.approx(1.95)
    assert explorer.status == (
        "Scenario: web_faq → phone_queue probability 0.50, context carry-over 1.00."
    )


def test_monte_carlo_numbers_equal_cxkit_sim_compare_for_the_same_seed(explorer, billing):
    explorer.set_handoff("web_faq", "phone_queue", context_carryover=0.6)
    explorer.set_handoff("phone_queue", "agent", probability=0.95)
    scenario = explorer.scenario
    reference = cx.sim.compare(billing, scenario, N, seed=3)
    ours, theirs = explorer.comparison.differences(), reference.differences()
    for key in ("ces5", "fcr", "contacts", "context_losses"):
        assert ours[key] == theirs[key]
    n = explorer.numbers()
    assert n["ces5"]["scenario"] == reference.b.summary()["ces5"].estimate
    assert n["ces5"]["difference"] == theirs["ces5"].estimate
    assert (n["ces5"]["ci_low"], n["ces5"]["ci_high"]) == (
        theirs["ces5"].ci_low,
        theirs["ces5"].ci_high,
    )
    assert n["ces5"]["difference"] < 0  # keeping the context lowers the effort
    exact = cx.sim.exact(scenario)
    for o, p in exact.absorption.items():
        assert n[f"share:{o}"]["scenario"] == pytest.approx(p)
    assert n["cost"]["scenario"] == pytest.approx(exact.expected_cost)


def test_the_chart_is_the_what_if_of_the_paired_runs(explorer):
    explorer.set_handoff("web_faq", "phone_queue", context_carryover=1.0)
    expected = cxkit.viz.what_if(explorer.comparison).to_dict(validate=False)
    assert explorer.chart.spec == expected
    explorer.set_handoff(context_carryover=0.5)
    assert explorer.chart.last.path == "fast"
    assert explorer.chart.spec == cxkit.viz.what_if(explorer.comparison).to_dict(validate=False)


def test_probability_can_rise_to_the_remainder_only(explorer):
    explorer.select("phone_queue", "agent")
    # phone_queue → agent 0.9, remainder 0.1 to 'abandon'
    assert explorer._probability.max == pytest.approx(1.0)
    explorer.select("web_faq", "resolved")
    assert explorer._probability.max == pytest.approx(0.5)  # 0.4 + remainder 0.1
    with pytest.raises(cx.CxkitError, match=r"can rise to 0.5 at most .* got 0.7"):
        explorer.set_handoff(probability=0.7)
    explorer._probability.value = 0.5
    assert explorer.scenario.graph.handoff("web_faq", "resolved").probability == 0.5
    assert explorer.scenario.graph.remainder("web_faq") == pytest.approx(0.0)


def test_outcome_hand_offs_have_no_context_to_carry(explorer):
    explorer.select("agent", "resolved")
    assert explorer._carryover.disabled
    with pytest.raises(cx.CxkitError, match="ends in an outcome"):
        explorer.set_handoff(context_carryover=0.5)


def test_reset_customers_and_seed(explorer, billing):
    explorer.set_handoff("web_faq", "phone_queue", context_carryover=1.0)
    explorer._reset.click()
    assert explorer.scenario == billing
    assert explorer.numbers()["ces5"]["difference"] == 0.0
    explorer._customers.value = 1000
    assert explorer.comparison.a.n_customers == 1000
    explorer._seed.value = 9
    assert explorer.comparison.a.seed == 9
    ref = cx.sim.simulate(billing, 1000, seed=9).summary()["ces5"]
    assert explorer.numbers()["ces5"]["baseline"] == ref.estimate


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ex: ex.select("web", "phone"), r"unknown hand-off 'web->phone'"),
        (
            lambda ex: ex.set_handoff(probability=-0.1),
            r"`probability` must be a number from 0 to 1",
        ),
        (lambda ex: ex.set_handoff("web_faq"), "give both `source` and `target`"),
        (lambda ex: ex.set_customers(0), r"`n_customers` must be a whole number ≥ 1, got 0"),
        (lambda ex: ex.set_seed(-1), r"`seed` must be a whole number ≥ 0, got -1"),
    ],
)
def test_bad_inputs(explorer, call, message):
    with pytest.raises(cx.CxkitError, match=message):
        call(explorer)


def test_a_slider_error_goes_to_the_status_line(explorer):
    explorer.select("web_faq", "resolved")
    explorer._guard(explorer.set_handoff, probability=0.9)
    assert "can rise to 0.5 at most" in explorer.status


def test_japanese_labels(billing):
    ex = HandoffExplorer(billing, n_customers=500, seed=1, lang="ja")
    assert ex._probability.description == "遷移確率"
    assert ex._carryover.description == "文脈の引き継ぎ率"
    assert "現状" in ex._numbers.value and "シナリオ" in ex._numbers.value
    assert "共通乱数" in ex._note.value


def test_without_a_remainder_outcome_probabilities_cannot_move():
    # web_phone_faq: every touchpoint's probabilities sum to 1, no 'abandon' outcome
    j = cx.load_journey("web_phone_faq")
    ex = HandoffExplorer(j, n_customers=500, seed=1)
    for key in ex.handoffs:
        ex._select.value = key
        assert ex._probability.disabled
        assert ex._probability.value == j.graph.handoff(*key).probability
    with pytest.raises(cx.CxkitError, match="cannot fall: the remainder would go to 'abandon'"):
        ex.set_handoff("web", "phone", probability=0.1)
    ex._select.value = ("web", "phone")
    ex._carryover.value = 1.0
    assert ex.numbers()["context_losses"]["scenario"] == pytest.approx(1 / 30 * 0.5)
