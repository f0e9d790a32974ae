"""The batched exact engine of the ROI model: many effect draws, one vectorised solve.

A *scenario* is a journey with a set of active initiatives. :func:`compile_scenario`
turns it into flat arrays (touchpoints, hand-offs with one explicit remainder edge
per touchpoint, start distributions per call reason) and a list of *operations*
(one per effect, and one per hand-off an initiative adds). :func:`run` applies the
operations to ``S`` rows of effect values at once and solves the ``S`` absorbing
chains with one batched :func:`numpy.linalg.solve` on an ``(S, n, n)`` array —
no Monte Carlo journey simulation and no Python loop per draw.

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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core import metrics as _m
from cxkit.core.chain import expected_counts, solve_chain
from cxkit.core.compiled import CompiledJourney, compile_journey, start_table
from cxkit.core.economics import (
    Effect,
    EffectChange,
    Initiative,
    parse_effect_target,
)
from cxkit.core.errors import CxkitError, SimulationError
from cxkit.core.metrics import designed_waits
from cxkit.core.model import OutcomeKind, TouchpointKind

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["Compiled", "Metrics", "Op", "compile_scenario", "reason_mix", "run"]

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

_EDGE_FIELDS = (
    "probability",
    "context_carryover",
    "wait_s",
    "reexplain_effort",
    "reexplain_time_s",
)
_TP_FIELDS = ("cost_per_contact", "handle_time_s", "capacity")


@dataclass
class Op:
    """One change applied to every row: an effect or an added hand-off.

    ``col`` is the column of the row-values matrix holding the effect's value;
    ``None`` uses ``const``.
    """

    kind: str  # edge, reroute, tp, param, econ, step, reason
    field: str
    change: EffectChange
    idx: NDArray[np.int64]
    idx2: NDArray[np.int64]
    col: int | None
    const: float
    initiative: str
    effect_index: int  # −1 for an added hand-off
    group: str = ""  # parameter group, step ids live in idx


@dataclass
class Compiled:
    """A journey plus active initiatives, as arrays and operations."""

    journey: Journey
    initiatives: tuple[Initiative, ...]
    tp_ids: tuple[str, ...]
    out_ids: tuple[str, ...]
    out_kinds: tuple[OutcomeKind, ...]
    resolved: NDArray[np.bool_]
    channel: tuple[str, ...]
    service: NDArray[np.bool_]
    cost: Array
    handle: Array
    capacity: Array
    src: NDArray[np.int64]
    tgt: NDArray[np.int64]
    prob: Array
    kappa: Array
    wait: Array  # the wait of each edge, the designed-wait rule applied
    own_wait: Array  # the wait each hand-off declares (0 where it declares none)
    re_eff: Array  # nan = the row's w_reexplain
    re_time: Array  # nan = the row's reexplain_time_s
    between: NDArray[np.bool_]
    switch: NDArray[np.bool_]
    transfer: NDArray[np.bool_]
    remainder: NDArray[np.bool_]
    pi0: Array  # (R, n)
    shares: Array  # (R,)
    reason_wexp: Array  # (R,) nan = the row's default expected wait
    ops: list[Op]
    columns: list[tuple[str, int, Effect]]  # (initiative id, effect index, effect)
    warnings: list[str] = field(default_factory=list)
    virtual_remainder: bool = False
    #: Initiatives whose selectors match nothing in the journey (valued at zero).
    inapplicable: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Touchpoints."""
        return len(self.tp_ids)

    @property
    def m(self) -> int:
        """Outcomes."""
        return len(self.out_ids)

    @property
    def n_edges(self) -> int:
        """Edges, remainder edges included."""
        return int(self.prob.size)


# ----------------------------------------------------------------------------- compile


def _channel_family(journey: Journey, channel: str) -> set[str]:
    """The channel and its ancestors (``{"phone", "call_center"}``)."""
    out = {channel}
    g = journey.graph
    seen = 0
    while seen < 10:
        try:
            parent = g.channel(channel).parent
        except CxkitError:
            break
        if not parent or parent in out:
            break
        out.add(parent)
        channel = parent
        seen += 1
    return out


