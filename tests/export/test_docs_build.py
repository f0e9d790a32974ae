"""The project docs and an exported journey site build with ``mkdocs build --strict``
and refer to nothing outside themselves (no CDN, no Google fonts).

Needs the docs extra (``pip install -e '.[docs]'``); skipped with that reason when
MkDocs is not installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cxkit import export

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

mkdocs = pytest.importorskip("mkdocs", reason="the docs build needs cxkit[docs] (mkdocs)")
pytest.importorskip("material", reason="the docs build needs cxkit[docs] (mkdocs-material)")

#: Attributes that load something when the page opens.
_LOADS = re.compile(r"<(script|img|iframe|source|link)\b[^>]*?\b(src|href)=\"([^\"]*)\"", re.I)


def _remote_loads(site: Path) -> list[str]:
    found = []
    for page in site.rglob("*.html"):
        for tag, attr, url in _LOADS.findall(page.read_text(encoding="utf-8")):
            if tag.lower() == "link" and "stylesheet" not in url and not url.endswith(".css"):
                continue  # <link rel="canonical">, icons and the like
            if re.match(r"(?i)^(https?:)?//", url):
                found.append(f"{page.relative_to(site)}: <{tag} {attr}={url}>")
    return found


def test_project_docs_build_strictly_and_offline(tmp_path) -> None:
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    gallery = sorted(p.stem for p in (site / "gallery").glob("*.html"))
    templates = sorted(p.stem for p in (ROOT / "cxkit/templates/journeys").glob("*.yaml"))
    assert gallery == sorted([*templates, "index"])
    for name in ("mermaid.min.js", "vega-bundle.js", "cxkit-loader.js"):
        assert (site / "assets" / "cxkit" / name).is_file()
    assert _remote_loads(site) == []
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    for name in ("markdown", "html", "site", "write", "escape.markdown_inline"):
        assert f'id="cxkit.export.{name}"' in api, name
    assert "<img" not in api  # docstring examples render as code, not as HTML


def test_exported_site_builds_strictly_and_offline(tmp_path, hostile) -> None:
    project = export.site(
        ["billing_inquiry", hostile.replace(id="hostile")], tmp_path / "p", title="Hostile <b>"
    )
    site = export.build_site(project)
    assert sorted(p.name for p in (site / "journeys").glob("*.html")) == [
        "billing_inquiry.html",
        "hostile.html",
    ]
    assert _remote_loads(site) == []
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<b>" not in index and "Hostile &lt;b&gt;" in index
    assert (site / "search" / "search_index.js").is_file()  # offline search
