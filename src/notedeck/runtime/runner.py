"""Run a build's independent pieces of work on every core: note files, then books.

Parsing, extracting and rendering one note file needs nothing from any other file, and packaging
one book nothing from another book, so a big build spreads them over worker processes (the GIL
keeps threads from helping: the work is pure Python).  Results come back in input order, so a
parallel build gives byte-for-byte the decks, warnings and errors of a serial one.

Processes cost something to start (on Linux they are forked from the build with notedeck already
imported; elsewhere, or from a process running threads, they are spawned and import it), so small
builds, ``--debug`` (tracebacks must come from where they were raised) and one-CPU machines stay
in one process.  Workers ignore Ctrl-C: the main process gets it, stops the pool and reports the
interruption once.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported when workers start: a small build or a
# rebuild served from the cache never pays for them.

from notedeck.errors import NotedeckError, debugging

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

MIN_FILES = 24  # below this many files to parse, starting processes costs more than it saves
MIN_CARDS = 2000  # packaging is parallel per book, once there are this many cards to write
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


def worker_count(jobs: int | None, tasks: int, size: int, minimum: int) -> int:
    """How many processes to use for ``tasks`` pieces of work: ``jobs`` if the user chose, else
    one per CPU when the work's ``size`` (files, cards) makes it worth starting them."""
    if tasks <= 1 or debugging():
        return 1
    if jobs is not None:
        return max(1, min(jobs, tasks, MAX_WORKERS))
    if size < minimum:
        return 1
    return min(available_cpus(), tasks, AUTO_WORKERS)


class Workers:
    """The worker processes of one build: started by the first stage big enough to want them,
    then reused by the next.  They are forked while the build is still small, and each task
    carries its own data: workers forked late from a big build share its memory only until they
    touch it, and packaging touches every card (at 100k cards that doubled the peak memory)."""

    def __init__(self, jobs: int | None):
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._count = 1
        self._collecting = False
        self._spawned = False
        self._answered = False  # a worker has sent a result back

    def __enter__(self) -> Workers:
        # A build allocates hundreds of thousands of objects that live until it ends (tokens,
        # cards, fields) and next to no reference cycles, so the cyclic collector would scan
        # them again and again for nothing: ~10% of a build's CPU.  It is paused for the build,
        # here and in the workers (forked ones inherit the pause); refcounting frees the rest.
        self._collecting = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self._collecting:
            gc.enable()
        if self._pool is None:
            return
        # After an error or Ctrl-C, tasks not started are dropped; running ones finish (Ctrl-C
        # does not wait for them here: the interpreter does, on its way out).
        interrupted = kind is not None and issubclass(kind, KeyboardInterrupt)
        self._pool.shutdown(wait=not interrupted, cancel_futures=kind is not None)

    def map(
        self, func: Callable[[S, T], R], items: Sequence[T], state: S, size: int, minimum: int
    ) -> Iterator[R]:
        """``func(state, item)`` for every item, in order: in the workers when the stage's
        ``size`` (files, cards) reaches ``minimum`` or the user chose ``jobs``, else here.

        With workers, the tasks are queued before this returns, so the caller can do other work
        while they run.  ``func`` must be a module-level function (a spawned worker imports it).
        """
        count = worker_count(self.jobs, len(items), size, minimum)
        if count <= 1:
            return (func(state, item) for item in items)
        pool = self._pool or self._start(count)
        # Small chunks keep every worker busy to the end, and let Ctrl-C stop the build soon.
        chunk = max(1, min(MAX_CHUNK, len(items) // (self._count * 8)))
        # ``state`` travels with every chunk of items, pickled once per chunk.
        results = pool.map(_call, repeat(func), repeat(state), items, chunksize=chunk)
        return self._results(results)

    def _start(self, count: int) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        forking = _can_fork()
        self._spawned = not forking
        context = multiprocessing.get_context("fork" if forking else "spawn")
        self._pool = ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker)
        self._count = count
        if forking:
            gc.freeze()  # the collector would write to (so copy) every object it visits
        try:  # the first task forks every worker: now, while the build is small
            self._pool.submit(int)
        finally:
            if forking:
                gc.unfreeze()  # in this process; the workers keep their frozen copy
        return self._pool

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
        (they ignore SIGINT), so a deck being written is finished, never torn.  Tasks are kept
        small (``MAX_CHUNK`` files, or one book) for this to be quick."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


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


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    gc.disable()  # a spawned worker starts with it on (see Workers.__enter__)


def _call(func: Callable[[S, T], R], state: S, item: T) -> R:
    return func(state, item)
