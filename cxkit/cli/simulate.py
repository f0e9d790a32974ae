"""Simulation commands: ``cxkit simulate`` (both engines) and ``cxkit staffing`` (Erlang C).

Both are thin over :mod:`cxkit.sim`; ``--json`` prints the documented document of
``docs/reference/cli-simulate.md``.

Examples
--------
>>> from cxkit.cli import main
>>> main(["staffing", "--calls", "100", "--interval", "30", "--aht", "180"])  # doctest: +ELLIPSIS
Erlang C staffing
  100 calls in 30 min, AHT 180 s: traffic 10 Erlang
  target: 80% answered within 20 s, occupancy ≤ 85%, shrinkage 30%
<BLANKLINE>
  Agents               14
  Scheduled headcount  20
...
0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import click

from cxkit.cli._common import echo_json as _echo_json
from cxkit.cli._common import echo_text, envelope, lang_option, load_journey_arg
from cxkit.cli._common import table as _table
from cxkit.cli._design_flow import render_design_flow
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label as _label
from cxkit.core.i18n import resolve_lang
from cxkit.core.journey import Journey

__all__ = [
    "parse_queue",
    "register",
    "render_simulate",
    "render_staffing",
    "simulate_command",
    "simulate_payload",
    "staffing_command",
    "staffing_payload",
]

#: Default number of simulated customers and seed of ``cxkit simulate``.
DEFAULT_CUSTOMERS = 100_000
DEFAULT_SEED = 1
#: Most rows of the ``cxkit staffing`` table: the agent counts up to N* + 1.
STAFFING_TABLE_ROWS = 25
#: Paths listed by ``cxkit simulate`` (text and JSON).
TOP_PATHS = 10

#: (label key, ExactResult attribute or None, Monte Carlo summary key or None, format)
_ROWS: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("sim_contacts", "expected_contacts", "contacts", ".4g"),
    ("sim_service_contacts", "expected_service_contacts", "service_contacts", ".4g"),
    ("switches", "expected_switches", "channel_switches", ".4g"),
    ("transfers", "expected_transfers", "transfers", ".4g"),
    ("sim_context_losses", "expected_context_losses", "context_losses", ".4g"),
    ("repeat_contacts", "expected_repeat_contacts", "repeat_contacts", ".4g"),
    ("wait", "expected_wait_s", "wait_s", ".5g"),
    ("excess_wait_s", "expected_excess_wait_s", "excess_wait_s", ".5g"),
    ("sim_cost", "expected_cost", "cost", ".6g"),
    ("sim_handle_time", "expected_handle_time_s", "handle_time_s", ".5g"),
    ("effort_index", "expected_effort_index", "effort_index", ".3f"),
    ("ces", None, "ces5", ".3f"),
    ("sim_fcr", "fcr", "fcr", ".2%"),
    ("remembered", None, "j", ".3f"),
    ("csat", None, "csat5", ".3f"),
)


#: The syntax of one ``--queue`` value.
QUEUE_FORMAT = (
    "TOUCHPOINT=AGENTS[,calls=CALLS_PER_HOUR][,aht=SECONDS][,patience=SECONDS]"
    "[,model=erlang_c|erlang_a]"
)
_QUEUE_KEYS = {"calls": "calls_per_hour", "aht": "aht_s", "patience": "patience_s"}


# ---------------------------------------------------------------------------- simulate


def parse_queue(text: str) -> tuple[str, Any]:
    """One ``--queue`` value as ``(touchpoint, queue spec)``.

    ``TOUCHPOINT=AGENTS`` gives an Erlang C queue whose calls and handle time come
    from the journey (see :class:`~cxkit.sim.ErlangCQueue`); ``calls=`` (per hour)
    and ``aht=`` (seconds) set them. ``patience=`` (seconds) or ``model=erlang_a``
    makes it an Erlang A queue whose callers abandon (:class:`~cxkit.sim.ErlangAQueue`,
    mean patience 120 s unless given).

    Raises
    ------
    CxkitError
        Naming the part of the value that is wrong and the expected syntax.

    Examples
    --------
    >>> tp, q = parse_queue("agent=14,calls=200,aht=180")
    >>> tp, type(q).__name__, q.agents, q.calls_per_hour, q.aht_s
    ('agent', 'ErlangCQueue', 14, 200.0, 180.0)
    >>> q = parse_queue("agent=14,patience=90")[1]
    >>> type(q).__name__, q.patience_s, q.calls_per_hour
    ('ErlangAQueue', 90.0, None)
    >>> parse_queue("agent=fourteen")
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: --queue 'agent=fourteen': AGENTS must be a whole number ≥ 1, \
got 'fourteen' (expected TOUCHPOINT=AGENTS[,calls=CALLS_PER_HOUR][,aht=SECONDS]...)
    """
    from cxkit.sim import ErlangAQueue, ErlangCQueue

    def bad(what: str) -> CxkitError:
        return CxkitError(f"--queue {text!r}: {what} (expected {QUEUE_FORMAT})")

    head, _, rest = str(text).partition(",")
    touchpoint, eq, agents_text = head.partition("=")
    touchpoint = touchpoint.strip()
    if not eq or not touchpoint:
        raise bad("the value must start with TOUCHPOINT=AGENTS")
    try:
        agents = int(agents_text.strip())
    except ValueError:
        agents = 0
    if agents < 1:
        raise bad(f"AGENTS must be a whole number ≥ 1, got {agents_text.strip()!r}")
    fields: dict[str, float] = {}
    model = None
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = (x.strip() for x in part.partition("="))
        if key == "model" and eq:
            if value not in ("erlang_c", "erlang_a"):
                raise bad(f"model must be 'erlang_c' or 'erlang_a', got {value!r}")
            model = value
            continue
        if key not in _QUEUE_KEYS or not eq:
            known = ", ".join([*_QUEUE_KEYS, "model"])
            raise bad(f"unknown part {part!r}; the keys are {known}")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and number >= 0):
            raise bad(f"{key} must be a number ≥ 0, got {value!r}")
        fields[_QUEUE_KEYS[key]] = number
    if model == "erlang_c" and "patience_s" in fields:
        raise bad("patience is for Erlang A queues, not model=erlang_c")
    if model == "erlang_a" or "patience_s" in fields:
        return touchpoint, ErlangAQueue(agents=agents, **fields)
    return touchpoint, ErlangCQueue(agents=agents, **fields)


def _queues(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    out: dict[str, Any] = {}
    for text in values:
        try:
            tp, spec = parse_queue(text)
        except CxkitError as exc:
            raise click.BadParameter(str(exc).removeprefix(f"--queue {text!r}: ")) from None
        if tp in out:
            raise click.BadParameter(f"touchpoint {tp!r} is given twice")
        out[tp] = spec
    return out or None


def simulate_payload(
    journey: Journey,
    *,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    max_steps: int | None = None,
    top_paths: int = TOP_PATHS,
    lang: str | None = None,
    queues: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``cxkit simulate --json`` document: both engines on one journey.

    ``queues`` (``{touchpoint: ErlangCQueue | ErlangAQueue | agents}``) act in the
    Monte Carlo engine only (``monte_carlo.queues`` gives each queue's inputs and
    figures); the exact engine does not model queues.

    ``design_vs_flow`` puts each metric's design-time figure (the designed steps)
    beside the flow-time figure of these very runs and says why they differ
    (:func:`cxkit.sim.design_flow.design_vs_flow`); its messages, and those of
    ``not_applicable`` blocks, are in ``lang`` (default: the journey's language).

    Examples
    --------
    >>> import cxkit as cx
    >>> p = simulate_payload(cx.load_journey("billing_inquiry"), customers=1000, seed=1)
    >>> list(p)
    ['cxkit', 'command', 'journey', 'exact', 'monte_carlo', 'design_vs_flow']
    >>> round(p["exact"]["absorption"]["resolved"], 4), p["monte_carlo"]["n_customers"]
    (0.7825, 1000)
    """
    from cxkit.sim.design_flow import design_vs_flow
    from cxkit.sim.exact import exact
    from cxkit.sim.montecarlo import simulate

    lang = resolve_lang(lang, journey)
    ex = exact(journey)
    mc = simulate(journey, customers, seed=seed, max_steps=max_steps, queues=queues)
    mc_dict = mc.to_dict(top_paths=top_paths)
    mc_dict["summary"] = mc.summary_dict(lang)
    return envelope(
        "simulate",
        journey={"id": journey.id, "title": journey.title, "source": journey.source},
        exact={
            **ex.to_dict(),
            "not_applicable": {k: v.to_dict(lang) for k, v in ex.not_applicable.items()},
        },
        monte_carlo={
            "n_customers": mc_dict["n_customers"],
            "seed": mc_dict["seed"],
            "max_steps": mc_dict["max_steps"],
            "queues": mc.settings["queues"],
            "summary": mc_dict["summary"],
            "top_paths": mc_dict["top_paths"],
        },
        design_vs_flow=design_vs_flow(journey, exact_result=ex, simulation=mc).to_dict(lang),
    )


