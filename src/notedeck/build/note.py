"""One note file, start to finish: parse → extract → render → a ``NoteResult``.

This is the stage the build cache memoises and the worker processes run, so it is a pure
function of the note and the config: it needs nothing from other files (rendering never depends
on a card's GUID, which is numbered later, per book) and it never raises for a bad note — what
went wrong comes back as ``Problem`` values in the result, so one bad note never stops the others.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from notedeck.config import Config
from notedeck.errors import NotedeckError, NoteError, debugging
from notedeck.model import Card, NoteResult, Problem, RenderedCard, SourceFile

# parse/extract/render (markdown-it, nh3) are imported where they are used: a rebuild served
# from the cache, and `notedeck --help`, never pay for them.


def process_note(state: tuple[Config, bool], source: SourceFile) -> NoteResult:
    """Parse, extract and render one note.  ``state`` is what every note's task shares: the
    config, and whether to keep the parse tree (preview and check read it; a build does not, and
    sending every tree back from the workers would cost more than it is worth)."""
    config, keep_document = state
    try:
        document, extracted = _parse_and_extract(source, config)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        return NoteResult(source.rel, problems=(note_error(source.rel, exc),), failed=True)
    cards = extracted.cards
    problems = list(map(_left_out, extracted.left_out))
    problems += [_unplaced(media, source.rel) for media in extracted.unplaced_media]
    rendered, media = [], {}
    failed = False
    for card in cards:
        try:
            result, warnings, files = _render(card, config)
        except Exception as exc:  # noqa: BLE001 - the file's other cards still build
            problems.append(note_error(card.source, exc, card.line))
            failed = True
            continue
        problems.extend(warnings)
        media.update(files)
        result = without_field_separator(result)
        if not shows_both_sides(result):  # "**term**: -" renders as nothing: Anki shows a blank
            message = f"skipped a card with a blank side: {card.question!r}"
            problems.append(Problem.warning("blank", message, card.source, card.line))
            continue
        rendered.append(result)
    # The files it found are cached with their stats, and an image that did not resolve with
    # the list of the vault's media (it may resolve once a file appears); a note that failed is
    # never cached (its error must show).
    return NoteResult(
        source.rel,
        tuple(rendered),
        tuple(problems),
        tuple(sorted(media.items())),
        failed,
        cacheable=not failed,
        missing_media=any(p.code == "image" for p in problems),
        document=document if keep_document else None,
    )


_TAG = re.compile(r"<(?!img\b)[^<>]*>", re.IGNORECASE)


def shows_something(html: str) -> bool:
    """True if Anki would show text or an image for this field (markup alone shows nothing)."""
    text = _TAG.sub("", html).replace("&nbsp;", " ").replace("&#8203;", "").replace("\u200b", "")
    return bool(text.strip())


def shows_both_sides(result: RenderedCard) -> bool:
    """A cloze needs only its text; other cards need a question and an answer to show."""
    if not shows_something(result.front):
        return False
    return result.card.note_type == "cloze" or shows_something(result.back)


def without_field_separator(result: RenderedCard) -> RenderedCard:
    """\x1f separates Anki's fields: one inside a field (say, from a book title) breaks the deck."""
    fields = (result.front, result.back, result.context, result.source)
    if not any("\x1f" in f for f in fields):
        return result
    front, back, context, source = (f.replace("\x1f", " ") for f in fields)
    return replace(result, front=front, back=back, context=context, source=source)


def note_error(rel: str, exc: Exception, line: int | None = None) -> Problem:
    """What went wrong with one file, as one error line (re-raised when debugging)."""
    if isinstance(exc, NotedeckError):
        return exc.problem
    if debugging():
        raise exc
    if isinstance(exc, RecursionError):
        message = "nested too deeply to read (lists, quotes or links); flatten it"
        return NoteError(rel, message, line).problem
    detail = (str(exc).splitlines() or [""])[0][:200]
    problem = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    report = "a notedeck bug, please report it (--debug shows more)"
    return NoteError(rel, f"could not be processed ({problem}); {report}", line).problem


def _left_out(candidate: tuple[Card, float, str]) -> Problem:
    """A candidate the scorer left out, for ``check`` (severity "info": never a warning)."""
    card, probability, why = candidate
    if probability:  # the scorer was unsure: the learner may overrule it
        hint = f"{probability:.0%} sure; put <!-- notedeck: keep --> on the line above to keep it"
    else:  # a rule: the card as phrased asks nothing, but the learner can say what to ask
        hint = "write it as 'Question::Answer' to make the card you want"
    message = f"left out {card.question!r} ({why}); {hint}"
    return Problem(card.source, card.line, "info", "candidate", message)


def _unplaced(media: tuple[int, str], rel: str) -> Problem:
    """A media line no card shows, for ``check`` (severity "info", like a candidate)."""
    line, markdown = media
    message = (
        f"{_short(markdown)} is on a line of its own but no card was made from the text above it "
        "(or, under a heading, from the section), so it is on no card"
    )
    return Problem(rel, line, "info", "media", message)


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


def _parse_and_extract(source: SourceFile, config: Config):
    from notedeck.build.parse import parse
    from notedeck.extract import extract

    document = parse(source, config)
    return document, extract(document, config)


def _render(card: Card, config: Config):
    from notedeck.build.render.card import render_card

    return render_card(card, _media_context(config.notes_dir, card.source), config.source_link)


@lru_cache(maxsize=256)  # one per note file, not one per card (pathlib joins are not free)
def _media_context(notes_dir: Path, source: str):
    from notedeck.build.render.card import MediaContext

    return MediaContext(notes_dir, (notes_dir / source).parent)
