"""Find note files, decode them, split front matter, and tell which book each belongs to.

Problems with one file are collected rather than raised, so one broken file never stops the other
notes from building; ``Reading.failed`` lists every note that could not be read so the build can
carry its cards over from the last successful build instead of reporting them removed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from notedeck.build.decode import MAX_NOTE_BYTES, SURROGATE, decode, read_bytes  # noqa: F401 (re-exported)
from notedeck.build.discover import NOTE_SUFFIXES, Found, find_notes
from notedeck.config import (
    BOOK_FILE_NAME,
    Config,
    load_yaml,
    parse_book,
    parse_file_options,
    parse_yaml_mapping,
    read_settings_text,
    read_yaml_mapping,
)
from notedeck.errors import ConfigError, NotedeckError, NoteError
from notedeck.model import Book, FileOptions, Problem, Skipped, SourceFile
from notedeck.text.paths import rel_path

FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE
)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never part of a book title, deck or file name


@dataclass(frozen=True)
class Reading:
    """The notes that could be read, the problems (each reported once), the notes that failed,
    and the files passed over (with the rule that skipped each)."""

    files: tuple[SourceFile, ...]
    errors: tuple[Problem, ...]
    failed: tuple[str, ...]  # notes-relative paths whose cards must be carried over
    warnings: tuple[Problem, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    media_listing: str = ""  # a digest of every media file's path: changes when one appears


def read_notes(config: Config, read: Callable | None = None) -> Reading:
    """Read every note; a bad ``book.yaml`` is reported once and fails the notes it governs.
    ``read`` stands in for ``read_note`` (the store's read index wraps it)."""
    found = find_notes(config.notes_dir, (config.out_dir,))
    if not found.paths and not found.problems:
        raise ConfigError(_nothing_to_read(found), config.notes_dir)
    files: list[SourceFile] = []
    errors: dict[str, Problem] = {str(p): p for p in found.problems}
    warnings: list[Problem] = []
    skipped = list(found.skipped)
    failed = list(found.failed)  # an unlistable folder fails every note under it
    book_files: dict[Path, Book | None] = {}
    for path in found.paths:
        rel = rel_path(path, config.notes_dir)
        if not rel.isascii() and SURROGATE.search(rel):  # undecodable bytes (surrogateescape)
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            message = "file name is not UTF-8 text (Anki and the manifest need it); rename it"
            errors.setdefault(shown, NoteError(shown, message).problem)
            continue
        try:
            source, problems, rule = (read or read_note)(path, config, book_files)
        except NotedeckError as exc:
            errors.setdefault(str(exc), exc.problem)
            failed.append(rel)
            continue
        warnings.extend(problems)
        if rule:
            skipped.append(Skipped(rel, rule))
        else:
            files.append(source)
    warnings[:0] = [_refused(item) for item in found.skipped if item.rule in REFUSED]
    warnings.extend(_shared_books(book_files, config))
    listing = hashlib.sha256("\x00".join(found.media).encode("utf-8", "surrogatepass"))
    return Reading(
        tuple(files),
        tuple(errors.values()),
        tuple(failed),
        tuple(warnings),
        tuple(skipped),
        listing.hexdigest(),
    )


# Skip rules that say something may be wrong (a link out of the notes, a FIFO named x.md): the
# build warns about each, one line per file, instead of passing over it silently.
REFUSED = {
    "outside": "symbolic link leading out of the notes folder; not read",
    "not-a-file": "not a regular file (a FIFO or a device); not read",
}


def _refused(item: Skipped) -> Problem:
    return Problem.warning(item.rule, REFUSED[item.rule], item.rel.rstrip("/"))


def _nothing_to_read(found: Found) -> str:
    if found.skipped:
        return (
            f"no notes to read: every markdown file was skipped ({len(found.skipped)}; "
            "run `notedeck check` to see why)"
        )
    return "no markdown notes (*.md, *.markdown) found in the notes folder"


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
) -> tuple[SourceFile, list[Problem], str | None]:
    """(the note, warnings about it, the rule that skips it or None)."""
    rel = rel_path(path, config.notes_dir)
    text = decode(read_bytes(path, rel), rel)
    meta, body, body_line, problems = split_front_matter(text, rel)
    rule = skip_rule(meta, body)
    folder_book = book_for_folder(path.parent, config, {} if book_files is None else book_files)
    try:
        named = _meta_str(meta, "book", rel)
        chapter = _meta_chapter(meta, rel)
    except NoteError as exc:  # "book: [a, b]": ignored like malformed front matter
        problems.append(Problem.warning("front-matter", f"{exc.detail}; ignored it", rel, exc.line))
        named = chapter = None
    book = named or (folder_book.title if folder_book else None)
    options = (
        parse_file_options(
            meta.get("notedeck"), rel, _key_line(text, "notedeck"), config.extractors
        )
        if "notedeck" in meta
        else FileOptions()
    )
    if meta.get("tags") is not None:
        options = replace(options, tags=options.tags + _meta_tags(meta["tags"]))
    default_book, default_chapter = default_place(rel, config.notes_dir)
    source = SourceFile(
        path, rel, body, body_line, book, chapter, options, default_book, default_chapter
    )
    return source, problems, rule


