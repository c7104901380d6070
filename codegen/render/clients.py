"""`clients.py`, the resource attributes of each client, and `operations.py`, the table of
every operation."""

from __future__ import annotations

from ..spec import Spec
from .imports import Imports
from .python import API_CLASS_PREFIX, API_TITLE, class_name, docstring, generated_module


def render_clients(spec: Spec) -> str:
    """Each resource module (and its models) is imported on first use of its attribute, so
    `import piggy_async` stays cheap; type checkers and IDEs see the imports."""
    imports = Imports()
    imports.add("functools", "cached_property")
    imports.add("typing", "TYPE_CHECKING")
    imports.add("piggy_async._client", "BaseClient")
    out = [
        '"""The resource attributes of each client: `piggy.contacts`, `pos.rewards`, ..."""\n\n',
        "from __future__ import annotations\n\n",
        imports.render(),
        "\nif TYPE_CHECKING:\n",
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


def render_operations(spec: Spec) -> str:
    """`OPERATIONS`, gathered from the resource modules."""
    imports = Imports()
    imports.add("typing", "Any")
    imports.add("piggy_async._operation", "Operation")
    imports.add(".resources", *(r.name for r in spec.resources))
    out = [
        '"""`OPERATIONS`: every generated operation, per API and resource."""\n\n',
        "from __future__ import annotations\n\n",
        imports.render(),
        "\nOPERATIONS: tuple[Operation[Any], ...] = (\n",
    ]
    out.extend(f"    *{name}.OPERATIONS,\n" for name in sorted(r.name for r in spec.resources))
    out.append(")\n")
    return generated_module("".join(out))
