"""Golden files: the shipped notes must produce exactly the reviewed cards in tests/golden/.

After a deliberate extractor change run ``python tests/golden/regenerate.py`` and review the diff.
The named checks below pin the cards the project brief promises, whatever the golden files say.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN / "regenerate.py")
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)


@pytest.fixture(scope="module")
def produced() -> dict[str, list[dict[str, str]]]:
    return regenerate.cards_by_source()


def _golden_files() -> list[Path]:
    return sorted(GOLDEN.rglob("*.yaml"))


def test_every_shipped_note_has_a_golden_file(produced):
    expected = {regenerate.golden_path(rel) for rel in produced}
    assert expected == set(_golden_files())


@pytest.mark.parametrize("path", _golden_files(), ids=lambda p: p.relative_to(GOLDEN).as_posix())
def test_cards_match_golden(path, produced):
    golden = yaml.safe_load(path.read_text(encoding="utf-8"))
    actual = produced[golden["source"]]
    want = [(c["kind"], c["question"], c["answer"]) for c in golden["cards"]]
    got = [(c["kind"], c["question"], c["answer"]) for c in actual]
    missing = [w for w in want if w not in got]
    extra = [g for g in got if g not in want]
    assert not missing and not extra, f"missing: {missing}\nunexpected: {extra}"
    assert got == want  # same cards, same order


def _all(produced) -> list[dict[str, str]]:
    return [card for cards in produced.values() for card in cards]


def test_all_six_aws_pillars_in_one_card(produced):
    pillars = [
        "Operational excellence",
        "Security",
        "Reliability",
        "Performance efficiency",
        "Cost optimization",
        "Sustainability",
    ]
    cards = [c for c in _all(produced) if "AWS Well-Architected" in c["question"]]
    assert len(cards) == 1 and cards[0]["kind"] == "list"
    assert all(p in cards[0]["answer"] for p in pillars)


def test_one_card_per_mlops_role_and_column_with_continuations_merged(produced):
    tables = [
        c for c in produced["introducing-mlops/ch02-people-of-mlops.md"] if c["kind"] == "table"
    ]
    roles = [
        "Subject matter experts",
        "Data scientists",
        "Data engineers",
        "Software engineers",
        "DevOps",
        "Model risk managers/auditors",
        "Machine learning architects",
    ]
    columns = ["Role in the ML model life cycle", "MLOps requirements"]
    assert sorted(c["question"] for c in tables) == sorted(
        f"{r} — {c}?" for r in roles for c in columns
    )
    by_question = {c["question"]: c["answer"] for c in tables}
    engineers = by_question["Data engineers — MLOps requirements?"]
    assert (
        "Visibility into the performance" in engineers
        and "Full detail on individual data pipelines" in engineers
    )
    scientists = by_question["Data scientists — Role in the ML model life cycle?"]
    assert scientists.count("\n- ") == 2  # three rows merged into one answer
    auditors = by_question["Model risk managers/auditors — MLOps requirements?"]
    assert "\n" not in auditors  # the empty continuation cell adds nothing


def test_pattern_cards_for_lambda_and_kappa(produced):
    questions = {c["question"] for c in _all(produced) if c["kind"] == "concept"}
    assert "What is the Lambda architecture?" in questions
    assert "What is the Kappa architecture?" in questions


def test_no_card_from_daily_log_diary_intro_or_sign_off(produced):
    text = " ".join(f"{c['question']} {c['answer']}" for c in produced["daily-log/2026-11-20.md"])
    for chatter in (
        "Slept badly",
        "coffee",
        "train pass",
        "Mum",
        "Tired",
        "Gym",
        "mlflow",
        "roles table",
    ):
        assert chatter not in text


def test_known_bad_questions_are_gone(produced):
    questions = [c["question"] for c in _all(produced)]
    for bad in (
        "What is Designing Good Data Architecture?",
        "What is Be smart with state?",
        "What is the table?",
        "What is Cross-check with ch. 1?",
        "What is Two main deployment types?",
        "What is Make everything reproducible?",
        "What is Scalability?",
    ):
        assert bad not in questions
    assert not any(q.startswith("What are why") for q in questions)
    assert questions.count("What is MLOps?") == 1  # heading + "MLOps is …" sentence make one card
