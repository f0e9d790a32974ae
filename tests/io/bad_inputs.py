"""The catalogue of bad journey files: each case gives a text and the diagnostic it
must produce (line, column, field path, error code and a fragment of the wording).

Cases are organised by class (``Case.cls``); the classes of issue 12 (hostile and
extreme input) also give the ``exact`` diagnostic, ``line:col: path: message…`` as
:meth:`Problem.format` writes it after the file name. ``INITIATIVE_CASES`` are
stand-alone initiatives files, read with :func:`cxkit.roi.load_initiatives`."""

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
    cls: str = "schema and references"
    exact: str | None = None


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
        mutate("    experience: 4", "    experience: true"),
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


def _nested(opening: str, closing: str, n: int) -> str:
    return "id: demo\ntitle: " + opening * n + "x" + closing * n + "\n"


_DEEP_BLOCK = "id: demo\ntitle:\n" + "".join(" " * i + "-\n" for i in range(1, 80))
_ALIAS_CHAIN = "id: demo\na0: &a0 [x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 70)
)
_BIG_ANCHOR = (
    'id: demo\nbig: &big "' + "x" * 9_000 + '"\n'
    "hundred: &hundred [" + ", ".join(["*big"] * 100) + "]\n"
    "title: [" + ", ".join(["*hundred"] * 30) + "]\n"
)
_INITIATIVES = """\
initiatives:
  - id: crm
    cost_one_off: 60
  - id: chat
    prerequisites: [crm]
    excludes: [crm]
"""
_RAW = "raw character {code} is not allowed in a YAML file; write it as the escape "
_RAW_END = '"\\u{hex}" inside a double-quoted string, or remove it'


def _raw(ch: str, name: str, column: int, line: int = 3) -> Case:
    code = f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
    return Case(
        f"raw {code}",
        mutate("title: Demo", f"title: D{ch}emo"),
        line,
        "",
        "control-character",
        "is not allowed in a YAML file",
        column=column,
        cls="YAML the reader rejects: characters",
        exact=f"{line}:{column}: " + _RAW.format(code=code) + _RAW_END.format(hex=f"{ord(ch):04x}"),
    )


_TOO_DEEP = "lists and mappings nest deeper than 64 levels (a journey needs 6)"
_NUMBER = (
    "{line}:23: touchpoints[0].cost_per_contact: wrong type: got text (got {got!r}) "
    "— expected a number; "
)


def _cost(value: str, hint: str) -> Case:
    return Case(
        f"cost_per_contact: {value}",
        mutate("    channel: web\n", f"    channel: web\n    cost_per_contact: {value}\n"),
        10,
        "touchpoints[0].cost_per_contact",
        "type",
        "got text",
        cls="Silent acceptance: YAML 1.1 numbers and booleans",
        exact=(_NUMBER.format(line=10, got=value) + hint).removesuffix("; "),
    )


def _transfer(value: str, hint: str) -> Case:
    return Case(
        f"transfer: {value}",
        mutate("    experience: 4", f"    experience: 4\n    transfer: {value}"),
        27,
        "steps[0].transfer",
        "type",
        "got text",
        cls="Silent acceptance: YAML 1.1 numbers and booleans",
        exact=f"27:15: steps[0].transfer: wrong type: got text (got {value!r}) — expected true "
        f"or false; {hint}",
    )


