"""What counts as a term, and how to write it inside a question.

Without bold, the only evidence that "X" in "X: …" or "X is …" is a term is the shape of X
itself: a short noun phrase, not a pronoun, a diary word, an imperative ("Be smart with state"),
a count ("Two main deployment types") or a document noun ("The table").  These lists are about
English, never about particular notes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from notedeck.extract.words import (
    ADVERBS,
    ALWAYS_IMPERATIVE,
    FOREIGN_CLAUSE_WORDS,
    FOREIGN_FUNCTION_WORDS,
    FUNCTION_WORDS,
    GENERIC_HEADS,
    GENERIC_TAILS,
    IMPERATIVES,
    LY_NOUNS,
    PREPOSITIONS,
    word_set,
)
from notedeck.text.keys import strip_markup
from notedeck.text.patterns import LEADING_ARTICLE

MAX_TERM_WORDS = 6
MAX_TERM_CHARS = 60
ARTICLE = LEADING_ARTICLE


# First words that make "X" a sentence subject or aside rather than a term.
NOT_TERMS = re.compile(
    r"^(?:it|its|it's|this|that|these|those|there|here|he|she|they|we|i|you|one|today|tomorrow|"
    r"yesterday|tonight|(?:step|phase|stage|part|day|week|chapter|ch|section|page|lecture|unit|module)\.?\s*"
    r"(?:\d+|[ivx]+|one|two|three|four|five)|note|todo|to-do|e\.g|i\.e|main|see|also|why|how|what|"
    r"when|where|which|who|because|so|but|and|or|if|then|everything|something|nothing|all|most|some|"
    r"each|every|both|either|other|another|such|two|three|four|five|six|seven|eight|nine|ten|"
    r"several|many|few|lots?|more|less|popular|typical|usual|obvious|big|whole|only|same|next|"
    r"best|worst|good|bad|nice|great|rule of thumb|okay|ok|ugh|lol|btw|fyi|prof|professor|teacher|"
    r"ta|hw\d*|in|on|at|yes|no|maybe|true|false|"
    r"for|with|by|as|of|to|from|after|before|during|under|over|via|per|like|into|without|within|"
    r"between|among|through|while|whereas|unlike|anyone|anybody|anything|everyone|everybody|"
    r"someone|somebody|nobody|none|therefore|thus|hence|however|moreover|furthermore|finally|"
    r"overall|basically|essentially|instead|otherwise|meanwhile|now|still|again|below|above|"
    r"following|people|for example|for instance|ad esempio|per esempio|zum beispiel|z\.\s?b|"
    r"por ejemplo|par exemple|allora|quindi|dunque|poi|infatti|inoltre|pertanto|dann|daher|"
    r"somit|alors|donc|entonces|luego)(?![\w'’-])",
    re.IGNORECASE,
)
# Whole "terms" that are metadata keys or document furniture ("Source: …", "The table is …").
NOT_WHOLE_TERMS = re.compile(
    r"^(?:status|up|tags?|date|source|author|created|updated|related|links?|aliases|priority|rating|"
    r"due|url|ref|table|figure|diagram|chart|list|book|slides?|lecture|paper|article|video|course|"
    r"exam|homework|assignment|summary|sidebar|chapter|section|page|notes?|tip|example|warning|"
    r"decision|answer|question|result|problem|idea|point|thing|goal|reason|catch|takeaway|time|"
    r"today|update|edit|important|deadline|hint|reminder|caution|mood|location|room|attendees|"
    r"speaker|lecturer|instructor|duration|where|when|who|why|how|what|next|done|progress|"
    r"foo|bar|baz|qux|quux|foobar)$",
    re.IGNORECASE,
)
# Bold is deliberate, so only asides are refused: "**Note**: …", "**TODO**: …".
BOLD_PREPOSITIONS = frozenset("in on at for with by from to into within without".split())
NOT_BOLD = re.compile(
    r"^(?:note|nb|n\.b|ps|p\.s|todo|to-?do|tip|warning|caution|important|update|edit|aside|caveat|"
    r"example|e\.g|today|tomorrow|yesterday|reminder|question|answer|q|a|"
    r"do|dos|don'?t|don’t|donts|avoid|never|always|yes|no|pros?|cons?|why|how|"
    r"oss|osservazione|nota|bemerkung|anmerkung|hinweis|achtung|attenzione|zz|z\.\s?z|"
    r"behauptung|beh|annahme|voraussetzung|motivazione|motivation|begründung|"
    r"see|see also|vedi|vedere|siehe|voir|ver|cf|vgl|rif)$",
    re.IGNORECASE,
)
# Suffixes of common nouns and adjectives; brand and person names rarely end like this.
COMMON_NOUN = re.compile(
    r"[a-z](?:ity|ness|tion|sion|ment|ance|ence|ism|ing|ship|ure|ogy|ency|ancy|al|ive|ous|ic|ary|"
    r"able|ible|ful|less|ent|ant|ed)$"
)
# "3.2 ", "8: ", "8) ", "B. ", "iv. ", "Step 3: ", "#1 " before a heading's words.
NUMBERING = re.compile(
    r"^\s*(?:(?:step|part|lesson|rule|tip|principle|lecture|week|day|approach|method|option|"
    r"pattern|case|strategy|solution|technique|level|stage|phase|type|chapter|section)\s+)?"
    r"(?:#?\d+(?:\.\d+)*[.:)]?|[A-Z][.)]|[ivx]+[.)])\s+(?=\S)",
    re.IGNORECASE,
)
QUALIFIER = re.compile(
    r"(?<!\s)\s*+[:,(–—-]?\s*+"
    r"(?:in (?:a (?:bit|little) )?more (?:depth|detail)|in (?:depth|detail)|"
    r"revisited|continued|deep dive|a primer|the basics|cheat ?sheet|quick version|recap)\)?\s*$",
    re.IGNORECASE,
)
# Every QUALIFIER match ends in one of these (IGNORECASE is plain lower() on ASCII text).
_QUALIFIER_WORDS = ("depth", "detail", "revisited", "continued", "dive", "primer", "basics")
_QUALIFIER_WORDS += ("sheet", "version", "recap")
# "About Inheritance", "Introduction to Kafka", "Notes on CRDTs": the subject is what follows.
ABOUT = re.compile(
    r"^(?:all\s+)?about\s+(?=\S)|^(?:an?\s+)?(?:intro|introduction|overview|notes|primer)\s+"
    r"(?:to|of|on)\s+(?=\S)",
    re.IGNORECASE,
)
PARENTHETICAL = re.compile(r"(?<!\s)\s*+\([^()]*+\)")
SYMBOLS = re.compile(r"[^\w\s'’()\-/+.,&:#]+")


def acceptable_term(term: str, strict: bool = True) -> bool:
    """True when ``term`` reads like a term rather than a sentence fragment.

    ``strict`` applies to terms without bold: no function words, no imperatives, no commentary
    heads, no bare numbers.  Bold terms only need to be short and not a pronoun or diary word.
    """
    plain = ARTICLE.sub("", strip_markup(term).strip())
    plain = drop_parentheticals(plain).strip()
    words = plain.split()
    if not words or len(words) > MAX_TERM_WORDS or plain.endswith((".", ",", "!", "?", ";")):
        return False
    if len(plain) > MAX_TERM_CHARS:  # CJK writes a whole clause without a space
        return False
    if _variable(plain, strict):  # "T_{p}", "R", "P3", "f(x)", "$p\neq0": a formula's symbol
        return False
    if ":" in plain or _clause(words):  # "Visual example: water", "Adorno seems critical"
        return False
    if len(words) == 1 and words[0].casefold() in FOREIGN_FUNCTION_WORDS:
        return False  # "**Allora**: f è derivabile": a step of the argument
    if not strict:  # "**In memory**: …" is where, not what
        return not NOT_BOLD.match(plain) and words[0].casefold() not in BOLD_PREPOSITIONS
    lowered = [w.casefold().strip("\"'“”‘’") for w in words]
    if (
        NOT_TERMS.match(plain)
        or NOT_WHOLE_TERMS.match(plain)
        or NOT_BOLD.match(plain)  # what bold cannot make a term, plain text cannot either
        or any(w in FUNCTION_WORDS for w in lowered)
    ):
        return False
    if _imperative(lowered):
        return False
    if (
        _adverb(lowered[-1])
        or lowered[-1] in GENERIC_HEADS
        or any(re.fullmatch(r"[\d.,–-]+", w) for w in words)
        and not words[0][:1].isupper()
    ):
        return False
    return not re.search(r"[,;!?]|\b(?:ch|p|pp|vol|fig)\.", plain, re.IGNORECASE)


def _variable(plain: str, strict: bool) -> bool:
    """A symbol of a formula or an exercise rather than a term: one character, subscripts and
    superscripts, TeX, "=", and without bold a letter with digits ("P3", "x2" — "**Z3**" is
    a name) or a function call ("f(x)")."""
    if len(plain) == 1 or any(c in plain for c in "_{}^\\$="):
        return True
    return strict and bool(VARIABLE.fullmatch(plain))


VARIABLE = re.compile(r"[A-Za-z]\d{1,3}|[A-Za-z]{1,2}\([^()]{0,20}\)")


def _clause(words: list[str]) -> bool:
    """A subject with its verb ("Adorno seems quite critical of positivism"), or a participle
    or conjunction opening it ("Since saving an event", "Given two levels", "Assuming memory")."""
    lowered = [w.casefold().strip("\"'“”‘’()") for w in words]
    if lowered[0] in CLAUSE_OPENERS:
        return True
    gerund = len(lowered[0]) > 4 and lowered[0].endswith("ing")
    if gerund and len(lowered) > 1 and lowered[1] in GERUND_OBJECTS:
        return True  # "Keeping two code paths in sync": an action, not a term
    if any(w.endswith(("n't", "n’t")) for w in lowered):
        return True  # "DON'T", "Can't fail": advice or a claim, not a term
    if any(w in FOREIGN_CLAUSE_WORDS for w in lowered):
        return True  # "ci possono essere dei problemi", "viola l'argomento …"
    if any(len(w) > 5 and w.endswith("iamo") for w in lowered):
        return True  # "calcoliamo", "vediamo che": Italian's "we …"
    if len(lowered[0]) > 6 and lowered[0].endswith(("ando", "endo")):
        return True  # "Utilizzando l'altro metodo", "Sostituendo": an Italian gerund opens it
    return any(w in FINITE_VERBS for w in lowered[1:])


def is_clause(text: str) -> bool:
    """ "Keeping everything in memory", "Adorno seems critical", "Since saving an event": an
    action, a claim or a clause opener, however short."""
    words = strip_markup(text).split()
    return bool(words) and _clause(words)


def foreign_clause(text: str) -> bool:
    """A verb, pronoun or conjunction of another language: a clause, not a noun phrase."""
    return any(w.casefold().strip("\"'“”‘’(),.:;") in FOREIGN_CLAUSE_WORDS for w in text.split())


CLAUSE_OPENERS = word_set(
    "since given assuming suppose supposing immediately upon unless whether although though "
    "because once if whenever while whereas after before until provided considering"
)
# What follows a gerund that takes an object ("Keeping two …", "Storing the …", "Making it …"),
# never the second word of a term ("Training data", "Load balancing").
GERUND_OBJECTS = word_set(
    "the a an two three four five several many multiple all every each your our my their its "
    "everything something nothing anything everyone "
    "his her this that these those it them one's some more"
)
FINITE_VERBS = word_set(
    "seems seem seemed looks looked feels felt thinks thought says said argues argued claims "
    "claimed believes believed wants wanted suggests suggested shows showed gets got goes went "
    "makes made takes took has had does did is are was were"
)


def _adverb(word: str) -> bool:
    if len(word) > 6 and word.endswith("wise"):  # "memory-wise", "performance-wise"
        return True
    if len(word) > 8 and word.endswith("mente"):  # "matematicamente", "formalmente" (it, es)
        return True
    return word in ADVERBS or len(word) > 4 and word.endswith("ly") and word not in LY_NOUNS


def _imperative(words: list[str]) -> bool:
    """Advice ("Favor managed services", "Plan for failure") versus terms ("Test set")."""
    if len(words) < 2 or words[0] not in IMPERATIVES:
        return False
    if words[0] in ALWAYS_IMPERATIVE or words[1] in PREPOSITIONS or words[1] in FUNCTION_WORDS:
        return True
    if words[1] in ("everything", "something", "nothing", "all", "a", "an") or words[1].endswith(
        "ed"
    ):
        return True
    return (
        any(w.endswith("ly") for w in words[1:])
        or len(words) > 2
        and any(w in PREPOSITIONS for w in words)
    )


def drop_parentheticals(text: str) -> str:
    """Text without "(…)" asides; the unanchored pattern is tried only where there is one."""
    return PARENTHETICAL.sub("", text) if "(" in text else text


def is_generic_title(title: str, ctx) -> bool:
    """ "Summary", "My notes", "Random thoughts", "Open questions": headings about the notes."""
    plain = clean_title(title)
    words = plain.casefold().split()
    return ctx.is_generic(plain) or bool(words) and words[-1] in GENERIC_TAILS


@lru_cache(maxsize=4096)  # pure; asked again for the same heading by every card under it
def clean_title(title: str) -> str:
    """A heading as a question would name it: no "3.2" numbering, asides in parentheses, emoji or
    "… in more depth" qualifiers."""
    title = ABOUT.sub("", NUMBERING.sub("", strip_markup(title)))
    if not title.isascii() or any(word in title.lower() for word in _QUALIFIER_WORDS):
        title = QUALIFIER.sub("", title)
    title = drop_parentheticals(title)
    title = SYMBOLS.sub("", title)
    title = " ".join(title.split()).strip(" -–—:")
    if title.endswith(".") and not title.endswith("..") and " " in title:
        title = title[:-1]  # "Dataflow through async message passing." (not "Node.js", "etc.")
    return title


def natural_case(term: str, text: str) -> str:
    """'Scalability' → 'scalability' when the notes also write the word in lower case, or when it
    has the suffix of a common noun or adjective ('Operational excellence'); names stay as written
    ('Kafka', 'Krebs cycle', "Moore's law")."""
    words = term.split()
    if not words:
        return term
    first = words[0]
    rest = first[1:].replace("-", "")
    if not (first[:1].isupper() and rest == rest.lower() and rest.isalpha()):
        return term
    if first.endswith(("'s", "’s")) or _mid_sentence(first, _prose(text)):
        return term  # a possessive, or capitalised mid-sentence: a name
    lower = first[0].lower() + first[1:]
    # The suffix test first: it is cheap, and when it holds the note need not be scanned.
    if COMMON_NOUN.search(first.split("-")[-1]) or _used_as_word(lower, _words_only(text)):
        rest_of = term[len(first) :]  # (_words_only: not "images/lambda.png")
        if len(words) > 1 and all(_capitalised(w) or w in SMALL_WORDS for w in words):
            rest_of = " " + " ".join(w[0].lower() + w[1:] for w in words[1:])  # "Hash Tables"
        return lower + rest_of
    return term


SMALL_WORDS = frozenset("and or of the for in to a an vs with on".split())


def _capitalised(word: str) -> bool:
    """ "Database", not "SQL", "iPhone" or "Node.js": a word written capitalised, no more."""
    tail = word[1:].replace("-", "")
    return word[:1].isupper() and tail.isalpha() and tail == tail.lower()


# natural_case runs once per term; a regex built around each term meant one compile per card
# (and flushed re's cache of the constant patterns).  These scans are the same tests with
# str.find: regex semantics kept exactly (\w is str.isalnum() or "_", as in re).


def _is_word(text: str, at: int) -> bool:
    """True if text[at] exists and is a regex word character."""
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


@lru_cache(maxsize=4096)  # a note defining one word 2,000 times asks 2,000 times
def _mid_sentence(word: str, prose: str) -> bool:
    """``re.search(rf"[a-z,;][ \\t]+{re.escape(word)}\\b", prose)``: the word after a lower-case
    letter, comma or semicolon and a space, so capitalised mid-sentence.  Only offsets where a
    word token equal to the word's first token starts can match (a space precedes, ``\\b``
    follows), so those are looked up rather than found by scanning the note once per term."""
    for at in _starts(word, prose, ("",)):
        end = at + len(word)
        if prose.startswith(word, at) and _is_word(prose, end - 1) != _is_word(prose, end):
            before = at - 1
            while before >= 0 and prose[before] in " \t":
                before -= 1
            if before < at - 1 and before >= 0 and prose[before] in _MID_SENTENCE_LEAD:
                return True
    return False


_MID_SENTENCE_LEAD = frozenset("abcdefghijklmnopqrstuvwxyz,;")
_LOWER_SUFFIXES = ("s", "es", "ly", "ed", "er", "ing", "")


@lru_cache(maxsize=4096)
def _used_as_word(word: str, text: str) -> bool:
    """``re.search(rf"(?<![\\w/-]){re.escape(word)}(?:s|es|ly|ed|er|ing)?(?![\\w-]|\\.\\w)",
    text)``: the word on its own or with a common suffix, not inside a path or longer word.  A
    match starts a word token: the word's first token, or the whole word plus a suffix."""
    for at in _starts(word, text, _LOWER_SUFFIXES):
        if text.startswith(word, at) and not (at and text[at - 1] in "/-"):
            end = at + len(word)
            for suffix in _LOWER_SUFFIXES:
                if text.startswith(suffix, end) and _word_ends(text, end + len(suffix)):
                    return True
    return False


