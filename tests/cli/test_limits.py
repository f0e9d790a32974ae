"""Issue 12, numbers past what the machine can do: a catalogue by class with exact messages.

Classes: **sizes** (every size a user can type is bounded, and the memory a run needs is
estimated before anything is allocated), **overflow** (money and time inputs past
``MAX_MAGNITUDE`` are refused, naming the field and the value, instead of summing to
``inf``/``nan``) and **hangs** (inputs that ran for minutes now fail, or finish, fast).

The memory available is pinned (:func:`_memory`) so that the messages are the same on
every machine; ``docs/reference/cli.md`` ("Limits") documents the limits, and a test
below holds the table to :data:`cxkit.core._checks.LIMITS`.
"""

from __future__ import annotations

import re
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.core import _checks
from cxkit.core.errors import CxkitError

GiB = 1024**3
ROOT = Path(__file__).resolve().parents[2]

JOURNEY = """\
cxkit: 1
id: demo
title: Demo
stages:
  - id: s1
    label: Stage one
touchpoints:
  - id: web
    channel: web
  - id: phone
    channel: phone
    cost_per_contact: {cost}
    handle_time_s: {handle}
outcomes:
  - id: resolved
    kind: resolved
  - id: abandon
    kind: abandon
entry: {{web: 1.0}}
handoffs:
  - {{from: web, to: phone, probability: 0.3, wait_s: {wait}}}
  - {{from: web, to: resolved, probability: 0.5}}
  - {{from: web, to: abandon, probability: 0.2}}
  - {{from: phone, to: resolved, probability: 0.9}}
  - {{from: phone, to: abandon, probability: 0.1}}
steps:
  - stage: s1
    touchpoint: web
    expectation: 6
    experience: 4
"""


@dataclass(frozen=True)
class Case:
    """One bad input: its class, a call (CLI arguments or a function) and the message."""

    cls: str
    name: str
    call: list[str] | Callable[[Path], object]
    message: str
    memory: int = 8 * GiB  # the memory available, pinned


def _journey(tmp: Path, cost: str = "600", handle: str = "360", wait: str = "0") -> str:
    path = tmp / "demo.yaml"
    path.write_text(JOURNEY.format(cost=cost, handle=handle, wait=wait), encoding="utf-8")
    return str(path)


def _wide_log(tmp: Path, touchpoints: int = 30_000) -> str:
    """An event log with ``touchpoints`` distinct touchpoints, one event each."""
    path = tmp / "wide.csv"
    pl.DataFrame(
        {
            "customer_id": [f"c{i // 3}" for i in range(touchpoints)],
            "timestamp": [f"2026-01-01T00:00:{i % 3:02d}" for i in range(touchpoints)],
            "touchpoint": [f"tp{i}" for i in range(touchpoints)],
            "outcome": ["resolved" if i % 3 == 2 else None for i in range(touchpoints)],
        }
    ).write_csv(path)
    return str(path)


def _roi_economics(tmp: Path, **changes: object) -> object:
    j = cx.load_journey("roi_example_c")
    from dataclasses import replace

    return replace(j.economics, **changes)


def _evaluate_effect(tmp: Path, target: str) -> object:
    """Evaluate one initiative whose effect adds 1e307 / 1e308 / 1.5e308."""
    path = tmp / "initiatives.yaml"
    path.write_text(
        "initiatives:\n  - id: big\n    label: Big\n    cost_one_off: 10\n    effects:\n"
        f'      - {{target: "{target}, change: add, low: 1e307, mode: 1e308, high: 1.5e308}}\n',
        encoding="utf-8",
    )
    inits, _ = cx.roi.load_initiatives(path)
    return cx.roi.evaluate(cx.load_journey("billing_inquiry"), inits, n_sims=10, seed=1)


_EFFECT_MESSAGE = "initiatives for journey 'billing_inquiry': 3 problems found" + "".join(
    f"\n  <journey>: initiatives[0].effects[0].{name}: out of range (got {value}) — expected "
    "a finite number of magnitude ≤ 1e+15 (larger sums overflow)"
    for name, value in (("low", "1e+307"), ("mode", "1e+308"), ("high", "1.5e+308"))
)

