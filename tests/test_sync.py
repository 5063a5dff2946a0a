"""``notedeck sync``: into a closed collection with the real engine, and into a running Anki
through AnkiConnect (a local stand-in that answers by calling the real engine) — edits applied,
no duplicates, review scheduling untouched, removed notes pruned after asking, and one clear line
for every way Anki can be missing."""

from __future__ import annotations

import socket
import threading
from http.server import HTTPServer, SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli_notes import make_notes
from notedeck.commands.cli import main

pytest.importorskip("anki")


def new_collection(path: Path) -> Path:
    from anki.collection import Collection

    path.parent.mkdir(parents=True, exist_ok=True)
    Collection(str(path)).close()
    return path


def sync(notes: Path, *args: str, input: str | None = None, code: int = 0):
    decks = notes.parent / "decks"
    result = CliRunner().invoke(main, ["sync", str(notes), "-o", str(decks), *args], input=input)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def review_good(col, question: str) -> int:
    """Answer the card once with Good through Anki's v3 scheduler; its card id."""
    from anki.scheduler.v3 import CardAnswer

    (cid,) = col.find_cards(f'"Front:{question}"')
    card = col.get_card(cid)
    card.start_timer()
    states = col._backend.get_scheduling_states(cid)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))
    return cid


def scheduling(col, cid: int) -> tuple:
    row = col.db.first("select type, queue, due, ivl, factor, reps, lapses, left from cards "
                       "where id = ?", cid)  # fmt: skip
    return (*row, col.db.scalar("select count() from revlog where cid = ?", cid))


def edit_and_remove(notes: Path) -> None:
    """Edit julienne's answer; delete brunoise."""
    knife = notes / "cooking" / "knife-skills.md"
    text = knife.read_text(encoding="utf-8")
    text = text.replace("about the size of a matchstick", "2 mm thick")
    text = text.replace(
        "A **brunoise** is a very small dice made by cutting a julienne crosswise into cubes.\n",
        "",
    )
    knife.write_text(text, encoding="utf-8")


def fronts(col) -> list[str]:
    return sorted(col.get_note(n).fields[0] for n in col.find_notes(""))


# ---------------------------------------------------------------- a collection file


def test_collection_sync_round_trips_an_edit_and_a_removal_keeping_scheduling(tmp_path):
    from anki.collection import Collection

    notes = make_notes(tmp_path)
    path = new_collection(tmp_path / "profile" / "collection.anki2")
    first = sync(notes, "--collection", str(path))
    assert "Syncing into " in first.output
    assert "  Cooking Basics: 2 new, 0 updated, 0 unchanged" in first.output
    assert "  Systems Design: 6 new, 0 updated, 0 unchanged" in first.output
    assert list((path.parent / "collection.media").iterdir())  # the image came along

    col = Collection(str(path))
    cid = review_good(col, "What is a julienne?")
    reviewed = scheduling(col, cid)
    col.close()

    edit_and_remove(notes)
    second = sync(notes, "--collection", str(path.parent), "--prune", "--yes")  # profile folder
    assert "  Cooking Basics: 0 new, 1 updated, 0 unchanged" in second.output
    assert "1 note left your notes but is still in Anki:\n" in second.output
    assert "  − What is a brunoise?  (cooking/knife-skills.md:10)\n" in second.output
    assert "Deleted 1 note from Anki." in second.output

    col = Collection(str(path))
    try:
        assert len(fronts(col)) == 7 and "What is a brunoise?" not in fronts(col)
        (julienne,) = col.find_notes('"Front:What is a julienne?"')
        assert "2 mm thick" in col.get_note(julienne)["Back"]
        assert col.get_note(julienne).card_ids() == [cid]  # the same card, not a duplicate
        assert scheduling(col, cid) == reviewed  # due, interval, ease, reps and history kept
    finally:
        col.close()
    third = sync(notes, "--collection", str(path))
    assert "  Cooking Basics: 0 new, 0 updated, 1 unchanged" in third.output
    assert "left your notes" not in third.output


