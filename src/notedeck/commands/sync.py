"""``notedeck sync``: build, then put every deck into Anki — one command from notes to Anki.

Two ways in, with the same identity rules as File → Import (notes matched by GUID, edits
applied, no duplicates, scheduling and review history kept): a running Anki through the
AnkiConnect add-on (its ``importPackage`` action with the built file), or, with Anki closed, the
collection file itself through Anki's own engine (``ankicollection.py``).

Import never deletes, so ``--prune`` deletes the notes that left the notes: the cards sync put
into this Anki before (``synced.py``) that the build no longer makes, found by GUID in a
collection file, and through AnkiConnect by the removed-card search (Anki has no GUID search)
checked against each found note's fields.  They are listed and the user is asked first;
``--yes`` is for scripts.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from notedeck.build.package.manifest import load_manifest, manifest_path
from notedeck.commands.ankiconnect import AnkiConnect, SyncError
from notedeck.commands.synced import Known, SyncedCards
from notedeck.commands.terminal import (
    echo,
    no_cards_message,
    print_book,
    problem_lines,
    progress_for,
)

SEARCH_CHUNK = 50  # removed-card searches per findNotes request


@dataclass(frozen=True)
class SyncOptions:
    notes_dir: Path
    out_dir: Path
    collection: Path | None
    url: str
    prune: bool
    yes: bool
    verbose: bool = False
    quiet: bool = False
    jobs: int | None = None


# ---------------------------------------------------------------- targets


class ConnectTarget:
    """A running Anki, through AnkiConnect."""

    def __init__(self, url: str):
        self.client = AnkiConnect(url)
        self.key = f"ankiconnect:{url}"
        self.label = f"Anki (AnkiConnect at {self.client.where})"

    def __enter__(self) -> ConnectTarget:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def check(self) -> None:
        self.client.check()

    def import_deck(self, path: Path) -> str:
        self.client.import_package(path.resolve())
        return f"imported {path}"

    def locate(self, pending: dict[str, Known], current: dict[str, Known]) -> dict[str, list[int]]:
        """Note IDs per pending GUID: the removed-card search, then only notes of notedeck's
        note types whose first and Source fields are those of the removed card and of no card
        the notes still make (those are the same text, so they cannot be told apart)."""
        from notedeck.build.package.apkg import note_search

        ids: list[int] = []
        items = list(pending.values())
        for start in range(0, len(items), SEARCH_CHUNK):
            chunk = items[start : start + SEARCH_CHUNK]
            query = " OR ".join(note_search(k.note_type, (k.first, k.source)) for k in chunk)
            ids += self.client.find_notes(query)
        if not ids:
            return {}
        wanted = {(k.first, k.source): guid for guid, k in pending.items()}
        still = {(k.first, k.source) for k in current.values()}
        found: dict[str, list[int]] = {}
        for note in self.client.notes_info(sorted(set(ids))):
            fields = note.get("fields") or {}
            if not str(note.get("modelName", "")).startswith("notedeck ") or not fields:
                continue
            ordered = sorted(fields.values(), key=lambda f: f.get("order", 0))
            pair = (ordered[0].get("value"), (fields.get("Source") or {}).get("value"))
            if pair in wanted and pair not in still:
                found.setdefault(wanted[pair], []).append(int(note["noteId"]))
        return found

    def delete(self, ids: list[int]) -> None:
        self.client.delete_notes(ids)


class CollectionTarget:
    """A collection file, written with Anki's engine while Anki is closed."""

    def __init__(self, path: Path):
        from notedeck.commands.ankicollection import collection_file

        self.path = collection_file(path)
        self.key = f"collection:{self.path.resolve()}"
        self.label = str(self.path)
        self.col = None

    def __enter__(self) -> CollectionTarget:
        from notedeck.commands.ankicollection import AnkiCollection

        self.col = AnkiCollection(self.path)
        return self

    def __exit__(self, *exc) -> None:
        if self.col is not None:
            self.col.__exit__(*exc)
            self.col = None

    def check(self) -> None:
        with self:  # the engine is there, the file is a collection and Anki is not using it
            pass

    def import_deck(self, path: Path) -> str:
        done = self.col.import_package(path)
        line = f"{done.new} new, {done.updated} updated, {done.unchanged} unchanged"
        if done.conflicting:
            line += (
                f"; {done.conflicting} not updated: their note type was changed in Anki "
                "(see 'notedeck sync' in the README)"
            )
        return line

    def locate(self, pending: dict[str, Known], current: dict[str, Known]) -> dict[str, list[int]]:
        return {g: [nid] for g, nid in self.col.notes_by_guid(list(pending)).items()}

    def delete(self, ids: list[int]) -> None:
        self.col.delete_notes(ids)


def make_target(options: SyncOptions):
    if options.collection is not None:
        return CollectionTarget(options.collection)
    return ConnectTarget(options.url)


# ---------------------------------------------------------------- the command


