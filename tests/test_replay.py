"""A no-change rebuild is replayed from the store's record (``runtime.replay``): the same report
as the full path gives, without opening the pack; anything changed is no replay."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from conftest import build_notes
from notedeck.commands.cli import main
from notedeck.errors import OutputError
from notedeck.runtime import index as index_module
from notedeck.runtime import pack as pack_module
from notedeck.runtime.replay import RECORD_NAME, StoredCards
from notedeck.runtime.store import CACHE_DIR, PACK_NAME


@pytest.fixture
def notes(shipped_notes, monkeypatch):
    """The shipped notes, one with a duplicated question (a warning every build reports); the
    read index trusts files however young (a file changed in the last seconds is always read)."""
    monkeypatch.setattr(index_module, "RACY_NS", -(10**19))
    chapter = next(iter(sorted(shipped_notes.rglob("*.md"))))
    chapter.write_text(
        chapter.read_text(encoding="utf-8") + "\n**Zzdup ledger**: one.\n\n**Zzdup ledger**: two.\n"
    )
    return shipped_notes


@pytest.fixture
def packs_opened(monkeypatch):
    opened = []
    real = pack_module.Pack.__init__

    def counting(self, path, salt):
        opened.append(path)
        real(self, path, salt)

    monkeypatch.setattr(pack_module.Pack, "__init__", counting)
    return opened


def _record(notes):
    return notes.parent / "decks" / CACHE_DIR / RECORD_NAME


def _full_path_report(notes):
    """What the build without the record (the store's usual path) reports."""
    _record(notes).rename(_record(notes).with_suffix(".aside"))
    try:
        return build_notes(notes)
    finally:
        _record(notes).with_suffix(".aside").rename(_record(notes))


def test_a_no_change_rebuild_is_replayed_without_opening_the_pack(notes, packs_opened):
    first = build_notes(notes)
    assert first.warnings and _record(notes).is_file()
    packs_opened.clear()
    again = build_notes(notes)
    assert packs_opened == [], "nothing decoded to report an unchanged build"
    assert all(isinstance(book.cards, StoredCards) for book in again.books)
    assert not any(book.written or book.added or book.changed for book in again.books)
    usual = _full_path_report(notes)
    assert packs_opened, "the usual path reads the pack"
    assert again == usual  # books with their cards and GUIDs, warnings in order, errors
    assert [b.kinds for b in again.books] == [b.kinds for b in first.books]
    assert [tuple(b.cards) for b in again.books] == [b.cards for b in first.books]


def test_a_replayed_book_decodes_its_cards_only_when_they_are_read(notes, packs_opened):
    build_notes(notes)
    packs_opened.clear()
    book = build_notes(notes).books[0]
    assert len(book.cards) > 0 and packs_opened == []
    first = book.cards[0]
    assert first.card.guid and len(packs_opened) == 1
    assert list(book.cards)[0] is first and len(packs_opened) == 1  # decoded once


def test_a_replayed_book_whose_cache_went_away_is_a_clear_error(notes):
    build_notes(notes)
    book = build_notes(notes).books[0]
    (notes.parent / "decks" / CACHE_DIR / PACK_NAME).unlink()
    with pytest.raises(OutputError, match="build again"):
        list(book.cards)


@pytest.mark.parametrize("change", ["note", "deck", "record", "new-note"])
def test_anything_changed_is_no_replay(notes, packs_opened, change):
    build_notes(notes)
    decks = notes.parent / "decks"
    if change == "note":
        path = notes / "introducing-mlops" / "ch01-why-now-and-challenges.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n**Zznew term**: a new idea.\n")
    elif change == "deck":
        deck = next(iter(sorted(decks.glob("*.apkg"))))
        os.utime(deck, ns=(1, 1))
    elif change == "record":
        _record(notes).write_bytes(b"not marshal data")
    else:
        (notes / "introducing-mlops" / "zz-extra.md").write_text(
            "# Extra\n\nA **zzwidget** is a small part of a bigger machine.\n"
        )
    packs_opened.clear()
    report = build_notes(notes)
    assert packs_opened, "the usual path ran"
    assert not any(isinstance(book.cards, StoredCards) for book in report.books)
    if change in ("note", "new-note"):
        assert any(book.added for book in report.books)
    assert _record(notes).is_file(), "the usual path leaves a record for the next build"


def test_the_cli_prints_the_same_summary_when_replayed(notes):
    args = ["build", str(notes), "-o", str(notes.parent / "decks"), "--json"]
    runner = CliRunner()
    first = json.loads(runner.invoke(main, args).output)
    again = json.loads(runner.invoke(main, args).output)
    assert [(b["title"], b["cards"], b["kinds"]) for b in again["books"]] == [
        (b["title"], b["cards"], b["kinds"]) for b in first["books"]
    ]
    assert not any(b["written"] for b in again["books"])


def test_a_moved_output_folder_replays_with_its_new_paths(notes):
    build_notes(notes)
    moved = notes.parent / "moved-decks"
    (notes.parent / "decks").rename(moved)
    report = build_notes(notes, moved)
    assert all(isinstance(book.cards, StoredCards) for book in report.books)
    assert all(book.deck_path.parent == moved for book in report.books)


def test_a_file_that_fails_to_read_again_is_replayed_with_its_error(notes, packs_opened):
    (notes / "introducing-mlops" / "broken.md").write_bytes(b"# Broken\n\n\xff\xfe not text\n")
    first = build_notes(notes)
    assert first.errors and first.errors[0].source.endswith("broken.md")
    packs_opened.clear()
    again = build_notes(notes)
    assert packs_opened == [] and all(isinstance(b.cards, StoredCards) for b in again.books)
    assert again.errors == first.errors and again == _full_path_report(notes)
    (notes / "introducing-mlops" / "broken.md").write_text("# Fixed\n\nA **zzfixed** note.\n")
    assert not build_notes(notes).errors, "once it reads, the usual path runs"
