"""Each resource module of `piggy_async/_generated/resources/`: its `Operation` constants and,
per API, its resource class with one typed method per operation."""

from __future__ import annotations

from collections.abc import Iterable

from ..spec import Operation, Param, Resource, Spec, TypeRef
from .checks import format_annotation, render_checks
from .errors import raises_section
from .imports import Imports
from .python import (
    API_CLASS_PREFIX,
    API_TITLE,
    class_name,
    docstring,
    generated_module,
    model_imports,
    or_unset,
    py_type,
    wrap,
)


def _op_const(api: str, op: Operation) -> str:
    return f"{api.upper()}_{op.name.upper()}"


def _param_annotation(param: Param, api: str, imports: Imports) -> str:
    if param.enum:
        imports.add("typing", "Literal")
        annotation = f"Literal[{', '.join(repr(v) for v in param.enum)}]"
    else:
        annotation = py_type(param.type, imports, for_input=True)
        annotation = format_annotation(annotation, param, imports)
    if param.location != "path" and api not in param.required_on:
        imports.add("piggy_async._unset", "UNSET", "Unset")
        return f"{or_unset(annotation)} = UNSET"
    return annotation


def _tuple(items: Iterable[str]) -> str:
    """A tuple literal without the trailing comma that makes ruff split it over lines."""
    items = list(items)
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _result_type(ref: TypeRef, imports: Imports) -> str:
    return "None" if ref.kind == "scalar" and ref.name == "null" else py_type(ref, imports)


def _data_type_expr(ref: TypeRef, imports: Imports) -> str:
    if ref.kind == "scalar" and ref.name == "null":
        return "type(None)"
    return py_type(ref, imports)


def render_resource(spec: Spec, resource: Resource) -> str:
    imports = Imports()
    imports.add("typing", "Any", "Unpack")
    imports.add("piggy_async", "_arguments as check")
    imports.add("piggy_async._operation", "Operation")
    imports.add("piggy_async._options", "RequestOptions")
    imports.add("piggy_async._resource", "Resource")
    apis = [api for api in API_CLASS_PREFIX if resource.operations_for(api)]
    referenced: set[str] = set()
    for op in resource.operations:
        referenced |= set(op.response.models())
        referenced |= {name for param in op.params for name in param.type.models()}
    model_imports(imports, spec, referenced, "", "..models.")
    body: list[str] = []
    consts: list[str] = []
    lookups = {op.natural_key.lookup for op in resource.operations if op.natural_key}
    for api in apis:
        ops = resource.operations_for(api)
        for op in sorted(ops, key=lambda op: op.name not in lookups):  # a lookup before its use
            body.append("\n")
            body.append(_render_operation_const(op, api, imports))
        consts.extend(_op_const(api, op) for op in ops)
    body.append(f"\nOPERATIONS: tuple[Operation[Any], ...] = ({', '.join(consts)},)\n")
    body.append(f'"""The {resource.title} operations, in spec order per API."""\n')
    for api in apis:
        body.append("\n\n")
        body.append(_render_resource_class(resource, api, spec, imports))
    head = f'"""The {resource.title} resource: its operations and their methods per API."""\n\n'
    head += "from __future__ import annotations\n\n"
    return generated_module(head + imports.render() + "".join(body))


def _render_operation_const(op: Operation, api: str, imports: Imports) -> str:
    lines = [
        f"{_op_const(api, op)}: Operation[{_result_type(op.response, imports)}] = Operation(\n",
        f'    api="{api}",\n',
        f'    resource="{op.resource}",\n',
        f'    name="{op.name}",\n',
        f'    method="{op.method}",\n',
        f'    path="{op.path}",\n',
        f"    summary={op.summary!r},\n",
        f"    data_type={_data_type_expr(op.response, imports)},\n",
        f'    data_spec="{op.response}",\n',
    ]
    params = tuple(p for p in op.params_for(api) if not p.spread)  # no key of its own
    if params:
        imports.add("piggy_async._operation", "Param")
        lines.append("    params=(\n")
        for p in params:
            extras = ""
            if api in p.required_on:
                extras += ", required=True"
            if p.py_name != p.name:
                extras += f', py_name="{p.py_name}"'
            if p.enum:
                extras += f", enum={tuple(p.enum)!r}"
            if p.secret:
                extras += ", secret=True"
            lines.append(f'        Param("{p.name}", "{p.location}", "{p.type}"{extras}),\n')
        lines.append("    ),\n")
    if op.pagination:
        imports.add("piggy_async._operation", "Pagination")
        default_size = op.pagination.default_size
        size = "" if default_size is None else f", default_size={default_size}"
        lines.append(
            f'    pagination=Pagination(meta="{op.pagination.meta}", '
            f'size="{op.pagination.size}"{size}),\n'
        )
    if op.errors:
        lines.append(f"    errors={_tuple(str(c) for c in op.errors)},\n")
    if op.status != 200:
        lines.append(f"    status={op.status},\n")
    if op.retry_safe != (op.method in ("GET", "PUT")):
        lines.append(f"    retry_safe={op.retry_safe},\n")
    if op.natural_key:
        imports.add("piggy_async._operation", "NaturalKey")
        key = op.natural_key
        lookup = f"{api.upper()}_{key.lookup.upper()}"
        code = "" if key.exists_code is None else f", exists_code={key.exists_code}"
        lines.append(
            f'    natural_key=NaturalKey("{key.param}", {lookup}, "{key.lookup_param}"{code}),\n'
        )
    lines.append(")\n")
    return "".join(lines)


