"""cxkit.voc is a lazy namespace: nothing heavy on import, every name reachable."""

from __future__ import annotations

import subprocess
import sys

import cxkit as cx


def test_import_is_light() -> None:
    code = (
        "import sys, cxkit, cxkit.voc; cxkit.voc.__all__; "
        "print([m for m in ('altair', 'polars', 'narwhals') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    assert "voc" in dir(cx)
    for name in cx.voc.__all__:
        assert getattr(cx.voc, name) is not None
    assert set(cx.voc.__all__) <= set(dir(cx.voc))
