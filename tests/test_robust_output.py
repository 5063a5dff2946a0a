"""Nothing lost when writing goes wrong (issue 16, defect 3 and the "Also" list): a crash at every
write step, a full disk, a read-only folder, two builds at once.

The crash test kills a real build (``os._exit``, as SIGKILL would) just before and just after
each rename of a deck or a manifest, then checks what the next build says against the deck that
is really on disk: before the fix the manifest was renamed first, so a crash between the two
renames left a new manifest beside the old deck and the next build printed "+0 new ~0 changed
−0 removed" for a deck that had changed.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from robust_cli import NOTEDECK, assert_one_line_messages, deck_fields, notedeck

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

BEFORE = {
    "book/book.yaml": "title: Crash Book\n",
    "book/a.md": "# A\n\nA **widget** is a small device.\n\nA **gadget** is a tool with parts.\n",
    "book/b.md": "# B\n\nA **sprocket** is a toothed wheel.\n\nA **flange** is a rim.\n",
    "other/book.yaml": "title: Other Book\n",
    "other/c.md": "# C\n\nA **lever** is a bar on a pivot.\n",
}
AFTER = {  # 2 new, 1 changed, 2 removed in Crash Book; Other Book unchanged
    "book/a.md": "# A\n\nA **widget** is a small device that does one thing.\n\n"
    "A **gizmo** is a clever device.\n\nA **doohickey** is a thing without a name.\n",
    "book/b.md": "# B\n\nA **sprocket** is a toothed wheel.\n",
}


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _summary(stdout: str, title: str) -> str:
    lines = stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{title}:"))
    return lines[at + 1].strip()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted BEFORE build, then AFTER: the output folders and the true diff."""
    root = tmp_path_factory.mktemp("reference")
    notes, out = _tree(root / "notes", BEFORE), root / "decks"
    assert notedeck("build", notes, "-o", out).returncode == 0
    before = root / "decks-before"
    shutil.copytree(out, before)
    _tree(notes, AFTER)
    run = notedeck("build", notes, "-o", out)
    assert run.returncode == 0, run.stderr
    diff = _summary(run.stdout, "Crash Book")
    assert diff == "+2 new  ~1 changed  −2 removed"
    return before, out, diff


CRASH = textwrap.dedent(
    """
    import os, runpy, sys
    crash_at, count = int(os.environ["CRASH_AT"]), [0]
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        watched = str(dst).endswith((".apkg", ".notedeck.json"))
        for when in ("before", "after"):
            if watched:
                count[0] += 1
                if count[0] == crash_at:
                    os._exit(137)  # as SIGKILL: nothing is cleaned up
            if when == "before":
                real(src, dst, *args, **kwargs)

    os.replace = replace
    sys.argv = ["notedeck", *sys.argv[1:]]
    runpy.run_path(sys.argv.pop(1), run_name="__main__")
    """
)


def _cards(out: Path) -> dict[str, str]:
    """Crash Book's manifest as GUID → content hash (mod times differ between builds)."""
    data = json.loads((out / "crash-book.notedeck.json").read_text())
    return {guid: entry["content"] for guid, entry in data["cards"].items()}


def _notes_of(deck: Path) -> set[tuple[str, str]]:
    return set(deck_fields(deck))


@pytest.mark.slow
def test_a_crash_at_every_write_step_leaves_a_pair_the_next_build_reads_truly(tmp_path, reference):
    ref_before, ref_after, true_diff = reference
    decks = ("crash-book.apkg", "other-book.apkg")
    steps = 0
    for crash_at in range(1, 20):
        case = tmp_path / f"crash-{crash_at}"
        notes = _tree(_tree(case / "notes", BEFORE), AFTER)
        out = case / "decks"
        shutil.copytree(ref_before, out)
        proc = subprocess.run(
            [sys.executable, "-c", CRASH, NOTEDECK, "build", str(notes), "-o", str(out), "-j", "1"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "CRASH_AT": str(crash_at)},
        )
        if proc.returncode == 0:
            break  # every write step has had its crash
        assert proc.returncode == 137, proc.stderr
        steps += 1
        for name in decks:  # each deck on disk is a whole one, old or new
            assert _notes_of(out / name)
            json.loads((out / name.replace(".apkg", ".notedeck.json")).read_text())
        fields = {f for _, f in _notes_of(out / "crash-book.apkg")}
        manifest = _cards(out)
        assert manifest in (_cards(ref_before), _cards(ref_after))
        if manifest == _cards(ref_after):  # never a manifest ahead of its deck
            assert fields == {f for _, f in _notes_of(ref_after / "crash-book.apkg")}, crash_at
        run = notedeck("build", notes, "-o", out)
        assert run.returncode == 0, run.stderr
        # The crashed build printed nothing: the next one reports every change since the last
        # build that finished (the one the manifest is from), and nothing twice.
        finished = manifest == _cards(ref_after)
        expected = "+0 new  ~0 changed  −0 removed" if finished else true_diff
        assert _summary(run.stdout, "Crash Book") == expected, (crash_at, run.stdout)
        for name in decks:  # the GUIDs and fields of an uninterrupted build
            assert _notes_of(out / name) == _notes_of(ref_after / name), (crash_at, name)
        again = notedeck("build", notes, "-o", out)
        assert "(unchanged)" in again.stdout and "~0 changed" in again.stdout
    assert steps >= 4, "two decks and two manifests, before and after each rename"


