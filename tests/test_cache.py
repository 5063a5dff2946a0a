"""The build cache never changes results: cached and uncached builds give identical cards and GUIDs,
and anything a file's cards depend on (text, options, book.yaml, notedeck version, images)
invalidates its entry."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import AnkiCollection, build_notes
from hypothesis_profiles import DEADLINE
from notedeck.build import note as filework
from notedeck.build.read import read_notes
from notedeck.config import load_config
from notedeck.model import Card, RenderedCard
from notedeck.pipeline import build, collect
from notedeck.runtime import entries
from notedeck.runtime import index as index_module
from notedeck.runtime import store as cache_module
from notedeck.runtime.entries import CARD_FIELDS
from notedeck.runtime.pack import MAGIC, Pack
from notedeck.runtime.store import Store
from test_properties import ROUTING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000020001e221bc330000000049454e44ae426082"
)


def _cards(config, with_cache: bool):
    """(collected cards as comparable tuples, the cache used)."""
    cache = Store(config) if with_cache else None
    collected = collect(config, store=cache)
    return [(r.card, r.front, r.back, r.context, r.source, r.media) for r in collected.cards], cache


@pytest.fixture
def notes(shipped_notes):
    """The shipped notes plus a few synthetic chapters (one with a duplicated question)."""
    corpus.generate(shipped_notes / "synthetic", 3)
    dup = shipped_notes / "synthetic" / "book-000" / "ch03.md"
    dup.write_text(
        dup.read_text(encoding="utf-8")
        + "\n**Zzdup ledger**: first.\n\n**Zzdup ledger**: second.\n"
    )
    return shipped_notes


def test_cached_build_gives_identical_cards_and_guids(notes):
    config = load_config(notes, notes.parent / "decks")
    first = build_notes(notes)
    uncached, _ = _cards(config, with_cache=False)
    cached, cache = _cards(config, with_cache=True)
    assert cache.hits == first.files and cache.hits > 5
    assert cached == uncached
    assert {r.card.guid for b in first.books for r in b.cards} == {c[0].guid for c in cached}
    again = build_notes(notes)
    assert [b.cards for b in again.books] == [b.cards for b in first.books]
    assert not any(b.written or b.added or b.changed or b.removed for b in again.books)
    assert again.warnings == first.warnings  # the duplicate question is reported every time


def test_guids_follow_clashes_across_added_and_removed_files(notes):
    """GUIDs of unchanged files can change when another file adds a clash; replaying the last
    build's GUIDs must only happen when every file is as it was."""
    config = load_config(notes, notes.parent / "decks")
    clash = notes / "synthetic" / "book-000" / "ch00.md"
    steps = [
        lambda: clash.write_text("# Extra\n\n**Zzdup ledger**: an earlier one.\n"),
        clash.unlink,
    ]
    build_notes(notes)
    for step in [*steps, *steps]:
        step()
        expected, _ = _cards(config, with_cache=False)
        build_notes(notes)
        cached, cache = _cards(config, with_cache=True)
        assert cache.hits == len(cache.keys)  # every file cached
        assert cache.books_reused  # and its books' GUIDs replayed
        assert cached == expected


def test_editing_one_file_reparses_only_that_file(notes):
    build_notes(notes)
    path = notes / "synthetic" / "book-000" / "ch02.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("the component that", "the part that", 1)
    )
    config = load_config(notes, notes.parent / "decks")
    cached, cache = _cards(config, with_cache=True)
    assert len(cache.fresh) == 1
    assert cached == _cards(config, with_cache=False)[0]
    report = build_notes(notes)
    changed = [c for b in report.books for c in b.changed]
    assert len(changed) == 1 and changed[0].source.startswith("synthetic/book-000/ch02.md")
    assert [b.written for b in report.books].count(True) == 1


@pytest.mark.parametrize(
    "edit",
    [
        lambda root: (root / "notedeck.yaml").write_text(
            (root / "notedeck.yaml").read_text() + "reverse_definitions: true\n"
        ),
        lambda root: (root / "introducing-mlops" / "book.yaml").write_text(
            "title: Introducing MLOps 2e\n"
        ),
        lambda root: (root / "synthetic" / "book-000" / "ch01.md").write_text(
            "---\nnotedeck:\n  tags: [extra]\n---\n"
            + (root / "synthetic" / "book-000" / "ch01.md").read_text(encoding="utf-8")
        ),
    ],
    ids=["notedeck.yaml", "book.yaml", "front matter"],
)
def test_config_changes_invalidate_the_cache(notes, edit):
    build_notes(notes)
    edit(notes)
    config = load_config(notes, notes.parent / "decks")
    cached, cache = _cards(config, with_cache=True)
    assert cache.fresh  # something was parsed again
    assert cached == _cards(config, with_cache=False)[0]


