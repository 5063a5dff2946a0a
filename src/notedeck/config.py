"""Configuration: ``notedeck.yaml`` at the notes root, ``book.yaml`` per folder, front matter.

All three are read with ``yaml.safe_load`` and validated into frozen dataclasses.  Unknown keys
are errors that list the valid ones, so a typo never silently does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from notedeck.errors import ConfigError
from notedeck.model import Book, FileOptions
from notedeck.text.keys import normalise_key

CONFIG_NAME = "notedeck.yaml"
BOOK_FILE_NAME = "book.yaml"

DEFAULT_EXTRACTORS = ("explicit", "definitions", "lists", "tables", "concepts")

DEFAULT_GENERIC_HEADINGS = (
    "summary",
    "introduction",
    "intro",
    "overview",
    "notes",
    "my notes",
    "key takeaways",
    "takeaways",
    "conclusion",
    "conclusions",
    "recap",
    "review",
    "todo",
    "to do",
    "questions",
    "open questions",
    "references",
    "resources",
    "further reading",
    "links",
    "misc",
    "miscellaneous",
    "thoughts",
    "wrap-up",
    "wrap up",
    "next steps",
    "log",
    "diary",
    "examples",
    "example",
    "background",
    "context",
)

GLOBAL_KEYS = {
    "books": "list of {title, aliases, chapters}",
    "extractors": "names of the extractors to run",
    "generic_headings": "headings that never become concept cards",
    "reverse_definitions": "also ask term ← definition for definitions (true/false)",
    "tags": "extra tags on every card",
}
BOOK_KEYS = {"title", "aliases", "chapters"}
FILE_OPTION_KEYS = {"skip", "tags", "extractors", "reverse_definitions"}
FRONT_MATTER_KEYS = {"book", "chapter", "title", "notedeck", "tags", "aliases"}


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know besides the notes themselves."""

    notes_dir: Path
    out_dir: Path
    books: tuple[Book, ...] = ()
    extractors: tuple[str, ...] = DEFAULT_EXTRACTORS
    generic_headings: tuple[str, ...] = DEFAULT_GENERIC_HEADINGS
    reverse_definitions: bool = False
    tags: tuple[str, ...] = ()
    dry_run: bool = False
    jobs: int | None = None  # worker processes; None: one per CPU when the build is big enough

    def find_book(self, title: str) -> Book | None:
        wanted = _norm(title)
        for book in self.books:
            if _norm(book.title) == wanted or any(_norm(a) == wanted for a in book.aliases):
                return book
        return None


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def load_config(
    notes_dir: Path | str = "notes", out_dir: Path | str = "decks", **overrides
) -> Config:
    """Read ``notedeck.yaml`` (if any) from the notes root and return a frozen Config."""
    notes_dir = Path(notes_dir)
    out_dir = Path(out_dir)
    path = notes_dir / CONFIG_NAME
    data: dict[str, Any] = {}
    if path.is_file():
        data = read_yaml_mapping(path)
    unknown_keys(data, GLOBAL_KEYS, "key", path)
    from notedeck.extract import EXTRACTOR_NAMES

    books = tuple(
        parse_book(entry, path) for entry in _as_list(data.get("books", []), "books", path)
    )
    extractors = check_extractors(data.get("extractors", DEFAULT_EXTRACTORS), path, EXTRACTOR_NAMES)
    generic = tuple(
        normalise_key(str(h))
        for h in _as_list(
            data.get("generic_headings", DEFAULT_GENERIC_HEADINGS), "generic_headings", path
        )
    )
    reverse = data.get("reverse_definitions", False)
    if not isinstance(reverse, bool):
        raise ConfigError("reverse_definitions must be true or false", path)
    tags = tuple(str(t) for t in _as_list(data.get("tags", []), "tags", path))
    config = Config(notes_dir, out_dir, books, extractors, generic, reverse, tags)
    return _replace(config, **overrides)


def _replace(config: Config, **overrides) -> Config:
    from dataclasses import replace

    return replace(config, **overrides) if overrides else config


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Safe-load a YAML file that must hold a mapping; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason})", path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror})", path) from None
    return parse_yaml_mapping(text, path)


