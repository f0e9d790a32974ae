"""The exact engine: the touchpoint graph as an absorbing Markov chain (model reference §3.2).

Touchpoints are the transient states, outcomes the absorbing ones; each
touchpoint's probability remainder goes to ``remainder_outcome``. With ``Q`` the
touchpoint → touchpoint block and ``R`` the touchpoint → outcome block
(Kemeny & Snell 1960; Grinstead & Snell ch. 11 [SRC 38]):

* The journey is compiled once (:func:`cxkit.core.compiled.compile_journey`) and
  solved by the one solver of cxkit, :func:`cxkit.core.chain.solve_chain`, as one
  draw: ``N = (I − Q)⁻¹`` is never formed; an LU factorisation of ``I − Q`` (dense
  LAPACK for small systems, sparse SuperLU for large ones) answers every question
  by solves: expected visits ``v = π0ᵀN`` from ``(I − Q)ᵀ v = π0``; expected steps
  ``t = N·1``; absorption ``B = N·R``; the variance of the number of steps
  ``Var = (2N − I)t − t∘t`` from ``N·t``. The ROI engine solves its draws with the
  same function, so its baseline is this engine's answer.
* Edge quantities are sums over hand-offs of the expected traversals
  ``v_i·p_ij`` (:func:`cxkit.core.chain.expected_counts`): channel switches,
  transfers, context losses ``Σ v_i p_ij (1 − κ_ij)`` over touchpoint → touchpoint
  hand-offs (the only ones that can lose context), re-explanation time and effort,
  waits.
* Repeat contacts (a visit to a service touchpoint the customer has already
  visited) are ``Σ_j v_j − P(ever visit j)`` over service touchpoints, with
  ``P(ever visit j) = v_j / N_jj``; ``N_jj`` is 1 off cycles and, on a cycle,
  comes from column solves within ``j``'s strongly connected component (a path
  back to ``j`` never leaves it). That is cheap when loops are local (10,000
  touchpoints in ~1,000 small loops: a few hundredths of a second) but costs one
  column solve per touchpoint of a giant component (seconds for 10,000
  touchpoints all on one cycle); ``exact(..., revisits=False)`` skips it.

**Why touchpoints and not (touchpoint, context-known) pairs.** A textbook
formulation takes the transient states to be as (touchpoint, context-known) pairs. In cxkit's
model no transition probability depends on whether the context is known; a
context loss is a coin flipped on the hand-off itself. The pair chain is
therefore a *lumpable* lifting of the touchpoint chain: summing its visits over
the context flag gives the touchpoint chain's ``v``, and its expected visits to
"(τ, context lost)" states equal ``Σ v_i p_iτ (1 − κ_iτ)``. The touchpoint chain
is half the size and gives identical numbers; ``tests/sim/test_exact.py``
builds the pair chain and checks the equality.

A chain that never ends (a touchpoint reachable from the start from which no
outcome can be reached, i.e. ``ρ(Q) = 1`` on the reachable part) raises
:class:`~cxkit.core.errors.SimulationError` naming those touchpoints.

Examples
--------
Model reference Example B:

>>> from cxkit.core.model import Touchpoint, Handoff, Outcome, OutcomeKind
>>> from cxkit.core.graph import TouchpointGraph
>>> from cxkit.core.journey import Journey
>>> g = TouchpointGraph(
...     touchpoints=(
...         Touchpoint("web", channel="web", cost_per_contact=10),
...         Touchpoint("phone", channel="phone", cost_per_contact=600),
...     ),
...     handoffs=(
...         Handoff("web", "resolved", 0.5),
...         Handoff("web", "phone", 0.3, context_carryover=0.0),
...         Handoff("web", "churn", 0.2),
...         Handoff("phone", "resolved", 0.8),
...         Handoff("phone", "phone", 0.1, context_carryover=0.5),
...         Handoff("phone", "churn", 0.1),
...     ),
...     outcomes=(
...         Outcome("resolved", kind=OutcomeKind.RESOLVED),
...         Outcome("churn", kind=OutcomeKind.CHURN),
...     ),
...     entry={"web": 1.0},
... )
>>> r = exact(Journey("example_b", graph=g))
>>> round(r.expected_steps, 12), round(r.absorption["resolved"], 12)
(1.333333333333, 0.766666666667)
>>> round(r.expected_cost, 9), round(r.expected_context_losses, 6)
(210.0, 0.316667)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core import metrics
from cxkit.core.chain import expected_counts, solve_chain
from cxkit.core.compiled import compile_journey, experience_tables, start_table
from cxkit.core.errors import SimulationError

if TYPE_CHECKING:
    import polars as pl

    from cxkit.core.journey import Journey

__all__ = ["EdgeFlow", "ExactResult", "exact"]

#: Scalar metrics of :class:`ExactResult`, in report order.
SCALAR_METRICS: tuple[str, ...] = (
    "expected_contacts",
    "steps_variance",
    "expected_service_contacts",
    "expected_switches",
    "expected_transfers",
    "expected_context_losses",
    "expected_repeat_contacts",
    "expected_wait_s",
    "expected_excess_wait_s",
    "expected_effort_index",
    "expected_cost",
    "expected_handle_time_s",
    "expected_reexplain_time_s",
)


def _ro(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _json_float(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class EdgeFlow:
    """Expected traffic on one edge of the chain (per journey started).

    ``traversals = v_source · probability``; ``context_losses`` is
    ``traversals · (1 − κ)`` on touchpoint → touchpoint hand-offs, else 0.
    ``remainder`` marks the implicit edge to the remainder outcome.
    """

    source: str
    target: str
    probability: float
    traversals: float
    context_losses: float
    channel_switch: bool
    transfer: bool
    remainder: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "source": self.source,
            "target": self.target,
            "probability": self.probability,
            "traversals": self.traversals,
            "context_losses": self.context_losses,
            "channel_switch": self.channel_switch,
            "transfer": self.transfer,
            "remainder": self.remainder,
        }


@dataclass(frozen=True, eq=False)
class ExactResult:
    """What the absorbing chain says about one journey, per customer who starts it.

    Attributes
    ----------
    journey_id
        The journey's id.
    call_reason
        The call reason analysed, or ``None`` for the whole call-reason mix.
    call_reason_mix
        ``{reason: share}`` used (empty when the journey has no call reasons).
    start
        The start distribution ``π0`` (touchpoints with a positive share).
    touchpoints, outcomes
        Ids in declaration order.
    absorption
        ``{outcome: probability}``; sums to 1.
    expected_visits
        Expected visits (contacts) per touchpoint, ``v = π0ᵀN``.
    visit_probability
        Probability of visiting each touchpoint at least once, ``v_j / N_jj``.
    expected_contacts
        Expected visits in total, ``Σ v = π0ᵀ t`` (the expected number of steps).
    steps_variance
        Variance of the number of steps (Kemeny–Snell).
    expected_service_contacts
        Expected visits to service touchpoints.
    expected_switches, expected_transfers
        Expected channel switches and transfers, ``Σ v_i p_ij`` over flagged edges.
    expected_context_losses
        Expected repeated explanations, ``Σ v_i p_ij (1 − κ_ij)`` over
        touchpoint → touchpoint hand-offs.
    expected_repeat_contacts
        Expected visits to service touchpoints already visited in the journey.
    expected_wait_s, expected_excess_wait_s
        Expected total wait on hand-offs and the part beyond the expected wait
        ``W_exp`` of the call reason (waits taken as their mean ``wait_s``).
    expected_effort_index
        ``E[1 + w_sw·switches + Σ re-explanation effort + w_tr·transfers +
        w_rc·repeat contacts + w_wait·excess minutes]``: the effort index before
        clipping to CES 1–5 (the mean of the clipped CES needs the Monte Carlo engine).
    expected_cost
        ``v · cost_per_contact``.
    expected_handle_time_s, expected_reexplain_time_s
        ``v · handle_time_s`` plus re-explanation time per context loss, and that
        re-explanation part alone.
    steps_from, absorption_from
        Per touchpoint, as if the journey started there: expected steps ``t`` and
        absorption probabilities (a row of ``B``). ``nan`` for touchpoints from
        which the chain does not end.
    edges
        :class:`EdgeFlow` per hand-off (remainder edges included).
    by_call_reason
        The scalar metrics and absorption for each call reason alone.
    touchpoint_info, outcome_info
        Label, channel, kind… of each touchpoint and label and kind of each outcome.
    tp_arrays, edge_arrays
        The numpy arrays behind the per-touchpoint and per-edge views (read-only);
        the views (``expected_visits``, ``edges``…) are built on first use, so that
        a 10,000-touchpoint chain does not pay for 40,000 Python objects.
    fcr
        First-contact resolution: the probability of ending in an outcome of kind
        ``resolved`` after exactly one service contact (:mod:`cxkit.core.metrics`);
        ``None`` when it does not apply (see ``not_applicable``).
    not_applicable
        ``{metric: NotApplicable}`` for the metrics that do not apply to this
        journey (``fcr`` without an outcome of kind ``resolved``).
    """

    journey_id: str
    call_reason: str | None
    call_reason_mix: Mapping[str, float]
    start: Mapping[str, float]
    touchpoints: tuple[str, ...]
    outcomes: tuple[str, ...]
    absorption: Mapping[str, float]
    expected_contacts: float
    steps_variance: float
    expected_service_contacts: float
    expected_switches: float
    expected_transfers: float
    expected_context_losses: float
    expected_repeat_contacts: float
    expected_wait_s: float
    expected_excess_wait_s: float
    expected_effort_index: float
    expected_cost: float
    expected_handle_time_s: float
    expected_reexplain_time_s: float
    by_call_reason: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    outcome_info: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)
    #: per-touchpoint arrays (visits, reach, steps_from, absorption_from, label…)
    tp_arrays: Mapping[str, Any] = field(default_factory=dict, repr=False)
    #: per-edge arrays (source, target, probability, traversals, context_losses…)
    edge_arrays: Mapping[str, Any] = field(default_factory=dict, repr=False)
    fcr: float | None = None
    not_applicable: Mapping[str, metrics.NotApplicable] = field(default_factory=dict)

    # -- per-touchpoint and per-edge views, built on first use ---------------------------
    def _by_tp(self, key: str) -> Mapping[str, float]:
        return MappingProxyType(
            dict(zip(self.touchpoints, self.tp_arrays[key].tolist(), strict=True))
        )

    @cached_property
    def expected_visits(self) -> Mapping[str, float]:
        """Expected visits (contacts) per touchpoint, ``v = π0ᵀN``."""
        return self._by_tp("visits")

    @cached_property
    def visit_probability(self) -> Mapping[str, float]:
        """Probability of at least one visit per touchpoint, ``v_j / N_jj``."""
        return self._by_tp("reach")

    @cached_property
    def steps_from(self) -> Mapping[str, float]:
        """Expected steps as if starting at each touchpoint (``t = N·1``; ``nan`` if endless)."""
        return self._by_tp("steps_from")

    @cached_property
    def absorption_from(self) -> Mapping[str, Mapping[str, float]]:
        """Absorption probabilities as if starting at each touchpoint (rows of ``B``)."""
        rows = self.tp_arrays["absorption_from"].tolist()
        return MappingProxyType(
            {
                t: MappingProxyType(dict(zip(self.outcomes, row, strict=True)))
                for t, row in zip(self.touchpoints, rows, strict=True)
            }
        )

    @cached_property
    def touchpoint_info(self) -> Mapping[str, Mapping[str, Any]]:
        """Label, channel, kind, cost and handle time of each touchpoint (per journey)."""
        keys = (
            "label",
            "channel",
            "kind",
            "cost_per_contact",
            "handle_time_s",
            "expected_cost",
            "expected_handle_time_s",
        )
        cols = [list(self.tp_arrays[k]) for k in keys]
        return MappingProxyType(
            {
                t: MappingProxyType(
                    {
                        k: (v.item() if hasattr(v, "item") else v)
                        for k, v in zip(keys, vals, strict=True)
                    }
                )
                for t, *vals in zip(self.touchpoints, *cols, strict=True)
            }
        )

    @cached_property
    def edges(self) -> tuple[EdgeFlow, ...]:
        """:class:`EdgeFlow` per hand-off, remainder edges included, in graph order."""
        e = self.edge_arrays
        if not e:
            return ()
        return tuple(
            EdgeFlow(*row)
            for row in zip(
                e["source"],
                e["target"],
                e["probability"].tolist(),
                e["traversals"].tolist(),
                e["context_losses"].tolist(),
                e["channel_switch"].tolist(),
                e["transfer"].tolist(),
                e["remainder"].tolist(),
                strict=True,
            )
        )

    @property
    def expected_steps(self) -> float:
        """Expected number of steps (touchpoint visits) before an outcome; ``π0ᵀN·1``."""
        return self.expected_contacts

    @property
    def steps_std(self) -> float:
        """Standard deviation of the number of steps."""
        return math.sqrt(max(self.steps_variance, 0.0))

    def edge(self, source: str, target: str) -> EdgeFlow:
        """The :class:`EdgeFlow` of ``source → target``."""
        for e in self.edges:
            if (e.source, e.target) == (source, target):
                return e
        raise SimulationError(
            f"no edge {source}->{target} in the chain; edges: "
            + ", ".join(f"{e.source}->{e.target}" for e in self.edges[:10])
        )

    def scalars(self) -> dict[str, float]:
        """The scalar metrics as a dict (``expected_contacts`` … ``expected_reexplain_time_s``)."""
        return {name: float(getattr(self, name)) for name in SCALAR_METRICS}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (non-finite numbers become ``None``).

        Examples
        --------
        >>> import cxkit as cx
        >>> d = exact(cx.load_journey("billing_inquiry")).to_dict()
        >>> sorted(d["absorption"])
        ['abandon', 'churn', 'resolved']
        >>> round(d["expected_contacts"], 6)
        1.95
        """
        return {
            "journey": self.journey_id,
            "call_reason": self.call_reason,
            "call_reason_mix": dict(self.call_reason_mix),
            "start": dict(self.start),
            "absorption": dict(self.absorption),
            "outcomes": [
                {
                    "outcome": o,
                    "label": self.outcome_info.get(o, {}).get("label", o),
                    "kind": self.outcome_info.get(o, {}).get("kind", "other"),
                    "probability": self.absorption[o],
                }
                for o in self.outcomes
            ],
            "expected_steps": self.expected_steps,
            "steps_std": self.steps_std,
            **self.scalars(),
            "fcr": self.fcr,
            "not_applicable": {k: v.to_dict() for k, v in self.not_applicable.items()},
            "touchpoints": [
                {
                    "touchpoint": tp,
                    **{k: v for k, v in self.touchpoint_info.get(tp, {}).items()},
                    "expected_visits": self.expected_visits[tp],
                    "visit_probability": _json_float(self.visit_probability[tp]),
                    "expected_steps_from": _json_float(self.steps_from[tp]),
                    "absorption_from": {
                        o: _json_float(p) for o, p in self.absorption_from[tp].items()
                    },
                }
                for tp in self.touchpoints
            ],
            "edges": [e.to_dict() for e in self.edges],
            "by_call_reason": {k: dict(v) for k, v in self.by_call_reason.items()},
        }

    def to_frame(self) -> pl.DataFrame:
        """One row per touchpoint: visits, reach, steps and absorption from there.

        Columns: ``touchpoint``, ``label``, ``channel``, ``kind``,
        ``expected_visits``, ``visit_probability``, ``expected_steps_from``,
        ``cost_per_contact``, ``expected_cost`` and ``expected_handle_time_s``
        (per journey started) and one ``p_<outcome>`` column per outcome
        (absorption when starting there).

        Examples
        --------
        >>> import cxkit as cx
        >>> f = exact(cx.load_journey("billing_inquiry")).to_frame()
        >>> f.select("touchpoint", "expected_visits").rows()
        [('web_faq', 1.0), ('phone_queue', 0.5), ('agent', 0.45)]
        """
        import polars as pl

        a = self.tp_arrays
        data: dict[str, Any] = {
            "touchpoint": list(self.touchpoints),
            "label": list(a["label"]),
            "channel": list(a["channel"]),
            "kind": list(a["kind"]),
            "expected_visits": a["visits"],
            "visit_probability": a["reach"],
            "expected_steps_from": a["steps_from"],
            "cost_per_contact": a["cost_per_contact"],
            "expected_cost": a["expected_cost"],
            "expected_handle_time_s": a["expected_handle_time_s"],
        }
        for k, o in enumerate(self.outcomes):
            data[f"p_{o}"] = a["absorption_from"][:, k]
        return pl.DataFrame(data)

    def edges_frame(self) -> pl.DataFrame:
        """One row per edge: probability, expected traversals and context losses.

        Examples
        --------
        >>> import cxkit as cx
        >>> f = exact(cx.load_journey("billing_inquiry")).edges_frame()
        >>> rem = f.filter(f["remainder"]).select("source", "target", "traversals")
        >>> [(s, t, round(x, 12)) for s, t, x in rem.rows()][0]
        ('web_faq', 'abandon', 0.1)
        """
        import polars as pl

        e = self.edge_arrays
        return pl.DataFrame(
            {
                "source": pl.Series(list(e.get("source", ())), dtype=pl.String),
                "target": pl.Series(list(e.get("target", ())), dtype=pl.String),
                "probability": pl.Series(e.get("probability", []), dtype=pl.Float64),
                "traversals": pl.Series(e.get("traversals", []), dtype=pl.Float64),
                "context_losses": pl.Series(e.get("context_losses", []), dtype=pl.Float64),
                "channel_switch": pl.Series(e.get("channel_switch", []), dtype=pl.Boolean),
                "transfer": pl.Series(e.get("transfer", []), dtype=pl.Boolean),
                "remainder": pl.Series(e.get("remainder", []), dtype=pl.Boolean),
            }
        )


