"""The quiz schedule: one small SQLite file, one row per card GUID.

Keyed by GUID — which depends on the book, kind and question, never the answer, file or line —
so a rebuild that edits an answer or moves a section keeps the card's schedule.  Every rating is
committed at once, so Ctrl-C or a closed terminal loses nothing already answered.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from notedeck.errors import NotedeckError

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
    guid TEXT PRIMARY KEY,
    fsrs TEXT NOT NULL,        -- fsrs.Card.to_json()
    due TEXT NOT NULL,         -- ISO 8601 UTC, copied out of fsrs for queries
    book TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL DEFAULT '',
    reviews INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    guid TEXT NOT NULL,
    rating INTEGER NOT NULL,   -- 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at TEXT NOT NULL,
    duration_ms INTEGER
);
CREATE INDEX IF NOT EXISTS reviews_guid ON reviews (guid);
"""


class StateError(NotedeckError):
    """The quiz state file cannot be opened or is not a notedeck quiz file."""


def default_state_path() -> Path:
    """``quiz.sqlite3`` in the user's data folder (platformdirs), e.g. ~/.local/share/notedeck/."""
    from platformdirs import user_data_path

    return user_data_path("notedeck", appauthor=False) / "quiz.sqlite3"


class QuizState:
    """Read and write FSRS card states by GUID."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"{path}: made by a newer notedeck (schema {version}); upgrade notedeck"
                )
            self._db.executescript(SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{path}: not a notedeck quiz state file ({exc})") from None
        except OSError as exc:
            raise StateError(f"{path}: cannot open the quiz state ({exc.strerror})") from None

    def __enter__(self) -> QuizState:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def load(self, guids: list[str]):
        """{guid: fsrs.Card} for the GUIDs that have been reviewed before."""
        from fsrs import Card

        found = {}
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT guid, fsrs FROM cards WHERE guid IN ({marks})", chunk)
            for guid, data in rows:
                try:
                    found[guid] = Card.from_json(data)
                except (ValueError, KeyError, TypeError):
                    continue  # a damaged row: the card starts over as new rather than crashing
        return found

    def save(
        self,
        guid: str,
        card,
        rating: int,
        when: datetime,
        duration_ms: int | None,
        book: str,
        question: str,
    ) -> None:
        try:
            self._db.execute(
                "INSERT INTO cards (guid, fsrs, due, book, question, reviews) "
                "VALUES (?, ?, ?, ?, ?, 1) "
                "ON CONFLICT(guid) DO UPDATE SET fsrs = excluded.fsrs, due = excluded.due, "
                "book = excluded.book, question = excluded.question, reviews = reviews + 1",
                (guid, card.to_json(), _iso(card.due), book, question),
            )
            self._db.execute(
                "INSERT INTO reviews (guid, rating, reviewed_at, duration_ms) VALUES (?, ?, ?, ?)",
                (guid, rating, _iso(when), duration_ms),
            )
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{self.path}: cannot save the review ({exc})") from None

    def review_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