def _render_resource_class(resource: Resource, api: str, spec: Spec, imports: Imports) -> str:
    name = f"{API_CLASS_PREFIX[api]}{class_name(resource.name)}"
    out = [f"class {name}(Resource):\n"]
    doc = "\n".join(wrap(f"{resource.description} ({API_TITLE[api]}.)", "    "))
    out.append(docstring(doc, "    "))
    out.append("\n    __slots__ = ()\n")
    shadows_list = any(op.name == "list" for op in resource.operations_for(api))
    for op in resource.operations_for(api):
        out.append("\n")
        out.append(_render_method(op, api, shadows_list, spec, imports))
    return "".join(out)


def _render_method(
    op: Operation,
    api: str,
    shadows_list: bool,
    spec: Spec,
    imports: Imports,
) -> str:
    params = op.params_for(api)
    path_params = [p for p in params if p.location == "path"]
    others = [p for p in params if p.location != "path"]
    others.sort(key=lambda p: api not in p.required_on)  # required keywords first, else spec order
    signature = ["self"]
    signature += [f"{p.py_name}: {_param_annotation(p, api, imports)}" for p in path_params]
    if others:
        signature.append("*")
        signature += [f"{p.py_name}: {_param_annotation(p, api, imports)}" for p in others]
    signature.append("**request_options: Unpack[RequestOptions]")
    if op.pagination:
        imports.add("piggy_async._pagination", "AsyncPaginator")
        returns = f"AsyncPaginator[{py_type(op.response.args[0], imports)}]"
        head = f"    def {op.name}({', '.join(signature)}) -> {returns}:\n"
    else:
        list_name = "builtins.list" if shadows_list else "list"
        returns = py_type(op.response, imports, list_name=list_name)
        head = f"    async def {op.name}({', '.join(signature)}) -> {returns}:\n"
    out = [head, docstring(_method_doc(op, api, params, spec), "        ")]
    out += render_checks(op, api, _op_const(api, op), params, imports)
    call_args = [_op_const(api, op)]
    for location in ("path", "query", "body"):
        members = [p for p in params if p.location == location and not p.spread]
        pairs = [(p.name, p.py_name) for p in members]
        pairs += [(p.also_as, p.py_name) for p in members if p.also_as]
        items = "{" + ", ".join(f'"{name}": {py_name}' for name, py_name in pairs) + "}"
        spread = [p.py_name for p in params if p.location == location and p.spread]
        if spread:
            imports.add("piggy_async._attributes", "with_attributes")
            call_args.append(f"{location}=with_attributes({items}, {spread[0]})")
        elif members:
            call_args.append(f"{location}={items}")
    call_args.append("options=request_options")
    if op.pagination:
        out.append(f"        return self._client.paginate({', '.join(call_args)})\n")
    else:
        out.append(f"        return await self._client.request({', '.join(call_args)})\n")
    return "".join(out)


def _method_doc(op: Operation, api: str, params: tuple[Param, ...], spec: Spec) -> str:
    lines = [f"{op.summary}.", ""]
    if op.description:
        lines += [*wrap(op.description, " " * 8), ""]
    lines.append(f"`{op.method} {op.path or '/'}`")
    if op.pagination:
        lines += [
            "",
            "Await the result for one page, or iterate it with `async for` for every item;",
            "later pages are fetched as the iteration reaches them.",
        ]
    documented = [p for p in params if p.description]
    if documented:
        lines += ["", "Args:"]
        for p in documented:
            text = p.description + (
                " Required." if api in p.required_on and p.location != "path" else ""
            )
            wrapped = wrap(f"{p.py_name}: {text}", " " * 12)
            lines.append(f"    {wrapped[0]}")
            lines += [f"        {rest}" for rest in wrapped[1:]]
    if op.errors:
        lines += raises_section(op.errors, spec)
    return "\n".join(lines)
