"""Churn prediction from journey features: L2 logistic regression, evaluated honestly.

Model reference §4.4 model V-C ("calibrated hazard, preferred once data exists") asks for
a logistic churn model on CRM data. This one is fitted with numpy only — Newton's
method (IRLS) on the L2-penalised log-likelihood, features standardised on the
training customers, the intercept unpenalised — so cxkit needs no scikit-learn.

Evaluation is on held-out customers: the customers (sorted by id, so every backend
gives the same split) are shuffled with ``numpy.random.default_rng(seed)`` and
``test_size`` of them are kept out of the fit. The report gives the AUC (Mann–Whitney,
ties counted half), log loss, Brier score and a calibration table (equal-count bins
of the predicted probability) on the test customers, beside a base-rate model that
predicts the training churn rate for everyone.

Features (per customer, over all their events; those whose columns the log lacks
are left out, and a feature that is constant on the training customers is dropped):
``contacts``, ``journeys``, ``touchpoints`` (distinct), ``days_active``,
``repeat_contacts`` (within 7 days on the same issue), ``switches``, ``transfers``,
``context_losses``, ``wait_minutes``, ``mean_effort``, ``share_dissatisfied``,
``share_delighted``, ``mean_csat``, ``mean_nps``. Missing means (a customer who never
answered) are imputed with the training mean and flagged by ``<feature>_missing``.
A customer churned when any of their events records a churn outcome.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl
from numpy.typing import NDArray

from cxkit.analytics._frames import collect, distinct_counts
from cxkit.analytics._log import EventLog, _normalise, as_log
from cxkit.analytics._schema import EventLogError, EventLogWarning, EventSchema, user_stacklevel
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.model import OutcomeKind
from cxkit.core.rng import as_generator

__all__ = [
    "ChurnModelResult",
    "auc_score",
    "churn_model",
    "churned_customers",
    "fit_logistic",
]

_WINDOW_US = 7 * 86400e6
_EPS = 1e-15


def fit_logistic(
    x: NDArray[np.float64], y: NDArray[np.float64], *, l2: float = 1.0, max_iter: int = 100
) -> NDArray[np.float64]:
    """Coefficients ``[intercept, β…]`` minimising ``−loglik + l2/2·‖β‖²`` (IRLS).

    >>> x = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array([0.0, 0.0, 1.0, 1.0])
    >>> b = fit_logistic(x, y, l2=1.0)
    >>> bool(b[1] > 0), round(float(1 / (1 + np.exp(-(b[0] + 1.5 * b[1])))), 6)
    (True, 0.5)
    """
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    penalty = np.full(k + 1, float(l2))
    penalty[0] = 0.0
    beta = np.zeros(k + 1)
    prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    beta[0] = math.log(prior / (1 - prior))

    def objective(b: NDArray[np.float64]) -> float:
        eta = design @ b
        return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * np.sum(penalty * b * b))

    current = objective(beta)
    for _ in range(max_iter):
        eta = design @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        grad = design.T @ (p - y) + penalty * beta
        w = p * (1 - p)
        hess = (design * w[:, None]).T @ design + np.diag(penalty) + 1e-12 * np.eye(k + 1)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:  # backtracking keeps every Newton step a descent step
            candidate = beta - t * step
            value = objective(candidate)
            if value <= current + 1e-12 or t < 1e-8:
                break
            t /= 2
        beta, previous, current = candidate, current, value
        if (
            abs(previous - current) < 1e-12 * max(1.0, abs(current))
            and np.max(np.abs(t * step)) < 1e-10
        ):
            break
    return beta


def auc_score(y: NDArray[np.float64], p: NDArray[np.float64]) -> float:
    """Area under the ROC curve (Mann–Whitney U / n₁n₀, ties half); NaN for one class.

    >>> auc_score(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(y, dtype=float)
    n1 = float(y.sum())
    n0 = float(len(y) - n1)
    if n1 == 0 or n0 == 0:
        return math.nan
    from scipy.stats import rankdata  # scipy.stats is slow to import: only when needed

    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _log_loss(y: NDArray[np.float64], p: NDArray[np.float64]) -> float:
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _brier(y: NDArray[np.float64], p: NDArray[np.float64]) -> float:
    return float(np.mean((p - y) ** 2))


def _calibration(y: NDArray[np.float64], p: NDArray[np.float64], bins: int) -> pl.DataFrame:
    order = np.argsort(p, kind="stable")
    parts = [part for part in np.array_split(order, min(bins, len(order))) if len(part)]
    return pl.DataFrame(
        {
            "bin": list(range(1, len(parts) + 1)),
            "n": [len(part) for part in parts],
            "p_min": [float(p[part].min()) for part in parts],
            "p_max": [float(p[part].max()) for part in parts],
            "mean_predicted": [float(p[part].mean()) for part in parts],
            "observed_rate": [float(y[part].mean()) for part in parts],
        },
        schema={
            "bin": pl.Int64,
            "n": pl.Int64,
            "p_min": pl.Float64,
            "p_max": pl.Float64,
            "mean_predicted": pl.Float64,
            "observed_rate": pl.Float64,
        },
    )


@dataclass(frozen=True, eq=False)
class ChurnModelResult:
    """A fitted churn model and its held-out evaluation.

    Attributes
    ----------
    coefficients
        ``feature``, ``coefficient`` (log-odds per standard deviation),
        ``odds_ratio_per_sd``, ``coefficient_per_unit`` (log-odds per unit of the
        feature), ``mean`` and ``std`` (training customers); the ``intercept`` row first.
    metrics
        Held-out ``auc``, ``log_loss``, ``brier`` and the base-rate model's
        ``base_auc`` (0.5), ``base_log_loss``, ``base_brier``; ``log_loss_gain`` =
        base − model (positive when the model helps).
    calibration
        Equal-count bins of the test customers' predicted probability:
        ``bin``, ``n``, ``p_min``, ``p_max``, ``mean_predicted``, ``observed_rate``.
    customers
        One row per customer: ``customer``, the features, ``churned``, ``split``
        (``train``/``test``) and ``p_churn``.
    features, dropped
        The features used, and those left out because they were constant on the
        training customers (they carry no information).
    n_train, n_test, churn_rate_train, churn_rate_test, seed, l2
        The split and settings.
    """

    coefficients: pl.DataFrame
    metrics: dict[str, float]
    calibration: pl.DataFrame
    customers: pl.DataFrame
    features: tuple[str, ...]
    dropped: tuple[str, ...]
    n_train: int
    n_test: int
    churn_rate_train: float
    churn_rate_test: float
    seed: int
    l2: float
    _beta: NDArray[np.float64] = field(repr=False)
    _mean: NDArray[np.float64] = field(repr=False)
    _std: NDArray[np.float64] = field(repr=False)
    _schema: EventSchema | None = field(default=None, repr=False)
    _churn: tuple[str, ...] = field(default=("churn",), repr=False)

    def __repr__(self) -> str:
        m = self.metrics
        return (
            f"<ChurnModelResult: {len(self.features)} features, {self.n_train} train / "
            f"{self.n_test} test customers, AUC {m['auc']:.3f}, log loss {m['log_loss']:.4f} "
            f"(base rate {m['base_log_loss']:.4f})>"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (coefficients, metrics, calibration)."""
        return {
            "features": list(self.features),
            "dropped": list(self.dropped),
            "n_train": self.n_train,
            "n_test": self.n_test,
            "churn_rate_train": self.churn_rate_train,
            "churn_rate_test": self.churn_rate_test,
            "seed": self.seed,
            "l2": self.l2,
            "metrics": dict(self.metrics),
            "coefficients": self.coefficients.to_dicts(),
            "calibration": self.calibration.to_dicts(),
        }

    def predict(self, events: Any, *, schema: EventSchema | None = None) -> pl.DataFrame:
        """Churn probability of every customer of another log: ``customer``, ``p_churn``."""
        table = _features(
            as_log(
                events,
                schema if schema is not None or isinstance(events, EventLog) else self._schema,
            ),
            self._churn,
        )
        needed = {f.removesuffix("_missing") for f in self.features}
        absent = sorted(needed - set(table.columns))
        if absent:
            raise EventLogError(
                f"the log lacks what the model's feature(s) {', '.join(map(repr, absent))} "
                "are computed from; expected the same columns as the training log"
            )
        x = _matrix(table, self.features, self._mean)
        z = (x - self._mean) / self._std
        p = 1.0 / (1.0 + np.exp(-(self._beta[0] + z @ self._beta[1:])))
        return pl.DataFrame({"customer": table["customer"], "p_churn": p})


def churn_model(
    events: Any,
    *,
    schema: EventSchema | None = None,
    test_size: float = 0.3,
    seed: int,
    churn: str | Sequence[str] = "churn",
    l2: float = 1.0,
    bins: int = 10,
) -> ChurnModelResult:
    """Predict churn from journey features with an L2 logistic regression.

    Parameters
    ----------
    events
        The event log (any supported frame).
    schema
        Column names of the log, if they differ from :class:`EventSchema`'s.
    test_size
        Share of customers held out for the evaluation, in (0, 1).
    seed
        Seed of the customer split (required: same seed, same numbers).
    churn
        The churn outcome id(s).
    l2
        Penalty on the standardised coefficients (≥ 0; 0 is plain maximum likelihood).
    bins
        Number of calibration bins.

    Returns
    -------
    ChurnModelResult

    Raises
    ------
    CxkitError
        For bad arguments, or a log with too few customers or a single class.

    Examples
    --------
    >>> import numpy as np, polars as pl, datetime as dt
    >>> rng = np.random.default_rng(0)
    >>> n = 400
    >>> lost = rng.integers(0, 3, n)  # context losses per customer
    >>> churned = rng.random(n) < 1 / (1 + np.exp(-(-2.0 + 1.5 * lost)))
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": [f"c{i:03d}" for i in range(n) for _ in range(3)],
    ...         "timestamp": [dt.datetime(2026, 1, 1, h) for _ in range(n) for h in range(3)],
    ...         "touchpoint": ["web", "phone", "agent"] * n,
    ...         "context_lost": [bool(k < lost[i]) for i in range(n) for k in range(3)],
    ...         "outcome": [o for c in churned for o in (None, None, "churn" if c else "resolved")],
    ...     }
    ... )
    >>> m = churn_model(log, seed=1)
    >>> m.features
    ('context_losses',)
    >>> m.metrics["auc"] > 0.7, m.metrics["log_loss"] < m.metrics["base_log_loss"]
    (True, True)
    """
    churn_ids = _check_arguments(seed, test_size, l2, bins, churn)
    table = _churn_table(as_log(events, schema), churn_ids)
    train_mask = _split_mask(table, seed, test_size)
    y_all = table["churned"].cast(pl.Float64).to_numpy()
    y_train, y_test = y_all[train_mask], y_all[~train_mask]
    if y_train.min() == y_train.max():
        raise CxkitError(
            "the training customers are all "
            + ("churned" if y_train[0] == 1 else "retained")
            + "; a churn model needs both (a larger log or another seed)"
        )
    features, dropped, means, std, z_all = _standardised_features(table, train_mask)
    beta = fit_logistic(z_all[train_mask], y_train, l2=float(l2))
    p_all = 1.0 / (1.0 + np.exp(-(beta[0] + z_all @ beta[1:])))
    p_test = p_all[~train_mask]
    base = float(y_train.mean())
    customers = table.with_columns(
        split=pl.Series(np.where(train_mask, "train", "test")),
        p_churn=pl.Series(p_all),
    )
    return ChurnModelResult(
        coefficients=_coefficient_frame(beta, features, means, std),
        metrics=_held_out_metrics(y_test, p_test, base),
        calibration=_calibration(y_test, p_test, bins),
        customers=customers,
        features=tuple(features),
        dropped=dropped,
        n_train=int(train_mask.sum()),
        n_test=int((~train_mask).sum()),
        churn_rate_train=base,
        churn_rate_test=float(y_test.mean()),
        seed=int(seed),
        l2=float(l2),
        _beta=beta,
        _mean=means,
        _std=std,
        _schema=schema,
        _churn=churn_ids,
    )


def _check_arguments(
    seed: Any, test_size: Any, l2: Any, bins: Any, churn: str | Sequence[str]
) -> tuple[str, ...]:
    """Validate :func:`churn_model`'s arguments.

    Returns
    -------
    tuple of str
        The churn outcome id(s).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise CxkitError(f"`seed` must be an integer, got {format_value(seed)}")
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, (int, float))
        or not (0 < test_size < 1)
    ):
        raise CxkitError(f"`test_size` must be a share in (0, 1), got {format_value(test_size)}")
    if (
        isinstance(l2, bool)
        or not isinstance(l2, (int, float))
        or not (l2 >= 0)
        or not math.isfinite(l2)
    ):
        raise CxkitError(f"`l2` must be a number ≥ 0, got {format_value(l2)}")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise CxkitError(f"`bins` must be a whole number ≥ 1, got {format_value(bins)}")
    churn_ids = (churn,) if isinstance(churn, str) else tuple(churn)
    if not churn_ids or not all(isinstance(c, str) and c for c in churn_ids):
        raise CxkitError(
            f"`churn` must be an outcome id or a list of them, got {format_value(churn)}"
        )
    return churn_ids