HOSTILE: list[Case] = [
    # -- YAML the reader rejects: raw characters ----------------------------------------
    _raw("\x00", "NUL", 9),
    _raw("\x01", "", 9),
    _raw("\x1b", "ESCAPE", 9),
    _raw("\x7f", "DELETE", 9),
    _raw("\x85", "NEXT LINE", 9),
    _raw("\x9b", "", 9),
    _raw("\u2028", "LINE SEPARATOR", 9),
    _raw("\u2029", "PARAGRAPH SEPARATOR", 9),
    _raw("\ufffe", "", 9),
    # -- YAML the reader rejects: nesting ------------------------------------------------
    Case(
        "50,000 unclosed [",
        "id: demo\ntitle: " + "[" * 50_000,
        2,
        "",
        "too-deep",
        _TOO_DEEP,
        column=71,
        cls="YAML the reader rejects: nesting",
        exact="2:71: " + _TOO_DEEP,
    ),
    Case(
        "50,000 nested [ ]",
        _nested("[", "]", 50_000),
        2,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="2:71: " + _TOO_DEEP,
    ),
    Case(
        "50,000 nested flow mappings",
        _nested("{a: ", "}", 50_000),
        2,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="2:260: " + _TOO_DEEP,
    ),
    Case(
        "79 nested block sequences",
        _DEEP_BLOCK,
        66,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="66:65: " + _TOO_DEEP,
    ),
    Case(
        "50,000 nested JSON arrays",
        '{"id": "demo", "title": ' + "[" * 50_000 + "]" * 50_000 + "}",
        1,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="1:88: " + _TOO_DEEP,
    ),
    Case(
        "aliases nesting 70 deep",
        _ALIAS_CHAIN,
        66,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="66:6: " + _TOO_DEEP + " once aliases are followed",
    ),
    # -- Silent acceptance: YAML 1.1 numbers and booleans -------------------------------
    _cost(
        "0600",
        "a leading 0 makes 0600 the octal number 384 in YAML 1.1 but 600 in YAML 1.2: "
        "write 600, or 0o600 for octal",
    ),
    _cost(
        "1:30",
        "sexagesimal (base 60) numbers are YAML 1.1 only; cxkit reads '1:30' as text: write 90",
    ),
    _cost("0b101", "binary numbers are YAML 1.1 only; cxkit reads '0b101' as text: write 5"),
    _cost(
        "1_000",
        "with '_' digit separators numbers are YAML 1.1 only; cxkit reads '1_000' as text: "
        "write 1000",
    ),
    _cost("yes", ""),
    _transfer(
        "yes",
        "'yes' is a boolean only in YAML 1.1; cxkit follows YAML 1.2, where it is text: write true",
    ),
    _transfer(
        "off",
        "'off' is a boolean only in YAML 1.1; cxkit follows YAML 1.2, where it is text: "
        "write false",
    ),
    Case(
        "cost_per_contact: 1e309",
        mutate("    channel: web\n", "    channel: web\n    cost_per_contact: 1e309\n"),
        10,
        "touchpoints[0].cost_per_contact",
        "number-too-large",
        "too large",
        cls="Silent acceptance: YAML 1.1 numbers and booleans",
        exact="10:23: touchpoints[0].cost_per_contact: number 1e309 is too large: the largest "
        "finite number is about 1.8e+308",
    ),
    # -- Silent acceptance: alias expansion ----------------------------------------------
    Case(
        "3,000 aliases of a 9,000-character anchor",
        _BIG_ANCHOR,
        1,
        "",
        "alias-bomb",
        "expands to more than 20971520 characters",
        cls="Silent acceptance: alias expansion",
        exact="1:1: the document expands to more than 20971520 characters once aliases are "
        "followed (an alias bomb?) (got 27909021)",
    ),
    # -- Silent acceptance and round trips: text rules -----------------------------------
    Case(
        "title of 10,001 characters",
        mutate("title: Demo", "title: " + "x" * 10_001),
        3,
        "title",
        "bad-text",
        "text is too long",
        cls="Text rules",
        exact="3:8: title: text is too long: 10001 characters (got "
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…) — expected at most "
        "10000 characters",
    ),
    Case(
        "lone surrogate escape",
        mutate("title: Demo", 'title: "a\\ud800b"'),
        3,
        "title",
        "bad-text",
        "lone surrogate",
        cls="Text rules",
        exact="3:8: title: text holds a lone surrogate U+D800 at character 2, which is not a "
        "character (got 'a\\ud800b') — expected Unicode text (a surrogate pair stands for one "
        "character; write that character)",
    ),
    Case(
        "lone surrogate escape in JSON",
        '{"id": "demo", "title": "\\udc00"}',
        1,
        "title",
        "bad-text",
        "lone surrogate",
        cls="Text rules",
        exact="1:25: title: text holds a lone surrogate U+DC00 at character 1, which is not a "
        "character (got '\\udc00') — expected Unicode text (a surrogate pair stands for one "
        "character; write that character)",
    ),
    # -- Silent acceptance: initiatives that can never be chosen --------------------------
    Case(
        "initiative requires and excludes the same id",
        "id: demo\n" + _INITIATIVES,
        7,
        "initiatives[1].excludes[0]",
        "exclusion-conflict",
        "both requires and excludes",
        cls="Silent acceptance: initiatives that can never be chosen",
        exact="7:16: initiatives[1].excludes[0]: initiative 'chat' both requires and excludes "
        "'crm' — expected exclusions apart from prerequisites",
    ),
    Case(
        "initiative excludes a prerequisite of a prerequisite",
        "id: demo\n"
        + _INITIATIVES.replace("prerequisites: [crm]\n    excludes: [crm]", "prerequisites: [crm]")
        + "  - id: bot\n    prerequisites: [chat]\n    excludes: [crm]\n",
        9,
        "initiatives[2].excludes[0]",
        "exclusion-conflict",
        "both requires and excludes",
        cls="Silent acceptance: initiatives that can never be chosen",
        exact="9:16: initiatives[2].excludes[0]: initiative 'bot' both requires and excludes "
        "'crm' — expected exclusions apart from prerequisites",
    ),
    Case(
        "prerequisite excludes the initiative",
        "id: demo\n"
        + _INITIATIVES.replace("prerequisites: [crm]\n    excludes: [crm]", "excludes: [bot]")
        + "  - id: bot\n    prerequisites: [chat]\n",
        8,
        "initiatives[2].prerequisites",
        "exclusion-conflict",
        "which excludes it",
        cls="Silent acceptance: initiatives that can never be chosen",
        exact="8:5: initiatives[2].prerequisites: initiative 'bot' can never be chosen: it "
        "requires 'chat', which excludes it — expected exclusions apart from "
        "prerequisites",
    ),
    Case(
        "two prerequisites exclude each other",
        "id: demo\n"
        + _INITIATIVES.replace("prerequisites: [crm]\n    excludes: [crm]", "excludes: [crm]")
        + "  - id: bot\n    prerequisites: [chat, crm]\n",
        8,
        "initiatives[2].prerequisites",
        "exclusion-conflict",
        "can never be chosen",
        cls="Silent acceptance: initiatives that can never be chosen",
        exact="8:5: initiatives[2].prerequisites: initiative 'bot' can never be chosen: it "
        "requires 'chat' and 'crm', and 'chat' excludes 'crm' — expected "
        "exclusions apart from prerequisites",
    ),
]
CASES += HOSTILE

