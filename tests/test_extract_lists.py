"""Lists extractor: lead-ins, headings, callouts, sub-lists, outline items, question phrasing."""

from __future__ import annotations

from _extract import cards, qa, questions
from notedeck.extract.phrasing import phrase_question

PILLARS = """
    ## Principles

    The AWS Well-Architected Framework has six pillars:

    - Operational excellence: run and monitor workloads well.
    - Security: protect data, systems and assets.
    - Reliability: the workload does its job consistently.
    - Performance efficiency: use compute resources efficiently.
    - Cost optimization: deliver business value at the lowest cost.
    - Sustainability: keep the environmental impact small.
"""


def test_lead_in_list_is_one_card_with_every_item():
    got = cards(PILLARS, "list")
    assert [c.question for c in got] == [
        "What are the six pillars of the AWS Well-Architected Framework?"
    ]
    for pillar in (
        "Operational excellence",
        "Security",
        "Reliability",
        "Performance efficiency",
        "Cost optimization",
        "Sustainability",
    ):
        assert f"- {pillar}:" in got[0].answer
    assert len(cards(PILLARS, "definition")) == 6  # the items are definitions too


def test_numbered_order_and_sub_points_are_kept():
    got = qa(
        """
        There are two key features of MLOps:

        1. Model development
           - Set a clear business objective first, then start model work.
           - Make everything reproducible.
        2. Monitoring
           - Track drift and accuracy.
           - Track latency.
    """,
        "list",
    )
    answer = got["What are the two key features of MLOps?"]
    assert answer.index("1. Model development") < answer.index("2. Monitoring")
    assert "   - Make everything reproducible." in answer
    # an outline item with sub-points is a card of its own
    assert got["What does model development cover?"].startswith("- Set a clear business")
    assert "What are the key points of Monitoring?" not in got  # "-ing" nouns are lowered
    assert "What does monitoring cover?" in got


def test_list_directly_under_a_heading():
    got = qa(
        """
        ### 3.2 Basic policies
        1. FIFO
        2. Round robin
    """,
        "list",
    )
    assert got == {"What are the basic policies?": "1. FIFO\n2. Round robin"}


def test_a_one_word_heading_asks_with_its_subject_and_keeps_its_key():
    """The question changed in 0.5 ("What is Recipient?" → "Hashcash — Recipient?"); the key
    did not, so a card a learner has reviewed keeps its GUID."""
    found = cards(
        """
        # Hashcash
        ## Recipient
        1. Hashes the header once.
        2. Rejects the stamp when its first bits are not zero.
    """,
        "list",
    )
    assert [(c.question, c.key) for c in found] == [("Hashcash — Recipient?", "recipient")]


def test_definitions_under_a_bare_heading_give_no_list_card():
    assert (
        questions(
            """
        ## Regularization
        - dropout: randomly zeroes activations during training
        - weight decay: adds a penalty proportional to the squared weights
    """,
            "list",
        )
        == []
    )


def test_item_lead_in_and_callout_title():
    got = questions(
        """
        - Congestion control has three phases:
          - slow start
          - congestion avoidance
          - fast recovery

        > [!tip] Operations a B+ tree handles well
        > - point lookups
        > - range scans
    """,
        "list",
    )
    assert got == [
        "What are the three phases of congestion control?",
        "What are the operations a B+ tree handles well?",
    ]


def test_task_lists_and_generic_headings_make_no_list_card():
    assert (
        questions(
            """
        ## Follow-ups
        - [ ] re-watch the compaction lecture
        - [x] finish the homework

        ## My notes
        - reread chapter 2
        - compare with the slides
    """,
            "list",
        )
        == []
    )


def test_a_list_of_open_questions_is_not_a_card():
    assert (
        questions(
            """
        ## Book club
        - Is willpower really overrated?
        - Why do bad habits stick?
    """,
            "list",
        )
        == []
    )


def test_clauses_that_are_no_noun_phrase_ask_nothing():
    """A bullet's shorthand ("Reduces …", "Uses a …") or a phrase cut after its participle is
    no subject: the lead-in and count come back, which the scorer's veto leaves out."""
    for lead in (
        "Reduces computational complexity of AES",
        "A 32-bit field inserted",
        "Uses a hash",
    ):
        assert phrase_question(lead, 3) == f"{lead}: (3 items)"
    assert phrase_question("Optimality condition", 2) == "What is optimality condition?"
    assert phrase_question("It has three properties", 3, referent="hash function") == (
        "What are the three properties the hash function has?"
    )


def test_question_phrasing():
    assert phrase_question("Common approaches", 2) == "What are common approaches?"
    assert (
        phrase_question("Two ways to coordinate a saga", 2)
        == "What are the two ways to coordinate a saga?"
    )
    assert (
        phrase_question("Why data lake 1.0 disappointed people", 4)
        == "Why data lake 1.0 disappointed people?"
    )
    assert phrase_question("The three-way handshake goes like this", 3, ordered=True) == (
        "What are the steps of the three-way handshake?"
    )
    assert (
        phrase_question("Computer generations (KNOW THE ORDER)", 4)
        == "What are computer generations?"
    )
    # "<clause> <number> <things>" is turned around; other clauses are asked with the item count
    assert phrase_question("The OS tracks three process states", 3) == (
        "What are the three process states the OS tracks?"
    )
    assert phrase_question("A read checks these places in order", 3) == (
        "What are the places a read checks, in order?"
    )
    assert phrase_question("TCP provides reliable delivery using", 4) == (
        "TCP provides reliable delivery using: (4 items)"
    )
    assert phrase_question("When designing systems, four properties keep coming up", 4) == (
        "What are the four properties that keep coming up when designing systems?"
    )
    # a clause no shape can phrase keeps the lead-in and count (the scorer never keeps it)
    assert (
        phrase_question("Software designers can only", 3)
        == "Software designers can only: (3 items)"
    )
    assert phrase_question("A state is safe if", 2) == "When is a state safe?"
    assert phrase_question("Corner solutions satisfy", 2) == "What do corner solutions satisfy?"
    assert phrase_question("This pattern is useful when", 2, subject="Event sourcing") == (
        "When is event sourcing useful?"
    )
