"""Score notedeck's card extraction against the hand-labelled quality corpus.

    python benchmarks/quality/score.py [CORPUS_DIR] [--only NAMES] [-v]

Builds the corpus notes with the library (``load_config`` + ``pipeline.collect``, nothing is
written) and compares the cards with each ``NAME.expected.yaml``:

* recall — expected cards matched.  An expected card ``{q: [words], a: [phrases]}`` is matched by
  a produced card from the same file whose plain-text question contains every ``q`` word and
  whose plain-text answer contains every ``a`` phrase (case-insensitive, whitespace-normalised).
  Each produced card matches at most one expected card, so one vague card cannot hide a miss.
* junk rate — produced cards a learner would delete: empty or placeholder answers, answer equal
  to the question, raw markdown left in a field, fronts over 300 characters, and cards made from
  chatter, metadata or code (a ``forbidden`` phrase of the label file, first-person questions,
  questions that are a metadata key such as ``Status``, text that only occurs inside a fenced
  code block).

The last line is always ``recall=0.xx junk_rate=0.xx cards=N``.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from notedeck.config import load_config
from notedeck.model import Code, Document, ListBlock, Quote, RenderedCard
from notedeck.pipeline import collect

CORPUS = Path(__file__).resolve().parent / "corpus"
MAX_FRONT = 300
PLACEHOLDERS = {"", "...", "…", "-", "—", "?", "todo", "tbd", "n/a", "na", "none", "tk", "xxx"}
RAW_MARKDOWN = (
    ("bold markers", re.compile(r"\*\*|(?<![\w\\])__(?=\w)")),
    ("wikilink brackets", re.compile(r"\[\[|\]\]")),
    ("table rule", re.compile(r"\|\s*:?-{3,}|^\s*:?-{3,}:?\s*\|", re.MULTILINE)),
    ("table row pipes", re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)),
    ("highlight markers", re.compile(r"==(?=\S)[^=\n]+(?<=\S)==")),
    ("image syntax", re.compile(r"!\[[^\]]*\]")),
    ("heading marker", re.compile(r"^#{1,6}\s", re.MULTILINE)),
    ("callout marker", re.compile(r"\[![a-z]+\]", re.IGNORECASE)),
    ("html comment", re.compile(r"<!--")),
    ("escaped pipe", re.compile(r"\\\|")),
    (
        "HTML tag shown as text",
        re.compile(
            r"</?(?:sub|sup|br|b|i|em|strong|span|div|details|summary|kbd|mark)\b[^>]*>", re.I
        ),
    ),
)
FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'll|my|me)\b")
METADATA = re.compile(
    r"^(?:what (?:is|are) (?:the )?)?(?:status|up|down|tags?|source|date|created|updated|modified|"
    r"author|aliases|type|related|parent|next|prev|priority|rating|due|url)\??$",
    re.IGNORECASE,
)


# ---------------------------------------------------------------- plain text


class _Text(HTMLParser):
    """Visible text of an HTML field; code kept apart so markdown checks can skip it."""

    BLOCK = {
        "p",
        "li",
        "tr",
        "br",
        "div",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "blockquote",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.prose: list[str] = []
        self.code_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self.code_depth += 1
        if tag in self.BLOCK or tag in ("td", "th"):
            self._add(" \n" if tag in self.BLOCK else " ")

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self.code_depth = max(0, self.code_depth - 1)
        if tag in self.BLOCK:
            self._add("\n")

    def handle_data(self, data):
        self._add(data)

    def _add(self, data: str) -> None:
        self.text.append(data)
        if not self.code_depth:
            self.prose.append(data)


def plain(fragment: str) -> tuple[str, str]:
    """(all visible text, text outside code) of an HTML field."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.text), "".join(parser.prose)


def norm(text: str) -> str:
    return " ".join(html.unescape(text).casefold().split())


# ---------------------------------------------------------------- labels and cards


@dataclass(frozen=True)
class Expected:
    q: tuple[str, ...]
    a: tuple[str, ...]

    def __str__(self) -> str:
        return f"q={list(self.q)} a={list(self.a)}"


@dataclass(frozen=True)
class Produced:
    question: str  # normalised plain text
    answer: str
    raw_question: str  # plain text, case kept, for reports
    raw_answer: str
    prose: str  # question + answer outside code, for the raw-markdown check
    kind: str
    note_type: str
    location: str


@dataclass
class FileScore:
    name: str
    expected: list[Expected]
    cards: list[Produced]
    missed: list[Expected] = field(default_factory=list)
    junk: list[tuple[Produced, str]] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return len(self.expected) - len(self.missed)


def load_labels(path: Path) -> tuple[list[Expected], list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cards = [
        Expected(tuple(map(str, c.get("q") or ())), tuple(map(str, c.get("a") or ())))
        for c in data.get("cards") or ()
    ]
    return cards, [str(f) for f in data.get("forbidden") or ()]


def produced(card: RenderedCard) -> Produced:
    q_text, q_prose = plain(card.front)
    a_text, a_prose = plain(card.back)
    return Produced(
        norm(q_text),
        norm(a_text),
        " ".join(q_text.split()),
        " ".join(a_text.split()),
        q_prose + "\n" + a_prose,
        card.card.kind,
        card.card.note_type,
        card.card.location,
    )


def matches(exp: Expected, card: Produced) -> bool:
    return all(norm(w) in card.question for w in exp.q) and all(
        norm(p) in card.answer for p in exp.a
    )


def match_cards(expected: list[Expected], cards: list[Produced]) -> list[Expected]:
    """Expected cards left unmatched by a maximum one-to-one matching (augmenting paths)."""
    options = [[j for j, c in enumerate(cards) if matches(e, c)] for e in expected]
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or assign(owner[j], seen):
                owner[j] = i
                return True
        return False

    matched = {i for i in range(len(expected)) if assign(i, set())}
    return [e for i, e in enumerate(expected) if i not in matched]


# ---------------------------------------------------------------- junk


def code_and_prose(document: Document) -> tuple[str, str]:
    """Normalised text of the document's code blocks, and of everything else."""
    code: list[str] = []

    def walk(blocks) -> None:
        for block in blocks:
            if isinstance(block, Code):
                code.append(block.text)
            elif isinstance(block, Quote):
                walk(block.blocks)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item.children)

    for section in document.sections:
        walk(section.blocks)
    prose = document.source.text
    for text in code:
        prose = prose.replace(text, " ")
    return norm("\n".join(code)), norm(prose)


