"""The build, top to bottom: read → process each note → number GUIDs → plan each deck → write.

``build`` names every stage; ``collect`` (preview, check, stats, quiz) runs the same stages minus
the last two, so every command sees the GUIDs the deck has.  The stages are pure functions of
values (``build/``); the cache (``runtime.store``) and the worker processes (``runtime.runner``)
wrap them and never live inside them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from notedeck.build.identity import book_slug, history_of, number_guids
from notedeck.build.note import process_note
from notedeck.build.package.deck import (
    DeckPlan,
    DeckState,
    build_clock,
    deck_name,
    plan_deck,
    read_deck_state,
    removed_search,
    vanished_books,
    write_deck,
)
from notedeck.build.package.manifest import load_manifest, manifest_path
from notedeck.build.read import Reading, book_for_folder, read_note, read_notes
from notedeck.config import Config
from notedeck.errors import OutputError
from notedeck.model import (
    ERROR,
    WARNING,
    BookResult,
    BuildReport,
    Document,
    NoteResult,
    Problem,
    RenderedCard,
    Skipped,
    SourceFile,
)
from notedeck.runtime.lock import build_lock
from notedeck.runtime.runner import choose_runner
from notedeck.runtime.store import NullStore, Store, StoredBook

__all__ = ["Collected", "build", "collect", "deck_name", "removed_search"]

Progress = Callable[[str, int, int], None]


def build(config: Config, progress: Progress | None = None) -> BuildReport:
    """Build one deck per book into ``config.out_dir``; a bad note is reported, never fatal."""
    store = NullStore() if config.dry_run else Store(config)
    reading = read_notes(config, store.reader(read_note, book_for_folder))
    if not config.dry_run:
        prepare_output(config.out_dir)
    with nullcontext() if config.dry_run else build_lock(config.out_dir), store:
        store.listing = reading.media_listing
        replayed = store.replay(rels_of(reading), book_files(config), reading.failed)
        if replayed is not None:
            return replayed_report(reading, *replayed, config)
        stored, outdated = store.split(reading.files)
        with choose_runner(config.jobs, len(outdated)) as runner:
            fresh = runner.map(process_note, outdated, (config, False))
            notes = merge_notes(reading.files, stored, map(store.keep, fresh), progress)
            failed = failed_files(reading, notes)
            books = number_books(notes, config, store, reuse=store.may_reuse_books(failed))
            to_plan = [deck_input(b, config) for b in books.todo]
            shared = (media_of(notes), config, failed, build_clock())
            plans = runner.map(plan_deck, to_plan, shared, weight=lambda book: len(book[1]))
            written = write_decks(plans, books, store, failed, config)
        store.remember_failed(failed)
        if not books.clashes and not any(note.failed for note in notes):
            store.remember_build(notes, written.books)  # files failing to read fail again
    warnings = [*reading.warnings, *books.problems, *note_problems(notes, WARNING)]
    warnings += [p for plan in written.plans for p in plan.problems]
    errors = [*reading.errors, *note_problems(notes, ERROR), *books.clashes]
    files = len(reading.files)
    return BuildReport(written.books, tuple(warnings), tuple(errors), files, reading.skipped)


def rels_of(reading: Reading) -> list[str]:
    return [source.rel for source in reading.files]


def book_files(config: Config) -> Callable[[str], tuple[Path, Path]]:
    """A book's deck and manifest, by its slug."""
    return lambda slug: (config.out_dir / f"{slug}.apkg", manifest_path(config.out_dir, slug))


def replayed_report(
    reading: Reading,
    books: list[BookResult],
    book_problems: list[Problem],
    note_problems: list[Problem],
    config: Config,
) -> BuildReport:
    """The report of a build in which nothing changed (``Store.replay``), as ``build`` gives
    it: the same books, warnings and errors in the same order, and the books whose notes are
    gone (their manifests are read again: they are few)."""
    slugs = {book.slug for book in books}
    failed = reading.failed
    gone = vanished_books(config.out_dir, slugs, failed) if config.out_dir.is_dir() else ()
    warnings = [*reading.warnings, *book_problems]
    warnings += [p for p in note_problems if p.severity == WARNING]
    errors = [*reading.errors, *(p for p in note_problems if p.severity == ERROR)]
    files = len(reading.files)
    return BuildReport((*books, *gone), tuple(warnings), tuple(errors), files, reading.skipped)


