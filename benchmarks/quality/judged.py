"""Judged cards of the real-notes corpus: a human (or a helper judging as a learner) read a random
sample of the cards notedeck made and said GOOD, FIXABLE or JUNK (rubric: ``real/README.md``).

    python benchmarks/quality/judged.py import SAMPLE.md VERDICTS.tsv   # → judged/<seed>.tsv
    python benchmarks/quality/judged.py summary                         # counts per file, rule
    python benchmarks/quality/judged.py recheck     # which judged cards today's rules still make

The sample comes from ``benchmarks/realnotes.py --sample N --seed S`` (the repositories and
pinned commits listed in that module's docstring); the verdicts file has one line per card,
``N<TAB>rule<TAB>VERDICT<TAB>class<TAB>reason``.  What is committed (``judged/*.tsv``) holds no
note text: repository short name, path, line, rule, a hash of the question as the learner saw
it, the verdict and the failure class.  ``train.py`` reads these as extra training labels
(GOOD → keep, JUNK → junk; FIXABLE is left out: right fact, wrong form) for the candidates whose
question is still the one judged — a card the rules now phrase differently is not trained on.

Verdicts used for training must never be the figure reported for the judged sample: each
session's closing figure comes from a fresh sample (another seed) judged after the last change.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "judged"
HEADER = re.compile(
    r"^## (?P<n>\d+)\. (?P<repo>[\w.-]+): (?P<path>.+):(?P<line>\d+) \((?P<kind>[\w-]+)\)$"
)


@dataclass(frozen=True)
class Judged:
    repo: str  # realnotes.py short name
    path: str  # inside the repository's folder
    line: int
    kind: str
    question: str  # hash of the normalised question text
    verdict: str  # GOOD, FIXABLE, JUNK
    why: str  # the failure class, "" for GOOD

    @property
    def rel(self) -> str:
        return f"{self.repo}/{self.path}"


def question_hash(text: str) -> str:
    """The question as plain text, case and spacing ignored, hashed: the label never holds it."""
    folded = " ".join(text.casefold().split())
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def parse_sample(text: str) -> dict[int, tuple[str, str, int, str, str]]:
    """{N: (repo, path, line, kind, question)} of a sample written by realnotes.py."""
    out = {}
    for block in text.split("\n## ")[1:]:
        head, _, rest = ("## " + block).partition("\n")
        match = HEADER.match(head)
        if not match or "Q:\n" not in rest:
            continue
        question = rest.split("Q:\n", 1)[1].split("\n\nA:\n", 1)[0]
        out[int(match["n"])] = (
            match["repo"],
            match["path"],
            int(match["line"]),
            match["kind"],
            question,
        )
    return out


def import_verdicts(sample: Path, verdicts: Path, out: Path) -> int:
    cards = parse_sample(sample.read_text(encoding="utf-8"))
    rows = ["repo\tpath\tline\tkind\tquestion\tverdict\tclass"]
    for line in verdicts.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or not fields[0].strip().isdigit():
            continue
        n, verdict = int(fields[0]), fields[2].strip().upper()
        if n not in cards or verdict not in ("GOOD", "FIXABLE", "JUNK"):
            continue
        repo, path, at, kind, question = cards[n]
        why = fields[3].strip() if len(fields) > 3 and verdict != "GOOD" else ""
        rows.append(f"{repo}\t{path}\t{at}\t{kind}\t{question_hash(question)}\t{verdict}\t{why}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def load(folder: Path = JUDGED) -> list[Judged]:
    out = []
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            repo, rel, at, kind, question, verdict, why = (line.split("\t") + [""] * 7)[:7]
            out.append(Judged(repo, rel, int(at), kind, question, verdict, why))
    return out


def summary(judged: list[Judged]) -> list[str]:
    verdicts = Counter(j.verdict for j in judged)
    total = max(len(judged), 1)
    lines = [
        f"{len(judged)} judged: "
        + ", ".join(
            f"{v} {verdicts[v]} ({verdicts[v] / total:.0%})" for v in ("GOOD", "FIXABLE", "JUNK")
        )
    ]
    for kind in sorted({j.kind for j in judged}):
        of = Counter(j.verdict for j in judged if j.kind == kind)
        lines.append(
            f"  {kind:<12} " + " ".join(f"{v} {of[v]}" for v in ("GOOD", "FIXABLE", "JUNK"))
        )
    classes = Counter(j.why for j in judged if j.why)
    lines += [f"  {n:>3}  {name}" for name, n in classes.most_common(15)]
    return lines


def lay_out(judged: list[Judged], notes: Path) -> list[str]:
    """Write the judged cards' notes from realnotes.py's pinned snapshots into ``notes``
    (``<short>/<path>``, as realnotes.py lays them out); the files written."""
    sys.path.insert(0, str(HERE.parent))
    import realnotes

    by_short = {repo.short: repo for repo in realnotes.REPOS}
    written = []
    for rel in sorted({j.rel for j in judged if j.repo in by_short}):
        short, _, path = rel.partition("/")
        repo = by_short[short]
        git_dir = realnotes.find_mirror(repo)
        inside = f"{repo.folder}/{path}" if repo.folder else path
        shown = git_dir and realnotes._git(git_dir, "show", f"{repo.commit}:{inside}")
        if shown and not shown.returncode:
            (notes / rel).parent.mkdir(parents=True, exist_ok=True)
            (notes / rel).write_bytes(shown.stdout)
            written.append(rel)
    return written


def recheck(judged: list[Judged], verbose: bool = False) -> list[str]:
    """Which judged cards today's rules still make, word for word: junk gone, good kept.
    (A card phrased differently now counts as gone; its new form is judged in the next sample.)"""
    import tempfile

    from notedeck import collect, load_config
    from notedeck.commands.preview import card_text

    with tempfile.TemporaryDirectory(prefix="notedeck-recheck-") as tmp:
        notes = Path(tmp) / "notes"
        lay_out(judged, notes)
        made = {
            (r.card.source, r.card.line, question_hash(card_text(r).question)): card_text(r)
            for r in collect(load_config(notes, Path(tmp) / "decks")).cards
        }
    lines = []
    for verdict in ("GOOD", "FIXABLE", "JUNK"):
        of = [j for j in judged if j.verdict == verdict]
        still = sum((j.rel, j.line, j.question) in made for j in of)
        lines.append(f"  {verdict:<8} {len(of):>3} judged, {still:>3} still made as judged")
    if verbose:  # the junk still made, to read beside the notes (printed, never committed)
        for j in judged:
            shown = made.get((j.rel, j.line, j.question))
            if j.verdict == "JUNK" and shown is not None:
                lines.append(f"  JUNK {j.why or '-'}: {j.rel}:{j.line} {shown.question!r}")
    return lines


def main(argv: list[str]) -> int:
    if argv[:1] == ["import"] and len(argv) == 3:
        sample, verdicts = Path(argv[1]), Path(argv[2])
        seed = re.search(r"seed (\d+)", sample.read_text(encoding="utf-8").split("\n", 1)[0])
        out = JUDGED / f"seed-{seed.group(1) if seed else 'unknown'}.tsv"
        print(f"{import_verdicts(sample, verdicts, out)} verdicts → {out.relative_to(HERE)}")
        return 0
    if argv[:1] == ["summary"]:
        print("\n".join(summary(load())))
        return 0
    if argv[:1] == ["recheck"]:
        print("\n".join(recheck(load(), verbose="-v" in argv)))
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
