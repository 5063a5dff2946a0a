"""Shapes of text that several rules recognise: a "Term: definition" line, a date or a
chapter heading.  Shared here so that no rule imports another."""

from __future__ import annotations

import re
from functools import lru_cache

from notedeck.extract.common import lower_first
from notedeck.extract.terms import acceptable_term, clean_title, is_generic_title, is_plural
from notedeck.extract.words import (
    CAPTION_WORDS,
    CITATION_LABELS,
    DATA_LABELS,
    ENUMERATED_LABELS,
    EXERCISE_FILE_WORDS,
    GENERIC_LABELS,
    GENERIC_PHRASES,
    HUB_HEADINGS,
    INTRO_LABELS,
    PLURAL_LABELS,
    STATEMENT_LABELS,
    WORKED_HEADINGS,
)
from notedeck.text.keys import strip_markup
from notedeck.text.prose import find_book_in_heading

DASH = r"(?:\s[-–—]{1,2}\s|—)"


# "**Term**: text", "**Term** (alias) – text", "**Mutual exclusion** condition - text" (one or
# two plain words may finish the term after the bold).
BOLD_TERM = re.compile(
    rf"^\s*(?:\*\*|__)(?P<term>[^*_\n]{{1,80}}?)(?::(?:\*\*|__)|(?:\*\*|__)(?P<alias>\s*\([^)\n]*\))?"
    rf"(?P<tail>(?:[ \t]+[^\W\d][\w'’-]*){{1,2}}?)?\s*(?::|{DASH}|=))\s*(?P<def>\S.*)$",
    re.DOTALL,
)


# "Term: text", "Term – text", "*Term* = text" (an italic term counts as plain).
PLAIN_TERM = re.compile(
    rf"^\s*(?P<em>[*_](?=[^\W\d_]))?(?P<term>[^\W\d_][^:\n]{{0,60}}?)(?(em)(?P=em))"
    rf"\s*(?::(?!:)|{DASH}|=(?=\s))\s*(?P<def>\S.*)$",
    re.DOTALL,
)


# What someone said in meeting notes: "Ben: will look at it", "Anna: the checkout is flaky".
REMARK = re.compile(r"^\s*(?:will|would|should|can|could|might|must|won't|can't|wants? to)\b", re.I)


STATEMENT = re.compile(
    r"^\s*(?:the|this|that|our|my|his|her|their)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:is|are|was|were)\b",
    re.I,
)


@lru_cache(maxsize=256)  # pure, and asked twice for most lines (statement split, then the card)
def term_line(text: str) -> re.Match | None:
    """A "**Term**: text" or "Term – text" line whose term looks like a term."""
    match = BOLD_TERM.match(text) if "**" in text or "__" in text else None
    if match:
        term = match.group("term")
        tail = match.group("tail") or ""
        if tail and not acceptable_term(term + tail):  # "**Note** that …": no term
            return None
        return (
            match
            if acceptable_term(term, strict=False) and not term.rstrip().endswith(".")
            else None
        )
    match = plain_term(text)
    if not match or not _whole_term(match.group("term")):
        return None
    return (
        match
        if acceptable_term(match.group("term"))
        and _reads_as_definition(match.group("def"), match.group("term"))
        else None
    )


def _whole_term(term: str) -> bool:
    """A term that is not cut inside markup: "The [Cinquedea](https" split at a link's colon,
    a code span, bold, or an open parenthesis."""
    if "**" in term or "`" in term or "[" in term or "]" in term or "http" in term:
        return False
    return term.count("(") == term.count(")")


def plain_term(text: str) -> re.Match | None:
    """``PLAIN_TERM.match``, skipped on text without the separator it needs: ":", "=", "—", or
    a "-"/"–" after a space (DASH), not the hyphen of "late-arriving"."""
    if ":" in text or "=" in text or "—" in text or _SPACED_DASH.search(text):
        return PLAIN_TERM.match(text)
    return None


_SPACED_DASH = re.compile(r"\s[-–]")


def matched_term(match: re.Match) -> str:
    """The term with its expansion, if any: "**DNS** (Domain Name System) — …"."""
    groups = match.groupdict()
    return match.group("term") + (groups.get("tail") or "") + (groups.get("alias") or "")


