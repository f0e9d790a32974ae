"""The one absorbing-chain solver, batched over draws (model reference §3.2).

Every number cxkit derives from a touchpoint graph — the exact simulation, the ROI
engine's draws of initiative effects, attribution's removal effects and drift on a
discovered chain — comes from :func:`solve_chain`. A *draw* is one row of hand-off
probabilities over the same compiled topology; one draw is the exact answer.

With ``Q`` the touchpoint → touchpoint and ``R`` the touchpoint → outcome
probabilities of a draw and ``N = (I − Q)⁻¹`` (never formed):

* visits per call reason ``v_c = π0_cᵀ N`` (a solve with ``(I − Q)ᵀ``);
* absorption per call reason ``π0_cᵀ N R = v_cᵀ R``;
* ``N_jj``, the diagonal of ``N`` on cycles (1 off cycles): ``P(ever revisit j)
  = 1 − 1/N_jj`` gives repeat contacts;
* optionally ``N R`` (absorption from every touchpoint), ``t = N 1`` (expected steps
  from every touchpoint) and ``E[steps²] = 2 N t − t``;
* optionally the first-contact-resolution layers: the probability of ending in a
  resolution outcome with no service contact, and with at most one.

Only the touchpoints from which the chain surely ends are solved; a start that can
reach a touchpoint from which no outcome is reachable raises
:class:`~cxkit.core.errors.SimulationError` naming both.

Kernels. A system of at most :data:`DENSE_MAX` touchpoints is solved by LAPACK on a
stacked ``(S, k, k)`` array (:func:`numpy.linalg.solve`), a larger one by a sparse LU
per draw (:func:`scipy.sparse.linalg.splu`). The kernel depends on the size of the
system only, never on the number of draws, so a draw solved alone and the same draw
solved in a batch give the same bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph
from scipy.sparse.linalg import splu

from cxkit.core import metrics
from cxkit.core.compiled import CompiledJourney, reachable
from cxkit.core.errors import SimulationError

__all__ = ["DENSE_MAX", "ChainSolution", "expected_counts", "solve_chain", "surely_ending"]

Array = NDArray[np.float64]

#: Systems of at most this many touchpoints are solved densely (stacked LAPACK).
DENSE_MAX = 160

#: A dense batch holds at most this many floats of ``(S, k, k)`` at once.
_CHUNK_FLOATS = 6_000_000

#: Columns of ``N`` solved at once when diagonal entries are read from a large sparse
#: component (small blocks keep SuperLU on level-2 BLAS: 256 columns were 20× slower on
#: a busy 2-core machine).
_DIAG_BLOCK = 32


@dataclass(frozen=True, eq=False)
class ChainSolution:
    """What :func:`solve_chain` found, for ``S`` draws and ``R`` call reasons.

    Arrays have the draws first. Touchpoints outside :attr:`ok` (those from which the
    chain may never end, unreachable from the start) have no visits and ``nan``
    elsewhere; an optional result that was not asked for is ``None``.

    Attributes
    ----------
    ok
        ``(n,)`` touchpoints in the solved system.
    visits
        ``(S, n, R)`` expected visits per call reason.
    absorption
        ``(S, R, m)`` probability of each outcome per call reason.
    ndiag
        ``(S, n)`` ``N_jj``: 1 off cycles, ``nan`` where not asked for (``revisits=False``).
    absorption_from
        ``(S, n, m)`` ``N R``: absorption from each touchpoint.
    steps_from, second_from
        ``(S, n)`` expected steps ``N 1`` and ``E[steps²]`` from each touchpoint.
    resolved_none, resolved_first
        ``(S, R)`` probability of ending in a resolution outcome with no service
        contact, and with at most one.
    """

    ok: NDArray[np.bool_]
    visits: Array
    absorption: Array
    ndiag: Array
    absorption_from: Array | None = None
    steps_from: Array | None = None
    second_from: Array | None = None
    resolved_none: Array | None = None
    resolved_first: Array | None = None


def _names(ids: Sequence[str], mask: NDArray[np.bool_], limit: int = 10) -> str:
    chosen = [ids[i] for i in np.flatnonzero(mask)]
    shown = ", ".join(repr(c) for c in chosen[:limit])
    return shown + (f", … ({len(chosen)} in all)" if len(chosen) > limit else "")


def surely_ending(
    chain: CompiledJourney, positive: NDArray[np.bool_], start: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Touchpoints from which the chain surely ends, over the edges ``positive``.

    Raises
    ------
    SimulationError
        When a touchpoint reachable from ``start`` can never reach an outcome.

    Examples
    --------
    >>> c = CompiledJourney.from_edges(
    ...     [("a", "done", 1.0), ("b", "c", 1.0), ("c", "b", 1.0)], ["a", "b", "c"], ["done"]
    ... )
    >>> surely_ending(c, c.prob > 0, np.array([True, False, False])).tolist()
    [True, False, False]
    """
    n = chain.n
    tt = positive & (chain.target < n)
    adj = sp.csr_matrix(
        (np.ones(int(tt.sum()), dtype=np.int8), (chain.source[tt], chain.target[tt])),
        shape=(n, n),
    )
    exits = np.zeros(n, dtype=bool)
    exits[chain.source[positive & (chain.target >= n)]] = True
    back = adj.T.tocsr()
    trapped = ~reachable(back, exits)
    doomed = reachable(back, trapped)  # they can fall into a trap: not sure to end
    stuck = trapped & reachable(adj, start)
    if stuck.any():
        ids = chain.touchpoint_ids
        raise SimulationError(
            "the journey never ends for some customers: no outcome can be reached from "
            f"touchpoint(s) {_names(ids, stuck)}, which customers reach from the start "
            f"{_names(ids, start)} (the chain's spectral radius is 1; I − Q is singular); "
            "expected every touchpoint reachable from the start to lead to an outcome — "
            "add a hand-off from them to an outcome"
        )
    return ~doomed


