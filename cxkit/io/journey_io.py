"""Load, validate, dump and save journeys as YAML or JSON.

* Loading is safe (:mod:`cxkit.io.source`) and reports **every** problem of a file
  at once, each with ``file:line:col``, the field path, the value received, what was
  expected and a did-you-mean where one helps.
* Saving is atomic: the text is rendered in full first, written to a temporary
  file in the target folder, flushed to disk and renamed over the target, so a
  crash never leaves a half-written journey.
* ``load → dump → load`` gives an equal journey.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from cxkit.core.errors import (
    CxkitError,
    JourneyValidationError,
    Problem,
    TemplateNotFoundError,
    format_value,
)
from cxkit.core.journey import Journey
from cxkit.core.suggest import did_you_mean
from cxkit.core.validate import text_problem
from cxkit.io._write import atomic_write_bytes, atomic_write_text
from cxkit.io.convert import journey_from_schema, journey_to_data
from cxkit.io.schema import JourneyFile
from cxkit.io.source import (
    EXPONENT_FLOAT,
    EXPONENT_FLOAT_FIRST,
    Located,
    format_path,
    parse_path,
    read_yaml,
)

__all__ = [
    "dump_journey",
    "dumps_json",
    "journey_from_data",
    "list_templates",
    "load_journey",
    "loads_journey",
    "save_journey",
    "template_path",
    "validate_file",
    "validate_text",
]

StrPath = str | os.PathLike[str]

#: Suffixes of Excel journey grids (:mod:`cxkit.io.grid`), read and written by suffix.
_GRID_SUFFIXES = (".xlsx", ".xlsm")


# -- templates -------------------------------------------------------------------------
def _templates_dir() -> Path:
    return Path(str(resources.files("cxkit") / "templates" / "journeys"))


def list_templates() -> list[str]:
    """Names of the built-in journey templates, sorted.

    Examples
    --------
    >>> "billing_inquiry" in list_templates()
    True
    """
    return sorted(p.stem for p in _templates_dir().glob("*.yaml"))


def template_path(name: str) -> Path:
    """Path of a built-in template; :class:`TemplateNotFoundError` with a did-you-mean."""
    path = _templates_dir() / f"{name}.yaml"
    if not path.is_file():
        names = list_templates()
        hint = did_you_mean(name, names)
        raise TemplateNotFoundError(
            f"no journey file or template named {name!r}; "
            + (hint if hint else "templates: " + ", ".join(names))
        )
    return path


# -- loading ---------------------------------------------------------------------------
def load_journey(source: StrPath, *, strict: bool = False) -> Journey:
    """Load a journey from a YAML/JSON file or a built-in template name.

    Parameters
    ----------
    source
        A path to a ``.yaml``/``.yml``/``.json`` file or an Excel journey grid
        (``.xlsx``, :mod:`cxkit.io.grid`), or a template name such as
        ``"retail_omnichannel"`` (see :func:`list_templates`).
    strict
        Treat warnings (unreachable touchpoints, dead ends…) as errors.

    Raises
    ------
    JourneyValidationError
        With every problem found, each naming file, line, column and field.
    TemplateNotFoundError
        When ``source`` is neither a file nor a template.

    Examples
    --------
    >>> j = load_journey("billing_inquiry")
    >>> len(j.steps), j.evaluate().aggregate.emotion.label("ja")
    (4, '不満')
    """
    path = Path(os.fspath(source))
    if not path.is_file():
        text_source = os.fspath(source)
        looks_like_name = not any(sep in text_source for sep in ("/", "\\")) and not path.suffix
        if not looks_like_name:
            if path.exists():
                raise CxkitError(f"{text_source}: is a directory, not a journey file")
            raise CxkitError(f"{text_source}: no such file")
        path = template_path(text_source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CxkitError(f"{path}: cannot read: {exc.strerror}") from None
    if path.suffix.lower() in _GRID_SUFFIXES:  # an Excel journey grid (cxkit.io.grid)
        from cxkit.io.grid import loads_grid

        return loads_grid(raw, file=os.fspath(source), strict=strict)
    return loads_journey(
        raw, file=str(source if Path(os.fspath(source)).is_file() else path), strict=strict
    )


def loads_journey(text: str | bytes, *, file: str = "<string>", strict: bool = False) -> Journey:
    """Parse a journey from YAML (or JSON, which is YAML) text."""
    journey, problems = _parse(text, file)
    _raise(problems, file, strict)
    assert journey is not None
    return journey


def journey_from_data(data: Any, *, file: str = "<data>", strict: bool = False) -> Journey:
    """Build a journey from plain data (a dict as the YAML holds it)."""
    located = Located(data, file)
    journey, problems = _from_located(located)
    _raise(problems, file, strict)
    assert journey is not None
    return journey


def validate_text(text: str | bytes, *, file: str = "<string>") -> list[Problem]:
    """Every problem of a journey text (errors and warnings), without raising."""
    try:
        _, problems = _parse(text, file)
    except JourneyValidationError as exc:
        return list(exc.problems)
    return problems


def validate_file(path: StrPath) -> list[Problem]:
    """Every problem of a journey file (errors and warnings), without raising.

    An unreadable file gives one problem.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return [Problem(f"cannot read file: {exc.strerror}", file=os.fspath(path), code="io")]
    if Path(path).suffix.lower() in _GRID_SUFFIXES:  # an Excel journey grid
        from cxkit.io.grid import validate_grid

        return validate_grid(raw, file=os.fspath(path))[1]
    return validate_text(raw, file=os.fspath(path))


