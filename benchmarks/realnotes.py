"""Real-notes benchmark: notedeck on markdown notes nobody here wrote, from public GitHub repos.

    python benchmarks/realnotes.py                        # each repository, then all at once
    python benchmarks/realnotes.py --repos owlman aboelkassem
    python benchmarks/realnotes.py --scaling --floor      # + cost at 1/8, 1/4, 1/2, all; floor
    python benchmarks/realnotes.py --sample 200 --seed 1  # + cards for a judge (/tmp/…)

The repositories (short name: owner/name @ commit, [folder taken,] .md/.markdown files there):

- rimaout: rimaout/Obsidian-Vault @ d98ff482888cb8c142edd6199b276488ceddb744, 790
- aglaianorza: AglaiaNorza/obsidian-vault @ 002e4b038255b8c354451482447141444569fc82, 239
- callisto95: Callisto95/logseq-TU-BS @ 56b0ca2d23ed1bf9f2f4c6899ee3dd566b26c2f1, 477
- owlman: owlman/CS_StudyNotes @ 75a93c4dc3f04b9d4eca18d1bf00f2c3aaea07ae, 94
- keyvanakbary: keyvanakbary/learning-notes @ ce15cdc2f51607e71912da6856b04b23e540df01, 59
- digitalyoshixi: digitalyoshixi/zettelkasten @ cb0abd7d1e4164b4b9dc04cd336a954497f246b6,
  content/, 13415
- eddysanoli: eddysanoli/obsidian-notes @ 05046bd068c261c987cb0e522e1a426d6e9b759f, 110
- aboelkassem: aboelkassem/designing-data-intensive-applications-notes
  @ 4cc15e205e32e5557868735f20bcd8d00cf62afe, 13
- elliottloveridge: elliottloveridge/notes @ b5826a33622919676351915b8e493ced62a952e0, 166
- ortieez: Ortieez/2.IT-Notes @ 1ff2f16f8bad354e433b4a2d4e964803d83e3e42, 121

Styles are in ``REPOS``.  Each repository's tree is read at its commit from the bare snapshot
that ``fetch github:owner/name`` brings to /work/.mirror/owner+name*/ (or $REALNOTES_MIRRORS)
and written to <work>/notes/<short>/, whole (images, .obsidian, .trash, Excalidraw: skipping
what is not a note is notedeck's job).  Blobs a snapshot lacks (files of 4 MiB and more),
symlinks and submodules are left out and counted.  No note text is ever committed: the notes,
decks, outputs and the judge's sample live in the work folder and /tmp only.

Per repository (its own NOTES_DIR, no config), each as a whole process, as a user runs it:
``notedeck build NOTES -o OUT`` (first build), the same again (no-change rebuild),
``notedeck check NOTES`` and ``notedeck preview NOTES --json`` (cards per source file);
then once over every repository together (NOTES_DIR = <work>/notes, a top-level folder per
repository: the "whole vault" figure).  Wall time is the whole process, interpreter start
included, after one untimed warm-up build (bytecode cached in <work>/pycache).  Peak MB is
``ru_maxrss`` from ``os.wait4``: the largest peak RSS of the command's process or of any child
it waited for (its worker processes): a maximum over processes, not their sum.

"md files" counts every .md/.markdown present (dot-folders too); "read" is notedeck's own count
(build's "N note files read"); skipped = md files - read, with the reasons check prints (error
or "skipped" lines) and how many sit in dot-folders; "no card" = read - files that preview
shows a card from.  --floor: bench_build's floor (markdown-it parses every file notedeck reads,
hard-linked, + genanki writes as many notes as the build made cards) in one process, timed the
same way.  --scaling: nested subsets of the combined corpus's note files (the first 1/8, 1/4,
1/2 by sha1 of the path; every other file kept at every size, so image links resolve as in the
whole corpus), every command, time = a + b·files fitted by least squares.  --sample: N random
cards of the combined run (repo, path:line, kind, Q, A as text) to a file outside the
repository (default /tmp/realnotes-sample.md).  Nothing asserts; targets are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
MIRRORS = Path(os.environ.get("REALNOTES_MIRRORS", "/work/.mirror"))
NOTE_SUFFIXES = (".md", ".markdown")
COMMANDS = ("build", "rebuild", "check", "preview")


@dataclass(frozen=True)
class Repo:
    short: str
    repo: str
    commit: str
    folder: str  # sub-folder taken ("" = the whole tree)
    style: str


REPOS = [
    Repo("rimaout", "rimaout/Obsidian-Vault", "d98ff482888cb8c142edd6199b276488ceddb744", "",
         "Obsidian, Italian CS degree course notes (MOCs), callouts, LaTeX, pasted images"),
    Repo("aglaianorza", "AglaiaNorza/obsidian-vault", "002e4b038255b8c354451482447141444569fc82",
         "", "Obsidian, Italian CS lecture notes, callouts, ![[embeds]], .trash"),
    Repo("callisto95", "Callisto95/logseq-TU-BS", "56b0ca2d23ed1bf9f2f4c6899ee3dd566b26c2f1", "",
         "Logseq graph, German maths/CS lectures, outline bullets, key:: value, logseq/bak"),
    Repo("owlman", "owlman/CS_StudyNotes", "75a93c4dc3f04b9d4eca18d1bf00f2c3aaea07ae", "",
         "Foam/Obsidian, Chinese CS study notes, long articles, callouts"),
    Repo("keyvanakbary", "keyvanakbary/learning-notes", "ce15cdc2f51607e71912da6856b04b23e540df01",
         "", "book/talk/paper notes (DDIA, Effective Java, Peopleware), plain markdown"),
    Repo("digitalyoshixi", "digitalyoshixi/zettelkasten",
         "cb0abd7d1e4164b4b9dc04cd336a954497f246b6",
         "content", "Obsidian zettelkasten (Quartz), 13k atomic notes, daily, Excalidraw"),
    Repo("eddysanoli", "eddysanoli/obsidian-notes", "05046bd068c261c987cb0e522e1a426d6e9b759f", "",
         "Obsidian, MITx data-science course notes, Rust, work logs, Kanban, Excalidraw"),
    Repo("aboelkassem", "aboelkassem/designing-data-intensive-applications-notes",
         "4cc15e205e32e5557868735f20bcd8d00cf62afe", "", "DDIA book notes, a file per chapter"),
    Repo("elliottloveridge", "elliottloveridge/notes", "b5826a33622919676351915b8e493ced62a952e0",
         "", "Obsidian, Python/algorithms/ML/statistics notes, course pages, {{date}} templates"),
    Repo("ortieez", "Ortieez/2.IT-Notes", "1ff2f16f8bad354e433b4a2d4e964803d83e3e42", "",
         "Obsidian, Czech secondary-school IT notes, Excalidraw, embeds"),
]  # fmt: skip


# ---------------------------------------------------------------- the notes


def find_mirror(repo: Repo) -> Path | None:
    """The bare git directory fetched for ``repo`` that holds its pinned commit, or None."""
    owner, name = repo.repo.split("/")
    for found in sorted(MIRRORS.glob(f"{owner}+{name}*")):
        for git_dir in (found / "repo", found):
            has_commit = _git(git_dir, "cat-file", "-e", repo.commit).returncode == 0
            if (git_dir / "HEAD").exists() and has_commit:
                return git_dir
    return None


def _git(git_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """git on a bare snapshot, output captured."""
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], capture_output=True)


def materialise(repo: Repo, git_dir: Path, dest: Path) -> Counter:
    """Write the repository's files at its commit under ``dest``; count what was left out."""
    spec = [repo.commit, "--", repo.folder] if repo.folder else [repo.commit]
    listing = _git(git_dir, "ls-tree", "-r", "-z", *spec).stdout
    counts: Counter = Counter()
    wanted: list[tuple[str, str]] = []
    for item in filter(None, listing.split(b"\0")):
        meta, _, raw = item.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        rel = os.fsdecode(raw)[len(repo.folder) + 1 if repo.folder else 0 :]
        parts = PurePosixPath(rel).parts
        if kind != "blob" or mode == "120000" or ".." in parts or rel.startswith("/"):
            counts["symlink/submodule"] += 1
        else:
            wanted.append((sha, rel))
    batch = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    shas = "".join(f"{sha}\n" for sha, _ in wanted).encode()
    feed = threading.Thread(target=lambda: (batch.stdin.write(shas), batch.stdin.close()))
    feed.start()
    for _sha, rel in wanted:
        header = batch.stdout.readline().split()
        if header[-1] == b"missing":
            counts["missing in snapshot"] += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        counts["files"] += 1
    feed.join()
    batch.wait()
    return counts


