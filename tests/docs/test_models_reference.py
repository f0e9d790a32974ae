"""``docs/reference/models.md`` holds everything the package cites, inside the repository.

* every section (``§x.y``), source id (``[SRC n]``), golden example (``Example A``,
  ``Example C4``) and published table (``R1``) cited anywhere in ``cxkit/`` exists
  on the page, as a heading id, a source id or a worked example;
* every link from the docs into the page names an anchor the page defines;
* the parameter defaults in its tables are the code's defaults;
* no file of the repository refers to the model specification that used to live
  outside it.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest

from cxkit.core.params import EffortParams, EmotionParams

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference" / "models.md"
TEXT = PAGE.read_text(encoding="utf-8")
PACKAGE = ROOT / "cxkit"
#: The file the page replaces (spelled in two parts so that this test does not name it).
OLD_SPEC = "MODELS" + ".md"

#: Heading ids (``{#s3-2}``) and element ids (``id="src-22"``) the page defines.
ANCHORS = set(re.findall(r"\{#([\w-]+)\}", TEXT)) | set(re.findall(r'id="([\w-]+)"', TEXT))


def _package_texts() -> dict[str, str]:
    out = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in {".py", ".yaml", ".yml", ".md", ".json"} and path.is_file():
            out[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return out


PACKAGE_TEXTS = _package_texts()


def _cited(pattern: str) -> dict[str, set[str]]:
    """``{citation: files}`` for every match of ``pattern`` (group 1) in ``cxkit/``."""
    found: dict[str, set[str]] = {}
    for name, text in PACKAGE_TEXTS.items():
        for m in re.finditer(pattern, text):
            found.setdefault(m.group(1), set()).add(name)
    return found


def test_the_page_defines_its_anchors() -> None:
    assert {"s0", "s1-1", "s3-2", "s5-4", "s10", "example-a", "r1", "src-53"} <= ANCHORS


def test_every_section_cited_in_the_package_exists() -> None:
    # "§4.4", "§4–§5" (both), "§9 R3" (the section; R3 is checked below)
    cited = _cited(r"§(\d+(?:\.\d+)?)")
    assert cited, "expected the package to cite sections of the model reference"
    missing = {
        sec: sorted(files)
        for sec, files in cited.items()
        if "s" + sec.replace(".", "-") not in ANCHORS
    }
    assert not missing, f"sections cited but not on {PAGE.name}: {missing}"


def test_every_source_cited_in_the_package_exists() -> None:
    cited: dict[str, set[str]] = {}
    for ids, files in _cited(r"\[SRC ([\d, ]+)\]").items():
        for n in re.findall(r"\d+", ids):
            cited.setdefault(n, set()).update(files)
    assert "53" in cited
    missing = {n: sorted(files) for n, files in cited.items() if f"src-{n}" not in ANCHORS}
    assert not missing, f"[SRC n] cited but not listed on {PAGE.name}: {missing}"
    for n in cited:  # the id is visible where the page lists it
        assert f'<li id="src-{n}"><b>[SRC {n}]</b>' in TEXT


def test_every_example_and_table_cited_in_the_package_exists() -> None:
    examples = _cited(r"(?i:model reference),? (?:§8 )?Example ([ABC]\d?)")
    examples.update(_cited(r"モデル解説 例([ABC])"))
    assert {"A", "B", "C"} <= set(examples)
    for ex in examples:
        assert f"example-{ex[0].lower()}" in ANCHORS, ex
        if len(ex) > 1:  # C1 … C4 are the parts of Example C
            assert f"**{ex} (" in TEXT, ex
    tables = _cited(r"(?i:model reference) (?:§9 )?(R\d)\b")
    assert {"R1", "R2", "R3"} <= set(tables)
    for table in tables:
        assert table.lower() in ANCHORS, table


def test_the_catalogue_and_templates_cite_the_reference_by_name() -> None:
    from cxkit.roi.catalog import catalog

    for lang, name in (("en", "cxkit model reference"), ("ja", "cxkit モデル解説")):
        texts = [i.description for i in catalog(lang)]
        assert any(name in (t or "") for t in texts), lang
    title = PACKAGE_TEXTS["cxkit/templates/journeys/billing_inquiry.yaml"]
    assert "title: Billing inquiry (cxkit model reference, Example A)" in title


def test_links_into_the_page_name_existing_anchors() -> None:
    docs = ROOT / "docs"
    bad = []
    for path in sorted(docs.rglob("*.md")):
        for m in re.finditer(
            r"\]\(((?:\.\./)*(?:reference/)?models\.md)(?:#([\w-]+))?\)",
            path.read_text(encoding="utf-8"),
        ):
            target = (path.parent / m.group(1)).resolve()
            if target != PAGE.resolve() or (m.group(2) and m.group(2) not in ANCHORS):
                bad.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not bad, bad


def _table_default(name: str) -> str:
    rows = [line for line in TEXT.splitlines() if line.startswith(f"| `{name}` |")]
    assert len(rows) == 1, f"expected one row for `{name}` in the defaults tables, got {rows}"
    return rows[0].strip("|").split("|")[2].strip()


@pytest.mark.parametrize(
    "field", [*fields(EmotionParams), *fields(EffortParams)], ids=lambda f: f.name
)
def test_parameter_defaults_are_the_codes(field) -> None:  # type: ignore[no-untyped-def]
    cell = _table_default(field.name)
    if isinstance(field.default, str):
        assert cell.strip("`").startswith(field.default)
    else:
        number = re.match(r"[−-]?\d+(?:\.\d+)?", cell)
        assert number is not None, cell
        assert float(number.group(0).replace("−", "-")) == float(field.default), cell


def test_no_file_refers_to_the_old_specification() -> None:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    offenders = []
    for name in filter(None, listed):
        path = ROOT / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files
        if OLD_SPEC in text:
            offenders.append(name)
    assert not offenders, f"files that refer to {OLD_SPEC}, outside the repository: {offenders}"
