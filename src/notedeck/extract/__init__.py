"""Extractors: rules as data.

Each rule is a small function ``extract(section, ctx) -> Iterator[Card]`` in a module of its
own, named in ``EXTRACTORS`` (the order they run in); ``notedeck.yaml`` and front matter switch
them on and off by these names.  No rule imports another: what they share lives in
``common``, ``shapes``, ``sentences``, ``terms`` and ``words``.  ``run`` applies them and
resolves overlaps.  This module stays light: the configuration imports it for the names only.
"""

from __future__ import annotations

EXTRACTORS = ("explicit", "definitions", "lists", "tables", "concepts")
EXTRACTOR_NAMES = EXTRACTORS

# When two rules produce the same question from one file, the earlier kind wins.
KIND_PRIORITY = ("explicit", "cloze", "definition", "list", "table", "concept")


def extract(document, settings):
    """A document's cards and the candidates left out (``run.Extracted``; see ``run``)."""
    from notedeck.extract.run import extract_cards

    return extract_cards(document, settings)
