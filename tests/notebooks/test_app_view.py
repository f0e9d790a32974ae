"""The client workshop without code: ``cxkit workshop`` (Voilà) and shared JupyterLab.

Without a browser: the working copies (the repository's notebooks are never written),
the app notebook (scripted cells out, a journey swapped in), the errors of the command
(Voilà missing, a port taken, an unknown journey) and the tofu warning.

In Debian's chromium through playwright (mark ``browser``):

- ``cxkit workshop --no-browser`` is started as a user would, in en and in ja; the
  page it prints renders every widget the notebook builds, with no code cell visible
  and no Python source in the page, no request leaving 127.0.0.1, no page error;
  Ctrl-C (SIGINT) stops it cleanly. Screenshots: ``test-artifacts/app/``.
- JupyterLab with real-time collaboration (jupyter-collaboration) serves a copy of
  the workshop notebook; two browser contexts open it, one edits the cell that edits
  the journey, the other sees the edit, and back: both converge on the same text.

Needs ``/usr/bin/chromium``, ``playwright``, ``voila`` and ``jupyter-collaboration``
(``make browser-deps install-notebook``). ``CXKIT_SKIP_BROWSER=1`` skips the browser tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from click.testing import CliRunner

from cxkit.cli import cli
from cxkit.core.errors import CxkitError
from cxkit.workshop import (
    APP_NOTEBOOKS,
    app_notebook,
    check_port,
    check_voila,
    font_warning,
    working_copy,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "app"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BAD_TEXTS = (
    "Loading widget",
    "Error displaying widget",
    "Error loading script",
    "There was an error when executing cell",
    "Traceback",
)
#: Python source that must never show in the app view.
CODE_TEXTS = ("import cxkit", "cx.widgets.", "journey_name =", "editor.edit(", "print(")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.ipynb")}


def _cells(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _widget_classes(path: Path) -> list[str]:
    """The CSS class of every cxkit widget the notebook builds (``JourneyEditor`` →
    ``cxkit-journey-editor``)."""
    source = "\n".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code")
    names = re.findall(r"cx\.widgets\.(\w+)\(", source)
    return ["cxkit-" + re.sub(r"(?<!^)(?=[A-Z])", "-", n).lower() for n in names]


# -- without a browser ------------------------------------------------------------------


def test_working_copy_copies_the_missing_notebooks_and_keeps_the_rest(tmp_path):
    copied = working_copy(tmp_path / "workshop")
    assert sorted(p.name for p in copied) == sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    mine = tmp_path / "workshop" / "00_workshop.ipynb"
    mine.write_text('{"the session": "work"}', encoding="utf-8")
    (tmp_path / "workshop" / "01_design_journey.ipynb").unlink()
    again = working_copy(tmp_path / "workshop")
    assert [p.name for p in again] == ["01_design_journey.ipynb"]  # only the missing one
    assert mine.read_text(encoding="utf-8") == '{"the session": "work"}'  # kept


def test_working_copy_refuses_a_file_and_an_unknown_notebook(tmp_path):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(CxkitError, match="is a file; expected a folder"):
        working_copy(tmp_path / "f")
    with pytest.raises(CxkitError, match=r"no shipped notebook named 'nope\.ipynb'"):
        working_copy(tmp_path / "w", ["nope.ipynb"])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_app_notebook_leaves_out_the_scripted_cells(tmp_path, lang):
    shipped = _cells(NOTEBOOKS / APP_NOTEBOOKS[lang])
    tags = [set(c["metadata"].get("tags", [])) for c in shipped]
    assert sum("scripted" in t for t in tags) >= 2 and sum("notebook-only" in t for t in tags) >= 1
    cells = _cells(app_notebook(tmp_path, lang))
    kept = [c for c, t in zip(shipped, tags, strict=True) if not t & {"scripted", "notebook-only"}]
    assert cells == kept
    assert "Run All Cells" not in json.dumps(cells, ensure_ascii=False)


def test_app_notebook_swaps_the_journey_in_after_the_parameters_cell(tmp_path):
    cells = _cells(app_notebook(tmp_path, "en", journey="/data/my journey's.yaml"))
    k = next(i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", []))
    injected = cells[k + 1]
    assert injected["id"] == "injected-parameters"
    assert injected["source"].splitlines()[1] == 'journey_name = "/data/my journey\'s.yaml"'
    assert not any("example" in c["metadata"].get("tags", []) for c in cells)
    with pytest.raises(CxkitError, match="`lang` must be one of 'en', 'ja', got 'fr'"):
        app_notebook(tmp_path, "fr")


def test_a_missing_voila_names_the_extra(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "voila" else real(n, *a)
    )
    with pytest.raises(CxkitError, match=r"needs Voilà.*pip install 'cxkit\[notebook\]'"):
        check_voila()


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(CxkitError, match=f"port {port} on 127.0.0.1 is taken.*--port N"):
            check_port(port)
        result = CliRunner().invoke(cli, ["workshop", "--port", str(port), "--no-browser"])
    assert result.exit_code == 1
    assert f"cxkit: error: port {port} on 127.0.0.1 is taken" in result.output
    with pytest.raises(CxkitError, match="between 0 and 65535, got 70000"):
        check_port(70000)


def test_an_unknown_journey_stops_before_serving():
    result = CliRunner().invoke(cli, ["workshop", "--journey", "retail_omnichanel", "--port", "0"])
    assert result.exit_code == 1
    assert "did you mean 'retail_omnichannel'" in result.output
    assert "serving" not in result.output


def test_copy_only_prepares_the_lab_working_folder(tmp_path):
    result = CliRunner().invoke(cli, ["workshop", "--copy-only", "--dir", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert f"working copy in {tmp_path / 'w'}" in result.output
    assert (tmp_path / "w" / "05_workshop_ja.ipynb").is_file()
    again = CliRunner().invoke(cli, ["workshop", "--copy-only", "--dir", str(tmp_path / "w")])
    assert "copied now: none (all present: kept as they are)" in again.output


def test_tofu_warning_with_the_fix_when_no_cjk_font(tmp_path, monkeypatch):
    monkeypatch.delenv("CXKIT_FONT_DIRS", raising=False)
    monkeypatch.setattr("cxkit.workshop._fonts.FONT_DIRECTORIES", (str(tmp_path),))
    ja = font_warning("ja")
    assert ja is not None and "make fonts" in ja.text and "fonts-noto-cjk" in ja.text
    assert "日本語（CJK）フォントがありません" in ja.text and "□□" in ja.text
    html = ja._repr_html_()
    assert 'class="cxkit-font-warning"' in html and "make fonts" in html
    assert font_warning("en") is None
    (tmp_path / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert font_warning("ja") is None


# -- in a real browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if os.environ.get("CXKIT_SKIP_BROWSER") == "1":
        pytest.skip("CXKIT_SKIP_BROWSER=1: real-browser tests skipped on purpose")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need `playwright`: run `make browser-deps`", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need {CHROMIUM}: run `make browser-deps`", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class _Watch:
    """A browser context recording page errors and requests leaving 127.0.0.1."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._on_request)

    def _on_request(self, request: Any) -> None:
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            self.outside.append(request.url)