def note_files(root: Path) -> list[Path]:
    """Every .md/.markdown file under ``root``, hidden folders included (what is present)."""
    return sorted(p for p in root.rglob("*") if p.name.lower().endswith(NOTE_SUFFIXES))


def is_hidden(path: Path, root: Path) -> bool:
    """In a dot-folder (or a dot-file) below root: what notedeck does not read."""
    return any(part.startswith(".") for part in path.relative_to(root).parts)


# ---------------------------------------------------------------- running commands


@dataclass
class Run:
    seconds: float
    peak_mb: float
    exit: int | str
    stdout: str
    stderr: str


def notedeck() -> list[str]:
    """The notedeck executable next to this Python, else ``python -m notedeck.cli``."""
    exe = Path(sys.executable).with_name("notedeck")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "notedeck.cli"]


def run(argv: list[str], work: Path, env: dict, timeout: float) -> Run:
    """Run one command as a whole process: wall time, peak RSS (os.wait4), exit, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        timed_out: list[bool] = []
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, env=env, cwd=work, start_new_session=True
        )
        timer = threading.Timer(timeout, lambda: timed_out.append(_kill(proc.pid)))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait
        out.seek(0)
        err.seek(0)
        code = "TIMEOUT" if timed_out else proc.returncode
        text = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        return Run(seconds, usage.ru_maxrss / 1024, code, *text)


def _kill(pid: int) -> bool:
    """Kill a timed-out command's whole process group."""
    with contextlib.suppress(OSError):
        os.killpg(pid, 9)
    return True


