"""Score notedeck on notes other people wrote: the labelled real-notes corpus.

    python benchmarks/quality/real.py [--split dev|test] [--only PATTERN ...] [-v] [--cards]
                                      [--with-book-yaml] [--check-labels]

Each label file ``real/<split>/<owner>+<name>/<slug>.yaml`` (format and rubric in
``real/README.md``) names a repository, a pinned commit and a path. The note is read from the
fetched snapshot (``git show <commit>:<path>`` in ``<mirrors>/<owner>+<name>/repo``) and laid
out as a user keeps it: ``<tmp>/notes/<owner>+<name>/<path in repo>``, with no notedeck.yaml,
book.yaml or added front matter. The build uses the public API only: ``notedeck.load_config``
and ``notedeck.collect`` (``.cards``: ``front``, ``back``, ``card.source``, ``card.kind``,
``card.location``; ``.errors``).

* recall    = expected ``cards`` matched one-to-one / expected ``cards``.
* junk rate = junk cards / produced cards. A card is junk when it fails score.py's mechanical
  checks (placeholder answer, answer = question, raw markdown, front over 300 characters,
  and, unless a label names the card, first-person, metadata-key or code-block questions),
  carries ``forbidden`` text, has a ``forbidden_q`` phrase as its subject (the question, less
  "What is/are …" and the final "?", begins or ends with the phrase), or matches no ``cards``
  label and no ``ok`` label.

``--with-book-yaml`` is a development aid, not the headline figure: it writes a ``book.yaml``
(``title: <repo name>``, plus `` (<owner>)`` when two repositories share a name) into each
repository folder, so that today's notedeck, which makes no card from an unconfigured folder,
has cards to score. ``--check-labels`` lists label phrases that do not occur in the note's
plain text (a labelling aid; notedeck is not run). Mirrors default to ``/work/.mirror``
(``--mirrors`` or ``$NOTEDECK_REAL_MIRRORS``), labels to ``real/`` beside this file
(``--labels`` or ``$NOTEDECK_REAL_LABELS``). The last line is always
``split=S recall=0.xx junk_rate=0.xx cards=N files=F repos=R``.

Repositories and pinned commits read by the label files (bring each with the search tool's
``fetch github:<owner>/<name>``):

dev split
  hillaryychan/COMP3231                   5cf799273022cbcc1072aae883d59de6a6e63f71
  enginebai/Algorithms                    6ec0f2cce8cb0f923232eb5304572d15f10ab24b
  pkardas/notes                           7b0d56be00b4e6246aea191b1fc27442e1ef5c12
  jackliusr/pkm                           744cb5df5db9c6465ddb1beecb68caa264a3d975
  GeorgeHernandez/GeorgeHernandez         8b50a085c23d02bdb4323062e989e2ee3d89261f
  LeonardoTrapani/notes                   e9b32e37d3f998c821ba2a9de703fcf9a2bab01e
test split (claimed by the test labeller; commits are the snapshots' HEADs)
  avidLearnerInProgress/designing-data-intensive-applications-notes
                                          29613afd4bdeb12783b42b536692fac09922955c
  viniciusth/study                        5846a48907ab51f5dc31243f7170b13eb21476cf
  andey-robins/webnotes                   614e0463ed82aee36cbd1b11c9cc8b516db49f28
  bjamturley/MedSchoolAtlas               edda7d68f2625254ac73662f55c0c2e9ea6678e7
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score import Expected, Produced, junk_reason, match_cards, matches, norm, plain  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = Path(os.environ.get("NOTEDECK_REAL_LABELS") or HERE / "real")
MIRRORS = Path(os.environ.get("NOTEDECK_REAL_MIRRORS") or "/work/.mirror")
FENCE = re.compile(r"^[ \t>-]*(```|~~~)[^\n]*\n(.*?)^[ \t>-]*\1[ \t]*$", re.M | re.S)
ENUMERATED = re.compile(r"(?:\s*$|\s*[^\w\s]|\s+(?:\d+|[ivx]+|[a-z])\b)")
HEURISTICS = ("first-person question", "question from a metadata field", "question taken from")
ASKING = re.compile(
    r"^(?:what|who|which|when|why|how)\s+(?:is|are|was|were|does|do|did|can|should)?\s*"
    r"(?:the\s+|an?\s+)?|^(?:define|describe|explain|name)\s+|[\s?.:;!]+$",
    re.I,
)


@dataclass
class Label:
    name: str  # owner+name/slug
    repo: str
    commit: str
    path: str
    cards: list[Expected]
    ok: list[tuple[str, ...]]
    forbidden: list[str]
    forbidden_q: list[str]

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "+")

    @property
    def rel(self) -> str:
        return f"{self.folder}/{self.path}"


@dataclass
class Result:
    label: Label
    cards: list[Produced]
    missed: list[Expected] = field(default_factory=list)
    junk: list[tuple[Produced, str]] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return len(self.label.cards) - len(self.missed)


def phrases(items) -> tuple[str, ...]:
    return tuple(str(x) for x in items or ())


def load_labels(root: Path, split: str, only: list[str] | None) -> list[Label]:
    labels = []
    for path in sorted((root / split).glob("*/*.yaml")):
        name = f"{path.parent.name}/{path.stem}"
        if only and not any(fnmatch.fnmatch(name, p) or p in name for p in only):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        missing = [k for k in ("repo", "commit", "path") if not data.get(k)]
        if missing or data["repo"].replace("/", "+") != path.parent.name:
            raise SystemExit(f"{path}: needs repo (matching its folder), commit and path")
        labels.append(
            Label(
                name,
                str(data["repo"]),
                str(data["commit"]),
                str(data["path"]),
                [
                    Expected(phrases(c.get("q")), phrases(c.get("a")))
                    for c in data.get("cards") or ()
                ],
                [phrases(c.get("q")) for c in data.get("ok") or ()],
                list(phrases(data.get("forbidden"))),
                list(phrases(data.get("forbidden_q"))),
            )
        )
    return labels


def git_dir(mirrors: Path, repo: str) -> Path | None:
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def read_notes(labels: list[Label], mirrors: Path) -> dict[str, str]:
    """Every labelled note's text at its pinned commit; a missing mirror ends the run."""
    texts, problems = {}, []
    for label in labels:
        where = git_dir(mirrors, label.repo)
        if where is None:
            line = f"no mirror of {label.repo} under {mirrors}: run fetch github:{label.repo}"
            if line not in problems:
                problems.append(line)
            continue
        shown = subprocess.run(
            ["git", "--git-dir", str(where), "show", f"{label.commit}:{label.path}"],
            capture_output=True,
        )
        if shown.returncode:
            problems.append(
                f"{label.name}: {label.path} at {label.commit[:12]} is not in {where} "
                f"(fetch github:{label.repo} again?): {shown.stderr.decode().strip()}"
            )
            continue
        texts[label.name] = shown.stdout.decode("utf-8", errors="replace")
    if problems:
        raise SystemExit("\n".join(problems))
    return texts