@dataclass(frozen=True)
class Collected:
    """Everything known about the notes before packaging."""

    documents: tuple[Document, ...]
    cards: tuple[RenderedCard, ...]
    media: tuple[tuple[str, Path], ...]
    warnings: tuple[Problem, ...]
    errors: tuple[Problem, ...]
    failed_files: tuple[str, ...]
    files: int = 0  # note files read (documents holds only the ones parsed this time)
    skipped: tuple[Skipped, ...] = ()  # files under the notes folder that are not notes
    candidates: tuple[Problem, ...] = ()  # info: cards the scorer left out, media on no card


def collect(
    config: Config,
    progress: Progress | None = None,
    store: Store | None = None,
    keep_documents: bool = True,
) -> Collected:
    """Read, process and number every note, as ``build`` does, without writing anything.
    With a ``store``, unchanged notes come from the cache (so their documents are not in
    ``documents``: preview and check collect without one)."""
    store = store or NullStore()
    reading = read_notes(config, store.reader(read_note, book_for_folder))
    store.listing = reading.media_listing
    stored, outdated = store.split(reading.files)
    with choose_runner(config.jobs, len(outdated)) as runner:
        fresh = runner.map(process_note, outdated, (config, keep_documents))
        notes = merge_notes(reading.files, stored, map(store.keep, fresh), progress)
    failed = failed_files(reading, notes)
    books = number_books(notes, config, store, reuse=store.may_reuse_books(failed))
    return Collected(
        tuple(note.document for note in notes if note.document is not None),
        tuple(books.cards),
        tuple(sorted(media_of(notes).items())),
        (*reading.warnings, *books.problems, *note_problems(notes, WARNING)),
        (*reading.errors, *note_problems(notes, ERROR), *books.clashes),
        failed,
        len(reading.files),
        reading.skipped,
        tuple(note_problems(notes, "info")),
    )


# ---------------------------------------------------------------- notes


def merge_notes(
    sources: Iterable[SourceFile],
    stored: dict[str, NoteResult],
    fresh: Iterator[NoteResult],
    progress: Progress | None,
) -> list[NoteResult]:
    """Every note's result in source order: stored ones, and fresh ones as they arrive."""
    sources = list(sources)
    out = []
    for n, source in enumerate(sources):
        if progress:
            progress(source.rel, n, len(sources))
        out.append(stored.get(source.rel) or next(fresh))
    return out


def failed_files(reading: Reading, notes: list[NoteResult]) -> tuple[str, ...]:
    """Notes (and folders) whose cards must be carried over from the last build."""
    return tuple(dict.fromkeys([*reading.failed, *(n.rel for n in notes if n.failed)]))


def note_problems(notes: list[NoteResult], severity: str) -> list[Problem]:
    return [p for note in notes for p in note.problems if p.severity == severity]


def media_of(notes: list[NoteResult]) -> dict[str, Path]:
    return {name: path for note in notes for name, path in note.media}


# ---------------------------------------------------------------- books


@dataclass(frozen=True)
class Numbered:
    """One book's cards with their GUIDs, and the warnings numbering them gave."""

    title: str
    cards: list[RenderedCard]
    problems: list[Problem]
    inputs: list[RenderedCard]  # the book's cards as the notes gave them
    aligned: list[RenderedCard | None]  # numbered, one per input: None = merged into a twin


