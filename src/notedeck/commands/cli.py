"""The command line: parse options, call the library, print.

This is the one place where notedeck's own exceptions become ``click.ClickException`` messages:
one line naming the file (and line), exit code 1 (2 for a usage error), no traceback unless
``--debug``.  The work itself lives in the library (pipeline, preview, check, stats, quiz); heavy
imports (genanki, markdown-it, fsrs) happen inside the commands so ``notedeck --help`` stays fast.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import click

from notedeck import __version__
from notedeck.commands.terminal import (
    build_json,
    echo,
    no_cards_message,
    print_book,
    problem_lines,
    progress_for,
    terminal_io,
)
from notedeck.kinds import CARD_KINDS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

EXIT_CODES = """\b
Exit codes:
  0    ok
  1    problems found (check --strict), build failed, or Anki unreachable (sync)
  2    usage error (bad option, unknown --book)
  130  interrupted (Ctrl-C)"""


class NotedeckClickError(click.ClickException):
    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, exit_code: int = EXIT_PROBLEMS):
        super().__init__(message)
        self.exit_code = exit_code

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:
        """Print ``error: file:line: message``, like per-file errors (not click's ``Error:``)."""
        echo(f"error: {self.format_message()}", err=True)


def run_library(func, *args, debug: bool = False, **kwargs):
    """Call into the library, turning NotedeckError and Ctrl-C into one-line CLI errors."""
    from notedeck.errors import NotedeckError, debug_mode

    try:
        with debug_mode(debug):  # per-file errors inside the build re-raise too
            return func(*args, **kwargs)
    except NotedeckError as exc:
        if debug:
            raise
        if getattr(exc, "exit_code", EXIT_PROBLEMS) == EXIT_USAGE:
            raise click.UsageError(str(exc)) from None
        raise NotedeckClickError(str(exc), getattr(exc, "exit_code", EXIT_PROBLEMS)) from None
    except KeyboardInterrupt:
        echo("notedeck: interrupted — previous decks were left as they were", err=True)
        sys.exit(EXIT_INTERRUPTED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(
    __version__, "--version", prog_name="notedeck", message="%(prog)s %(version)s"
)
def main() -> None:
    """Turn ordinary markdown study notes into Anki decks, one .apkg per book.

    \b
    Examples:
      notedeck build notes/ -o decks/
      notedeck sync --prune
      notedeck preview --book mlops --kind table
      notedeck check --strict
      notedeck quiz --grep architecture
    """
    tune_collector()


def tune_collector() -> None:
    """What the imports made (modules, compiled patterns, dataclasses) lives as long as the
    process: frozen, the cyclic collector no longer scans it on every pass (a full 10k build:
    about 5 % less CPU).  The store pauses the collector while it decodes the cache."""
    if not gc.get_freeze_count():  # once per process (tests invoke the command many times)
        gc.freeze()


# ---------------------------------------------------------------- shared options


def _notes_dir(ctx: click.Context, param, value: Path | None) -> Path:
    """NOTES_DIR, by default ``notes/``.  Run inside a folder of notes that has no ``notes/``,
    the read-only commands read that folder; ``build`` says exactly what to type instead, so
    that decks are never written into the notes themselves."""
    if value is not None:
        return value
    default = Path("notes")
    if default.is_dir():
        return default
    found = _markdown_here()
    if ctx.info_name != "build" and found:
        return Path(".")
    if found:
        raise click.UsageError(
            f"there is no notes/ folder here, but this folder holds markdown notes ({found}); "
            "to build them, run: notedeck build . -o ../decks"
        )
    raise click.UsageError(
        "there is no notes/ folder here; name the folder of your notes, "
        "for example: notedeck build ~/my-vault -o ~/decks"
    )


def _markdown_here(limit: int = 1000) -> str:
    """How many markdown files the current folder holds ("" for none; "1000+" past ``limit``)."""
    import os

    count = 0
    for _, dirs, files in os.walk("."):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        count += sum(f.lower().endswith((".md", ".markdown")) for f in files)
        if count >= limit:
            return f"{limit}+"
    return str(count) if count else ""


NOTES_ARG = click.argument(
    "notes_dir",
    required=False,
    callback=_notes_dir,
    type=click.Path(path_type=Path),
    metavar="[NOTES_DIR]",
)
OUT_OPT = click.option(
    "-o",
    "--out",
    "out_dir",
    default="decks",
    type=click.Path(path_type=Path),
    show_default=True,
    help="Folder for the .apkg decks and their manifests.",
)
QUIET_OPT = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bar, warnings or summary; only the output itself and errors.",
)
DEBUG_OPT = click.option("--debug", is_flag=True, help="Show a traceback for errors.")
JSON_OPT = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text."
)


