"""notedeck: ordinary markdown study notes → Anki decks, one per book.

Library first: ``load_config()`` then ``build()``; the CLI is a thin layer over these.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Card", "Config", "NotedeckError", "build", "collect", "load_config", "__version__"]


def __getattr__(name: str):
    # Lazy imports keep `notedeck --help` fast: genanki, markdown-it and nh3 load only when used.
    if name in ("build", "collect"):
        from notedeck import pipeline as _build

        return getattr(_build, name)
    if name in ("load_config", "Config"):
        from notedeck import config

        return getattr(config, name)
    if name == "Card":
        from notedeck.model import Card

        return Card
    if name == "NotedeckError":
        from notedeck.errors import NotedeckError

        return NotedeckError
    raise AttributeError(name)