def test_a_new_notedeck_version_invalidates_every_entry(notes, monkeypatch):
    build_notes(notes)
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    _, cache = _cards(load_config(notes, notes.parent / "decks"), with_cache=True)
    assert cache.hits == 0


def test_corrupt_or_foreign_cache_entries_are_misses(notes):
    first = build_notes(notes)
    pack = notes.parent / "decks" / ".cache" / "pack"
    data = bytearray(pack.read_bytes())
    data[-len(data) // 3 :] = b"\x00" * (len(data) // 3)  # the last entries' bytes trashed
    pack.write_bytes(bytes(data))
    (notes.parent / "decks" / ".cache" / "books.json").write_text("[not, json")
    again = build_notes(notes)
    assert [b.cards for b in again.books] == [b.cards for b in first.books]
    assert not any(b.added or b.changed or b.removed for b in again.books)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # torn: the header names bytes that are not there
        lambda data: MAGIC + b"\xff" * 40,  # a header that is not marshal data
        lambda data: b"PK\x03\x04" + data,  # a foreign file
        lambda data: b"",
    ],
)
def test_a_damaged_pack_is_a_miss_and_is_rewritten(notes, damage):
    first = build_notes(notes)
    pack = notes.parent / "decks" / ".cache" / "pack"
    pack.write_bytes(damage(pack.read_bytes()))
    config = load_config(notes, notes.parent / "decks")
    cards, cache = _cards(config, with_cache=True)
    assert cache.hits == 0 and cards == _cards(config, with_cache=False)[0]
    again = build_notes(notes)
    assert [b.cards for b in again.books] == [b.cards for b in first.books]
    _, cache = _cards(config, with_cache=True)
    assert cache.hits == len(cache.keys)  # the rebuilt pack serves every note


def test_a_pack_of_other_settings_is_not_used(notes):
    build_notes(notes)
    pack = Pack(notes.parent / "decks" / ".cache" / "pack", "another salt")
    assert not list(pack.keys())


def test_one_edited_note_keeps_the_other_entries_and_drops_its_old_one(notes):
    config = load_config(notes, notes.parent / "decks")
    build_notes(notes)
    path = notes.parent / "decks" / ".cache" / "pack"
    before = set(Pack(path, Store(config).salt).keys())
    note = sorted(notes.rglob("*.md"))[0]
    note.write_text(note.read_text() + "\n**Quorum**: a majority of the replicas.\n")
    build_notes(notes)
    after = set(Pack(path, Store(config).salt).keys())
    assert len(after) == len(before) and len(after - before) == 1


def test_the_folder_of_older_versions_is_removed(notes):
    legacy = notes.parent / "decks" / ".cache" / "files"
    legacy.mkdir(parents=True)
    (legacy / ("0" * 64)).write_bytes(b"old entry")
    build_notes(notes)
    assert not legacy.exists()


def test_notes_with_images_are_cached_and_an_edited_image_is_a_miss(notes_tree, tmp_path):
    root = notes_tree(
        {
            "book.yaml": "title: Pictures\n",
            "ch1.md": "# Diagrams\n\n**Lambda**: a batch and a speed layer. ![](fig.png)\n",
        }
    )
    (root / "fig.png").write_bytes(PNG)
    config = load_config(root, tmp_path / "decks")
    first = build_notes(root)
    _, cache = _cards(config, with_cache=True)
    assert cache.hits == 1  # the note and its image unchanged: served from the cache
    (root / "fig.png").write_bytes(PNG + b"changed")
    _, cache = _cards(config, with_cache=True)
    assert cache.hits == 0  # the image changed: processed again
    second = build_notes(root)
    (before,), (after,) = first.books[0].cards, second.books[0].cards
    assert before.media and after.media and before.media != after.media  # new content, name
    assert after.media[0] in after.back
    assert second.books[0].written  # the book is not replayed from the cache either
    assert _deck_media(second.books[0].deck_path) == list(after.media)


