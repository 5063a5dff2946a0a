"""A build spread over worker processes gives exactly what a one-process build gives.

``jobs=2`` forces the worker pool even for small note sets.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import notedeck.build.package.deck
import notedeck.pipeline
from conftest import ROOT, SHIPPED_NOTES
from notedeck.commands.cli import main
from notedeck.config import load_config
from notedeck.errors import ConfigError, NoteError, OutputError
from notedeck.model import Card, RenderedCard
from notedeck.pipeline import build, collect
from notedeck.runtime.runner import MIN_FILES, register_pickling, worker_count
from test_properties import ROUTING, notes

QUALITY_NOTES = ROOT / "benchmarks" / "quality" / "corpus"
pytestmark = pytest.mark.slow  # worker processes start in nearly every test here
forks = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="patches reach the workers only when forked"
)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(notedeck.build.package.deck, "_clock", lambda: 1_800_000_000)


def outcome(notes: Path, out: Path, jobs: int) -> dict:
    """Everything a build shows or writes, for comparing two builds."""
    collected = collect(load_config(notes, out, jobs=jobs))
    report = build(load_config(notes, out, jobs=jobs))
    return {
        "cards": [
            (r.card.guid, r.card.book, r.front, r.back, r.context, r.source, r.card.tags)
            for r in collected.cards
        ],
        "documents": [d.source.rel for d in collected.documents],
        "warnings": [str(w) for w in (*collected.warnings, *report.warnings)],
        "errors": [str(e) for e in (*collected.errors, *report.errors)],
        "books": [(b.title, len(b.cards), len(b.added), b.written) for b in report.books],
        "files": {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.iterdir() if out.exists() else ())
            if p.is_file()
        },
    }


@pytest.mark.parametrize("notes", [SHIPPED_NOTES, QUALITY_NOTES], ids=["shipped", "quality"])
def test_parallel_build_is_byte_for_byte_the_serial_one(notes, tmp_path):
    copy = tmp_path / "notes"
    shutil.copytree(notes, copy)
    serial = outcome(copy, tmp_path / "serial", jobs=1)
    parallel = outcome(copy, tmp_path / "parallel", jobs=2)
    assert serial["cards"] and serial["files"]
    assert parallel == serial


def test_parallel_decks_import_into_anki(shipped_notes, tmp_path, anki_collection):
    report = build(load_config(shipped_notes, tmp_path / "decks", jobs=2))
    assert len(report.books) >= 2  # the books were packaged by two workers
    for book in report.books:
        anki_collection.import_apkg(book.deck_path)
    assert len(anki_collection.col.find_notes("")) == sum(len(b.cards) for b in report.books)


# Failures are injected by patching notedeck in a fresh interpreter that then runs the CLI: a
# single-threaded process, so its workers are forked and run the patched code too.
PATCHED_BUILD = """
import sys
import notedeck.build.package.deck, notedeck.build.note, notedeck.pipeline
notedeck.build.package.deck._clock = lambda: 1_800_000_000
{patch}
from notedeck.commands.cli import main
main(["build", sys.argv[1], "-o", sys.argv[2], "--jobs", sys.argv[3], "-q"])
"""

FAILING_RENDER = """
real_render = notedeck.build.note._render
def failing_render(card, config):
    if "lambda" in card.question.casefold():
        raise ValueError("simulated render bug")
    return real_render(card, config)
notedeck.build.note._render = failing_render
"""


def patched_build(patch: str, notes: Path, out: Path, jobs: int) -> tuple[int, str, dict]:
    script = PATCHED_BUILD.format(patch=patch)
    proc = subprocess.run(
        [sys.executable, "-c", script, str(notes), str(out), str(jobs)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.iterdir() if out.exists() else ())
        if p.is_file()
    }
    return proc.returncode, proc.stderr, files


@forks
def test_a_file_or_a_card_failing_in_a_worker_is_reported_like_in_one_process(tmp_path):
    notes = tmp_path / "notes"
    shutil.copytree(SHIPPED_NOTES, notes)
    deep = "".join("  " * i + f"- level {i}\n" for i in range(300))
    (notes / "deep.md").write_text("# Deep\n\nThe levels are:\n\n" + deep)
    serial = patched_build(FAILING_RENDER, notes, tmp_path / "serial", jobs=1)
    parallel = patched_build(FAILING_RENDER, notes, tmp_path / "parallel", jobs=2)
    assert parallel == serial
    code, stderr, files = serial
    assert code == 1 and "Traceback" not in stderr
    assert "deep.md" in stderr and "nested too deeply" in stderr
    assert "simulated render bug" in stderr
    assert any(name.endswith(".apkg") for name in files), "the other files and cards still build"


@forks
def test_an_output_error_in_a_packaging_worker_is_one_clean_error(tmp_path):
    patch = """
