"""What a rule may know besides its section, and how it makes a card.

Rules see the build's settings only through ``RuleSettings`` (the config satisfies it), so the
extractors never import the configuration module: config sits above them and names them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from notedeck.extract.common import slug_tag, user_tag
from notedeck.model import Book, Card, Section, SourceFile
from notedeck.text.keys import normalise_again, normalise_key


class RuleSettings(Protocol):
    """The settings rules read (``notedeck.config.Config`` has them all)."""

    books: tuple[Book, ...]
    extractors: tuple[str, ...]
    generic_headings: tuple[str, ...]
    reverse_definitions: bool
    tags: tuple[str, ...]
    min_score: float | None  # how sure an automatic card must be (None: the shipped threshold)


@dataclass(frozen=True)
class Context:
    """What an extractor may know besides the section: the file and the build's options."""

    source: SourceFile
    config: RuleSettings
    sections: tuple[Section, ...] = ()
    note_tags: tuple[str, ...] = ()  # inline #tags of the note (Anki form)
    _grouping: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouping = frozenset(
            id(section)
            for section, following in zip(self.sections, self.sections[1:], strict=False)
            if following.level > section.level
        )
        object.__setattr__(self, "_grouping", grouping)

    def has_subsections(self, section: Section) -> bool:
        """True for a heading with deeper headings under it: a title or a grouping heading."""
        return id(section) in self._grouping

    @property
    def reverse_definitions(self) -> bool:
        option = self.source.options.reverse_definitions
        return self.config.reverse_definitions if option is None else option

    def is_generic(self, title: str) -> bool:
        return normalise_key(title) in self.config.generic_headings

    def card(
        self,
        section: Section,
        kind: str,
        question: str,
        answer: str,
        key: str,
        line: int,
        note_type: str = "basic",
        *,
        normalised: bool = False,
        shape: str = "",
    ) -> Card:
        """A card under ``section``; ``normalised``: ``key`` is a normalise_key result already
        (normalised once more all the same, as it always was, but at no cost)."""
        book = section.book or ""
        key = normalise_again(key) if normalised else normalise_key(key)
        extra = (*self.config.tags, *self.source.options.tags, *self.note_tags)
        return Card(
            kind=kind,
            question=question.strip(),
            answer=answer.strip(),
            key=key or normalise_key(question),
            book=book,
            chapter=section.chapter,
            context=section.path,
            source=self.source.rel,
            line=line,
            tags=_tags(book, kind, section.chapter, extra, _folder(self.source.rel)),
            note_type=note_type,
            shape=shape or kind,
        )


@lru_cache(maxsize=1024)  # pure; the same few books, kinds and chapters for every card
def _tags(
    book: str, kind: str, chapter: str | None, extra: tuple[str, ...], folder: str
) -> tuple[str, ...]:
    """The book, kind and chapter tags, the user's (config, front matter, inline #tags) with
    their hierarchy, and the note's folder path ("School/Networks" → School::Networks)."""
    tags = [slug_tag(book), f"notedeck::{kind}"]
    if chapter:
        tags.append(f"{slug_tag(book)}::ch{slug_tag(chapter)}")
    tags += [user_tag(t) for t in (*extra, folder)]
    unique: dict[str, str] = {}  # Anki's tags ignore case: one of each
    for tag in tags:
        if tag:
            unique.setdefault(tag.casefold(), tag)
    return tuple(unique.values())


def _folder(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""