def test_a_note_whose_image_is_missing_is_rebuilt_once_the_image_appears(notes_tree, tmp_path):
    root = notes_tree(
        {
            "book.yaml": "title: Pictures\n",
            "ch1.md": "# Diagrams\n\n**Lambda**: a batch and a speed layer. ![](fig.png)\n",
        }
    )
    build_notes(root)  # fig.png is missing: a warning, and the card without it
    config = load_config(root, tmp_path / "decks")
    _, cache = _cards(config, with_cache=True)
    assert cache.hits == 1  # nothing changed: the note, its warning and all, from the cache
    (root / "fig.png").write_bytes(PNG)  # it appears: the next build must find it
    again = build_notes(root)
    (card,) = again.books[0].cards
    assert card.media and card.media[0] in card.back


def _deck_media(deck) -> list[str]:
    import json
    import zipfile

    with zipfile.ZipFile(deck) as z:
        return sorted(json.loads(z.read("media")).values())


def test_deleted_deck_is_written_again(notes):
    first = build_notes(notes)
    deck = first.books[0].deck_path
    deck.unlink()
    again = build_notes(notes)
    assert deck.exists() and again.books[0].written


def test_cached_rebuild_after_an_edit_imports_into_anki(notes, tmp_path):
    build_notes(notes)
    path = notes / "synthetic" / "book-000" / "ch01.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("the component that", "the part that", 1)
    )
    report = build_notes(notes)
    book = next(b for b in report.books if b.written)
    col = AnkiCollection(tmp_path / "col.anki2")
    try:
        col.import_apkg(book.deck_path)
        answers = [answer for _, _, answer, _ in col.rendered()]
        assert len(answers) == len(book.cards)
        assert sum("the part that" in a for a in answers) == 1
    finally:
        col.close()


def test_dry_run_neither_reads_nor_writes_the_cache(notes):
    report = build_notes(notes, dry_run=True)
    assert report.books and not (notes.parent / "decks").exists()


def test_cache_rows_match_the_card_fields():
    names = [f.name for f in fields(Card)]
    assert len(names) == CARD_FIELDS + 1 and names[-1] == "guid"


def test_a_stored_card_is_the_card_the_constructors_build():
    row = ("definition", "What is a shard?", "A part.", "shard", "Book", "3", ("Ch",), "a.md", 4)
    row += (("t",), "basic", "bold-is", "0123abcd", "<p>Q</p>", "<p>A</p>", "Ch", "a.md:4", ())
    built = RenderedCard(Card(*row[: CARD_FIELDS + 1]), *row[CARD_FIELDS + 1 :])
    stored = entries.card_of_row(row)
    assert stored == built and hash(stored) == hash(built) and stored.card.guid == "0123abcd"


def test_stored_cards_come_back_with_the_guid_they_were_given(notes):
    first = build_notes(notes)
    config = load_config(notes, notes.parent / "decks")
    store = Store(config)
    stored, outdated = store.split(read_notes(config).files)
    assert not outdated
    guids = {c.guid for r in stored.values() for c in (x.card for x in r.cards)} - {""}
    assert guids == {c.guid for b in first.books for c in (r.card for r in b.cards)}