BILLING = ["simulate", "billing_inquiry"]
CASES: list[Case] = [
    # -------------------------------------------------------------------------- sizes
    Case(
        "sizes",
        "simulate --customers 10^12 (memory)",
        [*BILLING, "--customers", "1000000000000"],
        "--customers 1000000000000 would need ~439 TiB of memory; at most 13,352,229 "
        "customers per run (~6 GiB may be used: 75% of the 8 GiB available now)",
    ),
    Case(
        "sizes",
        "simulate --customers over the fixed cap",
        [*BILLING, "--customers", "200000000"],
        "--customers 200000000 would need ~89.9 GiB of memory; at most 100,000,000 "
        "customers per run (a fixed cap of 100,000,000)",
        memory=1024**5,
    ),
    Case(
        "sizes",
        "simulate --max-steps past 10,000",
        [*BILLING, "--max-steps", "10001"],
        "--max-steps must be at most 10,000 visits per customer (the walk takes one "
        "vectorised step per visit), got 10001",
    ),
    Case(
        "sizes",
        "sim.simulate(n_customers=10^12)",
        lambda tmp: cx.sim.simulate(cx.load_journey("billing_inquiry"), 10**12, seed=1),
        "`n_customers` 1000000000000 would need ~439 TiB of memory; at most 13,352,229 "
        "customers per run (~6 GiB may be used: 75% of the 8 GiB available now)",
    ),
    Case(
        "sizes",
        "sim.simulate(max_steps=10^6)",
        lambda tmp: cx.sim.simulate(
            cx.load_journey("billing_inquiry"), 10, seed=1, max_steps=10**6
        ),
        "`max_steps` must be at most 10,000 visits per customer (the walk takes one "
        "vectorised step per visit), got 1000000",
    ),
    Case(
        "sizes",
        "roi --sims 10^9",
        ["roi", "roi_example_c", "--sims", "1000000000"],
        "--sims must be at most 1,000,000 draws (a fixed cap on one run's draws), got 1000000000",
    ),
    Case(
        "sizes",
        "roi --quarters 100000",
        ["roi", "roi_example_c", "--budget", "100", "--quarters", "100000"],
        "--quarters must be at most 120 periods (the roadmap MILP's spend matrix grows with "
        "the square of the periods), got 100000",
    ),
    Case(
        "sizes",
        "roi.evaluate(n_sims=2_000_000)",
        lambda tmp: cx.roi.evaluate(cx.load_journey("roi_example_c"), n_sims=2_000_000),
        "`n_sims` must be at most 1,000,000 draws (a fixed cap on one run's draws), got 2000000",
    ),
    Case(
        "sizes",
        "roi.evaluate(n_sims=1_000_000) in 1 GiB",
        lambda tmp: cx.roi.evaluate(cx.load_journey("roi_example_c"), n_sims=1_000_000),
        "`n_sims` 1000000 would need ~2.82 GiB of memory; at most 266,305 draws per run "
        "(~768 MiB may be used: 75% of the 1 GiB available now)",
        memory=GiB,
    ),
    Case(
        "sizes",
        "roi.evaluate(horizon_years=100) in quarters",
        lambda tmp: cx.roi.evaluate(
            cx.load_journey("roi_example_c"), n_sims=10, horizon_years=100, periods="quarter"
        ),
        "`horizon_years` 100.0 gives 400 quarters; at most 120 cash-flow periods (IRR is "
        "searched down to −99 % per period, whose discount factors overflow past ~150 "
        "periods)",
    ),
    Case(
        "sizes",
        "roi --horizon 100 --periods month",
        ["roi", "roi_example_c", "--sims", "10", "--horizon", "100", "--periods", "month"],
        "`horizon_years` 100.0 gives 1200 months; at most 120 cash-flow periods (IRR is "
        "searched down to −99 % per period, whose discount factors overflow past ~150 "
        "periods)",
    ),
    Case(
        "sizes",
        "roi.roadmap(quarters=121)",
        lambda tmp: cx.roi.roadmap(
            cx.load_journey("roi_example_c"), budget=100, quarters=121, n_sims=10
        ),
        "`quarters` must be at most 120 periods (the roadmap MILP's spend matrix grows with "
        "the square of the periods), got 121",
    ),
    Case(
        "sizes",
        "roi.roadmap(budget=[1] * 121)",
        lambda tmp: cx.roi.roadmap(cx.load_journey("roi_example_c"), budget=[1] * 121, n_sims=10),
        "`budget` must give at most 120 periods (the roadmap MILP's spend matrix grows with "
        "the square of the periods), got 121",
    ),
    Case(
        "sizes",
        "staffing --calls 10^7 (offered load)",
        ["staffing", "--calls", "10000000", "--aht", "180"],
        "the offered load --calls·--aht/--interval = 10000000.0·180.0/30.0 = 1e+06 Erlangs "
        "must be at most 100,000 Erlangs (the Erlang B recursion takes one step per agent; "
        "split the calls over queues or intervals)",
    ),
    Case(
        "sizes",
        "sim.erlang_c(servers=10^7)",
        lambda tmp: cx.sim.queues.erlang_c(10**7, 1.0),
        "`servers` must be a whole number of agents in [1, 1,000,000], got 10000000",
    ),
    Case(
        "sizes",
        "sim.staffing_table(agents=[2_000_000])",
        lambda tmp: cx.sim.queues.staffing_table(100, 1800, 180, agents=[2_000_000]),
        "`agents` must be a whole number of agents in [1, 1,000,000], got 2000000 at index 0",
    ),
    Case(
        "sizes",
        "discover on 30,000 distinct touchpoints (fixed cap)",
        lambda tmp: main(["discover", _wide_log(tmp), "-o", str(tmp / "out.yaml")]),
        "{tmp}/wide.csv: the log's distinct touchpoints 30000 would need ~13.4 GiB of memory; "
        "at most 25,000 distinct touchpoints per run (a fixed cap of 25,000)",
        memory=1024**5,
    ),
    Case(
        "sizes",
        "discover on 30,000 distinct touchpoints (memory)",
        lambda tmp: main(["discover", _wide_log(tmp), "-o", str(tmp / "out.yaml")]),
        "{tmp}/wide.csv: the log's distinct touchpoints 30000 would need ~13.4 GiB of memory; "
        "at most 20,064 distinct touchpoints per run (~6 GiB may be used: 75% of the 8 GiB "
        "available now)",
    ),
    # ----------------------------------------------------------------------- overflow
    Case(
        "overflow",
        "staffing --aht 1e308",
        ["staffing", "--calls", "100", "--aht", "1e308"],
        "`--aht` must be a finite number > 0 and ≤ 1e+15 (average handle time in seconds), "
        "got 1e+308",
    ),
    Case(
        "overflow",
        "staffing --calls 1e300",
        ["staffing", "--calls", "1e300", "--aht", "180"],
        "`--calls` must be a finite number ≥ 0 and ≤ 1e+15 (calls offered in the interval), "
        "got 1e+300",
    ),
    Case(
        "overflow",
        "staffing --interval 1e-300 (load overflows)",
        ["staffing", "--calls", "100", "--aht", "180", "--interval", "1e-300"],
        "the offered load --calls·--aht/--interval = 100.0·180.0/1e-300 = 3e+302 Erlangs "
        "must be at most 100,000 Erlangs (the Erlang B recursion takes one step per agent; "
        "split the calls over queues or intervals)",
    ),
    Case(
        "overflow",
        "staffing --target 1e300",
        ["staffing", "--calls", "100", "--aht", "180", "--target", "1e300"],
        "`--target` must be a finite number ≥ 0 and ≤ 1e+15 (answer-time target in seconds), "
        "got 1e+300",
    ),
    Case(
        "overflow",
        "cost_per_contact 1.7e308",
        lambda tmp: main(["simulate", _journey(tmp, cost="1.7e308"), "--json"]),
        "{tmp}/demo.yaml: 1 problem found\n  {tmp}/demo.yaml:12:5: "
        "touchpoints[1].cost_per_contact: out of range (got 1.7e+308) — expected a finite "
        "amount of magnitude ≤ 1e+15",
    ),
    Case(
        "overflow",
        "cost_per_contact -1.7e308",
        lambda tmp: main(["simulate", _journey(tmp, cost="-1.7e308"), "--json"]),
        "{tmp}/demo.yaml: 1 problem found\n  {tmp}/demo.yaml:12:23: "
        "touchpoints[1].cost_per_contact: value out of range (got -1.7e+308) — expected a "
        "number greater than or equal to 0",
    ),
    Case(
        "overflow",
        "handle_time_s 1e308",
        lambda tmp: main(["simulate", _journey(tmp, handle="1e308"), "--json"]),
        "{tmp}/demo.yaml: 1 problem found\n  {tmp}/demo.yaml:13:5: "
        "touchpoints[1].handle_time_s: out of range (got 1e+308) — expected a number of "
        "seconds in [0, 1e+15]",
    ),
    Case(
        "overflow",
        "hand-off wait_s 1e300",
        lambda tmp: main(["simulate", _journey(tmp, wait="1e300"), "--json"]),
        "{tmp}/demo.yaml: 1 problem found\n  {tmp}/demo.yaml:21:46: handoffs[0].wait_s: out "
        "of range (got 1e+300) — expected a number of seconds in [0, 1e+15]",
    ),
    Case(
        "overflow",
        "economics.margin_per_customer 1e308",
        lambda tmp: cx.roi.evaluate(
            cx.load_journey("roi_example_c"),
            economics=_roi_economics(tmp, margin_per_customer=1.0e308),
            n_sims=10,
        ),
        "initiatives for journey 'roi_example_c': 1 problem found\n  <journey>: "
        "economics.margin_per_customer: out of range (got 1e+308) — expected a finite number "
        "of magnitude ≤ 1e+15 (larger sums overflow)",
    ),
    Case(
        "overflow",
        "economics.customers 1e300",
        lambda tmp: cx.roi.evaluate(
            cx.load_journey("roi_example_c"),
            economics=_roi_economics(tmp, customers=10**300),
            n_sims=10,
        ),
        "initiatives for journey 'roi_example_c': 1 problem found\n  <journey>: "
        "economics.customers: out of range (got 1000000000000000000000000000000000000000000"
        "0000000000000000…) — expected a finite number of magnitude ≤ 1e+15 (larger sums "
        "overflow)",
    ),
    Case(
        "overflow",
        "roadmap budget 1e308",
        lambda tmp: cx.roi.roadmap(cx.load_journey("roi_example_c"), budget=[1e308], n_sims=10),
        "`budget[0]` must be a finite amount ≥ 0 and ≤ 1e+15, got 1e+308",
    ),
    Case(
        "overflow",
        "initiative cost_one_off 1e308",
        lambda tmp: cx.roi.evaluate(
            cx.load_journey("roi_example_c"),
            [_costly(cx.load_journey("roi_example_c").initiatives[0])],
            n_sims=10,
        ),
        "initiatives for journey 'roi_example_c': 1 problem found\n  <journey>: "
        "initiatives[0].cost_one_off: out of range (got 1e+308) — expected a finite number of "
        "magnitude ≤ 1e+15 (larger sums overflow)",
    ),
    Case(
        "overflow",
        "effect on touchpoints' cost_per_contact of 1e308",
        lambda tmp: _evaluate_effect(tmp, 'touchpoints:*", field: cost_per_contact'),
        _EFFECT_MESSAGE,
    ),
    Case(
        "overflow",
        "effect on economics:margin_per_customer of 1e308",
        lambda tmp: _evaluate_effect(tmp, 'economics:margin_per_customer"'),
        _EFFECT_MESSAGE,
    ),
    # -------------------------------------------------------------------------- hangs
    Case(
        "hangs",
        "staffing --max-occupancy 0.0001 (over a million agents)",
        ["staffing", "--calls", "100000", "--aht", "180", "--max-occupancy", "0.0001"],
        "`max_occupancy` 0.0001 needs more than 1,000,000 agents for 1e+04 Erlangs (expected "
        "a larger `max_occupancy` or fewer calls per interval)",
    ),
    Case(
        "hangs",
        "discover on 5,000 distinct touchpoints in 256 MiB fails fast",
        lambda tmp: main(["discover", _wide_log(tmp, 5000), "-o", str(tmp / "out.yaml")]),
        "{tmp}/wide.csv: the log's distinct touchpoints 5000 would need ~382 MiB of memory; "
        "at most 3,545 distinct touchpoints per run (~192 MiB may be used: 75% of the 256 MiB "
        "available now)",
        memory=256 * 1024**2,
    ),
    Case(
        "hangs",
        "simulate --customers 10^12 fails fast",
        [*BILLING, "--customers", "1000000000000", "--json"],
        "--customers 1000000000000 would need ~439 TiB of memory; at most 13,352,229 "
        "customers per run (~6 GiB may be used: 75% of the 8 GiB available now)",
    ),
    Case(
        "hangs",
        "roi --sims 10^9 fails fast",
        ["roi", "roi_example_c", "--sims", "1000000000", "--json"],
        "--sims must be at most 1,000,000 draws (a fixed cap on one run's draws), got 1000000000",
    ),
    Case(
        "hangs",
        "roi --quarters 100000 fails fast",
        ["roi", "roi_example_c", "--budget", "100", "--quarters", "100000", "--json"],
        "--quarters must be at most 120 periods (the roadmap MILP's spend matrix grows with "
        "the square of the periods), got 100000",
    ),
]


