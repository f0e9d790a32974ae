"""Benchmark of cxkit.export: one journey to each format, every template to a site.

Run: ``.venv/bin/python benchmarks/bench_export.py [--repeat N] [--no-build]``.
Prints a table of wall times (seconds; best of N after one warm-up for the
per-format rows). The first chart of a process pays for importing altair and
starting vl-convert's engine; that cost is shown on its own row.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cxkit as cx
from cxkit import export


def _best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journey", default="billing_inquiry")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-build", action="store_true", help="skip `mkdocs build`")
    args = parser.parse_args(argv)

    rows: list[tuple[str, float, str]] = []
    j = cx.load_journey(args.journey)

    t0 = time.perf_counter()
    export.chart_spec(j)
    export.svg(j)
    rows.append(("first chart (altair import + vl-convert start)", time.perf_counter() - t0, ""))

    def fresh() -> cx.Journey:  # a new value each time: no chart-spec cache hit
        fresh.n += 1  # type: ignore[attr-defined]
        return j.replace(title=f"{j.title} #{fresh.n}")  # type: ignore[attr-defined]

    fresh.n = 0  # type: ignore[attr-defined]
    cases: list[tuple[str, Callable[[], object]]] = [
        ("markdown (no chart)", lambda: export.markdown(j, chart=None)),
        ("markdown (vega spec)", lambda: export.markdown(fresh(), chart="vega")),
        ("markdown (inline svg)", lambda: export.markdown(fresh(), chart="svg")),
        ("mermaid journey", lambda: export.mermaid_journey(j)),
        ("mermaid flowchart", lambda: export.mermaid_flowchart(j)),
        ("html (self-contained)", lambda: export.html(fresh())),
        ("svg", lambda: export.svg(fresh())),
        ("png (scale 2)", lambda: export.png(fresh())),
        ("yaml", lambda: export.yaml(j)),
        ("json", lambda: export.json(j)),
    ]
    for name, func in cases:
        func()  # warm-up
        sizes = func()
        size = len(sizes) if isinstance(sizes, (str, bytes)) else 0
        rows.append((f"{args.journey} → {name}", _best(func, args.repeat), f"{size:,} B"))

    templates = cx.list_templates()
    journeys = [cx.load_journey(t) for t in templates]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        t0 = time.perf_counter()
        export.site([jj.replace(title=jj.title + " ") for jj in journeys], out)
        rows.append(
            (f"site: {len(journeys)} templates → MkDocs project", time.perf_counter() - t0, "")
        )
        if not args.no_build:
            t0 = time.perf_counter()
            site = export.build_site(out)
            n = len(list(site.rglob("*.html")))
            rows.append(("mkdocs build --strict", time.perf_counter() - t0, f"{n} pages"))

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'seconds':>8}  size")
    print("-" * (width + 24))
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:8.3f}  {note}")


if __name__ == "__main__":
    main()
