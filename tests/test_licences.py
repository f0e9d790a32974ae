"""cxkit stays MIT: the AGPL/GPL peers used by the benchmarks are never imported at run time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cxkit"

# pm4py is AGPL-3.0, ChannelAttribution GPL: benchmark-only (the `bench` extra).
FORBIDDEN = re.compile(r"^\s*(import|from)\s+(pm4py|ChannelAttribution)\b|ChannelAttribution", re.M)


def test_no_source_file_in_the_package_mentions_the_copyleft_peers() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in FORBIDDEN.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {match.group(0).strip()}")
    assert not offenders, "copyleft packages referenced from cxkit/:\n" + "\n".join(offenders)


def test_the_pattern_catches_what_it_should() -> None:
    assert FORBIDDEN.search("import pm4py\n")
    assert FORBIDDEN.search("    from pm4py.objects import log\n")
    assert FORBIDDEN.search("import ChannelAttribution as ca\n")
    assert not FORBIDDEN.search("# compare with pm4py's discover_dfg in benchmarks/\n")


def test_importing_cxkit_loads_neither() -> None:
    code = (
        "import sys, cxkit, cxkit.analytics, cxkit.data, cxkit.sim, cxkit.roi\n"
        "import cxkit.io, cxkit.cli\n"
        "cxkit.data.generate_events('web_phone_faq', 10, seed=1)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pm4py', 'ChannelAttribution'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "", f"loaded at import time: {out.stdout.strip()}"
