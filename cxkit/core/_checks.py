"""Argument checks shared by the numeric functions (queues, loyalty, …).

Every check turns its argument into a float array (scalars stay 0-d) and raises
:class:`~cxkit.core.errors.CxkitError` naming the argument, the value received (the
first bad element and its index for an array) and what was expected.

Examples
--------
>>> positive(2, "aht", "seconds").item()
2.0
>>> positive([3, 0], "aht", "seconds")
Traceback (most recent call last):
    ...
cxkit.core.errors.CxkitError: `aht` must be a finite number > 0 (seconds), got 0 at index 1
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core.errors import CxkitError, format_value

__all__ = [
    "DENSE_CELL_BYTES",
    "LIMITS",
    "MAX_AGENTS",
    "MAX_CUSTOMERS",
    "MAX_DENSE_TOUCHPOINTS",
    "MAX_ERLANGS",
    "MAX_HORIZON_PERIODS",
    "MAX_MAGNITUDE",
    "MAX_MAX_STEPS",
    "MAX_PLANNING_PERIODS",
    "MAX_SIMS",
    "MEMORY_SHARE",
    "as_output",
    "at_most",
    "available_memory",
    "fail",
    "fits_in_memory",
    "format_bytes",
    "magnitude",
    "memory_budget",
    "nonnegative",
    "positive",
    "probability",
    "real",
    "whole_number",
]


# ------------------------------------------------------------------------------- limits
# Every size a user can type is bounded here, in one place, and documented in
# docs/reference/cli.md ("Limits"). A fixed cap keeps a run within minutes; the
# memory check (``fits_in_memory``) refuses a run whose estimate exceeds
# ``MEMORY_SHARE`` of the memory available when it starts.

#: Customers in one Monte Carlo run (``n_customers``, ``--customers``): ~25 s per
#: 10 M on two cores, ~350 bytes per customer and 16 bytes per visit kept.
MAX_CUSTOMERS = 100_000_000
#: Visits per customer (``max_steps``, ``--max-steps``): the walk takes one vectorised
#: step per visit, so this bounds a run's steps.
MAX_MAX_STEPS = 10_000
#: Draws of the ROI engine (``n_sims``, ``--sims``).
MAX_SIMS = 1_000_000
#: Cash-flow periods of an ROI horizon (``horizon_years`` × periods per year): IRR is
#: searched down to −99 % per period, and 1.01⁻¹ … 100ᵏ overflows past ~150 periods.
MAX_HORIZON_PERIODS = 120
#: Planning periods of a roadmap (``quarters``, ``--quarters``, ``len(budget)``): the
#: MILP's spend matrix grows with the square of the periods.
MAX_PLANNING_PERIODS = 120
#: Offered load of one staffing interval (``calls·aht/interval``) in Erlangs; the
#: Erlang B recursion takes one step per agent.
MAX_ERLANGS = 100_000.0
#: Agents of one queue or staffing table row (``servers``, ``agents``).
MAX_AGENTS = 1_000_000
#: Distinct touchpoints in one event log given to ``discover``: its journey may hold up
#: to ``touchpoints × (touchpoints + outcomes)`` hand-offs (~16 bytes a cell, measured
#: when an earlier engine counted them in dense arrays: 20,000 took ~47 s and ~5.8 GB
#: on two cores).
MAX_DENSE_TOUCHPOINTS = 25_000
#: Bytes per cell of those dense arrays (measured 5.8 GB for 20,000 × 20,000).
DENSE_CELL_BYTES = 16
#: Largest magnitude of a money or time input (costs, margins, budgets, seconds):
#: sums of a million such values stay far from float overflow (1.8e308).
MAX_MAGNITUDE = 1e15
#: Share of the memory available at the start of a run that one run may plan to use.
MEMORY_SHARE = 0.75

#: The limits by name, as documented (tests compare the docs' table with it).
LIMITS: dict[str, float] = {
    "customers": MAX_CUSTOMERS,
    "max_steps": MAX_MAX_STEPS,
    "sims": MAX_SIMS,
    "horizon_periods": MAX_HORIZON_PERIODS,
    "planning_periods": MAX_PLANNING_PERIODS,
    "erlangs": MAX_ERLANGS,
    "agents": MAX_AGENTS,
    "dense_touchpoints": MAX_DENSE_TOUCHPOINTS,
    "magnitude": MAX_MAGNITUDE,
}

#: Used when the available memory cannot be read (not Linux, no ``sysconf``).
_FALLBACK_MEMORY = 4 * 1024**3


def available_memory() -> int:
    """Bytes of memory available now: ``MemAvailable`` of ``/proc/meminfo``.

    Falls back to ``os.sysconf`` (available pages × page size), then to 4 GiB.

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return _FALLBACK_MEMORY


