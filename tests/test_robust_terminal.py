"""File names that forge output (issue 16, defect 7): a newline in a note's name must not make a
second, fake output line, and terminal escape sequences must not reach the terminal."""

from __future__ import annotations

import pytest

from robust_cli import assert_one_line_messages, notedeck

FORGED = "evil\nerror: fake.md:1: forged line"
ESCAPES = "\x1b[2J\x1b[31mred"


@pytest.mark.parametrize("command", ["build", "check", "preview", "stats"])
def test_names_with_newlines_and_escapes_are_printed_escaped(tmp_path, command):
    notes = tmp_path / "notes" / "book"
    notes.mkdir(parents=True)
    (notes / f"{FORGED}.md").write_bytes(b"# T\n\nA **caf\xe9** is a place.\n")  # an error
    (notes / f"{ESCAPES}.md").write_text("# T\n\nA **widget** is a small device.\n")
    args = [command, tmp_path / "notes"]
    if command in ("build", "stats"):
        args += ["-o", tmp_path / "decks"]
    run = notedeck(*args, "-v") if command == "build" else notedeck(*args)
    out = run.stdout + run.stderr
    assert "\x1b" not in out, "no escape sequence reaches the terminal"
    assert not any(line.startswith("error: fake.md") for line in out.splitlines()), out
    if command == "build":
        assert_one_line_messages(run.stderr)
    assert "evil\\nerror: fake.md:1: forged line.md" in out, out
    if command in ("build", "preview"):
        assert "\\x1b[2J\\x1b[31mred.md" in out, out