def _churn_table(log: EventLog, churn_ids: tuple[str, ...]) -> pl.DataFrame:
    """The per-customer feature table, once the log is known to hold churn.

    Raises
    ------
    CxkitError
        When the log has no outcome column, no churned customer or under 10 customers.
    """
    if not log.has("outcome"):
        raise EventLogError(
            "the log has no outcome column, so churn cannot be learnt; expected column "
            f"{log.schema.outcome!r} with {churn_ids[0]!r} on churned customers"
        )
    seen = set(log.outcome_ids)
    if not seen & set(churn_ids):
        kinds = {k.value for k in OutcomeKind}
        raise CxkitError(
            f"no customer reaches the churn outcome {', '.join(map(repr, churn_ids))}; outcomes "
            f"in the log: {', '.join(map(repr, sorted(seen))) or 'none'}"
            + (" (pass churn=… to name yours)" if not seen & kinds else "")
        )
    table = _features(log, churn_ids)
    n = table.height
    if n < 10:
        raise CxkitError(f"churn_model needs at least 10 customers, the log has {n}")
    return table


def _split_mask(table: pl.DataFrame, seed: int, test_size: float) -> NDArray[np.bool_]:
    """Boolean mask of the training customers (the rest are held out)."""
    n = table.height
    perm = as_generator(int(seed)).permutation(n)
    n_test = min(n - 2, max(1, round(test_size * n)))
    test_idx = np.sort(perm[:n_test])
    train_mask = np.ones(n, dtype=bool)
    train_mask[test_idx] = False
    return train_mask


