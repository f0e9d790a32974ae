"""DotVoting: dots per participant, the session timer, scores and proposals to the planner."""

from __future__ import annotations

import pytest

import cxkit as cx
from cxkit.core.economics import Effect, Initiative
from cxkit.core.errors import CxkitError
from cxkit.roi.opportunity import cards, opportunity_scores, targeted_steps
from cxkit.widgets import DotVoting, RoadmapPlanner
from cxkit.widgets.voting import SessionTimer

SIMS = 200


@pytest.fixture(scope="module")
def ja():
    return cx.load_journey("complaint_recovery_ja")


def test_votes_to_scores_to_proposals_by_hand(ja):
    deck = {c.id: c for c in cards(ja)}
    # call_again: valence −8, CES 5 → 1 + 0.8 + 1.0; queue: valence −20, no CES → 1 + 1
    assert deck["call_again:pain:0"].severity == pytest.approx(2.8)
    assert deck["queue:pain:0"].severity == pytest.approx(2.0)
    a = Initiative("a", cost_one_off=10, effects=[Effect("step:call_again", "experience")])
    b = Initiative(
        "b", cost_one_off=30, ramp_up_periods=2, effects=[Effect("step:queue", "experience")]
    )
    c = Initiative("c", cost_one_off=20, effects=[Effect("economics:churn", None)])
    assert [targeted_steps(ja, i) for i in (a, b, c)] == [{"call_again"}, {"queue"}, set()]
    votes = {"call_again:pain:0": 2, "queue:pain:0": 1}
    got = opportunity_scores(ja, [a, b, c], {"a": 50, "b": 100, "c": 400}, votes)
    # CV: a 2 × 2.8 = 5.6, b 1 × 2.0; BV: NPV / 400; effort: cost / median 20 × (1 + ramp/4)
    table = {s.id: (s.customer_value, s.business_value, s.effort, s.score) for s in got}
    assert table["a"] == pytest.approx((5.6, 0.125, 0.5, 1.4))
    assert table["b"] == pytest.approx((2.0, 0.25, 2.25, 2.0 * 0.25 / 2.25))
    assert table["c"] == pytest.approx((0.0, 1.0, 1.0, 0.0))
    assert [s.id for s in got] == ["a", "b", "c"]


def test_the_dot_budget_per_participant_is_enforced(ja):
    v = DotVoting(ja, participants=["Aoi", "Ken"], dots=2, n_sims=SIMS, lang="en")
    v.vote("Aoi", "queue:pain:0")
    v.vote("Aoi", "call_again:pain:1")
    assert v.remaining("Aoi") == 0 and v.remaining("Ken") == 2
    with pytest.raises(CxkitError, match="Aoi has used all 2 dots"):
        v.vote("Aoi", "queue:pain:0")
    v.vote("Aoi", "queue:pain:0", -1)
    v.vote("Aoi", "damage:pain:0")
    assert v.votes()["queue:pain:0"] == 0 and v.votes()["damage:pain:0"] == 1
    with pytest.raises(CxkitError, match="did you mean"):
        v.vote("Aoi", "queue:pain:9")
    with pytest.raises(CxkitError, match="already in the session"):
        v.add_participant("Ken")
    with pytest.raises(CxkitError, match="1 to 20"):
        DotVoting(ja, dots=21)
    with pytest.raises(CxkitError, match="1 to 40 characters"):
        v.add_participant("   ")
    v.close()


def test_clicks_vote_as_the_chosen_participant(ja):
    v = DotVoting(ja, n_sims=SIMS, lang="ja")
    plus = v.ui.children[5].children[0].children[1].children[1]
    plus.click()
    assert "先に参加者を追加してください" in v.status
    v._name.value = "Aoi"
    v._add.click()
    assert v.participants == ("Aoi",)
    plus.click()
    assert v.votes()[v.cards[0].id] == 1 and 'data-votes="1"' in v._counts[v.cards[0].id].value
    v.close()


def test_a_vote_changes_the_planners_proposals(ja):
    inits = [*ja.initiatives, *cx.roi.catalog("ja")]
    v = DotVoting(ja, participants=["Aoi"], n_sims=SIMS, lang="ja")
    rp = RoadmapPlanner(ja, inits, budget=[20e6] * 4, n_sims=SIMS, proposals=v, lang="ja")
    assert rp.proposed == ()
    v.vote("Aoi", "call_again:pain:0")
    assert rp.proposed == v.proposals() and len(rp.proposed) == 3
    assert rp.proposed[0] == "empowerment"  # the best NPV among those on call_again
    assert "投票による提案" in rp._proposal.value
    rp._use_proposal.click()
    on = {i for i, flag in rp.enabled.items() if flag}
    # empowerment needs crm, chat_channel needs faq_knowledge_base
    assert on == set(rp.proposed) | {"crm", "faq_knowledge_base"}
    assert set(rp.reasons()) == {i.id for i in rp.initiatives} - set(rp.plan.starts)
    rp.close()
    v.close()


def test_the_session_timer_buttons():
    now = [100.0]
    tm = SessionTimer(90, clock=lambda: now[0])
    assert tm.text() == "01:30"
    tm.start()
    now[0] += 95
    assert tm.text() == "00:00"
    tm.reset()
    tm2 = SessionTimer(None, clock=lambda: now[0])
    tm2.start()
    now[0] += 61
    assert tm2.text() == "01:01"


def test_the_timer_widget_starts_and_pauses(ja):
    v = DotVoting(ja, n_sims=SIMS, minutes=5)
    assert ">05:00<" in v._clock.value
    v._start.click()
    assert v.timer.running and v._tick.playing
    v._pause.click()
    assert not v.timer.running and not v._tick.playing
    v._reset.click()
    assert ">05:00<" in v._clock.value
    v.close()
