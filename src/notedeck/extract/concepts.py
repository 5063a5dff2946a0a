"""Concept sections: a heading that names a concept or pattern ("Lambda architecture") followed
by a descriptive paragraph → "What is the Lambda architecture?"; "X vs Y" headings → a
comparison card; other question headings ("Why now?") → the question with its answer.

Document titles and grouping headings (a heading with sub-headings below it), generic headings
(summary, notes …), dates, headings that name a book or chapter, and diary chatter never become
cards.  A title joining two things ("Convergence and the data lakehouse") is asked about the one
the paragraph actually describes, or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from notedeck.extract.account import BOLD_QUESTION, description, mentions
from notedeck.extract.common import block_markdown, is_image_only
from notedeck.extract.sentences import COMMENTARY, sentences
from notedeck.extract.shapes import DATEISH, names_a_book_or_chapter, qualified, subject_heading
from notedeck.extract.terms import (
    clean_title,
    is_clause,
    is_generic_title,
    is_plural,
    natural_case,
)
from notedeck.extract.words import IMPERATIVES, INTRO_LABELS
from notedeck.model import Card, ListBlock, Paragraph, Section
from notedeck.text.keys import strip_markup
from notedeck.text.prose import first_sentence, is_chatter, word_count

VERSUS = re.compile(r"^(?P<a>.*?\S)\s++(?:vs\.?|versus|v\.)\s+(?P<b>.+)$", re.IGNORECASE)
WHAT_IS = re.compile(r"^(?:what|who)\s+(?:is|are)\b", re.IGNORECASE)
AND = re.compile(r"(?<!\s)\s++(?:and|&)\s+", re.IGNORECASE)
# "Q8.", "Q 3:", "Question 2)", "Exercise 4." opening a question paragraph.
Q_MARKER = re.compile(r"^(?:q|question|exercise|problem)\s?\d{1,3}[a-z]?\s?[.:)]\s+", re.IGNORECASE)
MAX_QUESTION_CHARS = 300
MAX_ANSWER_BLOCKS = 4
MAX_QA_WORDS = 200
NAMED_KINDS = re.compile(
    r"\b(?:pattern|architecture|model|principle|law|theorem|protocol|algorithm|problem|effect|paradox|"
    r"rule|method|framework|lemma|hypothesis|equation|fallacy|test)$",
    re.IGNORECASE,
)
# Chinese and Japanese titles that open with "why", "how", "what": questions of their own.
CJK_QUESTION = re.compile(
    r"^(?:为什么|為什麼|如何|怎么|怎樣|怎样|是否|什么|什麼|哪些|なぜ|どうして)"
)
FILE_PATH = re.compile(
    r"(?<![\w.-])[\w.-]++/[\w.-]++/|\.(?:json|ya?ml|toml|xml|txt|cfg|conf|ini|sh|py|md|csv|log|env)$",
    re.I,
)
# "Data structures that power your database", "What you need": a clause, not a concept's name
RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose|you|your|we|our)\b", re.IGNORECASE)
ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&/-]{1,9}s?)\)")
MAX_TITLE_WORDS = 8


def extract(section: Section, ctx) -> Iterator[Card]:
    yield from _bold_questions(section, ctx)
    yield from _question_paragraphs(section, ctx)
    yield from _heading(section, ctx)


def _question_paragraphs(section: Section, ctx) -> Iterator[Card]:
    """A worksheet or FAQ: "**Q8.** Why is there a VFS layer in Unix?" (or "Question 3:"), then
    its answer — the paragraphs and lists up to the next question or heading."""
    blocks = section.blocks
    for n, block in enumerate(blocks):
        if not isinstance(block, Paragraph):
            continue
        plain = strip_markup(block.text).strip()
        marker = Q_MARKER.match(plain)
        if not marker or "?" not in plain or len(plain) > MAX_QUESTION_CHARS:
            continue
        answer = []
        for following in blocks[n + 1 : n + 1 + MAX_ANSWER_BLOCKS]:
            text = block_markdown(following)
            if not isinstance(following, (Paragraph, ListBlock)) or Q_MARKER.match(
                strip_markup(text)
            ):
                break
            answer.append(text)
        if answer and word_count("\n".join(answer)) <= MAX_QA_WORDS:
            question = plain[marker.end() :].strip()
            yield ctx.card(
                section, "concept", question, "\n\n".join(answer), question, block.line, shape="qa"
            )


def _bold_questions(section: Section, ctx) -> Iterator[Card]:
    """ "**Why layers?** Each layer talks to …": the learner wrote the question and its answer."""
    for block in section.blocks:
        match = BOLD_QUESTION.match(block.text) if isinstance(block, Paragraph) else None
        if match and word_count(match.group("a")) >= 3 and not is_chatter(match.group("q")):
            question, answer = match.group("q"), match.group("a")
            yield ctx.card(
                section, "concept", question, answer, question, block.line, shape="bold-question"
            )


def _heading(section: Section, ctx) -> Iterator[Card]:
    title = section.title
    cleaned = clean_title(title)
    # natural_case only changes the first letter's case, which VERSUS (case-insensitive, any
    # text before the "vs") cannot see: it scans the note, so it runs only on a "vs" title.
    versus = VERSUS.match(cleaned.rstrip("?")) and VERSUS.match(
        natural_case(cleaned, ctx.source.text).rstrip("?")
    )
    if _introduces_subject(cleaned):
        yield from _introduction(section, ctx)
        return
    if not _names_a_concept(section, ctx, bool(versus)):
        return
    body = description(section)
    if not body:
        return
    text, line = body
    opening = first_sentence(strip_markup(text))
    if section.level == 1 and not mentions(opening, cleaned):
        return  # a document title over an intro that is about something else
    if _judges(opening, cleaned) and len(sentences(text)) == 1:
        return  # "Response time is the most important figure …" and no more: a claim
    if versus:
        a, b = versus.group("a"), versus.group("b")
        if b[:1].islower() and re.fullmatch(
            r"[A-Z][a-z-]+(?: [a-z-]+)*", a
        ):  # "Brownfield vs greenfield"
            a = a[0].lower() + a[1:]
        question = f"What is the difference between {a} and {b}?"
        answer = _all_text(section) or text
        yield ctx.card(section, "concept", question, answer, title, line, shape="versus")
    elif title.endswith("?"):
        yield ctx.card(section, "concept", title, text, title, line, shape="question-heading")
    elif CJK_QUESTION.match(cleaned):  # "为什么是知识操作": a question without its "？"
        question = cleaned if cleaned.endswith("？") else f"{cleaned}？"
        yield ctx.card(section, "concept", question, text, title, line, shape="question-heading")
    elif _advice(cleaned):  # "Move declaration and initialization together" + why it pays
        question = f"Why {cleaned[0].lower()}{cleaned[1:]}?"
        yield ctx.card(section, "concept", question, text, cleaned, line, shape="advice")
    else:
        subject = _subject(clean_title(title), text)
        if subject:
            question = _what_is(subject, text, ctx)
            acronym = ACRONYM.search(title)
            if acronym and acronym.group(1) not in question:  # "… Segregation (CQRS)"
                question = f"{question[:-1]} ({acronym.group(1)})?"
            question, key = qualified(question, section, ctx)  # "Existence" → of what?
            yield ctx.card(
                section, "concept", question, text, key or subject, line, shape="concept"
            )


def _introduces_subject(title: str) -> bool:
    """ "Introduction", "Overview", "Definizione": the account of what the note is about."""
    return title.casefold().strip(" :.") in INTRO_LABELS


def _introduction(section: Section, ctx) -> Iterator[Card]:
    """ "## Introduzione" under "# Albero BFS" (or in "Albero BFS.md"), opening "La visita in
    ampiezza può generare un albero detto albero BFS …" → "What is albero BFS?".  Only when
    the paragraph names the subject: an introduction to a chapter is about no one concept."""
    if section.level <= 1 or ctx.has_subsections(section):
        return
    subject = subject_heading(section, ctx)
    body = description(section)
    if not subject or not body or DATEISH.search(subject) or is_chatter(subject):
        return
    text, line = body
    if len(subject.split()) > 5 or not mentions(first_sentence(strip_markup(text)), subject):
        return
    question = _what_is(subject, text, ctx)
    yield ctx.card(section, "concept", question, text, subject, line, shape="concept")


def _names_a_concept(section: Section, ctx, versus: bool) -> bool:
    title = section.title
    if not title or is_generic_title(title, ctx) or WHAT_IS.match(title) or is_chatter(title):
        return False
    if DATEISH.search(title) or names_a_book_or_chapter(title, ctx):
        return False
    if section.book and title.casefold() in section.book.casefold():
        return False
    if not versus and ctx.has_subsections(section) and _groups(section, ctx):
        return False

    cleaned = clean_title(title)
    if CJK_QUESTION.match(cleaned):  # "为什么需要索引": a question, whatever its shape
        return len(cleaned) <= 40
    if not versus and (_claim_title(cleaned) or RELATIVE.search(cleaned) or is_clause(cleaned)):
        return False  # "Migrations: the sole fix …", "More engineers, more problems": a claim
    if FILE_PATH.search(cleaned):  # "amplify/backend/src/event.json": a file, shown not taught
        return False
    return 0 < len(cleaned.split()) <= MAX_TITLE_WORDS


def _judges(sentence: str, title: str) -> bool:
    """ "<Title> is the most important …", "<Title> is the hard part": the opening judges it."""
    folded, name = sentence.casefold(), title.casefold()
    for verb in (" is ", " are "):
        if folded.startswith(name + verb) or folded.startswith("the " + name + verb):
            return bool(COMMENTARY.match(sentence[folded.index(verb) + len(verb) :]))
    return False


def _claim_title(title: str) -> bool:
    """A title whose ":", "," or ";" goes on in lower case states or lists something
    ("Migrations: the sole scalable fix", "More engineers, more problems"); a name's parts
    are capitalised ("New Interface, Old Implementation")."""
    parts = re.split(r"[:,;]\s*", title)
    return len(parts) > 1 and any(not part[:1].isupper() for part in parts[1:])


def _groups(section: Section, ctx) -> bool:
    """A heading over sub-headings is a document title or a category ("Architecture types"),
    unless it is a singular section heading that describes a topic of its own ("Scheduling")."""
    first = next((s for s in ctx.sections if s.level), None)
    return section.level == 1 or section is first or is_plural(clean_title(section.title))


def _all_text(section: Section) -> str:
    parts = [block_markdown(b) for b in section.blocks if isinstance(b, (Paragraph, ListBlock))]
    return "\n\n".join(p for p in parts if p.strip() and not is_image_only(p))


def _advice(title: str) -> bool:
    """A heading that gives advice ("Move declaration and initialization together", "Prefer
    composition to inheritance"): an imperative verb, then what to do with it."""
    words = title.split()
    if len(words) < 2 or words[0].casefold() not in IMPERATIVES or not words[1][:1].islower():
        return False
    second = words[1].casefold()
    if second in ("and", "or", "of", "vs", "&") or FOREIGN_TITLE.intersection(
        w.casefold() for w in words
    ):
        return False  # "Batch and stream processing", "Set of partial maps", "Cache del disco"
    # "Use case", "Test data", "Add immediate": a verb that is also a noun, then a noun
    return len(words) > 2 or words[0].casefold() not in NOUN_IMPERATIVES or second in PARTICLES


# Imperatives that are also nouns, and the words that show them used as verbs.
NOUN_IMPERATIVES = frozenset(
    "use test cache batch set check add return design document start run find plan "
    "practice review watch look focus measure monitor go".split()
)
PARTICLES = frozenset("it them up out in down back off early often".split())
FOREIGN_TITLE = frozenset("di del della dei delle der die das und von zur zum les des du".split())


def _subject(title: str, paragraph: str) -> str | None:
    """The concept a title names; for "A and B", the one the paragraph opens with (else none),
    unless the title is one name in title case ("Command and Query Responsibility
    Segregation")."""
    parts = AND.split(title)
    if len(parts) == 1 or _title_case(title):
        return title
    opening = strip_markup(paragraph).casefold()
    opening = re.sub(r"^(?:the|a|an)\s+", "", opening)
    for part in parts:
        core = re.sub(r"^(?:the|a|an)\s+", "", part.strip(), flags=re.IGNORECASE)
        if core and opening.startswith(core.casefold()):
            return part.strip()
    return None


def _title_case(title: str) -> bool:
    """Every word but the small ones capitalised: a name, not a heading joining two topics."""
    words = [w for w in title.split() if w.casefold() not in ("and", "or", "of", "the", "&", "for")]
    return len(words) >= 3 and all(w[:1].isupper() for w in words)


_Match = tuple[str | None, str, int, str | None]  # art, term, where the term starts, verb


def _find_term(core: str, plain: str) -> _Match | None:
    """The leftmost "[the|a|an] CORE [is|are]" in ``plain``, ignoring case.

    Plain ASCII (nearly every heading) is scanned with str.find: a regex built around each
    heading cost one compile per concept card.  Other text keeps the regex, whose Unicode case
    rules the scan does not reproduce.
    """
    if core and not core[0].isspace() and core.isascii() and plain.isascii():
        return _scan_term(core, plain)
    match = re.search(
        rf"\b(?P<art>the|a|an)?\s*(?P<term>{re.escape(core)})\b(?P<rest>\s+(?P<verb>is|are)\b)?",
        plain,
        re.IGNORECASE,
    )
    if not match:
        return None
    return match.group("art"), match.group("term"), match.start("term"), match.group("verb")


_ARTICLES = ("the", "a", "an")  # in the regex's order: at one position the first one wins


def _scan_term(core: str, plain: str) -> _Match | None:
    """The regex of ``_find_term`` on ASCII text: among the occurrences of the core, the match
    starting leftmost (an article or spaces before it count), then the earliest alternative."""
    lower, want = plain.lower(), core.lower()
    best: tuple[int, int, int] | None = None  # (match start, alternative, term start)
    at = lower.find(want)
    while at != -1:
        if _boundary(plain, at + len(want)):
            spaces = at
            while spaces and plain[spaces - 1].isspace():
                spaces -= 1
            options = [
                (spaces - len(a), n, at)
                for n, a in enumerate(_ARTICLES)
                if lower.startswith(a, spaces - len(a)) and spaces >= len(a)
            ]
            options += [(start, len(_ARTICLES), at) for start in (spaces, at)]
            for option in options:
                if _boundary(plain, option[0]) and (best is None or option[:2] < best[:2]):
                    best = option
        at = lower.find(want, at + 1)
    if best is None:
        return None
    start, alternative, at = best
    art = plain[start:at].rstrip() if alternative < len(_ARTICLES) else None
    end = at + len(want)
    verb_at = end
    while verb_at < len(plain) and plain[verb_at].isspace():
        verb_at += 1
    verb = None
    if verb_at > end:
        verb = next(
            (
                plain[verb_at : verb_at + len(v)]
                for v in ("is", "are")
                if lower.startswith(v, verb_at) and _boundary(plain, verb_at + len(v))
            ),
            None,
        )
    return art, plain[at:end], at, verb


def _boundary(text: str, at: int) -> bool:
    """``\\b`` at ``at``: a regex word character on exactly one side."""
    return _word_char(text, at - 1) != _word_char(text, at)


def _word_char(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def _what_is(title: str, paragraph: str, ctx) -> str:
    """Phrase "What is …?" using the spelling and article the paragraph itself uses."""
    core = re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.IGNORECASE)
    plain = strip_markup(paragraph)
    match = _find_term(core, plain)
    if match:
        art, term, term_start, verb = match
        art = (art or "").lower()
        verb = (verb or ("are" if is_plural(core) else "is")).lower()
        term = term if art or term_start else natural_case(core, ctx.source.text)
        return f"What {verb} {art + ' ' if art else ''}{term}?"
    verb = "are" if is_plural(core) else "is"
    art = "the " if NAMED_KINDS.search(core) and not is_plural(core) else ""
    return f"What {verb} {art}{natural_case(core, ctx.source.text)}?"
