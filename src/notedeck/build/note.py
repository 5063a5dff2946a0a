"""One note file's share of a build: parse → extract → render, ready to be sent back.

This is the work a big build spreads over worker processes (``workers.py``), so it needs
nothing from other files: rendering never depends on a card's GUID, which is assigned later,
across the whole book.  A file that fails, or a card that fails to render, comes back as a
one-line ``NotedeckError`` value (never raised), so one bad note never stops the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from notedeck.config import Config
from notedeck.errors import NotedeckError, NoteError, debugging
from notedeck.model import Card, Document, RenderedCard, SourceFile, Warning_


@dataclass(frozen=True)
class FreshRender:
    """One card rendered this build, its fields already safe for Anki."""

    card: RenderedCard
    warnings: list[Warning_]
    files: dict[str, Path]
    blank: bool  # a side would show nothing: the build skips it with a warning


@dataclass(frozen=True)
class FileWork:
    """What one note file gave: its cards and, aligned, each card's rendering (or why it
    failed) — or the error that stopped the whole file."""

    document: Document | None
    cards: tuple[Card, ...] = ()
    renders: tuple[FreshRender | NotedeckError, ...] = ()
    error: NotedeckError | None = None


def work_on_file(state: tuple[Config, bool], source: SourceFile) -> FileWork:
    """Parse, extract and render one note.  ``state`` is what every file's task shares: the
    config, and whether to send the document back (preview and check read it, a build does
    not: sending every parse tree back from the workers would cost more than it is worth)."""
    config, keep_documents = state
    try:
        document, cards = _parse_and_extract(source, config)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        return FileWork(None, error=file_error(source.rel, exc))
    renders: list[FreshRender | NotedeckError] = []
    for card in cards:
        try:
            rendered, warnings, files = _render(card, config)
        except Exception as exc:  # noqa: BLE001 - the file's other cards still build
            renders.append(file_error(card.source, exc, card.line))
            continue
        rendered = without_field_separator(rendered)
        renders.append(FreshRender(rendered, warnings, files, not shows_both_sides(rendered)))
    return FileWork(document if keep_documents else None, tuple(cards), tuple(renders))


_TAG = re.compile(r"<(?!img\b)[^<>]*>", re.IGNORECASE)


def shows_something(html: str) -> bool:
    """True if Anki would show text or an image for this field (markup alone shows nothing)."""
    text = _TAG.sub("", html).replace("&nbsp;", " ").replace("&#8203;", "").replace("\u200b", "")
    return bool(text.strip())


def shows_both_sides(result: RenderedCard) -> bool:
    """A cloze needs only its text; other cards need a question and an answer to show."""
    if not shows_something(result.front):
        return False
    return result.card.note_type == "cloze" or shows_something(result.back)


def without_field_separator(result: RenderedCard) -> RenderedCard:
    """\x1f separates Anki's fields: one inside a field (say, from a book title) breaks the deck."""
    fields = (result.front, result.back, result.context, result.source)
    if not any("\x1f" in f for f in fields):
        return result
    front, back, context, source = (f.replace("\x1f", " ") for f in fields)
    return replace(result, front=front, back=back, context=context, source=source)


def file_error(rel: str, exc: Exception, line: int | None = None) -> NotedeckError:
    """What went wrong with one file, as a one-line NotedeckError (re-raised when debugging)."""
    if isinstance(exc, NotedeckError):
        return exc
    if debugging():
        raise exc
    if isinstance(exc, RecursionError):
        return NoteError(
            rel, "nested too deeply to read (lists, quotes or links); flatten it", line
        )
    detail = (str(exc).splitlines() or [""])[0][:200]
    problem = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    report = "a notedeck bug, please report it (--debug shows more)"
    return NoteError(rel, f"could not be processed ({problem}); {report}", line)


# parse/extract/render (markdown-it, nh3) are imported where they are used: a rebuild served
# from the cache, and `notedeck --help`, never pay for them.


def _parse_and_extract(source: SourceFile, config: Config) -> tuple[Document, list[Card]]:
    from notedeck.build.parse import parse
    from notedeck.extract import extract

    document = parse(source, config)
    return document, extract(document, config)


def _render(card: Card, config: Config):
    from notedeck.build.render.card import render_card

    return render_card(card, _media_context(config.notes_dir, card.source))


@lru_cache(maxsize=256)  # one per note file, not one per card (pathlib joins are not free)
def _media_context(notes_dir: Path, source: str):
    from notedeck.build.render.card import MediaContext

    return MediaContext(notes_dir, (notes_dir / source).parent)
