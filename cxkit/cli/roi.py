"""``cxkit roi``: value CX initiatives on a journey and plan them under a budget.

Thin over :func:`cxkit.roi.evaluate` and :func:`cxkit.roi.roadmap`; ``--json``
prints the document described in ``docs/reference/roi.md`` (the envelope of
``docs/reference/cli.md``: ``{"cxkit": version, "command": "roi", …}``).

``--catalog`` adds the built-in catalogue with :func:`cxkit.roi.merge_catalog`: an
id the journey (or ``--initiatives FILE``) defines keeps that definition, and the
catalogue entry is left out and reported once (a warning, and ``catalog.replaced``
in ``--json``). An initiative that matches nothing in the journey is valued at 0,
marked ``n/a`` in the table, warned about, and listed in ``not_applicable``.

Examples
--------
>>> from cxkit.cli import main
>>> main(["roi", "roi_example_c", "--sims", "200"])  # doctest: +ELLIPSIS
ROI roadmap — roi_example_c
...
  Q1  crm, faq...
  Q2  chat...
0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import click

from cxkit.cli._common import echo_json, echo_text, envelope, finite, lang_option, load_journey_arg
from cxkit.cli._common import table as _table
from cxkit.core.economics import Initiative
from cxkit.core.errors import CxkitError
from cxkit.core.i18n import label as _label
from cxkit.core.journey import Journey

__all__ = ["DEFAULT_SEED", "DEFAULT_SIMS", "register", "render_roi", "roi_command", "run_roi"]

#: Defaults of ``cxkit roi``.
DEFAULT_SIMS = 10_000
DEFAULT_SEED = 1


def _budget(ctx: click.Context, param: click.Parameter, value: str | None) -> list[float] | None:
    if value is None:
        return None
    out = []
    for part in value.replace(";", ",").split(","):
        part = part.strip().replace("_", "")
        if not part:
            continue
        try:
            out.append(float(part))
        except ValueError:
            raise click.BadParameter(
                f"expected numbers separated by commas (100,60), got {part!r}"
            ) from None
    if not out:
        raise click.BadParameter("expected at least one budget, e.g. --budget 100,60")
    return out


def run_roi(
    journey: Journey,
    *,
    initiatives_file: str | None = None,
    use_catalog: bool = False,
    budget: Sequence[float] | None = None,
    quarters: int | None = None,
    carry_over: bool | None = None,
    n_sims: int = DEFAULT_SIMS,
    seed: int = DEFAULT_SEED,
    churn_model: str = "outcomes",
    periods: str | None = None,
    horizon_years: float | None = None,
    start_discount: float | None = None,
    lang: str = "en",
) -> tuple[Any, Any, tuple[str, ...] | None]:
    """Evaluate (and, when a budget is known, plan) as ``cxkit roi`` does.

    Returns ``(evaluation, roadmap, replaced)``; ``roadmap`` is ``None`` without a
    budget (neither ``budget`` nor ``economics.budgets``) or without initiatives;
    ``replaced`` is ``None`` without ``use_catalog``, else the ids of the catalogue
    entries left out because the journey or the file defines them (the merge rule
    of :func:`cxkit.roi.merge_catalog`).
    """
    from cxkit.roi import evaluate, load_initiatives, roadmap
    from cxkit.roi.catalog import catalog, merge_catalog

    inits: list[Initiative] = list(journey.initiatives)
    econ = journey.economics
    if initiatives_file is not None:
        extra, file_econ = load_initiatives(initiatives_file)
        inits += list(extra)
        econ = file_econ or econ
    seen: set[str] = set()
    for ini in inits:
        if ini.id in seen:
            raise CxkitError(
                f"initiative id {ini.id!r} is given twice (in the journey and --initiatives); "
                "rename one of them"
            )
        seen.add(ini.id)
    replaced: tuple[str, ...] | None = None
    if use_catalog:
        merged, replaced = merge_catalog(inits, catalog(lang))
        inits = list(merged)
    if not inits:
        raise CxkitError(
            f"journey {journey.id!r} has no initiatives: add an 'initiatives:' block, pass "
            "--initiatives FILE or --catalog"
        )
    ev = evaluate(
        journey,
        inits,
        economics=econ,
        n_sims=n_sims,
        seed=seed,
        churn_model=churn_model,  # type: ignore[arg-type]
        horizon_years=horizon_years,
        periods=periods,
    )
    plan = None
    if budget is not None or (ev.economics.budgets and quarters is None) or quarters:
        if budget is None and not ev.economics.budgets:
            raise CxkitError("--quarters needs a budget: pass --budget or set economics.budgets")
        plan = roadmap(
            journey,
            inits,
            budget=budget,
            quarters=quarters,
            carry_over=carry_over,
            economics=econ,
            start_discount=start_discount,
            evaluation=ev,
        )
    return ev, plan, replaced


# -- text ----------------------------------------------------------------------------------
def _money(x: float | None) -> str:
    """``12,171``, ``1,589.03``, ``-63.55M``; ``–`` for none."""
    if x is None or not math.isfinite(x):
        return "–"
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.2f}M"
    if abs(x) >= 1e4 or abs(x - round(x)) < 1e-6 * max(1.0, abs(x)):
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def _pct(x: float) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{100 * x:.1f} %"


def _periods(x: float, unit: str = "", lang: str = "en") -> str:
    if math.isinf(x):
        return _label("roi_never", lang)
    return "–" if not math.isfinite(x) else f"{x:.2f}{unit}"


def _own_period_unit(r: Any, ev: Any) -> str:
    """A suffix such as " y" when an initiative counts its cash flows in its own period."""
    period = getattr(r, "period", None)
    if period is None or period == getattr(ev, "period", period):
        return ""
    return {"year": " y", "quarter": " q", "month": " m"}.get(str(period), f" {period}")


def render_roi(ev: Any, plan: Any, lang: str = "en", replaced: Sequence[str] | None = None) -> str:
    """The readable report of ``cxkit roi`` (see the module docstring).

    ``replaced`` lists the catalogue entries the journey's own initiatives replaced
    (reported once among the warnings).
    """
    lines = _roi_heading(ev, lang)
    lines += _roi_baseline(ev, lang)
    lines += _roi_value_table(ev, lang)
    lines += _roi_scenario_table(ev, lang)
    if plan is not None:
        lines += _roi_roadmap(ev, plan, lang)
    else:
        lines.append("")
        lines.append("  " + _label("roi_note_no_budget", lang))
    lines += _roi_warnings(ev, lang, replaced)
    return "\n".join(lines)


def _translator(lang: str) -> Callable[[str], str]:
    """The label lookup of ``lang``: ``t(key)`` is ``label(key, lang)``."""

    def t(key: str) -> str:
        return _label(key, lang)

    return t


def _roi_heading(ev: Any, lang: str) -> list[str]:
    """The title and the settings (currency, horizon, discounting, churn model, draws)."""
    t = _translator(lang)
    e = ev.economics
    word = ev.period
    lines = [f"{t('roi_report')} — {ev.journey_id}"]
    model = t("roi_model_va" if ev.churn_model == "outcomes" else "roi_model_vb")
    phi = e.phi if ev.churn_model == "outcomes" else e.phi_effort
    phi_text = (
        f"{phi.mode:g}"
        if phi.is_fixed
        else f"{t('roi_dist_' + phi.distribution.value)}({phi.low:g}, {phi.mode:g}, {phi.high:g})"
    )
    convention = ev.convention if lang == "en" else t("roi_convention_text")
    lines += [
        "  "
        + t("roi_settings").format(
            currency=e.currency,
            period=t(f"w_{word}"),
            n=ev.horizon_periods,
            periods=t(f"roi_{word}s"),
            rate=f"{100 * ev.rate:.3g}",
            rb=f"{e.risk_benefit:g}",
            rc=f"{e.risk_cost:g}",
        ),
        "  "
        + t("roi_model_line").format(
            model=model,
            phi=phi_text,
            basis=t(f"roi_basis_{e.value_basis}"),
            n=f"{ev.n_sims:,}",
            seed=ev.seed,
        ),
        f"  {t('roi_convention')}: {convention}",
        "",
    ]
    return lines


def _roi_baseline(ev: Any, lang: str) -> list[str]:
    """The baseline line: churn, resolution classes, cost per journey, CES, CLV."""
    t = _translator(lang)
    e = ev.economics
    b = ev.baseline
    fcr_na = b.not_applicable.get("fcr_shares")
    # model V-A's resolution classes; without an outcome of kind resolved they are not
    # first-contact resolution, and the report says so instead of printing them
    classes = " / ".join(_pct(x) for x in b.fcr_shares) if fcr_na is None else fcr_na.message(lang)
    return [
        f"{t('roi_baseline')}: {t('roi_churn')} ({t('w_' + e.period)}) {_pct(b.churn)}, "
        f"{t('roi_fcr_classes')}{' ' if fcr_na is None else ': '}{classes}, "
        f"{t('roi_cost_per_journey')} {_money(b.cost_per_journey)}, CES {b.ces:.2f}, "
        f"CLV {_money(b.clv)}",
        "",
    ]


def _roi_value_table(ev: Any, lang: str) -> list[str]:
    """The value table: NPV and risk-adjusted NPV, quantiles, ROI, payback per initiative."""
    t = _translator(lang)
    word = ev.period
    lines: list[str] = []
    header = [
        t("roi_initiative"),
        "",
        t("roi_mode"),
        "P10",
        "P50",
        "P90",
        "P(<0)",
        "ROI",
        t("roi_payback_short"),
        t("roi_discounted_short"),
    ]
    rows = [header]
    for r in ev.initiatives:
        name = r.id + (" *" if r.value_source == "npv" else "")
        if not getattr(r, "applies", True):
            name += f" ({t('roi_na_short')})"
        for basis, cf, mc in (
            ("NPV", r.summary, r.npv),
            (t("roi_risk_adjusted_short"), r.risk_adjusted, r.npv_risk_adjusted),
        ):
            rows.append(
                [
                    name if basis == "NPV" else "",
                    basis,
                    _money(cf.npv),
                    _money(mc.p10),
                    _money(mc.p50),
                    _money(mc.p90),
                    _pct(mc.prob_negative),
                    _pct(cf.roi),
                    _periods(cf.payback, _own_period_unit(r, ev), lang),
                    _periods(cf.discounted_payback, _own_period_unit(r, ev), lang),
                ]
            )
    lines += _table(rows, "llrrrrrrrr")
    lines.append("  " + t("roi_note_table").format(period=t(f"roi_{word}s")))
    not_applicable = tuple(getattr(ev, "not_applicable", ()))
    if not_applicable:
        lines.append("  " + t("roi_note_not_applicable"))
    lines.append("")
    return lines


def _roi_scenario_table(ev: Any, lang: str) -> list[str]:
    """The effects table: each initiative's scenario (churn, FCR, cost, CES, benefit)."""
    t = _translator(lang)
    e = ev.economics
    fcr_na = ev.baseline.not_applicable.get("fcr_shares")
    lines: list[str] = []
    fcr_column = fcr_na is None  # the scenarios share the journey's outcomes
    rows = [
        [
            t("roi_initiative"),
            t("roi_col_churn"),
            *([t("roi_col_fcr")] if fcr_column else []),
            t("roi_col_cost"),
            "CES",
            t("roi_col_benefit").format(period=t(f"w_{e.period}")),
        ]
    ]
    for r in ev.initiatives:
        sc = r.scenario
        rows.append(
            [
                r.id,
                _pct(sc.churn),
                *(["/".join(f"{100 * x:.1f}" for x in sc.fcr_shares)] if fcr_column else []),
                _money(sc.cost_per_journey),
                f"{sc.ces:.2f}",
                _money(r.benefits["total"]),
            ]
        )
    lines += _table(rows, "lrrrrr" if fcr_column else "lrrrr")
    lines.append("  " + t("roi_note_effects"))
    if fcr_na is not None:
        lines.append(f"  {t('roi_col_fcr')}: {fcr_na.message(lang)}")
    return lines


