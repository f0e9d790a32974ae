"""Random journeys of a chosen size, for benchmarks and property tests."""

from __future__ import annotations

import numpy as np

from cxkit.core._checks import whole_number
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import (
    CallReason,
    Handoff,
    Outcome,
    OutcomeKind,
    Stage,
    Step,
    Touchpoint,
    TouchpointKind,
)
from cxkit.core.rng import SeedLike, as_generator

__all__ = ["random_journey"]

_CHANNELS = ("web", "ec", "store", "sns", "tv", "phone", "chat", "email", "webform")
_KINDS = {
    "web": TouchpointKind.SERVICE,
    "ec": TouchpointKind.SALES,
    "store": TouchpointKind.SALES,
    "sns": TouchpointKind.MARKETING,
    "tv": TouchpointKind.MARKETING,
    "phone": TouchpointKind.SERVICE,
    "chat": TouchpointKind.SERVICE,
    "email": TouchpointKind.SERVICE,
    "webform": TouchpointKind.SERVICE,
}


def random_journey(
    n_touchpoints: int = 20,
    *,
    seed: SeedLike,
    out_degree: int = 4,
    exit_share: tuple[float, float] = (0.1, 0.25),
) -> Journey:
    """A valid random omnichannel journey with ``n_touchpoints`` touchpoints.

    Touchpoints ``tp01 …`` cycle through the built-in channels; each has
    ``out_degree`` hand-offs to other touchpoints (context carry-over, waits and
    the odd transfer drawn at random) and sends a share drawn uniformly from
    ``exit_share`` to the outcomes ``purchase``, ``resolved`` and ``churn``; what is
    left of a row goes to ``abandon`` by the remainder rule. Three call reasons
    start at different touchpoints, and one designed step per touchpoint gives
    expectations and experiences, so every column of
    :func:`~cxkit.data.generate_events` is filled.

    Parameters
    ----------
    n_touchpoints
        Number of touchpoints (≥ 2).
    seed
        Seed of the random stream.
    out_degree
        Hand-offs per touchpoint to other touchpoints (capped at ``n_touchpoints − 1``).
    exit_share
        Range of the share of a touchpoint's customers who go to an outcome other
        than ``abandon``; with the remainder, this keeps paths short.

    Examples
    --------
    >>> j = random_journey(12, seed=3)
    >>> len(j.graph.touchpoints), j.graph.outcome_ids, j.is_valid
    (12, ('purchase', 'resolved', 'churn', 'abandon'), True)
    >>> random_journey(12, seed=3) == j
    True
    """
    n = whole_number(n_touchpoints, "n_touchpoints", 2)
    degree = min(whole_number(out_degree, "out_degree", 1), n - 1)
    low, high = (float(x) for x in exit_share)
    if not 0.0 < low <= high < 1.0:
        raise CxkitError(
            "`exit_share` must be (low, high) with 0 < low ≤ high < 1, "
            f"got {format_value(exit_share)}"
        )
    rng = as_generator(seed)
    ids = [f"tp{i + 1:02d}" for i in range(n)]
    channels = [_CHANNELS[i % len(_CHANNELS)] for i in range(n)]
    touchpoints = tuple(
        Touchpoint(
            tp,
            label=f"Touchpoint {i + 1} ({ch})",
            channel=ch,
            kind=_KINDS[ch],
            cost_per_contact=float(rng.choice([0, 10, 50, 300, 600])),
        )
        for i, (tp, ch) in enumerate(zip(ids, channels, strict=True))
    )
    handoffs: list[Handoff] = []
    for i, tp in enumerate(ids):
        exit_p = rng.uniform(low, high)
        split = rng.dirichlet(np.ones(3)) * exit_p
        for outcome, p in zip(("purchase", "resolved", "churn"), split, strict=True):
            handoffs.append(Handoff(tp, outcome, round(float(p), 4)))
        move = rng.uniform(0.8, 0.95) * (1.0 - exit_p)
        targets = rng.choice([k for k in range(n) if k != i], size=degree, replace=False)
        for k, p in zip(targets, rng.dirichlet(np.ones(degree)) * move, strict=True):
            switch = channels[int(k)] != channels[i]
            handoffs.append(
                Handoff(
                    tp,
                    ids[int(k)],
                    round(float(p), 4),
                    context_carryover=round(float(rng.uniform(0.0, 1.0)), 2) if switch else 1.0,
                    wait_s=float(rng.choice([0, 0, 30, 120])),
                    transfer=bool(not switch and rng.random() < 0.5),
                )
            )
    outcomes = (
        Outcome("purchase", kind=OutcomeKind.PURCHASE),
        Outcome("resolved", kind=OutcomeKind.RESOLVED),
        Outcome("churn", kind=OutcomeKind.CHURN),
        Outcome("abandon", kind=OutcomeKind.ABANDON),
    )
    entries = [rng.choice(n, size=min(3, n), replace=False) for _ in range(3)]
    reasons = tuple(
        CallReason(
            f"reason{r + 1}",
            share=share,
            entry={ids[int(k)]: 1.0 / len(e) for k in e},
            expectations={tp: float(rng.integers(4, 9)) for tp in ids},
            expected_wait_s=60.0,
        )
        for r, (share, e) in enumerate(zip((0.5, 0.3, 0.2), entries, strict=True))
    )
    steps = tuple(
        Step(
            "journey",
            tp,
            action=f"Contact at {tp}",
            expectation=6.0,
            experience=float(np.clip(np.round(rng.normal(6.0, 2.0)), 0, 10)),
        )
        for tp in ids
    )
    graph = TouchpointGraph(
        touchpoints=touchpoints,
        handoffs=tuple(handoffs),
        outcomes=outcomes,
        call_reasons=reasons,
    )
    return Journey(
        id=f"random_{n}",
        title=f"Random journey with {n} touchpoints",
        graph=graph,
        stages=(Stage("journey"),),
        steps=steps,
    )
