"""Benchmark of cxkit.export against the goals of issue 14: a 20-step journey to each format.

Run: ``.venv/bin/python benchmarks/bench_export.py [--steps N] [--repeat N] [--quick]``
(or ``make bench BENCH_ARGS=export``).

In one process, warm (one call first, then the best of ``--repeat``), the journey
``cxkit.data.long_journey(N)`` (20 steps by default) goes to HTML, PNG, SVG,
Markdown and — when this cxkit has them — PDF, PPTX and XLSX; each run uses a fresh
copy of the journey, so no chart cache is hit. Then, as a user meets them, the wall
times of two commands in a fresh interpreter: ``cxkit site`` of every template and
``cxkit export --to html``. Each row is printed against its goal (``ok`` / ``SLOW``).
The first chart of a process pays for importing altair and starting vl-convert's
engine; that cost is on a row of its own.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cxkit as cx
from cxkit import export

#: Goals (seconds) of issue 14, by row name.
GOALS = {"html": 0.3, "png": 1.5, "pdf": 2.0, "pptx": 0.5, "cxkit site (all templates)": 8.0}


def _best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def _optional(name: str) -> Callable[..., object] | None:
    """``cxkit.export.<name>`` (or its module ``cxkit.export.<name>``'s function), if any."""
    func = getattr(export, name, None)
    if callable(func):
        return func
    try:
        module = importlib.import_module(f"cxkit.export.{name}")
    except ImportError:
        return None
    func = getattr(module, name, None)
    return func if callable(func) else None


def _wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return took


def _format_rows(journey: cx.Journey, repeat: int) -> list[tuple[str, float | None, str]]:
    n = [0]

    def fresh() -> cx.Journey:  # a new value each time: no chart-spec cache hit
        n[0] += 1
        return journey.replace(title=f"{journey.title} #{n[0]}")

    cases: list[tuple[str, Callable[[], object] | None]] = [
        ("html", lambda: export.html(fresh())),
        ("png", lambda: export.png(fresh())),
        ("svg", lambda: export.svg(fresh())),
        ("markdown", lambda: export.markdown(fresh())),
    ]
    for name in ("pdf", "pptx", "xlsx"):  # absent before issue 14: shown as such
        func = _optional(name)
        cases.append((name, None if func is None else lambda f=func: f(fresh())))
    rows: list[tuple[str, float | None, str]] = []
    for name, func in cases:
        if func is None:
            rows.append((name, None, "not available (cxkit.export has no such function)"))
            continue
        func()  # warm-up
        rows.append((name, _best(func, repeat), ""))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="steps of long_journey")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one run per row (smoke run)")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat

    journey = cx.data.long_journey(args.steps)
    t0 = time.perf_counter()
    export.svg(journey)
    first = time.perf_counter() - t0
    rows: list[tuple[str, float | None, str]] = [("first chart (imports, engine)", first, "")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        rows += _format_rows(journey, repeat)
        templates = cx.list_templates()
        cli = [sys.executable, "-m", "cxkit"]
        site_cmd = [*cli, "site", *templates, "--out", str(tmp / "site")]
        rows.append(("cxkit site (all templates)", _wall(site_cmd), f"{len(templates)} pages"))
        html_cmd = [*cli, "export", templates[0], "--to", "html", "--out", str(tmp / "j.html")]
        rows.append(("cxkit export --to html (CLI)", _wall(html_cmd), templates[0]))

    print(f"cxkit.data.long_journey({args.steps}); best of {repeat} after a warm-up")
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  {'goal':>6}  note")
    print("-" * (width + 40))
    for name, seconds, note in rows:
        goal = GOALS.get(name)
        goal_text = f"≤ {goal:g}" if goal is not None else ""
        if seconds is None:
            print(f"{name:<{width}}  {'—':>8}  {goal_text:>6}  {note}")
            continue
        verdict = "" if goal is None else ("ok" if seconds <= goal else "SLOW")
        print(f"{name:<{width}}  {seconds:8.3f}  {goal_text:>6}  {verdict} {note}".rstrip())


if __name__ == "__main__":
    main()
