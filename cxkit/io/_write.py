"""Writing output files: atomically for regular files, as a stream for special files.

Every cxkit writer (journeys, initiatives files, every export format, the MkDocs
site, the example data) ends here. What happens depends on what the path names:

* **a regular file, or nothing yet**: the bytes go to a temporary file beside the
  destination (``.<name>.cxkit<pid>.<random>.tmp``), are flushed to disk and renamed
  over it — the destination is the old file or the new one, never a mix. A save
  killed with ``kill -9`` leaves its temporary file behind; the next save to the
  same destination removes it (its process is gone).
* **a symbolic link**: followed. The file the link points to is replaced
  atomically (as above, in the target's folder) and the link stays a link; a
  dangling link creates its target. Editors such as Vim and Emacs do the same.
* **a named pipe (FIFO), a character device** (``/dev/null``, a terminal) **or
  ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``**: written as a
  stream, in place; the special file is never replaced. A pipe that no process
  reads is refused at once instead of blocking.
* **a folder, a block device or a socket**: refused.

Every failure is a :class:`~cxkit.core.errors.CxkitError` naming the path, what is
wrong and what was expected; no ``OSError`` escapes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import Literal

from cxkit.core.errors import CxkitError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "encode_text",
    "is_stream_target",
    "output_kind",
]

#: What a path names, as a writer sees it (:func:`output_kind`).
OutputKind = Literal["absent", "file", "folder", "stream", "other"]

#: How much of the destination's name a temporary file's name keeps (UTF-8 bytes).
TMP_NAME_BYTES = 64

#: File-name limit assumed when the file system does not say (bytes; Linux, macOS).
DEFAULT_NAME_MAX = 255

_STD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]{1,9})")
_TMP_NAME = re.compile(r"\.(?P<stem>.*)\.cxkit(?P<pid>[0-9]+)\.[^.]+\.tmp")


def _reason(exc: OSError) -> str:
    """The system's words for an ``OSError`` (``strerror``, else its text)."""
    return exc.strerror or str(exc)


def _fail(path: os.PathLike[str] | str, what: str, expected: str) -> CxkitError:
    return CxkitError(f"{os.fspath(path)}: {what}; expected {expected}")


def _std_fd(target: Path) -> int | None:
    """The descriptor ``target`` names (``/dev/stdout``, ``/dev/fd/3``…), else ``None``."""
    text = os.path.normpath(os.fspath(target))
    if text in _STD_STREAMS:
        return _STD_STREAMS[text]
    match = _FD_PATH.fullmatch(text)
    return int(match.group(1)) if match else None


def _stat(target: Path) -> os.stat_result | None:
    """``stat`` of what ``target`` names (links followed); ``None`` if nothing is there."""
    try:
        return os.stat(target)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None  # a parent is a file: reported with the folder checks
    except OSError as exc:
        raise _fail(
            target, f"cannot look at the path: {_reason(exc)}", "a path to a file"
        ) from None


