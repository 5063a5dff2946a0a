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
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Config
from .errors import NotedeckError, NoteError, OutputError, debugging
from .extract import extract
from .identity import assign_guids, book_slug
from .manifest import Entry, Manifest, load_manifest, manifest_path, save_manifest
from .model import BookResult, BuildReport, Card, Change, Document, RenderedCard, Warning_
from .package import NoteSpec, write_apkg
from .parse import parse
from .reader import read_notes
from .render import MediaContext, render_card

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


def collect(config: Config, progress: Progress | None = None) -> Collected:
    """Read, parse, extract and render every note; a file that fails is reported, never fatal."""
    reading = read_notes(config)
    errors = [_as_warning(e) for e in reading.errors]
    failed = list(reading.failed)
    documents, cards = [], []
    for n, source in enumerate(reading.files):
        if progress:
            progress(source.rel, n, len(reading.files))
        try:
            document = parse(source, config)
            file_cards = extract(document, config)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            errors.append(_as_warning(file_error(source.rel, exc)))
            failed.append(source.rel)
            continue
        documents.append(document)
        cards.extend(file_cards)
    cards, warnings = assign_guids(cards)
    warnings[:0] = reading.warnings
    rendered, media = [], {}
    for card in cards:
        media_context = MediaContext(config.notes_dir, (config.notes_dir / card.source).parent)
        try:
            result, card_warnings, files = render_card(card, media_context)
        except Exception as exc:  # noqa: BLE001 - the file's other cards still build
            errors.append(_as_warning(file_error(card.source, exc, card.line)))
            failed.append(card.source)
            continue
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
    return Collected(tuple(documents), tuple(rendered), media_files, tuple(warnings), tuple(errors),
                     failed_files)


_TAG = re.compile(r"<(?!img\b)[^>]*>", re.IGNORECASE)


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
        return NoteError(rel, "nested too deeply to read (lists, quotes or links); flatten it", line)
    detail = (str(exc).splitlines() or [""])[0][:200]
    problem = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    message = f"could not be processed ({problem}); a notedeck bug, please report it (--debug shows more)"
    return NoteError(rel, message, line)


def _as_warning(exc: NotedeckError) -> Warning_:
    return Warning_(str(exc))


def build(config: Config, progress: Progress | None = None) -> BuildReport:
    collected = collect(config, progress)
    if not config.dry_run:
        _prepare_output(config.out_dir)
    media = dict(collected.media)
    by_book: dict[str, list[RenderedCard]] = {}
    for rendered in collected.cards:
        by_book.setdefault(rendered.card.book, []).append(rendered)
    results = []
    warnings = list(collected.warnings)
    for title in sorted(by_book):
        result, book_warnings = _package_book(title, by_book[title], media, config, collected.failed_files)
        results.append(result)
        warnings.extend(book_warnings)
    return BuildReport(tuple(results), tuple(warnings), collected.errors, len(collected.documents))


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
