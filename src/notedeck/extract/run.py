"""Running the rules over a document: each enabled rule on each section, then the overlaps
resolved (an explicit card beats an automatic one for the same text; a definition beats a
concept card made from the same paragraph), repeated questions told apart, and every automatic
candidate scored (``score``): those under the threshold are left out and reported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from importlib import import_module

from notedeck.extract import EXTRACTORS, KIND_PRIORITY
from notedeck.extract.context import Context, RuleSettings
from notedeck.extract.media import attach_media
from notedeck.extract.score import DEFINING as DEFINES
from notedeck.extract.score import NoteFacts, features, reason, score
from notedeck.extract.shapes import clean_title, is_exercise_file, is_hub_title, is_worked_title
from notedeck.extract.vetoes import veto
from notedeck.extract.weights import THRESHOLD
from notedeck.extract.words import WORKED_CALLOUTS
from notedeck.model import Card, Document, Quote, Section, Table
from notedeck.text.keys import normalise_key

RULES = {name: import_module(f"notedeck.extract.{name}") for name in EXTRACTORS}


@dataclass(frozen=True)
class Extracted:
    """A document's cards, and the candidates left out (card, score, why) for ``check``."""

    cards: list[Card]
    left_out: list[tuple[Card, float, str]]
    unplaced_media: list[tuple[int, str]] = field(default_factory=list)  # (line, markdown)


def extract_cards(document: Document, config: RuleSettings) -> Extracted:
    """All cards of one document, in source order, overlaps resolved, candidates scored, and
    media lines attached to the cards they illustrate (``media``)."""
    candidates = all_candidates(document, config)
    facts = NoteFacts.of(document.source.rel, document.source.text, candidates)
    sections = _section_finder(document.sections)
    threshold = THRESHOLD if config.min_score is None else config.min_score
    kept, left_out = [], []
    for card in candidates:
        if card.kind in ("explicit", "cloze") or card.line in document.keep_lines:
            kept.append(card)
            continue
        vetoed = veto(card)
        if vetoed:
            left_out.append((card, 0.0, vetoed))
            continue
        found = features(card, sections(card.line), facts, every=False)
        probability = score(found)
        if probability >= threshold:
            kept.append(card)
        else:
            left_out.append((card, probability, reason(found)))
    kept, unplaced = attach_media(kept, document.sections)
    return Extracted(kept, left_out, unplaced)


def scored_candidates(document: Document, config: RuleSettings):
    """(card, features, score) of every automatic candidate: for training the scorer."""
    candidates = all_candidates(document, config)
    facts = NoteFacts.of(document.source.rel, document.source.text, candidates)
    sections = _section_finder(document.sections)
    for card in candidates:
        if card.kind not in ("explicit", "cloze") and not veto(card):
            found = features(card, sections(card.line), facts)
            yield card, found, score(found)


def _section_finder(sections: tuple[Section, ...]):
    """line → the section it lies in (sections are in line order)."""
    starts = [s.line for s in sections]

    def find(line: int) -> Section | None:
        at = bisect_right(starts, line) - 1
        return sections[at] if at >= 0 else None

    return find


def all_candidates(document: Document, config: RuleSettings) -> list[Card]:
    """Every card the rules propose, in source order, overlaps resolved, before scoring."""
    ctx = Context(document.source, config, document.sections, document.tags)
    options = document.source.options
    enabled = config.extractors if options.extractors is None else options.extractors
    if document.source.options.skip:
        return []
    cards: list[Card] = []
    exercises = is_exercise_file(document.source.rel)
    for section in document.sections:
        if section.book is None or section.skip:
            continue
        if exercises or _practice_or_links(section):  # the learner's own cards only
            cards.extend(
                _section_cards(section, ctx, ("explicit",) if "explicit" in enabled else ())
            )
            continue
        cards.extend(_section_cards(_without_worked_callouts(section), ctx, enabled))
    # "Latency::…" and "**Latency** is …" in one note: the user's own card is the one to keep.
    asked = {c.key for c in cards if c.kind == "explicit"}
    cards = [c for c in cards if c.kind in ("explicit", "cloze") or c.key not in asked]
    # A heading's paragraph and a list under it that both ask "What is X?": the paragraph
    # says what X is, the list only what it has.
    described = {normalise_key(c.question) for c in cards if c.kind == "concept"}
    cards = [_what_characterises(c, described) for c in cards]
    cards = _one_reading_per_term(cards)
    return _qualify_repeats([card for card in _resolve_overlaps(cards) if _worth_keeping(card)])


def _what_characterises(card: Card, described: set[str]) -> Card:
    """A list asking "What is X?" where a paragraph already says what X is: the paragraph
    answers that, and the list ("Reporting database:" + its properties) what marks X out."""
    if card.kind != "list" or normalise_key(card.question) not in described:
        return card
    what = WHAT_IS.match(card.question)
    if not what:
        return card
    term = what.group("term")
    return replace(card, question=f"What characterises {term}?", key=f"{card.key} traits")


WHAT_IS = re.compile(r"^What (?:is|are) (?P<term>.{1,80})\?$")


# Shapes found by sentence form alone (no bold, no "Term:" line): only the form says they define.
SENTENCE_SHAPES = frozenset(["plain-is", "bold-sentence"])