def test_prune_knows_removals_an_earlier_build_reported(tmp_path):
    """``notedeck build`` between two syncs writes the removal into the manifest; sync still
    knows the card is in Anki and prunes it."""
    from anki.collection import Collection

    notes = make_notes(tmp_path)
    path = new_collection(tmp_path / "collection.anki2")
    sync(notes, "--collection", str(path))
    edit_and_remove(notes)
    built = CliRunner().invoke(main, ["build", str(notes), "-o", str(tmp_path / "decks")])
    assert "−1 removed" in built.output
    later = sync(notes, "--collection", str(path))
    assert "1 note left your notes but is still in Anki; `notedeck sync --prune`" in later.output
    declined = sync(notes, "--collection", str(path), "--prune", input="n\n")
    assert "Delete it from Anki, with the review history? [y/N]" in declined.output
    assert "Nothing deleted." in declined.output
    sync(notes, "--collection", str(path), "--prune", "--yes")
    col = Collection(str(path))
    assert "What is a brunoise?" not in fronts(col) and len(fronts(col)) == 7
    col.close()


def test_no_answer_to_the_prune_question_deletes_nothing(tmp_path):
    notes = make_notes(tmp_path)
    path = new_collection(tmp_path / "collection.anki2")
    sync(notes, "--collection", str(path))
    edit_and_remove(notes)
    result = sync(notes, "--collection", str(path), "--prune", input="", code=1)
    assert result.output.rstrip().endswith(
        "error: nothing deleted: no answer (pass --yes to delete without asking)"
    )


def test_a_collection_open_in_anki_is_one_clear_line(tmp_path, anki_collection):
    notes = make_notes(tmp_path)
    result = sync(notes, "--collection", str(tmp_path / "collection.anki2"), code=1)
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: ") and "the collection is open in Anki" in line
    assert not (tmp_path / "decks").exists()  # nothing built before Anki was known to be usable


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no such Anki collection"),
        ("not-a-collection", "not an Anki collection file"),
        ("no-engine", "--collection needs the official Anki engine: pip install 'notedeck[anki]'"),
    ],
)
def test_collection_problems_are_one_clear_line(tmp_path, monkeypatch, setup, message):
    import sys

    notes = make_notes(tmp_path)
    path = tmp_path / "collection.anki2"
    if setup == "not-a-collection":
        path.write_text("just text " * 100)
    if setup == "no-engine":
        new_collection(path)
        for name in [m for m in sys.modules if m == "anki" or m.startswith("anki.")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, "anki", None)  # `import anki` fails as if not installed
    result = sync(notes, "--collection", str(path), code=1)
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: ") and message in line


# ---------------------------------------------------------------- a running Anki (AnkiConnect)


@pytest.fixture
def anki_connect(tmp_path):
    from fake_ankiconnect import FakeAnkiConnect

    fake = FakeAnkiConnect(new_collection(tmp_path / "running" / "collection.anki2"))
    yield fake
    fake.close()


def test_ankiconnect_sync_round_trips_an_edit_and_a_removal(tmp_path, anki_connect):
    notes = make_notes(tmp_path)
    first = sync(notes, "--ankiconnect", anki_connect.url)
    port = anki_connect.server.server_port
    assert f"Syncing into Anki (AnkiConnect at 127.0.0.1:{port}):" in first.output
    assert "  Cooking Basics: imported " in first.output
    assert anki_connect.actions() == ["version", "importPackage", "importPackage"]
    imported = [
        r["params"]["path"] for r in anki_connect.requests if r["action"] == "importPackage"
    ]
    assert all(Path(p).is_absolute() and p.endswith(".apkg") for p in imported)
    col = anki_connect.col
    assert len(fronts(col)) == 8
    cid = review_good(col, "What is a julienne?")
    reviewed = scheduling(col, cid)

    edit_and_remove(notes)
    second = sync(notes, "--ankiconnect", anki_connect.url, "--prune", input="y\n")
    assert "  − What is a brunoise?  (cooking/knife-skills.md:10)\n" in second.output
    assert "Delete it from Anki, with the review history? [y/N]: " in second.output
    assert "Deleted 1 note from Anki." in second.output
    assert anki_connect.actions()[-3:] == ["findNotes", "notesInfo", "deleteNotes"]
    col.models._clear_cache()
    assert len(fronts(col)) == 7 and "What is a brunoise?" not in fronts(col)
    (julienne,) = col.find_notes('"Front:What is a julienne?"')
    assert "2 mm thick" in col.get_note(julienne)["Back"]
    assert scheduling(col, cid) == reviewed


