"""Every journey cxkit accepts round-trips exactly through YAML and JSON files, for
labels drawn from all of Unicode (C0/C1 controls, NEL, LS/PS, BOM, non-characters,
astral characters) and numbers at the edges (±0, subnormals, 1e308); what it
refuses (a lone surrogate) is refused at validation and on write, with the message
below, and nothing is written."""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxkit as cx
from cxkit.core.economics import Economics
from cxkit.core.errors import format_value
from cxkit.io import dumps_json, save_journey
from cxkit.io.journey_io import _parse

#: Characters the readers and writers must treat with care, drawn often.
AWKWARD = [
    *map(chr, range(0x00, 0x20)),  # C0 controls (tab, LF, CR, ESC, NUL…)
    *map(chr, range(0x7F, 0xA0)),  # DEL and C1 controls (NEL is U+0085)
    "\u2028",  # LINE SEPARATOR
    "\u2029",  # PARAGRAPH SEPARATOR
    "\ufeff",  # BOM / zero-width no-break space
    "\ufdd0",  # non-character
    "\ufffe",  # non-character
    "\uffff",  # non-character
    "\U0001fffe",  # astral non-character
    "\U0010ffff",  # last code point, a non-character
    "\U0001f600",  # an emoji (a surrogate pair in UTF-16 and JSON escapes)
    " ",
    "'",
    '"',
    "\\",
    ":",
    "#",
    "- ",
    "&a",
    "*a",
    "!!python/object",
    "0600",
    "yes",
    "1e5",
    "~",
    "窓口",
]
chars = st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(AWKWARD))
labels = st.lists(chars, max_size=12).map("".join)
ids = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6)
#: Edge numbers: signed zeros, the smallest subnormal, the smallest normal, the largest.
EDGES = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e308, -1e308, 1.7976931348623157e308]
numbers = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=False, allow_infinity=False))
non_negative = st.one_of(
    st.sampled_from([x for x in EDGES if math.copysign(1, x) > 0] + [-0.0]),
    st.floats(0, 1e308),
)

LONE_SURROGATE = (
    "text holds a lone surrogate U+D800 at character {at}, which is not a character "
    "(got {value}) — expected Unicode text (a surrogate pair stands for one character; "
    "write that character)"
)


@st.composite
def journeys(draw):
    tp_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    touchpoints = [
        cx.Touchpoint(
            t,
            label=draw(labels),
            channel="web",
            owner=draw(st.one_of(st.none(), labels)),
            cost_per_contact=draw(non_negative),
        )
        for t in tp_ids
    ]
    graph = cx.TouchpointGraph(
        touchpoints=touchpoints,
        handoffs=[cx.Handoff(tp_ids[0], "done", probability=1.0, label=draw(labels))],
        outcomes=[cx.Outcome("done", label=draw(labels), kind=cx.OutcomeKind.RESOLVED)],
        entry={tp_ids[0]: 1.0},
        remainder_outcome="done",
    )
    stages = [cx.Stage("s", label=draw(labels), description=draw(st.one_of(st.none(), labels)))]
    steps = [
        cx.Step(
            stage="s",
            touchpoint=draw(st.sampled_from(tp_ids)),
            action=draw(labels),
            pain_points=tuple(draw(st.lists(labels, max_size=2))),
            notes=draw(st.one_of(st.none(), labels)),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    economics = Economics(
        margin_per_customer=draw(numbers), value_per_outcome={"done": draw(numbers)}
    )
    return cx.Journey(
        id="j",
        title=draw(labels),
        graph=graph,
        stages=stages,
        steps=steps,
        description=draw(st.one_of(st.none(), labels)),
        tags=tuple(draw(st.lists(labels, max_size=2))),
        economics=economics,
    )


def _check(journey, tmp_path, suffix):
    path = tmp_path / f"j{suffix}"
    save_journey(journey, path)
    back, problems = _parse(path.read_bytes(), str(path))
    assert back is not None, [p.format() for p in problems]
    assert not [p for p in problems if p.code == "bad-text"]
    # repr tells -0.0 from 0.0 and shows every field; the source path differs
    assert repr(back.replace(source=None)) == repr(journey.replace(source=None))
    assert back == journey


_SETTINGS = settings(
    max_examples=1_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _round_trip(tmp_path, journey, where, suffix):
    """One example: one in six carries a lone surrogate, which is refused at
    validation and on write (nothing written); every other journey is written to a
    file and read back exactly."""
    if where == 0:
        title = journey.title + "\ud800"
        bad = journey.replace(title=title)
        expected = LONE_SURROGATE.format(at=len(title), value=format_value(title))
        assert [p.format() for p in bad.validate() if p.code == "bad-text"] == [
            f"<journey>: title: {expected}"
        ]
        target = tmp_path / f"bad{suffix}"
        with pytest.raises(cx.JourneyValidationError) as info:
            save_journey(bad, target)
        assert info.value.problems[0].format() == (
            f"{target}: title: {expected}; nothing was written"
        )
        assert not target.exists()
        return
    _check(journey, tmp_path, suffix)


@_SETTINGS
@given(journeys(), st.integers(0, 5))
def test_yaml_files_round_trip_exactly(tmp_path, journey, where):
    """1,000 examples through a YAML file; the text is a fixed point of dump/load."""
    _round_trip(tmp_path, journey, where, ".yaml")
    if where:
        text = cx.dump_journey(journey)
        assert cx.dump_journey(_parse(text, "x")[0]) == text


@_SETTINGS
@given(journeys(), st.integers(0, 5))
def test_json_files_round_trip_exactly(tmp_path, journey, where):
    """1,000 examples through a JSON file (with 1,000 YAML ones: 2,000 in all)."""
    _round_trip(tmp_path, journey, where, ".json")


def test_json_escapes_what_yaml_cannot_read_raw():
    j = cx.load_journey("billing_inquiry").replace(title="a\x7f\x85\x9f\u2028\ufeffb\U0001f600")
    text = dumps_json(j)
    assert '"title": "a\\u007f\\u0085\\u009f\\u2028\\ufeffb\U0001f600"' in text
    assert cx.loads_journey(text) == j


def test_yaml_writes_line_breaks_yaml_11_would_fold_as_escapes():
    j = cx.load_journey("billing_inquiry").replace(title="a\x85b\u2028c\x1b")
    assert 'title: "a\\Nb\\Lc\\e"' in cx.dump_journey(j)
    assert cx.loads_journey(cx.dump_journey(j)).title == "a\x85b\u2028c\x1b"


def test_json_surrogate_pair_escapes_read_as_one_character():
    text = '{"id": "j", "title": "\\ud83d\\ude00 ok"}'
    assert cx.loads_journey(text).title == "\U0001f600 ok"


def test_json_with_raw_c1_and_line_separators_reads_losslessly():
    """JSON allows DEL, C1 controls and U+2028 raw in strings (other tools write them)."""
    text = '{"id": "j", "title": "a\x85b\u2028c\x7f"}'
    assert cx.loads_journey(text).title == "a\x85b\u2028c\x7f"


def test_a_long_label_is_refused_on_write_as_on_read(tmp_path):
    j = cx.load_journey("billing_inquiry").replace(title="x" * 10_001)
    target = tmp_path / "j.yaml"
    with pytest.raises(cx.JourneyValidationError) as info:
        save_journey(j, target)
    assert info.value.problems[0].format() == (
        f"{target}: title: text is too long: 10001 characters "
        "(got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…) "
        "— expected at most 10000 characters; nothing was written"
    )
    assert not target.exists()
    ok = j.replace(title="x" * 10_000)
    assert cx.load_journey(save_journey(ok, target)) == ok
