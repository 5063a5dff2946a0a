"""The real-notes scorer end to end, offline: a git mirror made here, a label file, a build."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "quality" / "real.py"

NOTE = """\
# Storage engines

A **buffer pool** is an in-memory cache of disk pages.

The **write-ahead log** is a file of changes written before the data pages.

The **lab session** is on Tuesday in room B12.
"""

LABEL = """\
repo: alice/db-notes
commit: {commit}
path: course/Storage engines.md
style: test note, bold definitions
cards:
  - q: [buffer pool]
    a: [in-memory cache, disk pages]
  - q: [b-tree]
    a: [balanced]
ok:
  - q: [lab session]
forbidden:
  - room B12
forbidden_q:
  - Example
"""


def load_real():
    spec = importlib.util.spec_from_file_location("real_scorer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["real_scorer"] = module
    spec.loader.exec_module(module)
    return module


def git(*args: str, cwd: Path) -> str:
    run = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()


@pytest.fixture
def corpus(tmp_path):
    """(labels root, mirrors root): one repository mirrored as fetch would, one label file."""
    src = tmp_path / "src"
    (src / "course").mkdir(parents=True)
    (src / "course" / "Storage engines.md").write_text(NOTE, encoding="utf-8")
    git("init", "-q", cwd=src)
    git("add", ".", cwd=src)
    git("commit", "-qm", "notes", cwd=src)
    commit = git("rev-parse", "HEAD", cwd=src)
    mirrors = tmp_path / "mirrors"
    mirrors.mkdir()
    git("clone", "-q", "--bare", str(src), str(mirrors / "alice+db-notes" / "repo"), cwd=tmp_path)
    (src / "course" / "Storage engines.md").write_text("# changed after the pin\n")
    git("commit", "-qam", "later", cwd=src)  # the mirror keeps the pinned commit
    labels = tmp_path / "labels"
    (labels / "dev" / "alice+db-notes").mkdir(parents=True)
    (labels / "dev" / "alice+db-notes" / "storage.yaml").write_text(
        LABEL.format(commit=commit), encoding="utf-8"
    )
    return labels, mirrors


def scored(real, labels, mirrors):
    """Plain layout first; a book.yaml only while notedeck makes no card from a plain folder."""
    results, errors = real.score("dev", None, False, labels, mirrors)
    if not any(r.cards for r in results):
        results, errors = real.score("dev", None, True, labels, mirrors)
    assert errors == []
    return results


def test_scores_a_mirrored_note(corpus):
    real = load_real()
    labels, mirrors = corpus
    (result,) = scored(real, labels, mirrors)
    questions = {c.raw_question: c for c in result.cards}
    assert "What is a buffer pool?" in questions
    # matching: the buffer pool label is met, the B-tree label (nothing in the note) is missed
    assert [(e.q, e.a) for e in result.missed] == [(("b-tree",), ("balanced",))]
    assert result.matched == 1
    reasons = {card.raw_question: reason for card, reason in result.junk}
    assert "What is a buffer pool?" not in reasons
    # a fair card nobody labelled counts as junk; forbidden text beats an ok label
    assert reasons["What is the write-ahead log?"] == "matches no cards/ok label"
    assert reasons["What is the lab session?"].startswith("forbidden text 'room B12'")
    line = real.report([result], "dev", verbose=True).splitlines()
    assert "    MISS  q=['b-tree'] a=['balanced']" in line
    assert re.fullmatch(
        r"split=dev recall=0\.50 junk_rate=0\.\d\d cards=\d+ files=1 repos=1", line[-1]
    )


def test_command_line_and_missing_mirror(corpus, tmp_path, capsys):
    real = load_real()
    labels, mirrors = corpus
    assert real.main(["--labels", str(labels), "--mirrors", str(mirrors), "--with-book-yaml"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("split=dev recall=0.50 ")
    with pytest.raises(SystemExit, match=r"run fetch github:alice/db-notes"):
        real.main(["--labels", str(labels), "--mirrors", str(tmp_path / "none")])


def test_question_subject():
    real = load_real()
    core = real.subject("What is Example 2?")
    assert core == "example 2"
    assert real.subject_is(core, "Example 2") and real.subject_is(core, "example")
    assert real.subject_is(real.subject("Two Sum — Example 1?"), "Example 1")
    assert not real.subject_is(real.subject("What is an exemplar?"), "Example")
    assert not real.subject_is(real.subject("What does the output layer compute?"), "Output")


def test_docstring_names_every_labelled_repository_and_commit():
    real = load_real()
    for split in ("dev", "test"):
        for label in real.load_labels(real.HERE / "real", split, None):
            assert label.repo in real.__doc__ and label.commit in real.__doc__, label.name
