"""Definitions: "**Term**: text", "Term: text" / "Term – text" items and lines, "A **term** is …"
and "Term is …" sentences (see ``sentences``), "What is X?" headings followed by their answer,
and definition lists.

Bold is the strongest signal a learner gives; without bold we only accept terms that look like
terms (``terms.acceptable_term``) followed by a defining verb, so diary sentences ("Today is a
long day"), advice ("Be smart with state: …") and counts ("Two main types: …") never qualify.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from notedeck.extract import sentences
from notedeck.extract.common import block_markdown, is_image_only
from notedeck.extract.shapes import (
    BOLD_TERM,
    is_caption,
    is_generic_label,
    matched_term,
    never_qualified,
    plain_term,
    qualified,
    subject_heading,
    term_line,
)
from notedeck.extract.syntax import has_explicit_syntax
from notedeck.extract.terms import acceptable_term, is_plural, natural_case
from notedeck.extract.words import INTRO_LABELS, STATEMENT_LABELS
from notedeck.model import (
    Card,
    Code,
    DefinitionList,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Section,
)
from notedeck.text.keys import normalise_key, strip_markup
from notedeck.text.prose import is_chatter

WHAT_IS = re.compile(
    r"^(?:what|who)\s+(?P<verb>is|are)\s+(?P<art>an?\s+|the\s+)?(?P<term>.+?)\s*\??$", re.IGNORECASE
)
BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<term>[^*_\n]{1,60})(?:\*\*|__):?\s*$")
POINTER = re.compile(
    r"^\W*(?:e\.?\s?g\.?|for example|for instance|same as|as same as|see\b|cf\.?|similar to|"
    r"refer to|check out|like\b|as above|as below|based on\b)",
    re.IGNORECASE,
)
TERM_WORD = re.compile(r"^(?:the\s+)?(?:term|concept|notion)\s+", re.IGNORECASE)
BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
SUMMARY = re.compile(
    r"^(?:summary|conclusions?|recap|wrap[- ]?up|tl;?dr|key takeaways|takeaways)\b", re.I
)
PAST_VERB = re.compile(
    r"^(?:wrote|built|gave|led|founded|won|ran|took|began|became|was|drew|invented|proved|"
    r"described|discovered|pioneered|worked|coined|formulated|proposed)\b",
    re.IGNORECASE,
)


def extract(section: Section, ctx) -> Iterator[Card]:
    heading = _what_is_heading(section, ctx)
    if heading:
        yield heading
    for block in section.blocks:
        for card in _from_block(block, section, ctx):
            if card is None:  # a caption, not a definition
                continue
            if heading is None or card.key != heading.key:  # "What is X?" + "X is …" → one card
                yield card


def _from_block(block, section: Section, ctx) -> Iterator[Card]:
    if isinstance(block, Paragraph):
        yield from _from_paragraph(block.text, block.line, section, ctx)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield from _from_item(item, section, ctx)
    elif isinstance(block, DefinitionList):
        for offset, (term, defs) in enumerate(block.entries):
            answer = "\n\n".join(d for d in defs if d.strip())
            if term.strip() and answer:
                yield _card(ctx, section, term, answer, block.line + offset, shape="deflist")
    elif isinstance(block, Quote):
        for inner in block.blocks:
            yield from _from_block(inner, section, ctx)


def _from_item(item: ListItem, section: Section, ctx) -> Iterator[Card]:
    if item.checkbox is None and not has_explicit_syntax(item.text):
        match = term_line(item.text)
        if match:
            extra = "\n".join(block_markdown(c) for c in item.children)
            answer = match.group("def").strip() + ("\n\n" + extra if extra.strip() else "")
            shape = "item-bold" if match.re is BOLD_TERM else "item-term"
            yield _card(ctx, section, matched_term(match), answer, item.line, shape=shape)
        elif not is_image_only(item.text):  # _from_paragraph without a second syntax check
            yield from _from_statements(item.text, item.line, section, ctx)
    for child in item.children:
        yield from _from_block(child, section, ctx)


def _from_paragraph(text: str, line: int, section: Section, ctx) -> Iterator[Card]:
    if not has_explicit_syntax(text) and not is_image_only(text):
        yield from _from_statements(text, line, section, ctx)


def _from_statements(text: str, line: int, section: Section, ctx) -> Iterator[Card]:
    summary = _is_summary(section.title)
    for offset, statement in _statements(BREAK.sub("\n", text) if "<" in text else text):
        match = term_line(statement)
        shape = "line-bold" if match and match.re is BOLD_TERM else "line-term"
        if not match:
            match, shape = _bold_heading_line(statement), "bold-line"
        if match and not is_chatter(statement):
            term, answer = matched_term(match), match.group("def")
            yield _card(ctx, section, term, answer, line + offset, shape=shape)
            continue
        for found in sentences.find(statement, summary):
            yield _card(
                ctx,
                section,
                found.term,
                found.answer,
                line + offset + found.offset,
                found.article,
                found.verb,
                found.shape,
                found.quality,
            )


@lru_cache(maxsize=256)  # asked for every paragraph and list item under the heading
def _is_summary(title: str) -> bool:
    return bool(SUMMARY.match(title))


def _statements(text: str) -> list[tuple[int, str]]:
    """Split a paragraph where a line starts a new "Key: value" (one definition per line), so a
    definition never swallows the "Homework: …" line under it.  A "Key: value"-shaped line only
    splits after another such line; after prose it is the prose continuing ("Here it is: …")."""
    if "\n" not in text:  # one line: nothing to split (most list items)
        stripped = text.strip()
        return [(0, stripped)] if stripped else []
    out: list[tuple[int, list[str]]] = []
    after_key_value = False
    for n, raw in enumerate(text.split("\n")):
        key_value = bool(plain_term(raw) and raw.lstrip()[:1].isupper())
        is_term = term_line(raw) is not None  # once per line: the test is pure, not cheap
        if not out or is_term or (key_value and after_key_value):
            out.append((n, [raw]))
            after_key_value = is_term or key_value
        else:
            out[-1][1].append(raw)
    return [(n, "\n".join(lines).strip()) for n, lines in out if "".join(lines).strip()]


def _bold_heading_line(statement: str) -> re.Match | None:
    """ "**Mean**" alone on a line, its definition on the lines below."""
    if "**" not in statement and "__" not in statement:  # BOLD_LINE needs bold
        return None
    lines = statement.split("\n", 1)
    match = BOLD_LINE.match(lines[0])
    if len(lines) < 2 or not match or not acceptable_term(match.group("term"), strict=False):
        return None
    return re.match(
        r"(?P<term>.*?)\n(?P<def>.*)", f"{match.group('term')}\n{lines[1].strip()}", re.DOTALL
    )


def _what_is_heading(section: Section, ctx) -> Card | None:
    match = WHAT_IS.match(section.title)
    if not match or not section.blocks:
        return None
    parts = []
    for block in section.blocks[:3]:
        if isinstance(block, Paragraph) and is_image_only(block.text):
            continue
        if not isinstance(block, (Paragraph, ListBlock)):
            if parts and parts[-1].rstrip().endswith(":") and isinstance(block, Code):
                parts.append(block_markdown(block))  # "It looks like this:" and its example
            break
        parts.append(block_markdown(block))
        if isinstance(block, ListBlock) or not parts[-1].rstrip().endswith(":"):
            break
    answer = "\n\n".join(parts)
    if not answer.strip() or answer.rstrip().endswith(":"):  # only a lead-in to a table or code
        return None
    question = section.title if section.title.endswith("?") else section.title + "?"
    term = match.group("term")
    return ctx.card(
        section, "definition", question, answer, term, section.line, shape="what-is-heading"
    )


# "2) ", "3.1. ", "b) " before a term (not "5 Whys": a bare number may be part of the name).
TERM_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.:)]|[a-z][)])\s+(?=\S)")
LEADING_CAPITAL_ARTICLE = re.compile(r"(?:A|An|The) [a-z]")


def _card(
    ctx,
    section: Section,
    term: str,
    answer: str,
    line: int,
    article: str = "",
    verb: str = "",
    shape: str = "definition",
    quality: str = "",
) -> Card | None:
    term = strip_markup(term).strip().rstrip(":").strip()
    term = TERM_WORD.sub("", term)
    term = TERM_NUMBER.sub("", term) or term  # "**2) Ethernet**: …" defines Ethernet
    named = NAMED_AFTER_LABEL.match(answer) if "**" in answer or "__" in answer else None
    if named and named.end() < len(answer.rstrip()) and _names_its_term(term):
        # "Definition: **conditional expectation**" over its sub-points: the bold is the term
        term, answer = named.group("name").strip(), answer[named.end() :]
    if is_caption(term) or POINTER.match(strip_markup(answer)):
        return None  # "Table: …" titles a table; "e.g. …", "Same as DP", "See X" are no answer
    answer = _without_lead_in(answer)
    if not article:
        term = natural_case(term, ctx.source.text)
    if LEADING_CAPITAL_ARTICLE.match(term):  # "**A short timeout** detects …"
        term = term[0].lower() + term[1:]
    plural = (
        verb in ("are", "refer to", "mean") or verb not in ("is", "stands for") and is_plural(term)
    )
    if quality:  # "When is a matrix orthogonal?" (``extract.properties``)
        subject = f"{article} {term}" if article else term
        question = f"When {'are' if plural else 'is'} {subject} {quality}?"
    elif verb == "stands for":
        question = f"What does {term} stand for?"
    elif _names_a_person(term, answer):
        question = f"Who was {term}?"
    elif clause := _label_clause(term):  # "**The practices include**: …" under "The first way"
        subject = subject_heading(section, ctx)
        question = f"{clause} ({subject})" if subject else clause
    else:
        question = f"What {'are' if plural else 'is'} {article + ' ' if article else ''}{term}?"
    key = normalise_key(f"{term} {quality}" if quality else term)
    # "Time complexity" in "Two Sum" (a quality names what the card is about: no label)
    if is_generic_label(term) and not quality and not never_qualified(term):
        question, named = qualified(question, section, ctx)
        if named:
            key, shape = normalise_key(named), "labelled"
    elif shape in ITEM_SHAPES and _plain_word(term) or shape in LIST_SHAPES and _common_word(term):
        question, _ = qualified(question, section, ctx, aspect=True, defines=True)  # same key
    note_type = "reversed" if ctx.reverse_definitions else "basic"
    if note_type == "reversed":
        answer = mask_term(answer, term)
    return ctx.card(
        section,
        "definition",
        question,
        answer.strip(),
        key,
        line,
        note_type,
        normalised=True,
        shape=shape,
    )


# "- **active**: the drive is in use" under "Drive statuses": an adjective in a list names one
# state or kind of what the heading names ("Drive statuses — active?"); alone ("What is
# active?") it asks nothing.  (A noun stays: "What is scalability?".)
ITEM_SHAPES = frozenset(["item-term", "item-bold", "line-term", "line-bold"])
LIST_SHAPES = frozenset(["item-term", "item-bold"])  # a list's items share its subject
ADJECTIVE_WORD = re.compile(r"[a-z]{2,}(?:al|ive|ous|ful|less|able|ible|ic|ed|ary)")


# A label that is a clause ending in its verb: "The practices include", "The alphabet has".
CLAUSE_VERBS = {
    "include": "do", "includes": "does", "contain": "do", "contains": "does", "has": "does",
    "have": "do", "requires": "does", "require": "do",
}  # fmt: skip
BASE_FORM = {"has": "have"}


def _label_clause(term: str) -> str | None:
    """ "What do the practices include?" of the label "The practices include"; None for a
    label that is a name."""
    words = term.split()
    aux = CLAUSE_VERBS.get(words[-1].casefold()) if len(words) > 1 else None
    if aux is None:
        return None
    verb = words[-1].casefold()
    base = BASE_FORM.get(verb, verb[:-1] if aux == "does" else verb)
    if words[0] in ("The", "A", "An"):  # "The practices include" → "… the practices …"
        words[0] = words[0].lower()
    return f"What {aux} {' '.join(words[:-1])} {base}?"


def _plain_word(term: str) -> bool:
    """One lower-case adjective or participle ("normal", "locked", "wireless")."""
    return bool(ADJECTIVE_WORD.fullmatch(term)) and not is_generic_label(term)


def _common_word(term: str) -> bool:
    """One word, no acronym, code or name inside ("Surplus", "termination", "statico"): in a
    list it is one of the kinds or aspects of what the heading is about, and asked alone ("What
    is surplus?") the card loses its subject."""
    word = term.replace("-", "")
    if word.casefold().endswith(ABSTRACT_SUFFIXES):
        return False  # "Scalability", "Idempotence": a quality with a name of its own
    parts = term.split("-")  # "Eigendecomposition" is a term of art, never a kind
    short = len(word) > 2 and max(len(p) for p in parts) <= 14
    return short and word.isalpha() and word[1:].islower()


ABSTRACT_SUFFIXES = ("ity", "ness", "ism", "ance", "ence", "ancy", "ency")


def _without_lead_in(answer: str) -> str:
    """ "A hash is a fixed-size digest of data. Has properties:" → the definition alone: the
    last sentence leads in to a list (the list's own card asks for it), and left in, the card
    ends mid-thought."""
    stripped = answer.rstrip()
    if not stripped.endswith((":", "：")):
        return answer
    parts = sentences.sentences(stripped)
    return stripped[: parts[-1][0]].rstrip() if len(parts) > 1 else answer


# An answer that opens with a bold name on a line of its own, then says more.
NAMED_AFTER_LABEL = re.compile(r"^\s*(?:\*\*|__)(?P<name>[^*_\n]{2,80})(?:\*\*|__)[ \t]*\n")


def _names_its_term(label: str) -> bool:
    """ "Definition", "Satz", "Theorem": labels whose bold follower is what they introduce."""
    return label.casefold() in INTRO_LABELS or label.casefold() in STATEMENT_LABELS


def mask_term(answer: str, term: str) -> str:
    """The reverse card shows the answer as its question, so the term it asks for is blanked
    ("**Omega** is the last letter …" → "… is the last letter …")."""
    words = [re.escape(w) for w in term.split()]
    if not words:
        return answer
    pattern = r"(?:\*\*|__|\*|_)?\b" + r"\s+".join(words) + r"\b(?:\*\*|__|\*|_)?"
    return re.sub(pattern, "…", answer, flags=re.IGNORECASE)


def _names_a_person(term: str, answer: str) -> bool:
    """ "Ada Lovelace – wrote …": two or three capitalised words and a past-tense predicate."""
    words = term.split()
    names = 2 <= len(words) <= 4 and all(
        w[:1].isupper() or w in ("von", "van", "de", "da") for w in words
    )
    return names and bool(PAST_VERB.match(strip_markup(answer).strip()))
