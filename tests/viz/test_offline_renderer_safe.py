"""Altair's svg/png notebook renderers, switched on by cxkit, never abort on a label."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import altair as alt, polars as pl
    from cxkit.viz.display import enable_offline_renderer
    frame = pl.DataFrame({"x": [1, 2], "label": ["a\\x00b\\x01", "\\ufffe\\uffff"]})
    chart = (
        alt.Chart(frame).mark_text().encode(x="x:Q", text="label:N").properties(title="t\\x00")
    )
    assert enable_offline_renderer("{r}") == "{r}"
    assert enable_offline_renderer("{r}") == "{r}"  # enabling twice wraps once
    bundle = chart._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    print(sorted(bundle))
    """
)


@pytest.mark.parametrize(("renderer", "mime"), [("svg", "image/svg+xml"), ("png", "image/png")])
def test_a_control_character_in_a_label_does_not_abort_the_kernel(renderer, mime):
    # vl-convert panics (exit 134) on characters XML 1.0 cannot hold; cxkit's
    # enable_offline_renderer wraps altair's renderer so the spec is made safe first
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.replace("{r}", renderer)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"['{mime}']"