def _reads_as_definition(text: str, term: str) -> bool:
    """ "a single number", "to get up early", "splits glucose" — not "tired lol", "Friday!",
    or what someone said in a meeting ("Anna: the checkout is flaky", "Ben: will look at it")."""
    plain = strip_markup(text)
    words = plain.strip().split()
    if not words or plain.rstrip().endswith(("?", "!")) or REMARK.match(plain):
        return False
    if re.fullmatch(r"[A-Z][a-z]+", term.strip()) and STATEMENT.match(plain):
        return False  # a name and a full sentence: a remark, not a definition
    if term.strip().casefold() in INTRO_LABELS or term.strip().casefold() in STATEMENT_LABELS:
        return True  # "Definition: **conditional expectation**" (its sub-points say the rest)
    return len(words) >= 3 or words[0].casefold() in ("a", "an", "the", "to")


DATEISH = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    re.IGNORECASE,
)


CHAPTERISH = re.compile(
    r"^(?:chapter|ch\.?|part|lecture|week|day|session|unit|module)\s*\d+\b", re.IGNORECASE
)


def names_a_book_or_chapter(title: str, ctx) -> bool:
    plain = clean_title(title)
    if CHAPTERISH.match(plain) or CHAPTERISH.match(strip_markup(title)):
        return True
    return bool(find_book_in_heading(title, ctx.config.books))


def is_exercise_file(rel: str) -> bool:
    """A note named for its exercises, first or last: "Homework C1", "Esercizi visite alberi
    binari", "TheoInf2 große Übung".  ("Proof", "Example", "Solution" are not enough for a
    whole file: "Solution Architecture", "Example Mapping" are topics.)"""
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = stem.casefold().replace("_", " ").replace("-", " ").split()
    return bool(words) and (words[0] in EXERCISE_FILE_WORDS or words[-1] in EXERCISE_FILE_WORDS)


def is_worked_title(title: str) -> bool:
    """ "Example 2", "Esempio:", "Proof", "Soln (b)", "Esercizio 3", "Beweis von Satz 1": a
    heading over worked material.  "Examples" (a plural list of them) is not."""
    words = strip_markup(title).casefold().replace(":", " ").replace(".", " ").split()
    if not words:
        return False
    if words[0] == "worked" and len(words) > 1:
        words = words[1:]
    return words[0] in WORKED_HEADINGS


def is_hub_title(title: str) -> bool:
    """ "Related", "See also", "Index", "Children": a heading over links to other notes."""
    words = strip_markup(title).casefold().strip(" :.").split()
    return " ".join(words) in HUB_HEADINGS


@lru_cache(maxsize=4096)  # asked of every candidate's term, often the same heading's
def is_generic_label(term: str) -> bool:
    """A term that labels a part of a note instead of naming a subject: "Output", "Example 2",
    "Time complexity", "Formal definition", "Pattern 1" (asked alone, the subject is lost)."""
    words = [w.strip(".,:;!?\"'()：，。") for w in strip_markup(term).casefold().split()]
    words = [w for w in words if w]
    if not words or len(words) > 4:
        return False
    if len(words) > 1 and words[0] in ENUMERATED_LABELS and ENUMERATOR.fullmatch(words[-1]):
        return True  # "Pattern 1", "Example 2b", "Theorem 2.47", "Case A"
    words = [w for w in " ".join(words).replace("-", " ").split() if not ENUMERATOR.fullmatch(w)]
    if not words or len(words) > 3:
        return False
    phrase = " ".join(words)
    if phrase in GENERIC_PHRASES or phrase in GENERIC_LABELS:
        return True
    qualified = len(words) == 1 or all(w in QUALIFYING for w in words[:-1])
    last = words[-1]  # "Types": of what?  "References": to what?
    labelled = last in GENERIC_LABELS or last in PLURAL_LABELS or last in CITATION_LABELS
    return len(words) > 1 and " ".join(words[-2:]) in GENERIC_PHRASES or (labelled and qualified)


def never_qualified(term: str) -> bool:
    """Labels no heading rescues: a citation ("Reference", "Sources", "Based on") or a number
    ("Pattern 1", "Segment 2", "Example 3") — asked even with their subject they ask nothing."""
    words = [w.strip(".,:;!?\"'()：，。") for w in strip_markup(term).casefold().split()]
    words = [w for w in words if w]
    if not words:
        return False
    if " ".join(words) in ("see also", "further reading", "based on") or words[-2:] in (
        ["last", "modified"],
        ["last", "updated"],
    ):  # "Page last modified": a page's footer, with any subject
        return True
    if (words[-1] in CITATION_LABELS or words[-1] in DATA_LABELS) and len(words) <= 2:
        return True
    return (
        len(words) > 1 and words[0] in ENUMERATED_LABELS and bool(ENUMERATOR.fullmatch(words[-1]))
    )


