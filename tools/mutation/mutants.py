"""The mutants of one module: small AST changes a good test suite notices.

Each mutation point gets an index in a fixed walk order, so `mutants(source)` lists them and
`mutate(source, index)` rebuilds exactly one. The operators:

- comparison: an operator replaced by its negation (`==` → `!=`, `<` → `>=`, `in` → `not in`)
- raise: a `raise` statement removed
- constant: a number plus one, a boolean flipped, a string wrapped in `XX`
- boolean: `and` ↔ `or`, a `not` dropped
- return: a returned value replaced by `None`
- message: a string inside a `raise`, or inside a call that builds an exception
  (`ValueError(...)`, `SomeError(...)`: a callee named `*Error`, `*Exception` or `*Warning`),
  changed: an error message's text, not scored. The exception's class, and whether it is
  raised at all, are still mutated and scored. The strings of a `__repr__` are text of the
  same kind (a debugging aid); its comparisons, numbers and returns are scored as anywhere.

Docstrings, annotations, `__all__` and `if TYPE_CHECKING:` blocks are left alone.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning")
"""A call to a name ending so builds an exception: the strings in it are its message."""
SCORED = ("comparison", "raise", "constant", "boolean", "return")
"""The kinds that count towards the score; `message` mutants are reported apart."""


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    kind: str
    description: str


class _Mutator(ast.NodeTransformer):
    """Walks a module; with `target` set, applies that one mutation and leaves the rest."""

    def __init__(self, target: int | None) -> None:
        self.target = target
        self.found: list[Mutant] = []
        self._in_raise = False
        self._in_text = 0

    def _offer(self, node: ast.AST, kind: str, description: str, make: Callable[[], Any]) -> Any:
        """Record a mutation point; return the replacement if it is the target, else None."""
        index = len(self.found)
        line = getattr(node, "lineno", 0)
        self.found.append(Mutant(index, line, kind, description))
        return make() if index == self.target else None

    def visit_Expr(self, node: ast.Expr) -> Any:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node  # a docstring
        return self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        outer = self._in_text
        self._in_text += node.name == "__repr__"
        node.body = self._visit_body(node.body)
        self._in_text = outer
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        return node  # the arguments' annotations and defaults stay as written

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> Any:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_Assign(self, node: ast.Assign) -> Any:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return node
        return self.generic_visit(node)

    def visit_If(self, node: ast.If) -> Any:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return node
        return self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> Any:
        replaced = self._offer(node, "raise", "raise removed", lambda: ast.Pass())
        if replaced is not None:
            return replaced
        self._in_raise = True
        try:
            return self.generic_visit(node)
        finally:
            self._in_raise = False

    def visit_Call(self, node: ast.Call) -> Any:
        callee = node.func
        name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
        builds = name.endswith(EXCEPTION_SUFFIXES)
        self._in_text += builds
        try:
            return self.generic_visit(node)
        finally:
            self._in_text -= builds

    def visit_Return(self, node: ast.Return) -> Any:
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            none = ast.Return(ast.Constant(None))
            replaced = self._offer(node, "return", "returns None", lambda: none)
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> Any:
        for position, op in enumerate(node.ops):
            negated = NEGATED[type(op)]

            def make(position: int = position, negated: type[ast.cmpop] = negated) -> Any:
                ops = list(node.ops)
                ops[position] = negated()
                return ast.Compare(node.left, ops, node.comparators)

            description = f"{type(op).__name__} → {negated.__name__}"
            replaced = self._offer(node, "comparison", description, make)
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        other: ast.boolop = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        description = f"{type(node.op).__name__} → {type(other).__name__}"
        replaced = self._offer(node, "boolean", description, lambda: ast.BoolOp(other, node.values))
        return replaced if replaced is not None else self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        if isinstance(node.op, ast.Not):
            replaced = self._offer(node, "boolean", "not dropped", lambda: node.operand)
            if replaced is not None:
                return replaced
        return self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node.value = self.visit(node.value)
        return node  # the format spec stays valid

    def visit_Constant(self, node: ast.Constant) -> Any:
        value = node.value
        if isinstance(value, bool):
            changed: Any = not value
        elif isinstance(value, int | float):
            changed = value + 1
        elif isinstance(value, str):
            changed = f"XX{value}XX"  # letters: codec and handler names do not normalise it away
        else:
            return node
        in_message = self._in_raise or self._in_text
        kind = "message" if in_message and isinstance(value, str) else "constant"
        description = f"{value!r} → {changed!r}"
        replaced = self._offer(node, kind, description, lambda: ast.Constant(changed))
        return replaced if replaced is not None else node

    def _visit_body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        visited = []
        for statement in body:
            result = self.visit(statement)
            visited.extend(result if isinstance(result, list) else [result])
        return visited


def mutants(source: str) -> list[Mutant]:
    """Every mutation point of the module, in index order."""
    mutator = _Mutator(target=None)
    mutator.visit(ast.parse(source))
    return mutator.found


def mutate(source: str, index: int) -> ast.Module:
    """The module's tree with mutant `index` applied."""
    tree = ast.parse(source)
    mutator = _Mutator(target=index)
    mutator.visit(tree)  # the module node itself is never replaced
    if index >= len(mutator.found):
        raise IndexError(f"the module has {len(mutator.found)} mutants, not {index + 1}")
    return ast.fix_missing_locations(tree)
