"""Fast re-rendering of cxkit charts: rebuild the data, keep the altair structure.

Building a journey map with altair costs ~0.5 s of CPU whatever the journey's size:
the time goes into altair's schema objects (deep copies on every ``layer``,
``properties`` and ``configure``, shorthand parsing), not into the data. A workshop
slider must redraw in well under 100 ms, so :class:`SpecCache` renders a chart
function of :mod:`cxkit.viz` in two ways:

* **full**: call the function and ``to_dict()`` the chart — the reference;
* **fast**: run the same function with ``alt`` (and ``apply_theme``) replaced by a
  *recorder* that notes every altair call without building anything. When the
  recorded calls are those of the previous full build except for (a) the data
  frames given to ``alt.Chart`` and (b) the arguments of plain value objects
  (``alt.Scale``, ``alt.Axis``, ``alt.TitleParams``…), the previous spec is reused:
  its datasets are replaced by the new frames (converted by altair's own data
  transformer, so names and values are those altair would write) and each changed
  value object's dict by the new one;
* **patched sizes**: ``.properties(width=…, height=…)`` calls whose plain arguments
  changed (a journey map's width grows with its steps, a panel's height with its
  wrapped text) are patched where the full build wrote them. Where that is comes from
  the recorded chart tree (``alt.vconcat`` / ``alt.layer`` children, or those of
  ``alt.VConcatChart(vconcat=[…])`` and its kin, method chains,
  ``apply_theme``) and is checked against the full build when it is cached: a
  property found anywhere else is not patchable. Each chart's dataset reference is
  located the same way, so two frames that were equal may differ later.

Anything else — a layer added, a mark's options changed — falls back to a full build.

The fast spec equals the full one (``tests/widgets/test_fastspec.py`` checks it on
every template and on random edits of a 50-step journey). The chart functions stay
the single source of truth: nothing of their design is duplicated here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

__all__ = ["SpecCache", "SpecUpdate"]

#: altair classes whose objects are plain values: their ``to_dict()`` is what appears,
#: unchanged, wherever they are used in a spec.
VALUE_CLASSES = frozenset(
    {"Scale", "Axis", "Legend", "TitleParams", "Header", "Tooltip", "StringFieldDefWithCondition"}
)

_LOCK = threading.RLock()


class _UnsupportedError(Exception):
    """The chart function did something the recorder cannot follow."""


class _Frame:
    """A data frame seen by ``alt.Chart`` (compared by position, never by content)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Frame)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"<frame {self.index}>"


class _Ref:
    """A reference to the result of an earlier recorded operation."""

    __slots__ = ("op",)

    def __init__(self, op: int) -> None:
        self.op = op

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Ref) and other.op == self.op

    def __hash__(self) -> int:
        return hash(("ref", self.op))

    def __repr__(self) -> str:
        return f"<op {self.op}>"


class _Proxy:
    """Stands for an altair object (or ``alt`` itself) while a chart function runs."""

    __slots__ = ("_op", "_recorder")

    def __init__(self, recorder: _Recorder, op: int) -> None:
        object.__setattr__(self, "_recorder", recorder)
        object.__setattr__(self, "_op", op)

    def __getattr__(self, name: str) -> _Proxy:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._recorder.record("getattr", self._op, name)

    def __call__(self, *args: Any, **kwargs: Any) -> _Proxy:
        return self._recorder.record("call", self._op, args, kwargs)

    def __add__(self, other: Any) -> _Proxy:
        return self._recorder.record("op+", self._op, other)

    def __or__(self, other: Any) -> _Proxy:
        return self._recorder.record("op|", self._op, other)

    def __and__(self, other: Any) -> _Proxy:
        return self._recorder.record("op&", self._op, other)

    def __setattr__(self, name: str, value: Any) -> None:
        raise _UnsupportedError(f"attribute assignment {name!r} on an altair object")

    def __bool__(self) -> bool:
        raise _UnsupportedError("truth value of an altair object")

    def __iter__(self) -> Iterator[Any]:
        raise _UnsupportedError("iteration over an altair object")


