"""Hostile and unlucky input files (issue 16, defects 4, 5, 6, 8 and 10): each gets one clear line
naming the file, a build that finishes (no hang, no memory blow-up) and every other book built.

Every test runs the real program in a child process with a wall and a memory limit
(``robust_cli``): before the fixes, the FIFO blocked forever, ``/dev/zero`` ate memory without
bound and the YAML bombs ran for minutes into a MemoryError.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from robust_cli import assert_one_line_messages, deck_fields, notedeck

GOOD = "---\nbook: Good Book\n---\n# Things\n\nA **widget** is a small device that does a thing.\n"


def _notes(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    notes = tmp_path / "notes"
    for rel, data in {"good/good.md": GOOD, **files}.items():
        path = notes / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return notes


def _all_fields(out: Path) -> str:
    return " ".join(f for deck in out.glob("*.apkg") for _, f in deck_fields(deck))


# ---------------------------------------------------------------- 4: links out of the notes


def test_links_out_of_the_notes_folder_are_refused_one_warning_line_each(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("A **password** is hunter2, the secret of the admin.\n")
    notes = _notes(tmp_path, {})
    (notes / "good" / "secret.md").symlink_to(outside / "secret.md")
    (notes / "etc").symlink_to("/etc")
    (notes / "root").symlink_to("/")
    (notes / "good" / "loop").symlink_to(notes)  # a loop back into the notes: walked once
    (notes / "good" / "self").symlink_to(".")
    run = notedeck("build", notes, "-o", tmp_path / "decks", "-v")
    assert run.returncode == 0, run.stderr
    assert_one_line_messages(run.stderr)
    assert [p.name for p in (tmp_path / "decks").glob("*.apkg")] == ["good-book.apkg"]
    assert "hunter2" not in _all_fields(tmp_path / "decks")
    refused = [line for line in run.lines if "leading out of the notes folder" in line]
    named = sorted(line.split(":")[1].strip() for line in refused)
    assert named == ["etc", "good/secret.md", "root"]
    assert len(deck_fields(tmp_path / "decks" / "good-book.apkg")) == 1, "read once, no loop"


# ---------------------------------------------------------------- 5: FIFOs, devices, size cap


def test_a_fifo_and_devices_named_md_are_not_read(tmp_path):
    notes = _notes(tmp_path, {})
    os.mkfifo(notes / "good" / "pipe.md")  # reading it would wait for a writer forever
    (notes / "good" / "zero.md").symlink_to("/dev/zero")  # endless bytes
    try:  # a device node inside the notes folder (root may make one)
        os.mknod(notes / "good" / "dev.md", stat.S_IFCHR | 0o644, os.makedev(1, 5))
        device = True
    except (PermissionError, AttributeError, OSError):
        device = False
    run = notedeck("build", notes, "-o", tmp_path / "decks", "-v")
    assert run.returncode == 0, run.stderr
    assert_one_line_messages(run.stderr)
    assert any(
        "good/pipe.md: not a regular file (a FIFO or a device)" in line for line in run.lines
    )
    assert any("good/zero.md: symbolic link leading out" in line for line in run.lines)
    if device:
        assert any("good/dev.md: not a regular file" in line for line in run.lines)
    assert len(deck_fields(tmp_path / "decks" / "good-book.apkg")) == 1


def test_a_fifo_that_replaces_a_note_after_the_walk_does_not_block_the_read(tmp_path):
    """The walk skips FIFOs, but a note can become one before it is read (a race)."""
    fifo = tmp_path / "note.md"
    os.mkfifo(fifo)
    code = (
        "import sys; from pathlib import Path; from notedeck.build.decode import read_bytes\n"
        "from notedeck.errors import NoteError\n"
        "try: read_bytes(Path(sys.argv[1]), 'note.md')\n"
        "except NoteError as e: print(e)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == "note.md: is not a regular file (a FIFO or a device?); skipped"


def test_a_note_over_the_size_cap_is_one_error_and_the_rest_builds(tmp_path):
    notes = _notes(tmp_path, {})
    huge = notes / "good" / "export.md"
    with open(huge, "wb") as handle:  # sparse: 33 MB of nothing on disk
        handle.truncate(33 * 1024 * 1024)
    run = notedeck("build", notes, "-o", tmp_path / "decks")
    assert run.returncode == 1
    assert_one_line_messages(run.stderr)
    assert run.lines == [
        "error: good/export.md: is over 32 MB, too big for a note; split it or ignore it"
    ]
    assert (tmp_path / "decks" / "good-book.apkg").is_file()


# ---------------------------------------------------------------- 6: YAML bombs

LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))  # noqa: B905
)


@pytest.mark.parametrize("where", ["good/book.yaml", "notedeck.yaml"])
def test_billion_laughs_in_settings_is_one_error_line(tmp_path, where):
    notes = _notes(tmp_path, {where: "title: Good Book\n" + LAUGHS if "book" in where else LAUGHS})
    run = notedeck("build", notes, "-o", tmp_path / "decks", timeout=60)
    assert run.returncode == 1
    assert_one_line_messages(run.stderr)
    errors = [line for line in run.lines if line.startswith("error:")]
    assert len(errors) == 1, run.stderr
    line = 3 if "book" in where else 2  # the first alias (after book.yaml's title line)
    named = (f"error: {where}:{line}: ", f"error: {notes / where}:{line}: ")
    assert errors[0].startswith(named), errors[0]
    assert "aliases (*name) are not allowed" in errors[0]


# ---------------------------------------------------------------- 10: surrogate escapes


def test_surrogate_escapes_in_yaml_are_one_line_naming_the_file(tmp_path):
    notes = _notes(
        tmp_path,
        {
            "fm/a.md": '---\nbook: "\\ud83d\\ude00"\n---\n# T\n\nA **gadget** is a thing.\n',
            "by/book.yaml": 'title: "Half \\ud83d"\n',
            "by/b.md": "# T\n\nA **gizmo** is a thing with a purpose.\n",
        },
    )
    run = notedeck("build", notes, "-o", tmp_path / "decks")
    assert run.returncode == 1
    assert_one_line_messages(run.stderr)
    (fm,) = [line for line in run.lines if "fm/a.md" in line]
    assert fm.startswith("warning: fm/a.md:2: invalid YAML in the front matter")
    assert "\\ud83d is half of a UTF-16 pair" in fm and "'😀'" in fm
    (by,) = [line for line in run.lines if "by/book.yaml" in line]
    assert by.startswith("error: by/book.yaml:1: invalid YAML: \\ud83d is half of a UTF-16 pair")
    decks = sorted(p.name for p in (tmp_path / "decks").glob("*.apkg"))
    assert decks == ["fm.apkg", "good-book.apkg"]  # the front matter is ignored, the body builds
    # notedeck.yaml decides every book: it stops the build, in one line.
    (notes / "notedeck.yaml").write_text('books:\n  - title: "\\udc00 x"\n')
    run = notedeck("build", notes, "-o", tmp_path / "decks")
    assert run.returncode == 1
    assert_one_line_messages(run.stderr)
    assert "notedeck.yaml:1: invalid YAML: \\udc00 is half of a UTF-16 pair" in run.stderr


def test_a_file_name_that_is_not_utf8_is_one_line_and_the_rest_builds(tmp_path):
    notes = _notes(tmp_path, {})
    name = os.fsencode(notes / "good") + b"/caf\xe9.md"
    with open(name, "wb") as handle:
        handle.write(b"# T\n\nA **gadget** is a thing with parts.\n")
    run = notedeck("build", notes, "-o", tmp_path / "decks")
    assert run.returncode == 1
    assert_one_line_messages(run.stderr)
    assert run.lines == [
        "error: good/caf\\xe9.md: file name is not UTF-8 text (Anki and the manifest need it); "
        "rename it"
    ]
    assert len(deck_fields(tmp_path / "decks" / "good-book.apkg")) == 1


def test_a_utf16_note_is_decoded_by_its_bom(tmp_path):
    text = "# T\n\nA **gadget** is a thing with parts, saved by Notepad.\n"
    notes = _notes(
        tmp_path,
        {
            "le/a.md": "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"),
            "be/b.md": "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"),
        },
    )
    run = notedeck("build", notes, "-o", tmp_path / "decks")
    assert run.returncode == 0, run.stderr
    for deck in ("le.apkg", "be.apkg"):
        assert "saved by Notepad" in " ".join(f for _, f in deck_fields(tmp_path / "decks" / deck))


# ---------------------------------------------------------------- 8: idempotent rebuilds


@pytest.mark.parametrize("blank_first", [True, False])
def test_a_blank_twin_never_moves_the_other_twins_guid(tmp_path, blank_first):
    """One of two same-question definitions renders blank (skipped with a warning): the other
    keeps its GUID on every unchanged rebuild, with the cache and without it."""
    blank, real = "**Widget**: <u></u>\n", "**Widget**: a small device that does one thing.\n"
    twins = blank + "\n" + real if blank_first else real + "\n" + blank
    notes = _notes(tmp_path, {"b/book.yaml": "title: B\n", "b/a.md": f"# T\n\n{twins}"})
    out = tmp_path / "decks"
    guids = []
    for n in range(4):
        run = notedeck("build", notes, "-o", out)
        assert run.returncode == 0, run.stderr
        if n == 2:
            # a build that cannot use the cache numbers the book again, from the manifest
            for path in sorted((out / ".cache").rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
        guids.append(sorted(json.loads((out / "b.notedeck.json").read_text())["cards"]))
        if n:
            assert "+0 new  ~0 changed  −0 removed" in run.stdout, run.stdout
    assert guids[0] == guids[1] == guids[2] == guids[3]
