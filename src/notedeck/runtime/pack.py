"""The store's entries packed in one file, ``OUT_DIR/.cache/pack``: one read per build.

A no-change rebuild of a 13,000-note vault spent a third of its time opening one cache file
per note.  Git met the same cost with packfiles; this is the small version: a header (the
store's salt and, per entry, its key, offset and length) and then the entries' bytes, back to
back.  Reading maps the whole file in one ``read`` and decodes an entry only when it is asked
for; writing copies the entries that are still live (old ones as slices of the old file, so
no second copy is made) and the new ones to a temp file that replaces the pack.

A pack of another salt (other settings or another notedeck) is dropped unread: its entries'
keys could not match anyway.  A torn or foreign file reads as empty, never as an error.
"""

from __future__ import annotations

import marshal
import os
import struct
import tempfile
from collections.abc import Mapping
from pathlib import Path

MAGIC = b"notedeck-pack 1\n"
_LENGTH = struct.Struct("<Q")


class Pack:
    """The entries of the last build: ``get(key)`` gives an entry's bytes or None."""

    def __init__(self, path: Path, salt: str):
        self.path, self.salt = path, salt
        self._data = memoryview(b"")
        self._where: dict[str, tuple[int, int]] = {}
        try:
            with open(path, "rb") as handle:
                buffer = handle.read()
        except OSError:
            return
        self._where, self._data = _index(buffer, salt)

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def keys(self):
        return self._where.keys()

    def get(self, key: str) -> memoryview | None:
        where = self._where.get(key)
        return None if where is None else self._data[where[0] : where[0] + where[1]]

    def write(self, entries: Mapping[str, bytes | memoryview]) -> None:
        """Replace the pack with ``entries`` (key → bytes), atomically (temp file + rename)."""
        rows, offset = [], 0
        for key, data in entries.items():
            rows.append((key, offset, len(data)))
            offset += len(data)
        header = marshal.dumps((self.salt, rows))
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + _LENGTH.pack(len(header)) + header)
                for data in entries.values():
                    handle.write(data)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _index(buffer: bytes, salt: str) -> tuple[dict[str, tuple[int, int]], memoryview]:
    """(key → (offset, length), the entries' bytes) of a pack of this salt, else empty."""
    start = len(MAGIC) + _LENGTH.size
    if not buffer.startswith(MAGIC) or len(buffer) < start:
        return {}, memoryview(b"")
    (length,) = _LENGTH.unpack_from(buffer, len(MAGIC))
    try:
        stored_salt, rows = marshal.loads(memoryview(buffer)[start : start + length])
        if stored_salt != salt:
            return {}, memoryview(b"")
        data = memoryview(buffer)[start + length :]
        where = {key: (offset, size) for key, offset, size in rows}
    except (ValueError, EOFError, TypeError):
        return {}, memoryview(b"")
    if any(offset + size > len(data) for offset, size in where.values()):
        return {}, memoryview(b"")  # a torn file: the header names bytes that are not there
    return where, data
