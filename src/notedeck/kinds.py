"""The kinds of card an extractor can emit (see ``extract.KIND_PRIORITY``; a test keeps the
two in step).  A module of its own so that ``notedeck --help``, whose ``--kind`` choices list
them, imports nothing else for it."""

CARD_KINDS = ("definition", "list", "table", "concept", "explicit", "cloze")
