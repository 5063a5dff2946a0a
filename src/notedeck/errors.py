"""notedeck's own exceptions.

Everything the library raises on purpose derives from NotedeckError; ``cli.py`` is the one
place that turns them into one-line ``click.ClickException`` messages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from notedeck.model import Problem

DEBUG_ENV = "NOTEDECK_DEBUG"


class NotedeckError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    exit_code = 1
    code = "build"  # the Problem code it is reported under

    @property
    def problem(self) -> Problem:
        """The error as the one value every stage reports problems with."""
        path, line = getattr(self, "path", None), getattr(self, "line", None)
        message = getattr(self, "detail", None) or str(self)
        return Problem.error(self.code, message, "" if path is None else str(path), line)


class ConfigError(NotedeckError):
    """A configuration file or option is invalid."""

    code = "config"

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.detail = message
        super().__init__(_located(message, path, line))


class NoteError(NotedeckError):
    """A note file cannot be read or parsed."""

    code = "unreadable"

    def __init__(self, path: Path | str, message: str, line: int | None = None):
        self.path = path
        self.line = line
        self.detail = message
        super().__init__(_located(message, path, line))


class OutputError(NotedeckError):
    """The output folder cannot be written."""

    code = "output"


class BuildInterrupted(NotedeckError):
    """The user pressed Ctrl-C; previous decks were left intact."""

    exit_code = 130


def _located(message: str, path: Path | str | None, line: int | None) -> str:
    if path is None:
        return message
    if line is None:
        return f"{path}: {message}"
    return f"{path}:{line}: {message}"


_DEBUG: ContextVar[bool] = ContextVar("notedeck_debug", default=False)


def debugging() -> bool:
    """True when ``--debug`` (or ``NOTEDECK_DEBUG=1``) asks for tracebacks instead of one-liners.

    Unexpected errors inside one note are normally reported as one line for that file and the
    build goes on; while debugging they propagate so the traceback shows where they came from.
    """
    return _DEBUG.get() or os.environ.get(DEBUG_ENV, "") not in ("", "0")


@contextmanager
def debug_mode(on: bool) -> Iterator[None]:
    """Debug for the duration of one library call (the CLI's ``--debug``), then back as before."""
    token = _DEBUG.set(on or _DEBUG.get())
    try:
        yield
    finally:
        _DEBUG.reset(token)
