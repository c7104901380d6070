"""The error kinds in generated code: the code → kind table of `error_codes.py`, and the
"Raises" section of each method's docstring, which names the exception class of each kind
and the `ErrorCode` members that raise it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .spec import ERROR_KINDS, ErrorCode


def render_error_kinds(errors: Iterable[ErrorCode]) -> str:
    """`ERROR_KINDS`: each code's kind, which picks the exception class it raises."""
    out = ["\n\nERROR_KINDS: dict[int, str] = {\n"]
    out.extend(f'    {error.code}: "{error.kind}",\n' for error in errors)
    out.append("}\n")
    out.append('"""The kind of each code (spec/errors.yaml): it picks the exception class."""\n')
    return "".join(out)


def raises_section(codes: Iterable[int], table: Mapping[int, ErrorCode]) -> list[str]:
    """Docstring lines: one per exception class, with the codes that raise it."""
    by_class: dict[str, list[str]] = {}
    for code in codes:
        error = table[code]
        by_class.setdefault(ERROR_KINDS[error.kind], []).append(f"`ErrorCode.{error.name}`")
    lines = ["", "Raises:"]
    for cls, members in by_class.items():
        lines.append(f"    {cls}: {', '.join(members)}.")
    return lines
