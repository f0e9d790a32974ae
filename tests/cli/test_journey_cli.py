"""The journey commands — templates, new, validate, show — through ``cxkit.cli.main``
and through the installed entry point, checked against the model reference Example A."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.io import template_path, validate_file

TEMPLATE = "billing_inquiry"

#: A journey with one schema error, on a line and column we know.
OUT_OF_RANGE = """\
cxkit: 1
id: demo
stages:
  - id: s1
touchpoints:
  - id: web
    channel: web
outcomes:
  - id: resolved
    kind: resolved
handoffs:
  - {from: web, to: resolved, probability: 1.0}
steps:
  - stage: s1
    touchpoint: web
    expectation: 12
    experience: 4
"""

#: Two reference errors (a misspelled channel and a misspelled outcome).
BAD_REFERENCES = """\
cxkit: 1
id: demo
stages:
  - id: s1
touchpoints:
  - id: web
    channel: web
  - id: phone
    channel: phnoe
outcomes:
  - id: resolved
    kind: resolved
  - id: abandon
handoffs:
  - {from: web, to: phone, probability: 0.3}
  - {from: web, to: resolvd, probability: 0.5}
steps:
  - stage: s1
    touchpoint: web
"""

#: Valid, with one warning: 'store' cannot be reached from the entry.
WARNING_ONLY = """\
cxkit: 1
id: warned
stages:
  - id: s1
touchpoints:
  - id: web
    channel: web
  - id: store
    channel: store
outcomes:
  - id: resolved
    kind: resolved
  - id: abandon
entry: {web: 1.0}
handoffs:
  - {from: web, to: resolved, probability: 0.5}
  - {from: store, to: resolved, probability: 0.5}
steps:
  - stage: s1
    touchpoint: web
    expectation: 6
    experience: 4
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def squeeze(line: str) -> str:
    return " ".join(line.split())


# -- templates ---------------------------------------------------------------------------
def test_templates_lists_the_builtin_templates(capsys):
    code, out, err = run(capsys, "templates")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["Template", "Title", "Language", "Steps"]
    row = next(line for line in lines if line.startswith(TEMPLATE + " "))
    assert squeeze(row) == "billing_inquiry Billing inquiry (cxkit model reference, Example A) en 4"
    listed = [line.split()[0] for line in lines[1:]]
    assert listed == cx.list_templates()


def test_templates_json(capsys):
    code, out, _ = run(capsys, "templates", "--json")
    assert code == 0
    doc = json.loads(out)
    assert list(doc)[:2] == ["cxkit", "command"]
    assert doc["cxkit"] == cx.__version__ and doc["command"] == "templates"
    assert [t["name"] for t in doc["templates"]] == cx.list_templates()
    billing = next(t for t in doc["templates"] if t["name"] == TEMPLATE)
    assert billing == {
        "name": TEMPLATE,
        "title": "Billing inquiry (cxkit model reference, Example A)",
        "language": "en",
        "steps": 4,
        "stages": 3,
        "touchpoints": 3,
        "tags": ["example", "billing", "call-center"],
        "path": str(template_path(TEMPLATE)),
        "valid": True,
        "error": None,
    }


# -- new ---------------------------------------------------------------------------------
def test_new_copies_the_template_text_and_it_validates(capsys, tmp_path):
    target = tmp_path / "mine.yaml"
    code, out, err = run(capsys, "new", str(target), "--template", TEMPLATE)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == (
        f"created {target} from 'billing_inquiry' (id 'billing_inquiry', 4 steps)"
    )
    # a faithful copy: comments and layout kept, no temporary file left behind
    assert target.read_text(encoding="utf-8") == template_path(TEMPLATE).read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]
    assert validate_file(target) == []
    assert cx.load_journey(target) == cx.load_journey(TEMPLATE)