def _standardised_features(
    table: pl.DataFrame, train_mask: NDArray[np.bool_]
) -> tuple[
    list[str], tuple[str, ...], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
]:
    """The features informative on the training customers, standardised.

    Returns
    -------
    features, dropped, means, std, z
        Features kept, features dropped (constant on the training customers), their
        training means and standard deviations, and the standardised matrix of all
        customers.
    """
    candidates = [c for c in _FEATURES if c in table.columns]
    train = table.filter(pl.Series(train_mask))
    features: list[str] = []
    for c in candidates:
        col = train[c]
        if col.null_count() == col.len():
            continue
        features.append(c)
        if col.null_count():
            features.append(f"{c}_missing")
    means = np.array([_train_mean(train, f) for f in features])
    x_all = _matrix(table, features, means)
    x_train = x_all[train_mask]
    std = x_train.std(axis=0)
    keep = std > 1e-12
    dropped = tuple(f for f, k in zip(features, keep, strict=True) if not k)
    features = [f for f, k in zip(features, keep, strict=True) if k]
    means, std = means[keep], std[keep]
    x_all = x_all[:, keep]
    z_all = (x_all - means) / std
    return features, dropped, means, std, z_all


def _held_out_metrics(
    y_test: NDArray[np.float64], p_test: NDArray[np.float64], base: float
) -> dict[str, float]:
    """AUC, log loss and Brier score of the model and of the base-rate model."""
    base_p = np.full(len(y_test), base)
    auc = auc_score(y_test, p_test)
    if math.isnan(auc):
        warnings.warn(
            "the test customers are all of one class; the AUC is undefined (NaN)",
            EventLogWarning,
            stacklevel=user_stacklevel(),
        )
    metrics = {
        "auc": auc,
        "log_loss": _log_loss(y_test, p_test),
        "brier": _brier(y_test, p_test),
        "base_auc": 0.5 if not math.isnan(auc) else math.nan,
        "base_log_loss": _log_loss(y_test, base_p),
        "base_brier": _brier(y_test, base_p),
    }
    metrics["log_loss_gain"] = metrics["base_log_loss"] - metrics["log_loss"]
    return metrics


