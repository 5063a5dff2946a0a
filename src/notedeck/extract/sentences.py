"""Definitions inside running prose: "A **term** is …", "Term is …", "X means …, while Y means …",
"either X (…) or Y (…)" and "In X …; in Y …".

Works on one statement (a paragraph, or one line of a line-per-definition paragraph) and returns
``Found`` values; ``definitions`` turns them into cards.  Answers are markdown taken verbatim from
the note, cut at sentence boundaries so a long paragraph never becomes one huge answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from notedeck.extract.common import is_image_only
from notedeck.extract.properties import condition_quality
from notedeck.extract.terms import acceptable_term
from notedeck.extract.words import (
    ALT_STOP,
    CLAUSE_WORDS,
    HEDGES,
    IRREGULAR_PARTICIPLES,
    NOT_DEFINITION,
    SENTENCE_PREPOSITIONS,
    word_set,
)
from notedeck.text.keys import MARKUP_CHAR, strip_markup
from notedeck.text.prose import is_chatter, join_pdf_breaks

VERBS = r"is|are|refers to|refer to|means|mean|describes|denotes|represents"
VERB_WORDS = word_set("is are refers refer means mean describes denotes represents")
TERM_PREFIX = r"(?P<prefix>(?:the\s+)?(?:term|concept|word|notion|phrase)\s+)?"
# ", also called a **task** or **job**," / ", also known as curb-side coaching," after a term
ALIAS_CLAUSE = r"(?:,\s*(?:also\s+)?(?:called|known\s+as|aka|a\.k\.a\.)\s+[^,.;]{1,60},?)?"
BOLD_IS = re.compile(
    r"(?P<lead>^|(?<=[.!?:;])\s++|,?(?<!\s)\s++(?:and|while|whereas|but)\s++)"
    rf"(?P<art>(?:A|An|The|a|an|the)\s+)?{TERM_PREFIX}(?:\*\*|__)(?P<term>[^*_\n]{{1,80}}?)(?:\*\*|__)"
    rf"(?:\s*\([^)]*\))?{ALIAS_CLAUSE},?\s+(?P<verb>{VERBS})\s+(?=\S)"
)
# "**Top-down parsing** builds the tree …", "An **ordinal number** indicates …", "**Cardinal
# numbers** represent …", "The **Grip** (Handle) usually aligns …": a bold subject and a verb.
BASE_VERBS = (
    r"represent|specify|indicate|describe|denote|define|have|use|contain|store|provide|allow|"
    r"let|make|keep|hold|cause|measure|run|decide|determine|choose|handle|manage|mean|refer"
)
BOLD_DOES = re.compile(
    r"^(?P<art>(?:A|An|The)\s+)?(?:\*\*|__)(?P<term>[^*_\n]{1,60}?)(?:\*\*|__)"
    r"(?:\s*\([^()\n]{1,80}\))?\s+(?:\w+ly\s+)?"
    r"(?P<verb>(?!is\b|was\b|has\b|does\b|says\b|seems\b|looks\b|gets\b|goes\b)[a-z]+s|"
    rf"(?:{BASE_VERBS})|(?:may|can|will|must)\s+[a-z]+)\s"
)
# A link inside a bold term or a sentence: matched by its text ("**[Crossguard](…)**").
LINK = re.compile(r"(?<!!)\[([^\[\]\n]{1,200})\]\((?:[^()\s]|\([^()\s]{0,200}\)){0,800}\)")
# "**MRS is the slope of the indifference curve**": a whole sentence in bold.
BOLD_SENTENCE = re.compile(r"^(?:\*\*|__)(?P<inner>[^*_\n]{3,300}?)(?:\*\*|__)\W{0,3}$")
# "A *greedy algorithm* always makes …": an italic subject opening the sentence.
ITALIC_START = re.compile(r"^((?:A|An|The)\s+)?[*_](?![*_\s])([^*_\n]{1,60}?)(?<!\s)[*_](?=\s)")
# "A popular approach is the **strangler pattern**, where new systems …": the bold names it.
BOLD_NAMED = re.compile(
    r"\b(?:is|are|called|named)\s+(?P<art>the|a|an)\s+(?:\*\*|__)(?P<term>[^*_\n]{1,60}?)(?:\*\*|__),?\s+"
    r"(?:where|in which|which|whereby|that)\s"
)
# Back to front: "This is known as **deadlock**", "a cell that stores fat is called an
# adipocyte", "… is referred to as *churn*": the name comes after what it names.
KNOWN_AS = re.compile(
    r"\b(?:is|are)\s+(?:also\s+)?(?:known|referred\s+to|called|termed|named)\s+(?:as\s+)?"
    r"(?P<art>an?\s+|the\s+)?(?:(?:\*\*|__)(?P<bold>[^*_\n]{1,60}?)(?:\*\*|__)|"
    r"[*_]?(?P<plain>[^\W\d][\w'’-]*(?:\s+[\w'’-]+){0,2}?)[*_]?)\s*[.!;]?$",
    re.IGNORECASE,
)
DEMONSTRATIVE_START = re.compile(r"^(?:this|that|these|it|such\s+\w+)\b", re.IGNORECASE)
PLAIN_IS = re.compile(
    rf"^(?P<art>(?:A|An|The|a|an|the)\s+)?{TERM_PREFIX}"
    rf"(?P<term>[^\W\d_](?:[\w\-’'/+ ]|\.(?=\d)){{0,50}}?)"
    rf"(?:\s*\((?P<alias>[^)]*)\))?{ALIAS_CLAUSE},?\s+(?P<verb>{VERBS})\s+(?P<def>\S+)(?:\s+(?P<next>\S+))?",
    re.IGNORECASE,
)
# "Vertical scaling (scaling up) adds more CPU …" — only trusted inside a contrast pair.
PLAIN_DOES = re.compile(
    r"^(?P<art>(?:A|An|The|a|an|the)\s+)?(?P<term>[^\W\d_][\w\-’'/+ ]{0,40}?)"
    r"(?:\s*\((?P<alias>[^)]*)\))?\s+(?P<verb>[a-z]+s)\s+(?P<def>\S+)",
)
IN_X = re.compile(
    r"^(?:in|with|for|under)\s+(?P<term>[^\W\d_][\w\-’' ]{0,40}?)\s+"
    r"(?=(?:the|a|an|each|every|all|there|it)\b)",
    re.IGNORECASE,
)
ALTERNATIVES = re.compile(
    r"(?<![\w\-’'])(?P<a>[\w\-’']+(?: [\w\-’']+){0,3}) \((?P<da>[^()]{6,})\),? or (?:as )?"
    r"(?P<b>[\w\-’']+(?: [\w\-’']+){0,3}) \((?P<db>[^()]{6,})\)"
)
CONTRAST = re.compile(r",?(?<!\s)\s++(?:while|whereas)\s+|;\s+")
SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]\*\*)|(?<=[.!?]__))\s+(?=[\"“(*_=\[`]*[A-Z0-9])")
BOUNDARY = re.compile(r"[.!?](?:\*\*|__)?\s")  # what SENTENCE's look-behind and first space need
DEFINING_PASSIVES = {
    ("made", "of"),
    ("made", "up"),
    ("composed", "of"),
    ("defined", "as"),
    ("known", "as"),
    ("used", "to"),
    ("used", "for"),
    ("called", "a"),
    ("called", "an"),
    ("called", "the"),
}
FIRST_PERSON_WORD = re.compile(r"\b(?:I|I'm|I've|me|my|mine)\b")
WRITER = re.compile(r"\b(?:I|I'm|I've|me|my|mine|we|we're|us|our|ours)\b", re.IGNORECASE)
COMMENTARY = re.compile(  # "… is the hard part", "… is the only way to know"
    r"^(?:one\s+of\s+)?the\s+(?:most|least)\s|"  # "… is the most important metric": a claim
    r"^(?:the|a|an)\s+(?:hard|easy|main|big|key|real|tricky|fun|interesting|important|best|worst|"
    r"whole|only|first|last|good|bad|nice|great)\s+(?:part|point|thing|idea|problem|issue|bit|way)\b",
    re.IGNORECASE,
)
STANDS_FOR = re.compile(r"^(?P<term>[A-Z][\w./+-]{1,15})\s+stands\s+for\s+(?P<def>.+)$")
MAX_ANSWER_WORDS = 60


@dataclass(frozen=True)
class Found:
    """A term defined in prose: its answer (markdown), where it starts, and how to ask about it."""

    term: str
    answer: str
    offset: int  # line offset inside the statement
    article: str = ""
    verb: str = ""  # the verb the note used; empty = decide from the term
    run_on: bool = True  # may the answer continue into the sentences that follow?
    shape: str = "plain-is"  # which pattern found it (a feature for scoring)
    quality: str = ""  # "orthogonal" of "A matrix is orthogonal if …": asked "When is …?"


def sentences(text: str) -> list[tuple[int, str]]:
    """(character offset, sentence) pairs; "e.g. x" and "ch. 2" do not end a sentence."""
    out, start = [], 0
    # SENTENCE.finditer tried its three look-behinds at every character; each of its matches
    # starts at the whitespace of a BOUNDARY match, so only those places are tried.
    for candidate in BOUNDARY.finditer(text):
        match = SENTENCE.match(text, candidate.end() - 1)
        if match is None:
            continue
        out.append((start, text[start : match.start()]))
        start = match.end()
    out.append((start, text[start:]))
    return [(i, s) for i, s in out if s and not s.isspace()]  # s.strip() without the copy


def find(text: str, summary_section: bool = False) -> list[Found]:
    """Every definition in a statement, in order.

    In a summary section only marked-up definitions count: a summary restates, so an unmarked
    "X is …" there is never the first definition of X.
    """
    if _defines_nothing(text):
        return []
    parts = sentences(text)
    hits_per_sentence = []
    for start, original in parts:
        offset = text.count("\n", 0, start)
        sentence = _unlinked(original)  # links matched by their text; answers keep them
        plain = strip_markup(join_pdf_breaks(sentence))  # shared by _pairs and _plain
        hits = _pairs(plain, offset) or _bold(sentence, offset) or _emphasised(sentence, offset)
        if not hits and not summary_section:
            n = len(hits_per_sentence)
            hits = _plain(sentence, plain.strip(), offset) or _known_as(parts, n, offset)
        if sentence is not original:
            whole = sentence.strip()
            hits = [replace(h, answer=original.strip()) if h.answer == whole else h for h in hits]
        hits_per_sentence.append(hits)
    found: list[Found] = []
    for n, hits in enumerate(hits_per_sentence):
        if len(hits) == 1 and hits[0].run_on and hits[0].answer == parts[n][1].strip():
            hit = hits[0]  # a new Found, not dataclasses.replace (which re-reads the fields)
            answer = _run_on(parts, hits_per_sentence, n)
            args = (hit.term, answer, hit.offset, hit.article, hit.verb, hit.run_on, hit.shape)
            hits = [Found(*args, hit.quality)]
        found.extend(hits)
    return found


# A word every pattern of _pairs, _bold or _plain needs (besides "**", "__" and ";").
_NEEDED_WORDS = VERB_WORDS | {"or", "while", "whereas", "stands", "known", "called"}


def _defines_nothing(text: str) -> bool:
    """True when no sentence of ``text`` can match: most list items and prose ("X batches …").

    On ASCII text without markup characters or a PDF break ("- "), each sentence's plain text
    is its words single-spaced, so the words the patterns need are words of ``text``: PLAIN_IS
    and STANDS_FOR need a verb (or "stands") between spaces (IGNORECASE = ``lower`` on ASCII),
    _alternatives " or ", CONTRAST ";" or a spaced "while"/"whereas", and _bold needs bold."""
    if not text.isascii() or ";" in text or "- " in text or MARKUP_CHAR.search(text):
        return False
    return _NEEDED_WORDS.isdisjoint(text.lower().split())


def _unlinked(sentence: str) -> str:
    """The sentence with its links as their text (their targets hold colons, underscores and
    parentheses that no term pattern should see)."""
    return LINK.sub(lambda m: m.group(1), sentence) if "](" in sentence else sentence


def _emphasised(sentence: str, offset: int) -> list[Found]:
    """A whole sentence in bold ("**MRS is the slope …**") read as plain prose, and an italic
    subject ("A *greedy algorithm* always makes …") read as a bold one."""
    bold = sentence.lstrip()[:2] in ("**", "__")
    whole = BOLD_SENTENCE.match(sentence.strip()) if bold else None
    if whole:
        inner = whole.group("inner")
        found = _plain(inner, strip_markup(inner), offset)
        return [replace(f, shape="bold-sentence") for f in found]
    italic = ITALIC_START.match(sentence.strip()) if "*" in sentence or "_" in sentence else None
    if italic and "**" not in sentence:
        bolded = ITALIC_START.sub(_as_bold, sentence.strip(), 1)
        return [replace(f, shape="italic-" + f.shape) for f in _bold(bolded, offset)]
    return []


def _as_bold(match: re.Match) -> str:
    return f"{match.group(1) or ''}**{match.group(2)}**"


def _known_as(parts: list[tuple[int, str]], n: int, offset: int) -> list[Found]:
    """ "… Both processes are blocked. This is known as **deadlock**." → deadlock, answered by
    the sentences before (a "This is …" names what they describe) or by the sentence itself."""
    sentence = parts[n][1].strip()
    if (
        "known" not in sentence
        and "called" not in sentence
        and "referred" not in sentence
        and ("termed" not in sentence and "named" not in sentence)
    ):
        return []
    match = KNOWN_AS.search(sentence)
    if not match:
        return []
    term = (match.group("bold") or match.group("plain") or "").strip()
    if not term or not acceptable_term(term, strict=not match.group("bold")):
        return []
    answer = sentence
    if DEMONSTRATIVE_START.match(strip_markup(sentence)):
        before = [s.strip() for _, s in parts[max(0, n - 2) : n]]
        if not before:
            return []  # "This is called X" with nothing before it to say what "this" is
        answer = " ".join([*before, sentence])
    if len(answer.split()) > MAX_ANSWER_WORDS:
        return []
    article = (match.group("art") or "").strip().lower()
    return [Found(term, answer, offset, article, run_on=False, shape="known-as")]


def _run_on(parts: list[tuple[int, str]], hits: list[list[Found]], n: int) -> str:
    """The defining sentence plus the ones that explain it, up to the next definition."""
    answer = parts[n][1].strip()
    for m in range(n + 1, len(parts)):
        more = parts[m][1].strip()
        if is_image_only(more):  # a diagram right after the definition illustrates it
            answer = f"{answer}\n{more}"
            continue
        if hits[m] or _aside(more) or len(f"{answer} {more}".split()) > MAX_ANSWER_WORDS:
            break
        answer = f"{answer} {more}"
    return answer


def _aside(sentence: str) -> bool:
    """A sentence that changes the subject to the writer or to an opinion ("X is overrated")."""
    plain = strip_markup(sentence)
    if is_chatter(plain) or FIRST_PERSON_WORD.search(plain):
        return True
    match = PLAIN_IS.match(plain)
    if not match or not _subject_like(match.group("term")):
        return False
    return not _defines(match)


def _subject_like(term: str) -> bool:
    """A short subject of its own ("Willpower", "The second half"), not a long clause."""
    words = term.casefold().split()
    return len(words) <= 4 and not {"that", "which", "who", "you", "they", "it"} & set(words)


def _bold(sentence: str, offset: int) -> list[Found]:
    """ "A **term** is …" (possibly several per sentence) and "**Term** builds …"."""
    if "**" not in sentence and "__" not in sentence:  # every pattern here needs bold
        return []
    matches = list(BOLD_IS.finditer(sentence))
    out = []
    for i, match in enumerate(matches):
        if not acceptable_term(match.group("term"), strict=False):
            continue
        begin = match.start("art") if match.group("art") else match.end("lead")
        end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
        answer = sentence[begin:end].strip().rstrip(",;")
        article = "" if match.group("prefix") else (match.group("art") or "").strip().lower()
        if len(matches) == 1 and begin <= 1:
            answer = sentence.strip()
        verb = match.group("verb")
        out.append(Found(match.group("term"), answer, offset, article, verb, shape="bold-is"))
    if not out:
        does = BOLD_DOES.match(sentence.strip())
        if does and acceptable_term(does.group("term"), strict=False):
            article = (does.group("art") or "").strip().lower()
            out.append(
                Found(does.group("term"), sentence.strip(), offset, article, shape="bold-does")
            )
        named = BOLD_NAMED.search(sentence)
        if not does and named and acceptable_term(named.group("term"), strict=False):
            out.append(
                Found(
                    named.group("term"),
                    sentence.strip(),
                    offset,
                    named.group("art"),
                    run_on=False,
                    shape="bold-named",
                )
            )
    return out


def _plain(sentence: str, plain: str, offset: int) -> list[Found]:
    """ "An epoch is one full pass …": a short subject, a defining verb, a real predicate.
    ``plain`` is the sentence without markup, stripped."""
    if is_chatter(plain) or plain.endswith((":", "?")):  # a lead-in or a question, not a definition
        return []
    acronym = STANDS_FOR.match(plain) if "stands" in plain else None
    if acronym:
        term = acronym.group("term")
        return [Found(term, sentence.strip(), offset, verb="stands for", shape="stands-for")]
    match = _plain_is(plain)
    if not match or not acceptable_term(match.group("term")):
        return []
    predicate = plain[match.start("def") :]
    quality = _condition(match, predicate, plain)
    if quality is not None:  # "A graph is connected if …" ("is connected if" reads as a verb)
        if not quality:
            return []  # "X is only worthwhile if …": a claim
        article = "" if match.group("prefix") else (match.group("art") or "").strip().lower()
        verb = match.group("verb").lower()
        term, answer = match.group("term"), sentence.strip()
        return [Found(term, answer, offset, article, verb, shape="property-if", quality=quality)]
    if not _defines(match):
        return []
    if len(predicate.split()) < 3 or COMMENTARY.match(predicate) or WRITER.search(plain):
        return []  # "Architecture is leadership", "… is the hard part", "… fast enough for us"
    # "Keeping them in sync is its main cost": about something said before ("The transpose
    # of a matrix is its mirror image" is fine: "its" is the matrix's).
    if predicate.split()[0].casefold() in POSSESSIVES and " of " not in match.group("term"):
        return []
    article = "" if match.group("prefix") else (match.group("art") or "").strip().lower()
    if article == "the" and not _defines_the(match):
        return []  # "The stance is low", "The x-axis represents …": about what was just said
    return [
        Found(match.group("term"), sentence.strip(), offset, article, match.group("verb").lower())
    ]


def _condition(match: re.Match, predicate: str, plain: str) -> str | None:
    """``extract.properties``: the quality an "is/are … if" sentence defines, "" for a hedged
    claim, None when the sentence is no such thing (or the writer's)."""
    if match.group("verb").casefold() not in ("is", "are") or WRITER.search(plain):
        return None
    return condition_quality(predicate)


DRIFT = frozenset("more less increasingly behind down up out away over back".split())
ADJECTIVE = re.compile(r"(?:ible|able|ive|ous|ful|less|ent|ant|ic|al|ar)$")
ADJECTIVE_OBJECTS = frozenset(["with", "to", "for", "from", "on", "of", "in", "than", "about"])
# "is responsible for deciding …", "is equivalent to …": how components and terms are defined.
ROLE_ADJECTIVES = frozenset(["responsible", "equivalent", "analogous", "synonymous", "short"])
POSSESSIVES = frozenset(["its", "their", "his", "her", "our", "my", "your"])


def _defines_the(match: re.Match) -> bool:
    """ "The X is …" names the thing just mentioned ("The division is transparent to the
    programmer", "The stance is low", "The y-axis represents process B") unless it says what
    X is: a noun phrase ("The kernel is the core of the OS") or "refers to", "means"."""
    verb = match.group("verb").casefold()
    if verb in ("represents", "describes"):
        return False
    first = match.group("def").casefold().strip(",.;:")
    if verb not in ("is", "are") or first in NOUN_PHRASE_START or first in POSSESSIVES:
        return True
    rest = match.string[match.start("def") :]
    return "," in rest and " and " in rest  # "The three tiers are data, logic and display"


NOUN_PHRASE_START = frozenset(["a", "an", "the", "one", "any", "when", "how", "what", "where"])


def _plain_is(plain: str) -> re.Match | None:
    """``PLAIN_IS.match`` on single-spaced text, skipped when no defining verb is where the
    pattern needs one.  The verb stands between spaces, so it is one of ``str.split``'s words
    (``lower`` = IGNORECASE on ASCII); without an alias "(…)", what comes before it ("The",
    "the concept", a term of at most 51 characters, ",", a space) ends by index 69, so the verb
    is one of the words of the first 80 characters."""
    if plain.isascii():
        head = plain if "(" in plain else plain[:80]
        if VERB_WORDS.isdisjoint(head.lower().split()):
            return None
    return PLAIN_IS.match(plain)


def _defines(match: re.Match) -> bool:
    first = match.group("def").casefold().strip(",.;:")
    nxt = (match.group("next") or "").casefold().strip(",.;:")
    if first in NOT_DEFINITION or f"{first} {nxt}" in HEDGES or nxt == "but":
        return False  # "is a bit slow", "is slow but fast enough"
    if first.endswith("ly") and len(first) > 4 and nxt not in ("a", "an", "the", "one"):
        return False  # "is commonly combined", "is deeply rooted": a description
    if first in ("far", "much", "quite", "rather", "fairly", "somewhat", "even", "less"):
        return False  # "is far more concerned with …"
    if first.endswith("ing") and nxt in DRIFT:  # "are becoming more similar", "is falling behind"
        return False
    bare = match.group("def").casefold()
    if ADJECTIVE.search(first) and bare.endswith((",", ".", ";")) and first not in ROLE_ADJECTIVES:
        return False  # "Network call is unpredictable, client would have to retry …"
    if ADJECTIVE.search(first) and nxt in ADJECTIVE_OBJECTS and first not in ROLE_ADJECTIVES:
        return False  # "is incompatible with the OS", "is transparent to the programmer"
    # "is retried", not "is connection-oriented": hyphenated -ed words are adjectives
    passive = first.endswith("ed") and "-" not in first or first in IRREGULAR_PARTICIPLES
    if passive and (first, nxt) in DEFINING_PASSIVES:
        return True
    # "is retried after …", "is overrated according to …": a verb phrase, not a noun phrase
    return not (
        passive
        and (nxt in SENTENCE_PREPOSITIONS or not nxt or nxt.endswith("ly") or nxt in CLAUSE_WORDS)
    )


def _pairs(plain: str, offset: int) -> list[Found]:
    """Parallel definitions: "X means …, while Y means …", "X (…) or Y (…)", "In X …; in Y …".
    ``plain`` is the sentence without markup."""
    alternatives = _alternatives(plain, offset)
    if alternatives:
        return alternatives
    if ";" not in plain and "while" not in plain and "whereas" not in plain:
        return []  # CONTRAST cannot split it: one clause
    clauses = [c.strip() for c in CONTRAST.split(plain) if c.strip()]
    if len(clauses) < 2:
        return []
    hits = [f for f in (_clause(c, offset) for c in clauses) if f is not None]
    if len(hits) < 2 or not _parallel(hits):
        return []
    return hits


def _parallel(hits: list[Found]) -> bool:
    """Clauses define terms in parallel when they share the verb or a word of the term."""
    verbs = {h.verb for h in hits}
    words = [set(h.term.casefold().split()) for h in hits]
    return (
        len(verbs) == 1 and "in" not in verbs or bool(set.intersection(*words)) or verbs == {"in"}
    )


def _clause(clause: str, offset: int) -> Found | None:
    for pattern in (IN_X, PLAIN_IS, PLAIN_DOES):
        match = pattern.match(clause)
        if not match or not acceptable_term(match.group("term")):
            continue
        groups = match.groupdict()
        article = "" if groups.get("prefix") else (groups.get("art") or "").strip().lower()
        if _clause_defines(pattern, match, article):
            answer = (clause[0].upper() + clause[1:]).rstrip(".") + "."
            verb = (groups.get("verb") or "in").lower()
            return Found(match.group("term"), answer, offset, article, verb, shape="pair")
    return None


# "The stream process can use …", "Lamport timestamps always enforce …": PLAIN_DOES took the
# subject's last noun for its verb when a modal, an adverb or a verb comes right after it.
NOUN_NOT_VERB = frozenset(
    "can could may might will would should must cannot always never often usually typically "
    "generally also only still just is are was were has have had do does".split()
)


def _clause_defines(pattern: re.Pattern, match: re.Match, article: str) -> bool:
    """A clause of a pair defines its term as a sentence would: "the system is active as …" is
    about what came before, "X is like 1" a simile, "the difference between A" no term."""
    if {"difference", "differences"}.intersection(match.group("term").casefold().split()):
        return False
    if pattern is PLAIN_DOES:  # "is", "has": PLAIN_IS's verbs, which it has refused
        verb = match.group("verb")
        return (
            verb not in ("is", "was", "has") and match.group("def").casefold() not in NOUN_NOT_VERB
        )
    if pattern is not PLAIN_IS:
        return True
    if match.group("def").casefold() in ("not", "no", "like", "always", "never"):
        return False  # a pair's clauses may say "is mostly about", "is usually defined as"
    return article != "the" or _defines_the(match)


def _alternatives(plain: str, offset: int) -> list[Found]:
    """ "deployed as single-tier (…) or multitier (…)": the words after the last verb-ish word."""
    match = ALTERNATIVES.search(plain) if " or " in plain and ") " in plain else None
    if not match:
        return []
    keep: list[str] = []
    for word in reversed(match.group("a").split()):
        if word.casefold() in ALT_STOP:
            break
        keep.insert(0, word)
    first, second = " ".join(keep), match.group("b")
    if not first or not acceptable_term(first) or not acceptable_term(second):
        return []
    return [
        Found(first, f"{first} ({match.group('da')})", offset, shape="alternative"),
        Found(second, f"{second} ({match.group('db')})", offset, shape="alternative"),
    ]