PATTERNS = {
    "warnings": re.compile(r"(^|: )warning:"),
    "errors": re.compile(r"(^|: )error:"),
    "tracebacks": re.compile(r"^Traceback \(most recent call last\)"),
    "skipped": re.compile(r"\bskipp(ed|ing)\b", re.IGNORECASE),  # quoted text not searched
}
QUOTED = re.compile(r"'(?:[^']|'(?=\w))*'|\"[^\"]*\"")  # quoted note text (it's kept inside)
PATH = re.compile(r"^\S.*?\.(md|markdown)(:\d+)?:\s*")
SEVERITY = re.compile(r"^(error|warning): ")
FILES_READ = re.compile(r"\((\d+) note files? read|from (\d+) note files?")


def parse_output(result: Run) -> dict:
    """Everything read from notedeck's messages, in one place to adapt when they change: line
    counts, warning/error/traceback/skip lines (one example each), note files read, and the
    kinds of warnings and of errors or skips (see ``message``)."""
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    found: dict = {"out lines": len(result.stdout.splitlines())}
    found["err lines"] = len(result.stderr.splitlines())
    found["examples"], found["kinds"], found["reasons"] = {}, Counter(), Counter()
    for key, pattern in PATTERNS.items():
        hits = [n for n, line in enumerate(lines) if pattern.search(QUOTED.sub("", line))]
        found[key] = len(hits)
        if hits and key == "tracebacks":  # the exception line ends the traceback
            after = lines[hits[0] + 1 :]
            found["examples"][key] = next((x for x in after if x[:1].strip()), lines[hits[0]])
        elif hits:
            found["examples"][key] = lines[hits[0]]
        if key != "tracebacks":
            found["kinds" if key == "warnings" else "reasons"].update(
                message(lines[n]) for n in hits
            )
    read = [int(a or b) for a, b in FILES_READ.findall("\n".join(lines))]
    found["files read"] = read[-1] if read else None
    return found


def message(line: str) -> str:
    """A message's kind: path, severity, quoted note text, details and numbers dropped."""
    text = SEVERITY.sub("", PATH.sub("", SEVERITY.sub("", line.strip())))
    return re.sub(r"\d+", "N", QUOTED.sub("'…'", text).split(": ")[0])[:70]


# ---------------------------------------------------------------- one notes folder


