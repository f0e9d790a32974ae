"""One door for randomness in cxkit (model reference §0; networkx's ``np_random_state``).

Every stochastic function takes a ``seed`` and turns it into a
:class:`numpy.random.Generator` here, so that the convention
``Generator(PCG64(seed))`` with a *required* seed is enforced in one place.
:func:`substream` gives the keyed, counter-based streams of the walker that Monte
Carlo and the event generator share (one stream per step and purpose, the ``i``-th
number for customer ``i``: common random numbers and chunks of customers drawn
independently).
"""

from __future__ import annotations

import numbers
from typing import Union

import numpy as np

from cxkit.core.errors import CxkitError, format_value

__all__ = ["SeedLike", "as_generator", "substream"]

#: What a ``seed=`` argument accepts.
SeedLike = Union[int, np.integer, np.random.SeedSequence, np.random.Generator, None]  # noqa: UP007


def as_generator(seed: SeedLike, *, argument: str = "seed") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed
        A non-negative integer (gives ``Generator(PCG64(seed))``, the same stream
        as ``numpy.random.default_rng(seed)``), a :class:`numpy.random.SeedSequence`,
        or an existing :class:`numpy.random.Generator`, which is returned as is so
        that callers can share one stream (common random numbers).
    argument
        The argument name used in error messages.

    Raises
    ------
    CxkitError
        If ``seed`` is ``None`` (cxkit never draws from an unseeded stream), a
        negative integer, or of another type.

    Examples
    --------
    >>> g = as_generator(12345)
    >>> float(g.random()) == float(np.random.default_rng(12345).random())
    True
    >>> as_generator(g) is g
    True
    >>> as_generator(None)
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: `seed` is required (got None); pass an integer such as seed=1 ...
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        raise CxkitError(
            f"`{argument}` is required (got None); pass an integer such as {argument}=1 or a "
            "numpy.random.Generator — cxkit never draws from an unseeded stream"
        )
    if isinstance(seed, np.random.SeedSequence):
        return np.random.Generator(np.random.PCG64(seed))
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if int(seed) < 0:
            raise CxkitError(f"`{argument}` must be a non-negative integer, got {int(seed)}")
        return np.random.Generator(np.random.PCG64(int(seed)))
    raise CxkitError(
        f"`{argument}` must be a non-negative int, a numpy.random.SeedSequence or a "
        f"numpy.random.Generator, got {format_value(seed)} ({type(seed).__name__})"
    )


def substream(
    seed: int | np.random.SeedSequence, key: tuple[int, ...], *, skip: int = 0
) -> np.random.Generator:
    """The generator of sub-stream ``key`` of ``seed``, advanced by ``skip`` numbers.

    ``Generator(PCG64(SeedSequence(seed, spawn_key=key)))`` (a
    :class:`~numpy.random.SeedSequence` seed keeps its own spawn key and appends
    ``key``). ``skip`` jumps PCG64 ahead in ``O(log skip)``: the next
    :meth:`~numpy.random.Generator.random` number is then the stream's number
    ``skip``, so that a chunk of customers can draw only its own numbers.

    Parameters
    ----------
    seed
        A whole number ≥ 0 or a :class:`numpy.random.SeedSequence`.
    key
        The sub-stream, e.g. ``(step, purpose)``.
    skip
        Numbers (64-bit draws; one per ``random()`` double) to skip.

    Examples
    --------
    >>> a = substream(7, (1, 0)).random(5)
    >>> b = substream(7, (1, 0), skip=3).random(2)
    >>> bool((a[3:] == b).all()), bool(substream(7, (1, 1)).random() != a[0])
    (True, True)
    """
    if isinstance(seed, np.random.SeedSequence):
        seq = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, *key))
    else:
        seq = np.random.SeedSequence(seed, spawn_key=key)
    bits = np.random.PCG64(seq)
    if skip:
        bits.advance(skip)
    return np.random.Generator(bits)