@dataclass
class _Recorder:
    """The operations of one run of a chart function, in order."""

    ops: list[tuple[Any, ...]] = field(default_factory=list)
    frames: list[Any] = field(default_factory=list)
    result: int | None = None  # the op of the returned chart

    def root(self, name: str) -> _Proxy:
        self.ops.append(("root", name))
        return _Proxy(self, len(self.ops) - 1)

    def record(self, kind: str, target: int, *payload: Any) -> _Proxy:
        self.ops.append((kind, target, *(self._norm(p) for p in payload)))
        return _Proxy(self, len(self.ops) - 1)

    def _norm(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, bool, int, float)):
            return value
        if isinstance(value, _Proxy):
            return _Ref(value._op)
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, tuple(self._norm(v) for v in value))
        if isinstance(value, dict):
            return ("dict", tuple((k, self._norm(v)) for k, v in value.items()))
        module = type(value).__module__
        if module.startswith("polars"):
            self.frames.append(value)
            return _Frame(len(self.frames) - 1)
        if module.startswith("altair"):  # a module-level altair constant: by identity
            return ("altair", id(value))
        raise _UnsupportedError(f"argument of type {type(value).__name__}")


Path = tuple[Any, ...]  # keys and list indices from the spec's top to a chart's dict


@dataclass
class _Layout:
    """Where a structure's patchable values sit in its spec (same for equal structures).

    ``props`` maps the op of each ``.properties(...)`` call with plain arguments to the
    chart dicts holding them; ``data`` lists each dataset reference with its frame
    (``None`` when the references could not all be located: datasets are then renamed
    by name).
    """

    props: dict[int, list[Path]]
    data: list[tuple[Path, int]] | None


@dataclass
class _State:
    """A full build: its recorded operations, its spec and its dataset names."""

    ops: list[tuple[Any, ...]]
    spec: dict[str, Any]
    names: list[str]
    layout: _Layout


@dataclass(frozen=True)
class SpecUpdate:
    """What :meth:`SpecCache.spec` did: the spec, the path taken and its duration."""

    spec: dict[str, Any]
    path: str  # "full" or "fast"
    seconds: float
    reason: str = ""


def _value_dict(ops: list[tuple[Any, ...]], i: int, alt: ModuleType) -> dict[str, Any] | None:
    """The spec dict of op ``i`` if it builds a plain value object, else ``None``."""
    op = ops[i]
    if op[0] != "call":
        return None
    callee = ops[op[1]]
    if callee[0] != "getattr" or ops[callee[1]][0] != "root" or callee[2] not in VALUE_CLASSES:
        return None
    args, kwargs = op[2], op[3]
    if _has_refs(args) or _has_refs(kwargs):
        return None
    cls = getattr(alt, callee[2])
    return cls(*_plain(args), **dict(_plain(kwargs))).to_dict(validate=False)


def _has_refs(value: Any) -> bool:
    if isinstance(value, (_Ref, _Frame)):
        return True
    if isinstance(value, tuple):
        return any(_has_refs(v) for v in value)
    return False