#: Stand-alone initiatives files: the same reader, the same classes.
INITIATIVE_CASES: list[Case] = [
    Case(
        "initiatives: raw NUL",
        _INITIATIVES.replace("id: crm", "id: crm\n    label: a\x00b"),
        3,
        "",
        "control-character",
        "U+0000 (NUL)",
        cls="YAML the reader rejects: characters",
        exact="3:13: " + _RAW.format(code="U+0000 (NUL)") + _RAW_END.format(hex="0000"),
    ),
    Case(
        "initiatives: 50,000 nested lists",
        "initiatives: " + "[" * 50_000 + "]" * 50_000 + "\n",
        1,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="1:77: " + _TOO_DEEP,
    ),
    Case(
        "initiatives: 50,000 nested JSON objects",
        '{"initiatives": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
        1,
        "",
        "too-deep",
        _TOO_DEEP,
        cls="YAML the reader rejects: nesting",
        exact="1:395: " + _TOO_DEEP,
    ),
    Case(
        "initiatives: cost_one_off: 0600",
        _INITIATIVES.replace("cost_one_off: 60", "cost_one_off: 0600"),
        3,
        "initiatives[0].cost_one_off",
        "type",
        "octal",
        cls="Silent acceptance: YAML 1.1 numbers and booleans",
        exact="3:19: initiatives[0].cost_one_off: wrong type: got text (got '0600') — expected "
        "a number; a leading 0 makes 0600 the octal number 384 in YAML 1.1 but 600 in YAML "
        "1.2: write 600, or 0o600 for octal",
    ),
    Case(
        "initiatives: requires and excludes the same id",
        _INITIATIVES,
        6,
        "initiatives[1].excludes[0]",
        "exclusion-conflict",
        "both requires and excludes",
        cls="Silent acceptance: initiatives that can never be chosen",
        exact="6:16: initiatives[1].excludes[0]: initiative 'chat' both requires and excludes "
        "'crm' — expected exclusions apart from prerequisites",
    ),
    Case(
        "initiatives: label of 10,001 characters",
        _INITIATIVES.replace("id: crm", "id: crm\n    label: " + "y" * 10_001),
        3,
        "initiatives[0].label",
        "bad-text",
        "text is too long",
        cls="Text rules",
        exact="3:12: initiatives[0].label: text is too long: 10001 characters (got "
        "'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…) — expected at most "
        "10000 characters",
    ),
]
