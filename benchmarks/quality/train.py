"""Learn the candidate scorer's weights from labelled notes, and write them to weights.py.

    python benchmarks/quality/train.py            # fit, report, write extract/weights.py
    python benchmarks/quality/train.py --dry-run  # fit and report only
    python benchmarks/quality/train.py --cv       # leave-one-repository-out estimate as well

Training data (never the test split): every automatic candidate notedeck proposes (the scorer
switched off) on the **dev split** of the real-notes corpus (``real.py``'s labels: a candidate
is positive when it matches a ``cards`` or ``ok`` label and is not junk, negative otherwise) and
on the team's own **quality corpus** (positive when it matches an expected card, negative when
it is junk by ``score.py``'s checks, left out otherwise).  The model is a plain L2-regularised
logistic regression fitted by gradient descent (no dependencies), repositories weighted equally
so one big note cannot decide.  The threshold is the highest one that costs the simulated dev
deck at most ``--max-loss`` of its recall (see ``choose_threshold`` for why so cautious).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # realnotes.py: the judged cards' repositories
import real  # noqa: E402
import score as quality  # noqa: E402

WEIGHTS_FILE = ROOT / "src" / "notedeck" / "extract" / "weights.py"


@dataclass
class Sample:
    group: str  # repository (the unit of weighting and of cross-validation)
    note: str  # label name or corpus file
    features: dict[str, float]
    label: int | None  # 1 keep, 0 junk, None unknown (not trained on)
    produced: object  # score.Produced, for simulating the deck
    kind: str


def candidates(notes: Path, rels: list[str]):
    """{rel: [(card, features, RenderedCard)]} for every automatic candidate of these notes."""
    from notedeck.build.note import _media_context
    from notedeck.build.parse import parse
    from notedeck.build.read import read_notes
    from notedeck.build.render.card import render_card
    from notedeck.config import load_config
    from notedeck.extract.run import scored_candidates

    config = load_config(notes, notes.parent / "decks", dry_run=True, min_score=0.0)
    out: dict[str, list] = defaultdict(list)
    wanted = set(rels)
    for source in read_notes(config).files:
        if source.rel not in wanted:
            continue
        document = parse(source, config)
        for card, found, _ in scored_candidates(document, config):
            rendered, _, _ = render_card(card, _media_context(config.notes_dir, card.source))
            out[source.rel].append((card, found, rendered))
    return out


def dev_samples() -> list[Sample]:
    labels = real.load_labels(real.LABELS, "dev", None)
    texts = real.read_notes(labels, real.MIRRORS)
    samples = []
    with tempfile.TemporaryDirectory(prefix="notedeck-train-") as tmp:
        notes = Path(tmp) / "notes"
        for label in labels:
            target = notes / label.folder / label.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(texts[label.name], encoding="utf-8")
        found = candidates(notes, [label.rel for label in labels])
        for label in labels:
            code = real.code_and_prose(texts[label.name])
            for card, features, rendered in found.get(label.rel, []):
                made = real.produced(rendered)
                keep = int(real.why_junk(made, label, code) is None)
                samples.append(Sample(label.repo, label.name, features, keep, made, card.kind))
    return samples


def judged_samples() -> list[Sample]:
    """Candidates of the judged real-notes cards (``judged.py``): GOOD → keep, JUNK → junk,
    for the candidates whose question is still the one judged (matched by file, line and a
    hash of the question).  Repositories come from ``realnotes.py``'s pinned snapshots."""
    import judged as verdicts

    from notedeck.commands.preview import card_text

    labels = [j for j in verdicts.load() if j.verdict in ("GOOD", "JUNK")]
    if not labels:
        return []
    samples = []
    with tempfile.TemporaryDirectory(prefix="notedeck-train-") as tmp:
        notes = Path(tmp) / "notes"
        rels = verdicts.lay_out(labels, notes)  # each note at its pinned commit
        found = candidates(notes, rels)
        for j in labels:
            for card, features, rendered in found.get(j.rel, []):
                asked = verdicts.question_hash(card_text(rendered).question)
                if card.line == j.line and asked == j.question:
                    made = real.produced(rendered)
                    keep = int(j.verdict == "GOOD")
                    samples.append(Sample(j.repo, j.rel, features, keep, made, card.kind))
                    break
    return samples


