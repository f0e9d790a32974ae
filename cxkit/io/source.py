"""Safe YAML reading with positions.

PyYAML's composer gives nodes with marks; we turn them into plain Python data
ourselves so that we can (1) remember the line and column of every key and value,
(2) refuse duplicate keys, which PyYAML would silently overwrite, (3) accept only
the standard YAML tags (no ``!!python/object``), and (4) bound the size that
anchors and aliases may expand to (the "billion laughs" alias bomb), in nodes and
in characters, (5) bound the nesting depth before any recursive work, (6) refuse
raw characters that YAML cannot hold (control characters, and line breaks that
YAML 1.1 would fold into a space) with the file, line and column, and (7) resolve
plain scalars as YAML 1.2 does (``0600`` and ``yes`` are text, not octal 384 and a
boolean), remembering a hint for the fields that expected a number or a boolean.

Nothing here executes code: scalars are constructed by :class:`yaml.SafeLoader`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from cxkit.core.errors import Problem, YamlSyntaxError

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_CHARS",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Located",
    "Path",
    "format_path",
    "parse_path",
    "read_yaml",
]

Path = tuple[str | int, ...]

#: Largest journey file accepted (bytes).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest number of nodes a document may expand to once aliases are followed.
MAX_NODES = 200_000
#: Largest number of characters (keys and scalar values) a document may expand to
#: once aliases are followed: no more than the largest file cxkit reads.
MAX_EXPANDED_CHARS = MAX_FILE_BYTES
#: Deepest nesting of lists and mappings (aliases included). A journey needs 6.
MAX_DEPTH = 64

#: Raw characters a YAML file cannot hold: C0 controls but tab, LF and CR; DEL; C1
#: controls (NEL U+0085 too, which YAML 1.1 reads as a line break); the line and
#: paragraph separators (also line breaks to YAML); surrogates; U+FFFE and U+FFFF.
RAW_FORBIDDEN = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")

_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:merge",
}


def format_path(path: Path) -> str:
    """``("steps", 3, "expectation")`` → ``"steps[3].expectation"``.

    Examples
    --------
    >>> format_path(("handoffs", 0, "from"))
    'handoffs[0].from'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_path(text: str) -> Path:
    """The inverse of :func:`format_path`.

    Examples
    --------
    >>> parse_path("call_reasons[1].expectations.web")
    ('call_reasons', 1, 'expectations', 'web')
    """
    parts: list[str | int] = []
    for chunk in text.split("."):
        if not chunk:
            continue
        name, _, rest = chunk.partition("[")
        if name:
            parts.append(name)
        while rest:
            num, _, rest = rest.partition("]")
            parts.append(int(num))
            rest = rest.lstrip("[")
    return tuple(parts)


@dataclass
class Located:
    """Plain data read from YAML, with the position of every path.

    ``positions[path]`` is the 1-based ``(line, column)`` of the key (for mapping
    entries) or of the item (for sequence entries); ``values[path]`` of the value.
    """

    data: Any
    file: str
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    #: Plain scalars read as text that YAML 1.1 would have read as a number or a
    #: boolean (``0600``, ``yes``): the hint to show where a number was expected.
    #: ``(kind, hint)``, kind being ``"bool"`` or ``"number"``.
    hints: dict[Path, tuple[str, str]] = field(default_factory=dict)

    def position(self, path: Path, *, prefer_value: bool = False) -> tuple[int | None, int | None]:
        """The position of ``path`` or of its nearest ancestor that has one."""
        table = self.values if prefer_value else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


class _Loader(yaml.SafeLoader):
    """SafeLoader that resolves plain scalars as YAML 1.2's core schema does.

    ``true``/``false`` are the only booleans (``yes``, ``on``… are text); integers
    are decimal without leading zeros, ``0o`` octal or ``0x`` hex (``0600``, ``0b101``,
    ``1_000`` and sexagesimal ``1:30`` are text); floats may have an exponent without
    a dot (``1e-06``). Nulls, merge keys and timestamps are as in YAML 1.1.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose a node, refusing nesting deeper than :data:`MAX_DEPTH` *before*
        descending (so Python's recursion limit is never reached)."""
        depth = getattr(self, "_depth", 0)
        if depth >= MAX_DEPTH and not self.check_event(yaml.AliasEvent, yaml.ScalarEvent):
            raise _TooDeepError(self.peek_event().start_mark)
        self._depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth


