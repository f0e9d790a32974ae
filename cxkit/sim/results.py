"""Results of the Monte Carlo engine: per-customer frames, summaries with intervals.

:class:`SimulationResult` keeps the simulated customers as numpy arrays and
builds the polars frame (:attr:`SimulationResult.customers`) on first use, so a
million-customer run does not pay for a frame nobody reads.

Every summary figure is an :class:`Estimate` with a 95 % confidence interval:
Wilson's score interval for proportions (outcome shares, FCR, emotion shares),
the normal approximation ``mean ± 1.96·s/√n`` for means, and for NPS the
normal approximation with the multinomial variance
``(p₊ + p₋ − (p₊ − p₋)²)/n``. Differences between two scenarios simulated with
common random numbers (:func:`cxkit.sim.montecarlo.compare`) use the paired
per-customer differences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core import metrics
from cxkit.core._checks import whole_number
from cxkit.core.stats import wilson_interval

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "Comparison",
    "Estimate",
    "SimulationResult",
    "mean_estimate",
    "not_applicable_estimate",
    "wilson_estimate",
]

#: Two-sided 95 % standard normal quantile.
Z95 = 1.959963984540054

#: Per-customer numeric columns summarised as means, in report order.
MEAN_METRICS: tuple[str, ...] = (
    "contacts",
    "service_contacts",
    "channel_switches",
    "transfers",
    "context_losses",
    "repeat_contacts",
    "wait_s",
    "excess_wait_s",
    "effort_index",
    "ces5",
    "cost",
    "handle_time_s",
    "j",
    "peak_end",
    "mean_valence",
    "csat5",
    "nps10",
)

#: Per-customer boolean columns summarised as proportions.
PROPORTION_METRICS: tuple[str, ...] = ("fcr", "truncated")

EMOTIONS: tuple[str, ...] = ("dissatisfied", "satisfied", "delighted")


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and 95 % confidence interval.

    ``method`` is ``"normal"`` (mean ± 1.96·SE), ``"wilson"`` (score interval for
    a proportion) or ``"exact"`` (no sampling error).
    """

    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    method: str = "normal"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (non-finite numbers become ``None``)."""
        return {
            "estimate": _jf(self.estimate),
            "standard_error": _jf(self.standard_error),
            "ci_low": _jf(self.ci_low),
            "ci_high": _jf(self.ci_high),
            "method": self.method,
        }

    def __format__(self, spec: str) -> str:
        spec = spec or ".4g"
        return (
            f"{format(self.estimate, spec)} "
            f"[{format(self.ci_low, spec)}, {format(self.ci_high, spec)}]"
        )


def not_applicable_estimate() -> Estimate:
    """The :class:`Estimate` of a metric that does not apply (``method="not_applicable"``)."""
    return Estimate(math.nan, math.nan, math.nan, math.nan, "not_applicable")


def _jf(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def mean_estimate(values: NDArray[np.float64]) -> Estimate:
    """Mean with the normal-approximation 95 % interval.

    >>> e = mean_estimate(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> e.estimate, round(e.standard_error, 6)
    (2.5, 0.645497)
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return Estimate(mean, se, mean - Z95 * se, mean + Z95 * se)


def wilson_estimate(successes: float, n: int) -> Estimate:
    """A proportion with Wilson's 95 % score interval (SE is ``√(p(1−p)/n)``).

    >>> e = wilson_estimate(0, 100)
    >>> e.estimate, e.ci_low, round(e.ci_high, 4)
    (0.0, 0.0, 0.037)
    """
    if n <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, "wilson")
    p = float(successes) / n
    low, high = wilson_interval(float(successes), n)
    return Estimate(p, math.sqrt(p * (1 - p) / n), low, high, "wilson")


def _nps_estimate(nps10: NDArray[np.int8]) -> Estimate:
    n = nps10.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan)
    promoters = float(np.count_nonzero(nps10 >= 9)) / n
    detractors = float(np.count_nonzero(nps10 <= 6)) / n
    score = promoters - detractors
    var = (promoters + detractors - score * score) / n
    se = math.sqrt(max(var, 0.0))
    return Estimate(100 * score, 100 * se, 100 * (score - Z95 * se), 100 * (score + Z95 * se))


