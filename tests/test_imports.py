"""The package's import graph: no circle, and no arrow up from the domain into the commands.

Every import counts, also one inside a function (a lazy import is still an arrow) and one
under `if TYPE_CHECKING:` (a circle of annotations is still a circle: model -> index -> model
was one). See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wijkctl"
TOP = ("wijkctl.cli", "wijkctl.commands", "wijkctl.completion", "wijkctl.__main__")  # the command layer


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    out: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wijkctl"):
                targets = [f"{node.module}.{a.name}" for a in node.names]
                out[name] |= {t if t in modules else node.module for t in targets}
            elif isinstance(node, ast.Import):
                out[name] |= {a.name for a in node.names if a.name in modules}
    for deps in out.values():
        deps.discard("wijkctl")  # the package itself: its version
    return out


def _circle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        state[m] = 2
        path.pop()
        return None

    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_the_package_has_no_import_circle():
    edges = graph()
    domain = {m: {d for d in deps if not d.startswith(TOP)} for m, deps in edges.items() if not m.startswith(TOP)}
    assert _circle(domain) is None


def test_the_index_imports_no_part_of_the_domain():
    """`index` sits below `model` (which builds a plain data set's look-ups with it): it
    imports `text` only, so model -> index -> model cannot come back."""
    assert graph()["wijkctl.index"] <= {"wijkctl.text"}


def test_no_module_below_the_commands_imports_them():
    for module, deps in graph().items():
        if not module.startswith(TOP):
            assert not {d for d in deps if d.startswith(TOP)}, module
