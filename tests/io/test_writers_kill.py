"""``kill -9`` during every kind of save: the destination is the old file or the new
one, never partial, and no temporary file is left behind.

One long-lived helper process (the *zygote*) imports cxkit, renders two versions of
every output once (``A``, the old content, and ``B``) and writes them to reference
folders. For each kill it forks a writer that saves B, A, B, A… to the destination
without pause, sleeps a random time (seeded) and kills the writer with ``SIGKILL``.
This test then checks that

* every destination file is byte for byte the old or the new version, and
  cxkit's own reader loads it (journeys, initiatives);
* the only temporary file present is at most one per file, left by the killed
  process (``.<name>.cxkit<pid>.<random>.tmp``: a kill between creating it and the
  rename cannot remove it), and the next save to that destination removes it;
* after a last save that is not killed, no temporary file remains anywhere.

Each kill starts a writer of the version the destination does not hold, so every
kill is a real old-or-new test; the counts (``-s`` prints them) show about half the
kills landing before the new file appears, half after, and many between creating the
temporary file and the rename. A site is many files, each old or new: a killed site
run can leave some pages new and some old (counted as ``mixed``); running it again
completes it.

The writers cover journey YAML and JSON, the initiatives file, every export format
that writes a file (markdown, mermaid, flowchart, html, svg, png, yaml, json) and
the MkDocs site. Rendering is memoised in the zygote before it forks (the forked
writers must not start vl-convert's engine), so the kills land in the file writing
itself: write, flush, fsync, chmod and rename.

24 kills per writer by default (~20 s in all); 150 under ``-m slow``.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cxkit as cx
from cxkit.io.initiatives_io import load_initiatives

ZYGOTE = r"""
import json, os, signal, sys, time
import cxkit as cx
from cxkit.export import _files, _site
from cxkit.io.initiatives_io import save_initiatives
from cxkit.roi import catalog

A = cx.load_journey("billing_inquiry")
B = cx.load_journey("retail_omnichannel")
INITIATIVES = {"A": catalog("en"), "B": catalog("ja", cost_scale=2.0)}
JOURNEYS = {"A": A, "B": B}
SITE = {"A": A.replace(id="journey"), "B": B.replace(id="journey")}  # the same page names

_render, _memo = _files.render, {}
def render(journey, to, *, lang=None, **paged):
    key = (id(journey), to, lang, tuple(sorted(paged.items())))
    if key not in _memo:
        _memo[key] = _render(journey, to, lang=lang, **paged)
    return _memo[key]
_files.render = render

_assets, _assets_memo = _site.site_assets, {}
def site_assets(vl_version=None):
    if vl_version not in _assets_memo:
        _assets_memo[vl_version] = _assets(vl_version)
    return _assets_memo[vl_version]
_site.site_assets = site_assets

EXPORTS = {"md": "map.md", "mermaid": "map.mmd", "flowchart": "flow.mmd", "html": "map.html",
           "svg": "map.svg", "png": "map.png", "yaml": "map.yaml", "json": "map.json"}

def save(writer, folder, version):
    if writer == "journey-yaml":
        cx.save_journey(JOURNEYS[version], os.path.join(folder, "j.yaml"))
    elif writer == "journey-json":
        cx.save_journey(JOURNEYS[version], os.path.join(folder, "j.json"))
    elif writer == "initiatives":
        save_initiatives(INITIATIVES[version], os.path.join(folder, "initiatives.yaml"))
    elif writer == "site":
        cx.export.site([SITE[version]], os.path.join(folder, "site"), title=f"Site {version}")
    else:
        cx.export.write(JOURNEYS[version], os.path.join(folder, EXPORTS[writer]), writer)

def fork(writer, folder, forever, version="B"):
    pid = os.fork()
    if pid == 0:
        try:
            while True:
                save(writer, folder, version)
                if not forever:
                    os._exit(0)
                version = "A" if version == "B" else "B"
        except BaseException:
            os._exit(3)
    return pid