class SimulationResult:
    """Simulated customers of one journey (see :func:`cxkit.sim.montecarlo.simulate`).

    Attributes
    ----------
    journey_id, n_customers, seed, max_steps
        What was simulated.
    touchpoints, outcomes, call_reasons
        Category names; ``call_reasons`` is empty when the journey has none.
    resolved_outcomes
        Outcomes of kind ``resolved`` (used for first-contact resolution).
    outcome_kinds
        The kind (``resolved``, ``churn``…) of each outcome, in ``outcomes`` order.
    labels, channels
        Display label of every touchpoint and outcome; channel of every touchpoint.
    data
        The per-customer numpy arrays (read-only views), keyed by column name.
    """

    def __init__(
        self,
        *,
        journey_id: str,
        n_customers: int,
        seed: int,
        max_steps: int,
        touchpoints: Sequence[str],
        outcomes: Sequence[str],
        call_reasons: Sequence[str],
        resolved_outcomes: Sequence[str],
        data: Mapping[str, NDArray[Any]],
        events: tuple[NDArray[np.int32], NDArray[np.int32]],
        settings: Mapping[str, Any] | None = None,
        outcome_kinds: Sequence[str] | None = None,
        labels: Mapping[str, str] | None = None,
        channels: Mapping[str, str] | None = None,
    ) -> None:
        self.journey_id = journey_id
        self.n_customers = int(n_customers)
        self.seed = int(seed)
        self.max_steps = int(max_steps)
        self.touchpoints = tuple(touchpoints)
        self.outcomes = tuple(outcomes)
        self.call_reasons = tuple(call_reasons)
        self.resolved_outcomes = tuple(resolved_outcomes)
        frozen = {}
        for key, arr in data.items():
            view = np.asarray(arr).view()
            view.flags.writeable = False
            frozen[key] = view
        self.data: Mapping[str, NDArray[Any]] = frozen
        self._events = events
        self.settings: dict[str, Any] = dict(settings or {})
        self.outcome_kinds: tuple[str, ...] = (
            tuple(outcome_kinds) if outcome_kinds is not None else ("other",) * len(self.outcomes)
        )
        self.labels: dict[str, str] = dict(labels or {})
        self.channels: dict[str, str] = dict(channels or {})

    def __repr__(self) -> str:
        return (
            f"<SimulationResult {self.journey_id!r}: {self.n_customers} customers, "
            f"seed={self.seed}>"
        )

    @property
    def not_applicable(self) -> dict[str, metrics.NotApplicable]:
        """``{metric: NotApplicable}`` for the metrics that do not apply to this journey.

        First-contact resolution needs an outcome of kind ``resolved``
        (:func:`cxkit.core.metrics.fcr_applicability`).
        """
        na = metrics.fcr_applicability(self.outcome_kinds)
        return {} if na is None else {"fcr": na}

    # -- per-customer frame ----------------------------------------------------------
    @cached_property
    def customers(self) -> pl.DataFrame:
        """One row per customer (built on first access).

        Columns: ``customer``, ``call_reason``, ``path`` (list of touchpoint ids),
        ``contacts`` (visits), ``service_contacts``, ``channel_switches``,
        ``transfers``, ``context_losses``, ``repeat_contacts``, ``wait_s``,
        ``excess_wait_s``, ``effort_index`` (before clipping), ``ces5``, ``peak``,
        ``end``, ``mean_valence``, ``peak_end``, ``j`` (remembered experience),
        ``recency``, ``emotion``, ``outcome``, ``fcr``, ``truncated``, ``cost``,
        ``handle_time_s``, ``csat5``, ``nps10``.

        Examples
        --------
        >>> import cxkit as cx
        >>> from cxkit.sim.montecarlo import simulate
        >>> f = simulate(cx.load_journey("billing_inquiry"), 1000, seed=1).customers
        >>> f.height, f.select("path", "contacts", "outcome").row(1)
        (1000, (['web_faq', 'phone_queue', 'agent'], 3, 'resolved'))
        """
        import polars as pl

        d = self.data
        tp_enum = pl.Enum(list(self.touchpoints))
        out_enum = pl.Enum(list(self.outcomes))
        emo_enum = pl.Enum(list(EMOTIONS))
        cust, node = self._events
        order = np.argsort(cust, kind="stable")
        events = pl.DataFrame(
            {
                "customer": pl.Series(cust[order], dtype=pl.UInt32),
                "touchpoint": pl.Series(list(self.touchpoints), dtype=tp_enum).gather(node[order]),
            }
        )
        # events sorted by customer (stable: chronological within a customer); every
        # customer has at least one visit, so the groups come out in customer order
        paths = (
            events.with_columns(pl.col("customer").set_sorted())
            .group_by("customer", maintain_order=True)
            .agg(pl.col("touchpoint").alias("path"))
        )
        columns: dict[str, Any] = {
            "customer": pl.Series(np.arange(self.n_customers), dtype=pl.UInt32),
        }
        if self.call_reasons:
            columns["call_reason"] = pl.Series(
                list(self.call_reasons), dtype=pl.Enum(list(self.call_reasons))
            ).gather(d["call_reason"])
        else:
            columns["call_reason"] = pl.Series([None] * self.n_customers, dtype=pl.String)
        frame = pl.DataFrame(columns).with_columns(paths["path"])
        rest: dict[str, Any] = {}
        for name in (
            "contacts",
            "service_contacts",
            "channel_switches",
            "transfers",
            "context_losses",
            "repeat_contacts",
        ):
            rest[name] = pl.Series(d[name], dtype=pl.UInt16)
        for name in (
            "wait_s",
            "excess_wait_s",
            "effort_index",
            "ces5",
            "peak",
            "end",
            "mean_valence",
            "peak_end",
            "j",
            "recency",
        ):
            rest[name] = pl.Series(d[name], dtype=pl.Float64)
        rest["emotion"] = pl.Series(list(EMOTIONS), dtype=emo_enum).gather(d["emotion"])
        rest["outcome"] = pl.Series(list(self.outcomes), dtype=out_enum).gather(d["outcome"])
        rest["fcr"] = pl.Series(d["fcr"], dtype=pl.Boolean)
        rest["truncated"] = pl.Series(d["truncated"], dtype=pl.Boolean)
        rest["cost"] = pl.Series(d["cost"], dtype=pl.Float64)
        rest["handle_time_s"] = pl.Series(d["handle_time_s"], dtype=pl.Float64)
        rest["csat5"] = pl.Series(d["csat5"], dtype=pl.Int8)
        rest["nps10"] = pl.Series(d["nps10"], dtype=pl.Int8)
        return frame.with_columns(**rest)

    # -- summaries -------------------------------------------------------------------
    def edge_traversals(self) -> dict[tuple[str, str], float]:
        """Observed traversals of each edge per customer, ``{(source, target): mean}``.

        Consecutive visits give touchpoint → touchpoint edges; the last visit and
        the outcome give the edge into the outcome.

        Examples
        --------
        >>> import cxkit as cx
        >>> from cxkit.sim.montecarlo import simulate
        >>> t = simulate(cx.load_journey("billing_inquiry"), 20_000, seed=1).edge_traversals()
        >>> round(t[("web_faq", "phone_queue")], 2)  # exact: 0.5
        0.5
        """
        cust, node = self._events
        n = self.n_customers
        tp_n = len(self.touchpoints)
        order = np.argsort(cust, kind="stable")
        c, x = cust[order].astype(np.int64), node[order].astype(np.int64)
        same = c[1:] == c[:-1]
        last = np.r_[~same, True]
        src = np.concatenate([x[:-1][same], x[last]])
        dst = np.concatenate([x[1:][same], tp_n + self.data["outcome"][c[last]]])
        names = self.touchpoints + self.outcomes
        width = len(names)
        keys, counts = np.unique(src * width + dst, return_counts=True)
        return {
            (names[int(k // width)], names[int(k % width)]): float(cnt) / n
            for k, cnt in zip(keys, counts, strict=True)
        }

    def outcome_counts(self) -> dict[str, int]:
        """``{outcome: customers}``."""
        counts = np.bincount(self.data["outcome"], minlength=len(self.outcomes))
        return {o: int(c) for o, c in zip(self.outcomes, counts, strict=True)}

    @cached_property
    def _summary(self) -> dict[str, Any]:
        d, n = self.data, self.n_customers
        counts = self.outcome_counts()
        emo = np.bincount(d["emotion"], minlength=3)
        out: dict[str, Any] = {
            "n_customers": n,
            "outcome_shares": {o: wilson_estimate(c, n) for o, c in counts.items()},
        }
        for name in MEAN_METRICS:
            out[name] = mean_estimate(d[name])
        for name in PROPORTION_METRICS:
            out[name] = wilson_estimate(int(np.count_nonzero(d[name])), n)
        for name in self.not_applicable:
            out[name] = not_applicable_estimate()
        out["csat_top2"] = wilson_estimate(int(np.count_nonzero(d["csat5"] >= 4)), n)
        out["nps"] = _nps_estimate(d["nps10"])
        out["emotion_shares"] = {
            e: wilson_estimate(int(c), n) for e, c in zip(EMOTIONS, emo, strict=True)
        }
        if self.call_reasons:
            rc = np.bincount(d["call_reason"], minlength=len(self.call_reasons))
            out["call_reason_shares"] = {
                r: wilson_estimate(int(c), n) for r, c in zip(self.call_reasons, rc, strict=True)
            }
        return out

    def summary(self) -> dict[str, Any]:
        """Every headline figure as an :class:`Estimate` with its 95 % interval.

        Keys: ``n_customers``; ``outcome_shares`` and ``emotion_shares`` (dicts of
        Wilson estimates); the means of :data:`MEAN_METRICS`; ``fcr`` and
        ``truncated`` (proportions); ``csat_top2`` (share answering 4–5);
        ``nps`` (−100…100); ``call_reason_shares`` when there are call reasons.
        A metric that does not apply (:attr:`not_applicable`) has an estimate of
        ``nan`` with ``method="not_applicable"``, never 0 %.

        Examples
        --------
        >>> import cxkit as cx
        >>> from cxkit.sim.montecarlo import simulate
        >>> s = simulate(cx.load_journey("billing_inquiry"), 20_000, seed=1).summary()
        >>> e = s["context_losses"]
        >>> e.ci_low < 0.5 < e.ci_high, s["fcr"].method  # exact: 0.5 losses per journey
        (True, 'wilson')
        """
        return dict(self._summary)

    def summary_dict(self, lang: str = "en") -> dict[str, Any]:
        """:meth:`summary` as JSON-ready dicts.

        A metric that does not apply is ``null``, and ``not_applicable`` says why:
        ``{"fcr": {"reason": "no_resolved_outcome", "message": "not applicable: …"}}``.
        """
        out = _jsonable(self.summary())
        for name in self.not_applicable:
            out[name] = None
        out["not_applicable"] = {k: v.to_dict(lang) for k, v in self.not_applicable.items()}
        return out

    def path_counts(self, top: int = 20) -> pl.DataFrame:
        """The most frequent paths (with their outcome), most frequent first.

        Columns: ``path`` (list of touchpoint ids), ``outcome``, ``count``, ``share``.
        Ties are broken by the path's text so the order is reproducible.

        Examples
        --------
        >>> import cxkit as cx
        >>> from cxkit.sim.montecarlo import simulate
        >>> pc = simulate(cx.load_journey("billing_inquiry"), 1000, seed=1).path_counts(2)
        >>> pc.select("path", "outcome").rows()
        [(['web_faq'], 'resolved'), (['web_faq', 'phone_queue', 'agent'], 'resolved')]
        """
        import polars as pl

        top = whole_number(top, "top", 1)
        f = self.customers.select("path", "outcome")
        counts = (
            f.group_by("path", "outcome")
            .len(name="count")
            .with_columns(
                (pl.col("count") / self.n_customers).alias("share"),
                pl.col("path").cast(pl.List(pl.String)).list.join(">").alias("_key"),
            )
            .sort(["count", "_key", "outcome"], descending=[True, False, False])
            .head(top)
            .drop("_key")
        )
        return counts

    def to_dict(self, top_paths: int = 10) -> dict[str, Any]:
        """JSON-ready dict: settings, summary (with intervals) and the top paths.

        Examples
        --------
        >>> import cxkit as cx, json
        >>> from cxkit.sim.montecarlo import simulate
        >>> d = simulate(cx.load_journey("billing_inquiry"), 500, seed=1).to_dict(top_paths=1)
        >>> sorted(d), len(json.dumps(d)) > 0
        (['journey', 'max_steps', 'n_customers', 'seed', 'settings', 'summary', 'top_paths'], True)
        """
        paths = self.path_counts(top_paths) if top_paths else None
        return {
            "journey": self.journey_id,
            "n_customers": self.n_customers,
            "seed": self.seed,
            "max_steps": self.max_steps,
            "settings": dict(self.settings),
            "summary": self.summary_dict(),
            "top_paths": []
            if paths is None
            else [
                {
                    "path": [str(x) for x in row["path"]],
                    "outcome": str(row["outcome"]),
                    "count": int(row["count"]),
                    "share": float(row["share"]),
                }
                for row in paths.iter_rows(named=True)
            ],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Estimate):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


class Comparison:
    """Two scenarios simulated with common random numbers (see ``compare``).

    ``a`` and ``b`` are the two :class:`SimulationResult`; customer ``i`` of both
    used the same uniforms, so :meth:`differences` (``b − a``) are paired and far
    less noisy than differences between independent runs.
    """

    def __init__(self, a: SimulationResult, b: SimulationResult, labels: tuple[str, str]) -> None:
        self.a = a
        self.b = b
        self.labels = (str(labels[0]), str(labels[1]))

    def __repr__(self) -> str:
        return (
            f"<Comparison {self.labels[0]!r} vs {self.labels[1]!r}: "
            f"{self.a.n_customers} customers, seed={self.a.seed}>"
        )

    def differences(self) -> dict[str, Any]:
        """Paired differences ``b − a`` of the means, shares and FCR, with 95 % intervals.

        Outcome shares are compared by outcome id (an outcome missing in one
        scenario counts as share 0 there).

        Examples
        --------
        >>> import cxkit as cx
        >>> from cxkit.sim.montecarlo import compare
        >>> j = cx.load_journey("billing_inquiry")
        >>> cmp = compare(j, j.with_handoff("web_faq", "resolved", probability=0.5), 5000, seed=1)
        >>> d = cmp.differences()["outcome_shares"]["resolved"]
        >>> d.ci_low < 0.1 < d.ci_high  # exact: 0.8825 − 0.7825 = 0.1
        True
        """
        da, db = self.a.data, self.b.data
        out: dict[str, Any] = {}
        for name in MEAN_METRICS + PROPORTION_METRICS:
            out[name] = mean_estimate(db[name].astype(np.float64) - da[name].astype(np.float64))
        for name in {**self.a.not_applicable, **self.b.not_applicable}:
            out[name] = not_applicable_estimate()
        shares = {}
        for o in dict.fromkeys(self.a.outcomes + self.b.outcomes):
            ia = _indicator(self.a, o)
            ib = _indicator(self.b, o)
            shares[o] = mean_estimate(ib - ia)
        out["outcome_shares"] = shares
        return out

    def to_dict(self, top_paths: int = 10) -> dict[str, Any]:
        """JSON-ready dict: both results and the paired differences."""
        return {
            "labels": list(self.labels),
            self.labels[0]: self.a.to_dict(top_paths),
            self.labels[1]: self.b.to_dict(top_paths),
            "differences": _jsonable(self.differences()),
        }


def _indicator(result: SimulationResult, outcome: str) -> NDArray[np.float64]:
    if outcome not in result.outcomes:
        return np.zeros(result.n_customers)
    return (result.data["outcome"] == result.outcomes.index(outcome)).astype(np.float64)
