"""One book's deck and manifest: stamp, diff, and write only when something changed.

Anki applies an update only when the incoming note is newer, so every changed card gets a mod
time newer than anything an earlier build wrote, while an unchanged card keeps its own (which
also keeps unchanged rebuilds byte-identical).  The manifest is written before the deck, each
atomically, so an interrupted build always leaves the previous deck importable.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from notedeck.build.identity import History, assign_guids, book_slug
from notedeck.build.package.manifest import (
    Entry,
    Manifest,
    entry_text,
    json_str,
    load_manifest,
    manifest_path,
    remove_stale_temps,
    save_manifest,
)
from notedeck.config import Config
from notedeck.errors import OutputError
from notedeck.model import BookResult, Card, Change, RenderedCard, Warning_

if TYPE_CHECKING:
    from notedeck.build.package.apkg import NoteSpec

# package (genanki) is imported where it is used: an unchanged book never pays for it.


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


def _entry(r: RenderedCard, deck: str, old: Entry | None, now: int) -> tuple[Entry, str | None]:
    """The manifest entry of one card, and its ``entry_text``: a new mod time only when what is
    written changed.

    ``hash`` covers every byte written for the note (so a moved source line still reaches Anki);
    ``content`` leaves the source field out, so the diff calls a card changed only when the
    learner would see a difference, not when a line was inserted above it.
    """
    card = r.card
    fields = (r.front, r.back, r.context, r.source)
    digest, content, text = _hashes(deck, card.note_type, fields, card.tags)
    mod = old.mod if old and old.hash == digest else now
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


def _reassign_guids(cards: list[RenderedCard], old: Manifest) -> list[RenderedCard]:
    """Settle same-question clashes against the last build, so each GUID stays with its card."""
    if not old.entries:
        return cards
    counts = Counter((e.kind, e.key, e.note_type) for e in old.entries.values() if e.key)
    clashed = frozenset((old.book, *k) for k, n in counts.items() if n > 1)
    rendered = {id(r.card): r for r in cards}

    def now(card: Card) -> tuple[str, ...]:
        r = rendered[id(card)]
        return _signature((r.front, r.back, r.context), card.source)

    history = History(_OldSignatures(old.entries), clashed, now)
    settled, _ = assign_guids([r.card for r in cards], history)  # collect() already warned
    return [
        r if card is r.card else replace(r, card=card)
        for r, card in zip(cards, settled, strict=True)
    ]


class _OldSignatures(Mapping):
    """GUID → signature of the last build's cards, worked out only for the few GUIDs a clash
    asks about (most keys never had a twin)."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries
        self.known: dict[str, tuple[str, ...]] = {}

    def __getitem__(self, guid: str) -> tuple[str, ...]:
        if guid not in self.known:
            entry = self.entries[guid]
            self.known[guid] = _signature(entry.fields, entry.source)
        return self.known[guid]

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _signature(fields: tuple[str, ...], source: str) -> tuple[str, ...]:
    """What identifies a card among same-question twins: content, section, answer, then file."""
    front, back, context = fields[:3]
    return ("\x1f".join((front, back, context)), context, back, source.rsplit(":", 1)[0])


def package_book(
    title: str,
    cards: list[RenderedCard],
    media: dict[str, Path],
    config: Config,
    failed_files: tuple[str, ...],
    clock: int | None = None,
) -> tuple[BookResult, list[Warning_]]:
    """One book's deck and manifest: stamp, diff, and write only when something changed.
    ``clock`` is the build's time (``build_clock``); by default, now."""
    from notedeck.build.package.apkg import apkg_bytes, models_fingerprint

    slug = book_slug(title)
    deck_path = config.out_dir / f"{slug}.apkg"
    man_path = manifest_path(config.out_dir, slug)
    old = load_manifest(man_path, title)
    on_disk = _sha256(deck_path)
    now = max(clock or _clock(), old.last_mod + 1, _unknown_deck_mod(deck_path, on_disk, old) + 1)
    cards = _reassign_guids(cards, old)
    decks = _deck_names(cards, config)
    entries, texts = {}, {}
    for r in cards:
        guid = r.card.guid
        entries[guid], texts[guid] = _entry(
            r, decks[r.card.book, r.card.chapter], old.entries.get(guid), now
        )
    warnings = _keep_failed_files(entries, old, set(failed_files))
    added, changed, removed = _diff(old.entries, entries)
    model_hash = models_fingerprint()
    model_mod = old.model_mod if old.model_hash == model_hash and old.model_mod else now
    last_mod = max([old.last_mod, model_mod, *(e.mod for e in entries.values())])
    manifest = Manifest(title, last_mod, entries, model_hash, model_mod)
    up_to_date = (
        replace(old, deck_sha256="") == manifest and bool(on_disk) and on_disk == old.deck_sha256
    )
    written = False
    if not config.dry_run and not up_to_date:
        data = apkg_bytes(_specs(entries), _book_media(entries, media), model_mod)
        written = _write_book(deck_path, man_path, manifest, data, texts)
    result = BookResult(
        title, slug, tuple(cards), deck_path, added, changed, removed, written, len(warnings)
    )
    return result, warnings


def failed_here(rel: str, failed: set[str]) -> bool:
    """True when the note itself, or a folder above it that could not be listed, failed."""
    if rel in failed:
        return True
    parts = rel.split("/")
    return any("/".join(parts[:n]) in failed for n in range(1, len(parts)))


def _keep_failed_files(
    entries: dict[str, Entry], old: Manifest, failed: set[str]
) -> list[Warning_]:
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
        Warning_(f"kept {n} card{'s' * (n != 1)} from the last build until this file is fixed", rel)
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


def _unknown_deck_mod(deck_path: Path, on_disk: str | None, old: Manifest) -> int:
    """A deck on disk that the manifest does not describe (manifest lost, deck replaced) may hold
    mod times the manifest never saw; its newest one, so that changed cards are stamped newer."""
    if on_disk is None or on_disk == old.deck_sha256:
        return 0
    from notedeck.build.package.apkg import newest_mod

    return newest_mod(deck_path)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _write_book(
    deck_path: Path, man_path: Path, manifest: Manifest, data: bytes, texts: dict[str, str | None]
) -> bool:
    """Manifest first, then deck, each atomically (see manifest.py for why this order)."""
    from notedeck.build.package.apkg import write_apkg

    try:
        for path in (deck_path, man_path):
            remove_stale_temps(path)
        deck_sha256 = hashlib.sha256(data).hexdigest()
        save_manifest(man_path, replace(manifest, deck_sha256=deck_sha256), texts)
        write_apkg(deck_path, data)
    except OSError as exc:
        raise OutputError(f"{deck_path}: cannot write deck ({exc.strerror})") from None
    return True


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
