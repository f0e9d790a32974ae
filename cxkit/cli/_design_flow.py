"""The design-time / flow-time table of ``cxkit show`` and ``cxkit simulate`` (text).

Both commands print the ``design_vs_flow`` block of their JSON document
(:meth:`cxkit.sim.design_flow.DesignVsFlow.to_dict`) with :func:`render_design_flow`,
so the two reports show the same labels, numbers and reasons.
"""

from __future__ import annotations

import textwrap
from typing import Any

from cxkit.cli._common import table
from cxkit.core.i18n import label
from cxkit.sim.design_flow import METRICS

__all__ = ["render_design_flow"]


def _cell(value: float | None, key: str, na: dict[str, str] | None) -> str:
    if value is None:
        return na["message"] if na else "–"
    return format(value, METRICS[key][3])


def render_design_flow(block: dict[str, Any], lang: str = "en") -> list[str]:
    """Text lines: the heading, one row per metric, and why the two columns differ.

    Examples
    --------
    >>> import cxkit as cx
    >>> from cxkit.sim.design_flow import design_vs_flow
    >>> t = design_vs_flow(cx.load_journey("web_phone_faq"), n_customers=1000)
    >>> lines = render_design_flow(t.to_dict("en"))
    >>> lines[0], lines[2].split()[:3], lines[3].split()[-2:]
    ('Design-time and flow-time', ['Metric', 'Designed', 'steps'], ['Monte', 'Carlo'])
    """
    head = [
        label("sim_metric", lang),
        f"{label('dv_design', lang)} ({label('dv_design_time', lang)})",
        f"{label('dv_flow', lang)} ({label('dv_flow_time', lang)})",
        label("dv_engine", lang),
    ]
    rows = [head]
    for m in block["metrics"]:
        na = m["not_applicable"]
        engine = label(f"sim_{m['flow_engine']}", lang)
        flow = _cell(m["flow"], m["key"], na.get("flow"))
        if m["flow_ci"] is not None and m["flow"] is not None:
            low, high = (_cell(x, m["key"], None) for x in m["flow_ci"])
            flow += f" [{low}, {high}]"
        rows.append([m["label"], _cell(m["design"], m["key"], na.get("design")), flow, engine])
    lines = [label("dv_heading", lang), ""]
    if block["error"]:
        lines.append("  " + label("dv_unavailable", lang).format(error=block["error"]))
    lines += table(rows, "lrrl")
    mc = block["monte_carlo"]
    width = 44 if lang == "ja" else 88  # Japanese characters take two columns
    note = label("dv_mc_note", lang).format(n=f"{mc['n_customers']:,}", seed=mc["seed"])
    lines.append("")
    for text in (label("dv_explain", lang), note):
        lines += textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="  ")
    if block["single_path"]:
        lines.append("  " + label("dv_equal", lang))
    elif block["reasons"]:
        lines.append(f"  {label('dv_why', lang)}:")
        for r in block["reasons"]:
            lines += textwrap.wrap(
                r["message"], width, initial_indent="  - ", subsequent_indent="    "
            )
    return lines
