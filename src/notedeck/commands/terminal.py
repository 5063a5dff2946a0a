"""Terminal helpers for the CLI: the progress bar, single-key input for the quiz, build reports.

Kept apart from ``cli.py`` so the command definitions stay short; nothing here raises for the
user — errors still become ClickExceptions only in ``cli.run_library``.
"""

from __future__ import annotations

import re
import sys
import time

import click

PROGRESS_DELAY = 0.4  # seconds of work before a progress bar is worth drawing

# What must never reach a terminal raw: C0/C1 controls (a newline in a file name forges an
# output line, ESC starts a sequence that can clear the screen or recolour it), DEL, the bidi
# overrides that reorder what is shown, and lone surrogates (a file name's undecodable bytes).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    if "\ud800" <= char <= "\udfff" and "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"  # surrogateescape: the byte it stood for
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, newlines: bool = False) -> str:
    """``text`` with every control character escaped (``\\n``, ``\\x1b`` …): the one function
    every line notedeck prints goes through, so no file name or note text can forge a line or
    drive the terminal.  ``newlines=True`` keeps line breaks (a card's answer, a table)."""
    text = str(text)
    if newlines:
        return "\n".join(printable(line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def echo(text: str = "", err: bool = False, newlines: bool = False, **kwargs) -> None:
    """``click.echo`` of ``printable(text)``."""
    click.echo(printable(text, newlines), err=err, **kwargs)


def styled(text: str, style: dict, newlines: bool = False, **kwargs) -> None:
    """``echo`` with click's colours: the text is escaped first, the style's own escape codes
    after (through ``echo`` they would be escaped too, and print as ``\x1b[2m``)."""
    text = printable(text, newlines)
    click.echo(click.style(text, **style) if style else text, **kwargs)


class ProgressBar:
    """A click progress bar on stderr — only on a terminal, and only once reading takes a moment."""

    def __init__(self, enabled: bool, label: str = "Reading notes"):
        self.enabled = enabled
        self.label = label
        self.started: float | None = None
        self.bar = None

    def __call__(self, rel: str, n: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self.started is None:
            self.started = now
        if self.bar is None and now - self.started >= PROGRESS_DELAY and n < total:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
            self.bar.update(n)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def progress_for(quiet: bool) -> ProgressBar:
    return ProgressBar(enabled=not quiet and sys.stderr.isatty())


def build_json(report) -> dict:
    def changes(items):
        return [{"guid": c.guid, "question": c.question, "source": c.source} for c in items]

    return {
        "files": report.files,
        "books": [
            {
                "title": b.title,
                "slug": b.slug,
                "deck": str(b.deck_path),
                "written": b.written,
                "cards": len(b.cards),
                "kinds": b.kinds,
                "added": changes(b.added),
                "changed": changes(b.changed),
                "removed": changes(b.removed),
            }
            for b in report.books
        ],
        "warnings": [str(w) for w in report.warnings],
        "errors": [str(e) for e in report.errors],
    }


def no_cards_message(notes_dir, report) -> str:
    """Why a build made no card, and what to do — never just "no cards"."""
    read = f"{report.files} note{'s' * (report.files != 1)} read"
    if report.errors and not report.files:
        return f"No cards found in {notes_dir}: no note could be read (see the errors below)."
    why = (
        f"No cards found in {notes_dir} ({read}"
        + (f", {len(report.errors)} with errors below" if report.errors else "")
        + "). notedeck makes cards from definitions ('**Term**: meaning', 'A term is …'), "
        "lists after a sentence ending in ':', tables, 'What is X?' headings and sections about "
        "a concept, and from explicit cards ('Question::Answer')."
    )
    return f"{why} Run `notedeck check {notes_dir}` to see what each note made and why."


def print_book(book, verbose: bool, dry_run: bool, removed_hint: bool = True) -> None:
    """A book's summary lines; ``removed_hint``: how to find removed cards in Anki (sync, which
    can delete them itself, says so its own way)."""
    by_kind = ", ".join(f"{n} {kind}" for kind, n in book.kinds.items())
    target = (
        "(dry run)"
        if dry_run
        else (str(book.deck_path) if book.written else f"{book.deck_path} (unchanged)")
    )
    if not book.cards and book.removed:
        echo(
            f"{book.title}: no cards in the notes any more; {book.deck_path} left as it is "
            "(delete it and its .notedeck.json once you have cleaned up Anki)"
        )
    else:
        echo(f"{book.title}: {len(book.cards)} cards ({by_kind}) → {target}")
    echo(f"  +{len(book.added)} new  ~{len(book.changed)} changed  −{len(book.removed)} removed")
    if verbose:
        for sign, changes in (("+", book.added), ("~", book.changed), ("−", book.removed)):
            for change in changes:
                echo(f"    {sign} {change.question}  ({change.source})")
    if not removed_hint:
        return
    if book.removed and not book.cards:
        deck = book.title.replace("::", ":").replace("\\", "\\\\").replace('"', '\\"')
        echo(f'  Anki never deletes on import; find them all with the search: "deck:{deck}"')
    elif book.removed:
        from notedeck.pipeline import removed_search

        shown = book.removed[:20]
        more = (
            f" (first {len(shown)} of {len(book.removed)}; -v lists all)"
            if len(book.removed) > 20
            else ""
        )
        echo(
            f"  Anki never deletes on import; find the removed cards with the search{more}: "
            f"{removed_search(shown)}"
        )


# What a group of problems of one code is called in a summary line.
KINDS = {
    "duplicate": "questions asked twice in a book",
    "same-term": "terms asked about twice in a book",
    "merged": "exact duplicate cards merged into one",
    "image": "images that could not be used",
    "blank": "cards skipped because a side would show nothing",
    "front-matter": "notes whose front matter was ignored",
    "kept": "notes keeping their cards from the last build",
    "shared-book": "books declared by several book.yaml files",
    "unreadable": "notes that could not be read",
    "outside": "symbolic links leading out of the notes folder, not read",
    "not-a-file": "FIFOs or devices named like notes, not read",
    "config": "settings files with problems",
}
EXAMPLES = 3


def problem_lines(problems, severity: str, verbose: bool, each_up_to: int = 1) -> list[str]:
    """``severity: …`` lines for the build's output: every problem with ``verbose``, else one
    line per kind once a kind has more than ``each_up_to`` problems (a count and a few places),
    so a vault's thousand warnings fit on a screen."""
    if verbose:
        return [f"{severity}: {p}" for p in problems]
    groups: dict[str, list] = {}
    for problem in problems:
        groups.setdefault(problem.code, []).append(problem)
    lines = []
    for code, group in groups.items():
        if len(group) <= each_up_to:
            lines.extend(f"{severity}: {p}" for p in group)
            continue
        kind = KINDS.get(code, f"{code} problems")
        places = ", ".join(_place(p) for p in group[:EXAMPLES])
        more = " …" if len(group) > EXAMPLES else ""
        lines.append(f"{severity}: {len(group)} {kind} ({places}{more}); first: {group[0].message}")
    return lines


def _place(problem) -> str:
    if not problem.source:
        return "settings"
    return problem.source if problem.line is None else f"{problem.source}:{problem.line}"


class KeyIO:
    """Single keypresses on a real terminal (no Enter needed after 1–4), like Anki."""

    def show(self, text: str, style: dict | None = None) -> None:
        styled(text, style or {}, newlines=True)

    def ask(self, prompt: str, choices: str) -> str:
        styled(prompt, {"dim": True}, nl=False)
        hinted = False
        while True:
            try:
                key = click.getchar()
            except EOFError:
                key = "q"
            if key in ("q", "Q", "\x1b"):
                echo()
                return "q"
            if key in choices or ("\n" in choices and key in ("\r", " ")):
                echo()
                return "\n" if key in ("\r", " ") else key
            if not hinted:  # a key that means nothing here: say once which keys do
                from notedeck.commands.quiz import hint_for

                hinted = True
                echo()
                styled(hint_for(choices), {"dim": True})
                styled(prompt, {"dim": True}, nl=False)


def terminal_io():
    from notedeck.commands.quiz import LineIO

    if sys.stdin.isatty() and sys.stdout.isatty():
        return KeyIO()
    return LineIO(sys.stdin.readline, lambda text: echo(text, newlines=True, nl=False))
