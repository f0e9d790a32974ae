"""cxkit.roi.uncertainty against the model reference §8 Example C3 and closed forms."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxkit.core.economics import Distribution
from cxkit.core.errors import CxkitError
from cxkit.core.rng import as_generator
from cxkit.roi.finance import present_value
from cxkit.roi.uncertainty import (
    PERCENTILE_CONVENTION,
    PercentileSummary,
    bootstrap_se,
    percentiles,
    pert_mean,
    sample,
    sample_pert,
    sample_triangular,
    sample_uniform,
    triangular_cdf,
    triangular_ppf,
)

A, M, B = 20000.0, 30000.0, 40000.0
ANNUITY = present_value([0, 1, 1, 1], 0.10)  # 2.486852
PV_COSTS = present_value([50000, 5000, 5000, 5000], 0.10)  # 62,434.26


def c3_npv(x: np.ndarray | float) -> np.ndarray | float:
    return ANNUITY * x - PV_COSTS


# --------------------------------------------------------------------------- Example C3


def test_c3_exact_percentiles() -> None:
    x10, x50, x90 = (triangular_ppf(u, A, M, B) for u in (0.1, 0.5, 0.9))
    assert (x10, x50, x90) == (
        pytest.approx(24472.14, abs=1e-2),
        pytest.approx(30000.0, abs=1e-9),
        pytest.approx(35527.86, abs=1e-2),
    )
    assert c3_npv(x10) == pytest.approx(-1575.68, abs=1e-2)
    assert c3_npv(x50) == pytest.approx(12171.30, abs=1e-2)
    assert c3_npv(x90) == pytest.approx(25918.28, abs=1e-2)
    breakeven = PV_COSTS / ANNUITY
    assert breakeven == pytest.approx(25105.74, abs=1e-2)
    assert triangular_cdf(breakeven, A, M, B) == pytest.approx(0.130343, abs=1e-6)
    # closed form of the left branch: (x - a)^2 / ((b - a)(m - a))
    assert triangular_cdf(breakeven, A, M, B) == pytest.approx((breakeven - A) ** 2 / 2e8)


def test_c3_monte_carlo() -> None:
    x = sample_triangular(A, M, B, 200_000, seed=12345)
    s = percentiles(c3_npv(x), seed=1)
    tol = 0.005 * (B - A) * ANNUITY
    assert abs(s.p10 - -1575.68) < tol
    assert abs(s.p50 - 12171.30) < tol
    assert abs(s.p90 - 25918.28) < tol
    assert abs(s.prob_negative - 0.130343) < 0.005
    # the stream is Generator(PCG64(12345)) = default_rng(12345): the model reference's figures
    assert (round(s.p10), round(s.p50), round(s.p90)) == (-1584, 12177, 25964)
    assert round(s.prob_negative, 4) == 0.1304
    assert s.n == 200_000
    # bootstrap SEs are small against the tolerance, and of the asymptotic order
    for se in (s.se_p10, s.se_p50, s.se_p90):
        assert 5 < se < tol / 3


def test_pert_mean_and_sampler() -> None:
    assert pert_mean(A, M, B) == 30000.0
    assert pert_mean(A, M, B) == (A + 4 * M + B) / 6
    assert pert_mean(0, 0, 6) == 1.0
    assert pert_mean(0, 1, 2, lamb=2) == 1.0
    x = sample_pert(A, M, B, 200_000, seed=7)
    # alpha = beta = 3: X = a + (b - a) Beta(3, 3), sd = (b-a) * sqrt(9/(36*7))
    assert x.mean() == pytest.approx(30000, abs=4 * 20000 * math.sqrt(1 / 28) / math.sqrt(2e5))
    assert x.std() == pytest.approx(20000 * math.sqrt(1 / 28), rel=0.01)
    assert ((x >= A) & (x <= B)).all()
    skew = sample_pert(0, 1, 10, 100_000, seed=2)
    assert skew.mean() == pytest.approx(pert_mean(0, 1, 10), rel=0.01)


# --------------------------------------------------------------------------- closed forms


def test_triangular_ppf_endpoints_and_cdf_inverse() -> None:
    u = np.linspace(0, 1, 101)
    for a, m, b in [(0, 0.5, 1), (0, 0, 1), (0, 1, 1), (-3, 2, 10)]:
        x = triangular_ppf(u, a, m, b)
        assert x[0] == a and x[-1] == b
        assert np.all(np.diff(x) >= 0)
        assert triangular_cdf(x, a, m, b) == pytest.approx(u, abs=1e-12)
    assert triangular_ppf(0.3, 5, 5, 5) == 5.0


def test_triangular_sampler_matches_ppf() -> None:
    x = sample_triangular(0, 2, 10, 100_000, seed=3)
    q = np.percentile(x, [10, 25, 50, 75, 90], method="linear")
    exact = triangular_ppf([0.1, 0.25, 0.5, 0.75, 0.9], 0, 2, 10)
    assert q == pytest.approx(exact, abs=0.05)


def test_percentiles_type7() -> None:
    x = np.array([3.0, -1.0, 7.0, 2.0, 10.0])
    s = percentiles(x, n_boot=0)
    # type 7: h = (n - 1) p; sorted = [-1, 2, 3, 7, 10]
    assert (s.p10, s.p50, s.p90) == (pytest.approx(0.2), 3.0, pytest.approx(8.8))
    assert s.mean == 4.2 and s.prob_negative == 0.2 and s.n == 5
    assert math.isnan(s.se_p10) and s.n_boot == 0
    assert s.convention == PERCENTILE_CONVENTION
    assert "P10 is the pessimistic NPV" in s.to_dict()["convention"]
    assert isinstance(s, PercentileSummary)


def test_bootstrap_se_brute_force_and_reproducible() -> None:
    x = np.random.default_rng(0).normal(size=500)
    se = bootstrap_se(x, [10, 50, 90], n_boot=50, seed=11)
    rng = np.random.default_rng(11)
    boot = np.array(
        [
            np.percentile(x[rng.integers(0, 500, 500)], [10, 50, 90], method="linear")
            for _ in range(50)
        ]
    )
    assert se == pytest.approx(boot.std(axis=0, ddof=1), rel=1e-12)
    assert bootstrap_se(x, 50, n_boot=50, seed=11) == pytest.approx(se[1])
    assert np.array_equal(bootstrap_se(x, [10, 90], seed=4), bootstrap_se(x, [10, 90], seed=4))


def test_bootstrap_blocks_do_not_change_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    import cxkit.roi.uncertainty as mod

    x = np.arange(100.0)
    full = bootstrap_se(x, [10, 90], n_boot=30, seed=5)
    monkeypatch.setattr(mod, "_BOOT_BLOCK", 700)  # 7 resamples per block
    assert bootstrap_se(x, [10, 90], n_boot=30, seed=5) == pytest.approx(full, rel=1e-15)


# --------------------------------------------------------------------------- seeds


def test_seeded_reproducibility() -> None:
    for f in (sample_triangular, sample_pert):
        assert np.array_equal(f(1, 2, 4, 50, seed=9), f(1, 2, 4, 50, seed=9))
        assert not np.array_equal(f(1, 2, 4, 50, seed=9), f(1, 2, 4, 50, seed=10))
    assert np.array_equal(
        sample_uniform(0, 1, 5, seed=1), np.random.default_rng(1).uniform(0, 1, 5)
    )
    assert np.array_equal(
        sample_triangular(1, 2, 4, 5, seed=1), np.random.default_rng(1).triangular(1, 2, 4, 5)
    )
    g1, g2 = as_generator(42), as_generator(42)
    a = [sample(d, 0, 1, 2, 10, g1) for d in ("triangular", "pert", "uniform", "fixed")]
    b = [sample(d, 0, 1, 2, 10, g2) for d in ("triangular", "pert", "uniform", "fixed")]
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_shared_generator_advances() -> None:
    g = as_generator(1)
    first = sample_triangular(0, 1, 2, 3, g)
    second = sample_triangular(0, 1, 2, 3, g)
    assert not np.array_equal(first, second)


def test_as_generator_forms() -> None:
    g = np.random.default_rng(3)
    assert as_generator(g) is g
    assert as_generator(np.int64(3)).random() == np.random.default_rng(3).random()
    ss = np.random.SeedSequence(3)
    assert as_generator(ss).random() == np.random.default_rng(3).random()


# --------------------------------------------------------------------------- degenerate ranges


@pytest.mark.parametrize("distribution", ["triangular", "pert", "uniform", "fixed"])
def test_degenerate_range_is_fixed(distribution: str) -> None:
    assert sample(distribution, 5, 5, 5, 4, 0).tolist() == [5.0] * 4


def test_fixed_is_mode_and_enum_names_work() -> None:
    assert sample(Distribution.FIXED, 1, 2, 3, 2, 0).tolist() == [2.0, 2.0]
    x = sample(Distribution.PERT, 1, 2, 3, 1000, 0)
    assert ((x >= 1) & (x <= 3)).all()
    x = sample("uniform", 1, 1, 3, 1000, 0)
    assert ((x >= 1) & (x < 3)).all()


@given(
    st.floats(-1e6, 1e6),
    st.floats(0, 1e6),
    st.floats(0, 1),
    st.sampled_from(["triangular", "pert", "uniform", "fixed"]),
)
def test_samples_stay_in_range(low: float, width: float, w: float, dist: str) -> None:
    high = low + width
    mode = min(max(low + w * width, low), high)
    x = sample(dist, low, mode, high, 50, 1)
    assert x.shape == (50,)
    assert ((x >= low) & (x <= high)).all()


# --------------------------------------------------------------------------- bad inputs


BAD_INPUTS: list[tuple[Callable[[], object], str]] = [
    (
        lambda: sample_triangular(3, 2, 1, 5, seed=1),
        "expected low ≤ mode ≤ high, got low=3, mode=2, high=1",
    ),
    (
        lambda: sample_pert(0, 5, 4, 5, seed=1),
        "expected low ≤ mode ≤ high, got low=0, mode=5, high=4",
    ),
    (lambda: sample_uniform(2, 1, 5, seed=1), "expected low ≤ high, got low=2, high=1"),
    (
        lambda: sample_triangular(0, 1, float("inf"), 5, seed=1),
        "`high` must be a finite number, got inf",
    ),
    (lambda: sample_triangular(0, "x", 1, 5, seed=1), "`mode` must be a finite number, got 'x'"),
    (lambda: sample_triangular(0, 1, 2, 0, seed=1), "`size` must be an integer ≥ 1, got 0"),
    (lambda: sample_triangular(0, 1, 2, 2.5, seed=1), "`size` must be an integer ≥ 1, got 2.5"),
    (lambda: sample_triangular(0, 1, 2, 5), "`seed` is required (got None)"),
    (
        lambda: sample_triangular(0, 1, 2, 5, seed=-1),
        "`seed` must be a non-negative integer, got -1",
    ),
    (
        lambda: sample_triangular(0, 1, 2, 5, seed=1.5),
        "`seed` must be a non-negative int, a numpy.random.SeedSequence or a "
        "numpy.random.Generator, got 1.5 (float)",
    ),
    (
        lambda: sample("normal", 0, 1, 2, 5, 1),
        "`distribution` must be one of 'triangular', 'pert', 'uniform', 'fixed', got 'normal'",
    ),
    (lambda: sample("pert", 0, 1, 2, 5, None), "`rng` is required (got None)"),
    (lambda: sample_pert(0, 1, 2, 5, seed=1, lamb=0), "`lamb` (PERT shape λ) must be > 0, got 0"),
    (lambda: triangular_ppf(1.5, 0, 1, 2), "`u` must be probabilities in [0, 1], got 1.5"),
    (lambda: pert_mean(2, 1, 0), "expected low ≤ mode ≤ high, got low=2, mode=1, high=0"),
    (
        lambda: percentiles([1.0, 2.0]),
        "`seed` is required for the bootstrap standard errors (n_boot=200); "
        "pass seed=… or n_boot=0",
    ),
    (lambda: percentiles([1.0, float("nan")], n_boot=0), "`x` must be finite, got nan at index 1"),
    (
        lambda: percentiles([], n_boot=0),
        "`x` must be a non-empty 1-D sample, got an array of shape (0,)",
    ),
    (
        lambda: percentiles([1.0], (5, 50, 95), n_boot=0),
        "`q` must be (10, 50, 90) for a PercentileSummary, got (5, 50, 95)",
    ),
    (lambda: percentiles([1.0], n_boot=-1), "`n_boot` must be an integer ≥ 0, got -1"),
    (
        lambda: bootstrap_se([1.0, 2.0], 50, n_boot=1, seed=1),
        "`n_boot` must be an integer ≥ 2, got 1",
    ),
    (lambda: bootstrap_se([1.0, 2.0], 150, seed=1), "`q` must be percentiles in [0, 100], got 150"),
]


@pytest.mark.parametrize(("call", "message"), BAD_INPUTS)
def test_bad_inputs(call: Callable[[], object], message: str) -> None:
    with pytest.raises(CxkitError) as info:
        call()
    assert message in str(info.value)
