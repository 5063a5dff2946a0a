"""Definitions extractor on small inline notes, including the hard cases."""

from __future__ import annotations

from _extract import cards, qa, questions


def test_bold_term_colon_and_dash():
    got = qa("""
        **Idempotence**: applying an operation twice has the same effect as once.

        - **Ground truth** – the actual outcome you were trying to predict
        - __Primary key__: a column that uniquely identifies each row

        **DNS** (Domain Name System) — translates names into IP addresses.
    """)
    assert got["What is DNS (Domain Name System)?"] == "translates names into IP addresses."
    assert got["What is idempotence?"] == "applying an operation twice has the same effect as once."
    # no lower-case use of "ground" in the note, so the term keeps the note's own casing
    assert got["What is Ground truth?"] == "the actual outcome you were trying to predict"
    assert got["What is primary key?"] == "a column that uniquely identifies each row"


def test_plain_term_items_and_lines():
    got = qa("""
        ## Regularization
        - dropout: randomly zeroes a fraction of activations during training
        - weight decay - adds a penalty proportional to the squared weights
        - Public key – the half of a key pair that can be shared

        Eigendecomposition: splitting a matrix into eigenvectors and eigenvalues.
        SVD - factorizes any real matrix into U, D and V.

        - *Ionic bond* = transfer of electrons from a metal to a non-metal
    """)
    assert got["What is ionic bond?"] == "transfer of electrons from a metal to a non-metal"
    assert got["Regularization — Dropout?"].startswith("randomly zeroes")  # one word: + subject
    assert got["What is weight decay?"].startswith("adds a penalty")
    assert got["What is public key?"].startswith("the half of a key pair")
    assert got["What is eigendecomposition?"].startswith("splitting a matrix")  # one per line
    assert got["What is SVD?"].startswith("factorizes")


def test_article_bold_is_and_bold_is():
    got = qa("""
        A **domain** is the real-world subject area you design for. The **symbol table** refers to
        the structure that records identifiers.

        **Input drift** is when incoming data shifts away from training data, so watch the input.
    """)
    assert got["What is a domain?"] == "A **domain** is the real-world subject area you design for."
    assert got["What is the symbol table?"].startswith("The **symbol table** refers to")
    assert got["What is input drift?"].startswith("**Input drift** is when")


def test_plain_is_sentences_anywhere_in_a_paragraph():
    got = qa("""
        A leader is the replica that accepts writes.
        Replication lag is the delay between a write on the leader and a follower seeing it.

        Apoptosis is programmed cell death, used to remove damaged cells.
    """)
    # a single capitalised word with no lower-case use in the note may be a name: kept as written
    assert set(got) == {"What is a leader?", "What is replication lag?", "What is Apoptosis?"}
    assert got["What is a leader?"] == "A leader is the replica that accepts writes."


def test_what_is_heading_and_its_is_sentence_make_one_card():
    got = cards("""
        ## What is MLOps?

        MLOps is the practice of streamlining how models are managed across their life cycle.
    """)
    assert [c.question for c in got] == ["What is MLOps?"]
    assert got[0].answer.startswith("MLOps is the practice")


def test_definition_list_with_two_definitions():
    got = qa("""
        Nonce
        : a number used only once
        : must never repeat under the same key
    """)
    assert got == {
        "What is Nonce?": "a number used only once\n\nmust never repeat under the same key"
    }


def test_inline_contrasts_and_alternatives():
    got = qa("""
        Tight coupling means components depend on each other's internals, while loose coupling means
        they talk only through stable interfaces, so a tight schedule is no excuse.

        A system can be single-tier (UI, logic and data on one box) or multitier (separate tiers).

        In synchronous communication the caller blocks; in asynchronous communication it carries on.
    """)
    assert got["What is tight coupling?"].startswith("Tight coupling means components depend")
    assert got["What is loose coupling?"].endswith("no excuse.")
    assert got["What is single-tier?"] == "single-tier (UI, logic and data on one box)"
    assert got["What is multitier?"] == "multitier (separate tiers)"
    assert "caller blocks" in got["What is synchronous communication?"]
    assert "carries on" in got["What is asynchronous communication?"]


def test_people_are_asked_who():
    assert questions("- Ada Lovelace - wrote the first published algorithm for a machine") == [
        "Who was Ada Lovelace?"
    ]


