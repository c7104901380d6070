"""Render a validated `Spec` as the Python modules of `piggy_async/_generated/`.

The output is plain source text; `output.py` formats it with ruff. Everything here is
deterministic: files, classes, methods and imports come out in a fixed order. One module per
part of the output: `models`, `codecs`, `resources` (with the argument `checks`), `clients`,
`errors` (the codes), `error_classes`, `events`, `index` (the operations as plain text,
for the command line), and `docs` for `docs/api.md`; `python`
holds the pieces they share and `imports` the import block each module collects as it
renders.
"""

from __future__ import annotations

from ..spec import Spec
from .clients import render_clients, render_operations
from .codecs import render_codecs
from .error_classes import render_error_classes
from .errors import render_error_codes
from .events import render_events
from .index import render_index
from .models import render_models
from .python import generated_module
from .resources import render_resource


def render(spec: Spec) -> dict[str, str]:
    """Every generated file, by path relative to `piggy_async/_generated/`."""
    files: dict[str, str] = {
        "__init__.py": generated_module(
            '"""Generated from spec/: models, resources, the operation table, error codes."""\n'
        ),
        "error_codes.py": render_error_codes(spec),
        "error_classes.py": render_error_classes(spec),
        "resources/__init__.py": generated_module(
            '"""The generated resource classes, one module per resource."""\n'
        ),
        "clients.py": render_clients(spec),
        "operations.py": render_operations(spec),
    }
    files.update(render_models(spec))
    for resource in spec.resources:
        files[f"resources/{resource.name}.py"] = render_resource(spec, resource)
    files.update(render_codecs(spec))
    files.update(render_events(spec))
    files.update(render_index(spec))
    return files
