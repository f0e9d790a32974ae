"""Tests of cxkit.sim.queues against the model reference §3.5, §8 and R1."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxkit.core.errors import CxkitError
from cxkit.sim.queues import (
    ErlangAResult,
    StaffingResult,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    sample_waits,
    service_level,
    staffing,
    staffing_table,
    wait_exceedance,
)

# Model reference R1: 100 calls per 30 min, AHT 180 s, answer within 20 s.
R1 = {"calls": 100, "interval_s": 1800, "aht_s": 180, "target_s": 20}

# (N, P(wait) 6 dp, SL(20 s) 6 dp, ASA s, ASA decimals, occupancy 4 dp), as printed.
R1_SWEEP = [
    (11, 0.682118, 0.389614, 122.78, 2, 0.9091),
    (12, 0.449388, 0.640158, 40.44, 2, 0.8333),
    (13, 0.285270, 0.795595, 17.12, 2, 0.7692),
    (14, 0.174132, 0.888350, 7.836, 3, 0.7143),
    (15, 0.102042, 0.941453, 3.674, 3, 0.6667),
]


def erlang_c_factorial(n: int, a: float) -> float:
    """The textbook formula of the model reference §3.5, as an independent reference."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


# ------------------------------------------------------------------------ R1


def test_r1_sweep_matches_every_printed_cell():
    rows = staffing_table(**R1)
    assert [r["agents"] for r in rows] == [11, 12, 13, 14, 15]
    for row, (n, p_wait, sl, asa, asa_dp, occ) in zip(rows, R1_SWEEP, strict=True):
        assert row["agents"] == n
        assert round(row["p_wait"], 6) == p_wait
        assert round(row["service_level"], 6) == sl
        assert round(row["asa_s"], asa_dp) == asa
        assert round(row["occupancy"], 4) == occ


def test_r1_staffing_result():
    r = staffing(**R1, service_level=0.8, max_occupancy=0.85, shrinkage=0.30)
    assert isinstance(r, StaffingResult)
    assert r.traffic_erlangs == 10.0
    assert r.agents == 14
    assert r.scheduled == 20
    assert round(r.p_wait, 7) == 0.1741319
    assert round(r.service_level, 5) == 0.88835
    assert round(r.asa_s, 4) == 7.8359
    assert round(r.occupancy, 7) == 0.7142857


def test_r1_cran_row_one():
    row = staffing_table(**R1, agents=[11])[0]
    assert round(row["p_wait"], 7) == 0.6821182
    assert round(row["service_level"], 7) == 0.3896138


def test_r1_scalar_functions_agree_with_table():
    for row in staffing_table(**R1):
        n = row["agents"]
        assert erlang_c(n, 10.0) == pytest.approx(row["p_wait"], rel=1e-12)
        assert service_level(n, 10.0, 180, 20) == pytest.approx(row["service_level"], rel=1e-12)
        assert average_speed_of_answer(n, 10.0, 180) == pytest.approx(row["asa_s"], rel=1e-12)
        assert occupancy(n, 10.0) == pytest.approx(row["occupancy"], rel=1e-12)


def test_staffing_result_to_dict_is_json_ready():
    d = staffing(**R1).to_dict()
    assert d == {
        "traffic_erlangs": 10.0,
        "agents": 14,
        "scheduled": 20,
        "p_wait": pytest.approx(0.1741319, abs=5e-8),
        "service_level": pytest.approx(0.88835, abs=5e-6),
        "asa_s": pytest.approx(7.8359, abs=5e-5),
        "occupancy": pytest.approx(0.7142857, abs=5e-8),
    }
    assert json.loads(json.dumps(d)) == d


def test_staffing_is_frozen():
    r = staffing(**R1)
    with pytest.raises(AttributeError):
        r.agents = 3  # type: ignore[misc]


def test_staffing_occupancy_cap_binds():
    # SL alone would accept 13 agents at a 70 % target; occupancy 0.75 needs 14.
    assert staffing(**R1, service_level=0.7, max_occupancy=1.0).agents == 13
    assert staffing(**R1, service_level=0.7, max_occupancy=0.75).agents == 14


def test_staffing_scheduled_ignores_float_noise_and_zero_shrinkage():
    # 7/0.7 is 10.000000000000002 in floating point.
    r = staffing(35, 1800, 180, 20, shrinkage=0.3)
    assert r.scheduled == math.ceil(round(r.agents / 0.7, 9))
    assert staffing(**R1, shrinkage=0.0).scheduled == 14


def test_staffing_no_calls_needs_no_agents():
    r = staffing(0, 1800, 180, 20)
    assert (r.agents, r.scheduled, r.p_wait, r.service_level) == (0, 0, 0.0, 1.0)