def _one_reading_per_term(cards: list[Card]) -> list[Card]:
    """ "A team is falling behind if …", "A team is treading water when …", "A team is
    innovating …": a term that opens several sentences of a note is its topic, and those are
    statements about it.  The first is kept when it says what the term is (an article after
    the verb: "TDD is a practice …"), the others never."""
    by_key: dict[str, list[int]] = {}
    for n, card in enumerate(cards):
        if card.shape in SENTENCE_SHAPES:
            by_key.setdefault(card.key, []).append(n)
    drop: set[int] = set()
    for members in by_key.values():
        if len(members) < 2:
            continue
        first = cards[members[0]]
        keep_first = len(members) == 2 and DEFINES.search(first.answer[:200]) is not None
        drop.update(members[1:] if keep_first else members)
    return [card for n, card in enumerate(cards) if n not in drop] if drop else cards


def _practice_or_links(section: Section) -> bool:
    """A worked example, an exercise, a proof (under any heading above) or a section of links to
    other notes: no automatic card is a fact to recall there."""
    return any(map(is_worked_title, section.path)) or is_hub_title(section.title)


def _without_worked_callouts(section: Section) -> Section:
    """The section without the worked text of its ``> [!example]``, ``> [!exercise]``,
    ``> [!proof]`` callouts; their tables stay (writers keep reference tables in them too)."""
    if not any(isinstance(b, Quote) and b.callout in WORKED_CALLOUTS for b in section.blocks):
        return section
    blocks = []
    for block in section.blocks:
        if isinstance(block, Quote) and block.callout in WORKED_CALLOUTS:
            tables = tuple(b for b in block.blocks if isinstance(b, Table))
            if not tables:
                continue
            block = replace(block, blocks=tables)
        blocks.append(block)
    return replace(section, blocks=tuple(blocks))


def _section_cards(section: Section, ctx: Context, enabled: tuple[str, ...]) -> list[Card]:
    """The enabled rules' cards in ``EXTRACTORS`` order; the explicit rule's one scan also gives
    the lines it covers (scanning twice, once for each, was a tenth of the extract time)."""
    found: list[Card] = []
    covered: frozenset[int] | None = None
    for name in EXTRACTORS:
        if name not in enabled:
            continue
        if name == "explicit":
            explicit_cards, covered = RULES[name].cards_and_lines(section, ctx)
            found.extend(explicit_cards)
        else:
            found.extend(RULES[name].extract(section, ctx))
    if covered is not None:  # automatic rules never re-ask what explicit cards cover
        found = [c for c in found if c.kind in ("explicit", "cloze") or c.line not in covered]
    return found


def _qualify_repeats(cards: list[Card]) -> list[Card]:
    """Two different answers to one question in a note ("What is reliability?" as an AWS pillar
    and as a system property) get their heading added, so the learner can tell them apart.
    Only the text changes: keys, hence GUIDs, stay as they were."""
    groups: dict[str, list[int]] = {}
    for n, card in enumerate(cards):
        groups.setdefault(normalise_key(card.question), []).append(n)
    out = list(cards)
    for members in groups.values():
        if len(members) < 2:  # nearly every question: no answers to compare
            continue
        answers = {normalise_key(cards[n].answer) for n in members}
        headings = {cards[n].context[-1] if cards[n].context else "" for n in members}
        if len(answers) < 2 or len(headings) < len(members):
            continue
        raw = [cards[n].context[-1] if cards[n].context else "" for n in members]
        shown = [clean_title(h) or h for h in raw]  # "4. Milliseconds since epoch": no "4."
        if len(set(shown)) < len(members):
            shown = raw
        for n, heading in zip(members, shown, strict=True):
            if heading:
                out[n] = replace(cards[n], question=f"{cards[n].question} ({heading})")
    return out


def _worth_keeping(card: Card) -> bool:
    """The last safety net for every rule: no empty answer, no answer that repeats the question."""
    if card.note_type == "cloze":
        return bool(card.question.strip())
    answer, question = normalise_key(card.answer), normalise_key(card.question)
    return bool(answer) and bool(question) and answer != question


def _resolve_overlaps(cards: list[Card]) -> list[Card]:
    """Drop a card when a higher-priority card asks the same thing or was made from the same line.

    A comparison ("What is the difference between X and Y?") asks something no definition of X
    or Y answers, so it survives definitions made from its paragraph.
    """
    ranks = [_RANK.get(card.kind, len(_RANK)) for card in cards]
    questions = [normalise_key(card.question) for card in cards]  # once per card, not twice
    best_by_question: dict[str, int] = {}
    best_by_line: dict[int, int] = {}
    for card, r, q in zip(cards, ranks, questions, strict=True):
        best_by_question[q] = min(best_by_question.get(q, r), r)
        if card.kind in ("concept",):
            continue
        best_by_line[card.line] = min(best_by_line.get(card.line, r), r)
    kept = []
    for card, r, q in zip(cards, ranks, questions, strict=True):
        if best_by_question[q] < r:
            continue
        if _dropped(card, r, best_by_line):
            continue
        kept.append(card)
    return kept


_RANK = {kind: i for i, kind in enumerate(KIND_PRIORITY)}


def _dropped(card: Card, rank: int, best_by_line: dict[int, int]) -> bool:
    """A concept or definition loses to a stronger card made from the same line."""
    if card.kind == "concept" and card.question.startswith("What is the difference between "):
        return False
    if card.kind in ("concept", "definition") and best_by_line.get(card.line, rank) < rank:
        return True
    return card.kind == "concept" and card.line in best_by_line