def _roi_roadmap(ev: Any, plan: Any, lang: str) -> list[str]:
    """The chosen roadmap: initiatives and spend per period, the ones left out, the
    additive and joint values."""
    t = _translator(lang)
    p = plan.plan
    word = ev.period
    lines = [""]
    budgets = ", ".join(_money(x) for x in p.budget_per_quarter)
    carry = t("roi_carry_over" if p.carry_over else "roi_no_carry_over")
    per = t("roi_budget_per").format(budget=t("roi_budget"), period=t(f"w_{word}"))
    lines.append(f"{t('roi_chosen_roadmap')} ({per}: {budgets}; {carry})")
    by = p.by_quarter()
    for q in range(1, len(p.budget_per_quarter) + 1):
        ids = by.get(q, ())
        spend = p.spend_per_quarter[q - 1]
        binding = any(name.endswith(f"Q{q}") for name in p.binding)
        tag = f" ({t('roi_binding_tag')})" if binding else ""
        lines.append(
            f"  {ev.period_label(q)}  {', '.join(ids) or '–'}  "
            f"[{t('roi_spend')} {_money(spend)} / {_money(p.budget_per_quarter[q - 1])}{tag}]"
        )
    left_out = tuple(getattr(plan, "not_applicable", ()))
    left = [i for i in ev.ids if i not in p.starts and i not in left_out]
    lines.append(f"  {t('roi_not_selected')}: {', '.join(left) or '–'}")
    if left_out:
        lines.append("  " + t("roi_not_applicable_list").format(ids=", ".join(left_out)))
    lines += _roi_reasons(plan, lang)
    lines.append(f"  {t('roi_additive')} Σ V = {_money(plan.additive_value)}")
    if plan.joint is not None:
        j = plan.joint
        rel = plan.relative_gap
        lines.append(
            f"  {t('roi_joint')}: {t('roi_mean')} {_money(j.mean)} (P10 {_money(j.p10)}, "
            f"P50 {_money(j.p50)}, P90 {_money(j.p90)}); {t('roi_gap')} "
            f"{_money(plan.interaction_gap)}"
            + ("" if not math.isfinite(rel) else f" ({100 * rel:+.1f} %)")
        )
    if plan.start_discount is not None:
        lines.append(
            "  "
            + t("roi_start_later").format(
                period=t(f"w_{word}"), pct=f"{100 * plan.start_discount:g}"
            )
        )
    return lines