def _grouped(keys: NDArray[np.int64], values: Array, size: int) -> Array:
    """``(S, size)`` sums of ``values`` (S, K) by column ``keys`` (duplicates summed)."""
    out = np.zeros((values.shape[0], size))
    if keys.size == 0:
        return out
    if np.unique(keys).size == keys.size:  # the usual case: one edge per pair
        out[:, keys] = values
        return out
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    out[:, k[starts]] = np.add.reduceat(values[:, order], starts, axis=1)
    return out


@dataclass(frozen=True, eq=False)
class _System:
    """The solved sub-system: local indices of its edges and its start columns."""

    idx: NDArray[np.int64]  # touchpoints of the system
    q_key: NDArray[np.int64]  # local row * k + local col of each Q edge
    q_edges: NDArray[np.int64]
    r_key: NDArray[np.int64]  # local row * m + outcome of each R edge
    r_edges: NDArray[np.int64]
    pi: Array  # (k, R)
    service: NDArray[np.bool_]  # (k,)
    cyclic: NDArray[np.bool_]  # (k,) on a cycle of some draw

    @property
    def k(self) -> int:
        return int(self.idx.size)


def _system(chain: CompiledJourney, prob: Array, pi0: Array) -> _System:
    n = chain.n
    positive = (prob > 0).any(axis=0)
    ok = surely_ending(chain, positive, (pi0 > 0).any(axis=0))
    idx = np.flatnonzero(ok)
    local = np.full(n, -1, dtype=np.int64)
    local[idx] = np.arange(idx.size)
    k = idx.size
    src_ok = positive & ok[chain.source]
    tt = np.flatnonzero(src_ok & (chain.target < n))
    to = np.flatnonzero(src_ok & (chain.target >= n))
    li, lj = local[chain.source[tt]], local[chain.target[tt]]
    adj = sp.csr_matrix((np.ones(tt.size, dtype=np.int8), (li, lj)), shape=(k, k))
    _, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=1)
    cyclic = np.zeros(k, dtype=bool)
    if k:
        cyclic = sizes[labels] > 1
        cyclic[li[li == lj]] = True
    return _System(
        idx=idx,
        q_key=li * k + lj,
        q_edges=tt,
        r_key=local[chain.source[to]] * chain.m + (chain.target[to] - n),
        r_edges=to,
        pi=np.ascontiguousarray(pi0[:, idx].T),
        service=chain.is_service[idx],
        cyclic=cyclic,
    )


