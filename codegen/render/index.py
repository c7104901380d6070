"""Render `_generated/operation_index.py`: every operation's name and summary as plain
text, for what needs the list without loading a resource module (`piggy operations`,
and `piggy call` finding the one module it needs)."""

from __future__ import annotations

from ..spec import Spec
from .python import API_CLASS_PREFIX, generated_module


def render_index(spec: Spec) -> dict[str, str]:
    """The index module, by path relative to `piggy_async/_generated/`; its entries come in
    the order of `OPERATIONS`."""
    out = [
        '"""`OPERATION_INDEX`: (api, method, resource, name, summary) per operation."""\n\n',
        "from __future__ import annotations\n\n",
        "OPERATION_INDEX: tuple[tuple[str, str, str, str, str], ...] = (\n",
    ]
    for resource in sorted(spec.resources, key=lambda r: r.name):
        for api in API_CLASS_PREFIX:
            for op in resource.operations_for(api):
                entry = (api, op.method, op.resource, op.name, op.summary)
                out.append(f"    {entry!r},\n")
    out.append(")\n")
    return {"operation_index.py": generated_module("".join(out))}
