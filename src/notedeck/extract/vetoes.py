"""Shapes that are never a card, whatever the scorer would say: ``veto`` gives the reason.

These are rules, not weights (``score`` learns those): a question that is no question, a subject
the question lost, a link as a question, an answer that is only a link, a command or a formula,
a list of the notes that hold the statements rather than the statements.  A vetoed candidate is
listed by ``notedeck check`` with its reason, so the learner can opt in with explicit syntax.
"""

from __future__ import annotations

import re
from itertools import pairwise

from notedeck.extract.score import ARTICLES, FALLBACK_QUESTION, LINK, URL, WORD
from notedeck.extract.shapes import is_generic_label
from notedeck.model import Card
from notedeck.text.keys import strip_markup
from notedeck.text.patterns import CODE_SPAN

# Words no term ends with: "What is transitivity of?" lost the rest of its phrase.
DANGLING = frozenset(
    "of to for the a an and or with by from into than as via about what which how di del de "
    "von zu".split()
)
# "What are A block %a dominates …", "What are a process wherein …" (not "a few …", "A records")
PLURAL_WITH_A = re.compile(r"^What are (?:A|An|a|an) (?!(?:few|couple|lot|number)\b)[^\W\d_A-Z]")
WHAT_IS = re.compile(r"^(?:what|who)\s+(?:is|are)\s+(?:an?\s+|the\s+)?(?P<term>.+?)\??$", re.I)


def veto(card: Card) -> str | None:
    """Why a candidate can never be a good card whatever its score, or None.  These are rules,
    not weights: a question that is no question, a subject the question lost, a link as
    question."""
    question = strip_markup(card.question)
    if FALLBACK_QUESTION.search(question.casefold()):
        return "no question could be phrased from the sentence before the list"
    if "](" in card.question or "http" in question.casefold():
        return "the question holds a link"
    if _garbled(CONTEXT_SUFFIX.sub("", question)):
        return "the question is garbled (a word twice, a file name, or cut after 'that')"
    what = WHAT_IS.match(CONTEXT_SUFFIX.sub("", question))  # "What is Esempio? (Grammatiche)"
    if what and is_generic_label(what.group("term")):
        return f"{what.group('term')!r} is a label, and no heading names what it is about"
    if what and _dangling(what.group("term").casefold().split()):
        return "the question stops mid-phrase"
    if PLURAL_WITH_A.match(question):  # "What are A block %a dominates …": a sentence cut up
        return "the question asks 'what are' of a singular 'a …': a sentence, not a subject"
    if card.shape == "table-values":
        return "a column of ticks or a long one of values (codes, prices) is reference data"
    answer = strip_markup(card.answer)
    if answer and sum(len(u) for u in URL.findall(answer)) * 2 > len(answer):
        return "the answer is a list of links"
    if card.kind in ("definition", "concept") and not WORD.search(LINK.sub("", card.answer)):
        return "the answer is only a link (a link's title is no statement)"
    if LINK.search(card.answer) and _points_elsewhere(LINK.sub(" ", card.answer)):
        return "the answer only points to another note ('[[…]] to know more')"
    if (
        card.kind == "definition"
        and card.answer.rstrip()[-1:] in (":", ";")
        and _introduces(answer)
    ):
        return "the sentence introduces what follows it, it defines nothing"
    if card.kind == "definition" and answer.endswith("?") and "." not in answer:
        return "the answer is a question"
    if card.kind == "concept" and len(_prose_words(card.answer)) < 3:
        return "the section is code with no words that explain it"
    if card.kind == "definition" and _command_line(answer):
        return "the answer is a command to type, not what the term is"
    if card.kind in ("definition", "concept") and _display_math_only(card.answer):
        return "the answer is a displayed formula with no words that say what it is"
    if card.kind != "list" and what and DEICTIC.intersection(what.group("term").casefold().split()):
        return "the question points at the page ('below', 'above'), not at a subject"
    if card.kind == "definition" and what and _ends_with_verb(what.group("term")):
        return "the term is a clause ('the practices include'): a lead-in, not a name"
    if card.kind == "list" and _linked_titles(card):
        return "the list names other notes (theorems, definitions …): their titles, no fact"
    if card.kind == "list" and what and _opens_with_verb(what.group("term"), question):
        return "the question lost its subject: it opens with a verb ('What are allows for …?')"
    return None


