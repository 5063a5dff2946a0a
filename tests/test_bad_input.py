"""The bad-input corpus: every kind of messy note folder, each with the one outcome it must get.

Every case runs the real CLI (``notedeck build``) and must end with the documented exit code, a
one-line message naming the file (and line where known) on stderr, no traceback, and — unless
the problem is the whole configuration — the other notes' deck still built.  The carry-over
tests at the end check the other half of the promise: a file that fails keeps the cards it had in
the last build instead of showing up as "removed".
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from notedeck.commands.cli import main
from notedeck.config import load_config
from notedeck.pipeline import collect

GOOD = {
    "good/good.md": (
        "---\nbook: Good Book\n---\n# Things\n\n"
        "A **widget** is a small device that does one thing well.\n\n"
        "A **gadget** is a tool with many functions and a battery.\n"
    )
}
GOOD_DECK = "good-book.apkg"
DEF_AFTER = "\n\n# Later\n\nA **sentinel** is the definition placed after the difficult part.\n"
BIG_LINE = "[[a *a _a {{c1::a ==a ![[a $a <a |a " * 3000  # ~100 KB of unclosed markup


@dataclass(frozen=True)
class Case:
    """One bad input: the files, how to run, and the outcome it must get."""

    files: dict[str, str | bytes]
    exit_code: int
    message: str = ""  # regex one stderr line must match ("" = stderr holds no error line)
    good_builds: bool = True  # the Good Book deck is still written
    setup: Callable[[Path, Path], None] | None = None  # (notes, out) → extra preparation
    notes_arg: str | None = None  # notes path relative to tmp (default "notes")
    out_arg: str | None = None  # output path relative to tmp (default "decks")
    decks: dict[str, int] = field(default_factory=dict)  # deck file → minimum number of notes
    errors: int = 1  # error lines expected when ``message`` is an error (each problem once)


def _symlinks(pairs: list[tuple[str, str]]):
    def make(notes: Path, out: Path) -> None:
        for link, target in pairs:
            os.symlink(notes / target, notes / link)

    return make


def _out_is_file(notes: Path, out: Path) -> None:
    out.write_text("not a folder")


def _nested_list(depth: int) -> str:
    lines = "".join("  " * i + f"- level {i}\n" for i in range(depth))
    return "---\nbook: Nest\n---\n# Layers\n\nThe layers are:\n\n" + lines + DEF_AFTER


def _big_note() -> str:
    """~20 MB: a pasted log, a pasted one-line blob, and definitions before and after them."""
    log = "".join(
        f"2026-11-26 12:00:{i % 60:02d} worker[{i}] INFO step ok <x> $y | z\n"
        for i in range(240_000)
    )
    blob = "![](data:image/png;base64," + "QUJD" * 1_250_000 + ")"
    head = "---\nbook: Big\n---\n# Logs\n\nA **log** is a record of events in time order.\n\n"
    return head + "```text\n" + log + "```\n\n" + blob + "\n" + DEF_AFTER


def _table(rows: int) -> str:
    body = "".join(f"| term {i} | meaning number {i} |\n" for i in range(rows))
    return "---\nbook: Tab\n---\n# Glossary\n\n| Term | Meaning |\n|---|---|\n" + body


def _titled(title: str, n: int) -> str:
    book = json.dumps(title, ensure_ascii=False)  # JSON strings are YAML strings
    return f"---\nbook: {book}\n---\n# T\n\nA **widget{n}** is a small thing for test {n}.\n"


TITLES = ["a/b", "..", "../../escape", "Part::One", "He said \"hi\" & 'bye'", "Notes 📚🎉", "CON"]


CASES: dict[str, Case] = {
    "non-utf8": Case(
        {**GOOD, "a/bad.md": b"---\nbook: X\n---\n# X\n\nA **caf\xe9** is a place.\n"},
        1,
        r"a/bad\.md:6: not UTF-8",
    ),
    "binary-named-md": Case(
        {**GOOD, "a/pic.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
        1,
        r"a/pic\.md: looks like a binary file",
    ),
    "utf8-bom": Case(
        {"bom/bom.md": "\ufeff" + GOOD["good/good.md"]}, 0, decks={GOOD_DECK: 1}, good_builds=False
    ),
    "empty-file": Case({**GOOD, "a/empty.md": ""}, 0),
    "invalid-yaml-front-matter": Case(
        {**GOOD, "a/b.md": "---\nbook: [unclosed\n---\n# X\n"},
        0,
        r"a/b\.md:\d+: invalid YAML in the front matter",
    ),
    "front-matter-is-a-list": Case(
        {**GOOD, "a/b.md": "---\n- a\n- b\n---\n# X\n"}, 0, r"a/b\.md:2: front matter .* not a list"
    ),
    "front-matter-is-a-scalar": Case(
        {**GOOD, "a/b.md": "---\njust text\n---\n# X\n"},
        0,
        r"a/b\.md:2: front matter .* not plain text",
    ),
    "front-matter-book-is-a-list": Case(
        {**GOOD, "a/b.md": "---\nbook: [a, b]\n---\n# X\n"},
        0,
        r"a/b\.md:2: front matter 'book' must be text",
    ),
    "front-matter-alias-bomb": Case(
        {
            **GOOD,
            "a/b.md": "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
            "tags: [*b, *b, *b, *b, *b, *b, *b, *b]\n---\n# X\n",
        },
        0,
        r"a/b\.md:\d+: .*aliases \(\*name\) are not allowed",
    ),
    "front-matter-unknown-keys-are-fine": Case(
        {
            **GOOD,
            "a/b.md": "---\nbook: Other Book\naliases: [x]\ncssclass: wide\n---\n# Y\n\n"
            "A **sprocket** is a wheel with teeth that mesh with a chain.\n",
        },
        0,
        decks={"other-book.apkg": 1},
    ),
    "unknown-key-in-notedeck-yaml": Case(
        {**GOOD, "notedeck.yaml": "bookz: []\n"},
        1,
        r"notedeck\.yaml: unknown key 'bookz' \(valid: ",
        good_builds=False,
    ),
    "unknown-key-in-book-yaml": Case(
        {
            **GOOD,
            "c/book.yaml": "title: C\nauthor: me\n",
            "c/one.md": "# Y\n\nA **foo** is a bar here.\n",
            "c/two.md": "# Z\n\nA **baz** is a qux here.\n",
        },
        1,
        r"^error: c/book\.yaml: unknown book key 'author'",
    ),
    "notes-folder-missing": Case(
        {}, 1, r"notes folder does not exist", good_builds=False, notes_arg="no-such-notes"
    ),
    "notes-folder-is-a-file": Case(
        {},
        1,
        r"notes path is not a folder",
        good_builds=False,
        notes_arg="notes/readme.txt",
        setup=lambda n, o: (n.mkdir(), (n / "readme.txt").write_text("hi")),
    ),
    "notes-folder-without-notes": Case(
        {"readme.txt": "hi", "img/a.png": b"\x89PNG"},
        1,
        r"no markdown notes .* found",
        good_builds=False,
    ),
    "output-is-a-file": Case(
        GOOD, 1, r"output path exists and is not a folder", good_builds=False, setup=_out_is_file
    ),
    "output-under-a-file": Case(
        GOOD,
        1,
        r"cannot create output folder",
        good_builds=False,
        out_arg="decks/sub",
        setup=_out_is_file,
    ),
    "symlink-folder-loop": Case(GOOD, 0, setup=_symlinks([("good/loop", "."), ("good/up", "..")])),
    "symlink-file-loop": Case(
        GOOD,
        1,
        r"a/x1\.md: cannot read \(Too many levels of symbolic links\)",
        setup=lambda n, o: (
            (n / "a").mkdir(),
            _symlinks([("a/x1.md", "a/x2.md"), ("a/x2.md", "a/x1.md")])(n, o),
        ),
        errors=2,
    ),
    "symlink-to-missing-note": Case(
        GOOD,
        1,
        r"a/gone\.md: broken symbolic link",
        setup=lambda n, o: ((n / "a").mkdir(), _symlinks([("a/gone.md", "nope.md")])(n, o)),
    ),
    "symlink-duplicate-note": Case(GOOD, 0, setup=_symlinks([("alias.md", "good/good.md")])),
    "note-of-20-mb": Case({**GOOD, "big.md": _big_note()}, 0, decks={"big.apkg": 2}),
    "table-of-5000-rows": Case({**GOOD, "t.md": _table(5000)}, 0, decks={"tab.apkg": 5000}),
    "nested-list-200-levels": Case({**GOOD, "n.md": _nested_list(200)}, 0, decks={"nest.apkg": 1}),
    "nested-list-300-levels": Case(
        {**GOOD, "n.md": _nested_list(300)}, 1, r"n\.md:\d+: nested too deeply \(over 200 levels"
    ),
    "100-kb-line-of-unclosed-markup": Case(
        {**GOOD, "l.md": "---\nbook: Line\n---\n# L\n\n" + BIG_LINE + DEF_AFTER},
        0,
        decks={"line.apkg": 1},
    ),
    "two-folders-claim-one-book": Case(
        {
            **GOOD,
            "x/book.yaml": "title: Same\n",
            "y/book.yaml": "title: Same\n",
            "x/a.md": "# S\n\nA **foo** is a bar thing here.\n",
            "y/b.md": "# S\n\nA **baz** is a qux thing here.\n",
        },
        0,
        r"^warning: book 'Same' is declared by x/book\.yaml, y/book\.yaml",
        decks={"same.apkg": 2},
    ),
    "book-titles-with-separators-quotes-emoji": Case(
        {
            **GOOD,
            **{f"t{i}.md": _titled(t, i) for i, t in enumerate(TITLES)},
        },
        0,
    ),
}


def _deck_notes(apkg: Path) -> list[tuple[str, str]]:
    """(guid, fields) of every note inside a .apkg, read with sqlite (no Anki needed)."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as tmp:
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in archive.namelist())
        db = Path(tmp) / name
        db.write_bytes(archive.read(name))
        with sqlite3.connect(db) as conn:
            rows = conn.execute("select guid, flds from notes").fetchall()
        conn.close()
    return rows


