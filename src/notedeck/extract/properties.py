"""A property defined by its condition: "A matrix is orthogonal if its transpose is its inverse".

Such a sentence defines the adjective, not the subject: asked "What is a matrix?" it gives a
wrong answer (and a note of several such sentences gives several "What is a set?" cards with
different answers).  The card a learner wants is "When is a matrix orthogonal?".  A predicate
qualifies when it is one to three plain words (an adjective, "closed under addition",
"Byzantine fault-tolerant") right before "if", "iff", "when" or "whenever"; hedges ("is only
possible if", "is obviously the best if") and verbs ("is used for when") and events ("is
reached when") are left to the other rules; a hedged one is a claim and makes no card.
"""

from __future__ import annotations

import re

CONDITION = re.compile(
    r"(?P<quality>[^\W\d_][\w'-]*(?: [^\W\d_][\w'-]*){0,2}?),? (?P<if>if|iff|when|whenever)\b"
)
# Adverbs that hedge the predicate: "is only possible if", "is obviously the best if" claim
# something of the subject under a condition; they define nothing.
HEDGES = frozenset(
    "only also always never often usually sometimes typically generally mostly even just still "
    "very so too much more less most quite really rather obviously clearly probably especially "
    "particularly".split()
)
# Words that make the predicate a noun phrase or a verb phrase rather than a quality ("is a
# store used when …", "is used for when …"): the sentence is left to the other rules.
NOT_A_QUALITY = HEDGES | frozenset(
    "the a an not no used needed required designated done made given called known for to of "
    "in on at by with from as and or but that this it what which who where how why nothing "
    "something everything anything".split()
)


def condition_quality(predicate: str) -> str | None:
    """The quality a predicate makes conditional ("orthogonal" of "orthogonal if the …"); ""
    for a hedged one ("only worthwhile if …": a claim, no card); None for anything else."""
    match = CONDITION.match(predicate)
    if not match:
        return None
    words = [w.casefold() for w in match.group("quality").split()]
    if words[0] in HEDGES or words[0].endswith("ly"):
        return ""
    if any(w in NOT_A_QUALITY or w.endswith("ly") for w in words):
        return None
    if match.group("if") != "if" and words[-1].endswith("ed"):
        return None  # "is reached when", "is caused when": an event, not a quality
    return match.group("quality")