def _roi_reasons(plan: Any, lang: str) -> list[str]:
    """One line per initiative not scheduled with its reason, then the outliers."""
    t = _translator(lang)
    reasons = plan.reason_messages(lang) if hasattr(plan, "reason_messages") else {}
    lines: list[str] = []
    if reasons:
        lines.append(f"  {t('roi_reason')}:")
        lines += [f"    {iid}: {text}" for iid, text in reasons.items()]
    flagged = getattr(plan, "outliers", {})
    if flagged:
        lines.append(f"  {t('roi_outlier')}:")
        lines += [f"    {iid}: {o.message(lang)}" for iid, o in flagged.items()]
    return lines


def _roi_warnings(ev: Any, lang: str, replaced: Sequence[str] | None) -> list[str]:
    """The warnings, with the catalogue entries the journey's own initiatives replaced."""
    t = _translator(lang)
    lines: list[str] = []
    warnings = list(ev.warnings)
    if replaced:
        warnings.append(t("roi_catalog_kept_own").format(ids=", ".join(replaced)))
    if warnings:
        lines.append("")
        lines.append(f"{t('roi_warnings')}:")
        lines += [f"  - {w}" for w in warnings]
    return lines


def roi_payload(
    ev: Any, plan: Any, replaced: Sequence[str] | None = None, lang: str = "en"
) -> dict[str, Any]:
    """The ``cxkit roi --json`` document (non-finite numbers become ``null``).

    ``catalog`` is ``null`` without ``--catalog``; with it, ``added`` lists the
    catalogue entries evaluated and ``replaced`` those left out because the journey
    or the initiatives file defines the same id. A scenario's ``fcr_shares`` is
    ``null`` on a journey without an outcome of kind ``resolved``, its
    ``not_applicable.fcr_shares`` giving the reason (the message in ``lang``).
    """
    catalog_doc = None
    if replaced is not None:
        from cxkit.roi import CATALOG_IDS

        catalog_doc = {
            "added": [i for i in CATALOG_IDS if i not in replaced],
            "replaced": list(replaced),
        }
    return envelope(
        "roi",
        journey=ev.journey_id,
        evaluation=finite(ev.to_dict(lang)),
        roadmap=None if plan is None else finite(plan.to_dict(lang)),
        catalog=catalog_doc,
    )


