"""A MkDocs (Material) project of journey pages that builds and renders offline."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label
from cxkit.core.journey import Journey
from cxkit.export._common import check_journey, fmt_number, resolve_lang
from cxkit.export.escape import html_text, markdown_cell, markdown_inline, one_line

__all__ = ["ASSET_DIR", "build_site", "site", "site_assets"]

#: Where a site keeps cxkit's scripts and styles, relative to ``docs/``.
ASSET_DIR = "assets/cxkit"

#: Files copied verbatim from ``cxkit/export/assets`` into every site.
_SHIPPED = (
    "mermaid.min.js",
    "mermaid.LICENSE.txt",
    "iframe-worker-shim.js",
    "iframe-worker.LICENSE.txt",
    "cxkit-loader.js",
    "cxkit.css",
)


def site_assets(vl_version: str | None = None) -> dict[str, str]:
    """The asset files of a site: name → text (Mermaid, the iframe-worker shim for
    search over ``file://``, the Vega bundle, cxkit's loader and CSS).

    Examples
    --------
    >>> sorted(site_assets())[:3]
    ['cxkit-loader.js', 'cxkit.css', 'iframe-worker-shim.js']
    """
    from cxkit.export._html import asset_text, vega_script

    files = {name: asset_text(name) for name in _SHIPPED}
    files["vega-bundle.js"] = vega_script(vl_version)
    return files


#: Characters PyYAML refuses or reads as line breaks (written as ``\\uXXXX`` escapes).
_YAML_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax, readable Unicode kept).

    Examples
    --------
    >>> print(_yaml_str('日本 "q"'))
    "日本 \\"q\\""
    """
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def mkdocs_yml(
    title: str,
    lang: str,
    pages: list[str],
    section: str | None = None,
    extra: Sequence[str] = (),
) -> str:
    """The ``mkdocs.yml`` of a journey site (``pages``: paths under ``docs/``;
    ``section``: the navigation's heading over them, default "Journeys" in ``lang``;
    ``extra``: pages listed after the journeys, at the top level of the navigation)."""
    # MkDocs templates insert site_name unescaped: write it HTML-escaped, as JSON
    # (a JSON string is a valid YAML double-quoted scalar).
    nav_pages = "\n".join(f"      - {_yaml_str(p)}" for p in pages)
    return f"""\
# Written by cxkit.export.site(). Build it with:
#   NO_MKDOCS_2_WARNING=1 mkdocs build --strict
# (needs: pip install 'cxkit[docs]'). The site renders without any network:
# Mermaid, Vega and the search shim are in docs/{ASSET_DIR}, fonts are the system's.
site_name: {_yaml_str(html_text(one_line(title)))}
docs_dir: docs
site_dir: site
use_directory_urls: false
theme:
  name: material
  language: {lang}
  font: false
plugins:
  - search
  - offline
markdown_extensions:
  - tables
  - toc
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
extra:
  generator: false
  polyfills:
    - {ASSET_DIR}/iframe-worker-shim.js
extra_css:
  - {ASSET_DIR}/cxkit.css
extra_javascript:
  - {ASSET_DIR}/mermaid.min.js
  - {ASSET_DIR}/vega-bundle.js
  - {ASSET_DIR}/cxkit-loader.js
nav:
  - index.md
  - {_yaml_str(section or label("export_journeys", lang))}:
{nav_pages}
""" + "".join(f"  - {_yaml_str(p)}\n" for p in extra)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_").lower()
    return slug[:60] or "journey"


def _journeys(journeys: Any) -> list[Journey]:
    from cxkit.io import load_journey

    if isinstance(journeys, (Journey, str, os.PathLike)):
        journeys = [journeys]
    if not isinstance(journeys, Iterable):
        raise CxkitError(
            "`journeys` must be a journey or a list of journeys, paths or template names, "
            f"got {type(journeys).__name__}"
        )
    out = []
    for i, item in enumerate(journeys):
        if isinstance(item, (str, os.PathLike)):
            out.append(load_journey(item))
        else:
            out.append(check_journey(item, f"journeys[{i}]"))
    if not out:
        raise CxkitError("`journeys` must contain at least one journey, got none")
    return out


def index_md(title: str, entries: list[tuple[Any, ...]], langs: str | list[str]) -> str:
    """The site's home page: a table of the journeys and their headline numbers.

    ``entries`` are ``(page, journey, language of its page)`` (or ``(page, journey)``:
    the page in ``langs``' first language); the column headings are in every language
    of ``langs`` (``Journey / ジャーニー`` on a mixed site), each journey's emotion in
    its page's language.
    """
    langs = [langs] if isinstance(langs, str) else list(langs)
    entries = [(e[0], e[1], e[2] if len(e) > 2 else langs[0]) for e in entries]

    def t(key: str) -> str:
        return _both(key, langs)

    lines = [
        f"# {markdown_inline(title)}",
        "",
        f"| {t('journey')} | {t('persona')} | {t('steps')} | {t('journey_emotion')} | "
        f"{t('peak_end')} | {t('ces')} |",
        "|---|---|---:|---|---:|---:|",
    ]
    for page, j, lang in entries:
        agg = j.evaluate().aggregate
        persona = j.persona.name if j.persona is not None else ""
        emotion = agg.emotion.label(lang) if agg is not None else "—"
        peak_end = fmt_number(agg.peak_end) if agg is not None else "—"
        ces = fmt_number(j.evaluate().effort.ces5)
        link = f"[{markdown_cell(j.title or j.id)}]({page})"
        lines.append(
            f"| {link} | {markdown_cell(persona)} | {len(j.steps)} | {emotion} | "
            f"{peak_end} | {ces} |"
        )
    lines += ["", f"{t('export_generated_by')}.", ""]
    return "\n".join(lines)


def site(
    journeys: Any,
    out_dir: str | os.PathLike[str],
    *,
    title: str | None = None,
    lang: str | None = None,
    pages: dict[str, str] | None = None,
) -> Path:
    """Write a MkDocs (Material) project with one page per journey.

    The project — ``mkdocs.yml``, ``docs/index.md`` (a table of the journeys),
    ``docs/journeys/<id>.md`` (:func:`markdown` with ``chart="vega"``: the map at
    the top, full width, with its zoom and page-by-stage navigation) and
    ``docs/assets/cxkit/`` (Mermaid, the Vega bundle, cxkit's loader, the search
    shim) — builds with ``mkdocs build --strict`` (:func:`build_site`) into a site
    that renders fully offline, also from ``file://``: no Google fonts
    (``theme.font: false``), Material's offline plugin, no CDN. Every file is
    written atomically; other files in ``out_dir`` are left alone.

    Parameters
    ----------
    journeys
        Journeys, or paths / template names to load.
    out_dir
        The project folder (created if missing).
    title
        The site's name; default "Journeys" (in ``lang``).
    lang
        Language of cxkit's labels on every page; default: each page in its own
        journey's language (headings, emotion words), and the home page and the
        navigation in every language of the site (``Journeys / ジャーニー一覧``) with
        the theme in English when the languages differ.
    pages
        Extra Markdown pages, file name under ``docs/`` → text (e.g.
        ``{"moments.md": cxkit.voc.moments_page(...)}``), added to the navigation
        after the journeys. Names are plain ``.md`` file names.

    Returns
    -------
    Path
        ``out_dir``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = site(["billing_inquiry"], pathlib.Path(tempfile.mkdtemp()) / "site")
    >>> sorted(p.name for p in (out / "docs" / "journeys").iterdir())
    ['billing_inquiry.md']
    """
    from cxkit.export._chart import vl_version_of
    from cxkit.export._map_nav import map_pages
    from cxkit.export._markdown import markdown
    from cxkit.io import atomic_write_text

    items = _journeys(journeys)
    forced = None if lang is None else resolve_lang(lang)
    page_langs = [forced or resolve_lang(None, j) for j in items]
    langs = list(dict.fromkeys(page_langs))  # the languages of the pages, in order
    site_lang = langs[0] if len(langs) == 1 else "en"
    if title is not None and not isinstance(title, str):
        raise CxkitError(f"`title` must be text, got {type(title).__name__}")
    title = title or _both("export_journeys", langs)
    from cxkit.io._write import output_kind

    out = Path(os.fspath(out_dir))
    if output_kind(out) not in ("absent", "folder"):  # a CxkitError for an unusable path
        raise CxkitError(f"`out_dir` {os.fspath(out_dir)!r} exists and is not a folder")
    docs = out / "docs"
    assets = docs / ASSET_DIR
    _make_folder(docs / "journeys")
    _make_folder(assets)

    entries: list[tuple[str, Journey, str]] = []
    used: set[str] = set()
    for j, page_lang in zip(items, page_langs, strict=True):
        slug = base = _slug(j.id)
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        page = f"journeys/{slug}.md"
        text = markdown(j, lang=page_lang, chart="vega")
        atomic_write_text(docs / page, _FRONT_MATTER + text)
        entries.append((page, j, page_lang))

    schema = map_pages(items[0], page_langs[0])[0].schema
    _write_assets(assets, vl_version_of({"$schema": schema}))
    extra = _extra_pages(pages)
    for name, text in extra.items():
        atomic_write_text(docs / name, text)
    atomic_write_text(docs / "index.md", index_md(title, entries, langs))
    section = _both("export_journeys", langs)
    config = mkdocs_yml(title, site_lang, [p for p, _, _ in entries], section, list(extra))
    atomic_write_text(out / "mkdocs.yml", config)
    return out


def _extra_pages(pages: dict[str, str] | None) -> dict[str, str]:
    """``site(pages=…)`` checked: plain ``.md`` names (no folder, not ``index.md``)."""
    out: dict[str, str] = {}
    for name, text in (pages or {}).items():
        ok = isinstance(name, str) and re.fullmatch(r"[\w.-]+\.md", name) and name != "index.md"
        if not ok or ".." in name:
            raise CxkitError(
                f"`pages`: {name!r} is not a page name; expected a file name such as "
                "'moments.md' (letters, digits, '_', '-', '.'; not index.md)"
            )
        if not isinstance(text, str):
            raise CxkitError(f"`pages[{name!r}]` must be Markdown text")
        out[name] = text
    return out


#: Journey pages hide the table of contents: the map gets the window's width.
_FRONT_MATTER = "---\nhide:\n  - toc\n---\n\n"


def _both(key: str, langs: list[str]) -> str:
    """A label in every language of the site, ``" / "``-joined when they differ.

    Examples
    --------
    >>> _both("journey", ["en", "ja"]), _both("journey", ["ja"])
    ('Journey / ジャーニー', 'ジャーニー')
    """
    return " / ".join(dict.fromkeys(label(key, x) for x in langs))


def _write_assets(assets: Path, vl_version: str | None) -> None:
    """Write the site's asset files, skipping those already there with the same bytes
    (a site written again does not rewrite the 3 MB of Mermaid and Vega)."""
    from cxkit.export._files import atomic_write_bytes

    for name, text in site_assets(vl_version).items():
        data = text.encode("utf-8")
        target = assets / name
        try:
            same = target.stat().st_size == len(data) and target.read_bytes() == data
            if same:
                continue
        except OSError:
            pass
        atomic_write_bytes(target, data)


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and its parents; a :class:`CxkitError` naming what is in the way.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "docs").write_text("")
    0
    >>> _make_folder(d / "docs" / "journeys")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    cxkit.core.errors.CxkitError: .../docs: is a file; expected a folder (the site needs ...)
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        dangling = next(
            (p for p in (*reversed(folder.parents), folder) if p.is_symlink() and not p.exists()),
            None,
        )
        if dangling is not None:
            raise CxkitError(
                f"{dangling}: is a symbolic link to {os.readlink(dangling)}, which does not "
                "exist; expected a folder (create the link's target first)"
            ) from None
        blocker = next(
            (p for p in (*reversed(folder.parents), folder) if p.exists() and not p.is_dir()),
            folder,
        )
        raise CxkitError(
            f"{blocker}: is a file; expected a folder (the site needs {folder})"
        ) from None
    except OSError as exc:
        raise CxkitError(
            f"{folder}: cannot create the folder: {exc.strerror or exc}; expected a place where "
            "folders can be created"
        ) from None


