"""The build, top to bottom: read → parse → extract → render → package.

``collect`` runs the first four stages (``preview``, ``check`` and ``stats`` stop there);
``build`` adds packaging: one ``.apkg`` and one manifest per book, written atomically, each
changed card stamped newer than the last build so Anki applies the edit.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .cache import BookState, FileCache
from .config import Config
from .errors import NotedeckError, OutputError
from .identity import assign_guids, book_slug
from .manifest import Entry, Manifest, load_manifest, manifest_path, save_manifest
from .model import BookResult, BuildReport, Card, Change, Document, RenderedCard, Warning_
from .reader import read_notes

# parse/extract/render (markdown-it, nh3) and package (genanki) are imported where they are used:
# a rebuild served from the cache, and `notedeck --help`, never pay for them.

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Collected:
    """Everything known about the notes before packaging."""

    documents: tuple[Document, ...]
    cards: tuple[RenderedCard, ...]
    media: tuple[tuple[str, Path], ...]
    warnings: tuple[Warning_, ...]
    errors: tuple[Warning_, ...]
    failed_files: tuple[str, ...]
    files: int = 0  # note files read (parsed ones are in documents; cached ones are not)


def collect(config: Config, progress: Progress | None = None,
            cache: FileCache | None = None) -> Collected:
    """Read, parse, extract and render every note.  With ``cache``, unchanged files are only read
    (so their documents are not in ``documents``: preview/check/stats collect without a cache)."""
    sources, read_errors = read_notes(config)
    errors = [_as_warning(e) for e in read_errors]
    failed = [str(getattr(e, "path", "")) for e in read_errors]
    documents, cards, cached = [], [], []
    for n, source in enumerate(sources):
        if progress:
            progress(source.rel, n, len(sources))
        hit = cache.lookup(source) if cache else None
        if hit is not None:
            cards.extend(hit.cards)
            cached.extend(hit.fields)
            continue
        try:
            document, file_cards = _parse_and_extract(source, config)
            documents.append(document)
            cards.extend(file_cards)
            cached.extend([None] * len(file_cards))
            if cache:
                cache.extracted(source, file_cards)
        except NotedeckError as exc:
            errors.append(_as_warning(exc))
            failed.append(source.rel)
            if cache:
                cache.failed(source.rel)
    settled = cache.replay(cards) if cache else None
    if settled is None:
        settled = assign_guids(cards)
        if cache:
            cache.settle(*settled)
    cards, warnings = settled
    rendered, media = [], {}
    for card, fields in zip(cards, cached, strict=True):
        if fields is None:
            result, card_warnings, files = _render(card, config)
            if cache:
                cache.rendered(result, card_warnings, files)
        else:
            result, card_warnings, files = RenderedCard(card, *fields), [], {}
        warnings.extend(card_warnings)
        media.update(files)
        if result.front.strip() and (result.back.strip() or card.note_type == "cloze"):
            rendered.append(result)
    return Collected(tuple(documents), tuple(rendered), tuple(sorted(media.items())),
                     tuple(warnings), tuple(errors), tuple(failed), len(sources))


def _parse_and_extract(source, config: Config) -> tuple[Document, list[Card]]:
    from .extract import extract
    from .parse import parse

    document = parse(source, config)
    return document, extract(document, config)


def _render(card: Card, config: Config):
    from .render import MediaContext, render_card

    source_path = config.notes_dir / card.source
    return render_card(card, MediaContext(config.notes_dir, source_path.parent))


def _as_warning(exc: NotedeckError) -> Warning_:
    return Warning_(str(exc))


def build(config: Config, progress: Progress | None = None) -> BuildReport:
    cache = None if config.dry_run else FileCache(config)
    collected = collect(config, progress, cache)
    if not config.dry_run:
        _prepare_output(config.out_dir)
    media = dict(collected.media)
    by_book: dict[str, list[RenderedCard]] = {}
    for rendered in collected.cards:
        by_book.setdefault(rendered.card.book, []).append(rendered)
    results = []
    warnings = list(collected.warnings)
    books = BookState(config, cache) if cache and not collected.failed_files else None
    for title in sorted(by_book):
        result, book_warnings = _package_unless_unchanged(title, by_book[title], media, config,
                                                          collected.failed_files, books)
        results.append(result)
        warnings.extend(book_warnings)
    if cache:
        cache.save()
    if books:
        books.save()
    return BuildReport(tuple(results), tuple(warnings), collected.errors, collected.files)


def _package_unless_unchanged(title: str, cards: list[RenderedCard], media: dict[str, Path],
                              config: Config, failed_files: tuple[str, ...],
                              books: BookState | None) -> tuple[BookResult, list[Warning_]]:
    """Skip loading the manifest and packaging when the book's inputs and files are as last left."""
    slug = book_slug(title)
    man_path = manifest_path(config.out_dir, slug)
    if books:
        reused = books.reuse(title, slug, cards, config.out_dir / f"{slug}.apkg", man_path)
        if reused is not None:
            return reused, []
    result, warnings = _package_book(title, cards, media, config, failed_files)
    if books:
        books.remember(title, result, man_path)
    return result, warnings


