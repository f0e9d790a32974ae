"""The sBG with very large shapes (a fit that finds no heterogeneity): exact, not 8.9e6."""

import numpy as np
import pytest

from cxkit.sim.loyalty import sbg_clv, sbg_pmf, sbg_survival


def _by_recursion(a: float, b: float, t: int) -> float:
    # S(t) = Π_{k<t} (β + k)/(α + β + k), in exact rational steps
    return float(np.prod([(b + k) / (a + b + k) for k in range(t)]))


@pytest.mark.parametrize(("a", "b"), [(6e13, 1.7e15), (2e6, 3.0), (5e5, 5e5 + 1), (1.5, 2.5)])
def test_survival_and_pmf_follow_the_recursion_for_any_shapes(a, b):
    t = np.array([0, 1, 2, 5, 10])
    expected = np.array([_by_recursion(a, b, int(k)) for k in t])
    np.testing.assert_allclose(sbg_survival(a, b, t), expected, rtol=1e-9)
    pmf = sbg_pmf(a, b, t[1:])
    drop = np.array([_by_recursion(a, b, int(k) - 1) - _by_recursion(a, b, int(k)) for k in t[1:]])
    np.testing.assert_allclose(pmf, drop, rtol=1e-6, atol=1e-300)


def test_clv_with_large_shapes_is_the_geometric_sum():
    a, b, margin, d = 6e13, 1.7e15, 100.0, 0.10
    r = b / (a + b)  # no heterogeneity: constant retention
    expected = margin / (1 - r / (1 + d))
    assert sbg_clv(a, b, margin, d) == pytest.approx(expected, rel=1e-9)
