"""Charts of journeys and simulations, returned as altair charts.

Every function takes the model first and *returns* a chart (nothing is shown or
written): ``cx.viz.journey_map(j)`` in a notebook cell displays it, ``.save(...)`` or
:mod:`cxkit.export` writes it. ``import cxkit.viz`` is light: altair and vl-convert
are imported only when a chart function is first used (module ``__getattr__``).

Journey charts (:mod:`cxkit.viz.journey`)
    :func:`journey_map`, :func:`journey_map_pages` (the map in pages for A4/A3
    landscape, :func:`steps_per_page`), :func:`emotion_curve`,
    :func:`touchpoint_graph`, :func:`expectation_gap_heatmap`.
Simulation charts (:mod:`cxkit.viz.simulation`)
    ``outcome_shares``, ``ces_distribution``, ``flows``, ``what_if``.
Comparisons (:mod:`cxkit.viz.compare`)
    :func:`compare_journeys` (as-is vs to-be), :func:`journey_diff`, :func:`persona_map`.
ROI charts (:mod:`cxkit.viz.roi`)
    ``npv_fan``, ``cumulative_cash_flow``, ``roadmap_gantt``, ``tornado``,
    ``initiative_comparison``.
Look and display
    :func:`apply_theme`, :func:`theme_config`, :func:`use_theme`,
    :func:`channel_color`, ``EMOTION_COLORS`` (:mod:`cxkit.viz.theme`);
    :func:`enable_offline_renderer`, :func:`journey_mimebundle`
    (:mod:`cxkit.viz.display`); :func:`register_fonts` (:mod:`cxkit.viz.fonts`).

Examples
--------
>>> import cxkit as cx
>>> chart = cx.viz.emotion_curve(cx.load_journey("billing_inquiry"))
>>> type(chart).__name__
'LayerChart'
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name → the module that defines it (imported on first access).
_LAZY: dict[str, str] = {
    # journey charts
    "journey_map": "cxkit.viz.journey",
    "journey_map_pages": "cxkit.viz.journey",
    "journey_map_page": "cxkit.viz.journey",
    "steps_per_page": "cxkit.viz.journey",
    "emotion_curve": "cxkit.viz.journey",
    "touchpoint_graph": "cxkit.viz.journey",
    "expectation_gap_heatmap": "cxkit.viz.journey",
    # simulation charts (another module, same namespace)
    "outcome_shares": "cxkit.viz.simulation",
    "ces_distribution": "cxkit.viz.simulation",
    "flows": "cxkit.viz.simulation",
    "what_if": "cxkit.viz.simulation",
    # ROI charts
    "npv_fan": "cxkit.viz.roi",
    "cumulative_cash_flow": "cxkit.viz.roi",
    "roadmap_gantt": "cxkit.viz.roi",
    "tornado": "cxkit.viz.roi",
    "initiative_comparison": "cxkit.viz.roi",
    # comparisons: as-is vs to-be, several personas
    "compare_journeys": "cxkit.viz.compare",
    "journey_diff": "cxkit.viz.compare",
    "persona_map": "cxkit.viz.compare",
    # display and fonts
    "enable_offline_renderer": "cxkit.viz.display",
    "journey_mimebundle": "cxkit.viz.display",
    "register_fonts": "cxkit.viz.fonts",
    # theme
    "EMOTION_COLORS": "cxkit.viz.theme",
    "apply_theme": "cxkit.viz.theme",
    "channel_color": "cxkit.viz.theme",
    "theme_config": "cxkit.viz.theme",
    "use_theme": "cxkit.viz.theme",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'cxkit.viz' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
