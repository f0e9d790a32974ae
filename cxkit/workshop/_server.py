"""Serve the workshop as a web app with no code visible (Voilà), on 127.0.0.1 only.

:func:`start_app` starts Voilà on a notebook in its own process and session (a
Ctrl-C in the terminal reaches cxkit, which then stops Voilà and its kernels), with
a ``python3`` kernelspec pinned to this interpreter (so the page runs the cxkit that
started it) and a fresh access token in the URL. Voilà strips every code cell from
the page; the kernel still runs them. :func:`wait_until_listening` waits for the
port; the notebook itself runs when a browser opens the page.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cxkit.core.errors import CxkitError

__all__ = ["HOST", "AppServer", "check_port", "check_voila", "start_app", "wait_until_listening"]

#: The app view listens on the loopback interface only.
HOST = "127.0.0.1"

#: A Jupyter data folder holding ``voila/templates/cxkit`` (the offline page template).
TEMPLATES_ROOT = Path(__file__).resolve().parent

#: Lab extensions kept off the app page (see :func:`start_app`).
DENIED_EXTENSIONS = (
    "@jupyter/collaboration-extension",
    "@jupyter/docprovider-extension",
    "jupyterlab-jupytext",
)


def check_voila() -> None:
    """Raise a :class:`CxkitError` naming the extra to install when Voilà is missing."""
    if importlib.util.find_spec("voila") is None:
        raise CxkitError(
            "the workshop app view needs Voilà, which is not installed: "
            "run `pip install 'cxkit[notebook]'` (or `make workshop` in a checkout)"
        )


def check_port(port: int) -> int:
    """The port to serve on: ``port`` if it is free on 127.0.0.1; a free one for 0.

    Raises
    ------
    CxkitError
        When ``port`` is outside 0–65535 or already taken.

    Examples
    --------
    >>> check_port(0) > 0
    True
    """
    if not 0 <= port <= 65535:
        raise CxkitError(f"`--port` must be between 0 and 65535, got {port}")
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError as exc:
            raise CxkitError(
                f"port {port} on {HOST} is taken ({exc.strerror or exc}): another workshop "
                "or server is running there; stop it or choose another port with --port N "
                "(--port 0 picks a free one)"
            ) from None
        return int(s.getsockname()[1])


def _kernelspec(folder: Path) -> Path:
    """A ``python3`` kernelspec under ``folder`` that runs this interpreter."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    data = {"argv": argv, "display_name": "Python 3 (ipykernel)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@dataclass
class AppServer:
    """A running Voilà process and where it serves.

    Attributes
    ----------
    process
        The Voilà process (its own session: stop it with :meth:`stop`).
    url
        The page, with its access token.
    notebook
        The notebook served (a working copy).
    log
        Voilà's log file.
    """

    process: subprocess.Popen[bytes]
    url: str
    notebook: Path
    log: Path

    def stop(self, timeout: float = 15.0) -> int:
        """Stop Voilà (SIGTERM, then SIGKILL after ``timeout`` s); return its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return int(self.process.returncode)

    def log_tail(self, chars: int = 2000) -> str:
        """The end of Voilà's log (for error messages)."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""


def start_app(notebook: Path, port: int, state: Path, *, preheat: bool = False) -> AppServer:
    """Start Voilà on ``notebook`` at ``http://127.0.0.1:<port>/``.

    Parameters
    ----------
    notebook
        The notebook to serve (its folder is the kernel's working folder).
    port
        A free port (see :func:`check_port`).
    state
        A private folder for the kernelspec and Voilà's log.
    preheat
        Run the notebook in a waiting kernel before the first visitor arrives.
    """
    check_voila()
    token = secrets.token_urlsafe(16)
    jupyter_path = [
        str(_kernelspec(state / "jupyter")),
        str(TEMPLATES_ROOT),  # voila/templates/cxkit: the offline page template
        os.environ.get("JUPYTER_PATH", ""),
    ]
    env = {
        **os.environ,
        "JUPYTER_PATH": os.pathsep.join(p for p in jupyter_path if p),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        f"--Voila.token={token}",
        "--template=cxkit",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        f"--preheat_kernel={preheat}",
        # JupyterLab extensions of the environment that are not for a Voilà page
        # (real-time collaboration, jupytext): they fail to load there
        f"--VoilaConfiguration.extension_denylist={json.dumps(list(DENIED_EXTENSIONS))}",
    ]
    log = state / "voila.log"
    out: IO[bytes] = log.open("wb")
    try:
        proc = subprocess.Popen(
            cmd,
            cwd=notebook.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches cxkit, which stops Voilà
        )
    finally:
        out.close()
    return AppServer(proc, f"http://{HOST}:{port}/?token={token}", notebook, log)


def wait_until_listening(server: AppServer, port: int, timeout: float = 60.0) -> None:
    """Wait until Voilà accepts connections on ``port``.

    Raises
    ------
    CxkitError
        When Voilà exits first or does not listen within ``timeout`` seconds (with
        the end of its log).
    """
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise CxkitError(
                f"Voilà stopped (exit {server.process.returncode}) before serving the "
                f"workshop; its log ({server.log}) ends with:\n{server.log_tail()}"
            )
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise CxkitError(
                f"Voilà did not listen on {HOST}:{port} within {timeout:.0f} s; its log "
                f"({server.log}) ends with:\n{server.log_tail()}"
            )
        time.sleep(0.2)
