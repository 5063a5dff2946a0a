"""Lint the notes: what the build silently passed over, and cards that look wrong.

Everything is reported as ``file:line: severity: message`` so an editor can jump to it.  The
checks only read what ``pipeline.collect`` already produced (documents and cards), plus the raw
front matter for line numbers; nothing here changes what a build makes.

Sections with a generic heading ("Summary", "My notes" …) and text under a skip marker are
deliberately silent: the user already said they are not cards.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from notedeck.config import Config
from notedeck.model import Document, ListBlock, Paragraph, Problem, RenderedCard, Section, Table
from notedeck.text.keys import normalise_key, strip_markup
from notedeck.text.media import MD_IMAGE, is_media_name
from notedeck.text.patterns import CODE_SPAN, FENCE, WIKI_EMBED
from notedeck.text.prose import is_chatter, word_count

MAX_FRONT_CHARS = 120  # a prompt you cannot read at a glance is a card you will not learn
MIN_SECTION_WORDS = 12  # below this, a section is a jotting rather than content
STOPWORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "to",
        "for",
        "and",
        "or",
        "by",
        "with",
        "s",
    ]
)
REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    path: str  # as the user can open it: the notes folder joined with the note's relative path
    line: int | None
    severity: str  # "error" (the file made no cards) or "warning"
    code: str  # short rule name, stable for scripts: no-card, no-book, long-front, ...
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def check(config: Config, collected) -> list[Finding]:
    """Every finding for the collected notes, sorted by file and line."""
    findings: list[Finding] = []
    findings += _from_pipeline(config, collected)
    cards_by_file: dict[str, list[RenderedCard]] = defaultdict(list)
    for rendered in collected.cards:
        cards_by_file[rendered.card.source].append(rendered)
    proposed: dict[str, list[int]] = defaultdict(list)  # lines of candidates left out
    for info in collected.candidates:
        if info.code == "candidate" and info.line is not None:
            proposed[info.source].append(info.line)
    declared = _book_yaml_titles(config)  # once: it walks the notes folder
    for document in collected.documents:
        rel = document.source.rel
        findings += _document_findings(
            config,
            document,
            [r.card.line for r in cards_by_file[rel]],
            # a list a card was made from, or one left out as a candidate (reported as such)
            [r.card.line for r in cards_by_file[rel] if r.card.kind == "list"] + proposed[rel],
        )
        findings += _front_matter_findings(config, document, declared)
        findings += _image_findings(config, document)
    findings += _card_findings(config, collected.cards)
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.path, f.line or 0, f.code, f.message))


def _display(config: Config, rel: str) -> str:
    return (config.notes_dir / rel).as_posix()


# ---------------------------------------------------------------- pipeline problems


def _from_pipeline(config: Config, collected) -> list[Finding]:
    """Read/parse errors and the warnings the build already found (images are checked below,
    each at its own line, whether or not a card uses it)."""
    out = [_finding(config, error, "unreadable") for error in collected.errors]
    out += [_finding(config, info, info.code) for info in collected.candidates]  # and media
    for warning in collected.warnings:
        if warning.code != "image":
            out.append(
                _finding(config, warning, "duplicate" if warning.code == "duplicate" else "build")
            )
    return out


def _finding(config: Config, problem: Problem, code: str) -> Finding:
    path = _display(config, problem.source) if problem.source else config.notes_dir.as_posix()
    return Finding(path, problem.line, problem.severity, code, problem.message)


# ---------------------------------------------------------------- sections and lists


def _spans(document: Document) -> list[tuple[Section, int, int]]:
    """(section, first line, last line) — a section runs to the line before the next heading."""
    sections = document.sections
    ends = [s.line - 1 for s in sections[1:]] + [10**9]
    return [(s, s.line, end) for s, end in zip(sections, ends, strict=True)]


def _document_findings(
    config: Config, document: Document, card_lines: list[int], list_lead_lines: list[int]
) -> list[Finding]:
    if document.source.options.skip:
        return []
    path = _display(config, document.source.rel)
    generic = set(config.generic_headings)
    out = []
    for section, first, last in _spans(document):
        if section.skip or not _substance(section):
            continue
        if section.book is None:
            where = f"under '{section.title}'" if section.title else "before the first heading"
            out.append(
                Finding(
                    path,
                    _first_line(section),
                    "warning",
                    "no-book",
                    f"text {where} belongs to no book, so it makes no cards "
                    "(name a book from notedeck.yaml in a heading, or add 'book:' front matter)",
                )
            )
            continue
        if any(normalise_key(h) in generic for h in section.path) or _structural(config, section):
            continue
        if not any(first <= line <= last for line in card_lines):
            title = (
                f"section '{section.title}'" if section.title else "text before the first heading"
            )
            out.append(Finding(path, section.line, "warning", "no-card", f"{title} made no card"))
            continue
        out += _silent_lists(path, section, card_lines, list_lead_lines, last)
    return out


def _structural(config: Config, section: Section) -> bool:
    """A heading that names a book or chapter: its intro text is context, not card material."""
    from notedeck.build.parse import chapter_in, find_book_in_heading

    title = section.title
    return bool(title) and bool(chapter_in(title) or find_book_in_heading(title, config.books))


def _substance(section: Section) -> bool:
    """Whether a section holds more than a jotting or diary chatter."""
    words = 0
    for block in section.blocks:
        if isinstance(block, (ListBlock, Table)):
            return True
        if isinstance(block, Paragraph) and not is_chatter(block.text):
            words += word_count(block.text)
    return words >= MIN_SECTION_WORDS


def _first_line(section: Section) -> int:
    return section.line if section.title or not section.blocks else section.blocks[0].line


def _silent_lists(
    path: str, section: Section, card_lines: list[int], lead_lines: list[int], last: int
) -> list[Finding]:
    """Lists of two or more items in a carded section that no card covers."""
    out = []
    blocks = section.blocks
    for i, block in enumerate(blocks):
        if not isinstance(block, ListBlock) or len(block.items) < 2:
            continue
        end = blocks[i + 1].line - 1 if i + 1 < len(blocks) else last
        previous = blocks[i - 1] if i else None
        led = isinstance(previous, Paragraph) and previous.line in lead_lines
        if led or any(block.line <= line <= end for line in card_lines):
            continue
        if all(item.checkbox is not None for item in block.items):
            continue  # a to-do list is not study material
        lead = f" after '{_short(previous.text)}'" if isinstance(previous, Paragraph) else ""
        out.append(
            Finding(
                path,
                block.line,
                "warning",
                "no-card",
                f"list of {len(block.items)} items{lead} made no card "
                "(end the sentence before it with ':' to make it a list card)",
            )
        )
    return out


def _short(text: str, limit: int = 40) -> str:
    plain = strip_markup(text)
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


# ---------------------------------------------------------------- images


def _image_findings(config: Config, document: Document) -> list[Finding]:
    """Every image reference outside code that does not resolve to a file in the notes folder."""
    from notedeck.build.render.card import MediaContext, find_media

    source = document.source
    media = MediaContext(config.notes_dir, source.path.parent)
    out = []
    fence = None
    for n, line in enumerate(source.text.split("\n"), start=source.body_line):
        marker = FENCE.match(line)
        if marker:
            fence = None if fence and marker.group(1)[0] == fence else fence or marker.group(1)[0]
            continue
        if fence:
            continue
        for src in _image_sources(CODE_SPAN.sub("", line)):
            if not REMOTE.match(src) and find_media(src, media) is None:
                out.append(
                    Finding(
                        _display(config, source.rel),
                        n,
                        "warning",
                        "image",
                        f"image not found or outside the notes folder: {src}",
                    )
                )
    return out


def _image_sources(line: str) -> list[str]:
    """Media a line embeds (``![[Other note]]`` embeds a note: not checked here)."""
    found = [m.group(1) for m in WIKI_EMBED.finditer(line) if is_media_name(m.group(1).strip())]
    found += [(m.group(1) or m.group(2)).strip() for m in MD_IMAGE.finditer(line)]
    return [f for f in found if f]


# ---------------------------------------------------------------- front matter


def _front_matter_findings(config: Config, document: Document, declared: set[str]) -> list[Finding]:
    source = document.source
    path = _display(config, source.rel)
    out = []
    if (
        source.body_line == 1
        and source.text.startswith("---\n")
        and _looks_like_front_matter(source.text)
    ):
        out.append(
            Finding(
                path,
                1,
                "warning",
                "front-matter",
                "front matter is never closed: add a '---' line after it (it is read as text now)",
            )
        )
    if source.body_line > 1 and source.book and config.books:
        known = [b.title for b in config.books]
        if config.find_book(source.book) is None and source.book not in declared:
            close = difflib.get_close_matches(source.book, known, n=1, cutoff=0.6)
            hint = f" — did you mean '{close[0]}'?" if close else f" (listed: {'; '.join(known)})"
            out.append(
                Finding(
                    path,
                    _meta_line(source.path, "book"),
                    "warning",
                    "front-matter",
                    f"book '{source.book}' is not listed in notedeck.yaml, "
                    f"so it gets a deck of its own{hint}",
                )
            )
    return out


def _looks_like_front_matter(text: str) -> bool:
    second = text.split("\n", 2)[1] if text.count("\n") >= 2 else ""
    return bool(re.match(r"^[A-Za-z_][\w-]*:\s", second + " "))


def _book_yaml_titles(config: Config) -> set[str]:
    from notedeck.build.read import book_files

    return {b.title for b in book_files(config)}


def _meta_line(path: Path, key: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for n, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        if line.startswith(f"{key}:"):
            return n
    return 1


# ---------------------------------------------------------------- suspicious cards


def _card_findings(config: Config, cards: tuple[RenderedCard, ...]) -> list[Finding]:
    out = []
    for rendered in cards:
        card = rendered.card
        front = strip_markup(card.question)
        if len(front) > MAX_FRONT_CHARS:
            out.append(
                Finding(
                    _display(config, card.source),
                    card.line,
                    "warning",
                    "long-front",
                    f"question is {len(front)} characters long (over {MAX_FRONT_CHARS}): "
                    f"'{_short(front, 60)}'",
                )
            )
    return out + _near_duplicates(config, cards)


def question_signature(question: str) -> tuple[str, ...]:
    """Content words of a question, singular, sorted: the same question however it is phrased."""
    words = normalise_key(question).split()
    stems = {
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    }
    return tuple(sorted(stems - STOPWORDS))


def _near_duplicates(config: Config, cards: tuple[RenderedCard, ...]) -> list[Finding]:
    """Questions in one book that ask the same thing in other words (exact repeats are the
    pipeline's 'same question' warning, so they are not reported twice)."""
    groups: dict[tuple[str, tuple[str, ...]], list[RenderedCard]] = defaultdict(list)
    for rendered in cards:
        signature = question_signature(rendered.card.question)
        if signature:
            groups[(rendered.card.book, signature)].append(rendered)
    out = []
    for group in groups.values():
        first = group[0].card
        for rendered in group[1:]:
            card = rendered.card
            if card.kind == first.kind and normalise_key(card.question) == normalise_key(
                first.question
            ):
                continue
            out.append(
                Finding(
                    _display(config, card.source),
                    card.line,
                    "warning",
                    "near-duplicate",
                    f"'{_short(card.question, 60)}' asks {_how_alike(card, first)} "
                    f"'{_short(first.question, 60)}' (a {first.kind} card at {first.location})",
                )
            )
    return out


def _how_alike(card, first) -> str:
    same = normalise_key(card.question) == normalise_key(first.question)
    return "the same as" if same else "nearly the same as"


def grouped_lines(findings: list[Finding]) -> list[str]:
    """Findings grouped by kind (errors first, then the most frequent kinds), each group under
    a one-line header; inside a group, by file and line, one ``file:line: …`` line each."""
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.severity, finding.code)].append(finding)
    order = sorted(groups, key=lambda k: (k[0] != "error", -len(groups[k]), k[1]))
    lines = []
    for severity, code in order:
        group = groups[(severity, code)]
        lines.append(f"── {code} ({len(group)} {severity}{'s' * (len(group) != 1)})")
        lines.extend(str(f) for f in group)
    return lines


def skipped_findings(config: Config, skipped) -> list[Finding]:
    """One line per skip rule with a count and the first few paths (severity "info": nothing to
    fix, and ``--strict`` ignores it)."""
    from notedeck.build.discover import SKIP_RULES

    by_rule: dict[str, list[str]] = defaultdict(list)
    for item in skipped:
        by_rule[item.rule].append(item.rel)
    out = []
    for rule, rels in sorted(by_rule.items()):
        shown = ", ".join(rels[:3]) + (" …" if len(rels) > 3 else "")
        folders = sum(r.endswith("/") for r in rels)
        noun = (
            "folders" if folders == len(rels) else "files" if not folders else "files and folders"
        )
        message = f"skipped {len(rels)} {noun}: {SKIP_RULES.get(rule, rule)} ({shown})"
        out.append(Finding(config.notes_dir.as_posix(), None, "info", "skipped", message))
    return out


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
