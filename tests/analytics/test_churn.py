"""churn_model(): numpy logistic regression checked against scipy, honest held-out metrics."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import polars as pl
import pytest
from scipy.optimize import minimize

import cxkit as cx
from cxkit.analytics import churn_model
from cxkit.analytics._churn import auc_score, fit_logistic


def synthetic(n: int, seed: int) -> pl.DataFrame:
    """Churn driven by context losses and effort; switches are pure noise."""
    rng = np.random.default_rng(seed)
    lost = rng.integers(0, 3, n)
    effort = np.clip(np.round(1 + lost + rng.normal(0, 0.7, n)), 1, 5)
    logit = -3.0 + 1.2 * lost + 0.4 * (effort - 2)
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    t0 = dt.datetime(2026, 1, 1)
    rows = []
    for i in range(n):
        for k in range(3):
            rows.append(
                {
                    "customer_id": f"c{i:05d}",
                    "timestamp": t0 + dt.timedelta(days=int(i % 30), hours=k),
                    "touchpoint": ("web", "phone", "agent")[k],
                    "channel": ("web", "phone", "phone")[k],
                    "context_lost": bool(k > 0 and k <= lost[i]),
                    "effort": float(effort[i]) if k == 2 else None,
                    "outcome": ("churn" if churned[i] else "resolved") if k == 2 else None,
                }
            )
    return pl.DataFrame(rows)


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return synthetic(1500, seed=4)


def test_model_beats_the_base_rate_on_held_out_customers(log: pl.DataFrame) -> None:
    m = churn_model(log, seed=1)
    assert m.n_train + m.n_test == 1500 and m.n_test == 450
    assert m.metrics["auc"] > 0.75
    assert m.metrics["log_loss"] < m.metrics["base_log_loss"]
    assert m.metrics["brier"] < m.metrics["base_brier"]
    assert m.metrics["log_loss_gain"] == pytest.approx(
        m.metrics["base_log_loss"] - m.metrics["log_loss"]
    )
    coef = dict(m.coefficients.select("feature", "coefficient").rows())
    assert coef["context_losses"] > 0.5
    assert coef["context_losses"] > abs(coef.get("contacts", 0))
    # the per-unit coefficient undoes the standardisation
    row = m.coefficients.filter(feature="context_losses").row(0, named=True)
    assert row["coefficient_per_unit"] == pytest.approx(row["coefficient"] / row["std"])
    assert row["odds_ratio_per_sd"] == pytest.approx(np.exp(row["coefficient"]))


def test_split_is_by_customer_and_seeded(log: pl.DataFrame) -> None:
    a, b, c = churn_model(log, seed=1), churn_model(log, seed=1), churn_model(log, seed=2)
    assert a.metrics == b.metrics
    assert a.customers.equals(b.customers)
    assert a.metrics != c.metrics
    customers = a.customers
    assert customers["customer"].n_unique() == customers.height  # one row per customer
    assert set(customers["split"]) == {"train", "test"}
    # the base rate is the training churn rate, applied to everyone
    assert a.churn_rate_train == pytest.approx(customers.filter(split="train")["churned"].mean())


def test_calibration_table_partitions_the_test_customers(log: pl.DataFrame) -> None:
    m = churn_model(log, seed=1, bins=5)
    cal = m.calibration
    assert cal.height == 5 and cal["n"].sum() == m.n_test
    test = m.customers.filter(split="test")
    assert (cal["n"] * cal["observed_rate"]).sum() == pytest.approx(test["churned"].sum())
    assert (cal["n"] * cal["mean_predicted"]).sum() == pytest.approx(test["p_churn"].sum())
    assert cal["mean_predicted"].is_sorted()


def test_irls_matches_scipy_minimize() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3))
    y = (rng.random(300) < 1 / (1 + np.exp(-(0.3 + x @ [1.0, -2.0, 0.0])))).astype(float)
    for l2 in (0.0, 1.0, 10.0):
        beta = fit_logistic(x, y, l2=l2)

        def objective(b: np.ndarray, l2: float = l2) -> float:
            eta = b[0] + x @ b[1:]
            return float(np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * l2 * np.sum(b[1:] ** 2))

        ref = minimize(objective, np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
        assert np.allclose(beta, ref, atol=1e-5), (l2, beta, ref)


def test_auc_is_the_share_of_correctly_ordered_pairs() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 40).astype(float)
    p = np.round(rng.random(40), 1)  # ties on purpose
    pairs = [
        1.0 if a > b else 0.5 if a == b else 0.0
        for (a, ya), (b, yb) in itertools.product(zip(p, y, strict=True), repeat=2)
        if ya == 1 and yb == 0
    ]
    assert auc_score(y, p) == pytest.approx(np.mean(pairs))
    assert np.isnan(auc_score(np.ones(3), np.array([0.1, 0.2, 0.3])))


def test_predict_scores_another_log(log: pl.DataFrame) -> None:
    m = churn_model(log, seed=1)
    other = synthetic(50, seed=9)
    scores = m.predict(other)
    assert scores.columns == ["customer", "p_churn"] and scores.height == 50
    assert scores["p_churn"].is_between(0, 1).all()
    with pytest.raises(cx.CxkitError, match="lacks what the model's feature"):
        m.predict(other.drop("context_lost"))


def test_bad_inputs(log: pl.DataFrame) -> None:
    with pytest.raises(cx.CxkitError, match="`seed` must be an integer"):
        churn_model(log, seed=None)  # type: ignore[arg-type]
    with pytest.raises(cx.CxkitError, match=r"`test_size` must be a share in \(0, 1\), got 1.5"):
        churn_model(log, seed=1, test_size=1.5)
    with pytest.raises(cx.CxkitError, match="no customer reaches the churn outcome 'cancel'"):
        churn_model(log, seed=1, churn="cancel")
    with pytest.raises(cx.CxkitError, match="no outcome column"):
        churn_model(log.drop("outcome"), seed=1)
    with pytest.raises(cx.CxkitError, match="at least 10 customers"):
        churn_model(synthetic(6, seed=1).with_columns(outcome=pl.lit("churn")), seed=1)
    with pytest.raises(TypeError):
        churn_model(log)  # type: ignore[call-arg]  # seed is required
