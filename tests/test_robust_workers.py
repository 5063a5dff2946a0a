"""Worker processes die with the build (issue 16, defect 2).

SIGKILL of the main ``notedeck build`` used to leave its pool workers running (their task pipes
stay open in the sibling workers, so nothing ever told them to stop).  Here a real parallel build
is killed while its workers are busy, and every worker must be gone soon after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robust_cli import NOTEDECK

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import corpus  # noqa: E402

GONE_WITHIN = 30.0  # seconds: the kernel kills them at once; this only bounds the wait


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found.update(int(c) for c in task.read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped running; its parent is gone, init reaps it


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_of_the_build_leaves_no_worker_running(tmp_path):
    notes = corpus.generate(tmp_path / "notes", 1500)
    build = subprocess.Popen(
        [NOTEDECK, "build", str(notes), "-o", str(tmp_path / "decks"), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and build.poll() is None and time.monotonic() < deadline:
        workers = _children(build.pid)
        time.sleep(0.02)
    assert len(workers) >= 2, "the build started its workers"
    time.sleep(0.5)  # they are parsing notes now
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    until = time.monotonic() + GONE_WITHIN
    while any(_alive(pid) for pid in workers) and time.monotonic() < until:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # do not leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers still running after the build was killed: {left}"


def test_a_worker_whose_parent_is_already_gone_exits(tmp_path):
    """The parent may die before the worker arms its death signal: it must then exit."""
    code = (
        "from notedeck.runtime.runner import die_with_parent\n"
        "import os, time\n"
        "die_with_parent(os.getppid() + 1_000_000)\n"  # not our parent: as if it had died
        "time.sleep(60)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode == 1
