"""The build benchmark runs end to end on a tiny corpus (no timing is asserted anywhere)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_build.py"


@pytest.mark.slow
def test_benchmark_runs_on_a_tiny_corpus(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "3", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    steps = ("floor", "full build", "no-change rebuild", "one file changed", "notedeck --help")
    for step in (*steps, "full build, library", "no-change, library"):
        assert step in out
    rows = [line.split() for line in out.splitlines() if line.lstrip().startswith("3 ")]
    assert len(rows) == 6  # four whole-process steps, then two library-only ones
    counts = {int(r[2]) for r in (rows[0], rows[1], rows[4])}  # floor = notedeck's cards
    assert len(counts) == 1 and counts.pop() >= 3 * 45, rows  # ~50 cards a file
    assert (tmp_path / "decks-3" / ".cache" / "pack").is_file()
