"""The build, top to bottom: read → parse → extract → render → package.

``collect`` runs the first four stages (``preview``, ``check`` and ``stats`` stop there);
``build`` adds packaging: one ``.apkg`` and one manifest per book, written atomically, each
changed card stamped newer than the last build so Anki applies the edit.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BookState, FileCache
from .config import Config
from .errors import NotedeckError, NoteError, OutputError, debugging
from .identity import History, assign_guids, book_slug
from .manifest import (
    Entry,
    Manifest,
    load_manifest,
    manifest_path,
    remove_stale_temps,
    save_manifest,
)
from .model import BookResult, BuildReport, Card, Change, Document, RenderedCard, Warning_
from .reader import read_notes

if TYPE_CHECKING:
    from .package import NoteSpec

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


def collect(
    config: Config, progress: Progress | None = None, cache: FileCache | None = None
) -> Collected:
    """Read, parse, extract and render every note; a file that fails is reported, never fatal.
    With ``cache``, unchanged files are only read (so their documents are not in ``documents``:
    preview/check/stats collect without a cache)."""
    reading = read_notes(config)
    errors = [_as_warning(e) for e in reading.errors]
    failed = list(reading.failed)
    documents, cards, cached = [], [], []
    for n, source in enumerate(reading.files):
        if progress:
            progress(source.rel, n, len(reading.files))
        hit = cache.lookup(source) if cache else None
        if hit is not None:
            cards.extend(hit.cards)
            cached.extend(hit.fields)
            continue
        try:
            document, file_cards = _parse_and_extract(source, config)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            errors.append(_as_warning(file_error(source.rel, exc)))
            failed.append(source.rel)
            if cache:
                cache.failed(source.rel)
            continue
        documents.append(document)
        cards.extend(file_cards)
        cached.extend([None] * len(file_cards))
        if cache:
            cache.extracted(source, file_cards)
    settled = cache.replay(cards) if cache else None
    if settled is None:
        settled = assign_guids(cards)
        if cache:
            cache.settle(*settled)
    cards, warnings = settled
    warnings = [*reading.warnings, *warnings]
    rendered, media = [], {}
    for card, fields in zip(cards, cached, strict=True):
        if fields is None:
            try:
                result, card_warnings, files = _render(card, config)
            except Exception as exc:  # noqa: BLE001 - the file's other cards still build
                errors.append(_as_warning(file_error(card.source, exc, card.line)))
                failed.append(card.source)
                if cache:
                    cache.failed(card.source)
                continue
            if cache:
                cache.rendered(result, card_warnings, files)
        else:
            result, card_warnings, files = RenderedCard(card, *fields), [], {}
        warnings.extend(card_warnings)
        media.update(files)
        result = _without_field_separator(result)
        front_shows = shows_something(result.front)
        if front_shows and (card.note_type == "cloze" or shows_something(result.back)):
            rendered.append(result)
        else:  # e.g. "**term**: -" renders as an empty list: Anki would show a blank side
            blank = f"skipped a card with a blank side: {card.question!r}"
            warnings.append(Warning_(blank, card.source, card.line))
    media_files = tuple(sorted(media.items()))
    failed_files = tuple(dict.fromkeys(failed))
    return Collected(
        tuple(documents),
        tuple(rendered),
        media_files,
        tuple(warnings),
        tuple(errors),
        failed_files,
        len(reading.files),
    )


_TAG = re.compile(r"<(?!img\b)[^<>]*>", re.IGNORECASE)


def shows_something(html: str) -> bool:
    """True if Anki would show text or an image for this field (markup alone shows nothing)."""
    text = _TAG.sub("", html).replace("&nbsp;", " ").replace("&#8203;", "").replace("\u200b", "")
    return bool(text.strip())


def _without_field_separator(result: RenderedCard) -> RenderedCard:
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


def _parse_and_extract(source, config: Config) -> tuple[Document, list[Card]]:
    from .extract import extract
    from .parse import parse

    document = parse(source, config)
    return document, extract(document, config)


def _render(card: Card, config: Config):
    from .render import render_card

    return render_card(card, _media_context(config.notes_dir, card.source))


@lru_cache(maxsize=256)  # one per note file, not one per card (pathlib joins are not free)
def _media_context(notes_dir: Path, source: str):
    from .render import MediaContext

    return MediaContext(notes_dir, (notes_dir / source).parent)


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
    titles, clashes = _distinct_slugs(sorted(by_book), config.out_dir)
    books = BookState(config, cache) if cache and not collected.failed_files else None
    for title in titles:
        result, book_warnings = _package_unless_unchanged(
            title, by_book[title], media, config, collected.failed_files, books
        )
        results.append(result)
        warnings.extend(book_warnings)
    if cache:
        cache.save()
    if books:
        books.save()
    errors = (*collected.errors, *clashes)
    return BuildReport(tuple(results), tuple(warnings), errors, collected.files)


def _package_unless_unchanged(
    title: str,
    cards: list[RenderedCard],
    media: dict[str, Path],
    config: Config,
    failed_files: tuple[str, ...],
    books: BookState | None,
) -> tuple[BookResult, list[Warning_]]:
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


def _distinct_slugs(titles: list[str], out_dir: Path) -> tuple[list[str], list[Warning_]]:
    """Books whose titles share a file name ("C++ Primer", "C Primer") would overwrite each
    other's deck and share GUIDs: build the one the existing manifest belongs to (else the first
    by title) and report the others."""
    by_slug: dict[str, list[str]] = {}
    for title in titles:
        by_slug.setdefault(book_slug(title), []).append(title)
    kept, errors = [], []
    for slug, group in by_slug.items():
        if len(group) == 1:
            kept.append(group[0])
            continue
        owner = load_manifest(manifest_path(out_dir, slug), group[0]).book
        first = owner if owner in group else group[0]
        kept.append(first)
        for other in group:
            if other != first:
                message = (
                    f"book {other!r} would share {slug}.apkg with {first!r}; rename one of them"
                )
                errors.append(Warning_(message))
    return sorted(kept), errors


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


def _clock() -> int:
    """Wall-clock seconds; the only source of time in a build (tests freeze it here)."""
    return int(time.time())


def _hash(*parts) -> str:
    return hashlib.sha256(_JSON.encode(parts).encode()).hexdigest()[:16]


# json.dumps(x, ensure_ascii=False) builds a new encoder per call; this one writes the same text.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _entry(r: RenderedCard, deck: str, old: Entry | None, now: int) -> Entry:
    """The manifest entry of one card: a new mod time only when what is written changed.

    ``hash`` covers every byte written for the note (so a moved source line still reaches Anki);
    ``content`` leaves the source field out, so the diff calls a card changed only when the
    learner would see a difference, not when a line was inserted above it.
    """
    card = r.card
    fields = (r.front, r.back, r.context, r.source)
    digest = _hash(deck, card.note_type, fields, card.tags)
    content = _hash(deck, card.note_type, fields[:3], card.tags)
    mod = old.mod if old and old.hash == digest else now
    return Entry(
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


def _reassign_guids(cards: list[RenderedCard], old: Manifest) -> list[RenderedCard]:
    """Settle same-question clashes against the last build, so each GUID stays with its card."""
    if not old.entries:
        return cards
    counts = Counter((e.kind, e.key, e.note_type) for e in old.entries.values() if e.key)
    clashed = frozenset((old.book, *k) for k, n in counts.items() if n > 1)
    signatures = {g: _signature(e.fields, e.source) for g, e in old.entries.items()}
    now = {id(r.card): _signature((r.front, r.back, r.context), r.card.source) for r in cards}
    history = History(signatures, clashed, lambda card: now[id(card)])
    settled, _ = assign_guids([r.card for r in cards], history)  # collect() already warned
    return [replace(r, card=card) for r, card in zip(cards, settled, strict=True)]


def _signature(fields: tuple[str, ...], source: str) -> tuple[str, ...]:
    """What identifies a card among same-question twins: content, section, answer, then file."""
    front, back, context = fields[:3]
    return ("\x1f".join((front, back, context)), context, back, source.rsplit(":", 1)[0])


def _package_book(
    title: str,
    cards: list[RenderedCard],
    media: dict[str, Path],
    config: Config,
    failed_files: tuple[str, ...],
) -> tuple[BookResult, list[Warning_]]:
    """One book's deck and manifest: stamp, diff, and write only when something changed."""
    from .package import apkg_bytes, models_fingerprint

    slug = book_slug(title)
    deck_path = config.out_dir / f"{slug}.apkg"
    man_path = manifest_path(config.out_dir, slug)
    old = load_manifest(man_path, title)
    on_disk = _sha256(deck_path)
    now = max(_clock(), old.last_mod + 1, _unknown_deck_mod(deck_path, on_disk, old) + 1)
    cards = _reassign_guids(cards, old)
    entries = {
        r.card.guid: _entry(r, deck_name(r.card, config), old.entries.get(r.card.guid), now)
        for r in cards
    }
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
        written = _write_book(deck_path, man_path, manifest, data)
    result = BookResult(
        title, slug, tuple(cards), deck_path, added, changed, removed, written, len(warnings)
    )
    return result, warnings


