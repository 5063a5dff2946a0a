"""Concepts extractor: concept and pattern headings, comparisons, what never becomes a card."""

from __future__ import annotations

from _extract import qa, questions


def test_heading_naming_a_pattern():
    got = qa(
        """
        ### Lambda architecture

        The Lambda architecture runs a batch layer and a streaming layer side by side.

        ## Circuit breaker pattern
        A wrapper that stops sending requests once failures cross a threshold, like a circuit does.
    """,
        "concept",
    )
    assert got["What is the Lambda architecture?"].startswith("The Lambda architecture runs")
    assert "What is the circuit breaker pattern?" in got


def test_versus_heading_is_a_comparison():
    got = qa(
        """
        ## Monolith vs microservices

        A monolith ships as a single unit and shares one database. Microservices split the system.
    """,
        "concept",
    )
    assert list(got) == ["What is the difference between monolith and microservices?"]


def test_title_joining_two_things_asks_about_the_one_described():
    got = questions(
        """
        ## Convergence and the data lakehouse

        The data lakehouse keeps data in cheap object storage but adds warehouse controls on top.

        ## Splits and fit

        Most of this section was a worked example on the whiteboard with lots of numbers.
    """,
        "concept",
    )
    assert got == ["What is the data lakehouse?"]


def test_titles_generic_headings_and_chatter_make_nothing():
    assert (
        questions(
            """
        # Designing Good Data Architecture

        Took me two evenings. Much more conceptual than the last chapter, lots of vocabulary.

        ## Architecture types

        The book walks through several styles of architecture, one per subsection below.

        ### Summary

        Flexible, reversible, loosely coupled, and secure, which is what the whole chapter says.

        ## Friday 20 Nov

        Slept badly, two coffees, then read the whole chapter on the train home.
    """,
            "concept",
        )
        == []
    )


def test_section_starting_with_a_list_table_or_code_is_left_to_other_rules():
    assert (
        questions(
            """
        ## Lab snippet

        ```python
        print("hello world from the lab")
        ```

        ## Organelles

        | Organelle | Function |
        |---|---|
        | Nucleus | stores DNA |
    """,
            "concept",
        )
        == []
    )


def test_bold_question_with_its_answer():
    got = qa(
        """
        ## Layers

        **Why layers?** Each layer only talks to the layers next to it, so one can change alone.
    """,
        "concept",
    )
    assert got == {
        "Why layers?": "Each layer only talks to the layers next to it, so one can change alone."
    }


def test_qualifiers_are_dropped_from_concept_titles():
    got = questions(
        """
        ## Backpressure in a bit more depth

        A slow consumer signals upstream producers to slow down instead of buffering forever.
    """,
        "concept",
    )
    assert got == ["What is backpressure?"]
