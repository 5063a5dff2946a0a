"""The read index (runtime/index.py): a note whose file did not change is not read again, and
the build is exactly the build that reads every file — after edits that keep the size or
restore the mtime, a book.yaml change, a lost cache entry, a moved file."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from notedeck.build import read as reader
from notedeck.config import load_config
from notedeck.pipeline import build, collect
from notedeck.runtime import index as index_module

STAMPS = itertools.count(1_600_000_000 * 10**9, 10**9)  # distinct past mtimes, one per write


def write(path: Path, text: str) -> None:
    """Write and give the file an mtime no other write in the test has."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    stamp = next(STAMPS)
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def indexed(monkeypatch):
    """Every file is indexed, however recently written (the two-second racy guard off: each
    write above gets its own mtime instead)."""
    monkeypatch.setattr(index_module, "RACY_NS", -(10**19))


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The notes-relative paths whose bytes the reader opened."""
    opened: list[str] = []
    real = reader.read_bytes

    def counting(path, rel):
        opened.append(rel)
        return real(path, rel)

    monkeypatch.setattr(reader, "read_bytes", counting)
    return opened


def cards(config) -> list[tuple]:
    return [(r.card, r.front, r.back, r.source) for r in collect(config).cards]


def built(config) -> list[tuple]:
    """The build's result as the deck has it: build, then collect without any cache."""
    report = build(config)
    assert not report.errors, report.errors
    return cards(config)


def vault(tmp_path: Path):
    notes = tmp_path / "notes"
    write(notes / "alpha" / "one.md", "# One\n\n**Ledger**: a record of entries.\n")
    write(notes / "alpha" / "two.md", "---\ntags: [x]\n---\n# Two\n\n**Shard**: a part.\n")
    write(notes / "beta" / "three.md", "# Three\n\n**Replica**: a copy of a shard.\n")
    return notes, load_config(notes, tmp_path / "decks")


def test_an_unchanged_rebuild_opens_no_note(tmp_path, indexed, reads):
    notes, config = vault(tmp_path)
    first = built(config)
    reads.clear()
    report = build(config)
    assert reads == []
    assert not report.errors and report.files == 3
    assert cards(config) == first


def test_an_edit_is_read_even_with_the_same_size_and_mtime(tmp_path, indexed, reads):
    """ctime changes with every write, so restoring the mtime (as some sync tools do) or
    keeping the length does not hide an edit."""
    notes, config = vault(tmp_path)
    built(config)
    path = notes / "alpha" / "one.md"
    before = os.stat(path)
    path.write_text("# One\n\n**Ledger**: a record of entriez.\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    reads.clear()
    after = built(config)
    assert reads.count("alpha/one.md") >= 1
    assert any("entriez" in back for _, _, back, _ in after)


def test_a_new_book_yaml_reroutes_unchanged_notes(tmp_path, indexed):
    notes, config = vault(tmp_path)
    built(config)
    write(notes / "beta" / "book.yaml", "title: Systems Book\n")
    assert {c[0].book for c in built(config)} == {"Alpha", "Systems Book"}


def test_a_lost_cache_entry_reads_the_note_again(tmp_path, indexed):
    notes, config = vault(tmp_path)
    first = built(config)
    (config.out_dir / ".cache" / "pack").unlink()
    assert built(config) == first


def test_moved_and_deleted_notes_are_seen(tmp_path, indexed):
    notes, config = vault(tmp_path)
    built(config)
    (notes / "beta" / "three.md").rename(notes / "alpha" / "three.md")
    (notes / "alpha" / "two.md").unlink()
    after = built(config)
    assert sorted(c[0].source for c in after) == ["alpha/one.md", "alpha/three.md"]
    assert {c[0].book for c in after} == {"Alpha"}


def test_warnings_and_skips_come_back_from_the_index(tmp_path, indexed, reads):
    notes, config = vault(tmp_path)
    write(notes / "alpha" / "bad.md", "---\nbook: [a\n---\n# Bad\n\n**Queue**: a line.\n")
    write(notes / "alpha" / "t.md", "{{date}}\n{{title}}\n{{time}}\n")
    first = build(config)
    reads.clear()
    again = build(config)
    assert reads == []
    assert again.warnings == first.warnings and again.skipped == first.skipped
    assert any("bad.md" in str(w) for w in again.warnings)
    assert any(s.rule == "template" for s in again.skipped)


def test_a_file_written_during_the_build_window_is_always_read(tmp_path, reads):
    """Without the test's distinct mtimes, a note written just now is not indexed (an edit in
    the same clock tick would look unchanged), so the next build reads it."""
    notes = tmp_path / "notes"
    (notes / "a").mkdir(parents=True)
    (notes / "a" / "n.md").write_text("# N\n\n**Ledger**: a record.\n", encoding="utf-8")
    config = load_config(notes, tmp_path / "decks")
    build(config)
    reads.clear()
    build(config)
    assert reads == ["a/n.md"]


def test_a_corrupt_index_is_ignored(tmp_path, indexed):
    notes, config = vault(tmp_path)
    first = built(config)
    (config.out_dir / ".cache" / "read-index").write_bytes(b"\x00garbage")
    assert built(config) == first