def test_new_refuses_to_overwrite_without_force(capsys, tmp_path):
    target = write(tmp_path, "taken.yaml", "keep me\n")
    code, out, err = run(capsys, "new", str(target), "-t", TEMPLATE)
    assert code == 1 and out == ""
    assert err == f"cxkit: error: {target}: already exists; use --force to overwrite it\n"
    assert target.read_text() == "keep me\n"

    code, _, err = run(capsys, "new", str(target), "-t", TEMPLATE, "--force")
    assert code == 0 and err == ""
    assert cx.load_journey(target).id == TEMPLATE


def test_new_id_from_the_file_stem_or_given(capsys, tmp_path):
    stem = tmp_path / "My billing (v2).yaml"
    assert run(capsys, "new", str(stem), "-t", TEMPLATE, "--id")[0] == 0
    text = stem.read_text(encoding="utf-8")
    assert "\nid: My_billing_v2\n" in text
    assert text.startswith("# cxkit model reference Example A")  # comments survive the id edit
    j = cx.load_journey(stem)
    assert j.id == "My_billing_v2"
    assert j == cx.load_journey(TEMPLATE).replace(id="My_billing_v2")

    given = tmp_path / "other.yaml"
    assert run(capsys, "new", str(given), "-t", TEMPLATE, "--id", "請求_2026")[0] == 0
    assert cx.load_journey(given).id == "請求_2026"


def test_new_json_target(capsys, tmp_path):
    target = tmp_path / "billing.json"
    assert run(capsys, "new", str(target), "-t", TEMPLATE, "--id")[0] == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["id"] == "billing"
    assert cx.load_journey(target) == cx.load_journey(TEMPLATE).replace(id="billing")


def test_new_from_a_json_journey_writes_yaml(capsys, tmp_path):
    source = tmp_path / "source.json"
    assert run(capsys, "new", str(source), "-t", TEMPLATE)[0] == 0
    target = tmp_path / "copy.yaml"
    assert run(capsys, "new", str(target), "-t", str(source), "--id")[0] == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("cxkit: 1\nid: copy\n")  # YAML, not JSON text in a .yaml file
    assert cx.load_journey(target) == cx.load_journey(TEMPLATE).replace(id="copy")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-t", "billing_inquiri"],
            "no journey file or template named 'billing_inquiri'; did you mean 'billing_inquiry'?",
        ),
        (
            ["-t", TEMPLATE, "--id", "two words"],
            "--id must be an id: letters, digits, '_', '-' or '.', starting with a letter, "
            "digit or '_' (no spaces, at most 80 characters); got 'two words'",
        ),
    ],
)
def test_new_bad_arguments(capsys, tmp_path, args, message):
    target = tmp_path / "x.yaml"
    code, out, err = run(capsys, "new", str(target), *args)
    assert (code, out, err) == (1, "", f"cxkit: error: {message}\n")
    assert not target.exists()


def test_new_bad_paths(capsys, tmp_path):
    code, _, err = run(capsys, "new", str(tmp_path / "x.txt"), "-t", TEMPLATE)
    assert code == 1
    assert err == f"cxkit: error: PATH must end in .yaml, .yml, .json; got '{tmp_path}/x.txt'\n"
    missing = tmp_path / "no" / "x.yaml"
    code, _, err = run(capsys, "new", str(missing), "-t", TEMPLATE)
    assert code == 1
    assert err == f"cxkit: error: {missing}: folder {missing.parent} does not exist\n"
    code, _, err = run(capsys, "new", str(tmp_path), "-t", TEMPLATE)
    assert code == 1
    assert err == f"cxkit: error: {tmp_path}: is a folder; PATH must be a journey file path\n"


@pytest.mark.parametrize(("lang", "title"), [("en", "My journey"), ("ja", "マイ・ジャーニー")])
def test_new_without_a_template_starts_a_blank_journey(capsys, tmp_path, lang, title):
    target = tmp_path / "x.yaml"
    code, out, err = run(capsys, "new", str(target), "--lang", lang, "--id")
    assert code == 0 and err == ""
    first = out.splitlines()[0]
    assert first == f"created {target} from the blank journey ({lang}) (id 'x', 2 steps)"
    assert validate_file(target) == []  # valid, with no warning either
    j = cx.load_journey(target)
    assert (j.id, j.title, j.language, len(j.stages), len(j.graph.touchpoints)) == (
        "x",
        title,
        lang,
        2,
        2,
    )
    assert target.read_text(encoding="utf-8").startswith("# ")  # the guiding comments are kept


