"""Render a validated `Spec` as the Python modules of `piggy_async/_generated/`.

The output is plain source text; `output.py` formats it with ruff. Everything here is
deterministic: files, classes, methods and imports come out in a fixed order. This module
renders the models, error codes, clients and the operation table; `render_resources` the
resource modules, and `render_python` holds the pieces both use.
"""

from __future__ import annotations

from .codecs import render_codecs
from .errors import render_error_kinds
from .render_events import render_events
from .render_index import render_index
from .render_python import (
    API_CLASS_PREFIX,
    API_TITLE,
    class_name,
    docstring,
    generated_module,
    model_imports,
    module_title,
    or_unset,
    py_type,
    typing_imports,
    wrap,
)
from .render_resources import render_resource
from .spec import Model, Spec


def render(spec: Spec) -> dict[str, str]:
    """Every generated file, by path relative to `piggy_async/_generated/`."""
    files: dict[str, str] = {
        "__init__.py": generated_module(
            '"""Generated from spec/: models, resources, the operation table, error codes."""\n'
        ),
        "error_codes.py": _render_error_codes(spec),
        "models/__init__.py": _render_models_index(spec),
        "resources/__init__.py": generated_module(
            '"""The generated resource classes, one module per resource."""\n'
        ),
        "clients.py": _render_clients(spec),
        "operations.py": _render_operations(spec),
    }
    for module in spec.model_modules():
        files[f"models/{module}.py"] = _render_model_module(spec, module)
    for resource in spec.resources:
        files[f"resources/{resource.name}.py"] = render_resource(spec, resource)
    files.update(render_codecs(spec))
    files.update(render_events(spec))
    files.update(render_index(spec))
    return files


# -- error codes ------------------------------------------------------------------------


def _render_error_codes(spec: Spec) -> str:
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
    out.append(render_error_kinds(spec.errors))
    return generated_module("".join(out))


# -- models -----------------------------------------------------------------------------


def _render_models_index(spec: Spec) -> str:
    out = ['"""Every API model, re-exported from its resource\'s module."""\n\n']
    names: list[str] = []
    for module in spec.model_modules():
        models = sorted(m.name for m in spec.models.values() if m.module == module)
        names.extend(models)
        out.append(f"from .{module} import {', '.join(models)}\n")
    out.append("\n__all__ = [\n")
    out.extend(f'    "{name}",\n' for name in sorted(names))
    out.append("]\n")
    return generated_module("".join(out))


def _model_order(models: list[Model]) -> list[Model]:
    """Classes before the unions that name them; otherwise alphabetical."""
    plain = sorted((m for m in models if not m.union), key=lambda m: m.name)
    unions = sorted((m for m in models if m.union), key=lambda m: m.name)
    return plain + unions


def _render_model_module(spec: Spec, module: str) -> str:
    models = _model_order([m for m in spec.models.values() if m.module == module])
    referenced: set[str] = set()
    annotations: list[str] = []
    for model in models:
        for fld in model.fields:
            referenced |= set(fld.type.models())
            annotations.append(py_type(fld.type))
        if model.union:
            referenced |= {*model.union.variants.values(), model.union.default}
    has_union = any(m.union for m in models)
    has_fields = any(m.fields for m in models)
    out = [f'"""Models {module_title(module)}."""\n\n', "from __future__ import annotations\n\n"]
    if any("datetime" in a for a in annotations):
        out.append("from datetime import datetime\n")
    typing_names = typing_imports(annotations) + (["TypeAlias"] if has_union else [])
    if typing_names:
        out.append(f"from typing import {', '.join(sorted(typing_names))}\n")
    out.append("\n")
    if has_fields:
        out.append("import attrs\n\n")
    if has_union:
        out.append("from piggy_async._codecs import register_tagged_union\n")
    if has_fields:
        out.append("from piggy_async._model import Model\n")
    if any(not f.required for m in models for f in m.fields):
        out.append("from piggy_async._unset import UNSET, Unset\n")
    out.extend(model_imports(spec, referenced, module, "."))
    for model in models:
        out.append("\n\n")
        out.append(_render_union(model) if model.union else _render_model(model))
    return generated_module("".join(out))