def test_a_note_the_notes_still_make_is_never_pruned_through_ankiconnect(tmp_path, anki_connect):
    """A definition rewritten as an explicit card on the same line: a new GUID with the very
    same Front and Source.  AnkiConnect cannot tell the two notes apart, so neither is deleted
    (a collection file, read by GUID, would delete exactly the old one)."""
    notes = make_notes(tmp_path)
    sync(notes, "--ankiconnect", anki_connect.url)
    knife = notes / "cooking" / "knife-skills.md"
    knife.write_text(
        knife.read_text(encoding="utf-8").replace(
            "A **brunoise** is a very small dice made by cutting a julienne crosswise into cubes.",
            "What is a brunoise?::A very small dice.",
        ),
        encoding="utf-8",
    )
    result = sync(notes, "--ankiconnect", anki_connect.url, "--prune", "--yes")
    assert "Deleted" not in result.output and "deleteNotes" not in anki_connect.actions()
    assert fronts(anki_connect.col).count("What is a brunoise?") == 2


def test_ankiconnect_with_an_api_key(tmp_path, monkeypatch):
    from fake_ankiconnect import FakeAnkiConnect

    fake = FakeAnkiConnect(new_collection(tmp_path / "collection.anki2"), key="s3cret")
    try:
        notes = make_notes(tmp_path)
        result = sync(notes, "--ankiconnect", fake.url, code=1)
        assert "wants its API key: set NOTEDECK_ANKICONNECT_KEY" in result.output
        monkeypatch.setenv("NOTEDECK_ANKICONNECT_KEY", "s3cret")
        assert "Cooking Basics: imported" in sync(notes, "--ankiconnect", fake.url).output
    finally:
        fake.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_anki_not_running_is_one_clear_line_and_builds_nothing(tmp_path):
    notes = make_notes(tmp_path)
    result = sync(notes, "--ankiconnect", f"http://127.0.0.1:{free_port()}", code=1)
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: Anki is not running, or the AnkiConnect (add-on code ")
    assert "use --collection PATH" in line
    assert not (tmp_path / "decks").exists()


def test_another_program_on_the_port_is_not_taken_for_ankiconnect(tmp_path):
    class Quiet(SimpleHTTPRequestHandler):  # a plain web server: it answers POST with 501
        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        notes = make_notes(tmp_path)
        result = sync(notes, "--ankiconnect", f"http://127.0.0.1:{server.server_port}", code=1)
    finally:
        server.shutdown()
        server.server_close()
    (line,) = result.output.strip().splitlines()
    assert f"something answers at 127.0.0.1:{server.server_port}, but it is not AnkiConnect" in line


def test_usage_errors(tmp_path):
    notes = make_notes(tmp_path)
    result = CliRunner().invoke(main, ["sync", str(notes), "--yes"])
    assert result.exit_code == 2 and "--yes only answers --prune's question" in result.output
    bad = sync(notes, "--ankiconnect", "ftp://example", code=1)
    assert "is not an AnkiConnect address" in bad.output


@pytest.mark.slow
def test_ctrl_c_at_the_prune_question_deletes_nothing_and_exits_130(tmp_path):
    from anki.collection import Collection

    from spawned import Spawned

    notes = make_notes(tmp_path)
    path = new_collection(tmp_path / "collection.anki2")
    sync(notes, "--collection", str(path))
    edit_and_remove(notes)
    asked = Spawned(
        "sync", str(notes), "-o", str(tmp_path / "decks"), "--collection", str(path), "--prune"
    )
    try:
        asked.expect(r"with the review history\? \[y/N\]: ")
        code = asked.interrupt()
    finally:
        asked.kill()
    assert code == 130 and "Traceback" not in asked.output and "Deleted" not in asked.output
    col = Collection(str(path))  # closed again: the interrupted sync left no lock behind
    assert "What is a brunoise?" in fronts(col)
    col.close()
