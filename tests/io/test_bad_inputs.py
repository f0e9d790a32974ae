"""Every bad journey file gives a CxkitError naming file, line, field and the problem."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

import cxkit as cx
from cxkit.io import validate_text
from cxkit.io.initiatives_io import load_initiatives

_spec = importlib.util.spec_from_file_location(
    "bad_inputs", Path(__file__).with_name("bad_inputs.py")
)
bad_inputs = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bad_inputs", bad_inputs)
_spec.loader.exec_module(bad_inputs)
CASES = bad_inputs.CASES
INITIATIVE_CASES = bad_inputs.INITIATIVE_CASES


def _text(case):
    return case.text.encode("latin-1") if case.name == "non-utf8 bytes" else case.text


def _matches(problem, case) -> bool:
    return (
        problem.line == case.line
        and problem.path == case.path
        and problem.code == case.code
        and case.fragment in problem.format()
        and (case.column is None or problem.column == case.column)
        and (case.exact is None or problem.format() == f"{problem.file}:{case.exact}")
    )


def test_catalogue_is_large_enough():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES + INITIATIVE_CASES}) == len(CASES + INITIATIVE_CASES)


def test_catalogue_counts_per_class():
    counts = Counter(c.cls for c in CASES + INITIATIVE_CASES)
    assert counts == {
        "schema and references": 45,
        "YAML the reader rejects: characters": 10,
        "YAML the reader rejects: nesting": 8,
        "Silent acceptance: YAML 1.1 numbers and booleans": 9,
        "Silent acceptance: alias expansion": 1,
        "Text rules": 4,
        "Silent acceptance: initiatives that can never be chosen": 5,
    }
    assert all(c.exact for c in CASES + INITIATIVE_CASES if c.cls != "schema and references")


@pytest.mark.parametrize("case", INITIATIVE_CASES, ids=[c.name for c in INITIATIVE_CASES])
def test_bad_initiatives_file_is_reported_precisely(case, tmp_path):
    path = tmp_path / "initiatives.yaml"
    path.write_text(case.text, encoding="utf-8")
    with pytest.raises(cx.JourneyValidationError) as info:
        load_initiatives(path)
    errors = [p for p in info.value.problems if p.severity == "error"]
    assert any(_matches(p, case) for p in errors), "\n".join(p.format() for p in errors)


def test_base_is_valid():
    assert [p for p in validate_text(bad_inputs.BASE) if p.severity == "error"] == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_reported_precisely(case, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(_text(case) if isinstance(_text(case), bytes) else _text(case).encode())
    with pytest.raises(cx.JourneyValidationError) as info:
        cx.load_journey(path)
    err = info.value
    assert isinstance(err, cx.CxkitError)
    errors = [p for p in err.problems if p.severity == "error"]
    assert any(_matches(p, case) for p in errors), "\n".join(p.format() for p in errors)
    # every problem names the file it came from, and the message starts with it
    assert all(p.file == str(path) for p in err.problems)
    assert str(err).startswith(f"{path}: ")
    matching = next(p for p in errors if _matches(p, case))
    line = f"{path}:{case.line}" if case.line else str(path)
    assert line in matching.format()


def test_several_problems_are_reported_together():
    text = bad_inputs.mutate("to: phone,", "to: phnoe,").replace(
        "touchpoint: web", "touchpoint: wbe"
    )
    with pytest.raises(cx.JourneyValidationError) as info:
        cx.loads_journey(text, file="two.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == "two.yaml: 2 problems found"
    assert lines[1].startswith("  two.yaml:19:17: handoffs[0].to: unknown touchpoint or outcome")
    assert lines[2].startswith("  two.yaml:24:5: steps[0].touchpoint: unknown touchpoint 'wbe'")


def test_many_problems_are_summarised():
    steps = "".join(f"  - {{stage: s1, touchpoint: nowhere{i}}}\n" for i in range(20))
    text = bad_inputs.BASE.split("steps:")[0] + "steps:\n" + steps
    with pytest.raises(cx.JourneyValidationError) as info:
        cx.loads_journey(text, file="many.yaml")
    message = str(info.value)
    assert message.splitlines()[0] == "many.yaml: 20 problems found"
    assert message.splitlines()[-1] == "  … and 8 more"
    assert len(info.value.problems) == 20


def test_warnings_do_not_fail_unless_strict():
    text = bad_inputs.BASE.replace(
        "  - id: phone\n    channel: phone\n",
        "  - id: phone\n    channel: phone\n  - id: store\n    channel: store\n",
    ).replace("steps:", "  - {from: store, to: resolved, probability: 1.0}\nsteps:")
    journey = cx.loads_journey(text)
    warnings = [p for p in journey.validate() if p.severity == "warning"]
    assert [w.code for w in warnings] == ["unreachable"]
    with pytest.raises(cx.JourneyValidationError) as info:
        cx.loads_journey(text, file="w.yaml", strict=True)
    assert "w.yaml:12:5: touchpoints[2]: touchpoint 'store' cannot be reached" in str(info.value)


def test_unknown_template_name_suggests():
    with pytest.raises(cx.TemplateNotFoundError, match="did you mean 'billing_inquiry'"):
        cx.load_journey("biling_inquiry")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(cx.CxkitError, match="no such file"):
        cx.load_journey(tmp_path / "nope.yaml")


def test_python_tags_never_execute(tmp_path):
    marker = tmp_path / "pwned"
    text = f"id: x\ntitle: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(cx.YamlSyntaxError):
        cx.loads_journey(text)
    assert not marker.exists()


def test_problem_records_are_json_ready():
    problems = validate_text(bad_inputs.mutate("to: phone,", "to: phnoe,"), file="j.yaml")
    record = problems[0].to_dict()
    assert record == {
        "severity": "error",
        "code": "unknown-reference",
        "file": "j.yaml",
        "line": 19,
        "column": 17,
        "path": "handoffs[0].to",
        "message": "unknown touchpoint or outcome 'phnoe'; did you mean 'phone'?",
        "value": "phnoe",
        "expected": None,
        "hint": None,
    }


def test_zero_probability_handoffs_do_not_make_touchpoints_reachable():
    text = bad_inputs.BASE.replace(
        "  - {from: web, to: phone, probability: 0.3}",
        "  - {from: web, to: phone, probability: 0.0}",
    )
    problems = validate_text(text, file="zero.yaml")
    assert [(p.code, p.severity, p.path) for p in problems] == [
        ("unreachable", "warning", "touchpoints[1]")
    ]


def test_the_received_value_is_shown_even_when_the_path_contains_it():
    from cxkit.core.errors import Problem

    p = Problem(
        "value out of range",
        path="steps[0].expectation",
        file="run-12/j.yaml",
        line=12,
        column=1,
        value=12,
        expected="a number less than or equal to 10",
    )
    assert p.format() == (
        "run-12/j.yaml:12:1: steps[0].expectation: value out of range (got 12) "
        "— expected a number less than or equal to 10"
    )
    quoted = Problem("unknown stage 'x'", value="x")
    assert quoted.format() == "<journey>: unknown stage 'x'"


def test_value_per_outcome_names_declared_outcomes():
    text = bad_inputs.BASE.replace(
        "steps:", "economics:\n  value_per_outcome: {resolvd: 10}\nsteps:", 1
    )
    errors = [p for p in validate_text(text, file="v.yaml") if p.severity == "error"]
    assert [p.format() for p in errors] == [
        "v.yaml:23:23: economics.value_per_outcome.resolvd: unknown outcome 'resolvd'; "
        "did you mean 'resolved'?"
    ]


def test_schema_and_reference_problems_come_in_one_pass():
    """A file with both kinds of problem reports both at once, each located once."""
    text = """\
cxkit: 1
id: demo
stages: [{id: s1}]
touchpoints:
  - {id: phone, channel: phone}
  - {id: web, channel: web, cost_per_contact: -3}
outcomes: [{id: resolved, kind: resolved}, {id: abandon, kind: abandon}]
entry: {phone: 1.0}
handoffs:
  - {from: phone, to: resolvd, probability: 0.9}
steps:
  - {stage: s1, touchpoint: phnoe, expectation: high}
  - {stage: s9, touchpoint: web}
  - {touchpoint: web}
"""
    problems = validate_text(text, file="demo.yaml")
    found = [(p.line, p.path, p.code) for p in problems]
    assert found == [
        (6, "touchpoints[1].cost_per_contact", "out-of-range"),
        (10, "handoffs[0].to", "unknown-reference"),
        (12, "steps[0].touchpoint", "unknown-reference"),
        (12, "steps[0].expectation", "type"),
        (13, "steps[1].stage", "unknown-reference"),
        (14, "steps[2]", "missing"),
    ]
    hints = {p.path: p.message for p in problems}
    assert "did you mean 'phone'" in hints["steps[0].touchpoint"]
    assert "did you mean 'resolved'" in hints["handoffs[0].to"]
