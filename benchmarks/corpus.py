"""A deterministic synthetic corpus of natural-style study notes, for the build benchmark.

Every file reads like a learner's chapter notes — "**Term**: …" lines, "A **term** is …"
sentences, lists introduced by a sentence, tables, concept sections — with no card syntax, and
yields about 50 cards.  Terms are pseudo-words built from a global counter, so every card has its
own identity key (no GUID clashes) and the corpus is byte-identical for the same sizes.
"""

from __future__ import annotations

import random
from pathlib import Path

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vex",
    "sa",
    "dun",
    "pel",
    "qui",
    "zar",
    "bo",
    "fen",
    "gal",
    "hix",
    "jor",
    "nym",
    "os",
    "tra",
    "ul",
)
NOUNS = (
    "pipeline",
    "registry",
    "store",
    "pattern",
    "layer",
    "index",
    "queue",
    "model",
    "schema",
    "contract",
    "ledger",
    "cache",
    "broker",
    "gateway",
    "scheduler",
    "monitor",
    "catalog",
    "shard",
)
VERBS = (
    "collects",
    "routes",
    "validates",
    "stores",
    "replays",
    "compacts",
    "tracks",
    "serves",
    "batches",
)
OBJECTS = (
    "events from upstream producers",
    "training features for every model",
    "schema changes before release",
    "late-arriving records",
    "metrics about data freshness",
    "lineage across teams",
    "predictions for online traffic",
    "snapshots of the warehouse",
    "audit logs for regulators",
)
QUALITIES = (
    "low latency",
    "strong consistency",
    "cheap storage",
    "easy replay",
    "clear ownership",
    "fine-grained access",
    "simple operations",
    "high throughput",
)
FILES_PER_BOOK = 20


def word(n: int) -> str:
    """A pronounceable pseudo-word unique to ``n`` (``n`` written in base 20 with syllables)."""
    out = []
    while True:
        n, digit = divmod(n, len(SYLLABLES))
        out.append(SYLLABLES[digit])
        if not n:
            break
    return "".join(out) + "ic"


class _Terms:
    """Hands out unique two-word terms ("Kalomic pipeline") from one global counter."""

    def __init__(self, start: int, rng: random.Random):
        self.n = start
        self.rng = rng

    def __call__(self) -> str:
        self.n += 1
        return f"{word(self.n).capitalize()} {self.rng.choice(NOUNS)}"


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} and favours {rng.choice(QUALITIES)}"


def note_text(book_no: int, chapter: int, file_no: int) -> str:
    """One chapter of notes (~50 cards)."""
    rng = random.Random(file_no)
    term = _Terms(file_no * 1000, rng)
    out = [
        f"# Chapter {chapter}: {word(file_no + 7).capitalize()} systems",
        "",
        "This chapter was dense. Worth going over before the next one, especially the tables.",
        "",
    ]
    for _ in range(5):  # concept sections: 5 cards
        name = term()
        out += [
            f"## {name} architecture",
            "",
            f"It {_sentence(rng)}, which is why teams reach for it when "
            f"{rng.choice(OBJECTS)} pile up.",
            "",
        ]
    out += ["## Vocabulary", "", "Terms from the first half of the chapter.", ""]
    out += [f"**{term()}**: the component that {_sentence(rng)}." for _ in range(10)]  # 10 cards
    out.append("")
    for _ in range(5):  # defining sentences: 5 cards
        out += [
            f"A **{term().lower()}** is a component that {_sentence(rng)}. "
            f"Most teams run one per domain.",
            "",
        ]
    for _ in range(5):  # lists with a lead-in: 5 cards
        subject = term()
        out += [f"The {subject} has four stages:", ""]
        out += [f"- {word(rng.randrange(9000)).capitalize()} {_sentence(rng)}" for _ in range(4)]
        out.append("")
    for _ in range(2):  # tables: 5 rows × 2 columns = 10 cards each
        out += ["## Comparison", "", "| Tool | Purpose | Trade-off |", "| --- | --- | --- |"]
        out += [
            f"| {term()} | {_sentence(rng)} | `{rng.choice(QUALITIES)}` over $O(n)$ cost |"
            for _ in range(5)
        ]
        out.append("")
    out += ["## In practice", ""]  # definition items: 5 cards
    out += [
        f"- **{term()}** – {_sentence(rng)}; see [the docs](https://example.org/{file_no})."
        for _ in range(5)
    ]
    out += ["", "## My notes", "", "- Reread the comparison table before the quiz.", ""]
    return "\n".join(out)


def generate(root: Path, files: int) -> Path:
    """Write ``files`` notes under ``root`` in books of FILES_PER_BOOK chapters; return ``root``."""
    for file_no in range(files):
        book_no, chapter = divmod(file_no, FILES_PER_BOOK)
        folder = root / f"book-{book_no:03d}"
        if chapter == 0:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "book.yaml").write_text(
                f"title: {word(book_no + 3).capitalize()} Handbook {book_no}\n"
            )
        path = folder / f"ch{chapter + 1:02d}.md"
        path.write_text(note_text(book_no, chapter + 1, file_no), encoding="utf-8")
    return root


def touch_one(root: Path, n: int = 0) -> Path:
    """Edit one file the way a learner does: reword one definition and add a new one."""
    path = root / "book-000" / "ch01.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("**: the component that", "**: the part that", 1)
    text += f"\n**Zz{word(n)} ledger**: a ledger added after the first build (edit {n}).\n"
    path.write_text(text, encoding="utf-8")
    return path
