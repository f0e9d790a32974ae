"""Helpers shared by the ``cxkit`` commands: JSON envelope, journey arguments, tables.

Every ``--json`` output is an object whose first keys are ``cxkit`` (the version)
and ``command`` (:func:`envelope`), printed as strict JSON (:func:`echo_json`). A
journey argument is a file or a built-in template name (:func:`resolve_source`,
:func:`load_journey_arg`). Text reports are aligned with :func:`table`, which
counts East Asian wide characters as two columns, and printed with
:func:`echo_text`, which removes terminal control sequences from them (a label
cannot colour, move, retitle or clear the terminal). JSON stays exact: invisible
characters are ``\\u`` escapes (:func:`echo_json`).

>>> table([["名前", "x"], ["ab", "yy"]])
['  名前  x', '  ab    yy']
"""

from __future__ import annotations

import difflib
import math
import os
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cxkit import __version__
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import LANGUAGES
from cxkit.export.escape import json_text, terminal_text
from cxkit.io import load_journey, template_path

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = [
    "JOURNEY_SUFFIXES",
    "echo_json",
    "echo_text",
    "envelope",
    "finite",
    "lang_option",
    "load_journey_arg",
    "looks_like_name",
    "pad",
    "resolve_source",
    "table",
    "text_width",
]

#: File suffixes read as journeys (JSON is YAML, so both parse the same way).
JOURNEY_SUFFIXES = (".yaml", ".yml", ".json")

_F = TypeVar("_F", bound=Callable[..., Any])


def envelope(command: str, **payload: Any) -> dict[str, Any]:
    """The JSON envelope of every command: ``cxkit`` (version), ``command``, then payload.

    >>> envelope("validate", valid=True)["command"]
    'validate'
    >>> list(envelope("show", steps=[]))
    ['cxkit', 'command', 'steps']
    """
    return {"cxkit": __version__, "command": command, **payload}


def finite(value: Any) -> Any:
    """Replace non-finite floats with ``None`` (and dates with ISO text) for strict JSON.

    >>> finite({"x": float("inf"), "y": (1.0, float("nan"))})
    {'x': None, 'y': [1.0, None]}
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if hasattr(value, "isoformat"):  # dates and times as ISO 8601 text
        return value.isoformat()
    return value


def echo_json(data: dict[str, Any]) -> None:
    """Print ``data`` as indented strict JSON (non-finite floats become ``null``).

    Strings stay exact; the characters a terminal could act on or hide (controls,
    bidirectional controls, lone surrogates, noncharacters) are written as ``\\u``
    escapes (:func:`cxkit.export.escape.json_text`).

    >>> echo_json({"a": float("nan"), "b": [1.5], "c": "\\x1b[2J\\x9b"})
    {
      "a": null,
      "b": [
        1.5
      ],
      "c": "\\u001b[2J\\u009b"
    }
    """
    click.echo(json_text(finite(data), indent=2))


def echo_text(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a text report or message with its terminal control sequences removed.

    Every command prints its text output through this function
    (:func:`cxkit.export.escape.terminal_text`): ESC/CSI/OSC sequences go, other
    control characters and bidirectional controls become spaces or go, line feeds
    and tabs stay. File contents written to standard output (``export --out -``)
    are not text reports and are written as they are.

    >>> echo_text(
    ...     "label \\x1b[31mred\\x1b[0m\\x07 \\x1b]8;;http://x\\x1b\\\\link\\x1b]8;;\\x1b\\\\"
    ... )
    label red  link
    """
    click.echo(terminal_text(message), err=err, nl=nl)


def looks_like_name(source: str) -> bool:
    """Whether a journey argument is a template name (no folder separator, no suffix).

    >>> looks_like_name("billing_inquiry"), looks_like_name("journeys/a.yaml")
    (True, False)
    """
    return not any(sep in source for sep in ("/", "\\")) and not Path(source).suffix


