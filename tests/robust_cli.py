"""Run the real ``notedeck`` program in a child process, as an attacker or an unlucky user would.

Hostile inputs are exactly the ones that hang or exhaust memory when a defence is missing, so
every run here has a generous wall limit (a hang fails the test instead of stalling the suite)
and an address-space limit (a runaway read fails the child, not the machine).  The command is
the installed console script, so the same tests also run against older checkouts (their venv's
``notedeck``), which is how each regression test was shown to fail before its fix.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

NOTEDECK = str(Path(sys.executable).with_name("notedeck"))
WALL_LIMIT = 120  # seconds: generous on a loaded 2-core machine; a hang is far beyond it
MEMORY_LIMIT = 3 * 1024**3  # bytes of address space for the child


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def _limits() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def notedeck(*args, timeout: float = WALL_LIMIT, env: dict | None = None) -> Run:
    """``notedeck ARGS`` in a child process; raises subprocess.TimeoutExpired on a hang."""
    proc = subprocess.run(
        [NOTEDECK, *map(str, args)],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=timeout,
        preexec_fn=_limits if sys.platform.startswith("linux") else None,
        env={**os.environ, "NOTEDECK_DEBUG": "", **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def assert_one_line_messages(stderr: str) -> None:
    """No traceback; every stderr line is one message of its own."""
    assert "Traceback" not in stderr, stderr
    for line in stderr.splitlines():
        assert line.startswith(("error: ", "warning: ", "notedeck: ")), line


def deck_fields(apkg: Path) -> list[tuple[str, str]]:
    """(guid, fields) of every note in a .apkg, read with sqlite (no Anki needed)."""
    with zipfile.ZipFile(apkg) as archive, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        db.write_bytes(archive.read("collection.anki2"))
        conn = sqlite3.connect(db)
        try:
            return conn.execute("select guid, flds from notes order by guid").fetchall()
        finally:
            conn.close()
