"""Analytics commands: ``cxkit discover``, ``attribution``, ``drift`` and ``calibrate``.

EVENTS is an event-log file (``.parquet``, ``.csv``, ``.ndjson``/``.jsonl``, ``.xlsx``; see
:func:`cxkit.analytics.read_events`). Every ``--json`` output is an object whose first
keys are ``cxkit`` (the version) and ``command`` (the contract of
``docs/reference/cli.md``); non-finite numbers are written as ``null``. What the log
reader repaired (duplicates dropped…) is printed on stderr as ``cxkit: warning: …``.

The payload builders are pure functions, usable without a terminal:

>>> import polars as pl, datetime as dt
>>> log = pl.DataFrame(
...     {
...         "customer_id": ["a", "a", "b"],
...         "timestamp": [
...             dt.datetime(2026, 1, 1, 9),
...             dt.datetime(2026, 1, 1, 10),
...             dt.datetime(2026, 1, 1, 9),
...         ],
...         "touchpoint": ["web", "phone", "web"],
...         "outcome": [None, "purchase", "abandon"],
...     }
... )
>>> payload = attribution_payload(log, target="purchase", source="log")
>>> payload["command"], [r["touchpoint"] for r in payload["rows"]]
('attribution', ['phone', 'web'])
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxkit.cli._common import (
    JOURNEY_SUFFIXES,
    echo_json,
    echo_text,
    envelope,
    looks_like_name,
    table,
)
from cxkit.core.channels import BUILTIN_CHANNELS
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import LANGUAGES, label
from cxkit.core.journey import Journey
from cxkit.core.suggest import did_you_mean
from cxkit.io import dump_journey, dumps_json, load_journey, save_journey

if TYPE_CHECKING:  # cxkit.analytics is imported by the commands, not by `cxkit --help`
    from cxkit.analytics import DiscoveryResult, DriftReport, EventSchema
    from cxkit.analytics._calibrate import Calibration

__all__ = [
    "attribution_payload",
    "calibrate_payload",
    "discover_payload",
    "drift_payload",
    "register",
    "render_attribution",
    "render_calibration",
    "render_discovery",
    "render_drift",
]


# -- helpers ------------------------------------------------------------------------------
def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    return table([header, *rows], align)


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{float(value):.{digits}f}"


def _l(key: str, lang: str) -> str:
    return label(f"analytics_{key}", lang)


def _run(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``func``; print the log reader's warnings as ``cxkit: warning: …`` (also
    when ``func`` fails: a warning may explain the error)."""
    from cxkit.analytics import EventLogWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EventLogWarning)
        try:
            return func(*args, **kwargs)
        finally:
            for w in caught:
                if issubclass(w.category, EventLogWarning):
                    echo_text(f"cxkit: warning: {w.message}", err=True)


def schema_from_options(
    columns: Sequence[str] = (),
    outcomes: str | None = None,
    unknown_outcomes: str = "error",
    *,
    order_by: str | None = None,
    outcome_touchpoints: Sequence[str] = (),
    missing_outcome: str | None = None,
    split_channels: bool = False,
    scales: Sequence[str] = (),
    keep_duplicates: bool = False,
) -> EventSchema | None:
    """The :class:`EventSchema` of ``--column FIELD=NAME``, ``--outcomes``,
    ``--unknown-outcomes``, ``--order-by``, ``--outcome-touchpoint``,
    ``--missing-outcome``, ``--split-channels`` and ``--scale FIELD=LOW..HIGH``; ``None``
    when they are all defaults.

    >>> schema_from_options(["customer=cust", "emotion="], "saved,lost").customer
    'cust'
    >>> s = schema_from_options(order_by="seq", outcome_touchpoints=["Closed=resolved"])
    >>> s.order, s.outcome_touchpoints
    ('seq', (('Closed', 'resolved'),))
    >>> str(schema_from_options(scales=["effort=1..7"]).scale("effort"))
    '1..7'
    >>> schema_from_options(["custmer=cust"])
    Traceback (most recent call last):
    ...
    cxkit.core.errors.CxkitError: --column 'custmer=cust': unknown field 'custmer'; did you mean 'customer'?
    """  # noqa: E501
    from cxkit.analytics import EventSchema
    from cxkit.analytics._schema import OPTIONAL_FIELDS, REQUIRED_FIELDS

    fields = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)
    changes: dict[str, Any] = {}
    for item in columns:
        name, value = _pair("--column", item, "FIELD=COLUMN, e.g. customer=cust_id")
        if name not in fields:
            hint = did_you_mean(name, fields)
            raise CxkitError(
                f"--column {item!r}: unknown field {name!r}; "
                + (hint or "expected one of " + ", ".join(fields))
            )
        changes[name] = value or None
    if outcomes:
        changes["outcomes"] = tuple(o.strip() for o in outcomes.split(",") if o.strip())
    if unknown_outcomes != "error":
        changes["unknown_outcomes"] = unknown_outcomes
    if order_by:
        changes["order"] = order_by
    if outcome_touchpoints:
        example = "TOUCHPOINT=OUTCOME, e.g. Closed=resolved"
        changes["outcome_touchpoints"] = dict(
            _pair("--outcome-touchpoint", item, example) for item in outcome_touchpoints
        )
    if missing_outcome:
        changes["missing_outcome"] = missing_outcome
    if split_channels:
        changes["split_channels"] = True
    if keep_duplicates:
        changes["duplicates"] = "keep"
    declared = dict(
        _pair("--scale", item, "FIELD=LOW..HIGH, e.g. emotion=-2..2") for item in scales
    )
    if declared:
        changes["scales"] = declared
    try:
        return EventSchema(**changes) if changes else None
    except CxkitError as exc:
        if not declared:
            raise
        raise CxkitError(f"--scale: {exc}") from None