def bench_notes(notes: Path, name: str, ctx: argparse.Namespace) -> dict:
    """build, no-change rebuild, check and preview --json on one NOTES_DIR; files and cards."""
    out, start = ctx.work / "out" / name, time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    build = [*notedeck(), "build", str(notes), "-o", str(out)]
    argvs = [build, build, [*notedeck(), "check", str(notes)]]
    argvs.append([*notedeck(), "preview", str(notes), "--json"])
    runs = {c: run(a, ctx.work, ctx.env, ctx.timeout) for c, a in zip(COMMANDS, argvs, strict=True)}
    try:
        cards = json.loads(runs["preview"].stdout or "[]")
    except json.JSONDecodeError:
        cards = []
    present = note_files(notes)
    parsed = {c: parse_output(r) for c, r in runs.items()}
    read = parsed["build"]["files read"] or parsed["check"]["files read"] or 0
    with_cards = len({c["source"] for c in cards})
    print(f"{name}: ran in {time.perf_counter() - start:.1f} s", flush=True)
    hidden = sum(is_hidden(p, notes) for p in present)
    return dict(runs=runs, parsed=parsed, cards=cards, present=len(present), hidden=hidden,
                read=read, **{"no card": max(read - with_cards, 0)})  # fmt: skip


# ---------------------------------------------------------------- floor, scaling, sample


def floor_input(notes: Path, dest: Path) -> Path:
    """The files notedeck reads (not hidden), hard-linked as *.md (UTF-8) for the floor."""
    for path in note_files(notes):
        if is_hidden(path, notes):
            continue
        rel = path.relative_to(notes)
        target = dest / rel.with_name(rel.name + ("" if rel.suffix.lower() == ".md" else ".md"))
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.read_bytes().decode("utf-8")
            os.link(path, target)
        except UnicodeDecodeError:
            target.write_text(path.read_bytes().decode("utf-8", "replace"), encoding="utf-8")
    return dest


def run_floor(notes: Path, cards: int, ctx: argparse.Namespace, label: str) -> Run:
    """The floor for the files of ``notes``, as one whole process (timed like notedeck)."""
    src = floor_input(notes, ctx.work / "floor" / label / "notes")
    child = [sys.executable, __file__, "--floor-child", str(src), str(src.parent / "out")]
    result = run([*child, str(cards)], ctx.work, ctx.env, ctx.timeout)
    shutil.rmtree(src.parent, ignore_errors=True)
    return result


def subset(root: Path, dest: Path, share: int) -> Path:
    """The first 1/share of the note files by sha1 of their path (so 1/8 ⊂ 1/4 ⊂ …) and every
    other file (attachments keep resolving as in the whole corpus), hard-linked under dest."""
    notes = sorted(note_files(root), key=lambda p: sha1(str(p.relative_to(root)).encode()).digest())
    keep = set(notes[: math.ceil(len(notes) / share)])
    for path in root.rglob("*"):
        if path.is_file() and (path in keep or not path.name.lower().endswith(NOTE_SUFFIXES)):
            target = dest / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target)
    return dest


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b·x: (a, b, R²)."""
    n, mx, my = len(xs), sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs) or 1e-12
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys) or 1e-12
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return a, b, 1 - ss_res / ss_tot if n > 2 else 1.0


def scaling(notes: Path, ctx: argparse.Namespace, full: dict, floor: Run | None) -> list[str]:
    """Every command at 1/8, 1/4, 1/2 and all (``full``, measured already) of the combined
    corpus's files, and a least-squares fit of time against md files."""
    rows, times, sizes = [], {c: [] for c in COMMANDS}, []
    for share in (8, 4, 2, 1):
        part = notes if share == 1 else subset(notes, ctx.work / "scale" / f"1-{share}", share)
        if share != 1:
            # Hard links change the files' ctime: a file changed within 2 s of a build is never
            # trusted by the read index (git's racy case), so the no-change rebuild would read
            # the newest ones again.  A user's notes are older than that.
            time.sleep(2.5)
        result = full if share == 1 else bench_notes(part, f"1-{share}", ctx)
        sizes.append(result["present"])
        row = [f"1/{share}", result["present"], result["read"], len(result["cards"])]
        for command in times:
            times[command].append(result["runs"][command].seconds)
            row.append(f"{result['runs'][command].seconds:.2f}")
        if floor:
            cards = len(result["cards"])
            row.append(
                f"{(floor if share == 1 else run_floor(part, cards, ctx, str(share))).seconds:.2f}"
            )
        rows.append(row)
    headers = ["size", "md files", "read", "cards", *(f"{c} s" for c in COMMANDS)]
    lines = table(headers + (["floor s"] if floor else []), rows)
    for command, ys in times.items():
        a, b, r2 = fit(sizes, ys)
        lines.append(
            f"{command}: time = {a:.3f} s + {b * 1000:.3f} ms × files, R² = {r2:.3f}; "
            f"time(all)/time(1/8) = {ys[-1] / ys[0]:.2f} for {sizes[-1] / sizes[0]:.2f}× the files"
        )
    return lines


