"""The candidate scorer: a build computes only the weighted features, and must decide exactly as
if it had computed them all (the full set is what ``train.py`` learns from)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from notedeck import load_config
from notedeck.build.parse import parse
from notedeck.build.read import read_notes
from notedeck.extract.run import _section_finder, all_candidates
from notedeck.extract.score import FEATURES, WEIGHTED, NoteFacts, features, reason, score
from notedeck.extract.weights import WEIGHTS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "quality" / "corpus"


def _candidates(notes: Path, tmp_path: Path):
    config = load_config(notes, tmp_path / "decks", dry_run=True)
    for source in read_notes(config).files:
        document = parse(source, config)
        cards = all_candidates(document, config)
        facts = NoteFacts.of(source.rel, source.text, cards)
        sections = _section_finder(document.sections)
        for card in cards:
            yield card, sections(card.line), facts


def test_weighted_features_decide_as_all_features_do(tmp_path):
    seen = 0
    for notes in (ROOT / "notes", CORPUS):
        for card, section, facts in _candidates(notes, tmp_path):
            every = features(card, section, facts)
            weighted = features(card, section, facts, every=False)
            assert score(weighted) == score(every), card.question
            assert reason(weighted) == reason(every), card.question
            assert set(weighted) <= set(every)
            seen += 1
    assert seen > 300  # the shipped notes and the team corpus both gave candidates


def test_every_weight_names_a_feature():
    shapes = {name for name in WEIGHTS if name.startswith("shape:")}
    assert set(WEIGHTS) - shapes <= set(FEATURES)
    assert set(WEIGHTED) == set(WEIGHTS) - shapes


WORDS = st.sampled_from(
    ["The", "**kernel**", "is", "a", "part", "of", "you", "If", "$x$", "Output", ":", "-", "1.",
     "\n", "\n\n", "## Notes", "http://x.y", "è", "可被", "when", "are", "Example"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=60).map(" ".join))
def test_weighted_features_decide_as_all_features_do_on_any_text(tmp_path_factory, text):
    notes = tmp_path_factory.mktemp("notes")
    (notes / "note.md").write_text(f"# Topic\n\n{text}\n", encoding="utf-8")
    for card, section, facts in _candidates(notes, tmp_path_factory.mktemp("out")):
        every = features(card, section, facts)
        assert score(features(card, section, facts, every=False)) == score(every)


def _card(question: str, answer: str = "An answer that says something.", kind: str = "list"):
    from notedeck.model import Card

    return Card(kind, question, answer, question, "Book", None, (), "a.md", 1)


def test_garbled_questions_are_vetoed_and_sound_ones_are_not():
    from notedeck.extract.vetoes import veto

    garbled = [
        "What are the properties of of X?",
        "What are the an of Naturalist-2024.webp each moral fact?",
        "What are the problems of this it follows on from the LPM but solves that?",
        "Quindi abbiamo due informazioni: (2 items) (Unicast)",
        "What is transitivity of?",
    ]
    for question in garbled:
        assert veto(_card(question)), question
    sound = [
        "What are the three things that almost every role asks MLOps for?",
        "What are the steps of the write path?",
        "What is a load balancer? (Scaling)",
    ]
    for question in sound:
        assert veto(_card(question)) is None, question
