"""Frozen data passed between the pipeline stages.

read → ``SourceFile`` → parse → ``Document``/``Section`` → extract → ``Card`` → render →
``RenderedCard`` → package.  Every card carries the file and line it came from so that
``preview``, ``check`` and error messages can point back into the notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Book:
    """A book as declared in notedeck.yaml, book.yaml or front matter."""

    title: str
    aliases: tuple[str, ...] = ()
    chapters: tuple[tuple[str, str], ...] = ()  # (number, title) pairs for subdeck names

    def chapter_title(self, number: str) -> str | None:
        return dict(self.chapters).get(number)


@dataclass(frozen=True)
class FileOptions:
    """Per-file switches from front matter ``notedeck:`` merged over the global defaults."""

    skip: bool = False
    tags: tuple[str, ...] = ()
    extractors: tuple[str, ...] | None = None  # None means the configured default list
    reverse_definitions: bool | None = None


@dataclass(frozen=True)
class SourceFile:
    """One note file, decoded, with its front matter split off."""

    path: Path
    rel: str  # path relative to the notes root, always with forward slashes
    text: str  # body without front matter
    body_line: int  # 1-based line number of the first body line in the original file
    book: str | None  # book title from front matter / book.yaml, None = route by headings
    chapter: str | None
    options: FileOptions = FileOptions()
    default_book: str = ""  # when nothing names a book: the top-level folder's (read.py)
    default_chapter: str | None = None  # a sub-folder or a "ch03-…" file name


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    text: str  # inline markdown source, lines joined with "\n"
    line: int


@dataclass(frozen=True)
class ListItem:
    text: str  # inline markdown of the item's first paragraph
    line: int
    checkbox: str | None = None  # " " or "x" for task items
    children: tuple[Block, ...] = ()  # nested lists and further paragraphs


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]
    line: int
    start: int = 1


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    line: int
    row_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Code:
    lang: str
    text: str
    line: int


@dataclass(frozen=True)
class Html:
    text: str
    line: int


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]
    line: int
    callout: str | None = None  # "note" for Obsidian "> [!note] Title"
    title: str = ""


@dataclass(frozen=True)
class DefinitionList:
    entries: tuple[tuple[str, tuple[str, ...]], ...]  # (term, definitions)
    line: int


Block = Paragraph | ListBlock | Table | Code | Html | Quote | DefinitionList


@dataclass(frozen=True)
class Section:
    """A heading and the blocks up to the next heading (any level)."""

    title: str  # heading text ("" for text before the first heading)
    level: int  # 0 for the preamble
    path: tuple[str, ...]  # heading titles from the top, including this one
    blocks: tuple[Block, ...]
    line: int
    book: str | None
    chapter: str | None
    skip: bool = False


@dataclass(frozen=True)
class Document:
    source: SourceFile
    sections: tuple[Section, ...]
    keep_lines: frozenset[int] = frozenset()  # under <!-- notedeck: keep -->: never scored out
    tags: tuple[str, ...] = ()  # the note's inline #tags, in Anki form (nested::tag)


# ---------------------------------------------------------------- cards


@dataclass(frozen=True)
class Card:
    """A question and answer in markdown, before rendering."""

    kind: str  # definition, list, table, concept, explicit, cloze, ...
    question: str
    answer: str
    key: str  # stable identity key within (book, kind); never derived from the answer
    book: str
    chapter: str | None
    context: tuple[str, ...]  # heading path shown as breadcrumb
    source: str  # notes-relative path
    line: int
    tags: tuple[str, ...] = ()
    note_type: str = "basic"  # basic | reversed | cloze
    shape: str = ""  # how the rule found it ("bold-is", "list-lead" …): a feature for scoring
    guid: str = ""  # filled in by the build once keys are disambiguated

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class RenderedCard:
    card: Card
    front: str
    back: str
    context: str
    source: str
    media: tuple[str, ...] = ()  # media file names referenced by the fields

    def with_guid(self, guid: str) -> RenderedCard:
        """This card with its GUID: what ``replace`` would build, at a sixth of the cost (it
        runs once per card of every build), by copying the instance dicts — exact because
        neither class has a ``__post_init__`` (tests compare it with ``replace``)."""
        if self.card.guid == guid:
            return self
        return _copy_with(self, card=_copy_with(self.card, guid=guid))


def _copy_with(obj, **changes):
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(changes)
    return new


# ---------------------------------------------------------------- problems

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """Anything worth telling the user, from any stage, as one value from where it is found to
    where it is printed (``check`` reads the fields; nothing parses the text back).

    ``source`` is notes-relative (a note, a folder, a ``book.yaml``) or "" for the whole build;
    ``severity`` "error" means the file made no cards this time (its last cards are kept);
    ``code`` names the kind of problem, stable for scripts.
    """

    source: str = ""
    line: int | None = None
    severity: str = WARNING
    code: str = "build"
    message: str = ""

    @classmethod
    def warning(cls, code: str, message: str, source: str = "", line: int | None = None):
        return cls(source, line, WARNING, code, message)

    @classmethod
    def error(cls, code: str, message: str, source: str = "", line: int | None = None):
        return cls(source, line, ERROR, code, message)

    def __str__(self) -> str:
        if not self.source:
            return self.message
        if self.line is None:
            return f"{self.source}: {self.message}"
        return f"{self.source}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Skipped:
    """A file (or folder, ending in "/") under the notes folder that is not a note."""

    rel: str
    rule: str  # a key of discover.SKIP_RULES (hidden, template, media-folder …) or outside


@dataclass(frozen=True)
class NoteResult:
    """What one note file gave (parse → extract → render): the unit the build cache stores and
    the worker processes send back.  Cards have no GUID yet: GUIDs are numbered per book."""

    rel: str
    cards: tuple[RenderedCard, ...] = ()
    problems: tuple[Problem, ...] = ()  # in the order found
    media: tuple[tuple[str, Path], ...] = ()  # packed media name → the file
    failed: bool = False  # an error: the file's cards from the last build are kept
    cacheable: bool = True  # False when the result depends on more than the note and its media
    missing_media: bool = False  # an image did not resolve: it may once a file appears
    document: Document | None = None  # only when asked for (preview, check)


@dataclass(frozen=True)
class Change:
    """One line of the rebuild diff."""

    guid: str
    question: str
    source: str
    search: str = ""  # removed cards: an Anki search that finds this note (none by GUID)


@dataclass(frozen=True)
class BookResult:
    title: str
    slug: str
    cards: tuple[RenderedCard, ...]
    deck_path: Path | None
    added: tuple[Change, ...] = ()
    changed: tuple[Change, ...] = ()
    removed: tuple[Change, ...] = ()
    written: bool = False
    kept: int = 0  # cards carried over from files that failed this time

    @property
    def kinds(self) -> dict[str, int]:
        """Cards by kind, in kind order (a replayed book counts them without decoding)."""
        counted = getattr(self.cards, "kinds", None)
        if counted is None:
            counted = {}
            for r in self.cards:
                counted[r.card.kind] = counted.get(r.card.kind, 0) + 1
        return dict(sorted(counted.items()))


@dataclass(frozen=True)
class BuildReport:
    books: tuple[BookResult, ...]
    warnings: tuple[Problem, ...] = ()
    errors: tuple[Problem, ...] = ()
    files: int = 0
    skipped: tuple[Skipped, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors
