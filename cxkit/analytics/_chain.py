"""The absorbing Markov chain behind attribution and drift, solved exactly.

States are touchpoints (transient) and outcomes (absorbing); ``Q`` holds
touchpoint → touchpoint probabilities, ``R`` touchpoint → outcome ones, ``start``
the start distribution π0 (model reference §3.2). With ``A = I − Q`` (sparse, LU-factorised
once by :func:`scipy.sparse.linalg.splu`, never inverted):

* ``x = N r`` — probability of ending in the target outcome set from each state;
* ``v = π0ᵀ N`` — expected visits per journey; ``P(target) = π0ᵀ x``;
* ``N_ττ`` — the diagonal of the fundamental matrix on cycles (1 off cycles);
* ``h_τ = v_τ / N_ττ`` — probability that a journey ever reaches τ.

Removal effect (Anderl et al. 2016; model reference §3.3). Removing touchpoint τ sends
every transition into τ (and every start at τ) to a null state. The journeys that
still reach the target are those that never hit τ, so by the strong Markov property

    P_without(τ) = P(target) − h_τ · x_τ

— one factorisation gives every touchpoint's effect, exactly (it equals the
Sherman–Morrison update of ``I − Q`` with column τ of ``Q`` removed). Removing a
*set* of touchpoints (a channel) zeroes the hand-offs into it: one draw per set, all
solved in one batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from cxkit.core.chain import ChainSolution, solve_chain
from cxkit.core.compiled import CompiledJourney, compile_journey, start_table

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["Chain", "journey_start"]


def journey_start(journey: Journey) -> dict[str, float]:
    """The mixed start distribution: each call reason's ``entry`` (else the journey's),
    weighted by the reasons' shares (:func:`cxkit.core.compiled.start_table`).

    >>> import cxkit as cx
    >>> journey_start(cx.load_journey("billing_inquiry"))
    {'web_faq': 1.0}
    """
    mixed = start_table(journey).mixed
    ids = journey.graph.touchpoint_ids
    return {ids[i]: float(mixed[i]) for i in np.flatnonzero(mixed)}


@dataclass(frozen=True, eq=False)
class Chain:
    """An absorbing chain over touchpoints (``states``) and outcomes (``outcomes``)."""

    compiled: CompiledJourney
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
        kept = [(s, d, float(p)) for s, d, p in edges if p != 0]
        compiled = CompiledJourney.from_edges(kept, states, outcomes)
        index = compiled.touchpoint_index
        pi0 = np.zeros(len(states))
        for k, p in start.items():
            pi0[index[k]] += float(p)
        return cls(compiled, pi0)

    @classmethod
    def from_journey(cls, journey: Journey) -> Chain:
        """The designed chain of a journey: hand-offs, remainders and start mix."""
        return cls(compile_journey(journey), start_table(journey).mixed)

    # -- views -------------------------------------------------------------------------
    @property
    def states(self) -> tuple[str, ...]:
        """Touchpoint ids."""
        return self.compiled.touchpoint_ids

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Outcome ids."""
        return self.compiled.outcome_ids

    @property
    def n(self) -> int:
        """Number of touchpoints."""
        return self.compiled.n

    @property
    def Q(self) -> sp.csr_matrix:  # noqa: N802 - the chain's textbook name
        """Touchpoint → touchpoint probabilities (for reference computations)."""
        c = self.compiled
        tt = c.target < c.n
        return sp.csr_matrix((c.prob[tt], (c.source[tt], c.target[tt])), shape=(c.n, c.n))

    # -- solves ------------------------------------------------------------------------
    @cached_property
    def _solved(self) -> ChainSolution:
        return solve_chain(self.compiled, self.start[None, :], absorption_from=True)

    def target_vector(self, targets: Iterable[str]) -> NDArray[np.float64]:
        """``r``: each touchpoint's one-step probability of entering ``targets``."""
        return self._into(targets, self.compiled.prob)

    def _into(self, targets: Iterable[str], prob: NDArray[np.float64]) -> NDArray[np.float64]:
        c = self.compiled
        index = c.outcome_index
        wanted = np.zeros(c.n + c.m, dtype=bool)
        wanted[[c.n + index[t] for t in targets]] = True
        hit = wanted[c.target]
        return np.bincount(c.source[hit], weights=prob[hit], minlength=c.n)

    def absorption_into(self, targets: Iterable[str]) -> NDArray[np.float64]:
        """``x = N r``: from each touchpoint, the probability of ending in ``targets``."""
        cols = [self.compiled.outcome_index[t] for t in targets]
        b = self._solved.absorption_from[0]  # type: ignore[index]
        return np.nan_to_num(b[:, cols].sum(axis=1))

    def visits(self) -> NDArray[np.float64]:
        """Expected visits per journey ``v = π0ᵀ (I − Q)⁻¹``."""
        return self._solved.visits[0, :, 0]

    def reach(self) -> NDArray[np.float64]:
        """``h_τ``: probability that a journey visits τ at least once."""
        v = self.visits()
        with np.errstate(divide="ignore", invalid="ignore"):
            h = np.where(v > 0, v / self._solved.ndiag[0], 0.0)
        return np.clip(h, 0.0, 1.0)

    def outcome_probabilities(self) -> NDArray[np.float64]:
        """``π0ᵀ B``: the probability of ending in each outcome (cxkit model reference §3.2)."""
        return self._solved.absorption[0, 0]

    def removal(self, targets: Sequence[str]) -> tuple[float, NDArray[np.float64]]:
        """``(P(target), P_without(τ) for every τ)`` — see the module docstring."""
        x = self.absorption_into(targets)
        p = float(self.start @ x)
        without = p - self.reach() * x
        return p, np.clip(without, 0.0, None)

    def removal_of_sets(
        self, targets: Sequence[str], groups: Sequence[Sequence[str]]
    ) -> NDArray[np.float64]:
        """``P_without(S)`` for each set ``S`` of touchpoints (one draw per set, one batch)."""
        c = self.compiled
        index = c.touchpoint_index
        keep = np.ones((len(groups), c.n))
        for k, group in enumerate(groups):
            keep[k, [index[s] for s in group]] = 0.0
        # a hand-off into a removed touchpoint leaves the chain (to the null state)
        into = c.target < c.n
        draws = np.where(into[None, :], keep[:, np.minimum(c.target, c.n - 1)], 1.0) * c.prob
        # customers who would start at a removed touchpoint leave at once: a removed
        # touchpoint is neither a start nor reachable, so it cannot trap the chain
        start = self.start[None, :] * keep
        solved = solve_chain(c, start, draws, revisits=False, absorption_from=True)
        cols = [c.outcome_index[t] for t in targets]
        x = np.nan_to_num(solved.absorption_from[:, :, cols].sum(axis=2))  # type: ignore[index]
        return np.clip((start * x).sum(axis=1), 0.0, None)
