"""The fix list: the top call reasons as entries for the product team.

Each :class:`FixEntry` names the reason, says why it is on the list (its churn lift,
dissatisfaction, repeat journeys and cost), suggests an owner, and converts into the
product-feedback initiative that :func:`cxkit.roi.evaluate` values
(:meth:`FixEntry.to_initiative`): the arrivals of *that* reason × (1 − the share of
its journeys that came back), the range from that share's interval.

:func:`write_fix_list` writes CSV (formula-injection-safe cells, optional UTF-8 BOM
for Excel), Markdown (escaped) or JSON, atomically.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cxkit.core.economics import Distribution, Effect, EffectChange, Initiative
from cxkit.core.errors import CxkitError, format_value
from cxkit.core.i18n import label, resolve_lang
from cxkit.core.suggest import unknown_message

if TYPE_CHECKING:
    from cxkit.core.journey import Journey

__all__ = ["FIX_COLUMNS", "FixEntry", "fix_initiative", "fix_list", "write_fix_list"]

#: The figures of an entry, in the order of the CSV and Markdown columns.
FIX_COLUMNS: tuple[str, ...] = (
    "contacts",
    "journeys",
    "customers",
    "share",
    "dissatisfaction",
    "repeat_rate",
    "repeat_low",
    "repeat_high",
    "churn_lift",
    "churn_lift_low",
    "churn_lift_high",
    "lift_note",
    "excess_churn",
    "cost",
)

#: Repeat-journey share from which a reason is the process owner's (customers must
#: come back), and dissatisfaction from which it is the contact center's.
REPEAT_OWNER, DISSATISFIED_OWNER = 0.25, 0.5


@dataclass(frozen=True)
class FixEntry:
    """One reason on the fix list.

    ``figures`` holds the impact table's columns of :data:`FIX_COLUMNS`; ``owner`` is
    a key (``product``, ``process``, ``contact_center``) and ``owner_label`` its text.
    """

    rank: int
    reason: str
    category: str | None
    why: str
    owner: str
    owner_label: str
    figures: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain data (the JSON writer's rows)."""
        return {
            "rank": self.rank,
            "reason": self.reason,
            "category": self.category,
            "why": self.why,
            "owner": self.owner,
            "owner_label": self.owner_label,
            **{k: _plain(self.figures.get(k)) for k in FIX_COLUMNS},
        }

    def to_initiative(
        self,
        journey: Journey | None = None,
        *,
        cost_one_off: float = 0.0,
        cost_per_period: float = 0.0,
        ramp_up_periods: int = 4,
        reduction: tuple[float, float, float] | None = None,
    ) -> Initiative:
        """The product-feedback initiative of this reason (see :func:`fix_initiative`)."""
        return fix_initiative(
            self,
            journey,
            cost_one_off=cost_one_off,
            cost_per_period=cost_per_period,
            ramp_up_periods=ramp_up_periods,
            reduction=reduction,
        )


def fix_list(
    impact: pl.DataFrame,
    *,
    top: int = 10,
    lang: str = "en",
    owners: Mapping[str, str] | None = None,
) -> list[FixEntry]:
    """The first ``top`` rows of a :func:`~cxkit.voc.call_reason_impact` table as entries.

    Parameters
    ----------
    impact
        The impact table (ranked).
    top
        How many entries (≥ 1).
    lang
        Language of ``why`` and of the owner's label.
    owners
        Reason → owner text, overriding the suggested owner (the rule: a churn lift
        whose interval lies above 1 → the product owner; else ≥ 25 % of journeys
        coming back → the process owner; else ≥ 50 % dissatisfied → the
        contact-center lead; else the product owner).

    Examples
    --------
    >>> import polars as pl
    >>> impact = pl.DataFrame(
    ...     {
    ...         "rank": [1],
    ...         "reason": ["=bill"],
    ...         "contacts": [40],
    ...         "share": [0.4],
    ...         "dissatisfaction": [0.6],
    ...         "repeat_rate": [0.3],
    ...         "churn_lift": [2.0],
    ...         "churn_lift_low": [1.2],
    ...         "churn_lift_high": [3.3],
    ...     }
    ... )
    >>> e = fix_list(impact)[0]
    >>> e.owner, e.why
    ('product', 'customers with it churn 2.00× as often (1.20–3.30); 60 % of contacts dissatisfied; 30 % of journeys come back; 40 contacts (40 % of all)')
    """  # noqa: E501
    lang = resolve_lang(lang)
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise CxkitError(f"`top` must be a whole number ≥ 1, got {format_value(top)}")
    if not isinstance(impact, pl.DataFrame) or "reason" not in impact.columns:
        raise CxkitError("`impact` must be the table of cxkit.voc.call_reason_impact")
    entries = []
    for i, row in enumerate(impact.head(top).iter_rows(named=True)):
        owner = _owner(row)
        given = (owners or {}).get(row["reason"])
        entries.append(
            FixEntry(
                rank=int(row.get("rank") or i + 1),
                reason=str(row["reason"]),
                category=row.get("category"),
                why=_why(row, lang),
                owner=owner if given is None else "custom",
                owner_label=label(f"voc_owner_{owner}", lang) if given is None else str(given),
                figures={k: row.get(k) for k in FIX_COLUMNS},
                lang=lang,
            )
        )
    return entries


