"""The effort-level chain of the ROI engine: the mean CES of a scenario, per draw.

A customer's CES is the effort index clipped to [1, 5] (model reference §3.4,
:func:`cxkit.core.metrics.ces5`), and the CES of a journey is the mean over its
customers — what :func:`cxkit.sim.simulate` reports. The clip makes it a path
functional: the exact chain's expected effort index, clipped, is only an upper bound
(Jensen). This module gives the mean CES and the mean ``g(CES)`` of model V-B
(§4.4) for many rows of effect values at once, with no Monte Carlo: an absorbing
chain whose states carry what a customer's effort depends on.

States
------
``(touchpoint, effort level, visited set)``:

* the **effort level** on a grid of :data:`EFFORT_GRID` points, from CES 1 up to
  5, where a customer stops (every level from 5 on is the *cap*: the clip is exact);
* the **visited set**: the service touchpoints on a cycle (the only ones that can
  be visited again, as :func:`cxkit.sim.simulate` counts repeat contacts) the
  customer has already been to. Entering one of them again is a repeat contact
  (``w_repeat_contact``), entering it for the first time is not — so repeat contacts
  are charged where and when they happen. A touchpoint leaves the set as soon as it
  cannot be reached before the cap any more (its repeat could only land at 5 either
  way), which keeps the chain small: 100–160 states on the templates, about 4,000
  on a generated 30-touchpoint journey.

Each hand-off adds its effort (switch, transfer, excess wait for the call reason's
expected wait, re-explanation when the context is lost: two branches with
probabilities ``κ`` and ``1 − κ``, and the repeat contact when the state says so).
An increment off the grid is split between the two neighbouring levels so that the
mean is kept (exact when every increment is a multiple of the grid: the default
weights are). Call reasons with the same expected wait share one mixed start; the
groups of other expected waits (their excess waits differ) are more rows of the same
chain.

The states reachable below the cap are found level by level (vectorised over
states, hand-offs and the levels a hand-off may add in some row). A *move* is a
hand-off from a state, with or without a repeat contact, adding ``d`` levels; its
probability in a row (both branches and both sides of a split summed) is one column
of a small per-row table, so a level costs a few gathers and one ``reduceat`` per
row: its visits are its inflow plus the moves that add no effort (one small batched
solve where there are some), and each move's flow goes to a higher level, an
outcome at a level, or the cap.

If a journey's chain would exceed :data:`MAX_STATES` states (large strongly
connected graphs with many service touchpoints), the touchpoints with the fewest
repeat contacts are dropped from the visited set, halving it until the chain fits;
their repeat contacts then take the probability that a customer on the hand-off has
been there before, ``h_j·N_js / v_s`` (``h_j`` the probability of ever reaching ``j``,
``N`` the fundamental matrix, ``v`` the visits): right on average, not conditioned on
the level. :func:`effort_levels` says whether the chain was exact.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph

from cxkit.core import metrics as _m
from cxkit.core.compiled import cyclic_touchpoints
from cxkit.core.errors import SimulationError

if TYPE_CHECKING:
    from cxkit.roi._scenario import Compiled

__all__ = ["EFFORT_GRID", "MAX_STATES", "N_LEVELS", "EffortLevels", "effort_levels", "g_of_ces"]

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Grid of the effort levels, in CES points.
EFFORT_GRID = 0.25

#: Levels below the cap: CES 1.00, 1.25 … 4.75; level ``N_LEVELS`` and above is CES 5.
N_LEVELS = round(4.0 / EFFORT_GRID)

#: Most states of one chain; beyond it the visited set is cut (see the module notes).
MAX_STATES = 20_000

#: g(CES) anchors of model V-B (Gartner 2019 [SRC 26]): 0.09 at CES ≤ 2, 0.96 at CES ≥ 4.
G_ANCHORS = ((2.0, 0.09), (4.0, 0.96))

#: Structures kept for scenarios that share them (see :func:`_space`).
_CACHE_SIZE = 32
_CACHE: OrderedDict[bytes, _Space | None] = OrderedDict()
_CACHE_LOCK = threading.Lock()

#: Floats of one row chunk's per-level arrays.
_CHUNK_FLOATS = 2_000_000

#: Kinds of hand-off target: no repeat contact possible, a tracked touchpoint (the
#: state says whether it is a repeat), a touchpoint whose repeats are averaged.
_PLAIN, _TRACKED, _AVERAGED = 0, 1, 2


def g_of_ces(ces: Array) -> Array:
    """Model V-B's disloyalty share ``g(CES)``: 0.09 at CES ≤ 2, linear to 0.96 at CES ≥ 4.

    Examples
    --------
    >>> g_of_ces(np.array([1.0, 3.0, 5.0])).round(3).tolist()
    [0.09, 0.525, 0.96]
    """
    (x0, y0), (x1, y1) = G_ANCHORS
    return np.interp(ces, [x0, x1], [y0, y1])


@dataclass(frozen=True)
class EffortLevels:
    """What :func:`effort_levels` found, one value per row.

    Attributes
    ----------
    ces
        Mean CES5 over the customers who start the journey.
    g
        Mean ``g(CES5)`` (model V-B).
    exact
        Whether every repeat contact was charged from the visited set (no averaged
        touchpoint): the chain is then exact up to the grid.
    states
        States of the chain (every group of call reasons with the same expected
        wait together).
    """

    ces: Array
    g: Array
    exact: bool
    states: int


@dataclass
class _Increments:
    """Per stacked row (group-major: ``g·S + s``) and hand-off: the two branches.

    ``weight[b]`` is ``p·κ`` (context kept, ``b = 0``) or ``p·(1 − κ)`` (lost);
    ``inc[b]`` the effort added, in grid units, without a repeat contact; ``rep`` the
    repeat contact's effort in grid units, per stacked row.
    """

    weight: tuple[Array, Array]
    inc: tuple[Array, Array]
    rep: Array  # (SG, 1)

    @property
    def rows(self) -> int:
        """Stacked rows."""
        return int(self.weight[0].shape[0])


@dataclass
class _Keys:
    """The columns of the per-row move table: one per hand-off ``e``, repeat flag
    ``r`` and number of levels added ``d`` that some row may give it.

    ``first[r, e]`` and ``last[r, e]`` bound ``d`` (``last < first``: never taken);
    key ``start[r·E + e] + d − first[r, e]`` is the column.
    """

    first: IntArray  # (2, E)
    last: IntArray  # (2, E)
    start: IntArray  # (2E + 1,)
    edge: IntArray  # per key
    repeat: IntArray
    offset: IntArray

    @classmethod
    def of(cls, first: IntArray, last: IntArray) -> _Keys:
        """The keys of the ranges ``first … last``."""
        count = np.maximum(last - first + 1, 0).ravel()
        start = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
        pair = np.repeat(np.arange(count.size, dtype=np.int64), count)
        e_count = first.shape[1]
        offset = first.ravel()[pair] + np.arange(pair.size, dtype=np.int64) - start[pair]
        return cls(first, last, start, pair % e_count, pair // e_count, offset)

    def table(self, inc: _Increments, lo: int, hi: int) -> Array:
        """``(rows, keys)``: each key's probability in stacked rows ``lo … hi − 1`` —
        both branches, the lower and upper side of a split increment."""
        out = np.zeros((hi - lo, self.edge.size))
        for r in (0, 1):
            sel = np.flatnonzero(self.repeat == r)
            if not sel.size:
                continue
            e, d = self.edge[sel], self.offset[sel]
            for b in (0, 1):
                x = inc.inc[b][lo:hi] + (inc.rep[lo:hi] if r else 0.0)
                low, frac = _split(x)
                low, frac = low[:, e], frac[:, e]
                share = np.where(d == low, 1.0 - frac, 0.0) + np.where(d == low + 1, frac, 0.0)
                out[:, sel] += inc.weight[b][lo:hi, e] * share
        return out


@dataclass
class _Block:
    """Strongly connected sets of ``k`` states joined by moves that add no level: their
    visits need a ``k × k`` solve (one batched solve for all blocks of a size)."""

    states: IntArray  # (blocks, k) local state indices
    key: IntArray  # the moves inside the blocks, sorted by cell
    starts: IntArray
    cells: IntArray  # distinct cells of the (blocks, k, k) matrix, flattened


@dataclass
class _Wave:
    """States whose visits are known once the earlier waves have passed their flow on
    (a topological layer of the moves that add no level)."""

    blocks: list[_Block]
    # moves that add no level from this wave's states to a later wave's, by target
    key: IntArray
    src: IntArray  # local state
    starts: IntArray
    targets: IntArray  # local states (distinct)


@dataclass
class _Level:
    """The moves out of one level's states (a structure shared by every row)."""

    lo: int  # first state of the level
    hi: int
    waves: list[_Wave]  # the moves that add no level
    # every other move, sorted by target column: a state of a higher level, an outcome
    # at a level (columns n_states + level) or the cap (n_states + N_LEVELS)
    out_key: IntArray
    out_src: IntArray  # local source state
    out_starts: IntArray
    out_cols: IntArray