def write_sample(cards: list[dict], n: int, seed: int, path: Path) -> None:
    """N random cards (repo, path:line, kind, Q, A as plain text) for a human judge."""
    picked = random.Random(seed).sample(cards, min(n, len(cards)))
    lines = [f"# notedeck real-notes sample: {len(picked)} of {len(cards)} cards, seed {seed}", ""]
    for i, card in enumerate(picked, 1):
        repo, _, rel = card["source"].partition("/")
        lines += [f"## {i}. {repo}: {rel}:{card['line']} ({card['kind']})", ""]
        lines += ["Q:", card["question"], "", "A:", card["answer"], "", "verdict:", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"sample: {len(picked)} cards written to {path} (never commit it)")


# ---------------------------------------------------------------- report


def table(headers: list[str], rows: list[list]) -> list[str]:
    """A markdown table: numbers right-aligned, text left-aligned."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    just = [str.rjust if re.fullmatch(r"[\d.\-]*", c) else str.ljust for c in cells[-1]]
    fmt = [" | ".join(j(c, w) for c, w, j in zip(r, widths, just, strict=True)) for r in cells]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return [f"| {fmt[0]} |", rule, *(f"| {line} |" for line in fmt[1:])]


def file_row(name: str, res: dict, left_out: Counter) -> list:
    """One row of the files-and-cards table."""
    skipped = res["present"] - res["read"]
    reasons = res["parsed"]["check"]["reasons"]
    why = [f"{kind} ×{n}" for kind, n in reasons.most_common(2)]
    why += [f"in a dot-folder ×{res['hidden']} (no message)"] if res["hidden"] else []
    cards = len(res["cards"])
    per = f"{cards / res['read']:.2f}" if res["read"] else "-"
    missing = left_out["missing in snapshot"] + left_out["symlink/submodule"]
    row = [name, res["present"], res["read"], skipped, "; ".join(why), res["no card"], cards, per]
    return [*row, missing]


def cost_rows(name: str, res: dict) -> list[list]:
    """A row per command: exit, time, peak memory, line counts."""
    rows = []
    for command in COMMANDS:
        r, p = res["runs"][command], res["parsed"][command]
        counts = [p[k] for k in ("out lines", "err lines", "warnings", "errors", "tracebacks")]
        rows.append([name, command, r.exit, f"{r.seconds:.2f}", f"{r.peak_mb:.0f}", *counts])
    return rows


def main(argv: list[str] | None = None) -> int:
    """Materialise, run, print the tables; the exit code (2 when no repository is there)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", nargs="+", metavar="NAME", help="only these (short names)")
    parser.add_argument("--scaling", action="store_true", help="cost at 1/8, 1/4, 1/2, all")
    parser.add_argument("--floor", action="store_true", help="the floor on the same files")
    parser.add_argument("--sample", type=int, default=0, metavar="N", help="N cards for a judge")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample-out", type=Path, default=Path("/tmp/realnotes-sample.md"))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per command")
    parser.add_argument("--workdir", type=Path, help="kept afterwards (default: a temp folder)")
    ctx = parser.parse_args(argv)
    ctx.work = (ctx.workdir or Path(tempfile.mkdtemp(prefix="realnotes-"))).resolve()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    ctx.env = {**env, "PYTHONPYCACHEPREFIX": str(ctx.work / "pycache"), "NO_COLOR": "1"}
    try:
        present = fetch_all([r for r in REPOS if not ctx.repos or r.short in ctx.repos], ctx)
        if not present:
            print("no repository snapshot is here: nothing to run", file=sys.stderr)
            return 2
        results = {
            r.short: bench_notes(ctx.work / "notes" / r.short, r.short, ctx) for r in present
        }
        results["ALL"] = bench_notes(ctx.work / "notes", "ALL", ctx)
        print_report(present, results, ctx)
        extras(results["ALL"], ctx)
        return 0
    finally:
        if not ctx.workdir:
            shutil.rmtree(ctx.work, ignore_errors=True)


