"""``docs/reference/analytics.md`` stays true: its names exist, its Python example
runs as written from any folder, and its console examples on the shipped logs are
what the commands print."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import cxkit.analytics as cxa
from cxkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reference" / "analytics.md"
TEXT = DOC.read_text(encoding="utf-8")


def test_every_public_name_is_documented() -> None:
    for name in cxa.__all__:
        if name in ("EventLogError", "EventLogWarning"):
            continue
        assert f"`{name}" in TEXT or f"{name}(" in TEXT, name


def test_the_opening_example_runs_as_written_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = re.findall(r"```python\n(.*?)\n```", TEXT, re.S)[0]  # the opening example
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", cxa.EventLogWarning)  # the shipped log is clean
        exec(compile(code, str(DOC), "exec"), scope)
    found = scope["found"]
    assert isinstance(found, cxa.DiscoveryResult)
    assert "saved" in found.journey.graph.outcome_ids
    assert list(tmp_path.iterdir()) == []  # it writes nothing


def _console(first: str) -> list[tuple[str, list[str]]]:
    for block in re.findall(r"```console\n(.*?)\n```", TEXT, re.S):
        if block.startswith(f"$ {first}"):
            pairs: list[tuple[str, list[str]]] = []
            for line in block.splitlines():
                if line.startswith("$ "):
                    pairs.append((line[2:], []))
                else:
                    pairs[-1][1].append(line)
            return pairs
    raise AssertionError(f"no console example starting with {first!r}")


@pytest.mark.parametrize(
    "first",
    [
        "cxkit attribution data/examples/retail_omnichannel.parquet",
        "cxkit drift subscription_support data/examples/subscription_support.parquet",
    ],
)
def test_console_examples_on_the_shipped_logs(
    first: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    ((command, shown),) = _console(first)
    code = main(command.split()[1:])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    # "…" elides lines: what comes before it starts the output, what follows ends it
    cut = next((k for k, line in enumerate(shown) if line.strip() == "…"), len(shown))
    head, tail = shown[:cut], shown[cut + 1 :]
    assert out[: len(head)] == head
    assert out[len(out) - len(tail) :] == tail