def _owner(row: Mapping[str, Any]) -> str:
    low = row.get("churn_lift_low")
    if low is not None and low > 1:
        return "product"
    if (row.get("repeat_rate") or 0) >= REPEAT_OWNER:
        return "process"
    if (row.get("dissatisfaction") or 0) >= DISSATISFIED_OWNER:
        return "contact_center"
    return "product"


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _why(row: Mapping[str, Any], lang: str) -> str:
    """The figures that put the reason on the list, strongest first."""
    parts = []
    if row.get("churn_lift") is not None:
        parts.append(
            label("voc_why_lift", lang).format(
                lift=f"{row['churn_lift']:.2f}",
                low=f"{row.get('churn_lift_low') or 0:.2f}",
                high=f"{row.get('churn_lift_high') or 0:.2f}",
            )
        )
    if row.get("dissatisfaction") is not None:
        parts.append(label("voc_why_dis", lang).format(rate=_pct(row["dissatisfaction"])))
    if row.get("repeat_rate") is not None:
        parts.append(label("voc_why_repeat", lang).format(rate=_pct(row["repeat_rate"])))
    if row.get("cost") is not None:
        parts.append(label("voc_why_cost", lang).format(cost=f"{row['cost']:,.0f}"))
    if row.get("contacts") is not None:
        share = _pct(row["share"]) if row.get("share") is not None else "–"
        parts.append(label("voc_why_volume", lang).format(n=row["contacts"], share=share))
    return ("; " if lang == "en" else "。").join(parts)


def fix_initiative(
    entry: FixEntry,
    journey: Journey | None = None,
    *,
    cost_one_off: float = 0.0,
    cost_per_period: float = 0.0,
    ramp_up_periods: int = 4,
    reduction: tuple[float, float, float] | None = None,
) -> Initiative:
    """The product-feedback initiative that removes the cause of ``entry``'s reason.

    Its one effect multiplies the arrivals of that call reason (``reasons:<id>``,
    field ``arrival``) by ``1 − r``, triangular: ``r`` is the share of the reason's
    journeys that came back (repeat contacts, the demand a fix removes first), its
    range the share's Wilson interval — or ``reduction=(low, mode, high)``.
    The costs default to 0: the NPV is then what the fix is worth at most.

    Raises
    ------
    CxkitError
        When ``journey`` has no call reason with the entry's id (with a did-you-mean),
        or a reduction is outside [0, 1].

    Examples
    --------
    >>> e = FixEntry(
    ...     1,
    ...     "billing",
    ...     None,
    ...     "",
    ...     "product",
    ...     "",
    ...     {"repeat_rate": 0.2, "repeat_low": 0.1, "repeat_high": 0.3},
    ... )
    >>> eff = fix_initiative(e).effects[0]
    >>> eff.target, eff.field, round(eff.low, 6), round(eff.mode, 6), round(eff.high, 6)
    ('reasons:billing', 'arrival', 0.7, 0.8, 0.9)
    """
    if journey is not None:
        known = [r.id for r in journey.graph.call_reasons]
        if entry.reason not in known:
            raise CxkitError(
                f"journey {journey.id!r}: " + unknown_message("call reason", entry.reason, known)
            )
    low, mode, high = _reduction(entry, reduction)
    lang = entry.lang
    fmt = {"reason": entry.reason, "mode": f"{1 - mode:.3f}"}
    fmt |= {"low": f"{1 - high:.3f}", "high": f"{1 - low:.3f}"}
    return Initiative(
        id="fix_" + (re.sub(r"[^0-9A-Za-z_]+", "_", entry.reason).strip("_") or "reason"),
        label=label("voc_fix_label", lang).format(reason=entry.reason),
        description=label("voc_fix_description", lang).format(**fmt),
        category="product",
        cost_one_off=float(cost_one_off),
        cost_per_period=float(cost_per_period),
        ramp_up_periods=ramp_up_periods,
        effects=(
            Effect(
                f"reasons:{entry.reason}",
                "arrival",
                EffectChange.MULTIPLY,
                1 - high,
                1 - mode,
                1 - low,
                Distribution.TRIANGULAR,
            ),
        ),
    )


def _reduction(
    entry: FixEntry, given: tuple[float, float, float] | None
) -> tuple[float, float, float]:
    if given is None:
        f = entry.figures
        given = (f.get("repeat_low"), f.get("repeat_rate"), f.get("repeat_high"))  # type: ignore[assignment]
        given = tuple(f.get("repeat_rate") if v is None else v for v in given)  # type: ignore[assignment]
    values = tuple(given)  # type: ignore[arg-type]
    ok = len(values) == 3 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in values
    )
    if not ok or not values[0] <= values[1] <= values[2]:
        raise CxkitError(
            f"reduction of {entry.reason!r} must be (low, mode, high) shares in [0, 1] with "
            f"low ≤ mode ≤ high, got {format_value(given)}"
        )
    return values  # type: ignore[return-value]


