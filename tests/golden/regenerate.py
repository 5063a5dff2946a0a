"""Write the golden card files for the shipped notes: ``python tests/golden/regenerate.py``.

One YAML per note in ``notes/`` (same relative path, ``.yaml``), listing every card the
extractors make from it: kind, question and answer.  Regenerate after a deliberate extractor
change, then READ the diff: the golden files are reviewed content, not a snapshot to rubber-stamp.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "notes"
GOLDEN = Path(__file__).resolve().parent


def cards_by_source() -> dict[str, list[dict[str, str]]]:
    """{notes-relative path: [{kind, question, answer}]} for the shipped notes, in source order."""
    from notedeck.config import load_config
    from notedeck.pipeline import collect

    with tempfile.TemporaryDirectory() as tmp:
        collected = collect(load_config(NOTES, Path(tmp), dry_run=True))
    out: dict[str, list[dict[str, str]]] = {d.source.rel: [] for d in collected.documents}
    for rendered in collected.cards:
        card = rendered.card
        out[card.source].append(
            {"kind": card.kind, "question": card.question, "answer": card.answer}
        )
    return out


def golden_path(rel: str) -> Path:
    return GOLDEN / Path(rel).with_suffix(".yaml")


class _Literal(yaml.SafeDumper):
    """Multi-line answers as YAML block scalars, so reviews read like the notes."""


_Literal.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    ),
)


def main() -> int:
    for rel, cards in cards_by_source().items():
        path = golden_path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.dump(
            {"source": rel, "cards": cards},
            Dumper=_Literal,
            allow_unicode=True,
            sort_keys=False,
            width=100,
        )
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(cards)} cards")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