# -- validate ----------------------------------------------------------------------------
def test_validate_valid_file_and_template_name(capsys, tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_bytes(template_path(TEMPLATE).read_bytes())
    code, out, err = run(capsys, "validate", str(path), TEMPLATE)
    assert (code, err) == (0, "")
    assert out.splitlines() == [f"{path}: valid", "billing_inquiry: valid"]


def test_validate_invalid_file_exact_lines(capsys, tmp_path):
    path = write(tmp_path, "range.yaml", OUT_OF_RANGE)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert out == f"{path}: invalid (1 error)\n"
    assert err.splitlines() == [
        f"{path}:16:18: steps[0].expectation: value out of range (got 12) "
        "— expected a number less than or equal to 10"
    ]


def test_validate_reference_errors_with_positions(capsys, tmp_path):
    path = write(tmp_path, "refs.yaml", BAD_REFERENCES)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert out == f"{path}: invalid (2 errors)\n"
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(
        f"{path}:9:5: touchpoints[1].channel: unknown channel 'phnoe'; did you mean 'phone'?"
    ), lines[0]
    assert lines[1].startswith(
        f"{path}:16:17: handoffs[1].to: unknown touchpoint or outcome 'resolvd'; "
        "did you mean 'resolved'?"
    ), lines[1]
    # exactly the API's diagnostics, one per line
    assert lines == [p.format() for p in validate_file(path)]


def test_validate_yaml_syntax_error(capsys, tmp_path):
    path = write(tmp_path, "broken.yaml", "cxkit: 1\nid: demo\nstages: [a, b\n")
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1
    assert err.startswith(f"{path}:4:1: ")
    assert "expected ',' or ']'" in err


def test_validate_many_files_one_bad(capsys, tmp_path):
    good = write(tmp_path, "a.yaml", WARNING_ONLY)
    bad = write(tmp_path, "b.yaml", OUT_OF_RANGE)
    code, out, _ = run(capsys, "validate", str(good), str(bad), TEMPLATE)
    assert code == 1
    assert out.splitlines() == [
        f"{good}: valid (1 warning)",
        f"{bad}: invalid (1 error)",
        "billing_inquiry: valid",
    ]


def test_validate_folder_expands_to_its_journey_files(capsys, tmp_path):
    write(tmp_path, "a.yaml", WARNING_ONLY)
    write(tmp_path, "b.yml", OUT_OF_RANGE)
    write(tmp_path, "notes.txt", "not a journey")
    code, out, _ = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path / 'a.yaml'}: valid (1 warning)",
        f"{tmp_path / 'b.yml'}: invalid (1 error)",
    ]


def test_validate_warning_fails_only_with_strict(capsys, tmp_path):
    path = write(tmp_path, "warn.yaml", WARNING_ONLY)
    warning = (
        f"{path}:8:5: warning: touchpoints[1]: touchpoint 'store' cannot be reached from "
        "the entry (web)"
    )
    code, out, err = run(capsys, "validate", str(path))
    assert code == 0
    assert out == f"{path}: valid (1 warning)\n"
    assert err.startswith(warning)

    code, out, err = run(capsys, "validate", "--strict", str(path))
    assert code == 1
    assert out == f"{path}: invalid (1 warning)\n"
    assert err.startswith(warning)  # still printed as a warning


