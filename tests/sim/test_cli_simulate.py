"""``cxkit simulate`` and ``cxkit staffing``, and their reference page stays true."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.sim.exact import exact

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "cli-simulate.md"
TEXT = DOC.read_text(encoding="utf-8")
_BLOCK = r"<!-- cxkit-{kind}: (?P<arg>[^>]+?) -->\n```json\n(?P<body>.*?)\n```"


def _run(capsys, args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _console(command: str) -> list[str]:
    for block in re.findall(r"```console\n(.*?)\n```", TEXT, re.S):
        lines = block.splitlines()
        if lines[0] == f"$ {command}":
            return lines[1:]
    raise AssertionError(f"no console example for {command!r}")


# --------------------------------------------------------------------- staffing


def test_staffing_reproduces_models_r1(capsys):
    code, out, _ = _run(
        capsys,
        [
            "staffing",
            "--calls",
            "100",
            "--interval",
            "30",
            "--aht",
            "180",
            "--target",
            "20",
            "--service-level",
            "0.8",
        ],
    )
    assert code == 0
    assert re.search(r"Agents\s+14\n", out)
    assert re.search(r"Scheduled headcount\s+20\n", out)
    assert "traffic 10 Erlang" in out


def test_staffing_json_example_of_the_doc(capsys, documented_equal):
    (args, body), *_ = [
        (m["arg"], m["body"]) for m in re.finditer(_BLOCK.format(kind="example"), TEXT, re.S)
    ]
    assert args.startswith("staffing ")
    code, out, _ = _run(capsys, shlex.split(args))
    assert code == 0
    actual, documented = json.loads(out), json.loads(body)
    assert list(actual)[:2] == ["cxkit", "command"]
    actual.pop("cxkit"), documented.pop("cxkit")
    documented_equal(documented, actual)  # floats to a relative 1e-12 (tests/conftest.py)
    assert actual["result"]["agents"] == 14 and actual["result"]["scheduled"] == 20


def test_staffing_text_example_of_the_doc(capsys):
    command = "cxkit staffing --calls 100 --interval 30 --aht 180 --target 20 --service-level 0.8"
    code, out, _ = _run(capsys, shlex.split(command)[1:])
    assert code == 0
    assert out.splitlines() == _console(command)


def test_staffing_bad_values_are_errors_not_tracebacks(capsys):
    code, out, err = _run(
        capsys, ["staffing", "--calls", "100", "--aht", "180", "--service-level", "1.5"]
    )
    assert (code, out) == (1, "")
    assert err.strip() == "cxkit: error: `service_level` must be a number in (0, 1), got 1.5"
    code, _, err = _run(capsys, ["staffing", "--calls", "100", "--aht", "180", "--interval", "0"])
    assert code == 1 and "--interval must be a number of minutes > 0, got 0.0" in err
    code, _, err = _run(capsys, ["staffing", "--aht", "180"])
    assert code == 2 and "Missing option '--calls'" in err


def test_staffing_without_calls_needs_no_agents(capsys):
    code, out, _ = _run(capsys, ["staffing", "--calls", "0", "--aht", "180", "--json"])
    d = json.loads(out)
    assert code == 0
    assert (d["result"]["agents"], d["result"]["scheduled"], d["table"]) == (0, 0, [])


# --------------------------------------------------------------------- simulate


def test_simulate_json_matches_the_engines(capsys):
    code, out, err = _run(
        capsys, ["simulate", "billing_inquiry", "--customers", "3000", "--seed", "5", "--json"]
    )
    assert code == 0 and err == ""
    d = json.loads(out)
    assert list(d) == ["cxkit", "command", "journey", "exact", "monte_carlo", "design_vs_flow"]
    assert d["command"] == "simulate" and d["journey"]["id"] == "billing_inquiry"
    ex = exact(cx.load_journey("billing_inquiry"))
    assert d["exact"]["absorption"] == dict(ex.absorption)
    assert d["exact"]["expected_context_losses"] == ex.expected_context_losses
    mc = d["monte_carlo"]
    assert (mc["n_customers"], mc["seed"], mc["max_steps"]) == (3000, 5, 50)
    assert set(mc["summary"]["outcome_shares"]) == {"resolved", "churn", "abandon"}
    assert len(mc["top_paths"]) == 6  # every distinct (path, outcome) of this journey
    assert sum(p["count"] for p in mc["top_paths"]) == 3000
    # the same seed prints the same document
    _, again, _ = _run(
        capsys, ["simulate", "billing_inquiry", "--customers", "3000", "--seed", "5", "--json"]
    )
    assert again == out


def test_simulate_text_example_of_the_doc(capsys):
    if "web_phone_faq" not in cx.list_templates():
        pytest.skip("template web_phone_faq not present")
    command = "cxkit simulate web_phone_faq --customers 20000 --seed 1"
    code, out, _ = _run(capsys, shlex.split(command)[1:])
    assert code == 0
    assert out.splitlines() == _console(command)


def test_simulate_abridged_json_example_of_the_doc(capsys, documented_equal):
    if "web_phone_faq" not in cx.list_templates():
        pytest.skip("template web_phone_faq not present")
    (args, body), *_ = [
        (m["arg"], m["body"])
        for m in re.finditer(_BLOCK.format(kind="example-abridged"), TEXT, re.S)
    ]
    code, out, _ = _run(capsys, shlex.split(args))
    assert code == 0
    documented, actual = json.loads(body), json.loads(out)
    documented.pop("cxkit")
    # every documented key, lists by prefix, floats to a relative 1e-12 (tests/conftest.py)
    documented_equal(documented, actual, subdocument=True)


def test_simulate_japanese_report_and_max_steps(capsys):
    code, out, _ = _run(
        capsys,
        ["simulate", "billing_inquiry", "--customers", "500", "--max-steps", "2", "--lang", "ja"],
    )
    assert code == 0
    assert "厳密解: 吸収マルコフ連鎖" in out and "最大ステップ数 2" in out
    assert "最大ステップで打ち切り" in out  # web → queue → agent needs 3 visits
    assert "よくある経路" in out


def test_simulate_refuses_a_never_ending_journey(capsys, tmp_path):
    path = tmp_path / "loop.yaml"
    text = (
        "cxkit: 1\nid: loop\ntitle: Loop\n"
        "touchpoints:\n  - {id: ivr, channel: phone}\n  - {id: agent, channel: phone}\n"
        "outcomes:\n  - {id: done, kind: resolved}\n  - {id: abandon, kind: abandon}\n"
        "entry: {ivr: 1.0}\n"
        "handoffs:\n  - {from: ivr, to: agent, probability: 1.0}\n"
        "  - {from: agent, to: ivr, probability: 1.0}\n"
    )
    path.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, ["simulate", str(path), "--customers", "10"])
    assert code == 1 and out == ""
    assert err.startswith("cxkit: error: ")
    assert "'ivr', 'agent'" in err or "never" in err


def test_simulate_usage_errors(capsys):
    code, _, err = _run(capsys, ["simulate", "billing_inquiry", "--customers", "0"])
    assert code == 2 and "--customers" in err
    code, _, err = _run(capsys, ["simulate", "billing_inquiri"])
    assert code == 1 and "did you mean 'billing_inquiry'?" in err


# --------------------------------------------------------------------- installed entry point


def test_entry_point_in_a_subprocess():
    """The installed entry point, once (a subprocess costs seconds: one is enough)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxkit",
            "simulate",
            "billing_inquiry",
            "--customers",
            "2000",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["command"] == "simulate"
    assert d["exact"]["absorption"]["resolved"] == pytest.approx(0.7825, abs=1e-12)
    assert d["monte_carlo"]["n_customers"] == 2000
    assert proc.stderr == ""  # no progress line when not a terminal
