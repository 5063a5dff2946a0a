"""How a build's independent pieces of work run: in this process, or on every core.

Processing one note needs nothing from any other note, and planning one deck nothing from another
book, so a big build spreads them over worker processes (the GIL keeps threads from helping: the
work is pure Python).  ``choose_runner`` picks once, at the start of a build, a ``SerialRunner``
or a ``ProcessRunner``; both have the same ``map`` and give results in input order, so a
parallel build gives byte-for-byte the decks, warnings and errors of a serial one.

Everything about processes lives here: when they pay (small builds, ``--debug`` and one-CPU
machines stay in one process), forking or spawning, chunking, biggest-first ordering, Ctrl-C,
how cards are pickled, and the pause of the cyclic garbage collector during a build.
"""

from __future__ import annotations

import copyreg
import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from notedeck.errors import NotedeckError, debugging
from notedeck.model import Card, RenderedCard

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported when workers start: a small build or a
# rebuild served from the cache never pays for them.

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

MIN_FILES = 24  # below this many notes to process, starting processes costs more than it saves
MIN_WEIGHT = 2000  # weighted work (cards of the books to plan) lighter than this stays here
MAX_CHUNK = 16  # items (note files) a worker takes at a time
AUTO_WORKERS = 16  # at most, unless asked: each worker holds its own parser, caches and a book
MAX_WORKERS = 61  # Windows cannot wait on more processes than this


class WorkerError(NotedeckError):
    """A worker process died (killed for memory, say): the build cannot finish."""


