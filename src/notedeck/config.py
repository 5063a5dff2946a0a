"""Configuration: ``notedeck.yaml`` at the notes root, ``book.yaml`` per folder, front matter.

Every option is one row of ``OPTIONS`` (mkdocs-style): its name, where it may be written, its
default, its help and how its value is checked.  Loading, unknown-key messages ("valid: …") and
the README's option lists all come from that table, so a typo never silently does nothing and an
option is never documented in one place and read in another.  All YAML is read by one safe
loader that refuses aliases (``*ref`` chains can blow up exponentially: billion laughs).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from notedeck.errors import ConfigError
from notedeck.extract import EXTRACTOR_NAMES
from notedeck.model import Book, FileOptions
from notedeck.text.keys import normalise_key
from notedeck.text.links import LinkTemplateError, SourceLink, check_link_template

CONFIG_NAME = "notedeck.yaml"
BOOK_FILE_NAME = "book.yaml"

DEFAULT_EXTRACTORS = EXTRACTOR_NAMES

DEFAULT_GENERIC_HEADINGS = (
    "summary", "introduction", "intro", "overview", "notes", "my notes", "key takeaways",
    "takeaways", "conclusion", "conclusions", "recap", "review", "todo", "to do", "questions",
    "open questions", "references", "resources", "further reading", "links", "misc",
    "miscellaneous", "thoughts", "wrap-up", "wrap up", "next steps", "log", "diary", "examples",
    "example", "background", "context",
)  # fmt: skip

GLOBAL, FILE = "notedeck.yaml", "front matter"


@dataclass(frozen=True)
class Where:
    """Where a value was written, for its error message (and, in front matter, the defaults
    a partial ``extractors: {name: off}`` switches against)."""

    path: Path | str
    line: int | None = None
    defaults: tuple[str, ...] = DEFAULT_EXTRACTORS


@dataclass(frozen=True)
class Option:
    name: str
    scopes: tuple[str, ...]
    default: Any
    help: str
    check: Callable[[Any, Where], Any]  # the YAML value → the typed value, or ConfigError


def _as_list(value: Any, name: str, where: Where) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [value]
    raise ConfigError(f"'{name}' must be a list", where.path, where.line)


def _flag(name: str) -> Callable[[Any, Where], bool]:
    def check(value: Any, where: Where) -> bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false", where.path, where.line)
        return value

    return check


def _fraction(value: Any, where: Where) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError("min_score must be a number from 0 to 1", where.path, where.line)
    return float(value)


def _texts(value: Any, where: Where) -> tuple[str, ...]:
    return tuple(str(t) for t in _as_list(value, "tags", where))


def _headings(value: Any, where: Where) -> tuple[str, ...]:
    return tuple(normalise_key(str(h)) for h in _as_list(value, "generic_headings", where))


def _books(value: Any, where: Where) -> tuple[Book, ...]:
    return tuple(parse_book(entry, where.path) for entry in _as_list(value, "books", where))


def _extractors(value: Any, where: Where) -> tuple[str, ...]:
    if isinstance(value, dict):  # {concepts: off}: switch some of the defaults
        value = switched_extractors(value, where)
    return check_extractors(value, where.path, EXTRACTOR_NAMES, where.line)


def _source_link(value: Any, where: Where) -> SourceLink | None:
    try:
        return check_link_template(value, Path(where.path).parent)
    except LinkTemplateError as exc:
        raise ConfigError(f"source_link {exc}", where.path, where.line) from None


OPTIONS: tuple[Option, ...] = (
    Option("books", (GLOBAL,), (), "list of {title, aliases, chapters}", _books),
    Option(
        "extractors",
        (GLOBAL, FILE),
        DEFAULT_EXTRACTORS,
        "names of the extractors to run",
        _extractors,
    ),
    Option(
        "generic_headings",
        (GLOBAL,),
        tuple(normalise_key(h) for h in DEFAULT_GENERIC_HEADINGS),
        "headings that never become concept cards",
        _headings,
    ),
    Option(
        "reverse_definitions",
        (GLOBAL, FILE),
        False,
        "also ask term ← definition for definitions (true/false)",
        _flag("reverse_definitions"),
    ),
    Option(
        "min_score",
        (GLOBAL,),
        None,
        "how sure an automatic card must be, 0-1 (lower keeps more; check lists the rest)",
        _fraction,
    ),
    Option("skip", (FILE,), False, "ignore the whole file (true/false)", _flag("skip")),
    Option(
        "source_link",
        (GLOBAL,),
        None,
        "link from each card's source line back to the note: a template such as "
        "obsidian://open?vault={vault}&file={path} or vscode://file/{abspath}:{line} "
        "(none, the default: plain file:line text)",
        _source_link,
    ),
    Option("tags", (GLOBAL, FILE), (), "extra tags on every card", _texts),
)
GLOBAL_KEYS = {o.name: o.help for o in OPTIONS if GLOBAL in o.scopes}
FILE_OPTION_KEYS = {o.name for o in OPTIONS if FILE in o.scopes}
BOOK_KEYS = {"title", "aliases", "chapters"}


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know besides the notes themselves."""

    notes_dir: Path
    out_dir: Path
    books: tuple[Book, ...] = ()
    extractors: tuple[str, ...] = DEFAULT_EXTRACTORS
    generic_headings: tuple[str, ...] = tuple(normalise_key(h) for h in DEFAULT_GENERIC_HEADINGS)
    reverse_definitions: bool = False
    source_link: SourceLink | None = None  # None: the Source field is plain file:line text
    tags: tuple[str, ...] = ()
    min_score: float | None = None  # None: the scorer's shipped threshold
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
    notes_dir, out_dir = Path(notes_dir), Path(out_dir)
    path = notes_dir / CONFIG_NAME
    data = read_yaml_mapping(path) if path.is_file() else {}
    values = _checked(data, GLOBAL, "key", Where(path))
    config = Config(notes_dir, out_dir, **values)
    return replace(config, **overrides) if overrides else config


