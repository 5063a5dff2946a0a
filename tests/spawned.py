"""A command line program run for real in a subprocess, read as it prints.

For the tests that need a live process — a quiz interrupted by Ctrl-C, a build that watches
its notes — and must wait for a line before acting.  Waiting is bounded (a hung process fails
the test instead of hanging the suite) but nothing is timed: each wait is for an output.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading

WAIT = 120  # seconds: only ever reached when something is broken


class Spawned:
    """``python -m notedeck ARGS`` with pipes; ``expect`` waits for text on stdout or stderr."""

    def __init__(self, *args: str, cwd=None, env=None, stdin: bool = True):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "notedeck", *args],
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            text=True,
            encoding="utf-8",
        )
        self.output = ""
        self._chunks: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while chunk := self.proc.stdout.read(1):
            self._chunks.put(chunk)
        self._chunks.put(None)

    def expect(self, pattern: str, after: int = 0) -> re.Match:
        """Wait until ``pattern`` (a regex) occurs in the output past offset ``after``."""
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.output, after)
            if match:
                return match
            try:
                chunk = self._chunks.get(timeout=WAIT)
            except queue.Empty:
                self.kill()
                raise AssertionError(f"no {pattern!r} in:\n{self.output}") from None
            if chunk is None:
                raise AssertionError(f"exited before {pattern!r}:\n{self.output}")
            self.output += chunk

    def send(self, text: str) -> None:
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it; the exit code once the process has ended."""
        self.proc.send_signal(signal.SIGINT)
        return self.wait()

    def wait(self) -> int:
        try:
            code = self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        while (chunk := self._chunks.get(timeout=WAIT)) is not None:
            self.output += chunk
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
