"""Charts of :mod:`cxkit.loyalty`, returned as altair charts in the cxkit theme.

* :func:`rfm_grid` — the R × F heatmap, each cell the customers' mean monetary value
  (or their count) and the segment it belongs to;
* :func:`loyalty_matrix_chart` — the behaviour × attitude quadrants, sized by customers;
* :func:`pareto_chart` — the Pareto (Lorenz) curve with the top-x % share marked.

Every label is in English or Japanese (``lang=``); altair is imported when a chart is
drawn, never by ``import cxkit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from cxkit.core.i18n import label, resolve_lang
from cxkit.viz.theme import INK, MUTED, apply_theme

if TYPE_CHECKING:
    import altair as alt

    from cxkit.loyalty._matrix import LoyaltyMatrix
    from cxkit.loyalty._pareto import ParetoResult
    from cxkit.loyalty._rfm import RFMResult

__all__ = ["loyalty_matrix_chart", "pareto_chart", "rfm_grid"]

_BLUES = ["#EAF2FA", "#0072B2"]


def _l(key: str, lang: str) -> str:
    return label(f"loyalty_{key}", lang)


def rfm_grid(result: RFMResult, *, value: str = "monetary", lang: str | None = None) -> alt.Chart:
    """The R × F grid: ``value="monetary"`` colours cells by mean monetary value,
    ``"customers"`` by their count; every cell shows its segment and customers.

    Examples
    --------
    >>> import polars as pl, datetime as dt
    >>> from cxkit.loyalty import rfm
    >>> t = pl.DataFrame(
    ...     {
    ...         "customer_id": list("abcde"),
    ...         "date": [dt.date(2026, 1, d) for d in range(1, 6)],
    ...         "amount": [1.0, 2, 3, 4, 5],
    ...     }
    ... )
    >>> spec = rfm_grid(rfm(t), lang="ja").to_dict()
    >>> spec["title"]
    'RFMグリッド：直近性 × 頻度'
    """
    import altair as alt

    from cxkit.loyalty._segments import segment_label

    lang = resolve_lang(lang)
    if value not in ("monetary", "customers"):
        from cxkit.core.errors import CxkitError

        raise CxkitError(f"`value` must be 'monetary' or 'customers', got {value!r}")
    g = _full_grid(result).with_columns(
        pl.col("segment")
        .map_elements(lambda s: segment_label(s, lang), return_dtype=pl.String)
        .alias("label"),
        pl.col("customers")
        .map_elements(lambda n: _l("customers_n", lang).format(n=f"{n:,}"), return_dtype=pl.String)
        .alias("n_text"),
    )
    field = "monetary_mean" if value == "monetary" else "customers"
    title = _l("mean_monetary", lang) if value == "monetary" else _l("customers", lang)
    k = result.bins.k
    top = g[field].max() or 0
    g = g.with_columns((pl.col(field).fill_null(0) > 0.6 * top).alias("dark"))
    ink = alt.condition("datum.dark", alt.value("white"), alt.value(INK))
    base = alt.Chart(alt.Data(values=g.to_dicts())).encode(
        x=alt.X(
            "f_score:O",
            title=_l("f_score", lang),
            scale=alt.Scale(domain=list(range(1, k + 1))),
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y(
            "r_score:O", title=_l("r_score", lang), scale=alt.Scale(domain=list(range(k, 0, -1)))
        ),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(f"{field}:Q", title=title, scale=alt.Scale(range=_BLUES)),
        tooltip=[
            alt.Tooltip("label:N", title=_l("segment", lang)),
            alt.Tooltip("customers:Q", title=_l("customers", lang)),
            alt.Tooltip("monetary_mean:Q", title=_l("mean_monetary", lang), format=",.0f"),
        ],
    )
    seg = base.mark_text(dy=-7, fontSize=11).encode(text="label:N", color=ink)
    count = base.mark_text(dy=8, fontSize=10).encode(text="n_text:N", color=ink)
    chart = (cells + seg + count).properties(
        width=125 * k, height=60 * k, title=_l("rfm_grid", lang)
    )
    return apply_theme(chart)


def _full_grid(result: RFMResult) -> pl.DataFrame:
    """Every (R, F) cell with its customers (0 when empty), mean monetary and the
    segment of the rule table (when the scores are 1–5)."""
    k = result.bins.k
    cells = pl.DataFrame(
        {
            "r_score": [r for r in range(k, 0, -1) for _ in range(k)],
            "f_score": [f for _ in range(k) for f in range(1, k + 1)],
        },
        schema={"r_score": pl.Int8, "f_score": pl.Int8},
    )
    seg = result.segments.segment
    cells = cells.with_columns(
        pl.struct("r_score", "f_score")
        .map_elements(
            lambda c: seg(c["r_score"], c["f_score"]) if k == 5 else "", return_dtype=pl.String
        )
        .alias("segment")
    )
    got = result.grid().drop("segment")
    return cells.join(got, on=["r_score", "f_score"], how="left").with_columns(
        pl.col("customers").fill_null(0)
    )


def loyalty_matrix_chart(matrix: LoyaltyMatrix, *, lang: str | None = None) -> alt.Chart:
    """The 2 × 2 behaviour × attitude matrix: each quadrant's name, customers and share.

    Customers without an answer are not a quadrant: their count is the subtitle.
    """
    import altair as alt

    lang = resolve_lang(lang)
    hi, lo = _l("high", lang), _l("low", lang)
    where = {"true_loyal": (hi, hi), "inertia": (hi, lo), "latent": (lo, hi), "low": (lo, lo)}
    colors = {"true_loyal": "#0072B2", "inertia": "#E69F00", "latent": "#56B4E9", "low": "#D9D9D9"}
    rows = []
    missing = ""
    for q in matrix.counts.to_dicts():
        if q["quadrant"] not in where:
            if q["customers"]:  # said under the title: the chart shows only who answered
                missing = (
                    f"{_l('q_no_answer', lang)}: {q['customers']:,} ({100 * q['share']:.0f} %)"
                )
            continue
        b, a = where[q["quadrant"]]
        full = label(f"loyalty_q_{q['quadrant']}", lang)
        main, _, rest = full.replace("（", "(").partition("(")
        rows.append(
            {
                "behaviour": b,
                "attitude": a,
                "name": main.strip(),
                "sub": rest.rstrip(")）").strip(),
                "text": f"{q['customers']:,} ({100 * q['share']:.0f} %)",
                "color": colors[q["quadrant"]],
                "customers": q["customers"],
            }
        )
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            "behaviour:N", title=_l("behaviour", lang), sort=[lo, hi], axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y("attitude:N", title=_l("attitude", lang), sort=[hi, lo]),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=3, opacity=0.85).encode(
        color=alt.Color("color:N", scale=None),
        tooltip=[
            alt.Tooltip("name:N", title=_l("quadrant", lang)),
            alt.Tooltip("customers:Q", title=_l("customers", lang)),
        ],
    )
    name = base.mark_text(dy=-16, fontSize=13, fontWeight="bold", color=INK).encode(text="name:N")
    sub = base.mark_text(dy=2, fontSize=11, color=INK).encode(text="sub:N")
    count = base.mark_text(dy=20, fontSize=12, color=INK).encode(text="text:N")
    return apply_theme(
        (cells + name + sub + count).properties(
            width=420, height=260, title=alt.TitleParams(_l("matrix", lang), subtitle=missing)
        )
    )


def pareto_chart(result: ParetoResult, *, lang: str | None = None) -> alt.Chart:
    """The Pareto curve: cumulative revenue share over customers (largest first), the
    equal-spend diagonal, and the top share marked."""
    import altair as alt

    lang = resolve_lang(lang)
    curve = result.curve.to_dicts()
    x = alt.X("customer_share:Q", title=_l("customer_share", lang), axis=alt.Axis(format="%"))
    y = alt.Y("revenue_share:Q", title=_l("cum_revenue_share", lang), axis=alt.Axis(format="%"))
    line = alt.Chart(alt.Data(values=curve)).mark_line(color="#0072B2", strokeWidth=2.5)
    diag = alt.Chart(
        alt.Data(
            values=[
                {"customer_share": 0, "revenue_share": 0},
                {"customer_share": 1, "revenue_share": 1},
            ]
        )
    ).mark_line(color=MUTED, strokeDash=[4, 4])
    top_text = _l("top_share", lang).format(
        top=f"{100 * result.top:g} %", share=f"{100 * result.share:.1f} %"
    )
    point = {"customer_share": result.top, "revenue_share": result.share, "text": top_text}
    mark = alt.Chart(alt.Data(values=[point]))
    rule = mark.mark_rule(color="#D55E00", strokeDash=[2, 2]).encode(x="customer_share:Q")
    dot = mark.mark_point(color="#D55E00", filled=True, size=70)
    text = mark.mark_text(align="left", dx=8, dy=12, color=INK, fontSize=12).encode(text="text:N")
    chart = alt.layer(
        line.encode(x=x, y=y),
        diag.encode(x=x, y=y),
        rule,
        dot.encode(x=x, y=y),
        text.encode(x=x, y=y),
    ).properties(width=420, height=300, title=_l("pareto", lang))
    return apply_theme(chart)
