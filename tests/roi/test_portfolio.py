"""cxkit.roi.portfolio: Example C4, MILP = brute force, and a catalogue of bad inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxkit.core.errors import CxkitError
from cxkit.roi.portfolio import (
    BRUTE_FORCE_MAX_CANDIDATES,
    Candidate,
    CapacityLimit,
    PortfolioPlan,
    brute_force_portfolio,
    delay_values,
    optimize_portfolio,
)


def c4(**extra: Any) -> list[Candidate]:
    """Model reference §8 C4: (cost, NPV, prerequisite); a Q2 start keeps 90 % of the NPV."""
    return [
        Candidate("CRM", 100, costs=(60,), start_discount=0.9, **extra),
        Candidate("CTI", 40, costs=(30,), prerequisites={"CRM": 1}, start_discount=0.9),
        Candidate("FAQ", 70, costs=(40,), start_discount=0.9),
        Candidate("Chat", 60, costs=(50,), prerequisites={"FAQ": 1}, start_discount=0.9),
    ]


# --------------------------------------------------------------------------- Example C4


@pytest.mark.parametrize("solver", [optimize_portfolio, brute_force_portfolio])
def test_c4_optimum(solver: Callable[..., PortfolioPlan]) -> None:
    plan = solver(c4(), [100, 60])
    assert plan.starts == {"CRM": 1, "FAQ": 1, "Chat": 2}
    assert "CTI" not in plan.starts
    assert plan.value == pytest.approx(224.0, abs=1e-9)
    assert plan.by_quarter() == {1: ("CRM", "FAQ"), 2: ("Chat",)}
    assert plan.spend_per_quarter == (100.0, 50.0)
    assert plan.budget_per_quarter == (100.0, 60.0)
    assert plan.slack_per_quarter == (0.0, 10.0)
    assert plan.binding == ("budget Q1",)
    assert plan.status == "optimal"


def test_c4_cti_instead_of_chat_gives_206() -> None:
    forced = optimize_portfolio(c4(), [100, 60], must_include=["CTI"])
    assert forced.starts == {"CRM": 1, "FAQ": 1, "CTI": 2}
    assert forced.value == pytest.approx(206.0)
    assert forced.value < 224.0


def test_c4_with_explicit_values_and_delay_values() -> None:
    assert delay_values(100, 2, 0.9) == (100.0, 90.0)
    explicit = [
        Candidate(
            c.id, delay_values(c.values, 2, 0.9), costs=c.costs, prerequisites=c.prerequisites
        )
        for c in c4()
    ]
    assert optimize_portfolio(explicit, [100, 60]).starts == {"CRM": 1, "FAQ": 1, "Chat": 2}


def test_c4_to_dict_round_trip_fields() -> None:
    d = optimize_portfolio(c4(), [100, 60]).to_dict()
    assert d["starts"] == {"CRM": 1, "FAQ": 1, "Chat": 2}
    assert d["value"] == pytest.approx(224.0)
    assert d["binding"] == ["budget Q1"] and d["method"] == "milp"


def test_carry_over_lets_unspent_budget_roll_forward() -> None:
    # One-off 90 in Q2: impossible per quarter (50, 50) but fine with carry-over.
    cands = [Candidate("Big", (10, 9), costs=(90,))]
    assert optimize_portfolio(cands, [50, 50]).starts == {}
    plan = optimize_portfolio(cands, [50, 50], carry_over=True)
    assert plan.starts == {"Big": 2}
    assert plan.slack_per_quarter == (50.0, 10.0)
    # no borrowing ahead: a Q1 start is still impossible
    assert (
        optimize_portfolio(
            [Candidate("Big", (10, 0), costs=(90,))], [50, 50], carry_over=True
        ).starts
        == {}
    )


def test_costs_past_the_horizon_are_ignored() -> None:
    plan = optimize_portfolio([Candidate("A", (5, 4), costs=(1, 100))], [10, 10])
    assert plan.starts == {"A": 2}  # a Q1 start would spend 100 in Q2
    assert plan.spend_per_quarter == (0.0, 1.0)


def test_lag_two_and_lag_zero() -> None:
    cands = [
        Candidate("A", 1, costs=(1,)),
        Candidate("B", 5, costs=(1,), prerequisites={"A": 2}),
        Candidate("C", 5, costs=(1,), prerequisites={"A": 0}, start_discount=0.9),
    ]
    plan = optimize_portfolio(cands, [3, 3, 3])
    assert plan.starts["A"] == 1 and plan.starts["B"] == 3 and plan.starts["C"] == 1


def test_unaffordable_candidate_is_simply_not_selected() -> None:
    plan = optimize_portfolio([Candidate("A", 10, costs=(500,))], [100, 100])
    assert plan.starts == {} and plan.value == 0.0


def test_exclusion_and_synergy() -> None:
    cands = [
        Candidate("A", 10, costs=(1,), excludes=("B",)),
        Candidate("B", 9, costs=(1,)),
        Candidate("C", 3, costs=(1,)),
    ]
    assert set(optimize_portfolio(cands, [5]).starts) == {"A", "C"}
    plan = optimize_portfolio(cands, [5], synergies={("B", "C"): 2})
    assert set(plan.starts) == {"B", "C"} and plan.value == 14 and plan.synergy_value == 2
    # a negative synergy (cannibalisation) is charged when both are selected
    plan = optimize_portfolio(cands, [5], synergies={("A", "C"): -4, ("B", "C"): -4})
    assert set(plan.starts) == {"A"} and plan.value == 10 and plan.synergy_value == 0


def test_capacity_rows() -> None:
    cands = [
        Candidate("A", 10, costs=(1,), start_discount=0.9),
        Candidate("B", 8, costs=(1,), start_discount=0.9),
    ]
    fte = CapacityLimit("FTE", limits=(2, 2), usage={"A": (2,), "B": (2,)})
    plan = optimize_portfolio(cands, [10, 10], capacity=fte)
    assert plan.starts == {"A": 1, "B": 2}
    assert plan.binding == ("capacity 'FTE' Q1", "capacity 'FTE' Q2")
    assert brute_force_portfolio(cands, [10, 10], capacity=[fte]).value == plan.value


def test_empty_candidates() -> None:
    plan = optimize_portfolio([], [1, 2])
    assert plan.starts == {} and plan.value == 0.0 and plan.spend_per_quarter == (0.0, 0.0)


# --------------------------------------------------------------------------- MILP = brute force


def _check_feasible(plan: PortfolioPlan, cands: list[Candidate], budgets: list[int], carry: bool,
                    must: list[str]) -> float:  # fmt: skip
    """Independent check of a plan; returns its value."""
    nq = len(budgets)
    starts = plan.starts
    assert all(1 <= q <= nq for q in starts.values())
    assert set(must) <= set(starts)
    by_id = {c.id: c for c in cands}
    spend = [0.0] * nq
    for cid, q in starts.items():
        c = by_id[cid]
        for pid, lag in c.prerequisites.items():
            assert pid in starts and starts[pid] + lag <= q
        assert not any(e in starts for e in c.excludes)
        for k, amount in enumerate(c.costs):
            if q - 1 + k < nq:
                spend[q - 1 + k] += amount
    if carry:
        for t in range(nq):
            assert sum(spend[: t + 1]) <= sum(budgets[: t + 1]) + 1e-9
    else:
        assert all(s <= b + 1e-9 for s, b in zip(spend, budgets, strict=True))
    return sum(by_id[cid].values_for(nq)[q - 1] for cid, q in starts.items())


@st.composite
def portfolios(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 5))
    nq = draw(st.integers(1, 3))
    ids = [f"i{k}" for k in range(n)]
    cands = []
    for j in range(n):
        prereq = {
            ids[i]: draw(st.integers(0, 2))
            for i in range(j)
            if draw(st.booleans()) and draw(st.booleans())
        }
        others = [x for x in ids if x != ids[j]]
        excludes = tuple(draw(st.lists(st.sampled_from(others), max_size=1))) if others else ()
        if draw(st.booleans()):
            values: Any = tuple(draw(st.lists(st.integers(-5, 30), min_size=nq, max_size=nq)))
            discount = 1.0
        else:
            values = draw(st.integers(-5, 30))
            discount = draw(st.sampled_from([1.0, 0.9, 0.5]))
        costs = tuple(draw(st.lists(st.integers(0, 8), min_size=0, max_size=3)))
        cands.append(Candidate(ids[j], values, costs, prereq, excludes, discount))
    budgets = draw(st.lists(st.integers(0, 12), min_size=nq, max_size=nq))
    synergies = None
    if n >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))
        synergies = {(a, b): draw(st.integers(-10, 10))}
    must = (
        draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if draw(st.booleans()) else []
    )
    return {
        "candidates": cands,
        "budgets": budgets,
        "carry_over": draw(st.booleans()),
        "synergies": synergies,
        "must_include": must,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_milp_equals_brute_force(problem: dict[str, Any]) -> None:
    try:
        milp_plan = optimize_portfolio(**problem)
    except CxkitError as milp_error:
        with pytest.raises(CxkitError) as info:
            brute_force_portfolio(**problem)
        assert str(info.value) == str(milp_error)
        assert problem["must_include"], "only forced selections can be infeasible"
        return
    brute = brute_force_portfolio(**problem)
    assert milp_plan.value == pytest.approx(brute.value, abs=1e-7)
    args = (
        problem["candidates"],
        problem["budgets"],
        problem["carry_over"],
        problem["must_include"],
    )
    for plan in (milp_plan, brute):
        base = _check_feasible(plan, *args)
        assert plan.value == pytest.approx(base + plan.synergy_value, abs=1e-9)


# --------------------------------------------------------------------------- infeasible forced


def test_forced_prerequisite_chain_too_long() -> None:
    with pytest.raises(CxkitError) as info:
        optimize_portfolio(c4(), [100], must_include=["CTI"])
    assert str(info.value) == (
        "must_include 'CTI' cannot be satisfied: the prerequisite chain 'CRM' → 'CTI' with its "
        "lags puts the earliest start of 'CTI' in quarter 2, after the last quarter Q1 of `budgets`"
    )


def test_forced_exclusive_pair_through_prerequisite() -> None:
    cands = [
        Candidate("A", 1),
        Candidate("B", 1, prerequisites=["A"]),
        Candidate("C", 1, excludes=("A",)),
    ]
    with pytest.raises(CxkitError) as info:
        optimize_portfolio(cands, [1, 1], must_include=["B", "C"])
    assert str(info.value) == (
        "must_include cannot be satisfied: 'A' (prerequisite of must_include 'B') and 'C' "
        "(must_include) are mutually exclusive"
    )


def test_forced_item_over_every_budget() -> None:
    with pytest.raises(CxkitError) as info:
        optimize_portfolio(c4(), [50, 55], must_include=["CRM"])
    assert str(info.value).startswith(
        "must_include 'CRM' cannot be satisfied: even its cheapest schedule breaks a resource row"
    )
    assert "(limit 55) is exceeded by 5" in str(info.value)


def test_forced_items_fit_alone_but_not_together() -> None:
    with pytest.raises(CxkitError) as info:
        optimize_portfolio(c4(), [100, 60], must_include=["CTI", "Chat"])
    assert str(info.value) == (
        "must_include ['CTI', 'Chat'] cannot all be satisfied together (each fits alone): the "
        "schedule closest to feasible breaks — budget Q2 (limit 60) is exceeded by 20"
    )


# --------------------------------------------------------------------------- bad inputs


def _cycle() -> None:
    optimize_portfolio(
        [
            Candidate("A", 1, prerequisites=["C"]),
            Candidate("B", 1, prerequisites=["A"]),
            Candidate("C", 1, prerequisites=["B"]),
        ],
        [1],
    )


BAD_INPUTS: list[tuple[Callable[[], object], str]] = [
    (_cycle, "prerequisites form a cycle: 'A' requires 'C' requires 'B' requires 'A'"),
    (
        lambda: optimize_portfolio([Candidate("A", 1, prerequisites=["A"])], [1]),
        "prerequisites form a cycle: 'A' requires 'A'",
    ),
    (
        lambda: optimize_portfolio(
            [Candidate("A", 1, prerequisites=["CMR"]), Candidate("CRM", 1)], [1]
        ),
        "candidate 'A': unknown prerequisite 'CMR' (expected one of the candidate ids "
        "['A', 'CRM']); did you mean 'CRM'?",
    ),
    (
        lambda: optimize_portfolio([Candidate("A", 1, excludes=("Z",))], [1]),
        "candidate 'A': `excludes` names unknown id 'Z' (expected one of ['A'])",
    ),
    (
        lambda: Candidate("A", 1, excludes=("A",)),
        "candidate 'A': `excludes` contains the candidate itself",
    ),
    (
        lambda: Candidate("A", 1, costs=(10, -5)),
        "candidate 'A': `costs[1]` must be ≥ 0 (an amount), got -5",
    ),
    (
        lambda: Candidate("A", float("nan")),
        "candidate 'A': `values` must be a finite number, got nan",
    ),
    (
        lambda: Candidate("A", 1, prerequisites={"B": -1}),
        "candidate 'A': prerequisite 'B' lag must be an integer ≥ 0 (quarters), got -1",
    ),
    (lambda: Candidate("", 1), "candidate `id` must be a non-empty string, got ''"),
    (
        lambda: Candidate("A", 1, start_discount=-0.5),
        "candidate 'A': `start_discount` must be ≥ 0, got -0.5",
    ),
    (
        lambda: optimize_portfolio([Candidate("A", (1, 2, 3))], [1, 2]),
        "candidate 'A': `values` has 3 entries (one per start quarter) but `budgets` has 2 "
        "quarters",
    ),
    (
        lambda: optimize_portfolio([], []),
        "`budgets` must give one budget per quarter (at least one), got ()",
    ),
    (lambda: optimize_portfolio([], [10, -1]), "`budgets[1]` must be ≥ 0 (an amount), got -1"),
    (lambda: optimize_portfolio([], 100), "`budgets` must be a sequence of numbers, got 100"),
    (
        lambda: optimize_portfolio([Candidate("A", 1), Candidate("A", 2)], [1]),
        "candidate id 'A' appears twice (positions 0 and 1)",
    ),
    (
        lambda: optimize_portfolio([("A", 1)], [1]),
        "`candidates[0]` must be a Candidate, got ('A', 1) (tuple)",
    ),
    (
        lambda: optimize_portfolio([Candidate("A", 1)], [1], must_include=["B"]),
        "`must_include` names unknown id 'B' (expected one of ['A'])",
    ),
    (
        lambda: optimize_portfolio([Candidate("A", 1)], [1], synergies={("A", "A"): 1}),
        "`synergies` key ('A', 'A') pairs an initiative with itself",
    ),
    (
        lambda: optimize_portfolio([Candidate("A", 1)], [1], synergies={("A", "X"): 1}),
        "`synergies` key ('A', 'X'): unknown id 'X' (expected one of ['A'])",
    ),
    (
        lambda: optimize_portfolio(
            [Candidate("A", 1)], [1, 1], capacity=CapacityLimit("FTE", (1,), {"A": (1,)})
        ),
        "capacity 'FTE': `limits` has 1 quarters but `budgets` has 2",
    ),
    (
        lambda: brute_force_portfolio(
            [Candidate(f"c{k}", 1) for k in range(BRUTE_FORCE_MAX_CANDIDATES + 1)], [1]
        ),
        "brute_force_portfolio enumerates (Q+1)**n plans and accepts at most 10 candidates, got 11",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS)
def test_bad_inputs(call: Callable[[], object], message: str) -> None:
    with pytest.raises(CxkitError) as info:
        call()
    assert message in str(info.value)


def test_candidate_is_immutable_and_normalised() -> None:
    c = Candidate("A", 1, costs=[1, 2], prerequisites=["B"], excludes="C")
    assert c.costs == (1.0, 2.0) and c.prerequisites == {"B": 1} and c.excludes == ("C",)
    with pytest.raises(AttributeError):
        c.id = "B"  # type: ignore[misc]
