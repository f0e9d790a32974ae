"""Flag initiatives whose value is far outside the others', so a facilitator questions it.

The rule (also in ``docs/reference/roi.md``), on the risk-adjusted NPV P50 of the
initiatives that apply (at least four of them):

* **robust z** — ``y = asinh(NPV / s)`` with ``s`` the median ``|NPV|`` (a log scale
  that keeps the sign: ``asinh`` is ``±log(2|x|)`` for large ``|x|`` and linear near
  0); ``z = 0.6745·(y − median y) / MAD(y)`` (Iglewicz & Hoaglin's modified z-score);
  flagged when ``|z| > 3.5``;
* **payback** — payback under one period while the NPV is more than ten times the
  median ``|NPV|``: a quick, large win is the classic sign of an effect set too high.

Examples
--------
>>> flags = outliers(
...     {"a": (1.0, 4.0), "b": (2.0, 3.0), "c": (1.5, 5.0), "d": (0.5, None), "e": (300.0, 0.5)}
... )
>>> sorted(flags), flags["e"].kinds
(['e'], ('npv_high', 'payback'))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cxkit.core.i18n import label

__all__ = [
    "MIN_INITIATIVES",
    "PAYBACK_RATIO",
    "Z_LIMIT",
    "Outlier",
    "evaluation_outliers",
    "outliers",
]

#: The modified z-score beyond which an NPV is flagged (Iglewicz & Hoaglin 1993).
Z_LIMIT = 3.5
#: NPV / median |NPV| above which a payback under one period is flagged.
PAYBACK_RATIO = 10.0
#: Fewer initiatives than this give no "others" to compare with: nothing is flagged.
MIN_INITIATIVES = 4


@dataclass(frozen=True)
class Outlier:
    """One flagged initiative: which rules fired, its z-score and NPV / median |NPV|."""

    id: str
    kinds: tuple[str, ...]
    z: float
    ratio: float

    def message(self, lang: str = "en") -> str:
        """The flag as a sentence in ``lang`` (the rules that fired, joined)."""
        parts = []
        for kind in self.kinds:
            parts.append(
                label(f"roi_outlier_{kind}", lang).format(
                    z=f"{self.z:+.1f}", ratio=f"{self.ratio:.0f}"
                )
            )
        return ("；" if lang == "ja" else "; ").join(parts)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready dict with the ``message`` in ``lang``."""
        return {
            "kinds": list(self.kinds),
            "z": self.z,
            "ratio": self.ratio,
            "message": self.message(lang),
        }


def outliers(values: Mapping[str, tuple[float, float | None]]) -> dict[str, Outlier]:
    """``{id: Outlier}`` from ``{id: (NPV P50, payback in periods or None)}`` (module rule)."""
    ids = [k for k, (v, _) in values.items() if math.isfinite(v)]
    if len(ids) < MIN_INITIATIVES:
        return {}
    npv = np.array([values[k][0] for k in ids], dtype=float)
    scale = float(np.median(np.abs(npv)))
    if scale <= 0:
        return {}
    y = np.arcsinh(npv / scale)
    mad = float(np.median(np.abs(y - np.median(y))))
    z = 0.6745 * (y - np.median(y)) / mad if mad > 0 else np.zeros_like(y)
    out: dict[str, Outlier] = {}
    for k, iid in enumerate(ids):
        kinds = []
        if z[k] > Z_LIMIT:
            kinds.append("npv_high")
        elif z[k] < -Z_LIMIT:
            kinds.append("npv_low")
        pay = values[iid][1]
        ratio = npv[k] / scale
        if pay is not None and math.isfinite(pay) and pay < 1.0 and ratio > PAYBACK_RATIO:
            kinds.append("payback")
        if kinds:
            out[iid] = Outlier(iid, tuple(kinds), float(z[k]), float(ratio))
    return out


def evaluation_outliers(evaluation: Any) -> dict[str, Outlier]:
    """:func:`outliers` of an :class:`~cxkit.roi.Evaluation`'s initiatives that apply.

    The NPV is the risk-adjusted P50 and the payback that of the evaluation's table.
    """
    rows = evaluation.table()
    return outliers(
        {r["id"]: (float(r["p50"]), r["payback"]) for r in rows if r.get("applies", True)}
    )
