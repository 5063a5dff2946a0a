"""Dump everything notedeck writes and prints for a few corpora, to compare two versions.

    python benchmarks/equivalence.py dump OUT_DIR      # with the notedeck installed now
    python benchmarks/equivalence.py compare A B       # exit 1 and list what differs

A refactor that claims "behaviour unchanged" proves it here: dump before, dump after, compare.
Each corpus (the shipped ``notes/``, the quality corpus, the regression notes and a 40-file
synthetic corpus from ``benchmarks/corpus.py``) is built as the CLI builds it, in a fresh output
folder with the wall clock frozen, then rebuilt unchanged, built again with two worker processes
into another folder, then rebuilt after one note changed;
``preview --json``, ``check --json`` and ``stats --json`` are run too.  The dump keeps every byte
of the decks and manifests and every line printed; only the temporary folder's path is replaced.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FROZEN = 1_780_000_000.0  # the wall clock every build sees: decks are stamped with it

# The CLI, run with time.time frozen (both layouts: before and after the refactor).
RUNNER = f"""
import sys, time
time.time = lambda: {FROZEN}
try:
    from notedeck.commands.cli import main
except ImportError:
    from notedeck.cli import main
sys.argv = ["notedeck", *sys.argv[1:]]
main()
"""


def corpora(work: Path) -> dict[str, Path]:
    """Name → a fresh copy of each corpus's notes folder under ``work``."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import generate

    out = {}
    for name, source in (
        ("shipped", ROOT / "notes"),
        ("quality", ROOT / "benchmarks" / "quality" / "corpus"),
        ("regressions", ROOT / "tests" / "regressions"),
    ):
        out[name] = work / name
        shutil.copytree(source, out[name])
    out["synthetic"] = generate(work / "synthetic", 40)
    return out


def run(args: list[str], cwd: Path) -> str:
    env = dict(os.environ, NOTEDECK_DEBUG="0", COLUMNS="100", PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    head = f"$ notedeck {' '.join(args)}\nexit {proc.returncode}\n"
    return f"{head}{proc.stdout}--- stderr\n{proc.stderr}"


def change_one(notes: Path) -> None:
    """Append a definition to the first note (sorted), so the third build has one edit."""
    first = sorted(p for p in notes.rglob("*.md") if p.name != "README.md")[0]
    with first.open("a", encoding="utf-8") as handle:
        handle.write("\n\nA **zebra table** is a table whose rows alternate colours.\n")


def dump(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nd-eq-") as tmp:
        work = Path(tmp)
        for name, notes in corpora(work).items():
            decks = work / f"{name}-decks"
            log = [
                run(["build", str(notes), "-o", str(decks), "-v", "-j", "1"], work),
                run(["build", str(notes), "-o", str(decks), "-v"], work),
            ]
            snapshot(decks, target / name / "after-rebuild")
            parallel = work / f"{name}-parallel"
            log.append(run(["build", str(notes), "-o", str(parallel), "-j", "2"], work))
            snapshot(parallel, target / name / "parallel")
            change_one(notes)
            log.append(run(["build", str(notes), "-o", str(decks), "-v", "-j", "1"], work))
            snapshot(decks, target / name / "after-edit")
            for command in ("preview", "check", "stats"):
                extra = ["-o", str(decks)] if command == "stats" else []
                log.append(run([command, str(notes), "--json", *extra], work))
            text = "\n".join(log).replace(str(work), "<work>")
            (target / name / "log.txt").write_text(text, encoding="utf-8")


def snapshot(decks: Path, target: Path) -> None:
    """Every deck and manifest byte for byte (the cache folder is an optimisation: left out)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(decks.iterdir()):
        if path.is_file():
            shutil.copy(path, target / path.name)


def compare(a: Path, b: Path) -> int:
    differ = []
    for left in sorted(a.rglob("*")):
        right = b / left.relative_to(a)
        if left.is_file() and (not right.exists() or not filecmp.cmp(left, right, shallow=False)):
            differ.append(left.relative_to(a).as_posix())
    differ += [
        p.relative_to(b).as_posix()
        for p in sorted(b.rglob("*"))
        if p.is_file() and not (a / p.relative_to(b)).exists()
    ]
    for rel in differ:
        print(f"differs: {rel}")
    files = sum(1 for p in a.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    for p in sorted(a.rglob("*")):
        if p.is_file():
            digest.update(p.read_bytes())
    print(f"{files} files compared, {len(differ)} differ (dump A sha256 {digest.hexdigest()[:12]})")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("dump").add_argument("out", type=Path)
    cmp = sub.add_parser("compare")
    cmp.add_argument("a", type=Path)
    cmp.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.out)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