POINTER_WORDS = frozenset(
    "to know more see read check out for the details detail info information here also "
    "about learn go further".split()
)


def _points_elsewhere(rest: str) -> bool:
    """What is left of an answer without its links is "to know more", "see also", "read":
    a pointer, no statement."""
    words = [w.strip(".,;:()-") for w in strip_markup(rest).casefold().split()]
    words = [w for w in words if w]
    return bool(words) and all(w in POINTER_WORDS for w in words)


# Commands that open a shell line whatever follows them, and commands that do so when an
# argument follows ("vi .vimrc", "cd ~/src"; "cat" or "make" alone may be English).
SHELL_COMMANDS = frozenset(
    "sudo apt apt-get yum dnf pacman brew pip pip3 npm npx yarn pnpm git docker kubectl zpool "
    "zfs systemctl journalctl chmod chown mkdir wget curl ssh scp rsync".split()
)
SHELL_WITH_ARGUMENT = frozenset(
    "cd ls cp mv rm cat grep tar make gcc python python3 node vi vim nano ps kill export echo "
    "touch less tail head".split()
)


def _command_line(answer: str) -> bool:
    """ "sudo zpool status -v", "vi .vimrc in terminal": the answer is what to type."""
    words = answer.split()
    if not words or len(words) > 12:
        return False
    first = words[0].casefold().strip("`$")
    if first in SHELL_COMMANDS:
        return True
    nxt = words[1] if len(words) > 1 else ""
    return first in SHELL_WITH_ARGUMENT and (nxt[:1] == "-" or any(c in nxt for c in "/.~=$"))


DISPLAY_MATH = re.compile(r"\$\$[^$]{0,5000}\$\$|\\\[(?:(?!\\[\[\]]).){0,5000}\\\]", re.DOTALL)
# "What is the short form below?": a phrase that points at the page, not at a thing.  (A list
# lead may name its set so: "the following goals" are the list's.)
DEICTIC = frozenset("below above aforementioned following hereafter sottostante seguente".split())
# A list's lead-in cut after its subject ("Settings allows for viewing and configuring:" →
# "What are allows for viewing and configuring?"): what is left opens with the verb.
VERB_OPENERS = frozenset(
    "allows allow has have had been is are was were means divided contains uses includes "
    "provides does do can will each".split()
)


# "Eigenspace — Theorems?" over "- [[Eigenspace is a Subspace]]", "- [[Trivial Eigenvector]]":
# a list of the notes that hold the statements, not the statements.  (Links that name kinds
# or members — "Grammar — Types?", "Mushroom — List?" — are a set worth knowing.)
LINKED_ASPECTS = re.compile(
    r" — (?:(?:additional |other |related )?(?:theorems?|lemmas?|corollar(?:y|ies)|"
    r"propositions?|definitions?|terminology)|other|related|see also)\?(?: \([^()]*\))?$",
    re.IGNORECASE,
)
LINK_ITEM = re.compile(  # matched against a stripped line
    r"(?:(?:[-*+•]|\d{1,3}[.)])\s++)?!?(?:\[\[[^\[\]\n]{1,300}\]\]|"
    r"\[[^\[\]\n]{1,300}\]\([^()\n]{1,1000}\))[.,;]?"
)


def _linked_titles(card: Card) -> bool:
    if not LINKED_ASPECTS.search(card.question):
        return False
    items = [line for line in card.answer.splitlines() if line.strip()]
    return len(items) >= 2 and all(LINK_ITEM.fullmatch(line.strip()) for line in items)