def _render_model(model: Model) -> str:
    out = ["@attrs.define(kw_only=True, repr=False)\n", f"class {model.name}(Model):\n"]
    out.append(docstring("\n".join(wrap(model.description, "    ")), "    "))
    ordered = [f for f in model.fields if f.required] + [f for f in model.fields if not f.required]
    out.append("\n")
    for fld in ordered:
        annotation = py_type(fld.type)
        metadata = f', metadata={{"key": "{fld.key}"}}' if fld.attr != fld.key else ""
        if fld.required:
            value = f" = attrs.field({metadata[2:]})" if metadata else ""
            out.append(f"    {fld.attr}: {annotation}{value}\n")
        else:
            value = f"attrs.field(default=UNSET{metadata})" if metadata else "UNSET"
            out.append(f"    {fld.attr}: {or_unset(annotation)} = {value}\n")
        if fld.description:
            out.append(docstring(fld.description, "    "))
            out.append("\n")
    return "".join(out)


def _render_union(model: Model) -> str:
    assert model.union is not None
    variants = list(dict.fromkeys([*model.union.variants.values(), model.union.default]))
    out = [f"{model.name}: TypeAlias = {' | '.join(variants)}\n"]
    out.append(docstring(model.description))
    mapping = ", ".join(f'"{tag}": {cls}' for tag, cls in model.union.variants.items())
    out.append(
        f"\nregister_tagged_union(\n    {model.name},\n"
        f'    discriminator="{model.union.discriminator}",\n'
        f"    variants={{{mapping}}},\n"
        f"    default={model.union.default},\n)\n"
    )
    return "".join(out)


# -- clients and the operation table ------------------------------------------------------


def _render_clients(spec: Spec) -> str:
    """Each resource module (and its models) is imported on first use of its attribute, so
    `import piggy_async` stays cheap; type checkers and IDEs see the imports."""
    out = [
        '"""The resource attributes of each client: `piggy.contacts`, `pos.rewards`, ..."""\n\n',
        "from __future__ import annotations\n\n",
        "from functools import cached_property\n",
        "from typing import TYPE_CHECKING\n\n",
        "from piggy_async._client import BaseClient\n\n",
        "if TYPE_CHECKING:\n",
    ]
    for resource in spec.resources:
        classes = [
            f"{API_CLASS_PREFIX[api]}{class_name(resource.name)}"
            for api in API_CLASS_PREFIX
            if resource.operations_for(api)
        ]
        out.append(f"    from .resources.{resource.name} import {', '.join(classes)}\n")
    for api in API_CLASS_PREFIX:
        out.append(f"\n\nclass {API_CLASS_PREFIX[api]}Resources(BaseClient):\n")
        out.append(docstring(f"The {API_TITLE[api]}'s resources, as attributes.", "    "))
        for resource in spec.resources:
            if not resource.operations_for(api):
                continue
            cls = f"{API_CLASS_PREFIX[api]}{class_name(resource.name)}"
            out.append(f"\n    @cached_property\n    def {resource.name}(self) -> {cls}:\n")
            out.append(docstring(f"{resource.title}.", "        "))
            out.append(f"        from .resources.{resource.name} import {cls}\n\n")
            out.append(f"        return {cls}(self)\n")
    return generated_module("".join(out))


def _render_operations(spec: Spec) -> str:
    names = sorted(r.name for r in spec.resources)
    out = [
        '"""`OPERATIONS`: every generated operation, per API and resource."""\n\n',
        "from __future__ import annotations\n\n",
        "from typing import Any\n\n",
        "from piggy_async._operation import Operation\n\n",
        f"from .resources import {', '.join(names)}\n\n",
        "OPERATIONS: tuple[Operation[Any], ...] = (\n",
    ]
    out.extend(f"    *{name}.OPERATIONS,\n" for name in names)
    out.append(")\n")
    return generated_module("".join(out))
