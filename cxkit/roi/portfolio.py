"""Which initiatives to start in which quarter: a time-indexed binary program (§5.3).

The program is §5.3 of the model reference (``docs/reference/models.md``).

Variables ``x[i, q] ∈ {0, 1}``: initiative ``i`` starts in quarter ``q`` (1 … Q,
``Q = len(budgets)``). ``V[i, q]`` is its value (risk-adjusted NPV at t = 0) when it
starts in ``q``; ``c[i, k]`` its spend ``k`` quarters after the start.

::

    max  Σ_i Σ_q V[i,q]·x[i,q]  +  Σ_(i,k) s_ik·y_ik
    s.t. Σ_q x[i,q] ≤ 1                                   start at most once (= 1 if forced)
         Σ_i Σ_{q'≤q} c[i, q−q']·x[i,q'] ≤ B_q   ∀q       per-quarter budget
           (carry_over=True: Σ_{t≤q} spend_t ≤ Σ_{t≤q} B_t, unspent budget rolls forward)
         Σ_{q'≤q} x[j,q'] ≤ Σ_{q'≤q−L} x[i,q']   ∀q       j requires i, started ≥ L quarters earlier
         Σ_q x[i,q] + Σ_q x[k,q] ≤ 1                      i and k mutually exclusive
         optional capacity rows (same form as the budget, never carried over)
         y_ik ≤ Σ_q x[i,q],  y_ik ≤ Σ_q x[k,q],  Σ_q x[i,q] + Σ_q x[k,q] − y_ik ≤ 1
                                                          synergy y_ik = "both selected"

solved with :func:`scipy.optimize.milp` (HiGHS) to a zero optimality gap.

Spend that falls after quarter Q (a cost schedule longer than the remaining
horizon) is **not** counted against any budget row: the budgets cover the
planning horizon only. Value beyond the horizon is whatever ``V`` includes.

The empty plan is always feasible, so :func:`optimize_portfolio` can only be
infeasible when ``must_include`` forces initiatives in; the error then names the
initiative and the prerequisite chain, exclusion or budget row that cannot be met.
:func:`brute_force_portfolio` enumerates all ``(Q + 1)**n`` plans and is kept for
tests.
"""

from __future__ import annotations

import difflib
import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from cxkit.core.errors import CxkitError, format_value

__all__ = [
    "BRUTE_FORCE_MAX_CANDIDATES",
    "Candidate",
    "CapacityLimit",
    "PortfolioPlan",
    "brute_force_portfolio",
    "delay_values",
    "optimize_portfolio",
]

#: :func:`brute_force_portfolio` refuses more candidates than this ((Q+1)**n plans).
BRUTE_FORCE_MAX_CANDIDATES = 10

_TOL = 1e-9


# --------------------------------------------------------------------------- inputs


