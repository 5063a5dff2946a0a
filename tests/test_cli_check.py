# ruff: noqa: E501  (markdown prose in the fixtures reads better unwrapped)
"""``notedeck check``: every kind of finding at the right file:line, --strict, --json, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli_notes import make_notes
from conftest import write_notes
from notedeck.commands.cli import main

PROBLEMS = {
    "notedeck.yaml": """
        books:
          - title: Systems Design
        """,
    # line 1: diary text under no book; line 7: section with no card; line 11: list with no lead-in
    "log.md": """
        # Monday

        Slept fine, then spent the whole morning reading about queues and messaging systems in the library.

        ## Systems Design chapter 4

        ### How delivery guarantees differ between the brokers we use

        Delivery guarantees differ a lot between brokers and the trade-offs are subtle in practice overall.

        Some brokers and what they favour
        - Kafka keeps an ordered log per partition
        - RabbitMQ routes messages through exchanges

        ### Backpressure

        Backpressure lets a slow consumer tell a fast producer to slow down before the queue overflows.

        ![diagram](missing.png)

        ```
        ![not an image](inside-code.png)
        ```
        """,
    # near-duplicate (same question, other kind, other file) and a very long question
    "ch05.md": """
        ---
        book: Systems Design
        chapter: 5
        ---

        **Backpressure** is a signal from a slow consumer to a fast producer to slow down.

        Q: In a system where producers keep emitting messages faster than the consumers can process them for long periods of time, what are the options?
        A: Buffer, drop, or apply backpressure.
        """,
    # front matter book typo (line 2)
    "typo.md": """
        ---
        book: Sytems Design
        ---

        **Sharding** is splitting one dataset across several databases by a key.
        """,
    # front matter that never closes
    "open.md": """
        ---
        book: Systems Design
        chapter: 6

        **Replication** keeps copies of the same data on several machines.
        """,
}


@pytest.fixture
def runner():
    return CliRunner()


def findings(runner, notes, *args):
    result = runner.invoke(main, ["check", str(notes), "--json", *args])
    return result, json.loads(result.stdout)


def test_clean_notes_pass_even_strict(runner, tmp_path):
    notes = make_notes(tmp_path)
    result = runner.invoke(main, ["check", str(notes), "--strict"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems found (8 cards from 2 note files)" in result.stderr


def test_every_problem_is_reported_at_its_line(runner, tmp_path):
    notes = write_notes(tmp_path / "notes", PROBLEMS)
    result = runner.invoke(main, ["check", str(notes)])
    assert result.exit_code == 0, result.output  # warnings only: not a failure without --strict
    lines = result.stdout.splitlines()
    root = notes.as_posix()

    def reported(where: str, *words: str) -> None:
        hits = [line for line in lines if line.startswith(f"{root}/{where}: warning: ")]
        assert any(all(w in h for w in words) for h in hits), (where, words, lines)

    reported("log.md:1", "'Monday'", "belongs to no book")
    reported("log.md:7", "section 'How delivery guarantees differ", "made no card")
    reported("log.md:19", "image not found", "missing.png")
    reported("ch05.md:8", "question is", "characters long")
    reported("typo.md:2", "'Sytems Design' is not listed", "did you mean 'Systems Design'")
    reported("open.md:1", "front matter is never closed")
    reported("log.md:17", "'What is backpressure?' asks the same as", "ch05.md:6", "definition")
    assert not any("inside-code.png" in line for line in lines)  # code is not an image reference
    assert "problems in" in result.stderr


def test_near_duplicates_and_silent_lists(runner, tmp_path):
    notes = write_notes(tmp_path / "notes", PROBLEMS)
    _, data = findings(runner, notes)
    codes = {(f["code"], f["path"].rsplit("/", 1)[-1], f["line"]) for f in data}
    near = [f for f in data if f["code"] == "near-duplicate"]
    assert near and "backpressure" in near[0]["message"].lower()
    assert ("no-card", "log.md", 7) in codes
    # warnings, and the scorer's unsure candidates as "info" (nothing to fix)
    assert {f["severity"] for f in data} <= {"warning", "info"}
    assert "warning" in {f["severity"] for f in data}
    assert all(set(f) == {"path", "line", "severity", "code", "message"} for f in data)
    # a list without a lead-in inside a section that made other cards
    notes2 = write_notes(
        tmp_path / "n2",
        {
            "a.md": """
                ---
                book: Systems Design
                ---

                # Queues

                A **queue** is a buffer that holds messages until a consumer takes them.

                Some brokers worth knowing
                - Kafka keeps an ordered log per partition
                - RabbitMQ routes messages through exchanges
                """
        },
    )
    _, data2 = findings(runner, notes2)
    assert [(f["code"], f["line"]) for f in data2] == [("no-card", 10)]
    assert "list of 2 items" in data2[0]["message"]


def test_strict_and_quiet(runner, tmp_path):
    notes = write_notes(tmp_path / "notes", PROBLEMS)
    strict = runner.invoke(main, ["check", str(notes), "--strict"])
    assert strict.exit_code == 1
    quiet = runner.invoke(main, ["check", str(notes), "--strict", "-q"])
    assert quiet.exit_code == 1 and quiet.output == ""


def test_unreadable_file_is_an_error_even_without_strict(runner, tmp_path):
    notes = make_notes(tmp_path)
    (notes / "systems" / "bad.md").write_bytes(b"# Title\n\nok\n\xfe\xff\n")
    result, data = findings(runner, notes)
    assert result.exit_code == 1
    errors = [f for f in data if f["severity"] == "error"]
    assert len(errors) == 1
    assert errors[0]["path"] == f"{notes.as_posix()}/systems/bad.md" and errors[0]["line"] == 4
    assert "not UTF-8" in errors[0]["message"]


def test_skipped_and_generic_sections_are_silent(runner, tmp_path):
    notes = write_notes(
        tmp_path / "notes",
        {
            "a.md": """
                ---
                book: Systems Design
                ---

                # Queues

                A **queue** is a buffer that holds messages until a consumer takes them.

                ## My notes

                Need to reread this chapter next week, the part on ordering guarantees was fast.

                ## Open thoughts
                <!-- notedeck: skip-section -->

                Maybe compare brokers on throughput and latency in a small benchmark later on.
                """
        },
    )
    result, data = findings(runner, notes, "--strict")
    assert data == [] and result.exit_code == 0, data


def test_question_signature_ignores_phrasing_not_content():
    from notedeck.commands.check import question_signature

    assert question_signature("What are the properties of the CAP theorem?") == (
        "cap",
        "propertie",
        "theorem",
    )
    assert question_signature("What is the Lambda architecture?") == question_signature(
        "Lambda architecture"
    )
    assert question_signature("What are microservices?") == question_signature(
        "What is a microservice?"
    )
    assert question_signature("What is a data lake?") != question_signature(
        "What is a data warehouse?"
    )


def test_front_matter_problems_are_reported_at_their_line(runner, tmp_path):
    """Malformed YAML is a warning (the body builds); a bad notedeck option is an error."""
    notes = write_notes(
        tmp_path / "notes",
        {
            "a.md": "---\nbook: [Systems\n---\n\n**Queue** is a buffer for messages between services.\n",
            "b.md": "---\nbook: Systems\nnotedeck:\n  skipp: true\n---\n\nText.\n",
        },
    )
    result, data = findings(runner, notes)
    assert result.exit_code == 1
    got = {(f["path"].rsplit("/", 1)[-1], f["line"], f["severity"]) for f in data}
    assert got == {("a.md", 2, "warning"), ("b.md", 3, "error")}
    messages = " ".join(f["message"] for f in data)
    assert "invalid YAML" in messages and "unknown notedeck option 'skipp'" in messages
