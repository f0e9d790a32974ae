"""The workshop notebook in a real JupyterLab, driven by Debian's chromium through playwright.

A JupyterLab server starts on 127.0.0.1 (fresh config folder, no token, no news) on a
temporary copy of ``notebooks/00_workshop.ipynb``; the browser opens it, runs
*Run → Run All Cells*, waits for the kernel to be idle, then moves a control of each
widget — a noUiSlider handle with the keyboard, a dropdown, a checkbox — and checks
that the charts and the readouts change. Nothing may show "Loading widget", "Error
displaying widget" or "Error loading script", no page error may occur and no request
may leave 127.0.0.1. Screenshots are kept in ``test-artifacts/jupyterlab/``.

Needs ``/usr/bin/chromium`` and the ``playwright`` package: ``make browser-deps``.
Set ``CXKIT_SKIP_BROWSER=1`` to skip these tests on a machine without them.
"""

from __future__ import annotations

import json
import os
import shutil
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

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "00_workshop.ipynb"
EVENTS_NOTEBOOK = ROOT / "notebooks" / "04_learn_from_events.ipynb"
ARTIFACTS = ROOT / "test-artifacts" / "jupyterlab"
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
IDLE = "Python 3 (ipykernel) | Idle"
BAD_TEXTS = ("Loading widget", "Error displaying widget", "Error loading script")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def playwright_browser() -> Iterator[Any]:
    if os.environ.get("CXKIT_SKIP_BROWSER") == "1":
        pytest.skip("CXKIT_SKIP_BROWSER=1: real-browser tests skipped on purpose")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "the browser tests need the `playwright` package: run `make browser-deps` "
            "(or set CXKIT_SKIP_BROWSER=1 to skip them)",
            pytrace=False,
        )
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"the browser tests need Debian's chromium at {CHROMIUM}: run `make browser-deps` "
            "(or set CXKIT_SKIP_BROWSER=1 to skip them)",
            pytrace=False,
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, playwright_browser) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving a copy of the workshop notebook."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    root.mkdir()
    for nb in (NOTEBOOK, EVENTS_NOTEBOOK):
        shutil.copy(nb, root / nb.name)
    config = tmp / "jcfg"
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8"
    )
    # a python3 kernel that runs this interpreter, found before any user kernelspec
    kernels = tmp / "jpath" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_PATH": str(tmp / "jpath"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
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
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        ],
        env=env,
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
        proc.terminate()  # by its own PID
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _slider_step(page: Any, container: str, index: int, presses: int = 2) -> None:
    """Focus the ``index``-th noUiSlider handle of ``container`` and press ArrowRight."""
    handle = page.locator(f"{container} .noUi-handle").nth(index)
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowRight")


def _wait_idle(page: Any, timeout: float = 240_000) -> None:
    page.wait_for_function(
        """(idle) => {
            const status = document.body.innerText.includes(idle);
            const busy = [...document.querySelectorAll('.jp-InputPrompt')]
                .some(p => p.textContent.includes('[*]'));
            return status && !busy;
        }""",
        arg=IDLE,
        timeout=timeout,
    )


def _chart_svg(page: Any, container: str, index: int = 0) -> str:
    return page.locator(f"{container} .cxkit-chart svg.marks").nth(index).inner_html()


