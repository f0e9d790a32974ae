"""Drift: a designed journey checked against what the event log shows.

Every check compares a designed value with an observed one and gets a status:

``ok``
    The difference is within the tolerance.
``drifted``
    The difference exceeds the tolerance **and** the designed value lies outside the
    observed value's confidence interval — the data contradict the design.
``inconclusive``
    The difference exceeds the tolerance but the sample is too small to tell (the
    designed value is inside the interval). Small samples are therefore never
    flagged on noise alone.

Intervals: for proportions (hand-off probabilities, start shares, outcome rates,
the share of journeys that reach a touchpoint, emotion shares) the Wilson score
interval — the inversion of the score test of ``H0: p = designed`` — which behaves
well for small ``n`` and for proportions near 0 or 1 (a designed hand-off never
observed in 5 journeys is ``inconclusive``; in 500 it is ``drifted``). The designed
value is a fixed number, not a second sample, so this one-sample test is the right
form of the two-proportion comparison. For mean effort, the normal interval
``mean ± z·s/√n``.

Many checks are made at once (a journey of ten touchpoints has dozens), so by
default the intervals are **simultaneous**: Bonferroni's correction gives each of
the ``m`` checks the level ``1 − (1 − confidence)/m``, and a log sampled from the
design itself is then reported ``drifted`` anywhere with probability at most
``1 − confidence``. ``correction="none"`` uses ``confidence`` for every check (more
sensitive, with about ``(1 − confidence)·m`` false alarms to expect). The level
used is in the report (``check_confidence``).

Effort: where the log records effort on contacts in the middle of journeys, the
mean at each touchpoint is compared with the designed steps' ``effort`` there.
Where every answer sits on a journey's last contact (one survey per journey, as in
``cxkit.data``'s logs) the answers rate whole journeys, of every path, while the
designed steps describe one path: no effort check is made, and the report's
``notes`` say so (compare the simulated CES of ``cxkit.sim`` with the observed mean
of ``journey_metrics`` instead).

Measured baselines: a step whose ``evidence`` is ``measured`` (filled from data by
:func:`~cxkit.analytics.calibrate` or :func:`~cxkit.analytics.discover`) holds
observed values, not design. Where a touchpoint has measured steps with an explicit
emotion (or effort), its emotion (or effort) check compares the log with those steps
only, and the check's
``baseline`` column says ``measured`` (``designed`` everywhere else); its
``designed`` column then holds the measured value.

Designed values come from the journey: hand-off probabilities including each
touchpoint's remainder, the start mix, the exact outcome probabilities and reach
probabilities of its absorbing chain (:mod:`cxkit.analytics._chain`), and the
emotion and effort of its steps at each touchpoint. Log touchpoints are matched to
the journey's by id, then by label.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np
import polars as pl

from cxkit.analytics._chain import Chain, journey_start
from cxkit.analytics._log import EventLog, as_log, designed_ids, whole_journeys_note
from cxkit.analytics._schema import EventSchema
from cxkit.analytics._validate import EMOTIONS
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.journey import Journey
from cxkit.core.model import Evidence
from cxkit.core.stats import wilson_interval
from cxkit.core.suggest import did_you_mean

__all__ = ["DriftReport", "drift", "wilson_interval"]

_SCHEMA = {
    "check": pl.String,
    "source": pl.String,
    "target": pl.String,
    "structure": pl.String,
    "designed": pl.Float64,
    "observed": pl.Float64,
    "difference": pl.Float64,
    "n": pl.Int64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "designed_label": pl.String,
    "observed_label": pl.String,
    "baseline": pl.String,
    "status": pl.String,
    "message": pl.String,
}


@dataclass(frozen=True, eq=False)
class DriftReport:
    """The checks of :func:`drift`, one row each (see the module docstring).

    ``to_frame()`` has the columns ``check`` (``entry``, ``handoff``, ``outcome``,
    ``reach``, ``emotion``, ``effort``), ``source`` and ``target`` (touchpoints or
    outcomes; ``source`` alone for per-touchpoint checks), ``structure`` (``both``,
    ``design_only``, ``data_only``), ``designed``, ``observed``, ``difference``,
    ``n`` (sample size), ``ci_low``/``ci_high``, ``designed_label``/``observed_label``
    (emotion classes), ``baseline`` (``designed``, or ``measured`` when the emotion or
    effort check compares with steps measured by :func:`~cxkit.analytics.calibrate`),
    ``status`` and a readable ``message``. ``check`` is ``effort`` with ``source``
    null for the whole-journey effort check.
    """

    journey_id: str
    checks: pl.DataFrame
    tolerance: float
    effort_tolerance: float
    confidence: float
    check_confidence: float
    correction: str
    n_events: int
    n_journeys: int
    warnings: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def is_drifted(self) -> bool:
        """Whether any check is ``drifted``."""
        return bool((self.checks["status"] == "drifted").any())

    @property
    def drifted(self) -> pl.DataFrame:
        """Only the ``drifted`` checks."""
        return self.checks.filter(pl.col("status") == "drifted")

    def to_frame(self) -> pl.DataFrame:
        """All checks as a polars DataFrame (drifted first)."""
        return self.checks

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: settings, counts per status, and every check."""
        counts = Counter(self.checks["status"].to_list())
        return {
            "journey": self.journey_id,
            "is_drifted": self.is_drifted,
            "tolerance": self.tolerance,
            "effort_tolerance": self.effort_tolerance,
            "confidence": self.confidence,
            "correction": self.correction,
            "check_confidence": self.check_confidence,
            "n_events": self.n_events,
            "n_journeys": self.n_journeys,
            "counts": {s: counts.get(s, 0) for s in ("drifted", "inconclusive", "ok")},
            "checks": self.checks.to_dicts(),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }

    def __repr__(self) -> str:
        counts = Counter(self.checks["status"].to_list())
        return (
            f"<DriftReport {self.journey_id!r}: {counts.get('drifted', 0)} drifted, "
            f"{counts.get('inconclusive', 0)} inconclusive, {counts.get('ok', 0)} ok>"
        )


