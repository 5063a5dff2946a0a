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

IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".svg",
    ".bmp",
    ".avif",
    ".apng",
    ".ico",
    ".tif",
    ".tiff",
)


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


def is_image_name(name: str) -> bool:
    return name.lower().rsplit("#", 1)[0].endswith(IMAGE_SUFFIXES)


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
    """Obsidian finds a bare file name anywhere in the vault: one walk, cached, redone on a miss."""
    name = unicodedata.normalize("NFC", name)
    found = _INDEX.get(root, {}).get(name)
    if found is not None and found.is_file():
        return found
    index: dict[str, Path] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            path = Path(folder, file).resolve()
            if root in path.parents:
                index.setdefault(unicodedata.normalize("NFC", file), path)
    _INDEX[root] = index
    return index.get(name)


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
    name = re.sub(r"-+(?=\.)", "", name).strip("-.") or "image"
    return f"notedeck-{digest}-{name}"
