"""Build benchmark: notedeck against the floor, at 10k and 100k cards.

    python benchmarks/bench_build.py                 # both sizes (a few minutes on 2 cores)
    python benchmarks/bench_build.py --sizes 10k     # the small size only

For each size it writes a synthetic corpus (benchmarks/corpus.py: natural-style notes, ~51 cards
per file, no card syntax) and times, each as a whole process, what a user waits for:

- the floor: one Python process in which markdown-it-py parses every file and genanki writes
  the same number of notes;
- ``notedeck build NOTES -o OUT`` (the console script, as typed) into an empty output folder,
  again with no change, and again after one file changed (the CLI's default worker processes,
  or ``--jobs N``); the card count is read from what it prints;
- ``notedeck --help``.

Wall time runs from the process's start to its exit, so interpreter start, imports, click,
printing and teardown are all in it, for the floor as for notedeck.  Each step runs
``--repeat`` times and the best run is kept (the machine is shared, so the minimum is the least
noisy estimate).  Children run as on a user's machine after the first run: with Python's
bytecode cached (in the work folder; PYTHONDONTWRITEBYTECODE, set in some sandboxes and CI
images, is dropped for them, or every run would recompile notedeck's sources), after one untimed
warm-up build.  Memory: "RSS MB" is the main process's peak RSS; "all MB" the peak of the
main process and its workers together, as PSS (a page forked workers still share with the main
process counts once, not once per process), sampled every 50 ms.  Targets are printed next to
the figures; nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

SIZES = {"10k": 200, "100k": 2000}
# What a user waits for (the command as a whole process), then the library-only figures (timed
# inside the process from before notedeck is imported: no interpreter start, no click, no
# printing) for comparison with earlier figures.
STEPS = (
    "floor",
    "full build",
    "no-change rebuild",
    "one file changed",
    "full build, library",
    "no-change, library",
)
HELP_RUNS = 7


# ---------------------------------------------------------------- child side


def _child(argv: list[str]) -> None:
    """The floor as its own process (prints the number of notes it wrote), or a library build
    timed inside the process from before notedeck is imported (prints cards and seconds)."""
    kind, notes, out, extra = argv[0], Path(argv[1]), Path(argv[2]), argv[3]
    if kind == "floor":
        print(f"{_floor(notes, out, int(extra))} cards")
        return
    start = time.perf_counter()
    from notedeck.config import load_config
    from notedeck.pipeline import build

    report = build(load_config(notes, out, jobs=None if extra == "auto" else int(extra)))
    cards = sum(len(book.cards) for book in report.books)
    print(f"{cards} cards\nseconds={time.perf_counter() - start}")


def _floor(notes: Path, out: Path, count: int) -> int:
    """The least any tool must do: parse every file, write ``count`` notes to one .apkg."""
    import genanki
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    for path in sorted(notes.rglob("*.md")):
        md.parse(path.read_text(encoding="utf-8"))
    deck = genanki.Deck(2059400110, "Floor")
    for i in range(count):
        fields = [
            f"What is the term number {i}?",
            f"The component that stores late-arriving records and favours cheap storage ({i}).",
        ]
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=fields, guid=f"floor{i}"))
    out.mkdir(parents=True, exist_ok=True)
    genanki.Package(deck).write_to_file(out / "floor.apkg")
    return count


# ---------------------------------------------------------------- parent side


@dataclass(frozen=True)
class Result:
    seconds: float
    cards: int
    rss_mb: float  # peak RSS of the main process
    all_mb: float = 0.0  # peak memory of the main process and its workers together (PSS)

    @property
    def rate(self) -> float:
        return self.cards / self.seconds if self.seconds else 0.0


def child_env(work: Path) -> dict[str, str]:
    """The children's environment: bytecode written to and read from ``work/pycache``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


ENV: dict[str, str] | None = None  # set by main(); None = this process's environment
# The console script installed beside this interpreter (what `pip install -e .` puts on PATH).
NOTEDECK = shutil.which("notedeck", path=str(Path(sys.executable).parent)) or "notedeck"


def warm_up(work: Path, jobs: str) -> None:
    """One untimed build of a small corpus big enough for worker processes: it compiles and
    caches the bytecode of everything a build imports (and warms the OS file cache)."""
    notes = corpus.generate(work / "notes-warm-up", 40)
    measure(["build", str(notes), str(work / "decks-warm-up"), jobs], 1)
    measure(["floor", str(notes), str(work / "floor-warm-up"), "10"], 1)


CARDS = re.compile(r"^\S.*?: (\d+) cards\b|^(\d+) cards$", re.M)


