"""``cxkit compare``: as-is vs to-be, or several personas' journeys, as a report and a chart.

``cxkit compare BEFORE AFTER`` prints the differing steps and the key figures
(:func:`cxkit.viz.journey_diff`, :func:`cxkit.viz.compare.compare_kpis`);
``cxkit compare --personas A B C`` prints each persona's figures and steps.
``--out FILE`` writes the chart (``.png``, ``.svg``, ``.html``, ``.md``), ``--json`` the
stable document. Journeys are files or template names.

Examples
--------
>>> from cxkit.cli import main
>>> main(["compare", "billing_inquiry", "web_phone_faq", "--lang", "en"])  # doctest: +ELLIPSIS
Web FAQ and phone (cxkit model reference, Example B) — As-is vs to-be
...3 added · 4 removed...
0
"""

from __future__ import annotations

from typing import Any

import click

from cxkit.cli._common import echo_json, echo_text, envelope, finite, lang_option, load_journey_arg
from cxkit.cli._common import table as _table
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.journey import Journey

__all__ = ["compare_command", "compare_payload", "register", "render_compare"]


def _about(journey: Journey) -> dict[str, Any]:
    return {"id": journey.id, "title": journey.title, "source": journey.source}


def compare_payload(
    journeys: list[Journey], lang: str | None = None, *, personas: bool = False
) -> dict[str, Any]:
    """The ``cxkit compare --json`` document.

    As-is vs to-be: ``before``, ``after``, ``counts`` (per status), ``steps`` (the rows
    of :func:`cxkit.viz.journey_diff`) and ``kpis`` (CES, remembered experience and
    emotion class: before, after, change). Personas: ``personas`` (name, journey,
    key figures) and ``steps`` (each column with every persona's values).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("billing_inquiry")
    >>> p = compare_payload([j, j.remove_step(0)])
    >>> p["counts"], [k["key"] for k in p["kpis"]]
    ({'changed': 0, 'added': 0, 'removed': 1, 'same': 3}, ['ces', 'remembered', 'journey_emotion'])
    """
    from cxkit.viz._diff import compare_kpis, journey_diff, kpis, persona_frame, persona_names

    if personas:
        lang = resolve_lang(lang, journeys[0])
        frame = persona_frame(journeys, lang=lang)
        names = persona_names(journeys)
        return envelope(
            "compare",
            mode="personas",
            lang=lang,
            personas=[
                {"name": n, "journey": _about(j), "kpis": kpis(j)}
                for n, j in zip(names, journeys, strict=True)
            ],
            steps=finite(frame.to_dicts()),
        )
    before, after = journeys
    lang = resolve_lang(lang, after)
    diff = journey_diff(before, after, lang=lang)
    counts = {s: int((diff["status"] == s).sum()) for s in ("changed", "added", "removed", "same")}
    return envelope(
        "compare",
        mode="as_is_to_be",
        lang=lang,
        before=_about(before),
        after=_about(after),
        counts=counts,
        steps=finite(diff.to_dicts()),
        kpis=finite(compare_kpis(before, after, lang=lang).to_dicts()),
    )


def render_compare(
    journeys: list[Journey], lang: str | None = None, *, personas: bool = False
) -> str:
    """The text report of ``cxkit compare`` (cells made safe for the terminal).

    Examples
    --------
    >>> import cxkit as cx
    >>> j = cx.load_journey("complaint_recovery_ja")
    >>> text = render_compare([j, j.with_step("queue", wait_s=240.0)])
    >>> "待ち時間 −8分" in text and "記憶される体験" in text
    True
    """
    from cxkit.export._compare import comparison_headings, comparison_tables, comparison_title

    lang = resolve_lang(lang, journeys[0] if personas else journeys[-1])
    lines = [comparison_title(journeys, lang, personas)]
    if personas:
        lines.append(" · ".join(j.id for j in journeys))
    else:
        before, after = journeys
        lines.append(
            f"{label('cmp_as_is', lang)}: {before.id}  →  {label('cmp_to_be', lang)}: {after.id}"
        )
        counts = compare_payload(journeys, lang)["counts"]
        lines.append(label("cmp_counts", lang).format(**counts))
    for heading, (head, rows) in zip(
        comparison_headings(lang, personas),
        comparison_tables(journeys, lang, personas),
        strict=True,
    ):
        lines += ["", heading]
        lines += _table([head, *rows]) if rows else ["  " + label("cmp_no_differences", lang)]
    return "\n".join(lines)


def _load(paths: tuple[str, ...], personas: bool) -> list[Journey]:
    from cxkit.viz._diff import MAX_JOURNEYS

    if personas and not 2 <= len(paths) <= MAX_JOURNEYS:
        raise CxkitError(
            f"--personas compares 2 to {MAX_JOURNEYS} journeys (one per persona), got {len(paths)}"
        )
    if not personas and len(paths) != 2:
        raise CxkitError(
            f"compare takes two journeys, BEFORE and AFTER, got {len(paths)}; "
            "to compare several personas' journeys, give --personas"
        )
    return [load_journey_arg(p) for p in paths]


def _write(out: str, journeys: list[Journey], lang: str | None, personas: bool, err: bool) -> None:
    from pathlib import Path

    from cxkit.export._compare import COMPARE_FORMATS, render_comparison
    from cxkit.export._files import write_data

    fmt = Path(out).suffix.lower().lstrip(".")
    fmt = {"htm": "html", "markdown": "md"}.get(fmt, fmt)
    if fmt not in COMPARE_FORMATS:
        raise CxkitError(
            f"{out}: cannot tell the format from the suffix {Path(out).suffix or '(none)'!r}; "
            "compare writes .png, .svg, .html or .md"
        )
    size = write_data(out, render_comparison(journeys, fmt, lang=lang, personas=personas))
    echo_text(f"wrote {out} ({fmt}, {size} bytes)", err=err)


@click.command("compare")
@click.argument("paths", nargs=-1, required=True, metavar="BEFORE AFTER | --personas PATH...")
@click.option(
    "--personas", is_flag=True, help="Compare 2 to 8 personas' versions of a journey on one map."
)
@click.option(
    "--out",
    "-o",
    "out",
    default=None,
    metavar="FILE",
    help="Also write the chart: FILE.png, .svg, .html (self-contained, no network) or .md.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON document.")
@lang_option("Language of the labels (default: AFTER's, or the first persona's, else en).")
def compare_command(
    paths: tuple[str, ...], personas: bool, out: str | None, as_json: bool, lang: str | None
) -> None:
    """Compare two journeys (as-is vs to-be), or several personas' journeys.

    BEFORE and AFTER are journey files or template names; steps are matched by id,
    else by stage, touchpoint and order. Prints the differing steps (added,
    removed, changed: experience, expectation, emotion, effort, wait) and the key
    figures (CES, remembered experience, emotion) before and after.
    """
    journeys = _load(paths, personas)
    if as_json:
        echo_json(compare_payload(journeys, lang, personas=personas))
    else:
        echo_text(render_compare(journeys, lang, personas=personas))
    if out is not None:  # the summary line goes to stderr under --json (stdout stays JSON)
        _write(out, journeys, lang, personas, err=as_json)


def register(group: click.Group) -> None:
    """Add ``compare`` to the ``cxkit`` group."""
    group.add_command(compare_command)