def test_staffing_table_unstable_rows():
    rows = staffing_table(**R1, agents=[9, 10])
    for row in rows:
        assert row["p_wait"] == 1.0
        assert row["service_level"] == 0.0
        assert row["asa_s"] == math.inf
        assert row["occupancy"] == 1.0


# ----------------------------------------------------------- Erlang B and C


def test_erlang_c_unit_check():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-12)


def test_erlang_b_small_values():
    assert erlang_b(1, 1.0) == 0.5
    assert erlang_b(2, 1.0) == pytest.approx(0.2, abs=1e-15)


@pytest.mark.parametrize(("n", "a"), [(1, 0.5), (3, 2.2), (14, 10.0), (30, 25.5), (60, 59.9)])
def test_erlang_c_matches_factorial_formula(n, a):
    assert erlang_c(n, a) == pytest.approx(erlang_c_factorial(n, a), rel=1e-10)


def test_erlang_c_large_centre_is_finite():
    c = erlang_c(1200, 1150.0)
    assert 0.0 < c < 1.0


def test_unstable_queue_conventions():
    assert erlang_c(10, 10.0) == 1.0
    assert erlang_c(10, 12.0) == 1.0
    assert service_level(10, 12.0, 180, 20) == 0.0
    assert average_speed_of_answer(10, 10.0, 180) == math.inf
    assert wait_exceedance(10, 10.0, 180, 60) == 1.0
    assert occupancy(8, 10.0) == 1.0


def test_zero_load():
    assert erlang_b(3, 0.0) == 0.0
    assert erlang_c(3, 0.0) == 0.0
    assert service_level(3, 0.0, 180, 0) == 1.0
    assert average_speed_of_answer(3, 0.0, 180) == 0.0


def test_wait_exceedance_is_complement_of_service_level():
    t = np.array([0.0, 5.0, 20.0, 100.0])
    tail = wait_exceedance(14, 10.0, 180, t)
    assert np.allclose(tail, 1 - service_level(14, 10.0, 180, t), atol=1e-15)
    assert tail[0] == erlang_c(14, 10.0)
    assert tail[2] == pytest.approx(0.17413193 * math.exp(-4 * 20 / 180), rel=1e-7)


def test_functions_broadcast_arrays_like_scalars():
    n = np.array([11, 12, 13, 14, 15])
    loads = np.array([[10.0], [5.5]])
    got = erlang_c(n, loads)
    assert got.shape == (2, 5)
    want = [[erlang_c(int(k), float(a)) for k in n] for a in loads[:, 0]]
    assert np.array_equal(got, np.array(want))
    assert isinstance(erlang_c(14, 10.0), float)


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=150),
    a=st.floats(min_value=0.0, max_value=160.0, allow_nan=False),
)
def test_erlang_c_is_a_probability_and_decreases_in_servers(n, a):
    c_n, c_next = erlang_c(n, a), erlang_c(n + 1, a)
    assert 0.0 <= c_n <= 1.0
    assert c_next <= c_n + 1e-12
    b = erlang_b(n, a)
    assert 0.0 <= b <= c_n + 1e-12  # waiting is at least as likely as blocking


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=150),
    a=st.floats(min_value=0.0, max_value=160.0, allow_nan=False),
    aht=st.floats(min_value=1.0, max_value=3600.0),
    target=st.floats(min_value=0.0, max_value=600.0),
)
def test_service_level_increases_in_servers(n, a, aht, target):
    sl_n, sl_next = service_level(n, a, aht, target), service_level(n + 1, a, aht, target)
    assert 0.0 <= sl_n <= 1.0
    assert sl_next >= sl_n - 1e-12


# ----------------------------------------------------------------- Erlang A


def test_erlang_a_unit_check_poisson():
    q = erlang_a(1.0, 1.0, 1.0, 1)
    assert isinstance(q, ErlangAResult)
    assert q.p_wait == pytest.approx(1 - math.exp(-1), abs=1e-12)
    assert q.p_abandon == pytest.approx(math.exp(-1), abs=1e-12)
    assert q.mean_queue == pytest.approx(math.exp(-1), abs=1e-12)
    assert round(q.p_wait, 6) == 0.632121
    assert round(q.p_abandon, 6) == 0.367879


def test_erlang_a_without_patience_is_erlang_c():
    lam, mu = 100 / 1800, 1 / 180
    q = erlang_a(lam, mu, 0.0, 14)
    assert q.p_wait == pytest.approx(erlang_c(14, 10.0), rel=1e-10)
    assert q.mean_wait == pytest.approx(average_speed_of_answer(14, 10.0, 180), rel=1e-9)
    assert q.p_abandon == 0.0
    t = np.array([0.0, 20.0, 120.0])
    assert np.allclose(q.service_level(t), service_level(14, 10.0, 180, t), atol=1e-9)
    assert np.allclose(q.wait_exceedance(t), wait_exceedance(14, 10.0, 180, t), atol=1e-9)