def test_help_and_unchanged_rebuilds_skip_the_heavy_imports(notes):
    build_notes(notes)
    probe = (
        "import sys\nfrom notedeck.config import load_config\nfrom notedeck.pipeline import build\n"
        "from notedeck.commands.cli import main\n"
        f"build(load_config({str(notes)!r}, {str(notes.parent / 'decks')!r}))\n"
        "heavy = ('genanki', 'markdown_it', 'nh3', 'pygments')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_file_whose_cards_did_not_all_render_is_not_cached(notes, monkeypatch):
    """If rendering one card fails (the build reports it), the file must fail again next time
    instead of coming back from the cache without that card."""
    config = load_config(notes, notes.parent / "decks")
    real = filework._render

    def flaky(card, cfg):
        if card.source.endswith("ch02.md") and card.line > 40:
            raise RuntimeError("render bug")
        return real(card, cfg)

    monkeypatch.setattr(filework, "_render", flaky)
    cache = Store(config)
    collected = collect(config, store=cache)  # reported for that file, the build goes on
    assert any("ch02.md" in str(e) and "render bug" in str(e) for e in collected.errors)
    cache.save()
    rels = list(cache.fresh)
    written = set(Pack(notes.parent / "decks" / ".cache" / "pack", cache.salt).keys())
    assert written == {cache.keys[rel] for rel in rels}
    assert rels and not any(rel.endswith("ch02.md") for rel in rels)


# ---------------------------------------------------------------- GUIDs across edits

TERM_LINES = st.lists(
    st.tuples(st.sampled_from(["Ledger", "Shard"]), st.integers(0, 2)), min_size=1, max_size=3
)
SECTIONS = st.lists(st.tuples(st.sampled_from(["PB", "OB"]), TERM_LINES), min_size=1, max_size=2)
NOTES = st.tuples(SECTIONS, *[st.one_of(st.none(), SECTIONS)] * 2)  # None: the file is deleted
LEDGER, SHARD = ("PB", [("Ledger", 0)]), ("PB", [("Shard", 0)])


def _note_text(sections) -> str:
    lines = ["# Log", ""]
    for alias, definitions in sections:
        lines += [f"## {alias}", ""]
        lines += [f"- **{term}**: meaning number {n} of it." for term, n in definitions]
        lines.append("")
    return "\n".join(lines)


@settings(max_examples=max(40, settings.default.max_examples // 4), deadline=DEADLINE)
@given(st.lists(NOTES, min_size=2, max_size=4))
@example([([SHARD], [LEDGER], [LEDGER]), ([SHARD], None, [LEDGER])]).via("twin deleted")
@example([([SHARD], [LEDGER], None), ([SHARD], [("OB", [("Ledger", 0)])], None)]).via("moved")
def test_cached_guids_after_any_edits_are_those_of_a_fresh_build(states):
    """Files that define the same terms for two books, edited, moved between books and
    deleted from build to build: the cached build (replayed or per-book settled GUIDs) gives
    exactly the cards, GUIDs and warnings of a build without a cache.  (A card whose twin
    is deleted keeps ``key#2``: an unchanged rebuild never moves a card to another GUID.)"""
    _check_edits_against_fresh_builds(states)


@settings(max_examples=max(20, settings.default.max_examples // 8), deadline=DEADLINE)
@given(st.lists(NOTES, min_size=2, max_size=4))
def test_the_same_with_every_file_in_the_read_index(states):
    """As above, with the read index taking every file (its two-second guard for files written
    just now off; each write gets its own mtime), so unchanged files are not read at all."""
    stamps = iter(range(1_500_000_000 * 10**9, 1_600_000_000 * 10**9, 10**9))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "RACY_NS", -(10**19))
        _check_edits_against_fresh_builds(states, stamps)


def _check_edits_against_fresh_builds(states, stamps=None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        notes_dir, out = Path(tmp) / "notes", Path(tmp) / "decks"
        notes_dir.mkdir()
        (notes_dir / "notedeck.yaml").write_text(ROUTING, encoding="utf-8")
        config = load_config(notes_dir, out)
        for state in states:
            for n, note in enumerate(state):
                path = notes_dir / f"log{n}.md"
                if note is None:
                    path.unlink(missing_ok=True)
                else:
                    text = _note_text(note)
                    if stamps is None or not path.exists() or path.read_text() != text:
                        path.write_text(text, encoding="utf-8")
                        if stamps is not None:
                            stamp = next(stamps)
                            os.utime(path, ns=(stamp, stamp))
            cached = collect(config, store=Store(config))
            fresh = collect(config)
            assert [(r.card, r.front, r.back) for r in cached.cards] == [
                (r.card, r.front, r.back) for r in fresh.cards
            ]
            assert cached.warnings == fresh.warnings
            build(config)  # leaves this state's cache for the next one


def test_books_are_replayed_while_the_same_note_fails(tmp_path):
    """A note that cannot be read fails on every build; books must still be replayed while the
    same notes fail (their GUIDs and decks as the last build left them, the failed note's cards
    carried), and the note's recovery must renumber its book, as a fresh build would."""
    notes = tmp_path / "notes"
    (notes / "alpha").mkdir(parents=True)
    (notes / "beta").mkdir()
    (notes / "alpha" / "one.md").write_text("# One\n\n**Ledger**: a record of entries.\n")
    (notes / "beta" / "two.md").write_text("# Two\n\n**Shard**: one part of a split table.\n")
    broken = notes / "beta" / "three.md"
    broken.write_bytes(b"# Three\n\n\xff\xfe not text\n")
    config = load_config(notes, tmp_path / "decks")
    for _ in range(2):
        report = build(config)
        assert report.errors  # the broken note is reported every time
    cached, cache = _cards(config, with_cache=True)
    assert sorted(cache.books_reused) == ["Alpha", "Beta"]  # the same note failed: replayed
    expected, _ = _cards(config, with_cache=False)
    assert cached == expected
    broken.write_text("# Three\n\n**Replica**: a copy of a shard.\n")
    assert not build(config).errors  # Beta renumbered with the recovered note
    cached, cache = _cards(config, with_cache=True)
    expected, _ = _cards(config, with_cache=False)
    assert cached == expected
    assert any("Replica" in c[1] for c in cached)