def _coefficient_frame(
    beta: NDArray[np.float64],
    features: Sequence[str],
    means: NDArray[np.float64],
    std: NDArray[np.float64],
) -> pl.DataFrame:
    """The coefficients table of :class:`ChurnModelResult`, intercept first."""
    return pl.DataFrame(
        {
            "feature": ["intercept", *features],
            "coefficient": beta.tolist(),
            "odds_ratio_per_sd": [None, *np.exp(beta[1:]).tolist()],
            "coefficient_per_unit": [
                float(beta[0] - np.sum(beta[1:] * means / std)),
                *(beta[1:] / std).tolist(),
            ],
            "mean": [None, *means.tolist()],
            "std": [None, *std.tolist()],
        },
        schema={
            "feature": pl.String,
            "coefficient": pl.Float64,
            "odds_ratio_per_sd": pl.Float64,
            "coefficient_per_unit": pl.Float64,
            "mean": pl.Float64,
            "std": pl.Float64,
        },
    )


_FEATURES = (
    "contacts",
    "journeys",
    "touchpoints",
    "days_active",
    "repeat_contacts",
    "switches",
    "transfers",
    "context_losses",
    "wait_minutes",
    "mean_effort",
    "share_dissatisfied",
    "share_delighted",
    "mean_csat",
    "mean_nps",
)


