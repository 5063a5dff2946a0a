"""A spaced-repetition quiz in the terminal, scheduled by FSRS (the ``fsrs`` package).

Like an Anki review: the question, the answer on Enter, then a rating 1 Again · 2 Hard · 3 Good ·
4 Easy with the next interval shown for each.  Cards still in a short learning step (due within
``LEARN_AHEAD``, Anki's default 20 minutes) come back later in the same session, as in Anki.

Time, input and output are injected (``clock``, ``QuizIO``), so a whole session can be driven by a
test; the schedule lives in a ``QuizState`` SQLite file keyed by card GUID.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from notedeck.commands.preview import CardText, card_text, indent_block, terminal_width
from notedeck.commands.quizstate import QuizState
from notedeck.model import RenderedCard

LEARN_AHEAD = timedelta(minutes=20)
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
QUIT_KEYS = {"q", "Q", "\x1b"}  # q or Escape
# What a key that means nothing at a prompt gets: one line, so a stray key is never a mystery.
HINTS = {
    "\n": "  Press Enter or Space to show the answer, q to stop.",
    "1234": "  Press 1 Again, 2 Hard, 3 Good or 4 Easy to rate, q to stop.",
}


def hint_for(choices: str) -> str:
    return HINTS.get(choices, f"  Press one of {', '.join(choices)}, or q to stop.")


def utc_now() -> datetime:
    return datetime.now(UTC)


class QuizIO(Protocol):
    """What a session needs from a terminal."""

    def show(self, text: str, style: dict | None = None) -> None: ...

    def ask(self, prompt: str, choices: str) -> str:
        """One of ``choices`` (``"\\n"`` for Enter), or ``"q"`` to stop (also at end of input)."""
        ...


class LineIO:
    """Line-based input (a pipe, a test): Enter shows the answer, then 1–4 and Enter rates.

    ``write`` gets text without an added newline; input is not echoed, so a newline follows it.
    """

    def __init__(self, read_line: Callable[[], str], write: Callable[[str], None]):
        self.read_line = read_line
        self.write = write

    def show(self, text: str, style: dict | None = None) -> None:
        self.write(text + "\n")

    def ask(self, prompt: str, choices: str) -> str:
        while True:
            self.write(prompt)
            line = self.read_line()
            self.write("\n")
            if not line:
                return "q"  # end of input
            answer = line.strip()[:1] or "\n"
            if answer in QUIT_KEYS:
                return "q"
            if answer in choices:
                return answer
            if "\n" in choices and "\n" not in answer:
                return "\n"  # at "show answer", anything but q reveals
            self.write(hint_for(choices) + "\n")


@dataclass(frozen=True)
class QueueEntry:
    rendered: RenderedCard
    fsrs_card: object  # fsrs.Card
    new: bool


@dataclass
class Summary:
    """What one session did; printed at the end and returned to the caller."""

    answers: int = 0
    ratings: Counter = field(default_factory=Counter)
    cards: set[str] = field(default_factory=set)
    new_cards: set[str] = field(default_factory=set)
    stopped: bool = False
    interrupted: bool = False  # stopped by Ctrl-C (the command then exits 130)
    due_left: int = 0
    next_due: datetime | None = None
    started: datetime | None = None
    ended: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "answers": self.answers,
            "cards": len(self.cards),
            "new_cards": len(self.new_cards),
            "ratings": {RATING_NAMES[k].lower(): self.ratings.get(k, 0) for k in RATING_NAMES},
            "stopped_early": self.stopped,
            "interrupted": self.interrupted,
            "due_left": self.due_left,
            "next_due": self.next_due.isoformat() if self.next_due else None,
        }


@dataclass(frozen=True)
class Plan:
    """The cards a session will show: due reviews first (most overdue first), then new cards."""

    due: tuple[QueueEntry, ...]
    new: tuple[QueueEntry, ...]
    new_available: int  # new cards matching the filters, before the --new limit
    next_due: datetime | None  # the earliest later due date among the cards not due now


def make_scheduler(fuzz: bool = True):
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=fuzz)


def card_id(guid: str) -> int:
    """A stable positive integer for fsrs' card_id (fsrs would otherwise use the clock)."""
    return 1 + int.from_bytes(hashlib.sha256(guid.encode()).digest()[:6], "big")


def plan_session(
    cards: list[RenderedCard], state: QuizState, now: datetime, new_limit: int
) -> Plan:
    from fsrs import Card, State

    known = state.load([r.card.guid for r in cards])
    due, new, later = [], [], []
    for rendered in cards:
        fsrs_card = known.get(rendered.card.guid)
        if fsrs_card is None:
            new.append(
                QueueEntry(rendered, Card(card_id=card_id(rendered.card.guid), due=now), True)
            )
        elif fsrs_card.due <= now or (
            fsrs_card.state != State.Review and fsrs_card.due - now <= LEARN_AHEAD
        ):
            # due, or a learning step that ends within Anki's learn-ahead limit
            due.append(QueueEntry(rendered, fsrs_card, False))
        else:
            later.append(fsrs_card.due)
    due.sort(key=lambda e: e.fsrs_card.due)
    return Plan(tuple(due), tuple(new[: max(0, new_limit)]), len(new), min(later, default=None))