def split_front_matter(text: str, rel: str) -> tuple[dict, str, int, list[Problem]]:
    """(front matter mapping, body, 1-based line of the body's first line, warnings).

    Front matter that is not valid YAML, or not a mapping, is a warning naming the file and
    line: the body still builds (nothing in it could name a book, so the default applies)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1, []
    consumed = text[: match.end()]
    body_line = consumed.count("\n") + 1
    closing = body_line - 1 if consumed.endswith("\n") else body_line
    body = text[match.end() :]
    try:
        data = load_yaml(match.group(1), "front matter")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 2
        problem = getattr(exc, "problem", None) or "invalid YAML"
        message = f"invalid YAML in the front matter (lines 1-{closing}): {problem}; ignored it"
        return {}, body, body_line, [Problem.warning("front-matter", message, rel, line)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "plain text"
        message = (
            f"front matter (lines 1-{closing}) must be 'key: value' lines, not {kind}; ignored it"
        )
        return {}, body, body_line, [Problem.warning("front-matter", message, rel, 2)]
    # Other tools' keys (aliases, cssclass, dataview fields …) are allowed; only notedeck: is
    # validated.
    return {str(k): v for k, v in data.items()}, body, body_line, []


PLACEHOLDER = re.compile(
    r"\{\{\s*(?:date|time|title|today|yesterday|tomorrow|query|value|content)\b[^{}\n]{0,80}\}\}"
    r"|<%[^%\n]{0,400}%>",
    re.IGNORECASE,
)


def skip_rule(meta: dict, body: str) -> str | None:
    """Content that is not a note: an Excalidraw drawing, a template full of placeholders."""
    if "excalidraw-plugin" in meta:
        return "excalidraw"
    if "{{" not in body and "<%" not in body:
        return None
    lines = [line for line in body.split("\n") if line.strip()]
    templated = sum(1 for line in lines if PLACEHOLDER.search(line))
    if templated and (templated >= 3 or templated * 10 >= len(lines)):
        return "template"
    return None


def _meta_chapter(meta: dict, rel: str) -> str | None:
    """``chapter: 3``; a list (``chapter: [3, 4]``, a note covering several) leaves the
    chapter to each heading."""
    if isinstance(meta.get("chapter"), list):
        return None
    return _meta_str(meta, "chapter", rel)


def default_place(rel: str, notes_dir: Path) -> tuple[str, str | None]:
    """(book, chapter) when nothing names them: the book is the note's top-level folder (for a
    file at the root, the notes folder's own name); the chapter is the sub-folder below it, or a
    chapter number in the file name ("ch03-…", "Chapter 3 …")."""
    parts = rel.split("/")
    if len(parts) == 1:
        book = title_from_name(notes_dir.resolve().name) or "Notes"
    else:
        book = title_from_name(parts[0]) or parts[0]
    chapter = chapter_in_name(parts[-1])
    if chapter is None and len(parts) > 2:
        chapter = title_from_name(parts[1]) or None
    return book, chapter


SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "via",
        "with",
    ]
)
NAME_NUMBERING = re.compile(r"^\d{1,3}(?:[.\s_-]+)(?=\D)")
FILE_CHAPTER = re.compile(r"^(?:ch|chap|chapter)[\s._-]*0*(\d{1,3})(?!\d)", re.IGNORECASE)


def title_from_name(name: str) -> str:
    """A folder or file name as a title: "fundamentals-of-data-engineering" → "Fundamentals of
    Data Engineering"; "01 - Databases" → "Databases"; words with capitals ("MLOps", "CS50")
    stay as written."""
    name = name.rsplit(".", 1)[0] if name.lower().endswith(NOTE_SUFFIXES) else name
    words = NAME_NUMBERING.sub("", name.strip()).replace("_", " ").replace("-", " ").split()
    out = []
    for n, word in enumerate(words):
        if word != word.lower() or n and word in SMALL_WORDS:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return SURROGATE.sub("", CONTROL.sub("", " ".join(out))).strip()


def chapter_in_name(name: str) -> str | None:
    match = FILE_CHAPTER.match(name)
    return match.group(1) if match else None


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
            text = read_settings_text(path)
        except ConfigError as exc:
            raise ConfigError(exc.detail, rel) from None
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
