"""Initiatives and economics in files: stand-alone initiative files, the journey format's
ROI blocks, lossless round trips and a catalogue of bad inputs with file:line:col."""

from __future__ import annotations

import string
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxkit as cx
from cxkit.core.economics import (
    Distribution,
    Economics,
    Effect,
    EffectChange,
    Estimate,
    Initiative,
    Prerequisite,
)
from cxkit.core.errors import CxkitError, JourneyValidationError
from cxkit.core.model import Handoff, Touchpoint
from cxkit.io.initiatives_io import (
    dumps_initiatives,
    load_initiatives,
    loads_initiatives,
    save_initiatives,
)
from cxkit.roi import catalog

GOOD = """\
cxkit: 1
description: Candidates for 2027
economics:
  customers: 50000
  margin_per_customer: 100
  contact_rate: 0.5
  baseline_churn: 0.2
  phi: 1.0
  budgets: [100, 60]
  start_discount: 0.9
initiatives:
  - id: crm
    cost_one_off: 60
    npv: {low: 80, mode: 100, high: 120}
    effects:
      - {target: "handoffs:*->*", field: context_carryover, low: 0.9, mode: 1.0, high: 1.0,
         channel_switch_only: true}
  - id: case
    cost_one_off: 50000
    cost_per_period: 5000
    benefit_per_period: {low: 20000, mode: 30000, high: 40000}
    prerequisites: [{id: crm, lag: 2}]
"""


def test_load_a_file(tmp_path) -> None:
    path = tmp_path / "inits.yaml"
    path.write_text(GOOD, encoding="utf-8")
    inits, econ = load_initiatives(path)
    assert [i.id for i in inits] == ["crm", "case"]
    assert econ.phi == Estimate.fixed(1.0)
    assert econ.budgets == (100.0, 60.0) and econ.start_discount == 0.9
    assert inits[0].npv == Estimate(80.0, 100.0, 120.0)
    assert inits[1].benefit_per_period.mode == 30000.0
    assert inits[1].prerequisites == (Prerequisite("crm", 2),)
    assert inits[0].effects[0].channel_switch_only is True


def test_round_trip_and_atomic_save(tmp_path) -> None:
    inits, econ = loads_initiatives(GOOD)
    text = dumps_initiatives(inits, econ, description="x")
    back, econ2 = loads_initiatives(text)
    assert back == inits and econ2 == econ
    assert dumps_initiatives(back, econ2, description="x") == text  # a fixed point
    path = save_initiatives(catalog("ja"), tmp_path / "catalog.yaml")
    assert load_initiatives(path) == (catalog("ja"), None)
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.yaml"]


def test_the_catalogue_and_every_template_round_trip_through_yaml() -> None:
    text = dumps_initiatives(catalog(), Economics(customers=10))
    assert loads_initiatives(text) == (catalog(), Economics(customers=10))
    for name in cx.list_templates():
        j = cx.load_journey(name)
        assert cx.loads_journey(cx.dump_journey(j)) == j


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(CxkitError, match="no such file"):
        load_initiatives(tmp_path / "none.yaml")
    with pytest.raises(CxkitError, match="is a directory"):
        load_initiatives(tmp_path)


def _problems(text: str) -> list:
    with pytest.raises(JourneyValidationError) as info:
        loads_initiatives(text, file="i.yaml")
    return list(info.value.problems)


BAD = [
    # (name, text, line, column, path, fragment)
    (
        "negative cost",
        "initiatives:\n  - id: a\n    cost_one_off: -5\n",
        3,
        19,
        "initiatives[0].cost_one_off",
        "greater than or equal to 0",
    ),
    (
        "unknown effect field key",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'touchpoint:x', field: cost_per_contact, low: 1, mode: 1, high: 1, "
        "colour: red}\n",
        4,
        85,
        "initiatives[0].effects[0].colour",
        "unknown key 'colour'",
    ),
    (
        "range low > high",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'touchpoint:x', field: cost_per_contact, low: 3, mode: 2, high: 1}\n",
        4,
        59,
        "initiatives[0].effects[0].low",
        "range is not ordered: low=3, mode=2, high=1",
    ),
    (
        "cyclic prerequisites",
        "initiatives:\n  - id: a\n    prerequisites: [b]\n  - id: b\n    prerequisites: [a]\n",
        5,
        5,
        "initiatives[1].prerequisites",
        "prerequisites form a cycle",
    ),
    (
        "unknown prerequisite",
        "initiatives:\n  - id: a\n    prerequisites: [crn]\n  - id: crm\n",
        3,
        21,
        "initiatives[0].prerequisites[0].id",
        "unknown initiative 'crn'; did you mean 'crm'?",
    ),
    (
        "unknown field of a hand-off effect",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'handoffs:*->*', field: prob, low: 1, mode: 1, high: 1}\n",
        4,
        35,
        "initiatives[0].effects[0].field",
        "did you mean 'probability'?",
    ),
    (
        "malformed target",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'handof:a->b', field: probability, low: 1, mode: 1, high: 1}\n",
        4,
        10,
        "initiatives[0].effects[0].target",
        "malformed effect target 'handof:a->b'",
    ),
    (
        "unknown outcome kind in a pattern",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'handoffs:*->=resolvd', field: probability, low: 1, mode: 1, "
        "high: 1}\n",
        4,
        10,
        "initiatives[0].effects[0].target",
        "unknown outcome kind 'resolvd'; did you mean 'resolved'?",
    ),
    (
        "probability set above 1",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'handoffs:*->*', field: probability, low: 0.5, mode: 1, high: 1.5}\n",
        4,
        74,
        "initiatives[0].effects[0].high",
        "outside [0, 1]",
    ),
    (
        "reroute without via",
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'reroute:*->@phone', low: 0.1, mode: 0.2, high: 0.3}\n",
        4,
        9,
        "initiatives[0].effects[0].via",
        "needs 'via'",
    ),
    (
        "duplicate initiative ids",
        "initiatives:\n  - id: a\n  - id: a\n",
        3,
        5,
        "initiatives[1].id",
        "duplicate initiative id 'a'",
    ),
    (
        "phi out of order",
        "economics: {phi: {low: 0.5, mode: 0.2, high: 1.0}}\ninitiatives: []\n",
        1,
        19,
        "economics.phi.low",
        "range is not ordered",
    ),
    (
        "unknown top-level key",
        "initiative:\n  - id: a\n",
        1,
        1,
        "initiative",
        "did you mean 'initiatives'?",
    ),
]


