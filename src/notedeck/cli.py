"""The command line: parse options, call the library, print.

This is the one place where notedeck's own exceptions become ``click.ClickException`` messages:
one line naming the file (and line), exit code 1, no traceback unless ``--debug``.
Exit codes: 0 ok, 1 problems found or build failed, 2 usage error, 130 interrupted.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from . import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class NotedeckClickError(click.ClickException):
    exit_code = EXIT_PROBLEMS

    def format_message(self) -> str:
        return self.message


def run_library(func, *args, debug: bool = False, **kwargs):
    """Call into the library, turning NotedeckError and Ctrl-C into one-line CLI errors."""
    from .errors import NotedeckError

    try:
        return func(*args, **kwargs)
    except NotedeckError as exc:
        if debug:
            raise
        raise NotedeckClickError(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("notedeck: interrupted — previous decks were left as they were", err=True)
        sys.exit(EXIT_INTERRUPTED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="notedeck")
def main() -> None:
    """Turn ordinary markdown study notes into Anki decks, one .apkg per book.

    \b
    Example:
      notedeck build notes/ -o decks/
    """


NOTES_ARG = click.argument("notes_dir", default="notes", type=click.Path(path_type=Path), metavar="[NOTES_DIR]")


@main.command()
@NOTES_ARG
@click.option("-o", "--out", "out_dir", default="decks", type=click.Path(path_type=Path), show_default=True,
              help="Folder for the .apkg decks and their manifests.")
@click.option("--dry-run", is_flag=True, help="Extract and report, but write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="List the new, changed and removed cards.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--debug", is_flag=True, help="Show a traceback for errors.")
def build(notes_dir: Path, out_dir: Path, dry_run: bool, verbose: bool, quiet: bool, debug: bool) -> None:
    """Build one Anki deck per book from NOTES_DIR (default: notes/).

    \b
    Example:
      notedeck build notes/ -o decks/ -v
    """
    from .config import load_config
    from .pipeline import build as run_build

    config = run_library(load_config, notes_dir, out_dir, dry_run=dry_run, debug=debug)
    report = run_library(run_build, config, debug=debug)
    if not quiet:
        for book in report.books:
            _print_book(book, verbose, dry_run)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
        if not report.books:
            click.echo(f"No cards found in {notes_dir} ({report.files} note files read).")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        sys.exit(EXIT_PROBLEMS)


def _print_book(book, verbose: bool, dry_run: bool) -> None:
    kinds = Counter(r.card.kind for r in book.cards)
    by_kind = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    target = "(dry run)" if dry_run else (str(book.deck_path) if book.written else f"{book.deck_path} (unchanged)")
    click.echo(f"{book.title}: {len(book.cards)} cards ({by_kind}) → {target}")
    click.echo(f"  +{len(book.added)} new  ~{len(book.changed)} changed  −{len(book.removed)} removed")
    if verbose:
        for sign, changes in (("+", book.added), ("~", book.changed), ("−", book.removed)):
            for change in changes:
                click.echo(f"    {sign} {change.question}  ({change.source})")
    if book.removed:
        from .pipeline import removed_search

        query = removed_search(book.removed[:20])
        click.echo(f"  Anki never deletes on import; find the removed cards with the search: {query}")


if __name__ == "__main__":  # pragma: no cover
    main()