# "**The practices include**: …", "The alphabet includes: …": a label that is a clause.
CLAUSE_ENDINGS = frozenset(
    "include includes has have contains contain means does do requires require".split()
)


def _ends_with_verb(term: str) -> bool:
    """ "What are Requires?", "What are what it means?": a label that is a verb or a clause
    (the definitions rule asks "What do the practices include?" of the ones it can)."""
    words = term.casefold().split()
    return bool(words) and words[-1] in CLAUSE_ENDINGS


AUXILIARIES = frozenset("been is are was were".split())  # no noun, even after "the"
ASKED_WITH_ARTICLE = re.compile(r"^What (?:is|are) (?:an?|the) ")


def _opens_with_verb(term: str, question: str) -> bool:
    """ "allows for …", "each thread has", "- As an end user …"; after an article only an
    auxiliary ("the been adopted …"): "the uses of stream processing" is a noun."""
    words = term.split()
    if not words:
        return False
    first = words[0].casefold()
    if ASKED_WITH_ARTICLE.match(question):
        return first in AUXILIARIES
    return first in VERB_OPENERS or words[0][0] in "-*"


EQUATION = re.compile(r"=|\\equiv|\\iff|\\coloneqq|\\Leftrightarrow")


def _display_math_only(answer: str) -> bool:
    """ "$$\\lim_{h \\to 0} …$$" or a matrix as the whole answer: a derivation step or an
    expression asked for by a name it does not explain.  An equation stays ("$$\\sinh x =
    \\frac{e^x-e^{-x}}{2}$$" is what "sinh x" is), and so does inline math."""
    if "$$" not in answer and "\\[" not in answer:
        return False
    rest = DISPLAY_MATH.sub(" ", answer)
    if rest == answer or len(_prose_words(LINK.sub(" ", rest))) >= 2:
        return False
    return not EQUATION.search(answer)


CONTEXT_SUFFIX = re.compile(r"\s\([^()]{0,200}\)$")
FILE_NAME = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|pdf|md)\b", re.IGNORECASE)
# Words no question ends with, however long: "… A template operation that?"
NEVER_LAST = frozenset("that which whose the a an and or but of than whether".split())


def _garbled(question: str) -> bool:
    """A question stitched from pieces: "What are the properties of of X?", "What are the an
    of Naturalist-2024.webp Each moral fact?", "What is a system to trigger alarms through?"."""
    words = question.rstrip("?").casefold().split()
    if len(words) < 3:
        return False
    if FILE_NAME.search(question) or words[-1] in NEVER_LAST:
        return True
    return any(a == b and a.isalpha() or {a, b} <= ARTICLES for a, b in pairwise(words))


def _prose_words(markdown: str) -> list[str]:
    """The words of ``markdown`` outside fenced code and code spans."""
    words, fenced = [], False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            words += CODE_SPAN.sub(" ", line).split()
    return words


LEAD_IN_ENDS = frozenset(
    "to of for with by from into as like is are include includes consider follows following "
    "these below come wie como comme".split()
)


def _introduces(answer: str) -> bool:
    """ "Deletion is less straightforward, there are three cases to consider:", "… is defined
    as:" — a sentence that announces what follows it.  (A definition may end in a colon before
    its examples: "a corner solution if the individual chooses only one of the two goods:".)"""
    words = answer.rstrip(":;").casefold().split()
    if not words:
        return False
    gerund = len(words[-1]) > 5 and words[-1].endswith(("ando", "endo", "ing"))  # "ponendo:"
    return gerund or words[-1] in LEAD_IN_ENDS or "there are" in answer.casefold()


def _dangling(words: list[str]) -> bool:
    """ "transitivity of", "an enforcement that ensures": a phrase cut before its object.  (A
    longer clause may end in a preposition: "the things that every role asks MLOps for".)"""
    if len(words) > 2 and words[-2] in ("that", "which", "who"):
        return True
    if words[-2:] == ["such", "as"]:  # "relief programs for events such as"
        return True
    return len(words) <= 3 and words[-1] in DANGLING
