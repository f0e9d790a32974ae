"""The exception hierarchy of cxkit.

Every problem that a user can cause raises a subclass of :class:`CxkitError`.
Errors that come from a file carry one or more :class:`Problem` records, each
naming the file, line, column, field path, the value received and what was
expected, so that a message reads like a compiler diagnostic::

    journey.yaml:12:5: handoffs[3].target: unknown touchpoint 'phnoe'
      (expected one of the declared touchpoints or outcomes; did you mean 'phone'?)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "NO_VALUE",
    "CxkitError",
    "JourneyValidationError",
    "Problem",
    "ProblemsError",
    "SimulationError",
    "TemplateNotFoundError",
    "UnknownReferenceError",
    "YamlSyntaxError",
    "format_value",
    "raise_if_errors",
]

Severity = Literal["error", "warning"]


class _NoValue:
    """Marks a :class:`Problem` that has no received value to show."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


#: Sentinel for "no value received" (``None`` can be a received value).
NO_VALUE: Any = _NoValue()

#: How many problems an exception message lists before it summarises the rest.
MAX_PROBLEMS_IN_MESSAGE = 12


def format_value(value: Any, limit: int = 60) -> str:
    """Return a short, single-line ``repr`` of a received value for messages.

    Examples
    --------
    >>> format_value("x" * 100)[:12]
    "'xxxxxxxxxxx"
    >>> format_value(3)
    '3'
    """
    text = repr(value)
    text = text.replace("\n", "\\n")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


@dataclass(frozen=True)
class Problem:
    """One diagnosed problem in a journey or its source file.

    Parameters
    ----------
    message
        What is wrong, in one sentence, without the location.
    path
        The field path, e.g. ``"handoffs[3].target"``; empty for the whole file.
    file, line, column
        Where the problem is (1-based line and column), when known.
    value
        The value received, when there is one.
    expected
        What would have been accepted.
    hint
        A suggestion such as a did-you-mean.
    severity
        ``"error"`` makes a journey invalid; ``"warning"`` does not.
    code
        A short stable identifier such as ``"unknown-reference"`` for tests and tools.
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    value: Any = NO_VALUE
    expected: str | None = None
    hint: str | None = None
    severity: Severity = "error"
    code: str = "invalid"

    @property
    def has_value(self) -> bool:
        """Whether a received value is recorded."""
        return self.value is not NO_VALUE

    @property
    def location(self) -> str:
        """``file:line:col`` (the parts that are known)."""
        parts = [self.file or "<journey>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """Render as ``file:line:col: path: message (expected …; hint)``."""
        head = f"{self.location}: "
        if self.severity == "warning":
            head += "warning: "
        if self.path:
            head += f"{self.path}: "
        text = head + self.message
        if self.has_value and format_value(self.value) not in self.message:
            text += f" (got {format_value(self.value)})"
        extras = [
            x for x in (f"expected {self.expected}" if self.expected else None, self.hint) if x
        ]
        if extras:
            text += " — " + "; ".join(extras)
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--json`` problem records)."""
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "value": _jsonable(self.value) if self.has_value else None,
            "expected": self.expected,
            "hint": self.hint,
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


class CxkitError(Exception):
    """Base class of every error cxkit raises on purpose.

    Catch this to handle any bad input; the message is written for people.
    """


class ProblemsError(CxkitError, ValueError):
    """Bad input with one or more problems, each one line, reported together.

    ``problems`` lists them; the message is the one problem, or ``"the <subject> has
    N problems:"`` and a line per problem. Subclasses name their ``subject``.

    Examples
    --------
    >>> class TableError(ProblemsError):
    ...     subject = "the table"
    >>> print(TableError(["column 'a' is missing", "column 'b' is missing"]))
    the table has 2 problems:
      - column 'a' is missing
      - column 'b' is missing
    """

    subject = "the input"

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        if len(self.problems) == 1:
            text = self.problems[0]
        else:
            text = f"{self.subject} has {len(self.problems)} problems:\n" + "\n".join(
                f"  - {p}" for p in self.problems
            )
        super().__init__(text)


class JourneyValidationError(CxkitError, ValueError):
    """A journey (or its file) has one or more problems.

    ``problems`` lists every problem found, errors first; the message shows the
    first few in ``file:line:col: path: message`` form.
    """

    def __init__(self, problems: Sequence[Problem], *, file: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.file = file
        super().__init__(self._render())

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Only the problems of severity ``"error"``."""
        return tuple(p for p in self.problems if p.severity == "error")

    def _render(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"] or list(self.problems)
        where = self.file or "journey"
        n = len(errors)
        head = f"{where}: {n} problem{'s' if n != 1 else ''} found"
        lines = [head] + ["  " + p.format() for p in errors[:MAX_PROBLEMS_IN_MESSAGE]]
        if n > MAX_PROBLEMS_IN_MESSAGE:
            lines.append(f"  … and {n - MAX_PROBLEMS_IN_MESSAGE} more")
        return "\n".join(lines)


class YamlSyntaxError(JourneyValidationError):
    """The file is not well-formed YAML, or uses a feature cxkit refuses
    (Python object tags, alias bombs, duplicate keys)."""


class UnknownReferenceError(JourneyValidationError):
    """An id refers to nothing declared (kept for ``except`` clauses; the
    validator reports references as :class:`JourneyValidationError`)."""


class TemplateNotFoundError(CxkitError, LookupError):
    """No built-in template has the requested name."""


class SimulationError(CxkitError):
    """A model cannot be simulated as given (e.g. no outcome is reachable)."""


def raise_if_errors(problems: Iterable[Problem], *, file: str | None = None) -> None:
    """Raise :class:`JourneyValidationError` if any problem is an error."""
    problems = list(problems)
    if any(p.severity == "error" for p in problems):
        problems.sort(key=lambda p: (p.severity != "error", p.line or 0, p.column or 0))
        raise JourneyValidationError(problems, file=file)
