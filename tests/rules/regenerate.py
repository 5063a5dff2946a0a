"""Golden fixtures per rule: ``tests/rules/<rule>/<case>.md`` beside ``<case>.yaml``.

    python tests/rules/regenerate.py            # rewrite every expected file
    python tests/rules/regenerate.py lists      # only one rule's folder

Each note is built alone, through the whole pipeline (every rule on, as a user gets it), and
its cards — kind, question, answer, line — are the expected file.  Regenerate after a
deliberate change and READ the diff (``git diff tests/rules``): it is the behaviour change.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

RULES = Path(__file__).resolve().parent


def cards_of(note: Path) -> list[dict]:
    """The cards of one fixture note, built alone in a temporary notes folder."""
    from notedeck import collect, load_config

    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        (notes / note.name).write_text(note.read_text(encoding="utf-8"), encoding="utf-8")
        collected = collect(load_config(notes, Path(tmp) / "decks"))
    problems = [str(e) for e in collected.errors]
    if problems:
        raise AssertionError(f"{note.name} did not build: {problems}")
    return [
        {
            "kind": r.card.kind,
            "line": r.card.line,
            "question": r.card.question,
            "answer": r.card.answer,
        }
        for r in collected.cards
    ]


def fixtures(only: list[str] | None = None) -> list[Path]:
    return sorted(p for p in RULES.glob("*/*.md") if not only or p.parent.name in only)


class _Literal(yaml.SafeDumper):
    """Multi-line answers as YAML block scalars, so reviews read like the notes."""


_Literal.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    ),
)


def main(argv: list[str]) -> int:
    for note in fixtures(argv or None):
        data = {"cards": cards_of(note)}
        text = yaml.dump(data, Dumper=_Literal, sort_keys=False, allow_unicode=True, width=100)
        note.with_suffix(".yaml").write_text(text, encoding="utf-8")
        print(f"{note.relative_to(RULES)}: {len(data['cards'])} cards")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
