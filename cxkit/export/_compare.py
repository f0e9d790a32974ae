"""Comparisons as files: as-is vs to-be and persona maps as PNG, SVG, HTML or Markdown.

The chart is :func:`cxkit.viz.compare_journeys` or :func:`cxkit.viz.persona_map`;
the HTML page is :func:`cxkit.export._html.page` (the one page template: strict CSP,
inlined scripts, no network); every label is escaped for where it lands.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("billing_inquiry")
>>> md = render_comparison([j, j.with_step(1, experience=5.0)], "md", chart=False)
>>> md.splitlines()[0]
'# Billing inquiry (cxkit model reference, Example A) — As-is vs to-be'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.journey import Journey
from cxkit.export.escape import html_cell, html_text, json_for_script, markdown_cell

__all__ = [
    "COMPARE_FORMATS",
    "comparison_headings",
    "comparison_tables",
    "comparison_title",
    "render_comparison",
]

#: The formats a comparison is written in.
COMPARE_FORMATS = ("png", "svg", "html", "md")

Table = tuple[list[str], list[list[str]]]


def comparison_tables(journeys: Sequence[Journey], lang: str, personas: bool) -> list[Table]:
    """The tables of a comparison as plain text cells: ``[(header, rows), …]``.

    As-is vs to-be: the key figures (before, after, change) and the differing steps
    (status, stage, step, what changed). Personas: each persona's key figures, and
    each step's valence and emotion per persona.
    """
    from cxkit.viz._diff import compare_kpis, journey_diff, persona_names

    if personas:
        return [
            _persona_kpis(journeys, persona_names(journeys), lang),
            _persona_steps(journeys, lang),
        ]
    before, after = journeys
    k = compare_kpis(before, after, lang=lang)
    kpi_head = [label("cmp_metric", lang), label("cmp_as_is", lang), label("cmp_to_be", lang)]
    kpi_rows = [
        [r["metric"], r["before_text"], r["after_text"], r["change_text"]]
        for r in k.iter_rows(named=True)
    ]
    d = journey_diff(before, after, lang=lang)
    diff_rows = [
        [label(f"cmp_{r['status']}", lang), r["stage"], r["action"] or r["step_id"], r["summary"]]
        for r in d.iter_rows(named=True)
        if r["status"] != "same"
    ]
    diff_head = [label(k, lang) for k in ("cmp_status", "stage", "step", "cmp_what_changed")]
    return [([*kpi_head, label("cmp_change", lang)], kpi_rows), (diff_head, diff_rows)]


def _persona_kpis(journeys: Sequence[Journey], names: list[str], lang: str) -> Table:
    from cxkit.viz._diff import fmt, kpis

    values = [kpis(j) for j in journeys]
    rows = []
    for key in ("ces", "remembered", "journey_emotion"):
        cells = [
            (label(v[key], lang) if v[key] else "—") if key == "journey_emotion" else fmt(v[key])
            for v in values
        ]
        rows.append([label(key, lang), *cells])
    return [label("cmp_metric", lang), *names], rows


def _persona_steps(journeys: Sequence[Journey], lang: str) -> Table:
    from cxkit.viz._diff import persona_frame, signed

    frame = persona_frame(journeys, lang=lang)
    names = list(dict.fromkeys(frame["persona"]))
    rows = []
    for (_pos,), part in frame.group_by("pos", maintain_order=True):
        first = part.row(0, named=True)
        cells = [
            f"{signed(r['valence'])} {r['emotion']}" if r["present"] else "—"
            for r in part.iter_rows(named=True)
        ]
        mark = label("cmp_differs", lang) if first["differs"] else ""
        rows.append([first["stage"], first["action"] or first["step_id"], *cells, mark])
    head = [label("stage", lang), label("step", lang), *names, label("cmp_differences", lang)]
    return head, rows


def _chart(journeys: Sequence[Journey], lang: str, personas: bool) -> Any:
    from cxkit.viz.compare import compare_journeys, persona_map

    if personas:
        return persona_map(journeys, lang=lang)
    return compare_journeys(journeys[0], journeys[1], lang=lang)


def comparison_title(journeys: Sequence[Journey], lang: str, personas: bool) -> str:
    if personas:
        return label("cmp_persona_title", lang)
    after = journeys[-1]
    return f"{after.title or after.id} — {label('cmp_title', lang)}"


def _html_table(table: Table) -> str:
    head, rows = table
    out = [
        "<table><thead><tr>",
        *(f"<th>{html_text(h)}</th>" for h in head),
        "</tr></thead><tbody>",
    ]
    out += ["<tr>" + "".join(f"<td>{html_cell(c)}</td>" for c in row) + "</tr>" for row in rows]
    return "".join([*out, "</tbody></table>"])


_NUMBER = re.compile(r"[+−]?\d+(\.\d+)?")


def _md_cell(text: str) -> str:
    """A cell: cxkit's own signed numbers as they are (``+5``), other text escaped."""
    return text if _NUMBER.fullmatch(text) else markdown_cell(text)


