"""Publishing commands: ``cxkit export`` (one journey, one format) and ``cxkit site``.

Both are thin over :mod:`cxkit.export`; PATH is a journey file or a template name.

Examples
--------
>>> from cxkit.cli import main
>>> main(["export", "billing_inquiry", "--to", "mermaid"])  # doctest: +ELLIPSIS
journey
    title Billing inquiry (cxkit model reference, Example A)
...
0
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxkit.cli._common import lang_option
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
    type=click.Choice(["md", "mermaid", "flowchart", "html", "svg", "png", "yaml", "json"]),
    default=None,
    help="Output format (default: from the suffix of --out).",
)
@click.option(
    "--out",
    "-o",
    "out",
    default=None,
    metavar="OUT",
    help="File to write (atomically). Without it, text formats go to standard output.",
)
@_LANG
def export_command(path: str, to: str | None, out: str | None, lang: str | None) -> None:
    """Export the journey PATH (a file or a template name) to another format.

    md: a Markdown page; mermaid: the Mermaid journey diagram; flowchart: the
    touchpoint graph in Mermaid; html: a self-contained page (no network); svg/png:
    the journey map chart; yaml/json: the journey file itself.
    """
    from cxkit.export import render, write
    from cxkit.export._files import format_for
    from cxkit.io import load_journey

    if out is None and to is None:
        raise CxkitError("give --to FORMAT, or --out OUT with a known suffix (.md, .html…)")
    journey = load_journey(path)
    if out is None or out == "-":
        fmt = format_for("", to)
        if fmt == "png":
            raise CxkitError("--to png writes binary data: give --out FILE.png")
        text = render(journey, fmt, lang=lang)
        assert isinstance(text, str)
        click.echo(text, nl=not text.endswith("\n"))
        return
    target = write(journey, out, to, lang=lang)
    fmt = format_for(out, to)
    click.echo(f"wrote {target} ({fmt}, {_size(target.stat().st_size)})")


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
    click.echo(f"wrote {project / 'mkdocs.yml'} ({len(journeys)} journeys)")
    if build:
        built = build_site(project)
        click.echo(f"built {built / 'index.html'}")
    else:
        click.echo(f"build it: cd {Path(out)} && mkdocs build --strict", file=sys.stdout)


def register(group: click.Group) -> None:
    """Add ``export`` and ``site`` to the ``cxkit`` group."""
    group.add_command(export_command)
    group.add_command(site_command)