def corpus_samples() -> list[Sample]:
    corpus = quality.CORPUS
    names = quality.corpus_names(corpus, None)
    samples = []
    with tempfile.TemporaryDirectory(prefix="notedeck-train-") as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        (notes / "notedeck.yaml").write_text((corpus / "notedeck.yaml").read_text())
        for name in names:
            (notes / f"{name}.md").write_text((corpus / f"{name}.md").read_text())
        found = candidates(notes, [f"{name}.md" for name in names])
        for name in names:
            expected, forbidden = quality.load_labels(corpus / f"{name}.expected.yaml")
            for card, features, rendered in found.get(f"{name}.md", []):
                made = quality.produced(rendered)
                if quality.junk_reason(made, forbidden, ("", "")):
                    label = 0
                elif any(quality.matches(e, made) for e in expected):
                    label = 1
                else:
                    label = None
                samples.append(Sample("own-corpus", name, features, label, made, card.kind))
    return samples


# ---------------------------------------------------------------- the model


def fit(samples: list[Sample], l2: float = 0.1, rounds: int = 25):
    """(bias, weights) of an L2-regularised logistic regression fitted by Newton's method,
    each repository weighing the same in all (``l2`` is per repository)."""
    train = [s for s in samples if s.label is not None]
    per_group = defaultdict(int)
    for s in train:
        per_group[s.group] += 1
    weight = {g: 1.0 / n for g, n in per_group.items()}
    names = sorted({name for s in train for name in s.features})
    index = {n: i + 1 for i, n in enumerate(names)}  # 0 is the bias
    size = len(names) + 1
    rows = [
        (weight[s.group], s.label, [(0, 1.0)] + [(index[n], v) for n, v in s.features.items()])
        for s in train
    ]
    beta = [0.0] * size
    for _ in range(rounds):
        grad = [0.0] * size
        hess = [[0.0] * size for _ in range(size)]
        for w, y, x in rows:
            z = sum(beta[i] * v for i, v in x)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for i, v in x:
                grad[i] += w * (p - y) * v
                for j, u in x:
                    hess[i][j] += w * p * (1 - p) * v * u
        for i in range(1, size):
            grad[i] += l2 * beta[i] / len(per_group)
            hess[i][i] += l2 / len(per_group)
        hess[0][0] += 1e-6
        step = _solve(hess, grad)
        beta = [b - d for b, d in zip(beta, step, strict=True)]
        if max(abs(d) for d in step) < 1e-6:
            break
    weights = {n: round(beta[index[n]], 3) for n in names if abs(beta[index[n]]) >= 0.005}
    return round(beta[0], 3), weights


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the system is small and positive definite)."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        lead = a[col][col] or 1e-12
        for r in range(col + 1, n):
            factor = a[r][col] / lead
            if factor:
                for c in range(col, n + 1):
                    a[r][c] -= factor * a[col][c]
    out = [0.0] * n
    for r in range(n - 1, -1, -1):
        out[r] = (a[r][n] - sum(a[r][c] * out[c] for c in range(r + 1, n))) / (a[r][r] or 1e-12)
    return out