def run_sync(options: SyncOptions, debug: bool = False) -> int:
    """Build, sync, maybe prune; the exit code (errors of notes are 1, as for build)."""
    from notedeck.commands.cli import EXIT_PROBLEMS, run_library
    from notedeck.config import load_config
    from notedeck.pipeline import build

    target = run_library(make_target, options, debug=debug)
    run_library(target.check, debug=debug)  # Anki unreachable: say so before building
    config = run_library(
        load_config, options.notes_dir, options.out_dir, jobs=options.jobs, debug=debug
    )
    before = built_cards(options.out_dir)  # what the last build wrote, removed cards included
    progress = progress_for(options.quiet)
    try:
        report = run_library(build, config, progress, debug=debug)
    finally:
        progress.close()
    _print_build(report, options)
    run_library(_sync_books, report, before, target, options, debug=debug)
    return EXIT_PROBLEMS if report.errors else 0


def _print_build(report, options: SyncOptions) -> None:
    if not options.quiet:
        for book in report.books:
            print_book(book, options.verbose, dry_run=False, removed_hint=False)
        if not report.books:
            echo(no_cards_message(options.notes_dir, report))
        for line in problem_lines(report.warnings, "warning", options.verbose):
            echo(line, err=True)
    for line in problem_lines(report.errors, "error", options.verbose, each_up_to=10):
        echo(line, err=True)


def _sync_books(report, before: dict[str, Known], target, options: SyncOptions) -> None:
    synced = SyncedCards(options.out_dir)
    with target:
        if not options.quiet:
            echo(f"Syncing into {target.label}:")
        current: dict[str, dict[str, Known]] = {}
        pending: dict[str, dict[str, Known]] = {}
        for book in report.books:
            if book.cards and book.deck_path is not None and book.deck_path.is_file():
                line = target.import_deck(book.deck_path)
                if not options.quiet:
                    echo(f"  {book.title}: {line}")
            cards = current[book.title] = deck_cards(book, options.out_dir)
            gone = synced.book(target.key, book.title)
            gone.update((c.guid, before[c.guid]) for c in book.removed if c.guid in before)
            pending[book.title] = {g: k for g, k in gone.items() if g not in cards}
        everything = {g: k for cards in current.values() for g, k in cards.items()}
        flat = {g: k for cards in pending.values() for g, k in cards.items()}
        located = target.locate(flat, everything) if flat else {}
        still = _prune(target, located, flat, options) if located else set()
        for title, cards in current.items():
            left = {g: k for g, k in pending[title].items() if g in still}
            synced.remember(target.key, title, {**cards, **left})
        synced.save()


def _known(entry) -> Known:
    return Known(entry.question, entry.source, entry.note_type, entry.fields[0], entry.fields[-1])


def deck_cards(book, out_dir: Path) -> dict[str, Known]:
    """The cards the book's deck holds now, from its manifest (so with the cards a failed note
    kept); none for a book whose notes are all gone."""
    if not book.cards:
        return {}
    manifest = load_manifest(manifest_path(out_dir, book.slug), book.title)
    return {guid: _known(entry) for guid, entry in manifest.entries.items()}


def built_cards(out_dir: Path) -> dict[str, Known]:
    """Every card of every manifest in ``out_dir``, by GUID: read before the build overwrites
    them, it is how the fields of a card the build removes are known."""
    cards: dict[str, Known] = {}
    for path in sorted(out_dir.glob("*.notedeck.json")) if out_dir.is_dir() else ():
        manifest = load_manifest(path, path.name.removesuffix(".notedeck.json"))
        cards.update((guid, _known(entry)) for guid, entry in manifest.entries.items())
    return cards


def _prune(target, located: dict[str, list[int]], pending: dict[str, Known], options) -> set[str]:
    """List the notes that left the notes, ask (unless --yes) and delete them; the GUIDs still
    in Anki afterwards."""
    count = sum(len(ids) for ids in located.values())
    notes = f"{count} note{'s' * (count != 1)}"
    if not options.prune:
        if options.quiet:
            return set(located)
        them = "them" if count != 1 else "it"
        echo(
            f"{notes} left your notes but {'are' if count != 1 else 'is'} still in Anki; "
            f"`notedeck sync --prune` deletes {them} (it lists {them} and asks first)"
        )
        return set(located)
    echo(f"{notes} left your notes but {'are' if count != 1 else 'is'} still in Anki:")
    for guid in sorted(located, key=lambda g: (pending[g].location, pending[g].question)):
        echo(f"  − {pending[guid].question}  ({pending[guid].location})")
    if not options.yes:
        question = f"Delete {'them' if count != 1 else 'it'} from Anki, with the review history?"
        echo(f"{question} [y/N]: ", nl=False)
        answer = sys.stdin.readline()  # Ctrl-C here is an interrupt (exit 130), as ever
        if not answer:
            echo()
            message = "nothing deleted: no answer (pass --yes to delete without asking)"
            raise SyncError(message)
        if answer.strip().lower() not in ("y", "yes"):
            echo("Nothing deleted.")
            return set(located)
    target.delete(sorted(i for ids in located.values() for i in ids))
    echo(f"Deleted {notes} from Anki.")
    return set()
