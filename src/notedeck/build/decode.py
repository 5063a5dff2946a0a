"""A note's bytes and text: read regular files only, up to a cap, and decode them.

Kept apart from ``read`` (which decides books and chapters) because this is where hostile
files are met: a FIFO or a device named ``x.md`` must never block or flood the build, a 1 GB
export must fail with one line, and a note saved as UTF-16 by Windows Notepad must not be
mistaken for a binary file.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from notedeck.errors import NoteError

STRAY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # in note text; tab/newline/\v/\f kept
SURROGATE = re.compile("[\ud800-\udfff]")  # an undecodable byte of a file name
BINARY_SNIFF = 8192  # bytes checked for NUL: a text file's start, cheap even for 20 MB

MAX_NOTE_BYTES = 32 * 1024 * 1024  # a note bigger than this is an export or a data dump


def read_bytes(path: Path, rel: str) -> bytes:
    """The file's bytes: a regular file only (never a FIFO or a device), at most the cap."""
    try:
        # O_NONBLOCK: opening a FIFO that replaced the note since the walk never waits for a
        # writer (for a regular file the flag changes nothing).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", buffering=0) as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(info.st_mode):
                raise NoteError(rel, "is not a regular file (a FIFO or a device?); skipped")
            raw = handle.read(MAX_NOTE_BYTES + 1)
    except FileNotFoundError:
        if path.is_symlink():
            raise NoteError(rel, "broken symbolic link (its target does not exist)") from None
        raise NoteError(rel, "file disappeared while building") from None
    except IsADirectoryError:
        raise NoteError(rel, "is a folder, not a note file") from None
    except OSError as exc:
        raise NoteError(rel, f"cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_NOTE_BYTES:
        limit = MAX_NOTE_BYTES // (1024 * 1024)
        raise NoteError(rel, f"is over {limit} MB, too big for a note; split it or ignore it")
    return raw


UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(raw: bytes, rel: str) -> str:
    """UTF-8 (with or without BOM), or UTF-16 with its BOM (what Windows Notepad and some
    exporters save: its NUL bytes must not make it look binary); anything else is a NoteError
    naming the first bad line."""
    encoding = next((enc for bom, enc in UTF16_BOMS if raw.startswith(bom)), None)
    if encoding is not None:
        try:
            return _clean_text(raw[2:].decode(encoding))
        except UnicodeDecodeError:
            pass  # a UTF-16 mark but not UTF-16: reported below as not UTF-8, its first byte
    if b"\x00" in raw[:BINARY_SNIFF]:
        raise NoteError(rel, "looks like a binary file, not markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NoteError(
            rel, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8", line
        ) from None
    return _clean_text(text)


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters are never content, and one of them (\x1f) is Anki's field separator:
    # left in, a single note made Anki refuse the whole deck ("note has 5 fields, expected 4").
    return STRAY_CONTROL.sub("", text).replace("\v", " ").replace("\f", " ")