def junk_reason(card: Produced, forbidden: list[str], code: tuple[str, str]) -> str | None:
    """Why a learner would delete this card, or None when it is a fair card."""
    if card.note_type != "cloze":
        if card.answer.strip(" .:;,-—–*") in PLACEHOLDERS:
            return "empty or placeholder answer"
        if card.answer.rstrip("?.: ") == card.question.rstrip("?.: "):
            return "answer equals question"
    for name, pattern in RAW_MARKDOWN:
        if pattern.search(card.prose):
            return f"raw markdown in a field ({name})"
    if len(card.raw_question) > MAX_FRONT:
        return f"front over {MAX_FRONT} characters ({len(card.raw_question)})"
    for phrase in forbidden:
        if norm(phrase) in card.question or norm(phrase) in card.answer:
            return f"forbidden text {phrase!r} (chatter, metadata or code)"
    if FIRST_PERSON.search(card.raw_question):
        return "first-person question (diary chatter)"
    if METADATA.match(card.raw_question.strip()):
        return "question from a metadata field"
    core = norm(
        re.sub(
            r"^(?:what|who)\s+(?:is|are)\s+(?:the\s+|an?\s+)?|\?$",
            "",
            card.raw_question,
            flags=re.I,
        )
    )
    code_text, prose_text = code
    if len(core) > 3 and core in code_text and core not in prose_text:
        return "question taken from a code block"
    return None


# ---------------------------------------------------------------- driver


def corpus_names(corpus: Path, only: list[str] | None) -> list[str]:
    names = sorted(p.name[: -len(".expected.yaml")] for p in corpus.glob("*.expected.yaml"))
    if only:
        wanted = [n.removesuffix(".md") for n in only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            raise SystemExit(f"not in the corpus: {', '.join(unknown)} (have: {', '.join(names)})")
        names = [n for n in names if n in wanted]
    return names


def score(corpus: Path = CORPUS, only: list[str] | None = None) -> list[FileScore]:
    """Build the selected corpus notes (a temporary copy, so only they are read) and score them."""
    names = corpus_names(corpus, only)
    with tempfile.TemporaryDirectory(prefix="notedeck-quality-") as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        if (corpus / "notedeck.yaml").exists():
            shutil.copy(corpus / "notedeck.yaml", notes / "notedeck.yaml")
        for name in names:
            shutil.copy(corpus / f"{name}.md", notes / f"{name}.md")
        config = load_config(notes, Path(tmp) / "decks", dry_run=True)
        collected = collect(config)
    problems = [str(e) for e in collected.errors]
    if problems:
        raise SystemExit("corpus did not build:\n" + "\n".join(problems))
    code = {d.source.rel: code_and_prose(d) for d in collected.documents}
    results = []
    for name in names:
        expected, forbidden = load_labels(corpus / f"{name}.expected.yaml")
        rel = f"{name}.md"
        cards = [produced(c) for c in collected.cards if c.card.source == rel]
        result = FileScore(name, expected, cards, match_cards(expected, cards))
        for card in cards:
            reason = junk_reason(card, forbidden, code.get(rel, ("", "")))
            if reason:
                result.junk.append((card, reason))
        results.append(result)
    return results


def totals(results: list[FileScore]) -> tuple[float, float, int]:
    expected = sum(len(r.expected) for r in results)
    cards = sum(len(r.cards) for r in results)
    recall = sum(r.matched for r in results) / expected if expected else 1.0
    junk = sum(len(r.junk) for r in results) / cards if cards else 0.0
    return recall, junk, cards


def report(results: list[FileScore], verbose: bool) -> str:
    lines = []
    for r in results:
        lines.append(
            f"{r.name:<20} recall {r.matched:>3}/{len(r.expected):<3} cards {len(r.cards):>3}  "
            f"junk {len(r.junk)}"
        )
        if verbose:
            for exp in r.missed:
                lines.append(f"    MISS  {exp}")
                for near in [c for c in r.cards if all(norm(w) in c.question for w in exp.q)][:3]:
                    lines.append(
                        f"          near: {near.raw_question!r} → {near.raw_answer[:160]!r}"
                    )
            for card, reason in r.junk:
                lines.append(f"    JUNK  {card.location}: {card.raw_question[:100]!r} — {reason}")
    recall, junk, cards = totals(results)
    lines.append(f"recall={recall:.2f} junk_rate={junk:.2f} cards={cards}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS, help="corpus folder")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="score only these notes (NAME or NAME.md)"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list misses and junk with reasons"
    )
    parser.add_argument("--cards", action="store_true", help="also print every produced card")
    args = parser.parse_args(argv)
    only = [n for item in args.only or () for n in item.split(",") if n]
    results = score(args.corpus, only or None)
    if args.cards:
        for r in results:
            for c in r.cards:
                print(f"[{r.name}] {c.kind}: {c.raw_question} → {c.raw_answer[:200]}")
    print(report(results, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