@dataclass
class _Space:
    """The reachable states below the cap and the moves between them."""

    n_states: int
    start_state: IntArray  # per touchpoint: its start state, or −1
    levels: list[_Level]
    keys: _Keys


def effort_levels(
    c: Compiled,
    edges: dict[str, Array],
    tp: dict[str, Array],
    w: Array,
) -> EffortLevels:
    """Mean CES5 and ``g(CES5)`` per row of a scenario whose effects are applied.

    Parameters
    ----------
    c
        The compiled scenario.
    edges, tp
        Per-row hand-off fields and touchpoint/effort parameters, as
        :func:`cxkit.roi._engine.apply_ops` returns them.
    w
        ``(S, R)`` call-reason weights per row (:func:`cxkit.roi._engine.reason_mix`).

    Returns
    -------
    EffortLevels
    """
    s = int(w.shape[0])
    n = c.n
    prob = edges["probability"]
    e_count = c.n_edges
    kappa = np.where(c.between[None, :], edges["context_carryover"], 1.0)
    re_eff = np.where(
        np.isnan(edges["reexplain_effort"]), tp["w_reexplain"], edges["reexplain_effort"]
    )
    wait = np.broadcast_to(edges["wait_s"], prob.shape)
    base = tp["w_switch"] * c.switch[None, :] + tp["w_transfer"] * c.transfer[None, :]

    # call reasons with the same expected wait share a chain (one start mixed over them)
    by_wait: dict[float, list[int]] = {}
    for ri, x in enumerate(c.reason_wexp.tolist()):
        by_wait.setdefault(-1.0 if math.isnan(x) else x, []).append(ri)
    groups = [m for m in by_wait.values() if (w[:, m].sum(axis=1) > 0).any()]
    n_groups = len(groups)
    share = np.stack([w[:, m].sum(axis=1) for m in groups])  # (G, S)
    safe = np.where(share > 0, share, 1.0)
    start = np.concatenate(
        [(w[:, m] @ c.pi0[m]) / safe[k][:, None] for k, m in enumerate(groups)]
    )  # (G·S, n)
    wexp = np.stack(
        [
            np.broadcast_to(tp["expected_wait_s"][:, 0], (s,))
            if math.isnan(c.reason_wexp[m[0]])
            else np.full(s, c.reason_wexp[m[0]])
            for m in groups
        ]
    )  # (G, S)

    def stacked(a: Array) -> Array:
        return np.broadcast_to(a, (n_groups, s, e_count)).reshape(n_groups * s, e_count)

    excess = _m.excess_wait(wait[None], wexp[:, :, None]) / 60.0 * tp["w_wait_per_minute"][None]
    kept = (base[None] + excess).reshape(n_groups * s, e_count) / EFFORT_GRID
    inc = _Increments(
        weight=(stacked(prob * kappa), stacked(prob * (1.0 - kappa))),
        inc=(kept, kept + stacked(np.broadcast_to(re_eff, prob.shape)) / EFFORT_GRID),
        rep=np.tile(np.broadcast_to(tp["w_repeat_contact"], (s, 1)), (n_groups, 1)) / EFFORT_GRID,
    )

    tracked = _cyclic(c, (prob > 0).any(axis=0)) & c.service
    ranked = np.flatnonzero(tracked)
    n_exact = min(ranked.size, 62 - max(n, 1).bit_length())
    by_repeats = False
    while True:
        if n_exact < ranked.size and not by_repeats:
            ranked = _by_repeats(c, prob[:1], start[:1], ranked)
            by_repeats = True
        exact = np.zeros(n, dtype=bool)
        exact[ranked[:n_exact]] = True
        averaged = tracked & ~exact
        space = _space(c, inc, exact, averaged, start, limit=n_exact > 0)
        if space is not None:
            break
        n_exact //= 2
    rho = _rho(c, prob, start, averaged) if averaged.any() else None
    final, cap = _flow(c, space, inc, start, averaged, rho)
    levels_ces = 1.0 + EFFORT_GRID * np.arange(N_LEVELS)
    total = final.sum(axis=1) + cap
    with np.errstate(invalid="ignore", divide="ignore"):
        norm = np.where(total > 0, 1.0 / total, 0.0)
    ces = ((final @ levels_ces + 5.0 * cap) * norm).reshape(n_groups, s)
    g_cap = float(g_of_ces(np.array([5.0]))[0])
    g = ((final @ g_of_ces(levels_ces) + g_cap * cap) * norm).reshape(n_groups, s)
    return EffortLevels(
        ces=(share * ces).sum(axis=0),
        g=(share * g).sum(axis=0),
        exact=not averaged.any(),
        states=space.n_states,
    )


