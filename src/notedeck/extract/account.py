"""The account a concept section gives: its first descriptive paragraph — not a caption, a
question, a lead-in or the writer's own remark — and the paragraphs that go on with it, whole,
within a word budget.  ``concepts`` asks the question; this decides what answers it.
"""

from __future__ import annotations

import re

from notedeck.extract.common import is_image_only, is_unfinished
from notedeck.extract.sentences import find, sentences
from notedeck.extract.terms import clean_title
from notedeck.model import Code, Paragraph, Quote, Section
from notedeck.text.keys import strip_markup
from notedeck.text.prose import first_sentence, is_chatter, word_count

BOLD_QUESTION = re.compile(
    r"^\s*(?:\*\*|__)(?P<q>[^*_\n]{3,150}\?)(?:\*\*|__)\s*(?P<a>\S.*)$", re.DOTALL
)

# A paragraph that captions a figure or announces what follows says nothing about the concept.
INTRODUCES = re.compile(
    r"^(?:this|here|below|above)\s+(?:is|are|shows?)\b|^here'?s\b|"
    r"^the\s+(?:following|above|below|figure|diagram|image|picture|table|code)\b|"
    r"^there\s+are\s+(?:several|many|a few|some|\w+)\s+[\w-]+(?:\s+[\w-]+){0,3}\.?$|"
    # "Ci sono diversi tipi di scheduling (…)", "Es gibt mehrere Arten": the same, elsewhere
    r"^(?:ci\s+sono|esistono|es\s+gibt|il\s+y\s+a|hay|existen)\s+(?:diversi|diverse|vari|varie|"
    r"molti|molte|mehrere|verschiedene|viele|plusieurs|différents|différentes|varios|varias|"
    r"diferentes|\d+|due|tre|quattro|zwei|drei|vier|deux|trois|dos|tres)\s",
    re.IGNORECASE,
)

CITATION = re.compile(
    r"^(?:based on|source|sources|see|see also|from|ref|refs|references?|via|credit|credits|"
    r"go back|back|up|link|links)\b[^.]{0,20}(?::|https?://|$)|^\W*https?://",
    re.IGNORECASE,
)

FIRST_PERSON = re.compile(
    r"\b(?:I|I'm|i'm|I've|i've|I'll|i'll|I'd|my|me|we|our)\b|本节|这一节|本章|接下来|为大家"
)

MIN_ANSWER_WORDS = 6
MAX_ANSWER_WORDS = 80


def description(section: Section) -> tuple[str, int] | None:
    """The section's first descriptive paragraph (within a word budget) and its line."""
    for block in section.blocks:
        if isinstance(block, Quote):
            continue  # an epigraph or the question the section answers: read on
        if isinstance(block, Paragraph):
            if is_image_only(block.text) or CITATION.match(strip_markup(block.text)):
                continue  # "Based on: https://…", "[go back](…)": not the account itself
            if FIRST_PERSON.search(first_sentence(strip_markup(block.text))):
                return None  # "More detail in my daily log": the writer, not the concept
            if is_chatter(block.text) or strip_markup(block.text).endswith((":", "：")):
                return None
            if BOLD_QUESTION.match(block.text) or strip_markup(block.text).rstrip().endswith("?"):
                return None  # the paragraph asks (and may answer) its own question
            if INTRODUCES.match(strip_markup(block.text)) or is_unfinished(block.text):
                return None  # "This is the diagram of …", "There are several kinds:" — no account
            if word_count(block.text) < MIN_ANSWER_WORDS:
                return None
            return _with_more(_budget(block.text), section, block), block.line
        return None  # a list, table or code first: other rules own it
    return None


def _with_more(answer: str, section: Section, first: Paragraph) -> str:
    """The first paragraph and those that follow it straight on, whole, within the budget: an
    account in three short paragraphs ("… The first level … The second …") is one answer."""
    if answer != first.text.strip():
        return answer  # the budget cut the first paragraph already
    blocks = section.blocks[section.blocks.index(first) + 1 :]
    title = clean_title(section.title)
    for n, block in enumerate(blocks):
        if not isinstance(block, Paragraph) or not _continues(block.text, title):
            break
        after = blocks[n + 1] if n + 1 < len(blocks) else None
        if isinstance(after, Code) or word_count(block.text) < MIN_ANSWER_WORDS + 2:
            break  # "Good, it uses the interface as its type" over code: a caption
        if len(f"{answer} {block.text}".split()) > MAX_ANSWER_WORDS:
            break
        answer = f"{answer}\n\n{block.text.strip()}"
    return answer


CONTINUATION = re.compile(
    r"^(?:it|its|this|these|they|their|such|however|also|in addition)\b", re.I
)


def _continues(text: str, title: str) -> bool:
    """A paragraph that goes on with the same account — it names the section's subject or
    opens with "It", "This", "However" … — and is prose: not a new term in bold, a lead-in,
    a question, an aside, a picture or the writer's own remark."""
    plain = strip_markup(text).strip()
    return (
        bool(plain)
        and (CONTINUATION.match(plain) is not None or mentions(plain, title))
        and "**" not in text
        and "__" not in text
        and not find(text)  # "A cell that carries oxygen is called …": a card of its own
        and not plain.endswith((":", "：", "?", "？"))
        and not is_image_only(text)
        and not is_chatter(text)
        and not FIRST_PERSON.search(plain)
        and not CITATION.match(plain)
    )


def _budget(text: str) -> str:
    parts = [s.strip() for _, s in sentences(text)]
    answer = parts[0] if parts else text
    for part in parts[1:]:
        if len(f"{answer} {part}".split()) > MAX_ANSWER_WORDS or is_chatter(part):
            break
        answer = f"{answer} {part}"
    return answer


def mentions(sentence: str, title: str) -> bool:
    """The sentence names the title, or its last word ("… replication" for "Leaderless
    replication"), singular or plural."""
    folded = sentence.casefold()
    words = [w for w in title.casefold().split() if len(w) > 2]
    if not words:
        return False
    head = words[-1].rstrip("s")
    return title.casefold() in folded or (len(head) > 2 and head in folded)