def test_erlang_a_abandonment_matches_served_probability_closed_form():
    # An arrival finding j callers queued is served with probability
    # N·mu / (N·mu + (j + 1)·theta); P(Ab) by Little must agree.
    lam, mu, theta, n = 100 / 1800, 1 / 180, 1 / 120, 14
    q = erlang_a(lam, mu, theta, n)
    law = q.queued_probabilities
    assert law.sum() == pytest.approx(q.p_wait, rel=1e-12)
    j = np.arange(law.size)
    direct = float((law * (j + 1) * theta / (n * mu + (j + 1) * theta)).sum())
    assert q.p_abandon == pytest.approx(direct, rel=1e-10)
    assert q.p_abandon < erlang_c(14, 10.0)
    assert q.service_level(0.0) == pytest.approx(1 - q.p_wait, abs=1e-15)
    assert q.service_level(1e6) == pytest.approx(1 - q.p_abandon, abs=1e-9)
    assert q.wait_exceedance(0.0) == pytest.approx(q.p_wait, abs=1e-15)
    sl = q.service_level(np.array([0.0, 10.0, 20.0, 60.0, 300.0]))
    assert np.all(np.diff(sl) > 0)


def test_erlang_a_service_level_against_monte_carlo():
    lam, mu, theta, n = 1.0, 1.0, 1.0, 1
    q = erlang_a(lam, mu, theta, n)
    rng = np.random.Generator(np.random.PCG64(7))
    size = 200_000
    state = rng.choice(q.states + 1, size=size, p=_full_law(q))
    ahead = np.maximum(state - n, -1)  # -1: answered at once
    v = np.zeros(size)
    for i in range(int(ahead.max()) + 1):
        active = ahead >= i
        v[active] += rng.exponential(1 / (n * mu + i * theta), active.sum())
    patience = rng.exponential(1 / theta, size)
    t = 0.7
    answered = (ahead < 0) | ((v <= t) & (v <= patience))
    se = math.sqrt(answered.mean() * (1 - answered.mean()) / size)
    assert abs(answered.mean() - q.service_level(t)) < 4 * se
    waited = np.where(ahead < 0, 0.0, np.minimum(v, patience))
    se = math.sqrt((waited > t).mean() * (1 - (waited > t).mean()) / size)
    assert abs((waited > t).mean() - q.wait_exceedance(t)) < 4 * se


def _full_law(q: ErlangAResult) -> np.ndarray:
    """Rebuild pi_0..pi_K for the N=1, lambda=mu=theta=1 case: Poisson(1)."""
    k = np.arange(q.states + 1)
    law = np.exp(-1.0) / np.array([math.factorial(int(i)) for i in k], dtype=float)
    return law / law.sum()


def test_erlang_a_large_centre_and_overload():
    q = erlang_a(27.0, 1 / 180, 1 / 120, 300)  # 4860 Erlangs offered to 300 agents
    assert q.p_wait == pytest.approx(1.0, abs=1e-9)
    served = q.arrival_rate * q.p_served / q.service_rate
    assert served == pytest.approx(300, rel=1e-6)  # every agent busy
    assert q.occupancy == pytest.approx(1.0, rel=1e-6)
    assert json.loads(json.dumps(q.to_dict()))["servers"] == 300


# ------------------------------------------------------------------ sampling


def test_sample_waits_is_reproducible_and_seed_dependent():
    a = sample_waits(14, 10.0, 180, 1000, seed=42)
    b = sample_waits(14, 10.0, 180, 1000, seed=42)
    c = sample_waits(14, 10.0, 180, 1000, seed=43)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.shape == (1000,)
    assert sample_waits(14, 10.0, 180, 0, seed=1).shape == (0,)


def test_sample_waits_mean_is_asa():
    size = 200_000
    w = sample_waits(14, 10.0, 180, size, seed=2024)
    p_wait = erlang_c(14, 10.0)
    rate = (14 - 10.0) / 180
    asa = average_speed_of_answer(14, 10.0, 180)
    sd = math.sqrt(2 * p_wait / rate**2 - asa**2)
    assert abs(w.mean() - asa) < 4 * sd / math.sqrt(size)
    share = (w > 0).mean()
    assert abs(share - p_wait) < 4 * math.sqrt(p_wait * (1 - p_wait) / size)
    assert abs((w > 20).mean() - wait_exceedance(14, 10.0, 180, 20)) < 0.005


# --------------------------------------------------------------- bad inputs