def _checked(data: dict, scope: str, what: str, where: Where) -> dict[str, Any]:
    """The options of one scope from a mapping: unknown keys refused, each value checked."""
    options = [o for o in OPTIONS if scope in o.scopes]
    unknown_keys(data, {o.name for o in options}, what, where.path, where.line)
    return {o.name: o.check(data[o.name], where) if o.name in data else o.default for o in options}


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
    values = _checked(value, FILE, "notedeck option", Where(path, line, defaults))
    return FileOptions(
        skip=values["skip"],
        tags=values["tags"],
        extractors=values["extractors"] if "extractors" in value else None,
        reverse_definitions=values["reverse_definitions"]
        if "reverse_definitions" in value
        else None,
    )


# ---------------------------------------------------------------- books and extractors


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
    aliases = tuple(str(a) for a in _as_list(entry.get("aliases", []), "aliases", Where(path)))
    chapters_raw = entry.get("chapters") or {}
    if not isinstance(chapters_raw, dict):
        raise ConfigError("'chapters' must map chapter numbers to titles", path)
    chapters = tuple((str(k), str(v)) for k, v in chapters_raw.items())
    return Book(entry["title"].strip(), aliases, chapters)


def check_extractors(
    value: Any, path: Path | str, valid: tuple[str, ...], line: int | None = None
) -> tuple[str, ...]:
    names = tuple(str(v) for v in _as_list(value, "extractors", Where(path, line)))
    unknown = [n for n in names if n not in valid]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        listed = ", ".join(repr(n) for n in unknown)
        raise ConfigError(
            f"unknown extractor{plural} {listed} (valid: {', '.join(valid)})", path, line
        )
    return names


def switched_extractors(switches: dict, where: Where) -> list[str]:
    """``{concepts: off, tables: on}`` → the default extractors with those switched."""
    check_extractors(list(switches), where.path, EXTRACTOR_NAMES, where.line)
    for name, on in switches.items():
        if not isinstance(on, bool):
            raise ConfigError(f"extractor {name!r} must be on or off", where.path, where.line)
    return [n for n in EXTRACTOR_NAMES if switches.get(n, n in where.defaults)]


