"""Fixtures shared by every test folder.

``documented_equal`` is how a test compares a number written in the docs (a JSON
example of a reference page, a README comment) with what cxkit computes now. Exact
results agree across machines to 1e-12 (BLAS, compilers and CPUs round the last bits
differently), so a documented float is compared with a **relative tolerance of 1e-12**
(and an absolute 1e-12 for values near zero); every other value — text, booleans,
integers, ``null``, keys, list lengths — must be equal.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

#: Relative (and absolute, near zero) tolerance of a documented float.
DOC_REL = 1e-12
DOC_ABS = 1e-12


def _compare(doc: Any, actual: Any, where: str, subdocument: bool) -> None:
    if isinstance(doc, dict):
        assert isinstance(actual, dict), f"{where}: documented an object, got {actual!r}"
        if not subdocument:
            assert list(actual) == list(doc), f"{where}: keys {list(doc)} != {list(actual)}"
        for key, value in doc.items():
            assert key in actual, f"{where}.{key} missing"
            _compare(value, actual[key], f"{where}.{key}", subdocument)
    elif isinstance(doc, list):
        assert isinstance(actual, list), f"{where}: documented a list, got {actual!r}"
        if subdocument:
            assert len(actual) >= len(doc), f"{where}: shorter than documented"
        else:
            assert len(actual) == len(doc), f"{where}: {len(doc)} items documented"
        for i, value in enumerate(doc):
            _compare(value, actual[i], f"{where}[{i}]", subdocument)
    elif isinstance(doc, float) or (
        isinstance(actual, float) and isinstance(doc, int) and not isinstance(doc, bool)
    ):
        ok = isinstance(actual, (int, float)) and not isinstance(actual, bool)
        assert ok and math.isclose(doc, actual, rel_tol=DOC_REL, abs_tol=DOC_ABS), (
            f"{where}: documented {doc!r}, got {actual!r} (relative tolerance {DOC_REL})"
        )
    else:
        assert doc == actual, f"{where}: documented {doc!r}, got {actual!r}"


def assert_documented(doc: Any, actual: Any, *, subdocument: bool = False) -> None:
    """Assert that ``actual`` is what ``doc`` documents, floats to a relative 1e-12.

    With ``subdocument=True`` every key of ``doc`` must be in ``actual`` (extra keys
    are allowed) and lists compare by prefix, as in the abridged examples of the docs.
    """
    _compare(doc, actual, "", subdocument)


@pytest.fixture
def documented_equal() -> Callable[..., None]:
    """:func:`assert_documented`: compare documented JSON with the output, floats to 1e-12."""
    return assert_documented