class _Nodes:
    """Pattern matching over the scenario's touchpoints and outcomes."""

    def __init__(
        self, journey: Journey, tp_ids: list[str], channels: list[str], outs: Sequence[Any]
    ) -> None:
        self.tp_ids = tp_ids
        self.tp_index = {t: i for i, t in enumerate(tp_ids)}
        self.families = [_channel_family(journey, c) for c in channels]
        self.out_ids = [o.id for o in outs]
        self.out_kinds = [o.kind.value for o in outs]
        self.n = len(tp_ids)

    def sources(self, pat: str) -> list[int]:
        """Touchpoint indices matching a source pattern."""
        if pat == "*":
            return list(range(self.n))
        if pat.startswith("@"):
            return [i for i, fam in enumerate(self.families) if pat[1:] in fam]
        if pat.startswith("="):
            return []
        return [self.tp_index[pat]] if pat in self.tp_index else []

    def targets(self, pat: str) -> list[int]:
        """Node indices (touchpoints, then ``n + k`` for outcomes) matching a target pattern."""
        if pat == "*":
            return list(range(self.n + len(self.out_ids)))
        if pat.startswith("="):
            return [self.n + k for k, kind in enumerate(self.out_kinds) if kind == pat[1:]]
        if pat.startswith("@"):
            return self.sources(pat)
        if pat in self.tp_index:
            return [self.tp_index[pat]]
        if pat in self.out_ids:
            return [self.n + self.out_ids.index(pat)]
        return []


def _designed_wait_rule(
    journey: Journey, tp_ids: Sequence[str], tgt: NDArray[np.int64], own: Array
) -> Array:
    """Every edge into a touchpoint that declares no wait waits the target's designed wait
    (:func:`cxkit.core.metrics.designed_waits`, as :func:`compile_journey` does): added
    and rerouted hand-offs too, so a scenario solves as its applied journey does."""
    designed = designed_waits(journey)
    by_tp = np.array([designed.get(t, 0.0) for t in tp_ids] + [0.0])
    n = len(tp_ids)
    return np.where(own == 0.0, by_tp[np.minimum(tgt, n)], own)


def _compile_base(
    journey: Journey, inits: Sequence[Initiative]
) -> tuple[CompiledJourney, list[Any], list[Any], bool]:
    """The journey compiled once by :func:`cxkit.core.compiled.compile_journey`, with the
    touchpoints initiatives add and, when the journey does not declare it, the remainder
    outcome (of kind abandon) so that every touchpoint has a remainder slot."""
    from cxkit.core.model import Outcome

    g = journey.graph
    tps = list(g.touchpoints)
    known = {t.id for t in tps}
    for ini in inits:
        for tp in ini.add_touchpoints:
            if tp.id not in known:
                tps.append(tp)
                known.add(tp.id)
    outs = list(g.outcomes)
    virtual = bool(outs) and g.remainder_outcome not in g.outcome_ids
    if virtual:
        outs.append(Outcome(g.remainder_outcome, kind=OutcomeKind.ABANDON))
    scenario = journey
    if len(tps) != len(g.touchpoints) or virtual:
        scenario = journey.with_graph(g.replace(touchpoints=tuple(tps), outcomes=tuple(outs)))
    return compile_journey(scenario), tps, outs, virtual


