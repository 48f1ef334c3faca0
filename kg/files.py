"""Writing output files whole or not at all."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: str | os.PathLike, chunks: Iterable[str]) -> int:
    """Write the text chunks to `path`; returns how many were written.

    Written to a temporary file in the target folder and renamed over the target, so a crash,
    an error while producing the chunks or a second writer leaves either the old file or a
    complete new one, never half.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=path.parent,
                                     prefix=f".{path.name}.", suffix=".tmp", delete=False) as tmp:
        try:
            count = 0
            for chunk in chunks:
                tmp.write(chunk)
                count += 1
            tmp.flush()
            os.fsync(tmp.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp.name, 0o666 & ~umask)  # an ordinary file, not the temp file's private 0600
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    os.replace(tmp.name, path)
    return count
