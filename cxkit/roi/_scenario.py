"""Compile a scenario — a journey with its active initiatives — for the ROI engine.

:func:`compile_scenario` starts from the journey compiled once by
:func:`cxkit.core.compiled.compile_journey` (validated, its hand-offs and remainders)
and adds what the initiatives add: their touchpoints, their hand-offs (created at 0
and set while the initiative is active), the edges a reroute needs, and an empty
remainder slot for every touchpoint that has none. Each effect becomes an
:class:`Op` over the arrays (indices of the edges, touchpoints, steps or call
reasons its selector matches); :func:`cxkit.roi._engine.run` applies them to rows of
effect values and solves. Selectors and the rules are documented in
``docs/reference/roi.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core.compiled import CompiledJourney, compile_journey, start_table
from cxkit.core.economics import Effect, EffectChange, Initiative, parse_effect_target
from cxkit.core.errors import CxkitError
from cxkit.core.metrics import designed_waits
from cxkit.core.model import OutcomeKind, TouchpointKind

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["Compiled", "Op", "compile_scenario"]

Array = NDArray[np.float64]

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
    chain: CompiledJourney | None = None  # the same edges, as the one solver takes them

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
    CxkitError
        When an effect's target or field is unusable, naming the initiative and effect.
    """
    return _Scenario(journey, tuple(initiatives)).build()


def _row(s: int, t: int, p: float, **attrs: Any) -> dict[str, Any]:
    """One edge while the scenario is built (``nan`` = the row's effort parameter)."""
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


def _attrs_of(h: Any) -> dict[str, Any]:
    """The fields of a hand-off an initiative adds."""
    return {
        "kappa": float(h.context_carryover),
        "wait": float(h.wait_s),
        "re_eff": math.nan if h.reexplain_effort is None else float(h.reexplain_effort),
        "re_time": math.nan if h.reexplain_time_s is None else float(h.reexplain_time_s),
        "transfer": bool(h.transfer),
    }


_EMPTY = np.zeros(0, dtype=np.int64)


def _op(kind: str, field: str, change: EffectChange, idx: Sequence[int] = ()) -> Op:
    """An operation over the indices ``idx``; its column and initiative are set later."""
    return Op(kind, field, change, np.array(idx, dtype=np.int64), _EMPTY, None, 0.0, "", 0)