def probability(bias: float, weights: dict[str, float], features: dict[str, float]) -> float:
    z = bias + sum(weights.get(n, 0.0) * v for n, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def simulate(samples: list[Sample], bias, weights, threshold: float) -> tuple[float, float, int]:
    """(dev recall, dev junk rate, cards) of the deck the scorer would keep, per real.py."""
    labels = {label.name: label for label in real.load_labels(real.LABELS, "dev", None)}
    kept: dict[str, list] = defaultdict(list)
    for s in samples:
        if s.group != "own-corpus" and probability(bias, weights, s.features) >= threshold:
            kept[s.note].append(s)
    expected = sum(len(label.cards) for label in labels.values())
    matched = junk = cards = 0
    for name, label in labels.items():
        produced = [s.produced for s in kept.get(name, [])]
        matched += len(label.cards) - len(real.match_cards(label.cards, produced))
        cards += len(produced)
        junk += sum(1 for s in kept.get(name, []) if s.label == 0)
    return matched / max(expected, 1), junk / max(cards, 1), cards


def choose_threshold(samples, bias, weights, max_loss: float) -> float:
    """The threshold that removes the most junk while dev recall drops by at most
    ``max_loss``: the scorer is a safety net under the rules, not a second set of rules (a
    leave-one-repository-out run shows how little its weights carry over between authors)."""
    base = simulate(samples, bias, weights, 0.0)[0]
    best = 0.0
    for t in [x / 100 for x in range(5, 96)]:
        if simulate(samples, bias, weights, t)[0] >= base - max_loss:
            best = t
    return best


def cross_validate(samples: list[Sample], max_loss: float) -> list[str]:
    """Leave one dev repository out: fit on the rest, report the held-out repository."""
    lines = []
    groups = sorted({s.group for s in samples if s.group != "own-corpus"})
    for group in groups:
        rest = [s for s in samples if s.group != group]
        bias, weights = fit(rest)
        threshold = choose_threshold(rest, bias, weights, max_loss)
        held = [s for s in samples if s.group == group and s.label is not None]
        kept = [s for s in held if probability(bias, weights, s.features) >= threshold]
        good = sum(s.label for s in held)
        before = sum(1 - s.label for s in held) / max(len(held), 1)
        lines.append(
            f"  held out {group:<36} kept {len(kept):>3}/{len(held):<3} "
            f"junk {before:.2f} → {sum(1 - s.label for s in kept) / max(len(kept), 1):.2f} "
            f"good kept {sum(s.label for s in kept)}/{good}"
        )
    return lines


CACHE = Path(tempfile.gettempdir()) / "notedeck-train-samples.pickle"  # note text: never in git


def load_samples(refresh: bool) -> list[Sample]:
    """The candidates of the labelled notes, cached between runs (rules changed: --refresh)."""
    import pickle

    if not refresh and CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    samples = dev_samples() + corpus_samples() + judged_samples()
    CACHE.write_bytes(pickle.dumps(samples))
    return samples


def stable_features(samples: list[Sample]) -> set[str]:
    """Features whose weight has the same sign whichever dev repository is left out (and the
    own corpus too): what holds across authors, not one author's habits."""
    groups = sorted({s.group for s in samples})
    signs: dict[str, set[int]] = defaultdict(set)
    for group in groups:
        _, weights = fit([s for s in samples if s.group != group])
        for name in {n for s in samples for n in s.features}:
            value = weights.get(name, 0.0)
            signs[name].add(0 if abs(value) < 0.2 else (1 if value > 0 else -1))
    stable = {name for name, seen in signs.items() if len(seen) == 1 and 0 not in seen}
    return stable - NOT_LEARNED


# Features the model may not use, whatever the data says: a one-word term and a term asked twice
# in a note are the commonest shapes of good cards too ("**Widget**: a small device …"; a term
# defined under two headings).  The labelled notes have too few of those to learn that; the
# rules already handle the junk these stand for (generic labels, a topic's repeated sentences).
NOT_LEARNED = frozenset(["t_one_word", "t_repeated"])


def restricted(samples: list[Sample], names: set[str]) -> list[Sample]:
    return [
        Sample(
            s.group,
            s.note,
            {n: v for n, v in s.features.items() if n in names},
            s.label,
            s.produced,
            s.kind,
        )
        for s in samples
    ]


def write_weights(bias: float, weights: dict[str, float], threshold: float) -> None:
    body = "\n".join(
        f"    {json.dumps(name)}: {value!r}," for name, value in sorted(weights.items())
    )
    WEIGHTS_FILE.write_text(
        '"""The candidate scorer\'s weights (see ``score.py``): learned offline from labelled real '
        "notes\nby ``python benchmarks/quality/train.py``, which rewrites this file.  "
        'Do not edit by hand."""\n\n'
        f"BIAS = {bias:.3f}\nTHRESHOLD = {threshold:.2f}\nWEIGHTS: dict[str, float] = {{\n"
        f"{body}\n}}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="do not write weights.py")
    parser.add_argument("--cv", action="store_true", help="leave-one-repository-out estimate")
    parser.add_argument(
        "--max-loss",
        type=float,
        default=None,
        help="pick the threshold costing at most this dev recall (default: 0.5, more likely "
        "junk than not: the weights carry over between authors too weakly to trust more)",
    )
    parser.add_argument("--refresh", action="store_true", help="rebuild the candidate cache")
    parser.add_argument("--show", metavar="FEATURE", help="list the candidates having FEATURE")
    args = parser.parse_args(argv)
    samples = load_samples(args.refresh)
    known = [s for s in samples if s.label is not None]
    print(f"{len(samples)} candidates, {len(known)} labelled ({sum(s.label for s in known)} keep)")
    stable = stable_features(samples)
    print(f"features stable across repositories: {', '.join(sorted(stable))}")
    samples = restricted(samples, stable)
    bias, weights = fit(samples)
    threshold = (
        0.5 if args.max_loss is None else choose_threshold(samples, bias, weights, args.max_loss)
    )
    recall, junk, cards = simulate(samples, bias, weights, threshold)
    everything = simulate(samples, bias, weights, 0.0)
    recall0, junk0, cards0 = everything
    print(f"without the scorer: dev recall={recall0:.2f} junk={junk0:.2f} cards={cards0}")
    print(f"threshold {threshold:.2f}: dev recall={recall:.2f} junk={junk:.2f} cards={cards}")
    for name, value in sorted(weights.items(), key=lambda kv: kv[1]):
        print(f"  {value:+.2f}  {name}")
    if args.cv:
        print("\n".join(cross_validate(samples, args.max_loss or 0.02)))
    if not args.dry_run:
        write_weights(bias, weights, threshold)
        print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