def book_titles(labels: list[Label]) -> dict[str, str]:
    names = {}
    for label in labels:
        names.setdefault(label.folder, label.repo)
    short = [repo.split("/")[1] for repo in names.values()]
    return {
        folder: repo.split("/")[1]
        + (f" ({repo.split('/')[0]})" if short.count(repo.split("/")[1]) > 1 else "")
        for folder, repo in names.items()
    }


def produced(card) -> Produced:
    q_text, q_prose = plain(card.front)
    a_text, a_prose = plain(card.back)
    kind = card.card.kind
    return Produced(
        norm(q_text),
        norm(a_text),
        " ".join(q_text.split()),
        " ".join(a_text.split()),
        q_prose + "\n" + a_prose,
        kind,
        "cloze" if kind == "cloze" else "basic",
        card.card.location,
    )


def code_and_prose(text: str) -> tuple[str, str]:
    code = [m.group(2) for m in FENCE.finditer(text)]
    return norm("\n".join(code)), norm(FENCE.sub(" ", text))


def subject(question: str) -> str:
    core = question
    for _ in range(3):
        core = ASKING.sub("", core).strip()
    return norm(core)


def subject_is(core: str, phrase: str) -> bool:
    p = norm(phrase).rstrip("?.:;! ")
    if not p:
        return False
    if core == p:
        return True
    rest = core[len(p) :] if core.startswith(p) else "x"
    # "Example 2", "Output: …", "If you see code like …" — not "output layer compute"
    starts = not rest[0].isalnum() and (" " in p or ENUMERATED.match(rest) is not None)
    ends = core.endswith(p) and not core[-len(p) - 1].isalnum()
    return starts or ends


def why_junk(card: Produced, label: Label, code: tuple[str, str]) -> str | None:
    labelled = any(matches(e, card) for e in label.cards) or any(
        all(norm(w) in card.question for w in q) for q in label.ok
    )
    reason = junk_reason(card, label.forbidden, code)
    # score.py's guesses (first person, metadata key, code block) stand in for labels there;
    # here a label that names the card outranks them. The README's mechanical checks do not.
    if reason and not (labelled and reason.startswith(HEURISTICS)):
        return reason
    core = subject(card.raw_question)
    for phrase in label.forbidden_q:
        if subject_is(core, phrase):
            return f"forbidden question subject {phrase!r}"
    return None if labelled else "matches no cards/ok label"


def build(labels: list[Label], texts: dict[str, str], with_book_yaml: bool):
    from notedeck import collect, load_config

    with tempfile.TemporaryDirectory(prefix="notedeck-real-") as tmp:
        notes = Path(tmp) / "notes"
        for label in labels:
            target = notes / label.folder / label.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(texts[label.name], encoding="utf-8")
        if with_book_yaml:
            for folder, title in book_titles(labels).items():
                (notes / folder / "book.yaml").write_text(
                    yaml.safe_dump({"title": title}), encoding="utf-8"
                )
        return collect(load_config(notes, Path(tmp) / "decks", dry_run=True))


