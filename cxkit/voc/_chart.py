"""The call-reason impact chart: churn lift per reason with its interval (altair)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label, resolve_lang

if TYPE_CHECKING:
    import altair as alt

__all__ = ["call_reason_chart"]

_WIDTH = 460


def call_reason_chart(
    impact: pl.DataFrame, *, lang: str = "en", color: str = "auto", top: int | None = None
) -> alt.LayerChart:
    """Bars of each reason's churn lift, whiskers for its interval, a rule at 1×.

    Parameters
    ----------
    impact
        A :func:`~cxkit.voc.call_reason_impact` table.
    lang
        Language of the titles and axes.
    color
        ``"cost"``, ``"contacts"`` or ``"auto"`` (cost when the table has it).
    top
        Only the first ``top`` reasons (by rank).

    Returns
    -------
    altair.LayerChart
        Themed (:func:`cxkit.viz.theme.apply_theme`); reasons whose lift is undefined
        are listed in the subtitle instead of drawn.

    Examples
    --------
    >>> import polars as pl
    >>> t = pl.DataFrame(
    ...     {
    ...         "rank": [1, 2],
    ...         "reason": ["bill", "wifi"],
    ...         "contacts": [40, 20],
    ...         "cost": [None, None],
    ...         "churn_lift": [2.0, None],
    ...         "churn_lift_low": [1.2, None],
    ...         "churn_lift_high": [3.3, None],
    ...         "lift_note": [None, "no_contrast"],
    ...     }
    ... )
    >>> spec = call_reason_chart(t).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['bar', 'rule', 'rule']
    >>> spec["title"]["subtitle"]
    ['undefined: wifi']
    """
    import altair as alt

    from cxkit.viz.theme import INK, apply_theme

    lang = resolve_lang(lang)
    need = {"reason", "contacts", "churn_lift", "churn_lift_low", "churn_lift_high"}
    if not isinstance(impact, pl.DataFrame) or need - set(impact.columns):
        raise CxkitError("`impact` must be the table of cxkit.voc.call_reason_impact")
    if color not in ("auto", "cost", "contacts"):
        raise CxkitError(f"`color` must be 'auto', 'cost' or 'contacts', got {color!r}")
    table = impact.head(top) if top else impact
    if "category" in table.columns:
        name = pl.col("reason") + pl.lit(" / ") + pl.col("category").fill_null("–")
        table = table.with_columns(reason=name)
    has_cost = "cost" in table.columns and table["cost"].null_count() < table.height
    by = "cost" if color == "cost" or (color == "auto" and has_cost) else "contacts"
    drawn = table.filter(pl.col("churn_lift").is_not_null())
    undefined = table.filter(pl.col("churn_lift").is_null())["reason"].to_list()
    frame = drawn.select(
        "reason", "contacts", by if by != "contacts" else pl.lit(None).alias("_"),
        "churn_lift", "churn_lift_low", "churn_lift_high",
    )  # fmt: skip
    order = frame["reason"].to_list()
    y = alt.Y("reason:N", sort=order, title=label("voc_reason", lang))
    x_title = label("voc_lift_ci", lang)
    legend = label("voc_cost" if by == "cost" else "voc_contacts", lang)
    bars = (
        alt.Chart(frame)
        .mark_bar(opacity=0.85)
        .encode(
            x=alt.X("churn_lift:Q", title=x_title, axis=alt.Axis(labelFlush=False)),
            y=y,
            color=alt.Color(f"{by}:Q", title=legend, scale=alt.Scale(range=["#F5B971", "#A63603"])),
            tooltip=["reason:N", "contacts:Q", "churn_lift:Q", "churn_lift_low:Q",
                     "churn_lift_high:Q"],
        )
    )  # fmt: skip
    whiskers = (
        alt.Chart(frame)
        .mark_rule(color=INK, strokeWidth=2)
        .encode(x="churn_lift_low:Q", x2="churn_lift_high:Q", y=y)
    )
    one = (
        alt.Chart(pl.DataFrame({"one": [1.0], "t": [label("voc_chart_baseline", lang)]}))
        .mark_rule(color=INK, strokeDash=[4, 3])
        .encode(x="one:Q", tooltip=["t:N"])
    )
    subtitle = [f"{label('voc_undefined', lang)}: {', '.join(undefined)}"] if undefined else []
    chart = alt.layer(bars, whiskers, one).properties(
        width=_WIDTH,
        height=max(60, 28 * max(1, len(order))),
        title=alt.TitleParams(label("voc_chart_title", lang), subtitle=subtitle),
    )
    return apply_theme(chart)
