"""The catalogue of bad journey files: each case gives a text and the diagnostic it
must produce (line, column, field path, error code and a fragment of the wording)."""

from __future__ import annotations

from dataclasses import dataclass

BASE = """\
cxkit: 1
id: demo
title: Demo
stages:
  - id: s1
    label: Stage one
touchpoints:
  - id: web
    channel: web
  - id: phone
    channel: phone
outcomes:
  - id: resolved
    kind: resolved
  - id: abandon
    kind: abandon
entry: {web: 1.0}
handoffs:
  - {from: web, to: phone, probability: 0.3}
  - {from: web, to: resolved, probability: 0.5}
  - {from: phone, to: resolved, probability: 0.9}
steps:
  - stage: s1
    touchpoint: web
    expectation: 6
    experience: 4
"""


def mutate(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    line: int | None
    path: str
    code: str
    fragment: str
    column: int | None = None


CASES: list[Case] = [
    # -- malformed YAML and refused YAML features ---------------------------------------
    Case("empty file", "", 1, "", "empty", "the file is empty"),
    Case("only a comment", "# nothing here\n", 1, "", "empty", "the file is empty"),
    Case(
        "unclosed flow sequence",
        mutate("{web: 1.0}", "[web, 1.0"),
        18,
        "",
        "yaml-syntax",
        "expected ',' or ']'",
    ),
    Case(
        "bad indentation",
        mutate("    label: Stage one", "   label: Stage one"),
        6,
        "",
        "yaml-syntax",
        "expected <block end>",
    ),
    Case(
        "tab indentation",
        mutate("    channel: web\n", "\tchannel: web\n"),
        9,
        "",
        "yaml-syntax",
        "cannot start any token",
    ),
    Case(
        "python object tag",
        mutate("title: Demo", "title: !!python/object/apply:os.system [ls]"),
        3,
        "title",
        "unsafe-tag",
        "YAML tag is not allowed",
        column=8,
    ),
    Case(
        "custom local tag",
        mutate("title: Demo", "title: !secret Demo"),
        3,
        "title",
        "unsafe-tag",
        "YAML tag is not allowed",
    ),
    Case(
        "duplicate key",
        mutate("title: Demo\n", "title: Demo\ntitle: Again\n"),
        4,
        "title",
        "duplicate-key",
        "duplicate key 'title' (first at line 3)",
    ),
    Case(
        "several documents",
        BASE + "---\nid: other\n",
        27,
        "",
        "yaml-syntax",
        "several YAML documents",
    ),
    Case(
        "recursive alias", "id: demo\nloop: &a [*a]\n", 2, "", "alias-bomb", "recursive YAML alias"
    ),
    Case(
        "alias bomb",
        "id: demo\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]\n"
            for p, n in zip("abcde", "bcdef", strict=True)
        ),
        1,
        "",
        "alias-bomb",
        "expands to more than 200000 nodes",
    ),
    Case("not a mapping", "- just\n- a list\n", 1, "", "type", "a journey file is a mapping"),
    Case("non-utf8 bytes", "id: d\xe9mo\n", 1, "", "encoding", "not UTF-8"),
    # -- schema: types, unknown keys, ranges, choices ---------------------------------
    Case("missing id", mutate("id: demo\n", ""), 1, "", "missing", "missing required key 'id'"),
    Case(
        "unknown top-level key",
        mutate("title: Demo", "titel: Demo"),
        3,
        "titel",
        "unknown-key",
        "did you mean 'title'?",
    ),
    Case(
        "unknown step key",
        mutate("    experience: 4", "    experiance: 4"),
        26,
        "steps[0].experiance",
        "unknown-key",
        "did you mean 'experience'?",
        column=5,
    ),
    Case(
        "unknown hand-off key",
        mutate("probability: 0.3}", "prob: 0.3}"),
        19,
        "handoffs[0].prob",
        "unknown-key",
        "did you mean 'probability'?",
    ),
    Case(
        "missing probability",
        mutate("{from: web, to: phone, probability: 0.3}", "{from: web, to: phone}"),
        19,
        "handoffs[0]",
        "missing",
        "missing required key 'probability'",
    ),
    Case(
        "quoted number",
        mutate("    expectation: 6", '    expectation: "6"'),
        25,
        "steps[0].expectation",
        "type",
        "write the number without quotes",
    ),
    Case(
        "boolean as number",
        mutate("    experience: 4", "    experience: yes"),
        26,
        "steps[0].experience",
        "type",
        "got a boolean",
    ),
    Case(
        "list where text expected",
        mutate("title: Demo", "title: [a, b]"),
        3,
        "title",
        "type",
        "expected text",
    ),
    Case(
        "expectation above 10",
        mutate("    expectation: 6", "    expectation: 11"),
        25,
        "steps[0].expectation",
        "out-of-range",
        "less than or equal to 10",
    ),
    Case(
        "negative experience",
        mutate("    experience: 4", "    experience: -1"),
        26,
        "steps[0].experience",
        "out-of-range",
        "greater than or equal to 0",
    ),
    Case(
        "probability above 1",
        mutate("probability: 0.3}", "probability: 1.3}"),
        19,
        "handoffs[0].probability",
        "out-of-range",
        "less than or equal to 1",
    ),
    Case(
        "not a number",
        mutate("    experience: 4", "    experience: .nan"),
        26,
        "steps[0].experience",
        "type",
        "expected a finite number",
    ),
    Case(
        "unknown emotion",
        mutate("    experience: 4", "    experience: 4\n    emotion: happy"),
        27,
        "steps[0].emotion",
        "schema",
        "expected one of 'dissatisfied'",
    ),
    Case(
        "misspelled evidence",
        mutate("    experience: 4", "    experience: 4\n    evidence: mesured"),
        27,
        "steps[0].evidence",
        "schema",
        "did you mean 'measured'?",
    ),
    Case(
        "effort outside 1-5",
        mutate("    experience: 4", "    experience: 4\n    effort: 7"),
        27,
        "steps[0].effort",
        "out-of-range",
        "less than or equal to 5",
    ),
    Case(
        "id with spaces",
        mutate("  - id: phone\n", "  - id: call center\n"),
        10,
        "touchpoints[1].id",
        "bad-id",
        "invalid id",
    ),
    Case(
        "unsupported format version",
        mutate("cxkit: 1", "cxkit: 2"),
        1,
        "cxkit",
        "schema",
        "expected one of 1",
    ),
    Case(
        "steps not a list",
        mutate(
            "steps:\n  - stage: s1\n    touchpoint: web\n    expectation: 6\n    experience: 4\n",
            "steps: first\n",
        ),
        22,
        "steps",
        "type",
        "expected a list",
    ),
    # -- references, duplicates and probabilities -------------------------------------
    Case(
        "unknown hand-off target",
        mutate("to: phone,", "to: phnoe,"),
        19,
        "handoffs[0].to",
        "unknown-reference",
        "did you mean 'phone'?",
    ),
    Case(
        "unknown hand-off source",
        mutate("{from: phone,", "{from: fone,"),
        21,
        "handoffs[2].from",
        "unknown-reference",
        "did you mean 'phone'?",
    ),
    Case(
        "hand-off from an outcome",
        mutate("{from: phone,", "{from: resolved,"),
        21,
        "handoffs[2].from",
        "absorbing-source",
        "outcomes are absorbing",
    ),
    Case(
        "unknown step touchpoint",
        mutate("    touchpoint: web", "    touchpoint: wbe"),
        24,
        "steps[0].touchpoint",
        "unknown-reference",
        "did you mean 'web'?",
    ),
    Case(
        "unknown stage",
        mutate("  - stage: s1", "  - stage: s2"),
        23,
        "steps[0].stage",
        "unknown-reference",
        "unknown stage 's2'; expected one of 's1'",
    ),
    Case(
        "unknown channel",
        mutate("    channel: phone", "    channel: fax"),
        11,
        "touchpoints[1].channel",
        "unknown-reference",
        "declare custom channels",
    ),
    Case(
        "duplicate touchpoint id",
        mutate("  - id: phone\n", "  - id: web\n"),
        10,
        "touchpoints[1].id",
        "duplicate-id",
        "duplicate touchpoint id 'web'",
    ),
    Case(
        "outcome id equals touchpoint id",
        mutate("  - id: abandon\n", "  - id: web\n"),
        15,
        "outcomes[1].id",
        "duplicate-id",
        "also a touchpoint id",
    ),
    Case(
        "probabilities sum over 1",
        mutate("probability: 0.5}", "probability: 0.8}"),
        19,
        "handoffs[0].probability",
        "probability-sum",
        "sum to 1.1 (phone=0.3, resolved=0.8)",
    ),
    Case(
        "duplicate hand-off",
        mutate(
            "  - {from: web, to: resolved, probability: 0.5}",
            "  - {from: web, to: phone, probability: 0.5}",
        ),
        20,
        "handoffs[1]",
        "duplicate-handoff",
        "duplicate hand-off web->phone",
    ),
    Case(
        "entry does not sum to 1",
        mutate("{web: 1.0}", "{web: 0.5}"),
        17,
        "entry",
        "probability-sum",
        "start probabilities sum to 0.5",
    ),
    Case(
        "entry names unknown touchpoint",
        mutate("{web: 1.0}", "{web: 0.5, shop: 0.5}"),
        17,
        "entry.shop",
        "unknown-reference",
        "unknown touchpoint 'shop'",
    ),
    Case(
        "remainder outcome missing",
        mutate("  - id: abandon\n    kind: abandon\n", ""),
        1,
        "remainder_outcome",
        "unknown-reference",
        "is not declared",
    ),
    Case(
        "no outcome reachable",
        mutate(
            "  - {from: phone, to: resolved, probability: 0.9}",
            "  - {from: phone, to: phone, probability: 1.0}",
        ),
        10,
        "touchpoints[1]",
        "no-outcome-reachable",
        "customers there would circle forever",
    ),
]
