"""Size checks of a Monte Carlo run, made before anything is allocated.

A run keeps about :data:`BYTES_PER_CUSTOMER` bytes per customer (its metrics, the
per-customer frame) and :data:`BYTES_PER_VISIT` per visit (the visit log behind
``top_paths`` and the per-path counts). The visits per customer are the exact
chain's expected visits (one sparse solve, only for runs big enough to matter),
capped at ``max_steps``; the limits themselves live in :mod:`cxkit.core._checks`.

Measured on billing_inquiry and retail_omnichannel (2 cores): 1,000,000 customers
raised the peak resident memory by ~345 MB (~2.5 visits per customer) in ~2.5 s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from cxkit.core._checks import MAX_CUSTOMERS, MAX_MAX_STEPS, at_most, fits_in_memory
from cxkit.core.errors import CxkitError

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["BYTES_PER_CUSTOMER", "BYTES_PER_VISIT", "check_run"]

#: Bytes kept per customer (measured ~345; rounded up).
BYTES_PER_CUSTOMER = 400
#: Bytes kept per visit: customer and touchpoint of the visit log, int64 each, plus
#: the walk's per-chunk scratch.
BYTES_PER_VISIT = 24
#: Below this many bytes at ``max_steps`` visits each, the run is not solved first.
_CHEAP_BYTES = 256 * 1024**2


def _visits_per_customer(
    journey: Journey,
    max_steps: int,
    call_reason_mix: Mapping[str, float] | None,
    start: Mapping[str, float] | None,
) -> float:
    """Expected visits per customer (the largest over call reasons), ≤ ``max_steps``."""
    from cxkit.core.chain import solve_chain
    from cxkit.core.compiled import compile_journey, start_table

    try:
        chain = compile_journey(journey)
        starts = start_table(journey, call_reason_mix=call_reason_mix, start=start)
        visits = solve_chain(chain, starts.pi0, revisits=False).visits[0]
    except CxkitError:  # the run itself reports what is wrong with the journey
        return float(max_steps)
    per_reason = np.nansum(visits, axis=0)
    expected = float(per_reason.max()) if per_reason.size else float(max_steps)
    if not math.isfinite(expected):
        return float(max_steps)
    return min(float(max_steps), 1.25 * expected + 1.0)


def check_run(
    journey: Journey,
    n_customers: object,
    max_steps: object,
    *,
    call_reason_mix: Mapping[str, float] | None = None,
    start: Mapping[str, float] | None = None,
    names: tuple[str, str] = ("`n_customers`", "`max_steps`"),
) -> tuple[int, int]:
    """``(n_customers, max_steps)`` checked against the limits and the memory.

    ``names`` are the names shown in messages (the CLI passes its option names).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> check_run(j, 1000, 50)
    (1000, 50)
    >>> check_run(j, 1000, 10**6)
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `max_steps` must be at most 10,000 visits per customer \
(the walk takes one vectorised step per visit), got 1000000
    """
    steps = at_most(
        max_steps,
        names[1],
        1,
        MAX_MAX_STEPS,
        "visits per customer",
        "the walk takes one vectorised step per visit",
    )
    n = at_most(n_customers, names[0], 1, 2**63 - 1, "customers", "a count that fits in 64 bits")
    worst = BYTES_PER_CUSTOMER + BYTES_PER_VISIT * steps
    if n * worst <= _CHEAP_BYTES and n <= MAX_CUSTOMERS:
        return n, steps
    visits = _visits_per_customer(journey, steps, call_reason_mix, start)
    per = BYTES_PER_CUSTOMER + BYTES_PER_VISIT * visits
    return fits_in_memory(n, names[0], per, MAX_CUSTOMERS, "customers"), steps
