"""Design-time and flow-time figures of a journey, side by side: one table for every view.

``cxkit show``, ``cxkit simulate`` (text and JSON), the hand-off explorer and the
exports all print this table, so that each metric has one design-time number and one
flow-time number wherever it is shown (the definitions are in
:mod:`cxkit.core.metrics`):

* **design-time** — the designed steps followed by one customer
  (:meth:`Journey.evaluate <cxkit.core.journey.Journey.evaluate>`);
* **flow-time** — the mean over every customer who starts the journey: the exact
  chain (:func:`cxkit.sim.exact.exact`) for the figures that are means of counts and
  waits (effort index, switches, repeated explanations, transfers, repeat contacts,
  waits, first-contact resolution), the Monte Carlo engine
  (:func:`cxkit.sim.montecarlo.simulate`) for the per-customer path figures (CES,
  the mean of per-customer CES 1–5, and the remembered experience).

Where the two differ, :attr:`DesignVsFlow.reasons` says why
(:func:`cxkit.core.metrics.design_flow_differences`); on a single path they are equal.

Examples
--------
>>> import cxkit as cx
>>> t = design_vs_flow(cx.load_journey("billing_inquiry"), n_customers=2000)
>>> r = t.row("effort_index")
>>> r.design, round(r.flow, 4), r.flow_engine
(2.5, 1.75, 'exact')
>>> t.row("wait_s").design, t.row("wait_s").flow  # half the customers reach the queue
(180.0, 90.0)
>>> t.row("fcr").design_na.reason, round(t.row("fcr").flow, 4)
('no_designed_outcome', 0.4)
>>> t.reasons
('branches', 'context')
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cxkit.core import metrics
from cxkit.core.errors import SimulationError
from cxkit.core.i18n import label

if TYPE_CHECKING:
    from cxkit.core.journey import Journey
    from cxkit.sim.exact import ExactResult
    from cxkit.sim.results import SimulationResult

__all__ = [
    "FLOW_CUSTOMERS",
    "FLOW_SEED",
    "METRICS",
    "DesignVsFlow",
    "MetricRow",
    "design_vs_flow",
]

#: Customers and seed of the Monte Carlo run behind the flow-time CES and remembered
#: experience when the caller has none (``cxkit show``, the exports).
FLOW_CUSTOMERS = 20_000
FLOW_SEED = 1

#: The metrics of the table: key → (label key, engine, ExactResult attribute or Monte
#: Carlo summary key, format spec).
METRICS: dict[str, tuple[str, str, str, str]] = {
    "ces5": ("ces", "monte_carlo", "ces5", ".3f"),
    "effort_index": ("effort_index", "exact", "expected_effort_index", ".3f"),
    "switches": ("switches", "exact", "expected_switches", ".4g"),
    "context_losses": ("reexplanations", "exact", "expected_context_losses", ".4g"),
    "transfers": ("transfers", "exact", "expected_transfers", ".4g"),
    "repeat_contacts": ("repeat_contacts", "exact", "expected_repeat_contacts", ".4g"),
    "wait_s": ("wait", "exact", "expected_wait_s", ".5g"),
    "excess_wait_s": ("excess_wait_s", "exact", "expected_excess_wait_s", ".5g"),
    "remembered": ("remembered", "monte_carlo", "j", ".3f"),
    "fcr": ("sim_fcr", "exact", "fcr", ".2%"),
}

_DESIGN_NO_OUTCOME = metrics.NotApplicable("no_designed_outcome")
_NO_VALENCE = metrics.NotApplicable("no_valence")


@dataclass(frozen=True)
class MetricRow:
    """One metric: its design-time and flow-time figures.

    ``design`` / ``flow`` are ``None`` when the figure does not apply (``design_na``
    / ``flow_na`` say why) or could not be computed. ``flow_ci`` is the Monte Carlo
    95 % interval (``None`` for exact figures).
    """

    key: str
    design: float | None
    flow: float | None
    flow_engine: str
    flow_ci: tuple[float, float] | None = None
    design_na: metrics.NotApplicable | None = None
    flow_na: metrics.NotApplicable | None = None

    def label(self, lang: str = "en") -> str:
        """The metric's name in ``lang``."""
        return label(METRICS[self.key][0], lang)

    def format(self, value: float | None, na: metrics.NotApplicable | None, lang: str) -> str:
        """A figure of this row as text: the number, or why there is none."""
        if value is None or not math.isfinite(value):
            return na.message(lang) if na is not None else "–"
        return format(value, METRICS[self.key][3])

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict: ``key``, ``label``, ``design``, ``flow``, ``flow_engine``,
        ``flow_ci`` and ``not_applicable`` (``{"design": …, "flow": …}`` reasons)."""
        na = {
            side: reason.to_dict(lang)
            for side, reason in (("design", self.design_na), ("flow", self.flow_na))
            if reason is not None
        }
        return {
            "key": self.key,
            "label": self.label(lang),
            "design": _json(self.design),
            "flow": _json(self.flow),
            "flow_engine": self.flow_engine,
            "flow_ci": None if self.flow_ci is None else [_json(x) for x in self.flow_ci],
            "not_applicable": na,
        }


def _json(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


@dataclass(frozen=True)
class DesignVsFlow:
    """Design-time and flow-time figures of one journey (see the module notes).

    Attributes
    ----------
    journey_id
        The journey.
    rows
        One :class:`MetricRow` per metric of :data:`METRICS`, in that order.
    reasons
        Why the two may differ (keys of
        :data:`cxkit.core.metrics.DESIGN_FLOW_REASONS`); empty on a single path.
    path_share
        Share of customers who follow the designed path to its last visit, when the
        designed steps follow the graph.
    n_customers, seed
        The Monte Carlo run behind the flow-time CES and remembered experience.
    error
        Why there are no flow-time figures (the chain cannot be solved), else ``None``.
    """

    journey_id: str
    rows: tuple[MetricRow, ...]
    reasons: tuple[str, ...]
    path_share: float | None
    n_customers: int
    seed: int
    error: str | None = None

    @property
    def single_path(self) -> bool:
        """Whether the designed steps are the chain's only path (figures equal)."""
        return not self.reasons and self.error is None

    def row(self, key: str) -> MetricRow:
        """The row of metric ``key``."""
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def why(self, lang: str = "en") -> list[str]:
        """The reasons, as sentences in ``lang``."""
        out = []
        for k in self.reasons:
            text = label(f"why_{k}", lang)
            if k == "branches" and self.path_share is not None:
                share = label("why_path_share", lang).format(share=f"{self.path_share:.1%}")
                text += f" ({share})"
            out.append(text)
        return out

    def note(self, lang: str = "en") -> str:
        """What the two columns are, and where the path figures come from."""
        mc = label("dv_mc_note", lang).format(n=f"{self.n_customers:,}", seed=self.seed)
        return f"{label('dv_explain', lang)} {mc}"

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict (the ``design_vs_flow`` block of ``cxkit show/simulate --json``)."""
        return {
            "single_path": self.single_path,
            "reasons": [
                {"reason": k, "message": m}
                for k, m in zip(self.reasons, self.why(lang), strict=True)
            ],
            "path_share": self.path_share,
            "monte_carlo": {"n_customers": self.n_customers, "seed": self.seed},
            "error": self.error,
            "metrics": [r.to_dict(lang) for r in self.rows],
        }


def _path_share(journey: Journey, reasons: tuple[str, ...]) -> float | None:
    """``π0(first) · Π p`` along the designed visits (``None`` off the graph)."""
    if "no_steps" in reasons or "off_graph" in reasons:
        return None
    from cxkit.core.compiled import compile_journey, start_table

    c = compile_journey(journey)
    path = metrics.designed_path(journey)
    share = float(start_table(journey).mixed[c.touchpoint_index[path[0]]])
    for a, b in itertools.pairwise(path):
        share *= float(c.prob[c.edge_index(a, b)])
    return share


def design_vs_flow(
    journey: Journey,
    *,
    exact_result: ExactResult | None = None,
    simulation: SimulationResult | None = None,
    n_customers: int = FLOW_CUSTOMERS,
    seed: int = FLOW_SEED,
) -> DesignVsFlow:
    """The design-time and flow-time figures of ``journey``, metric by metric.

    Parameters
    ----------
    journey
        The journey.
    exact_result, simulation
        The exact and Monte Carlo results of this journey when the caller has them
        (so that the table shows the very numbers the caller shows); else they are
        computed (Monte Carlo with ``n_customers`` and ``seed``).
    n_customers, seed
        The Monte Carlo run when ``simulation`` is not given.

    Returns
    -------
    DesignVsFlow
        Flow-time figures are ``None`` (with ``error``) when the chain cannot be
        solved, e.g. when some customers never reach an outcome.
    """
    from cxkit.sim.exact import exact
    from cxkit.sim.montecarlo import simulate

    ev = journey.evaluate()
    eff, agg = ev.effort, ev.aggregate
    design: dict[str, tuple[float | None, metrics.NotApplicable | None]] = {
        "ces5": (eff.ces5, None),
        "effort_index": (eff.effort_index, None),
        "switches": (float(eff.switches), None),
        "context_losses": (float(eff.reexplanations), None),
        "transfers": (float(eff.transfers), None),
        "repeat_contacts": (float(eff.repeat_contacts), None),
        "wait_s": (eff.wait_s, None),
        "excess_wait_s": (eff.excess_wait_s, None),
        "remembered": (None, _NO_VALENCE) if agg is None else (agg.score, None),
        "fcr": (None, _DESIGN_NO_OUTCOME),
    }
    error: str | None = None
    reasons: tuple[str, ...] = ()
    share: float | None = None
    try:
        ex = exact_result if exact_result is not None else exact(journey)
        mc = simulation if simulation is not None else simulate(journey, n_customers, seed=seed)
        summary = mc.summary()
        reasons = metrics.design_flow_differences(journey)
        share = _path_share(journey, reasons)
        n_customers, seed = mc.n_customers, mc.seed
    except SimulationError as exc:
        error = str(exc)
        ex = mc = None  # type: ignore[assignment]
    rows = []
    for key, (_, engine, source, _) in METRICS.items():
        value, na = design[key]
        flow: float | None = None
        ci: tuple[float, float] | None = None
        flow_na: metrics.NotApplicable | None = None
        if error is None and engine == "exact":
            flow_na = ex.not_applicable.get(key)
            raw = getattr(ex, source)
            flow = None if raw is None else float(raw)
        elif error is None:
            est = summary[source]
            if est.method == "not_applicable":
                flow_na = mc.not_applicable.get(source)
            else:
                flow, ci = float(est.estimate), (float(est.ci_low), float(est.ci_high))
        rows.append(MetricRow(key, value, flow, engine, ci, na, flow_na))
    return DesignVsFlow(journey.id, tuple(rows), reasons, share, n_customers, seed, error)