def _costly(ini: object) -> object:
    from dataclasses import replace

    return replace(ini, cost_one_off=1e308)


def test_catalogue_counts_per_class():
    assert Counter(c.cls for c in CASES) == {"sizes": 18, "overflow": 14, "hangs": 5}
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.fixture
def pinned(monkeypatch):
    def pin(memory: int) -> None:
        monkeypatch.setattr(_checks, "available_memory", lambda: memory)

    return pin


def _message(case: Case, tmp: Path, capsys) -> tuple[str, float]:
    start = time.perf_counter()
    if isinstance(case.call, list):
        code = main(case.call)
        elapsed = time.perf_counter() - start
        out, err = capsys.readouterr()
        assert code == 1, out
        assert err.startswith("cxkit: error: ")
        return err.removeprefix("cxkit: error: ").rstrip("\n"), elapsed
    try:
        code = case.call(tmp)
    except CxkitError as exc:
        return str(exc), time.perf_counter() - start
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code == 1, (code, out)
    return err.removeprefix("cxkit: error: ").rstrip("\n"), elapsed


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_size_or_number_gives_exact_message(case, tmp_path, capsys, pinned):
    pinned(case.memory)
    message, _ = _message(case, tmp_path, capsys)
    assert message == case.message.format(tmp=tmp_path)


