"""``build --watch`` and ``sync --watch`` for real: a subprocess, a saved note, the rebuild it
causes, a broken setting that does not stop the watch, and Ctrl-C (exit 130).  Every wait is
for a line of output, bounded only so that a hang fails instead of blocking the suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_notes import make_notes
from spawned import Spawned

pytestmark = pytest.mark.slow


def save(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_build_watch_rebuilds_on_save_survives_a_bad_setting_and_stops_on_ctrl_c(tmp_path):
    notes = make_notes(tmp_path)
    decks = tmp_path / "decks"
    watcher = Spawned("build", str(notes), "-o", str(decks), "--watch", "-v")
    try:
        at = watcher.expect(r"Watching .* for changes \(Ctrl-C stops\)\.").end()
        assert "Cooking Basics: 2 cards" in watcher.output
        save(notes / "cooking" / "knife-skills.md", "a matchstick", "a 2 mm stick")
        at = watcher.expect(r"~1 changed", at).end()
        assert "Changed: cooking/knife-skills.md — building again" in watcher.output
        at = watcher.expect(r"Watching .* for changes", at).end()

        config = notes / "notedeck.yaml"
        good = config.read_text(encoding="utf-8")
        config.write_text(good + "bookz: []\n", encoding="utf-8")
        at = watcher.expect(r"error: .*notedeck.yaml: unknown key 'bookz'", at).end()
        at = watcher.expect(r"Watching .* for changes", at).end()
        config.write_text(good, encoding="utf-8")
        at = watcher.expect(r"Cooking Basics: 2 cards .*\(unchanged\)", at).end()
        watcher.expect(r"Watching .* for changes", at)
        code = watcher.interrupt()
    finally:
        watcher.kill()
    assert code == 130, watcher.output
    assert watcher.output.rstrip().endswith(
        "notedeck: stopped watching; the decks are as the last build left them"
    )
    assert "Traceback" not in watcher.output
    assert "2 mm stick" in (decks / "cooking-basics.notedeck.json").read_text(encoding="utf-8")


def test_sync_watch_syncs_again_on_save(tmp_path):
    pytest.importorskip("anki")
    from anki.collection import Collection

    from fake_ankiconnect import FakeAnkiConnect

    path = tmp_path / "anki" / "collection.anki2"
    path.parent.mkdir()
    Collection(str(path)).close()
    anki = FakeAnkiConnect(path)
    notes = make_notes(tmp_path)
    watcher = Spawned(
        "sync", str(notes), "-o", str(tmp_path / "decks"), "--ankiconnect", anki.url, "--watch"
    )
    try:
        at = watcher.expect(r"Watching .* for changes").end()
        assert watcher.output.count("Cooking Basics: imported") == 1
        save(notes / "cooking" / "knife-skills.md", "a matchstick", "a 2 mm stick")
        at = watcher.expect(r"Cooking Basics: imported", at).end()
        watcher.expect(r"Watching .* for changes", at)
        code = watcher.interrupt()
        (julienne,) = anki.col.find_notes('"Front:What is a julienne?"')
        assert "2 mm stick" in anki.col.get_note(julienne)["Back"]
    finally:
        watcher.kill()
        anki.close()
    assert code == 130 and "Traceback" not in watcher.output