@dataclass(frozen=True)
class Books:
    """The build's books: ``todo`` numbered now (to plan), ``unchanged`` as the last build left
    them (from the store); every numbered card in note order; the errors of titles that would
    share a deck file."""

    todo: list[Numbered]
    unchanged: dict[str, StoredBook]
    cards: list[RenderedCard]
    clashes: list[Problem]

    @property
    def problems(self) -> list[Problem]:
        """Identity warnings, book by book in title order."""
        by_title = {b.title: b.problems for b in self.todo}
        by_title.update({t: list(b.problems) for t, b in self.unchanged.items()})
        return [p for title in sorted(by_title) for p in by_title[title]]


def number_books(notes: list[NoteResult], config: Config, store: Store, reuse: bool) -> Books:
    """Group the cards by book and give each card its GUID, with the manifest's history; a
    book the store has as it was (``reuse``: no note failed) keeps its GUIDs."""
    by_book: dict[str, list[RenderedCard]] = {}
    for note in notes:
        for r in note.cards:
            by_book.setdefault(r.card.book, []).append(r)
    titles, clashes = distinct_slugs(sorted(by_book), config.out_dir)
    todo, unchanged, numbered = [], {}, {}
    for title in titles:
        slug = book_slug(title)
        deck, manifest = config.out_dir / f"{slug}.apkg", manifest_path(config.out_dir, slug)
        kept = store.book(title, by_book[title], deck, manifest) if reuse else None
        if kept is not None:
            unchanged[title] = kept
            cards = kept.cards
        else:
            history = history_of(load_manifest(manifest, title))
            aligned, warnings = number_guids(by_book[title], history)
            kept = [r for r in aligned if r]
            todo.append(Numbered(title, kept, warnings, by_book[title], aligned))
            cards = aligned
        numbered.update((id(r), n) for r, n in zip(by_book[title], cards, strict=True) if n)
    ordered = [numbered[id(r)] for note in notes for r in note.cards if id(r) in numbered]
    return Books(todo, unchanged, ordered, clashes)


def distinct_slugs(titles: list[str], out_dir: Path) -> tuple[list[str], list[Problem]]:
    """Books whose titles share a file name ("C++ Primer", "C Primer") would overwrite each
    other's deck and share GUIDs: build the one the existing manifest belongs to (else the first
    by title) and report the others."""
    by_slug: dict[str, list[str]] = {}
    for title in titles:
        by_slug.setdefault(book_slug(title), []).append(title)
    kept, errors = [], []
    for slug, group in by_slug.items():
        owner = load_manifest(manifest_path(out_dir, slug), group[0]).book if group[1:] else None
        first = owner if owner in group else group[0]
        kept.append(first)
        for other in group:
            if other != first:
                message = (
                    f"book {other!r} would share {slug}.apkg with {first!r}; rename one of them"
                )
                errors.append(Problem.error("slug-clash", message))
    return sorted(kept), errors


# ---------------------------------------------------------------- decks


def deck_input(book: Numbered, config: Config) -> tuple[str, list[RenderedCard], DeckState]:
    """What ``plan_deck`` needs of a book: its cards and what the last build left."""
    return book.title, book.cards, read_deck_state(config.out_dir, book.title)


@dataclass(frozen=True)
class Written:
    books: tuple[BookResult, ...]
    plans: list[DeckPlan]


def write_decks(
    plans: Iterable[DeckPlan], books: Books, store: Store, failed: tuple[str, ...], config: Config
) -> Written:
    """Write each planned deck (manifest first), remember it, and report every book in title
    order, then the books whose notes are all gone."""
    done, results = [], {}
    for plan, book in zip(plans, books.todo, strict=True):
        write_deck(plan)
        done.append(plan)
        result = results[book.title] = replace(plan.result, cards=tuple(book.cards))
        manifest = manifest_path(config.out_dir, result.slug)
        store.remember_book(book, result.deck_path, manifest)
    results.update({title: kept.result for title, kept in books.unchanged.items()})
    slugs = {book_slug(title) for title in results}
    gone = vanished_books(config.out_dir, slugs, failed) if config.out_dir.is_dir() else ()
    return Written((*(results[t] for t in sorted(results)), *gone), done)


def prepare_output(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: output path exists and is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot create output folder ({exc.strerror})") from None