@click.command("roi")
@click.argument("path")
@click.option("--initiatives", "initiatives_file", metavar="FILE", help="Add the initiatives "
              "(and economics) of a stand-alone initiatives file.")  # fmt: skip
@click.option("--catalog", "use_catalog", is_flag=True, help="Add cxkit's built-in catalogue "
              "(the journey's own definition of an id wins).")  # fmt: skip
@click.option("--budget", callback=_budget, metavar="B1,B2,…",
              help="Budget per period, comma-separated (default: economics.budgets).")  # fmt: skip
@click.option("--quarters", type=click.IntRange(min=1), help="Planning periods (repeats a single "
              "budget).")  # fmt: skip
@click.option("--carry-over/--no-carry-over", default=None,
              help="Let unspent budget roll forward (default: economics.carry_over).")  # fmt: skip
@click.option("--sims", type=click.IntRange(min=1), default=DEFAULT_SIMS, show_default=True,
              help="Monte Carlo draws of the uncertain effects.")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), default=DEFAULT_SEED, show_default=True)
@click.option("--churn-model", type=click.Choice(["outcomes", "effort"]), default="outcomes",
              show_default=True, help="V-A (resolution outcomes) or V-B (effort).")  # fmt: skip
@click.option("--periods", type=click.Choice(["quarter", "year", "month"]),
              help="Period of the cash flows (default: economics.cash_flow_period).")  # fmt: skip