def test_validate_json_shape(capsys, tmp_path):
    warn = write(tmp_path, "warn.yaml", WARNING_ONLY)
    bad = write(tmp_path, "bad.yaml", OUT_OF_RANGE)
    code, out, err = run(capsys, "validate", "--json", str(warn), str(bad), "nope.yaml")
    assert code == 1 and err == ""
    doc = json.loads(out)
    assert list(doc) == ["cxkit", "command", "strict", "valid", "files"]
    assert (doc["cxkit"], doc["command"], doc["strict"], doc["valid"]) == (
        cx.__version__,
        "validate",
        False,
        False,
    )
    files = doc["files"]
    assert [(f["file"], f["valid"], f["errors"], f["warnings"]) for f in files] == [
        (str(warn), True, 0, 1),
        (str(bad), False, 1, 0),
        ("nope.yaml", False, 1, 0),
    ]
    assert files[0]["resolved"] == str(warn) and files[2]["resolved"] is None
    assert files[1]["problems"] == [
        {
            "severity": "error",
            "code": "out-of-range",
            "file": str(bad),
            "line": 16,
            "column": 18,
            "path": "steps[0].expectation",
            "message": "value out of range",
            "value": 12,
            "expected": "a number less than or equal to 10",
            "hint": None,
        }
    ]
    assert files[0]["problems"][0]["severity"] == "warning"
    assert files[0]["problems"][0]["code"] == "unreachable"
    assert files[2]["problems"][0]["message"] == "no such file"

    code, out, _ = run(capsys, "validate", "--json", "--strict", str(warn))
    doc = json.loads(out)
    assert code == 1 and doc["strict"] is True and doc["valid"] is False
    assert doc["files"][0]["valid"] is False


def test_validate_missing_path_and_misspelled_template(capsys, tmp_path):
    write(tmp_path, "billing.yaml", WARNING_ONLY)
    missing = tmp_path / "biling.yaml"
    code, out, err = run(capsys, "validate", str(missing), "billing_inquiri", "no/such.yaml")
    assert code == 1
    assert out.splitlines() == [
        f"{missing}: invalid (1 error)",
        "billing_inquiri: invalid (1 error)",
        "no/such.yaml: invalid (1 error)",
    ]
    assert err.splitlines() == [
        f"{missing}: no such file; did you mean 'billing.yaml'?",
        "billing_inquiri: no journey file or template with this name — expected a journey "
        "file (.yaml, .yml, .json) or a template name; did you mean 'billing_inquiry'?",
        "no/such.yaml: no such file (folder no does not exist)",
    ]


def test_validate_needs_a_path(capsys):
    code, _, err = run(capsys, "validate")
    assert code == 2
    assert "Missing argument 'PATH...'" in err


# -- show --------------------------------------------------------------------------------
def test_show_text_english_has_example_a(capsys):
    code, out, err = run(capsys, "show", TEMPLATE)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Billing inquiry (cxkit model reference, Example A)"
    assert "Persona: Subscriber with a billing question" in lines
    assert [line for line in lines if line.startswith("Stage ")] == [
        "Stage 1: Self-service search",
        "Stage 2: Contact the center",
        "Stage 3: Resolution",
    ]
    rows = {squeeze(line).split(" ", 1)[0]: squeeze(line) for line in lines if line[:3].strip()}
    assert rows["1"].endswith("6 4 -2 -4 dissatisfied –")
    assert rows["2"].endswith("6 3 -3 -6 dissatisfied –")
    assert rows["3"].endswith("7 7 0 0 satisfied –")
    assert rows["4"].endswith("7 10 +3 3 delighted –")
    start, stop = lines.index("Journey aggregates"), lines.index("Design-time and flow-time")
    aggregates = {
        squeeze(line).rsplit(" ", 1)[0]: squeeze(line).rsplit(" ", 1)[1]
        for line in lines[start + 1 : stop - 1]  # up to the design-time/flow-time table
    }
    assert aggregates["Peak-end"] == "-1.5"
    assert aggregates["Peak (step 2)"] == "-6"
    assert aggregates["End"] == "3"
    assert aggregates["Mean"] == "-1.75"
    assert aggregates["Recency-weighted"] == "0.5333"
    assert aggregates["Remembered experience"] == "-1.5"
    assert aggregates["Journey emotion"] == "dissatisfied"
    assert aggregates["Synthetic CSAT (1–5)"] == "3"
    assert aggregates["Synthetic likelihood to recommend (0–10)"] == "6"
    assert aggregates["Journey effort (CES 1–5)"] == "2.5"
    assert "Channel switches 1 (+0.5)" in map(squeeze, lines)
    assert "Repeated explanations 1 (+0.5)" in map(squeeze, lines)
    assert "Wait beyond expected (min) 2 (+0.5)" in map(squeeze, lines)