def _train_mean(train: pl.DataFrame, feature: str) -> float:
    if feature.endswith("_missing"):
        return 0.0
    value = train[feature].mean()
    return float(value) if value is not None else 0.0  # type: ignore[arg-type]


def _matrix(table: pl.DataFrame, features: Sequence[str], means: NDArray[np.float64]) -> NDArray:
    cols = []
    for f, m in zip(features, means, strict=True):
        if f.endswith("_missing"):
            base = f[: -len("_missing")]
            cols.append(table[base].is_null().cast(pl.Float64).to_numpy())
        else:
            cols.append(table[f].cast(pl.Float64).fill_null(float(m)).to_numpy())
    if not cols:
        return np.zeros((table.height, 0))
    return np.column_stack(cols)


def _features(log: EventLog, churn_ids: Sequence[str]) -> pl.DataFrame:
    """One row per customer: the journey features and ``churned``."""
    table = _customer_sums(log, churn_ids)
    extra = [((pl.col("t_max") - pl.col("t_min")) / 86400e6).alias("days_active")]
    if log.has("wait_s"):
        extra.append((pl.col("wait_sum") / 60.0).alias("wait_minutes"))
    if log.has("emotion"):
        extra += [
            pl.when(pl.col("emotion_n") > 0)
            .then(pl.col("dissatisfied_n") / pl.col("emotion_n"))
            .alias("share_dissatisfied"),
            pl.when(pl.col("emotion_n") > 0)
            .then(pl.col("delighted_n") / pl.col("emotion_n"))
            .alias("share_delighted"),
        ]
    table = table.with_columns(extra)
    counts = [
        c for c in ("contacts", "journeys", "touchpoints", "repeat_contacts") if c in table.columns
    ]
    table = table.with_columns(pl.col(counts).cast(pl.Float64))
    keep = ["customer", *[c for c in _FEATURES if c in table.columns], "churned"]
    return table.select(keep).sort("customer")


