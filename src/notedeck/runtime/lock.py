"""One build at a time per output folder: an exclusive lock on ``OUT_DIR/.cache/build.lock``.

Two interleaved builds once left a book's manifest from one and its deck from the other, both
exiting 0.  The lock is ``fcntl.flock`` on an open file, so the kernel releases it when the build
ends however it ends (a SIGKILL included): there is never a stale lock file to delete by hand.
Where ``fcntl`` does not exist (Windows) builds are not locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from notedeck.errors import OutputError

LOCK_PATH = (".cache", "build.lock")  # beside the cache: the output folder holds only decks


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock, or raise OutputError at once if another build has it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    path = out_dir.joinpath(*LOCK_PATH)
    try:
        path.parent.mkdir(exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        message = f"{out_dir}: cannot write in the output folder ({exc.strerror})"
        raise OutputError(message) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"{out_dir}: another build is running into this folder; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)
