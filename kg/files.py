"""Files and folders written whole or not at all, the locks that keep two writers apart, and the cache folder.

- `atomic_text`/`write_atomic`: a file is written to a temporary name beside it and renamed over it.
- `replacing_folder`: a build folder is written as a fresh temporary folder beside it and swapped in with one
  rename (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, the folder absent in between, never mixed).
- `exclusive`: an advisory `fcntl.flock` on a lock file; the kernel drops it when its process dies (even by
  SIGKILL), so a crashed run never leaves a stale lock.  The holder's pid is written into the file for messages.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO


def cache_dir() -> Path:
    """Where kg keeps what it obtains or learns between runs (the pkuseg model, load locks): $KG_CACHE."""
    return Path(os.environ.get("KG_CACHE") or Path.home() / ".cache" / "kg")


@contextlib.contextmanager
def atomic_text(path: str | os.PathLike) -> Iterator[TextIO]:
    """A text file to write `path` through: opened now beside `path` (so an unwritable place fails before any
    work), fsynced and renamed over `path` when the block ends, removed if it raises.  A crash, an error or a
    second writer leaves either the old file or a complete new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=path.parent,
                                      prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with tmp:
            yield tmp
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp.name, 0o666 & ~_umask())  # an ordinary file, not the temp file's private 0600
        os.replace(tmp.name, path)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike, chunks: Iterable[str]) -> int:
    """Write the text chunks to `path` through `atomic_text`; returns how many were written."""
    count = 0
    with atomic_text(path) as out:
        for chunk in chunks:
            out.write(chunk)
            count += 1
    return count


class Busy(RuntimeError):
    """Another process holds the lock; `pid` is the holder's, when it wrote it."""

    def __init__(self, path: Path, pid: int | None):
        super().__init__(f"{path} is locked by process {pid}")
        self.path, self.pid = path, pid


def _holder(handle) -> int | None:
    handle.seek(0)
    text = handle.read().strip()
    return int(text) if text.isdigit() else None


_held: dict[Path, int] = {}  # lock files this process holds, and how deeply


@contextlib.contextmanager
def exclusive(lock_file: Path, *, wait: bool = False, on_wait: Callable[[int | None], None] | None = None
              ) -> Iterator[None]:
    """Hold an advisory lock on `lock_file` for the block (re-entrant within a process).  Raises Busy at once when
    another process holds it, or with wait=True blocks until it is free (calling `on_wait(holder pid)` first)."""
    lock_file = lock_file.absolute()
    if lock_file in _held:
        _held[lock_file] += 1
        try:
            yield
        finally:
            _held[lock_file] -= 1
        return
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise Busy(lock_file, _holder(handle)) from None
            if on_wait:
                on_wait(_holder(handle))
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _held[lock_file] = 1
        try:
            yield
        finally:
            del _held[lock_file]
            fcntl.flock(handle, fcntl.LOCK_UN)


def folder_lock(target: str | os.PathLike) -> contextlib.AbstractContextManager[None]:
    """The lock of a folder that is replaced whole (`replacing_folder`): a hidden file beside it, Busy at once."""
    target = Path(target)
    return exclusive(target.parent / f".{target.name}.lock")


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic rename (Linux renameat2); False where the system or filesystem cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _siblings(target: Path, kind: str) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.{kind}-*"))


@contextlib.contextmanager
def replacing_folder(target: str | os.PathLike) -> Iterator[Path]:
    """A fresh temporary folder beside `target` to write a whole new `target` in, under `exclusive` (Busy at once
    if another process is writing it).  When the block ends the temporary folder replaces `target` in one rename;
    if it raises, `target` is untouched and the temporary folder removed.  Leftovers of a killed run (found
    only while holding the lock, so they are nobody's) are removed first."""
    target = Path(target)
    with folder_lock(target):
        if not target.exists():  # killed between the two renames of the fallback: the old build comes back
            for backup in _siblings(target, "old")[-1:]:
                backup.rename(target)
        for leftover in _siblings(target, "building") + _siblings(target, "old"):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.building-"))
        try:
            yield staging
            os.chmod(staging, 0o777 & ~_umask())  # an ordinary folder, not mkdtemp's private 0700
            if not target.exists():
                staging.rename(target)
            elif _exchange(staging, target):
                shutil.rmtree(staging)  # now the old build
            else:
                backup = target.parent / f".{target.name}.old-{time.time_ns()}"
                target.rename(backup)
                staging.rename(target)
                shutil.rmtree(backup)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
