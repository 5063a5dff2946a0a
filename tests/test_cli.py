"""The command line as a whole: help texts, version, exit codes, build --json, lazy imports,
the progress bar, and preview (text, filters, JSON, errors)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cli_notes import QUESTIONS, make_notes
from notedeck import __version__
from notedeck.commands import terminal
from notedeck.commands.cli import main
from notedeck.commands.filters import CARD_KINDS
from notedeck.extract import KIND_PRIORITY


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def notes(tmp_path):
    return make_notes(tmp_path)


# ---------------------------------------------------------------- help, version, exit codes


def test_every_command_and_option_has_help_text_and_an_example(runner):
    assert main.commands.keys() >= {"build", "preview", "check", "stats", "quiz"}
    for name, command in main.commands.items():
        assert command.help and "Example" in command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and len(param.help) > 10, f"{name} {param.opts}"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    assert "Exit codes" in top.output and "quiz --grep architecture" in top.output


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"notedeck {__version__}"


def test_kind_choices_are_the_kinds_extractors_emit():
    assert set(CARD_KINDS) == set(KIND_PRIORITY)


def test_usage_errors_exit_2(runner, notes):
    assert runner.invoke(main, ["preview", str(notes), "--kind", "poem"]).exit_code == 2
    assert runner.invoke(main, ["stats", "--no-such-option"]).exit_code == 2
    assert runner.invoke(main, ["quiz", str(notes), "--new", "-1"]).exit_code == 2
    unknown = runner.invoke(main, ["preview", str(notes), "--book", "Gardening"])
    assert unknown.exit_code == 2
    assert (
        "matches no book" in unknown.output and "Cooking Basics; Systems Design" in unknown.output
    )


def test_missing_notes_folder_is_one_clear_line(runner, tmp_path):
    result = runner.invoke(main, ["preview", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "notes folder does not exist" in result.output
    assert "Traceback" not in result.output


def test_help_does_not_import_heavy_libraries():
    """Nor any stage of the build: ``--help`` lists the card kinds from ``notedeck.kinds`` (the
    filters imported the GUID code and the data model for them, half of --help's imports)."""
    code = (
        "import sys, notedeck.commands.cli; "
        "heavy = ('genanki', 'markdown_it', 'fsrs', 'nh3', 'yaml', "
        "'notedeck.model', 'notedeck.build.identity', 'notedeck.pipeline'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- build


def test_build_json_and_quiet(runner, notes, tmp_path):
    out = tmp_path / "decks"
    result = runner.invoke(main, ["build", str(notes), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    books = {b["title"]: b for b in data["books"]}
    assert set(books) == {"Systems Design", "Cooking Basics"}
    assert books["Cooking Basics"]["cards"] == 2
    assert len(books["Systems Design"]["added"]) == 6 and books["Systems Design"]["written"]
    assert (out / "systems-design.apkg").exists()
    again = runner.invoke(main, ["build", str(notes), "-o", str(out), "-q"])
    assert again.exit_code == 0 and again.output == ""


# ---------------------------------------------------------------- progress bar


def test_progress_bar_only_on_a_terminal_after_a_moment(monkeypatch):
    monkeypatch.setattr(terminal, "PROGRESS_DELAY", 0)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    bar = terminal.ProgressBar(enabled=True)
    for n in range(3):
        bar(f"file{n}.md", n, 3)
    assert bar.bar is not None and bar.bar.pos == 3
    bar.close()
    assert "Reading notes" in stream.getvalue()
    off = terminal.ProgressBar(enabled=False)
    off("a.md", 0, 3)
    assert off.bar is None
    assert terminal.progress_for(quiet=False).enabled is False  # stderr is not a TTY here


# ---------------------------------------------------------------- preview


def test_preview_shows_every_card_readably(runner, notes):
    result = runner.invoke(main, ["preview", str(notes)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for question in QUESTIONS:
        assert f"Q  {question}" in out
    assert "[list] Systems Design › Chapter 1 › Event sourcing" in out
    assert "A  • consistency\n   • availability\n   • partition tolerance" in out
    assert "systems/ch01-patterns.md:9" in out
    assert "[image: bulkheads on a ship]" in out
    assert "<" not in out.replace("<-", "")  # no HTML tags leak into the terminal
    assert "8 cards from 2 books" in result.stderr
    # reading order: book, file, line
    assert (
        out.index("What is a julienne?")
        < out.index("What is event sourcing?")
        < out.index("What is idempotency?")
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--book", "SD"], 6),  # alias
        (["--book", "cooking"], 2),  # unique part of the title
        (["--book", "systems-design"], 6),  # deck file name
        (["--kind", "table"], 2),
        (["--kind", "table", "--kind", "list"], 3),
        (["--grep", "APPEND-ONLY  log"], 1),  # any case, any spacing; searches answers
        (["--grep", "resilience"], 3),  # and headings
        (["--book", "SD", "--grep", "julienne"], 0),
    ],
)
def test_preview_filters(runner, notes, args, expected):
    result = runner.invoke(main, ["preview", str(notes), "--json", *args])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == expected


def test_preview_json_records(runner, notes):
    result = runner.invoke(main, ["preview", str(notes), "--json", "--kind", "list"])
    (record,) = json.loads(result.stdout)
    assert record["question"] == "What are the three properties of the CAP theorem?"
    assert record["answer"] == "• consistency\n• availability\n• partition tolerance"
    assert (
        record["kind"] == "list" and record["book"] == "Systems Design" and record["chapter"] == "1"
    )
    assert record["deck"].startswith("Systems Design::Chapter 1")
    assert record["source"] == "systems/ch01-patterns.md" and record["line"] == 9
    assert record["guid"] and "<li>consistency</li>" in record["back_html"]
    assert result.stderr == ""


def test_preview_no_match_and_broken_file(runner, notes):
    none = runner.invoke(main, ["preview", str(notes), "--grep", "sourdough"])
    assert none.exit_code == 0 and "No cards match" in none.stderr
    (notes / "cooking" / "broken.md").write_bytes(b"# Sauces\n\nA \xff roux\n")
    broken = runner.invoke(main, ["preview", str(notes)])
    assert broken.exit_code == 1
    assert "error: cooking/broken.md:3: not UTF-8" in broken.stderr
    assert "What is a julienne?" in broken.stdout  # the other files still preview
