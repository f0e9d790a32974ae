"""The batched exact engine of the ROI model: many effect draws, one vectorised solve.

A *scenario* is a journey with a set of active initiatives.
:func:`cxkit.roi._scenario.compile_scenario` turns it into flat arrays (the journey's
compiled form plus what the initiatives add, one explicit remainder edge per
touchpoint, start distributions per call reason) and a list of *operations* (one per
effect, and one per hand-off an initiative adds). :func:`run` applies the operations
to ``S`` rows of effect values at once and solves the ``S`` absorbing chains with the
one solver of cxkit, :func:`cxkit.core.chain.solve_chain` (stacked LAPACK solves of
``(S, n, n)`` systems for journeys of ordinary size) — no Monte Carlo journey
simulation and no Python loop per draw.

Rules (also in ``docs/reference/roi.md``)
-----------------------------------------
* **Order.** Operations apply in initiative order, then effect order; ``set``
  replaces, ``add`` adds, ``multiply`` multiplies the current value. Results are
  clipped to their domain: probabilities, carry-overs and shares to [0, 1], times,
  costs and capacities to ≥ 0.
* **Renormalisation.** After all operations, at every touchpoint whose hand-off
  probabilities were changed, the changed hand-offs keep their new values and all
  the *other* hand-offs of that touchpoint — its remainder to ``remainder_outcome``
  included — are scaled by one common factor so that the total is 1 again. If the
  changed hand-offs alone exceed 1, they are scaled down to sum to 1 and the others
  get 0 (counted in the warnings). If the others had no probability at all, the
  free probability goes to the remainder. Sums above 1 are never produced.
* **Reroute.** ``reroute:A->B`` with share ``s`` moves ``s·p_AB`` from each matched
  hand-off to ``A → via`` (created if absent, copying the carry-over and
  re-explanation fields of ``A → B``, without wait); both count as changed.
* **Added hand-offs** set their probability (created at 0 if absent) while the
  initiative is active; a source pattern adds one per matching touchpoint, a target
  pattern takes the first match; no match drops the hand-off (a warning).

Metrics per row (per customer who starts the journey, mixed over call reasons)
--------------------------------------------------------------------------------
The same definitions as :func:`cxkit.sim.exact.exact` (model reference §3.2): absorption
``B``, visits ``v = π0ᵀN``, switches, transfers and context losses
``Σ v_i p_ij (1 − κ_ij)``, repeat contacts ``Σ_service v_j (1 − 1/N_jj)``, excess
wait, the effort index before clipping, contact cost ``v·cost``. Added here:

* **Re-explanation cost**: each context loss costs ``reexplain_time_s`` at the
  receiving touchpoint's cost per second (``cost_per_contact / handle_time_s``).
* **Resolution shares** ``π = (FCR, resolved in ≥ 2 contacts, unresolved)`` of
  model V-A. A contact is a visit to a service touchpoint; FCR = absorbed in a
  resolved ``purchase`` outcome with at most one contact. This is the chain
  expanded with a contact counter capped at 2, solved layer by layer: layer 0 (no
  contact yet) and layer 1 (one contact) only move through non-service
  touchpoints, so they need solves of the size of the non-service set only; the
  rest comes from ``v`` and ``B``.
* **CES** = the effort index clipped to [1, 5] — the CES of the expected counts, an
  upper bound of the mean clipped CES (Jensen); :func:`cxkit.sim.simulate` gives
  its distribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core import metrics as _m
from cxkit.core.chain import expected_counts, solve_chain
from cxkit.core.compiled import CompiledJourney
from cxkit.core.economics import EffectChange
from cxkit.core.errors import SimulationError
from cxkit.roi._effort import effort_levels
from cxkit.roi._scenario import Compiled, Op

if TYPE_CHECKING:
    pass

__all__ = ["Metrics", "apply_ops", "effort_distribution", "reason_mix", "run"]

Array = NDArray[np.float64]


#: Effort parameters an ``parameter:effort.*`` effect may change in the engine.
_EFFORT_NAMES = (
    "w_switch",
    "w_reexplain",
    "w_transfer",
    "w_repeat_contact",
    "w_wait_per_minute",
    "reexplain_time_s",
)

# ----------------------------------------------------------------------------- run


@dataclass
class Metrics:
    """Per-row results of :func:`run` (each array has the rows first)."""

    absorption: Array  # (S, m)
    visits: Array  # (S, n)
    fcr_shares: Array  # (S, 3) FCR, multi-contact, unresolved
    contacts: Array
    service_contacts: Array
    switches: Array
    transfers: Array
    context_losses: Array
    repeat_contacts: Array
    excess_wait_s: Array
    effort_index: Array
    ces: Array
    contact_cost: Array
    reexplain_cost: Array
    handle_time_s: Array
    resolved_without_contact: Array
    econ: dict[str, tuple[Array, Array]]  # name → (multiplier, addend) per row
    renormalised_overflow: int = 0
    #: first-contact resolution (resolved after exactly one service contact), nan when
    #: it does not apply (no outcome of kind ``resolved``: see ``not_applicable``)
    fcr: Array | None = None
    #: expected total wait on hand-offs per journey, s (nan beyond ``detail_rows``)
    wait_s: Array | None = None
    not_applicable: dict[str, _m.NotApplicable] = field(default_factory=dict)

    @property
    def cost(self) -> Array:
        """Cost to serve per journey: contacts plus re-explanation time."""
        return self.contact_cost + self.reexplain_cost

    def take(self, rows: NDArray[np.int64] | slice) -> Metrics:
        """A subset of rows."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                out[name] = value[rows]
            elif name == "econ":
                out[name] = {k: (a[rows], b[rows]) for k, (a, b) in value.items()}
            else:
                out[name] = value
        return Metrics(**out)


