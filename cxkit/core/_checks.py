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

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cxkit.core.errors import CxkitError, format_value

__all__ = ["as_output", "fail", "nonnegative", "positive", "probability", "real", "whole_number"]


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
