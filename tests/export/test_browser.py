"""Exported pages in a real browser: Debian's chromium driven by playwright.

Each page is opened over ``file://`` and over ``http://127.0.0.1:<port>`` (a
``http.server`` thread serving the folder) and must draw its Vega chart and its
Mermaid diagrams with no page error, no failed request, no request leaving the
machine, no CSP violation, no dialog and — for the hostile-label journey — no
injected script run (``window.__pwned`` stays undefined).

Needs ``/usr/bin/chromium`` and the ``playwright`` package: ``make browser-deps``.
Set ``CXKIT_SKIP_BROWSER=1`` to skip these tests on a machine without them.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cxkit as cx
from cxkit import export

pytestmark = pytest.mark.browser

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

#: Material draws Mermaid in a closed shadow root; open it so the test can look inside.
#: Also record CSP violations.
INIT_SCRIPT = """
(() => {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, { ...init, mode: "open" });
  };
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
  });
})();
"""

#: Counts of rendered charts and diagrams, looking into (opened) shadow roots.
COUNT_SCRIPT = """
() => {
  const charts = document.querySelectorAll(".cxkit-vega-chart svg.marks").length;
  let diagrams = 0, errors = 0;
  const looks = (svg) => {
    diagrams += 1;
    if ((svg.textContent || "").includes("Syntax error")) { errors += 1; }
  };
  document.querySelectorAll("pre.mermaid > svg").forEach(looks);
  document.querySelectorAll("div.mermaid").forEach((d) => {
    if (d.shadowRoot) { d.shadowRoot.querySelectorAll("svg").forEach(looks); }
  });
  return { charts, diagrams, errors };
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """A folder and the ``http://127.0.0.1:<port>`` URL that serves it."""
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def pages(served, hostile) -> dict[str, Path]:
    """The exported files, written once into the served folder."""
    root, _ = served
    files = {
        "billing.html": export.html(cx.load_journey("billing_inquiry")),
        "hostile.html": export.html(hostile),
        "billing-ja.html": export.html(cx.load_journey("billing_inquiry"), lang="ja"),
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return {name: root / name for name in files}


@pytest.fixture(scope="module")
def built_site(served, hostile) -> Path:
    """A MkDocs site of billing_inquiry, the hostile journey and a Japanese template."""
    pytest.importorskip("mkdocs", reason="building a site needs cxkit[docs] (mkdocs)")
    pytest.importorskip("material", reason="building a site needs cxkit[docs] (material)")
    root, _ = served
    journeys = [cx.load_journey("billing_inquiry"), hostile.replace(id="hostile")]
    if "complaint_recovery_ja" in cx.list_templates():
        journeys.append(cx.load_journey("complaint_recovery_ja"))
    project = export.site(journeys, root / "project", title="<script>window.__pwned=1</script>")
    return export.build_site(project)


def _visit(browser: Any, url: str, local: str, *, charts: int, diagrams: int) -> dict[str, Any]:
    """Open ``url``, wait for the drawings, return what happened."""
    context = browser.new_context()
    page = context.new_page()
    seen: dict[str, list[str]] = {
        "page_errors": [],
        "failed": [],
        "outside": [],
        "dialogs": [],
        "console_errors": [],
    }

    def route(r: Any) -> None:
        if r.request.url.startswith((local, "data:", "blob:", "about:")):
            r.continue_()
        else:
            seen["outside"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.add_init_script(INIT_SCRIPT)
    page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} {r.failure}"))
    page.on("console", lambda m: m.type == "error" and seen["console_errors"].append(m.text))

    def on_dialog(d: Any) -> None:
        seen["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(
            f"() => ({COUNT_SCRIPT})().charts >= {charts} && ({COUNT_SCRIPT})().diagrams >= "
            f"{diagrams}",
            timeout=60_000,
        )
        page.wait_for_timeout(300)  # let late errors surface
        seen["counts"] = page.evaluate(COUNT_SCRIPT)
        seen["pwned"] = page.evaluate("() => window.__pwned")
        seen["csp"] = page.evaluate("() => window.__cspViolations")
        seen["title"] = page.title()
    finally:
        context.close()
    return seen


def _assert_clean(seen: dict[str, Any], *, charts: int, diagrams: int) -> None:
    assert seen["counts"] == {"charts": charts, "diagrams": diagrams, "errors": 0}
    assert seen["page_errors"] == []
    assert seen["failed"] == []
    assert seen["outside"] == []
    assert seen["csp"] == []
    assert seen["dialogs"] == []
    assert seen["console_errors"] == []
    assert seen["pwned"] is None


@pytest.mark.parametrize("via", ["file", "http"])
def test_standalone_page_renders_offline(browser, served, pages, via) -> None:
    root, base = served
    url = pages["billing.html"].as_uri() if via == "file" else f"{base}/billing.html"
    local = root.as_uri() if via == "file" else base
    seen = _visit(browser, url, local, charts=1, diagrams=2)
    _assert_clean(seen, charts=1, diagrams=2)
    assert seen["title"] == "Billing inquiry (cxkit model reference, Example A)"


def test_standalone_page_in_japanese(browser, served, pages) -> None:
    _root, base = served
    seen = _visit(browser, f"{base}/billing-ja.html", base, charts=1, diagrams=2)
    _assert_clean(seen, charts=1, diagrams=2)


@pytest.mark.parametrize("via", ["file", "http"])
def test_hostile_page_runs_no_injected_script(browser, served, pages, hostile, via) -> None:
    root, base = served
    url = pages["hostile.html"].as_uri() if via == "file" else f"{base}/hostile.html"
    local = root.as_uri() if via == "file" else base
    seen = _visit(browser, url, local, charts=1, diagrams=2)
    _assert_clean(seen, charts=1, diagrams=2)
    assert seen["title"] == hostile.title  # shown as text


@pytest.mark.parametrize(
    ("page", "via", "charts", "diagrams"),
    [
        ("index.html", "file", 0, 0),
        ("journeys/billing_inquiry.html", "file", 1, 2),
        ("journeys/billing_inquiry.html", "http", 1, 2),
        ("journeys/hostile.html", "file", 1, 2),
        ("journeys/hostile.html", "http", 1, 2),
    ],
)
def test_site_renders_offline(browser, served, built_site, page, via, charts, diagrams) -> None:
    root, base = served
    target = built_site / page
    assert target.is_file()
    if via == "file":
        url, local = target.as_uri(), built_site.as_uri()
    else:
        rel = target.relative_to(root).as_posix()
        url, local = f"{base}/{rel}", base
    seen = _visit(browser, url, local, charts=charts, diagrams=diagrams)
    _assert_clean(seen, charts=charts, diagrams=diagrams)


def test_site_page_in_japanese(browser, served, built_site) -> None:
    target = built_site / "journeys" / "complaint_recovery_ja.html"
    if not target.exists():
        pytest.skip("the complaint_recovery_ja template is not in this checkout")
    root, base = served
    rel = target.relative_to(root).as_posix()
    # every page of the map is drawn (one is shown at a time)
    charts = len(cx.viz.journey_map_pages(cx.load_journey("complaint_recovery_ja")))
    assert charts == 2
    seen = _visit(browser, f"{base}/{rel}", base, charts=charts, diagrams=2)
    _assert_clean(seen, charts=charts, diagrams=2)
