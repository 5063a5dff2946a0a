"""The FSRS quiz: a library session driven line by line with a fake clock, and full CLI sessions
through stdin — ratings applied, state persisted, the right cards due next time, and a schedule
that survives a rebuild which edits the card."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from cli_notes import make_notes
from notedeck.commands import quiz as quizlib
from notedeck.commands.cli import main
from notedeck.commands.quizstate import QuizState
from notedeck.commands.terminal import KeyIO
from notedeck.config import load_config
from notedeck.pipeline import collect

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def scripted_io(lines: list[str], clock: Clock, transcript: list[str]) -> quizlib.LineIO:
    """Answers from a script; every answer takes the learner 20 seconds."""
    pending = iter(lines)

    def read_line() -> str:
        clock.now += timedelta(seconds=20)
        return next(pending, "")

    return quizlib.LineIO(read_line, transcript.append)


@pytest.fixture
def cooking_cards(tmp_path):
    notes = make_notes(tmp_path)
    collected = collect(load_config(notes, tmp_path / "decks"))
    cards = [r for r in collected.cards if r.card.book == "Cooking Basics"]
    return sorted(cards, key=lambda r: r.card.line)


def rows(path):
    with sqlite3.connect(path) as db:
        cards = dict(db.execute("SELECT question, reviews FROM cards"))
        ratings = [r for (r,) in db.execute("SELECT rating FROM reviews ORDER BY id")]
    return cards, ratings


# ---------------------------------------------------------------- library


def test_session_applies_ratings_and_repeats_learning_cards(tmp_path, cooking_cards):
    julienne, brunoise = cooking_cards
    clock, transcript = Clock(), []
    io = scripted_io(
        ["\n", "3\n", "\n", "x\n", "1\n", "\n", "3\n", "\n", "3\n", "\n", "3\n"], clock, transcript
    )
    with QuizState(tmp_path / "q.sqlite3") as state:
        plan = quizlib.plan_session(cooking_cards, state, clock(), new_limit=10)
        assert [e.rendered for e in plan.new] == [julienne, brunoise] and not plan.due
        session = quizlib.Session(
            plan, state, io, clock, quizlib.make_scheduler(fuzz=False), width=80
        )
        summary = session.run()
    out = "".join(transcript)
    # julienne Good (10 min step) · brunoise: a bad key is asked again, then Again (1 min step)
    # · julienne Good (graduates) · brunoise Good, Good (graduates)
    assert summary.answers == 5 and not summary.stopped
    assert dict(summary.ratings) == {3: 4, 1: 1}
    assert len(summary.cards) == 2 and len(summary.new_cards) == 2
    assert out.count("Q  What is a julienne?") == 2 and out.count("Q  What is a brunoise?") == 3
    assert "[1] Again 1m  [2] Hard 6m  [3] Good 10m  [4] Easy 8d" in out
    assert "→ Again: next in 1m" in out and "→ Good: next in 10m" in out
    cards, ratings = rows(tmp_path / "q.sqlite3")
    assert ratings == [3, 1, 3, 3, 3]
    assert cards == {"What is a julienne?": 2, "What is a brunoise?": 3}
    assert summary.next_due is not None and summary.next_due - clock() > timedelta(hours=12)
    assert "Session done: 5 answers on 2 cards (2 new)" in quizlib.format_summary(summary, clock())


def test_plan_after_a_session_shows_only_due_cards(tmp_path, cooking_cards):
    clock = Clock()
    path = tmp_path / "q.sqlite3"
    with QuizState(path) as state:
        plan = quizlib.plan_session(cooking_cards, state, clock(), new_limit=1)
        assert len(plan.new) == 1 and plan.new_available == 2
        io = scripted_io(["\n", "4\n"], clock, [])
        quizlib.Session(plan, state, io, clock, quizlib.make_scheduler(fuzz=False)).run()
    with QuizState(path) as state:
        soon = quizlib.plan_session(cooking_cards, state, T0 + timedelta(days=1), new_limit=0)
        assert not soon.due and not soon.new and soon.next_due == T0 + timedelta(days=8, seconds=20)
        later = quizlib.plan_session(cooking_cards, state, T0 + timedelta(days=9), new_limit=5)
        assert [e.rendered.card.question for e in later.due] == ["What is a julienne?"]
        assert [e.rendered.card.question for e in later.new] == ["What is a brunoise?"]


def test_quit_keeps_what_was_answered(tmp_path, cooking_cards):
    clock, transcript = Clock(), []
    with QuizState(tmp_path / "q.sqlite3") as state:
        plan = quizlib.plan_session(cooking_cards, state, clock(), 10)
        io = scripted_io(["\n", "2\n", "q\n"], clock, transcript)
        summary = quizlib.Session(plan, state, io, clock, quizlib.make_scheduler(fuzz=False)).run()
    assert summary.stopped and summary.answers == 1 and summary.due_left == 2
    assert rows(tmp_path / "q.sqlite3")[1] == [2]


def test_intervals_read_like_anki():
    assert [
        quizlib.interval(timedelta(seconds=s))
        for s in (5, 60, 600, 7200, 86400 * 3, 86400 * 45, 86400 * 400)
    ] == ["<1m", "1m", "10m", "2h", "3d", "1.5mo", "1.1y"]


def test_key_io_reads_single_keys(monkeypatch):
    keys = iter(["z", "\r", "7", "3", "x", "q"])
    monkeypatch.setattr("click.getchar", lambda: next(keys))
    io = KeyIO()
    assert io.ask("show? ", "\n") == "\n"  # 'z' ignored, Enter reveals
    assert io.ask("rate? ", "1234") == "3"  # '7' ignored
    assert io.ask("rate? ", "1234") == "q"


def test_broken_state_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "q.sqlite3"
    bad.write_bytes(b"this is not a database, just some text" * 100)
    notes = make_notes(tmp_path)
    result = CliRunner().invoke(main, ["quiz", str(notes), "--state", str(bad)], input="q\n")
    assert result.exit_code == 1
    assert "not a notedeck quiz state file" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- CLI, through stdin


def run_quiz(monkeypatch, when: datetime, notes, state, stdin: str, *args: str):
    monkeypatch.setattr(quizlib, "utc_now", lambda: when)
    result = CliRunner().invoke(
        main, ["quiz", str(notes), "--state", str(state), *args], input=stdin
    )
    assert result.exit_code == 0, result.output
    return result


def test_full_quiz_sessions_through_stdin(monkeypatch, tmp_path):
    notes = make_notes(tmp_path)
    state = tmp_path / "state" / "quiz.sqlite3"
    # session 1: julienne Easy; brunoise Again (comes back at once), then stop
    first = run_quiz(monkeypatch, T0, notes, state, "\n4\n\n1\nq\n", "--book", "cooking")
    out = first.stdout
    assert "Quiz (Cooking Basics): 0 due, 2 new." in out
    assert out.index("Q  What is a julienne?") < out.index(
        "A  A julienne is a cut into long thin strips"
    )
    assert out.index("→ Easy: next in") < out.index("Q  What is a brunoise?")
    assert "→ Again: next in 1m" in out
    assert out.count("Q  What is a brunoise?") == 2  # learning step: shown again in the session
    assert "Session stopped: 2 answers on 2 cards (2 new)" in out
    assert "again 1 · hard 0 · good 0 · easy 1" in out and "Left for now: 1 card" in out
    assert f"Schedule saved in {state}" in first.stderr
    cards, ratings = rows(state)
    assert ratings == [4, 1] and set(cards) == {"What is a julienne?", "What is a brunoise?"}

    # session 2, an hour later: only brunoise is due; julienne (Easy) is not
    second = run_quiz(
        monkeypatch, T0 + timedelta(hours=1), notes, state, "\n3\n", "--book", "cooking"
    )
    out = second.stdout
    assert "Quiz (Cooking Basics): 1 due, 0 new." in out
    assert "julienne?" not in out and "· learning ·" in out
    assert rows(state)[1] == [4, 1, 3]

    # the notes are edited and rebuilt: the julienne answer changes, its question does not
    knife = notes / "cooking" / "knife-skills.md"
    knife.write_text(
        knife.read_text(encoding="utf-8").replace("about the size of a matchstick", "2 mm thick"),
        encoding="utf-8",
    )
    assert (
        CliRunner().invoke(main, ["build", str(notes), "-o", str(tmp_path / "d"), "-q"]).exit_code
        == 0
    )

    # session 3, two weeks later: julienne is due as a review (schedule kept), with the new answer
    third = run_quiz(
        monkeypatch, T0 + timedelta(days=14), notes, state, "\n3\n\n3\n", "--book", "cooking"
    )
    out = third.stdout
    assert "Q  What is a julienne?" in out and "2 mm thick" in out and "matchstick" not in out
    julienne_header = next(line for line in out.splitlines() if "knife-skills.md:8" in line)
    assert "· review ·" in julienne_header
    assert "0 new" in out.splitlines()[0]
    cards, _ = rows(state)
    assert cards["What is a julienne?"] == 2  # the same row, keyed by GUID: reviewed twice now

    # right after: nothing is due, and the command says when the next review is
    done = run_quiz(
        monkeypatch, T0 + timedelta(days=14, minutes=5), notes, state, "", "--book", "cooking"
    )
    assert "Nothing due now. Next review due in" in done.stdout


def test_quiz_me_on_architecture_is_one_short_command(monkeypatch, tmp_path, shipped_notes):
    state = tmp_path / "quiz.sqlite3"
    result = run_quiz(monkeypatch, T0, shipped_notes, state, "\n3\nq\n", "--grep", "architecture")
    out = result.stdout
    assert out.startswith("Quiz (matching 'architecture'): 0 due, 10 new, ")
    first_card = out.split("Q  ", 1)[1].split("[1] Again", 1)[0]
    assert "architecture" in first_card.lower()
    assert "Session stopped: 1 answer on 1 card (1 new)" in out


def test_filters_new_limit_and_default_state_path(monkeypatch, tmp_path):
    notes = make_notes(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(quizlib, "utc_now", lambda: T0)
    runner = CliRunner()
    result = runner.invoke(main, ["quiz", str(notes), "--kind", "table", "--new", "1"], input="")
    assert result.exit_code == 0, result.output
    assert "0 due, 1 new, 1 more new held back by --new" in result.stdout
    assert (tmp_path / "xdg" / "notedeck" / "quiz.sqlite3").exists()
    none = runner.invoke(main, ["quiz", str(notes), "--grep", "sourdough"], input="")
    assert none.exit_code == 0 and "No cards match: matching 'sourdough'." in none.stderr
    nothing = runner.invoke(main, ["quiz", str(notes), "--new", "0"], input="")
    assert nothing.exit_code == 0 and "Nothing due now." in nothing.stdout


# ---------------------------------------------------------------- Ctrl-C, wrong keys, next due


def interrupting_io(lines: list[str], clock: Clock, transcript: list[str]) -> quizlib.LineIO:
    """Like ``scripted_io``, then Ctrl-C at the next prompt once the script runs out."""
    pending = iter(lines)

    def read_line() -> str:
        clock.now += timedelta(seconds=20)
        line = next(pending, None)
        if line is None:
            raise KeyboardInterrupt
        return line

    return quizlib.LineIO(read_line, transcript.append)


def test_ctrl_c_keeps_the_card_on_screen_and_the_soonest_due_is_the_learning_card(
    tmp_path, cooking_cards
):
    """julienne Easy (days away), brunoise Again (back in a minute), brunoise shown again and
    Ctrl-C: brunoise is left for now, and the next review is its minute, not julienne's days."""
    clock, transcript = Clock(), []
    io = interrupting_io(["\n", "4\n", "\n", "1\n"], clock, transcript)
    with QuizState(tmp_path / "q.sqlite3") as state:
        plan = quizlib.plan_session(cooking_cards, state, clock(), 10)
        summary = quizlib.Session(plan, state, io, clock, quizlib.make_scheduler(False)).run()
    assert summary.interrupted and summary.stopped and summary.answers == 2
    assert summary.due_left == 1
    assert summary.next_due - clock() < timedelta(minutes=10)
    text = quizlib.format_summary(summary, clock())
    assert "Left for now: 1 card" in text
    assert "Next review due in <1m" in text and not re.search(r"due in \d+d", text)
    assert "".join(transcript).endswith("[q] stop \n")  # the prompt's line is ended