def _prepare_output(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: output path exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create output folder ({exc.strerror})") from None


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


def _spec_hash(deck: str, note_type: str, fields: tuple[str, ...], tags: tuple[str, ...]) -> str:
    payload = json.dumps([deck, note_type, fields, tags], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _package_book(title: str, cards: list[RenderedCard], media: dict[str, Path], config: Config,
                  failed_files: tuple[str, ...]) -> tuple[BookResult, list[Warning_]]:
    from .package import NoteSpec, write_apkg

    slug = book_slug(title)
    deck_path = config.out_dir / f"{slug}.apkg"
    man_path = manifest_path(config.out_dir, slug)
    old = load_manifest(man_path, title)
    now = max(int(time.time()), old.last_mod + 1)
    entries: dict[str, Entry] = {}
    for r in cards:
        card = r.card
        deck = deck_name(card, config)
        fields = (r.front, r.back, r.context, r.source)
        digest = _spec_hash(deck, card.note_type, fields, card.tags)
        previous = old.entries.get(card.guid)
        mod = previous.mod if previous and previous.hash == digest else now
        entries[card.guid] = Entry(digest, mod, card.question, card.location, deck, card.note_type, fields,
                                   card.tags, card.kind, r.media)
    warnings = []
    failed = set(failed_files)
    for guid, entry in old.entries.items():
        if guid not in entries and entry.source.rsplit(":", 1)[0] in failed:
            entries[guid] = entry  # the file could not be read this time: keep its cards
            warnings.append(Warning_(f"kept the card from the last build: {entry.question!r}", entry.source))
    added = tuple(_change(g, e) for g, e in entries.items() if g not in old.entries)
    changed = tuple(_change(g, e) for g, e in entries.items() if g in old.entries and old.entries[g].hash != e.hash)
    removed = tuple(_change(g, e) for g, e in old.entries.items() if g not in entries)
    new_manifest = Manifest(title, max((e.mod for e in entries.values()), default=old.last_mod), entries)
    unchanged = not (added or changed or removed) and deck_path.exists()
    written = False
    if not config.dry_run and not unchanged:
        specs = [NoteSpec(g, e.deck, e.note_type, e.fields, e.tags, e.mod) for g, e in entries.items()]
        book_media = {name: media[name] for e in entries.values() for name in e.media if name in media}
        try:
            write_apkg(deck_path, specs, book_media)
            save_manifest(man_path, new_manifest)
        except OSError as exc:
            raise OutputError(f"{deck_path}: cannot write deck ({exc.strerror})") from None
        written = True
    result = BookResult(title, slug, tuple(cards), deck_path, added, changed, removed, written, len(warnings))
    return result, warnings


def _change(guid: str, entry: Entry) -> Change:
    return Change(guid, entry.question, entry.source)