def _kind(mode: int) -> str:
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def is_stream_target(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is written as a stream: a named pipe, a character device,
    ``/dev/stdout``/``/dev/stderr`` or ``/dev/fd/N`` (links followed).

    Examples
    --------
    >>> is_stream_target("/dev/null"), is_stream_target("/dev/stdout")
    (True, True)
    >>> import tempfile, pathlib
    >>> is_stream_target(pathlib.Path(tempfile.mkdtemp()) / "map.md")
    False
    """
    target = Path(os.fspath(path))
    if _std_fd(target) is not None:
        return True
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def output_kind(path: str | os.PathLike[str]) -> OutputKind:
    """What a writer would find at ``path``: ``"absent"``, ``"file"``, ``"folder"``,
    ``"stream"`` (a pipe, a character device, ``/dev/stdout``) or ``"other"`` (a
    socket, a block device). Links are followed. A path no writer can use (a NUL,
    a name too long, a symlink loop) is a :class:`CxkitError`, never an ``OSError``.

    Examples
    --------
    >>> output_kind("/dev/stdout"), output_kind("/"), output_kind("/no/such/file")
    ('stream', 'folder', 'absent')
    """
    target = Path(os.fspath(path))
    _check_nul(target)
    if _std_fd(target) is not None:
        return "stream"
    _check_name(target, target.name)
    info = _stat(target)
    if info is None:
        return "absent"
    if stat.S_ISREG(info.st_mode):
        return "file"
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
        return "stream"
    return "other"


def _check_nul(target: Path) -> None:
    if "\x00" in os.fspath(target):
        raise _fail(
            repr(os.fspath(target)), "the path contains a NUL character", "a path without NUL"
        )


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path``: atomically to a regular file, as a stream to a pipe,
    a character device or ``/dev/stdout`` (see the module's notes).

    A regular file is complete or absent, never partial: ``data`` goes to a
    temporary file beside it, is flushed to disk and renamed over it. An existing
    file keeps its permissions; a new one gets ``0o644``. A symbolic link is
    followed: its target is replaced and the link kept.

    Raises
    ------
    CxkitError
        Naming the path, what is wrong (a folder, a missing folder, a name too long
        for the file system, a pipe nobody reads, a read-only place…) and what was
        expected.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> atomic_write_bytes(d / "x.bin", b"\\x00\\x01").read_bytes()
    b'\\x00\\x01'
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CxkitError(f"`data` must be bytes, got {type(data).__name__}")
    target = Path(os.fspath(path))
    _check_nul(target)
    fd = _std_fd(target)
    if fd is not None:
        _write_descriptor(target, fd, bytes(data))
        return target
    _check_name(target, target.name)
    info = _stat(target)
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise _fail(target, "is a folder", "the path of a file (a name inside the folder)")
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
            _write_special(target, bytes(data), fifo=stat.S_ISFIFO(info.st_mode))
            return target
        raise _fail(
            target,
            f"is {_kind(info.st_mode)}",
            "a regular file, a named pipe or a character device",
        )
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o644
    _replace(target, real, bytes(data), mode)
    return target


def atomic_write_text(target: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``target`` (see :func:`atomic_write_bytes`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "a.md", "日本")
    >>> p.read_text(encoding="utf-8")
    '日本'
    """
    return atomic_write_bytes(target, encode_text(target, text))


def encode_text(target: str | os.PathLike[str], text: str) -> bytes:
    """``text`` as UTF-8; a :class:`CxkitError` naming ``target`` for a lone surrogate.

    Examples
    --------
    >>> encode_text("a.md", "日本")
    b'\\xe6\\x97\\xa5\\xe6\\x9c\\xac'
    """
    if not isinstance(text, str):
        raise CxkitError(f"`text` must be a str, got {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise _fail(
            target,
            f"cannot encode {bad!r} at character {exc.start} as UTF-8",
            "text without lone surrogates",
        ) from None


# -- regular files -------------------------------------------------------------------------
def _name_max(directory: Path) -> int:
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return DEFAULT_NAME_MAX


def _check_folder(target: Path, real: Path) -> Path:
    directory = real.parent if str(real.parent) else Path(".")
    info = _stat(directory)
    if info is None:
        if any(p.exists() and not p.is_dir() for p in directory.parents):
            blocker = next(p for p in reversed(directory.parents) if p.exists() and not p.is_dir())
            raise _fail(target, f"{blocker} is not a folder", "an existing folder")
        raise CxkitError(f"{target}: folder {directory} does not exist")
    if not stat.S_ISDIR(info.st_mode):
        raise _fail(target, f"{directory} is not a folder", "an existing folder")
    _check_name(target, real.name, directory)
    return directory


def _check_name(target: Path, name: str, directory: Path | None = None) -> None:
    """Refuse a file name longer than the file system takes (``PC_NAME_MAX``)."""
    if directory is None:
        directory = next((p for p in target.absolute().parents if p.is_dir()), Path("/"))
    limit = _name_max(directory)
    size = len(os.fsencode(name))
    if size > limit:
        raise _fail(
            target,
            f"the file name is {size} bytes long",
            f"at most {limit} bytes (the file system's limit)",
        )


def _tmp_prefix(name: str) -> str:
    """``.<start of name>.cxkit<pid>.``: short enough for any legal ``name``."""
    stem, size = [], 0
    for char in name:
        size += len(char.encode("utf-8", "surrogateescape"))
        if size > TMP_NAME_BYTES:
            break
        stem.append(char)
    return f".{''.join(stem)}.cxkit{os.getpid()}."


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _sweep(directory: Path, name: str) -> None:
    """Remove the temporary files that killed saves of ``name`` left in ``directory``."""
    stem = _tmp_prefix(name)[1:].rsplit(".cxkit", 1)[0]
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = _TMP_NAME.fullmatch(entry.name)
        if match and match["stem"] == stem and not _alive(int(match["pid"])):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _replace(target: Path, real: Path, data: bytes, mode: int) -> None:
    directory = _check_folder(target, real)
    _sweep(directory, real.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(real.name), suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _fail(
            target,
            f"cannot create a file in {directory}: {_reason(exc)}",
            "a folder where files can be created",
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, real)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _fail(
                target, f"cannot write: {_reason(exc)}", "a writable file on a disk with space"
            ) from None
        raise
    _sync_folder(directory)


def _sync_folder(directory: Path) -> None:
    """Flush the rename to disk (best effort: some file systems refuse)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- streams -------------------------------------------------------------------------------
def _write_all(target: Path, fd: int, data: bytes) -> None:
    view, done = memoryview(data), 0
    try:
        while done < len(view):
            done += os.write(fd, view[done:])
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise _fail(
                target,
                f"the reader closed the stream after {done} of {len(data)} bytes",
                "a reader that reads the whole output",
            ) from None
        raise _fail(target, f"cannot write: {_reason(exc)}", "a writable stream") from None


def _write_descriptor(target: Path, fd: int, data: bytes) -> None:
    """Write to an open descriptor (``/dev/stdout`` → 1) as a shell redirection would."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            if stream is not None and stream.fileno() == fd:
                stream.flush()
    try:
        os.fstat(fd)
    except OSError:
        raise _fail(target, f"descriptor {fd} is not open", "an open output stream") from None
    _write_all(target, fd, data)


def _write_special(target: Path, data: bytes, *, fifo: bool) -> None:
    """Open a named pipe or a character device in place (never created, never
    truncated by replacement) and write ``data`` to it."""
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        if fifo and exc.errno == errno.ENXIO:
            raise _fail(
                target,
                "is a named pipe that no process is reading",
                "a reader on the pipe (start it first)",
            ) from None
        raise _fail(target, f"cannot open: {_reason(exc)}", "a writable stream") from None
    try:
        os.set_blocking(fd, True)
        _write_all(target, fd, data)
    finally:
        os.close(fd)
