"""Checks across files, once every file is loaded: references resolve, routes and resource
names are unique, and model modules import each other without a cycle."""

from __future__ import annotations

from .natural_keys import check_natural_keys
from .objects import Spec
from .operations import PATH_PARAM
from .reader import SpecError
from .types import TypeRef


def check_references(spec: Spec) -> None:
    known = spec.models
    codes = {e.code for e in spec.errors}
    if not spec.errors:
        raise SpecError("spec/errors.yaml", "", "missing: the error-code table is required")

    def check(file: str, key: str, ref: TypeRef) -> None:
        for name in ref.models():
            if name not in known:
                raise SpecError(file, key, f"unknown model {name!r}")

    for model in known.values():
        file = f"spec/{model.module}.yaml"
        for fld in model.fields:
            check(file, f"models.{model.name}.fields.{fld.key}.type", fld.type)
        if model.union:
            for tag, variant in model.union.variants.items():
                if variant not in known or known[variant].union:
                    raise SpecError(
                        file,
                        f"models.{model.name}.union.variants.{tag}",
                        f"{variant!r} is not a model with fields",
                    )
            if len({*model.union.variants.values(), model.union.default}) < 2:
                raise SpecError(
                    file, f"models.{model.name}.union.variants", "a union needs two models"
                )
            default = known.get(model.union.default)
            if default is None or default.union:
                raise SpecError(
                    file, f"models.{model.name}.union.default", "must be a model with fields"
                )
    resource_names: set[str] = set()
    endpoints: dict[tuple[str, str, str], str] = {}
    for resource in spec.resources:
        file = f"spec/{resource.name}.yaml"
        if resource.name in resource_names:
            raise SpecError(file, "resource", "defined twice")
        resource_names.add(resource.name)
        for op in resource.operations:
            key = f"operations.{op.name}"
            for api in op.apis:
                route = (api, op.method, PATH_PARAM.sub("{}", op.path))
                if route in endpoints:
                    raise SpecError(
                        file, key, f"{api} {op.method} {op.path} is also {endpoints[route]}"
                    )
                endpoints[route] = f"{resource.name}.{op.name}"
            check(file, f"{key}.response", op.response)
            for param in op.params:
                check(file, f"{key}.params.{param.name}.type", param.type)
            for code in op.errors:
                if code not in codes:
                    raise SpecError(
                        file, f"{key}.errors", f"code {code} is not in spec/errors.yaml"
                    )
    check_natural_keys(spec)
    _check_module_cycles(spec)


def _check_module_cycles(spec: Spec) -> None:
    """Model modules import each other; the imports must form no cycle."""
    graph: dict[str, set[str]] = {m: set() for m in spec.model_modules()}
    for model in spec.models.values():
        refs = {n for f in model.fields for n in f.type.models()}
        if model.union:
            refs |= {*model.union.variants.values(), model.union.default}
        graph[model.module] |= {spec.models[n].module for n in refs} - {model.module}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 2:
            return
        if state.get(module) == 1:
            cycle = " -> ".join([*trail[trail.index(module) :], module])
            raise SpecError(
                f"spec/{module}.yaml",
                "models",
                f"model files reference each other in a cycle: {cycle}",
            )
        state[module] = 1
        for dep in sorted(graph[module]):
            visit(dep, [*trail, module])
        state[module] = 2

    for module in sorted(graph):
        visit(module, [])
