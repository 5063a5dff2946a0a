"""``notedeck build --watch`` and ``notedeck sync --watch``: run again whenever a note is saved.

The watcher is ``watchfiles`` (Rust's notify: inotify, FSEvents, ReadDirectoryChangesW), whose
debounce turns an editor's burst of writes on one save into one rebuild, and which keeps the
changes that arrive while a build runs for the next round.  Watched: everything under the notes
folder that can change a card — notes, ``notedeck.yaml``/``book.yaml``, ``.notedeckignore``,
images — but not the output folder (a build would wake itself up) nor hidden folders such as
``.obsidian/``, which editors rewrite all the time.

A failed round (a bad ``notedeck.yaml``, Anki closed for a while) is printed and the watch goes
on: fix it and save again.  Ctrl-C stops, with exit code 130 like any interrupted command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

READY_MS = 400  # how soon the first "watching" line appears (the watcher is set up by then)
KEPT_HIDDEN = {".notedeckignore"}  # hidden, yet it decides what is read


class NotesFilter:
    """Which changed paths start a new round (see the module docstring)."""

    def __init__(self, notes_dir: Path, out_dir: Path):
        from watchfiles import DefaultFilter

        self.notes = notes_dir.resolve()
        self.out = out_dir.resolve()
        self.default = DefaultFilter()

    def __call__(self, change, path: str) -> bool:
        if not self.default(change, path):
            return False
        resolved = Path(path).resolve()  # as the folders are: a symlinked notes folder too
        if resolved == self.out or self.out in resolved.parents:
            return False
        try:
            parts = resolved.relative_to(self.notes).parts
        except ValueError:
            return True
        return not any(p.startswith(".") and p not in KEPT_HIDDEN for p in parts)


def watch_and_run(
    notes_dir: Path, out_dir: Path, run_once: Callable[[], object], quiet: bool = False
) -> int:
    """Run, then run again after every save until Ctrl-C; the exit code (130)."""
    from watchfiles import watch

    say = (lambda text: None) if quiet else click.echo
    try:
        code = _round(run_once)
        waiting = True
        for changes in (
            ()
            if code is not None
            else watch(
                notes_dir,
                watch_filter=NotesFilter(notes_dir, out_dir),
                rust_timeout=READY_MS,
                yield_on_timeout=True,
                raise_interrupt=True,
            )
        ):
            if not changes:  # a quiet moment: the watcher is running, say so once per round
                if waiting:
                    say(f"Watching {notes_dir} for changes (Ctrl-C stops).")
                    waiting = False
                continue
            say(f"\n{_describe(changes, notes_dir)} — building again")
            code = _round(run_once)
            if code is not None:
                break
            waiting = True
    except KeyboardInterrupt:
        code = None
    if code is None:  # Ctrl-C while waiting (during a round, the round has said so)
        click.echo(
            "notedeck: stopped watching; the decks are as the last build left them", err=True
        )
    return 130


def _round(run_once: Callable[[], object]) -> int | None:
    """One build (or sync); its failure is printed and the watch goes on.  None to go on,
    or 130 when the round itself was interrupted."""
    try:
        run_once()
    except click.ClickException as exc:
        exc.show()
    except SystemExit as exc:
        if exc.code == 130:
            return 130
    return None


def _describe(changes, notes_dir: Path) -> str:
    names = sorted({_relative(path, notes_dir) for _, path in changes})
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"Changed: {shown}"


def _relative(path: str, notes_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(notes_dir.resolve()).as_posix()
    except ValueError:
        return path