HANGS = [c for c in CASES if c.cls == "hangs"]


@pytest.mark.parametrize("case", HANGS, ids=[c.name for c in HANGS])
def test_hang_fails_fast_without_allocating(case, tmp_path, capsys, pinned):
    pinned(case.memory)
    if not isinstance(case.call, list):
        case.call(tmp_path)  # write the log once: only the check is timed
        capsys.readouterr()
    tracemalloc.start()
    try:
        _, elapsed = _message(case, tmp_path, capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, elapsed
    assert peak < 64 * 1024**2, peak


def test_staffing_of_a_million_calls_now_finishes_fast(capsys):
    """100,000 Erlangs (the limit): one Erlang B pass, a 25-row table."""
    start = time.perf_counter()
    code = main(["staffing", "--calls", "1000000", "--aht", "180", "--interval", "30", "--json"])
    elapsed = time.perf_counter() - start
    out, _ = capsys.readouterr()
    assert code == 0
    assert '"agents": 117649' in out
    assert out.count('"p_wait"') == 26  # the result and 25 table rows
    assert elapsed < 3.0, elapsed


def test_discover_of_thousands_of_touchpoints_validates_in_linear_time():
    """The reachability check was one traversal per entry touchpoint (20,000: minutes)."""
    log = pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(5000)],
            "timestamp": ["2026-01-01T00:00:00"] * 5000,
            "touchpoint": [f"tp{i}" for i in range(5000)],
            "outcome": ["resolved"] * 5000,
        }
    )
    start = time.perf_counter()
    found = cx.analytics.discover(log)
    assert len(found.journey.graph.touchpoints) == 5000
    assert time.perf_counter() - start < 20.0