BAD_INPUTS = [
    (
        lambda: erlang_c(0, 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got 0",
    ),
    (
        lambda: erlang_c(-2, 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got -2",
    ),
    (
        lambda: erlang_b(2.5, 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got 2.5",
    ),
    (
        lambda: erlang_c("2", 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got '2'",
    ),
    (
        lambda: erlang_c(True, 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got True",
    ),
    (
        lambda: erlang_c([3, 0], 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got 0 at index 1",
    ),
    (
        lambda: erlang_c(2, -1.0),
        "`load` must be a finite number ≥ 0 (offered load in Erlangs), got -1.0",
    ),
    (
        lambda: erlang_b(2, float("nan")),
        "`load` must be a finite number ≥ 0 (offered load in Erlangs), got nan",
    ),
    (
        lambda: occupancy(2, math.inf),
        "`load` must be a finite number ≥ 0 (offered load in Erlangs), got inf",
    ),
    (
        lambda: service_level(2, 1.0, 0, 20),
        "`aht` must be a finite number > 0 (average handle time), got 0",
    ),
    (
        lambda: service_level(2, 1.0, 180, -1),
        "`target` must be a finite number ≥ 0 (answer-time target, same unit as `aht`), got -1",
    ),
    (
        lambda: wait_exceedance(2, 1.0, 180, -5),
        "`t` must be a finite number ≥ 0 (wait threshold, same unit as `aht`), got -5",
    ),
    (
        lambda: staffing(-1, 1800, 180, 20),
        "`calls` must be a finite number ≥ 0 and ≤ 1e+15 (calls offered in the interval), got -1",
    ),
    (
        lambda: staffing(100, 0, 180, 20),
        "`interval_s` must be a finite number > 0 and ≤ 1e+15 (interval length in seconds), got 0",
    ),
    (
        lambda: staffing(100, 1800, math.nan, 20),
        "`aht_s` must be a finite number > 0 and ≤ 1e+15 (average handle time in seconds), got nan",
    ),
    (
        lambda: staffing(100, 1800, 180, 20, service_level=1.0),
        "`service_level` must be a number in (0, 1), got 1.0",
    ),
    (
        lambda: staffing(100, 1800, 180, 20, service_level=0),
        "`service_level` must be a number in (0, 1), got 0",
    ),
    (
        lambda: staffing(100, 1800, 180, 20, max_occupancy=1.2),
        "`max_occupancy` must be a number in (0, 1], got 1.2",
    ),
    (
        lambda: staffing(100, 1800, 180, 20, shrinkage=1.0),
        "`shrinkage` must be a number in [0, 1), got 1.0",
    ),
    (
        lambda: staffing(100, 1800, 180, 20, shrinkage=-0.1),
        "`shrinkage` must be a number in [0, 1), got -0.1",
    ),
    (
        lambda: staffing_table(100, 1800, 180, 20, agents=[12, 0]),
        "`agents` must be a whole number of agents in [1, 1,000,000], got 0 at index 1",
    ),
    (
        lambda: erlang_a(1.0, 1.0, -1.0, 1),
        "`patience_rate` must be a finite number ≥ 0 (1 / mean patience), got -1.0",
    ),
    (
        lambda: erlang_a(0.0, 1.0, 1.0, 1),
        "`arrival_rate` must be a finite number > 0 (calls per time unit), got 0.0",
    ),
    (
        lambda: erlang_a(2.0, 1.0, 0.0, 2),
        "`arrival_rate` must be below `servers`·`service_rate` = 2.0 when `patience_rate` "
        "is 0 (an Erlang C queue is otherwise unstable), got 2.0",
    ),
    (
        lambda: erlang_a(1.0, 1.0, 1.0, 1).service_level(-1.0),
        "`t` must be a finite number ≥ 0 (wait threshold, same unit as 1/`service_rate`), got -1.0",
    ),
    (
        lambda: sample_waits(14, 10.0, 180, 10, seed=None),  # type: ignore[arg-type]
        "`seed` is required (got None); pass an integer such as seed=1 or a "
        "numpy.random.Generator — cxkit never draws from an unseeded stream",
    ),
    (
        lambda: sample_waits(14, 10.0, 180, 10, seed=-3),
        "`seed` must be a non-negative integer, got -3",
    ),
    (
        lambda: sample_waits(14, 10.0, 180, 2.5, seed=1),
        "`size` must be a whole number ≥ 0, got 2.5",
    ),
    (
        lambda: sample_waits(10, 12.0, 180, 10, seed=1),
        "`load` must be below `servers` = 10 for waits to have a distribution "
        "(the queue is unstable), got 12.0",
    ),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS)
def test_bad_inputs_raise_cxkit_error_with_message(call, message):
    with pytest.raises(CxkitError) as excinfo:
        call()
    assert str(excinfo.value) == message