# "No edge case", "Main reason", "Other issues": a qualifier on a label is still a label.
QUALIFYING = frozenset(
    "main other key more further some common typical the a an few additional useful important "
    "general quick handy basic major minor several various".split()
)
ENUMERATOR = re.compile(r"\d+(?:\.\d+)*[a-z]?|[a-z]|[ivx]+")


def subject_heading(section, ctx, skip: str = "") -> str | None:
    """The nearest heading above a card that names a subject (not "Complexity", "Notes",
    "Chapter 3" or a date), cleaned of numbering: "1. Two Sum" → "Two Sum"; else the note's
    file name when it names one (Obsidian's title: "File.md" holding "# Types")."""
    for title in (*reversed(section.path), _file_title(ctx.source.rel)):
        cleaned = clean_title(title)
        if not any(c.isalpha() for c in cleaned):  # "2024_02_15.md" → "02 15": a date, no subject
            continue
        if is_generic_label(cleaned) or is_generic_title(title, ctx):
            continue
        if DATEISH.search(title) or names_a_book_or_chapter(title, ctx):
            continue
        if len(cleaned.split()) > 8 or cleaned.casefold() in FILE_NAMES_NAMING_NOTHING:
            continue
        if skip and cleaned.casefold() == skip:  # the heading the question is about
            continue
        return cleaned
    return None


FILE_NAMES_NAMING_NOTHING = frozenset(["readme", "index", "untitled", "notes", "note", "todo"])


def _file_title(rel: str) -> str:
    """ "notes/Maximum Likelihood.md" → "Maximum Likelihood"; "tcp-handshake.md" → "tcp
    handshake" (a kebab- or snake-case name has no spaces of its own)."""
    name = rel.rsplit("/", 1)[-1]
    name = name.rsplit(".", 1)[0] if "." in name else name
    return name if " " in name else name.replace("_", " ").replace("-", " ")


WHAT_QUESTION = re.compile(r"^What (?:is|are) (?:the )?(?P<term>.+?)\?$")


def qualified(
    question: str, section, ctx, aspect: bool = False, defines: bool = False
) -> tuple[str, str | None]:
    """(question, key) for a "What is/are LABEL?" question whose term is a generic label:
    "What are common approaches?" under "Testing in production" → "Testing in production —
    Common approaches?" (key: both), so the card keeps its subject.  Others come back as they
    are (key None).  ``aspect``: the term is one word naming an aspect of the subject above
    (a list under "Creation" in "Linux process loading"), asked with it too.  ``defines``: the
    answer defines the term itself, so "Normal" under "Normal distribution" stays as it is."""
    what = WHAT_QUESTION.match(question)
    term = what.group("term") if what else ""
    label = is_generic_label(term)
    if not what or not (label or aspect or _one_plural_word(term)) or never_qualified(term):
        return question, None
    plain = strip_markup(term).casefold().removeprefix("the ")
    stem = ctx.source.rel.rsplit("/", 1)[-1]
    if not label and section.level <= 1 and (" " not in stem and ("-" in stem or "_" in stem)):
        return question, None  # "# Cells" atop "back-to-front.md": the note's title, no aspect
    subject = subject_heading(section, ctx, skip="" if label else plain)
    if not subject:
        return question, None  # the scorer's veto leaves it out
    if not label and plain in subject.casefold().split():
        if plain == subject.casefold() or defines:
            return question, None  # "Cells" under "Cells": the plural word is the subject
        # "Standards" in "Encryption Standards.md", "Loading" in "Linux Process Loading.md"
        return f"What {'are the' if is_plural(subject) else 'is'} {subject}?", subject
    term = what.group("term")
    if term.casefold() in subject.casefold().split():  # "Lemma" in "Linear Map Lemma"
        return f"What is the {lower_first(subject)}?", subject
    subject = subject[:1].upper() + subject[1:]  # a file name may be all lower case
    return f"{subject} — {term[:1].upper()}{term[1:]}?", f"{subject} {term}"


def _one_plural_word(term: str) -> bool:
    """ "Principles", "Barriers", "Standards": one plural word names a set of something, and the
    heading above says of what ("Encryption — Standards?", not "What are the standards?")."""
    words = strip_markup(term).split()
    if len(words) == 2 and words[0].casefold() == "the":
        words = words[1:]
    return len(words) == 1 and words[0].isalpha() and is_plural(words[0])


def is_caption(term: str) -> bool:
    """ "Table", "Figure 3", "Fig. 2": the label of a caption line, never a term."""
    words = strip_markup(term).casefold().replace(".", " ").split()
    return (
        bool(words)
        and words[0] in CAPTION_WORDS
        and all(ENUMERATOR.fullmatch(w) for w in words[1:])
    )