# ----------------------------------------------------------------------------- engine


def exact(
    journey: Journey, *, call_reason: str | None = None, revisits: bool = True
) -> ExactResult:
    """Solve the journey's absorbing chain exactly (sparse LU, no inverse).

    Parameters
    ----------
    journey
        The journey; its touchpoint graph, call reasons, start distribution and
        effort parameters are used.
    call_reason
        Analyse customers with this call reason only. ``None`` (default) weighs
        the call reasons by their shares; each starts from its own ``entry`` or
        else from :meth:`~cxkit.core.journey.Journey.start_distribution`.
    revisits
        Compute ``visit_probability``, ``expected_repeat_contacts`` and so
        ``expected_effort_index``, which need the diagonal of ``N`` on cycles (one
        column solve per touchpoint on a cycle, within its strongly connected
        component). ``False`` skips them (``nan`` where a cycle makes them
        unknown) for very large cyclic graphs.

    Returns
    -------
    ExactResult

    Raises
    ------
    SimulationError
        When the chain never ends for customers who start as given (naming the
        touchpoints), or a probability, share or start distribution is invalid.

    Examples
    --------
    >>> import cxkit as cx
    >>> r = exact(cx.load_journey("billing_inquiry"))
    >>> {k: round(v, 6) for k, v in r.absorption.items()}
    {'resolved': 0.7825, 'churn': 0.0225, 'abandon': 0.195}
    >>> round(r.expected_switches, 6), round(r.expected_context_losses, 6)
    (0.5, 0.5)
    """
    a = compile_journey(journey)
    starts = start_table(journey, call_reason=call_reason)
    tables = experience_tables(journey, starts)
    fcr_na = metrics.fcr_applicability(a.outcome_kind)
    solved = solve_chain(
        a,
        starts.pi0,
        revisits=revisits,
        absorption_from=True,
        steps=True,
        resolution=None if fcr_na else a.resolution_outcomes,
    )
    w = starts.shares
    visits = solved.visits[0]  # (n, R)
    ep = journey.params.effort

    counts = expected_counts(a, solved.visits, solved.ndiag, tables.expected_wait_s, ep)
    per: dict[str, NDArray[np.float64]] = {
        f"expected_{name}": arr[0] for name, arr in counts.items() if name != "reexplain_effort"
    }
    # P(ever visit j | visits) = 1/N_jj; nan where revisits=False left N_jj unknown
    with np.errstate(invalid="ignore", divide="ignore"):
        ever = np.where(visits.sum(axis=1) > 0, 1.0 / solved.ndiag[0], 1.0)
    pi0 = starts.pi0
    second_from = solved.second_from[0]  # type: ignore[index]
    second = np.where(pi0 > 0, pi0 * np.nan_to_num(second_from)[None, :], 0.0).sum(axis=1)
    per["steps_variance"] = second - per["expected_contacts"] ** 2
    absorption_r = solved.absorption[0]  # (R, m)

    fcr = None
    if fcr_na is None:
        fcr_r = metrics.first_contact_resolution(solved.resolved_first[0], solved.resolved_none[0])  # type: ignore[index]
        fcr = float(w @ fcr_r)
    mixed = {k: float(w @ v) for k, v in per.items()}
    mixed["steps_variance"] = float(w @ second) - mixed["expected_contacts"] ** 2
    absorption = w @ absorption_r
    v_mix = visits @ w
    edge_trav = v_mix[a.source] * a.prob  # expected traversals of every edge
    with np.errstate(invalid="ignore"):
        reach = v_mix * ever
    reach = np.where(v_mix > 0, reach, 0.0)

    by_reason: dict[str, Mapping[str, Any]] = {}
    for c, rid in enumerate(starts.reasons):
        if rid is None:
            continue
        entry = {k: float(per[k][c]) for k in SCALAR_METRICS}
        entry["share"] = float(w[c])
        entry["absorption"] = {
            o: float(p) for o, p in zip(a.outcome_ids, absorption_r[c], strict=True)
        }
        by_reason[rid] = _ro(entry)

    names = np.array(a.touchpoint_ids + a.outcome_ids, dtype=object)
    edge_arrays = {
        "source": names[a.source],
        "target": names[a.target],
        "probability": a.prob.copy(),
        "traversals": edge_trav,
        "context_losses": np.where(a.between_touchpoints, 1.0 - a.kappa, 0.0) * edge_trav,
        "channel_switch": a.switch.copy(),
        "transfer": a.transfer.copy(),
        "remainder": a.remainder.copy(),
    }
    g = journey.graph
    tp_arrays = {
        "visits": v_mix,
        "reach": reach,
        "steps_from": solved.steps_from[0],  # type: ignore[index]
        "absorption_from": solved.absorption_from[0],  # type: ignore[index]
        "label": np.array([tp.display for tp in g.touchpoints], dtype=object),
        "channel": np.array(a.channel, dtype=object),
        "kind": np.array([tp.kind.value for tp in g.touchpoints], dtype=object),
        "cost_per_contact": a.cost,
        "handle_time_s": a.handle_time_s,
        "expected_cost": a.cost * v_mix,
        "expected_handle_time_s": a.handle_time_s * v_mix,
    }
    for arr in (*tp_arrays.values(), *edge_arrays.values()):
        arr.flags.writeable = False
    mix_start = starts.mixed
    return ExactResult(
        journey_id=journey.id,
        call_reason=call_reason,
        call_reason_mix=_ro(starts.mix_dict()),
        start=_ro({a.touchpoint_ids[i]: float(mix_start[i]) for i in np.flatnonzero(mix_start)}),
        touchpoints=a.touchpoint_ids,
        outcomes=a.outcome_ids,
        absorption=_ro({o: float(p) for o, p in zip(a.outcome_ids, absorption, strict=True)}),
        expected_contacts=mixed["expected_contacts"],
        steps_variance=mixed["steps_variance"],
        expected_service_contacts=mixed["expected_service_contacts"],
        expected_switches=mixed["expected_switches"],
        expected_transfers=mixed["expected_transfers"],
        expected_context_losses=mixed["expected_context_losses"],
        expected_repeat_contacts=mixed["expected_repeat_contacts"],
        expected_wait_s=mixed["expected_wait_s"],
        expected_excess_wait_s=mixed["expected_excess_wait_s"],
        expected_effort_index=mixed["expected_effort_index"],
        expected_cost=mixed["expected_cost"],
        expected_handle_time_s=mixed["expected_handle_time_s"],
        expected_reexplain_time_s=mixed["expected_reexplain_time_s"],
        tp_arrays=_ro(tp_arrays),
        edge_arrays=_ro(edge_arrays),
        by_call_reason=_ro(by_reason),
        outcome_info=_ro(
            {o.id: _ro({"label": o.display, "kind": o.kind.value}) for o in g.outcomes}
        ),
        fcr=fcr,
        not_applicable=_ro({} if fcr_na is None else {"fcr": fcr_na}),
    )
