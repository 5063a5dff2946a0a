"""Any notes folder, no setup: a plain vault with no notedeck.yaml, book.yaml or front matter
builds decks, skips what is not a note, tolerates front matter as people write it, and says
what it did in a few lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write_notes
from notedeck import collect, load_config
from notedeck.build.read import read_notes
from notedeck.commands.cli import main
from notedeck.runtime.store import Store

VAULT = {
    "Biology/cells.md": "# Cells\n\nA **ribosome** is the organelle that builds proteins.\n",
    "Biology/Genetics/dna.md": "# DNA\n\n**Codon**: three bases that code for one amino acid.\n",
    "data-engineering/ch03-architecture.md": (
        "# Architecture\n\nThe **Lambda architecture** runs a batch layer and a stream layer "
        "side by side.\n"
    ),
    "inbox.md": "# Inbox\n\nA **zettel** is one idea written as one note.\n",
}


def build(notes: Path, out: Path, *args: str):
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def cards(notes: Path) -> dict[str, tuple[str, str | None]]:
    """question → (book, chapter) of every card the notes make."""
    collected = collect(load_config(notes, notes.parent / "decks"))
    return {r.card.question: (r.card.book, r.card.chapter) for r in collected.cards}


def test_a_plain_folder_makes_a_deck_per_top_level_folder(tmp_path, anki_collection):
    notes = write_notes(tmp_path / "vault", VAULT)
    result = build(notes, tmp_path / "decks")
    assert result.exit_code == 0, result.output
    decks = sorted(p.name for p in (tmp_path / "decks").glob("*.apkg"))
    assert decks == ["biology.apkg", "data-engineering.apkg", "vault.apkg"]
    names = set()
    for deck in decks:
        anki_collection.import_apkg(tmp_path / "decks" / deck)
    for deck_name, question, _, _ in anki_collection.rendered():
        names.add((deck_name, question.split("?")[0].split()[-1]))
    assert ("Biology", "ribosome") in names
    assert ("Biology::Genetics", "Codon") in names  # a sub-folder is a subdeck
    assert ("Data Engineering::Chapter 3", "architecture") in names  # ch03-… file name
    assert ("Vault", "zettel") in names  # a file at the root: the notes folder's own name


def test_chapter_headings_and_front_matter_still_win(tmp_path):
    notes = write_notes(
        tmp_path / "notes",
        {
            "course/week-1/intro.md": "# Chapter 2: Basics\n\nA **token** is a unit of text.\n",
            "course/other.md": "---\nbook: Named Book\nchapter: 4\n---\n\nA **shard** is a part.\n",
        },
    )
    found = cards(notes)
    assert found["What is a token?"] == ("Course", "2")
    assert found["What is a shard?"] == ("Named Book", "4")


def test_a_log_leaves_out_its_diary_only_when_notedeck_yaml_lists_books(tmp_path):
    log = (
        "# Monday\n\nA **commute** is the trip to work, which took an hour.\n\n"
        "## Data book\n\nA **data lake** is a store for raw data of every kind.\n"
    )
    listed = write_notes(
        tmp_path / "a",
        {"notedeck.yaml": "books:\n  - title: Data book\n", "log/2026-01-05.md": log},
    )
    assert cards(listed) == {"What is a data lake?": ("Data book", None)}
    plain = write_notes(tmp_path / "b", {"log/2026-01-05.md": log})
    assert set(cards(plain)) == {"What is a commute?", "What is a data lake?"}
    assert {book for book, _ in cards(plain).values()} == {"Log"}


def test_what_is_not_a_note_is_skipped_and_check_says_why(tmp_path):
    notes = write_notes(
        tmp_path / "vault",
        {
            **VAULT,
            ".obsidian/workspace.md": "# Not a note\n\nA **pane** is a window.\n",
            ".trash/old.md": "# Old\n\nA **gone** is deleted.\n",
            "Drawings/flow.excalidraw.md": "# Excalidraw Data\n\nA **box** is a shape.\n",
            "Drawings/sketch.md": "---\nexcalidraw-plugin: parsed\n---\n\nA **line** is drawn.\n",
            "Templates/daily.md": "# {{date}}\n\nA **mood** is how the day felt.\n",
            "Daily/2026-01-01.md": "# {{date:YYYY-MM-DD}}\n\n## {{title}}\n\nMood:: {{mood}}\n",
            "site/node_modules/pkg/README.md": "# Pkg\n\nA **module** is code.\n",
            "Cells/img/prompts/cover.md": "# Cover\n\n**Style**: flat, pastel colours.\n",
            "Private/diary.md": "# Diary\n\nA **secret** is private.\n",
            ".notedeckignore": "Private/\n",
        },
    )
    questions = " ".join(cards(notes))
    for word in ("pane", "gone", "box", "line", "mood", "module", "Style", "secret"):
        assert word not in questions, word
    result = CliRunner().invoke(main, ["check", str(notes), "--json"])
    skipped = [f for f in json.loads(result.output) if f["code"] == "skipped"]
    text = " ".join(f["message"] for f in skipped)
    for words in (
        "hidden",
        "Excalidraw",
        "templates",
        "node_modules",
        "pictures",
        ".notedeckignore",
    ):
        assert words in text, (words, text)
    assert len(skipped) == 6  # one line per rule, with a count


def test_links_out_of_the_notes_folder_and_fifos_are_not_read(tmp_path):
    outside = write_notes(tmp_path / "outside", {"secret.md": "A **password** is hunter2.\n"})
    notes = write_notes(tmp_path / "vault", VAULT)
    (notes / "linked.md").symlink_to(outside / "secret.md")
    (notes / "etc").symlink_to(outside)
    (notes / "loop").symlink_to(notes)
    os.mkfifo(notes / "pipe.md")
    result = build(notes, tmp_path / "decks")
    assert result.exit_code == 0, result.output
    assert "password" not in " ".join(cards(notes))
    check = CliRunner().invoke(main, ["check", str(notes)])
    assert "symbolic links leading out of the notes folder" in check.output
    assert "not regular files" in check.output


def test_front_matter_as_people_write_it(tmp_path):
    notes = write_notes(
        tmp_path / "notes",
        {
            "book/a.md": "---\ntags: [bio, cells]\naliases: [A]\ncssclass: wide\nstatus:: done\n"
            "---\n\nA **vacuole** stores water.\n",
            "book/b.md": "---\nchapter: [5, 6]\n---\n# Chapter 5\n\n"
            "A **lysosome** is an organelle that digests old parts of the cell.\n\n"
            "# Chapter 6\n\nA **nucleus** is the organelle that holds the DNA.\n",
            "book/c.md": "---\nbook: [unclosed\n---\n\n"
            "A **cilium** is a hair-like part that beats to move fluid.\n",
        },
    )
    found = cards(notes)
    assert found["What is a lysosome?"][1] == "5" and found["What is a nucleus?"][1] == "6"
    assert found["What is a cilium?"] == ("Book", None)  # the body builds, the default applies
    result = build(notes, tmp_path / "decks")
    assert result.exit_code == 0
    assert "book/c.md:2: invalid YAML in the front matter" in result.stderr


def test_warnings_are_summarised_one_line_per_kind(tmp_path):
    files = {
        f"book/ch{n}.md": f"# Part {n}\n\nA **cache** is copy number {n} of the data.\n"
        for n in range(1, 8)
    }
    notes = write_notes(tmp_path / "notes", files)
    result = build(notes, tmp_path / "decks")
    lines = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert len(lines) == 1 and lines[0].startswith("warning: 6 questions asked twice"), lines
    assert "notedeck check" in result.stderr
    every = build(notes, tmp_path / "decks", "-v")
    assert sum(line.startswith("warning") for line in every.stderr.splitlines()) == 6


def test_exact_duplicates_become_one_card(tmp_path):
    chapter = "# Chapter 1\n\nA **cache** is a store of copies of hot data close to its use.\n"
    notes = write_notes(tmp_path / "notes", {"book/ch1.md": chapter, "book/README.md": chapter})
    collected = collect(load_config(notes, tmp_path / "decks"))
    assert [r.card.question for r in collected.cards] == ["What is a cache?"]
    assert [w.code for w in collected.warnings] == ["merged"]


def test_warnings_are_replayed_from_the_cache(tmp_path):
    files = {
        f"book/ch{n}.md": f"# P{n}\n\n**Term**: meaning {n}.\n\n**Blank**: -\n" for n in (1, 2)
    }
    notes = write_notes(tmp_path / "notes", files)
    first = build(notes, tmp_path / "decks", "-v")
    again = build(notes, tmp_path / "decks", "-v")
    assert "(unchanged)" in again.output
    assert first.stderr == again.stderr and "asked twice" in again.stderr
    config = load_config(notes, tmp_path / "decks")
    stored, outdated = Store(config).split(read_notes(config).files)
    assert len(stored) == 2 and not outdated  # nothing parsed again: the warnings came stored
    assert not any(r.problems for r in stored.values())  # twins are a book-level warning


def test_build_with_no_notes_folder_here_says_what_to_type(tmp_path, monkeypatch):
    write_notes(tmp_path / "vault", VAULT)
    monkeypatch.chdir(tmp_path / "vault")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "notedeck build . -o ../decks" in result.output
    preview = CliRunner().invoke(main, ["preview", "-q"])
    assert preview.exit_code == 0 and "ribosome" in preview.output


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"a.md": "Just some words.\n"}, "notedeck makes cards from definitions"),
        ({".hidden.md": "x\n", "Templates/t.md": "x\n"}, "every markdown file was skipped"),
    ],
)
def test_no_cards_says_why_and_what_to_do(tmp_path, files, reason):
    notes = write_notes(tmp_path / "notes", files)
    result = build(notes, tmp_path / "decks")
    assert reason in result.output, result.output


def test_a_notes_warnings_are_stored_with_its_cards(tmp_path):
    """The store keeps a note's whole result, so its warnings print again without a parse."""
    from dataclasses import replace

    notes = write_notes(tmp_path / "notes", {"book/a.md": VAULT["Biology/cells.md"]})
    config = load_config(notes, tmp_path / "decks")
    source = read_notes(config).files[0]
    store = Store(config)
    _, outdated = store.split([source])
    from notedeck.build.note import process_note
    from notedeck.model import Problem

    result = process_note((config, False), outdated[0])
    warned = replace(result, problems=(Problem.warning("blank", "a blank side", "book/a.md", 3),))
    store.keep(warned)
    store.save()
    stored, outdated = Store(config).split([source])
    assert not outdated and stored["book/a.md"].problems == warned.problems
    assert stored["book/a.md"].cards == result.cards