def _fmt(value: float | None, spec: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return format(value, spec)


def _queue_lines(queues: Mapping[str, Any], lang: str) -> list[str]:
    """One line per queue of the report, and the note that exact leaves them out."""
    sec = _label("sim_seconds", lang)
    lines = []
    for tp, q in queues.items():
        parts = [
            f"{q['agents']} {_label('sim_queue_agents', lang)}",
            f"{q['calls_per_hour']:.4g} {_label('sim_calls_per_hour', lang)}",
            f"AHT {q['aht_s']:.4g} {sec}",
        ]
        figures = [f"{_label('sim_p_wait', lang)} {q['p_wait']:.2%}"]
        if q.get("model") == "erlang_a":
            parts.append(f"{_label('sim_patience', lang)} {q['patience_s']:.4g} {sec}")
            figures.append(f"{_label('sim_p_abandon', lang)} {q['p_abandon']:.2%}")
        figures.append(f"{_label('sim_mean_wait', lang)} {q['mean_wait_s']:.3g} {sec}")
        model = _label(q.get("model", "erlang_c"), lang)
        lines.append(
            f"{_label('sim_queue', lang)} {tp}: {model}, {', '.join(parts)} → {', '.join(figures)}"
        )
    if lines:
        lines.append(_label("sim_queue_exact_note", lang))
    return lines


def render_simulate(payload: dict[str, Any], lang: str = "en") -> str:
    """The readable report printed by ``cxkit simulate``."""
    j, ex, mc = payload["journey"], payload["exact"], payload["monte_carlo"]
    s = mc["summary"]
    head = [
        f"{j['id']} — {j['title']}" if j.get("title") else j["id"],
        f"{_label('sim_exact', lang)}: {_label('sim_absorbing_chain', lang)} · "
        f"{_label('sim_monte_carlo', lang)}: n = {mc['n_customers']:,}, "
        f"{_label('sim_seed', lang)} {mc['seed']}, {_label('sim_max_steps', lang)} "
        f"{mc['max_steps']}",
    ]
    head += _queue_lines(mc.get("queues") or {}, lang)
    ci = "95% CI"
    rows = [
        [_label("outcomes", lang), _label("sim_exact", lang), _label("sim_monte_carlo", lang), ci]
    ]
    for o in ex["outcomes"]:
        outcome, p = o["outcome"], o["probability"]
        e = s["outcome_shares"].get(outcome)
        shown = o["label"] if o["label"] != outcome else _label(outcome, lang)
        rows.append(
            [
                shown,
                _fmt(p, ".2%"),
                _fmt(e["estimate"], ".2%") if e else "–",
                f"[{_fmt(e['ci_low'], '.2%')}, {_fmt(e['ci_high'], '.2%')}]" if e else "",
            ]
        )
    metrics = [
        [_label("sim_metric", lang), _label("sim_exact", lang), _label("sim_monte_carlo", lang), ci]
    ]
    not_applicable = {**ex.get("not_applicable", {}), **s.get("not_applicable", {})}
    for key, attr, mc_key, spec in _ROWS:
        na = not_applicable.get(mc_key or "")
        if na is not None:  # e.g. FCR without an outcome of kind resolved: never 0 %
            metrics.append([_label(key, lang), "–", "–", _label(f"na_{na['reason']}", lang)])
            continue
        e = s.get(mc_key) if mc_key else None
        value = ex.get(attr) if attr else None
        metrics.append(
            [
                _label(key, lang),
                _fmt(value, spec),
                _fmt(e["estimate"], spec) if e else "–",
                f"[{_fmt(e['ci_low'], spec)}, {_fmt(e['ci_high'], spec)}]" if e else "",
            ]
        )
    trunc = s.get("truncated", {}).get("estimate") or 0.0
    lines = [*head, "", *_table(rows, "lrrl"), "", *_table(metrics, "lrrl")]
    if trunc > 0:
        lines += ["", f"  {_label('sim_truncated', lang)}: {trunc:.2%}"]
    lines += ["", _label("sim_top_paths", lang)]
    paths = [
        [_fmt(p["share"], ".1%"), " > ".join([*p["path"], p["outcome"]])] for p in mc["top_paths"]
    ]
    if paths:
        lines += _table(paths, "rl")
    if payload.get("design_vs_flow"):
        lines += ["", *render_design_flow(payload["design_vs_flow"], lang)]
    return "\n".join(lines)


@click.command("simulate")
@click.argument("path", metavar="PATH")
@click.option(
    "--customers",
    type=click.IntRange(min=1),
    default=DEFAULT_CUSTOMERS,
    show_default=True,
    help="Customers simulated by the Monte Carlo engine.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the random numbers: same seed, same numbers.",
)
@click.option(
    "--max-steps",
    type=click.IntRange(min=1),
    default=None,
    help="Most visits per customer (default: the journey's max_steps, 50).",
)
@click.option(
    "--queue",
    "queues",
    multiple=True,
    callback=_queues,
    metavar="TOUCHPOINT=AGENTS[,…]",
    help="A queue in front of a touchpoint (repeatable): "
    "TOUCHPOINT=AGENTS[,calls=PER_HOUR][,aht=SECONDS][,patience=SECONDS]. Erlang C; "
    "with patience= (or model=erlang_a) Erlang A, whose callers abandon. Monte Carlo only.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@lang_option("Language of the text report (default: the journey's, else en).")
def simulate_command(
    path: str,
    customers: int,
    seed: int,
    max_steps: int | None,
    queues: dict[str, Any] | None,
    as_json: bool,
    lang: str | None,
) -> None:
    """Simulate the journey PATH (a file or a template name) with both engines.

    The exact engine solves the absorbing Markov chain (outcome probabilities,
    expected contacts, switches, context losses, cost); the Monte Carlo engine
    simulates --customers customers for path-dependent metrics (CES, first-contact
    resolution, remembered experience), each with a 95% confidence interval.
    """
    from cxkit.sim._limits import check_run

    journey = load_journey_arg(path)
    lang = resolve_lang(lang, journey)
    steps = journey.params.effort.max_steps if max_steps is None else max_steps
    check_run(journey, customers, steps, names=("--customers", "--max-steps"))
    payload = simulate_payload(
        journey, customers=customers, seed=seed, max_steps=max_steps, lang=lang, queues=queues
    )
    if as_json:
        _echo_json(payload)
    else:
        echo_text(render_simulate(payload, lang))


# ---------------------------------------------------------------------------- staffing


def staffing_payload(
    *,
    calls: float,
    interval_minutes: float,
    aht_s: float,
    target_s: float = 20.0,
    service_level: float = 0.8,
    max_occupancy: float = 0.85,
    shrinkage: float = 0.30,
) -> dict[str, Any]:
    """The ``cxkit staffing --json`` document (Erlang C, cxkit model reference §3.5).

    Every input is a finite number of magnitude ≤ 1e15 and the offered load
    ``calls·aht/interval`` at most 100,000 Erlangs (``docs/reference/cli.md``,
    "Limits"); a bad one raises :class:`~cxkit.core.errors.CxkitError` naming its
    option. ``table`` holds at most :data:`STAFFING_TABLE_ROWS` rows, the last at
    ``N* + 1`` agents.

    Examples
    --------
    >>> p = staffing_payload(calls=100, interval_minutes=30, aht_s=180)
    >>> p["result"]["agents"], p["result"]["scheduled"]
    (14, 20)
    >>> [row["agents"] for row in p["table"]]
    [11, 12, 13, 14, 15]
    """
    from cxkit.sim.queues import offered_load, staffing, staffing_table

    if not (isinstance(interval_minutes, (int, float)) and interval_minutes > 0):
        raise CxkitError(f"--interval must be a number of minutes > 0, got {interval_minutes!r}")
    offered_load(
        calls,
        interval_minutes,
        aht_s,
        target_s,
        names=("--calls", "--interval", "--aht", "--target"),
        interval_scale=60.0,
    )
    interval_s = float(interval_minutes) * 60.0
    result = staffing(
        calls,
        interval_s,
        aht_s,
        target_s,
        service_level=service_level,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
    )
    load = result.traffic_erlangs
    table = (
        staffing_table(
            calls,
            interval_s,
            aht_s,
            target_s,
            agents=range(
                max(math.floor(load) + 1, result.agents + 2 - STAFFING_TABLE_ROWS),
                result.agents + 2,
            ),
        )
        if load > 0
        else []
    )
    return envelope(
        "staffing",
        inputs={
            "calls": calls,
            "interval_minutes": interval_minutes,
            "aht_s": aht_s,
            "target_s": target_s,
            "service_level": service_level,
            "max_occupancy": max_occupancy,
            "shrinkage": shrinkage,
        },
        result=result.to_dict(),
        table=table,
    )


def render_staffing(payload: dict[str, Any], lang: str = "en") -> str:
    """The readable report printed by ``cxkit staffing``."""
    i, r = payload["inputs"], payload["result"]
    lines = [
        _label("sim_staffing", lang),
        f"  {i['calls']:g} calls in {i['interval_minutes']:g} min, AHT {i['aht_s']:g} s: "
        f"traffic {r['traffic_erlangs']:.4g} Erlang",
        f"  target: {i['service_level']:.0%} answered within {i['target_s']:g} s, "
        f"occupancy ≤ {i['max_occupancy']:.0%}, shrinkage {i['shrinkage']:.0%}",
        "",
    ]
    lines += _table(
        [
            [_label("sim_agents", lang), str(r["agents"])],
            [_label("sim_scheduled", lang), str(r["scheduled"])],
            [_label("sim_p_wait", lang), f"{r['p_wait']:.4f}"],
            [_label("sim_service_level", lang), f"{r['service_level']:.2%}"],
            [_label("sim_asa", lang), f"{r['asa_s']:.2f}"],
            [_label("sim_occupancy", lang), f"{r['occupancy']:.2%}"],
        ],
        "lr",
    )
    if payload["table"]:
        rows = [
            [
                _label("sim_agents", lang),
                _label("sim_p_wait", lang),
                _label("sim_service_level", lang),
                _label("sim_asa", lang),
                _label("sim_occupancy", lang),
            ]
        ]
        for t in payload["table"]:
            rows.append(
                [
                    str(t["agents"]),
                    f"{t['p_wait']:.4f}",
                    f"{t['service_level']:.2%}",
                    f"{t['asa_s']:.2f}",
                    f"{t['occupancy']:.2%}",
                ]
            )
        lines += ["", *_table(rows, "rrrrr")]
    return "\n".join(lines)


@click.command("staffing")
@click.option("--calls", type=float, required=True, help="Calls offered in one interval.")
@click.option(
    "--interval",
    "interval_minutes",
    type=float,
    default=30.0,
    show_default=True,
    help="Interval length in minutes.",
)
@click.option("--aht", "aht_s", type=float, required=True, help="Average handle time (s).")
@click.option(
    "--target",
    "target_s",
    type=float,
    default=20.0,
    show_default=True,
    help="Answer-time target T (s).",
)
@click.option(
    "--service-level",
    type=float,
    default=0.8,
    show_default=True,
    help="Share to answer within the target, in (0, 1).",
)
@click.option(
    "--max-occupancy",
    type=float,
    default=0.85,
    show_default=True,
    help="Highest acceptable occupancy, in (0, 1].",
)
@click.option(
    "--shrinkage",
    type=float,
    default=0.30,
    show_default=True,
    help="Share of paid time agents are unavailable, in [0, 1).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@lang_option("Language of the text report.", default="en")
def staffing_command(
    calls: float,
    interval_minutes: float,
    aht_s: float,
    target_s: float,
    service_level: float,
    max_occupancy: float,
    shrinkage: float,
    as_json: bool,
    lang: str,
) -> None:
    """Agents needed for one interval by Erlang C (cxkit model reference §3.5).

    N* is the fewest agents answering --service-level of the calls within --target
    seconds at an occupancy of at most --max-occupancy; the scheduled headcount is
    ceil(N* / (1 − shrinkage)).
    """
    payload = staffing_payload(
        calls=calls,
        interval_minutes=interval_minutes,
        aht_s=aht_s,
        target_s=target_s,
        service_level=service_level,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
    )
    if as_json:
        _echo_json(payload)
    else:
        echo_text(render_staffing(payload, lang))


def register(group: click.Group) -> None:
    """Add ``simulate`` and ``staffing`` to the ``cxkit`` group."""
    group.add_command(simulate_command)
    group.add_command(staffing_command)