def test_ctrl_c_in_a_real_quiz_prints_the_summary_on_its_own_line_and_exits_130(tmp_path):
    from spawned import Spawned

    notes = make_notes(tmp_path)
    state = tmp_path / "quiz.sqlite3"
    quiz = Spawned("quiz", str(notes), "--book", "cooking", "--state", str(state))
    try:
        at = quiz.expect(r"show answer  \[q\] stop ").end()
        quiz.send("\n")
        at = quiz.expect(r"\[4\] Easy \S+  \[q\] stop ", at).end()
        quiz.send("4\n")
        at = quiz.expect(r"show answer  \[q\] stop ", at).end()
        quiz.send("\n")
        at = quiz.expect(r"\[4\] Easy \S+  \[q\] stop ", at).end()
        quiz.send("1\n")  # Again: the card comes back within the session
        quiz.expect(r"show answer  \[q\] stop ", at)
        code = quiz.interrupt()
    finally:
        quiz.kill()
    out = quiz.output
    assert code == 130, out
    lines = out.splitlines()
    stopped = next(n for n, line in enumerate(lines) if "Session stopped" in line)
    assert lines[stopped].startswith("Session stopped: 2 answers on 2 cards (2 new)")
    assert lines[stopped + 1].startswith("Left for now: 1 card (run the same command to go on).")
    assert not re.search(r"due in \d+d", out)  # not julienne's days: brunoise's minute
    assert "Traceback" not in out and rows(state)[1] == [4, 1]


def test_a_wrong_key_gets_a_one_line_hint(monkeypatch, tmp_path):
    notes = make_notes(tmp_path)
    result = run_quiz(
        monkeypatch, T0, notes, tmp_path / "q.sqlite3", "\n7\n3\nq\n", "--book", "cooking"
    )
    hint = "  Press 1 Again, 2 Hard, 3 Good or 4 Easy to rate, q to stop."
    assert result.stdout.count(hint) == 1
    assert "→ Good: next in" in result.stdout


def test_key_io_hints_once_at_a_wrong_key(monkeypatch, capsys):
    keys = iter(["z", "z", "\r", "9", "2"])
    monkeypatch.setattr("click.getchar", lambda: next(keys))
    io = KeyIO()
    assert io.ask("show? ", "\n") == "\n"
    assert io.ask("rate? ", "1234") == "2"
    out = capsys.readouterr().out
    assert out.count("Press Enter or Space to show the answer, q to stop.") == 1
    assert out.count("Press 1 Again, 2 Hard, 3 Good or 4 Easy to rate, q to stop.") == 1
