"""The model modules of `piggy_async/_generated/models/`: an attrs class per model with
fields, a type alias (and its registration) per tagged union, and the index re-exporting them.
"""

from __future__ import annotations

from ..spec import Model, Spec
from .imports import Imports
from .python import (
    docstring,
    generated_module,
    model_imports,
    module_title,
    or_unset,
    py_type,
    wrap,
)


def render_models(spec: Spec) -> dict[str, str]:
    """The model modules and their index, by path relative to `piggy_async/_generated/`."""
    files = {"models/__init__.py": _render_index(spec)}
    for module in spec.model_modules():
        files[f"models/{module}.py"] = _render_module(spec, module)
    return files


def _render_index(spec: Spec) -> str:
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


def _render_module(spec: Spec, module: str) -> str:
    imports = Imports()
    referenced: set[str] = set()
    classes: list[str] = []
    for model in _model_order([m for m in spec.models.values() if m.module == module]):
        if model.union:
            referenced |= {*model.union.variants.values(), model.union.default}
            classes.append(_render_union(model, imports))
        else:
            referenced |= {name for fld in model.fields for name in fld.type.models()}
            classes.append(_render_model(model, imports))
    model_imports(imports, spec, referenced, module, ".")
    head = f'"""Models {module_title(module)}."""\n\nfrom __future__ import annotations\n\n'
    return generated_module(head + imports.render() + "".join(f"\n\n{c}" for c in classes))


def _render_model(model: Model, imports: Imports) -> str:
    imports.module("attrs")
    imports.add("piggy_async._model", "Model")
    out = ["@attrs.define(kw_only=True, repr=False)\n", f"class {model.name}(Model):\n"]
    out.append(docstring("\n".join(wrap(model.description, "    ")), "    "))
    ordered = [f for f in model.fields if f.required] + [f for f in model.fields if not f.required]
    out.append("\n")
    for fld in ordered:
        annotation = py_type(fld.type, imports)
        metadata = f', metadata={{"key": "{fld.key}"}}' if fld.attr != fld.key else ""
        if fld.required:
            value = f" = attrs.field({metadata[2:]})" if metadata else ""
            out.append(f"    {fld.attr}: {annotation}{value}\n")
        else:
            imports.add("piggy_async._unset", "UNSET", "Unset")
            value = f"attrs.field(default=UNSET{metadata})" if metadata else "UNSET"
            out.append(f"    {fld.attr}: {or_unset(annotation)} = {value}\n")
        if fld.description:
            out.append(docstring(fld.description, "    "))
            out.append("\n")
    return "".join(out)


def _render_union(model: Model, imports: Imports) -> str:
    assert model.union is not None
    imports.add("typing", "TypeAlias")
    imports.add("piggy_async._codecs", "register_tagged_union")
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
