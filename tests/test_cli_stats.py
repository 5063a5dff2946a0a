"""``notedeck stats``: counts per book, chapter and kind, and the change since the last build."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli_notes import make_notes
from notedeck.commands.cli import main


@pytest.fixture
def runner():
    return CliRunner()


def stats_json(runner, notes, out):
    result = runner.invoke(main, ["stats", str(notes), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_counts_before_any_build(runner, tmp_path):
    notes = make_notes(tmp_path)
    result = runner.invoke(main, ["stats", str(notes), "-o", str(tmp_path / "decks")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = lines[0].split()
    assert header[:6] == ["cards", "concept", "definition", "explicit", "list", "table"]
    rows = {line.split("  ")[0].strip(): line.split() for line in lines[1:] if "─" not in line}
    assert rows["Cooking Basics"][2:8] == ["2", "·", "2", "·", "·", "·"]
    assert any(
        line.startswith("Systems Design") and line.endswith("not built yet") for line in lines
    )
    assert rows["Total"][1:7] == ["8", "1", "3", "1", "1", "2"]
    assert lines[-1] == "8 cards in 2 books from 2 note files; never built"


def test_json_by_book_chapter_and_kind(runner, tmp_path):
    notes = make_notes(tmp_path)
    data = stats_json(runner, notes, tmp_path / "decks")
    assert data["cards"] == 8 and data["files"] == 2
    assert data["kinds"] == {"concept": 1, "definition": 3, "explicit": 1, "list": 1, "table": 2}
    books = {b["title"]: b for b in data["books"]}
    systems = books["Systems Design"]
    assert systems["built"] is False and systems["previous"] is None
    (chapter,) = systems["chapters"]
    assert (
        chapter["chapter"] == "Chapter 1" and chapter["cards"] == 6 and chapter["previous"] is None
    )
    assert books["Cooking Basics"]["kinds"] == {"definition": 2}


def test_changes_since_the_last_build(runner, tmp_path):
    notes = make_notes(tmp_path)
    out = tmp_path / "decks"
    assert runner.invoke(main, ["build", str(notes), "-o", str(out), "-q"]).exit_code == 0
    unchanged = stats_json(runner, notes, out)
    cooking = next(b for b in unchanged["books"] if b["title"] == "Cooking Basics")
    assert cooking["built"] and cooking["previous"] == 2
    assert (cooking["added"], cooking["changed"], cooking["removed"]) == (0, 0, 0)
    text = runner.invoke(main, ["stats", str(notes), "-o", str(out)]).stdout
    assert "no change" in text and "last build" in text
    # edit one answer, drop one card, add a card in a new chapter
    knife = notes / "cooking" / "knife-skills.md"
    body = knife.read_text(encoding="utf-8")
    body = body.replace("about the size of a matchstick", "roughly 2 mm thick")
    body = body.replace(
        "A **brunoise** is a very small dice made by cutting a julienne crosswise into cubes.", ""
    )
    knife.write_text(body, encoding="utf-8")
    (notes / "cooking" / "sauces.md").write_text(
        "---\nbook: Cooking Basics\nchapter: 3\n---\n\n"
        "A **roux** is flour cooked in fat, used to thicken sauces.\n",
        encoding="utf-8",
    )
    data = stats_json(runner, notes, out)
    cooking = next(b for b in data["books"] if b["title"] == "Cooking Basics")
    assert (cooking["added"], cooking["changed"], cooking["removed"]) == (1, 1, 1)
    chapters = {c["chapter"]: c for c in cooking["chapters"]}
    assert chapters["Chapter 2"]["cards"] == 1 and chapters["Chapter 2"]["previous"] == 2
    assert chapters["Chapter 3"]["cards"] == 1 and chapters["Chapter 3"]["previous"] == 0
    text = runner.invoke(main, ["stats", str(notes), "-o", str(out)]).stdout
    assert "+1 new  ~1 changed  −1 removed" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("Chapter 2"))
    assert row.rstrip().endswith("-1")


def test_a_book_that_disappeared_is_listed_as_removed(runner, tmp_path):
    notes = make_notes(tmp_path)
    out = tmp_path / "decks"
    assert runner.invoke(main, ["build", str(notes), "-o", str(out), "-q"]).exit_code == 0
    (notes / "cooking" / "knife-skills.md").unlink()
    data = stats_json(runner, notes, out)
    cooking = next(b for b in data["books"] if b["title"] == "Cooking Basics")
    assert cooking["cards"] == 0 and cooking["removed"] == 2


def test_quiet_prints_only_the_table(runner, tmp_path):
    notes = make_notes(tmp_path)
    result = runner.invoke(main, ["stats", str(notes), "-q", "-o", str(tmp_path / "d")])
    assert result.exit_code == 0
    assert "never built" not in result.output and "Total" in result.output


def test_unreadable_note_and_bad_config_exit_1(runner, tmp_path):
    notes = make_notes(tmp_path)
    (notes / "cooking" / "bad.md").write_bytes(b"\xff\xfe broken")
    result = runner.invoke(main, ["stats", str(notes), "-o", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "error: cooking/bad.md:1: not UTF-8" in result.stderr and "Total" in result.stdout
    (notes / "notedeck.yaml").write_text("books: [\n", encoding="utf-8")
    for command in ("stats", "build", "preview", "check", "quiz"):
        bad = runner.invoke(main, [command, str(notes)], input="")
        assert bad.exit_code == 1, command
        assert "notedeck.yaml" in bad.output and "invalid YAML" in bad.output
        assert "Traceback" not in bad.output
