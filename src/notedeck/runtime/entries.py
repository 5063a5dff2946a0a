"""One note's stored result as plain data: what the store keeps per note, and how it comes back.

Entries are ``marshal`` data — tuples and strings, fast to load and holding no code — so a
card is stored positionally: ``Card``'s fields in declaration order (a test checks the count),
then the rendered fields.  Decoding is most of a no-change rebuild (100,000 cards), so it
builds the frozen cards by filling their dicts and runs with the cyclic collector paused.
"""

from __future__ import annotations

import gc
import marshal
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

from notedeck.model import Card, NoteResult, Problem, RenderedCard
from notedeck.runtime.index import problem_row

# 6: cards carry the GUID of their last build; 5: media listing; 4: media with stats; 3: cards
# carry their shape; 2: warnings; 1: cards
FORMAT = 6
CARD_FIELDS = 12  # Card's fields before ``guid``, stored positionally (checked by a test)


@contextmanager
def collector_paused():
    """No cyclic-GC pass while entries are decoded: they are tuples, strings and frozen cards,
    acyclic, freed by reference counting; scanning the 100,000 cards of a no-change rebuild
    again and again was a third of its decoding time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def note_rows(result: NoteResult, guids: dict[int, str]) -> tuple[list[tuple], list[tuple]]:
    """Card fields in declaration order, the GUID last given (a hint: a reused book's cards
    then need no copy with their GUID; ``book`` checks it against the book's), the rendered
    fields; problems."""
    cards = [
        (
            *(getattr(r.card, name) for name in _CARD_NAMES),
            guids.get(id(r), r.card.guid),
            r.front,
            r.back,
            r.context,
            r.source,
            r.media,
        )
        for r in result.cards
    ]
    problems = [problem_row(p) for p in result.problems]
    return cards, problems


def media_rows(result: NoteResult) -> list[tuple] | None:
    """(name, path, size, mtime_ns) of each packed file; None if one is gone already."""
    rows = []
    for name, path in result.media:
        stat = stat_of(path)
        if stat is None:
            return None
        rows.append((name, str(path), stat[0], stat[1]))
    return rows


def media_unchanged(rows: list) -> dict[str, Path] | None:
    """The stored media, if every file still has its size and mtime."""
    media = {}
    for name, path, size, mtime_ns in rows:
        stat = stat_of(Path(path))
        if stat is None or stat[0] != size or stat[1] != mtime_ns:
            return None
        media[name] = Path(path)
    return media


_CARD_NAMES = tuple(f.name for f in fields(Card))[:CARD_FIELDS]
_STORED_CARD = (*_CARD_NAMES, "guid")
_RENDERED_NAMES = tuple(f.name for f in fields(RenderedCard))[1:]  # after ``card``


def card_of_row(row: tuple) -> RenderedCard:
    """``RenderedCard(Card(*row[:13]), *row[13:])`` at a third less cost (100,000 cards in a
    no-change rebuild): the instance dicts are filled directly, exact because neither class
    has a ``__post_init__`` (as ``RenderedCard.with_guid`` does; a test compares the two)."""
    card = object.__new__(Card)
    card.__dict__.update(zip(_STORED_CARD, row[: CARD_FIELDS + 1], strict=True))
    rendered = object.__new__(RenderedCard)
    rendered.__dict__["card"] = card
    rendered.__dict__.update(zip(_RENDERED_NAMES, row[CARD_FIELDS + 1 :], strict=True))
    return rendered


def load_note(data, rel: str, listing: str) -> tuple[NoteResult, list] | None:
    """The stored result and its media rows, if its media files are as they were packed (and,
    for a note with a missing image, the vault's media are the same files)."""
    if data is None:
        return None
    try:
        version, rows, problems, stored_media, needs = marshal.loads(data)
        if version != FORMAT or (needs is not None and needs != listing):
            return None
        media = media_unchanged(stored_media) if stored_media else {}
        if media is None:
            return None
        cards = tuple(map(card_of_row, rows))
        problems = tuple(Problem(*p) for p in problems)
        media = tuple(sorted(media.items()))
        return NoteResult(
            rel, cards, problems, media, missing_media=needs is not None
        ), stored_media
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        return None


def stat_of(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def stored_book(state, digest: str | None, deck: Path, manifest: Path):
    """(GUIDs, identity warnings) that ``books.json`` holds for a book, if its ``state`` was
    written for these inputs (``digest``) and its deck and manifest are as that build left
    them; else None.  The one check both ``Store.book`` and a replayed build make."""
    if not isinstance(state, dict) or digest is None or state.get("digest") != digest:
        return None
    if state.get("files") != [stat_of(deck), stat_of(manifest)]:
        return None
    guids, problems = state.get("guids"), state.get("problems")
    if not isinstance(guids, list) or not isinstance(problems, list):
        return None
    try:
        return guids, tuple(Problem(*p) for p in problems)
    except TypeError:
        return None