def score(
    split: str = "dev",
    only: list[str] | None = None,
    with_book_yaml: bool = False,
    labels_root: Path = LABELS,
    mirrors: Path = MIRRORS,
) -> tuple[list[Result], list[str]]:
    labels = load_labels(labels_root, split, only)
    if not labels:
        raise SystemExit(f"no label files under {labels_root / split}")
    texts = read_notes(labels, mirrors)
    collected = build(labels, texts, with_book_yaml)
    by_source: dict[str, list[Produced]] = {}
    for card in collected.cards:
        by_source.setdefault(card.card.source, []).append(produced(card))
    results = []
    for label in labels:
        cards = by_source.get(label.rel, [])
        result = Result(label, cards, match_cards(label.cards, cards))
        code = code_and_prose(texts[label.name])
        for card in cards:
            reason = why_junk(card, label, code)
            if reason:
                result.junk.append((card, reason))
        results.append(result)
    return results, [str(e) for e in collected.errors]


def plain_note(text: str) -> str:
    text = re.sub(r"\[\[[^\]|]*\|([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"!?\[\[([^\]]*)\]\]", r"\1", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\*\*|__|==|`", "", text).replace("\\|", "|")
    return norm(re.sub(r"<br\s*/?>", " ", text))


def check_labels(labels: list[Label], texts: dict[str, str]) -> list[str]:
    """Label phrases that are not in the note's plain text (typos, paraphrases)."""
    lines = []
    for label in labels:
        text = plain_note(texts[label.name])
        groups = [*(e.q + e.a for e in label.cards), *label.ok, label.forbidden]
        for phrase in sorted({p for group in groups for p in group}):
            if norm(phrase) not in text:
                lines.append(f"{label.name}: {phrase!r} is not in the note")
    return lines


def nearest(exp: Expected, cards: list[Produced]) -> list[Produced]:
    def closeness(card: Produced) -> tuple[int, int]:
        q = sum(norm(w) in card.question for w in exp.q)
        a = sum(norm(p) in card.answer for p in exp.a)
        return q, a

    ranked = sorted((c for c in cards if any(closeness(c))), key=closeness, reverse=True)
    return ranked[:3]


def report(results: list[Result], split: str, verbose: bool) -> str:
    lines = []
    width = max((len(r.label.name) for r in results), default=20)
    for r in results:
        lines.append(
            f"{r.label.name:<{width}}  recall {r.matched:>2}/{len(r.label.cards):<2} "
            f"cards {len(r.cards):>3}  junk {len(r.junk)}"
        )
        if verbose:
            for exp in r.missed:
                lines.append(f"    MISS  {exp}")
                for near in nearest(exp, r.cards):
                    lines.append(
                        f"          near: {near.raw_question!r} → {near.raw_answer[:140]!r}"
                    )
            for card, reason in r.junk:
                lines.append(
                    f"    JUNK  {card.location}: {card.raw_question[:90]!r} → "
                    f"{card.raw_answer[:60]!r} — {reason}"
                )
    expected = sum(len(r.label.cards) for r in results)
    cards = sum(len(r.cards) for r in results)
    recall = sum(r.matched for r in results) / expected if expected else 1.0
    junk = sum(len(r.junk) for r in results) / cards if cards else 0.0
    repos = len({r.label.repo for r in results})
    lines.append(
        f"split={split} recall={recall:.2f} junk_rate={junk:.2f} cards={cards} "
        f"files={len(results)} repos={repos}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--only", nargs="+", metavar="PATTERN", help="owner+name/slug globs")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and junk")
    parser.add_argument("--cards", action="store_true", help="print every produced card")
    parser.add_argument(
        "--with-book-yaml",
        action="store_true",
        help="development aid: a book.yaml per repository folder (not the headline figure)",
    )
    parser.add_argument(
        "--check-labels", action="store_true", help="list label phrases missing from the notes"
    )
    parser.add_argument("--labels", type=Path, default=LABELS, help="labels root (real/)")
    parser.add_argument("--mirrors", type=Path, default=MIRRORS, help="fetched snapshots root")
    args = parser.parse_args(argv)
    only = [p for item in args.only or () for p in item.split(",") if p] or None
    if args.check_labels:
        labels = load_labels(args.labels, args.split, only)
        problems = check_labels(labels, read_notes(labels, args.mirrors))
        print("\n".join(problems + [f"{len(problems)} phrase(s) not found"]))
        return 1 if problems else 0
    results, errors = score(args.split, only, args.with_book_yaml, args.labels, args.mirrors)
    if args.cards:
        for r in results:
            for c in r.cards:
                print(f"[{r.label.name}] {c.kind}: {c.raw_question} → {c.raw_answer[:200]}")
    for error in errors:
        print(f"notedeck error: {error}")
    print(report(results, args.split, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