class _Scenario:
    """The scenario's edges and operations while :func:`compile_scenario` builds them."""

    def __init__(self, journey: Journey, inits: tuple[Initiative, ...]) -> None:
        self.journey, self.inits = journey, inits
        self.warnings: list[str] = []
        self.base, self.tps, self.outs, self.virtual = _compile_base(journey, inits)
        self.n = self.base.n
        self.tp_ids = list(self.base.touchpoint_ids)
        self.channels = list(self.base.channel)
        self.nodes = _Nodes(journey, self.tp_ids, self.channels, self.outs)
        self.node_index = {t: i for i, t in enumerate(self.tp_ids)}
        self.node_index.update({o: self.n + k for k, o in enumerate(self.base.outcome_ids)})
        self.rows: list[dict[str, Any]] = []
        self.pair: dict[tuple[int, int], int] = {}
        self.ops: list[Op] = []
        self.columns: list[tuple[str, int, Effect]] = []
        self._declared_edges()
        self._added_handoffs()
        self._remainder_slots()
        self.n_declared = len(self.rows)
        self.pi0, self.shares, self.reason_wexp = _starts(journey, self.n)
        self._doms: list[set[int]] = []
        for ini in inits:
            for j, eff in enumerate(ini.effects):
                self._effect(ini, j, eff)

    # -- edges ----------------------------------------------------------------------
    def add_edge(self, s: int, t: int, p: float, **attrs: Any) -> int:
        """The edge ``s → t``, created if absent (one per pair; remainders apart)."""
        key = (s, t)
        if key not in self.pair:
            self.rows.append(_row(s, t, p, **attrs))
            self.pair[key] = len(self.rows) - 1
        return self.pair[key]

    def _declared_edges(self) -> None:
        """The compiled journey's edges: declared hand-offs and remainders, in its order."""
        base, g = self.base, self.journey.graph
        for e in range(base.n_edges):
            k, s_e, t_e = int(base.handoff[e]), int(base.source[e]), int(base.target[e])
            if k < 0:  # a remainder: its own slot, never merged with a declared hand-off
                self.rows.append(_row(s_e, t_e, float(base.prob[e]), remainder=True))
                continue
            h = g.handoffs[k]
            # the compiled values, but the hand-off's own wait (the designed-wait rule
            # applies to every edge at the end); nan = the row's effort parameter
            self.add_edge(
                s_e,
                t_e,
                float(base.prob[e]),
                kappa=float(base.kappa[e]),
                wait=float(h.wait_s),
                re_eff=math.nan if h.reexplain_effort is None else float(base.reexplain_effort[e]),
                re_time=math.nan if h.reexplain_time_s is None else float(base.reexplain_time_s[e]),
                transfer=bool(base.transfer[e]),
            )

    def _added_handoffs(self) -> None:
        """Each initiative's added hand-offs: created at 0, set while it is active."""
        for ini in self.inits:
            for j, h in enumerate(ini.add_handoffs):
                srcs = self.nodes.sources(h.source)
                tgts = self.nodes.targets(h.target)
                if not srcs or not tgts:
                    self.warnings.append(
                        f"initiative {ini.id!r}: added hand-off {h.source}->{h.target} matches "
                        f"no {'source' if not srcs else 'target'} in journey "
                        f"{self.journey.id!r}; dropped"
                    )
                    continue
                idx = [self.add_edge(s, tgts[0], 0.0, **_attrs_of(h)) for s in srcs if s != tgts[0]]
                self.ops.append(
                    Op(
                        "edge",
                        "probability",
                        EffectChange.SET,
                        np.array(idx, dtype=np.int64),
                        _EMPTY,
                        None,
                        float(h.probability),
                        ini.id,
                        -1 - j,
                    )
                )

    def _remainder_slots(self) -> None:
        """Every touchpoint keeps a remainder slot (renormalisation may move probability
        there); patterns may match it (``*->=abandon``)."""
        rem_target = self.node_index[self.journey.graph.remainder_outcome]
        has_slot = {r["src"] for r in self.rows if r["remainder"]}
        self.rows += [
            _row(i, rem_target, 0.0, remainder=True) for i in range(self.n) if i not in has_slot
        ]

    # -- matching -------------------------------------------------------------------
    def returns_to(self, s: int, t: int) -> bool:
        """Whether every customer at ``s`` has been at ``t`` before (a repeat contact)."""
        if s == t:
            return True
        if not self._doms:
            self._doms.extend(_dominators(self.rows, self.n, self.pi0.sum(axis=0) > 0))
        return t in self._doms[s]

    def match_edges(
        self, eff: Effect, src_pat: str, dst_pat: str, *, remainders: bool = True
    ) -> list[int]:
        """Declared, added and remainder edges matching the patterns and the effect's flags."""
        srcs = set(self.nodes.sources(src_pat))
        tgts = set(self.nodes.targets(dst_pat))
        n, channels = self.n, self.channels
        out = []
        for e in range(self.n_declared):
            r = self.rows[e]
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
            if eff.repeat_only and not (r["tgt"] < n and self.returns_to(r["src"], r["tgt"])):
                continue
            out.append(e)
        return out

    # -- effects --------------------------------------------------------------------
    def _effect(self, ini: Initiative, j: int, eff: Effect) -> None:
        try:
            kind, parts = parse_effect_target(eff.target)
        except ValueError as exc:
            raise CxkitError(f"initiative {ini.id!r} effects[{j}]: {exc}") from None
        col = len(self.columns)
        self.columns.append((ini.id, j, eff))
        where = f"initiative {ini.id!r} effects[{j}] ({eff.target})"
        if kind in ("handoff", "handoffs"):
            op = self._edge_op(eff, kind, parts, where)
        elif kind == "reroute":
            op = self._reroute_op(eff, parts, where)
        elif kind in ("touchpoint", "touchpoints"):
            op = self._touchpoint_op(eff, kind, parts, where)
        elif kind in ("step", "steps"):
            op = self._step_op(eff, kind, parts, where)
        elif kind == "reasons":
            op = self._reason_op(eff, parts, where)
        elif kind == "parameter":
            op = _op("param", parts[1], eff.change)
            op.group = parts[0]
        else:  # economics
            if eff.change == EffectChange.AT_LEAST:
                raise CxkitError(
                    f"{where}: change 'at_least' does not apply to economics: targets "
                    "(expected 'set', 'add' or 'multiply')"
                )
            op = _op("econ", parts[0], eff.change)
        op.col, op.initiative, op.effect_index = col, ini.id, j
        self.ops.append(op)

    def _unmatched(self, where: str, what: str) -> None:
        self.warnings.append(f"{where} matches no {what} in journey {self.journey.id!r}")

    def _edge_op(self, eff: Effect, kind: str, parts: Sequence[str], where: str) -> Op:
        if kind == "handoff" and not all(p in self.node_index for p in parts):
            raise CxkitError(f"{where}: unknown touchpoint or outcome in the target")
        # a named hand-off is a declared one; patterns also reach remainders
        idx = self.match_edges(eff, parts[0], parts[1], remainders=kind == "handoffs")
        if kind == "handoff" and not idx:
            raise CxkitError(f"{where}: there is no hand-off {parts[0]}->{parts[1]}")
        field_name = eff.field or "probability"
        if field_name not in _EDGE_FIELDS:
            raise CxkitError(f"{where}: field {eff.field!r} cannot change a hand-off")
        if not idx:
            self._unmatched(where, "hand-off")
        return Op(
            "edge", field_name, eff.change, np.array(idx, dtype=np.int64), _EMPTY, None, 0.0, "", 0
        )

    def _reroute_op(self, eff: Effect, parts: Sequence[str], where: str) -> Op:
        via = eff.via
        if via is None or via not in self.node_index or self.node_index[via] >= self.n:
            raise CxkitError(
                f"{where}: 'via' must name a touchpoint of the journey or one an "
                f"initiative adds, got {via!r}"
            )
        v = self.node_index[via]
        ab: list[int] = []
        av: list[int] = []
        for e in self.match_edges(eff, parts[0], parts[1]):
            r = self.rows[e]
            if r["src"] == v or r["tgt"] == v:
                continue
            ab.append(e)
            av.append(
                self.add_edge(
                    r["src"], v, 0.0, kappa=r["kappa"], re_eff=r["re_eff"], re_time=r["re_time"]
                )
            )
        if not ab:
            self._unmatched(where, "hand-off")
        op = _op("reroute", "share", eff.change, ab)
        op.idx2 = np.array(av, dtype=np.int64)
        return op

    def _touchpoint_op(self, eff: Effect, kind: str, parts: Sequence[str], where: str) -> Op:
        if kind == "touchpoint" and parts[0] not in self.tp_ids:
            raise CxkitError(f"{where}: unknown touchpoint {parts[0]!r}")
        idx = self.nodes.sources(parts[0])
        if eff.field not in _TP_FIELDS:
            raise CxkitError(f"{where}: field {eff.field!r} cannot change a touchpoint")
        if not idx:
            self._unmatched(where, "touchpoint")
        return Op(
            "tp",
            str(eff.field),
            eff.change,
            np.array(idx, dtype=np.int64),
            _EMPTY,
            None,
            0.0,
            "",
            0,
        )

    def _step_op(self, eff: Effect, kind: str, parts: Sequence[str], where: str) -> Op:
        steps = self.journey.steps
        if kind == "step":
            sidx = [i for i, s in enumerate(steps) if s.id == parts[0]]
        else:
            wanted = set(self.nodes.sources(parts[0]))
            sidx = [
                i
                for i, s in enumerate(steps)
                if s.touchpoint in self.node_index and self.node_index[s.touchpoint] in wanted
            ]
        if not sidx:
            self._unmatched(where, "step")
        return Op(
            "step",
            str(eff.field),
            eff.change,
            np.array(sidx, dtype=np.int64),
            _EMPTY,
            None,
            0.0,
            "",
            0,
        )

    def _reason_op(self, eff: Effect, parts: Sequence[str], where: str) -> Op:
        if eff.field not in (None, "arrival"):
            raise CxkitError(
                f"{where}: field {eff.field!r} cannot change a call reason (expected 'arrival')"
            )
        ridx = _match_reasons(self.journey, parts[0], self.pi0, self.rows, self.tps, self.nodes)
        if not ridx:
            self._unmatched(where, "call reason")
        return Op(
            "reason",
            "arrival",
            eff.change,
            np.array(ridx, dtype=np.int64),
            _EMPTY,
            None,
            0.0,
            "",
            0,
        )

    # -- the result -----------------------------------------------------------------
    def inapplicable(self) -> tuple[str, ...]:
        """Initiatives whose selectors match nothing (valued at 0, not applicable)."""
        n0 = len(self.journey.graph.touchpoints)
        acts = {ini.id: False for ini in self.inits}
        selects = {ini.id: bool(ini.add_handoffs) for ini in self.inits}
        for op in self.ops:
            if op.effect_index < 0:  # an added hand-off from a touchpoint of the journey
                if op.idx.size and int(np.min([self.rows[e]["src"] for e in op.idx])) < n0:
                    acts[op.initiative] = True
            elif op.kind in ("param", "econ"):  # no selector: they always act
                acts[op.initiative] = True
            else:
                selects[op.initiative] = True
                acts[op.initiative] = acts[op.initiative] or bool(op.idx.size)
        out = tuple(
            ini.id
            for ini in self.inits
            if selects[ini.id]
            and not acts[ini.id]
            and ini.npv is None
            and ini.benefit_per_period is None
        )
        for iid in out:
            self.warnings.append(
                f"initiative {iid!r} matches nothing in journey {self.journey.id!r} (no "
                "hand-off, touchpoint, step or call reason its effects name): valued at 0, "
                "not applicable"
            )
        return out

    def build(self) -> Compiled:
        """The compiled scenario, edges grouped by source as the compiled form keeps them."""
        inapplicable = self.inapplicable()
        rows, n, tps = self.rows, self.n, self.tps
        order = np.argsort(np.array([r["src"] for r in rows], dtype=np.int64), kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(order.size)
        for op in self.ops:  # the operations follow the edges
            if op.kind in ("edge", "reroute"):
                op.idx = position[op.idx]
                op.idx2 = position[op.idx2]

        def col_of(name: str, dtype: Any) -> NDArray[Any]:
            return np.array([r[name] for r in rows], dtype=dtype)[order]

        src = col_of("src", np.int64)
        tgt = col_of("tgt", np.int64)
        between = tgt < n
        own_wait = col_of("wait", np.float64)
        chain = self._chain(src, tgt, col_of, own_wait)
        return Compiled(
            journey=self.journey,
            initiatives=self.inits,
            tp_ids=tuple(self.tp_ids),
            out_ids=tuple(self.base.outcome_ids),
            out_kinds=tuple(o.kind for o in self.outs),
            resolved=_resolved_mask(self.outs),
            channel=tuple(self.channels),
            service=np.array([t.kind == TouchpointKind.SERVICE for t in tps], dtype=bool),
            cost=np.array([float(t.cost_per_contact) for t in tps]),
            handle=np.array([float(t.handle_time_s) for t in tps]),
            capacity=np.array([math.nan if t.capacity is None else float(t.capacity) for t in tps]),
            src=src,
            tgt=tgt,
            prob=chain.prob,
            kappa=chain.kappa,
            wait=chain.wait_s,
            own_wait=own_wait,
            re_eff=col_of("re_eff", np.float64),
            re_time=col_of("re_time", np.float64),
            between=between,
            switch=chain.switch,
            transfer=chain.transfer,
            remainder=chain.remainder,
            pi0=self.pi0,
            shares=self.shares,
            reason_wexp=self.reason_wexp,
            ops=self.ops,
            columns=self.columns,
            warnings=self.warnings,
            virtual_remainder=self.virtual,
            inapplicable=inapplicable,
            chain=chain,
        )

    def _chain(
        self, src: NDArray[np.int64], tgt: NDArray[np.int64], col_of: Any, own_wait: Array
    ) -> CompiledJourney:
        """The scenario's edges (grouped by source) as a :class:`CompiledJourney`: what the
        one solver and :func:`~cxkit.core.chain.expected_counts` take. A re-explanation
        field the hand-off leaves to the effort parameters holds their value here."""
        n, tps, base, ep = self.n, self.tps, self.base, self.journey.params.effort
        between = tgt < n
        channels = np.array(self.channels)
        re_eff, re_time = col_of("re_eff", np.float64), col_of("re_time", np.float64)
        return CompiledJourney(
            touchpoint_ids=base.touchpoint_ids,
            outcome_ids=base.outcome_ids,
            labels=base.labels,
            row_ptr=np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]),
            source=src,
            target=tgt,
            prob=col_of("prob", np.float64),
            kappa=np.where(between, col_of("kappa", np.float64), 1.0),
            between_touchpoints=between,
            switch=between & (channels[src] != channels[np.minimum(tgt, n - 1)]),
            transfer=col_of("transfer", bool),
            remainder=col_of("remainder", bool),
            wait_s=_designed_wait_rule(self.journey, self.tp_ids, tgt, own_wait),
            reexplain_effort=np.where(np.isnan(re_eff), ep.w_reexplain, re_eff),
            reexplain_time_s=np.where(np.isnan(re_time), ep.reexplain_time_s, re_time),
            cost=np.array([float(t.cost_per_contact) for t in tps]),
            handle_time_s=np.array([float(t.handle_time_s) for t in tps]),
            is_service=np.array([t.kind == TouchpointKind.SERVICE for t in tps], dtype=bool),
            channel=tuple(self.channels),
            outcome_kind=tuple(o.kind.value for o in self.outs),
            outcome_sign=np.array([float(o.sign) for o in self.outs]),
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
