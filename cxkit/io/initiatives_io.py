"""Stand-alone initiative files: CX investments kept apart from the journeys they change.

An initiatives file holds the ``economics:`` and ``initiatives:`` blocks of the
journey format (``docs/reference/roi.md``) and nothing else::

    cxkit: 1
    description: Our 2027 CX investment candidates
    economics:
      customers: 50000
      margin_per_customer: 100
    initiatives:
      - id: crm
        cost_one_off: 60
        effects:
          - {target: "handoffs:*->*", field: context_carryover, low: 0.9, mode: 1.0,
             high: 1.0, channel_switch_only: true}

It is read with the same safety as a journey (:mod:`cxkit.io.source`: no Python
tags, no alias bombs, no duplicate keys) and reports every problem at once with
``file:line:col``, the field path, the value received and what was expected.
Targets that name a journey's ids are checked when the initiatives are applied to
a journey (:func:`cxkit.roi.evaluate`), since the file alone cannot know them.

Examples
--------
>>> inits, econ = loads_initiatives('''
... cxkit: 1
... economics: {customers: 1000, margin_per_customer: 100}
... initiatives:
...   - id: faq
...     cost_one_off: 40
...     benefit_per_period: {low: 20, mode: 30, high: 40}
... ''')
>>> [i.id for i in inits], econ.customers, inits[0].benefit_per_period.mode
(['faq'], 1000, 30.0)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from cxkit.core.economics import Economics, Initiative
from cxkit.core.errors import CxkitError, JourneyValidationError, Problem
from cxkit.core.journey import Journey
from cxkit.core.validate import _initiatives
from cxkit.io.convert import (
    economics_from_schema,
    economics_to_data,
    initiative_from_schema,
    initiative_to_data,
)
from cxkit.io.journey_io import (
    _dump_yaml,
    _locate,
    _refused_on_write,
    _schema_problems,
    atomic_write_text,
)
from cxkit.io.schema import (
    FORMAT_VERSION,
    EconomicsSchema,
    InitiativeSchema,
    Text,
    _Schema,
)
from cxkit.io.source import read_yaml

__all__ = [
    "InitiativesFile",
    "dumps_initiatives",
    "load_initiatives",
    "loads_initiatives",
    "save_initiatives",
]

StrPath = str | os.PathLike[str]


class InitiativesFile(_Schema):
    """The whole stand-alone initiatives file."""

    cxkit: Literal[1] = FORMAT_VERSION
    description: Text | None = None
    economics: EconomicsSchema | None = None
    initiatives: list[InitiativeSchema] = Field(default_factory=list)


def load_initiatives(path: StrPath) -> tuple[tuple[Initiative, ...], Economics | None]:
    """Read initiatives (and optional economics) from a YAML or JSON file.

    Parameters
    ----------
    path
        A ``.yaml``/``.yml``/``.json`` file with ``initiatives:`` and optionally
        ``economics:`` (the blocks of the journey format).

    Returns
    -------
    tuple
        ``(initiatives, economics)``; ``economics`` is ``None`` when the file has
        no ``economics:`` block.

    Raises
    ------
    JourneyValidationError
        With every problem of the file, each naming file, line, column and field.
    CxkitError
        When the file does not exist or cannot be read.
    """
    p = Path(os.fspath(path))
    if not p.is_file():
        if p.exists():
            raise CxkitError(f"{p}: is a directory, not an initiatives file")
        raise CxkitError(f"{p}: no such file (expected an initiatives YAML file)")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise CxkitError(f"{p}: cannot read: {exc.strerror}") from None
    return loads_initiatives(raw, file=os.fspath(path))


def loads_initiatives(
    text: str | bytes, *, file: str = "<string>"
) -> tuple[tuple[Initiative, ...], Economics | None]:
    """Parse an initiatives file's text; see :func:`load_initiatives`."""
    located = read_yaml(text, file)
    data = located.data
    if not isinstance(data, dict):
        raise JourneyValidationError(
            [
                Problem(
                    "an initiatives file is a mapping with 'initiatives:' "
                    "(and optionally 'economics:')",
                    file=file,
                    line=1,
                    column=1,
                    value=type(data).__name__ if data is not None else None,
                    expected="a mapping at the top level",
                    code="type",
                )
            ],
            file=file,
        )
    try:
        doc = InitiativesFile.model_validate(data)
    except ValidationError as exc:
        raise JourneyValidationError(
            _schema_problems(exc, located, InitiativesFile), file=file
        ) from None
    initiatives = tuple(initiative_from_schema(i) for i in doc.initiatives)
    economics = economics_from_schema(doc.economics) if doc.economics is not None else None
    located_problems = _locate(check_initiatives(initiatives, economics), located)
    if any(p.severity == "error" for p in located_problems):
        located_problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise JourneyValidationError(located_problems, file=file)
    return initiatives, economics


def check_initiatives(
    initiatives: Sequence[Initiative],
    economics: Economics | None = None,
    *,
    journey: Journey | None = None,
) -> list[Problem]:
    """Problems of initiatives on their own (``journey=None``) or against a journey.

    Duplicate ids, unknown or cyclic prerequisites, unknown exclusions, unordered
    ranges, malformed targets, unknown fields; with a journey also the ids,
    channels and steps the targets name. Paths are ``initiatives[k]…`` in the
    order given.

    Examples
    --------
    >>> from cxkit.core.economics import Initiative, Prerequisite
    >>> [p.code for p in check_initiatives([Initiative("a", prerequisites=[Prerequisite("b")])])]
    ['unknown-reference']
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for k, ini in enumerate(initiatives):
        if not isinstance(ini, Initiative):
            raise CxkitError(f"`initiatives[{k}]` must be an Initiative, got {type(ini).__name__}")
        if ini.id in seen:
            problems.append(
                Problem(
                    f"duplicate initiative id {ini.id!r} (first at initiatives[{seen[ini.id]}])",
                    path=f"initiatives[{k}].id",
                    value=ini.id,
                    expected="a unique id",
                    code="duplicate-id",
                )
            )
        else:
            seen[ini.id] = k
    host = journey if journey is not None else Journey(id="initiatives")
    host = host.replace(initiatives=tuple(initiatives), economics=economics or host.economics)
    problems += _initiatives(host, check_targets=journey is not None)
    return problems


def dumps_initiatives(
    initiatives: Sequence[Initiative],
    economics: Economics | None = None,
    *,
    description: str | None = None,
) -> str:
    """Initiatives (and economics) as the YAML text of an initiatives file.

    ``loads_initiatives(dumps_initiatives(i, e)) == (tuple(i), e)``.

    >>> from cxkit.core.economics import Initiative
    >>> print(dumps_initiatives([Initiative("faq", cost_one_off=40.0)]), end="")
    cxkit: 1
    initiatives:
      - id: faq
        cost_one_off: 40.0
    """
    data: dict[str, Any] = {"cxkit": FORMAT_VERSION}
    if description is not None:
        data["description"] = description
    if economics is not None:
        data["economics"] = economics_to_data(economics)
    data["initiatives"] = [initiative_to_data(i) for i in initiatives]
    return _dump_yaml(data)


def save_initiatives(
    initiatives: Sequence[Initiative],
    path: StrPath,
    economics: Economics | None = None,
    *,
    description: str | None = None,
) -> Path:
    """Write an initiatives file atomically (temporary file + rename)."""
    target = Path(os.fspath(path))
    with _refused_on_write(target):
        text = dumps_initiatives(initiatives, economics, description=description)
    atomic_write_text(target, text)
    return target
