"""Atomic file output: a reader sees the old file or the complete new one, never half.

Every writer of outputs (JSON reports, error records, flat Q&A tables) goes through
``atomic_file``: write to a temp file in the target's folder, fsync it, rename it over
the target, fsync the folder so the rename itself survives a crash.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# mkstemp creates 0600 files; outputs get the mode a plain open() would give them.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK
TEMP_SUFFIX = ".tmp"


def _fsync(path: Path) -> None:
    # Not every platform lets us open a directory; the rename is still atomic there.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_file(path: Path | str) -> Iterator[Path]:
    """Yield a temp path beside ``path``; when the block succeeds it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync(path.parent)


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8, "\\n" line ends) so that it is either fully there or untouched."""
    with atomic_file(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return Path(path)
