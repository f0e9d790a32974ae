"""The README's snippets are true: its Python prints what its comments say, its
commands run, its links resolve and its quick start names real make targets."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
from pathlib import Path

import pytest

import cxkit as cx
from cxkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)\n```", README, re.S)


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def test_python_snippet_prints_what_its_comments_say(tmp_path, monkeypatch, documented_equal):
    monkeypatch.chdir(tmp_path)
    code = _blocks("python")[0]
    expected = [
        line.split("#", 1)[1].strip().split()[0].rstrip(":")
        for line in code.splitlines()
        if line.startswith("print(")
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert expected == ["-1.5", "不満", "2.5", "-3.0"]
    printed = out.getvalue().split()
    # a number printed by the snippet is compared with its comment to a relative 1e-12
    as_values = [
        [_number(t) if _number(t) is not None else t for t in ts] for ts in (expected, printed)
    ]
    documented_equal(*as_values)
    assert (tmp_path / "plain_ending.yaml").is_file()


def test_event_log_snippet_discovers_an_editable_journey(tmp_path, monkeypatch):
    import warnings

    import cxkit as cx
    from cxkit.analytics import EventLogWarning

    monkeypatch.chdir(tmp_path)  # the snippet runs as written from any folder
    blocks = _blocks("python")
    assert len(blocks) == 2
    assert "example_path(" in blocks[1]  # it reads the shipped log, wherever cxkit is
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("error", EventLogWarning)  # the shipped log is clean
        exec(compile(blocks[1], "README.md", "exec"), {})
    observed = cx.load_journey(tmp_path / "observed.yaml")
    assert observed.is_valid and len(observed.touchpoints) >= 5
    assert "shape: (5, 10)" in out.getvalue()  # the five most credited touchpoints


def test_cli_snippet_runs(tmp_path, monkeypatch, capsys, documented_equal):
    monkeypatch.chdir(tmp_path)
    commands = [
        line.split("#", 1)[0].strip().removeprefix("$ ")
        for block in _blocks("console")
        for line in block.splitlines()
        if line.startswith("$ cxkit ")
    ]
    assert len(commands) == 9
    for command in commands:
        code = main(shlex.split(command)[1:])
        out, err = capsys.readouterr()
        assert code == 0, (command, err)
        if command.endswith("--json"):
            documented_equal(-1.5, json.loads(out)["aggregate"]["peak_end"])  # rel 1e-12
        if "--lang ja" in command:
            assert "不満" in out and "ピーク・エンド" in out
    assert (tmp_path / "my_journey.yaml").is_file()
    assert (tmp_path / "map.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / "deck.pptx").read_bytes()[:2] == b"PK"
    assert cx.load_journey(tmp_path / "grid.xlsx").id == "billing_inquiry"


def test_quick_start_has_two_setup_commands_that_are_make_targets():
    setup = [
        line.split("#", 1)[0].strip().removeprefix("$ ")
        for block in _blocks("console")
        for line in block.splitlines()
        if line.startswith("$ make ")
    ]
    assert setup == ["make lab", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("lab", "test", "demo", "help"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert (ROOT / "notebooks" / "00_workshop.ipynb").is_file()


@pytest.mark.parametrize("link", re.findall(r"\]\(([^)#]+)\)", README))
def test_links_resolve(link):
    assert not link.startswith("http"), "keep the README's links inside the repository"
    assert (ROOT / link).exists(), link
