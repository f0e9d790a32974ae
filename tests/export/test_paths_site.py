"""``cxkit site --out DIR --build`` builds into ``DIR/site`` for real (MkDocs reads a
relative ``-d`` against the config's folder; cxkit passes it absolute).

The path logic for every form of DIR is tested without MkDocs in
``tests/io/test_writers.py``; this runs the real build once per form that differs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

pytest.importorskip("mkdocs", reason="the site build needs cxkit[docs] (mkdocs)")
pytest.importorskip("material", reason="the site build needs cxkit[docs] (mkdocs-material)")


@pytest.mark.parametrize("out", ["../st/", "{abs}/st"], ids=["relative-slash", "absolute"])
def test_site_build_lands_in_dir_site(out, tmp_path):
    (tmp_path / "sub").mkdir()
    out = out.format(abs=tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "cxkit", "site", "billing_inquiry", "--out", out, "--build"],
        cwd=tmp_path / "sub",
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    built = Path(out) / "site" / "index.html"
    assert proc.stdout.splitlines()[-1] == f"built {built}"
    assert (tmp_path / "st" / "site" / "index.html").is_file()
    assert not (tmp_path / "st" / "st").exists()
    assert not (tmp_path / "sub" / "st").exists()