def solve_chain(
    chain: CompiledJourney,
    pi0: Array,
    prob: Array | None = None,
    *,
    revisits: bool = True,
    absorption_from: bool = False,
    steps: bool = False,
    resolution: NDArray[np.bool_] | None = None,
) -> ChainSolution:
    """Solve the absorbing chain of ``chain`` for every draw of ``prob``.

    Parameters
    ----------
    chain
        The compiled topology (its ``prob`` is the draw used when ``prob`` is ``None``).
    pi0
        ``(R, n)`` start distributions, one per call reason.
    prob
        ``(S, n_edges)`` hand-off probabilities, one row per draw; ``None``: one draw,
        ``chain.prob``.
    revisits
        Compute ``N_jj`` on cycles (for repeat contacts and reach); ``False`` leaves
        ``nan`` there (very large cyclic graphs).
    absorption_from, steps
        Also compute ``N R`` (absorption from every touchpoint), and the first two
        moments of the number of steps from every touchpoint.
    resolution
        ``(m,)`` outcomes that count as resolved: also compute the first-contact
        resolution layers.

    Returns
    -------
    ChainSolution

    Raises
    ------
    SimulationError
        When the start reaches a touchpoint that never ends, or a draw is singular.

    Examples
    --------
    Example B's web → phone chain (model reference §3.2): half the customers resolve
    on the web, the rest phone, where 80 % resolve.

    >>> c = CompiledJourney.from_edges(
    ...     [
    ...         ("web", "ok", 0.5),
    ...         ("web", "phone", 0.5),
    ...         ("phone", "ok", 0.8),
    ...         ("phone", "lost", 0.2),
    ...     ],
    ...     ["web", "phone"],
    ...     ["ok", "lost"],
    ... )
    >>> s = solve_chain(c, np.array([[1.0, 0.0]]))
    >>> s.absorption[0, 0].tolist(), s.visits[0, :, 0].tolist()
    ([0.9, 0.1], [1.0, 0.5])

    Two draws at once: the second one doubles the phone hand-off's losses.

    >>> draws = np.array([c.prob, [0.5, 0.5, 0.6, 0.4]])
    >>> solve_chain(c, np.array([[1.0, 0.0]]), draws).absorption[:, 0, 1].round(6).tolist()
    [0.1, 0.2]
    """
    p = np.atleast_2d(np.asarray(chain.prob if prob is None else prob, dtype=np.float64))
    pi0 = np.atleast_2d(np.asarray(pi0, dtype=np.float64))
    sysm = _system(chain, p, pi0)
    dense = sysm.k <= DENSE_MAX
    kernel = _dense if dense and sysm.k else _sparse
    want = {"absorption_from": absorption_from, "steps": steps}
    res = None if resolution is None else np.asarray(resolution, dtype=np.float64)
    if dense and sysm.k:
        per = max(1, _CHUNK_FLOATS // max(1, sysm.k * sysm.k))
        parts = [
            kernel(chain, sysm, p[lo : lo + per], revisits, want, res)
            for lo in range(0, p.shape[0], per)
        ]
        out = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    else:
        out = kernel(chain, sysm, p, revisits, want, res)
    return _expand(chain, sysm, out, p.shape[0], pi0.shape[0])


def _expand(
    chain: CompiledJourney, sysm: _System, out: dict[str, Array], s: int, r: int
) -> ChainSolution:
    """Put the system's local results back on all ``n`` touchpoints."""
    n, idx = chain.n, sysm.idx

    def full(name: str, tail: tuple[int, ...], fill: float) -> Array | None:
        if name not in out:
            return None
        if idx.size == n:  # every touchpoint solved: nothing to put back
            return out[name]
        arr = np.full((s, n, *tail), fill)
        arr[:, idx] = out[name]
        return arr

    ok = np.zeros(n, dtype=bool)
    ok[idx] = True
    return ChainSolution(
        ok=ok,
        visits=full("visits", (r,), 0.0),  # type: ignore[arg-type]
        absorption=out["absorption"],
        ndiag=full("ndiag", (), np.nan),  # type: ignore[arg-type]
        absorption_from=full("absorption_from", (chain.m,), np.nan),
        steps_from=full("steps_from", (), np.nan),
        second_from=full("second_from", (), np.nan),
        resolved_none=out.get("resolved_none"),
        resolved_first=out.get("resolved_first"),
    )


def _singular() -> SimulationError:
    return SimulationError(
        "the chain is numerically singular: customers circle for ever between touchpoints "
        "for some hand-off probabilities (expected every touchpoint to lead to an outcome)"
    )


def _dense(
    chain: CompiledJourney,
    sysm: _System,
    prob: Array,
    revisits: bool,
    want: dict[str, bool],
    resolution: Array | None,
) -> dict[str, Array]:
    """Stacked LAPACK solves of the ``(S, k, k)`` systems of a batch of draws."""
    s, k, m, r = prob.shape[0], sysm.k, chain.m, sysm.pi.shape[1]
    q = _grouped(sysm.q_key, prob[:, sysm.q_edges], k * k).reshape(s, k, k)
    rr = _grouped(sysm.r_key, prob[:, sysm.r_edges], k * m).reshape(s, k, m)
    a = np.eye(k)[None] - q
    # the columns of N_jj are solved even when not wanted, so that the visits do not
    # depend on `revisits` by a rounding of the blocked triangular solves
    cyc = np.flatnonzero(sysm.cyclic)
    rhs = np.zeros((k, r + cyc.size))
    rhs[:, :r] = sysm.pi
    rhs[cyc, r + np.arange(cyc.size)] = 1.0
    try:
        sol = np.linalg.solve(a.transpose(0, 2, 1), np.broadcast_to(rhs, (s, *rhs.shape)))
    except np.linalg.LinAlgError:
        raise _singular() from None
    if not np.all(np.isfinite(sol)):
        raise _singular()
    visits = sol[:, :, :r]
    ndiag = np.where(sysm.cyclic, np.nan, 1.0)[None].repeat(s, axis=0)
    if revisits:
        ndiag[:, cyc] = sol[:, cyc, r + np.arange(cyc.size)]
    out = {
        "visits": visits,
        "absorption": np.einsum("skr,skm->srm", visits, rr),
        "ndiag": ndiag,
    }
    cols = []
    if want["absorption_from"]:
        cols.append(rr)
    if want["steps"]:
        cols.append(np.ones((s, k, 1)))
    if cols:
        right = np.linalg.solve(a, np.concatenate(cols, axis=2))
        if want["absorption_from"]:
            out["absorption_from"] = right[:, :, :m]
        if want["steps"]:
            t = right[:, :, -1]
            out["steps_from"] = t
            out["second_from"] = 2 * np.linalg.solve(a, t[:, :, None])[:, :, 0] - t
    if resolution is not None:
        out.update(_layers_dense(sysm, q, rr @ resolution))
    return out


def _layers_dense(sysm: _System, q: Array, r_res: Array) -> dict[str, Array]:
    """First-contact layers: resolved with no service contact, with at most one."""
    ns, sv = np.flatnonzero(~sysm.service), np.flatnonzero(sysm.service)
    pi = sysm.pi  # (k, R)
    if ns.size == 0:
        first = np.einsum("kr,sk->sr", pi, r_res)
        return {"resolved_none": np.zeros_like(first), "resolved_first": first}
    # one small inverse serves both layers (the non-service block is small)
    inv_t = np.linalg.inv(np.eye(ns.size)[None] - q[:, ns][:, :, ns]).transpose(0, 2, 1)
    v0 = inv_t @ pi[ns]
    e1 = pi[sv][None] + q[:, ns][:, :, sv].transpose(0, 2, 1) @ v0
    v1 = inv_t @ (q[:, sv][:, :, ns].transpose(0, 2, 1) @ e1)
    none = np.einsum("skr,sk->sr", v0, r_res[:, ns])
    first = (
        none + np.einsum("skr,sk->sr", e1, r_res[:, sv]) + np.einsum("skr,sk->sr", v1, r_res[:, ns])
    )
    return {"resolved_none": none, "resolved_first": first}


def _sparse(
    chain: CompiledJourney,
    sysm: _System,
    prob: Array,
    revisits: bool,
    want: dict[str, bool],
    resolution: Array | None,
) -> dict[str, Array]:
    """A sparse LU per draw (large systems)."""
    parts = [_sparse_one(chain, sysm, row, revisits, want, resolution) for row in prob]
    return {key: np.stack([part[key] for part in parts]) for key in parts[0]}


def _sparse_one(
    chain: CompiledJourney,
    sysm: _System,
    prob: Array,
    revisits: bool,
    want: dict[str, bool],
    resolution: Array | None,
) -> dict[str, Array]:
    k, m = sysm.k, chain.m
    q = sp.csr_matrix(
        (prob[sysm.q_edges], (sysm.q_key // max(k, 1), sysm.q_key % max(k, 1))), shape=(k, k)
    )
    rr = np.zeros(k * m)
    np.add.at(rr, sysm.r_key, prob[sysm.r_edges])
    rr = rr.reshape(k, m)
    if k == 0:
        zeros = np.zeros((0, sysm.pi.shape[1]))
        out = {"visits": zeros, "absorption": zeros.T @ rr, "ndiag": np.zeros(0)}
    else:
        try:
            lu = splu((sp.identity(k, format="csc") - q.tocsc()).tocsc())
        except RuntimeError:
            raise _singular() from None
        visits = lu.solve(sysm.pi, trans="T").reshape(k, -1)
        if not np.all(np.isfinite(visits)):
            raise _singular()
        need = (visits.sum(axis=1) > 0) if revisits else np.zeros(k, dtype=bool)
        out = {
            "visits": visits,
            "absorption": visits.T @ rr,
            "ndiag": _diag_of_n(q, need, sysm.cyclic),
        }
        if want["absorption_from"]:
            out["absorption_from"] = lu.solve(rr).reshape(k, m)
        if want["steps"]:
            t = lu.solve(np.ones(k))
            out["steps_from"] = t
            out["second_from"] = 2 * lu.solve(t) - t
    if resolution is not None:
        out.update(_layers_sparse(sysm, q, rr @ resolution))
    return out


def _layers_sparse(sysm: _System, q: sp.csr_matrix, r_res: Array) -> dict[str, Array]:
    ns, sv = np.flatnonzero(~sysm.service), np.flatnonzero(sysm.service)
    pi = sysm.pi
    if ns.size == 0:
        first = pi.T @ r_res
        return {"resolved_none": np.zeros_like(first), "resolved_first": first}
    q = q.tocsr()
    lu = splu((sp.identity(ns.size, format="csc") - q[ns][:, ns]).tocsc())
    v0 = lu.solve(np.ascontiguousarray(pi[ns]), trans="T").reshape(ns.size, -1)
    e1 = pi[sv] + q[ns][:, sv].T @ v0
    v1 = lu.solve(np.ascontiguousarray(q[sv][:, ns].T @ e1), trans="T").reshape(ns.size, -1)
    none = v0.T @ r_res[ns]
    return {"resolved_none": none, "resolved_first": none + e1.T @ r_res[sv] + v1.T @ r_res[ns]}


def _diag_of_n(
    q: sp.csr_matrix, need: NDArray[np.bool_], cyclic: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """``N_jj`` for the states in ``need`` (1 off cycles; ``nan`` on cycles not needed).

    A path from ``j`` back to ``j`` never leaves ``j``'s strongly connected
    component C, so ``N_jj = [(I − Q_CC)⁻¹]_jj``: a self-loop alone gives
    ``1/(1 − q_jj)``; a small component (≤ 64 states) is solved densely; a larger
    one by a sparse LU of ``I − Q_CC`` and column solves, ``_DIAG_BLOCK`` at a time.
    """
    k = q.shape[0]
    out = np.ones(k)
    _, labels = csgraph.connected_components(q, directed=True, connection="strong")
    sizes = np.bincount(labels)
    qdiag = q.diagonal()
    out[cyclic & ~need] = np.nan
    single = cyclic & need & (sizes[labels] == 1)
    out[single] = 1.0 / (1.0 - qdiag[single])
    multi = need & (sizes[labels] > 1)
    if not multi.any():
        return out
    order = np.argsort(labels, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k) - bounds[labels[order]]
    coo = q.tocoo()
    inside = labels[coo.row] == labels[coo.col]
    e_comp = labels[coo.row[inside]]
    e_order = np.argsort(e_comp, kind="stable")
    e_comp = e_comp[e_order]
    e_row = rank[coo.row[inside][e_order]]
    e_col = rank[coo.col[inside][e_order]]
    e_val = coo.data[inside][e_order]
    for comp in np.unique(labels[multi]):  # one iteration per component, not per customer
        members = order[bounds[comp] : bounds[comp + 1]]
        size = members.size
        wanted = np.flatnonzero(need[members])
        lo, hi = np.searchsorted(e_comp, [comp, comp + 1])
        rhs = np.zeros((size, wanted.size))
        rhs[wanted, np.arange(wanted.size)] = 1.0
        if size <= 64:
            lhs = np.eye(size)
            np.subtract.at(lhs, (e_row[lo:hi], e_col[lo:hi]), e_val[lo:hi])
            sol = np.linalg.solve(lhs, rhs)
        else:
            block = sp.csc_matrix((e_val[lo:hi], (e_row[lo:hi], e_col[lo:hi])), shape=(size, size))
            lu = splu((sp.identity(size, format="csc") - block).tocsc())
            sol = np.empty_like(rhs)
            for j in range(0, wanted.size, _DIAG_BLOCK):
                part = lu.solve(rhs[:, j : j + _DIAG_BLOCK])
                sol[:, j : j + _DIAG_BLOCK] = part.reshape(size, -1)
        out[members[wanted]] = sol[wanted, np.arange(wanted.size)]
    return out


def _rows(x: Array, s: int) -> Array:
    """``x`` with the draws first: ``(S, …)`` from ``(…)`` or ``(1|S, …)``."""
    x = np.asarray(x, dtype=np.float64)
    return np.broadcast_to(x, (s, x.shape[-1]))


def expected_counts(
    chain: CompiledJourney,
    visits: Array,
    ndiag: Array,
    expected_wait_s: Array,
    effort: Any,
    *,
    prob: Array | None = None,
    kappa: Array | None = None,
    wait_s: Array | None = None,
    reexplain_effort: Array | None = None,
    reexplain_time_s: Array | None = None,
    cost: Array | None = None,
    handle_time_s: Array | None = None,
) -> dict[str, Array]:
    """The flow-time expected counts of a solved chain, per draw and call reason.

    The one place where a solution's visits become journey figures (model reference
    §3.2, §3.4), for the exact engine (one draw) and the ROI engine (one draw per row
    of effect values): with ``t_e = v_source(e)·p_e`` the expected traversals of edge
    ``e``,

    * contacts ``Σ v``; service contacts ``Σ_service v``;
    * switches and transfers ``Σ t_e`` over the flagged hand-offs;
    * context losses ``Σ t_e (1 − κ_e)`` over hand-offs between touchpoints;
    * repeat contacts ``Σ_service v_j (1 − 1/N_jj)``;
    * waits ``Σ t_e w_e`` and excess waits ``Σ t_e max(w_e − W_exp, 0)``
      (:func:`cxkit.core.metrics.excess_wait`);
    * contact cost ``Σ v·cost``; re-explanation time ``Σ losses·reexplain_time_s``;
      handle time ``Σ v·handle_time_s`` + re-explanation time;
    * the effort index of these counts (:func:`cxkit.core.metrics.effort_index`).

    Parameters
    ----------
    chain
        The compiled chain; its arrays are the defaults of the keyword arguments.
    visits, ndiag
        ``(S, n, R)`` and ``(S, n)`` from :func:`solve_chain`.
    expected_wait_s
        ``(R,)`` or ``(S, R)``: each call reason's expected wait ``W_exp``.
    effort
        The effort weights: :class:`~cxkit.core.params.EffortParams`, or a mapping
        of ``w_switch``, ``w_transfer``, ``w_repeat_contact``, ``w_wait_per_minute``
        to ``(S, 1)`` arrays.
    prob, kappa, wait_s, reexplain_effort, reexplain_time_s
        Per edge, ``(E,)`` or ``(S, E)``: the draw's values.
    cost, handle_time_s
        Per touchpoint, ``(n,)`` or ``(S, n)``.

    Returns
    -------
    dict
        Name → ``(S, R)`` array: ``contacts``, ``service_contacts``, ``switches``,
        ``transfers``, ``context_losses``, ``repeat_contacts``, ``wait_s``,
        ``excess_wait_s``, ``reexplain_effort``, ``cost``, ``reexplain_time_s``,
        ``handle_time_s``, ``effort_index``.

    Examples
    --------
    >>> c = CompiledJourney.from_edges(
    ...     [("web", "phone", 0.5), ("web", "ok", 0.5), ("phone", "ok", 1.0)],
    ...     ["web", "phone"],
    ...     ["ok"],
    ... )
    >>> sol = solve_chain(c, np.array([[1.0, 0.0]]))
    >>> from cxkit.core.params import EffortParams
    >>> k = expected_counts(
    ...     c,
    ...     sol.visits,
    ...     sol.ndiag,
    ...     np.array([60.0]),
    ...     EffortParams(),
    ...     kappa=np.array([0.0, 1.0, 1.0]),
    ...     wait_s=np.array([180.0, 0, 0]),
    ... )
    >>> float(k["context_losses"][0, 0]), float(k["excess_wait_s"][0, 0])
    (0.5, 60.0)
    """
    s = visits.shape[0]

    def rows(given: Array | None, default: Array) -> Array:
        return _rows(default if given is None else given, s)

    p, kap, wait = rows(prob, chain.prob), rows(kappa, chain.kappa), rows(wait_s, chain.wait_s)
    re_eff = rows(reexplain_effort, chain.reexplain_effort)
    re_t = rows(reexplain_time_s, chain.reexplain_time_s)
    cost_n, handle = rows(cost, chain.cost), rows(handle_time_s, chain.handle_time_s)
    wexp = _rows(expected_wait_s, s)  # (S, R)
    return _counts(chain, visits, ndiag, effort, p, kap, wait, wexp, re_eff, re_t, cost_n, handle)


def _counts(
    chain: CompiledJourney,
    visits: Array,
    ndiag: Array,
    effort: Any,
    p: Array,
    kap: Array,
    wait: Array,
    wexp: Array,
    re_eff: Array,
    re_t: Array,
    cost_n: Array,
    handle: Array,
) -> dict[str, Array]:
    """The sums of :func:`expected_counts`, every input with the draws first."""
    src = chain.source
    trav = visits[:, src, :] * p[:, :, None]  # (S, E, R)
    lose = np.where(chain.between_touchpoints[None, :], 1.0 - kap, 0.0)[:, :, None] * trav
    with np.errstate(invalid="ignore", divide="ignore"):
        ever = np.where(visits.sum(axis=2) > 0, 1.0 / ndiag, 1.0)  # nan where N_jj unknown
    svc = chain.is_service
    out = {
        "contacts": visits.sum(axis=1),
        "service_contacts": visits[:, svc, :].sum(axis=1),
        "switches": trav[:, chain.switch, :].sum(axis=1),
        "transfers": trav[:, chain.transfer, :].sum(axis=1),
        "context_losses": lose.sum(axis=1),
        "repeat_contacts": (visits * (1.0 - ever)[:, :, None])[:, svc, :].sum(axis=1),
        "wait_s": np.einsum("ser,se->sr", trav, wait),
        "excess_wait_s": (trav * metrics.excess_wait(wait[:, :, None], wexp[:, None, :])).sum(
            axis=1
        ),
        "reexplain_effort": np.einsum("ser,se->sr", lose, re_eff),
        "cost": np.einsum("snr,sn->sr", visits, cost_n),
        "reexplain_time_s": np.einsum("ser,se->sr", lose, re_t),
    }
    out["handle_time_s"] = np.einsum("snr,sn->sr", visits, handle) + out["reexplain_time_s"]
    out["effort_index"] = np.asarray(
        metrics.effort_index(
            out["switches"],
            out["reexplain_effort"],
            out["transfers"],
            out["repeat_contacts"],
            out["excess_wait_s"],
            effort,
        ),
        dtype=np.float64,
    )
    return out
