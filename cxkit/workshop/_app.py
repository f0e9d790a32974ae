"""``cxkit workshop``: prepare a working copy, serve it, report, stop on Ctrl-C."""

from __future__ import annotations

import shutil
import signal
import tempfile
import webbrowser
from collections.abc import Callable
from pathlib import Path

from cxkit.workshop._copy import APP_NOTEBOOKS, app_notebook
from cxkit.workshop._fonts import font_warning
from cxkit.workshop._server import (
    AppServer,
    check_port,
    check_voila,
    start_app,
    wait_until_listening,
)

__all__ = ["serve"]


def _prepare(
    folder: Path | None, lang: str, journey: str | None, echo: Callable[[str], None]
) -> tuple[Path, Path, bool]:
    """The working folder, the app notebook in it, and whether the folder is ours."""
    own = folder is None
    work = Path(tempfile.mkdtemp(prefix="cxkit-workshop-")) if folder is None else folder
    notebook = app_notebook(work, lang, journey)
    echo(
        f"cxkit workshop: {APP_NOTEBOOKS[lang]} runs on a working copy in {work} "
        "(the repository's notebooks are not changed)"
    )
    warning = font_warning(lang)
    if warning is not None:
        echo(f"cxkit workshop: warning: {warning}")
    return work, notebook, own


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> object:
    """Make SIGTERM stop the workshop like Ctrl-C (main thread only); the old handler."""
    try:
        return signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return None


def serve(
    lang: str = "en",
    port: int = 8866,
    journey: str | None = None,
    folder: Path | None = None,
    *,
    open_browser: bool = True,
    preheat: bool = False,
    echo: Callable[[str], None] = print,
) -> int:
    """Serve the workshop app view until Ctrl-C; return Voilà's exit code.

    Parameters
    ----------
    lang
        ``"en"`` or ``"ja"``: which workshop notebook.
    port
        The port on 127.0.0.1 (0: a free one).
    journey
        Another journey (a template name or an absolute YAML path), or ``None``.
    folder
        The working folder; ``None`` makes a temporary one, removed at the end.
    open_browser
        Open the page in the default browser once the server listens.
    preheat
        Run the notebook in a waiting kernel before the first visitor.
    echo
        Where progress lines go.

    Raises
    ------
    CxkitError
        When Voilà is missing, the port is taken or Voilà stops on its own.
    """
    check_voila()
    port = check_port(port)
    work, notebook, own = _prepare(folder, lang, journey, echo)
    state = Path(tempfile.mkdtemp(prefix="cxkit-workshop-state-"))
    server: AppServer | None = None
    previous = _stop_on_sigterm()
    try:
        server = start_app(notebook, port, state, preheat=preheat)
        wait_until_listening(server, port)
        echo(f"cxkit workshop: serving {server.url}")
        echo("cxkit workshop: on this machine only (127.0.0.1), offline; Ctrl-C stops it")
        if open_browser:
            webbrowser.open(server.url)
        try:
            code = server.process.wait()
        except KeyboardInterrupt:
            echo("cxkit workshop: stopping…")
            server.stop()
            code = 0
        echo("cxkit workshop: stopped")
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.stop()
        shutil.rmtree(state, ignore_errors=True)
        if own:
            shutil.rmtree(work, ignore_errors=True)