def available_cpus() -> int:
    """CPUs this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def worker_count(jobs: int | None, tasks: int) -> int:
    """How many processes to use for ``tasks`` notes to process: ``jobs`` if the user chose,
    else one per CPU when there are enough notes to make starting them worth it."""
    if tasks <= 1 or debugging():
        return 1
    if jobs is not None:
        return max(1, min(jobs, tasks, MAX_WORKERS))
    if tasks < MIN_FILES:
        return 1
    return min(available_cpus(), tasks, AUTO_WORKERS)


def choose_runner(jobs: int | None, tasks: int) -> SerialRunner | ProcessRunner:
    """The runner for a build with ``tasks`` notes to process (decided once, up front)."""
    count = worker_count(jobs, tasks)
    return ProcessRunner(count, chosen=jobs is not None) if count > 1 else SerialRunner()


class SerialRunner:
    """Everything in this process.  As a context manager it pauses the cyclic garbage collector:
    a build allocates hundreds of thousands of objects that live until it ends (tokens, cards,
    fields) and next to no reference cycles, so the collector would scan them again and again
    for nothing (~10% of a build's CPU); refcounting frees the rest."""

    def __enter__(self):
        self._collecting = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self._collecting:
            gc.enable()

    def map(
        self,
        func: Callable[[S, T], R],
        items: Sequence[T],
        shared: S,
        weight: Callable[[T], int] | None = None,
    ) -> Iterator[R]:
        """``func(shared, item)`` for every item, results in input order.  Without ``weight``
        the results stream as the items are done; with it, the heaviest items are done first
        (so that workers finish together) and the results come once all are done."""
        if weight is None:
            return (func(shared, item) for item in items)
        order = _heaviest_first(items, weight)
        done = {n: func(shared, items[n]) for n in order}
        return iter([done[n] for n in range(len(items))])


class ProcessRunner(SerialRunner):
    """Worker processes, forked (Linux) at the start of the build while it is still small: each
    task carries its own data, since workers forked late from a big build share its memory only
    until they touch it (at 100k cards that doubled the peak memory)."""

    def __init__(self, count: int, chosen: bool = False):
        self.count = count
        self.chosen = chosen  # --jobs given: every stage uses the workers, however small
        self._pool: ProcessPoolExecutor | None = None
        self._spawned = False
        self._answered = False  # a worker has sent a result back

    def __enter__(self):
        super().__enter__()
        self._pool = self._start(self.count)
        return self

    def __exit__(self, kind, error, traceback) -> None:
        super().__exit__(kind, error, traceback)
        if self._pool is None:
            return
        # After an error or Ctrl-C, tasks not started are dropped and the running ones finish
        # (they are small).  Ctrl-C waits for them here too: left to the interpreter's exit,
        # the pool's manager thread closes its wake-up pipe while the exit hook writes to it
        # (a CPython 3.11 race that printed 16 lines of "Exception ignored" after the
        # one-line message).
        self._pool.shutdown(wait=True, cancel_futures=kind is not None)

    def map(self, func, items, shared, weight=None):
        """As ``SerialRunner.map``, in the workers.  Tasks are queued before this returns, so
        the caller can do other work while they run; ``func`` must be a module-level function
        (a spawned worker imports it).  With ``weight`` the heaviest items start first (a big
        book started last would leave the other workers idle) and all results are gathered
        before the first is returned; weighted work lighter than ``MIN_WEIGHT`` in all runs here
        unless the user chose the number of processes."""
        light = weight and not self.chosen and sum(map(weight, items)) < MIN_WEIGHT
        if len(items) <= 1 or light:
            return super().map(func, items, shared, weight)
        order = _heaviest_first(items, weight) if weight else range(len(items))
        # Small chunks keep every worker busy to the end, and let Ctrl-C stop the build soon.
        chunk = max(1, min(MAX_CHUNK, len(items) // (self.count * 8)))
        # ``shared`` travels with every chunk of items, pickled once per chunk.
        results = self._pool.map(
            _call, repeat(func), repeat(shared), [items[n] for n in order], chunksize=chunk
        )
        if weight is None:
            return self._results(results)
        gathered = dict(zip(order, self._results(results), strict=True))
        return iter([gathered[n] for n in range(len(items))])

    def _start(self, count: int) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        register_pickling()
        forking = _can_fork()
        self._spawned = not forking
        context = multiprocessing.get_context("fork" if forking else "spawn")
        pool = ProcessPoolExecutor(
            count, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        )
        if forking:
            gc.freeze()  # the collector would write to (so copy) every object it visits
        try:  # the first task forks every worker: now, while the build is small
            pool.submit(int)
        finally:
            if forking:
                gc.unfreeze()  # in this process; the workers keep their frozen copy
        return pool

    def _results(self, results: Iterator[R]) -> Iterator[R]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            for result in results:
                self._answered = True
                yield result
        except BrokenProcessPool:
            raise WorkerError(self._broken_reason()) from None
        except KeyboardInterrupt:
            self._stop()
            raise

    def _broken_reason(self) -> str:
        """A spawned worker imports the main module again: a script that calls notedeck outside
        an ``if __name__ == "__main__":`` block makes every worker fail before its first task."""
        hint = "`notedeck build --jobs 1` builds in one process"
        if self._spawned and not self._answered:
            return (
                "worker processes could not start (a script that calls notedeck must do so "
                f'under `if __name__ == "__main__":`, or pass jobs=1); {hint}'
            )
        return f"a worker process stopped unexpectedly (out of memory?); {hint}"

    def _stop(self) -> None:
        """Ctrl-C: drop the tasks not started; each worker ends after the task it is running
        (they ignore SIGINT), so a deck being planned is finished, never torn.  Tasks are kept
        small (``MAX_CHUNK`` files, or one book) for this to be quick."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _heaviest_first(items: Sequence[T], weight: Callable[[T], int]) -> list[int]:
    """Item indices, heaviest first (ties in input order)."""
    return sorted(range(len(items)), key=lambda n: -weight(items[n]))


# ---------------------------------------------------------------- crossing between processes

# Every card crosses between processes twice in a parallel build (rendered, then to be
# planned): pickled as a tuple of its field values instead of a dict of them, a third less to
# unpickle and a tenth less to send (neither class has a __post_init__ to run).
_FIELDS = {cls: tuple(cls.__dataclass_fields__) for cls in (Card, RenderedCard)}
_VALUES = {cls: attrgetter(*names) for cls, names in _FIELDS.items()}


def _restore(cls: type, values: tuple):
    new = object.__new__(cls)
    new.__dict__.update(zip(_FIELDS[cls], values, strict=True))
    return new


def _reduce_card(obj):
    return _restore, (type(obj), _VALUES[type(obj)](obj))


def _restore_error(cls: type[NotedeckError], message: str, state: dict) -> NotedeckError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


def _reduce_error(error: NotedeckError):
    """From the final message: the located errors' ``__init__`` does not take it alone."""
    return _restore_error, (type(error), str(error), error.__dict__)


def register_pickling() -> None:
    """Cards as tuples, and notedeck's errors by their message (a worker may raise one)."""
    for cls in _FIELDS:
        copyreg.pickle(cls, _reduce_card)
    pending = [NotedeckError]
    while pending:
        cls = pending.pop()
        copyreg.pickle(cls, _reduce_error)
        pending.extend(cls.__subclasses__())


def _can_fork() -> bool:
    """Forked workers start at once with notedeck and its libraries imported, but forking is
    only safe from a process with one thread (a lock another thread holds would stay locked in
    the child forever), and only Linux lets us count them; elsewhere workers are spawned.
    A pool that just closed (say, the previous build's) leaves its threads ending for a moment."""
    if not sys.platform.startswith("linux"):
        return False
    deadline = time.monotonic() + 0.2
    while _thread_count() != 1:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def _thread_count() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            line = next(line for line in status if line.startswith("Threads:"))
        return int(line.split()[1])
    except (OSError, StopIteration, ValueError):
        return 0


def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    die_with_parent(parent)
    gc.disable()  # a spawned worker starts with it on (see SerialRunner)
    register_pickling()  # a spawned worker sends cards back too


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """A worker must never outlive the build: if the main process is killed (SIGKILL, the OOM
    killer), its pool's pipes stay open in the sibling workers, so a worker waiting for its
    next task would wait forever and one still working would finish for nobody.  On Linux the
    kernel sends SIGKILL to this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``);
    elsewhere, and if that call is refused, a daemon thread checks the parent twice a second.
    The parent may have died before either was set up: then exit at once."""
    if sys.platform.startswith("linux") and _set_parent_death_signal():
        if os.getppid() != parent:
            os._exit(1)
        return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="notedeck-parent-watch", daemon=True).start()


def _set_parent_death_signal() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _call(func: Callable[[S, T], R], state: S, item: T) -> R:
    return func(state, item)
