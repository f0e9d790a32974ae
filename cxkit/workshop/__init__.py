"""The client workshop without code: working copies, the app view, the tofu check.

A workshop never writes into the repository's ``notebooks/``:
:func:`working_copy` copies the notebooks into a working folder (what ``make lab``
does into ``workshop/``) and :func:`app_notebook` writes the notebook the app view
serves. :func:`serve` runs that notebook as a web app with no code visible (Voilà)
on 127.0.0.1 — the ``cxkit workshop`` command. :func:`font_warning` says how to fix
Japanese text that would show as empty boxes (□□) when no CJK font is installed.

Examples
--------
>>> from cxkit.workshop import APP_NOTEBOOKS
>>> APP_NOTEBOOKS["ja"]
'05_workshop_ja.ipynb'
"""

from __future__ import annotations

from cxkit.workshop._app import serve
from cxkit.workshop._copy import APP_NOTEBOOKS, app_notebook, notebooks_dir, working_copy
from cxkit.workshop._fonts import FontWarning, font_warning, has_cjk_font
from cxkit.workshop._server import check_port, check_voila

__all__ = [
    "APP_NOTEBOOKS",
    "FontWarning",
    "app_notebook",
    "check_port",
    "check_voila",
    "font_warning",
    "has_cjk_font",
    "notebooks_dir",
    "serve",
    "working_copy",
]
