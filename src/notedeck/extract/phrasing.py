"""Questions from the sentence that introduces a list ("The X has six Y:", "A state is safe
if:", "Corner solutions satisfy:", "Optimality condition:").

Each shape that matches is turned into a real question; a lead-in none of them can phrase falls
back on the lead-in and the item count ("…: (3 items)"), which the scorer never lets into a deck
(``vetoes.veto``): such a card asks nothing.  When the lead-in's subject is only "this" or "it",
the heading above the list names it.
"""

from __future__ import annotations

import re

from notedeck.extract.common import lower_first
from notedeck.extract.shapes import is_generic_label
from notedeck.extract.terms import HEAD_ENDS, drop_parentheticals, foreign_clause, is_plural
from notedeck.extract.words import (
    COMMON_VERBS,
    FUNCTION_WORDS,
    IMPERATIVES,
    NP_END,
    SUBORDINATE,
)

HAS = re.compile(
    r"^(?:the\s+)?(?P<subj>.*?\S)\s++(?:has|have|consists of|consist of|is made up of|comprises|"
    r"comprise|contains|contain)\s+(?P<what>.+)$",
    re.IGNORECASE,
)


POSSESSIVE_START = re.compile(r"^(?:its|their|his|her|our|my|your)\s+", re.IGNORECASE)
TOO_END = re.compile(r"(?<!\s)\s+(?:too|also|as well)$", re.IGNORECASE)
THERE_ARE = re.compile(r"^there\s+are\s+(?P<what>.+)$", re.IGNORECASE)


INCLUDE = re.compile(
    r"^(?P<what>.*?\S)\s++(?:include|includes|are|were|involve|involves)$", re.IGNORECASE
)


LIKE_THIS = re.compile(
    r"^(?P<subj>.*?\S)\s++(?:goes|go|works|work|looks|look|runs|run|proceeds|happens)\s++"
    r"(?:like this|as follows)$",
    re.IGNORECASE,
)


# "Why …", "How …", "When to …", "Which tools …": already a question.  ("When designing
# systems, four properties come up" is a clause, not a question.)
WH = re.compile(
    r"^(?:why|how|(?:when|where)\s+(?:to|is|are|do|does|should|can|would|will)|which|what|who)\b",
    re.IGNORECASE,
)
HERE_ARE = re.compile(r"^(?:here|below|these)\s+(?:are|is)\s+(?P<what>.+)$", re.IGNORECASE)
# "A state is safe if", "This pattern is useful when", "Not useful when" (subject: the heading)
CONDITION = re.compile(
    r"^(?:(?P<subj>.*?\S)\s++(?P<verb>is|are)\s++)?(?P<neg>not\s++)?"
    r"(?P<adj>[\w-]++(?:\s++[\w-]++)?)\s++(?:if|when|whenever|only if)$",
    re.IGNORECASE,
)
# Verbs a lead-in ends with before its list: "Corner solutions satisfy:", "Includes:".
LIST_VERBS = (
    r"(?P<verb>satisf(?:y|ies)|includes?|depends? on|helps? (?:predict|explain|decide)|requires?|"
    r"needs?|uses?|supports?|provides?|offers?|covers?|involves?|guarantees?|affects?|"
    r"determines?|consists? of|relies? on|returns?|contains?|stores?|checks?|measures?)"
)
VERB_LAST = re.compile(
    rf"^(?P<subj>.*?\S)\s++(?:(?P<modal>must|should|can|will|may|would)\s++)?{LIST_VERBS}$",
    re.IGNORECASE,
)
ARROW = re.compile(r"^\s*(?:=>|->|~>|<=>|[→⟶⇒⇔↦])")
ONLY_A_VERB = re.compile(rf"^{LIST_VERBS}$", re.IGNORECASE)
QUANTIFIER = re.compile(r"^(?:several|many|various|a few|some)\s+", re.IGNORECASE)
JOINED = re.compile(r"\b(?:and|or)\b|&")
ARTICLE_FIRST = re.compile(r"^(?:the|a|an)\b", re.IGNORECASE)
DEMONSTRATIVE = re.compile(r"^(?:this|that|these|those|it|they)(?:\s+(?P<noun>[\w-]+))?$", re.I)
VERSUS = re.compile(r"^(?P<a>.*?\S)\s++(?:vs\.?|versus|v\.)\s+(?P<b>.+)$", re.IGNORECASE)


VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|do|does|did|can|could|should|would|will|must|may|might|"
    r"i|we|you|he|she|they|it|this|these|those|my|our|here|following|below|above)\b",
    re.IGNORECASE,
)


COUNT_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|\d+"


NUMBER = re.compile(rf"^(?:{COUNT_WORDS})$", re.IGNORECASE)


CLAUSE_OBJECT = re.compile(rf"^(?:{COUNT_WORDS}|these|following)$", re.IGNORECASE)


COUNTED = re.compile(
    r"^(?P<clause>.*?\S)\s++(?P<num>one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|\d+|"
    r"these|the following)\s+(?P<np>[\w'’-]+(?:\s+[\w'’-]+){0,2}?)"
    r"(?P<tail>,?\s+(?:in order|in this order|below|here|as follows))?$",
    re.IGNORECASE,
)


# "Three window types are common", "Two approaches exist", "Four pillars stand out"
COUNTED_SUBJECT = re.compile(
    rf"^(?P<num>{COUNT_WORDS})\s++(?P<np>[\w'’-]++(?:\s++[\w'’-]++){{0,3}}?)\s++"
    r"(?P<pred>(?:are|were)\s++(?:common|important|typical|popular|key|central|essential|"
    r"standard|worth knowing|possible|available)|exist|stand out|come up|matter)$",
    re.IGNORECASE,
)


def phrase_question(
    lead: str,
    count: int,
    ordered: bool = False,
    subject: str | None = None,
    referent: str | None = None,
) -> str:
    """A question from a lead-in sentence; falls back to the lead-in plus the item count.
    ``subject``: what the heading above names, for a lead-in that says only "this" or "it";
    ``referent``: the term the paragraph defined before its lead-in ("A **hash** is … It has
    three properties:" — "it" is the hash)."""
    lead = " ".join(drop_parentheticals(lead).split()).rstrip(":").strip() or lead
    if WH.match(lead):
        return lead[0].upper() + lead[1:] + "?"
    if is_generic_label(lead):  # "Vantaggi:", "Advantages:" — the heading names whose
        return f"What are {lower_first(lead)}?"
    if foreign_clause(lead) or ARROW.match(lead):  # "Gli svantaggi sono:", "=> Gruppierung":
        return f"{lead}: ({count} items)"  # no English shape fits; an arrow concludes
    phrased = (
        _conditional(lead, subject)
        or _verb_last(lead, subject)
        or _verb_alone(lead, subject, count)
        or _here_are(lead)
    )
    if phrased:
        return phrased
    counted = COUNTED_SUBJECT.match(lead)
    if counted and is_plural(counted.group("np")):
        number, pred = counted.group("num").lower(), counted.group("pred")
        which = "What" if number == "several" else f"Which {number}"
        return f"{which} {lower_first(counted.group('np'))} {pred}?"
    has = HAS.match(lead)
    if has and not VERBISH.search(has.group("subj")) and len(has.group("what").split()) <= 6:
        the = "the " if lead.lower().startswith("the ") else ""
        what = POSSESSIVE_START.sub("", TOO_END.sub("", has.group("what")))  # "its limits too"
        if not what.lower().startswith(("the ", "a ", "an ")):
            what = "the " + what
        return f"What are {what} of {the}{lower_first(has.group('subj'))}?"
    steps = LIKE_THIS.match(lead)
    if steps and ordered:
        return f"What are the steps of {lower_first(steps.group('subj'))}?"
    there = THERE_ARE.match(lead)
    if there:
        what = re.sub(
            r"^(?:several|many|various|a few|some)\s+", "", there.group("what"), flags=re.I
        )
        return (
            f"What are the {what}?" if not what.lower().startswith("the ") else f"What are {what}?"
        )
    include = INCLUDE.match(lead)
    if include and not VERBISH.search(include.group("what")):
        return f"What are {lower_first(include.group('what'))}?"
    if include or VERB_LAST.match(lead):  # "Various reasons for this include": no subject
        return f"{lead}: ({count} items)"
    if procedure(lead.split()):  # "Locate libraries:", "Install the agent:": a step's parts
        return f"{lead}: ({count} items)"
    if _noun_phrase(lead):
        article = "the " if NUMBER.match(lead.split()[0]) else ""
        return f"What are {article}{lower_first(lead)}?"
    return (
        _counted(lead, referent)
        or _counted_with_clause(lead)
        or _singular(lead)
        or f"{lead}: ({count} items)"
    )