def parse_yaml_mapping(text: str, path: Path | str, first_line: int = 1) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"invalid YAML: {problem}", path, line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"expected a mapping of keys to values, got a {type(data).__name__}", path, first_line
        )
    return {str(k): v for k, v in data.items()}


def parse_book(entry: Any, path: Path | str) -> Book:
    if isinstance(entry, str):
        entry = {"title": entry}
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("title"), str)
        or not entry["title"].strip()
    ):
        raise ConfigError("each book needs a non-empty 'title'", path)
    unknown_keys(entry, BOOK_KEYS, "book key", path)
    aliases = tuple(str(a) for a in _as_list(entry.get("aliases", []), "aliases", path))
    chapters_raw = entry.get("chapters") or {}
    if not isinstance(chapters_raw, dict):
        raise ConfigError("'chapters' must map chapter numbers to titles", path)
    chapters = tuple((str(k), str(v)) for k, v in chapters_raw.items())
    return Book(entry["title"].strip(), aliases, chapters)


def check_extractors(
    value: Any, path: Path | str, valid: tuple[str, ...], line: int | None = None
) -> tuple[str, ...]:
    names = tuple(str(v) for v in _as_list(value, "extractors", path, line))
    unknown = [n for n in names if n not in valid]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        listed = ", ".join(repr(n) for n in unknown)
        raise ConfigError(
            f"unknown extractor{plural} {listed} (valid: {', '.join(valid)})", path, line
        )
    return names


def switched_extractors(
    switches: dict, defaults: tuple[str, ...], path: Path | str, line: int
) -> list[str]:
    """``{concepts: off, tables: on}`` → the default extractors with those switched."""
    from notedeck.extract import EXTRACTOR_NAMES

    check_extractors(list(switches), path, EXTRACTOR_NAMES, line)
    for name, on in switches.items():
        if not isinstance(on, bool):
            raise ConfigError(f"extractor {name!r} must be on or off", path, line)
    return [n for n in EXTRACTOR_NAMES if switches.get(n, n in defaults)]


def parse_file_options(
    value: Any, path: Path | str, line: int, defaults: tuple[str, ...] = DEFAULT_EXTRACTORS
) -> FileOptions:
    """Validate the ``notedeck:`` block of a note's front matter (``notedeck: skip`` is short for
    ``notedeck: {skip: true}``, matching the ``<!-- notedeck: skip -->`` marker)."""
    if value is None:
        return FileOptions()
    if isinstance(value, str) and value.strip().lower() == "skip":
        return FileOptions(skip=True)
    if not isinstance(value, dict):
        raise ConfigError(
            f"'notedeck:' must be 'skip' or a mapping of options "
            f"(valid: {', '.join(sorted(FILE_OPTION_KEYS))})",
            path,
            line,
        )
    unknown_keys(value, FILE_OPTION_KEYS, "notedeck option", path, line)
    from notedeck.extract import EXTRACTOR_NAMES

    extractors = None
    if "extractors" in value:
        wanted = value["extractors"]
        if isinstance(wanted, dict):  # {concepts: off}: switch some of the defaults
            wanted = switched_extractors(wanted, defaults, path, line)
        extractors = check_extractors(wanted, path, EXTRACTOR_NAMES, line)
    reverse = value.get("reverse_definitions")
    if reverse is not None and not isinstance(reverse, bool):
        raise ConfigError("reverse_definitions must be true or false", path, line)
    skip = value.get("skip", False)
    if not isinstance(skip, bool):
        raise ConfigError("skip must be true or false", path, line)
    tags = tuple(str(t) for t in _as_list(value.get("tags", []), "tags", path, line))
    return FileOptions(skip=skip, tags=tags, extractors=extractors, reverse_definitions=reverse)


def unknown_keys(data: dict, valid, what: str, path: Path | str, line: int | None = None) -> None:
    """Raise one error naming every unknown key and listing the valid ones."""
    unknown = [str(k) for k in data if k not in valid]
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise ConfigError(
            f"unknown {what}{plural} {names} (valid: {', '.join(sorted(valid))})", path, line
        )


def _as_list(value: Any, name: str, path: Path | str, line: int | None = None) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [value]
    raise ConfigError(f"'{name}' must be a list", path, line)
