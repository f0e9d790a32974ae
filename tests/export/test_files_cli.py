"""Writers (write, atomic bytes, site) and the `cxkit export` / `cxkit site` commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import cxkit as cx
from cxkit import export
from cxkit.cli import main


# -- write / format_for / atomic_write_bytes ----------------------------------------------
@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("b.md", "# Billing inquiry (cxkit model reference, Example A)"),
        ("b.mmd", "journey"),
        ("b.yaml", "cxkit: 1"),
        ("b.json", "{"),
    ],
)
def test_write_infers_the_format_from_the_suffix(billing, tmp_path, name, first) -> None:
    path = export.write(billing, tmp_path / name)
    assert path.read_text(encoding="utf-8").splitlines()[0] == first


def test_write_flowchart_and_png(billing, tmp_path) -> None:
    text = export.write(billing, tmp_path / "g.mmd", to="flowchart").read_text()
    assert text.startswith("flowchart LR\n") and text.endswith("\n")
    data = export.write(billing, tmp_path / "map.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"


def test_write_leaves_no_temporary_file_and_keeps_the_old_file_on_error(billing, tmp_path) -> None:
    target = tmp_path / "b.md"
    target.write_text("old")
    with pytest.raises(cx.CxkitError, match="`to` must be one of md, mermaid"):
        export.write(billing, target, to="docx")
    assert target.read_text() == "old"
    export.write(billing, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.md"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda j, d: export.write(j, d / "b.docx"),
            "cannot tell the export format of '{d}/b.docx' from its suffix '.docx'",
        ),
        (
            lambda j, d: export.write(j, d / "missing" / "b.md"),
            "{d}/missing/b.md: folder {d}/missing does not exist",
        ),
        (
            lambda j, d: export.atomic_write_bytes(d / "x", "text"),
            "`data` must be bytes, got str",
        ),
        (lambda j, d: export.png(j, scale=0), "`scale` must be a number in (0, 10], got 0"),
        (lambda j, d: export.render(j, "docx"), "`to` must be one of md, mermaid, flowchart"),
    ],
)
def test_writer_errors_name_the_argument_and_value(billing, tmp_path, call, message) -> None:
    with pytest.raises(cx.CxkitError) as info:
        call(billing, tmp_path)
    assert message.format(d=tmp_path) in str(info.value)


def test_atomic_write_bytes_keeps_the_mode_of_an_existing_file(tmp_path) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    export.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o600


# -- site ---------------------------------------------------------------------------------
def test_site_writes_a_mkdocs_project(billing, tmp_path) -> None:
    j2 = billing.with_step("resolve", experience=7.0)
    out = export.site([billing, j2, "billing_inquiry"], tmp_path / "s", title="A & <B>")
    docs = out / "docs"
    assert sorted(p.name for p in (docs / "journeys").iterdir()) == [
        "billing_inquiry-2.md",
        "billing_inquiry-3.md",
        "billing_inquiry.md",
    ]
    assert sorted(p.name for p in (docs / "assets" / "cxkit").iterdir()) == [
        "cxkit-loader.js",
        "cxkit.css",
        "iframe-worker-shim.js",
        "iframe-worker.LICENSE.txt",
        "mermaid.LICENSE.txt",
        "mermaid.min.js",
        "vega-bundle.js",
    ]
    config = (out / "mkdocs.yml").read_text()
    assert 'site_name: "A &amp; &lt;B&gt;"' in config
    assert "font: false" in config and "- offline" in config
    assert "http" not in config.split("nav:")[0].replace("https://", "")
    index = (docs / "index.md").read_text()
    assert index.splitlines()[0] == "# A &amp; &lt;B&gt;"
    assert (
        "[Billing inquiry (cxkit model reference, Example A)](journeys/billing_inquiry-2.md)"
        in index
    )
    page = (docs / "journeys" / "billing_inquiry-2.md").read_text()
    assert page.count('<script type="application/json" class="cxkit-vega">') == 1
    assert "| Peak-end | -3 |" in page  # j2: the delightful ending removed


def test_site_in_japanese(tmp_path) -> None:
    out = export.site("billing_inquiry", tmp_path / "s", lang="ja")
    config = (out / "mkdocs.yml").read_text()
    assert "language: ja" in config and 'site_name: "ジャーニー一覧"' in config
    assert '  - "ジャーニー一覧":' in config
    assert "| ジャーニー | ペルソナ |" in (out / "docs" / "index.md").read_text()


@pytest.mark.parametrize(
    ("journeys", "message"),
    [
        ([], "`journeys` must contain at least one journey, got none"),
        (42, "`journeys` must be a journey or a list of journeys, paths or template names"),
        ([{"id": "x"}], "`journeys[0]` must be a cxkit Journey"),
        (["no_such_template"], "no journey file or template named 'no_such_template'"),
    ],
)
def test_site_bad_journeys(tmp_path, journeys, message) -> None:
    with pytest.raises(cx.CxkitError) as info:
        export.site(journeys, tmp_path / "s")
    assert message in str(info.value)


def test_site_refuses_a_file_as_folder(billing, tmp_path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(cx.CxkitError, match="exists and is not a folder"):
        export.site(billing, tmp_path / "f")


def test_build_site_needs_a_project(tmp_path) -> None:
    with pytest.raises(cx.CxkitError, match=r"has no mkdocs\.yml"):
        export.build_site(tmp_path)


# -- CLI ----------------------------------------------------------------------------------
def test_cli_export_to_stdout(capsys) -> None:
    assert main(["export", "billing_inquiry", "--to", "flowchart", "--lang", "ja"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart LR\n")
    assert '"50% · 文脈引継ぎ 0%"' in out


def test_cli_export_to_a_file(tmp_path, capsys) -> None:
    target = tmp_path / "b.md"
    assert main(["export", "billing_inquiry", "--out", str(target)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {target} (md, ")
    assert target.read_text().startswith("# Billing inquiry")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "billing_inquiry"], "give --to FORMAT, or --out OUT with a known suffix"),
        (["export", "billing_inquiry", "--to", "png"], "--to png writes binary data"),
        (["export", "nope", "--to", "md"], "no journey file or template named 'nope'"),
    ],
)
def test_cli_export_errors(capsys, argv, message) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("cxkit: error: ") and message in err
    assert "Traceback" not in err


def test_cli_site(tmp_path, capsys) -> None:
    assert main(["site", "billing_inquiry", "--out", str(tmp_path / "s"), "--title", "T"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 's' / 'mkdocs.yml'} (1 journeys)" in out
    assert (tmp_path / "s" / "docs" / "journeys" / "billing_inquiry.md").is_file()


def test_real_entry_point_exports_html(tmp_path) -> None:
    target = tmp_path / "b.html"
    proc = subprocess.run(
        [sys.executable, "-m", "cxkit", "export", "billing_inquiry", "--out", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {target} (html, ")
    page = Path(target).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "default-src 'none'" in page
    bad = subprocess.run(
        [sys.executable, "-m", "cxkit", "export", "billing_inquiry", "--to", "docx"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert bad.returncode == 2  # click's usage error: not a choice
    assert "'docx' is not one of" in bad.stderr
