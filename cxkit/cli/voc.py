"""``cxkit voc EVENTS``: the call-reason impact table and the fix list.

The JSON document (``--json``) is ``{"cxkit", "command": "voc", "events", "reason",
"category", "confidence", "rows": [...], "fix_list": [...] , "fix_list_file"}``:
``rows`` are the impact table's rows (:data:`cxkit.voc.IMPACT_COLUMNS`), non-finite
numbers ``null``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import click

from cxkit.cli._common import echo_json, echo_text, envelope, table
from cxkit.cli.analytics import _LANG, _run, _schema_options
from cxkit.core.i18n import label

__all__ = ["register", "render_impact", "voc_payload"]


def _num(value: Any, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def _lift(row: dict[str, Any], lang: str) -> str:
    if row["churn_lift"] is None:
        note = row["lift_note"] or "no_outcome"
        return f"{label('voc_undefined', lang)} ({label(f'voc_note_{note}', lang)})"
    text = f"{row['churn_lift']:.2f} ({row['churn_lift_low']:.2f}–{row['churn_lift_high']:.2f})"
    return text + (" *" if row["lift_note"] == "corrected" else "")


def render_impact(impact: Any, lang: str = "en") -> str:
    """The impact table as terminal text (one line per reason)."""
    keys = ["voc_rank", "voc_reason", "voc_contacts", "voc_customers", "voc_dissatisfaction"]
    keys += ["voc_repeat", "voc_lift_ci", "voc_cost", "voc_score"]
    head = [label(k, lang) for k in keys]
    rows = []
    for r in impact.iter_rows(named=True):
        name = r["reason"] + (f" / {r['category'] or '–'}" if "category" in r else "")
        rows.append(
            [
                str(r["rank"]),
                name,
                str(r["contacts"]),
                str(r["customers"]),
                _num(r["dissatisfaction"] and 100 * r["dissatisfaction"], ".0f") + " %",
                _num(100 * r["repeat_rate"], ".0f") + " %",
                _lift(r, lang),
                _num(r["cost"], ",.0f"),
                _num(r["score"], ".1f"),
            ]
        )
    lines = [label("voc_title", lang), *table([head, *rows], "lrrrrrlrr")]
    if any(r == "corrected" for r in impact["lift_note"].to_list()):
        lines.append("  * " + label("voc_note_corrected", lang))
    return "\n".join(lines)


def voc_payload(impact: Any, entries: Any, **fields: Any) -> dict[str, Any]:
    """The ``cxkit voc --json`` document."""
    return envelope(
        "voc",
        **fields,
        rows=impact.to_dicts(),
        fix_list=[e.to_dict() for e in entries],
    )


@click.command("voc")
@click.argument("events", metavar="EVENTS")
@click.option("--reason", metavar="COL", default=None, help="Call-reason column.")
@click.option("--category", metavar="COL", default=None, help="Complaint-category column.")
@click.option(
    "--cost-per-contact", type=float, default=None, metavar="X", help="Cost of one contact."
)
@click.option(
    "--journey",
    "design",
    metavar="JOURNEY",
    default=None,
    help="A designed journey: its outcome ids, and its touchpoints' costs per contact.",
)
@click.option("--churn", default="churn", show_default=True, help="The churn outcome id.")
@click.option("--window", default=None, metavar="DURATION", help="Repeat window, e.g. 30d.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option(
    "--fix-list",
    "fix_path",
    metavar="OUT",
    default=None,
    help="Write the fix list to OUT (.csv, .md or .json), atomically.",
)
@click.option("--bom", is_flag=True, help="Start a CSV fix list with a UTF-8 BOM (Excel).")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@_schema_options
@_LANG
def voc_command(
    events: str,
    reason: str | None,
    category: str | None,
    cost_per_contact: float | None,
    design: str | None,
    churn: str,
    window: str | None,
    top: int,
    fix_path: str | None,
    bom: bool,
    as_json: bool,
    schema: Any,
    encoding: str,
    sheet: str | None,
    lang: str,
) -> None:
    """Rank the call reasons of an event log and write the fix list.

    Per reason: contacts, dissatisfaction, repeat journeys, churn lift against the
    customers without that reason (Katz interval) and cost to serve; ranked by the
    excess churned customers. See docs/reference/voc.md.
    """
    from cxkit.analytics import EventSchema, read_events
    from cxkit.io import load_journey
    from cxkit.voc import call_reason_impact, fix_list, write_fix_list

    journey = load_journey(design) if design else None
    if reason is not None:  # read as text like the schema's call-reason column
        schema = dataclasses.replace(schema or EventSchema(), call_reason=reason)
    log = _run(read_events, events, schema=schema, encoding=encoding, sheet=sheet)
    impact = _run(
        call_reason_impact,
        log,
        category=category,
        schema=schema,
        churn=churn,
        cost_per_contact=cost_per_contact,
        journey=journey,
        window=window,
    )
    entries = fix_list(impact, top=top, lang=lang)
    if fix_path:
        write_fix_list(entries, fix_path, bom=bom, lang=lang)
    if as_json:
        fields = {"events": events, "reason": reason, "category": category}
        echo_json(voc_payload(impact, entries, **fields, fix_list_file=fix_path))
        return
    echo_text(render_impact(impact.head(top), lang))
    if fix_path:
        echo_text(f"\nwrote {fix_path}")


def register(group: click.Group) -> None:
    """Add ``cxkit voc`` to the ``cxkit`` group."""
    group.add_command(voc_command)
