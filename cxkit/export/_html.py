"""The journey as one self-contained HTML page (no network, strict CSP)."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label
from cxkit.core.journey import Journey
from cxkit.export._common import (
    STEP_COLUMNS,
    StepRow,
    aggregate_rows,
    blueprint_rows,
    check_journey,
    design_flow_table,
    resolve_lang,
    stage_groups,
    step_rows,
)
from cxkit.export._map_nav import map_block, map_pages
from cxkit.export._mermaid import mermaid_flowchart, mermaid_journey
from cxkit.export.escape import html_attr, html_cell, html_text

__all__ = ["BUNDLE_MARKER", "asset_text", "html", "page", "page_scripts"]

#: Comment written before the inlined third-party scripts (tests cut the page there).
BUNDLE_MARKER = "<!-- cxkit: inlined scripts (vega, vega-lite, vega-embed, mermaid, loader) -->"


@functools.cache
def asset_text(name: str) -> str:
    """A file of ``cxkit/export/assets`` as text."""
    return (resources.files("cxkit.export") / "assets" / name).read_text(encoding="utf-8")


def _cache_dir() -> Path:
    """Where cxkit keeps files it can rebuild: ``$CXKIT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/cxkit``, else ``~/.cache/cxkit``."""
    if os.environ.get("CXKIT_CACHE_DIR"):
        return Path(os.environ["CXKIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cxkit"


@functools.cache
def vega_script(vl_version: str | None) -> str:
    """The Vega bundle of :func:`cxkit.export._chart.vega_bundle`, kept on disk.

    vl-convert takes 1–3 s to bundle vega, vega-lite and vega-embed; every HTML page
    and site needs the same bundle, so it is written once per vl-convert and
    Vega-Lite version to the cache folder (:func:`_cache_dir`) and read from there in
    later processes. An unusable cache folder only costs the time.
    """
    import vl_convert

    from cxkit.export._chart import vega_bundle

    name = f"vega-bundle-{vl_convert.__version__}-{vl_version or 'default'}.js"
    path = _cache_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    code = vega_bundle(vl_version)
    try:
        from cxkit.io import atomic_write_text

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, code)
    except Exception:  # noqa: BLE001 - a cache that cannot be written is not an error
        pass
    return code


def _sha256(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def page_scripts(vl_version: str | None) -> tuple[str, ...]:
    """The scripts a page inlines: the Vega bundle, Mermaid and cxkit's loader."""
    scripts = (vega_script(vl_version), asset_text("mermaid.min.js"), asset_text("cxkit-loader.js"))
    for code in scripts:
        if re.search(r"</script|<script", code, re.IGNORECASE):  # pragma: no cover
            raise CxkitError("a bundled script contains '<script' and cannot be inlined")
    return scripts


_CSS = """
:root { color-scheme: light; --fg: #1b1b1b; --muted: #5f6368; --line: #dadce0; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP",
  "Hiragino Sans", "Yu Gothic", sans-serif; color: var(--fg); margin: 0; line-height: 1.5; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
header.cxkit-title { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.5rem 0; }
section.cxkit-map { padding: 0 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
h1, h2, h3, p, li { overflow-wrap: anywhere; }
td, th { overflow-wrap: break-word; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .55rem; vertical-align: top; }
th { background: #f8f9fa; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.emo-dissatisfied { background: #fdecea; }
td.emo-satisfied { background: #eef5ee; }
td.emo-delighted { background: #e3f2fd; }
pre.mermaid { background: none; }
footer { color: var(--muted); font-size: .85rem; margin-top: 3rem; }
"""


def _paragraphs(text: str) -> str:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html_text(p).replace(chr(10), '<br>')}</p>" for p in parts if p)


def _list(items: list[str]) -> str:
    if not items:
        return "<p>—</p>"
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _lines(texts: tuple[str, ...]) -> str:
    return "<br>".join(html_text(x) for x in texts) if texts else ""


