"""The package's layout is its architecture: layers that only import downwards, every CLI
command documented in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from notedeck.commands.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "notedeck"

# Bottom to top.  A module may import its own layer and the layers below, never one above.
LAYERS = (
    ("notedeck.text", "notedeck.model", "notedeck.kinds"),  # keys, prose; stage values, kinds
    ("notedeck.errors",),  # exceptions, each convertible to a Problem
    ("notedeck.extract",),  # the rules (they see settings only through a protocol)
    ("notedeck.config",),  # notedeck.yaml, front matter options (names the rules)
    ("notedeck.runtime",),  # machinery: the store, the runner, atomic writes
    ("notedeck.build",),  # the stages: read, parse, note, render, identity, package
    ("notedeck.pipeline",),  # build() and collect(): the stages in order
    ("notedeck.commands", "notedeck.__main__"),  # the CLI and the learner commands
)


def _layer(module: str) -> int | None:
    for n, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return n
    return None


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import, at module level or inside functions, outside
    ``if TYPE_CHECKING:`` blocks (annotations only)."""
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def test_the_layer_check_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from notedeck.pipeline import build\n")
    assert (2, "notedeck.pipeline") in _imports(tree)
    assert _layer("notedeck.build.parse") > _layer("notedeck.config") > _layer("notedeck.text.keys")


def test_no_module_imports_a_layer_above_it():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        own = _layer(module)
        if own is None:  # notedeck/__init__.py: the public API, imported lazily
            continue
        for line, imported in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            other = _layer(imported)
            if other is not None and other > own:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_imports_are_absolute():
    """Absolute imports say where a module sits in the layers; relative ones hide it."""
    relative = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level
    ]
    assert [r for r in relative if not r.startswith("src/notedeck/__init__.py:")] == []


def test_every_module_is_in_a_layer():
    modules = [_module_name(p) for p in PACKAGE.rglob("*.py")]
    assert [m for m in modules if _layer(m) is None] == ["notedeck"]


def test_every_cli_command_is_documented_in_the_readme():
    """A heading of its own (outside code blocks) and an example of it being run."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prose = re.sub(r"^```.*?^```", "", readme, flags=re.MULTILINE | re.DOTALL)
    missing = [
        name
        for name in main.commands
        if not re.search(rf"^#+ .*\b{re.escape(name)}\b", prose, re.MULTILINE)
        or f"notedeck {name}" not in readme
    ]
    assert not missing, f"commands with no README section: {missing}"
