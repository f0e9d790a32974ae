"""The absorbing Markov chain behind attribution and drift, solved exactly.

States are touchpoints (transient) and outcomes (absorbing); ``Q`` holds
touchpoint → touchpoint probabilities, ``R`` touchpoint → outcome ones, ``start``
the start distribution π0 (model reference §3.2). With ``A = I − Q`` (sparse, LU-factorised
once by :func:`scipy.sparse.linalg.splu`, never inverted):

* ``x = A⁻¹ r`` — probability of ending in the target outcome set from each state;
* ``v = A⁻ᵀ π0`` — expected visits per journey; ``P(target) = π0ᵀ x``;
* ``N_ττ`` — the diagonal of the fundamental matrix, from solves with unit vectors;
* ``h_τ = v_τ / N_ττ`` — probability that a journey ever reaches τ.

Removal effect (Anderl et al. 2016; model reference §3.3). Removing touchpoint τ sends
every transition into τ (and every start at τ) to a null state. The journeys that
still reach the target are those that never hit τ, so by the strong Markov property

    P_without(τ) = P(target) − h_τ · x_τ

— one factorisation gives every touchpoint's effect, exactly (it equals the
Sherman–Morrison update of ``A`` with column τ of ``Q`` removed). Removing a *set*
of touchpoints (a channel) zeroes their columns and solves again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import splu

from cxkit.core.errors import SimulationError

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["Chain", "journey_start"]

_CHUNK = 256


def journey_start(journey: Journey) -> dict[str, float]:
    """The mixed start distribution: each call reason's ``entry`` (else the journey's),
    weighted by the reasons' shares.

    >>> import cxkit as cx
    >>> journey_start(cx.load_journey("billing_inquiry"))
    {'web_faq': 1.0}
    """
    default = journey.start_distribution()
    reasons = journey.graph.call_reasons
    if not reasons:
        return dict(default)
    total = sum(r.share for r in reasons)
    out: dict[str, float] = {}
    for r in reasons:
        dist = dict(r.entry) if r.entry else default
        for k, p in dist.items():
            out[k] = out.get(k, 0.0) + (r.share / total) * p
    return out


@dataclass(frozen=True, eq=False)
class Chain:
    """An absorbing chain over touchpoints (``states``) and outcomes (``outcomes``)."""

    states: tuple[str, ...]
    outcomes: tuple[str, ...]
    Q: sp.csc_matrix
    R: sp.csc_matrix
    start: NDArray[np.float64]

    # -- construction ------------------------------------------------------------------
    @classmethod
    def from_edges(
        cls,
        edges: Iterable[tuple[str, str, float]],
        start: Mapping[str, float],
        states: Sequence[str],
        outcomes: Sequence[str],
    ) -> Chain:
        """From ``(source, target, probability)`` triples; targets are states or outcomes.

        >>> c = Chain.from_edges(
        ...     [
        ...         ("web", "resolved", 0.5),
        ...         ("web", "phone", 0.3),
        ...         ("web", "churn", 0.2),
        ...         ("phone", "resolved", 0.8),
        ...         ("phone", "phone", 0.1),
        ...         ("phone", "churn", 0.1),
        ...     ],
        ...     {"web": 1.0},
        ...     ["web", "phone"],
        ...     ["resolved", "churn"],
        ... )
        >>> [round(float(p) * 30, 9) for p in c.outcome_probabilities()]
        [23.0, 7.0]
        """
        s_index = {s: i for i, s in enumerate(states)}
        o_index = {o: i for i, o in enumerate(outcomes)}
        n, m = len(states), len(outcomes)
        qi, qj, qv, ri, rj, rv = [], [], [], [], [], []
        for src, dst, p in edges:
            if p == 0:
                continue
            i = s_index[src]
            if dst in s_index:
                qi.append(i)
                qj.append(s_index[dst])
                qv.append(float(p))
            else:
                ri.append(i)
                rj.append(o_index[dst])
                rv.append(float(p))
        q = sp.csc_matrix((qv, (qi, qj)), shape=(n, n), dtype=float)
        r = sp.csc_matrix((rv, (ri, rj)), shape=(n, m), dtype=float)
        pi0 = np.zeros(n)
        for k, p in start.items():
            pi0[s_index[k]] += float(p)
        return cls(tuple(states), tuple(outcomes), q, r, pi0)

    @classmethod
    def from_journey(cls, journey: Journey) -> Chain:
        """The designed chain of a journey: hand-offs, remainders and start mix."""
        g = journey.graph
        graph = g.nx
        edges = [(u, v, float(d["probability"])) for u, v, d in graph.edges(data=True)]
        start = {k: v for k, v in journey_start(journey).items() if g.has_touchpoint(k)}
        return cls.from_edges(edges, start, g.touchpoint_ids, g.outcome_ids)

    # -- solves ------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of touchpoints."""
        return len(self.states)

    def _lu(self) -> object:
        cached = self.__dict__.get("_lu_cache")
        if cached is None:
            a = (sp.identity(self.n, format="csc") - self.Q).tocsc()
            try:
                cached = splu(a)
            except RuntimeError:
                raise SimulationError(
                    "the touchpoint graph has a loop customers can never leave "
                    "(I − Q is singular); every touchpoint needs a path to an outcome"
                ) from None
            self.__dict__["_lu_cache"] = cached
        return cached

    def target_vector(self, targets: Iterable[str]) -> NDArray[np.float64]:
        """``r``: each touchpoint's one-step probability of entering ``targets``."""
        cols = [self.outcomes.index(t) for t in targets]
        return np.asarray(self.R[:, cols].sum(axis=1)).ravel()

    def absorb(self, r: NDArray[np.float64]) -> NDArray[np.float64]:
        """``x = (I − Q)⁻¹ r``."""
        if self.n == 0:
            return np.zeros(0)
        return np.asarray(self._lu().solve(np.asarray(r, dtype=float)))  # type: ignore[attr-defined]

    def visits(self) -> NDArray[np.float64]:
        """Expected visits per journey ``v = π0ᵀ (I − Q)⁻¹``."""
        if self.n == 0:
            return np.zeros(0)
        return np.asarray(self._lu().solve(self.start, trans="T"))  # type: ignore[attr-defined]

    def fundamental_diagonal(self) -> NDArray[np.float64]:
        """``N_ττ`` for every touchpoint (solves in chunks of unit vectors)."""
        lu = self._lu()
        out = np.empty(self.n)
        for lo in range(0, self.n, _CHUNK):
            hi = min(self.n, lo + _CHUNK)
            rhs = np.zeros((self.n, hi - lo))
            rhs[np.arange(lo, hi), np.arange(hi - lo)] = 1.0
            sol = lu.solve(rhs)  # type: ignore[attr-defined]
            out[lo:hi] = sol[np.arange(lo, hi), np.arange(hi - lo)]
        return out

    def reach(self) -> NDArray[np.float64]:
        """``h_τ``: probability that a journey visits τ at least once."""
        if self.n == 0:
            return np.zeros(0)
        return np.clip(self.visits() / self.fundamental_diagonal(), 0.0, 1.0)

    def outcome_probabilities(self) -> NDArray[np.float64]:
        """``π0ᵀ B``: the probability of ending in each outcome (model reference §3.2)."""
        if self.n == 0:
            return np.zeros(len(self.outcomes))
        b = self._lu().solve(self.R.toarray())  # type: ignore[attr-defined]
        return np.asarray(self.start @ b).ravel()

    def removal(self, targets: Sequence[str]) -> tuple[float, NDArray[np.float64]]:
        """``(P(target), P_without(τ) for every τ)`` — see the module docstring."""
        x = self.absorb(self.target_vector(targets))
        p = float(self.start @ x)
        without = p - self.reach() * x
        return p, np.clip(without, 0.0, None)

    def removal_of_sets(
        self, targets: Sequence[str], groups: Sequence[Sequence[str]]
    ) -> NDArray[np.float64]:
        """``P_without(S)`` for each set ``S`` of touchpoints (one solve per set)."""
        r = self.target_vector(targets)
        out = np.empty(len(groups))
        for k, group in enumerate(groups):
            idx = [self.states.index(s) for s in group]
            keep = np.ones(self.n)
            keep[idx] = 0.0
            q = self.Q @ sp.diags(keep)
            a = (sp.identity(self.n, format="csc") - q).tocsc()
            try:
                x = splu(a).solve(r)
            except RuntimeError:  # pragma: no cover - removing states cannot create a trap
                raise SimulationError("I − Q is singular after the removal") from None
            out[k] = float((self.start * keep) @ x)
        return np.clip(out, 0.0, None)
