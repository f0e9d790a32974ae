"""Fixtures for the chart tests: journeys, and a walker over Vega-Lite specs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import altair as alt
import pytest

import cxkit as cx

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def billing() -> cx.Journey:
    """Model reference Example A (valences −4, −6, 0, 3)."""
    return cx.load_journey("billing_inquiry")


@pytest.fixture(scope="session")
def ja_journey() -> cx.Journey:
    """A Japanese journey with a user channel and a step without a valence."""
    return cx.load_journey(HERE / "ja_journey.yaml")


def _units(spec: dict[str, Any], datasets: dict[str, Any], inherited: Any) -> Iterator[dict]:
    data = spec.get("data", inherited)
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            yield from _units(child, datasets, data)
    if "mark" in spec:
        rows = datasets.get(data.get("name")) if isinstance(data, dict) else None
        if rows is None and isinstance(data, dict):
            rows = data.get("values")
        mark = spec["mark"] if isinstance(spec["mark"], dict) else {"type": spec["mark"]}
        yield {
            "mark": mark,
            "encoding": spec.get("encoding", {}),
            "rows": rows or [],
            "name": re.sub(r"_\d+$", "", spec.get("name", "")),  # altair numbers names
        }


_SPECS: dict[int, tuple[alt.TopLevelMixin, dict[str, Any]]] = {}


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """``chart.to_dict()`` (schema-validated), computed once per chart object."""
    cached = _SPECS.get(id(chart))
    if cached is None or cached[0] is not chart:
        cached = (chart, chart.to_dict())
        _SPECS[id(chart)] = cached
    return cached[1]


def unit_specs(chart: alt.TopLevelMixin) -> list[dict[str, Any]]:
    """Every mark of ``chart`` (validated ``to_dict()``) with its encoding and data rows."""
    spec = spec_of(chart)
    return list(_units(spec, spec.get("datasets", {}), None))


def find_units(chart: alt.TopLevelMixin, mark: str, **fields: str) -> list[dict[str, Any]]:
    """Marks of type ``mark`` whose encoding channels use the given fields."""
    found = []
    for unit in unit_specs(chart):
        if unit["mark"]["type"] != mark:
            continue
        enc = unit["encoding"]
        if all(enc.get(ch, {}).get("field") == f for ch, f in fields.items()):
            found.append(unit)
    return found


@pytest.fixture(name="spec_of")
def spec_of_fixture() -> Callable[[alt.TopLevelMixin], dict[str, Any]]:
    """``spec_of(chart)`` → its validated spec, cached per chart object."""
    return spec_of


@pytest.fixture
def units() -> Callable[..., list[dict[str, Any]]]:
    """``units(chart, mark, **channel_fields)`` → matching marks of the chart's spec."""
    return find_units
