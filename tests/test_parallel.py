"""A build spread over worker processes gives exactly what a one-process build gives.

``jobs=2`` forces the worker pool even for small note sets.  The failure cases patch notedeck in
this process; Linux forks its workers, so they run the patched code too (hence the skip
elsewhere).
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import notedeck.books
import notedeck.pipeline
from conftest import ROOT, SHIPPED_NOTES
from notedeck.cli import main
from notedeck.config import load_config
from notedeck.errors import ConfigError, NoteError, OutputError
from notedeck.pipeline import build, collect
from notedeck.workers import MIN_FILES, worker_count

QUALITY_NOTES = ROOT / "benchmarks" / "quality" / "corpus"
forks = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="patches reach the workers only when forked"
)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(notedeck.books, "_clock", lambda: 1_800_000_000)


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
            for p in sorted(out.iterdir())
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


@forks
def test_a_file_or_a_card_failing_in_a_worker_is_reported_like_in_one_process(
    tmp_path, monkeypatch
):
    notes = tmp_path / "notes"
    shutil.copytree(SHIPPED_NOTES, notes)
    deep = "".join("  " * i + f"- level {i}\n" for i in range(300))
    (notes / "deep.md").write_text("# Deep\n\nThe levels are:\n\n" + deep)
    real_render = notedeck.pipeline._render

    def failing_render(card, config):
        if "lambda" in card.question.casefold():
            raise ValueError("simulated render bug")
        return real_render(card, config)

    monkeypatch.setattr(notedeck.pipeline, "_render", failing_render)
    serial = outcome(notes, tmp_path / "serial", jobs=1)
    parallel = outcome(notes, tmp_path / "parallel", jobs=2)
    assert parallel == serial
    errors = "\n".join(serial["errors"])
    assert "deep.md" in errors and "nested too deeply" in errors
    assert "simulated render bug" in errors
    assert serial["cards"], "the other files and cards still build"


@forks
def test_an_output_error_in_a_packaging_worker_is_one_clean_error(
    shipped_notes, tmp_path, monkeypatch
):
    real_package = notedeck.pipeline.package_book

    def unwritable(title, *args):
        if title.startswith("Introducing"):
            raise OutputError(f"{title}: cannot write deck (No space left on device)")
        return real_package(title, *args)

    monkeypatch.setattr(notedeck.pipeline, "package_book", unwritable)
    result = CliRunner().invoke(
        main, ["build", str(shipped_notes), "-o", str(tmp_path / "decks"), "--jobs", "2"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: Introducing MLOps: cannot write deck (No space left on device)"
    ]
    assert not list((tmp_path / "decks").glob("*.tmp")), "no temporary file left behind"


@forks
def test_ctrl_c_inside_a_worker_stops_the_build_instead_of_hanging(
    shipped_notes, tmp_path, monkeypatch
):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(notedeck.pipeline, "package_book", interrupted)
    result = CliRunner().invoke(
        main, ["build", str(shipped_notes), "-o", str(tmp_path / "decks"), "-j", "2"]
    )
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


def test_errors_survive_the_trip_from_a_worker():
    for error in (NoteError("a.md", "bad", 3), ConfigError("odd", "b.yaml"), OutputError("full")):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and str(back) == str(error)
        assert getattr(back, "line", None) == getattr(error, "line", None)


def test_small_builds_and_debugging_stay_in_one_process(monkeypatch):
    monkeypatch.setattr("notedeck.workers.available_cpus", lambda: 8)
    assert worker_count(None, MIN_FILES - 1, MIN_FILES) == 1
    assert worker_count(None, 200, MIN_FILES) == 8
    assert worker_count(3, 2, MIN_FILES) == 2, "never more workers than tasks"
    assert worker_count(1, 200, MIN_FILES) == 1
    monkeypatch.setenv("NOTEDECK_DEBUG", "1")
    assert worker_count(4, 200, MIN_FILES) == 1, "tracebacks must come from where they happen"


def test_jobs_option_is_checked():
    result = CliRunner().invoke(main, ["build", "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs" in result.output