def _customer_sums(
    log: EventLog, churn_ids: Sequence[str], window_us: float = _WINDOW_US
) -> pl.DataFrame:
    """Per customer with a touchpoint row, the sums behind the features and
    ``churned``: a group-by over :meth:`EventLog.contacts`."""
    rows = log.contacts(window_us)
    e = nw.col("emotion")
    aggs = [
        nw.len().alias("contacts"),
        nw.col("start").sum().alias("journeys"),
        nw.col("t").min().alias("t_min"),
        nw.col("t").max().alias("t_max"),
        nw.col("repeat").sum().alias("repeat_contacts"),
    ]
    if log.has("channel"):
        aggs.append(nw.col("switch").sum().alias("switches"))
    if log.has("channel") or log.has("transfer"):
        aggs.append(nw.col("t_xfer").sum().alias("transfers"))
    if log.has("context_lost"):
        aggs.append(nw.col("ctx").sum().alias("context_losses"))
    if log.has("wait_s"):
        aggs.append(nw.col("wait").sum().alias("wait_sum"))
    if log.has("effort"):
        aggs.append(nw.col("effort").mean().alias("mean_effort"))
    if log.has("emotion"):
        rows = rows.with_columns(
            _dis=(e == "dissatisfied").cast(nw.Float64), _del=(e == "delighted").cast(nw.Float64)
        )
        aggs += [
            e.count().alias("emotion_n"),
            nw.col("_dis").sum().alias("dissatisfied_n"),
            nw.col("_del").sum().alias("delighted_n"),
        ]
    if log.has("csat"):
        aggs.append(nw.col("csat").mean().alias("mean_csat"))
    if log.has("nps"):
        aggs.append(nw.col("nps").mean().alias("mean_nps"))
    per = collect(rows.group_by("customer").agg(*aggs))
    touchpoints = distinct_counts(rows, "customer", "tp", "touchpoints")
    per = per.join(touchpoints, on="customer", how="left")
    per = _normalise(
        per.select(
            "customer",
            "contacts",
            "journeys",
            "touchpoints",
            pl.exclude("customer", "contacts", "journeys", "touchpoints"),
        )
    )
    churned = collect(churned_customers(log, churn_ids))
    return per.join(
        churned.with_columns(pl.col("churned").cast(pl.Int64)), on="customer", how="left"
    ).with_columns(pl.col("churned").fill_null(0))


def churned_customers(log: EventLog, churn_ids: Sequence[str]) -> nw.LazyFrame[Any]:
    """Every customer of the log with ``churned`` (1 when any of their events records
    one of ``churn_ids``, else 0), lazily on the log's backend: the one definition of a
    churned customer (the churn model and :mod:`cxkit.voc` read it)."""
    return (
        log.prepared.frame.with_columns(
            _churn=nw.col("outcome").is_in(list(churn_ids)).fill_null(False).cast(nw.Int64)
        )
        .group_by("customer")
        .agg(nw.col("_churn").max().alias("churned"))
    )