def topic_question(title: str, ordered: bool, outline: bool = False) -> str | None:
    """A question about a heading or an outline item that stands over a list of points:
    "RESP2 vs RESP3" → the difference, "Failure modes" → "What are failure modes?", "Cut
    reference position" → "What is cut reference position?".  An ``outline`` item's points are
    what it covers: "Monitoring" → "What does monitoring cover?" (so that a "What is
    monitoring?" elsewhere keeps its question).
    None when the title is not a subject (a clause)."""
    title = " ".join(drop_parentheticals(title).split()).strip(" :,.;")
    versus = VERSUS.match(title)
    if versus:
        return f"What is the difference between {versus.group('a')} and {versus.group('b')}?"
    words = title.split()
    if not words or len(words) > 6 or VERBISH.search(title) or title.endswith("?"):
        return None
    if foreign_clause(title) or len(title) > 60:  # a CJK clause has no spaces to count
        return None
    if any(mark in title for mark in "：，。；！"):  # "序列任务：这类任务……": a sentence
        return None
    if any(c in title for c in "$\\{}^_="):  # a formula over its steps, not a subject
        return None
    if words[0].casefold() in SUBORDINATE or procedure(words):
        return None
    if len(words) <= 2 and words[0][:1].isdigit():  # "0 FP", "3 x": a case of an exercise
        return None
    if len(title) <= 2 or len(words) == 1 and words[0].casefold() in HEAD_ENDS | FUNCTION_WORDS:
        return None  # "c", "b)": an exercise's part; "mit", "with": a word cut from its line
    if outline and JOINED.search(title):
        return f"What do {_with_the(title)} cover?"
    if is_plural(words[-1]) or JOINED.search(title):  # "Failure modes", "Iteration and life cycle"
        return f"What are {_with_the(title)}?"
    if words[0].casefold().endswith("ing") and len(words) > 1:
        return None  # "Choosing a storage engine": a task, not a thing
    if outline:
        return f"What does {_with_the(title, plural=False)} cover?"
    return f"What is {_with_the(title, plural=False)}?"


def procedure(words: list[str]) -> bool:
    """ "Configure Guacamole Server", "Install the agent", "Set up your keys": a task's steps
    (commands, mostly), not a thing to ask "What is …?" about."""
    if not words:
        return False
    first = words[0].casefold()
    second = words[1].casefold() if len(words) > 1 else ""
    return (
        first in PROCEDURE_VERBS
        and len(words) > 1
        or (first in IMPERATIVES and second in ("the", "a", "an", "your", "up", "our", "my"))
    )


PROCEDURE_VERBS = frozenset(
    "install configure create enable disable deploy download connect mount setup upgrade edit "
    "locate "
    "initialize initialise uninstall reinstall compile".split()
)


def _with_the(phrase: str, plural: bool = True) -> str:
    """The phrase as it goes after "What is/are": its own article if it has one ("The X"),
    none added ("model development", "Cut Reference Position" read right without one)."""
    first = phrase.split()[0]
    if first.casefold() in ("the", "a", "an"):
        return first.lower() + phrase[len(first) :]
    return phrase if first.isupper() else lower_first(phrase)


def _singular(lead: str) -> str | None:
    """ "Optimality condition" → "What is the optimality condition?" (a noun phrase, no verb)."""
    words = lead.split()
    longest = 9 if ARTICLE_FIRST.match(lead) else 6
    if len(words) < 2 and not lead.isupper():
        return None  # "Primarily", "Official": one word that names nothing
    if len(words) > longest or VERBISH.search(lead) or "," in lead or len(lead) > 60:
        return None
    if words[0].casefold() in SUBORDINATE or any(w.casefold() in NP_END for w in words[1:2]):
        return None
    if JOINED.search(lead) or not words[-1][:1].isalpha() or _clause_like(words):
        return None
    if _verb_first(words) or (len(words) > 2 and words[-1].casefold().endswith("ed")):
        return None  # "Reduces complexity of AES", "A 32-bit field inserted": a clause, cut
    return f"What is {_with_the(lead, plural=False)}?"


def _verb_first(words: list[str]) -> bool:
    """ "Reduces …", "Allows …": a verb whose subject is the heading (a bullet's shorthand)."""
    first = words[0].casefold()
    return first.endswith("s") and not first.endswith("ss") and _base_form(first) in COMMON_VERBS


