"""Workshop widgets: edit a journey, simulate hand-offs, plan the ROI roadmap, explore events.

Each widget holds state and calls the layers below (:mod:`cxkit.core`,
:mod:`cxkit.sim`, :mod:`cxkit.roi`, :mod:`cxkit.analytics`, :mod:`cxkit.viz`);
display ``widget.ui`` (or the widget itself) in a notebook cell. Charts are
offline ``altair.JupyterChart`` widgets (Vega comes from vl-convert, not a CDN).

=====================  ==============================================================
:class:`JourneyEditor`    steps, sliders, emotions, live journey map, undo/redo, save
:class:`HandoffExplorer`  hand-off probability and context carry-over → outcomes, CES
:class:`RoadmapPlanner`   initiatives on/off, effect ranges, budgets → NPV fan, Gantt
:class:`EventExplorer`    event log → discovered touchpoint graph and metrics
:class:`DotVoting`        dot votes on pain points → opportunity scores → proposals
=====================  ==============================================================

``import cxkit.widgets`` is light; ipywidgets and altair load with the first widget.

>>> import cxkit as cx
>>> sorted(cx.widgets.__all__)
['DotVoting', 'EventExplorer', 'HandoffExplorer', 'JourneyEditor', 'RoadmapPlanner']
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "JourneyEditor": "cxkit.widgets.editor",
    "HandoffExplorer": "cxkit.widgets.handoffs",
    "RoadmapPlanner": "cxkit.widgets.roadmap",
    "EventExplorer": "cxkit.widgets.events",
    "DotVoting": "cxkit.widgets.voting",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'cxkit.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
