"""``cxkit compare``: the text report, --json, --out in every format, and bad arguments."""

from __future__ import annotations

import json

import pytest

import cxkit as cx
from cxkit.cli import main
from cxkit.io import dump_journey


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """complaint_recovery_ja as-is, and a to-be where the store's call is handled well."""
    folder = tmp_path_factory.mktemp("compare")
    j = cx.load_journey("complaint_recovery_ja")
    to_be = (
        j.with_step("store_call", experience=6.0)
        .remove_step("explain_again")
        .replace(initiatives=())  # one initiative targets the removed step
    )
    (folder / "as_is.yaml").write_text(dump_journey(j), encoding="utf-8")
    (folder / "to_be.yaml").write_text(dump_journey(to_be), encoding="utf-8")
    return folder, j, to_be


def test_text_report_in_japanese(capsys, files):
    folder, _, _ = files
    code, out, err = run(capsys, "compare", str(folder / "as_is.yaml"), str(folder / "to_be.yaml"))
    assert code == 0, err
    assert "変更 1 · 追加 0 · 削除 1 · 変更なし 12" in out
    assert "体験 +3 (3 → 6) · 感情値 +6 · 不満 → 満足" in out
    assert "削除: 感情値 −4 (不満)" in out
    assert "記憶される体験" in out and "ジャーニー努力度 (CES 1–5)" in out


def test_json_has_the_rows_and_kpis(capsys, files):
    folder, j, to_be = files
    code, out, _ = run(
        capsys,
        "compare",
        str(folder / "as_is.yaml"),
        str(folder / "to_be.yaml"),
        "--json",
        "--lang",
        "en",
    )
    assert code == 0
    doc = json.loads(out)
    assert (doc["command"], doc["mode"], doc["lang"]) == ("compare", "as_is_to_be", "en")
    assert doc["counts"] == {"changed": 1, "added": 0, "removed": 1, "same": 12}
    changed = [s for s in doc["steps"] if s["status"] == "changed"]
    assert [(s["step_id"], s["delta_experience"], s["changes"]) for s in changed] == [
        ("store_call", 3.0, ["experience", "valence", "emotion"])
    ]
    kpis = {k["key"]: k for k in doc["kpis"]}
    assert kpis["ces"]["before"] == j.evaluate().effort.ces5
    assert kpis["ces"]["after"] == to_be.evaluate().effort.ces5
    assert (
        kpis["remembered"]["change"]
        == to_be.evaluate().aggregate.score - j.evaluate().aggregate.score
    )


def test_personas_text_and_json(capsys):
    code, out, _ = run(
        capsys, "compare", "--personas", "billing_inquiry", "billing_inquiry", "web_phone_faq"
    )
    assert code == 0
    assert out.splitlines()[0] == "Personas compared"
    assert "Subscriber with a billing question (billing_inquiry, 1)" in out
    code, out, _ = run(
        capsys, "compare", "--personas", "billing_inquiry", "web_phone_faq", "--json"
    )
    doc = json.loads(out)
    assert doc["mode"] == "personas" and [p["journey"]["id"] for p in doc["personas"]] == [
        "billing_inquiry",
        "web_phone_faq",
    ]
    assert len(doc["steps"]) == 2 * 7  # 4 + 3 unrelated steps, one row per persona each


@pytest.mark.parametrize("suffix", ["png", "svg", "html", "md"])
def test_out_writes_the_chart(capsys, files, suffix):
    folder, _, _ = files
    target = folder / f"cmp.{suffix}"
    code, out, err = run(
        capsys,
        "compare",
        str(folder / "as_is.yaml"),
        str(folder / "to_be.yaml"),
        "--out",
        str(target),
        "--json",
    )
    assert code == 0, err
    json.loads(out)  # stdout stays JSON; the summary line goes to stderr
    assert f"wrote {target}" in err
    data = target.read_bytes()
    start = {"png": b"\x89PNG", "svg": b"<svg", "html": b"<!DOCTYPE html>", "md": "# 配送".encode()}
    assert data.startswith(start[suffix])
    if suffix == "html":
        assert b"default-src 'none'" in data and "現状と改善後の比較".encode() in data


def test_out_for_personas(capsys, tmp_path):
    target = tmp_path / "p.html"
    code, _, err = run(
        capsys, "compare", "--personas", "billing_inquiry", "web_phone_faq", "-o", str(target)
    )
    assert code == 0, err
    assert "Personas compared" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["billing_inquiry"], "compare takes two journeys, BEFORE and AFTER, got 1"),
        (["a", "b", "c"], "got 3; to compare several personas' journeys, give --personas"),
        (
            ["--personas", "billing_inquiry"],
            "--personas compares 2 to 8 journeys (one per persona), got 1",
        ),
        (["--personas", *["billing_inquiry"] * 9], "got 9"),
        (["billing_inquiry", "no/such.yaml"], "no/such.yaml: no such file"),
        (["billing_inquiry", "billing_inquiri"], "did you mean 'billing_inquiry'"),
        (
            ["billing_inquiry", "web_phone_faq", "--out", "x.txt"],
            "compare writes .png, .svg, .html or .md",
        ),
    ],
)
def test_bad_arguments_are_clean_errors(capsys, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "compare", *args)
    assert code == 1
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.txt").exists()


def test_not_a_journey_file(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cxkit: 1\nid: x\nsteps: 3\n", encoding="utf-8")
    code, _, err = run(capsys, "compare", str(bad), "billing_inquiry")
    assert code == 1 and "bad.yaml" in err and "Traceback" not in err


def test_labels_are_escaped_for_the_terminal(capsys, tmp_path):
    j = cx.load_journey("billing_inquiry")
    (tmp_path / "a.yaml").write_text(dump_journey(j), encoding="utf-8")
    evil = j.with_step(0, action="red \x1b[31mALERT\x1b[0m\x07 title \x1b]0;pwned\x07")
    (tmp_path / "b.yaml").write_text(dump_journey(evil), encoding="utf-8")
    code, out, _ = run(capsys, "compare", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "ALERT" in out
