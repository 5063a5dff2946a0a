"""The build, top to bottom: read → parse → extract → render → package.

``collect`` runs the first four stages (``preview``, ``check`` and ``stats`` stop there);
``build`` adds packaging: one ``.apkg`` and one manifest per book (``books.package_book``),
written atomically, each changed card stamped newer than the last build so Anki applies the edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from notedeck.build.identity import assign_guids, book_slug
from notedeck.build.note import FreshRender, work_on_file
from notedeck.build.package.deck import (
    build_clock,
    deck_name,
    package_book,
    removed_search,
    vanished_books,
)
from notedeck.build.package.manifest import load_manifest, manifest_path
from notedeck.build.read import read_notes
from notedeck.config import Config
from notedeck.errors import NotedeckError, OutputError
from notedeck.model import BookResult, BuildReport, Card, Document, RenderedCard, Warning_
from notedeck.runtime.runner import MIN_CARDS, MIN_FILES, Workers
from notedeck.runtime.store import BookState, FileCache

__all__ = ["Collected", "build", "collect", "deck_name", "removed_search"]

# parse/extract/render (markdown-it, nh3; filework.py) and package (genanki; books.py) are
# imported where they are used: a rebuild served from the cache, and `notedeck --help`, never
# pay for them.

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
    workers: Workers | None = None,
) -> Collected:
    """Read, parse, extract and render every note; a file that fails is reported, never fatal.
    With ``cache``, unchanged files are only read (so their documents are not in ``documents``:
    preview/check/stats collect without a cache; ``build`` needs no documents at all).
    ``workers``: the build's worker processes, if it has them already."""
    if workers is None:
        with Workers(config.jobs) as own:
            return collect(config, progress, cache, keep_documents, own)
    reading = read_notes(config)
    errors = [_as_warning(e) for e in reading.errors]
    failed = list(reading.failed)
    hits = {source.rel: cache.lookup(source) for source in reading.files} if cache else {}
    misses = [source for source in reading.files if hits.get(source.rel) is None]
    state = (config, keep_documents)
    worked = workers.map(work_on_file, misses, state, len(misses), MIN_FILES)
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
    settled = cache.replay(cards) if cache else None
    if settled is None:
        settled = assign_guids(cards, settled=cache.settled_books(cards) if cache else frozenset())
        if cache:
            cache.settle(*settled)
    cards, guid_warnings = settled
    warnings = [*reading.warnings, *guid_warnings]
    rendered, media = _settle_renders(cards, renders, cache, warnings, errors, failed)
    return Collected(
        tuple(documents),
        tuple(rendered),
        tuple(sorted(media.items())),
        tuple(warnings),
        tuple(errors),
        tuple(dict.fromkeys(failed)),
        len(reading.files),
    )


def _settle_renders(
    cards: list[Card],
    renders: list,
    cache: FileCache | None,
    warnings: list[Warning_],
    errors: list[Warning_],
    failed: list[str],
) -> tuple[list[RenderedCard], dict[str, Path]]:
    """Each card (now with its GUID) with its rendering: fresh from this build, from the cache,
    or an error; cards with a blank side are left out with a warning."""
    rendered, media = [], {}
    for card, done in zip(cards, renders, strict=True):
        if isinstance(done, NotedeckError):  # rendering failed: the file's other cards still build
            errors.append(_as_warning(done))
            failed.append(card.source)
            if cache:
                cache.failed(card.source)
            continue
        if isinstance(done, FreshRender):
            r = done.card
            result = RenderedCard(card, r.front, r.back, r.context, r.source, r.media)
            warnings.extend(done.warnings)
            media.update(done.files)
            if cache and done.blank:
                cache.failed(card.source)  # its warning must show on every build
            elif cache:
                cache.rendered(result, done.warnings, done.files)
            if done.blank:  # e.g. "**term**: -" renders as an empty list: Anki would show nothing
                message = f"skipped a card with a blank side: {card.question!r}"
                warnings.append(Warning_(message, card.source, card.line))
                continue
        else:  # the cache's fields: checked and cleaned when they were rendered
            result = RenderedCard(card, *done)
        rendered.append(result)
    return rendered, media


def _as_warning(exc: NotedeckError) -> Warning_:
    return Warning_(str(exc))


def build(config: Config, progress: Progress | None = None) -> BuildReport:
    with Workers(config.jobs) as workers:
        return _build(config, progress, workers)


def _build(config: Config, progress: Progress | None, workers: Workers) -> BuildReport:
    cache = None if config.dry_run else FileCache(config)
    collected = collect(config, progress, cache, keep_documents=False, workers=workers)
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
    # Biggest book first: in parallel, a big book started last would leave the others idle.
    to_write = sorted((t for t in titles if reused[t] is None), key=lambda t: -len(by_book[t]))
    size = sum(len(by_book[title]) for title in to_write)
    state = (media, config, collected.failed_files, build_clock())
    books_to_write = [(title, by_book[title]) for title in to_write]
    packaged = workers.map(_package, books_to_write, state, size, MIN_CARDS)
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


def _package(
    state: tuple, book: tuple[str, list[RenderedCard]]
) -> tuple[BookResult, list[Warning_]]:
    """Package one book (in a worker process when several books changed).  The result leaves
    out the cards when they are the ones given (the usual case), so they need not travel back."""
    media, config, failed_files, clock = state
    title, cards = book
    result, warnings = package_book(title, cards, media, config, failed_files, clock)
    if [r.card.guid for r in result.cards] == [r.card.guid for r in cards]:
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
