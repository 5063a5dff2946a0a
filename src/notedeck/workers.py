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
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.pool import Pool
from typing import Any, TypeVar

from .errors import debugging

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

MIN_FILES = 24  # below this many files to parse, starting processes costs more than it saves
MIN_CARDS = 2000  # packaging is parallel per book, once there are this many cards to write


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
        return max(1, min(jobs, tasks))
    if size < minimum:
        return 1
    return min(available_cpus(), tasks)


class Workers:
    """The worker processes of one build: started by the first stage big enough to want them,
    then reused by the next.  They are forked while the build is still small, and each task
    carries its own data: workers forked late from a big build share its memory only until they
    touch it, and packaging touches every card (at 100k cards that doubled the peak memory)."""

    def __init__(self, jobs: int | None):
        self.jobs = jobs
        self._pool: Pool | None = None
        self._count = 1

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self._pool is None:
            return
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self._pool.terminate()  # a worker killed mid-write leaves a temp file, no torn deck
        self._pool.close()  # after an error in one task, the others finish what they write
        self._pool.join()

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
        chunk = max(1, len(items) // (self._count * 8))  # small chunks keep every worker busy
        tasks = ((func, state, item) for item in items)  # ``state`` is pickled once per chunk
        return self._results(pool.imap(_call, tasks, chunksize=chunk))

    def _start(self, count: int) -> Pool:
        forking = _can_fork()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        if forking:
            gc.freeze()  # the collector would write to (so copy) every object it visits
        try:
            self._pool = context.Pool(count, initializer=_start_worker)
        finally:
            if forking:
                gc.unfreeze()  # in this process; the workers keep their frozen copy
        self._count = count
        return self._pool

    def _results(self, results: Iterator[Any]) -> Iterator[Any]:
        try:
            for result in results:
                if isinstance(result, _Stopped):
                    raise result.exception
                yield result
        except KeyboardInterrupt:
            if self._pool is not None:
                self._pool.terminate()
            raise


def _can_fork() -> bool:
    """Forked workers start at once with notedeck and its libraries imported, but forking is
    only safe from a process with one thread (a lock another thread holds would stay locked in
    the child forever), and only Linux lets us count them; elsewhere workers are spawned.
    A pool that just closed (the build's first) leaves its threads ending for a moment."""
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


class _Stopped:
    """A BaseException raised in a task: it would end the worker and leave the pool waiting
    forever for the task's result, so it travels back as a value and is raised here."""

    def __init__(self, exception: BaseException):
        self.exception = exception


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C


def _call(task: tuple[Callable[[Any, T], R], Any, T]) -> R | _Stopped:
    func, state, item = task
    try:
        return func(state, item)
    except Exception:
        raise  # the pool sends it back and imap raises it in the main process
    except BaseException as exc:  # noqa: BLE001 - see _Stopped
        return _Stopped(exc)