#: YAML 1.2 floats with an exponent and no dot (``1e-06``), which YAML 1.1 reads as text.
EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9]+|[0-9]*\.[0-9]+)[eE][-+]?[0-9]+$")
EXPONENT_FLOAT_FIRST = list("-+0123456789.")

_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, rx) for tag, rx in resolvers if tag.rsplit(":", 1)[1] not in ("bool", "int", "float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, EXPONENT_FLOAT_FIRST)


def _yaml11_reading(node: yaml.ScalarNode) -> tuple[str, str] | None:
    """How YAML 1.1 would have read a plain scalar that cxkit reads as text:
    ``("bool" or "number", hint)`` for fields that expect one (``None`` when 1.1
    agrees)."""
    if node.style is not None:
        return None
    tag = yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, node.value, (True, False))
    kind = tag.rsplit(":", 1)[1]
    if kind not in ("bool", "int", "float"):
        return None
    text = node.value
    value = yaml.SafeLoader.yaml_constructors[tag](yaml.SafeLoader(""), node)
    if kind == "bool":
        return "bool", (
            f"{text!r} is a boolean only in YAML 1.1; cxkit follows YAML 1.2, where it is "
            f"text: write {str(value).lower()}"
        )
    digits = text.lstrip("+-")
    if kind == "int" and digits[:1] == "0" and digits[1:2].isdigit() and "_" not in text:
        sign = "-" if text.startswith("-") else ""
        return "number", (
            f"a leading 0 makes {text} the octal number {value} in YAML 1.1 but "
            f"{sign}{int(digits, 10)} in YAML 1.2: write {sign}{int(digits, 10)}, "
            f"or {sign}0o{digits.lstrip('0') or '0'} for octal"
        )
    if ":" in text:
        form = "sexagesimal (base 60)"
    elif "_" in text:
        form = "with '_' digit separators"
    elif digits[:2] in ("0b", "0B"):
        form = "binary"
    else:
        form = "this number form"
    return "number", (
        f"{form} numbers are YAML 1.1 only; cxkit reads {text!r} as text: write {value!r}"
    )


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.loader = _Loader(text)
        self.positions: dict[Path, tuple[int, int]] = {}
        self.values: dict[Path, tuple[int, int]] = {}
        self.hints: dict[Path, tuple[str, str]] = {}
        self.problems: list[Problem] = []

    def problem(self, mark: Any, message: str, path: Path = (), **kw: Any) -> None:
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        self.problems.append(
            Problem(message, path=format_path(path), file=self.file, line=line, column=col, **kw)
        )

    def measure(self, root: yaml.Node) -> tuple[int, int]:
        """``(nodes, characters)`` of the document once aliases are followed.

        Iterative (no recursion), each node measured once; raises
        :class:`_RecursiveAliasError` on a node that contains itself and
        :class:`_TooDeepError` where aliases nest deeper than :data:`MAX_DEPTH`.
        """
        memo: dict[int, tuple[int, int, int]] = {}
        active: set[int] = set()
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            children = _children(node)
            if done:
                nodes, chars, depth = (
                    1,
                    len(node.value) if not children and isinstance(node, yaml.ScalarNode) else 0,
                    0,
                )
                for child in children:
                    n, c, d = memo[id(child)]
                    nodes, chars, depth = nodes + n, chars + c, max(depth, d)
                if not isinstance(node, yaml.ScalarNode):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _TooDeepError(node.start_mark)
                memo[key] = (nodes, chars, depth)
                active.discard(key)
            elif key not in memo:
                if key in active:
                    raise _RecursiveAliasError(node)
                active.add(key)
                stack.append((node, True))
                stack.extend((child, False) for child in children if id(child) not in memo)
        nodes, chars, _ = memo[id(root)]
        return nodes, chars

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _SAFE_TAGS:
            self.problem(
                node.start_mark,
                "YAML tag is not allowed: cxkit reads plain data only "
                "(strings, numbers, booleans, lists, mappings)",
                path,
                value=node.tag.replace("tag:yaml.org,2002:", "!!"),
                code="unsafe-tag",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            try:
                self.loader.flatten_mapping(node)  # YAML merge keys (<<: *defaults)
            except yaml.MarkedYAMLError as exc:
                self.problem(exc.problem_mark, str(exc.problem), path, code="yaml-syntax")
                return {}
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(
                        key_node.start_mark,
                        "mapping keys must be plain scalars",
                        path,
                        code="yaml-syntax",
                    )
                    continue
                key = self.scalar(key_node, path)
                if isinstance(key, (int, float, bool)) or key is None:
                    key = key_node.value  # keys are names: keep them as written
                key_path = (*path, key)
                if key in out:
                    first = self.positions.get(key_path)
                    where = f" (first at line {first[0]})" if first else ""
                    self.problem(
                        key_node.start_mark,
                        f"duplicate key {key!r}{where}",
                        key_path,
                        value=key,
                        expected="each key once per mapping",
                        code="duplicate-key",
                    )
                    continue
                self.positions[key_path] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                out[key] = self.convert(value_node, key_path)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.positions[(*path, i)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                items.append(self.convert(item, (*path, i)))
            return items
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            self.problem(
                exc.problem_mark or node.start_mark, str(exc.problem), path, code="yaml-syntax"
            )
            return None
        if hasattr(value, "isoformat") and not isinstance(value, str):
            return node.value  # dates stay text: labels like 2026-04-01 are not timestamps
        if isinstance(value, float) and math.isinf(value) and "inf" not in node.value.lower():
            self.problem(
                node.start_mark,
                f"number {node.value} is too large: the largest finite number is about "
                f"{_MAX_FLOAT:.3g}",
                path,
                code="number-too-large",
            )
            return None
        if isinstance(value, str):
            if _SURROGATE.search(value):
                value = _join_surrogate_pairs(value)
            hint = _yaml11_reading(node)
            if hint is not None:
                self.hints[path] = hint
        return value


_MAX_FLOAT = 1.7976931348623157e308


def _join_surrogate_pairs(text: str) -> str:
    """``"\\ud83d\\ude00"`` escapes (as JSON writes astral characters) → the one
    character they encode; lone surrogates stay for validation to refuse."""
    return _SURROGATE_PAIR.sub(
        lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text
    )


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


class _RecursiveAliasError(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeepError(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def read_yaml(text: str | bytes, file: str = "<string>") -> Located:
    """Parse one YAML document into plain data with positions.

    Raises
    ------
    YamlSyntaxError
        On malformed YAML, an empty document, several documents, unsafe tags,
        duplicate keys, recursive aliases or a document that expands beyond
        :data:`MAX_NODES` nodes.

    Examples
    --------
    >>> doc = read_yaml("id: demo\\nsteps:\\n  - stage: s\\n")
    >>> doc.data["steps"][0]["stage"], doc.positions[("steps", 0, "stage")]
    ('s', (3, 5))
    >>> read_yaml("p: 1e-06\\nn: 3\\n").data
    {'p': 1e-06, 'n': 3}
    """
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            _fail(file, f"file is {len(text)} bytes; cxkit reads journeys up to {MAX_FILE_BYTES}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = text.count(b"\n", 0, exc.start) + 1
            _fail(
                file,
                f"file is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8",
                code="encoding",
                line=line,
            )
    if len(text) > MAX_FILE_BYTES:
        _fail(file, f"text is {len(text)} characters; cxkit reads journeys up to {MAX_FILE_BYTES}")
    text = _check_characters(text, file)
    reader = _Reader(text, file)
    try:
        node = reader.loader.get_single_node()
    except _TooDeepError as exc:
        reader.problem(exc.mark, _TOO_DEEP, code="too-deep")
        raise YamlSyntaxError(reader.problems, file=file) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = str(exc.problem or exc.context or "malformed YAML")
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        if "expected a single document" in message:
            message = "the file holds several YAML documents; a journey file holds exactly one"
        reader.problem(mark, message, code="yaml-syntax")
        raise YamlSyntaxError(reader.problems, file=file) from None
    except yaml.YAMLError as exc:  # pragma: no cover - characters are checked above
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        reader.problem(
            mark, str(exc).splitlines()[0] if str(exc) else "malformed YAML", code="yaml-syntax"
        )
        raise YamlSyntaxError(reader.problems, file=file) from None
    finally:
        reader.loader.dispose()
    if node is None:
        _fail(
            file,
            "the file is empty; expected a journey mapping with at least an 'id'",
            code="empty",
            line=1,
        )
    try:
        size, chars = reader.measure(node)
    except _RecursiveAliasError as exc:
        reader.problem(
            exc.node.start_mark, "recursive YAML alias: a node contains itself", code="alias-bomb"
        )
        raise YamlSyntaxError(reader.problems, file=file) from None
    except _TooDeepError as exc:
        reader.problem(exc.mark, _TOO_DEEP + " once aliases are followed", code="too-deep")
        raise YamlSyntaxError(reader.problems, file=file) from None
    if size > MAX_NODES or chars > MAX_EXPANDED_CHARS:
        what = f"{MAX_NODES} nodes" if size > MAX_NODES else f"{MAX_EXPANDED_CHARS} characters"
        reader.problem(
            node.start_mark,
            f"the document expands to more than {what} once aliases are followed (an alias bomb?)",
            value=size if size > MAX_NODES else chars,
            code="alias-bomb",
        )
        raise YamlSyntaxError(reader.problems, file=file)
    data = reader.convert(node, ())
    if reader.problems:
        raise YamlSyntaxError(reader.problems, file=file)
    return Located(data, file, reader.positions, reader.values, reader.hints)


_TOO_DEEP = f"lists and mappings nest deeper than {MAX_DEPTH} levels (a journey needs 6)"

_CHARACTER_NAMES = {
    "\x00": "NUL",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}


def _check_characters(text: str, file: str) -> str:
    """``text``, or a :class:`YamlSyntaxError` at the first raw character YAML cannot
    hold (:data:`RAW_FORBIDDEN`).

    A JSON document holding such characters raw inside its strings (JSON allows DEL,
    C1 controls and U+2028) is read as JSON means: they are turned into ``\\uXXXX``
    escapes first (columns after them on that line shift; lines do not).
    """
    found = RAW_FORBIDDEN.search(text)
    if found is None:
        return text
    if text.lstrip()[:1] == "{" and _is_json(text):
        return RAW_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    start = found.start()
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    ch = found.group()
    code = f"U+{ord(ch):04X}"
    name = _CHARACTER_NAMES.get(ch)
    label = f"{code} ({name})" if name else code
    if "\ud800" <= ch <= "\udfff":
        message = f"lone surrogate {code} is not a character; the text is not valid Unicode"
    else:
        message = (
            f"raw character {label} is not allowed in a YAML file; write it as the escape "
            f'"\\u{ord(ch):04x}" inside a double-quoted string, or remove it'
        )
    raise YamlSyntaxError(
        [Problem(message, file=file, line=line, column=column, code="control-character")],
        file=file,
    )


def _is_json(text: str) -> bool:
    """Whether ``text`` is one JSON document (nesting checked first, not recursed into)."""
    depth = 0
    for ch in re.findall(r'[\[\]{}]|"(?:[^"\\]|\\.)*"', text):
        if ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _fail(file: str, message: str, code: str = "yaml-syntax", line: int | None = None) -> None:
    raise YamlSyntaxError(
        [Problem(message, file=file, line=line, column=1 if line else None, code=code)], file=file
    )


def iter_paths(data: Any, path: Path = ()) -> Iterator[Path]:
    """Every path in plain data (for tests and tools)."""
    yield path
    if isinstance(data, dict):
        for k, v in data.items():
            yield from iter_paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from iter_paths(v, (*path, i))
