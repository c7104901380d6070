"""The runtime's modules import each other without a cycle, so none depends on the order
its imports run in (a bottom-of-file import, a module half-initialised when another reads
it), and `_errors.py` only declares the exception classes."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "piggy_async"


def _modules(package: Path) -> dict[str, Path]:
    """Every module of `package` by its dotted name (a package by its own name)."""
    modules = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _import_time_nodes(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported: at its top level, wherever in the
    file, and inside top-level `if`/`try` blocks, but not under `if TYPE_CHECKING:` (never
    run) nor in functions (run once both modules are loaded)."""
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _import_time_nodes(ast.Module(body=node.orelse, type_ignores=[]))
        elif isinstance(node, ast.If | ast.Try):
            blocks = [node.body, node.orelse, getattr(node, "finalbody", [])]
            blocks += [handler.body for handler in getattr(node, "handlers", [])]
            for block in blocks:
                yield from _import_time_nodes(ast.Module(body=block, type_ignores=[]))


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".")[: None if is_package else -1]
        base = base[: len(base) - node.level + 1]
        target = ".".join([*base, *([node.module] if node.module else [])])
    else:
        target = node.module or ""
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module and the modules of the package its import runs (an imported module's
    packages included, save those the importer is inside of, which are already loading)."""
    modules = _modules(package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = set()
        for node in _import_time_nodes(tree):
            for target in _targets(name, path.name == "__init__.py", node):
                parts = target.split(".")
                for end in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:end])
                    if prefix in modules and prefix != name and not name.startswith(prefix + "."):
                        edges.add(prefix)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_runtime_modules_import_without_a_cycle() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_a_cycle_is_found_however_it_is_held(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("X = 1\n\nfrom .a import Y  # noqa: E402\n")
    checking = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.d\n"
    (package / "c.py").write_text(checking)
    (package / "d.py").write_text("import pkg.c\n\ndef f():\n    from . import e\n")
    (package / "e.py").write_text("try:\n    from .sub import f\nexcept ImportError:\n    pass\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "f.py").write_text("from ..e import g\n")
    graph = import_graph(package)
    assert graph["pkg.c"] == set() and graph["pkg.d"] == {"pkg.c"}
    assert cycles(graph) == [["pkg.a", "pkg.b"], ["pkg.e", "pkg.sub.f"]]


def test_the_exceptions_module_declares_classes_only() -> None:
    tree = ast.parse((PACKAGE / "_errors.py").read_text(encoding="utf-8"))
    for node in tree.body[1:]:  # after the docstring
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__":
            continue
        assert isinstance(node, ast.Import | ast.ImportFrom | ast.ClassDef), ast.unparse(node)
