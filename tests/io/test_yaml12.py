"""Plain values are read as YAML 1.2 reads them; limits hold exactly at their edge."""

from __future__ import annotations

import pytest

import cxkit as cx
from cxkit.io.source import MAX_DEPTH, read_yaml


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("0600", "0600"),
        ("1:30", "1:30"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("yes", "yes"),
        ("No", "No"),
        ("off", "off"),
        ("y", "y"),
        ("2026-04-01", "2026-04-01"),
        ("600", "600"),
        ("0x1F", "31"),
    ],
)
def test_labels_keep_what_yaml_11_would_have_turned_into_numbers(written, read):
    """A text field keeps the characters as written, where YAML 1.1 read 0600 as 384."""
    assert cx.loads_journey(f"id: j\ntitle: {written}\n").title == read


@pytest.mark.parametrize(
    ("written", "value"),
    [("600", 600.0), ("0x1F", 31.0), ("0o17", 15.0), ("-0.0", -0.0), ("1e308", 1e308),
     ("5e-324", 5e-324), ("+2.5", 2.5), ("007.5", 7.5)],
)  # fmt: skip
def test_yaml_12_numbers_are_numbers(written, value):
    doc = read_yaml(f"x: {written}\n")
    assert doc.data["x"] == value
    assert str(doc.data["x"]) == str(value) or isinstance(doc.data["x"], int)


def test_booleans_are_true_and_false_only():
    assert read_yaml("a: true\nb: False\nc: TRUE\nd: yes\ne: on\n").data == {
        "a": True,
        "b": False,
        "c": True,
        "d": "yes",
        "e": "on",
    }


def test_nesting_up_to_the_limit_is_read():
    depth_ok = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    expected: list = []
    for _ in range(MAX_DEPTH - 2):
        expected = [expected]
    assert read_yaml(depth_ok).data["x"] == expected  # 64 levels with the top mapping
    with pytest.raises(cx.YamlSyntaxError, match="nest deeper than 64 levels"):
        read_yaml("x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")


def test_merge_keys_and_shared_anchors_still_work():
    doc = read_yaml("d: &d {a: 1}\ne:\n  <<: *d\n  b: 2\nf: [*d, *d]\n")
    assert doc.data["e"] == {"a": 1, "b": 2}
    assert doc.data["f"] == [{"a": 1}, {"a": 1}]