class Session:
    """One quiz session over a plan; ``run()`` returns the summary."""

    def __init__(
        self,
        plan: Plan,
        state: QuizState,
        io: QuizIO,
        clock: Callable[[], datetime] | None = None,
        scheduler=None,
        width: int | None = None,
    ):
        self.width = width or terminal_width()
        self.queue: deque[QueueEntry] = deque((*plan.due, *plan.new))
        self.plan = plan
        self.state = state
        self.io = io
        self.clock = clock or utc_now
        self.scheduler = scheduler or make_scheduler()
        self.summary = Summary()

    def run(self) -> Summary:
        self.summary.started = self.clock()
        later: list[datetime] = [self.plan.next_due] if self.plan.next_due else []
        entry = None
        try:
            while self.queue:
                entry = self.queue.popleft()
                outcome = self._review(entry)
                if outcome is None:
                    self.summary.stopped = True
                    self.queue.appendleft(entry)
                    break
                if outcome.due - self.clock() <= LEARN_AHEAD:
                    self.queue.append(QueueEntry(entry.rendered, outcome, False))
                else:
                    later.append(outcome.due)
                entry = None
        except KeyboardInterrupt:
            # The card on screen was not answered: it is still left (and, in learning, the
            # soonest due), so it goes back before the summary counts what is left.
            if entry is not None:
                self.queue.appendleft(entry)
            self.summary.stopped = self.summary.interrupted = True
            self.io.show("")  # Ctrl-C came at a prompt: the summary starts a line of its own
        self.summary.ended = self.clock()
        self.summary.due_left = len({e.rendered.card.guid for e in self.queue})
        # The earliest due card of all, learning ones included (one due in 10 minutes comes
        # before a review in 7 days); a new card never shown has no due date yet.
        upcoming = later + [e.fsrs_card.due for e in self.queue if not e.new]
        self.summary.next_due = min(upcoming, default=None)
        return self.summary

    def _review(self, entry: QueueEntry):
        """Show one card, read the rating, save it; the new fsrs card, or None to stop."""
        from fsrs import Rating

        text = card_text(entry.rendered)
        shown_at = self.clock()
        self.io.show(self._header(entry, text), {"dim": True})
        self.io.show(indent_block(text.question, "Q  ", self.width), {"bold": True})
        if self.io.ask("  [Enter] show answer  [q] stop ", "\n") == "q":
            return None
        self.io.show(indent_block(text.answer, "A  ", self.width))
        now = self.clock()
        options = {r.value: self.scheduler.review_card(entry.fsrs_card, r, now) for r in Rating}
        menu = "  ".join(
            f"[{n}] {RATING_NAMES[n]} {interval(options[n][0].due - now)}" for n in RATING_NAMES
        )
        key = self.io.ask(f"  {menu}  [q] stop ", "1234")
        if key == "q":
            return None
        rating = int(key)
        new_card, _log = options[rating]
        duration = int((now - shown_at).total_seconds() * 1000)
        card = entry.rendered.card
        self.state.save(card.guid, new_card, rating, now, duration, card.book, card.question)
        self._count(entry, rating)
        self.io.show(
            f"  → {RATING_NAMES[rating]}: next in {interval(new_card.due - now)}\n", {"dim": True}
        )
        return new_card

    def _header(self, entry: QueueEntry, text: CardText) -> str:
        """Two short lines: where we are in the session, then where the card comes from."""
        left = len(self.queue) + 1
        status = "new" if entry.new else entry.fsrs_card.state.name.lower()
        first = f"── {left} left · {text.kind} · {status} · {text.location}"
        return f"{_clip(first, self.width)}\n{_clip('   ' + text.breadcrumb, self.width)}"

    def _count(self, entry: QueueEntry, rating: int) -> None:
        guid = entry.rendered.card.guid
        self.summary.answers += 1
        self.summary.ratings[rating] += 1
        self.summary.cards.add(guid)
        if entry.new:
            self.summary.new_cards.add(guid)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def interval(delta: timedelta) -> str:
    """Anki-style short interval: <1m, 10m, 3h, 8d, 2.5mo, 1.2y."""
    seconds = max(0, delta.total_seconds())
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def format_summary(summary: Summary, now: datetime) -> str:
    ratings = " · ".join(
        f"{RATING_NAMES[n].lower()} {summary.ratings.get(n, 0)}" for n in RATING_NAMES
    )
    minutes = ((summary.ended or now) - (summary.started or now)).total_seconds() / 60
    took = "under a minute" if minutes < 1 else f"{round(minutes)} min"
    verdict = "stopped" if summary.stopped else "done"
    cards = f"{_count(len(summary.cards), 'card')} ({len(summary.new_cards)} new)"
    lines = [
        f"Session {verdict}: {_count(summary.answers, 'answer')} on {cards} in {took} — {ratings}"
    ]
    if summary.due_left:
        lines.append(
            f"Left for now: {_count(summary.due_left, 'card')} (run the same command to go on)."
        )
    if summary.next_due and not (summary.due_left and summary.next_due <= now):
        lines.append(
            f"Next review due in {interval(summary.next_due - now)} "
            f"({summary.next_due.astimezone():%Y-%m-%d %H:%M})."
        )
    return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_plan(plan: Plan, what: str) -> str:
    scope = f" ({what})" if what else ""
    extra = plan.new_available - len(plan.new)
    more = f", {extra} more new held back by --new" if extra > 0 else ""
    return f"Quiz{scope}: {len(plan.due)} due, {len(plan.new)} new{more}."
