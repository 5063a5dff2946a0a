"""Find note files, decode them, split front matter, and tell which book each belongs to.

Problems with one file are collected as NoteError values rather than raised, so one broken file
never stops the other notes from building.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from .config import (
    BOOK_FILE_NAME,
    Config,
    parse_book,
    parse_file_options,
    parse_yaml_mapping,
    read_yaml_mapping,
)
from .errors import ConfigError, NoteError, NotedeckError
from .model import Book, FileOptions, SourceFile

NOTE_SUFFIXES = (".md", ".markdown")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


def find_notes(notes_dir: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every markdown file under ``notes_dir``, sorted, skipping hidden folders and symlink loops."""
    if not notes_dir.exists():
        raise ConfigError("notes folder does not exist", notes_dir)
    if not notes_dir.is_dir():
        raise ConfigError("notes path is not a folder", notes_dir)
    excluded = {p.resolve() for p in exclude if p.exists()}
    found = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(notes_dir, followlinks=True):
        root_path = Path(root)
        stat = root_path.stat()
        if (stat.st_dev, stat.st_ino) in seen or root_path.resolve() in excluded:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(NOTE_SUFFIXES) and not name.startswith("."):
                found.append(root_path / name)
    return sorted(found, key=lambda p: p.relative_to(notes_dir).as_posix())


def read_notes(config: Config) -> tuple[list[SourceFile], list[NotedeckError]]:
    files, errors = [], []
    book_files: dict[Path, Book | None] = {}
    for path in find_notes(config.notes_dir, (config.out_dir,)):
        try:
            files.append(read_note(path, config, book_files))
        except NotedeckError as exc:
            errors.append(exc)
    return files, errors


def read_note(path: Path, config: Config, book_files: dict[Path, Book | None] | None = None) -> SourceFile:
    rel = path.relative_to(config.notes_dir).as_posix()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NoteError(rel, "file disappeared while building") from None
    except OSError as exc:
        raise NoteError(rel, f"cannot read ({exc.strerror})") from None
    text = decode(raw, rel)
    meta, body, body_line = split_front_matter(text, rel)
    folder_book = book_for_folder(path.parent, config, {} if book_files is None else book_files)
    book = _meta_str(meta, "book", rel) or (folder_book.title if folder_book else None)
    chapter = _meta_str(meta, "chapter", rel)
    options = parse_file_options(meta.get("notedeck"), rel, 2) if "notedeck" in meta else FileOptions()
    if "tags" in meta:
        extra = meta["tags"] if isinstance(meta["tags"], list) else str(meta["tags"]).split()
        options = FileOptions(options.skip, options.tags + tuple(str(t).lstrip("#") for t in extra),
                              options.extractors, options.reverse_definitions)
    return SourceFile(path, rel, body, body_line, book, chapter, options)


def decode(raw: bytes, rel: str) -> str:
    """UTF-8 (with or without BOM); anything else is a NoteError naming the first bad line."""
    if b"\x00" in raw[:8192]:
        raise NoteError(rel, "looks like a binary file, not markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NoteError(rel, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8", line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, rel: str) -> tuple[dict, str, int]:
    """(front matter mapping, body, 1-based line number of the body's first line)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    meta = parse_yaml_mapping(match.group(1), rel, first_line=2)
    # Other tools' keys (aliases, date, …) are allowed; only the notedeck: block is validated.
    consumed = text[: match.end()]
    body_line = consumed.count("\n") + 1
    return meta, text[match.end() :], body_line


def _meta_str(meta: dict, key: str, rel: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise NoteError(rel, f"front matter '{key}' must be text, not a {type(value).__name__}", 2)
    text = str(value).strip()
    return text or None


def book_for_folder(folder: Path, config: Config, cache: dict[Path, Book | None]) -> Book | None:
    """The book named by the nearest ``book.yaml`` between ``folder`` and the notes root."""
    if folder in cache:
        return cache[folder]
    book = None
    candidate = folder / BOOK_FILE_NAME
    if candidate.is_file():
        data = read_yaml_mapping(candidate)
        if "book" in data and "title" not in data:
            data["title"] = data.pop("book")
        book = parse_book(data, candidate)
    elif folder != config.notes_dir and config.notes_dir in folder.parents:
        book = book_for_folder(folder.parent, config, cache)
    cache[folder] = book
    return book


def book_files(config: Config) -> Iterator[Book]:
    """Books declared by ``book.yaml`` files (their aliases and chapter titles count too)."""
    for path in sorted(config.notes_dir.rglob(BOOK_FILE_NAME)):
        try:
            yield parse_book(_book_data(path), path)
        except NotedeckError:
            continue


def _book_data(path: Path) -> dict:
    data = read_yaml_mapping(path)
    if "book" in data and "title" not in data:
        data["title"] = data.pop("book")
    return data
