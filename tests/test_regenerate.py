"""Regenerating a book and re-importing it into the same Anki collection (the real engine).

The learner's week: build v1, import, review every card; then add a chapter, edit three answers,
insert a card above others in a list and in a table, rename a section heading, rename files so
their order swaps, drop a card — and rebuild in the *same second*. Importing v2 with Anki's
default options must update the edits, add the new cards, create no duplicate and keep every
card's scheduling and review log. Rebuilding unchanged must be byte-identical.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import AnkiCollection, write_notes
from notedeck.build.package import apkg as package
from notedeck.commands.cli import main
from notedeck.runtime import atomic as atomic_module
from notedeck.runtime import store as cache_module

pytest.importorskip("anki")

STORAGE_V1 = """
    # Chapter 1: Storage

    ## Basics

    A **data lake** is a central store that keeps raw data in its original format.

    A **data warehouse** is a store of cleaned, modelled data for analysis.

    The storage layer has three tiers:

    - Hot storage for frequent access
    - Warm storage for occasional access
    - Cold storage for archives

    ## Terms

    Key storage terms:

    - **Partition**: a slice of a table stored separately on disk
    - **Compaction**: merging many small files into fewer large ones

    ## Lambda architecture

    The Lambda architecture runs a batch layer and a speed layer side by side and merges their
    results at query time.
    """

PROCESSING_V1 = """
    # Chapter 2: Processing

    | Engine | Model | Latency |
    |---|---|---|
    | Spark | batch | minutes |
    | Flink | streaming | milliseconds |

    ## Glossary

    - **Partition**: a unit of parallelism in a processing engine
    - **Watermark**: a marker of event-time progress in a stream
    """

V1 = {
    "study/book.yaml": "title: Study Book\n",
    "study/01-storage.md": STORAGE_V1,
    "study/02-processing.md": PROCESSING_V1,
}

# v2: three answers edited (data lake, Compaction, Flink latency), "Bucketing" inserted above
# Partition, a "Beam" row inserted above Spark, "Basics" renamed, Watermark dropped, chapter 3
# added, and the two files renamed so that their order swaps.
STORAGE_V2 = (
    STORAGE_V1.replace("## Basics", "## Foundations")
    .replace("keeps raw data in its original format", "keeps raw data of every shape, unmodelled")
    .replace(
        "- **Partition**:",
        "- **Bucketing**: hashing rows into a fixed number of files\n    - **Partition**:",
    )
    .replace("fewer large ones", "fewer large ones to speed up reads")
)
PROCESSING_V2 = (
    PROCESSING_V1.replace("| Spark |", "| Beam | unified | depends on the runner |\n    | Spark |")
    .replace("| milliseconds |", "| sub-second |")
    .replace("    - **Watermark**: a marker of event-time progress in a stream\n", "")
)
SERVING = """
    # Chapter 3: Serving

    A **feature store** is a system that serves the same features to training and to inference.

    ## Online inference

    Online inference answers each request as it arrives, within a strict latency budget set by the
    calling product.
    """
V2 = {
    "study/book.yaml": "title: Study Book\n",
    "study/02-storage.md": STORAGE_V2,
    "study/01-processing.md": PROCESSING_V2,
    "study/03-serving.md": SERVING,
}

ADDED = {
    "Storage — Bucketing?",
    "Beam — Model?",
    "Beam — Latency?",
    "What is a feature store?",
    "What is Online inference?",
}
EDITED = {"What is a data lake?", "Storage — Compaction?", "Flink — Latency?"}
RENAMED_SECTION = {"What is a data warehouse?", "What are the three tiers of the storage layer?"}
LIST_GREW = {"What are key storage terms?"}  # one more item, same card: its key is the lead-in
REMOVED = {"Processing — Watermark?"}


@pytest.fixture
def frozen_clock(monkeypatch):
    """Every build in the test happens in the same wall-clock second."""
    second = 1_790_000_000
    monkeypatch.setattr("notedeck.build.package.deck._clock", lambda: second)
    return second


def cli_build(notes: Path, out: Path, *extra: str):
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out), "-v", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def diff_lines(output: str) -> dict[str, set[str]]:
    """{'+': questions, '~': questions, '−': questions} from ``build -v`` output."""
    found: dict[str, set[str]] = {"+": set(), "~": set(), "−": set()}
    for match in re.finditer(r"^    ([+~−]) (.+?)  \(", output, re.MULTILINE):
        found[match.group(1)].add(match.group(2))
    return found


def review_everything(col) -> None:
    """Answer every card once with Good through Anki's v3 scheduler (creates review history)."""
    from anki.scheduler.v3 import CardAnswer

    for cid in col.find_cards(""):
        card = col.get_card(cid)
        card.start_timer()
        states = col._backend.get_scheduling_states(cid)
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
        )