def _verb_then_object(words: list[str]) -> bool:
    """ "MLOps covers a lot of this": a verb and then its object ("a", "the", "all" …); any
    "-s" word before "a"/"an" is a verb ("P forms a commitment": no plural takes "a")."""
    if any(
        w.casefold().endswith("s")
        and not w.casefold().endswith(("ss", "us", "is"))
        and words[k + 1].casefold() in ("a", "an")
        for k, w in enumerate(words[:-1])
        if k
    ):
        return True
    return any(
        w.casefold().endswith("s")
        and _base_form(w.casefold()) in COMMON_VERBS
        and words[k + 1].casefold() in DETERMINERS
        for k, w in enumerate(words[:-1])
    )  # the first word too: "Uses a hash" is the heading's subject doing something


DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "all",
        "some",
        "many",
        "its",
        "their",
        "our",
        "your",
    ]
)


def _clause_like(words: list[str]) -> bool:
    """A finite or trailing verb makes a clause of it: "TCP provides reliable delivery using"."""
    last = words[-1].casefold()
    if last in SENTENCE_END or (last.endswith("ing") and len(last) > 4):
        return True
    if _verb_then_object(words):
        return True
    return any(
        _base_form(w.casefold()) in COMMON_VERBS and w.casefold().endswith("s") for w in words[1:]
    )


SENTENCE_END = frozenset(
    ["by", "with", "using", "via", "for", "to", "of", "in", "on", "from", "like", "when", "if"]
    + ["because", "that", "where", "whether", "as", "than", "and", "or", "is", "are", "can"]
    + ["its", "their", "the", "a", "an", "his", "her", "our", "your", "my", "this", "these"]
)


def _conditional(lead: str, subject: str | None) -> str | None:
    """ "A state is safe if" → "When is a state safe?"; "Not useful when" → about the heading."""
    match = CONDITION.match(lead)
    if not match:
        return None
    subj = match.group("subj")
    if subj is None or DEMONSTRATIVE.match(subj):
        if not subject:
            return None
        subj = subject
    if (
        VERBISH.search(subj)
        and not re.match(r"^(?:the|a|an)\b", subj, re.I)
        or len(subj.split()) > 6
    ):
        return None
    verb = (match.group("verb") or ("are" if is_plural(subj) else "is")).lower()
    neg = "not " if match.group("neg") else ""
    return f"When {verb} {_with_the(subj)} {neg}{match.group('adj')}?"


def _verb_last(lead: str, subject: str | None) -> str | None:
    """ "Corner solutions satisfy" → "What do corner solutions satisfy?"."""
    match = VERB_LAST.match(lead)
    if not match:
        return None
    subj = match.group("subj")
    if DEMONSTRATIVE.match(subj):
        if not subject:
            return None
        subj = subject
    elif re.search(r"\b(?:this|that|these|those|it|them)\b", subj, re.I) or VERBISH.search(subj):
        return None  # "various reasons for this", "The aim is to": the question cannot say
    if len(subj.split()) > 6 or "," in subj or re.search(r"\b(?:i|we|you)\b", subj, re.I):
        return None
    verb = match.group("verb").lower()
    modal = (match.group("modal") or "").lower()
    if modal:
        return f"What {modal} {lower_first(subj)} {verb}?"
    base = _base_form(verb)
    singular = verb != base  # "satisfies", "helps predict": a third-person subject
    return f"What {'does' if singular else 'do'} {lower_first(subj)} {base}?"


def _verb_alone(lead: str, subject: str | None, count: int) -> str | None:
    """ "Includes:", "Requires:" under a heading: the heading names what includes them ("What
    does a job description include?"); with no heading to name it the lead-in is no question."""
    match = ONLY_A_VERB.match(lead)
    if not match:
        return None
    if not subject:
        return f"{lead}: ({count} items)"  # the fallback: left out, with the reason, in check
    base = _base_form(match.group("verb").lower())
    return f"What {'do' if is_plural(subject) else 'does'} {lower_first(subject)} {base}?"


def _base_form(verb: str) -> str:
    """ "satisfies" → "satisfy", "depends on" → "depend on", "helps predict" → "help predict"."""
    first, _, rest = verb.partition(" ")
    if first.endswith("ies"):
        first = first[:-3] + "y"
    elif first.endswith(("sses", "shes", "ches", "xes")):
        first = first[:-2]
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"{first} {rest}".strip()


