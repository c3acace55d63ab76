"""A folder's PDFs, read the same way by every entry point (``run``, ``inbox``, ``serve``).

An inbox is written by others, so anything can be in it: a symlink loop, a link to
nothing or leading out of the folder, a FIFO, an entry that cannot be looked at, a name
whose bytes are not UTF-8. Each such entry is skipped with one line saying why, and
the rest of the folder is read; nothing here raises for one entry. Hidden files are
skipped silently (uploaders write them while a copy is in progress); the scan is not
recursive.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from extractors.source import display_name

OUTSIDE_LINK = "symlink leading outside the folder; not followed (--follow-symlinks)"
LINK_LOOP = "symlink loop; skipped"
DANGLING_LINK = "symlink to nothing; skipped"
NOT_A_FILE = "not a regular file; skipped"


@dataclass
class FolderScan:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (display name, why)


def folder_pdfs(folder: Path, follow_symlinks: bool = False) -> FolderScan:
    """The ``*.pdf`` files of ``folder`` by name (any case), and the entries skipped.

    A symlink is followed when it stays inside the folder, or with ``follow_symlinks``.
    Raises OSError only when the folder itself cannot be listed."""
    inside = folder.resolve()
    scan = FolderScan()
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() != ".pdf":
            continue
        if why := _why_skipped(path, inside, follow_symlinks):
            scan.skipped.append((display_name(path.name), why))
        else:
            scan.files.append(path)
    return scan


def _why_skipped(path: Path, inside: Path, follow_symlinks: bool) -> str | None:
    try:
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:
                return DANGLING_LINK
            except (RuntimeError, OSError):  # a loop: RuntimeError before Python 3.13, ELOOP after
                return LINK_LOOP
            if not follow_symlinks and not target.is_relative_to(inside):
                return OUTSIDE_LINK
        if not stat.S_ISREG(path.stat().st_mode):
            return NOT_A_FILE
    except FileNotFoundError:  # removed while we looked
        return DANGLING_LINK if path.is_symlink() else NOT_A_FILE
    except OSError as exc:
        return f"cannot be looked at ({exc.strerror or type(exc).__name__}); skipped"
    return None