from notedeck.errors import OutputError
real_plan = notedeck.pipeline.plan_deck
def unwritable(shared, book):
    if book[0].startswith("Introducing"):
        raise OutputError(f"{book[0]}: cannot write deck (No space left on device)")
    return real_plan(shared, book)
notedeck.pipeline.plan_deck = unwritable
"""
    code, stderr, files = patched_build(patch, SHIPPED_NOTES, tmp_path / "decks", jobs=2)
    assert code == 1
    assert stderr.strip().splitlines() == [
        "error: Introducing MLOps: cannot write deck (No space left on device)"
    ]
    assert not [name for name in files if name.endswith(".tmp")], "no temporary file left"


@forks
def test_ctrl_c_inside_a_worker_stops_the_build_instead_of_hanging(tmp_path):
    patch = """
def interrupted(*args):
    raise KeyboardInterrupt
notedeck.pipeline.plan_deck = interrupted
"""
    code, stderr, _ = patched_build(patch, SHIPPED_NOTES, tmp_path / "decks", jobs=2)
    assert code == 130
    assert stderr.strip().splitlines() == [
        "notedeck: interrupted — previous decks were left as they were"
    ]


@forks
def test_a_worker_that_dies_is_one_clean_error_not_a_hang(tmp_path):
    patch = """
import os
real_render = notedeck.build.note._render
def killed(card, config):  # as if the kernel's out-of-memory killer took the worker
    if "lambda" in card.question.casefold():
        os._exit(137)
    return real_render(card, config)
notedeck.build.note._render = killed
"""
    code, stderr, files = patched_build(patch, SHIPPED_NOTES, tmp_path / "decks", jobs=2)
    assert code == 1
    assert stderr.strip().splitlines() == [
        "error: a worker process stopped unexpectedly (out of memory?); "
        "`notedeck build --jobs 1` builds in one process"
    ]
    assert not files, "no deck from a build that did not finish"


@forks
def test_a_real_ctrl_c_stops_workers_and_main_at_once(tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C sends) while the workers
    parse: exit 130 with one line, the decks of the last build untouched, no temp file, and no
    process left behind."""
    notes, out = tmp_path / "notes", tmp_path / "decks"
    shutil.copytree(SHIPPED_NOTES, notes)
    for n in range(30):
        (notes / "introducing-mlops" / f"extra-{n:02}.md").write_text(
            f"# Extra {n}\n\nA **widget {n}** is a small part of a bigger machine.\n"
        )
    assert patched_build("", notes, out, jobs=1)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (notes / "introducing-mlops" / "extra-00.md").write_text("A **gizmo** is a gadget.\n")
    started = tmp_path / "started"
    patch = f"""
import pathlib, time
real = notedeck.build.note._parse_and_extract
def slow(source, config):  # a worker has started: keep the build busy long enough to stop it
    pathlib.Path({str(started)!r}).touch()
    time.sleep(0.5)
    return real(source, config)
notedeck.build.note._parse_and_extract = slow
"""
    script = PATCHED_BUILD.format(patch=patch)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(notes), str(out), "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert started.exists(), proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert stderr.strip().splitlines() == [
        "notedeck: interrupted — previous decks were left as they were"
    ]
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before, "the last build's decks untouched, no temp file"
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlived the build
        os.killpg(proc.pid, 0)


def test_spawned_workers_give_the_same_build(tmp_path, monkeypatch):
    """Where forking is unsafe (other threads running) or unavailable, workers are spawned."""
    copy = tmp_path / "notes"
    shutil.copytree(SHIPPED_NOTES, copy)
    serial = outcome(copy, tmp_path / "serial", jobs=1)
    monkeypatch.setattr("notedeck.runtime.runner._can_fork", lambda: False)
    assert outcome(copy, tmp_path / "spawned", jobs=2) == serial


