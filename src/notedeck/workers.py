"""Run a build's independent pieces of work on every core: note files, then books.

Parsing, extracting and rendering one note file needs nothing from any other file, and packaging
one book nothing from another book, so a big build spreads them over worker processes (the GIL
keeps threads from helping: the work is pure Python).  Results come back in input order, so a
parallel build gives byte-for-byte the decks, warnings and errors of a serial one.

Processes cost something to start (on Linux they are forked from the build with notedeck already
imported; elsewhere, or from a process running threads, they are spawned and import it), so small
builds, ``--debug`` (tracebacks must come from where they were raised) and one-CPU machines stay
in one process.  Workers ignore Ctrl-C:
the main process gets it, stops the pool and reports the interruption once.
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

T = TypeVar("T")
R = TypeVar("R")

MIN_FILES = 24  # below this many files to parse, starting processes costs more than it saves
MIN_CARDS = 2000  # packaging is parallel per book, once there are this many cards to write

_state: Any = None  # what every task of the current pool shares (the build's Config)


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


def ordered_map(
    func: Callable[[Any, T], R], items: Sequence[T], workers: int, state: Any
) -> Iterator[R]:
    """``func(state, item)`` for every item, in order, in ``workers`` processes (or in this one).

    With workers, every task is queued before this returns, so the caller can do other work
    while they run.  ``state`` is handed to each worker once (not with every item); ``func``
    must be a module-level function so a spawned worker can import it.
    """
    if workers <= 1:
        return (func(state, item) for item in items)
    forking = _can_fork()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    chunk = max(1, len(items) // (workers * 8))  # small chunks keep both workers busy to the end
    if forking:
        # Forked workers share the build's memory until they write to it, and the garbage
        # collector writes to every object it visits: frozen objects are not visited, so the
        # workers' pages stay shared (at 100k cards, hundreds of MB).
        gc.freeze()
    try:
        pool = context.Pool(workers, initializer=_start_worker, initargs=(state,))
    finally:
        if forking:
            gc.unfreeze()  # in this process; the workers keep their frozen copy
    results = pool.imap(_call, [(func, item) for item in items], chunksize=chunk)
    return _results(pool, results)


def _results(pool: Pool, results: Iterator[Any]) -> Iterator[Any]:
    try:
        for result in results:
            if isinstance(result, _Stopped):
                raise result.exception
            yield result
    except (KeyboardInterrupt, GeneratorExit):  # Ctrl-C, or the caller stopped early
        pool.terminate()  # a worker killed mid-write leaves a temp file, never a torn deck
        raise
    finally:
        pool.close()  # an error in one task lets the others finish what they are writing
        pool.join()


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


def _start_worker(state: Any) -> None:
    global _state
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    _state = state


def _call(task: tuple[Callable[[Any, T], R], T]) -> R | _Stopped:
    func, item = task
    try:
        return func(_state, item)
    except Exception:
        raise  # the pool sends it back and imap raises it in the main process
    except BaseException as exc:  # noqa: BLE001 - see _Stopped
        return _Stopped(exc)