def resolve_source(source: str | os.PathLike[str]) -> Path:
    """The file behind a journey argument: an existing file or a built-in template name.

    Parameters
    ----------
    source
        A path to a journey file, or a template name such as ``"billing_inquiry"``
        (a name has no folder separator and no suffix).

    Raises
    ------
    TemplateNotFoundError
        For a name that is neither a file nor a template (with a did-you-mean).
    CxkitError
        For a path that does not exist (with a did-you-mean among its siblings) or
        is a folder.

    Examples
    --------
    >>> resolve_source("billing_inquiry").name
    'billing_inquiry.yaml'
    >>> resolve_source("billing_inquiri")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.TemplateNotFoundError: no journey file or template named 'billing_inquiri'; did you mean 'billing_inquiry'?
    """  # noqa: E501
    text = os.fspath(source)
    path = Path(text)
    if path.is_file():
        return path
    if path.is_dir():
        raise CxkitError(f"{text}: is a folder, not a journey file")
    if looks_like_name(text):
        return template_path(text)
    message = f"{text}: no such file"
    folder = path.parent
    if folder.is_dir():
        try:
            # compare stems: the shared suffixes would make every file look alike
            stems = {
                p.stem.lower(): p.name for p in folder.iterdir() if p.suffix in JOURNEY_SUFFIXES
            }
        except OSError:
            stems = {}
        close = difflib.get_close_matches(path.stem.lower(), list(stems), n=1, cutoff=0.6)
        if close:
            message += f"; did you mean {stems[close[0]]!r}?"
    elif str(folder) not in ("", "."):
        message += f" (folder {folder} does not exist)"
    raise CxkitError(message)


def _char_width(ch: str) -> int:
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):  # combining marks, joiners
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide characters count twice,
    combining marks and format characters (joiners, direction marks) not at all.

    >>> text_width("abc"), text_width("不満"), text_width("ｱ"), text_width("e\\u0301\\u200d")
    (3, 4, 1, 1)
    """
    return sum(_char_width(ch) for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (on the left when ``right``).

    >>> pad("不満", 5) + "|", pad("ab", 4, right=True)
    ('不満 |', '  ab')
    """
    space = " " * max(0, width - text_width(text))
    return space + text if right else text + space


def table(rows: Sequence[Sequence[str]], align: str | None = None, indent: str = "  ") -> list[str]:
    """Rows padded into columns; ``align`` is one ``l``/``r`` per column (default all ``l``).

    Columns are two spaces apart, each line starts with ``indent`` and has no
    trailing spaces; wide (East Asian) characters count as two columns. Each cell
    is one line of terminal-safe text (:func:`cxkit.export.escape.terminal_text`).

    >>> table([["a", "1"], ["bbb", "22"]], "lr")
    ['  a     1', '  bbb  22']
    >>> table([["\\x1b[31mred\\nline", "1"]])
    ['  red line  1']
    """
    rows = [[terminal_text(cell, multiline=False) for cell in row] for row in rows]
    widths = [max(text_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    align = align or "l" * len(widths)
    out = []
    for row in rows:
        cells = [
            pad(cell, w, right=(a == "r")) for cell, w, a in zip(row, widths, align, strict=True)
        ]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def load_journey_arg(source: str | os.PathLike[str]) -> Journey:
    """The journey a command's PATH argument names (a file or a template name).

    >>> load_journey_arg("billing_inquiry").id
    'billing_inquiry'
    """
    return load_journey(resolve_source(source))


def lang_option(help: str | None = None, default: str | None = None) -> Callable[[_F], _F]:
    """The ``--lang`` option (``en``/``ja``); a ``default`` is shown in ``--help``.

    >>> @click.command()
    ... @lang_option("Language of the report.", default="en")
    ... def hello(lang: str) -> None:
    ...     click.echo(lang)
    >>> [p.default for p in hello.params]
    ['en']
    """
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=default,
        show_default=True if default is not None else None,
        help=help,
    )