def memory_budget() -> int:
    """Bytes one run may plan to use: ``MEMORY_SHARE`` of :func:`available_memory`."""
    return int(available_memory() * MEMORY_SHARE)


def format_bytes(n: float) -> str:
    """``43.7 TiB``, ``512 MiB``: binary units, three significant figures.

    Examples
    --------
    >>> format_bytes(48 * 10**12), format_bytes(1536), format_bytes(12)
    ('43.7 TiB', '1.5 KiB', '12 B')
    """
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def at_most(value: Any, name: str, low: int, limit: int, unit: str, reason: str) -> int:
    """``value`` as an ``int`` if it is a whole number in ``[low, limit]``.

    ``name`` is shown as given (```n_customers``` for the API, ``--customers`` for
    the CLI); ``reason`` says why the limit exists.

    Examples
    --------
    >>> at_most(5, "`n`", 1, 10, "draws", "a fixed cap")
    5
    >>> at_most(11, "`n`", 1, 10, "draws", "a fixed cap")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `n` must be at most 10 draws (a fixed cap), got 11
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise CxkitError(f"{name} must be a whole number ≥ {low}, got {format_value(value)}")
    if value > limit:
        raise CxkitError(f"{name} must be at most {limit:,} {unit} ({reason}), got {value}")
    return int(value)


def fits_in_memory(
    value: int,
    name: str,
    per_item: float,
    limit: int,
    unit: str,
    base: float = 0.0,
    fit: int | None = None,
) -> int:
    """Refuse ``value`` items when ``base + value × per_item`` bytes exceed the budget.

    The message gives the estimate, the most items allowed (the smaller of ``limit``
    and what fits in :func:`memory_budget`) and why. Checked before anything is
    allocated.

    ``fit`` overrides the most items that fit (for a need that is not linear in
    ``value``).

    Examples
    --------
    >>> fits_in_memory(10, "`n`", 100.0, 1000, "customers")
    10
    >>> fits_in_memory(10**12, "--customers", 48.0, 10**8, "customers")
    ... # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: --customers 1000000000000 would need ~43.7 TiB of memory;
    at most ... customers per run (...)
    """
    need = base + value * per_item
    budget = memory_budget()
    if fit is None:
        fit = max(0, int((budget - base) // per_item))
    if value <= limit and need <= budget:
        return value
    most = min(limit, fit)
    why = (
        f"a fixed cap of {limit:,}"
        if most == limit
        else f"~{format_bytes(budget)} may be used: {MEMORY_SHARE:.0%} of the "
        f"{format_bytes(available_memory())} available now"
    )
    raise CxkitError(
        f"{name} {value} would need ~{format_bytes(need)} of memory; "
        f"at most {most:,} {unit} per run ({why})"
    )


def magnitude(value: float, name: str, what: str) -> float:
    """``value`` if it is finite and ``|value| ≤ MAX_MAGNITUDE``.

    Examples
    --------
    >>> magnitude(1.0e308, "`margin_per_customer`", "money per customer-period")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `margin_per_customer` must be a finite number of
    magnitude ≤ 1e+15 (money per customer-period), got 1e+308
    """
    if not (isinstance(value, numbers.Real) and math.isfinite(value)) or abs(value) > MAX_MAGNITUDE:
        raise CxkitError(
            f"{name} must be a finite number of magnitude ≤ {MAX_MAGNITUDE:g} ({what}), "
            f"got {format_value(value)}"
        )
    return float(value)


def fail(name: str, value: Any, expected: str, where: str = "") -> CxkitError:
    """The error for argument ``name``: ``` `name` must be <expected>, got <value><where>```.

    Examples
    --------
    >>> str(fail("rate", "x", "a number", " at index 2"))
    "`rate` must be a number, got 'x' at index 2"
    """
    return CxkitError(f"`{name}` must be {expected}, got {format_value(value)}{where}")


def whole_number(value: Any, name: str, low: int) -> int:
    """``value`` as an ``int`` if it is a whole number (not a bool) ≥ ``low``.

    >>> whole_number(3, "n", 1)
    3
    >>> whole_number(0, "n", 1)
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `n` must be a whole number ≥ 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise fail(name, value, f"a whole number ≥ {low}")
    return int(value)


