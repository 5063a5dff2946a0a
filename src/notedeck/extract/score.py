"""How sure notedeck is that an automatic card is one a learner keeps: features and a score.

The rules propose candidates generously; this module decides.  Each candidate is described by
general features of its shape — how the rule found it, what its term and answer look like, what
kind of section it sits in — and a logistic model (weights in ``weights.py``, learned offline
from labelled real notes by ``benchmarks/quality/train.py``) turns them into a probability.
Cards under the threshold stay out of the deck and are listed by ``notedeck check`` as
candidates, with the features that counted most against them, so the learner can opt in.

Features are about English and markdown, never about particular notes: a term that is a generic
label ("Output", "Example 2"), an answer that is mostly digits or links, a question that had to
fall back on "(5 items)", a section called "Exercises", a daily log's file name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from notedeck.extract.weights import BIAS, WEIGHTS
from notedeck.extract.words import FUNCTION_WORDS, GENERIC_LABELS, SUBORDINATE
from notedeck.model import Card, Section
from notedeck.text.keys import strip_markup

SHAPES = (
    "bold-is", "bold-does", "bold-named", "plain-is", "stands-for", "pair", "alternative",
    "item-bold", "item-term", "line-bold", "line-term", "bold-line", "deflist",
    "what-is-heading", "list-lead", "list-heading", "list-item", "list-outline",
    "table-cell", "table-glossary", "concept", "versus", "question-heading", "bold-question",
    "labelled", "known-as", "advice", "qa", "bold-sentence", "italic-bold-is", "italic-bold-does",
    "property-if",
)  # fmt: skip

FIRST_PERSON_WORD = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|we|we're|our|us)\b")
URL = re.compile(r"https?://\S{1,500}|www\.\S{1,500}")
LINK = re.compile(r"!?\[\[[^\[\]]{0,1000}\]\]|!?\[[^\[\]]{0,1000}\]\([^)]{0,4000}\)")
WORD = re.compile(r"[^\W_]")
DIGIT_OR_SYMBOL = re.compile(r"[\d=+*/<>^_{}\\|~%$#@&()\[\]-]")
DATE_NAME = re.compile(r"(?:^|/)(?:\d{4}[-_.]\d{1,2}[-_.]\d{1,2}|\d{1,2}[-_.]\d{1,2}[-_.]\d{4})")
LOG_FOLDER = re.compile(r"(?:^|/)(?:journals?|daily(?:[ _-]notes?)?|diary|logs?)/", re.I)
EXERCISE = re.compile(
    r"\b(?:examples?|exercises?|problems?|solutions?|answers?|homework|tutorials?|quiz|"
    r"test cases?|input|output|sample|practice|worked)\b",
    re.IGNORECASE,
)
REFERENCE = re.compile(
    r"\b(?:references?|links?|resources?|sources?|further reading|see also)\b", re.I
)
FALLBACK_QUESTION = re.compile(
    r"\(\d+ items\)(?: \([^()]*\))?$|what are the \d+ points\?(?: \([^()]*\))?$|"
    r"^what are the key points of"
)
NUMBERED = re.compile(r"^\s*(?:\d+[.):]|[a-z][.)]|#\d|step\s+\d)|\b\d+\b")
ARTICLES = frozenset({"a", "an", "the"})
CONDITIONAL_START = re.compile(r"(?:if|when|whenever|unless|once|for example|e\.g\.?)\b", re.I)
SECOND_PERSON = re.compile(r"\b(?:you|your|you're)\b", re.I)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
ADJECTIVE_END = re.compile(r"(?:al|ive|ous|ful|less|able|ible|ic|ent|ant|ary|ish)$")
ADVERB_END = re.compile(r"ly$")
VERB_PREDICATE = re.compile(r"(?:ing|ed)$")
USED_FOR = re.compile(r"\bused (?:to|for|as|in|inside|within) (?!when\b)", re.IGNORECASE)
DEFINING = re.compile(
    r"\b(?:is|are)\s+(?:an?|the|one|any|some)\s|\brefers?\s+to\b|\bmeans?\b|\bdenotes?\b|"
    r"\bis\s+(?:defined|known|called)\b|\bstands\s+for\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NoteFacts:
    """What the features need to know about the whole note, worked out once per note."""

    rel: str
    text: str  # the body, lower-cased
    keys: Counter  # candidates per identity key

    @classmethod
    def of(cls, rel: str, body: str, cards: list[Card]) -> NoteFacts:
        return cls(rel, body.casefold(), Counter(c.key for c in cards))


class Probe:
    """One candidate as the features see it: each view (plain term, answer, words …) worked
    out on first use, so that a build, which needs only the weighted features, pays for
    those alone."""

    def __init__(self, card: Card, section: Section | None, note: NoteFacts) -> None:
        self.card, self.note = card, note
        self.title = section.title if section else ""

    @cached_property
    def term(self) -> str:
        return strip_markup(self.card.key)

    @cached_property
    def words(self) -> list[str]:
        return self.term.split()

    @cached_property
    def folded(self) -> list[str]:
        return [w.casefold().strip(".,:;!?\"'()") for w in self.words]

    @cached_property
    def question(self) -> str:
        return strip_markup(self.card.question)

    @cached_property
    def answer(self) -> str:
        return strip_markup(self.card.answer)

    @cached_property
    def answer_words(self) -> int:
        return len(self.answer.split())

    @cached_property
    def predicate(self) -> tuple[str, str]:
        return _predicate(self.answer, self.term)

    @cached_property
    def url_chars(self) -> int:
        return sum(len(u) for u in URL.findall(self.answer))


def _generic(p: Probe) -> bool:
    return bool(p.folded) and (
        " ".join(p.folded) in GENERIC_LABELS or p.folded[-1] in GENERIC_LABELS
    )


def _bold_in_note(p: Probe) -> bool:
    term = p.term.casefold()
    return f"**{term}" in p.note.text or f"__{term}" in p.note.text


def _participle_verb(p: Probe) -> bool:
    # "is fed one example", "is dismantling all …", "are re-calculated once": a verb;
    # "is programmed cell death", "is distributed storage": a participle as an adjective;
    # "is bouncing off objects", "is shared across all cores": a verb and its preposition;
    # "is used to …", "is used inside a loop to …" say what the term is for
    predicate, after = p.predicate
    if predicate == "used" and USED_FOR.search(p.answer[:200]):
        return False
    return bool(VERB_PREDICATE.search(predicate)) and not _noun_after(after)


# name → test (a bool or a value in [0, 1]); "shape:<shape>" features come from the card.
FEATURES = {
    "t_generic": _generic,
    "t_numbered": lambda p: bool(NUMBERED.search(p.term)),
    "t_one_word": lambda p: len(p.words) == 1,
    "t_long": lambda p: len(p.words) > 5,
    "t_fragment": lambda p: any(w in FUNCTION_WORDS for w in p.folded[1:]),
    "t_starts_clause": lambda p: bool(p.folded) and p.folded[0] in SUBORDINATE,
    "t_symbols": lambda p: bool(p.term) and len(DIGIT_OR_SYMBOL.findall(p.term)) * 3 > len(p.term),
    "t_repeated": lambda p: p.note.keys.get(p.card.key, 0) > 1,
    "t_mentions": lambda p: min(p.note.text.count(p.term.casefold()), 8) / 8 if p.term else 0.0,
    "t_lower": lambda p: p.term[:1].islower(),
    "t_not_ascii": lambda p: bool(p.term) and not p.term.isascii() and not CJK.search(p.term),
    "t_cjk": lambda p: bool(CJK.search(p.term)),
    "t_bold": _bold_in_note,
    "a_tiny": lambda p: p.answer_words < 3,
    "a_short": lambda p: 3 <= p.answer_words < 7,
    "a_long": lambda p: p.answer_words > 60,
    "a_huge": lambda p: p.answer_words > 150,
    "a_urls": lambda p: p.url_chars * 3 > max(len(p.answer), 1),
    "a_has_url": lambda p: p.url_chars > 0,
    "a_symbols": lambda p: len(DIGIT_OR_SYMBOL.findall(p.answer)) * 4 > max(len(p.answer), 1),
    "a_math": lambda p: "\\(" in p.answer or "$" in p.answer or "\\frac" in p.answer,
    "a_first_person": lambda p: bool(FIRST_PERSON_WORD.search(p.answer)),
    "a_lower_start": lambda p: p.answer[:1].islower(),
    "a_question": lambda p: p.answer.rstrip().endswith("?"),
    "a_defining": lambda p: bool(DEFINING.search(p.answer[:200])),
    "a_conditional": lambda p: bool(CONDITIONAL_START.match(p.answer)),
    "a_second_person": lambda p: bool(SECOND_PERSON.search(p.answer[:200])),
    "a_names_term": lambda p: _names(p.answer[:300], p.term),
    "p_article": lambda p: p.predicate[0] in ARTICLES,
    "p_adjective": lambda p: bool(p.predicate[0]) and bool(ADJECTIVE_END.search(p.predicate[0])),
    "p_adverb": lambda p: bool(p.predicate[0]) and bool(ADVERB_END.search(p.predicate[0])),
    "p_verb": _participle_verb,
    "q_fallback": lambda p: bool(FALLBACK_QUESTION.search(p.question.casefold())),
    "q_long": lambda p: len(p.question.split()) > 14,
    "q_link": lambda p: "](" in p.card.question or "http" in p.question.casefold(),
    "c_log": lambda p: bool(DATE_NAME.search(p.note.rel) or LOG_FOLDER.search(p.note.rel)),
    "c_exercise": lambda p: bool(EXERCISE.search(p.title)),
    "c_reference": lambda p: bool(REFERENCE.search(p.title)),
    "c_term_is_title": lambda p: bool(p.term) and p.term.casefold() in p.title.casefold(),
}
WEIGHTED = tuple(name for name in FEATURES if name in WEIGHTS)


def features(
    card: Card, section: Section | None, note: NoteFacts, every: bool = True
) -> dict[str, float]:
    """The candidate's features that hold: names → values in (0, 1].  ``every=False``: only
    those the shipped weights use (all a score or a reason needs), as a build asks."""
    probe = Probe(card, section, note)
    out: dict[str, float] = {f"shape:{card.shape}": 1.0} if card.shape in SHAPES else {}
    for name in FEATURES if every else WEIGHTED:
        value = float(FEATURES[name](probe))
        if value:
            out[name] = value
    return out


def _names(text: str, term: str) -> bool:
    """The answer's opening names the term, or the term's last word ("… replication")."""
    folded = text.casefold()
    words = [w for w in term.casefold().split() if len(w) > 2]
    head = words[-1].rstrip("s") if words else ""
    return bool(term) and (term.casefold() in folded or (len(head) > 2 and head in folded))


def _predicate(answer: str, term: str) -> tuple[str, str]:
    """The first two words after "TERM is/are" in the answer, if the answer opens that way."""
    head = answer[: len(term) + 80].casefold()
    at = head.find(term.casefold()) if term else -1
    if at < 0:
        return "", ""
    rest = head[at + len(term) :].split()
    if len(rest) < 2 or rest[0] not in ("is", "are", "was", "were"):
        return "", ""
    return rest[1].strip(",.;:"), (rest[2] if len(rest) > 2 else "").strip(",.;:")


def _noun_after(word: str) -> bool:
    """A word that can be the noun a participle describes (not "by", "to", "once", "all")."""
    return bool(word) and word.isalpha() and word not in NOT_NOUN


NOT_NOUN = frozenset(
    "by to with in on at for from into of once all every each the a an and or as when if "
    "until after before again back up down out over away so too very more most off through "
    "across around between among against along without within under about above below behind "
    "beyond near onto upon toward towards inside outside via per".split()
)


def score(found: dict[str, float]) -> float:
    """The probability that a learner keeps the card."""
    total = BIAS + sum(WEIGHTS.get(name, 0.0) * value for name, value in found.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))


def reason(found: dict[str, float]) -> str:
    """The features that counted most against the card, in words (for ``check``)."""
    against = sorted(
        ((WEIGHTS.get(name, 0.0) * value, name) for name, value in found.items()),
    )
    said = [DESCRIPTIONS.get(name, name) for weight, name in against if weight < -0.3][:2]
    return "; ".join(said) or "its shape is rarely a card learners keep"


DESCRIPTIONS = {
    "t_generic": "the term is a generic label, not a subject",
    "t_numbered": "the term is numbered",
    "t_fragment": "the term reads like part of a sentence",
    "t_starts_clause": "the term starts a clause",
    "t_symbols": "the term is mostly symbols or digits",
    "t_repeated": "the same term is asked several times in the note",
    "t_long": "the term is long",
    "a_tiny": "the answer is one or two words",
    "a_long": "the answer is long",
    "a_huge": "the answer is a whole section",
    "a_urls": "the answer is mostly links",
    "a_symbols": "the answer is mostly digits or symbols (exercise data?)",
    "a_math": "the answer is a formula",
    "a_first_person": "the answer is written in the first person",
    "a_question": "the answer is a question",
    "q_fallback": "no question could be phrased from the lead-in",
    "q_long": "the question is very long",
    "q_link": "the question holds a link",
    "c_log": "the note is a daily log",
    "c_exercise": "it sits in an example or exercise section",
    "c_reference": "it sits in a references section",
    "p_adjective": "the sentence describes rather than defines",
    "p_adverb": "the sentence describes rather than defines",
    "p_verb": "the sentence tells what happens rather than what it is",
    "a_lower_start": "the answer starts mid-sentence",
    "a_conditional": "the answer opens with a condition or an example, not an account",
    "a_second_person": "the answer gives instructions (“you …”)",
    "a_names_term": "the answer names the term",
    "t_lower": "the term starts in lower case (a piece of a sentence?)",
    "t_not_ascii": "the term is in a language the rules read less surely",
    "t_cjk": "the term is in a language the rules read less surely",
    "shape:concept": "a heading over a paragraph is often not a concept",
    "shape:plain-is": "an unemphasised “X is …” sentence is often not a definition",
}
