"""cxkit — design, simulate and justify customer journeys in Jupyter.

Examples
--------
>>> import cxkit as cx
>>> j = cx.load_journey("billing_inquiry")
>>> j.evaluate().aggregate.peak_end
-1.5

The model types and I/O functions are available at the top level; the domains are
namespaces loaded on first use: ``cx.sim``, ``cx.roi``, ``cx.analytics``, ``cx.viz``,
``cx.export``, ``cx.widgets``, ``cx.data``. ``import cxkit`` stays light: altair,
ipywidgets and vl-convert are imported only by the namespaces that need them.
"""

from __future__ import annotations

import importlib
from typing import Any

from cxkit.core.channels import BUILTIN_CHANNELS, Channel
from cxkit.core.economics import Economics, Effect, Initiative, Prerequisite
from cxkit.core.emotion import JourneyEmotion
from cxkit.core.errors import (
    CxkitError,
    JourneyValidationError,
    Problem,
    SimulationError,
    TemplateNotFoundError,
    YamlSyntaxError,
)
from cxkit.core.graph import TouchpointGraph
from cxkit.core.journey import Journey
from cxkit.core.model import (
    CallReason,
    Emotion,
    Evidence,
    Handoff,
    Outcome,
    OutcomeKind,
    Persona,
    Stage,
    Step,
    Touchpoint,
    TouchpointKind,
)
from cxkit.core.params import EffortParams, EmotionParams, ModelParams
from cxkit.io import (
    dump_journey,
    list_templates,
    load_journey,
    loads_journey,
    save_journey,
    validate_file,
)

__version__ = "0.1.0.dev0"

_NAMESPACES = ("sim", "roi", "analytics", "viz", "export", "widgets", "data", "io", "core", "voc")

__all__ = [
    "BUILTIN_CHANNELS",
    "CallReason",
    "Channel",
    "CxkitError",
    "Economics",
    "Effect",
    "EffortParams",
    "Emotion",
    "EmotionParams",
    "Evidence",
    "Handoff",
    "Initiative",
    "Journey",
    "JourneyEmotion",
    "JourneyValidationError",
    "ModelParams",
    "Outcome",
    "OutcomeKind",
    "Persona",
    "Prerequisite",
    "Problem",
    "SimulationError",
    "Stage",
    "Step",
    "TemplateNotFoundError",
    "Touchpoint",
    "TouchpointGraph",
    "TouchpointKind",
    "YamlSyntaxError",
    "__version__",
    "dump_journey",
    "list_templates",
    "load_journey",
    "loads_journey",
    "save_journey",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    if name in _NAMESPACES:
        module = importlib.import_module(f"cxkit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'cxkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_NAMESPACES])