def _raise(problems: list[Problem], file: str, strict: bool) -> None:
    if strict:
        problems = [replace(p, severity="error") for p in problems]
    if any(p.severity == "error" for p in problems):
        raise JourneyValidationError(problems, file=file)


def _parse(text: str | bytes, file: str) -> tuple[Journey | None, list[Problem]]:
    located = read_yaml(text, file)
    return _from_located(located)


def _from_located(located: Located) -> tuple[Journey | None, list[Problem]]:
    data = located.data
    file = located.file
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        return None, [
            Problem(
                "a journey file is a mapping of keys (id, title, stages, touchpoints, steps…)",
                file=file,
                line=1,
                column=1,
                value=data if not isinstance(data, (list, dict)) else kind,
                expected="a mapping at the top level",
                code="type",
            )
        ]
    try:
        doc = JourneyFile.model_validate(data)
    except ValidationError as exc:
        schema = _schema_problems(exc, located, JourneyFile)
        return None, _in_order(schema + _reference_problems(data, exc, located))
    journey = journey_from_schema(doc, source=file)
    return journey, _in_order(_locate(journey.validate(), located))


def _in_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.severity != "error", p.line or 0, p.column or 0))


_SALVAGE_ROUNDS = 8


def _reference_problems(data: dict, exc: ValidationError, located: Located) -> list[Problem]:
    """The reference problems (unknown ids, did-you-mean…) of a file that also has schema
    problems, so that one run reports both.

    The fields the schema rejected are set aside (an item missing a required field is set
    aside whole) and the rest is checked as a journey; problems at or inside a set-aside
    location are dropped, as they would repeat a schema problem.
    """
    salvaged = copy.deepcopy(data)
    rejected: list[tuple[Any, ...]] = []
    for _ in range(_SALVAGE_ROUNDS):
        locs = [tuple(err["loc"]) for err in exc.errors()]
        rejected += locs
        for loc in sorted(locs, key=_removal_order, reverse=True):
            _set_aside(salvaged, loc, required=_is_missing(exc, loc))
        try:
            doc = JourneyFile.model_validate(salvaged)
        except ValidationError as again:
            exc = again
            continue
        journey = journey_from_schema(doc, source=located.file)
        kept = [p for p in journey.validate() if not _under_any(p.path, rejected)]
        return [p for p in _locate(kept, located) if p.severity == "error"]
    return []


