"""``cxkit loyalty TRANSACTIONS``: RFM summary, segments and revenue concentration.

TRANSACTIONS is a file (``.csv``, ``.parquet``, ``.ndjson``/``.jsonl``, ``.xlsx``) with
one row per purchase or refund: customer id, date, amount (names set with
``--customer-id``, ``--date``, ``--amount``). ``--json`` prints the stable document of
``docs/reference/loyalty.md``; ``--out FILE.csv`` writes one row per customer.

The payload and the text report are pure functions:

>>> import polars as pl, datetime as dt
>>> from cxkit.loyalty import rfm
>>> t = pl.DataFrame(
...     {"customer_id": ["a", "b"], "date": [dt.date(2026, 1, 1)] * 2, "amount": [10.0, 30.0]}
... )
>>> p = loyalty_payload(rfm(t), top=0.5)
>>> p["command"], p["pareto"]["share"]
('loyalty', 0.75)
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cxkit.cli._common import echo_json, echo_text, envelope, table
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import LANGUAGES, label

if TYPE_CHECKING:
    from cxkit.loyalty import LoyaltyMatrix, RFMResult

__all__ = ["loyalty_command", "loyalty_payload", "register", "render_loyalty"]


def _l(key: str, lang: str) -> str:
    return label(f"loyalty_{key}", lang)


def _num(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def loyalty_payload(
    result: RFMResult, *, top: float = 0.2, matrix: LoyaltyMatrix | None = None, lang: str = "en"
) -> dict[str, Any]:
    """The ``--json`` document: the RFM description, the Pareto share and the matrix."""
    from cxkit.loyalty import pareto

    p = pareto(result, top=top)
    return envelope(
        "loyalty",
        rfm=result.to_dict(lang),
        pareto=p.to_dict(),
        matrix=matrix.to_dict() if matrix is not None else None,
    )


def render_loyalty(payload: dict[str, Any], lang: str = "en") -> list[str]:
    """The text report of :func:`loyalty_payload` (labels in ``lang``)."""
    r, p = payload["rfm"], payload["pareto"]
    lines = [
        f"{_l('rfm_summary', lang)} — {_l('as_of', lang)} {r['as_of']}",
        f"  {_l('customers', lang)}: {r['customers']:,}   "
        f"{_l('transactions', lang)}: {r['transactions']:,}   "
        f"{_l('scores', lang)}: 1–{r['bins']['scores']}",
        "",
        _l("segments", lang),
    ]
    header = [
        _l("segment", lang),
        _l("customers", lang),
        _l("share", lang),
        _l("revenue_share", lang),
        f"R {_l('median', lang)}",
        f"F {_l('median', lang)}",
        f"M {_l('median', lang)}",
    ]
    rows = [
        [
            s["label"] or "–",
            _num(s["customers"]),
            _pct(s["share"]),
            _pct(s["revenue_share"]),
            _num(s["recency_median"]),
            _num(s["frequency_median"]),
            _num(s["monetary_median"]),
        ]
        for s in r["segments"]
    ]
    lines += table([header, *rows], "lrrrrrr")
    top = f"{100 * p['top']:g} %"
    share = f"{100 * p['share']:.1f} %"
    lines += ["", _l("top_share", lang).format(top=top, share=share)]
    lines.append(f"  {_l('gini', lang)}: {_num(p['gini'], 3)}")
    m = payload.get("matrix")
    if m:
        lines += ["", _l("matrix", lang)]
        q_rows = [
            [label(f"loyalty_q_{q['quadrant']}", lang), _num(q["customers"]), _pct(q["share"])]
            for q in m["quadrants"]
        ]
        lines += table(
            [[_l("quadrant", lang), _l("customers", lang), _l("share", lang)], *q_rows], "lrr"
        )
    if r["notes"]:
        lines += ["", _l("notes", lang), *[f"  - {n}" for n in r["notes"]]]
    return lines


def _write_csv(result: RFMResult, out: str, lang: str) -> Path:
    import polars as pl

    from cxkit.export.escape import spreadsheet_cell
    from cxkit.io._write import atomic_write_text
    from cxkit.loyalty import segment_label

    if Path(out).suffix.lower() != ".csv":
        raise CxkitError(f"--out {out!r}: expected a .csv file")
    t = result.table.with_columns(
        pl.col("segment")
        .map_elements(lambda s: segment_label(s, lang), return_dtype=pl.String)
        .alias("segment_label"),
    )
    safe = [c for c in ("customer", "segment", "segment_label") if c in t.columns]
    t = t.with_columns(
        [pl.col(c).map_elements(spreadsheet_cell, return_dtype=pl.String) for c in safe]
    )
    return atomic_write_text(out, t.write_csv())


@click.command("loyalty")
@click.argument("transactions", type=click.Path(dir_okay=True, path_type=str))
@click.option(
    "--customer-id",
    "customer",
    default="customer_id",
    show_default=True,
    help="Column of customer ids.",
)
@click.option(
    "--date",
    "date",
    default="date",
    show_default=True,
    help="Column of purchase dates (ISO 8601 text, dates or datetimes).",
)
@click.option(
    "--amount",
    default="amount",
    show_default=True,
    help="Column of amounts (purchases >= 0, refunds < 0).",
)
@click.option(
    "--as-of", default=None, help="Analysis date (default: the day after the last transaction)."
)
@click.option(
    "--bins",
    default="quantile",
    show_default=True,
    help="'quantile' (quintiles), a number of scores (2–10), or edges such as "
    "'recency=30,90,180,365 frequency=2,3,5,8'.",
)
@click.option(
    "--ties",
    type=click.Choice(["min", "ordinal"]),
    default="min",
    show_default=True,
    help="Equal values get equal scores (min) or equal-size bins (ordinal).",
)
@click.option("--monetary", type=click.Choice(["sum", "mean"]), default="sum", show_default=True)
@click.option(
    "--refunds", type=click.Choice(["net", "drop", "error"]), default="net", show_default=True
)
@click.option(
    "--same-day",
    type=click.Choice(["once", "each"]),
    default="once",
    show_default=True,
    help="Same-day purchases count once (a visit) or each.",
)
@click.option(
    "--future",
    type=click.Choice(["error", "drop"]),
    default="error",
    show_default=True,
    help="Rows after --as-of.",
)
@click.option(
    "--top",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.2,
    show_default=True,
    help="Share of customers for the revenue concentration.",
)
@click.option(
    "--attitude",
    default=None,
    help="A column of attitude answers in TRANSACTIONS (NPS, CSAT or emotion).",
)
@click.option(
    "--attitude-kind",
    type=click.Choice(["nps", "csat", "emotion"]),
    default="nps",
    show_default=True,
)
@click.option(
    "--encoding",
    default="auto",
    show_default=True,
    help="Text encoding (utf-8, cp932/shift_jis, euc-jp, utf-16).",
)
@click.option("--sheet", default=None, help="Sheet of an .xlsx workbook (name or number).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document.")
@click.option("--out", default=None, help="Write one row per customer to FILE.csv (atomically).")
def loyalty_command(transactions: str, **o: Any) -> None:
    """Who the loyal customers are: RFM scores, segments and revenue concentration."""
    from cxkit.analytics import EventLogWarning
    from cxkit.loyalty import TransactionSchema, loyalty_matrix, read_transactions, rfm

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EventLogWarning)
        try:
            schema = TransactionSchema(o["customer"], o["date"], o["amount"])
            sheet = o["sheet"]
            frame = read_transactions(
                transactions,
                schema=schema,
                encoding=o["encoding"],
                sheet=int(sheet) if sheet and sheet.isdigit() else sheet,
            )
            bins = o["bins"]
            result = rfm(
                frame,
                schema=schema,
                as_of=o["as_of"],
                bins=bins,
                ties=o["ties"],
                monetary=o["monetary"],
                refunds=o["refunds"],
                same_day=o["same_day"],
                future=o["future"],
                origin=transactions,
            )
            matrix = None
            if o["attitude"]:
                matrix = loyalty_matrix(
                    result,
                    frame,
                    column=o["attitude"],
                    kind=o["attitude_kind"],
                    customer=schema.customer,
                )
            payload = loyalty_payload(result, top=o["top"], matrix=matrix, lang=o["lang"])
            if o["out"]:
                _write_csv(result, o["out"], o["lang"])
        finally:
            for w in caught:
                if issubclass(w.category, EventLogWarning):
                    echo_text(f"cxkit: warning: {w.message}", err=True)
    if o["as_json"]:
        echo_json(payload)
    else:
        echo_text("\n".join(render_loyalty(payload, o["lang"])))


def register(group: click.Group) -> None:
    """Add ``cxkit loyalty`` to the ``cxkit`` group."""
    group.add_command(loyalty_command)
