"""Golden fixtures per rule (tests/rules/<rule>/<case>.md beside <case>.yaml): each note gives
exactly the reviewed cards.  After a deliberate change: ``python tests/rules/regenerate.py``
and read ``git diff tests/rules``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

RULES = Path(__file__).resolve().parent / "rules"
_spec = importlib.util.spec_from_file_location("rules_regenerate", RULES / "regenerate.py")
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)


@pytest.mark.parametrize(
    "note", regenerate.fixtures(), ids=lambda p: p.relative_to(RULES).with_suffix("").as_posix()
)
def test_fixture_gives_its_golden_cards(note):
    expected = yaml.safe_load(note.with_suffix(".yaml").read_text(encoding="utf-8"))["cards"]
    assert regenerate.cards_of(note) == expected


def test_every_rule_has_fixtures():
    from notedeck.extract import EXTRACTORS

    # and the steps that run on every rule's cards: media lines attached to the card above
    assert {p.parent.name for p in regenerate.fixtures()} == {*EXTRACTORS, "media"}