def _starts(word: str, text: str, suffixes: tuple[str, ...]) -> list[int]:
    """Offsets in ``text`` where a word token that could begin ``word`` starts, in order: the
    word's first token when more follows it, else the word with each suffix."""
    head = _FIRST_TOKEN.match(word)
    if head is None:
        return []
    index = _token_starts(text)
    if head.end() < len(word):  # "event-driven": the text's token there is "event"
        return index.get(head.group(), [])
    found = [at for suffix in suffixes for at in index.get(word + suffix, ())]
    return sorted(found) if len(suffixes) > 1 else found


_FIRST_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=8)
def _token_starts(text: str) -> dict[str, list[int]]:
    """Each word token of a note → where it starts: one pass per note, so checking its N terms
    costs the occurrences of each, not N scans of the note (a glossary of 4,000 terms in one
    note took 92 s)."""
    index: defaultdict[str, list[int]] = defaultdict(list)
    for start, end in [match.span() for match in _FIRST_TOKEN.finditer(text)]:
        index[text[start:end]].append(start)  # (spans, then slices: 40 % faster than groups)
    return index


def _word_ends(text: str, at: int) -> bool:
    """``(?![\\w-]|\\.\\w)`` at ``at``."""
    if _is_word(text, at) or text[at : at + 1] == "-":
        return False
    return not (text[at : at + 1] == "." and _is_word(text, at + 1))


