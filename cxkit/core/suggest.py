"""Did-you-mean suggestions for misspelled keys and ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean", "unknown_message"]


def did_you_mean(value: object, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """``"did you mean 'phone'?"`` for the closest candidate, or ``None``.

    Matching ignores case; ``cutoff`` is :func:`difflib.get_close_matches`'s.

    Examples
    --------
    >>> did_you_mean("phnoe", ["phone", "web"])
    "did you mean 'phone'?"
    >>> did_you_mean("prob", ["from", "probability"])
    "did you mean 'probability'?"
    >>> did_you_mean("zzz", ["phone"]) is None
    True
    """
    if not isinstance(value, str):
        return None
    pool = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in pool}
    matches = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=cutoff)
    if not matches and len(value) >= 3:
        # abbreviations: 'prob' for 'probability'
        matches = [c for c in lowered if c.startswith(value.lower())][:1]
    if not matches:
        return None
    return f"did you mean {lowered[matches[0]]!r}?"


def unknown_message(what: str, value: object, known: Iterable[str]) -> str:
    """``"unknown touchpoint 'phnoe'; did you mean 'phone'?"`` or the list of known ids.

    Examples
    --------
    >>> unknown_message("stage", "x", ["a", "b"])
    "unknown stage 'x'; expected one of 'a', 'b'"
    """
    known = list(known)
    msg = f"unknown {what} {value!r}"
    hint = did_you_mean(value, known)
    if hint:
        return f"{msg}; {hint}"
    if known:
        shown = ", ".join(repr(k) for k in known[:10]) + (", …" if len(known) > 10 else "")
        return f"{msg}; expected one of {shown}"
    return f"{msg}; none are declared"