class _Page:
    """A browser page on a notebook, recording page errors and requests leaving 127.0.0.1."""

    def __init__(self, browser: Any, lab: str, name: str) -> None:
        self.context = browser.new_context(viewport={"width": 1600, "height": 1100})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", self._on_request)
        # a workspace of its own, reset: no tab of another test is restored
        self.url = f"{lab}/lab/workspaces/{Path(name).stem}/tree/{name}?reset"

    def _on_request(self, request: Any) -> None:
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            self.outside.append(request.url)

    def open_and_run_all(self, last_widget: str, shot: str) -> Any:
        page = self.page
        page.goto(self.url, wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook", timeout=90_000)
        page.wait_for_function(
            f"() => document.body.innerText.includes({json.dumps(IDLE)})", timeout=120_000
        )
        page.screenshot(path=str(ARTIFACTS / f"{shot}-opened.png"))
        # Run → Run All Cells, from the menu
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_selector(last_widget, timeout=240_000)
        _wait_idle(page)
        return page

    def check_clean(self) -> None:
        text = self.page.locator("body").inner_text()
        for bad in BAD_TEXTS:
            assert bad not in text, f"the page shows {bad!r}"
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside[:5]


def _wait_changed(page: Any, container: str, old: str, index: int = 0) -> None:
    """Wait until the ``index``-th chart of ``container`` differs from ``old``."""
    page.wait_for_function(
        """([sel, i, old]) => {
            const svg = document.querySelectorAll(sel + ' .cxkit-chart svg.marks')[i];
            return svg && svg.innerHTML !== old;
        }""",
        arg=[container, index, old],
        timeout=60_000,
    )


def test_workshop_notebook_runs_and_its_widgets_respond(lab, playwright_browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    session = _Page(playwright_browser, lab, NOTEBOOK.name)
    try:
        page = session.open_and_run_all(".cxkit-roadmap-planner", "00")
        for name in ("journey-editor", "handoff-explorer", "roadmap-planner"):
            page.wait_for_selector(f".cxkit-{name} .cxkit-chart svg.marks", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "00-ran-all.png"))

        # -- the journey editor: a slider moves, the map redraws -------------------------
        editor = ".cxkit-journey-editor"
        page.locator(editor).scroll_into_view_if_needed()
        before_map = _chart_svg(page, editor)
        before_readout = page.locator(f"{editor} .widget-readout").nth(1).inner_text()
        _slider_step(page, editor, 1)  # the experience slider, +2 × 0.5 points
        _wait_changed(page, editor, before_map)
        after_readout = page.locator(f"{editor} .widget-readout").nth(1).inner_text()
        assert after_readout != before_readout
        assert "changed." in page.locator(f"{editor} .cxkit-status").inner_text()
        page.locator(editor).screenshot(path=str(ARTIFACTS / "00-editor.png"))

        # -- the hand-off explorer: a dropdown, then a slider ----------------------------
        explorer = ".cxkit-handoff-explorer"
        page.locator(explorer).scroll_into_view_if_needed()
        before_numbers = page.locator(f"{explorer} .cxkit-numbers").inner_html()
        before_chart = _chart_svg(page, explorer)
        select = page.locator(f"{explorer} select").first
        select.select_option(label="Official product pages → Customer care chat")
        _wait_idle(page, 60_000)
        _slider_step(page, explorer, 1, presses=5)  # context carry-over +0.05
        _wait_changed(page, explorer, before_chart)
        assert page.locator(f"{explorer} .cxkit-numbers").inner_html() != before_numbers
        assert "official_web → cc_chat" in page.locator(f"{explorer} .cxkit-status").inner_text()
        page.locator(explorer).screenshot(path=str(ARTIFACTS / "00-handoffs.png"))

        # -- the roadmap planner: a checkbox --------------------------------------------
        planner = ".cxkit-roadmap-planner"
        page.locator(planner).scroll_into_view_if_needed()
        assert "Product FAQ" in page.locator(f"{planner} .cxkit-initiatives").inner_text()
        page.locator(f"{planner} input[type=checkbox]").nth(1).click()  # the product FAQ
        page.wait_for_function(
            """([sel]) => !document.querySelector(sel + ' .cxkit-initiatives')
                .innerText.includes('Product FAQ')""",
            arg=[planner],
            timeout=60_000,
        )
        _wait_idle(page, 60_000)
        page.locator(planner).screenshot(path=str(ARTIFACTS / "00-planner.png"))
        session.check_clean()
    finally:
        session.context.close()


def test_event_explorer_filters_in_the_browser(lab, playwright_browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    session = _Page(playwright_browser, lab, EVENTS_NOTEBOOK.name)
    try:
        page = session.open_and_run_all(".cxkit-event-explorer", "04")
        explorer = ".cxkit-event-explorer"
        page.wait_for_selector(f"{explorer} .cxkit-chart svg.marks", timeout=60_000)
        page.locator(explorer).scroll_into_view_if_needed()
        # the notebook's own filter ("gift") must have settled before the baseline is read
        _wait_idle(page, 60_000)
        before_chart = _chart_svg(page, explorer)
        before_status = page.locator(f"{explorer} .cxkit-status").inner_text()
        # the call-reason list: choose "own_use" alone (the notebook left "gift")
        reasons = page.locator(f"{explorer} select[multiple]").nth(1)
        reasons.select_option(label="own_use")
        _wait_changed(page, explorer, before_chart)
        # the chart and the status line are separate widget messages: wait for both
        page.wait_for_function(
            "([sel, old]) => document.querySelector(sel)?.innerText !== old",
            arg=[f"{explorer} .cxkit-status", before_status],
            timeout=60_000,
        )
        after_status = page.locator(f"{explorer} .cxkit-status").inner_text()
        assert after_status != before_status and "after the filters" in after_status
        _wait_idle(page, 60_000)
        page.locator(explorer).screenshot(path=str(ARTIFACTS / "04-events.png"))
        session.check_clean()
    finally:
        session.context.close()
