"""How the cost of a build grows with the shapes of issue 16, defect 9 (a benchmark, not a test).

    python benchmarks/bench_shapes.py              # every shape at its 4 sizes
    python benchmarks/bench_shapes.py --only divs  # one shape

For each shape it builds 4 sizes, each doubling the last, in a fresh process (the library's
``build``, into an empty output folder), and prints the wall time of each and the fit: the slope
of log(time) against log(size) between the first and the last size — 1.0 is linear, 2.0
quadratic.  The shapes:

* ``big-note``: one note of N sections, each a definition, a list after a sentence and a table
  (the issue: 3.9 s at 0.5 MB … 92 s at 4 MB);
* ``one-term``: N definitions of one term, built, then one more inserted at the top and rebuilt
  (GUID numbering of a big twin group; only the rebuild is timed);
* ``divs``: one answer holding N nested ``<div>`` (sanitising);
* ``chapters``: one book of N chapter files, N subdecks (genanki's deck writing).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def big_note(n: int) -> dict[str, str]:
    sections = [
        f"## Topic {i}\n\nA **term{i}x** is the thing number {i} in this long note.\n\n"
        f"The parts of topic {i} are:\n\n- first part {i}\n- second part {i}\n\n"
        f"| Name | Meaning |\n|---|---|\n| alpha{i} | the first {i} |\n| beta{i} | the second |\n"
        for i in range(n)
    ]
    return {"big/book.yaml": "title: Big\n", "big/note.md": "# Big\n\n" + "\n".join(sections)}


def one_term(n: int) -> dict[str, str]:
    lines = [f"**Widget**: the widget of kind {i}, one of many.\n" for i in range(n)]
    return {"one/book.yaml": "title: One\n", "one/note.md": "# One\n\n" + "\n".join(lines)}


def divs(n: int) -> dict[str, str]:
    html = "<div>" * n + "deep" + "</div>" * n
    return {"d/book.yaml": "title: Divs\n", "d/note.md": f"# D\n\n**Nest**: {html}\n"}


def chapters(n: int) -> dict[str, str]:
    files = {"c/book.yaml": "title: Chapters\n"}
    for i in range(n):
        files[f"c/ch{i:05d}.md"] = f"# Chapter {i + 1}\n\nA **thing{i}** is item {i}.\n"
    return files


SHAPES = {  # name → (files of size n, first n, what n counts)
    "big-note": (big_note, 2000, "sections"),
    "one-term": (one_term, 2000, "definitions"),
    "divs": (divs, 2000, "nested divs"),
    "chapters": (chapters, 250, "chapters"),
}

RUN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from notedeck.config import load_config
    from notedeck.pipeline import build
    notes, out, insert = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
    if insert:
        build(load_config(notes, out, jobs=1))
        note = notes / "one" / "note.md"
        text = note.read_text()
        note.write_text(text.replace("\\n\\n", "\\n\\n**Widget**: inserted first.\\n\\n", 1))
    start = time.perf_counter()
    build(load_config(notes, out, jobs=1))
    print(time.perf_counter() - start)
    """
)


def measure(name: str, n: int) -> float:
    make = SHAPES[name][0]
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        for rel, text in make(n).items():
            path = notes / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        insert = "1" if name == "one-term" else "0"
        out = subprocess.run(
            [sys.executable, "-c", RUN, str(notes), str(Path(tmp) / "decks"), insert],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(SHAPES), default=sorted(SHAPES))
    parser.add_argument("--sizes", type=int, default=4)
    args = parser.parse_args()
    for name in args.only:
        _, first, unit = SHAPES[name]
        sizes = [first * 2**k for k in range(args.sizes)]
        times = []
        for n in sizes:
            started = time.perf_counter()
            times.append(measure(name, n))
            print(
                f"  {name} n={n}: {times[-1]:.2f} s ({time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
        slope = math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])
        cells = "  ".join(f"{n:>6} {unit}: {t:6.2f} s" for n, t in zip(sizes, times, strict=True))
        print(f"{name:9} {cells}  slope {slope:.2f}", flush=True)


if __name__ == "__main__":
    main()
