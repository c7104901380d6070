"""Read `spec/*.yaml` into typed objects, validating as it goes.

Every problem is a `SpecError` naming the file and the key path, e.g.
`spec/contacts.yaml: operations.get.params.email.type: unknown type 'strng'`.
The format is defined in `spec/README.md`. This module reads the files in order and is the
import surface of the rest of `codegen`; each part of a file has its own loader module
(`models`, `operations` and their `params`, `errors`, `events`), `reader` walks a document,
`types` parses type expressions, `references` checks what crosses files, and `objects` holds
what they produce.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import load_errors
from .events import load_events
from .models import load_models
from .objects import ErrorClass, ErrorCode, Field, Model, Operation, Param, Resource, Spec
from .operations import load_resource
from .reader import Reader, SpecError
from .references import check_references
from .types import TypeRef

__all__ = [
    "ErrorClass",
    "ErrorCode",
    "Field",
    "Model",
    "Operation",
    "Param",
    "Resource",
    "Spec",
    "SpecError",
    "TypeRef",
    "load_spec",
]

WEBHOOKS = "webhooks"
"""The spec file of webhook events: models and `events`, no operations."""


def load_spec(spec_dir: Path) -> Spec:
    """Load and validate every file of `spec_dir`."""
    spec = Spec()
    files = sorted(spec_dir.glob("*.yaml"))
    if not files:
        raise SpecError(str(spec_dir), "", "no spec files")
    for path in files:
        file = f"spec/{path.name}"
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise SpecError(file, "", f"invalid YAML: {error}") from None
        reader = Reader(file)
        if path.stem == "errors":
            spec.error_classes, spec.errors, spec.unknown_outcome = load_errors(reader, document)
            continue
        if path.stem == "shared":
            data = reader.mapping(document, "", allowed=("models",), required=("models",))
        elif path.stem == WEBHOOKS:
            data = reader.mapping(
                document,
                "",
                allowed=("description", "models", "events"),
                required=("description", "events"),
            )
            spec.events, event_models = load_events(reader, data["events"], data.get("models"))
            spec.events_description = reader.text(data["description"], "description")
            data["models"] = {**(data.get("models") or {}), **event_models}
        else:
            data = reader.mapping(
                document,
                "",
                allowed=(
                    "resource",
                    "title",
                    "description",
                    "models",
                    "param_groups",
                    "operations",
                    "helpers",
                ),
                required=("resource", "title", "description", "operations"),
            )
            if data["resource"] != path.stem:
                raise reader.error("resource", f"must match the file name ({path.stem!r})")
        for name, model in load_models(reader, data.get("models") or {}, path.stem):
            if name in spec.models:
                raise reader.error(
                    f"models.{name}", f"already defined in spec/{spec.models[name].module}.yaml"
                )
            spec.models[name] = model
        if path.stem not in ("shared", WEBHOOKS):
            spec.resources.append(load_resource(reader, data))
    check_references(spec)
    return spec