def test_show_text_japanese(capsys):
    code, out, _ = run(capsys, "show", TEMPLATE, "--lang", "ja")
    assert code == 0
    lines = [squeeze(line) for line in out.splitlines()]
    assert "ステージ 2: Contact the center" in lines
    assert next(line for line in lines if line.startswith("2 ")).endswith("6 3 -3 -6 不満 –")
    assert next(line for line in lines if line.startswith("3 ")).endswith("7 7 0 0 満足 –")
    assert next(line for line in lines if line.startswith("4 ")).endswith("7 10 +3 3 感動 –")
    assert "ピーク・エンド -1.5" in lines
    assert "平均 -1.75" in lines
    assert "ジャーニー全体の感情 不満" in lines
    assert "推定CSAT (1–5) 3" in lines
    assert "ジャーニー努力度 (CES 1–5) 2.5" in lines
    assert "dissatisfied" not in out


def test_show_json_is_example_a_exactly(capsys):
    code, out, err = run(capsys, "show", TEMPLATE, "--json", "--lang", "ja")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert list(doc) == [
        "cxkit",
        "command",
        "lang",
        "journey",
        "parameters",
        "steps",
        "aggregate",
        "effort",
        "design_vs_flow",
    ]
    assert (doc["cxkit"], doc["command"], doc["lang"]) == (cx.__version__, "show", "ja")
    j = doc["journey"]
    assert (j["id"], j["title"], j["language"], j["n_steps"]) == (
        TEMPLATE,
        "Billing inquiry (cxkit model reference, Example A)",
        "en",
        4,
    )
    assert [(s["id"], s["steps"]) for s in j["stages"]] == [
        ("search", [0]),
        ("contact", [1, 2]),
        ("resolution", [3]),
    ]
    steps = doc["steps"]
    assert [s["expectation"] for s in steps] == [6, 6, 7, 7]
    assert [s["experience"] for s in steps] == [4, 3, 7, 10]
    assert [s["disconfirmation"] for s in steps] == [-2, -3, 0, 3]
    assert [s["valence"] for s in steps] == [-4, -6, 0, 3]
    assert [s["emotion"] for s in steps] == [
        "dissatisfied",
        "dissatisfied",
        "satisfied",
        "delighted",
    ]
    assert [s["emotion_label"] for s in steps] == ["不満", "不満", "満足", "感動"]
    assert [s["channel"] for s in steps] == ["web", "phone", "phone", "phone"]
    assert steps[1]["touchpoint_label"] == "Phone queue (IVR)"
    agg = doc["aggregate"]
    assert agg["peak"] == -6 and agg["peak_step_index"] == 1 and agg["end"] == 3
    assert agg["peak_end"] == -1.5
    assert agg["mean"] == -1.75
    assert agg["recency"] == pytest.approx(8 / 15, abs=1e-12)  # 0.5333… = 1/1.875
    assert agg["score"] == -1.5
    assert (agg["emotion"], agg["emotion_label"]) == ("dissatisfied", "不満")
    assert (agg["csat5"], agg["nps10"]) == (3, 6)
    assert doc["effort"] == {
        "switches": 1,
        "reexplanations": 1,
        "transfers": 0,
        "repeat_contacts": 0,
        "excess_wait_minutes": 2.0,
        "ces5": 2.5,
        "effort_index": 2.5,
        "wait_s": 180.0,
        "excess_wait_s": 120.0,
        "reexplain_effort": 0.5,
    }
    dv = {m["key"]: m for m in doc["design_vs_flow"]["metrics"]}
    assert dv["ces5"]["design"] == 2.5 and dv["remembered"]["design"] == -1.5
    # half the customers reach the queue and its designed 180 s wait (designed_waits)
    assert dv["effort_index"]["flow"] == pytest.approx(1.75, abs=1e-12)
    assert (dv["wait_s"]["design"], dv["wait_s"]["flow"]) == (180.0, 90.0)
    assert doc["parameters"]["emotion"]["beta_minus"] == 2.0
    assert doc["parameters"]["effort"]["w_switch"] == 0.5


