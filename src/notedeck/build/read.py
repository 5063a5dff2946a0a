"""Find note files, decode them, split front matter, and tell which book each belongs to.

Problems with one file are collected rather than raised, so one broken file never stops the other
notes from building; ``Reading.failed`` lists every note that could not be read so the build can
carry its cards over from the last successful build instead of reporting them removed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from notedeck.config import (
    BOOK_FILE_NAME,
    Config,
    load_yaml,
    parse_book,
    parse_file_options,
    parse_yaml_mapping,
    read_yaml_mapping,
)
from notedeck.errors import ConfigError, NotedeckError, NoteError
from notedeck.model import Book, FileOptions, Problem, SourceFile

NOTE_SUFFIXES = (".md", ".markdown")
FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE
)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never part of a book title, deck or file name
STRAY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # in note text; tab/newline/\v/\f kept
BINARY_SNIFF = 8192  # bytes checked for NUL: a text file's start, cheap even for 20 MB


@dataclass(frozen=True)
class Reading:
    """The notes that could be read, the problems (each reported once), the notes that failed."""

    files: tuple[SourceFile, ...]
    errors: tuple[Problem, ...]
    failed: tuple[str, ...]  # notes-relative paths whose cards must be carried over
    warnings: tuple[Problem, ...] = ()


def find_notes(
    notes_dir: Path, exclude: tuple[Path, ...] = (), problems: list[NotedeckError] | None = None
) -> list[Path]:
    """Every markdown file under ``notes_dir``, sorted, skipping hidden folders and symlink loops.

    A file reachable twice (a symlink to another note, a symlinked folder) is listed once, under
    its first path, so its cards are not built twice.  A folder that cannot be opened is added to
    ``problems`` (when given) and skipped; the rest of the tree is still read.
    """
    if not notes_dir.exists():
        raise ConfigError("notes folder does not exist", notes_dir)
    if not notes_dir.is_dir():
        raise ConfigError("notes path is not a folder", notes_dir)
    excluded = {p.resolve() for p in exclude if p.exists()} - {notes_dir.resolve()}
    found: dict[str, Path] = {}
    seen: set[tuple[int, int]] = set()

    def unreadable(exc: OSError) -> None:
        if problems is not None and not isinstance(exc, FileNotFoundError):
            folder = _relative(Path(exc.filename or notes_dir), notes_dir)
            problems.append(NoteError(folder, f"cannot open folder ({exc.strerror or exc})"))

    for root, dirs, files in os.walk(notes_dir, onerror=unreadable, followlinks=True):
        root_path = Path(root)
        try:
            stat = root_path.stat()
        except OSError:  # deleted or unreadable while walking
            dirs[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in seen or root_path.resolve() in excluded:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.lower().endswith(NOTE_SUFFIXES) and not name.startswith("."):
                path = root_path / name
                found[path.relative_to(notes_dir).as_posix()] = path
    return _read_once(found, notes_dir)


def _read_once(found: dict[str, Path], notes_dir: Path) -> list[Path]:
    """One path per real file, preferring a path that goes through no symlink (dangling or
    looping links resolve to themselves and stay, so read_note can report them)."""
    real = {rel: os.path.realpath(path) for rel, path in found.items()}
    unique: dict[str, Path] = {}
    for rel in sorted(found, key=lambda r: (real[r] != os.path.abspath(found[r]), r)):
        unique.setdefault(real[rel], found[rel])
    return sorted(unique.values(), key=lambda p: p.relative_to(notes_dir).as_posix())


def read_notes(config: Config) -> Reading:
    """Read every note; a bad ``book.yaml`` is reported once and fails the notes it governs."""
    folder_errors: list[NotedeckError] = []
    paths = find_notes(config.notes_dir, (config.out_dir,), folder_errors)
    if not paths and not folder_errors:
        raise ConfigError(
            "no markdown notes (*.md, *.markdown) found in the notes folder", config.notes_dir
        )
    files: list[SourceFile] = []
    errors: dict[str, NotedeckError] = {str(e): e for e in folder_errors}
    # An unlistable folder fails every note under it (books.failed_here matches by prefix).
    failed: list[str] = [str(e.path) for e in folder_errors if isinstance(e, NoteError)]
    book_files: dict[Path, Book | None] = {}
    for path in paths:
        try:
            files.append(read_note(path, config, book_files))
        except NotedeckError as exc:
            errors.setdefault(str(exc), exc)
            failed.append(path.relative_to(config.notes_dir).as_posix())
    return Reading(
        tuple(files),
        tuple(e.problem for e in errors.values()),
        tuple(failed),
        tuple(_shared_books(book_files, config)),
    )


def _shared_books(book_files: dict[Path, Book | None], config: Config) -> Iterator[Problem]:
    """Two folders whose ``book.yaml`` name the same title build into one deck: say so once."""
    owners: dict[str, list[str]] = {}
    for folder, book in book_files.items():
        if book is not None and (folder / BOOK_FILE_NAME).is_file():
            owners.setdefault(book.title, []).append(_rel(folder / BOOK_FILE_NAME, config))
    for title, paths in sorted(owners.items()):
        if len(paths) > 1:
            listed = ", ".join(sorted(paths))
            yield Problem.warning(
                "shared-book",
                f"book {title!r} is declared by {listed}; their notes are built into one deck",
            )


def read_note(
    path: Path, config: Config, book_files: dict[Path, Book | None] | None = None
) -> SourceFile:
    rel = path.relative_to(config.notes_dir).as_posix()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if path.is_symlink():
            raise NoteError(rel, "broken symbolic link (its target does not exist)") from None
        raise NoteError(rel, "file disappeared while building") from None
    except IsADirectoryError:
        raise NoteError(rel, "is a folder, not a note file") from None
    except OSError as exc:
        raise NoteError(rel, f"cannot read ({exc.strerror or exc})") from None
    text = decode(raw, rel)
    meta, body, body_line = split_front_matter(text, rel)
    folder_book = book_for_folder(path.parent, config, {} if book_files is None else book_files)
    book = _meta_str(meta, "book", rel) or (folder_book.title if folder_book else None)
    chapter = _meta_str(meta, "chapter", rel)
    options = (
        parse_file_options(
            meta.get("notedeck"), rel, _key_line(text, "notedeck"), config.extractors
        )
        if "notedeck" in meta
        else FileOptions()
    )
    if meta.get("tags") is not None:
        options = FileOptions(
            options.skip,
            options.tags + _meta_tags(meta["tags"]),
            options.extractors,
            options.reverse_definitions,
        )
    return SourceFile(path, rel, body, body_line, book, chapter, options)


def decode(raw: bytes, rel: str) -> str:
    """UTF-8 (with or without BOM); anything else is a NoteError naming the first bad line."""
    if b"\x00" in raw[:BINARY_SNIFF]:
        raise NoteError(rel, "looks like a binary file, not markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NoteError(
            rel, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8", line
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Control characters are never content, and one of them (\x1f) is Anki's field separator:
    # left in, a single note made Anki refuse the whole deck ("note has 5 fields, expected 4").
    return STRAY_CONTROL.sub("", text).replace("\v", " ").replace("\f", " ")


def split_front_matter(text: str, rel: str) -> tuple[dict, str, int]:
    """(front matter mapping, body, 1-based line number of the body's first line)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    consumed = text[: match.end()]
    body_line = consumed.count("\n") + 1
    closing = body_line - 1 if consumed.endswith("\n") else body_line
    try:
        data = load_yaml(match.group(1), "front matter")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise NoteError(
            rel, f"invalid YAML in the front matter (lines 1-{closing}): {problem}", line
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "plain text"
        raise NoteError(
            rel, f"front matter (lines 1-{closing}) must be 'key: value' lines, not {kind}", 2
        )
    # Other tools' keys (aliases, date, …) are allowed; only the notedeck: block is validated.
    return {str(k): v for k, v in data.items()}, text[match.end() :], body_line


def _key_line(text: str, key: str) -> int:
    """The line of a top-level front matter key, so option errors point at it (else line 2)."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 2


def _meta_str(meta: dict, key: str, rel: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        kind = "a list" if isinstance(value, list) else "a mapping"
        raise NoteError(rel, f"front matter '{key}' must be text, not {kind}", 2)
    text = " ".join(CONTROL.sub(" ", str(value)).split())
    return text or None


def _meta_tags(value) -> tuple[str, ...]:
    """Front matter ``tags:`` as a list or a space/comma separated string (Obsidian allows both)."""
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    return tuple(str(t).lstrip("#") for t in items if t is not None and str(t).strip("# "))


def book_for_folder(folder: Path, config: Config, cache: dict[Path, Book | None]) -> Book | None:
    """The book named by the nearest ``book.yaml`` between ``folder`` and the notes root."""
    if folder in cache:
        return cache[folder]
    book = None
    candidate = folder / BOOK_FILE_NAME
    if candidate.is_file():
        rel = _rel(candidate, config)
        book = parse_book(_book_data(candidate, rel), rel)
    elif folder != config.notes_dir and config.notes_dir in folder.parents:
        book = book_for_folder(folder.parent, config, cache)
    cache[folder] = book
    return book


def _rel(path: Path, config: Config) -> str:
    return _relative(path, config.notes_dir)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def book_files(config: Config) -> Iterator[Book]:
    """Books declared by ``book.yaml`` files (their aliases and chapter titles count too)."""
    for path in sorted(config.notes_dir.rglob(BOOK_FILE_NAME)):
        try:
            yield parse_book(_book_data(path), path)
        except NotedeckError:
            continue


def _book_data(path: Path, rel: str | None = None) -> dict:
    """A ``book.yaml`` as a mapping; errors name it by ``rel`` (notes-relative) when given."""
    if rel is None:
        data = read_yaml_mapping(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc.strerror
            raise ConfigError(f"cannot read ({reason})", rel) from None
        data = parse_yaml_mapping(text, rel)
    if "book" in data and "title" not in data:
        data["title"] = data.pop("book")
    return {key: _clean(value) for key, value in data.items()}


def _clean(value):
    """Strings from YAML without control characters (a quoted "\\x1f" would break the deck)."""
    if isinstance(value, str):
        return " ".join(CONTROL.sub(" ", value).split())
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value