def _finite(value: Any, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CxkitError(f"{what} must be a finite number, got {format_value(value)}") from None
    if not math.isfinite(v):
        raise CxkitError(f"{what} must be a finite number, got {v!r}")
    return v


def _schedule(values: Any, name: str, *, nonnegative: bool, who: str = "") -> tuple[float, ...]:
    head = f"{who}: " if who else ""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise CxkitError(
            f"{head}`{name}` must be a sequence of numbers, got {format_value(values)}"
        )
    out = tuple(_finite(v, f"{head}`{name}[{k}]`") for k, v in enumerate(values))
    if nonnegative:
        for k, v in enumerate(out):
            if v < 0:
                raise CxkitError(f"{head}`{name}[{k}]` must be ≥ 0 (an amount), got {v:g}")
    return out


def delay_values(npv: float, quarters: int, start_discount: float = 1.0) -> tuple[float, ...]:
    """Values ``V_q = npv · start_discount**(q − 1)`` for start quarters q = 1 … ``quarters``.

    A per-quarter delay multiplier: each quarter of delay keeps ``start_discount``
    of the value (Example C4: a Q2 start multiplies the NPV by 0.9, a Q3 start
    by 0.81).

    Examples
    --------
    >>> delay_values(100, 3, 0.9)
    (100.0, 90.0, 81.0)
    """
    v = _finite(npv, "`npv`")
    d = _finite(start_discount, "`start_discount`")
    if d < 0:
        raise CxkitError(f"`start_discount` must be ≥ 0 (0.9 keeps 90 %), got {d:g}")
    if isinstance(quarters, bool) or not isinstance(quarters, numbers.Integral) or quarters < 1:
        raise CxkitError(f"`quarters` must be an integer ≥ 1, got {format_value(quarters)}")
    return tuple(float(round(v * d**q, 12)) for q in range(int(quarters)))


@dataclass(frozen=True)
class Candidate:
    """One initiative that may be started in one of the quarters.

    Parameters
    ----------
    id
        Unique name.
    values
        ``V_q`` for start quarters q = 1 … Q (one per budget quarter), or a single
        number: the value of a Q1 start, multiplied by ``start_discount`` for
        each quarter of delay (see :func:`delay_values`).
    costs
        Spend ``c_k`` k = 0, 1, … quarters after the start (positive amounts);
        ``(60,)`` is a one-off cost in the start quarter.
    prerequisites
        ``{id: lag}``: this initiative may start only if ``id`` started at least
        ``lag`` quarters earlier (lag ≥ 0; 1 means "an earlier quarter"). A plain
        sequence of ids means lag 1 for each.
    excludes
        Ids of mutually exclusive initiatives (the relation is symmetric).
    start_discount
        Per-quarter delay multiplier used when ``values`` is a single number.

    Examples
    --------
    >>> Candidate("CTI", 40, costs=(30,), prerequisites=["CRM"], start_discount=0.9)
    Candidate(id='CTI', values=40.0, costs=(30.0,), prerequisites={'CRM': 1}, excludes=(),
              start_discount=0.9)
    >>> Candidate("CTI", 40, start_discount=0.9).values_for(2)
    (40.0, 36.0)
    """

    id: str
    values: float | tuple[float, ...]
    costs: tuple[float, ...] = ()
    prerequisites: Mapping[str, int] = field(default_factory=dict, hash=False)
    excludes: tuple[str, ...] = ()
    start_discount: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise CxkitError(
                f"candidate `id` must be a non-empty string, got {format_value(self.id)}"
            )
        who = f"candidate {self.id!r}"
        if isinstance(self.values, (numbers.Real, np.floating)) and not isinstance(
            self.values, bool
        ):
            values: float | tuple[float, ...] = _finite(self.values, f"{who}: `values`")
        else:
            values = _schedule(self.values, "values", nonnegative=False, who=who)
            if not values:
                raise CxkitError(f"{who}: `values` must hold one value per start quarter, got ()")
        costs = _schedule(self.costs, "costs", nonnegative=True, who=who)
        prereq = self.prerequisites
        if isinstance(prereq, str):
            prereq = [prereq]
        if isinstance(prereq, Mapping):
            items = list(prereq.items())
        elif isinstance(prereq, Iterable):
            items = [(p, 1) for p in prereq]
        else:
            raise CxkitError(
                f"{who}: `prerequisites` must be a mapping id → lag or a sequence of ids, "
                f"got {format_value(prereq)}"
            )
        prerequisites: dict[str, int] = {}
        for pid, lag in items:
            if not isinstance(pid, str) or not pid:
                raise CxkitError(
                    f"{who}: prerequisite ids must be strings, got {format_value(pid)}"
                )
            if isinstance(lag, bool) or not isinstance(lag, numbers.Integral) or lag < 0:
                raise CxkitError(
                    f"{who}: prerequisite {pid!r} lag must be an integer ≥ 0 (quarters), "
                    f"got {format_value(lag)}"
                )
            prerequisites[pid] = int(lag)
        excludes = (self.excludes,) if isinstance(self.excludes, str) else tuple(self.excludes)
        for e in excludes:
            if not isinstance(e, str) or not e:
                raise CxkitError(f"{who}: `excludes` must be ids, got {format_value(e)}")
            if e == self.id:
                raise CxkitError(f"{who}: `excludes` contains the candidate itself")
        discount = _finite(self.start_discount, f"{who}: `start_discount`")
        if discount < 0:
            raise CxkitError(f"{who}: `start_discount` must be ≥ 0, got {discount:g}")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "costs", costs)
        object.__setattr__(self, "prerequisites", prerequisites)
        object.__setattr__(self, "excludes", excludes)
        object.__setattr__(self, "start_discount", discount)

    def values_for(self, quarters: int) -> tuple[float, ...]:
        """``V_q`` for q = 1 … ``quarters``; raises if a value sequence has another length."""
        if isinstance(self.values, tuple):
            if len(self.values) != quarters:
                raise CxkitError(
                    f"candidate {self.id!r}: `values` has {len(self.values)} entries (one per "
                    f"start quarter) but `budgets` has {quarters} quarters; give {quarters} "
                    "values or a single number with `start_discount`"
                )
            return self.values
        return delay_values(self.values, quarters, self.start_discount)