@lru_cache(maxsize=8)
def _words_only(text: str) -> str:
    """The note without images, link targets and code: an alt text or a file name such as
    "lambda diagram" or "lambda.png" says nothing about how the writer spells a name."""
    if "![" in text:
        text = _IMAGE_OR_CODE.sub(" ", text)
    elif "`" in text:  # no image: only the code alternative can match, and it scans faster
        text = _CODE_ONLY.sub(" ", text)
    return _LINK_TARGET.sub("]", text) if "](" in text else text


# Bounded spans keep a long line of unclosed "![[" or "](" linear (notedeck issue 7).
_IMAGE_OR_CODE = re.compile(
    r"!\[[^\[\]]{0,1000}\]\([^)]{0,4000}\)|!\[\[[^\[\]]{0,1000}\]\]|`[^`]*`"
)
_CODE_ONLY = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]{0,4000}\)")


@lru_cache(maxsize=8)
def _prose(text: str) -> str:
    r"""The note without heading lines: Title Case headings prove nothing about names.

    Line by line, this is ``re.sub(r"^\s*#.*$", "", text, flags=re.MULTILINE)`` (which tried
    its ``^`` at every character): a line whose first non-blank character is "#" is emptied,
    and the blank lines just above it go with it (the pattern's ``\s*`` spans them).
    """
    out: list[str] = []
    blank: list[str] = []  # blank lines not yet known to precede a heading
    for line in text.split("\n"):
        stripped = line.lstrip()  # str whitespace is re's \s
        if not stripped:
            blank.append(line)
        elif stripped[0] == "#":
            blank = []
            out.append("")
        else:
            out.extend(blank)
            blank = []
            out.append(line)
    out.extend(blank)
    return "\n".join(out)


def is_plural(term: str) -> bool:
    """Rough English plural test on the head noun: the last word, or the last before a
    preposition ("Vector clocks", "Types of storage"; not "Analysis", "CQRS", "Dataflow
    through databases", "Separation of concerns")."""
    words = strip_markup(term).split()
    cut = next((k for k, w in enumerate(words) if k and w.casefold() in HEAD_ENDS), len(words))
    last = words[cut - 1] if words else ""
    # re.search(r"[^suiy'’]s$|[aeiouy]s$") and not re.search(r"(?:ss|us|is|ics)$"), as string
    # tests: the two classes together allow any character but "s" and apostrophes before the "s".
    return (
        len(last) >= 2
        and last[-1] == "s"
        and last[-2] not in "s'’"
        and not last.endswith(("us", "is", "ics"))
        and not last.isupper()
        and (last[:-1].isupper() or last[1:] == last[1:].lower())  # "APIs"; not "MLOps", "iOS"
    )


HEAD_ENDS = frozenset(
    "of through in for with on to from by via between over under into across within without "
    "per des der die das dem den von zur zum im mit für di del della dei degli delle da de du "
    "la le "
    "les el los las en".split()
)  # (German, Italian, Spanish and French ones too: "Existenz des Erwartungswertes" is one)