def drift(
    journey: Journey,
    events: Any,
    *,
    tolerance: float = 0.05,
    schema: EventSchema | None = None,
    effort_tolerance: float = 0.5,
    confidence: float = 0.95,
    correction: Literal["bonferroni", "none"] = "bonferroni",
) -> DriftReport:
    """Check a designed journey against an event log.

    Parameters
    ----------
    journey
        The designed journey.
    events
        The event log (any supported frame).
    tolerance
        Largest difference in a probability or share that still counts as ``ok``.
    schema
        Column names of the log, if they differ from :class:`EventSchema`'s.
    effort_tolerance
        Largest difference in mean effort (CES points) that counts as ``ok``.
    confidence
        Level that decides between ``drifted`` and ``inconclusive``: for the whole
        report (``correction="bonferroni"``, the default) or for each check
        (``"none"``).
    correction
        ``"bonferroni"`` or ``"none"`` (see the module docstring).

    Returns
    -------
    DriftReport
        ``.is_drifted``, ``.to_frame()``, ``.to_dict()``.

    Examples
    --------
    Model reference Example B designs Web → Resolved 0.5, Phone 0.3, Churn 0.2. A log
    where 400 of 1000 web visitors phone shows a drifted hand-off:

    >>> import polars as pl, datetime as dt
    >>> from cxkit.core.model import Touchpoint, Handoff, Outcome, OutcomeKind
    >>> from cxkit.core.graph import TouchpointGraph
    >>> from cxkit.core.journey import Journey
    >>> g = TouchpointGraph(
    ...     (Touchpoint("web", channel="web"), Touchpoint("phone", channel="phone")),
    ...     (
    ...         Handoff("web", "resolved", 0.5),
    ...         Handoff("web", "phone", 0.3),
    ...         Handoff("web", "churn", 0.2),
    ...         Handoff("phone", "resolved", 1.0),
    ...     ),
    ...     (
    ...         Outcome("resolved", kind=OutcomeKind.RESOLVED),
    ...         Outcome("churn", kind=OutcomeKind.CHURN),
    ...         Outcome("abandon", kind=OutcomeKind.ABANDON),
    ...     ),
    ...     entry={"web": 1.0},
    ... )
    >>> design = Journey("example_b", graph=g)
    >>> t0, t1 = dt.datetime(2026, 1, 1, 9), dt.datetime(2026, 1, 1, 10)
    >>> ids = [f"c{i}" for i in range(1000)]
    >>> phoned = ids[:400]
    >>> log = pl.DataFrame(
    ...     {
    ...         "customer_id": ids + phoned,
    ...         "timestamp": [t0] * 1000 + [t1] * 400,
    ...         "touchpoint": ["web"] * 1000 + ["phone"] * 400,
    ...         "outcome": [None] * 400 + ["resolved"] * 450 + ["churn"] * 150 + ["resolved"] * 400,
    ...     }
    ... )
    >>> report = drift(design, log)
    >>> report.is_drifted
    True
    >>> row = report.to_frame().filter(source="web", target="phone").row(0, named=True)
    >>> row["designed"], row["observed"], row["status"]
    (0.3, 0.4, 'drifted')
    """
    _check_arguments(journey, tolerance, effort_tolerance, confidence, correction)
    log = as_log(events, schema, journey)
    drift_ = _Drift(journey, log, float(tolerance), float(effort_tolerance))
    return drift_.run(float(confidence), correction)


