"""Every regular expression in notedeck, and adversarial inputs for each (issue 16, defect 1).

``patterns()`` finds them two ways: compiled patterns in every module's globals, and the literal
patterns of ``re.search(r"…", …)``-style calls anywhere in the source (found with ``ast``, so a
pattern written inline in a function is not missed).  Each is probed with the methods the code
really calls on it (``fullmatch`` is what made ``is_metadata`` exponential; a ``search`` of the
same pattern stops early).

``inputs(pattern, n)`` builds strings of about ``n`` characters meant to make a backtracking
engine work super-linearly: for every repeat in the pattern, the text that reaches it followed
by its body pumped many times and a tail that makes the match fail (the classic ReDoS shape),
plus every character and literal word of the pattern pumped on its own.

Run as a script it is the worker of ``test_regex_linear``: it reads one job per line
(``pattern-index size``) from stdin and answers ``.`` after each input and ``done`` once every
input of that size went through every method.  The test kills it when an answer does not come
within a generous wall limit, so a super-linear pattern shows up as a hang; nothing is timed.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import re._parser as sre_parse
    from re._constants import (
        ANY,
        ASSERT,
        ASSERT_NOT,
        AT,
        ATOMIC_GROUP,
        BRANCH,
        CATEGORY,
        CATEGORY_DIGIT,
        CATEGORY_NOT_DIGIT,
        CATEGORY_NOT_SPACE,
        CATEGORY_NOT_WORD,
        CATEGORY_SPACE,
        CATEGORY_WORD,
        GROUPREF,
        GROUPREF_EXISTS,
        IN,
        LITERAL,
        MAX_REPEAT,
        MIN_REPEAT,
        NEGATE,
        NOT_LITERAL,
        POSSESSIVE_REPEAT,
        RANGE,
        SUBPATTERN,
    )
except ImportError:  # pragma: no cover - Python < 3.11 is not supported by notedeck anyway
    raise

SRC = Path(__file__).resolve().parent.parent / "src" / "notedeck"
METHODS = {
    "search": "search",
    "match": "match",
    "fullmatch": "fullmatch",
    "sub": "finditer",
    "subn": "finditer",
    "split": "finditer",
    "findall": "finditer",
    "finditer": "finditer",
}
TAILS = ("", "\x00", "\n")


@dataclass(frozen=True)
class Found:
    """One distinct pattern: every name it goes by, and the methods called on it."""

    names: tuple[str, ...]
    pattern: str
    flags: int
    methods: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0]

    def compiled(self) -> re.Pattern:
        return re.compile(self.pattern, self.flags)


# ---------------------------------------------------------------- finding the patterns


def _modules():
    import notedeck

    for info in pkgutil.walk_packages(notedeck.__path__, "notedeck."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)


def _called_methods() -> dict[str, set[str]]:
    """Global name → the ``re.Pattern`` methods called on it anywhere (``NAME.search(…)``)."""
    used: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in METHODS:
                value = node.value
                name = value.id if isinstance(value, ast.Name) else getattr(value, "attr", None)
                if name:
                    used.setdefault(name, set()).add(METHODS[node.attr])
    return used


def _flags(node: ast.expr | None) -> int:
    """``re.I | re.M``-style flag arguments (0 for anything else)."""
    if node is None:
        return 0
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flags(node.left) | _flags(node.right)
    if isinstance(node, ast.Attribute):
        return int(getattr(re, node.attr, 0))
    return 0


def _literal(node: ast.expr) -> str | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


_FLAG_ARG = {"search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3}


def _inline_patterns():
    """(name, pattern, flags, method) of each ``re.<method>("literal", …)`` call in the source."""
    for path in sorted(SRC.rglob("*.py")):
        module = "notedeck." + ".".join(path.relative_to(SRC).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {
            id(inner): fn.name
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef)
            for inner in ast.walk(fn)
        }
        counts: dict[str, int] = {}
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            if not (
                isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in (*METHODS, "compile")
                and node.args
            ):
                continue
            pattern = _literal(node.args[0])
            if pattern is None:
                continue
            method = node.func.attr
            position = {"compile": 1, "sub": 4, "subn": 4}.get(method, _FLAG_ARG.get(method, 9))
            flag_node = node.args[position] if len(node.args) > position else None
            flag_node = next((k.value for k in node.keywords if k.arg == "flags"), flag_node)
            where = functions.get(id(node), "<module>")
            counts[where] = counts.get(where, 0) + 1  # names survive edits that move lines
            yield f"{module}:{where}#{counts[where]}", pattern, _flags(flag_node), method


def patterns() -> list[Found]:
    """Every distinct (pattern, flags) in notedeck, each with all its names, sorted by name."""
    used = _called_methods()
    seen: dict[tuple[str, int], tuple[list[str], set[str]]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and module.__name__.startswith("notedeck"):
                names, methods = seen.setdefault((value.pattern, value.flags), ([], set()))
                names.append(f"{module.__name__}:{name}")
                methods.update(used.get(name, ()))
    for name, pattern, flags, method in _inline_patterns():
        flags = re.compile(pattern, flags).flags  # as the globals store them (re.U added)
        names, methods = seen.setdefault((pattern, flags), ([], set()))
        names.append(name)
        if method != "compile":
            methods.add(METHODS[method])
    return sorted(
        (
            Found(
                tuple(sorted(names, key=_named_first)),
                pattern,
                flags,
                tuple(sorted(methods or {"finditer"})),
            )
            for (pattern, flags), (names, methods) in seen.items()
        ),
        key=lambda f: f.name,
    )


def _named_first(name: str) -> tuple[bool, str]:
    """A global's name (``extract.syntax:CLOZE``) before a call site's (``…:<module>#2``)."""
    return "#" in name, name


# ---------------------------------------------------------------- adversarial inputs

_PROBE_CHARS = "a x1 -.\t\n*_:#"  # candidates for "some character this class does (not) take"
_CATEGORY_SAMPLE = {
    CATEGORY_DIGIT: "1",
    CATEGORY_NOT_DIGIT: "a",
    CATEGORY_SPACE: " ",
    CATEGORY_NOT_SPACE: "a",
    CATEGORY_WORD: "a",
    CATEGORY_NOT_WORD: " ",
}
_MARK = "\ue000"  # stands for the pumped repeat while the text around it is sampled


class _Sampler:
    """Short strings that match parts of a parsed pattern (best effort: lookarounds give "")."""

    def __init__(self, compiled: re.Pattern):
        self.compiled = compiled
        self.groups: dict[int, str] = {}

    def char_in(self, items) -> str:
        negated = any(op is NEGATE for op, _ in items)
        members = set()
        for op, av in items:
            if op is LITERAL:
                members.add(chr(av))
            elif op is RANGE:
                members.add(chr(av[0]))
            elif op is CATEGORY and av in _CATEGORY_SAMPLE:
                members.add(_CATEGORY_SAMPLE[av])
        if not negated:
            return min(members) if members else "a"
        return next(
            (c for c in _PROBE_CHARS if not self.compiled.fullmatch(c) and c not in members), "a"
        )

    def sample(self, pattern, target=None, pump=False) -> str:
        out = []
        for op, av in pattern:
            if op is LITERAL:
                out.append(chr(av))
            elif op is NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is ANY:
                out.append("a")
            elif op is IN:
                out.append(self.char_in(av))
            elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
                low, _high, body = av
                if target is not None and av is target:
                    out.append(_MARK)
                else:
                    out.append(self.sample(body, target) * max(low, 1 if pump else 0))
            elif op is SUBPATTERN:
                group, _, _, body = av
                text = self.sample(body, target, pump)
                if group:
                    self.groups[group] = text
                out.append(text)
            elif op is BRANCH:
                branches = av[1]
                marked = [b for b in branches if _contains(b, target)]
                out.append(self.sample((marked or branches)[0], target, pump))
            elif op is ATOMIC_GROUP:
                out.append(self.sample(av, target, pump))
            elif op is GROUPREF:
                out.append(self.groups.get(av, ""))
            elif op is GROUPREF_EXISTS:
                _group, yes, _no = av
                out.append(self.sample(yes, target, pump))
            elif op in (AT, ASSERT, ASSERT_NOT):
                continue
        return "".join(out)


def _contains(pattern, target) -> bool:
    """True if the repeat node ``target`` is inside ``pattern``."""
    if target is None:
        return False
    return any(av is target for av in _repeats(pattern))


def _repeats(pattern):
    """Every repeat node (min, max, body) in a parsed pattern, outermost first."""
    for op, av in pattern:
        if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            yield av
            yield from _repeats(av[2])
        elif op is SUBPATTERN:
            yield from _repeats(av[3])
        elif op is BRANCH:
            for branch in av[1]:
                yield from _repeats(branch)
        elif op is ATOMIC_GROUP:
            yield from _repeats(av)
        elif op in (ASSERT, ASSERT_NOT):
            yield from _repeats(av[1])
        elif op is GROUPREF_EXISTS:
            for branch in av[1:]:
                if branch:
                    yield from _repeats(branch)


def _words(pattern, out: set[str]) -> None:
    """Runs of literal characters (``vs``, ``{{c``, ``::``) anywhere in the pattern."""
    run = []
    for op, av in pattern:
        if op is LITERAL:
            run.append(chr(av))
            continue
        if len(run) > 1:
            out.add("".join(run))
        run = []
        if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            _words(av[2], out)
        elif op is SUBPATTERN:
            _words(av[3], out)
        elif op is BRANCH:
            for branch in av[1]:
                _words(branch, out)
    if len(run) > 1:
        out.add("".join(run))


def _pumps_of(body, sampler: _Sampler) -> set[str]:
    """Ways to say a repeat's body once: its sample, each branch, and inner repeats doubled."""
    pumps = {sampler.sample(body), sampler.sample(body, pump=True)}
    for op, av in body:
        if op is BRANCH:
            pumps.update(sampler.sample(branch, pump=True) for branch in av[1])
        elif op is SUBPATTERN:
            pumps |= _pumps_of(av[3], sampler)
    for inner in _repeats(body):
        text = sampler.sample(body, target=inner)
        pumps.add(text.replace(_MARK, sampler.sample(inner[2], pump=True) * 2))
    return {p for p in pumps if p and _MARK not in p}


MAX_WORDS = 30  # literal words pumped on their own (a list of 200 alternatives needs no more)


def inputs(found: Found, size: int) -> Iterator[str]:
    """Adversarial strings of about ``size`` characters for one pattern, made one at a time."""
    compiled = found.compiled()
    tree = sre_parse.parse(found.pattern, found.flags)
    sampler = _Sampler(compiled)
    shapes: set[tuple[str, str, str]] = set()  # (prefix, pump, suffix)
    for repeat in _repeats(tree):
        around = sampler.sample(tree, target=repeat)
        if _MARK not in around:
            continue
        before, after = around.split(_MARK, 1)
        for pump in _pumps_of(repeat[2], sampler):
            shapes.add((before, pump, ""))
            shapes.add((before, pump, after))
            shapes.add(("", before + pump, ""))  # the prefix again and again (search)
    words: set[str] = set()
    _words(tree, words)
    singles = {sampler.char_in(item) for op, item in tree if op is IN} | set("a 1\t*_:")
    shortest = sorted(words, key=lambda w: (len(w), w))[:MAX_WORDS]
    for unit in sorted({*shortest, *singles}):
        for pump in (unit, unit + " ", "a" + unit):
            shapes.add(("", pump, ""))
    for before, pump, after in sorted(shapes):
        count = max(1, (size - len(before) - len(after)) // len(pump))
        body = before + pump * count
        for tail in TAILS:
            yield body + after + tail


def run(found: Found, size: int, report=None) -> None:
    """Every input of ``size`` through every method; ``report()`` after each input."""
    compiled = found.compiled()
    calls = {
        "search": compiled.search,
        "match": compiled.match,
        "fullmatch": compiled.fullmatch,
        "finditer": lambda text: sum(1 for _ in compiled.finditer(text)),
    }
    for text in inputs(found, size):
        for method in found.methods:
            calls[method](text)
        if report:
            report()


def main() -> None:
    """The worker: ``index size`` per line in; ``.`` per input done, then ``done``, out."""
    found = patterns()
    print("ready", len(found), flush=True)

    def tick() -> None:
        print(".", flush=True)

    for line in sys.stdin:
        index, size = map(int, line.split())
        run(found[index], size, tick)
        print("done", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(SRC.parent))
    main()