def compile_scenario(journey: Journey, initiatives: Sequence[Initiative] = ()) -> Compiled:
    """Compile ``journey`` with ``initiatives`` active (structure and operations).

    Raises
    ------
    SimulationError
        When the journey cannot be solved (no touchpoints, no outcomes, invalid
        probabilities or start distribution).
    """
    g = journey.graph
    inits = tuple(initiatives)
    warnings: list[str] = []
    base, tps, outs, virtual = _compile_base(journey, inits)
    tp_ids = list(base.touchpoint_ids)
    n = base.n
    out_ids = list(base.outcome_ids)
    channels = list(base.channel)
    nodes = _Nodes(journey, tp_ids, channels, outs)
    node_index = {t: i for i, t in enumerate(tp_ids)}
    node_index.update({o: n + k for k, o in enumerate(out_ids)})

    # edges: the compiled journey's (declared hand-offs and remainders) first
    rows: list[dict[str, Any]] = []
    pair: dict[tuple[int, int], int] = {}

    def row(s: int, t: int, p: float, **attrs: Any) -> dict[str, Any]:
        return {
            "src": s,
            "tgt": t,
            "prob": p,
            "kappa": attrs.get("kappa", 1.0),
            "wait": attrs.get("wait", 0.0),
            "re_eff": attrs.get("re_eff", math.nan),
            "re_time": attrs.get("re_time", math.nan),
            "transfer": attrs.get("transfer", False),
            "remainder": attrs.get("remainder", False),
        }

    def add_edge(s: int, t: int, p: float, **attrs: Any) -> int:
        key = (s, t)
        if key not in pair:
            rows.append(row(s, t, p, **attrs))
            pair[key] = len(rows) - 1
        return pair[key]

    def attrs_of(h: Any) -> dict[str, Any]:
        return {
            "kappa": float(h.context_carryover),
            "wait": float(h.wait_s),
            "re_eff": math.nan if h.reexplain_effort is None else float(h.reexplain_effort),
            "re_time": math.nan if h.reexplain_time_s is None else float(h.reexplain_time_s),
            "transfer": bool(h.transfer),
        }

    for e in range(base.n_edges):
        k, s_e, t_e = int(base.handoff[e]), int(base.source[e]), int(base.target[e])
        if k < 0:  # a remainder: its own slot, never merged with a declared hand-off
            rows.append(row(s_e, t_e, float(base.prob[e]), remainder=True))
            continue
        h = g.handoffs[k]
        # the compiled values (the hand-off's own wait: the designed-wait rule applies to
        # every edge at the end); nan = the row's effort parameter
        attrs = {
            "kappa": float(base.kappa[e]),
            "wait": float(h.wait_s),
            "re_eff": math.nan if h.reexplain_effort is None else float(base.reexplain_effort[e]),
            "re_time": math.nan if h.reexplain_time_s is None else float(base.reexplain_time_s[e]),
            "transfer": bool(base.transfer[e]),
        }
        add_edge(s_e, t_e, float(base.prob[e]), **attrs)

    ops: list[Op] = []
    columns: list[tuple[str, int, Effect]] = []
    empty = np.zeros(0, dtype=np.int64)

    # structure of each initiative: added hand-offs (set ops), then reroute edges
    for ini in inits:
        for j, h in enumerate(ini.add_handoffs):
            srcs = nodes.sources(h.source)
            tgts = nodes.targets(h.target)
            if not srcs or not tgts:
                warnings.append(
                    f"initiative {ini.id!r}: added hand-off {h.source}->{h.target} matches no "
                    f"{'source' if not srcs else 'target'} in journey {journey.id!r}; dropped"
                )
                continue
            idx = [add_edge(s, tgts[0], 0.0, **attrs_of(h)) for s in srcs if s != tgts[0]]
            ops.append(
                Op(
                    "edge",
                    "probability",
                    EffectChange.SET,
                    np.array(idx, dtype=np.int64),
                    empty,
                    None,
                    float(h.probability),
                    ini.id,
                    -1 - j,
                )
            )
    # every touchpoint keeps a remainder slot (renormalisation may move probability there);
    # patterns may match it (``*->=abandon``)
    rem_target = node_index[g.remainder_outcome]
    has_slot = {r["src"] for r in rows if r["remainder"]}
    rows += [row(i, rem_target, 0.0, remainder=True) for i in range(n) if i not in has_slot]

    n_declared = len(rows)
    pi0, shares, reason_wexp = _starts(journey, n)
    dominators: list[set[int]] = []

    def returns_to(s: int, t: int) -> bool:
        """Whether every customer at ``s`` has been at ``t`` before (a repeat contact)."""
        if s == t:
            return True
        if not dominators:
            dominators.extend(_dominators(rows, n, pi0.sum(axis=0) > 0))
        return t in dominators[s]

    def match_edges(
        eff: Effect, src_pat: str, dst_pat: str, limit: int, *, remainders: bool = True
    ) -> list[int]:
        srcs = set(nodes.sources(src_pat))
        tgts = set(nodes.targets(dst_pat))
        out = []
        for e in range(limit):
            r = rows[e]
            if r["src"] not in srcs or r["tgt"] not in tgts:
                continue
            if r["remainder"] and not remainders:
                continue
            if eff.channel_switch_only and not (
                r["tgt"] < n and channels[r["src"]] != channels[r["tgt"]]
            ):
                continue
            if eff.transfer_only and not r["transfer"]:
                continue
            if eff.repeat_only and not (r["tgt"] < n and returns_to(r["src"], r["tgt"])):
                continue
            out.append(e)
        return out

    # what each initiative acts on: an effect or an added hand-off that matched something
    n0 = len(g.touchpoints)
    acts = {ini.id: False for ini in inits}
    selects = {ini.id: bool(ini.add_handoffs) for ini in inits}
    for op in ops:  # added hand-offs: from a touchpoint of the journey itself
        if op.idx.size and int(np.min([rows[e]["src"] for e in op.idx])) < n0:
            acts[op.initiative] = True

    for ini in inits:
        for j, eff in enumerate(ini.effects):
            try:
                kind, parts = parse_effect_target(eff.target)
            except ValueError as exc:
                raise CxkitError(f"initiative {ini.id!r} effects[{j}]: {exc}") from None
            col = len(columns)
            columns.append((ini.id, j, eff))
            where = f"initiative {ini.id!r} effects[{j}] ({eff.target})"
            if kind in ("handoff", "handoffs"):
                if kind == "handoff" and not all(p in node_index for p in parts):
                    raise CxkitError(f"{where}: unknown touchpoint or outcome in the target")
                # a named hand-off is a declared one; patterns also reach remainders
                idx = match_edges(
                    eff, parts[0], parts[1], n_declared, remainders=kind == "handoffs"
                )
                if kind == "handoff" and not idx:
                    raise CxkitError(f"{where}: there is no hand-off {parts[0]}->{parts[1]}")
                field_name = eff.field or "probability"
                if field_name not in _EDGE_FIELDS:
                    raise CxkitError(f"{where}: field {eff.field!r} cannot change a hand-off")
                if not idx:
                    warnings.append(f"{where} matches no hand-off in journey {journey.id!r}")
                ops.append(
                    Op(
                        "edge",
                        field_name,
                        eff.change,
                        np.array(idx, dtype=np.int64),
                        empty,
                        col,
                        0.0,
                        ini.id,
                        j,
                    )
                )
            elif kind == "reroute":
                via = eff.via
                if via is None or via not in node_index or node_index[via] >= n:
                    raise CxkitError(
                        f"{where}: 'via' must name a touchpoint of the journey or one an "
                        f"initiative adds, got {via!r}"
                    )
                v = node_index[via]
                ab: list[int] = []
                av: list[int] = []
                for e in match_edges(eff, parts[0], parts[1], n_declared):
                    r = rows[e]
                    if r["src"] == v or r["tgt"] == v:
                        continue
                    ab.append(e)
                    av.append(
                        add_edge(
                            r["src"],
                            v,
                            0.0,
                            kappa=r["kappa"],
                            re_eff=r["re_eff"],
                            re_time=r["re_time"],
                        )
                    )
                if not ab:
                    warnings.append(f"{where} matches no hand-off in journey {journey.id!r}")
                ops.append(
                    Op(
                        "reroute",
                        "share",
                        eff.change,
                        np.array(ab, dtype=np.int64),
                        np.array(av, dtype=np.int64),
                        col,
                        0.0,
                        ini.id,
                        j,
                    )
                )
            elif kind in ("touchpoint", "touchpoints"):
                if kind == "touchpoint" and parts[0] not in tp_ids:
                    raise CxkitError(f"{where}: unknown touchpoint {parts[0]!r}")
                idx = nodes.sources(parts[0])
                if eff.field not in _TP_FIELDS:
                    raise CxkitError(f"{where}: field {eff.field!r} cannot change a touchpoint")
                if not idx:
                    warnings.append(f"{where} matches no touchpoint in journey {journey.id!r}")
                ops.append(
                    Op(
                        "tp",
                        str(eff.field),
                        eff.change,
                        np.array(idx, dtype=np.int64),
                        empty,
                        col,
                        0.0,
                        ini.id,
                        j,
                    )
                )
            elif kind in ("step", "steps"):
                if kind == "step":
                    sidx = [i for i, s in enumerate(journey.steps) if s.id == parts[0]]
                else:
                    wanted = set(nodes.sources(parts[0]))
                    sidx = [
                        i
                        for i, s in enumerate(journey.steps)
                        if s.touchpoint in node_index and node_index[s.touchpoint] in wanted
                    ]
                if not sidx:
                    warnings.append(f"{where} matches no step in journey {journey.id!r}")
                ops.append(
                    Op(
                        "step",
                        str(eff.field),
                        eff.change,
                        np.array(sidx, dtype=np.int64),
                        empty,
                        col,
                        0.0,
                        ini.id,
                        j,
                    )
                )
            elif kind == "reasons":
                if eff.field not in (None, "arrival"):
                    raise CxkitError(
                        f"{where}: field {eff.field!r} cannot change a call reason "
                        "(expected 'arrival')"
                    )
                ridx = _match_reasons(journey, parts[0], pi0, rows, tps, nodes)
                if not ridx:
                    warnings.append(f"{where} matches no call reason in journey {journey.id!r}")
                ops.append(
                    Op(
                        "reason",
                        "arrival",
                        eff.change,
                        np.array(ridx, dtype=np.int64),
                        empty,
                        col,
                        0.0,
                        ini.id,
                        j,
                    )
                )
            elif kind == "parameter":
                ops.append(
                    Op("param", parts[1], eff.change, empty, empty, col, 0.0, ini.id, j, parts[0])
                )
            else:  # economics
                if eff.change == EffectChange.AT_LEAST:
                    raise CxkitError(
                        f"{where}: change 'at_least' does not apply to economics: targets "
                        "(expected 'set', 'add' or 'multiply')"
                    )
                ops.append(Op("econ", parts[0], eff.change, empty, empty, col, 0.0, ini.id, j))
    for op in ops:
        if op.effect_index < 0:
            continue
        if op.kind in ("param", "econ"):  # no selector: they always act
            acts[op.initiative] = True
        else:
            selects[op.initiative] = True
            acts[op.initiative] = acts[op.initiative] or bool(op.idx.size)
    inapplicable = tuple(
        ini.id
        for ini in inits
        if selects[ini.id]
        and not acts[ini.id]
        and ini.npv is None
        and ini.benefit_per_period is None
    )
    for iid in inapplicable:
        warnings.append(
            f"initiative {iid!r} matches nothing in journey {journey.id!r} (no hand-off, "
            "touchpoint, step or call reason its effects name): valued at 0, not applicable"
        )

    # edges grouped by source, as the compiled form keeps them; the operations follow
    order = np.argsort(np.array([r["src"] for r in rows], dtype=np.int64), kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(order.size)
    for op in ops:
        if op.kind in ("edge", "reroute"):
            op.idx = position[op.idx]
            op.idx2 = position[op.idx2]

    def col_of(name: str, dtype: Any) -> NDArray[Any]:
        return np.array([r[name] for r in rows], dtype=dtype)[order]

    src = col_of("src", np.int64)
    tgt = col_of("tgt", np.int64)
    between = tgt < n
    tgt_tp = np.minimum(tgt, n - 1)
    switch = between & (np.array(channels)[src] != np.array(channels)[tgt_tp])
    kappa = np.where(between, col_of("kappa", np.float64), 1.0)

    return Compiled(
        journey=journey,
        initiatives=inits,
        tp_ids=tuple(tp_ids),
        out_ids=tuple(out_ids),
        out_kinds=tuple(o.kind for o in outs),
        resolved=_resolved_mask(outs),
        channel=tuple(channels),
        service=np.array([t.kind == TouchpointKind.SERVICE for t in tps], dtype=bool),
        cost=np.array([float(t.cost_per_contact) for t in tps]),
        handle=np.array([float(t.handle_time_s) for t in tps]),
        capacity=np.array([math.nan if t.capacity is None else float(t.capacity) for t in tps]),
        src=src,
        tgt=tgt,
        prob=col_of("prob", np.float64),
        kappa=kappa,
        wait=_designed_wait_rule(journey, tp_ids, tgt, col_of("wait", np.float64)),
        own_wait=col_of("wait", np.float64),
        re_eff=col_of("re_eff", np.float64),
        re_time=col_of("re_time", np.float64),
        between=between,
        switch=switch,
        transfer=col_of("transfer", bool),
        remainder=col_of("remainder", bool),
        pi0=pi0,
        shares=shares,
        reason_wexp=reason_wexp,
        ops=ops,
        columns=columns,
        warnings=warnings,
        virtual_remainder=virtual,
        inapplicable=inapplicable,
    )


def _dominators(
    rows: Sequence[dict[str, Any]], n: int, entries: NDArray[np.bool_]
) -> list[set[int]]:
    """Per touchpoint, the touchpoints every path from an entry to it passes through.

    A hand-off ``s → t`` with ``t`` among the dominators of ``s`` can only be taken by
    a customer who has been at ``t`` before: it is a return (a repeat contact). Every
    hand-off between touchpoints counts as a path, whatever its probability, so that
    an effect may raise a probability from 0 without making a return out of a first
    visit (Cooper, Harvey & Kennedy's algorithm via :func:`networkx.immediate_dominators`).
    """
    import networkx as nx

    graph = nx.DiGraph()
    root = -1
    graph.add_node(root)
    graph.add_edges_from((root, int(i)) for i in np.flatnonzero(entries))
    graph.add_edges_from((r["src"], r["tgt"]) for r in rows if r["tgt"] < n)
    idom = nx.immediate_dominators(graph, root)
    out: list[set[int]] = []
    for i in range(n):
        doms: set[int] = set()
        node = idom.get(i)
        while node is not None and node != root and node not in doms:
            doms.add(node)
            node = idom.get(node)
        out.append(doms)
    return out


def _match_reasons(
    journey: Journey,
    pat: str,
    pi0: Array,
    rows: Sequence[dict[str, Any]],
    tps: Sequence[Any],
    nodes: _Nodes,
) -> list[int]:
    """Indices of the call reasons a ``reasons:`` pattern selects.

    ``*`` selects every reason (a journey that declares none has one, its entry);
    an id selects that reason; ``@CHANNEL`` selects the *contact reasons* that reach
    a touchpoint on the channel in the baseline chain: reasons whose customers all
    start at service touchpoints (they come with an issue, not to buy) and can get
    to such a touchpoint along hand-offs with a positive probability.
    """
    declared = [c.id for c in journey.graph.call_reasons]
    count = pi0.shape[0]
    if pat == "*":
        return list(range(count))
    if not pat.startswith("@"):
        if pat not in declared:
            from cxkit.core.suggest import unknown_message

            raise CxkitError(unknown_message("call reason", pat, declared))
        return [declared.index(pat)]
    n = pi0.shape[1]
    wanted = np.zeros(n, dtype=bool)
    wanted[nodes.sources(pat)] = True
    if not wanted.any():
        return []
    from scipy.sparse import csr_matrix

    from cxkit.core.compiled import reachable

    pairs = [(r["src"], r["tgt"]) for r in rows if r["tgt"] < n and r["prob"] > 0]
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    tgt = np.array([b for _, b in pairs], dtype=np.int64)
    adj = csr_matrix((np.ones(src.size), (src, tgt)), shape=(n, n))
    service = np.array([t.kind == TouchpointKind.SERVICE for t in tps], dtype=bool)
    out = []
    for k in range(count):
        start = pi0[k] > 0
        if start.any() and service[start].all() and (reachable(adj, start) & wanted).any():
            out.append(k)
    return out


def _resolved_mask(outs: Sequence[Any]) -> NDArray[np.bool_]:
    """Outcomes of kind ``resolved``; else those with a positive value sign."""
    kinds = np.array([o.kind == OutcomeKind.RESOLVED for o in outs], dtype=bool)
    if kinds.any():
        return kinds
    return np.array([o.sign > 0 for o in outs], dtype=bool)


def _starts(journey: Journey, n: int) -> tuple[Array, Array, Array]:
    """``π0`` per call reason, the shares and each reason's expected wait (nan = default).

    :func:`cxkit.core.compiled.start_table` over the journey's touchpoints, padded
    to ``n`` columns: touchpoints that initiatives add start no one.
    """
    table = start_table(journey)
    pi0 = np.zeros((table.pi0.shape[0], n))
    pi0[:, : table.pi0.shape[1]] = table.pi0
    reasons = journey.graph.call_reasons
    wexp = np.array(
        [math.nan if r.expected_wait_s is None else float(r.expected_wait_s) for r in reasons]
        or [math.nan]
    )
    return pi0, table.shares, wexp


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
    """The scenario's chain (the journey's compiled form plus what its initiatives add,
    edges grouped by source) as the compiled form the one solver takes."""
    cached = c.__dict__.get("_topology")
    if cached is None:
        ep = c.journey.params.effort
        cached = CompiledJourney(
            touchpoint_ids=c.tp_ids,
            outcome_ids=c.out_ids,
            labels=c.tp_ids + c.out_ids,
            row_ptr=np.concatenate([[0], np.cumsum(np.bincount(c.src, minlength=c.n))]),
            source=c.src,
            target=c.tgt,
            prob=c.prob,
            kappa=c.kappa,
            between_touchpoints=c.between,
            switch=c.switch,
            transfer=c.transfer,
            remainder=c.remainder,
            wait_s=c.wait,
            reexplain_effort=np.where(np.isnan(c.re_eff), ep.w_reexplain, c.re_eff),
            reexplain_time_s=np.where(np.isnan(c.re_time), ep.reexplain_time_s, c.re_time),
            cost=c.cost,
            handle_time_s=c.handle,
            is_service=c.service,
            channel=c.channel,
            outcome_kind=tuple(k.value for k in c.out_kinds),
            outcome_sign=np.zeros(c.m),
        )
        c.__dict__["_topology"] = cached
    return cached


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

#: Grid of the effort-level chain, in CES points.
EFFORT_GRID = 0.25

#: g(CES) anchors of model V-B (Gartner 2019 [SRC 26]): 0.09 at CES ≤ 2, 0.96 at CES ≥ 4.
_G_ANCHORS = ((2.0, 0.09), (4.0, 0.96))


def effort_distribution(
    c: Compiled,
    values: Array | None = None,
    *,
    rows: int | None = None,
) -> tuple[Array, Array]:
    """Mean CES5 (clipped to [1, 5]) and mean ``g(CES5)`` per row, from an effort-level chain.

    The effort index of a customer is ``1 +`` the effort of every hand-off taken
    (switch, transfer, excess wait, re-explanation when the context is lost, repeat
    contact). Its clipped mean is not the clipped mean of the exact chain: waits of
    a day (email) give a few customers huge indices. This chain tracks the effort
    level on a grid of 0.25 points, from 1 up to 5, where it stops (a CES of 5 stays
    5): states ``(touchpoint, level)``, one batched inverse of the zero-increment
    part per row and one pass per level. Increments off the grid are split between
    the two neighbouring levels so that the mean is kept; a repeat contact (a visit
    to a service touchpoint already visited) is path-dependent, so its expected
    count ``v_j (1 − 1/N_jj)`` is spread evenly over the hand-offs into ``j``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(mean CES5, mean g(CES5))``, one value per row; ``g`` is model V-B's
        piecewise-linear disloyalty share (model reference §4.4).
    """
    s = int(values.shape[0]) if values is not None else int(rows or 1)
    edges, tp, _, _ = apply_ops(c, values, s)
    prob = edges["probability"]
    solved = _solve(c, prob)
    return _effort_levels(c, edges, tp, solved, s, reason_mix(c, values, s)[0])


def _g(ces: Array) -> Array:
    (x0, y0), (x1, y1) = _G_ANCHORS
    return np.interp(ces, [x0, x1], [y0, y1])


def _effort_levels(
    c: Compiled,
    edges: dict[str, Array],
    tp: dict[str, Array],
    solved: dict[str, Array],
    s: int,
    w: Array,
) -> tuple[Array, Array]:
    n, r_count = c.n, c.pi0.shape[0]
    n_levels = round(4.0 / EFFORT_GRID)  # levels 0 … 15 are CES 1.00 … 4.75
    prob = edges["probability"]
    e_count = c.n_edges
    kappa = np.broadcast_to(
        np.where(c.between[None, :], edges["context_carryover"], 1.0), (s, e_count)
    )
    re_eff = np.where(
        np.isnan(edges["reexplain_effort"]), tp["w_reexplain"], edges["reexplain_effort"]
    )
    re_eff = np.broadcast_to(re_eff, (s, e_count))
    visits = np.einsum("snr,sr->sn", solved["visits"], w)  # (S, n)
    nd = solved["ndiag"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ever = np.where(np.isfinite(nd) & (nd > 0), 1.0 / nd, 0.0)
    revisits = np.where(c.service[None, :], visits * (1.0 - ever), 0.0)
    start = w @ c.pi0  # (S, n)
    entries = np.maximum(visits - start, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_entry = np.where(entries > 1e-15, revisits / np.where(entries > 1e-15, entries, 1), 0.0)
    tgt_tp = np.minimum(c.tgt, n - 1)
    base = (
        tp["w_switch"] * c.switch[None, :]
        + tp["w_transfer"] * c.transfer[None, :]
        + tp["w_repeat_contact"] * np.where(c.between[None, :], per_entry[:, tgt_tp], 0.0)
    )  # (S, E)
    wexp_default = tp["expected_wait_s"]
    wexp = np.where(np.isnan(c.reason_wexp)[None, :], wexp_default, c.reason_wexp[None, :])
    wait = np.broadcast_to(edges["wait_s"], (s, e_count))
    mean_ces = np.zeros(s)
    mean_g = np.zeros(s)
    levels_ces = 1.0 + EFFORT_GRID * np.arange(n_levels)
    g_levels = _g(levels_ces)
    g_cap = float(_g(np.array([5.0]))[0])
    eye = np.eye(n)[None]
    src = c.src
    tt = c.between
    tt_idx = np.flatnonzero(tt)
    out_idx = np.flatnonzero(~tt)
    flat_idx = src[tt_idx] * n + tgt_tp[tt_idx]  # unique (source, target) pairs
    # the chain is linear in the start distribution: reasons with the same expected
    # wait share one pass with their mixed start
    groups: dict[float, list[int]] = {}
    for ri in range(r_count):
        key = float(c.reason_wexp[ri])
        groups.setdefault(-1.0 if math.isnan(key) else key, []).append(ri)
    for members in groups.values():
        ri = members[0]
        share = w[:, members].sum(axis=1)  # (S,)
        if not (share > 0).any():
            continue
        safe = np.where(share > 0, share, 1.0)[:, None]
        start_g = (w[:, members] @ c.pi0[members]) / safe  # (S, n)
        excess = _m.excess_wait(wait, wexp[:, ri : ri + 1]) / 60.0 * tp["w_wait_per_minute"]
        inc_keep = (base + excess) / EFFORT_GRID  # in grid units, context kept
        inc_lose = inc_keep + re_eff / EFFORT_GRID  # context lost
        shifts, weights = [], []
        for inc, pw in ((inc_keep, kappa), (inc_lose, 1.0 - kappa)):
            lo = np.floor(inc + 1e-12)
            frac = np.clip(inc - lo, 0.0, 1.0)
            lo_i = lo.astype(np.int64)
            for sh, wt in ((lo_i, prob * pw * (1.0 - frac)), (lo_i + 1, prob * pw * frac)):
                if wt.any():
                    shifts.append(sh)
                    weights.append(wt)
        # weights by shift d = 0 … n_levels − 1, and d ≥ n_levels (always capped)
        w_tt = np.zeros((n_levels + 1, s, tt_idx.size))
        w_out = np.zeros((n_levels + 1, s, out_idx.size))
        for sh, wt in zip(shifts, weights, strict=True):
            d = np.minimum(sh, n_levels)
            for k in np.unique(d):
                mask = d == k
                w_tt[k] += np.where(mask[:, tt_idx], wt[:, tt_idx], 0.0)
                w_out[k] += np.where(mask[:, out_idx], wt[:, out_idx], 0.0)
        q0 = np.zeros((s, n * n))
        q0[:, flat_idx] = w_tt[0]
        m0 = np.linalg.inv(eye - q0.reshape(s, n, n))  # (S, n, n)
        # per shift k: only the hand-offs that can take it, sorted by target so that
        # flows are summed per target with reduceat (no small BLAS products, which are
        # slow under a busy threaded BLAS)
        plan_tt = []
        for k in range(1, n_levels + 1):
            cols = np.flatnonzero(w_tt[k].any(axis=0))
            if cols.size == 0:
                continue
            cols = cols[np.argsort(tgt_tp[tt_idx][cols], kind="stable")]
            tg = tgt_tp[tt_idx][cols]
            starts = np.flatnonzero(np.r_[True, tg[1:] != tg[:-1]])
            plan_tt.append((k, src[tt_idx][cols], w_tt[k][:, cols], starts, tg[starts]))
        plan_out = []
        for k in range(n_levels + 1):
            cols = np.flatnonzero(w_out[k].any(axis=0))
            if cols.size:
                plan_out.append((k, src[out_idx][cols], w_out[k][:, cols]))
        entry = np.zeros((s, n_levels, n))
        entry[:, 0, :] = start_g
        final = np.zeros((s, n_levels))
        cap = np.zeros(s)
        for level in range(n_levels):
            v_l = np.einsum("sn,snm->sm", entry[:, level, :], m0)  # visits at this level
            if not v_l.any():
                continue
            for k, srcs, wk in plan_out:
                ends = (v_l[:, srcs] * wk).sum(axis=1)
                if level + k < n_levels:
                    final[:, level + k] += ends
                else:
                    cap += ends
            for k, srcs, wk, starts, targets in plan_tt:
                flow = v_l[:, srcs] * wk
                if level + k < n_levels:
                    entry[:, level + k, targets] += np.add.reduceat(flow, starts, axis=1)
                else:
                    cap += flow.sum(axis=1)
        total = final.sum(axis=1) + cap
        with np.errstate(invalid="ignore", divide="ignore"):
            norm = np.where(total > 0, 1.0 / total, 0.0)
        mean_ces += share * (final @ levels_ces + 5.0 * cap) * norm
        mean_g += share * (final @ g_levels + g_cap * cap) * norm
    return mean_ces, mean_g