def _plain(value: Any) -> Any:
    """Undo :meth:`_Recorder._norm` for plain values."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] in ("list", "tuple", "dict"):
        kind, items = value
        if kind == "dict":
            return {k: _plain(v) for k, v in items}
        return [_plain(v) for v in items]
    return value


def _replace(node: Any, renames: dict[str, str], swaps: list[tuple[Any, Any, list[int]]]) -> Any:
    """A copy of ``node`` with dataset names renamed and value dicts swapped."""
    if isinstance(node, dict):
        for old, new, hits in swaps:
            if node == old:
                hits[0] += 1
                return _copy(new)
        out = {}
        for k, v in node.items():
            if k == "data" and isinstance(v, dict) and v.get("name") in renames:
                out[k] = {**v, "name": renames[v["name"]]}
            else:
                out[k] = _replace(v, renames, swaps)
        return out
    if isinstance(node, list):
        return [_replace(v, renames, swaps) for v in node]
    return node


def _at(spec: Any, path: Path) -> Any:
    """The node of ``spec`` at ``path`` or ``None``."""
    node = spec
    for key in path:
        in_dict = isinstance(node, dict) and isinstance(key, str) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if not (in_dict or in_list):
            return None
        node = node[key]
    return node


#: ``alt.<name>(*charts)`` puts its chart arguments in the spec's list ``<name>``
_COMPOUNDS = {"layer": "layer", "vconcat": "vconcat", "hconcat": "hconcat", "concat": "concat"}
#: ``alt.<Class>(<key>=[charts…])`` does the same with a keyword list
_COMPOUND_CLASSES = {
    "LayerChart": "layer",
    "VConcatChart": "vconcat",
    "HConcatChart": "hconcat",
    "ConcatChart": "concat",
}


def _compound_children(op: tuple[Any, ...], name: str) -> list[tuple[str, int, _Ref]]:
    """The chart arguments of ``alt.<name>(…)`` with their spec list and position."""
    if name in _COMPOUNDS:
        return [
            (_COMPOUNDS[name], k, arg) for k, arg in enumerate(op[2][1]) if isinstance(arg, _Ref)
        ]
    key = _COMPOUND_CLASSES.get(name)
    if key is None or len(op) < 4:
        return []
    for kw, value in op[3][1]:
        if kw == key and isinstance(value, tuple) and value[0] == "list":
            return [(key, k, arg) for k, arg in enumerate(value[1]) if isinstance(arg, _Ref)]
    return []


def _chart_paths(ops: list[tuple[Any, ...]], result: int | None) -> dict[int, list[Path]]:
    """The spec paths of every chart op reachable from the returned chart."""
    paths: dict[int, list[Path]] = {}
    if result is None:
        return paths
    todo: list[tuple[int, Path]] = [(result, ())]
    while todo:
        i, path = todo.pop()
        paths.setdefault(i, []).append(path)
        op = ops[i]
        if op[0] != "call":
            continue
        callee = ops[op[1]]
        if callee[0] == "root" and callee[1] == "apply_theme":
            args = op[2][1] if op[2][0] == "tuple" else ()
            if args and isinstance(args[0], _Ref):
                todo.append((args[0].op, path))
            continue
        if callee[0] != "getattr":
            continue
        target, name = callee[1], callee[2]
        if ops[target][0] == "root":  # alt.<name>(…)
            for key, k, arg in _compound_children(op, name):
                todo.append((arg.op, (*path, key, k)))
            continue
        todo.append((target, path))  # a method of a chart returns the same chart, changed
    return paths


def _chart_frame(ops: list[tuple[Any, ...]], i: int) -> int | None:
    """The frame given to ``alt.Chart`` at the start of the method chain ending at ``i``."""
    while ops[i][0] == "call":
        callee = ops[ops[i][1]]
        if callee[0] != "getattr":
            return None
        if ops[callee[1]][0] == "root":
            if callee[2] != "Chart":
                return None
            args = ops[i][2][1]
            return args[0].index if args and isinstance(args[0], _Frame) else None
        i = callee[1]
    return None


def _data_refs(node: Any, path: Path, out: list[tuple[Path, str]]) -> None:
    if isinstance(node, dict):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            out.append((path, data["name"]))
        for k, v in node.items():
            if k != "data" and k != "datasets":
                _data_refs(v, (*path, k), out)
    elif isinstance(node, list):
        for k, v in enumerate(node):
            _data_refs(v, (*path, k), out)


def _layout(rec: _Recorder, spec: dict[str, Any], names: list[str]) -> _Layout:
    """Locate (and check against ``spec``) the values a fast update may patch."""
    ops = rec.ops
    paths = _chart_paths(ops, rec.result)
    props: dict[int, list[Path]] = {}
    for i, where in paths.items():
        op = ops[i]
        if op[0] != "call" or _has_refs(op[2]) or _has_refs(op[3]) or op[2][1]:
            continue
        callee = ops[op[1]]
        if callee[0] != "getattr" or callee[2] != "properties" or ops[callee[1]][0] == "root":
            continue
        kwargs = dict(_plain(op[3]))
        if all(
            isinstance(node := _at(spec, p), dict)
            and all(k in node and node[k] == v for k, v in kwargs.items())
            for p in where
        ):
            props[i] = where
    # every dataset reference of the spec: the frame of the chart (or, data hoisted by
    # altair to a layer, of its first chart) at that path
    by_path: dict[Path, list[int]] = {}
    for i, where in paths.items():
        for p in where:
            by_path.setdefault(p, []).append(i)
    refs: list[tuple[Path, str]] = []
    _data_refs({k: v for k, v in spec.items() if k != "datasets"}, (), refs)
    data: list[tuple[Path, int]] | None = []
    for path, name in refs:
        frame, probe = None, path
        while frame is None and probe in by_path:
            frame = next(
                (f for i in by_path[probe] if (f := _chart_frame(ops, i)) is not None), None
            )
            if frame is None:
                probe = next(
                    (
                        (*probe, key, 0)
                        for key in _COMPOUNDS.values()
                        if (*probe, key, 0) in by_path
                    ),
                    (),
                )
                if not probe:
                    break
        if frame is None or names[frame] != name:
            data = None
            break
        data.append((path, frame))
    return _Layout(props, data)


def _plain_values(frame: Any) -> list[dict[str, Any]] | None:
    """The rows altair's default data transformer writes for ``frame``, if plain.

    For a polars frame of numbers, strings, booleans and nulls, altair's
    ``to_values`` keeps every column as it is (it rewrites only dates, times and
    durations) and writes ``rows(named=True)``: done here directly, without its
    per-column narwhals select and the schema validation of the inline data
    (3/4 of a journey map's fast update). ``None`` — use altair — for anything else:
    another data transformer, too many rows for its limit, other column types.
    """
    import altair as alt
    import polars as pl

    transformers = alt.data_transformers
    if (
        type(frame) is not pl.DataFrame
        or transformers.active != "default"
        or not transformers.consolidate_datasets
    ):
        return None
    max_rows = transformers.options.get("max_rows", 5000)
    if max_rows is not None and frame.height > max_rows:
        return None
    for dtype in frame.schema.values():
        if not (dtype.is_numeric() or dtype in (pl.String, pl.Boolean, pl.Null)):
            return None
    return frame.rows(named=True)


def _copy(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


class SpecCache:
    """Render a chart function of a :mod:`cxkit.viz` module fast when only data changes.

    Parameters
    ----------
    function
        The chart function's name in ``module`` (``"journey_map"``).
    module
        The module that defines it and refers to altair as ``alt`` (and to
        ``apply_theme``); default :mod:`cxkit.viz.journey`.

    Examples
    --------
    >>> import cxkit as cx
    >>> cache = SpecCache("journey_map")
    >>> j = cx.load_journey("billing_inquiry")
    >>> cache.spec(j).path
    'full'
    >>> update = cache.spec(j.with_step(0, experience=5.0))
    >>> update.path
    'fast'
    >>> import cxkit.viz
    >>> update.spec == cxkit.viz.journey_map(j.with_step(0, experience=5.0)).to_dict()
    True
    """

    def __init__(self, function: str, module: ModuleType | str = "cxkit.viz.journey") -> None:
        import importlib

        self.module = importlib.import_module(module) if isinstance(module, str) else module
        self.function = function
        self._state: dict[tuple[Any, ...], _State] = {}
        self.last: SpecUpdate | None = None

    # -- the two paths -----------------------------------------------------------------
    def full(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The spec of ``function(*args, **kwargs)`` built by altair."""
        chart = getattr(self.module, self.function)(*args, **kwargs)
        return chart.to_dict(validate=False)

    def spec(self, *args: Any, **kwargs: Any) -> SpecUpdate:
        """The spec of ``function(*args, **kwargs)``, fast when the structure is unchanged."""
        t0 = time.perf_counter()
        key = tuple(sorted(kwargs.items()))
        reason = ""
        with _LOCK:
            try:
                rec = self._record(*args, **kwargs)
            except _UnsupportedError as exc:
                rec, reason = None, f"not traceable: {exc}"
            prev = self._state.get(key)
            if rec is not None and prev is not None:
                result = self._fast(prev, rec)
                if isinstance(result, str):
                    reason = result
                else:
                    spec, names = result
                    self._state[key] = _State(rec.ops, spec, names, prev.layout)
                    self.last = SpecUpdate(spec, "fast", time.perf_counter() - t0)
                    return self.last
        spec = self.full(*args, **kwargs)
        self._state.pop(key, None)
        if rec is not None:
            names = self._names(rec.frames)
            # the recorded run must have seen exactly the data the real run wrote: a
            # function that behaves differently under the recorder gets no fast path
            if set(names) == set(spec.get("datasets", {})):
                self._state[key] = _State(rec.ops, spec, names, _layout(rec, spec, names))
            else:
                reason = "the recorded data differ from altair's: no fast path"
        self.last = SpecUpdate(spec, "full", time.perf_counter() - t0, reason or "first build")
        return self.last

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _patched(self, rec: _Recorder) -> Iterator[None]:
        mod = self.module
        saved = {name: getattr(mod, name) for name in ("alt", "apply_theme") if hasattr(mod, name)}
        mod.alt = rec.root("alt")  # type: ignore[attr-defined]
        mod.apply_theme = rec.root("apply_theme")  # type: ignore[attr-defined]
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(mod, name, value)

    def _record(self, *args: Any, **kwargs: Any) -> _Recorder:
        rec = _Recorder()
        with self._patched(rec):
            try:
                out = getattr(self.module, self.function)(*args, **kwargs)
                if isinstance(out, _Proxy):
                    rec.result = out._op
            except _UnsupportedError:
                raise
            except Exception as exc:  # noqa: BLE001 - the full build reports real errors
                raise _UnsupportedError(f"{type(exc).__name__}: {exc}") from None
        return rec

    @staticmethod
    def _datasets(frames: list[Any]) -> tuple[list[str], dict[str, Any]]:
        from altair.vegalite.v6.api import _dataset_name, _prepare_data

        context: dict[str, Any] = {}
        seen: dict[int, str] = {}  # the same frame object is often given to several charts
        names = []
        for frame in frames:
            name = seen.get(id(frame))
            if name is None:
                values = _plain_values(frame)
                if values is None:
                    data = _prepare_data(frame, context)
                    name = data.to_dict()["name"] if hasattr(data, "to_dict") else data["name"]
                else:
                    name = _dataset_name(values)
                    context.setdefault("datasets", {})[name] = values
                seen[id(frame)] = name
            names.append(name)
        return names, context.get("datasets", {})

    def _names(self, frames: list[Any]) -> list[str]:
        return self._datasets(frames)[0]

    def _fast(self, prev: _State, rec: _Recorder) -> tuple[dict[str, Any], list[str]] | str:
        import altair as alt

        old_ops, new_ops = prev.ops, rec.ops
        if len(old_ops) != len(new_ops):
            return "different number of altair calls"
        changed = [i for i, (a, b) in enumerate(zip(old_ops, new_ops, strict=True)) if a != b]
        swaps: list[tuple[Any, Any, list[int]]] = []
        patches: list[tuple[list[Path], dict[str, Any]]] = []
        for i in changed:
            a, b = old_ops[i], new_ops[i]
            if i in prev.layout.props:
                if a[:2] == b[:2] and not _has_refs(b[2:]) and not b[2][1]:
                    old_kw, new_kw = dict(_plain(a[3])), dict(_plain(b[3]))
                    if old_kw.keys() == new_kw.keys():
                        patches.append((prev.layout.props[i], new_kw))
                        continue
                return f"altair call {i} changed: properties {b[3:4]}"
            new = _value_dict(new_ops, i, alt)
            if new is None or a[:2] != b[:2]:
                callee = new_ops[b[1]] if b[0] == "call" else ()
                if callee[:1] == ("getattr",) and callee[2] == "properties":
                    return f"altair call {i} changed: properties not patchable {b[3:4]}"
                return f"altair call {i} changed: {b[0]} {b[2:3]}"
            old = _value_dict(old_ops, i, alt)
            if old == new:
                continue
            # the old dict must identify this object alone in the spec
            same_class = [
                j
                for j in range(len(new_ops))
                if j not in changed and new_ops[j][0] == "call" and new_ops[j][1] == b[1]
            ]
            if any(_value_dict(new_ops, j, alt) == old for j in same_class):
                return f"value object {i} is not unique in the spec"
            if any(old == s[0] for s in swaps):
                return f"value object {i} is not unique in the spec"
            swaps.append((old, new, [0]))
        names, datasets = self._datasets(rec.frames)
        renames: dict[str, str] = {}
        if prev.layout.data is None:
            for old_name, new_name in zip(prev.names, names, strict=True):
                if renames.setdefault(old_name, new_name) != new_name:
                    return "two frames that were equal now differ"
        body = {k: v for k, v in prev.spec.items() if k != "datasets"}
        spec = _replace(body, renames, swaps)
        if any(hits[0] == 0 for _, _, hits in swaps):
            return "a changed value object was not found in the spec"
        for path, frame in prev.layout.data or ():
            node = _at(spec, path)
            node["data"] = {**node["data"], "name": names[frame]}
        for where, values in patches:
            for path in where:
                _at(spec, path).update(values)
        spec["datasets"] = datasets
        return spec, names
