"""The benchmarks' own reference computations are right (checked on hand-made logs)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def discovery() -> ModuleType:
    return _load("bench_discovery")


@pytest.fixture(scope="module")
def attribution() -> ModuleType:
    return _load("bench_attribution")


def _log(paths: dict[str, list[str]], outcomes: dict[str, str]) -> pl.DataFrame:
    rows = []
    t0 = dt.datetime(2026, 1, 1)
    for cid, path in paths.items():
        for k, tp in enumerate(path):
            last = k == len(path) - 1
            rows.append((cid, t0 + dt.timedelta(hours=k), tp, outcomes[cid] if last else None))
    frame = pl.DataFrame(
        rows, schema=["customer_id", "timestamp", "touchpoint", "outcome"], orient="row"
    )
    return frame.sort("timestamp")


def test_edge_counting_in_and_out_of_time_order(discovery: ModuleType) -> None:
    log = _log(
        {"a": ["web", "phone", "phone", "store"], "b": ["web", "store"], "c": ["phone"]},
        {"a": "purchase", "b": "abandon", "c": "resolved"},
    )
    expected = {
        ("web", "phone"): 1,
        ("phone", "phone"): 1,
        ("phone", "store"): 1,
        ("web", "store"): 1,
    }
    assert discovery.edge_counts_polars(log) == expected
    shuffled = log.sample(fraction=1.0, shuffle=True, seed=3)
    assert not shuffled["timestamp"].is_sorted()
    assert discovery.edge_counts_polars(shuffled) == expected


def test_exact_removal_effects_on_the_r3_toy(attribution: ModuleType) -> None:
    # Model reference §9 R3 (Bryl 2016): C1→C2→C3→conv, C1→null, C2→C3→null
    log = _log(
        {"1": ["C1", "C2", "C3"], "2": ["C1"], "3": ["C2", "C3"]},
        {"1": "purchase", "2": "abandon", "3": "abandon"},
    )
    result = attribution.removal_effects_exact(log, conversion="purchase")
    assert result["conversion_probability"] == pytest.approx(1 / 3)
    assert result["removal_effects"] == pytest.approx({"C1": 0.5, "C2": 1.0, "C3": 1.0})
    assert result["shares"] == pytest.approx({"C1": 0.2, "C2": 0.4, "C3": 0.4})
    assert result["total_conversions"] == 1


def test_peak_memory_reset_and_measure(discovery: ModuleType) -> None:
    _result, stats = discovery.measure(lambda: bytearray(50 * 1024 * 1024), repeat=1)
    assert stats["seconds"] >= 0
    assert stats["extra_mb"] >= 45  # the 50 MB buffer is seen
    assert stats["peak_mb"] >= stats["extra_mb"]


def test_table_and_goal_lines(discovery: ModuleType) -> None:
    rows = [
        {"size": 1000, "tool": "cxkit", "label": "cxkit", "seconds": 0.1, "peak_mb": 100,
         "extra_mb": 10, "time_ratio": 1.0, "peak_ratio": 1.0},
        {"size": 1000, "tool": "pm4py", "label": "pm4py", "seconds": 2.5, "peak_mb": 300,
         "extra_mb": 40, "time_ratio": 25.0, "peak_ratio": 3.0},
        {"size": 1000, "tool": "pm4py-polars", "label": "pm4py (polars)", "seconds": 0.3,
         "peak_mb": 150, "extra_mb": 15, "time_ratio": 3.0, "peak_ratio": 1.5},
    ]  # fmt: skip
    table = discovery.format_table(rows)
    assert "25.0×" in table and "pm4py (polars)" in table
    goals = discovery.goal_lines(rows)
    assert "speed   25.0×" in goals[0] and goals[0].endswith("→ met")
    assert "speed    3.0×" in goals[1] and goals[1].endswith("→ NOT met")
