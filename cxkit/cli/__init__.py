"""The ``cxkit`` command line: thin commands over the API.

Each domain registers its commands from its own module (``cxkit/cli/<domain>.py``,
defining ``register(group)``); this module only builds the group and turns every
:class:`~cxkit.core.errors.CxkitError` into a clean message and exit code 1 —
never a traceback. JSON output follows the contract in ``docs/reference/cli.md``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from cxkit import __version__
from cxkit.cli._common import echo_text
from cxkit.core.errors import CxkitError

__all__ = ["cli", "main"]

#: Command modules, in the order their commands appear in ``cxkit --help``.
COMMAND_MODULES = (
    "journey",
    "export",
    "simulate",
    "roi",
    "analytics",
    "compare",
    "workshop",
    "loyalty",
    "voc",
)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CxkitError as exc:
            # values and file names in a message are shown, never run by the terminal
            echo_text(f"cxkit: error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cxkit")
def cli() -> None:
    """cxkit — design, simulate and justify customer journeys.

    Journeys are YAML files (or built-in template names: see `cxkit templates`).
    Every command that reports takes --json for a stable, documented output.
    """


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"cxkit.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a domain not built yet
        if _exc.name != f"cxkit.cli.{_name}":
            raise
        continue
    _module.register(cli)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cxkit`` script; returns the exit code."""
    try:
        cli.main(args=argv, prog_name="cxkit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
