"""Output paths and special files: every writer gives a CxkitError naming the path, what
is wrong and what was expected, and never replaces what it writes to.

The catalogue is organised by class (``PATHS``, ``SPECIAL``, ``SITE``); each case
asserts the exact message or the exact handled result. Run relative to ``tmp_path``
so that messages are stable.

Safety: the tests write to ``/dev/null``, ``/dev/full`` and ``/dev/stdout``; a writer
that regressed to replacing them would replace the machine's device files (the tests
may run as root). An autouse guard makes ``os.replace`` / ``os.rename`` refuse any
destination under ``/dev`` or ``/proc`` in this process, and subprocesses install the
same guard before they run the CLI.
"""

from __future__ import annotations

import os
import select
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import cxkit as cx
from cxkit.cli import cli
from cxkit.cli.export import export_command, site_command
from cxkit.data.examples import examples_dir
from cxkit.export import _site
from cxkit.io import save_journey
from cxkit.io._write import atomic_write_bytes, atomic_write_text

GUARD = """
import os
_replace, _rename = os.replace, os.rename
def _guard(real):
    def guarded(src, dst, *args, **kwargs):
        if os.path.abspath(os.fspath(dst)).startswith(("/dev/", "/proc/")):
            raise AssertionError(f"refusing to replace {dst}")
        return real(src, dst, *args, **kwargs)
    return guarded
os.replace, os.rename = _guard(_replace), _guard(_rename)
"""


@pytest.fixture(autouse=True)
def _never_replace_devices(monkeypatch):
    namespace: dict = {}
    exec(GUARD, namespace)  # the same guard the subprocesses use
    monkeypatch.setattr(os, "replace", namespace["os"].replace)
    monkeypatch.setattr(os, "rename", namespace["os"].rename)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def journey():
    return cx.load_journey("billing_inquiry")


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Path], None]
    path: str
    message: str


def _nothing(d: Path) -> None:
    pass


def _folder(d: Path) -> None:
    (d / "exists").mkdir()


def _file(name: str) -> Callable[[Path], None]:
    return lambda d: (d / name).write_text("x")


def _loop(d: Path) -> None:
    os.symlink("loop", d / "loop")


def _dangling_into_missing(d: Path) -> None:
    os.symlink("nowhere/x.md", d / "dl.md")


