"""The build, top to bottom: read → parse → extract → render → package.

``collect`` runs the first four stages (``preview``, ``check`` and ``stats`` stop there);
``build`` adds packaging: one ``.apkg`` and one manifest per book (``books.package_book``),
written atomically, each changed card stamped newer than the last build so Anki applies the edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from .books import build_clock, deck_name, package_book, removed_search, vanished_books
from .cache import BookState, FileCache
from .config import Config
from .errors import NotedeckError, NoteError, OutputError, debugging
from .identity import assign_guids, book_slug
from .manifest import load_manifest, manifest_path
from .model import (
    BookResult,
    BuildReport,
    Card,
    Document,
    RenderedCard,
    SourceFile,
    Warning_,
)
from .reader import read_notes
from .workers import MIN_CARDS, MIN_FILES, ordered_map, worker_count

__all__ = ["Collected", "build", "collect", "deck_name", "removed_search"]

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
    config: Config,
    progress: Progress | None = None,
    cache: FileCache | None = None,
    keep_documents: bool = True,
) -> Collected:
    """Read, parse, extract and render every note; a file that fails is reported, never fatal.
    With ``cache``, unchanged files are only read (so their documents are not in ``documents``:
    preview/check/stats collect without a cache).  ``build`` needs no documents: not keeping
    them spares a big build from sending every parse tree back from the worker processes."""
    reading = read_notes(config)
    errors = [_as_warning(e) for e in reading.errors]
    failed = list(reading.failed)
    hits = {source.rel: cache.lookup(source) for source in reading.files} if cache else {}
    misses = [source for source in reading.files if hits.get(source.rel) is None]
    workers = worker_count(config.jobs, len(misses), len(misses), MIN_FILES)
    state = (config, misses, keep_documents)
    worked = ordered_map(_work_on_file, range(len(misses)), workers, state)
    documents, cards, renders = [], [], []
    for n, source in enumerate(reading.files):
        if progress:
            progress(source.rel, n, len(reading.files))
        hit = hits.get(source.rel)
        if hit is not None:
            cards.extend(hit.cards)
            renders.extend(hit.fields)
            continue
        work = next(worked)
        if work.error is not None:
            errors.append(_as_warning(work.error))
            failed.append(source.rel)
            if cache:
                cache.failed(source.rel)
            continue
        if work.document is not None:
            documents.append(work.document)
        cards.extend(work.cards)
        renders.extend(work.renders)
        if cache:
            cache.extracted(source, list(work.cards))
    next(worked, None)  # every file is in: this runs the pool to its end, the workers exit
    settled = cache.replay(cards) if cache else None
    if settled is None:
        settled = assign_guids(cards)
        if cache:
            cache.settle(*settled)
    cards, warnings = settled
    warnings = [*reading.warnings, *warnings]
    rendered, media = [], {}
    for card, done in zip(cards, renders, strict=True):
        if isinstance(done, NotedeckError):  # rendering failed: the file's other cards still build
            errors.append(_as_warning(done))
            failed.append(card.source)
            if cache:
                cache.failed(card.source)
            continue
        if isinstance(done, FreshRender):
            result, card_warnings, files = replace(done.card, card=card), done.warnings, done.files
            if cache:
                cache.rendered(result, card_warnings, files)
        else:  # the cache's rendered fields
            result, card_warnings, files = RenderedCard(card, *done), [], {}
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


@dataclass(frozen=True)
class FreshRender:
    """One card rendered this build (before its GUID is known: rendering never depends on it)."""

    card: RenderedCard
    warnings: list[Warning_]
    files: dict[str, Path]


@dataclass(frozen=True)
class FileWork:
    """What one note file gave: its cards and, aligned, each card's rendering (or why it
    failed) — or the error that stopped the whole file."""

    document: Document | None
    cards: tuple[Card, ...] = ()
    renders: tuple[FreshRender | NotedeckError, ...] = ()
    error: NotedeckError | None = None


def _work_on_file(state: tuple[Config, list[SourceFile], bool], index: int) -> FileWork:
    """Parse, extract and render one note (in a worker process when the build is big)."""
    config, sources, keep_documents = state
    source = sources[index]
    try:
        document, cards = _parse_and_extract(source, config)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        return FileWork(None, error=file_error(source.rel, exc))
    renders = []
    for card in cards:
        try:
            renders.append(FreshRender(*_render(card, config)))
        except Exception as exc:  # noqa: BLE001 - the file's other cards still build
            renders.append(file_error(card.source, exc, card.line))
    return FileWork(document if keep_documents else None, tuple(cards), tuple(renders))


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
    collected = collect(config, progress, cache, keep_documents=False)
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
    reused = {title: _reuse(title, by_book[title], config, books) for title in titles}
    to_write = [title for title in titles if reused[title] is None]
    size = sum(len(by_book[title]) for title in to_write)
    workers = worker_count(config.jobs, len(to_write), size, MIN_CARDS)
    state = (by_book, media, config, collected.failed_files, build_clock())
    packaged = ordered_map(_package, to_write, workers, state)
    if cache:
        cache.save()  # while the workers package (if there are workers)
    written = {t: _with_cards(done, by_book[t]) for t, done in zip(to_write, packaged, strict=True)}
    for title in titles:
        result, book_warnings = reused[title] or written[title]
        if books and reused[title] is None:
            books.remember(title, result, manifest_path(config.out_dir, result.slug))
        results.append(result)
        warnings.extend(book_warnings)
    slugs = {book_slug(title) for title in by_book}
    results.extend(vanished_books(config.out_dir, slugs, collected.failed_files))
    if books:
        books.save()
    errors = (*collected.errors, *clashes)
    return BuildReport(tuple(results), tuple(warnings), errors, collected.files)


def _reuse(
    title: str, cards: list[RenderedCard], config: Config, books: BookState | None
) -> tuple[BookResult, list[Warning_]] | None:
    """The book as last built, when its inputs and files are as last left (no manifest load,
    no packaging), else None."""
    if not books:
        return None
    slug = book_slug(title)
    deck, manifest = config.out_dir / f"{slug}.apkg", manifest_path(config.out_dir, slug)
    result = books.reuse(title, slug, cards, deck, manifest)
    return None if result is None else (result, [])


def _package(state: tuple, title: str) -> tuple[BookResult, list[Warning_]]:
    """Package one book (in a worker process when several books changed).  The result leaves
    out the cards when they are the ones given (the usual case), so they need not travel back."""
    by_book, media, config, failed_files, clock = state
    result, warnings = package_book(title, by_book[title], media, config, failed_files, clock)
    if [r.card.guid for r in result.cards] == [r.card.guid for r in by_book[title]]:
        result = replace(result, cards=())
    return result, warnings


def _with_cards(
    packaged: tuple[BookResult, list[Warning_]], cards: list[RenderedCard]
) -> tuple[BookResult, list[Warning_]]:
    result, warnings = packaged
    if not result.cards:
        result = replace(result, cards=tuple(cards))
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
