"""``docs/reference/yaml.md`` stays true to the schema, the defaults and the CLI.

* every key of every block of the journey schema is documented;
* the parameter defaults in its tables are the code's defaults;
* the effect-target table lists every target kind with the fields the code allows;
* its examples validate through ``cxkit validate --strict`` and the numbers its text
  claims for the complete example are what ``cxkit show --json`` computes.
"""

from __future__ import annotations

import json
import re
import typing
from dataclasses import fields
from pathlib import Path

import pytest
from pydantic import BaseModel

from cxkit.cli import main
from cxkit.core.economics import EFFECT_FIELDS
from cxkit.core.params import EffortParams, EmotionParams
from cxkit.io.schema import JourneyFile

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "yaml.md"
TEXT = DOC.read_text(encoding="utf-8")


def _models(model: type[BaseModel], seen: set[type] | None = None) -> set[type[BaseModel]]:
    """``model`` and every schema class reachable from its fields."""
    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _models(tp, seen)
            stack.extend(typing.get_args(tp))
    return seen


def _keys() -> set[str]:
    return {
        f.alias or name for model in _models(JourneyFile) for name, f in model.model_fields.items()
    }


def _table_rows(heading: str) -> dict[str, list[str]]:
    """First-column key → cells of the table under ``heading``."""
    start = TEXT.index(heading)
    section = TEXT[start : TEXT.find("\n#", start + len(heading))]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) > 1:
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_schema_key_is_documented():
    missing = sorted(k for k in _keys() if f"`{k}`" not in TEXT)
    assert missing == []


@pytest.mark.parametrize(
    ("heading", "params"),
    [("### `parameters.emotion`", EmotionParams()), ("### `parameters.effort`", EffortParams())],
)
def test_parameter_tables_match_the_defaults(heading, params):
    rows = _table_rows(heading)
    assert list(rows) == [f.name for f in fields(params)]
    for f in fields(params):
        documented = rows[f.name][0].strip("`")
        default = getattr(params, f.name)
        if isinstance(default, str):
            assert documented == default, f.name
        else:
            assert float(documented) == default, f.name


def test_effect_target_table_matches_the_code():
    rows = _table_rows("### Effect targets")
    kinds = {key.split(":", 1)[0]: cells[-1] for key, cells in rows.items()}
    assert set(kinds) == set(EFFECT_FIELDS)
    for kind, allowed in EFFECT_FIELDS.items():
        cell = kinds[kind]
        if cell.startswith("as `"):
            cell = kinds[cell.removeprefix("as `").split(":", 1)[0]]
        documented = re.findall(r"`(\w+)`", cell)
        assert documented == list(allowed), kind


def _yaml_after(marker: str) -> str:
    start = TEXT.index(marker)
    block = re.search(r"```yaml\n(.*?)\n```", TEXT[start:], re.S)
    assert block is not None
    return block.group(1) + "\n"


def test_minimal_example_is_valid(capsys, tmp_path):
    path = tmp_path / "minimal.yaml"
    path.write_text(_yaml_after("A minimal valid file"), encoding="utf-8")
    assert _run(capsys, "validate", "--strict", str(path)) == (0, f"{path}: valid\n", "")


def test_complete_example_validates_and_gives_the_numbers_the_text_claims(capsys, tmp_path):
    name = re.search(r"<!-- cxkit-file: (\S+) -->", TEXT).group(1)
    path = tmp_path / name
    path.write_text(_yaml_after(f"<!-- cxkit-file: {name} -->"), encoding="utf-8")
    assert _run(capsys, "validate", "--strict", str(path)) == (0, f"{path}: valid\n", "")

    code, out, _ = _run(capsys, "show", str(path), "--json")
    assert code == 0
    doc = json.loads(out)
    steps = doc["steps"]
    assert [s["expectation"] for s in steps] == [6, 7, 7]
    assert [s["experience"] for s in steps] == [4, 4.75, 9]
    assert [s["valence"] for s in steps] == [-4.5, -5.0625, 2]
    assert [s["emotion"] for s in steps] == ["dissatisfied", "dissatisfied", "delighted"]
    assert steps[2]["computed_emotion"] == "satisfied"
    assert steps[2]["emotion_source"] == "explicit"
    agg = doc["aggregate"]
    assert agg["peak_end"] == pytest.approx(-1.53125)
    assert agg["mean"] == pytest.approx(-2.5208333333)
    assert agg["score"] == pytest.approx(-2.0260416667)
    assert agg["emotion"] == "dissatisfied"
    assert doc["effort"]["switches"] == 1
    assert doc["effort"]["excess_wait_minutes"] == pytest.approx(1.5)
    assert doc["effort"]["ces5"] == pytest.approx(1.95)
    for claim in ("valence −4.5", "`P = 4.75`", "−5.06", "(−1.53)", "(−2.52)", "−2.03", "1.95"):
        assert claim in TEXT, claim