# ----------------------------------------------------------------------------- structure


def _cyclic(c: Compiled, live: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Touchpoints on a cycle of hand-offs that some row takes (revisits possible)."""
    assert c.chain is not None
    return cyclic_touchpoints(c.chain, live)


def _split(inc: Array) -> tuple[IntArray, Array]:
    """An increment in grid units as its lower level and the share of the upper one
    (the mean is kept); from :data:`N_LEVELS` on, the cap."""
    low = np.floor(inc + 1e-9)
    frac = np.clip(inc - low, 0.0, 1.0)
    frac[frac < 1e-9] = 0.0
    capped = low >= N_LEVELS
    frac[capped] = 0.0
    return np.where(capped, N_LEVELS, low).astype(np.int64), frac


def _ranges(inc: _Increments, repeatable: NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """Per repeat flag and hand-off: the fewest and most levels it adds in a row that
    takes it (rows in chunks)."""
    e_count = repeatable.size
    first = np.full((2, e_count), N_LEVELS + 2, dtype=np.int64)
    last = np.full((2, e_count), -1, dtype=np.int64)
    chunk = max(1, _CHUNK_FLOATS // (4 * max(e_count, 1)))
    for lo in range(0, inc.rows, chunk):
        hi = min(inc.rows, lo + chunk)
        for r in (0, 1):
            if r and not repeatable.any():
                continue
            for b in (0, 1):
                low, frac = _split(inc.inc[b][lo:hi] + (inc.rep[lo:hi] if r else 0.0))
                taken = inc.weight[b][lo:hi] > 0
                lower = taken & (frac < 1.0)
                upper = taken & (frac > 0.0)
                first[r] = np.minimum(
                    first[r],
                    np.minimum(
                        np.where(lower, low, N_LEVELS + 2).min(axis=0),
                        np.where(upper, low + 1, N_LEVELS + 2).min(axis=0),
                    ),
                )
                last[r] = np.maximum(
                    last[r],
                    np.maximum(
                        np.where(lower, low, -1).max(axis=0),
                        np.where(upper, low + 1, -1).max(axis=0),
                    ),
                )
    last[1, ~repeatable] = -1
    return np.minimum(first, N_LEVELS), np.minimum(last, N_LEVELS)


def _space(
    c: Compiled,
    inc: _Increments,
    tracked: NDArray[np.bool_],
    averaged: NDArray[np.bool_],
    start: Array,
    *,
    limit: bool = True,
) -> _Space | None:
    """The states reachable below the cap, level by level; ``None`` beyond
    :data:`MAX_STATES` when ``limit``.

    The structure depends on the rows only through the levels each hand-off may add,
    so scenarios that share them (most initiatives of one journey) share it: the last
    :data:`_CACHE_SIZE` are kept.
    """
    n = c.n
    tgt_tp = np.minimum(c.tgt, n - 1)
    kind = np.full(c.n_edges, _PLAIN, dtype=np.int64)
    kind[c.between & tracked[tgt_tp]] = _TRACKED
    kind[c.between & averaged[tgt_tp]] = _AVERAGED
    first, last = _ranges(inc, kind != _PLAIN)
    starts = np.flatnonzero((start > 0).any(axis=0))
    parts = (c.src, c.tgt, kind, tracked, first, last, starts)
    key = hashlib.blake2b(
        repr((n, [a.size for a in parts], limit and MAX_STATES, N_LEVELS)).encode()
        + b"".join(np.ascontiguousarray(a).tobytes() for a in parts),
        digest_size=20,
    ).digest()
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    space = _build(n, c.src, c.tgt, c.between, kind, tracked, first, last, starts, limit)
    with _CACHE_LOCK:
        _CACHE[key] = space
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return space


def _build(
    n: int,
    src: IntArray,
    tgt: IntArray,
    between: NDArray[np.bool_],
    kind: IntArray,
    tracked: NDArray[np.bool_],
    first: IntArray,
    last: IntArray,
    starts: IntArray,
    limit: bool,
) -> _Space | None:
    """:func:`_space` without the cache."""
    row_ptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).astype(np.int64)
    tgt_tp = np.minimum(tgt, n - 1)
    keys = _Keys.of(first, last)

    # tracked touchpoints as bits; one stays in the set while it can be reached below the
    # cap: ``reach[i, t]``, the fewest levels from i to t over ≥ 1 hand-off
    tracked_ids = np.flatnonzero(tracked)
    shift = tracked_ids.size
    bit = np.zeros(n, dtype=np.int64)
    bit[tracked_ids] = np.left_shift(1, np.arange(shift, dtype=np.int64))
    keep_set = np.zeros((n, N_LEVELS), dtype=np.int64)
    if shift:
        step = first[0]
        tt = between & (last[0] >= step)
        eps = 1.0 / (4.0 * (n + 1))  # dijkstra drops explicit zeros: floored away below
        adj = sp.csr_matrix((step[tt] + eps, (src[tt], tgt[tt])), shape=(n, n))
        dist = csgraph.dijkstra(adj, directed=True)  # 0 on the diagonal
        into = np.flatnonzero(tt & tracked[tgt_tp])
        reach = np.full((n, n), np.inf)
        np.minimum.at(reach.T, tgt[into], (dist[:, src[into]] + step[into] + eps).T)
        reach = np.floor(reach[:, tracked_ids])  # (n, K)
        ahead = reach[:, :, None] + np.arange(N_LEVELS)[None, None, :] < N_LEVELS
        keep_set = (ahead * bit[tracked_ids][None, :, None]).sum(axis=1)
    mask = (1 << shift) - 1

    def key_of(node: IntArray, bits: IntArray, level: IntArray) -> IntArray:
        return (node << shift) | ((bits | bit[node]) & keep_set[node, level])

    start_keys = key_of(starts, np.zeros_like(starts), np.zeros_like(starts))
    pending: list[list[IntArray]] = [[] for _ in range(N_LEVELS)]
    pending[0].append(start_keys)
    known: list[IntArray] = [np.zeros(0, dtype=np.int64)] * N_LEVELS
    found: list[list[dict[str, IntArray]]] = [[] for _ in range(N_LEVELS)]
    total = 0
    for lev in range(N_LEVELS):
        if not pending[lev]:
            continue
        frontier = np.unique(np.concatenate(pending[lev]))
        states = frontier
        while frontier.size:
            moves = _expand(frontier, shift, mask, row_ptr, tgt, kind, bit, keys)
            land = lev + moves["offset"]
            into = (moves["target"] < n) & (land < N_LEVELS)
            t = moves["target"][into]
            moves["key"] = np.zeros_like(land)
            moves["key"][into] = key_of(t, moves["bits"][into], land[into])
            moves["land"] = land
            moves["into"] = into
            found[lev].append(moves)
            same = into & (land == lev)
            frontier = np.setdiff1d(moves["key"][same], states)
            states = np.union1d(states, frontier)
            if limit and total + states.size > MAX_STATES:
                return None
            later = into & (land > lev)
            for up in np.unique(land[later]).tolist():
                pending[up].append(moves["key"][later & (land == up)])
        known[lev] = states
        total += states.size
        if limit and total > MAX_STATES:
            return None

    offsets = np.concatenate([[0], np.cumsum([k.size for k in known])]).astype(np.int64)
    n_states = int(offsets[-1])
    start_state = np.full(n, -1, dtype=np.int64)
    start_state[starts] = np.searchsorted(known[0], start_keys)
    levels: list[_Level] = []
    for lev in range(N_LEVELS):
        if not found[lev]:
            continue
        m = {k: np.concatenate([f[k] for f in found[lev]]) for k in found[lev][0]}
        lo, hi = int(offsets[lev]), int(offsets[lev + 1])
        src_local = np.searchsorted(known[lev], m["source"])
        land, into = m["land"], m["into"]
        col = np.where(
            m["target"] < n, n_states + N_LEVELS, n_states + np.minimum(land, N_LEVELS)
        )  # outcomes at their level, everything from the cap on at the cap
        for up in np.unique(land[into]).tolist():
            sel = into & (land == up)
            col[sel] = offsets[up] + np.searchsorted(known[up], m["key"][sel])
        inner_sel = into & (land == lev)
        moves_in = np.flatnonzero(inner_sel)
        moves_out = np.flatnonzero(~inner_sel)
        out_order, out_starts, out_cols = _grouped(col[moves_out])
        levels.append(
            _Level(
                lo=lo,
                hi=hi,
                waves=_waves(src_local[moves_in], col[moves_in] - lo, m["move_key"][moves_in]),
                out_key=m["move_key"][moves_out][out_order],
                out_src=src_local[moves_out][out_order],
                out_starts=out_starts,
                out_cols=out_cols,
            )
        )
    return _Space(n_states=n_states, start_state=start_state, levels=levels, keys=keys)


def _waves(src: IntArray, tgt: IntArray, key: IntArray) -> list[_Wave]:
    """The moves that add no level (local states ``src → tgt``, table column ``key``)
    as waves: strongly connected components in topological layers."""
    if not src.size:
        return []
    nodes, pos = np.unique(np.concatenate([src, tgt]), return_inverse=True)
    a, b = pos[: src.size], pos[src.size :]
    z = nodes.size
    label = np.arange(z)
    depth = _depths(a, b, z)
    if depth is None:  # a cycle through several states: its strongly connected components
        adj = sp.csr_matrix((np.ones(a.size), (a, b)), shape=(z, z))
        _, label = csgraph.connected_components(adj, directed=True, connection="strong")
        depth = _depths(label[a], label[b], int(label.max()) + 1)
        assert depth is not None
    n_comp = depth.size
    la, lb = label[a], label[b]
    cross = la != lb
    size = np.bincount(label, minlength=n_comp)
    looped = np.zeros(n_comp, dtype=bool)
    looped[la[a == b]] = True
    cyclic = (size > 1) | looped
    waves = []
    for d in range(int(depth.max()) + 1):
        blocks = []
        comps = np.flatnonzero((depth == d) & cyclic)
        for k in np.unique(size[comps]).tolist():
            chosen = comps[size[comps] == k]
            members = np.argsort(label, kind="stable")
            members = members[np.isin(label[members], chosen)].reshape(chosen.size, k)
            slot = np.full(z, -1, dtype=np.int64)  # (block, position) of each member
            slot[members.ravel()] = np.arange(members.size)
            inside = np.flatnonzero(~cross & np.isin(la, chosen))
            cell = (slot[a[inside]] // k) * k * k + (slot[a[inside]] % k) * k + slot[b[inside]] % k
            order, starts, cells = _grouped(cell)
            blocks.append(_Block(nodes[members], key[inside][order], starts, cells))
        leaving = np.flatnonzero(cross & (depth[la] == d))
        if not blocks and not leaving.size:
            continue
        order, starts, targets = _grouped(tgt[leaving])
        waves.append(
            _Wave(
                blocks=blocks,
                key=key[leaving][order],
                src=src[leaving][order],
                starts=starts,
                targets=targets,
            )
        )
    return waves


def _depths(a: IntArray, b: IntArray, z: int) -> IntArray | None:
    """Longest path to each of ``z`` nodes over the arcs ``a → b`` (self-loops aside);
    ``None`` when there is a longer cycle."""
    depth = np.zeros(z, dtype=np.int64)
    keep = a != b
    a, b = a[keep], b[keep]
    for _ in range(z + 1):
        step = np.zeros(z, dtype=np.int64)
        np.maximum.at(step, b, depth[a] + 1)
        if not (step > depth).any():
            return depth
        depth = np.maximum(depth, step)
    return None


def _grouped(key: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """The order that sorts ``key``, where each distinct key starts, the distinct keys."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if key.size else key
    return order, starts, ordered[starts]


def _expand(
    frontier: IntArray,
    shift: int,
    mask: int,
    row_ptr: IntArray,
    tgt: IntArray,
    kind: IntArray,
    bit: IntArray,
    keys: _Keys,
) -> dict[str, IntArray]:
    """Every move out of the states ``frontier`` (keys ``node << shift | set``): per
    hand-off, repeat flag and number of levels added (``move_key``, a table column)."""
    e_count = kind.size
    node = frontier >> shift
    bits = frontier & mask
    deg = row_ptr[node + 1] - row_ptr[node]
    x = np.repeat(np.arange(frontier.size), deg)
    e = np.arange(int(deg.sum()), dtype=np.int64) + np.repeat(
        row_ptr[node] - (np.cumsum(deg) - deg), deg
    )
    k = kind[e]
    visited = (bits[x] & bit[np.minimum(tgt[e], row_ptr.size - 2)]) != 0
    no_repeat = (k != _TRACKED) | ~visited
    repeat = (k == _AVERAGED) | ((k == _TRACKED) & visited)
    lo, hi = keys.first[:, e], keys.last[:, e]  # (2, moves)
    r, m = np.nonzero(np.stack([no_repeat, repeat]) & (hi >= lo))
    count = hi[r, m] - lo[r, m] + 1
    rows = np.repeat(np.arange(m.size), count)
    step = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    r, m = r[rows], m[rows]
    em = e[m]
    return {
        "source": frontier[x[m]],
        "bits": bits[x[m]],
        "target": tgt[em],
        "offset": lo[r, m] + step,
        "move_key": keys.start[r * e_count + em] + step,
    }


# ----------------------------------------------------------------------------- numbers


def _by_repeats(c: Compiled, prob: Array, start: Array, ids: IntArray) -> IntArray:
    """``ids`` by their expected repeat contacts ``v_j (1 − 1/N_jj)`` in the first row,
    most first."""
    n = c.n
    a = np.eye(n) - _q(c, prob)[0]
    try:
        v = np.linalg.solve(a.T, start[0])
        diag = np.linalg.solve(a, np.eye(n)[:, ids])[ids, np.arange(ids.size)]
    except np.linalg.LinAlgError:
        return ids
    with np.errstate(divide="ignore", invalid="ignore"):
        repeats = np.where(diag > 0, v[ids] * (1.0 - 1.0 / diag), 0.0)
    return ids[np.argsort(-repeats, kind="stable")]


def _q(c: Compiled, prob: Array) -> Array:
    """``(S, n, n)`` touchpoint → touchpoint probabilities."""
    n = c.n
    tt = np.flatnonzero(c.between)
    q = np.zeros((prob.shape[0], n * n))
    q[:, c.src[tt] * n + c.tgt[tt]] = prob[:, tt]  # one hand-off per (source, target)
    return q.reshape(-1, n, n)


def _rho(c: Compiled, prob: Array, start: Array, averaged: NDArray[np.bool_]) -> Array:
    """Per stacked row and hand-off into an averaged touchpoint ``j``: the probability
    that a customer taking it from ``s`` has been at ``j`` before, ``h_j·N_js / v_s``."""
    n = c.n
    s = prob.shape[0]
    groups = start.shape[0] // s
    ids = np.flatnonzero(averaged)
    out = np.zeros((start.shape[0], c.n_edges))
    into = np.flatnonzero(c.between & averaged[np.minimum(c.tgt, n - 1)])
    src, tgt = c.src[into], c.tgt[into]
    col = np.searchsorted(ids, tgt)
    eye = np.eye(n)
    rows = max(1, _CHUNK_FLOATS // (n * (n + groups + ids.size)))
    for lo in range(0, s, rows):
        hi = min(s, lo + rows)
        a = np.swapaxes(eye[None] - _q(c, prob[lo:hi]), 1, 2)  # (I − Q)ᵀ
        starts = start.reshape(groups, s, n)[:, lo:hi].transpose(1, 2, 0)  # (rows, n, G)
        units = np.broadcast_to(eye[:, ids], (hi - lo, n, ids.size))
        x = np.linalg.solve(a, np.concatenate([starts, units], axis=2))
        v = x[:, :, :groups]  # visits per group
        nj = x[:, :, groups:]  # N_js at [s, k] for averaged j = ids[k]
        diag = nj[:, ids, np.arange(ids.size)]  # N_jj
        h = v[:, ids, :] / diag[:, :, None]  # P(ever at j)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = h[:, col, :] * nj[:, src, col][:, :, None] / v[:, src, :]
        r = np.clip(np.nan_to_num(r, nan=0.0, posinf=0.0), 0.0, 1.0)
        for g in range(groups):
            out[g * s + lo : g * s + hi, into] = r[:, :, g]
    return out


def _flow(
    c: Compiled,
    space: _Space,
    inc: _Increments,
    start: Array,
    averaged: NDArray[np.bool_],
    rho: Array | None,
) -> tuple[Array, Array]:
    """Mass ending at each level below the cap (in an outcome) and at the cap, per
    stacked row: the chain solved level by level, rows in chunks."""
    keys = space.keys
    rows_all = inc.rows
    width = max(
        [keys.edge.size, space.n_states + N_LEVELS + 1]
        + [lv.out_key.size + sum(w.key.size for w in lv.waves) for lv in space.levels]
    )
    chunk = max(1, _CHUNK_FLOATS // (3 * width))
    final = np.zeros((rows_all, N_LEVELS))
    cap = np.zeros(rows_all)
    starts = np.flatnonzero(space.start_state >= 0)
    if rho is not None:
        into_avg = averaged[np.minimum(c.tgt, c.n - 1)][keys.edge] & c.between[keys.edge]
        key_avg = np.flatnonzero(into_avg)
    for r0 in range(0, rows_all, chunk):
        r1 = min(rows_all, r0 + chunk)
        k = r1 - r0
        table = keys.table(inc, r0, r1)
        if rho is not None:
            p = rho[r0:r1, keys.edge[key_avg]]
            table[:, key_avg] *= np.where(keys.repeat[key_avg] == 1, p, 1.0 - p)
        mass = np.zeros((k, space.n_states + N_LEVELS + 1))
        mass[:, space.start_state[starts]] = start[r0:r1, starts]
        for lv in space.levels:
            visits = mass[:, lv.lo : lv.hi]
            if lv.waves:
                visits = visits.copy()
                for wave in lv.waves:
                    for block in wave.blocks:
                        _solve_blocks(visits, table, block)
                    if wave.key.size:
                        flow = visits[:, wave.src] * table[:, wave.key]
                        visits[:, wave.targets] += np.add.reduceat(flow, wave.starts, axis=1)
            flow = visits[:, lv.out_src] * table[:, lv.out_key]
            mass[:, lv.out_cols] += np.add.reduceat(flow, lv.out_starts, axis=1)
        final[r0:r1] = mass[:, space.n_states : space.n_states + N_LEVELS]
        cap[r0:r1] = mass[:, -1]
    return final, cap


def _solve_blocks(visits: Array, table: Array, block: _Block) -> None:
    """Visits of the states of ``block``: their inflow through ``(I − Q)⁻¹``, in place."""
    rows = visits.shape[0]
    nb, k = block.states.shape
    q = np.zeros((rows, nb * k * k))
    q[:, block.cells] = np.add.reduceat(table[:, block.key], block.starts, axis=1)
    a = np.eye(k)[None, None] - q.reshape(rows, nb, k, k)
    inflow = visits[:, block.states]  # (rows, blocks, k)
    try:
        x = np.linalg.solve(np.swapaxes(a, 2, 3), inflow[..., None])[..., 0]
    except np.linalg.LinAlgError:
        raise SimulationError(
            "the effort-level chain has a cycle of hand-offs that never ends "
            "(check the hand-off probabilities the effects produce)"
        ) from None
    visits[:, block.states] = x
