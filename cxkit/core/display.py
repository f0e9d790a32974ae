"""Notebook display of core objects, without importing the upper layers.

Core stays pure: the renderer that turns a journey into its map lives in
``cxkit.viz.display`` and is looked up *by name* when a notebook asks for a
display. If it cannot be imported or fails, the journey shows itself as text and
says why — a display hook never raises (as altair's ``_repr_mimebundle_``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["JOURNEY_RENDERER", "mimebundle"]

#: ``module:function`` that renders a journey as a MIME bundle.
JOURNEY_RENDERER = "cxkit.viz.display:journey_mimebundle"


def mimebundle(obj: Any, renderer: str, text: str) -> dict[str, Any]:
    """Call ``renderer`` on ``obj``; on any failure return ``text`` plus the reason."""
    module_name, _, func_name = renderer.partition(":")
    try:
        render = getattr(importlib.import_module(module_name), func_name)
        bundle = render(obj)
    except Exception as exc:  # noqa: BLE001 - a display hook must never raise
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return {"text/plain": f"{text}\n(journey map unavailable: {reason})"}
    bundle = dict(bundle)
    bundle.setdefault("text/plain", text)
    return bundle