for line in sys.stdin:
    cmd, *args = line.split()
    if cmd == "ref":
        writer, folder_a, folder_b = args
        save(writer, folder_a, "A")
        save(writer, folder_b, "B")
        start = time.perf_counter()  # a forked save once rendered: fork, write, exit
        os.waitpid(fork(writer, folder_b, forever=False), 0)
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
    elif cmd == "kill":
        writer, folder, delay, version = args
        pid = fork(writer, folder, forever=True, version=version)
        time.sleep(float(delay))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"pid": pid, "killed": os.WIFSIGNALED(status)}), flush=True)
    elif cmd == "save":
        writer, folder = args
        pid = fork(writer, folder, forever=False)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"pid": pid, "status": os.waitstatus_to_exitcode(status)}), flush=True)
"""

WRITERS = [
    "journey-yaml",
    "journey-json",
    "initiatives",
    "md",
    "mermaid",
    "flowchart",
    "html",
    "svg",
    "png",
    "yaml",
    "json",
    "site",
]
READERS = {
    "journey-yaml": cx.load_journey,
    "journey-json": cx.load_journey,
    "yaml": cx.load_journey,
    "json": cx.load_journey,
    "initiatives": load_initiatives,
}
TMP = re.compile(r"\.(.*)\.cxkit([0-9]+)\.[^.]+\.tmp")


class Zygote:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, *words: object) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(" ".join(map(str, words)) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the zygote died"
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(60)


@pytest.fixture(scope="module")
def zygote():
    z = Zygote()
    yield z
    z.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not TMP.fullmatch(p.name)
    }


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if TMP.fullmatch(p.name)]


def _kill_loop(zygote: Zygote, writer: str, tmp_path: Path, kills: int, seed: int) -> dict:
    ref_a, ref_b, dest = tmp_path / "A", tmp_path / "B", tmp_path / "dest"
    for folder in (ref_a, ref_b, dest):
        folder.mkdir()
    seconds = zygote.ask("ref", writer, ref_a, ref_b)["seconds"]
    old, new = _files(ref_a), _files(ref_b)
    assert old.keys() == new.keys() and old != new
    # the destination starts as the old version, written by a writer that was not killed
    assert zygote.ask("save", writer, dest)["status"] == 0
    assert zygote.ask("save", writer, dest)["status"] == 0  # B, then B again: fine
    for name in old:
        (dest / name).write_bytes(old[name])
    rng = random.Random(seed)
    seen = {"old": 0, "new": 0, "mixed": 0, "temp_left": 0}
    killed: set[str] = set()
    for _ in range(kills):
        # from "just forked" to a few complete saves: kills land at every stage
        # the writer starts with the version the destination does not hold
        start = "A" if _files(dest) == new else "B"
        delay = f"{rng.uniform(0, 2.5 * seconds):.4f}"
        reply = zygote.ask("kill", writer, dest, delay, start)
        assert reply["killed"]
        killed.add(str(reply["pid"]))
        got = _files(dest)
        assert got.keys() == old.keys()
        for name, data in got.items():
            assert data in (old[name], new[name]), f"{writer}: {name} is partial"
        before = new if start == "A" else old
        seen["old" if got == before else "new"] += 1
        if got not in (old, new):  # a site half old, half new: files rewritten one by one
            seen["mixed"] += 1
        if writer in READERS:
            READERS[writer](next(p for p in dest.iterdir() if not TMP.fullmatch(p.name)))
        temps = _temps(dest)
        # at most one per file, left by a killed writer (a save sweeps the older ones
        # before it creates its own, so they never pile up)
        assert all(TMP.fullmatch(p.name)[2] in killed for p in temps), temps
        assert len({p.parent / TMP.fullmatch(p.name)[1] for p in temps}) == len(temps)
        seen["temp_left"] += bool(temps)
    assert zygote.ask("save", writer, dest)["status"] == 0
    assert _temps(dest) == [], f"{writer}: temporary files left after a clean save"
    assert _files(dest) == new
    return seen


@pytest.mark.parametrize("writer", WRITERS)
def test_kill_9_never_leaves_a_partial_file(zygote, writer, tmp_path):
    seen = _kill_loop(zygote, writer, tmp_path, kills=24, seed=WRITERS.index(writer))
    assert seen["old"] + seen["new"] == 24
    print(f"{writer}: {seen}")


@pytest.mark.slow
@pytest.mark.parametrize("writer", WRITERS)
def test_kill_9_never_leaves_a_partial_file_many_times(zygote, writer, tmp_path):
    seen = _kill_loop(zygote, writer, tmp_path, kills=150, seed=100 + WRITERS.index(writer))
    print(f"{writer}: {seen}")