def real(
    name: str,
    value: Any,
    expected: str,
    ok: Callable[[NDArray[np.float64]], Any] | None = None,
) -> NDArray[np.float64]:
    """``value`` as a float array; every element finite and passing ``ok``.

    Booleans, strings, bytes and ``None`` are refused; for an array the error names
    the first bad element as given (``0`` stays ``0``) and its index.

    Examples
    --------
    >>> real("x", [1, 2], "numbers").tolist()
    [1.0, 2.0]
    >>> real("x", True, "a number")
    Traceback (most recent call last):
        ...
    cxkit.core.errors.CxkitError: `x` must be a number, got True
    """
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None:
        raise fail(name, value, expected)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise fail(name, value, expected) from None
    bad = ~np.isfinite(arr)
    if ok is not None:
        with np.errstate(invalid="ignore"):
            bad |= ~np.asarray(ok(arr), dtype=bool)
    if bad.any():
        if arr.ndim == 0:
            raise fail(name, value, expected)
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" at index {index[0] if len(index) == 1 else index}"
        shown = np.asarray(value)[index]  # as given: 0 stays 0, not 0.0
        raise fail(name, shown.item() if hasattr(shown, "item") else shown, expected, where)
    return arr


def probability(value: Any, name: str, what: str = "") -> NDArray[np.float64]:
    """``value`` checked to lie in [0, 1]; ``what`` is added in parentheses.

    Examples
    --------
    >>> probability(1.5, "p", "share answered")
    Traceback (most recent call last):
        ...
    cxkit.core.errors.CxkitError: `p` must be a probability in [0, 1] (share answered), got 1.5
    """
    extra = f" ({what})" if what else ""
    return real(name, value, f"a probability in [0, 1]{extra}", lambda a: (a >= 0) & (a <= 1))


def nonnegative(value: Any, name: str, what: str) -> NDArray[np.float64]:
    """``value`` checked to be finite and ≥ 0.

    Examples
    --------
    >>> nonnegative(-1, "wait", "seconds")
    Traceback (most recent call last):
        ...
    cxkit.core.errors.CxkitError: `wait` must be a finite number ≥ 0 (seconds), got -1
    """
    return real(name, value, f"a finite number ≥ 0 ({what})", lambda a: a >= 0)


def positive(value: Any, name: str, what: str) -> NDArray[np.float64]:
    """``value`` checked to be finite and > 0 (see the module examples)."""
    return real(name, value, f"a finite number > 0 ({what})", lambda a: a > 0)


def as_output(value: Any) -> Any:
    """A Python float for 0-d results, else the array.

    Examples
    --------
    >>> as_output(np.asarray(2.5)), as_output([1.0, 2.0]).tolist()
    (2.5, [1.0, 2.0])
    """
    return float(value) if np.ndim(value) == 0 else np.asarray(value)
