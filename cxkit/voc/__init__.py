"""Voice of the customer → product feedback: what the call center should tell the product team.

* :func:`call_reason_impact` — call reasons (and complaint categories) ranked by
  volume, dissatisfaction, repeat contacts, churn lift against the customers without
  the reason, and cost to serve, each with its interval.
* :func:`fix_list` — the top reasons as entries for the product team (CSV, Markdown,
  JSON), each convertible into the product-feedback initiative the ROI engine values
  (:meth:`FixEntry.to_initiative`, :func:`fix_initiative`).
* :func:`moments` / :func:`moments_page` — delighted (感動) and failed (不満) moments
  across journeys and events, as a table and as a site page.
* :func:`call_reason_chart` — the churn lift with its interval per reason (altair).

The formulas, intervals and score are in ``docs/reference/voc.md``. Submodules are
imported on first use: ``import cxkit`` stays light.

>>> import cxkit as cx
>>> "call_reason_impact" in cx.voc.__all__
True
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "IMPACT_COLUMNS",
    "FixEntry",
    "call_reason_chart",
    "call_reason_impact",
    "fix_initiative",
    "fix_list",
    "moments",
    "moments_page",
    "write_fix_list",
]

_WHERE = {
    "IMPACT_COLUMNS": "_impact",
    "call_reason_impact": "_impact",
    "FixEntry": "_fixes",
    "fix_list": "_fixes",
    "fix_initiative": "_fixes",
    "write_fix_list": "_fixes",
    "moments": "_moments",
    "moments_page": "_moments",
    "call_reason_chart": "_chart",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"cxkit.voc.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cxkit.voc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