def _pair(option: str, item: str, expected: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise CxkitError(f"{option} {item!r}: expected {expected}")
    return name.strip(), value.strip()


#: The options that make an :class:`EventSchema`, in ``--help`` order.
_SCHEMA_OPTIONS = (
    click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="FIELD=NAME",
        help="Read FIELD from column NAME (repeatable), e.g. --column customer=cust_id; "
        "FIELD= alone ignores an optional column. --column event_id=NAME names an event-id "
        "column: rows with the same id are duplicates.",
    ),
    click.option(
        "--outcomes",
        metavar="ID,ID…",
        default=None,
        help="Outcome ids the log may use beyond purchase/resolved/churn/abandon/other.",
    ),
    click.option(
        "--unknown-outcomes",
        type=click.Choice(["error", "other"]),
        default="error",
        show_default=True,
        help="What an undeclared outcome does: an error, or mapped to 'other'.",
    ),
    click.option(
        "--outcome-touchpoint",
        "outcome_touchpoints",
        multiple=True,
        metavar="TOUCHPOINT=OUTCOME",
        help="An event at TOUCHPOINT records OUTCOME and ends the journey (repeatable), "
        "for logs whose outcomes are final activities, e.g. --outcome-touchpoint "
        "Closed=resolved.",
    ),
    click.option(
        "--missing-outcome",
        metavar="ID",
        default=None,
        help="The outcome of a journey whose events record none (default: abandon).",
    ),
    click.option(
        "--order-by",
        metavar="COLUMN",
        default=None,
        help="A column that orders the events of one customer at the same time (a "
        "sequence number); without it such ties keep the file's row order.",
    ),
    click.option(
        "--scale",
        "scales",
        multiple=True,
        metavar="FIELD=LOW..HIGH",
        help="The answer scale of a survey column (repeatable): emotion, effort, csat or "
        "nps, e.g. --scale emotion=-2..2 --scale effort=1..7 (CES 2.0); add ' low=best' "
        "when the lowest answer is best.",
    ),
    click.option(
        "--keep-duplicates",
        is_flag=True,
        help="Keep rows equal in every column as separate events (default: dropped as "
        "one event recorded twice, with a warning).",
    ),
    click.option(
        "--split-channels",
        is_flag=True,
        help="Make one touchpoint per (touchpoint, channel) for a touchpoint seen in "
        "several channels, named 'TOUCHPOINT (CHANNEL)'; without it, it takes its most "
        "frequent channel, with a warning.",
    ),
    click.option(
        "--encoding",
        default="auto",
        show_default=True,
        metavar="NAME",
        help="Text encoding of a CSV/NDJSON log: auto, utf-8, cp932 (shift_jis), euc-jp "
        "or utf-16; auto reads a byte-order mark, else UTF-8, else EUC-JP or CP932.",
    ),
    click.option(
        "--sheet",
        default=None,
        metavar="NAME|N",
        help="Sheet of an .xlsx workbook: its name or its number from 1 (default: the first).",
    ),
)


