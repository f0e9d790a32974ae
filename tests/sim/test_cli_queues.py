"""``cxkit simulate --queue``: Erlang C and Erlang A queues from the command line."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from cxkit.cli import main
from cxkit.cli.simulate import parse_queue
from cxkit.core.errors import CxkitError
from cxkit.sim import ErlangAQueue, ErlangCQueue, erlang_a

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "cli-simulate.md"
R1_A = "phone_queue=14,calls=200,aht=180,patience=120"


def _run(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_documented_queue_example(capsys: pytest.CaptureFixture[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    (block,) = [
        b
        for b in re.findall(r"```console\n(.*?)\n```", text, re.S)
        if "--queue" in b.split("\n")[0]
    ]
    first, *shown = block.splitlines()
    code, out, _ = _run(capsys, shlex.split(first.removeprefix("$ "))[1:])
    assert code == 0
    cut = shown.index("…")
    assert out.splitlines()[:cut] == shown[:cut]


def test_json_gives_the_queue_and_the_abandonment(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys,
        ["simulate", "billing_inquiry", "--customers", "20000", "--queue", R1_A, "--json"],
    )
    assert code == 0
    doc = json.loads(out)
    q = doc["monte_carlo"]["queues"]["phone_queue"]
    ref = erlang_a(200 / 3600, 1 / 180, 1 / 120, 14)
    assert q["model"] == "erlang_a" and q["agents"] == 14 and q["patience_s"] == 120
    assert q["p_abandon"] == pytest.approx(ref.p_abandon, rel=1e-12)
    assert q["mean_wait_s"] == pytest.approx(ref.mean_wait, rel=1e-12)
    # the exact column does not model the queue: Monte Carlo gives up more often
    exact = doc["exact"]["absorption"]["abandon"]
    mc = doc["monte_carlo"]["summary"]["outcome_shares"]["abandon"]
    assert mc["ci_low"] > exact
    # without --queue the key is there, empty
    code, out, _ = _run(capsys, ["simulate", "billing_inquiry", "--customers", "100", "--json"])
    assert json.loads(out)["monte_carlo"]["queues"] == {}


def test_erlang_c_queue_and_japanese_report(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", "billing_inquiry", "--customers", "2000", "--lang", "ja"]
    code, out, _ = _run(capsys, [*args, "--queue", "phone_queue=14,calls=200,aht=180"])
    assert code == 0
    assert "待ち行列 phone_queue: アーランC, 14 席, 200 件/時, AHT 180 秒" in out
    assert "放棄率" not in out
    assert "待ち行列はモンテカルロのみで扱います" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("phone_queue", "the value must start with TOUCHPOINT=AGENTS"),
        ("phone_queue=0", "AGENTS must be a whole number ≥ 1, got '0'"),
        ("phone_queue=14,calls=many", "calls must be a number ≥ 0, got 'many'"),
        ("phone_queue=14,agents=3", "unknown part 'agents=3'; the keys are calls, aht, patience"),
        ("phone_queue=14,model=erlang_b", "model must be 'erlang_c' or 'erlang_a', got 'erlang_b'"),
        ("phone_queue=14,model=erlang_c,patience=60", "patience is for Erlang A queues"),
    ],
)
def test_bad_queue_values_are_usage_errors(
    capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    code, _, err = _run(capsys, ["simulate", "billing_inquiry", "--queue", value])
    assert code == 2
    assert "Invalid value for '--queue'" in err and message in err
    with pytest.raises(CxkitError, match=re.escape(message)):
        parse_queue(value)


def test_queue_errors_from_the_model_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        capsys, ["simulate", "billing_inquiry", "--queue", "phone_qeue=14,calls=200,aht=180"]
    )
    assert code == 1 and "did you mean 'phone_queue'" in err
    code, _, err = _run(
        capsys, ["simulate", "billing_inquiry", "--queue", "phone_queue=5,calls=200,aht=180"]
    )
    assert code == 1 and "is unstable" in err and "ErlangAQueue" in err
    code, _, err = _run(
        capsys,
        ["simulate", "billing_inquiry", "--queue", R1_A, "--queue", "phone_queue=3"],
    )
    assert code == 2 and "given twice" in err


def test_parse_queue_builds_the_specs() -> None:
    assert parse_queue("agent=3") == ("agent", ErlangCQueue(agents=3))
    assert parse_queue(" agent = 3 , aht = 200 ") == ("agent", ErlangCQueue(agents=3, aht_s=200.0))
    assert parse_queue("agent=3,model=erlang_a") == ("agent", ErlangAQueue(agents=3))
    assert parse_queue("agent=3,patience=30,calls=12") == (
        "agent",
        ErlangAQueue(agents=3, calls_per_hour=12.0, patience_s=30.0),
    )
