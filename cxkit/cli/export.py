"""Publishing commands: ``cxkit export`` (one journey, one format) and ``cxkit site``.

Both are thin over :mod:`cxkit.export`; PATH is a journey file or a template name.

Examples
--------
>>> from cxkit.cli import main
>>> main(["export", "billing_inquiry", "--to", "mermaid"])  # doctest: +ELLIPSIS
---
...
journey
    title Billing inquiry (cxkit model reference, Example A)
...
0
"""

from __future__ import annotations

import shlex
import sys

import click

from cxkit.cli._common import echo_text, lang_option
from cxkit.core.errors import CxkitError

__all__ = ["export_command", "register", "site_command"]

_LANG = lang_option("Language of cxkit's labels (default: the journey's, else en).")


def _size(n: int) -> str:
    return f"{n / 1024:.1f} kB" if n >= 1024 else f"{n} B"


@click.command("export")
@click.argument("path", metavar="PATH")
@click.option(
    "--to",
    "to",
    type=click.Choice(
        ["md", "mermaid", "flowchart", "html", "svg", "png", "yaml", "json", "xlsx", "pptx", "pdf"]
    ),
    default=None,
    help="Output format (default: from the suffix of --out).",
)
@click.option(
    "--out",
    "-o",
    "out",
    default=None,
    metavar="OUT",
    help=(
        "File to write (atomically; a symbolic link is followed, a pipe or /dev/stdout "
        "is written as a stream). Without it, or with -, the output goes to standard output."
    ),
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "a3"]),
    default="a4",
    show_default=True,
    help="Paper (landscape) the map is paged for: svg, png and pdf.",
)
@click.option(
    "--page",
    type=int,
    default=None,
    metavar="N",
    help="Only page N of the map (svg, png); default: all pages, one under the other.",
)
@_LANG
def export_command(
    path: str,
    to: str | None,
    out: str | None,
    lang: str | None,
    paper: str = "a4",
    page: int | None = None,
) -> None:
    """Export the journey PATH (a file or a template name) to another format.

    md: a Markdown page; mermaid: the Mermaid journey diagram; flowchart: the
    touchpoint graph in Mermaid; html: a self-contained page (no network); svg/png:
    the journey map chart; yaml/json: the journey file itself; xlsx: the Excel
    journey grid (stages as columns, lanes as rows; reads back with `cxkit show`);
    pptx: a PowerPoint deck (overview, a slide per stage page, KPI summary) of
    native, editable shapes; pdf: the map for print, one page per sheet (a tall
    page on two; A4 or A3 landscape, --paper).
    """
    from cxkit.export import render
    from cxkit.export._files import format_for, write_data
    from cxkit.io import load_journey
    from cxkit.io._write import is_stream_target

    if out is None and to is None:
        raise CxkitError("give --to FORMAT, or --out OUT with a known suffix (.md, .html…)")
    journey = load_journey(path)
    if out is None or out == "-":
        fmt = format_for("", to)
        if fmt in ("png", "xlsx", "pptx", "pdf") and (out is None or sys.stdout.isatty()):
            raise CxkitError(
                f"--to {fmt} writes binary data: give --out FILE.{fmt}, or --out - with "
                "standard output redirected to a file or a pipe"
            )
        data = render(journey, fmt, lang=lang, paper=paper, page=page)
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        click.echo(data, nl=not data.endswith("\n"))
        return
    fmt = format_for(out, to)
    stream = is_stream_target(out)
    size = write_data(out, render(journey, fmt, lang=lang, paper=paper, page=page))
    # the summary goes to stderr when the output itself is a stream (/dev/stdout, a pipe)
    echo_text(f"wrote {out} ({fmt}, {_size(size)})", err=stream)


@click.command("site")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--out", "-o", "out", required=True, metavar="DIR", help="Project folder.")
@click.option("--title", default=None, metavar="T", help="Site name (default: Journeys).")
@click.option("--build", is_flag=True, help="Also run `mkdocs build --strict` (DIR/site).")
@_LANG
def site_command(
    paths: tuple[str, ...], out: str, title: str | None, build: bool, lang: str | None
) -> None:
    """Write a MkDocs (Material) site with one page per journey PATH (files or template
    names). The site renders offline: Mermaid and Vega are shipped with it.
    """
    from cxkit.export import build_site, site
    from cxkit.io import load_journey

    journeys = [load_journey(p) for p in paths]
    project = site(journeys, out, title=title, lang=lang)
    echo_text(f"wrote {project / 'mkdocs.yml'} ({len(journeys)} journeys)")
    if build:
        built = build_site(project)
        echo_text(f"built {built / 'index.html'}")
    else:
        echo_text(f"build it: cd {shlex.quote(str(project))} && mkdocs build --strict")


def register(group: click.Group) -> None:
    """Add ``export`` and ``site`` to the ``cxkit`` group."""
    group.add_command(export_command)
    group.add_command(site_command)