def test_a_second_build_into_the_same_folder_is_refused_in_one_line(tmp_path):
    from notedeck.runtime.lock import build_lock

    notes, out = _tree(tmp_path / "notes", BEFORE), tmp_path / "decks"
    out.mkdir()
    with build_lock(out):  # as if another build held it
        run = notedeck("build", notes, "-o", out)
    assert run.returncode == 1
    assert run.lines == [
        f"error: {out}: another build is running into this folder; wait for it to finish"
    ]
    assert not list(out.glob("*.apkg"))
    assert notedeck("build", notes, "-o", out).returncode == 0  # released with the holder


def _fail_writes(monkeypatch, failing: str, error: int):
    """Make the atomic write of files ending in ``failing`` fail with ``error``."""
    import notedeck.runtime.atomic as atomic

    real = atomic.atomic_write_bytes

    def write(path, data):
        if str(path).endswith(failing):
            import tempfile

            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            Path(tmp).unlink()
            raise OSError(error, os.strerror(error))
        return real(path, data)

    monkeypatch.setattr("notedeck.build.package.deck.atomic_write_bytes", write)


@pytest.mark.parametrize(
    "failing, what, error",
    [
        (".apkg", "deck", errno.ENOSPC),
        (".notedeck.json", "manifest", errno.ENOSPC),
        (".apkg", "deck", errno.EROFS),
    ],
)
def test_a_full_disk_or_read_only_folder_is_one_line_and_decks_stay_whole(
    tmp_path, monkeypatch, failing, what, error
):
    from click.testing import CliRunner

    from notedeck.commands.cli import main

    notes, out = _tree(tmp_path / "notes", BEFORE), tmp_path / "decks"
    assert CliRunner().invoke(main, ["build", str(notes), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    cache = {p: p.read_bytes() for p in (out / ".cache").rglob("*") if p.is_file()}
    _tree(notes, AFTER)
    _fail_writes(monkeypatch, failing, error)
    result = CliRunner().invoke(main, ["build", str(notes), "-o", str(out)])
    assert result.exit_code == 1
    assert_one_line_messages(result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(lines) == 1 and f"cannot write {what} ({os.strerror(error)})" in lines[0]
    assert lines[0].startswith(f"error: {out}/crash-book.")
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert not [n for n in after if n.endswith(".tmp")]
    if what == "deck":
        assert after == before, "previous decks and manifests intact"
    # the cache is written after the decks: a failed write leaves the last build's cache
    assert {p: p.read_bytes() for p in (out / ".cache").rglob("*") if p.is_file()} == cache
    monkeypatch.undo()
    again = CliRunner().invoke(main, ["build", str(notes), "-o", str(out)])
    assert again.exit_code == 0
    assert "+2 new  ~1 changed  −2 removed" in again.output  # nothing was lost from the diff


# ---------------------------------------------------------------- kill -9 at random moments

KILLS = 20


def _manifests(out: Path) -> dict[str, dict[str, str]]:
    """Every book's manifest as GUID → content hash."""
    return {
        path.name: {g: e["content"] for g, e in json.loads(path.read_text())["cards"].items()}
        for path in sorted(out.glob("*.notedeck.json"))
    }


def _summaries(stdout: str) -> dict[str, str]:
    lines = stdout.splitlines()
    return {
        line.split(":", 1)[0]: lines[n + 1].strip()
        for n, line in enumerate(lines[:-1])
        if lines[n + 1].startswith("  +")
    }


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_or_misreports_anything(tmp_path, anki_collection):
    import random

    import corpus

    notes = corpus.generate(tmp_path / "notes", 48)  # several books, workers in use (-j 2)
    base = tmp_path / "decks-a"
    assert notedeck("build", notes, "-o", base).returncode == 0
    corpus.touch_one(notes)
    (notes / "book-000" / "ch99.md").write_text("# Later\n\nA **latecomer** is a new card.\n")
    (notes / "book-001" / "ch02.md").unlink()
    reference = tmp_path / "decks-b"
    shutil.copytree(base, reference)
    started = time.monotonic()
    run = notedeck("build", notes, "-o", reference, "-j", "2")
    duration = time.monotonic() - started  # only to spread the kills over a build
    assert run.returncode == 0
    true = _summaries(run.stdout)
    assert sum(diff != "+0 new  ~0 changed  −0 removed" for diff in true.values()) >= 2
    finished_manifests = _manifests(reference)
    rng = random.Random(16)
    for kill in range(KILLS):
        out = tmp_path / f"kill-{kill}"
        shutil.copytree(base, out)
        proc = subprocess.Popen(
            [NOTEDECK, "build", str(notes), "-o", str(out), "-j", "2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for deck in sorted(out.glob("*.apkg")):  # every deck opens in the real Anki engine
            anki_collection.import_apkg(deck)
        manifests = _manifests(out)  # every manifest parses
        run = notedeck("build", notes, "-o", out)
        assert run.returncode == 0, (kill, run.stderr)
        for title, diff in _summaries(run.stdout).items():
            slug = next(
                p.name
                for p in reference.glob("*.notedeck.json")
                if json.loads(p.read_text())["book"] == title
            )
            done = manifests.get(slug) == finished_manifests[slug]
            expected = "+0 new  ~0 changed  −0 removed" if done else true[title]
            assert diff == expected, (kill, title, run.stdout)
        for deck in sorted(reference.glob("*.apkg")):  # the GUIDs of an uninterrupted build
            assert _notes_of(out / deck.name) == _notes_of(deck), (kill, deck.name)