# -- writers ------------------------------------------------------------------------------
FORMATS = ("csv", "md", "json")


def write_fix_list(
    entries: Sequence[FixEntry],
    path: str | os.PathLike[str],
    *,
    to: str | None = None,
    bom: bool = False,
    lang: str | None = None,
) -> Path:
    """Write the fix list to ``path`` (CSV, Markdown or JSON from the suffix or ``to``).

    Every file is written atomically (complete or absent). CSV text cells starting
    with ``= + - @`` get a quote in front (no formula runs in a spreadsheet);
    ``bom=True`` starts the CSV with a UTF-8 byte-order mark so that Excel reads
    Japanese text. Markdown cells are escaped.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> e = FixEntry(1, "=HYPERLINK(1)", None, "why", "product", "Product owner", {})
    >>> p = write_fix_list([e], pathlib.Path(tempfile.mkdtemp()) / "fixes.csv")
    >>> p.read_text(encoding="utf-8").splitlines()[1].split(",")[:2]
    ['1', "'=HYPERLINK(1)"]
    """
    from cxkit.io._write import atomic_write_bytes, encode_text

    fmt = (to or Path(os.fspath(path)).suffix.lstrip(".")).lower()
    fmt = "md" if fmt == "markdown" else fmt
    if fmt not in FORMATS:
        raise CxkitError(
            f"{os.fspath(path)}: the fix list is written as .csv, .md or .json, got "
            f"{format_value(fmt or '(no suffix)')}"
        )
    lang = resolve_lang(lang or (entries[0].lang if entries else "en"))
    text = {"csv": _csv, "md": _markdown, "json": _json}[fmt](entries, lang)
    data = encode_text(path, ("\ufeff" if bom and fmt == "csv" else "") + text)
    return atomic_write_bytes(path, data)


def _header(lang: str) -> list[str]:
    head = ["rank", "reason", "category", "why", "owner"]
    return head + list(FIX_COLUMNS) if lang == "en" else _ja_header()


def _ja_header() -> list[str]:
    keys = ["voc_rank", "voc_reason", "voc_category", "voc_why", "voc_owner"]
    return [label(k, "ja") for k in keys] + [label(f"voc_col_{k}", "ja") for k in FIX_COLUMNS]


def _csv(entries: Sequence[FixEntry], lang: str) -> str:
    from cxkit.export.escape import spreadsheet_cell

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(_header(lang))
    for e in entries:
        text = [e.reason, e.category or "", e.why, e.owner_label]
        figures = [_plain(e.figures.get(k)) for k in FIX_COLUMNS]
        note = e.figures.get("lift_note")
        if note and lang != "en":  # a code in English files, a sentence in others
            figures[FIX_COLUMNS.index("lift_note")] = label(f"voc_note_{note}", lang)
        w.writerow(
            [e.rank, *(spreadsheet_cell(t) for t in text)]
            + [
                "" if v is None else spreadsheet_cell(v) if isinstance(v, str) else v
                for v in figures
            ]
        )
    return out.getvalue()


def _cell(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name in ("dissatisfaction", "repeat_rate"):
        return _pct(float(value))
    if name == "churn_lift":
        return f"{float(value):.2f}"
    return f"{float(value):,.0f}"


def _markdown(entries: Sequence[FixEntry], lang: str) -> str:
    from cxkit.export.escape import markdown_cell, markdown_inline

    shown = ["contacts", "dissatisfaction", "repeat_rate", "churn_lift", "cost"]
    head = [label(k, lang) for k in ("voc_rank", "voc_reason", "voc_owner", "voc_why")]
    head += [label(f"voc_{k}", lang) for k in ("contacts", "dissatisfaction", "repeat")]
    head += [label("voc_churn_lift", lang), label("voc_cost", lang)]
    lines = [f"# {markdown_inline(label('voc_title', lang))}", ""]
    lines += ["| " + " | ".join(map(markdown_cell, head)) + " |"]
    lines += ["|" + "|".join(["---:", "---", "---", "---"] + ["---:"] * 5) + "|"]
    for e in entries:
        name = e.reason + (f" / {e.category}" if e.category else "")
        cells = [str(e.rank), markdown_cell(name), markdown_cell(e.owner_label)]
        # the figures are formatted here (digits, separators, %): nothing to escape
        cells += [markdown_cell(e.why)] + [_cell(k, e.figures.get(k)) for k in shown]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _json(entries: Sequence[FixEntry], lang: str) -> str:
    body = {"lang": lang, "entries": [e.to_dict() for e in entries]}
    return json.dumps(body, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