def command(args: list[str]) -> list[str]:
    """The command line of a step: ``floor NOTES OUT COUNT`` or ``build NOTES OUT JOBS``."""
    kind, notes, out, extra = args
    if kind in ("floor", "library"):
        return [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    jobs = [] if extra == "auto" else ["--jobs", extra]
    return [NOTEDECK, "build", notes, "-o", out, *jobs]


def measure(args: list[str], repeat: int, before=None) -> Result:
    """Best of ``repeat`` whole-process runs (``before(n)`` prepares run ``n``)."""
    runs = []
    for n in range(repeat):
        if before:
            before(n)
        runs.append(_run(command(args), args[0]))
    best = min(runs, key=lambda r: r.seconds)
    return Result(
        best.seconds, best.cards, max(r.rss_mb for r in runs), max(r.all_mb for r in runs)
    )


def _run(argv: list[str], step: str) -> Result:
    """One process, timed from spawn to exit; peak RSS from ``wait4`` (the largest of the
    process and the children it waited for), summed PSS sampled while it runs."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=ENV)
        status, usage, peak = _wait(proc)
        seconds = time.perf_counter() - start
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if status:
        sys.exit(f"benchmark step {step} failed (exit {status}):\n{stderr}")
    cards = sum(int(a or b) for a, b in CARDS.findall(stdout))
    rss_mb = usage.ru_maxrss / 1024
    inside = re.search(r"^seconds=([\d.]+)$", stdout, re.M)  # a library step's own timing
    seconds = float(inside.group(1)) if inside else seconds
    return Result(seconds, cards, rss_mb, peak or rss_mb)


def _wait(proc: subprocess.Popen) -> tuple[int, resource.struct_rusage, float]:
    """Wait for ``proc``: (exit code, its rusage, peak summed PSS in MB of it and its workers,
    sampled every 20 ms).

    PSS counts a page shared by n processes as 1/n in each, so forked workers' pages that are
    still shared with the main process are not counted twice (RSS would).  0 where /proc has
    no smaps_rollup (not Linux): the main process's own peak RSS is reported instead.
    """
    peak = 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage, peak
        pids = [proc.pid, *_children(proc.pid)]
        peak = max(peak, sum(_pss_kb(p) for p in pids) / 1024)
        time.sleep(0.02)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure_help() -> float:
    """Median wall time of ``notedeck --help`` (the console script, as typed)."""
    times = []
    for _ in range(HELP_RUNS):
        start = time.perf_counter()
        subprocess.run([NOTEDECK, "--help"], capture_output=True, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_size(label: str, files: int, work: Path, repeat: int, jobs: str) -> dict[str, Result]:
    notes = corpus.generate(work / f"notes-{label}", files)
    out = work / f"decks-{label}"
    results: dict[str, Result] = {}

    def fresh(_n: int) -> None:
        shutil.rmtree(out, ignore_errors=True)

    step = ["build", str(notes), str(out), jobs]
    library = ["library", str(notes), str(out), jobs]
    results["full build, library"] = measure(library, repeat, fresh)
    results["no-change, library"] = measure(library, max(repeat, 3))
    results["full build"] = measure(step, repeat, fresh)
    results["no-change rebuild"] = measure(step, max(repeat, 3))
    results["one file changed"] = measure(step, repeat, lambda n: corpus.touch_one(notes, n))
    cards = results["full build"].cards
    results["floor"] = measure(
        ["floor", str(notes), str(work / f"floor-{label}"), str(cards)], repeat
    )
    return results


def report(label: str, files: int, results: dict[str, Result]) -> list[str]:
    floor, full = results["floor"], results["full build"]
    lines = []
    for step in STEPS:
        r = results[step]
        lines.append(
            f"{label:>5} {files:>6} {r.cards:>7} {step:<20} "
            f"{r.seconds:>8.3f} {r.rate:>10.0f} {r.rss_mb:>8.1f} {r.all_mb:>8.1f}"
        )
    target = {"10k": (1.2, 0.25, " (target ≤ 0.3 s)"), "100k": (1.5, 1.0, "")}.get(label)
    full_target, unchanged_target, one_target = target or (None, None, "")
    lines[STEPS.index("full build")] += f"  ({full.seconds / floor.seconds:.2f} × floor)"
    ratio = results["full build, library"].seconds / floor.seconds
    lines[STEPS.index("full build, library")] += f"  ({ratio:.2f} × floor)"
    lines.append(
        f"{label}: full build = {full.seconds / floor.seconds:.2f} × floor"
        + (f" (target ≤ {full_target})" if full_target else "")
    )
    lines.append(
        f"{label}: no-change rebuild = {results['no-change rebuild'].seconds:.3f} s"
        + (f" (target ≤ {unchanged_target:g} s)" if unchanged_target else "")
    )
    lines.append(
        f"{label}: one file changed = {results['one file changed'].seconds:.3f} s, "
        f"{results['one file changed'].seconds / full.seconds:.2f} × full build{one_target}"
    )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10k,100k",
        help="comma-separated: 10k (200 files), 100k (2,000 files) or a number of files",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the best is kept")
    parser.add_argument(
        "--jobs", default="auto", help="notedeck's worker processes (default: auto, as the CLI)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where corpora and decks go (default: a temp folder)"
    )
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="notedeck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [(s, SIZES.get(s) or int(s)) for s in args.sizes.split(",") if s]
    global ENV
    ENV = child_env(work)
    warm_up(work, args.jobs)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, jobs: {args.jobs}, "
        f"corpus in {work}"
    )
    print(
        f"{'size':>5} {'files':>6} {'cards':>7} {'step':<20} "
        f"{'seconds':>8} {'cards/s':>10} {'RSS MB':>8} {'all MB':>8}"
    )
    summary: list[str] = []
    rates: dict[str, float] = {}
    for label, files in sizes:
        results = run_size(label, files, work, args.repeat, args.jobs)
        lines = report(label, files, results)
        print("\n".join(lines[: len(STEPS)]), flush=True)
        summary += lines[len(STEPS) :]
        rates[label] = results["full build"].rate
        if label == "100k":
            summary.append(
                f"100k: full build {results['full build'].seconds:.1f} s, "
                f"peak memory {results['full build'].all_mb:.0f} MB with its workers "
                f"(main process RSS {results['full build'].rss_mb:.0f} MB; target < 500 MB)"
            )
    if "10k" in rates and "100k" in rates:
        summary.append(
            f"100k cards/s = {rates['100k'] / rates['10k']:.2f} × the 10k figure (target ≥ 0.8)"
        )
    summary.append(f"notedeck --help: {measure_help():.3f} s (target ≤ 0.1 s)")
    print("\n".join(summary))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        main()