@pytest.mark.parametrize(("name", "text", "line", "col", "path", "fragment"), BAD)
def test_bad_initiative_files(name, text, line, col, path, fragment) -> None:
    problems = _problems(text)
    match = [p for p in problems if p.path == path]
    assert match, [p.format() for p in problems]
    p = match[0]
    assert (p.line, p.column) == (line, col), p.format()
    assert fragment in p.format()
    assert p.format().startswith(f"i.yaml:{line}:{col}: ")


def test_a_list_at_the_top_is_refused() -> None:
    problems = _problems("- id: a\n")
    assert "a mapping" in problems[0].format()


def test_targets_are_checked_against_the_journey_when_evaluated() -> None:
    inits, _ = loads_initiatives(
        "initiatives:\n  - id: a\n    effects:\n"
        "      - {target: 'handoff:web->phnoe', field: probability, low: 0.1, mode: 0.2, "
        "high: 0.3}\n"
    )
    j = cx.load_journey("web_phone_faq")
    with pytest.raises(JourneyValidationError, match="did you mean 'phone'"):
        cx.roi.evaluate(j, inits, economics=Economics(customers=10), n_sims=10, seed=1)


# --------------------------------------------------------------------------- hypothesis

ids = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=6).filter(
    lambda s: s[0] != "_"
)
numbers = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def estimates(draw):
    a, b, c = sorted(draw(st.lists(numbers, min_size=3, max_size=3)))
    if draw(st.booleans()):
        return Estimate.fixed(b)
    return Estimate(a, b, c, draw(st.sampled_from(list(Distribution))))


@st.composite
def effects(draw):
    e = draw(estimates())
    return Effect(
        target=draw(
            st.sampled_from(
                ["handoffs:*->=resolved", "touchpoints:@phone", "economics:churn", "handoff:a->b"]
            )
        ),
        field=draw(st.sampled_from([None, "probability", "cost_per_contact"])),
        change=draw(st.sampled_from(list(EffectChange))),
        low=e.low,
        mode=e.mode,
        high=e.high,
        distribution=e.distribution,
        channel_switch_only=draw(st.booleans()),
        transfer_only=draw(st.booleans()),
        via=draw(st.one_of(st.none(), ids)),
    )


@st.composite
def initiative_lists(draw):
    names = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    out = []
    for k, name in enumerate(names):
        out.append(
            Initiative(
                id=name,
                # the alphabet of tests/io/test_roundtrip.py: no control characters
                label=draw(
                    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10)
                ),
                cost_one_off=draw(st.floats(0, 1e7)),
                cost_per_period=draw(st.floats(0, 1e6)),
                ramp_up_periods=draw(st.integers(0, 8)),
                prerequisites=tuple(
                    Prerequisite(p, draw(st.integers(0, 3))) for p in names[:k][:2]
                ),
                effects=tuple(draw(st.lists(effects(), max_size=3))),
                benefit_per_period=draw(st.one_of(st.none(), estimates())),
                npv=draw(st.one_of(st.none(), estimates())),
                add_touchpoints=(Touchpoint("chat", channel="chat"),)
                if draw(st.booleans())
                else (),
                add_handoffs=(Handoff("@web", "=resolved", 0.5, context_carryover=0.5),)
                if draw(st.booleans())
                else (),
            )
        )
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(initiative_lists(), estimates())
def test_initiatives_round_trip_in_journeys_losslessly(inits, phi) -> None:
    econ = Economics(
        customers=10,
        phi=Estimate.fixed(min(abs(phi.low), 1.0)),
        budgets=(1.0, 2.5),
        carry_over=True,
        cash_flow_period="year",
    )
    j = replace(cx.load_journey("web_phone_faq"), initiatives=tuple(inits), economics=econ)
    from cxkit.io.journey_io import _parse

    text = cx.dump_journey(j)
    back, _ = _parse(text, "hyp.yaml")
    assert back == j
    assert cx.dump_journey(back) == text
    # and in a stand-alone file (economics included)
    back_inits, back_econ = (
        loads_initiatives(dumps_initiatives(inits, econ)) if _valid(inits) else (tuple(inits), econ)
    )
    assert back_inits == tuple(inits) and back_econ == econ


def _valid(inits) -> bool:
    from cxkit.io.initiatives_io import check_initiatives

    return not [p for p in check_initiatives(inits) if p.severity == "error"]