def _check_arguments(
    journey: Any, tolerance: Any, effort_tolerance: Any, confidence: Any, correction: Any
) -> None:
    """Validate :func:`drift`'s arguments.

    Raises
    ------
    CxkitError
        For a journey that is not a :class:`~cxkit.Journey`, or a bad number or correction.
    """
    if not isinstance(journey, Journey):
        raise CxkitError(f"`journey` must be a cxkit.Journey, got {format_value(journey)}")
    for name, value, upper in (
        ("tolerance", tolerance, 1.0),
        ("effort_tolerance", effort_tolerance, 4.0),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= upper
        ):
            raise CxkitError(
                f"`{name}` must be a number in [0, {upper:g}], got {format_value(value)}"
            )
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, (int, float))
        or not 0 < confidence < 1
    ):
        raise CxkitError(f"`confidence` must be in (0, 1), got {format_value(confidence)}")
    if correction not in ("bonferroni", "none"):
        raise CxkitError(
            f"`correction` must be 'bonferroni' or 'none', got {format_value(correction)}"
        )


class _Drift:
    """Collects the checks (designed value, observed counts), then tests them all."""

    def __init__(self, journey: Journey, log: EventLog, tol: float, effort_tol: float) -> None:
        self.j = journey
        self.g = journey.graph
        self.log = log
        self.tol = tol
        self.effort_tol = effort_tol
        self.pending: list[dict[str, Any]] = []
        self.notes: list[str] = []
        names = log.touchpoint_table["tp"].to_list()
        found = designed_ids(journey, names)
        self.name_to_id = {name: found[name] or name for name in names}

    def _tp(self, name: str) -> str:
        return self.name_to_id.get(name, name)

    # -- collecting ---------------------------------------------------------------------
    def _proportion(
        self,
        check: str,
        source: str | None,
        target: str | None,
        designed: float,
        k: float,
        n: int,
        what: str,
    ) -> None:
        if n > 0:
            self.pending.append(
                {
                    "kind": "proportion",
                    "check": check,
                    "source": source,
                    "target": target,
                    "designed": designed,
                    "k": k,
                    "n": n,
                    "what": what,
                }
            )

    def run(self, confidence: float, correction: str) -> DriftReport:
        chain = Chain.from_journey(self.j)
        n_cases = int(self.log.summary["cases"])
        self._entry(n_cases)
        self._handoffs()
        self._outcomes(chain, n_cases)
        self._reach(chain, n_cases)
        self._emotions()
        self._effort()
        measured = sorted({c["source"] for c in self.pending if c.get("baseline") == "measured"})
        if measured:
            self.notes.append(
                f"emotion and effort at {', '.join(measured)} are compared with the measured "
                "values of the journey's steps (evidence: measured), not with the design"
            )
        m = max(1, len(self.pending))
        level = 1 - (1 - confidence) / m if correction == "bonferroni" else confidence
        rows = [self._test(c, level) for c in self.pending]
        frame = pl.DataFrame(rows, schema=_SCHEMA) if rows else pl.DataFrame(schema=_SCHEMA)
        rank = {"drifted": 0, "inconclusive": 1, "ok": 2}
        frame = (
            frame.with_columns(
                _r=pl.col("status").replace_strict(rank, return_dtype=pl.Int64),
                _a=pl.col("difference").abs(),
            )
            .sort(["_r", "_a"], descending=[False, True], nulls_last=True)
            .drop("_r", "_a")
        )
        return DriftReport(
            journey_id=self.j.id,
            checks=frame,
            tolerance=self.tol,
            effort_tolerance=self.effort_tol,
            confidence=confidence,
            check_confidence=level,
            correction=correction,
            n_events=self.log.n_events,
            n_journeys=n_cases,
            warnings=self.log.warnings,
            notes=tuple(self.notes),
        )

    # -- testing ------------------------------------------------------------------------
    def _status(self, designed: float, observed: float, lo: float, hi: float, tol: float) -> str:
        if abs(observed - designed) <= tol + 1e-12:
            return "ok"
        return "drifted" if not lo <= designed <= hi else "inconclusive"

    def _test(self, c: dict[str, Any], level: float) -> dict[str, Any]:
        kind = c["kind"]
        if kind == "proportion":
            return self._test_proportion(c, level)
        if kind == "emotion":
            return self._test_emotion(c, level)
        return self._test_mean(c, level)

    def _test_proportion(self, c: dict[str, Any], level: float) -> dict[str, Any]:
        designed, k, n = c["designed"], c["k"], c["n"]
        observed = k / n
        lo, hi = wilson_interval(k, n, level)
        status = self._status(designed, observed, lo, hi, self.tol)
        structure = "both"
        if designed == 0 and k > 0:
            structure = "data_only"
        elif designed > 0 and k == 0:
            structure = "design_only"
        return {
            "check": c["check"],
            "source": c["source"],
            "target": c["target"],
            "structure": structure,
            "designed": designed,
            "observed": observed,
            "difference": observed - designed,
            "n": n,
            "ci_low": lo,
            "ci_high": hi,
            "baseline": "designed",
            "status": status,
            "message": f"{c['what']}: designed {designed:.3g}, observed {observed:.3g} "
            f"({int(k)}/{n}, {_pct(level)} CI {lo:.3g}–{hi:.3g}) — {status}",
        }

    def _test_emotion(self, c: dict[str, Any], level: float) -> dict[str, Any]:
        counts, n, designed_class = c["counts"], c["n"], c["designed_label"]
        modal = max(EMOTIONS, key=lambda e: (counts[e], e == designed_class))
        k = counts[designed_class]
        lo, hi = wilson_interval(k, n, level)
        m_lo, _ = wilson_interval(counts[modal], n, level)
        if modal == designed_class:
            status = "ok"
        elif hi < m_lo:
            status = "drifted"
        else:
            status = "inconclusive"
        return {
            "check": "emotion",
            "source": c["source"],
            "target": None,
            "structure": "both",
            "designed": None,
            "observed": k / n,
            "difference": None,
            "n": n,
            "ci_low": lo,
            "ci_high": hi,
            "designed_label": designed_class,
            "observed_label": modal,
            "baseline": c["baseline"],
            "status": status,
            "message": f"emotion at {c['source']}: {c['baseline']} {designed_class}, "
            f"observed mostly {modal} ({counts[modal] / n:.0%}; {designed_class} "
            f"{k / n:.0%}, n={n}) — {status}",
        }

    def _test_mean(self, c: dict[str, Any], level: float) -> dict[str, Any]:
        designed, mean, sd, n = c["designed"], c["mean"], c["sd"], c["n"]
        z = NormalDist().inv_cdf(1 - (1 - level) / 2)
        half = z * sd / math.sqrt(n) if sd is not None and n > 1 else math.inf
        lo, hi = mean - half, mean + half
        status = self._status(designed, mean, lo, hi, self.effort_tol)
        return {
            "check": "effort",
            "source": c["source"],
            "target": None,
            "structure": "both",
            "designed": designed,
            "observed": mean,
            "difference": mean - designed,
            "n": n,
            "ci_low": lo if math.isfinite(lo) else None,
            "ci_high": hi if math.isfinite(hi) else None,
            "baseline": c.get("baseline", "designed"),
            "status": status,
            "message": f"{c['what']}: {c.get('baseline', 'designed')} {designed:.3g}, "
            f"observed {mean:.3g} (n={n}) — "
            f"{status}",
        }

    # -- the checks ---------------------------------------------------------------------
    def _entry(self, n_cases: int) -> None:
        designed = journey_start(self.j)
        starts = self.log.starts_table.with_columns(tp=pl.col("tp").replace_strict(self.name_to_id))
        observed = dict(starts.group_by("tp").agg(pl.col("count").sum()).rows())
        for tid in dict.fromkeys([*designed, *sorted(observed)]):
            self._proportion(
                "entry",
                tid,
                None,
                float(designed.get(tid, 0.0)),
                float(observed.get(tid, 0)),
                n_cases,
                f"start at {tid}",
            )

    def _handoffs(self) -> None:
        edges = self.log.edges_table.with_columns(
            tp=pl.col("tp").replace_strict(self.name_to_id),
            target=pl.col("target").replace(self.name_to_id),
        )
        graph = self.g.nx
        for tid in self.g.touchpoint_ids:
            rows = edges.filter(pl.col("tp") == tid)
            n = int(rows["count"].sum())
            if n == 0:
                continue
            observed = dict(rows.select("target", "count").rows())
            designed = {v: float(d["probability"]) for _, v, d in graph.out_edges(tid, data=True)}
            for target in dict.fromkeys([*designed, *sorted(observed)]):
                self._proportion(
                    "handoff",
                    tid,
                    target,
                    designed.get(target, 0.0),
                    float(observed.get(target, 0)),
                    n,
                    f"hand-off {tid} → {target}",
                )

    def _outcomes(self, chain: Chain, n_cases: int) -> None:
        designed = dict(zip(chain.outcomes, chain.outcome_probabilities().tolist(), strict=True))
        ends = self.log.edges_table.filter(pl.col("to_tp") == 0)
        observed = dict(ends.group_by("target").agg(pl.col("count").sum()).rows())
        for oid in dict.fromkeys([*designed, *sorted(observed)]):
            if designed.get(oid, 0.0) == 0 and oid not in observed:
                continue
            self._proportion(
                "outcome",
                None,
                oid,
                float(designed.get(oid, 0.0)),
                float(observed.get(oid, 0)),
                n_cases,
                f"journeys ending in {oid}",
            )

    def _reach(self, chain: Chain, n_cases: int) -> None:
        reach = dict(zip(chain.states, chain.reach().tolist(), strict=True))
        seen = {
            self._tp(name): int(c) for name, c in self.log.reach_table.select("tp", "count").rows()
        }
        for tid in dict.fromkeys([*reach, *sorted(seen)]):
            designed = float(reach.get(tid, 0.0))
            what = f"journeys visiting {tid}"
            if tid not in reach:
                hint = did_you_mean(tid, list(reach))
                what += " (not in the design" + (f"; {hint}" if hint else "") + ")"
            elif tid not in seen:
                what += " (never seen in the log)"
            self._proportion("reach", tid, None, designed, float(seen.get(tid, 0)), n_cases, what)

    def _designed_steps(self, field: str) -> dict[str, tuple[str, list[Any]]]:
        """Per touchpoint: the baseline and its evaluated steps for ``field``
        (``emotion`` or ``effort``) — the measured steps that state it (``evidence:
        measured`` and an explicit value) when there are any, else all the steps."""
        out: dict[str, list[Any]] = {}
        for ev in self.j.evaluate().steps:
            out.setdefault(ev.step.touchpoint, []).append(ev)
        based = {}
        for tid, evs in out.items():
            measured = [
                ev
                for ev in evs
                if ev.step.evidence == Evidence.MEASURED and getattr(ev.step, field) is not None
            ]
            based[tid] = ("measured", measured) if measured else ("designed", evs)
        return based

    def _emotions(self) -> None:
        if not self.log.has("emotion"):
            return
        table = {self._tp(r["tp"]): r for r in self.log.touchpoint_table.iter_rows(named=True)}
        for tid, (baseline, evs) in self._designed_steps("emotion").items():
            classes = [ev.emotion.value for ev in evs if ev.emotion is not None]
            row = table.get(tid)
            if not classes or row is None or not row["emotion_count"]:
                continue
            self.pending.append(
                {
                    "kind": "emotion",
                    "baseline": baseline,
                    "source": tid,
                    "designed_label": Counter(classes).most_common(1)[0][0],
                    "n": int(row["emotion_count"]),
                    "counts": {e: float(row[f"{e}_sum"]) for e in EMOTIONS},
                }
            )

    def _effort(self) -> None:
        if not self.log.has("effort"):
            return
        per_journey, _, _, n = self.log.effort_per_journey
        if per_journey:
            use = "are not compared with the designed steps"
            self.notes.append(whole_journeys_note("effort", n, use))
            return
        table = {self._tp(r["tp"]): r for r in self.log.touchpoint_table.iter_rows(named=True)}
        spread = {self._tp(t): s for t, s in self.log.effort_spread.rows()}
        for tid, (baseline, evs) in self._designed_steps("effort").items():
            efforts = [ev.step.effort for ev in evs if ev.step.effort is not None]
            row = table.get(tid)
            if not efforts or row is None or not row["effort_count"]:
                continue
            n = int(row["effort_count"])
            self.pending.append(
                {
                    "kind": "mean",
                    "baseline": baseline,
                    "source": tid,
                    "designed": float(np.mean(efforts)),
                    "mean": row["effort_sum"] / n,
                    "sd": spread.get(tid),
                    "n": n,
                    "what": f"mean effort at {tid}",
                }
            )


def _pct(level: float) -> str:
    """``95%``, ``99.93%``: a confidence level as people read it."""
    text = f"{level * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