def test_limits_table_in_the_docs_matches_the_code():
    text = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    table = text.split("## Limits", 1)[1].split("\n## ", 1)[0]
    documented = dict(re.findall(r"^\| `(\w+)` \| ([\d,.e+]+) \|", table, re.M))
    assert {k: float(v.replace(",", "")) for k, v in documented.items()} == {
        k: float(v) for k, v in _checks.LIMITS.items()
    }


def test_discover_from_python_refuses_too_many_touchpoints_before_building(monkeypatch):
    # the guard is the analytics API's own, not only the CLI's: a frame passed to
    # discover() gets the same refusal, naming `events`
    import polars as pl

    from cxkit.analytics import discover

    monkeypatch.setattr(_checks, "available_memory", lambda: 256 * 2**20)
    n = 5_000
    frame = pl.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "timestamp": [1_700_000_000 + i for i in range(n)],
            "touchpoint": [f"t{i}" for i in range(n)],
            "outcome": ["resolved"] * n,
        }
    )
    start = time.perf_counter()
    with pytest.raises(CxkitError) as info:
        discover(frame)
    assert time.perf_counter() - start < 3.0
    assert str(info.value).startswith(
        "`events`: the log's distinct touchpoints 5000 would need ~382 MiB of memory; "
        "at most 3,545 distinct touchpoints per run"
    )
