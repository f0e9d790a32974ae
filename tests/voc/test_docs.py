"""docs/reference/voc.md: the worked example runs as written and gives the figures shown."""

from __future__ import annotations

import doctest
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "voc.md"


def test_worked_example_runs_as_written() -> None:
    result = doctest.testfile(str(PAGE), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_every_impact_column_is_documented() -> None:
    from cxkit.voc import IMPACT_COLUMNS

    text = PAGE.read_text("utf-8")
    missing = [c for c in IMPACT_COLUMNS if f"`{c}`" not in text and c != "category"]
    assert missing == []
