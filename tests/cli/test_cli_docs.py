"""``docs/reference/cli.md`` stays true: its examples are re-run and compared.

* every ``<!-- cxkit-file: NAME -->`` block is written to a temporary folder;
* every ``<!-- cxkit-example: ARGS -->`` JSON block must equal what ``cxkit ARGS``
  prints there (ignoring only the version and machine-specific paths), floats to a
  relative 1e-12 — exact results agree to that across machines (``tests/conftest.py``);
* the text examples of ``validate`` and ``show --lang ja`` are compared line by line.

When a change of cxkit changes an example on purpose, rewrite the JSON examples with
``.venv/bin/python tests/cli/test_cli_docs.py`` and review the diff.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from cxkit.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "cli.md"
TEXT = DOC.read_text(encoding="utf-8")

_BLOCK = r"<!-- cxkit-{kind}: (?P<arg>[^>]+?) -->\n```(?P<lang>\w+)\n(?P<body>.*?)\n```"
FILES = {m["arg"]: m["body"] + "\n" for m in re.finditer(_BLOCK.format(kind="file"), TEXT, re.S)}
EXAMPLES = [(m["arg"], m["body"]) for m in re.finditer(_BLOCK.format(kind="example"), TEXT, re.S)]


def _session(first: str) -> list[tuple[str, list[str]]]:
    """The ``(command, output lines)`` pairs of the console block starting with ``$ first``."""
    for block in re.findall(r"```console\n(.*?)\n```", TEXT, re.S):
        if block.startswith(f"$ {first}\n"):
            pairs: list[tuple[str, list[str]]] = []
            for line in block.splitlines():
                if line.startswith("$ "):
                    pairs.append((line[2:], []))
                else:
                    pairs[-1][1].append(line)
            return pairs
    raise AssertionError(f"no console example for {first!r} in {DOC.name}")


def _console(command: str) -> list[str]:
    """The output shown under ``$ command`` (the first command of its block)."""
    return _session(command)[0][1]


@pytest.fixture
def docdir(tmp_path, monkeypatch):
    for name, body in FILES.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    return tmp_path


def _run(capsys, args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_doc_has_the_examples():
    assert set(FILES) == {"bad.yaml"}
    assert [args for args, _ in EXAMPLES] == [
        "templates --json",
        "validate --json bad.yaml billing_inquiri",
        "show billing_inquiry --json",
    ]


@pytest.mark.parametrize(("args", "body"), EXAMPLES, ids=[a for a, _ in EXAMPLES])
def test_json_example_is_what_the_command_prints(capsys, docdir, args, body, documented_equal):
    documented = json.loads(body)
    code, out, _ = _run(capsys, shlex.split(args))
    assert code in (0, 1)
    actual = json.loads(out)
    assert list(actual)[:2] == ["cxkit", "command"]
    for doc in (documented, actual):
        doc.pop("cxkit")
        if doc["command"] == "show":
            doc["journey"].pop("source")
        if doc["command"] == "templates":
            for t in doc["templates"]:
                t.pop("path")
    if documented["command"] == "templates":  # the doc lists only some templates
        by_name = {t["name"]: t for t in actual["templates"]}
        for t in documented["templates"]:
            documented_equal(t, by_name[t["name"]])
        assert list(actual) == list(documented)
    else:
        documented_equal(documented, actual)  # floats to a relative 1e-12 (tests/conftest.py)


def test_validate_text_example(capsys, docdir):
    code, out, err = _run(capsys, ["validate", "bad.yaml", "billing_inquiry"])
    assert code == 1
    assert err.splitlines() + out.splitlines() == _console(
        "cxkit validate bad.yaml billing_inquiry"
    )


def test_show_text_example(capsys, docdir):
    code, out, _ = _run(capsys, ["show", "billing_inquiry", "--lang", "ja"])
    assert code == 0
    documented = _console("cxkit show billing_inquiry --lang ja")
    lines = out.splitlines()
    assert lines[2].endswith("cxkit/templates/journeys/billing_inquiry.yaml")
    assert lines[:2] + lines[3:] == documented[:2] + documented[3:]


def test_new_text_example(capsys, docdir):
    command = "cxkit new my_journey.yaml --template billing_inquiry --id"
    session = _session(command)
    assert [c for c, _ in session] == [command, command]  # the second run is refused
    code, out, _ = _run(capsys, shlex.split(session[0][0])[1:])
    assert code == 0
    assert out.splitlines() == session[0][1]
    code, out, err = _run(capsys, shlex.split(session[1][0])[1:])
    assert (code, out) == (1, "")
    assert err.splitlines() == session[1][1]


def test_misspelled_template_example(capsys, docdir):
    code, _, err = _run(capsys, ["show", "billing_inquiri"])
    assert code == 1
    assert err.splitlines() == _console("cxkit show billing_inquiri")


def regenerate() -> None:
    """Rewrite the doc's JSON examples from what the commands print now."""
    import contextlib
    import io
    import os
    import tempfile

    text = TEXT
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in FILES.items():
            Path(tmp, name).write_text(body, encoding="utf-8")
        here = os.getcwd()
        os.chdir(tmp)
        try:
            for args, body in EXAMPLES:
                out = io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                    main(shlex.split(args))
                doc = json.loads(out.getvalue())
                if doc["command"] == "show":
                    doc["journey"]["source"] = json.loads(body)["journey"]["source"]
                if doc["command"] == "templates":
                    documented = {t["name"]: t for t in json.loads(body)["templates"]}
                    doc["templates"] = [
                        {**t, "path": documented[t["name"]]["path"]}
                        for t in doc["templates"]
                        if t["name"] in documented
                    ]
                new = json.dumps(doc, ensure_ascii=False, indent=2)
                text = text.replace(f"```json\n{body}\n```", f"```json\n{new}\n```", 1)
        finally:
            os.chdir(here)
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    regenerate()