@dataclass(frozen=True)
class CapacityLimit:
    """An extra per-quarter resource row (e.g. FTE), same form as the budget, no carry-over.

    Parameters
    ----------
    name
        Shown in messages and in :attr:`PortfolioPlan.binding`.
    limits
        Available amount per quarter (length Q).
    usage
        ``{candidate id: (u_0, u_1, …)}``, use k quarters after the start.
    """

    name: str
    limits: tuple[float, ...]
    usage: Mapping[str, tuple[float, ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        who = f"capacity {self.name!r}"
        limits = _schedule(self.limits, "limits", nonnegative=True, who=who)
        if not isinstance(self.usage, Mapping):
            raise CxkitError(f"{who}: `usage` must map candidate ids to schedules")
        usage = {
            str(k): _schedule(v, f"usage[{k!r}]", nonnegative=True, who=who)
            for k, v in self.usage.items()
        }
        object.__setattr__(self, "limits", limits)
        object.__setattr__(self, "usage", usage)


@dataclass(frozen=True)
class PortfolioPlan:
    """The chosen start quarters and what they spend.

    Attributes
    ----------
    starts
        ``{id: quarter}`` (1-based) for the selected initiatives, by quarter.
    value
        Objective: Σ V of the selected starts plus synergies.
    spend_per_quarter, budget_per_quarter
        Spend within the horizon and the budgets, per quarter.
    slack_per_quarter
        Budget − spend per quarter; with ``carry_over`` the cumulative budget −
        cumulative spend.
    binding
        Names of the resource rows with no slack (``"budget Q1"``,
        ``"cumulative budget Q1–Q2"``, ``"capacity 'FTE' Q2"``).
    status
        ``"optimal"``.
    carry_over
        Whether unspent budget rolled forward.
    synergy_value
        The part of ``value`` that comes from synergies.
    method
        ``"milp"`` or ``"brute_force"``.
    """

    starts: dict[str, int] = field(hash=False)
    value: float
    spend_per_quarter: tuple[float, ...]
    budget_per_quarter: tuple[float, ...]
    slack_per_quarter: tuple[float, ...]
    binding: tuple[str, ...]
    status: str = "optimal"
    carry_over: bool = False
    synergy_value: float = 0.0
    method: Literal["milp", "brute_force"] = "milp"

    @property
    def selected(self) -> tuple[str, ...]:
        """Ids of the selected initiatives, by start quarter."""
        return tuple(self.starts)

    def by_quarter(self) -> dict[int, tuple[str, ...]]:
        """``{quarter: ids starting then}`` for every quarter 1 … Q."""
        return {
            q: tuple(i for i, s in self.starts.items() if s == q)
            for q in range(1, len(self.budget_per_quarter) + 1)
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "starts": dict(self.starts),
            "value": self.value,
            "spend_per_quarter": list(self.spend_per_quarter),
            "budget_per_quarter": list(self.budget_per_quarter),
            "slack_per_quarter": list(self.slack_per_quarter),
            "binding": list(self.binding),
            "status": self.status,
            "carry_over": self.carry_over,
            "synergy_value": self.synergy_value,
            "method": self.method,
        }


# --------------------------------------------------------------------------- the problem


@dataclass
class _Row:
    name: str
    coef: NDArray[np.float64]  # over the x variables (n*Q)
    limit: float


@dataclass
class _Problem:
    ids: list[str]
    Q: int
    V: NDArray[np.float64]  # (n, Q)
    C: NDArray[np.float64]  # (n, Q) spend k quarters after start, truncated at Q
    budgets: NDArray[np.float64]
    carry_over: bool
    prereq: list[tuple[int, int, int]]  # (j, i, lag): j requires i
    exclusions: list[tuple[int, int]]
    synergies: list[tuple[int, int, float]]
    capacity: list[tuple[str, NDArray[np.float64], NDArray[np.float64]]]  # name, limits, usage
    forced: list[int]
    resource_rows: list[_Row] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.ids)


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _find_cycle(ids: list[str], prereq: list[tuple[int, int, int]]) -> list[int] | None:
    graph: dict[int, list[int]] = {i: [] for i in range(len(ids))}
    for j, i, _ in prereq:
        graph[j].append(i)
    state = [0] * len(ids)  # 0 new, 1 on stack, 2 done
    stack: list[int] = []

    def visit(u: int) -> list[int] | None:
        state[u] = 1
        stack.append(u)
        for v in graph[u]:
            if state[v] == 1:
                return [*stack[stack.index(v) :], v]
            if state[v] == 0:
                found = visit(v)
                if found:
                    return found
        stack.pop()
        state[u] = 2
        return None

    for u in range(len(ids)):
        if state[u] == 0:
            found = visit(u)
            if found:
                return found
    return None


def _prepare(
    candidates: Sequence[Candidate],
    budgets: Sequence[float],
    carry_over: bool,
    synergies: Mapping[tuple[str, str], float] | None,
    capacity: CapacityLimit | Sequence[CapacityLimit] | None,
    must_include: Iterable[str],
) -> _Problem:
    if isinstance(candidates, Candidate) or not isinstance(candidates, Iterable):
        raise CxkitError(
            f"`candidates` must be a sequence of Candidate, got {format_value(candidates)}"
        )
    cands = list(candidates)
    for k, c in enumerate(cands):
        if not isinstance(c, Candidate):
            raise CxkitError(
                f"`candidates[{k}]` must be a Candidate, got {format_value(c)} ({type(c).__name__})"
            )
    budget_arr = np.asarray(_schedule(budgets, "budgets", nonnegative=True), dtype=float)
    if budget_arr.size == 0:
        raise CxkitError("`budgets` must give one budget per quarter (at least one), got ()")
    nq = int(budget_arr.size)
    ids = [c.id for c in cands]
    index: dict[str, int] = {}
    for k, cid in enumerate(ids):
        if cid in index:
            raise CxkitError(f"candidate id {cid!r} appears twice (positions {index[cid]} and {k})")
        index[cid] = k
    n = len(cands)
    v_mat = np.array([c.values_for(nq) for c in cands], dtype=float).reshape(n, nq)
    c_mat = np.zeros((n, nq))
    for k, c in enumerate(cands):
        m = min(len(c.costs), nq)
        c_mat[k, :m] = c.costs[:m]

    prereq: list[tuple[int, int, int]] = []
    for j, c in enumerate(cands):
        for pid, lag in c.prerequisites.items():
            if pid not in index:
                raise CxkitError(
                    f"candidate {c.id!r}: unknown prerequisite {pid!r} (expected one of the "
                    f"candidate ids {ids}){_suggest(pid, ids)}"
                )
            prereq.append((j, index[pid], lag))
    cycle = _find_cycle(ids, prereq)
    if cycle is not None:
        chain = " requires ".join(repr(ids[i]) for i in cycle)
        raise CxkitError(
            f"prerequisites form a cycle: {chain}; none of them could ever start "
            "(remove one of these prerequisites)"
        )

    exclusions: set[tuple[int, int]] = set()
    for i, c in enumerate(cands):
        for e in c.excludes:
            if e not in index:
                raise CxkitError(
                    f"candidate {c.id!r}: `excludes` names unknown id {e!r} (expected one of "
                    f"{ids}){_suggest(e, ids)}"
                )
            exclusions.add((min(i, index[e]), max(i, index[e])))

    syn: list[tuple[int, int, float]] = []
    if synergies is not None:
        if not isinstance(synergies, Mapping):
            raise CxkitError(
                "`synergies` must map (id, id) pairs to the extra value when both are "
                f"selected, got {format_value(synergies)}"
            )
        seen: set[tuple[int, int]] = set()
        for pair, s in synergies.items():
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise CxkitError(
                    f"`synergies` keys must be (id, id) pairs, got {format_value(pair)}"
                )
            for p in pair:
                if p not in index:
                    raise CxkitError(
                        f"`synergies` key {pair!r}: unknown id {p!r} (expected one of {ids})"
                        f"{_suggest(str(p), ids)}"
                    )
            a, b = index[pair[0]], index[pair[1]]
            if a == b:
                raise CxkitError(f"`synergies` key {pair!r} pairs an initiative with itself")
            key = (min(a, b), max(a, b))
            if key in seen:
                raise CxkitError(f"`synergies` gives the pair {pair!r} twice")
            seen.add(key)
            syn.append((key[0], key[1], _finite(s, f"`synergies[{pair!r}]`")))

    caps: list[tuple[str, NDArray[np.float64], NDArray[np.float64]]] = []
    if capacity is not None:
        limits_list = [capacity] if isinstance(capacity, CapacityLimit) else list(capacity)
        for cap in limits_list:
            if not isinstance(cap, CapacityLimit):
                raise CxkitError(
                    f"`capacity` must be CapacityLimit objects, got {format_value(cap)}"
                )
            if len(cap.limits) != nq:
                raise CxkitError(
                    f"capacity {cap.name!r}: `limits` has {len(cap.limits)} quarters but "
                    f"`budgets` has {nq}"
                )
            u_mat = np.zeros((n, nq))
            for cid, sched in cap.usage.items():
                if cid not in index:
                    raise CxkitError(
                        f"capacity {cap.name!r}: `usage` names unknown id {cid!r} (expected one "
                        f"of {ids}){_suggest(cid, ids)}"
                    )
                m = min(len(sched), nq)
                u_mat[index[cid], :m] = sched[:m]
            caps.append((cap.name, np.asarray(cap.limits, dtype=float), u_mat))

    if isinstance(must_include, str):
        must_include = [must_include]
    forced: list[int] = []
    for cid in must_include:
        if cid not in index:
            raise CxkitError(
                f"`must_include` names unknown id {cid!r} (expected one of {ids})"
                f"{_suggest(str(cid), ids)}"
            )
        if index[cid] not in forced:
            forced.append(index[cid])

    prob = _Problem(
        ids,
        nq,
        v_mat,
        c_mat,
        budget_arr,
        bool(carry_over),
        prereq,
        sorted(exclusions),
        syn,
        caps,
        forced,
    )
    prob.resource_rows = _resource_rows(prob)
    return prob


def _spend_matrix(sched: NDArray[np.float64], nq: int) -> NDArray[np.float64]:
    """``a[t, i*nq + q] = sched[i, t − q]`` for t ≥ q: spend in quarter t of a start in q."""
    n = sched.shape[0]
    a = np.zeros((nq, n * nq))
    for i in range(n):
        for q in range(nq):
            for t in range(q, nq):
                a[t, i * nq + q] = sched[i, t - q]
    return a


def _resource_rows(p: _Problem) -> list[_Row]:
    rows: list[_Row] = []
    spend = _spend_matrix(p.C, p.Q)
    if p.carry_over:
        cum_spend, cum_budget = np.cumsum(spend, axis=0), np.cumsum(p.budgets)
        for t in range(p.Q):
            name = "cumulative budget Q1" if t == 0 else f"cumulative budget Q1–Q{t + 1}"
            rows.append(_Row(name, cum_spend[t], float(cum_budget[t])))
    else:
        for t in range(p.Q):
            rows.append(_Row(f"budget Q{t + 1}", spend[t], float(p.budgets[t])))
    for name, limits, use in p.capacity:
        use_rows = _spend_matrix(use, p.Q)
        for t in range(p.Q):
            rows.append(_Row(f"capacity {name!r} Q{t + 1}", use_rows[t], float(limits[t])))
    return rows


def _structural_rows(p: _Problem) -> tuple[list[NDArray[np.float64]], list[float], list[float]]:
    """Rows over x for start-once, prerequisites, exclusions (coef, lb, ub)."""
    n, nq = p.n, p.Q
    rows: list[NDArray[np.float64]] = []
    lb: list[float] = []
    ub: list[float] = []
    forced = set(p.forced)
    for i in range(n):
        r = np.zeros(n * nq)
        r[i * nq : (i + 1) * nq] = 1.0
        rows.append(r)
        lb.append(1.0 if i in forced else 0.0)
        ub.append(1.0)
    for j, i, lag in p.prereq:
        for q in range(nq):
            r = np.zeros(n * nq)
            r[j * nq : j * nq + q + 1] = 1.0
            if q - lag >= 0:
                r[i * nq : i * nq + q - lag + 1] -= 1.0
            rows.append(r)
            lb.append(-np.inf)
            ub.append(0.0)
    for i, k in p.exclusions:
        r = np.zeros(n * nq)
        r[i * nq : (i + 1) * nq] = 1.0
        r[k * nq : (k + 1) * nq] = 1.0
        rows.append(r)
        lb.append(-np.inf)
        ub.append(1.0)
    return rows, lb, ub


# --------------------------------------------------------------------------- diagnosis


def _earliest_starts(p: _Problem) -> dict[int, tuple[int, list[int]]]:
    """Earliest 0-based start of each initiative given prerequisite lags, with the chain."""
    memo: dict[int, tuple[int, list[int]]] = {}

    def es(j: int) -> tuple[int, list[int]]:
        if j not in memo:
            best: tuple[int, list[int]] = (0, [j])
            for jj, i, lag in p.prereq:
                if jj == j:
                    t, chain = es(i)
                    if t + lag > best[0]:
                        best = (t + lag, [*chain, j])
            memo[j] = best
        return memo[j]

    for j in range(p.n):
        es(j)
    return memo


def _required(p: _Problem, forced: Iterable[int]) -> dict[int, int]:
    """``{initiative: the forced initiative that requires it}`` (prerequisite closure)."""
    req: dict[int, int] = {}
    for f in forced:
        todo = [f]
        while todo:
            u = todo.pop()
            if u in req:
                continue
            req[u] = f
            todo.extend(i for j, i, _ in p.prereq if j == u)
    return req


def _check_forced_structure(p: _Problem) -> None:
    """Raise for forced sets that no schedule can satisfy whatever the budgets."""
    ids = p.ids
    early = _earliest_starts(p)
    req = _required(p, p.forced)
    for u, f in req.items():
        t, chain = early[u]
        if t >= p.Q:
            path = " → ".join(repr(ids[i]) for i in chain)
            who = f"must_include {ids[f]!r}" + (
                "" if u == f else f" (through prerequisite {ids[u]!r})"
            )
            raise CxkitError(
                f"{who} cannot be satisfied: the prerequisite chain {path} with its lags puts "
                f"the earliest start of {ids[u]!r} in quarter {t + 1}, after the last quarter "
                f"Q{p.Q} of `budgets`"
            )
    for i, k in p.exclusions:
        if i in req and k in req:

            def why(u: int) -> str:
                f = req[u]
                return "must_include" if f == u else f"prerequisite of must_include {ids[f]!r}"

            raise CxkitError(
                f"must_include cannot be satisfied: {ids[i]!r} ({why(i)}) and {ids[k]!r} "
                f"({why(k)}) are mutually exclusive"
            )


def _elastic(p: _Problem, forced: list[int]) -> tuple[float, list[tuple[str, float, float]]]:
    """Least total (scaled) overrun of the resource rows with ``forced`` selected."""
    sub = _Problem(
        p.ids, p.Q, p.V, p.C, p.budgets, p.carry_over, p.prereq, p.exclusions, [], p.capacity,
        forced, p.resource_rows,
    )  # fmt: skip
    rows, lb, ub = _structural_rows(sub)
    nx, nr = p.n * p.Q, len(p.resource_rows)
    a_rows = [np.concatenate([r, np.zeros(nr)]) for r in rows]
    scale = np.array([max(1.0, abs(r.limit)) for r in p.resource_rows])
    for k, r in enumerate(p.resource_rows):
        e = np.zeros(nr)
        e[k] = -1.0
        a_rows.append(np.concatenate([r.coef, e]))
        lb.append(-np.inf)
        ub.append(r.limit)
    c = np.concatenate([np.zeros(nx), 1.0 / scale])
    integrality = np.concatenate([np.ones(nx), np.zeros(nr)])
    res = milp(
        c,
        constraints=LinearConstraint(np.array(a_rows), lb, ub),
        integrality=integrality,
        bounds=Bounds(np.zeros(nx + nr), np.concatenate([np.ones(nx), np.full(nr, np.inf)])),
        options={"mip_rel_gap": 0.0},
    )
    if res.status != 0:
        return math.inf, []
    over = res.x[nx:]
    short = [
        (r.name, r.limit, float(over[k]))
        for k, r in enumerate(p.resource_rows)
        if over[k] > 1e-7 * scale[k]
    ]
    return float(res.fun), short


def _raise_infeasible(p: _Problem) -> None:
    _check_forced_structure(p)
    ids = p.ids

    def describe(short: list[tuple[str, float, float]]) -> str:
        return "; ".join(f"{name} (limit {lim:g}) is exceeded by {o:g}" for name, lim, o in short)

    for f in p.forced:
        total, short = _elastic(p, [f])
        if total > _TOL:
            extra = [ids[u] for u in _required(p, [f]) if u != f]
            with_pre = f" with its prerequisites {extra}" if extra else ""
            raise CxkitError(
                f"must_include {ids[f]!r} cannot be satisfied{with_pre}: even its cheapest "
                f"schedule breaks a resource row — {describe(short)}"
            )
    total, short = _elastic(p, p.forced)
    names = [ids[f] for f in p.forced]
    raise CxkitError(
        f"must_include {names} cannot all be satisfied together (each fits alone): the "
        f"schedule closest to feasible breaks — {describe(short)}"
    )


# --------------------------------------------------------------------------- plans


def _plan(p: _Problem, start: list[int], method: Literal["milp", "brute_force"]) -> PortfolioPlan:
    """Build the plan from 0-based start quarters (``-1`` = not selected)."""
    x = np.zeros(p.n * p.Q)
    for i, s in enumerate(start):
        if s >= 0:
            x[i * p.Q + s] = 1.0
    value = float(sum(p.V[i, s] for i, s in enumerate(start) if s >= 0))
    syn = float(sum(s for i, k, s in p.synergies if start[i] >= 0 and start[k] >= 0))
    spend = _spend_matrix(p.C, p.Q) @ x
    slack = np.cumsum(p.budgets) - np.cumsum(spend) if p.carry_over else p.budgets - spend
    binding = tuple(
        r.name for r in p.resource_rows if r.limit - r.coef @ x <= _TOL * max(1.0, abs(r.limit))
    )
    order = sorted((s, i) for i, s in enumerate(start) if s >= 0)
    return PortfolioPlan(
        starts={p.ids[i]: s + 1 for s, i in order},
        value=value + syn,
        spend_per_quarter=tuple(float(v) for v in spend),
        budget_per_quarter=tuple(float(v) for v in p.budgets),
        slack_per_quarter=tuple(float(v) for v in slack),
        binding=binding,
        carry_over=p.carry_over,
        synergy_value=syn,
        method=method,
    )


def optimize_portfolio(
    candidates: Sequence[Candidate],
    budgets: Sequence[float],
    *,
    carry_over: bool = False,
    synergies: Mapping[tuple[str, str], float] | None = None,
    capacity: CapacityLimit | Sequence[CapacityLimit] | None = None,
    must_include: Iterable[str] = (),
) -> PortfolioPlan:
    """Choose start quarters that maximise total value under budgets and dependencies.

    Solves the time-indexed binary program of the model reference §5.3 (see the module
    docstring) with :func:`scipy.optimize.milp` (HiGHS, zero optimality gap).

    Parameters
    ----------
    candidates
        The initiatives (unique ids).
    budgets
        Budget per quarter, Q1 … QQ; its length fixes the horizon Q.
    carry_over
        ``False``: each quarter's spend ≤ its budget. ``True``: cumulative spend
        ≤ cumulative budget (unspent budget rolls forward; no borrowing ahead).
    synergies
        ``{(id_a, id_b): s}``: extra value ``s`` (may be negative) when both are
        selected, whatever the quarters.
    capacity
        Extra per-quarter resource rows such as FTE (:class:`CapacityLimit`).
    must_include
        Ids that must be selected (in some quarter).

    Returns
    -------
    PortfolioPlan

    Raises
    ------
    CxkitError
        For invalid input (unknown or duplicate ids, cyclic prerequisites,
        negative costs, value or capacity sequences whose length is not
        ``len(budgets)``), and when ``must_include`` cannot be satisfied — the
        message names the initiative and the prerequisite chain, exclusion or
        budget row that prevents it. Without ``must_include`` the problem is
        always feasible (the empty plan); an initiative that fits no budget is
        simply not selected.

    Notes
    -----
    Spend later than quarter Q is ignored by the budget rows.

    Examples
    --------
    Example C4 of the model reference §8 (a Q2 start keeps 90 % of the NPV):

    >>> c4 = [
    ...     Candidate("CRM", 100, costs=(60,), start_discount=0.9),
    ...     Candidate("CTI", 40, costs=(30,), prerequisites=["CRM"], start_discount=0.9),
    ...     Candidate("FAQ", 70, costs=(40,), start_discount=0.9),
    ...     Candidate("Chat", 60, costs=(50,), prerequisites=["FAQ"], start_discount=0.9),
    ... ]
    >>> plan = optimize_portfolio(c4, budgets=[100, 60])
    >>> plan.starts, round(plan.value, 6)
    ({'CRM': 1, 'FAQ': 1, 'Chat': 2}, 224.0)
    >>> plan.spend_per_quarter, plan.binding
    ((100.0, 50.0), ('budget Q1',))
    """
    p = _prepare(candidates, budgets, carry_over, synergies, capacity, must_include)
    if p.forced:
        _check_forced_structure(p)
    if p.n == 0:
        return _plan(p, [], "milp")
    nx, ns = p.n * p.Q, len(p.synergies)
    rows, lb, ub = _structural_rows(p)
    for r in p.resource_rows:
        rows.append(r.coef)
        lb.append(-np.inf)
        ub.append(r.limit)
    a_mat = np.zeros((len(rows) + 3 * ns, nx + ns))
    a_mat[: len(rows), :nx] = np.array(rows)
    k0 = len(rows)
    for s, (i, k, _) in enumerate(p.synergies):
        xi = np.zeros(nx)
        xi[i * p.Q : (i + 1) * p.Q] = 1.0
        xk = np.zeros(nx)
        xk[k * p.Q : (k + 1) * p.Q] = 1.0
        a_mat[k0 + 3 * s, :nx], a_mat[k0 + 3 * s, nx + s] = -xi, 1.0  # y ≤ Σx_i
        a_mat[k0 + 3 * s + 1, :nx], a_mat[k0 + 3 * s + 1, nx + s] = -xk, 1.0  # y ≤ Σx_k
        a_mat[k0 + 3 * s + 2, :nx], a_mat[k0 + 3 * s + 2, nx + s] = (
            xi + xk,
            -1.0,
        )  # y ≥ Σx_i + Σx_k − 1
        lb += [-np.inf, -np.inf, -np.inf]
        ub += [0.0, 0.0, 1.0]
    objective = np.concatenate([p.V.ravel(), [s for _, _, s in p.synergies]])
    res = milp(
        -objective,
        constraints=LinearConstraint(a_mat, lb, ub),
        integrality=np.ones(nx + ns),
        bounds=Bounds(0.0, 1.0),
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 2:
        _raise_infeasible(p)
    if res.status != 0 or res.x is None:
        raise CxkitError(f"the portfolio solver (HiGHS) stopped without an optimum: {res.message}")
    x_mat = np.round(res.x[:nx]).reshape(p.n, p.Q)
    start = [int(np.argmax(x_mat[i])) if x_mat[i].sum() > 0.5 else -1 for i in range(p.n)]
    return _plan(p, start, "milp")


def brute_force_portfolio(
    candidates: Sequence[Candidate],
    budgets: Sequence[float],
    *,
    carry_over: bool = False,
    synergies: Mapping[tuple[str, str], float] | None = None,
    capacity: CapacityLimit | Sequence[CapacityLimit] | None = None,
    must_include: Iterable[str] = (),
) -> PortfolioPlan:
    """Same as :func:`optimize_portfolio` by enumerating every plan — for tests only.

    Tries all ``(Q + 1)**n`` assignments (not selected, or a start in Q1 … QQ),
    which is **exponential**: it refuses more than
    :data:`BRUTE_FORCE_MAX_CANDIDATES` candidates. Ties keep the first plan in
    enumeration order, so the plan may differ from the MILP's while the value is
    the same.

    Examples
    --------
    >>> c = [Candidate("A", 10, costs=(5,)), Candidate("B", 8, costs=(5,))]
    >>> brute_force_portfolio(c, budgets=[5]).starts
    {'A': 1}
    """
    p = _prepare(candidates, budgets, carry_over, synergies, capacity, must_include)
    if p.n > BRUTE_FORCE_MAX_CANDIDATES:
        raise CxkitError(
            f"brute_force_portfolio enumerates (Q+1)**n plans and accepts at most "
            f"{BRUTE_FORCE_MAX_CANDIDATES} candidates, got {p.n}; use optimize_portfolio"
        )
    forced = set(p.forced)
    rows = p.resource_rows
    best: tuple[float, list[int]] | None = None
    for combo in itertools.product(range(-1, p.Q), repeat=p.n):
        start = list(combo)
        if any(start[f] < 0 for f in forced):
            continue
        if any(start[i] >= 0 and start[k] >= 0 for i, k in p.exclusions):
            continue
        if any(
            start[j] >= 0 and (start[i] < 0 or start[i] + lag > start[j]) for j, i, lag in p.prereq
        ):
            continue
        x = np.zeros(p.n * p.Q)
        for i, s in enumerate(start):
            if s >= 0:
                x[i * p.Q + s] = 1.0
        if any(r.coef @ x > r.limit + _TOL * max(1.0, abs(r.limit)) for r in rows):
            continue
        value = sum(p.V[i, s] for i, s in enumerate(start) if s >= 0)
        value += sum(s for i, k, s in p.synergies if start[i] >= 0 and start[k] >= 0)
        if best is None or value > best[0] + _TOL:
            best = (float(value), start)
    if best is None:
        _raise_infeasible(p)
        raise AssertionError("unreachable")  # pragma: no cover
    return _plan(p, best[1], "brute_force")
