"""Safe YAML reading with positions.

PyYAML's composer gives nodes with marks; we turn them into plain Python data
ourselves so that we can (1) remember the line and column of every key and value,
(2) refuse duplicate keys, which PyYAML would silently overwrite, (3) accept only
the standard YAML tags (no ``!!python/object``), and (4) bound the size that
anchors and aliases may expand to (the "billion laughs" alias bomb).

Nothing here executes code: scalars are resolved by :class:`yaml.SafeLoader`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from cxkit.core.errors import Problem, YamlSyntaxError

__all__ = [
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
    """SafeLoader that also reads YAML 1.2 / JSON exponent floats such as ``1e-06``
    (YAML 1.1 insists on a dot and would read them as text)."""


#: YAML 1.2 floats with an exponent and no dot (``1e-06``), which YAML 1.1 reads as text.
EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9]+|[0-9]*\.[0-9]+)[eE][-+]?[0-9]+$")
EXPONENT_FLOAT_FIRST = list("-+0123456789.")

_Loader.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, EXPONENT_FLOAT_FIRST)


class _Reader:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.loader = _Loader(text)
        self.positions: dict[Path, tuple[int, int]] = {}
        self.values: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._sizes: dict[int, int] = {}

    def problem(self, mark: Any, message: str, path: Path = (), **kw: Any) -> None:
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        self.problems.append(
            Problem(message, path=format_path(path), file=self.file, line=line, column=col, **kw)
        )

    def size(self, node: yaml.Node, active: set[int]) -> int:
        key = id(node)
        if key in self._sizes:
            return self._sizes[key]
        if key in active:
            raise _RecursiveAliasError(node)
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += self.size(k, active) + self.size(v, active)
                if total > MAX_NODES:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += self.size(item, active)
                if total > MAX_NODES:
                    break
        active.discard(key)
        self._sizes[key] = total
        return total

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
        return value


class _RecursiveAliasError(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


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
    reader = _Reader(text, file)
    try:
        node = reader.loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = str(exc.problem or exc.context or "malformed YAML")
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        if "expected a single document" in message:
            message = "the file holds several YAML documents; a journey file holds exactly one"
        reader.problem(mark, message, code="yaml-syntax")
        raise YamlSyntaxError(reader.problems, file=file) from None
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
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
        size = reader.size(node, set())
    except _RecursiveAliasError as exc:
        reader.problem(
            exc.node.start_mark, "recursive YAML alias: a node contains itself", code="alias-bomb"
        )
        raise YamlSyntaxError(reader.problems, file=file) from None
    if size > MAX_NODES:
        reader.problem(
            node.start_mark,
            f"the document expands to more than {MAX_NODES} nodes once aliases are "
            "followed (an alias bomb?)",
            value=size,
            code="alias-bomb",
        )
        raise YamlSyntaxError(reader.problems, file=file)
    data = reader.convert(node, ())
    if reader.problems:
        raise YamlSyntaxError(reader.problems, file=file)
    return Located(data, file, reader.positions, reader.values)


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