def build_site(
    project_dir: str | os.PathLike[str],
    *,
    site_dir: str | os.PathLike[str] | None = None,
    strict: bool = True,
    timeout: float = 600,
) -> Path:
    """Run ``mkdocs build`` (``--strict`` by default) on a project written by :func:`site`.

    The site goes to ``site_dir`` (relative to the working folder), by default
    ``project_dir/site``; the folder returned is that one, as given. Raises
    :class:`CxkitError` with MkDocs' own messages when MkDocs is missing or the
    build fails.
    """
    project = Path(os.fspath(project_dir))
    config = project / "mkdocs.yml"
    if not config.is_file():
        raise CxkitError(f"`project_dir` {os.fspath(project_dir)!r} has no mkdocs.yml")
    if not (_has_module("mkdocs") and _has_module("material")):
        raise CxkitError(
            "building a site needs MkDocs and mkdocs-material: pip install 'cxkit[docs]'"
        )
    target = Path(os.fspath(site_dir)) if site_dir is not None else project / "site"
    # mkdocs reads a relative -d against the config's folder: pass it absolute
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(config.absolute()),
        "-d",
        str(target.absolute()),
    ]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise CxkitError(f"mkdocs build did not finish in {timeout:g} s") from None
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        detail = "\n".join(lines[-20:])
        raise CxkitError(f"mkdocs build failed (exit {proc.returncode}):\n{detail}")
    return target


def _has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
