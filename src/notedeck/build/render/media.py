"""Images referenced by a card: found inside the notes root only, packed under unique names.

A note may point at ``images/x.png`` (relative to the note or the notes root) or, Obsidian style,
just ``x.png`` anywhere in the vault.  Absolute paths and ``../`` paths that leave the notes root
are refused, so building a deck can never pack an arbitrary file from the machine into it.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote


@dataclass(frozen=True)
class MediaContext:
    """Where a card's images may come from: the notes root and the note's own folder."""

    notes_dir: Path
    note_dir: Path


@dataclass(frozen=True)
class Located:
    """The file an image reference resolves to, or why it does not resolve."""

    path: Path | None
    problem: str = ""


def locate(src: str, media: MediaContext) -> Located:
    """Resolve an image reference; ``problem`` says what is wrong when it cannot be used."""
    src = src.strip().strip("<>")
    if not src:
        return Located(None, "image has no path")
    # markdown-it percent-encodes link targets; macOS may store names decomposed (NFD).
    candidates = dict.fromkeys(
        unicodedata.normalize(form, name) for name in (src, unquote(src)) for form in ("NFC", "NFD")
    )
    if any(c.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", c) for c in candidates):
        return Located(
            None, f"image path is absolute, refused (use a path inside the notes folder): {src}"
        )
    root = media.notes_dir.resolve()
    for name in candidates:
        primary = (media.note_dir / name).resolve()
        if not _inside(primary, root):
            return Located(None, f"image path leaves the notes folder, refused: {src}")
        for candidate in (primary, (media.notes_dir / name).resolve()):
            if _inside(candidate, root) and candidate.is_file():
                return Located(candidate)
    for name in candidates:
        if "/" not in name and "\\" not in name:
            found = _by_name(root, name)
            if found is not None:
                return Located(found)
    return Located(None, f"image not found: {src}")


def _inside(path: Path, root: Path) -> bool:
    return root in path.parents


_INDEX: dict[Path, dict[str, Path]] = {}


def _by_name(root: Path, name: str) -> Path | None:
    """Obsidian finds a bare file name anywhere in the vault: the vault is walked once per
    process (a walk per missing image made a vault with many of them quadratic), and again
    only when a file it found has gone."""
    name = unicodedata.normalize("NFC", name)
    index = _INDEX.get(root)
    if index is None:
        index = _INDEX[root] = _files_by_name(root)
    found = index.get(name)
    if found is not None and not found.is_file():
        index = _INDEX[root] = _files_by_name(root)
        found = index.get(name)
    return found


def clear_media_index() -> None:
    """Forget the walks (a long-running process, such as ``--watch``, calls this per build)."""
    _INDEX.clear()


def _files_by_name(root: Path) -> dict[str, Path]:
    """File name → its first path (sorted walk) inside ``root``, hidden folders left out; a
    folder whose real path leaves ``root`` (a symbolic link) is not entered."""
    index: dict[str, Path] = {}
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = Path(os.path.realpath(folder))
        if real != root and root not in real.parents:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            path = real / file
            if os.path.islink(path):  # a linked file counts only if it stays inside
                path = Path(os.path.realpath(path))
                if root not in path.parents:
                    continue
            index.setdefault(unicodedata.normalize("NFC", file), path)
    return index


def media_name(path: Path) -> str:
    """Unique, stable media file name: two different images never share a name in Anki.

    The name is NFC-normalised and keeps only letters, digits, ``.``, ``_`` and ``-``: Anki
    renames other media names on import (which would break the card's reference), and ``#`` or
    ``%`` would be misread in an ``src`` URL.
    """
    stat = path.stat()
    return _media_name(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _media_name(path: Path, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:8]
    name = re.sub(r"[^\w.\-]+", "-", unicodedata.normalize("NFC", path.name))
    name = re.sub(r"(?<!-)-++(?=\.)", "", name).strip("-.") or "image"  # a run tried once
    return f"notedeck-{digest}-{name}"
