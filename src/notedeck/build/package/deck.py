"""One book's deck, planned: stamp, diff, and the bytes to write only when something changed.

Anki applies an update only when the incoming note is newer, so every changed card gets a mod
time newer than anything an earlier build wrote, while an unchanged card keeps its own (which
also keeps unchanged rebuilds byte-identical).  ``plan_deck`` is a pure function of the book's
cards and what the last build left (``DeckState``); ``write_deck`` writes a plan: the deck
first, then the manifest, each atomically, so an interrupted build always leaves an importable
deck, and a manifest that describes either that deck or the one before it (see
``read_deck_state`` for how the next build tells, and what it does then).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from notedeck.build.identity import book_slug
from notedeck.build.package.manifest import (
    Entry,
    Manifest,
    entry_text,
    json_str,
    load_manifest,
    manifest_bytes,
    manifest_path,
)
from notedeck.config import Config
from notedeck.errors import OutputError
from notedeck.model import BookResult, Card, Change, Problem, RenderedCard
from notedeck.runtime.atomic import atomic_write_bytes, remove_stale_temps

if TYPE_CHECKING:
    from notedeck.build.package.apkg import NoteSpec

# apkg (genanki) is imported where it is used: an unchanged book never pays for it.


def deck_name(card: Card, config: Config) -> str:
    book = card.book.replace("::", ":").strip()
    if not card.chapter:
        return book
    label = card.chapter.replace("::", ":")
    if label[:1].isdigit():
        configured = next((b for b in config.books if b.title == card.book), None)
        title = configured.chapter_title(label) if configured else None
        label = f"Chapter {label}" + (f" — {title}" if title else "")
    return f"{book}::{label}"


def _deck_names(cards: list[RenderedCard], config: Config) -> dict[tuple[str, str | None], str]:
    """(book, chapter) → deck name, worked out once per chapter instead of once per card."""
    names: dict[tuple[str, str | None], str] = {}
    for r in cards:
        key = (r.card.book, r.card.chapter)
        if key not in names:
            names[key] = deck_name(r.card, config)
    return names


def _clock() -> int:
    """Wall-clock seconds; the only source of time in a build (tests freeze it here)."""
    return int(time.time())


def build_clock() -> int:
    """The build's time, read once by the main process: the books a build packages in worker
    processes are stamped with the same clock as if it had packaged them itself."""
    return _clock()


def _hash(*parts) -> str:
    return hashlib.sha256(_JSON.encode(parts).encode()).hexdigest()[:16]


# json.dumps(x, ensure_ascii=False) builds a new encoder per call; this one writes the same text.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _hashes(deck: str, note_type: str, fields: tuple[str, ...], tags: tuple[str, ...]):
    """``_hash(deck, note_type, fields, tags)``, the same without the last field, and the card's
    ``entry_text`` for the manifest line, from one escaping of each string: the JSON text is
    spelled out (this runs per card, and the encoder's setup costs more than the escaping), and
    the two hashes share the sha256 of their common start.  Anything but str goes through
    ``_hash`` (and has no text: save_manifest then escapes it itself)."""
    try:
        shown = list(map(json_str, fields))
        tags_text = ", ".join(map(json_str, tags))
        deck_text, type_text = json_str(deck), json_str(note_type)
    except TypeError:
        shown = []
    if len(shown) < 2:
        return _hash(deck, note_type, fields, tags), _hash(deck, note_type, fields[:-1], tags), None
    seen = ", ".join(shown[:-1])  # every field but the source line
    tail = f"], [{tags_text}]]"
    full = hashlib.sha256(f"[{deck_text}, {type_text}, [{seen}".encode())
    content = full.copy()
    full.update(f", {shown[-1]}{tail}".encode())
    content.update(tail.encode())
    text = entry_text(deck_text, type_text, f"{seen}, {shown[-1]}", tags_text)
    return full.hexdigest()[:16], content.hexdigest()[:16], text


def _entry(
    r: RenderedCard, deck: str, old: Entry | None, now: int, on_disk: dict[str, int] | None
) -> tuple[Entry, str | None]:
    """The manifest entry of one card, and its ``entry_text``: a new mod time only when what is
    written changed.

    ``hash`` covers every byte written for the note (so a moved source line still reaches Anki);
    ``content`` leaves the source field out, so the diff calls a card changed only when the
    learner would see a difference, not when a line was inserted above it.
    """
    card = r.card
    fields = (r.front, r.back, r.context, r.source)
    digest, content, text = _hashes(deck, card.note_type, fields, card.tags)
    # A card keeps its mod time only if it is unchanged *and* the deck on disk has it with that
    # time: a deck the manifest does not describe (a build killed between the two renames) may
    # have given Anki a newer version of it, which an older time would never replace.
    kept = old is not None and old.hash == digest
    if kept and on_disk is not None and on_disk.get(r.card.guid, old.mod) != old.mod:
        kept = False
    mod = old.mod if kept else now
    entry = Entry(
        digest,
        mod,
        card.question,
        card.location,
        deck,
        card.note_type,
        fields,
        card.tags,
        card.kind,
        r.media,
        content,
        card.key,
    )
    return entry, text


@dataclass(frozen=True)
class DeckState:
    """What the last build left for a book: its manifest, and the deck on disk (its SHA-256 and,
    when the manifest does not describe it, the newest mod time inside it and each note's)."""

    manifest: Manifest
    deck_sha256: str | None
    unknown_deck_mod: int = 0
    deck_mods: dict[str, int] | None = None  # GUID → mod time, for a deck the manifest never saw


def read_deck_state(out_dir: Path, title: str) -> DeckState:
    """The manifest and the deck, checked against each other: the manifest records the SHA-256
    of the deck it describes.  A mismatch (the deck was replaced, or a build was killed after
    renaming the deck and before renaming the manifest; two builds at once are prevented by the
    build lock) forces a rewrite, and the diff is the manifest's — the last build that finished
    — so the learner is told every change since then; the mod times of that unknown deck keep
    "changed ⇒ newer" true in Anki."""
    slug = book_slug(title)
    old = load_manifest(manifest_path(out_dir, slug), title)
    deck = out_dir / f"{slug}.apkg"
    on_disk = _sha256(deck)
    if on_disk is None or on_disk == old.deck_sha256:
        return DeckState(old, on_disk)
    from notedeck.build.package.apkg import note_mods

    mods, newest = note_mods(deck)
    return DeckState(old, on_disk, newest, mods)


@dataclass(frozen=True)
class DeckPlan:
    """A book's result and what to write for it: (path, bytes) in write order, or nothing."""

    result: BookResult
    problems: tuple[Problem, ...] = ()
    writes: tuple[tuple[Path, bytes], ...] = ()


def plan_deck(
    shared: tuple[dict[str, Path], Config, tuple[str, ...], int],
    book: tuple[str, list[RenderedCard], DeckState],
) -> DeckPlan:
    """One book: stamp every card, diff against the last build, and package when changed.
    ``shared`` is the build's media, config, failed files and clock (read once, so books
    planned in worker processes are stamped as if planned here)."""
    media, config, failed_files, clock = shared
    title, cards, state = book
    old, on_disk = state.manifest, state.deck_sha256
    slug = book_slug(title)
    deck_path = config.out_dir / f"{slug}.apkg"
    now = max(clock, old.last_mod + 1, state.unknown_deck_mod + 1)
    decks = _deck_names(cards, config)
    entries, texts = {}, {}
    for r in cards:
        guid = r.card.guid
        entries[guid], texts[guid] = _entry(
            r, decks[r.card.book, r.card.chapter], old.entries.get(guid), now, state.deck_mods
        )
    problems = _keep_failed_files(entries, old, set(failed_files))
    added, changed, removed = _diff(old.entries, entries)
    from notedeck.build.package.apkg import apkg_bytes, models_fingerprint

    model_hash = models_fingerprint()
    model_mod = old.model_mod if old.model_hash == model_hash and old.model_mod else now
    last_mod = max([old.last_mod, model_mod, *(e.mod for e in entries.values())])
    manifest = Manifest(title, last_mod, entries, model_hash, model_mod)
    up_to_date = (
        replace(old, deck_sha256="") == manifest and bool(on_disk) and on_disk == old.deck_sha256
    )
    writes: tuple[tuple[Path, bytes], ...] = ()
    if not config.dry_run and not up_to_date:
        data = apkg_bytes(_specs(entries), _book_media(entries, media), model_mod)
        stamped = replace(manifest, deck_sha256=hashlib.sha256(data).hexdigest())
        man_path = manifest_path(config.out_dir, slug)
        writes = ((deck_path, data), (man_path, manifest_bytes(stamped, texts)))
    kept = len(problems)
    result = BookResult(title, slug, (), deck_path, added, changed, removed, bool(writes), kept)
    return DeckPlan(result, tuple(problems), writes)


def write_deck(plan: DeckPlan) -> None:
    """Deck first, then manifest, each atomically (see ``read_deck_state`` for why this order);
    an error names the file that could not be written."""
    for path, _ in plan.writes:
        with suppress(OSError):  # a leftover temporary file is harmless; the write says more
            remove_stale_temps(path)
    for path, data in plan.writes:
        what = "deck" if path.suffix == ".apkg" else "manifest"
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise OutputError(f"{path}: cannot write {what} ({reason})") from None


def failed_here(rel: str, failed: set[str]) -> bool:
    """True when the note itself, or a folder above it that could not be listed, failed."""
    if rel in failed:
        return True
    parts = rel.split("/")
    return any("/".join(parts[:n]) in failed for n in range(1, len(parts)))


def _keep_failed_files(entries: dict[str, Entry], old: Manifest, failed: set[str]) -> list[Problem]:
    """A file that could not be read this time keeps its cards from the last build (one warning
    per file, not per card: the error line above it is what needs reading)."""
    kept: dict[str, int] = {}
    for guid, entry in old.entries.items():
        if guid in entries:
            continue
        rel = entry.source.rsplit(":", 1)[0]
        if failed_here(rel, failed):
            entries[guid] = entry
            kept[rel] = kept.get(rel, 0) + 1
    return [
        Problem.warning(
            "kept",
            f"kept {n} card{'s' * (n != 1)} from the last build until this file is fixed",
            rel,
        )
        for rel, n in sorted(kept.items())
    ]


def _diff(old: dict[str, Entry], new: dict[str, Entry]) -> tuple[tuple[Change, ...], ...]:
    """(added, changed, removed); "changed" means the learner sees a difference."""

    def differs(before: Entry, after: Entry) -> bool:
        if not before.content:  # a manifest from before content hashes existed
            return before.hash != after.hash
        return before.content != after.content

    added = tuple(Change(g, e.question, e.source) for g, e in new.items() if g not in old)
    changed = tuple(
        Change(g, e.question, e.source) for g, e in new.items() if g in old and differs(old[g], e)
    )
    removed = _changes((g, e) for g, e in old.items() if g not in new)  # Anki search for these
    return added, changed, removed


def _specs(entries: dict[str, Entry]) -> list[NoteSpec]:
    from notedeck.build.package.apkg import NoteSpec

    return [NoteSpec(g, e.deck, e.note_type, e.fields, e.tags, e.mod) for g, e in entries.items()]


def _book_media(entries: dict[str, Entry], media: dict[str, Path]) -> dict[str, Path]:
    return {name: media[name] for e in entries.values() for name in e.media if name in media}


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def removed_search(changes: Iterable[Change]) -> str:
    """One Anki search for all these cards: import never deletes notes, so users delete them."""
    return " OR ".join(c.search for c in changes)


def _changes(items: Iterable[tuple[str, Entry]]) -> tuple[Change, ...]:
    """Diff lines of removed cards, with the Anki search that finds each (import never deletes
    notes, so the learner does): the note's Front and Source fields exactly as written."""
    from notedeck.build.package.apkg import note_search

    return tuple(
        Change(guid, e.question, e.source, note_search(e.note_type, e.fields)) for guid, e in items
    )


def vanished_books(out_dir: Path, current_slugs: set[str], failed_files: Iterable[str]):
    """Books with a manifest in ``out_dir`` but no cards in the notes any more (all their notes
    deleted, or the book renamed): every card is reported removed, and the deck is left as is.

    A book whose notes merely failed to read this time is not reported: nothing is known yet.
    """
    failed = set(failed_files)
    for path in sorted(out_dir.glob("*.notedeck.json")) if out_dir.is_dir() else ():
        slug = path.name.removesuffix(".notedeck.json")
        if slug in current_slugs:
            continue
        old = load_manifest(path, slug)
        sources = {e.source.rsplit(":", 1)[0] for e in old.entries.values()}
        if not old.entries or any(failed_here(rel, failed) for rel in sources):
            continue
        removed = _changes(sorted(old.entries.items()))
        deck = out_dir / f"{slug}.apkg"
        yield BookResult(old.book, slug, (), deck, removed=removed)