def scheduling(col) -> dict[int, tuple]:
    rows = col.db.all(
        "select id, nid, type, queue, due, ivl, factor, reps, lapses, left from cards"
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def revlog(col) -> list[tuple]:
    return [tuple(r) for r in col.db.all("select * from revlog order by id")]


def notes_by_guid(col) -> dict[str, object]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def test_rebuild_after_new_chapter_updates_adds_and_keeps_history(tmp_path, frozen_clock):
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    first = cli_build(notes, out)
    assert "+13 new  ~0 changed  −0 removed" in first
    deck = out / "study-book.apkg"
    v1_bytes = deck.read_bytes()

    anki = AnkiCollection(tmp_path / "collection.anki2")
    try:
        col = anki.col
        log = anki.import_apkg(deck)
        assert len(log.new) == 13
        review_everything(col)
        before_sched, before_revlog = scheduling(col), revlog(col)
        assert len(before_revlog) == 13 and all(row[6] == 1 for row in before_sched.values())
        v1_notes = notes_by_guid(col)
        partitions = {
            n["Source"].split(":")[0]: g
            for g, n in v1_notes.items()
            if n["Front"].endswith("— Partition?")  # one key, each asked with its heading
        }

        shutil.rmtree(notes)
        write_notes(notes, V2)
        second = cli_build(notes, out)
        diff = diff_lines(second)
        assert diff["+"] == ADDED
        assert diff["~"] == EDITED | RENAMED_SECTION | LIST_GREW
        assert diff["−"] == REMOVED
        assert "+5 new  ~6 changed  −1 removed" in second
        assert deck.read_bytes() != v1_bytes

        log = anki.import_apkg(deck)
        assert len(log.new) == len(ADDED) and not log.duplicate and not log.conflicting
        after = notes_by_guid(col)
        assert (
            col.note_count() == len(after) == 13 + len(ADDED)
        )  # Watermark stays: import never deletes
        fronts = [n["Front"] for n in after.values()]
        assert len(fronts) == len(set(fronts))  # the two Partition cards name their headings
        backs = {n["Front"]: n["Back"] for n in after.values()}
        assert "every shape, unmodelled" in backs["What is a data lake?"]
        assert "to speed up reads" in backs["Storage — Compaction?"]
        assert "sub-second" in backs["Flink — Latency?"]
        assert (
            "Foundations"
            in after[
                next(g for g, n in after.items() if n["Front"] == "What is a data warehouse?")
            ]["Context"]
        )
        for guid in v1_notes:  # every old note is still the same note (same id)
            assert after[guid].id == v1_notes[guid].id
        # The two same-question cards kept their own GUID although their files swapped order.
        storage, processing = (
            after[partitions["study/01-storage.md"]],
            after[partitions["study/02-processing.md"]],
        )
        assert "slice of a table" in storage["Back"] and storage["Source"].startswith(
            "study/02-storage.md"
        )
        assert "unit of parallelism" in processing["Back"]
        assert processing["Source"].startswith("study/01-processing.md")

        after_sched = scheduling(col)
        assert {cid: after_sched[cid] for cid in before_sched} == before_sched
        assert revlog(col) == before_revlog

        query = re.search(r"the search: (.+)$", second, re.MULTILINE).group(1)
        found = [col.get_note(nid)["Front"] for nid in col.find_notes(query)]
        assert found == ["Processing — Watermark?"]
    finally:
        anki.close()

    # Rebuilding v2 unchanged: byte-identical deck and manifest, an empty diff.
    v2_deck, v2_manifest = deck.read_bytes(), (out / "study-book.notedeck.json").read_bytes()
    third = cli_build(notes, out)
    assert "+0 new  ~0 changed  −0 removed" in third and "(unchanged)" in third
    assert diff_lines(third) == {"+": set(), "~": set(), "−": set()}
    assert deck.read_bytes() == v2_deck
    assert (out / "study-book.notedeck.json").read_bytes() == v2_manifest


def test_same_second_edit_still_reaches_anki(tmp_path, frozen_clock):
    """v1 and v2 in one second: the edited note's mod is last build + 1, so Anki applies it."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        anki.import_apkg(out / "study-book.apkg")
        write_notes(
            notes, {"study/01-storage.md": STORAGE_V1.replace("original format", "native format")}
        )
        assert "~1 changed" in cli_build(notes, out)
        log = anki.import_apkg(out / "study-book.apkg")
        assert len(log.updated) >= 1 and not log.new
        lake = anki.col.get_note(anki.col.find_notes('"Front:What is a data lake?"')[0])
        assert "native format" in lake["Back"]
        assert lake.mod == frozen_clock + 1
    finally:
        anki.close()


def test_edit_made_in_anki_survives_a_rebuild_that_does_not_touch_the_card(tmp_path):
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        anki.import_apkg(out / "study-book.apkg")
        col = anki.col
        spark = col.get_note(col.find_notes('"Front:Spark — Model?"')[0])
        spark["Back"] = "batch (my own note)"
        col.update_note(spark)
        write_notes(notes, {"study/03-serving.md": SERVING})  # a new chapter, nothing else
        assert "+2 new  ~0 changed" in cli_build(notes, out)
        anki.import_apkg(out / "study-book.apkg")
        assert col.get_note(spark.id)["Back"] == "batch (my own note)"
    finally:
        anki.close()


def test_deleting_one_of_two_same_question_cards_keeps_the_others_history(tmp_path):
    """Twins: "Partition" in both files. Deleting the first must not hand its GUID (and its
    review history) to the second: the second keeps its own note, the first is reported removed."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        anki.import_apkg(out / "study-book.apkg")
        review_everything(anki.col)
        before = notes_by_guid(anki.col)
        twin = next(n for n in before.values() if "unit of parallelism" in n["Back"])
        gone = next(n for n in before.values() if "slice of a table" in n["Back"])
        storage = STORAGE_V1.replace(
            "    - **Partition**: a slice of a table stored separately on disk\n", ""
        )
        write_notes(notes, {"study/01-storage.md": storage})
        output = cli_build(notes, out)
        # the one-item list left under "Terms" is no longer a list card either
        assert diff_lines(output)["−"] == {"Storage — Partition?", "What are key storage terms?"}
        assert "Source:study/01-storage.md:17" in output
        log = anki.import_apkg(out / "study-book.apkg")
        assert not diff_lines(output)["~"] and not log.new
        assert (
            "slice of a table" in anki.col.get_note(gone.id)["Back"]
        )  # not overwritten by its twin
        assert anki.col.get_note(twin.id)["Back"] == twin["Back"]
    finally:
        anki.close()


def test_unchanged_rebuild_is_byte_identical_across_processes(tmp_path):
    """Another Python process rebuilding from the manifest writes the very same bytes."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V2)
    cli_build(notes, out)
    deck = out / "study-book.apkg"
    original = deck.read_bytes()
    deck.unlink()  # the manifest survives: the deck is rebuilt from it, not re-stamped
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-m", "notedeck", "build", str(notes), "-o", str(out), "-q"],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    assert deck.read_bytes() == original


def test_missing_manifest_rewrites_all_cards_newer(tmp_path, frozen_clock):
    """Deck kept, manifest lost: every card is stamped newer, and re-import duplicates nothing."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        anki.import_apkg(out / "study-book.apkg")
        (out / "study-book.notedeck.json").unlink()
        write_notes(
            notes, {"study/01-storage.md": STORAGE_V1.replace("original format", "native format")}
        )
        output = cli_build(notes, out)
        assert "+13 new" in output and "(unchanged)" not in output
        log = anki.import_apkg(out / "study-book.apkg")
        assert not log.new and not log.duplicate and anki.col.note_count() == 13
        lake = anki.col.get_note(anki.col.find_notes('"Front:What is a data lake?"')[0])
        assert "native format" in lake["Back"]
    finally:
        anki.close()


def test_replaced_deck_is_rewritten(tmp_path):
    """The manifest records the deck's SHA-256: a deck replaced by other bytes is rebuilt."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    deck = out / "study-book.apkg"
    good = deck.read_bytes()
    deck.write_bytes(b"not a zip")
    assert "(unchanged)" not in cli_build(notes, out)
    assert deck.read_bytes() == good


def test_template_change_reaches_anki_and_stays_reproducible(tmp_path, frozen_clock, monkeypatch):
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        anki.import_apkg(out / "study-book.apkg")
        monkeypatch.setattr(
            package.BASIC_MODEL, "css", package.CSS + "\n.nd-new-rule { color: red; }\n"
        )
        # A new CSS ships as new notedeck code, which invalidates the build cache too.
        monkeypatch.setattr(cache_module, "_code_fingerprint", lambda: ["upgraded notedeck"])
        output = cli_build(notes, out)
        assert "+0 new  ~0 changed  −0 removed" in output and "(unchanged)" not in output
        rebuilt = (out / "study-book.apkg").read_bytes()
        assert "(unchanged)" in cli_build(notes, out)
        assert (out / "study-book.apkg").read_bytes() == rebuilt
        anki.import_apkg(out / "study-book.apkg")
        model = anki.col.models.get(package.BASIC_MODEL_ID)
        assert ".nd-new-rule" in model["css"]
        assert [m.name for m in anki.col.models.all_names_and_ids()].count("notedeck Basic") == 1
    finally:
        anki.close()


def _tmp_files(out: Path) -> list[Path]:
    return sorted(out.glob(".*.tmp"))


def test_interrupt_before_rename_leaves_v1_intact(tmp_path, monkeypatch):
    """Ctrl-C between writing the temp file and renaming it: v1 stays, no temp file is left."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    v1 = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    write_notes(notes, {"study/03-serving.md": SERVING})

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_module.os, "replace", interrupted)
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out)])
    assert result.exit_code == 130
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == v1
    assert not _tmp_files(out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        assert len(anki.import_apkg(out / "study-book.apkg").new) == 13
    finally:
        anki.close()


def test_interrupt_between_deck_and_manifest_heals_on_next_build(
    tmp_path, monkeypatch, frozen_clock
):
    """Deck renamed, manifest not yet (the deck is written first): the new deck is whole and
    imports; the next build sees a deck its manifest does not describe, rewrites it, reports
    the change since the last finished build, and Anki still takes the update."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    deck, manifest = out / "study-book.apkg", out / "study-book.notedeck.json"
    v1, m1 = deck.read_bytes(), manifest.read_bytes()
    write_notes(
        notes, {"study/01-storage.md": STORAGE_V1.replace("original format", "native format")}
    )
    real_replace, calls = os.replace, []

    def second_call_interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(atomic_module.os, "replace", second_call_interrupted)
    assert CliRunner().invoke(main, ["build", str(notes), "-o", str(out)]).exit_code == 130
    monkeypatch.setattr(atomic_module.os, "replace", real_replace)
    interrupted = deck.read_bytes()
    assert interrupted != v1 and manifest.read_bytes() == m1 and not _tmp_files(out)
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        assert len(anki.import_apkg(deck).new) == 13
        healed = cli_build(notes, out)
        assert "(unchanged)" not in healed and "~1 changed" in healed
        assert deck.read_bytes() != interrupted
        assert len(anki.import_apkg(deck).updated) >= 1
        lake = anki.col.get_note(anki.col.find_notes('"Front:What is a data lake?"')[0])
        assert "native format" in lake["Back"]
        assert "(unchanged)" in cli_build(notes, out)
    finally:
        anki.close()


KILLER = """
import os, signal, sys
import notedeck.runtime.atomic as atomic
real_replace = os.replace
def replace(src, dst):  # the build cache may be written first; the kill is for the book files
    if ".cache" in str(dst):
        return real_replace(src, dst)
    os.kill(os.getpid(), signal.SIGKILL)
atomic.os.replace = replace
from notedeck.commands.cli import main
main(["build", sys.argv[1], "-o", sys.argv[2], "-q"])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_build_killed_before_rename_leaves_v1_importable(tmp_path):
    """A real SIGKILL after the temp file is written: v1 is untouched and still imports; the next
    build removes the stale temp file and writes v2."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(notes, V1)
    cli_build(notes, out)
    v1 = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    write_notes(notes, {"study/03-serving.md": SERVING})
    killed = subprocess.run([sys.executable, "-c", KILLER, str(notes), str(out)], cwd=tmp_path)
    assert killed.returncode == -signal.SIGKILL
    assert _tmp_files(out), "the kill should have left the half-done temp file behind"
    assert {
        p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.endswith(".tmp")
    } == v1
    anki = AnkiCollection(tmp_path / "c.anki2")
    try:
        assert len(anki.import_apkg(out / "study-book.apkg").new) == 13
        assert "+2 new" in cli_build(notes, out)
        assert not _tmp_files(out)
        assert len(anki.import_apkg(out / "study-book.apkg").new) == 2
    finally:
        anki.close()


def test_two_books_with_the_same_file_name_are_not_mixed(tmp_path):
    """ "C++ Primer" and "C Primer" both slug to c-primer: one deck, one clear error, exit 1."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    card = "- **Pointer**: a variable that holds the address of another variable\n"
    write_notes(notes, {"a/book.yaml": "title: C++ Primer\n", "a/n.md": card})
    cli_build(notes, out)
    write_notes(notes, {"b/book.yaml": "title: C Primer\n", "b/n.md": card})
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert "book 'C Primer' would share c-primer.apkg with 'C++ Primer'" in result.output
    assert "(unchanged)" in result.output  # the existing book's deck was left alone


def test_a_book_whose_notes_are_all_gone_is_reported_removed(tmp_path):
    """Deleting every note of a book (or renaming the book) must not pass silently: the build
    lists all its cards as removed and leaves its deck file alone."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(
        notes, {**V1, "other/a.md": "---\nbook: Other Book\n---\n**Tarn**: a mountain lake\n"}
    )
    cli_build(notes, out)
    deck = out / "study-book.apkg"
    before = deck.read_bytes()
    shutil.rmtree(notes / "study")
    output = cli_build(notes, out)
    assert "Study Book: no cards in the notes any more" in output
    assert "−13 removed" in output
    assert '"deck:Study Book"' in output
    assert deck.read_bytes() == before  # nothing is deleted or rewritten
    assert "Other Book: 1 cards" in output


def test_a_book_whose_notes_failed_to_read_is_not_reported_removed(tmp_path):
    notes, out = tmp_path / "notes", tmp_path / "decks"
    write_notes(
        notes, {**V1, "other/a.md": "---\nbook: Other Book\n---\n**Tarn**: a mountain lake\n"}
    )
    cli_build(notes, out)
    (notes / "other/a.md").write_bytes(b"---\nbook: Other Book\n---\n\xff\xfe broken\n")
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert "no cards in the notes any more" not in result.output
    assert "error: other/a.md" in result.output