def _socket(d: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind("sock.md")  # relative: a socket path is limited to 107 bytes
    s.close()


NAME_256 = "n" * 253 + ".md"
NAME_JA = "日" * 85 + ".md"  # 258 bytes in UTF-8

#: class "paths": each an OSError before; now a CxkitError with an exact message.
PATHS = [
    Case(
        "existing folder",
        _folder,
        "exists",
        "exists: is a folder; expected the path of a file (a name inside the folder)",
    ),
    Case(
        "256-byte name",
        _nothing,
        NAME_256,
        f"{NAME_256}: the file name is 256 bytes long; expected at most 255 bytes "
        "(the file system's limit)",
    ),
    Case(
        "258-byte Japanese name",
        _nothing,
        NAME_JA,
        f"{NAME_JA}: the file name is 258 bytes long; expected at most 255 bytes "
        "(the file system's limit)",
    ),
    Case(
        "path under /proc",
        _nothing,
        "/proc/cxkit-out.md",
        "/proc/cxkit-out.md: cannot create a file in /proc: No such file or directory; "
        "expected a folder where files can be created",
    ),
    Case(
        "missing folder",
        _nothing,
        "missing/x.md",
        "missing/x.md: folder missing does not exist",
    ),
    Case(
        "parent is a file",
        _file("f"),
        "f/x.md",
        "f/x.md: f is not a folder; expected an existing folder",
    ),
    Case(
        "grandparent is a file",
        _file("f"),
        "f/sub/x.md",
        "f/sub/x.md: f is not a folder; expected an existing folder",
    ),
    Case(
        "NUL in the path",
        _nothing,
        "a\x00b.md",
        "'a\\x00b.md': the path contains a NUL character; expected a path without NUL",
    ),
    Case(
        "symlink loop",
        _loop,
        "loop",
        "loop: cannot look at the path: Too many levels of symbolic links; "
        "expected a path to a file",
    ),
]

#: class "special files" that are refused (the handled ones are tests below).
SPECIAL = [
    Case(
        "dangling link into a missing folder",
        _dangling_into_missing,
        "dl.md",
        "dl.md: folder {d}/nowhere does not exist",
    ),
    Case(
        "unix socket",
        _socket,
        "sock.md",
        "sock.md: is a socket; expected a regular file, a named pipe or a character device",
    ),
    Case(
        "named pipe without a reader",
        lambda d: os.mkfifo(d / "p.md"),
        "p.md",
        "p.md: is a named pipe that no process is reading; "
        "expected a reader on the pipe (start it first)",
    ),
    Case(
        "/dev/full",
        _nothing,
        "/dev/full",
        "/dev/full: cannot write: No space left on device; expected a writable stream",
    ),
]


def _entries(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


@pytest.mark.parametrize("case", PATHS + SPECIAL, ids=[c.name for c in PATHS + SPECIAL])
def test_refused_with_an_exact_message(case, here, journey):
    case.setup(here)
    before = _entries(here)
    message = case.message.format(d=here)
    with pytest.raises(cx.CxkitError) as info:
        atomic_write_bytes(case.path, b"new")
    assert str(info.value) == message
    # the same through a journey save, an export and the CLI
    with pytest.raises(cx.CxkitError) as info:
        save_journey(journey, case.path, format="yaml")
    assert str(info.value) == message
    with pytest.raises(cx.CxkitError) as info:
        cx.export.write(journey, case.path, "md")
    assert str(info.value) == message
    result = CliRunner().invoke(cli, ["export", "billing_inquiry", "-o", case.path, "--to", "md"])
    assert result.exit_code == 1
    assert result.stderr == f"cxkit: error: {message}\n"
    assert result.stdout == ""
    assert _entries(here) == before  # nothing created, nothing left behind


def test_catalogue_counts():
    assert (len(PATHS), len(SPECIAL), len(SITE)) == (9, 4, 7)


# -- handled paths -------------------------------------------------------------------------
def test_a_250_character_name_is_written(here, journey):
    name = "a" * 245 + ".yaml"
    assert save_journey(journey, name) == Path(name)
    assert cx.load_journey(name) == journey
    assert _entries(here) == [name]


def test_a_255_byte_name_is_the_limit(here):
    name = "b" * 252 + ".md"
    atomic_write_text(name, "ok")
    assert (here / name).read_text() == "ok"


def test_a_lone_surrogate_is_refused_before_anything_is_written(here):
    with pytest.raises(cx.CxkitError) as info:
        atomic_write_text("x.md", "a\ud800b")
    assert str(info.value) == (
        "x.md: cannot encode '\\ud800' at character 1 as UTF-8; "
        "expected text without lone surrogates"
    )
    assert _entries(here) == []


def test_data_must_be_bytes(here):
    with pytest.raises(cx.CxkitError, match=r"^`data` must be bytes, got str$"):
        atomic_write_bytes("x.md", "text")


def test_existing_file_keeps_its_permissions_new_file_gets_0o644(here):
    atomic_write_bytes("new.md", b"1")
    (here / "old.md").write_bytes(b"0")
    os.chmod(here / "old.md", 0o600)
    atomic_write_bytes("old.md", b"1")
    assert stat.S_IMODE(os.stat("new.md").st_mode) == 0o644
    assert stat.S_IMODE(os.stat("old.md").st_mode) == 0o600


def test_discover_output_dash_prints_the_journey(here):
    events = examples_dir() / "retail_omnichannel.csv"
    result = CliRunner().invoke(cli, ["discover", str(events), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "\nid: discovered\n" in "\n" + result.stdout
    assert _entries(here) == []


# -- special files: symlinks followed, streams written in place ------------------------
def test_a_symlink_is_followed_its_target_replaced_the_link_kept(here, journey):
    (here / "real").mkdir()
    (here / "real" / "map.md").write_text("old")
    os.symlink("real/map.md", here / "link.md")
    result = CliRunner().invoke(export_command, ["billing_inquiry", "-o", "link.md"])
    assert result.exit_code == 0, result.output
    assert (here / "link.md").is_symlink()
    assert os.readlink(here / "link.md") == "real/map.md"
    assert (here / "real" / "map.md").read_text() == cx.export.markdown(journey)
    assert _entries(here) == ["link.md", "real"]
    assert _entries(here / "real") == ["map.md"]  # the temporary file was beside the target


def test_a_dangling_symlink_creates_its_target(here, journey):
    os.symlink("made.yaml", here / "j.yaml")
    save_journey(journey, "j.yaml")
    assert (here / "j.yaml").is_symlink()
    assert cx.load_journey(here / "made.yaml") == journey


def test_a_chain_of_symlinks_is_followed_to_the_end(here):
    (here / "end.md").write_text("old")
    os.symlink("end.md", here / "mid.md")
    os.symlink("mid.md", here / "start.md")
    atomic_write_text("start.md", "new")
    assert (here / "end.md").read_text() == "new"
    assert (here / "start.md").is_symlink() and (here / "mid.md").is_symlink()


def _drain(fifo: Path, write: Callable[[], object]) -> bytes:
    """Run ``write`` in a thread while this thread reads ``fifo`` until it closes."""
    rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open first: the writer sees a reader
    errors: list[BaseException] = []

    def run() -> None:
        try:
            write()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    writer = threading.Thread(target=run)
    writer.start()
    chunks = []
    try:
        for _ in range(100_000):
            select.select([rfd], [], [], 0.05)
            try:
                chunk = os.read(rfd, 65536)
            except BlockingIOError:
                continue
            if chunk:
                chunks.append(chunk)
            elif not writer.is_alive():
                break
    finally:
        writer.join(10)
        os.close(rfd)
    if errors:
        raise errors[0]
    return b"".join(chunks)


def test_a_named_pipe_is_written_as_a_stream_and_stays_a_pipe(here, journey):
    fifo = here / "p.md"
    os.mkfifo(fifo)
    got = _drain(fifo, lambda: cx.export.write(journey, fifo, "md"))
    assert got == cx.export.markdown(journey).encode("utf-8")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _entries(here) == ["p.md"]


def test_a_named_pipe_takes_a_journey_and_the_cli_summary(here, journey):
    fifo = here / "j.yaml"
    os.mkfifo(fifo)
    got = _drain(fifo, lambda: save_journey(journey, fifo))
    assert cx.loads_journey(got) == journey
    result: list = []
    got = _drain(
        fifo,
        lambda: result.append(
            CliRunner().invoke(export_command, ["billing_inquiry", "-o", "j.yaml"])
        ),
    )
    assert cx.loads_journey(got) == journey
    assert result[0].output == f"wrote j.yaml (yaml, {len(got) / 1024:.1f} kB)\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_written_in_place(journey):
    before = os.stat("/dev/null")
    assert cx.export.write(journey, "/dev/null", "md") == Path("/dev/null")
    save_journey(journey, "/dev/null")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_symlink_to_a_device_writes_the_device(here):
    os.symlink("/dev/null", here / "sink.md")
    atomic_write_text("sink.md", "gone")
    assert os.readlink(here / "sink.md") == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def _run_cli(args: list[str], cwd: Path, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    code = GUARD + "import sys\nfrom cxkit.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("out", ["/dev/stdout", "/dev/fd/1", "-"])
def test_dev_stdout_is_a_stream_and_the_summary_goes_to_stderr(out, here, journey):
    proc = _run_cli(["export", "billing_inquiry", "--to", "mermaid", "-o", out], here)
    assert proc.returncode == 0, proc.stderr
    text = cx.export.mermaid_journey(journey, "en") + "\n"
    assert proc.stdout.decode() == text
    if out != "-":
        assert proc.stderr.decode() == f"wrote {out} (mermaid, {len(text.encode())} B)\n"
    assert os.path.islink("/dev/stdout")


def test_dev_stdout_redirected_to_a_file_is_written_through_the_shell_descriptor(here):
    with open(here / "captured.yaml", "wb") as fh:
        proc = _run_cli(["new", "/dev/stdout", "-t", "billing_inquiry"], here, stdout=fh)
    assert proc.returncode == 1  # `new` needs a journey suffix: a clean error, nothing replaced
    assert proc.stderr.decode() == (
        "cxkit: error: PATH must end in .yaml, .yml, .json; got '/dev/stdout'\n"
    )
    with open(here / "captured.yaml", "wb") as fh:
        proc = _run_cli(["discover", _events(), "-o", "/dev/stdout"], here, stdout=fh)
    assert proc.returncode == 0, proc.stderr
    assert cx.load_journey(here / "captured.yaml").id
    assert "wrote /dev/stdout" in proc.stderr.decode()


def _events() -> str:
    return str(examples_dir() / "retail_omnichannel.csv")


def test_png_to_standard_output_when_it_is_not_a_terminal(here):
    proc = _run_cli(["export", "billing_inquiry", "--to", "png", "-o", "-"], here)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"\x89PNG\r\n\x1a\n")


# -- site ----------------------------------------------------------------------------------
SITE = [
    Case(
        "docs is a file",
        lambda d: (d / "st").mkdir() or (d / "st" / "docs").write_text("x"),
        "st",
        "st/docs: is a file; expected a folder (the site needs st/docs/journeys)",
    ),
    Case(
        "docs/journeys is a file",
        lambda d: (d / "st" / "docs").mkdir(parents=True) or (d / "st/docs/journeys").touch(),
        "st",
        "st/docs/journeys: is a file; expected a folder (the site needs st/docs/journeys)",
    ),
    Case(
        "docs/assets is a file",
        lambda d: (d / "st" / "docs").mkdir(parents=True) or (d / "st/docs/assets").touch(),
        "st",
        "st/docs/assets: is a file; expected a folder (the site needs st/docs/assets/cxkit)",
    ),
    Case(
        "out is a dangling symlink",
        lambda d: os.symlink("nowhere", d / "st"),
        "st",
        "st: is a symbolic link to nowhere, which does not exist; expected a folder "
        "(create the link's target first)",
    ),
    Case(
        "out name too long",
        _nothing,
        "s" * 256,
        f"{'s' * 256}: the file name is 256 bytes long; expected at most 255 bytes "
        "(the file system's limit)",
    ),
    Case(
        "out is a named pipe",
        lambda d: os.mkfifo(d / "st"),
        "st",
        "`out_dir` 'st' exists and is not a folder",
    ),
    Case(
        "out is a file",
        _file("st"),
        "st",
        "`out_dir` 'st' exists and is not a folder",
    ),
]


@pytest.mark.parametrize("case", SITE, ids=[c.name for c in SITE])
def test_site_refused_with_an_exact_message(case, here):
    case.setup(here)
    result = CliRunner().invoke(cli, ["site", "billing_inquiry", "--out", case.path])
    assert result.exit_code == 1
    assert result.stderr == f"cxkit: error: {case.message}\n"


@pytest.mark.parametrize(
    ("out", "cwd", "site_dir"),
    [
        ("st", ".", "st/site"),
        ("st/", ".", "st/site"),
        ("../st", "sub", "../st/site"),
        ("{abs}/st/", "sub", "{abs}/st/site"),
    ],
)
def test_site_build_goes_where_it_says(out, cwd, site_dir, here, monkeypatch):
    """``site --out st --build`` builds into ``st/site`` (not ``st/st/site``) and
    prints that path, relative or absolute, from any working folder."""
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        target = Path(cmd[cmd.index("-d") + 1])
        target.mkdir(parents=True)
        (target / "index.html").write_text("ok")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    (here / "sub").mkdir()
    monkeypatch.chdir(here / cwd)
    monkeypatch.setattr(_site, "_has_module", lambda name: True)
    monkeypatch.setattr(_site.subprocess, "run", fake_run)
    out, site_dir = out.format(abs=here), site_dir.format(abs=here)
    result = CliRunner().invoke(site_command, ["billing_inquiry", "--out", out, "--build"])
    assert result.exit_code == 0, result.output
    cmd = calls[0]
    assert Path(cmd[cmd.index("-d") + 1]).is_absolute()
    assert Path(cmd[cmd.index("-d") + 1]).resolve() == (here / "st" / "site").resolve()
    assert Path(cmd[cmd.index("-f") + 1]).resolve() == (here / "st" / "mkdocs.yml").resolve()
    assert result.output.splitlines()[-1] == f"built {Path(site_dir) / 'index.html'}"
    assert (Path(site_dir) / "index.html").read_text() == "ok"
    assert not (here / "st" / "st").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["new", "-t", "billing_inquiry", NAME_256[:-3] + ".yml"],
        ["discover", str(examples_dir() / "retail_omnichannel.csv"), "-o", NAME_256[:-3] + ".yml"],
    ],
    ids=["new", "discover"],
)
def test_new_and_discover_check_the_path_before_work(args, here):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"cxkit: error: {NAME_256[:-3]}.yml: the file name is 257 bytes long; "
        "expected at most 255 bytes (the file system's limit)\n"
    )
    assert _entries(here) == []
