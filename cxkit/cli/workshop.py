"""``cxkit workshop``: the client workshop as a web app with no code visible."""

from __future__ import annotations

from pathlib import Path

import click

from cxkit.cli._common import echo_text, lang_option, looks_like_name, resolve_source


def _journey_arg(source: str | None) -> str | None:
    """A template name as it is; a file as an absolute path (the kernel runs elsewhere)."""
    if source is None:
        return None
    path = resolve_source(source)  # a clear error for a missing file or an unknown name
    if looks_like_name(source) and not Path(source).is_file():
        return source
    from cxkit.io import load_journey

    load_journey(path)  # a broken journey stops here, not in the client's browser
    return str(path.resolve())


@click.command("workshop")
@click.option(
    "--port",
    type=int,
    default=8866,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@lang_option("Language of the workshop notebook (ja: 05_workshop_ja.ipynb).", default="en")
@click.option(
    "--journey",
    "journey",
    metavar="TEMPLATE_OR_FILE",
    help="Run the workshop on this journey instead of the notebook's example.",
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Working folder for the app's notebook (default: a temporary one).",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser; print the URL only.")
@click.option(
    "--preheat",
    is_flag=True,
    help="Run the notebook before the first visitor arrives (faster first page).",
)
@click.option(
    "--copy-only",
    is_flag=True,
    help="Copy the notebooks missing in --dir (what `make lab` does) and exit.",
)
def workshop_command(
    port: int,
    lang: str,
    journey: str | None,
    folder: Path | None,
    no_browser: bool,
    preheat: bool,
    copy_only: bool,
) -> None:
    """Serve the workshop as a web app with no code visible (Voilà), on 127.0.0.1.

    Prints the URL; Ctrl-C stops it. The app runs on a working copy of the
    notebook: the repository's notebooks/ are never written.
    """
    from cxkit.workshop import serve, working_copy

    if copy_only:
        target = folder or Path("workshop")
        copied = working_copy(target)
        names = ", ".join(p.name for p in copied) or "none (all present: kept as they are)"
        echo_text(f"cxkit workshop: working copy in {target}; copied now: {names}")
        return
    code = serve(
        lang,
        port,
        _journey_arg(journey),
        folder,
        open_browser=not no_browser,
        preheat=preheat,
        echo=echo_text,
    )
    if code not in (0, -15):
        raise click.exceptions.Exit(code)


def register(group: click.Group) -> None:
    """Add ``cxkit workshop`` to the command group."""
    group.add_command(workshop_command)