def unknown_keys(data: dict, valid, what: str, path: Path | str, line: int | None = None) -> None:
    """Raise one error naming every unknown key and listing the valid ones."""
    unknown = [str(k) for k in data if k not in valid]
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        plural = "s" if len(unknown) > 1 else ""
        raise ConfigError(
            f"unknown {what}{plural} {names} (valid: {', '.join(sorted(valid))})", path, line
        )


# ---------------------------------------------------------------- YAML


class SafeLoaderWithoutAliases(yaml.SafeLoader):
    """Safe loading without aliases: ``*ref`` chains can blow up exponentially (billion laughs).
    The one loader for every YAML notedeck reads: config, ``book.yaml`` and front matter."""

    where = "YAML files"

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            message = f"aliases (*name) are not allowed in {self.where}"
            raise yaml.composer.ComposerError(None, None, message, mark)
        return super().compose_node(parent, index)


# libyaml's parser (ten times PyYAML's pure Python one on front matter; the same values —
# tests/test_yaml_loaders.py) for text that can hold no anchor or alias: without "&" and "*"
# there is nothing to expand, so the alias check has nothing to refuse.
FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _fast_load(text: str) -> Any:
    """The document through libyaml, or None on any error (the checking loader words it)."""
    loader = FAST_LOADER(text)
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def load_yaml(text: str, where: str = "notedeck's YAML files") -> Any:
    """``yaml.safe_load`` that refuses aliases (raises yaml.YAMLError naming ``where``), and
    escaped UTF-16 surrogates (``"\\ud83d"``): they are not characters, and a string holding one
    cannot be written as UTF-8 (the cache, the manifest and the deck would all fail on it)."""
    data = (
        _fast_load(text) if FAST_LOADER is not None and not ("&" in text or "*" in text) else None
    )
    if data is None:  # anchors, aliases, an error (worded as PyYAML's own), or empty
        loader = SafeLoaderWithoutAliases(text)
        loader.where = where
        try:
            data = loader.get_single_data()
        except RecursionError:  # "[[[[…" thousands deep: PyYAML recurses once per level
            problem = "nested too deeply (brackets or indentation)"
            raise yaml.MarkedYAMLError(problem=problem) from None
        finally:
            loader.dispose()
    if "\\u" in text or "\\U" in text:  # the only way a surrogate gets into the loaded data
        _refuse_surrogates(data)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(value: Any) -> None:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and (found := _SURROGATE.search(item)):
            escape = f"\\u{ord(found.group()):04x}"
            pair = item.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            real = "".join(c for c in pair if c not in item and c != "\ufffd")
            hint = f" ({real!r})" if real else ""
            message = (
                f"{escape} is half of a UTF-16 pair, not a character; "
                f"write the character itself{hint}"
            )
            raise yaml.constructor.ConstructorError(None, None, message, None)


MAX_SETTINGS_BYTES = 1024 * 1024  # notedeck.yaml, book.yaml, .notedeckignore: a few lines each


def read_settings_text(path: Path) -> str:
    """A small settings file's text (UTF-8, BOM allowed): a regular file only (a FIFO would
    block the build), at most ``MAX_SETTINGS_BYTES``.  Raises OSError, UnicodeDecodeError or
    ConfigError (too big)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb", buffering=0) as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ConfigError("is not a regular file (a FIFO or a device?)", path)
        raw = handle.read(MAX_SETTINGS_BYTES + 1)
    if len(raw) > MAX_SETTINGS_BYTES:
        raise ConfigError("is over 1 MB, too big for a settings file", path)
    return raw.decode("utf-8-sig")


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Safe-load a YAML file that must hold a mapping; errors name the file and line."""
    try:
        text = read_settings_text(path)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason})", path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror})", path) from None
    return parse_yaml_mapping(text, path)


def parse_yaml_mapping(text: str, path: Path | str, first_line: int = 1) -> dict[str, Any]:
    try:
        data = load_yaml(text)
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
