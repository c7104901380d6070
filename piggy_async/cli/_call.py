"""`piggy call RESOURCE.METHOD` (any operation, printed as JSON) and `piggy operations`."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

import click

from ._env import ENV_HELP, client
from ._exit import HELP, REFUSED
from ._export import moment
from ._jobs import API
from ._json_argument import json_argument
from ._run import run

if TYPE_CHECKING:
    from .._operation import Operation, Param


def _index() -> tuple[tuple[str, str, str, str, str], ...]:
    """(api, method, resource, name, summary) per operation, without loading any of them."""
    from .._generated.operation_index import OPERATION_INDEX

    return OPERATION_INDEX


def _find(api: str, name: str) -> Operation[Any]:
    """The operation, loading only its resource's module."""
    resource, _, method = name.partition(".")
    if (api, resource, method) in {(a, r, n) for a, _, r, n, _ in _index()}:
        module = import_module(f"..._generated.resources.{resource}", __name__)
        for operation in module.OPERATIONS:
            if (operation.api, operation.name) == (api, method):
                return operation  # type: ignore[no-any-return]
    raise click.BadParameter(
        f"no operation {name!r} on the {api} API (`piggy operations` lists them)",
        param_hint="RESOURCE.METHOD",
    )


def _value(param: Param, text: str, operation: Operation[Any]) -> Any:
    """A command-line string as the parameter's type (structured types are JSON), one of
    its documented values when the spec lists them."""
    from .._arguments import choice

    try:
        value = _typed(param, text)
        return choice(value, param.py_name, operation) if param.enum is not None else value
    except (TypeError, ValueError, click.BadParameter) as error:
        raise click.BadParameter(str(error), param_hint=f"--{param.py_name}") from None


def _typed(param: Param, text: str) -> Any:
    if param.type == "int":
        return int(text)
    if param.type == "float":
        number = float(text)
        if not math.isfinite(number):  # nan, inf: no JSON number
            raise ValueError(f"expected a finite number, got {text!r}")
        return number
    if param.type == "bool":
        if text.lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"expected true or false, got {text!r}")
        return text.lower() in ("true", "1")
    if param.type == "datetime":
        return moment(text)
    if param.type == "str":
        return text
    return json_argument(text)


def _arguments(
    operation: Operation[Any], tokens: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Path, query and body values from positional path values and `--name value` pairs."""
    by_name: dict[str, Param] = {}
    for entry in operation.params:
        for alias in (entry.name, entry.py_name, entry.py_name.replace("_", "-")):
            by_name[alias] = entry
    path_params = [param for param in operation.params if param.location == "path"]
    positional: list[str] = []
    values: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "body": {}}
    items = iter(tokens)
    for token in items:
        if not token.startswith("--"):
            positional.append(token)
            continue
        name, equals, text = token[2:].partition("=")
        if not equals:
            following = next(items, None)
            if following is None:
                raise click.BadParameter("needs a value", param_hint=token)
            text = following
        found = by_name.get(name)
        if found is None or found.location == "path":
            known = ", ".join(f"--{p.py_name}" for p in operation.params if p.location != "path")
            raise click.BadParameter(
                f"unknown option (it takes: {known or 'none'})", param_hint=token
            )
        values[found.location][found.name] = _value(found, text, operation)
    if len(positional) != len(path_params):
        expected = " ".join(param.name.upper() for param in path_params) or "no arguments"
        raise click.UsageError(f"{operation.resource}.{operation.name} takes {expected}")
    for param, text in zip(path_params, positional, strict=True):
        if text.strip() in ("", ".", ".."):
            raise click.BadParameter(
                f"{text!r} is not a value (a path segment such as '..' would leave the"
                " operation's path)",
                param_hint=param.name.upper(),
            )
        values["path"][param.name] = text
    missing = [
        f"--{param.py_name}"
        for param in operation.params
        if param.required and param.location != "path" and param.name not in values[param.location]
    ]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)}")
    return values["path"], values["query"], values["body"]


def _print(value: Any) -> None:
    from .._codecs import dump

    click.echo(json.dumps(dump(value), indent=2, ensure_ascii=False, default=str))


@click.command(
    short_help="Send one operation and print its answer as JSON.",
    epilog=ENV_HELP + "\n" + HELP,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("name", metavar="RESOURCE.METHOD")
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
@click.option("--all", "every", is_flag=True, help="List operations: every page, as JSON Lines.")
@API
def call(
    name: str, arguments: tuple[str, ...], every: bool, api: Literal["oauth", "register"]
) -> None:
    """Send one operation and print its answer as JSON, e.g.

    \b
      piggy call contacts.find_one_by --email sandy@bikinibottom.sea
      piggy call contacts.update UUID --attributes '{"firstname": "Sandy"}'
      piggy call rewards.list --api register --limit 5

    Path parameters are positional; every other parameter is --name VALUE (objects and
    lists as JSON). A list operation prints its first page, or with --all every item.
    """
    operation = _find(api, name)
    path, query, body = _arguments(operation, arguments)
    piggy = client(api)

    async def send() -> None:
        async with piggy:
            if operation.pagination is None:
                _print(
                    await piggy.request(operation, path=path, query=query, body=body, options={})
                )
                return
            pages = piggy.paginate(operation, path=path, query=query, body=body, options={})
            if not every:
                _print((await pages).items)
                return
            async for item in pages:
                _print_line(item)

    run(send(), refusal=REFUSED)


def _print_line(item: Any) -> None:
    from .._codecs import dump

    click.echo(json.dumps(dump(item), ensure_ascii=False, default=str))


@click.command()
@click.option("--api", type=click.Choice(["oauth", "register"]), help="Only this API's.")
def operations(api: str | None) -> None:
    """List every operation `piggy call` can send."""
    for each_api, method, resource, name, summary in _index():
        if api is None or each_api == api:
            click.echo(f"{each_api:<9} {method:<6} {resource + '.' + name:<48} {summary}")