def test_show_json_default_language_is_the_journeys(capsys):
    doc = json.loads(run(capsys, "show", TEMPLATE, "--json")[1])
    assert doc["lang"] == "en"
    assert doc["aggregate"]["emotion_label"] == "dissatisfied"


def test_show_defaults_to_the_journeys_language(capsys, tmp_path):
    path = tmp_path / "ja.yaml"
    text = template_path(TEMPLATE).read_text(encoding="utf-8")
    path.write_text(text.replace("\nlanguage: en\n", "\nlanguage: ja\n"), encoding="utf-8")
    code, out, _ = run(capsys, "show", str(path))
    assert code == 0
    assert "ジャーニー全体の感情 不満" in map(squeeze, out.splitlines())
    doc = json.loads(run(capsys, "show", str(path), "--json")[1])
    assert (doc["lang"], doc["aggregate"]["emotion_label"]) == ("ja", "不満")
    code, out, _ = run(capsys, "show", str(path), "--lang", "en")
    assert "Journey emotion dissatisfied" in map(squeeze, out.splitlines())


def test_show_of_a_copied_file_and_an_invalid_one(capsys, tmp_path):
    path = write(tmp_path, "refs.yaml", BAD_REFERENCES)
    code, out, err = run(capsys, "show", str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"cxkit: error: {path}: 2 problems found\n  {path}:9:5: ")


def test_show_missing_path_and_misspelled_template(capsys, tmp_path):
    missing = tmp_path / "missing.yaml"
    assert run(capsys, "show", str(missing)) == (
        1,
        "",
        f"cxkit: error: {missing}: no such file\n",
    )
    assert run(capsys, "show", "billing_inquiri") == (
        1,
        "",
        "cxkit: error: no journey file or template named 'billing_inquiri'; "
        "did you mean 'billing_inquiry'?\n",
    )


def test_show_rejects_an_unknown_language(capsys):
    code, out, err = run(capsys, "show", TEMPLATE, "--lang", "fr")
    assert code == 2 and out == ""
    assert "Invalid value for '--lang': 'fr' is not one of 'en', 'ja'." in err


# -- the real entry points -----------------------------------------------------------------
def _subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "COLUMNS")}
    return subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_entry_point_module_show_json_and_japanese_text():
    done = _subprocess(sys.executable, "-m", "cxkit", "show", TEMPLATE, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [s["valence"] for s in doc["steps"]] == [-4, -6, 0, 3]
    assert doc["aggregate"]["peak_end"] == -1.5 and doc["effort"]["ces5"] == 2.5

    done = _subprocess(sys.executable, "-m", "cxkit", "show", TEMPLATE, "--lang", "ja")
    assert done.returncode == 0, done.stderr
    assert "ピーク・エンド" in done.stdout and "不満" in done.stdout and "-1.5" in done.stdout


def test_entry_point_console_script_new_and_validate(tmp_path):
    script = Path(sys.executable).with_name("cxkit")
    if not script.exists():  # pragma: no cover - always installed in the project's venv
        pytest.skip("the cxkit console script is not installed beside this Python")
    done = _subprocess(str(script), "new", "j.yaml", "-t", TEMPLATE, "--id", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert cx.load_journey(tmp_path / "j.yaml").id == "j"
    write(tmp_path, "bad.yaml", OUT_OF_RANGE)
    done = _subprocess(str(script), "validate", "j.yaml", "bad.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == ["j.yaml: valid", "bad.yaml: invalid (1 error)"]
    assert done.stderr.splitlines() == [
        "bad.yaml:16:18: steps[0].expectation: value out of range (got 12) "
        "— expected a number less than or equal to 10"
    ]
    done = _subprocess(str(script), "show", "nope", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("cxkit: error: no journey file or template named 'nope'")
    assert "Traceback" not in done.stderr