def _schema_options(func: Any) -> Any:
    """Add the schema options to a command, which receives ``schema``, ``encoding`` and
    ``sheet`` (how :func:`~cxkit.analytics.read_events` reads the file)."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> Any:
        # each schema option's parameter is named as schema_from_options' argument
        given = {k: kwargs.pop(k) for k in inspect.signature(schema_from_options).parameters}
        kwargs["schema"] = schema_from_options(**given)
        return func(*args, **kwargs)

    for option in reversed(_SCHEMA_OPTIONS):
        command = option(command)
    return command


def _is_journey(source: str) -> bool:
    if Path(source).suffix.lower() in JOURNEY_SUFFIXES:
        return True
    return looks_like_name(source) and not Path(source).exists()


# -- payloads -----------------------------------------------------------------------------
def discover_payload(
    found: DiscoveryResult, *, source: str, output: str | None = None
) -> dict[str, Any]:
    """The ``cxkit discover --json`` document."""
    return envelope(
        "discover",
        events=source,
        output=output,
        valid=found.journey.is_valid,
        journey=json.loads(dumps_json(found.journey)),
        **found.to_dict(),
    )


def attribution_payload(
    events_or_journey: Any,
    *,
    target: str,
    source: str,
    by: str = "touchpoint",
    schema: EventSchema | None = None,
) -> dict[str, Any]:
    """The ``cxkit attribution --json`` document."""
    from cxkit.analytics import attribution

    frame = attribution(events_or_journey, target=target, by=by, schema=schema)  # type: ignore[arg-type]
    p = frame["p_target"][0] if frame.height else None
    return envelope(
        "attribution",
        source=source,
        target=target,
        by=by,
        p_target=p,
        rows=frame.drop("p_target").to_dicts(),
    )


def drift_payload(report: DriftReport, *, journey: str, source: str) -> dict[str, Any]:
    """The ``cxkit drift --json`` document."""
    body = report.to_dict()
    body.pop("journey", None)
    return envelope("drift", journey=journey, events=source, **body)


def calibrate_payload(
    found: Calibration, *, journey: str, source: str, output: str | None = None
) -> dict[str, Any]:
    """The ``cxkit calibrate --json`` document."""
    return envelope(
        "calibrate",
        journey=journey,
        events=source,
        output=output,
        **found.to_dict(),
        calibrated=json.loads(dumps_json(found.journey)),
    )


# -- text renderings ----------------------------------------------------------------------
def render_discovery(found: DiscoveryResult, lang: str = "en") -> str:
    """A summary of a discovery: sizes, touchpoints, top transitions and outcomes."""
    j = found.journey
    starts = dict(zip(found.starts["touchpoint"], found.starts["probability"], strict=True))
    lines = [
        f"{_l('discovered', lang)}: {j.id} — {found.n_events} {_l('events', lang)}, "
        f"{found.n_customers} {_l('customers', lang)}, {found.n_journeys} {_l('journeys', lang)}",
        "",
    ]
    lines += _table(
        [label("touchpoint", lang), _l("channel", lang), _l("contacts", lang), _l("starts", lang)],
        [
            [
                r["touchpoint"],
                _channel_cell(r, lang, _channel_names(j, lang)),
                str(r["contacts"]),
                _num(starts.get(r["touchpoint"], 0.0)),
            ]
            for r in found.touchpoints.iter_rows(named=True)
        ],
        "llrr",
    )
    lines.append("")
    lines += _table(
        [_l("handoff", lang), _l("count", lang), _l("probability", lang)],
        [
            [f"{r['source']} → {r['target']}", str(r["count"]), _num(r["probability"])]
            for r in found.edges.iter_rows(named=True)
        ],
        "lrr",
    )
    lines.append("")
    lines += _table(
        [_l("outcome", lang), _l("count", lang), _l("rate", lang)],
        [
            [_outcome_name(r["outcome"], r["kind"], lang), str(r["count"]), _num(r["rate"])]
            for r in found.outcomes.iter_rows(named=True)
        ],
        "lrr",
    )
    return "\n".join(lines)


def render_attribution(payload: dict[str, Any], lang: str = "en") -> str:
    """The attribution table of a payload from :func:`attribution_payload`."""
    key = "touchpoint" if payload["by"] == "touchpoint" else "channel"
    head = [
        label("touchpoint", lang) if key == "touchpoint" else _l("channel", lang),
        _l("removal_effect", lang),
        _l("markov", lang),
        _l("first_touch", lang),
        _l("last_touch", lang),
        _l("linear", lang),
    ]
    rows = [
        [
            str(r[key]),
            _num(r["removal_effect"]),
            _num(r["markov"]),
            _num(r["first_touch"]),
            _num(r["last_touch"]),
            _num(r["linear"]),
        ]
        for r in payload["rows"]
    ]
    lines = [
        f"{_l('target', lang)}: {payload['target']}   "
        f"{_l('p_target', lang)} = {_num(payload['p_target'], 4)}",
        "",
        *_table(head, rows, "lrrrrr"),
    ]
    return "\n".join(lines)


def render_drift(report: DriftReport, lang: str = "en") -> str:
    """The drift checks that are not ``ok``, then a count per status."""
    counts = report.to_dict()["counts"]
    shown = report.checks.filter(report.checks["status"] != "ok")
    lines = [
        f"{report.journey_id}: "
        + ", ".join(f"{counts[s]} {_l(s, lang)}" for s in ("drifted", "inconclusive", "ok")),
    ]
    if shown.height:
        lines.append("")
        lines += _table(
            [
                _l("status", lang),
                _l("check", lang),
                _l("designed", lang),
                _l("observed", lang),
                "n",
            ],
            [
                [
                    _l(r["status"], lang),
                    _check_name(r, lang),
                    r["designed_label"] or _num(r["designed"]),
                    r["observed_label"] or _num(r["observed"]),
                    str(r["n"]),
                ]
                for r in shown.iter_rows(named=True)
            ],
            "llrrr",
        )
    if report.notes:
        lines.append("")
        lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)


def _channel_names(journey: Journey, lang: str) -> dict[str, str]:
    """Each channel id of ``journey`` (its own channels and the built-in ones) → its
    display name in ``lang``."""
    channels = {**BUILTIN_CHANNELS, **{c.id: c for c in journey.graph.channels}}
    return {cid: c.label(lang) for cid, c in channels.items()}


def _channel_cell(
    row: dict[str, Any], lang: str = "en", names: dict[str, str] | None = None
) -> str:
    """A touchpoint's channel (its display name from ``names``), with its share when
    the log had it in several.

    >>> row = {"channel": "web", "channels": 2, "channel_share": 0.7}
    >>> _channel_cell(row), _channel_cell(row, "ja", {"web": "公式サイト"})
    ('web (70 % of 2 channels)', '公式サイト (2チャネル中 70 %)')
    """
    channel = (names or {}).get(row["channel"], row["channel"])
    if (row.get("channels") or 0) > 1:
        from cxkit.analytics._channels import percent

        share = percent(row["channel_share"])
        return _l("channel_share", lang).format(channel=channel, share=share, n=row["channels"])
    return str(channel)


def render_calibration(found: Calibration, lang: str = "en") -> str:
    """One line per designed touchpoint: its status and the values measured there."""
    head = [
        label("touchpoint", lang),
        _l("status", lang),
        label("emotion", lang),
        _l("disconfirmation", lang),
        label("effort", lang),
        _l("answers", lang),
    ]
    rows = []
    for r in found.touchpoints.iter_rows(named=True):
        answers = max(r["emotion_n"] or 0, r["experience_n"] or 0, r["effort_n"] or 0)
        rows.append(
            [
                r["touchpoint"],
                _l(r["status"], lang),
                label(r["emotion"], lang) if r["emotion"] else "–",
                _num(r["disconfirmation"], 2),
                _num(r["effort"], 2),
                str(answers) if answers else "–",
            ]
        )
    lines = [f"{_l('calibrated', lang)}: {found.journey.id}", "", *_table(head, rows, "llrrrr")]
    if found.notes:
        lines.append("")
        lines += [f"note: {n}" for n in found.notes]
    return "\n".join(lines)


def _outcome_name(outcome: str, kind: str, lang: str) -> str:
    shown = label(kind, lang)
    return outcome if shown == outcome else f"{outcome} ({shown})"


def _check_name(row: dict[str, Any], lang: str = "en") -> str:
    check = row["check"]
    if check == "handoff":
        return f"{row['source']} → {row['target']}"
    if check == "outcome":
        return f"→ {row['target']}"
    name = f"{check} {row['source'] or ''}".rstrip()
    if row.get("baseline") == "measured":  # compared with a calibrated step
        name += f" ({_l('measured', lang)})"
    return name


# -- commands -----------------------------------------------------------------------------
_LANG = click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", help="Language of the text output."
)


@click.command("discover")
@click.argument("events", metavar="EVENTS")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default=None,
    help="Write the journey to FILE (.yaml, .yml or .json) atomically; - is standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option(
    "--journey",
    "design",
    metavar="JOURNEY",
    default=None,
    help="A designed journey (file or template name) to start from.",
)
@click.option("--min-count", type=int, default=1, show_default=True, help="Drop rarer transitions.")
@click.option("--smoothing", type=float, default=0.0, show_default=True, help="Pseudo-count α.")
@click.option(
    "--decimals",
    type=click.IntRange(1, 12),
    default=4,
    show_default=True,
    help="Round probabilities (each touchpoint's still sum to 1).",
)
@click.option("--exact", is_flag=True, help="Keep probabilities unrounded.")
@_schema_options
@_LANG
def discover_command(
    events: str,
    as_json: bool,
    output: str | None,
    force: bool,
    design: str | None,
    min_count: int,
    smoothing: float,
    decimals: int,
    exact: bool,
    schema: EventSchema | None,
    encoding: str,
    sheet: str | None,
    lang: str,
) -> None:
    """Discover the journey behind an event log.

    Without -o the journey is printed as YAML (redirect it to a file); with -o it is
    written to FILE and a summary is printed. Edit the file like any journey, then
    check it with `cxkit validate FILE`.
    """
    from cxkit.analytics import discover, read_events
    from cxkit.analytics._discover import check_touchpoint_count
    from cxkit.io._write import is_stream_target

    output = None if output == "-" else output  # -o -: standard output
    target = Path(output) if output else None
    # a named pipe or /dev/stdout is written as a stream (YAML unless it ends in .json)
    if target is not None:
        _check_output(target, output, force)  # type: ignore[arg-type]
    designed = load_journey(design) if design else None
    log = _run(read_events, events, schema=schema, encoding=encoding, sheet=sheet)
    check_touchpoint_count(log, schema, events)  # names the file in its message
    found: DiscoveryResult = _run(
        discover,
        log,
        schema=schema,
        journey=designed,
        min_count=min_count,
        smoothing=smoothing,
        decimals=None if exact else decimals,
        id=_journey_id(target) if target is not None and designed is None else None,
    )
    if target is not None:
        save_journey(found.journey, target)
    if as_json:
        echo_json(discover_payload(found, source=events, output=output))
        return
    if target is None:
        click.echo(dump_journey(found.journey), nl=False)
        return
    stream = is_stream_target(target)  # the summary must not mix with the journey
    echo_text(render_discovery(found, lang), err=stream)
    echo_text(
        f"\nwrote {output}  ·  next: cxkit validate {output}  ·  cxkit show {output}", err=stream
    )


def _journey_id(target: Path) -> str | None:
    from cxkit.analytics._discover import _slug

    return _slug(target.stem) if target.stem else None


@click.command("attribution")
@click.argument("source", metavar="EVENTS")
@click.option(
    "--target",
    default="purchase",
    show_default=True,
    metavar="OUTCOME",
    help="Outcome id or kind to attribute (e.g. resolved).",
)
@click.option(
    "--by",
    type=click.Choice(["touchpoint", "channel"]),
    default="touchpoint",
    show_default=True,
    help="Attribute to touchpoints or to channels.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@_schema_options
@_LANG
def attribution_command(
    source: str,
    target: str,
    by: str,
    as_json: bool,
    schema: EventSchema | None,
    encoding: str,
    sheet: str | None,
    lang: str,
) -> None:
    """Markov removal-effect attribution, with first-, last-touch and linear beside it.

    EVENTS is an event-log file; a journey file or template name attributes the
    designed journey instead (exact first and last touch, no linear).
    """
    from cxkit.analytics import read_events

    data: Any = (
        load_journey(source)
        if _is_journey(source)
        else _run(read_events, source, schema=schema, encoding=encoding, sheet=sheet)
    )
    payload = _run(attribution_payload, data, target=target, source=source, by=by, schema=schema)
    if as_json:
        echo_json(payload)
    else:
        echo_text(render_attribution(payload, lang))


@click.command("drift")
@click.argument("journey", metavar="JOURNEY")
@click.argument("events", metavar="EVENTS")
@click.option(
    "--tolerance",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Largest difference in a probability that is ok.",
)
@click.option(
    "--effort-tolerance",
    type=click.FloatRange(0, 4),
    default=0.5,
    show_default=True,
    help="Largest difference in mean CES that is ok.",
)
@click.option(
    "--confidence",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.95,
    show_default=True,
    help="Confidence level of the intervals.",
)
@click.option(
    "--correction",
    type=click.Choice(["bonferroni", "none"]),
    default="bonferroni",
    show_default=True,
    help="Simultaneous intervals over all checks, or per check.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@click.option("--check", is_flag=True, help="Exit with status 1 when anything drifted.")
@_schema_options
@_LANG
@click.pass_context
def drift_command(
    ctx: click.Context,
    journey: str,
    events: str,
    tolerance: float,
    effort_tolerance: float,
    confidence: float,
    correction: str,
    as_json: bool,
    check: bool,
    schema: EventSchema | None,
    encoding: str,
    sheet: str | None,
    lang: str,
) -> None:
    """Check a designed JOURNEY (file or template name) against an event log.

    Lists the checks that drifted (the data contradict the design beyond the
    tolerance) or are inconclusive (too few observations to tell).
    """
    from cxkit.analytics import drift, read_events

    designed: Journey = load_journey(journey)
    report: DriftReport = _run(
        drift,
        designed,
        _run(read_events, events, schema=schema, encoding=encoding, sheet=sheet),
        tolerance=tolerance,
        effort_tolerance=effort_tolerance,
        confidence=confidence,
        correction=correction,
        schema=schema,
    )
    if as_json:
        echo_json(drift_payload(report, journey=journey, source=events))
    else:
        echo_text(render_drift(report, lang))
    if check and report.is_drifted:
        ctx.exit(1)


@click.command("calibrate")
@click.argument("journey", metavar="JOURNEY")
@click.argument("events", metavar="EVENTS")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default=None,
    help="Write the calibrated journey to FILE (.yaml, .yml or .json); - is standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option(
    "--min-answers",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Fewest answers at a touchpoint for a value to be measured there.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@_schema_options
@_LANG
def calibrate_command(
    journey: str,
    events: str,
    output: str | None,
    force: bool,
    min_answers: int,
    as_json: bool,
    schema: EventSchema | None,
    encoding: str,
    sheet: str | None,
    lang: str,
) -> None:
    """Fill a designed JOURNEY's emotion, experience and effort from an event log.

    Each step at a touchpoint with survey answers gets the measured values and
    evidence: measured; `cxkit drift` then compares later logs with them. Without -o
    the calibrated journey is printed as YAML; with -o it is written to FILE and a
    summary is printed.
    """
    from cxkit.analytics import read_events
    from cxkit.analytics._calibrate import calibration

    output = None if output == "-" else output
    target = Path(output) if output else None
    if target is not None:
        _check_output(target, output, force)  # type: ignore[arg-type]
    designed: Journey = load_journey(journey)
    log = _run(read_events, events, schema=schema, encoding=encoding, sheet=sheet)
    found: Calibration = _run(calibration, designed, log, schema=schema, min_answers=min_answers)
    if target is not None:
        save_journey(found.journey, target)
    if as_json:
        echo_json(calibrate_payload(found, journey=journey, source=events, output=output))
        return
    if target is None:
        click.echo(dump_journey(found.journey), nl=False)
        echo_text(render_calibration(found, lang), err=True)
        return
    echo_text(render_calibration(found, lang))
    echo_text(f"\nwrote {output}  ·  next: cxkit drift {output} EVENTS")


def _check_output(target: Path, output: str, force: bool) -> None:
    """Refuse a journey output path that cannot be written (suffix, folder, exists)."""
    from cxkit.io._write import output_kind

    if output_kind(target) == "stream":
        return
    if target.suffix.lower() not in JOURNEY_SUFFIXES:
        raise CxkitError(
            f"{output}: the journey file must end in .yaml, .yml or .json, got "
            f"{target.suffix or 'no suffix'!r}"
        )
    if target.is_dir():
        raise CxkitError(f"{output}: is a folder; -o takes a journey file path")
    if target.exists() and not force:
        raise CxkitError(f"{output}: already exists; use --force to overwrite it")


def register(group: click.Group) -> None:
    """Add the analytics commands to the ``cxkit`` group."""
    for command in (discover_command, attribution_command, drift_command, calibrate_command):
        group.add_command(command)
