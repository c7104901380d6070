"""The error codes in generated code: `error_codes.py` (`ErrorCode`, each code's message and
kind), and the "Raises" section of each method's docstring, which names the exception class
of each kind and the `ErrorCode` members that raise it."""

from __future__ import annotations

from collections.abc import Iterable

from ..spec import ErrorCode, Spec
from .python import docstring, generated_module


def render_error_codes(spec: Spec) -> str:
    """`error_codes.py`: the `ErrorCode` enum, each code's message and kind."""
    out = [
        '"""`ErrorCode`: the `code` values of the API\'s error responses."""\n\n',
        "from __future__ import annotations\n\n",
        "from enum import IntEnum\n\n\n",
        "class ErrorCode(IntEnum):\n",
        docstring(
            "The documented error codes. `APIError.code` compares equal to them:\n\n"
            "    except APIError as error:\n"
            "        if error.code == ErrorCode.CONTACT_NOT_FOUND:\n"
            "            ...",
            "    ",
        ),
        "\n",
    ]
    for error in spec.errors:
        out.append(f"    {error.name} = {error.code}\n")
        doc = error.message
        if error.also:
            doc += " The API also uses this code for: " + " ".join(error.also)
        out.append(docstring(doc, "    "))
    out.append("\n\nERROR_MESSAGES: dict[int, str] = {\n")
    for error in spec.errors:
        out.append(f"    {error.code}: {error.message!r},\n")
    out.append("}\n")
    out.append('"""The documented message of each code."""\n')
    out.append(_render_error_kinds(spec.errors))
    return generated_module("".join(out))


def _render_error_kinds(errors: Iterable[ErrorCode]) -> str:
    """`ERROR_KINDS`: each code's kind, which picks the exception class it raises."""
    out = ["\n\nERROR_KINDS: dict[int, str] = {\n"]
    out.extend(f'    {error.code}: "{error.kind}",\n' for error in errors)
    out.append("}\n")
    out.append('"""The kind of each code (spec/errors.yaml): it picks the exception class."""\n')
    return "".join(out)


def raises_section(codes: Iterable[int], spec: Spec) -> list[str]:
    """Docstring lines: one per exception class, with the codes that raise it."""
    table = spec.error_table()
    kind_classes = spec.kind_classes()
    by_class: dict[str, list[str]] = {}
    for code in codes:
        error = table[code]
        by_class.setdefault(kind_classes[error.kind], []).append(f"`ErrorCode.{error.name}`")
    lines = ["", "Raises:"]
    for cls, members in by_class.items():
        lines.append(f"    {cls}: {', '.join(members)}.")
    return lines