def _blueprint_table(items: list[StepRow], lang: str) -> str:
    """The stage's service blueprint (lanes as rows, steps as columns), or ``""``."""
    rows = blueprint_rows(items, lang)
    if not rows:
        return ""
    head = "".join(f'<th scope="col">{r.number}</th>' for r in items)
    out = [
        f'<table class="cxkit-blueprint"><caption>{html_text(label("export_blueprint", lang))}'
        f"</caption><thead><tr><td></td>{head}</tr></thead><tbody>"
    ]
    for row in rows:
        if row.kind == "line":
            out.append(
                f'<tr class="cxkit-line"><th scope="row" colspan="{len(items) + 1}">'
                f"{html_text(row.label)}</th></tr>"
            )
            continue
        cells = "".join(f"<td>{_lines(c)}</td>" for c in row.cells)
        out.append(f'<tr><th scope="row">{html_text(row.label)}</th>{cells}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _persona_section(journey: Journey, t: Callable[[str], str]) -> str:
    persona = journey.persona
    if persona is None or not (
        persona.name or persona.description or persona.goals or persona.frustrations
    ):
        return ""
    part = [f"<h2>{t('persona')}</h2>"]
    if persona.name:
        part.append(f"<p><strong>{html_text(persona.name)}</strong></p>")
    if persona.description:
        part.append(_paragraphs(persona.description))
    for key, items in (("goals", persona.goals), ("frustrations", persona.frustrations)):
        if items:
            part.append(f"<h3>{t(key)}</h3>" + _list([html_text(x) for x in items]))
    return '<section class="persona">' + "".join(part) + "</section>"


def _aggregates_section(journey: Journey, lang: str, t: Callable[[str], str]) -> str:
    agg = [f"<h2>{t('aggregates')}</h2>"]
    if journey.evaluate().aggregate is None:
        agg.append(f"<p>{t('no_valence')}</p>")
    agg.append(
        f"<table><thead><tr><th>{t('export_measure')}</th><th>{t('export_value')}</th></tr>"
        "</thead><tbody>"
    )
    agg += [
        f'<tr><th scope="row">{html_cell(r.label)}</th><td class="num">{html_text(r.value)}</td>'
        "</tr>"
        for r in aggregate_rows(journey, lang)
    ]
    agg.append("</tbody></table>")
    return '<section class="aggregates">' + "".join(agg) + "</section>"


def _design_flow_section(journey: Journey, lang: str, t: Callable[[str], str]) -> str:
    dv = design_flow_table(journey, lang)
    part = [f"<h2>{t('dv_heading')}</h2><table><thead><tr>"]
    part += [f"<th>{html_text(h)}</th>" for h in dv.header]
    part.append("</tr></thead><tbody>")
    part += [
        f'<tr><th scope="row">{html_cell(name)}</th><td class="num">{html_text(design)}</td>'
        f'<td class="num">{html_text(flow)}</td></tr>'
        for _, name, design, flow in dv.rows
    ]
    part.append("</tbody></table>")
    part += [f"<p>{html_text(n)}</p>" for n in dv.notes]
    if dv.reasons:
        part.append(f"<p><strong>{html_text(dv.why)}</strong></p>")
        part.append(_list([html_text(r) for r in dv.reasons]))
    return '<section class="design-flow">' + "".join(part) + "</section>"


def _step_tr(r: StepRow, emotion: Any) -> str:
    emo_class = f"emo-{emotion.value}" if emotion is not None else ""
    return (
        "<tr>"
        f'<td class="num">{r.number}</td>'
        f"<td>{html_cell(r.touchpoint)}</td>"
        f"<td>{html_cell(r.action)}</td>"
        f'<td class="num">{html_text(r.expectation)}</td>'
        f'<td class="num">{html_text(r.experience)}</td>'
        f'<td class="num">{html_text(r.gap)}</td>'
        f'<td class="{emo_class}">{html_cell(r.emotion)}</td>'
        f'<td class="num">{html_text(r.effort)}</td>'
        f"<td>{html_cell(r.evidence)}</td>"
        "</tr>"
    )


def _stages_section(
    journey: Journey, rows: list[StepRow], lang: str, t: Callable[[str], str]
) -> str:
    thead = "<thead><tr>" + "".join(f"<th>{t(k)}</th>" for k in STEP_COLUMNS) + "</tr></thead>"
    stages = [f"<h2>{t('stages')}</h2>"]
    emotions = {ev.index + 1: ev.emotion for ev in journey.evaluate().steps}
    for stage_name, description, items in stage_groups(journey, rows):
        stages.append(f"<h3>{html_text(stage_name)}</h3>")
        if description:
            stages.append(_paragraphs(description))
        if not items:
            stages.append("<p>—</p>")
            continue
        trs = "".join(_step_tr(r, emotions.get(r.number)) for r in items)
        stages.append(f"<table>{thead}<tbody>{trs}</tbody></table>")
        stages.append(_blueprint_table(items, lang))
    return '<section class="stages">' + "".join(stages) + "</section>"


def html(journey: Journey, *, lang: str | None = None) -> str:
    """The journey as a self-contained HTML page that needs no network at all.

    The page holds the summary, aggregates, stage tables, pain points and
    opportunities (as :func:`markdown`), the journey map chart (its Vega-Lite spec in
    a ``<script type="application/json">`` block, drawn by vega-embed), and the
    Mermaid journey diagram and touchpoint flowchart. vega, vega-lite and vega-embed
    (from :func:`vl_convert.javascript_bundle`, wrapped in an IIFE), Mermaid (shipped
    in ``cxkit/export/assets``) and cxkit's loader are inlined. A
    Content-Security-Policy allows only those three scripts (by SHA-256 hash), no
    remote load of any kind (``default-src 'none'``), no ``eval`` and no forms. Every
    label is HTML-escaped; JSON in scripts has ``<`` written as ``\\u003c``.

    Parameters
    ----------
    journey
        The journey.
    lang
        Language of cxkit's own labels; ``None`` uses the journey's language.

    Examples
    --------
    >>> import cxkit as cx
    >>> page = html(cx.load_journey("billing_inquiry"))
    >>> page.startswith("<!DOCTYPE html>"), "default-src 'none'" in page
    (True, True)
    """
    from cxkit import __version__
    from cxkit.export._chart import vl_version_of

    journey = check_journey(journey)
    lang = resolve_lang(lang, journey)

    def t(key: str) -> str:
        return html_text(label(key, lang))

    pages = map_pages(journey, lang)
    title = journey.title or journey.id
    body: list[str] = []
    if journey.description:
        body.append(f'<section class="description">{_paragraphs(journey.description)}</section>')
    sections = (
        _persona_section(journey, t),
        _aggregates_section(journey, lang, t),
        _design_flow_section(journey, lang, t),
    )
    body += [section for section in sections if section]
    rows = step_rows(journey, lang)
    body.append(_stages_section(journey, rows, lang, t))
    for key in ("pain_points", "opportunities"):
        items = [
            f"<strong>{r.number} · {html_text(r.touchpoint)}</strong> — {html_text(text)}"
            for r in rows
            for text in getattr(r, key)
        ]
        body.append(f'<section class="{key}"><h2>{t(key)}</h2>{_list(items)}</section>')
    for key, text in (
        ("export_journey_diagram", mermaid_journey(journey, lang)),
        ("viz_touchpoint_graph", mermaid_flowchart(journey, lang)),
    ):
        body.append(
            f'<section class="diagram"><h2>{t(key)}</h2>'
            f'<pre class="mermaid">{html_text(text)}</pre></section>'
        )
    body.append(f"<footer>{t('export_generated_by')} {html_text(__version__)}</footer>")
    vl_version = vl_version_of({"$schema": pages[0].schema})
    return page(title, lang, body, vl_version, lead=[map_block(journey, lang)])


def page(
    title: str,
    lang: str,
    body: list[str],
    vl_version: str | None,
    *,
    lead: Sequence[str] = (),
) -> str:
    """A self-contained page titled ``title`` around ``body`` (HTML fragments, escaped).

    The head, styles, Content-Security-Policy and inlined scripts of :func:`html`:
    every page cxkit writes (a journey, a comparison) is this one template. The title
    heads the page; ``lead`` (such as the full-width journey map) comes between it and
    the ``<main>`` column that holds ``body``. A ``<script type="application/json"
    class="cxkit-vega">`` block is drawn by the loader; ``vl_version`` picks the
    Vega-Lite bundle.
    """
    from cxkit import __version__

    scripts = page_scripts(vl_version)
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(code) for code in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    assert not set(csp) & set('"<>&')  # written unescaped below: keep it readable
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{html_attr(lang)}" data-cxkit-mermaid="run">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',  # cxkit's own text
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="cxkit {html_attr(__version__)}">',
        f"<title>{html_text(title)}</title>",
        f"<style>{_CSS}{asset_text('cxkit.css')}</style>",
        "</head>",
        "<body>",
        f'<header class="cxkit-title"><h1>{html_text(title)}</h1></header>',
        *lead,
        "<main>",
    ]
    tail = ["</main>", BUNDLE_MARKER, *(f"<script>{code}</script>" for code in scripts)]
    return "\n".join([*head, *body, *tail, "</body>", "</html>", ""])