def test_chatter_advice_counts_and_asides_are_not_definitions():
    assert (
        questions("""
        Today is a long day and I am tired of reading.

        - Be smart with state - keep state out of components
        - Favor managed services - don't run what a provider runs for you
        - Two main deployment types: model-as-a-service and embedded models
        - Cross-check with ch. 1: the same language problem again

        Note to self: the SMEs show up at both ends of the life cycle.
        The table is the key artifact of this chapter.
        Shadow testing is safer because users only see the champion.
        Architecture is leadership.
        Willpower is overrated according to the author. The second half is a bit slow.
        The weather is terrible again.
        ask prof: do we need exact years??
        """)
        == []
    )


def test_capitalisation_follows_the_notes():
    got = questions("""
        - Scalability: the ability to add capacity to a system
        - Kafka: a distributed append-only log

        Design for scalability from the start.
    """)
    assert got == ["What is scalability?", "What is Kafka?"]


def test_no_card_from_image_or_code():
    assert (
        cards("""
        ![[diagram.png]]

        ```python
        # Port: 9000 - change if taken
        x = 1
        ```
        """)
        == []
    )


def test_pdf_line_breaks_are_joined_for_matching():
    got = questions(
        "Quantum error correction is the set of techniques that protect quantum infor- mation."
    )
    assert got == ["What is quantum error correction?"]


def test_bold_line_then_definition_below():
    assert qa("""
        **Median**
        The middle value when the data are sorted.
    """) == {"What is Median?": "The middle value when the data are sorted."}


def test_key_value_lines_are_neither_cards_nor_swallowed():
    got = qa("""
        Variance — the average squared deviation from the mean.
        Homework: exercises 4.1-4.9
        Mood: tired lol
        Important: always check the distribution first!
        Deadline: Friday
    """)
    assert got == {"What is variance?": "the average squared deviation from the mean."}


def test_acronyms_and_versioned_names():
    got = qa("""
        JWT stands for JSON Web Token.

        OAuth 2.0 is an authorization framework that grants limited access on behalf of a user.
    """)
    assert got["What does JWT stand for?"] == "JWT stands for JSON Web Token."
    assert got["What is OAuth 2.0?"].startswith("OAuth 2.0 is an authorization framework")


def test_project_chatter_and_meeting_remarks_are_not_definitions():
    assert (
        questions("""
        Python is slow but fast enough for us. Cache invalidation is the hard part, as always.

        - Anna: the checkout is flaky on Safari
        - Ben: will look at it tomorrow
        """)
        == []
    )


def test_same_question_with_different_answers_names_its_heading():
    got = cards("""
        ## Principles
        - Reliability: the workload does its job and recovers when something breaks

        ## Distributed systems
        - Reliability: the probability that a system does its job over a given period
    """)
    assert [c.question for c in got] == [
        "What is reliability? (Principles)",
        "What is reliability? (Distributed systems)",
    ]
    assert (
        got[0].key == got[1].key == "reliability"
    )  # identity numbers them; the text tells them apart


def test_a_numbered_heading_tells_repeats_apart_without_its_number():
    got = cards("""
        ## 3. Unix seconds
        - Format: an integer count of seconds since 1970

        ## 4. Milliseconds since epoch
        - Format: an integer count of milliseconds since 1970
    """)
    assert [c.question for c in got] == [
        "Unix seconds — Format?",
        "Milliseconds since epoch — Format?",
    ]


def test_what_is_heading_keeps_the_code_its_answer_introduces():
    got = qa("""
        ## What is a list comprehension?

        A compact way to build a list from an iterable, for example:

        ```python
        squares = [n * n for n in range(10)]  # 0, 1, 4, ...
        ```

        ## What is a generator?

        A function that yields values lazily.

        ```python
        def count(): yield 1
        ```
    """)
    comprehension = got["What is a list comprehension?"]
    assert "for example:" in comprehension
    assert "```python\nsquares = [n * n for n in range(10)]  # 0, 1, 4, ...\n```" in comprehension
    # code that is not introduced by the answer ("…:") stays off the card
    assert got["What is a generator?"] == "A function that yields values lazily."


def test_an_adjective_in_a_list_asks_with_its_heading_and_keeps_its_key():
    """Asked "What is active?" before 0.5; the key did not change with the question, so the
    card a learner reviewed keeps its GUID."""
    found = cards(
        """
        ## Drive statuses
        - **active**: the drive holds a file system the OS uses
    """,
        "definition",
    )
    assert [(c.question, c.key) for c in found] == [("Drive statuses — Active?", "active")]
