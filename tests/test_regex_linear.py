"""No regular expression in notedeck backtracks super-linearly (issue 16, defect 1).

``Order number:: 12345678901234567890 shipped`` took 23 s to build (×4 per two digits) in
``is_metadata``; a hypothesis run hung for 20 minutes on such a line.  This test runs every
pattern the package has (``regex_probe.patterns``: module globals and inline ``re.*`` literals)
with the methods the code calls on it, on adversarial inputs built from its own parse tree, at
10,000 and 100,000 characters, in a worker process.  Nothing is timed: the worker reports after
each input, and an input that has not finished within ``INPUT_LIMIT`` — about a hundred times
what the slowest linear pattern needs at 100,000 characters on a loaded 2-core machine, while a
quadratic pattern needs thousands of times more — is a hang, and the test names the pattern and
the input shape.

The cures, for a pattern that fails here: start a whitespace run only at its first character
(``(?<!\\s)\\s++``), end a lazy subject on a non-space (``.*?\\S``), make nested quantifiers
possessive, and bound a span that every opening rescans (``[^\n>]{0,200}``).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

import regex_probe

PROBE = Path(regex_probe.__file__)
SIZES = (10_000, 100_000)
INPUT_LIMIT = 10.0  # seconds one input may take before it counts as a hang


class Worker:
    """``regex_probe.py`` in a child process, read without buffering (select sees every line)."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, str(PROBE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env={**os.environ, "PYTHONPATH": str(PROBE.parent.parent / "src")},
        )
        assert self._line(120).startswith(b"ready")

    def _line(self, limit: float) -> bytes | None:
        ready, _, _ = select.select([self.proc.stdout], [], [], limit)
        return self.proc.stdout.readline().strip() if ready else None

    def probe(self, index: int, size: int) -> int | None:
        """Run one pattern's inputs of ``size``: None when all finished, else how many did
        before one went past ``INPUT_LIMIT``."""
        self.proc.stdin.write(f"{index} {size}\n".encode())
        done = 0
        while True:
            line = self._line(INPUT_LIMIT)
            if line is None:
                return done
            if line == b"done":
                return None
            done += 1

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.mark.slow
def test_every_pattern_is_linear_on_adversarial_input():
    found = regex_probe.patterns()
    assert len(found) > 100  # the walk found the package's patterns
    hangs = []
    worker = Worker()
    try:
        for index, pattern in enumerate(found):
            for size in SIZES:
                finished = worker.probe(index, size)
                if finished is not None:
                    shapes = list(regex_probe.inputs(pattern, 40))
                    hangs.append(
                        f"{pattern.name} {pattern.pattern!r} ({'/'.join(pattern.methods)}): "
                        f"input {finished + 1} of {size} characters, shaped like "
                        f"{shapes[finished]!r}"
                    )
                    worker.close()
                    worker = Worker()
                    break
    finally:
        worker.close()
    assert not hangs, "super-linear patterns:\n" + "\n".join(hangs)