def _make(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    notes = tmp_path / "notes"
    for rel, data in case.files.items():
        path = notes / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    out = tmp_path / "decks"
    if case.setup:
        case.setup(notes, out)
    return tmp_path / (case.notes_arg or "notes"), tmp_path / (case.out_arg or "decks")


def run_build(*args) -> object:
    result = CliRunner().invoke(main, ["build", *map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # an uncaught exception is a failure, whatever the exit code
    return result


def assert_clean_stderr(stderr: str) -> None:
    """No traceback; every line is one message."""
    assert "Traceback" not in stderr
    for line in stderr.splitlines():
        assert re.match(r"(?i)^(error|warning|notedeck): ", line), line


@pytest.fixture(scope="module")
def good_deck_size(tmp_path_factory) -> int:
    """How many cards the Good Book makes on its own (the extractors decide; we only compare)."""
    notes, out = _make(tmp_path_factory.mktemp("baseline"), Case(GOOD, 0))
    assert run_build(notes, "-o", out).exit_code == 0
    return len(_deck_notes(out / GOOD_DECK))


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_corpus(name, tmp_path, good_deck_size):
    case = CASES[name]
    notes, out = _make(tmp_path, case)
    result = run_build(notes, "-o", out)
    assert result.exit_code == case.exit_code, result.output
    assert_clean_stderr(result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.lower().startswith("error")]
    if case.message:
        assert any(re.search(case.message, line) for line in result.stderr.splitlines()), (
            result.stderr
        )
        assert len(errors) == (case.errors if case.exit_code else 0), (
            "each problem is reported once"
        )
    elif case.exit_code == 0:
        assert not errors
    if case.good_builds:
        assert len(_deck_notes(out / GOOD_DECK)) == good_deck_size  # none lost, none doubled
    for deck, minimum in case.decks.items():
        assert len(_deck_notes(out / deck)) >= minimum, deck
    if out.is_dir():
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")], "no half-written files"


def test_sentinel_after_hard_parts_is_not_lost(tmp_path):
    """Whatever is hard in the middle of a file, the definition after it still becomes a card."""
    for name in ("note-of-20-mb", "nested-list-200-levels", "100-kb-line-of-unclosed-markup"):
        notes, out = _make(tmp_path / name, CASES[name])
        assert run_build(notes, "-o", out).exit_code == 0
        fields = [
            f for deck in out.glob("*.apkg") if deck.name != GOOD_DECK for _, f in _deck_notes(deck)
        ]
        assert any("sentinel" in f for f in fields), name


def test_a_note_reachable_through_a_symlink_is_read_once_under_its_real_path(tmp_path):
    notes, out = _make(tmp_path, CASES["symlink-duplicate-note"])
    assert run_build(notes, "-o", out).exit_code == 0
    sources = [fields.split("\x1f")[-1] for _, fields in _deck_notes(out / GOOD_DECK)]
    assert sources and all(s.startswith("good/good.md:") for s in sources), sources


def test_book_titles_become_safe_file_and_deck_names(tmp_path, anki_collection):
    notes, out = _make(tmp_path, CASES["book-titles-with-separators-quotes-emoji"])
    assert run_build(notes, "-o", out).exit_code == 0
    decks = sorted(out.glob("*.apkg"))
    assert len(decks) == len(TITLES) + 1
    for deck in decks:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.apkg", deck.name), deck.name
        assert deck.parent == out
    assert not (tmp_path / "escape.apkg").exists() and not list(tmp_path.glob("*.apkg"))
    for deck in decks:
        anki_collection.import_apkg(deck)
    names = {d.name for d in anki_collection.col.decks.all_names_and_ids()}
    assert {
        "a/b",
        "..",
        "../../escape",
        "Part:One",
        "He said \"hi\" & 'bye'",
        "Notes 📚🎉",
        "CON",
    } <= names
    assert "Part::One" not in names  # '::' in a title never makes a subdeck


def test_unwritable_output_folder(tmp_path, monkeypatch):
    """A read-only output folder: one line, exit 1 (simulated, since tests may run as root)."""
    notes, out = _make(tmp_path, Case(GOOD, 0))
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o500)
    else:
        real = tempfile.mkstemp

        def refuse(*args, dir=None, **kwargs):
            if dir is not None and Path(dir).resolve().is_relative_to(out.resolve()):
                raise PermissionError(13, "Permission denied")
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        result = run_build(notes, "-o", out)
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1
    assert_clean_stderr(result.stderr)
    assert "Permission denied" in result.stderr and str(out) in result.stderr
    assert not list(out.glob("*.apkg"))


def refuse_listing(monkeypatch, folder: Path) -> None:
    """Make ``os.scandir`` (what os.walk uses) fail on ``folder`` as without read permission."""
    real = os.scandir

    def refuse(path="."):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(folder))
        return real(path)

    monkeypatch.setattr(os, "scandir", refuse)


def test_unreadable_folder_is_one_line_and_the_rest_builds(tmp_path, monkeypatch):
    files = {**GOOD, "locked/a.md": "# A\n\nA **foo** is a bar thing here.\n"}
    notes, out = _make(tmp_path, Case(files, 0))
    locked = notes / "locked"
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads everything: simulate what os.walk sees for a folder without permission
        refuse_listing(monkeypatch, locked)
    try:
        result = run_build(notes, "-o", out)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1
    assert_clean_stderr(result.stderr)
    assert re.search(r"locked: cannot open folder \(Permission denied\)", result.stderr), (
        result.stderr
    )
    assert (out / GOOD_DECK).is_file()


def test_notes_in_an_unreadable_folder_keep_their_cards(tmp_path, monkeypatch):
    """A folder that cannot be listed this time does not make its notes' cards "removed"."""
    sub = "---\nbook: Good Book\n---\n# Sub\n\nA **sprocket** is a wheel with teeth.\n"
    files = {**GOOD, "good/locked/sub.md": sub}
    notes, out = _make(tmp_path, Case(files, 0))
    assert run_build(notes, "-o", out).exit_code == 0
    refuse_listing(monkeypatch, notes / "good" / "locked")
    result = run_build(notes, "-o", out, "-v")
    assert result.exit_code == 1
    assert "cannot open folder" in result.stderr
    assert "−0 removed" in result.output
    assert "kept 1 card from the last build" in result.stderr
    assert "sprocket" in _apkg_text(out / GOOD_DECK)


def _apkg_text(deck: Path) -> str:
    """All note fields of a built deck, as one string."""
    import sqlite3
    import zipfile

    with zipfile.ZipFile(deck) as archive:
        data = archive.read("collection.anki2")
    db = tmp = deck.with_suffix(".check.sqlite")
    tmp.write_bytes(data)
    try:
        with sqlite3.connect(db) as conn:
            return " ".join(row[0] for row in conn.execute("SELECT flds FROM notes"))
    finally:
        tmp.unlink()


def test_real_process_reports_many_bad_files_without_traceback(tmp_path):
    """One real `notedeck build` over a folder holding many broken files at once."""
    names = (
        "non-utf8",
        "binary-named-md",
        "invalid-yaml-front-matter",
        "front-matter-is-a-list",
        "unknown-key-in-book-yaml",
        "nested-list-300-levels",
        "empty-file",
    )
    files: dict[str, str | bytes] = {}
    for name in names:
        files.update(
            {f"{name}/{rel}": data for rel, data in CASES[name].files.items() if rel not in GOOD}
        )
    files.update(GOOD)
    notes, out = _make(tmp_path, Case(files, 1))
    env = {**os.environ, "NOTEDECK_DEBUG": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "notedeck", "build", str(notes), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert_clean_stderr(proc.stderr)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 4, proc.stderr  # one per broken file (book.yaml once for its two notes)
    # Malformed front matter is a warning: the note's body still builds.
    assert "warning: 2 notes whose front matter was ignored" in proc.stderr, proc.stderr
    assert (out / GOOD_DECK).is_file()


# ---------------------------------------------------------------- nothing lost


BOOK = {
    "book/book.yaml": "title: Kept Book\n",
    "book/one.md": "# One\n\nA **widget** is a small device that does one thing well.\n",
    "book/two.md": "# Two\n\nA **gadget** is a tool with many functions and a battery.\n",
}


def _break_encoding(notes: Path) -> None:
    (notes / "book/two.md").write_bytes(b"# Two\n\nA **gadget** is half-sav\xe9d\n")


def _break_front_matter(notes: Path) -> None:
    """A typo in the notedeck: options is an error (malformed YAML is only a warning)."""
    (notes / "book/two.md").write_text(
        "---\nnotedeck:\n  skipp: true\n---\n# Two\n", encoding="utf-8"
    )


def _break_book_yaml(notes: Path) -> None:
    (notes / "book/book.yaml").write_text(
        "title: Kept Book\nsubtitle: bad merge\n", encoding="utf-8"
    )


@pytest.mark.parametrize(
    "breakage",
    [_break_encoding, _break_front_matter, _break_book_yaml],
    ids=["non-utf8", "bad-front-matter", "bad-book-yaml"],
)
def test_a_failing_file_keeps_its_cards_from_the_last_build(tmp_path, breakage):
    notes, out = _make(tmp_path, Case(BOOK, 0))
    assert run_build(notes, "-o", out).exit_code == 0
    before = dict(_deck_notes(out / "kept-book.apkg"))
    breakage(notes)
    (notes / "book/three.md").write_text(
        "# Three\n\nA **sprocket** is a toothed wheel for a chain.\n"
    )
    result = run_build(notes, "-o", out)
    assert result.exit_code == 1
    assert_clean_stderr(result.stderr)
    after = dict(_deck_notes(out / "kept-book.apkg"))
    assert set(before) <= set(after), "a temporary error never removes cards"
    if breakage is not _break_book_yaml:  # (with book.yaml broken the whole book is left as it was)
        kept = r"^warning: book/two\.md: kept 1 card from the last build"
        assert re.search(kept, result.stderr, re.M), result.stderr
    assert "−0 removed" in result.stdout or "removed" not in result.stdout.replace("−0 removed", "")


def test_file_deleted_while_the_build_runs(tmp_path, monkeypatch):
    import notedeck.build.read as reader

    notes, out = _make(tmp_path, Case(BOOK, 0))
    assert run_build(notes, "-o", out).exit_code == 0
    before = dict(_deck_notes(out / "kept-book.apkg"))
    real_find = reader.find_notes

    def find_then_delete(*args, **kwargs):
        found = real_find(*args, **kwargs)
        (notes / "book/two.md").unlink()  # gone between listing and reading
        return found

    monkeypatch.setattr(reader, "find_notes", find_then_delete)
    result = run_build(notes, "-o", out)
    assert result.exit_code == 1
    assert re.search(r"book/two\.md: file disappeared while building", result.stderr)
    assert set(before) <= set(dict(_deck_notes(out / "kept-book.apkg")))


def test_unexpected_error_in_one_file_is_one_line_and_debug_shows_it(tmp_path, monkeypatch):
    import notedeck.build.parse as parse_module

    notes, out = _make(tmp_path, Case({**GOOD, **BOOK}, 0))
    real_parse = parse_module.parse

    def flaky(source, config):
        if source.rel == "book/two.md":
            raise ValueError("simulated bug\nsecond line")
        return real_parse(source, config)

    monkeypatch.setattr(parse_module, "parse", flaky)
    monkeypatch.setattr("notedeck.pipeline.parse", flaky, raising=False)
    monkeypatch.delenv("NOTEDECK_DEBUG", raising=False)
    result = run_build(notes, "-o", out)
    assert result.exit_code == 1
    assert_clean_stderr(result.stderr)
    assert re.search(
        r"book/two\.md: could not be processed \(ValueError: simulated bug\)", result.stderr
    )
    assert (out / GOOD_DECK).is_file() and (out / "kept-book.apkg").is_file()
    debug = CliRunner().invoke(main, ["build", str(notes), "-o", str(out), "--debug"])
    assert isinstance(debug.exception, ValueError)
    assert run_build(notes, "-o", out).exit_code == 1, "--debug does not outlive its command"
    monkeypatch.setenv("NOTEDECK_DEBUG", "1")
    with pytest.raises(ValueError):
        collect(load_config(notes, out))


def test_ctrl_c_exits_130_and_leaves_previous_decks_intact(tmp_path, monkeypatch):
    notes, out = _make(tmp_path, Case({**GOOD, **BOOK}, 0))
    assert run_build(notes, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (notes / "book/three.md").write_text(
        "# Three\n\nA **sprocket** is a toothed wheel for a chain.\n"
    )

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # Ctrl-C at the worst moment: before a rename
    result = run_build(notes, "-o", out)
    assert result.exit_code == 130
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "interrupted" in lines[0]
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before, "previous decks and manifests untouched, no temporary files left"


def test_a_note_cannot_reach_outside_the_notes_folder_or_run_script(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    note = (
        "---\nbook: Safe\n---\n# Safety\n\n"
        "A **leak** is ![x](../secret.png) and ![y](/etc/passwd) and ![[../secret.png]].\n\n"
        "A **script** is <script>alert(1)</script> <img src=x onerror=alert(1)>"
        " [c](javascript:alert(1)).\n"
    )
    notes, out = _make(tmp_path, Case({"safe/n.md": note}, 0))
    result = run_build(notes, "-o", out)
    assert result.exit_code == 0
    assert_clean_stderr(result.stderr)
    with zipfile.ZipFile(out / "safe.apkg") as archive:
        media = [archive.read(n) for n in archive.namelist() if n.isdigit()]
    assert b"secret" not in b"".join(media)
    fields = " ".join(f for _, f in _deck_notes(out / "safe.apkg")).lower()
    assert "secret" not in fields and "passwd" not in fields
    assert "<script" not in fields  # escaped as text at most: &lt;script&gt;
    assert not re.search(r"<[^>]*\bonerror=", fields) and 'href="javascript:' not in fields
    assert not list(tmp_path.glob("*.apkg")), "nothing written outside the output folder"