def _env() -> dict[str, str]:
    # the command and its kernels import the cxkit under test
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def _start_workshop(
    lang: str, log: Path, *extra: str
) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``cxkit workshop --no-browser --port 0 --lang <lang> [extra…]``; its URL and first
    lines."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cxkit",
            "workshop",
            "--no-browser",
            "--port",
            "0",
            "--lang",
            lang,
            *extra,
        ],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        match = re.search(r"serving (http://127\.0\.0\.1:\d+/\S*)", line)
        if match:
            return proc, match.group(1), lines
    proc.wait(timeout=30)
    pytest.fail(f"cxkit workshop ended: {lines} {log.read_text()[-2000:]}", pytrace=False)


def _stop_with_ctrl_c(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends, to this process only
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    return rest


#: What the page runs to check each journey map (the static map and the editor's): the
#: map fits in the window, or it scrolls in a box that fits in the window and whose
#: right end, scrolled to, shows the map's right edge.
_MAP_FITS_JS = """(selector) => [...document.querySelectorAll(selector)].map((map) => {
    const r = map.getBoundingClientRect();
    const out = {width: r.width, right: r.right, fits: r.right <= innerWidth};
    let box = map.parentElement;
    while (box && !(/auto|scroll/.test(getComputedStyle(box).overflowX)
                    && box.scrollWidth > box.clientWidth)) box = box.parentElement;
    if (box) {
        const b = box.getBoundingClientRect();
        box.scrollLeft = box.scrollWidth;
        out.box = {right: b.right, height: b.height, mapRightScrolled:
                   map.getBoundingClientRect().right};
        box.scrollLeft = 0;
    }
    return out;
})"""
#: The journey maps of the app: the static map of the journey, the editor's live map.
MAPS = ".jp-RenderedSVG img, .jp-RenderedSVG svg, .cxkit-journey-editor .cxkit-chart svg.marks"


def assert_maps_fit(page: Any) -> int:
    """Every journey map fits the window or scrolls inside a box that does."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    maps = page.evaluate(_MAP_FITS_JS, MAPS)
    assert maps, "no journey map on the page"
    for m in maps:
        if m["fits"]:
            continue
        assert "box" in m, f"a map {m['width']:.0f} px wide is cut at the window's edge"
        box = m["box"]
        assert box["right"] <= width + 1 and box["height"] <= height, box
        assert box["mapRightScrolled"] <= box["right"] + 1, box  # its end can be reached
    return len(maps)


def full_page_screenshot(page: Any, path: Path) -> None:
    """The whole app page: Voilà scrolls inside ``#rendered_cells``, so the window is
    made as tall as its content first (and set back after)."""
    size = page.viewport_size
    tall = page.evaluate(
        "() => Math.max(document.body.scrollHeight,"
        " ...[...document.querySelectorAll('#rendered_cells, .jp-Notebook')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": int(tall) + 40})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def wait_for_widgets(page: Any, classes: list[str], timeout: float = 400_000) -> None:
    """Wait until every widget of ``classes`` shows its chart (the page is live)."""
    for css in classes:
        page.wait_for_selector(f".{css} .cxkit-chart svg.marks", timeout=timeout)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_app_view_renders_every_widget_with_no_code(browser, tmp_path, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = _digest(NOTEBOOKS)
    classes = _widget_classes(NOTEBOOKS / APP_NOTEBOOKS[lang])
    assert len(classes) >= 3, classes
    proc, url, lines = _start_workshop(lang, tmp_path / "cxkit.log")
    watch = _Watch(browser)
    try:
        folder = Path(re.search(r"working copy in (\S+)", lines[0]).group(1))
        assert folder.is_dir() and not folder.is_relative_to(ROOT)
        page = watch.page
        page.goto(url, wait_until="commit", timeout=120_000)
        wait_for_widgets(page, classes)
        page.wait_for_function(
            "() => !document.querySelector('.jp-mod-busy, #loading')", timeout=120_000
        )
        assert assert_maps_fit(page) >= 2  # the journey's map and the editor's
        full_page_screenshot(page, ARTIFACTS / f"app-{lang}.png")
        for k, css in enumerate(classes):
            page.locator(f".{css}").first.screenshot(path=str(ARTIFACTS / f"app-{lang}-{k}.png"))
        assert page.locator(".cxkit-widget").count() == len(classes)
        for css in classes:
            assert page.locator(f".{css} .cxkit-chart svg.marks").first.is_visible()
        # markdown cells live in a .jp-InputArea too (nbconvert's lab template): the
        # code cells' input areas, editors and prompts must be absent or hidden
        code_parts = (
            ".jp-CodeCell .jp-InputArea",
            ".jp-InputArea-editor",
            ".CodeMirror",
            ".cm-editor",
            ".jp-InputPrompt",
        )
        for code in code_parts:
            shown = [e for e in page.locator(code).all() if e.is_visible()]
            assert shown == [], f"{len(shown)} visible {code}"
        text = page.locator("body").inner_text()
        for code in CODE_TEXTS:
            assert code not in text, f"the page shows Python source: {code!r}"
        for bad in BAD_TEXTS:
            assert bad not in text, f"the page shows {bad!r}"
        if lang == "ja":
            assert "ジャーニー編集" in text and "ROIロードマップ" in text
        else:
            assert "Journey editor" in text or "journey" in text.lower()
        assert watch.errors == []
        assert watch.outside == [], watch.outside[:5]
    finally:
        watch.context.close()
        rest = _stop_with_ctrl_c(proc) if proc.poll() is None else ""
    assert "cxkit workshop: stopped" in rest
    assert not folder.exists()  # the temporary working folder is removed
    assert _digest(NOTEBOOKS) == before  # the repository's notebooks are untouched


@pytest.mark.browser
def test_app_view_runs_the_workshop_on_the_journey_given(browser, tmp_path):
    """``cxkit workshop --journey my.yaml``: the page is about that journey, not the
    notebook's example (its cells tagged ``example`` are left out)."""
    import cxkit as cx

    title = "Our own journey: a broadband subscription, support and cancellation"
    mine = cx.load_journey("subscription_support").replace(title=title)
    path = cx.io.save_journey(mine, tmp_path / "my.yaml")
    classes = _widget_classes(NOTEBOOKS / APP_NOTEBOOKS["en"])
    proc, url, _ = _start_workshop("en", tmp_path / "cxkit.log", "--journey", str(path))
    watch = _Watch(browser)
    try:
        page = watch.page
        page.goto(url, wait_until="commit", timeout=120_000)
        wait_for_widgets(page, classes, timeout=180_000)
        text = page.locator("body").inner_text()
        assert f"{title} — Journey map" in text  # the static map and the editor's title
        assert f"Journey editor — {title}" in text
        assert f"ROI roadmap planner — {title}" in text
        assert "cordless vacuum" not in text  # the example's text is left out
        assert "Cordless vacuum purchase" not in text
        assert assert_maps_fit(page) >= 2
        full_page_screenshot(page, ARTIFACTS / "app-journey.png")
        assert watch.errors == []
    finally:
        watch.context.close()
        if proc.poll() is None:
            _stop_with_ctrl_c(proc)


# -- two participants in one JupyterLab --------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def shared_lab(tmp_path_factory, browser) -> Iterator[str]:
    """JupyterLab with real-time collaboration on a working copy of the workshop."""
    pytest.importorskip("jupyter_server_ydoc", reason="needs jupyter-collaboration")
    tmp = tmp_path_factory.mktemp("shared-lab")
    working_copy(tmp / "root", [APP_NOTEBOOKS["en"]])
    config = tmp / "jcfg" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    config.mkdir(parents=True)
    (config / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    env = {
        **_env(),
        "JUPYTER_CONFIG_DIR": str(tmp / "jcfg"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
    }
    port = _free_port()
    log = (tmp / "lab.log").open("w", encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--allow-root",
            f"--ServerApp.root_dir={tmp / 'root'}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        ],
        env=env,
        cwd=tmp,  # the collaboration store (.jupyter_ystore.db) is written here
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    "JupyterLab did not start:\n" + (tmp / "lab.log").read_text()[-3000:],
                    pytrace=False,
                )
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _cell_text(page: Any, index: int) -> str:
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content").inner_text()


@pytest.mark.browser
def test_two_participants_see_each_others_edits_of_the_journey(browser, shared_lab):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = APP_NOTEBOOKS["en"]
    cells = _cells(NOTEBOOKS / name)
    index = next(
        k for k, c in enumerate(cells) if 'editor.edit(step="unboxing"' in "".join(c["source"])
    )
    a, b = _Watch(browser), _Watch(browser)
    try:
        for who, watch in (("a", a), ("b", b)):
            url = f"{shared_lab}/lab/workspaces/{who}/tree/{name}?reset"
            watch.page.goto(url, wait_until="domcontentloaded")
            watch.page.wait_for_selector(".jp-Notebook .jp-CodeCell .cm-content", timeout=120_000)
        edit_a = 'editor.edit(step="unboxing", experience=9.0)  # participant A'
        edit_b = 'editor.edit(step="delivery", expectation=7.0)  # participant B'
        for writer, reader, edit in ((a, b, edit_a), (b, a, edit_b)):
            cell = writer.page.locator(".jp-Notebook .jp-Cell").nth(index)
            cell.scroll_into_view_if_needed()
            cell.locator(".cm-content").click()
            writer.page.keyboard.press("Control+End")
            writer.page.keyboard.press("Enter")
            writer.page.keyboard.type(edit)
            reader.page.locator(".jp-Notebook .jp-Cell").nth(index).scroll_into_view_if_needed()
            reader.page.wait_for_function(
                """([i, text]) => {
                    const c = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
                    return c && c.querySelector('.cm-content').innerText.includes(text);
                }""",
                arg=[index, edit],
                timeout=60_000,
            )
        text_a, text_b = _cell_text(a.page, index), _cell_text(b.page, index)
        assert text_a == text_b  # converged
        assert edit_a in text_a and edit_b in text_a
        assert text_a.index(edit_a) < text_a.index(edit_b)
        a.page.locator(".jp-Notebook .jp-Cell").nth(index).screenshot(
            path=str(ARTIFACTS / "collab-a.png")
        )
        b.page.locator(".jp-Notebook .jp-Cell").nth(index).screenshot(
            path=str(ARTIFACTS / "collab-b.png")
        )
        assert a.errors == [] and b.errors == []
        assert a.outside == [] and b.outside == []
    finally:
        a.context.close()
        b.context.close()