def fetch_all(chosen: list[Repo], ctx: argparse.Namespace) -> dict[Repo, Counter]:
    """Materialise each repository found; one untimed warm-up build (compiles bytecode)."""
    notes, present = ctx.work / "notes", {}
    shutil.rmtree(notes, ignore_errors=True)
    for repo in chosen:
        git_dir = find_mirror(repo)
        if git_dir is None:
            print(f"{repo.short}: no snapshot with {repo.commit[:12]}: fetch github:{repo.repo}")
            continue
        start = time.perf_counter()
        present[repo] = materialise(repo, git_dir, notes / repo.short)
        print(f"{repo.short}: {present[repo]['files']} files, {time.perf_counter() - start:.1f} s")
    if present:
        smallest = notes / min(present, key=lambda r: present[r]["files"]).short
        warm = [*notedeck(), "build", str(smallest), "-o", str(ctx.work / "warm")]
        run(warm, ctx.work, ctx.env, ctx.timeout)
    return present


def extras(combined: dict, ctx: argparse.Namespace) -> None:
    """--floor, --scaling and --sample, on the combined corpus."""
    notes, cards, floor = ctx.work / "notes", combined["cards"], None
    if ctx.floor:
        floor, build = run_floor(notes, len(cards), ctx, "all"), combined["runs"]["build"]
        print(f"\nfloor (ALL, {combined['read']} files, {len(cards)} notes): {floor.seconds:.2f} s"
              f", exit {floor.exit}, peak {floor.peak_mb:.0f} MB; full build {build.seconds:.2f} s"
              f" = {build.seconds / floor.seconds:.2f} × floor (target ≤ 1.5)")  # fmt: skip
    if ctx.scaling:
        start = time.perf_counter()
        print("\n## Scaling (combined corpus, deterministic nested subsets of its files)\n")
        print("\n".join(scaling(notes, ctx, combined, floor)))
        print(f"scaling ran in {time.perf_counter() - start:.1f} s")
    if ctx.sample:
        write_sample(cards, ctx.sample, ctx.seed, ctx.sample_out)


def print_report(present: dict, results: dict, ctx: argparse.Namespace) -> None:
    """The files-and-cards table, the cost table and one example line of each oddity."""
    left_out = {r.short: c for r, c in present.items()}
    left_out["ALL"] = sum(present.values(), Counter())
    print(f"\n# notedeck on real notes ({len(present)} repositories, work folder {ctx.work})\n")
    print("## Files and cards\n")
    headers = ["repo", "md files", "read", "skipped", "why skipped", "no card", "cards",
               "cards/file", "left out"]  # fmt: skip
    print("\n".join(table(headers, [file_row(n, r, left_out[n]) for n, r in results.items()])))
    print("\n## Cost of each command (whole process)\n")
    headers = ["repo", "command", "exit", "seconds", "peak MB", "out lines", "err lines",
               "warning lines", "error lines", "tracebacks"]  # fmt: skip
    rows = [row for name, res in results.items() for row in cost_rows(name, res)]
    print("\n".join(table(headers, rows)))
    print("\n## check: warning lines by kind (top 3 per repository)\n")
    kinds = [
        [n, k, v]
        for n, r in results.items()
        for k, v in r["parsed"]["check"]["kinds"].most_common(3)
    ]
    print("\n".join(table(["repo", "kind", "lines"], kinds)))
    print("\n## One example line of each (first seen, any command)\n")
    for name, res in results.items():
        examples: dict[str, str] = {}
        for parsed in res["parsed"].values():
            examples = parsed["examples"] | examples
        for kind, line in examples.items():
            print(f"- {name} {kind}: {line[:200]}")


def floor_child(argv: list[str]) -> None:
    """Child process: bench_build's floor (markdown-it parses every file, genanki writes COUNT
    notes) on argv = NOTES OUT COUNT."""
    sys.path.insert(0, str(HERE))
    from bench_build import _floor

    _floor(Path(argv[0]), Path(argv[1]), int(argv[2]))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--floor-child":
        floor_child(sys.argv[2:])
    else:
        sys.exit(main())