def test_a_script_without_a_main_guard_is_told_why_spawned_workers_fail(tmp_path):
    """Spawned workers (macOS, Windows) import the main script again; unguarded, each one
    fails before its first task.  The error says so instead of blaming memory."""
    script = tmp_path / "script.py"
    script.write_text(
        "import notedeck.runtime.runner\n"
        "notedeck.runtime.runner._can_fork = lambda: False  # as on macOS and Windows\n"
        "from notedeck.config import load_config\n"
        "from notedeck.pipeline import build\n"
        f"build(load_config({str(SHIPPED_NOTES)!r}, {str(tmp_path / 'out')!r}, jobs=2))\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    # The error is the traceback's last line, but multiprocessing's resource tracker may
    # print a warning about the broken pool after it.
    error = next(line for line in result.stderr.splitlines() if "WorkerError:" in line)
    assert result.returncode != 0
    assert "could not start" in error and '__name__ == "__main__"' in error, error


@settings(max_examples=max(3, settings.default.max_examples // 5))  # a pool per example: ci 8
@given(st.lists(notes(), min_size=2, max_size=4), st.booleans())
def test_any_notes_build_the_same_in_workers(texts, routed):
    """Arbitrary notes (tests/test_properties.py's generator), several files, one or two books."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        notes_dir = root / "notes"
        (notes_dir / "book").mkdir(parents=True)
        if routed:
            (notes_dir / "notedeck.yaml").write_text(ROUTING, encoding="utf-8")
        else:
            (notes_dir / "book" / "book.yaml").write_text("title: Prop Book\n", encoding="utf-8")
        for n, text in enumerate(texts):
            (notes_dir / "book" / f"n{n}.md").write_bytes(text.encode("utf-8", "surrogatepass"))
        serial = outcome(notes_dir, root / "serial", jobs=1)
        assert outcome(notes_dir, root / "parallel", jobs=2) == serial


def test_errors_survive_the_trip_from_a_worker():
    register_pickling()  # what the runner does before it starts workers
    for error in (NoteError("a.md", "bad", 3), ConfigError("odd", "b.yaml"), OutputError("full")):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert getattr(back, "line", None) == getattr(error, "line", None)


def test_cards_survive_the_trip_exactly():
    """Card and RenderedCard pickle as tuples of their fields (runner.py): every field, in
    order, comes back, also for a card whose GUID was set after it was made."""
    register_pickling()
    card = Card("definition", "What is X?", "X is y.", "x", "B", "1", ("Ch",), "a.md", 3, ("t",))
    cards = [card, replace(card, guid="Gx"), replace(card, note_type="cloze", chapter=None)]
    for original in [*cards, RenderedCard(cards[1], "f", "b", "c", "a.md:3", ("i.png",))]:
        back = pickle.loads(pickle.dumps(original))
        assert type(back) is type(original) and back == original
        assert list(back.__dict__.items()) == list(original.__dict__.items())


def test_small_builds_and_debugging_stay_in_one_process(monkeypatch):
    monkeypatch.setattr("notedeck.runtime.runner.available_cpus", lambda: 8)
    assert worker_count(None, MIN_FILES - 1) == 1
    assert worker_count(None, 200) == 8
    assert worker_count(8, 3) == 3, "never more workers than tasks"
    assert worker_count(3, 2) == 2, "--jobs counts even for small builds"
    assert worker_count(1, 200) == 1
    monkeypatch.setattr("notedeck.runtime.runner.available_cpus", lambda: 128)
    assert worker_count(None, 2000) == 16, "each worker costs memory"
    assert worker_count(100, 2000) == 61, "Windows waits on 61 processes at most"
    monkeypatch.setenv("NOTEDECK_DEBUG", "1")
    assert worker_count(4, 200) == 1, "tracebacks must come from where they happen"


def test_jobs_option_is_checked():
    result = CliRunner().invoke(main, ["build", "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs" in result.output


def test_the_biggest_book_is_packaged_first_and_reported_in_title_order(tmp_path, monkeypatch):
    """A big book started last would keep one worker busy while the others idle."""
    for title, count in (("Alpha", 1), ("Beta", 3), ("Gamma", 2)):
        folder = tmp_path / "notes" / title.lower()
        folder.mkdir(parents=True)
        (folder / "book.yaml").write_text(f"title: {title}\n", encoding="utf-8")
        terms = "\n".join(f"- **Term {n}**: meaning number {n} here." for n in range(count))
        (folder / "notes.md").write_text(f"# Words\n\n{terms}\n", encoding="utf-8")
    packaged = []
    real = notedeck.pipeline.plan_deck
    monkeypatch.setattr(
        notedeck.pipeline,
        "plan_deck",
        lambda shared, book: packaged.append(book[0]) or real(shared, book),
    )
    report = build(load_config(tmp_path / "notes", tmp_path / "out", jobs=1))
    assert packaged == ["Beta", "Gamma", "Alpha"]
    assert [(b.title, len(b.cards)) for b in report.books] == [
        ("Alpha", 1),
        ("Beta", 3),
        ("Gamma", 2),
    ]


def test_the_garbage_collector_is_paused_only_while_a_build_runs(tmp_path, monkeypatch):
    import gc

    seen = []
    real = notedeck.pipeline.number_books
    monkeypatch.setattr(
        notedeck.pipeline,
        "number_books",
        lambda *args, **kwargs: seen.append(gc.isenabled()) or real(*args, **kwargs),
    )
    build(load_config(SHIPPED_NOTES, tmp_path / "out", jobs=1))
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        build(load_config(SHIPPED_NOTES, tmp_path / "again", jobs=1))
        assert not gc.isenabled(), "a caller's own setting is left as it was"
    finally:
        gc.enable()