def _removal_order(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Later list items first, so that removing one keeps the others' positions."""
    return tuple((0, x) if isinstance(x, int) else (1, str(x)) for x in loc)


def _is_missing(exc: ValidationError, loc: tuple[Any, ...]) -> bool:
    return any(tuple(e["loc"]) == loc and e["type"] == "missing" for e in exc.errors())


def _set_aside(data: Any, loc: tuple[Any, ...], *, required: bool) -> None:
    """Remove the value at ``loc`` (with ``required``, the list item or mapping holding it)."""
    if required and len(loc) == 1 and isinstance(data, dict):
        data[loc[0]] = "_"  # a missing top-level id: any valid id lets the rest be checked
        return
    if required:
        loc = _holder(loc)
    parent = data
    for key in loc[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return
    last = loc[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        del parent[last]


def _holder(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The location of the list item (or top-level key) that holds ``loc``."""
    for i in range(len(loc) - 1, -1, -1):
        if isinstance(loc[i], int):
            return loc[: i + 1]
    return loc[:1]


def _under_any(path: str, rejected: list[tuple[Any, ...]]) -> bool:
    parts = parse_path(path) if path else ()
    return any(parts[: len(r)] == r or r[: len(parts)] == parts for r in rejected if parts)


def _locate(problems: Iterable[Problem], located: Located) -> list[Problem]:
    """``problems`` with the file, line and column of their paths in ``located``."""
    out = []
    for p in problems:
        line, col = located.position(parse_path(p.path)) if p.path else (None, None)
        out.append(replace(p, file=located.file, line=line, column=col))
    return out


# -- pydantic errors → problems ----------------------------------------------------------
_EXPECTED = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "finite_number": "a finite number",
    "string_pattern_mismatch": "an id: letters, digits, '_', '-' or '.', starting with a letter, "
    "digit or '_' (no spaces)",
}


def _schema_problems(
    exc: ValidationError, located: Located, root: type[BaseModel]
) -> list[Problem]:
    """The errors of validating ``located`` against ``root``, as problems in file order."""
    problems = [_from_pydantic(err, located, root) for err in exc.errors()]
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _schema_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema class of the mapping at ``loc`` under ``root`` (to list its allowed keys)."""
    current: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    for _ in range(6):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated or origin in (list, tuple):
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if args else tp
        else:
            break
    return tp


def _keys_of(schema: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in schema.model_fields.items()]


def _from_pydantic(err: Any, located: Located, root: type[BaseModel]) -> Problem:
    loc = tuple(p for p in err["loc"] if p != "[key]" and not str(p).startswith("function-"))
    is_key = "[key]" in err["loc"]
    kind = err["type"]
    at_key = kind in ("extra_forbidden", "missing")
    line, col = located.position(loc, prefer_value=not at_key)
    where: dict[str, Any] = {"file": located.file, "line": line, "column": col}
    value = err.get("input")
    shown = format_value(value) if isinstance(value, (dict, list)) else value
    if kind == "missing":
        return Problem(
            f"missing required key {loc[-1]!r}",
            path=format_path(loc[:-1]),
            expected=f"a {loc[-1]!r} entry here",
            code="missing",
            **where,
        )
    path = format_path(loc)
    if kind == "extra_forbidden":
        schema = _schema_at(root, loc[:-1])
        allowed = _keys_of(schema) if schema else []
        return Problem(
            f"unknown key {loc[-1]!r}",
            path=path,
            expected="one of " + ", ".join(allowed) if allowed else None,
            hint=did_you_mean(loc[-1], allowed),
            code="unknown-key",
            **where,
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        return Problem(
            "value is not one of the allowed choices",
            path=path,
            value=value,
            expected="one of " + expected,
            hint=did_you_mean(value, options),
            code="schema",
            **where,
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = err["msg"].replace("Input should be ", "")
        return Problem(
            "value out of range",
            path=path,
            value=value,
            expected=f"a number {bound}",
            code="out-of-range",
            **where,
        )
    if kind == "string_pattern_mismatch":
        return Problem(
            "key is not a valid id" if is_key else "invalid id",
            path=path,
            value=value,
            expected=_EXPECTED[kind],
            code="bad-id",
            **where,
        )
    if kind == "string_too_long":
        return Problem(
            "text is too long",
            path=path,
            value=format_value(value),
            expected=err["msg"].replace("String should have ", ""),
            code="schema",
            **where,
        )
    if kind == "cxkit_text":
        return Problem(
            err["msg"],
            path=path,
            value=value,
            expected=err.get("ctx", {}).get("expected"),
            code="bad-text",
            **where,
        )
    if kind in _EXPECTED:
        # a plain 0600 or yes that YAML 1.1 would have read as a number or a boolean
        yaml11, hint = located.hints.get(loc, ("", None))
        if yaml11 != ("bool" if kind == "bool_type" else "number"):
            hint = None
        if hint is None and kind in ("float_type", "int_type") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                float(value)
                hint = "write the number without quotes"
        if kind == "int_from_float":
            hint = "use a whole number"
        return Problem(
            f"wrong type: got {_describe(value)}",
            path=path,
            value=shown,
            expected=_EXPECTED[kind],
            hint=hint,
            code="type",
            **where,
        )
    return Problem(err["msg"], path=path, value=shown, code="schema", **where)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, float):
        return (
            "a number" if value == value and abs(value) != float("inf") else "a non-finite number"
        )
    return "a " + type(value).__name__


# -- dumping and saving ------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Block style; multi-line strings as ``|`` blocks; lists indented under keys."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


#: Characters a journey file holds only as escapes in a double-quoted string: those a
#: YAML file cannot hold raw, BOM, and the line breaks only YAML 1.1 knows (NEL, LS,
#: PS), which a plain, single-quoted or block scalar would fold or turn into ``\n``.
_ESCAPED = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffd]"
)


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _ESCAPED.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value and value == value.rstrip(" "):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_presenter)
# quote text such as "1e5" that the loader would read as a number
_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, EXPONENT_FLOAT_FIRST)


def _check_texts(data: Any) -> None:
    """Refuse to write text the readers refuse (:func:`text_problem`): a
    :class:`JourneyValidationError` naming each field, before anything is written."""
    problems = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            found = text_problem(value)
            if found is not None:
                problems.append(
                    Problem(
                        found[0],
                        path=format_path(where),
                        value=value,
                        expected=found[1],
                        code="bad-text",
                    )
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, where))
                stack.append((item, (*where, key)))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, (*where, i)) for i, item in enumerate(value))
    if problems:
        problems.sort(key=lambda p: p.path)
        raise JourneyValidationError(problems)