@click.option("--horizon", "horizon_years", type=click.FloatRange(min=0, min_open=True),
              help="Horizon in years (default: economics.horizon_years).")  # fmt: skip
@click.option("--start-discount", type=click.FloatRange(0, 1),
              help="Value kept by a start one period later (default: shifted flows).")  # fmt: skip
@lang_option(default="en")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document.")
def roi_command(
    path: str,
    initiatives_file: str | None,
    use_catalog: bool,
    budget: list[float] | None,
    quarters: int | None,
    carry_over: bool | None,
    sims: int,
    seed: int,
    churn_model: str,
    periods: str | None,
    horizon_years: float | None,
    start_discount: float | None,
    lang: str,
    as_json: bool,
) -> None:
    """Value the initiatives of a journey and plan them under a budget.

    PATH is a journey file or a template name. Each initiative is valued against
    the baseline (NPV, risk-adjusted P10/P50/P90, payback); with a budget the
    roadmap says which to start in which period and how far the joint effect
    differs from the sum of the parts.
    """
    _check_sizes(sims, quarters)
    journey = load_journey_arg(path)
    ev, plan, replaced = run_roi(
        journey,
        initiatives_file=initiatives_file,
        use_catalog=use_catalog,
        budget=budget,
        quarters=quarters,
        carry_over=carry_over,
        n_sims=sims,
        seed=seed,
        churn_model=churn_model,
        periods=periods,
        horizon_years=horizon_years,
        start_discount=start_discount,
        lang=lang,
    )
    if as_json:
        echo_json(roi_payload(ev, plan, replaced, lang))
    else:
        echo_text(render_roi(ev, plan, lang, replaced))


def _check_sizes(sims: int, quarters: int | None) -> None:
    """``--sims`` and ``--quarters`` within their limits (docs/reference/cli.md, "Limits")."""
    from cxkit.core._checks import MAX_PLANNING_PERIODS, MAX_SIMS, at_most

    at_most(sims, "--sims", 1, MAX_SIMS, "draws", "a fixed cap on one run's draws")
    if quarters is not None:
        why = "the roadmap MILP's spend matrix grows with the square of the periods"
        at_most(quarters, "--quarters", 1, MAX_PLANNING_PERIODS, "periods", why)


def register(group: click.Group) -> None:
    """Add ``cxkit roi`` to the ``cxkit`` group."""
    group.add_command(roi_command)