def filter_options(func):
    """--book, --kind, --grep: the same card selection for preview and quiz."""
    func = click.option(
        "--grep",
        default="",
        metavar="TEXT",
        help="Only cards whose question, answer or headings contain TEXT (any case).",
    )(func)
    func = click.option(
        "--kind",
        "kinds",
        multiple=True,
        type=click.Choice(CARD_KINDS),
        help="Only cards of this kind (repeatable).",
    )(func)
    func = click.option(
        "--book",
        "books",
        multiple=True,
        metavar="BOOK",
        help="Only this book: title, deck file name, alias or a unique part of the title "
        "(repeatable).",
    )(func)
    return func


def collect_notes(notes_dir: Path, out_dir: Path, quiet: bool, debug: bool):
    """(config, collected) for commands that stop before packaging; file errors are printed."""
    from notedeck.config import load_config
    from notedeck.pipeline import collect

    config = run_library(load_config, notes_dir, out_dir, debug=debug)
    progress = progress_for(quiet)
    try:
        collected = run_library(collect, config, progress, debug=debug)
    finally:
        progress.close()
    return config, collected


def print_problems(collected, quiet: bool) -> None:
    """Errors always (those files made no cards); warnings are `check`'s job, so only a hint."""
    for error in collected.errors:
        echo(f"error: {error}", err=True)
    if not quiet and collected.warnings:
        n = len(collected.warnings)
        echo(f"{n} warning{'s' if n != 1 else ''}: run `notedeck check` to see them", err=True)


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))  # json escapes controls


def select_cards(config, collected, books, kinds, grep, debug):
    from notedeck.commands.filters import CardFilter, resolve_books

    titles = {r.card.book for r in collected.cards}
    resolved = run_library(resolve_books, books, titles, config.books, debug=debug) if books else ()
    card_filter = CardFilter(resolved, tuple(kinds), grep)
    return card_filter, card_filter.apply(collected.cards)


# ---------------------------------------------------------------- build


@main.command()
@NOTES_ARG
@OUT_OPT
@click.option("--dry-run", is_flag=True, help="Extract and report, but write nothing.")
@click.option("--watch", is_flag=True, help="Stay running: build again on every save.")
@click.option("-v", "--verbose", is_flag=True, help="List the new, changed and removed cards.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes (default: one per CPU when there are many notes to parse).",
)
@JSON_OPT
@QUIET_OPT
@DEBUG_OPT
def build(
    notes_dir: Path,
    out_dir: Path,
    dry_run: bool,
    watch: bool,
    verbose: bool,
    jobs: int | None,
    as_json: bool,
    quiet: bool,
    debug: bool,
) -> None:
    """Build one Anki deck per book from NOTES_DIR (default: notes/).

    \b
    Example:
      notedeck build notes/ -o decks/ -v
      notedeck build --watch
    """
    if watch:
        from functools import partial

        from notedeck.commands.watch import watch_and_run

        again = partial(build.callback, notes_dir, out_dir, dry_run, False, verbose, jobs,
                        as_json, quiet, debug)  # fmt: skip
        sys.exit(watch_and_run(notes_dir, out_dir, again, quiet))
    from notedeck.config import load_config
    from notedeck.pipeline import build as run_build

    config = run_library(load_config, notes_dir, out_dir, dry_run=dry_run, jobs=jobs, debug=debug)
    progress = progress_for(quiet or as_json)
    try:
        report = run_library(run_build, config, progress, debug=debug)
    finally:
        progress.close()
    warnings = problem_lines(report.warnings, "warning", verbose)
    errors = problem_lines(report.errors, "error", verbose, each_up_to=10)  # each names a note
    if as_json:
        echo_json(build_json(report))
    elif not quiet:
        for book in report.books:
            print_book(book, verbose, dry_run)
        for line in warnings:
            echo(line, err=True)
        if not report.books:
            echo(no_cards_message(notes_dir, report))
    for line in errors:
        echo(line, err=True)
    problems = len(report.warnings) + len(report.errors)
    if not quiet and not as_json and len(warnings) + len(errors) < problems:
        hint = (
            f"notedeck: {problems} problems in all; `notedeck check` lists every one (so does -v)"
        )
        echo(hint, err=True)
    if report.errors:
        sys.exit(EXIT_PROBLEMS)


# ---------------------------------------------------------------- sync