def _keep_failed_files(
    entries: dict[str, Entry], old: Manifest, failed: set[str]
) -> list[Warning_]:
    """A file that could not be read this time keeps its cards from the last build (one warning
    per file, not per card: the error line above it is what needs reading)."""
    kept: dict[str, int] = {}
    for guid, entry in old.entries.items():
        rel = entry.source.rsplit(":", 1)[0]
        if guid not in entries and rel in failed:
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

    added = tuple(_change(g, e) for g, e in new.items() if g not in old)
    changed = tuple(_change(g, e) for g, e in new.items() if g in old and differs(old[g], e))
    removed = tuple(_change(g, e) for g, e in old.items() if g not in new)
    return added, changed, removed


def _specs(entries: dict[str, Entry]) -> list[NoteSpec]:
    from .package import NoteSpec

    return [NoteSpec(g, e.deck, e.note_type, e.fields, e.tags, e.mod) for g, e in entries.items()]


def _book_media(entries: dict[str, Entry], media: dict[str, Path]) -> dict[str, Path]:
    return {name: media[name] for e in entries.values() for name in e.media if name in media}


def _unknown_deck_mod(deck_path: Path, on_disk: str | None, old: Manifest) -> int:
    """A deck on disk that the manifest does not describe (manifest lost, deck replaced) may hold
    mod times the manifest never saw; its newest one, so that changed cards are stamped newer."""
    if on_disk is None or on_disk == old.deck_sha256:
        return 0
    from .package import newest_mod

    return newest_mod(deck_path)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _write_book(deck_path: Path, man_path: Path, manifest: Manifest, data: bytes) -> bool:
    """Manifest first, then deck, each atomically (see manifest.py for why this order)."""
    from .package import write_apkg

    try:
        for path in (deck_path, man_path):
            remove_stale_temps(path)
        save_manifest(man_path, replace(manifest, deck_sha256=hashlib.sha256(data).hexdigest()))
        write_apkg(deck_path, data)
    except OSError as exc:
        raise OutputError(f"{deck_path}: cannot write deck ({exc.strerror})") from None
    return True


def removed_search(changes: Iterable[Change]) -> str:
    """One Anki search for all these cards: import never deletes notes, so users delete them."""
    return " OR ".join(c.search for c in changes)


def _change(guid: str, entry: Entry) -> Change:
    """A diff line; its search uses the note's Front and Source fields exactly as written."""
    from .package import note_search

    search = note_search(entry.note_type, entry.fields)
    return Change(guid, entry.question, entry.source, search)