def _here_are(lead: str) -> str | None:
    """ "Here are some of the common cross-sections" → "What are some of the common …?"."""
    match = HERE_ARE.match(lead)
    if not match or VERBISH.search(match.group("what")):
        return None
    return f"What are {lower_first(match.group('what'))}?"


COUNT = re.compile(rf"^(?:{COUNT_WORDS})$", re.IGNORECASE)


def _counted_with_clause(lead: str) -> str | None:
    """The counted things and what is said of them: "The authors see three main reasons
    managing the ML life cycle is hard" → "What are the three main reasons managing the ML
    life cycle is hard?"; "When designing systems, four properties keep coming up" → "What are
    the four properties that keep coming up when designing systems?"."""
    before, _, main = lead.rpartition(", ")
    if before and before.split()[0].casefold() not in SUBORDINATE:
        return None
    words = main.split()
    at = next((k for k, w in enumerate(words) if COUNT.match(w)), None)
    if at is None or at > 6 or (at and before):
        return None
    if re.search(r"\b(?:i|we|you|my|our)\b", " ".join(words[:at]), re.I):
        return None
    for size in (1, 2, 3):
        np, rest = words[at + 1 : at + 1 + size], words[at + 1 + size :]
        if len(np) < size or not is_plural(np[-1]) or len(rest) < 2:
            continue
        joined = " ".join(np + rest) if _qualifies(rest[0]) else None
        if joined is None and before:
            joined = " ".join([*np, "that", *rest])  # "properties that keep coming up"
        if joined:
            tail = f" {lower_first(before)}" if before else ""
            return f"What are the {words[at].lower()} {joined}{tail}?"
    return None


def _qualifies(word: str) -> bool:
    """A word that can follow a noun phrase inside it: "reasons managing …", "ways to …"."""
    return word.casefold() in (
        "that",
        "which",
        "who",
        "why",
        "to",
        "for",
        "of",
        "in",
        "behind",
    ) or (word.casefold().endswith("ing") and len(word) > 4)


PRONOUN_SUBJECT = re.compile(r"^(?:it|they|this|these)\b", re.IGNORECASE)


def _counted(lead: str, referent: str | None = None) -> str | None:
    """ "The OS tracks three states" → "What are the three states the OS tracks?"; "It has
    three properties" after "A **hash** is …" → "… the three properties the hash has?"."""
    match = COUNTED.match(lead)
    if not match or not is_plural(match.group("np")):
        return None
    clause = match.group("clause")
    if referent and PRONOUN_SUBJECT.match(clause):
        the = "" if is_plural(referent) or referent[:1].isupper() else "the "
        clause = PRONOUN_SUBJECT.sub(lambda _: f"{the}{referent}", clause, count=1)
    if (
        "," in clause
        or len(clause.split()) > 10
        or re.search(r"\b(?:i|we|you|my|our)\b", clause, re.I)
    ):
        return None
    number = match.group("num").casefold()
    number = "" if number in ("these", "the following", "following") else number + " "
    order = ", in order" if "order" in (match.group("tail") or "") else ""
    clause = re.sub(r"^(The|A|An)\b", lambda m: m.group(1).lower(), clause)
    return f"What are the {number}{match.group('np')} {lower_first(clause)}{order}?"


def _noun_phrase(lead: str) -> bool:
    """A plural noun-phrase head: "Common approaches", "Guarantees that …", "Two ways to …"."""
    words = lead.split()
    if not words or words[0].casefold() in SUBORDINATE:
        return False
    end = next(
        (k for k, w in enumerate(words) if k and w.casefold().strip(",") in NP_END), len(words)
    )
    comma = next((k for k, w in enumerate(words[:end]) if w.endswith(",")), None)
    head = words[: (comma + 1 if comma is not None else end)]
    core = [w for w in head if w.casefold() != "the"]
    if not core or len(core) > 4 or VERBISH.search(" ".join(head)) or _verb_then_object(words):
        return False
    for k, word in enumerate(words[1:], start=1):
        previous = words[k - 1].casefold()
        possessive = previous.endswith(("'s", "’s", "s'", "’"))
        if (
            CLAUSE_OBJECT.match(word)
            and not possessive
            and previous not in ("the", "main", "key", "top")
        ):
            return False  # "The OS tracks three process states" is a clause, not a noun phrase
    return is_plural(head[-1].rstrip(","))
