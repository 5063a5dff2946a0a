# ruff: noqa: E501  (markdown prose in the fixtures reads better unwrapped)
"""A small two-book notes tree shared by the CLI tests: five kinds of card, an image, two books."""

from __future__ import annotations

import base64
from pathlib import Path

from conftest import write_notes

# a 1×1 PNG, so the HTML preview has a real image to embed
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

FILES = {
    "notedeck.yaml": """
        books:
          - title: Systems Design
            aliases: [SD]
          - title: Cooking Basics
        """,
    "systems/book.yaml": "title: Systems Design\n",
    "systems/ch01-patterns.md": """
        # Chapter 1: Architecture patterns

        ## Event sourcing

        Event sourcing stores every change to application state as an immutable event in an append-only log, so the current state can be rebuilt by replaying the events.

        **Idempotency** is the property that applying an operation twice has the same effect as applying it once.

        The CAP theorem has three properties:

        - consistency
        - availability
        - partition tolerance

        ## Resilience patterns

        | Pattern | Purpose |
        |---|---|
        | Circuit breaker | Stop calling a failing service for a while |
        | Bulkhead | Isolate resources so one consumer cannot starve the others |

        Q: What does a ship's bulkhead look like?
        A: Walls that split the hull into watertight parts. ![bulkheads on a ship](bulkhead.png)
        """,
    "cooking/knife-skills.md": """
        ---
        book: Cooking Basics
        chapter: 2
        ---

        # Knife skills

        A **julienne** is a cut into long thin strips, about the size of a matchstick.

        A **brunoise** is a very small dice made by cutting a julienne crosswise into cubes.
        """,
}

QUESTIONS = {
    "What is event sourcing?",
    "What is idempotency?",
    "What are the three properties of the CAP theorem?",
    "Circuit breaker — Purpose?",
    "Bulkhead — Purpose?",
    "What does a ship's bulkhead look like?",
    "What is a julienne?",
    "What is a brunoise?",
}


def make_notes(root: Path) -> Path:
    notes = write_notes(root / "notes", FILES)
    (notes / "systems" / "bulkhead.png").write_bytes(PNG)
    return notes