@main.command()
@NOTES_ARG
@OUT_OPT
@click.option(
    "--collection",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Write straight into this collection file (collection.anki2, or its profile folder) "
    "while Anki is closed, with Anki's own engine (pip install 'notedeck[anki]').",
)
@click.option(
    "--ankiconnect",
    "url",
    default="http://127.0.0.1:8765",
    show_default=True,
    metavar="URL",
    help="Where the running Anki's AnkiConnect add-on listens (without --collection).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Delete from Anki the notes that left your notes (lists them and asks first).",
)
@click.option("-y", "--yes", is_flag=True, help="With --prune: delete without asking.")
@click.option("--watch", is_flag=True, help="Stay running: build and sync again on every save.")
@click.option("-v", "--verbose", is_flag=True, help="List the new, changed and removed cards.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), metavar="N", help="Worker processes, as for build."
)
@QUIET_OPT
@DEBUG_OPT
def sync(
    notes_dir: Path,
    out_dir: Path,
    collection: Path | None,
    url: str,
    prune: bool,
    yes: bool,
    watch: bool,
    verbose: bool,
    jobs: int | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Build NOTES_DIR, then put every deck into Anki: a running Anki through the
    AnkiConnect add-on, or with --collection a closed collection file.  Edited cards are
    updated, new ones added, scheduling kept — as File → Import does.

    \b
    Examples:
      notedeck sync
      notedeck sync --prune
      notedeck sync --collection "~/.local/share/Anki2/User 1/collection.anki2" --prune --yes
      notedeck sync --watch
    """
    from notedeck.commands.sync import SyncOptions, run_sync

    if yes and not prune:
        raise click.UsageError("--yes only answers --prune's question; add --prune")
    collection = collection.expanduser() if collection is not None else None
    options = SyncOptions(notes_dir, out_dir, collection, url, prune, yes, verbose, quiet, jobs)
    if watch:
        from notedeck.commands.watch import watch_and_run

        sys.exit(watch_and_run(notes_dir, out_dir, lambda: run_sync(options, debug), quiet))
    code = run_sync(options, debug)
    if code:
        sys.exit(code)


# ---------------------------------------------------------------- preview


@main.command()
@NOTES_ARG
@filter_options
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write the cards to one self-contained page (works offline, from file://) "
    "to flip through by book and chapter, instead of printing them.",
)
@JSON_OPT
@QUIET_OPT
@DEBUG_OPT
def preview(
    notes_dir: Path,
    books,
    kinds,
    grep: str,
    html_file: Path | None,
    as_json: bool,
    quiet: bool,
    debug: bool,
) -> None:
    """Show the cards NOTES_DIR makes: question, answer, kind and source file:line.

    \b
    Examples:
      notedeck preview --book mlops --kind table
      notedeck preview --grep "lambda architecture"
      notedeck preview --html cards.html
    """
    from notedeck.commands.preview import card_record, format_cards, summary_line
    from notedeck.pipeline import deck_name

    config, collected = collect_notes(notes_dir, Path("decks"), quiet or as_json, debug)
    card_filter, cards = select_cards(config, collected, books, kinds, grep, debug)
    if as_json:
        echo_json([card_record(r, deck_name(r.card, config)) for r in cards])
    elif cards and html_file is None:
        click.echo(format_cards(cards, style=click.style) + "\n")  # escaped in format_card
    if html_file is not None:
        _write_page(html_file, cards, collected, config, card_filter, debug)
    print_problems(collected, quiet or as_json)
    if not quiet and not as_json:
        summary = summary_line(cards, len(collected.cards))
        echo(summary if cards else f"No cards match ({summary}).", err=True)
        if html_file is not None:
            echo(f"Wrote {html_file}: open it in a browser to flip through the cards.", err=True)
    if collected.errors:
        sys.exit(EXIT_PROBLEMS)


def _write_page(path: Path, cards, collected, config, card_filter, debug: bool) -> None:
    from notedeck.commands.preview_page import build_page
    from notedeck.errors import OutputError
    from notedeck.pipeline import deck_name
    from notedeck.runtime.atomic import atomic_write_bytes

    what = card_filter.describe()
    page = build_page(
        cards,
        dict(collected.media),
        lambda r: deck_name(r.card, config),
        title="notedeck preview" + (f": {what}" if what else ""),
    )

    def write() -> None:
        try:
            atomic_write_bytes(path, page.encode("utf-8"))
        except OSError as exc:
            raise OutputError(f"{path}: cannot write the page ({exc.strerror})") from None

    run_library(write, debug=debug)


# ---------------------------------------------------------------- check


@main.command()
@NOTES_ARG
@click.option("--strict", is_flag=True, help="Exit with code 1 when anything at all is reported.")
@JSON_OPT
@QUIET_OPT
@DEBUG_OPT
def check(notes_dir: Path, strict: bool, as_json: bool, quiet: bool, debug: bool) -> None:
    """Lint NOTES_DIR: text that made no card, text in no book, suspicious cards,
    broken images and front matter problems, each as file:line: message.

    Without --strict only unreadable files (which make no cards) give exit code 1.

    \b
    Examples:
      notedeck check
      notedeck check notes/ --strict --json
    """
    from notedeck.commands.check import check as run_check
    from notedeck.commands.check import grouped_lines, has_errors, skipped_findings

    config, collected = collect_notes(notes_dir, Path("decks"), quiet or as_json, debug)
    findings = run_check(config, collected)
    skipped = skipped_findings(config, collected.skipped)
    if as_json:
        echo_json([f.as_dict() for f in (*findings, *skipped)])
    elif not quiet:
        for line in grouped_lines(findings):
            echo(line)
        for finding in skipped:
            echo(str(finding))
        problems = [f for f in findings if f.severity != "info"]
        files = len({f.path for f in problems})
        verdict = (
            "no problems found" if not problems else f"{len(problems)} problems in {files} files"
        )
        left_out = sum(f.code == "candidate" for f in findings)
        unplaced = sum(f.code == "media" for f in findings)
        unsure = f"; {left_out} candidate{'s' * (left_out != 1)} left out" if left_out else ""
        unsure += f"; {unplaced} media line{'s' * (unplaced != 1)} on no card" if unplaced else ""
        echo(
            f"check: {verdict} ({len(collected.cards)} cards "
            f"from {len(collected.documents)} note files{unsure})",
            err=True,
        )
    if has_errors(findings) or (strict and any(f.severity != "info" for f in findings)):
        sys.exit(EXIT_PROBLEMS)


# ---------------------------------------------------------------- stats


@main.command()
@NOTES_ARG
@OUT_OPT
@JSON_OPT
@QUIET_OPT
@DEBUG_OPT
def stats(notes_dir: Path, out_dir: Path, as_json: bool, quiet: bool, debug: bool) -> None:
    """Cards per book, chapter and kind, and what changed since the last build
    (compared with the manifests in the --out folder).

    \b
    Example:
      notedeck stats notes/ -o decks/
    """
    from notedeck.commands.stats import compute_stats, footer, format_stats

    config, collected = collect_notes(notes_dir, out_dir, quiet or as_json, debug)
    result = compute_stats(config, collected.cards, len(collected.documents))
    if as_json:
        echo_json(result.as_dict())
    else:
        echo(format_stats(result), newlines=True)
        if not quiet:
            echo(footer(result))
    print_problems(collected, quiet or as_json)
    if collected.errors:
        sys.exit(EXIT_PROBLEMS)


# ---------------------------------------------------------------- quiz


@main.command()
@NOTES_ARG
@filter_options
@click.option(
    "--new",
    "new_limit",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="N",
    help="Show at most N cards never quizzed before in this session.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="The SQLite file that keeps the schedule (default: quiz.sqlite3 in your data folder).",
)
@QUIET_OPT
@DEBUG_OPT
def quiz(
    notes_dir: Path,
    books,
    kinds,
    grep: str,
    new_limit: int,
    state_file: Path | None,
    quiet: bool,
    debug: bool,
) -> None:
    """Review the due cards in the terminal, scheduled by FSRS: Enter shows the answer,
    then rate 1 Again, 2 Hard, 3 Good, 4 Easy (as in Anki); q stops (exit code 0),
    and so does Ctrl-C (exit code 130), each with a summary of the session.

    The schedule is keyed by card GUID, so it survives rebuilds and edited answers.

    \b
    Examples:
      notedeck quiz --grep architecture
      notedeck quiz --book mlops --kind definition --new 5
    """
    from notedeck.commands import quiz as quizlib
    from notedeck.commands.quizstate import QuizState, default_state_path

    config, collected = collect_notes(notes_dir, Path("decks"), quiet, debug)
    card_filter, cards = select_cards(config, collected, books, kinds, grep, debug)
    print_problems(collected, quiet=True)
    if not cards:
        echo(
            f"No cards match{': ' + card_filter.describe() if card_filter.describe() else ''}.",
            err=True,
        )
        return
    path = state_file or default_state_path()
    with run_library(QuizState, path, debug=debug) as state:
        now = quizlib.utc_now()
        plan = quizlib.plan_session(cards, state, now, new_limit)
        if not quiet:
            echo(quizlib.format_plan(plan, card_filter.describe()), newlines=True)
        if not plan.due and not plan.new:
            when = (
                f" Next review due in {quizlib.interval(plan.next_due - now)}."
                if plan.next_due
                else ""
            )
            echo(f"Nothing due now.{when}")
            return
        session = quizlib.Session(plan, state, terminal_io(), clock=quizlib.utc_now)
        summary = run_library(session.run, debug=debug)
    echo(quizlib.format_summary(summary, quizlib.utc_now()), newlines=True)
    if not quiet:
        echo(f"Schedule saved in {path}", err=True)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    main()
