"""The moments library: journeys and events → table → escaped site page."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import cxkit as cx
from cxkit.core.errors import CxkitError
from cxkit.voc import moments, moments_page


def test_journey_moments_are_its_delights_and_pain_points() -> None:
    m = moments(["complaint_recovery_ja"])
    j = cx.load_journey("complaint_recovery_ja")
    pains = [p for s in j.steps for p in s.pain_points]
    failed = m.filter(pl.col("kind") == "failed")["note"].to_list()
    assert set(pains) <= set(failed) and "たらい回しにされた" in failed
    delighted = m.filter(pl.col("kind") == "delighted")
    assert delighted.height == 3 and delighted["source"].unique().to_list() == [j.id]
    assert m["kind"].to_list()[: delighted.height] == ["delighted"] * delighted.height


def test_event_moments_count_notes(small: pl.DataFrame) -> None:
    notes = ["ok", "またか", None, "=cmd|x", None, "神対応!", None, None, None, None]
    log = small.with_columns(verbatim=pl.Series(notes, dtype=pl.String))
    m = moments(events=log)
    rows = {(r["kind"], r["note"]): r["count"] for r in m.iter_rows(named=True)}
    # 不満 and dissatisfied both count as failed; satisfied rows are not moments
    assert rows == {("failed", "またか"): 1, ("failed", "=cmd|x"): 1, ("delighted", "神対応!"): 1}
    assert m["kind"][0] == "delighted" and set(m["source"]) == {"events"}
    with pytest.raises(CxkitError, match=r"'verbatum'.*did you mean 'verbatim'"):
        moments(events=log, note="verbatum")


def test_page_is_escaped_and_bilingual(small: pl.DataFrame) -> None:
    log = small.with_columns(
        note=pl.Series([None, "<script>x</script>", None, "=1+1|y"] + [None] * 6)
    )
    en = moments_page(moments(events=log))
    assert en.splitlines()[0] == "# Moments library" and "## Failed moments (不満)" in en
    assert "<script>" not in en and "&lt;script&gt;" in en and "'=1+1&#124;y" in en
    ja = moments_page(journeys=["complaint_recovery_ja"], lang="ja")
    assert "## 感動の瞬間" in ja and "## 不満の瞬間" in ja and "| メモ・お客様の声 |" in ja
    empty = moments_page(moments(), lang="ja")
    assert empty.count("記録された瞬間はありません。") == 2


def test_site_includes_the_page(tmp_path: Path) -> None:
    page = moments_page(journeys=["complaint_recovery_ja"], lang="ja")
    out = cx.export.site(["complaint_recovery_ja"], tmp_path / "s", pages={"moments.md": page})
    assert (out / "docs" / "moments.md").read_text("utf-8") == page
    assert '\n  - "moments.md"\n' in (out / "mkdocs.yml").read_text("utf-8")
    with pytest.raises(CxkitError, match="not a page name"):
        cx.export.site(["complaint_recovery_ja"], tmp_path / "t", pages={"../x.md": page})
