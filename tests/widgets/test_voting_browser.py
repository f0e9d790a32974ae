"""Dot voting and the planner in a real JupyterLab (chromium + playwright).

Reuses the JupyterLab server of ``tests/notebooks/test_jupyterlab_browser.py`` on a
notebook of its own (``tests/widgets/notebooks/voting_planner.ipynb``): a click on a
card's ``+1`` changes the initiatives the planner is proposed, and the planner shows
a reason for each initiative it does not schedule. Screenshots go to
``test-artifacts/jupyterlab/``.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "notebooks" / "voting_planner.ipynb"
_spec = importlib.util.spec_from_file_location(
    "_cxkit_lab_browser", HERE.parent / "notebooks" / "test_jupyterlab_browser.py"
)
jb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jb)
jb.NOTEBOOK = NOTEBOOK  # the server serves this notebook (and the events one)
playwright_browser = jb.playwright_browser
#: the suite's JupyterLab server, requested by `lab` below once PYTHONPATH is set
_lab = pytest.fixture(scope="module", name="_lab")(jb.lab._get_wrapped_function())


@pytest.fixture(scope="module")
def _this_checkout():
    """The kernel imports cxkit from this checkout (the server's folder is a temp one)."""
    root = str(HERE.parents[1])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        yield


@pytest.fixture(scope="module")
def lab(_this_checkout, _lab):
    return _lab


def test_a_vote_changes_the_proposals_and_every_unscheduled_initiative_has_a_reason(
    lab, playwright_browser
):
    jb.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    session = jb._Page(playwright_browser, lab, NOTEBOOK.name)
    try:
        page = session.open_and_run_all(".cxkit-roadmap-planner", "voting")
        voting, planner = ".cxkit-dot-voting", ".cxkit-roadmap-planner"
        page.wait_for_selector(f"{planner} .cxkit-reasons", timeout=60_000)
        assert page.locator(f"{planner} .cxkit-proposal").count() == 0
        page.locator(voting).screenshot(path=str(jb.ARTIFACTS / "voting-before.png"))
        # the participant chosen (Ken, the last added) puts a dot on "約束の折り返しがない"
        card = page.locator(f"{voting} .cxkit-card-call_again-pain-0")
        card.locator(".cxkit-vote-plus").click()
        page.wait_for_selector(f"{planner} .cxkit-proposal", timeout=60_000)
        jb._wait_idle(page, 60_000)
        assert card.locator(".cxkit-vote-count").inner_text().strip().endswith("1")
        proposal = page.locator(f"{planner} .cxkit-proposal").inner_text()
        assert proposal.startswith("投票による提案") and "オペレーターへの権限委譲" in proposal
        assert "機会スコア" in page.locator(voting).inner_text()
        # the planner: a reason for each initiative not scheduled (14 initiatives)
        rows = page.locator(f"{planner} .cxkit-reasons tbody tr")
        scheduled = page.locator(f"{planner} .cxkit-plan-summary").inner_text()
        texts = [rows.nth(k).inner_text() for k in range(rows.count())]
        assert len(texts) >= 10 and all(len(t.split("\t")[-1].strip()) > 5 for t in texts)
        reasons = page.locator(f"{planner} .cxkit-reasons").inner_text()
        assert "解約予測にもとづく先回りの連絡" in reasons and "予算超過" in reasons
        assert "外れ値" in page.locator(f"{planner} .cxkit-initiatives").inner_text()
        assert scheduled
        page.locator(voting).screenshot(path=str(jb.ARTIFACTS / "voting-after.png"))
        page.locator(planner).screenshot(path=str(jb.ARTIFACTS / "voting-planner.png"))
        session.check_clean()
    finally:
        session.context.close()
