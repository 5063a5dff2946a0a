"""Notes-relative paths, the name every card, cache entry and message gives a note."""

from __future__ import annotations

import os
from pathlib import Path


def rel_path(path: Path, notes_dir: Path) -> str:
    """``path.relative_to(notes_dir).as_posix()``, for the paths the walk made (``notes_dir``
    joined with names), without pathlib's parsing: called once or twice per note."""
    text, root = str(path), str(notes_dir)
    if os.sep == "/" and text.startswith(root + "/"):
        return text[len(root) + 1 :]
    return path.relative_to(notes_dir).as_posix()