def _md_table(table: Table) -> list[str]:
    head, rows = table
    if not rows:
        return []
    lines = ["| " + " | ".join(markdown_cell(h) for h in head) + " |"]
    lines.append("|" + "---|" * len(head))
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def comparison_headings(lang: str, personas: bool) -> list[str]:
    if personas:
        return [label("cmp_kpis", lang), label("stages", lang)]
    return [label("cmp_kpis", lang), label("cmp_differences", lang)]


def _html(journeys: Sequence[Journey], lang: str, personas: bool) -> str:
    from cxkit import __version__
    from cxkit.export._chart import vl_version_of
    from cxkit.export._html import page

    spec = _chart(journeys, lang, personas).to_dict()
    title = comparison_title(journeys, lang, personas)
    body = [
        f"<header><h1>{html_text(title)}</h1></header>",
        '<section class="map"><div class="cxkit-chart">'
        f'<script type="application/json" class="cxkit-vega">{json_for_script(spec)}</script>'
        "</div></section>",
    ]
    for heading, table in zip(
        comparison_headings(lang, personas),
        comparison_tables(journeys, lang, personas),
        strict=True,
    ):
        content = (
            _html_table(table)
            if table[1]
            else f"<p>{html_text(label('cmp_no_differences', lang))}</p>"
        )
        body.append(f"<section><h2>{html_text(heading)}</h2>{content}</section>")
    body.append(
        f"<footer>{html_text(label('export_generated_by', lang))} {html_text(__version__)}</footer>"
    )
    return page(title, lang, body, vl_version_of(spec))


def _markdown(journeys: Sequence[Journey], lang: str, personas: bool, chart: bool) -> str:
    from cxkit.export._chart import spec_svg
    from cxkit.export.escape import markdown_inline

    out = [f"# {markdown_inline(comparison_title(journeys, lang, personas))}", ""]
    for heading, table in zip(
        comparison_headings(lang, personas),
        comparison_tables(journeys, lang, personas),
        strict=True,
    ):
        out += [f"## {markdown_inline(heading)}", ""]
        out += [*(_md_table(table) or [markdown_inline(label("cmp_no_differences", lang))]), ""]
    if chart:
        image = spec_svg(_chart(journeys, lang, personas).to_dict()).strip().replace("\n", " ")
        out += [f'<div class="cxkit-chart">{image}</div>', ""]
    return "\n".join(out)


def render_comparison(
    journeys: Sequence[Journey],
    to: str,
    *,
    lang: str | None = None,
    personas: bool = False,
    chart: bool = True,
) -> str | bytes:
    """A comparison in format ``to`` (``png``, ``svg``, ``html`` or ``md``).

    Parameters
    ----------
    journeys
        ``[before, after]``, or with ``personas=True`` 2 to 8 journeys, one per persona.
    to
        One of :data:`COMPARE_FORMATS`.
    lang
        Language of cxkit's labels; default the last (as-is vs to-be) or first
        (personas) journey's language.
    chart
        Put the chart in a Markdown page (inline SVG); ``False`` for tables only.

    Raises
    ------
    CxkitError
        For another format, or journeys that are not a comparison.
    """
    from cxkit.export._chart import spec_png, spec_svg
    from cxkit.viz._diff import check_journey, check_journeys

    if to not in COMPARE_FORMATS:
        raise CxkitError(
            f"a comparison is written as one of {', '.join(COMPARE_FORMATS)}, got {to!r}"
        )
    if personas:
        journeys = check_journeys(journeys)
        lang = resolve_lang(lang, journeys[0])
    else:
        if len(journeys) != 2:
            raise CxkitError(f"as-is vs to-be compares 2 journeys, got {len(journeys)}")
        journeys = [
            check_journey(j, name) for j, name in zip(journeys, ("before", "after"), strict=True)
        ]
        lang = resolve_lang(lang, journeys[1])
    if to == "html":
        return _html(journeys, lang, personas)
    if to == "md":
        return _markdown(journeys, lang, personas, chart)
    spec = _chart(journeys, lang, personas).to_dict()
    return spec_svg(spec) if to == "svg" else spec_png(spec)