def _combine(base: Array, x: Array, change: EffectChange) -> Array:
    if change == EffectChange.SET:
        return np.broadcast_to(x, np.broadcast_shapes(base.shape, x.shape)).copy()
    if change == EffectChange.ADD:
        return base + x
    if change == EffectChange.AT_LEAST:
        return np.maximum(base, x)
    return base * x


def _values(op: Op, values: Array | None, s: int) -> Array:
    if op.col is None or values is None:
        return np.full((s, 1), op.const)
    return values[:, op.col : op.col + 1]


def apply_ops(
    c: Compiled, values: Array | None, s: int
) -> tuple[dict[str, Array], dict[str, Array], dict[str, tuple[Array, Array]], int]:
    """Apply the operations to ``s`` rows: edge and touchpoint arrays, parameters, economics.

    Returns ``(edges, touchpoints, econ, overflow)`` where ``edges`` maps field
    names to ``(s, E)`` arrays, ``touchpoints`` maps ``cost``/``handle``/
    ``capacity`` and effort parameter names to arrays, ``econ`` maps economics
    names to per-row ``(multiplier, addend)`` and ``overflow`` counts rows where
    changed probabilities had to be scaled down.
    """
    ep = c.journey.params.effort
    em = c.journey.params.emotion
    edges: dict[str, Array] = {
        "probability": np.tile(c.prob, (s, 1)),
        "context_carryover": c.kappa[None, :],
        "wait_s": c.wait[None, :],
        "reexplain_effort": c.re_eff[None, :],
        "reexplain_time_s": c.re_time[None, :],
    }
    tp: dict[str, Array] = {
        "cost_per_contact": c.cost[None, :],
        "handle_time_s": c.handle[None, :],
        "capacity": c.capacity[None, :],
    }
    params: dict[str, Array] = {
        name: np.full((s, 1), float(getattr(ep, name))) for name in _EFFORT_NAMES
    }
    params["expected_wait_s"] = np.full((s, 1), float(em.expected_wait_s))
    econ: dict[str, tuple[Array, Array]] = {}
    targeted = np.zeros(c.n_edges, dtype=bool)
    prob = edges["probability"]
    step_waits: dict[int, Array] = {}
    owned = {"probability"}  # arrays this call made (the others are the scenario's own)
    for op in c.ops:
        x = _values(op, values, s)
        if op.kind == "edge":
            if op.idx.size == 0:
                continue
            arr = edges[op.field]
            if op.field not in owned:  # never write into the compiled scenario's arrays
                arr = np.tile(arr, (s // arr.shape[0], 1))
                owned.add(op.field)
            new = _combine(arr[:, op.idx], x, op.change)
            if op.field in ("probability", "context_carryover"):
                new = np.clip(new, 0.0, 1.0)
            else:
                new = np.maximum(new, 0.0)
            arr[:, op.idx] = new
            edges[op.field] = arr
            if op.field == "probability":
                prob = arr
                targeted[op.idx] = True
        elif op.kind == "reroute":
            if op.idx.size == 0:
                continue
            share = np.clip(_combine(np.zeros((s, 1)), x, op.change), 0.0, 1.0)
            moved = prob[:, op.idx] * share
            prob[:, op.idx] -= moved
            np.add.at(prob.T, op.idx2, moved.T)
            targeted[op.idx] = True
            targeted[op.idx2] = True
        elif op.kind == "step" and op.field == "wait_s" and op.idx.size:
            edges["wait_s"] = _step_waits(c, op, x, s, edges["wait_s"], step_waits)
            owned.add("wait_s")
        elif op.kind == "tp":
            if op.idx.size == 0:
                continue
            arr = tp[op.field]
            if op.field not in owned:
                arr = np.tile(arr, (s // arr.shape[0], 1))
                owned.add(op.field)
            arr[:, op.idx] = np.maximum(_combine(arr[:, op.idx], x, op.change), 0.0)
            tp[op.field] = arr
        elif op.kind == "param":
            known = (op.group == "effort" and op.field in _EFFORT_NAMES) or (
                op.group == "emotion" and op.field == "expected_wait_s"
            )
            if known:
                params[op.field] = np.maximum(_combine(params[op.field], x, op.change), 0.0)
        elif op.kind == "econ":
            mult, add = econ.get(op.field, (np.ones(s), np.zeros(s)))
            xv = x[:, 0]
            if op.change == EffectChange.MULTIPLY:
                mult, add = mult * xv, add * xv
            elif op.change == EffectChange.ADD:
                add = add + xv
            else:
                mult, add = np.zeros(s), np.broadcast_to(xv, (s,)).copy()
            econ[op.field] = (mult, add)
    overflow = 0
    if targeted.any():
        prob, overflow = _renormalise(c, prob, targeted)
    edges["probability"] = prob
    tp.update(params)
    return edges, tp, econ, overflow


def _step_waits(
    c: Compiled, op: Op, x: Array, s: int, wait: Array, current: dict[int, Array]
) -> Array:
    """A designed step's wait changed: the flow-time waits follow (the designed-wait rule).

    A touchpoint's designed wait is the mean over its designed visits of their steps'
    waits (:func:`cxkit.core.metrics.designed_waits`), so changing one step's wait by
    ``Δ`` moves it by ``Δ / visits``, on every edge into the touchpoint that declares no
    wait of its own. ``current`` holds each step's wait as the operations so far left it.
    """
    from cxkit.core.metrics import designed_path

    steps = c.journey.steps
    visits = designed_path(c.journey)
    index = {t: i for i, t in enumerate(c.tp_ids)}
    wait = np.tile(wait, (s // wait.shape[0], 1))  # a copy: the caller's may be shared
    for si in op.idx.tolist():
        tp_id = steps[si].touchpoint
        if tp_id not in index or tp_id not in visits:
            continue
        old = current.get(si, np.full((s, 1), float(steps[si].wait_s or 0.0)))
        new = np.maximum(_combine(old, x, op.change), 0.0)
        current[si] = new
        into = np.flatnonzero((c.tgt == index[tp_id]) & (c.own_wait == 0.0))
        wait[:, into] += (new - old) / visits.count(tp_id)
    return wait


def _renormalise(c: Compiled, prob: Array, targeted: NDArray[np.bool_]) -> tuple[Array, int]:
    """Changed hand-offs keep their values; the others of the touchpoint share the rest."""
    order = np.argsort(c.src, kind="stable")  # every touchpoint has its remainder edge
    starts = np.flatnonzero(np.r_[True, c.src[order][1:] != c.src[order][:-1]])

    def per_source(x: Array) -> Array:
        return np.add.reduceat(x[:, order], starts, axis=1)  # (S, n)

    t_mask = targeted.astype(float)
    t_sum = per_source(prob * t_mask)
    u_sum = per_source(prob * (1.0 - t_mask))
    touched = per_source(t_mask[None, :])[0] > 0  # touchpoints with a changed hand-off
    over = touched[None, :] & (t_sum > 1.0 + 1e-12)
    overflow = int(over.any(axis=1).sum())
    t_scale = np.where(over, 1.0 / np.where(over, t_sum, 1.0), 1.0)
    free = np.maximum(np.where(over, 0.0, 1.0 - t_sum), 0.0)
    u_scale = np.where(u_sum > 0, free / np.where(u_sum > 0, u_sum, 1.0), 0.0)
    u_scale = np.where(touched[None, :], u_scale, 1.0)
    out = prob * np.where(targeted[None, :], t_scale[:, c.src], u_scale[:, c.src])
    # no other probability to scale: the free part goes to the remainder edge
    empty = touched[None, :] & (u_sum <= 0) & (free > 0)
    if empty.any():
        rem = np.flatnonzero(c.remainder)
        rem_src = c.src[rem]
        out[:, rem] += np.where(empty[:, rem_src], free[:, rem_src], 0.0)
    return out, overflow


def reason_mix(c: Compiled, values: Array | None, s: int) -> tuple[Array, Array | None]:
    """``(S, R)`` call-reason weights per row, and the volume (``None``: unchanged).

    A ``reasons:`` effect scales the arrivals ``a_r`` of some call reasons: per row,
    the journeys that still start are ``Σ_r w_r·a_r`` of the baseline's (the
    *volume*) and the reasons mix with weights ``w_r·a_r / Σ w_r·a_r``. Every metric
    of a journey is linear in its reasons' weights, so the one solve per row (visits
    and absorption per reason) is mixed with each row's own weights.
    """
    r_count = c.pi0.shape[0]
    ops = [op for op in c.ops if op.kind == "reason" and op.idx.size]
    if not ops:
        return np.broadcast_to(c.shares, (s, r_count)), None
    arrivals = np.ones((s, r_count))
    for op in ops:
        x = _values(op, values, s)
        arrivals[:, op.idx] = np.maximum(_combine(arrivals[:, op.idx], x, op.change), 0.0)
    w = c.shares[None, :] * arrivals
    volume = w.sum(axis=1)
    safe = np.where(volume > 0, volume, 1.0)
    mix = np.where(volume[:, None] > 0, w / safe[:, None], c.shares[None, :])
    return mix, volume


def run(
    c: Compiled,
    values: Array | None = None,
    *,
    rows: int | None = None,
    detail_rows: int | None = None,
) -> Metrics:
    """Solve the scenario for every row of effect ``values`` (``(S, n_columns)``).

    ``values=None`` with ``rows=None`` solves the scenario once with its constant
    operations only (the baseline, or initiatives whose effects are all fixed at
    the given constants). With ``detail_rows=k`` only the first ``k`` rows get the
    descriptive metrics (counts, waits, effort, handle time); the others get what
    the valuation needs (absorption, resolution shares, cost) and ``nan``
    elsewhere — this is how :func:`cxkit.roi.evaluate` keeps its Monte Carlo rows
    cheap.
    """
    s = int(values.shape[0]) if values is not None else int(rows or 1)
    edges, tp, econ, overflow = apply_ops(c, values, s)
    w, volume = reason_mix(c, values, s)
    if volume is not None:  # fewer journeys start: fewer contacts to pay for
        mult, add = econ.get("contact_rate", (np.ones(s), np.zeros(s)))
        econ["contact_rate"] = (mult * volume, add * volume)
    prob = edges["probability"]
    # identical chains in every row: solve once
    if s > 1 and bool(np.all(prob == prob[:1])):
        solved = _solve(c, prob[:1])
        solved = {k: np.broadcast_to(v, (s, *v.shape[1:])) for k, v in solved.items()}
    else:
        solved = _solve(c, prob)
    return _metrics(c, edges, tp, econ, solved, s, overflow, w, detail_rows)


def _topology(c: Compiled) -> CompiledJourney:
    """The scenario's chain as the compiled form the one solver takes (built with it)."""
    assert c.chain is not None  # compile_scenario always sets it
    return c.chain


def _solve(c: Compiled, prob: Array) -> dict[str, Array]:
    """Visits and absorption per reason, N_jj and the FCR layers for rows of ``prob``:
    :func:`cxkit.core.chain.solve_chain` on the scenario's chain."""
    try:
        sol = solve_chain(_topology(c), c.pi0, prob, resolution=c.resolved)
    except SimulationError as exc:
        raise SimulationError(
            f"{exc} (check the hand-off probabilities the effects produce)"
        ) from None
    return {
        "visits": sol.visits,
        "absorption": sol.absorption,
        "ndiag": sol.ndiag,
        "resolved_le1": sol.resolved_first,  # type: ignore[dict-item]
        "resolved_le0": sol.resolved_none,  # type: ignore[dict-item]
    }


def _metrics(
    c: Compiled,
    edges: dict[str, Array],
    tp: dict[str, Array],
    econ: dict[str, tuple[Array, Array]],
    solved: dict[str, Array],
    s: int,
    overflow: int,
    w: Array,
    detail_rows: int | None = None,
) -> Metrics:
    n = c.n
    prob = edges["probability"]
    visits_r = solved["visits"]  # (S, n, R)
    v = np.einsum("snr,sr->sn", visits_r, w)  # (S, n)
    # what the valuation needs, for every row
    kappa = edges["context_carryover"]
    lossy = np.flatnonzero(c.between & (np.broadcast_to(kappa, prob.shape) < 1).any(axis=0))
    lose_l = (
        (1.0 - np.broadcast_to(kappa, prob.shape)[:, lossy]) * v[:, c.src[lossy]] * prob[:, lossy]
    )
    re_time = np.where(
        np.isnan(edges["reexplain_time_s"]), tp["reexplain_time_s"], edges["reexplain_time_s"]
    )
    re_time_l = np.broadcast_to(re_time, prob.shape)[:, lossy]
    cost = np.broadcast_to(tp["cost_per_contact"], (s, n))
    handle = np.broadcast_to(tp["handle_time_s"], (s, n))
    tgt_l = c.tgt[lossy]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_l = np.where(
            handle[:, tgt_l] > 0,
            cost[:, tgt_l] / np.where(handle[:, tgt_l] > 0, handle[:, tgt_l], 1),
            0,
        )
    re_cost = (lose_l * re_time_l * rate_l).sum(axis=1)
    absorption = np.einsum("srm,sr->sm", solved["absorption"], w)  # (S, m)
    p_res = absorption @ c.resolved.astype(float)
    le1 = np.minimum(np.einsum("sr,sr->s", solved["resolved_le1"], w), p_res)
    fcr = np.clip(np.stack([le1, p_res - le1, 1.0 - p_res], axis=1), 0.0, 1.0)
    le0 = np.minimum(np.einsum("sr,sr->s", solved["resolved_le0"], w), le1)
    # the FCR *metric* applies to outcomes of kind resolved only (core.metrics); the
    # V-A resolution classes above fall back to positive-sign outcomes (_resolved_mask)
    fcr_na = _m.fcr_applicability(o.kind for o in c.journey.graph.outcomes)
    fcr_metric = np.full(s, np.nan) if fcr_na else _m.first_contact_resolution(le1, le0)
    contact_cost = (v * cost).sum(axis=1)
    k = s if detail_rows is None else min(s, int(detail_rows))
    detail = _detail(c, edges, tp, solved, prob[:k], k, w[:k])
    if k < s:
        detail = {
            name: np.concatenate([arr, np.full(s - k, np.nan)]) for name, arr in detail.items()
        }
    return Metrics(
        absorption=absorption,
        visits=v,
        fcr_shares=fcr,
        contact_cost=contact_cost,
        reexplain_cost=re_cost,
        resolved_without_contact=le0,
        econ=econ,
        renormalised_overflow=overflow,
        fcr=np.asarray(fcr_metric, dtype=np.float64).reshape(s),
        not_applicable={} if fcr_na is None else {"fcr": fcr_na},
        **detail,
    )


def _detail(
    c: Compiled,
    edges: dict[str, Array],
    tp: dict[str, Array],
    solved: dict[str, Array],
    prob: Array,
    s: int,
    w: Array,
) -> dict[str, Array]:
    """The descriptive metrics (counts, waits, effort, handle time) of the first ``s`` rows:
    :func:`cxkit.core.chain.expected_counts` per call reason, mixed with each row's
    reason weights ``w``."""
    tp = {k: val[:s] for k, val in tp.items()}
    re_eff = edges["reexplain_effort"][:s]
    re_time = edges["reexplain_time_s"][:s]
    wexp = np.where(np.isnan(c.reason_wexp)[None, :], tp["expected_wait_s"], c.reason_wexp[None, :])
    weights = {
        name: tp[name]
        for name in ("w_switch", "w_transfer", "w_repeat_contact", "w_wait_per_minute")
    }
    counts = expected_counts(
        _topology(c),
        solved["visits"][:s],
        solved["ndiag"][:s],
        wexp,
        weights,
        prob=prob,
        kappa=edges["context_carryover"][:s],
        wait_s=edges["wait_s"][:s],
        reexplain_effort=np.where(np.isnan(re_eff), tp["w_reexplain"], re_eff),
        reexplain_time_s=np.where(np.isnan(re_time), tp["reexplain_time_s"], re_time),
        cost=tp["cost_per_contact"],
        handle_time_s=tp["handle_time_s"],
    )
    mixed = {name: np.einsum("sr,sr->s", arr, w) for name, arr in counts.items()}
    names = (
        "contacts",
        "service_contacts",
        "switches",
        "transfers",
        "context_losses",
        "repeat_contacts",
        "excess_wait_s",
        "wait_s",
        "effort_index",
        "handle_time_s",
    )
    out = {name: mixed[name] for name in names}
    # CES of the expected counts (an upper bound of the mean CES, Jensen); the valuation
    # replaces it by the effort-level chain's mean CES (effort_distribution)
    out["ces"] = _m.ces5(out["effort_index"])
    return out


# ----------------------------------------------------------------------------- effort levels


def effort_distribution(
    c: Compiled,
    values: Array | None = None,
    *,
    rows: int | None = None,
) -> tuple[Array, Array]:
    """Mean CES5 (clipped to [1, 5]) and mean ``g(CES5)`` per row, from an effort-level chain.

    The CES of a journey is the mean over its customers of their effort index clipped
    to [1, 5] (:func:`cxkit.core.metrics.ces5`), as :func:`cxkit.sim.simulate` reports
    it. The chain of :func:`cxkit.roi._effort.effort_levels` tracks what a customer's
    effort depends on — the touchpoint, the effort level on a 0.25-point grid up to the
    cap at 5, and the service touchpoints already visited (a repeat contact is charged
    when it happens) — solved level by level for every row at once.

    Returns
    -------
    tuple of numpy.ndarray
        ``(mean CES5, mean g(CES5))``, one value per row; ``g`` is model V-B's
        piecewise-linear disloyalty share (model reference §4.4).
    """
    s = int(values.shape[0]) if values is not None else int(rows or 1)
    edges, tp, _, _ = apply_ops(c, values, s)
    levels = effort_levels(c, edges, tp, reason_mix(c, values, s)[0])
    return levels.ces, levels.g