def dump_journey(journey: Journey) -> str:
    """The journey as YAML text (UTF-8, canonical key order, defaults left out).

    Examples
    --------
    >>> text = dump_journey(load_journey("billing_inquiry"))
    >>> loads_journey(text) == load_journey("billing_inquiry")
    True
    """
    return _dump_yaml(journey_to_data(journey))


def _dump_yaml(data: Any) -> str:
    """Plain data as YAML text in the style of journey files (block style, ``|`` blocks).

    Text the readers would refuse is refused here first; control characters, NEL,
    LS, PS, BOM and non-characters are written as double-quoted escapes.
    """
    _check_texts(data)
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


def dumps_json(journey: Journey, *, indent: int | None = 2) -> str:
    """The journey as JSON text in the same document shape as the YAML.

    Non-ASCII text is written as itself, except the characters a YAML reader cannot
    take raw (DEL, C1 controls, NEL, LS, PS, BOM, U+FFFE/U+FFFF), which are written
    as ``\\uXXXX`` escapes, so that cxkit's own reader reads the file back unchanged.

    Examples
    --------
    >>> j = load_journey("billing_inquiry").replace(title="a" + chr(0x85) + "b")
    >>> '"title": "a\\\\u0085b"' in dumps_json(j)
    True
    """
    data = journey_to_data(journey)
    _check_texts(data)
    return _JSON_ESCAPED.sub(
        lambda m: f"\\u{ord(m.group()):04x}",
        json.dumps(data, ensure_ascii=False, indent=indent),
    )


_JSON_ESCAPED = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def save_journey(journey: Journey, path: StrPath, *, format: str | None = None) -> Path:
    """Write a journey atomically as YAML (or JSON for ``.json`` or ``format="json"``,
    an Excel journey grid for ``.xlsx`` or ``format="xlsx"``: :mod:`cxkit.io.grid`).

    The file appears complete or not at all: the text is rendered first, written to
    a temporary file beside the target, flushed and renamed over it. Text that
    cxkit's readers would refuse (longer than
    :data:`~cxkit.core.validate.MAX_TEXT_CHARS` characters, lone surrogates) is
    refused first with a :class:`JourneyValidationError` naming the field, and
    nothing is written.
    """
    target = Path(os.fspath(path))
    suffix = target.suffix.lower()
    fmt = format or ("json" if suffix == ".json" else "xlsx" if suffix == ".xlsx" else "yaml")
    if fmt not in ("yaml", "json", "xlsx"):
        raise CxkitError(f"format must be 'yaml', 'json' or 'xlsx', got {fmt!r}")
    if fmt == "xlsx":  # an Excel journey grid (cxkit.io.grid)
        from cxkit.io.grid import grid_bytes

        with _refused_on_write(target):
            payload = grid_bytes(journey)
        atomic_write_bytes(target, payload)
        return target
    with _refused_on_write(target):
        text = dumps_json(journey) + "\n" if fmt == "json" else dump_journey(journey)
    atomic_write_text(target, text)
    return target


@contextlib.contextmanager
def _refused_on_write(target: Path) -> Iterator[None]:
    """Name ``target`` in the problems of text refused on write (nothing is written)."""
    try:
        yield
    except JourneyValidationError as exc:
        problems = [
            replace(p, file=str(target), hint=p.hint or "nothing was written") for p in exc.problems
        ]
        raise JourneyValidationError(problems, file=str(target)) from None
