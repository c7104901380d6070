"""`error_classes.py`: the exception class of every HTTP status and error kind an error answer
can combine, written out as classes (never made at run time), so each can be imported by name
and pickled.

The hand-written classes of `piggy_async/_errors.py` stand for a status (`BadRequestError`,
400), a kind (`InsufficientBalanceError`) or both (`NotFoundError`: 404, kind `not_found`), as
`spec/errors.yaml`'s `classes` says. When an answer's status and its code's kind pick two
classes of which neither is the other (a 400 with 55031, of kind `not_found`), it raises a
class derived from both, named for the kind and then the status: `NotFoundBadRequestError`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..spec import Spec
from .imports import Imports
from .python import docstring, generated_module, wrap

ROOT = "APIError"


def render_error_classes(spec: Spec) -> str:
    """The module: the combined classes, then the tables the runtime picks a class from."""
    imports = Imports()
    imports.add("piggy_async._errors", ROOT, *(cls.name for cls in spec.error_classes))
    table = dict(_combinations(spec))
    statuses = {cls.name: cls.status for cls in spec.error_classes}
    body: list[str] = []
    for (status_class, kind), (name, bases) in table.items():
        if bases:
            body.append(f"\n\nclass {name}({', '.join(bases)}):\n")
            answer = f"HTTP {statuses[status_class]}".replace("HTTP 5xx", "a 5xx status")
            text = (
                f"A code of kind `{kind}` answered with {answer}: caught by "
                f"`except {bases[0]}` and by `except {bases[1]}`."
            )
            body.append(docstring("\n".join(wrap(text, "    ")), "    "))
    unknown = dict(_unknown_outcome_classes(spec))
    for status_class, name in unknown.items():
        also = spec.unknown_outcome.also if spec.unknown_outcome else ""
        imports.add("piggy_async._errors", also)
        body.append(f"\n\nclass {name}({status_class}, {also}):\n")
        text = (
            f"An unsafe write answered with a status that leaves its outcome unknown: caught by "
            f"`except {status_class}` and by `except {also}`; `may_have_been_processed` is True."
        )
        body.append(docstring("\n".join(wrap(text, "    ")), "    "))
    combined = [name for name, bases in table.values() if bases] + list(unknown.values())
    body.append(f"\n\n__all__ = [{', '.join(repr(name) for name in combined)}]\n")
    body.extend(_tables(spec, {key: name for key, (name, _bases) in table.items()}))
    body.extend(_unknown_tables(spec, unknown))
    head = (
        '"""The exception class of each HTTP status and error kind of an error answer, and a\n'
        'class for each status and kind that pick two different classes."""\n\n'
        "from __future__ import annotations\n\n"
    )
    return generated_module(head + imports.render() + "".join(body))


def _tables(spec: Spec, classes: dict[tuple[str, str], str]) -> list[str]:
    by_status = [cls for cls in spec.error_classes if isinstance(cls.status, int)]
    by_range = [cls for cls in spec.error_classes if isinstance(cls.status, str)]
    kinds = [cls for cls in spec.error_classes if cls.kind]
    return [
        f"\nSTATUS_CLASSES: dict[int, type[{ROOT}]] = {{\n",
        *(f"    {cls.status}: {cls.name},\n" for cls in by_status),
        "}\n",
        '"""The class of each HTTP status that has one of its own."""\n',
        f"\nRANGE_CLASSES: dict[int, type[{ROOT}]] = {{\n",
        *(f"    {str(cls.status)[0]}: {cls.name},\n" for cls in by_range),
        "}\n",
        '"""The class of any other status, by its hundred (5: a 5xx)."""\n',
        f"\nKIND_CLASSES: dict[str, type[{ROOT}]] = {{\n",
        *(f'    "{cls.kind}": {cls.name},\n' for cls in kinds),
        "}\n",
        '"""The class of each error kind."""\n',
        f"\nERROR_CLASSES: dict[tuple[type[{ROOT}], str], type[{ROOT}]] = {{\n",
        *(f'    ({status}, "{kind}"): {name},\n' for (status, kind), name in classes.items()),
        "}\n",
        '"""The class an answer raises, by the class of its status and the kind of its code."""\n',
    ]


def _unknown_outcome_classes(spec: Spec) -> Iterator[tuple[str, str]]:
    """The class each unknown-outcome status raises, and the class that is also the
    unknown-outcome class (`ServerError` → `OutcomeUnknownServerError`)."""
    if spec.unknown_outcome is None:
        return
    by_range = {
        cls.status[0]: cls.name for cls in spec.error_classes if isinstance(cls.status, str)
    }
    seen: set[str] = set()
    for status in spec.unknown_outcome.statuses:
        status_class = by_range.get(str(status)[0], ROOT)
        if status_class not in seen:
            seen.add(status_class)
            yield status_class, spec.unknown_outcome.also.removesuffix("Error") + status_class


def _unknown_tables(spec: Spec, unknown: dict[str, str]) -> list[str]:
    statuses = spec.unknown_outcome.statuses if spec.unknown_outcome else ()
    return [
        f"\nUNKNOWN_OUTCOME_STATUSES: frozenset[int] = frozenset({statuses!r})\n",
        '"""Answers after which an unsafe write may have been processed."""\n',
        f"\nUNKNOWN_OUTCOME_CLASSES: dict[type[{ROOT}], type[{ROOT}]] = {{\n",
        *(f"    {status}: {name},\n" for status, name in unknown.items()),
        "}\n",
        '"""The class such an answer to an unsafe write raises, by the class it would raise."""\n',
    ]


def _combinations(spec: Spec) -> Iterator[tuple[tuple[str, str], tuple[str, tuple[str, ...]]]]:
    """For each status class (`APIError` for a status without one) and each kind a code has:
    the class raised, and its two bases when it is a combined class (else empty)."""
    bases = {cls.name: cls.base for cls in spec.error_classes}
    names = set(bases)
    kind_classes = spec.kind_classes()
    used = {error.kind for error in spec.errors}
    kinds = [kind for kind in kind_classes if kind in used]
    statuses = [ROOT, *(cls.name for cls in spec.error_classes if cls.status is not None)]
    for status in statuses:
        for kind in kinds:
            chosen = kind_classes[kind]
            if _is_a(chosen, status, bases):
                yield (status, kind), (chosen, ())
            elif _is_a(status, chosen, bases):
                yield (status, kind), (status, ())
            else:
                name = _pascal(kind) + status.removesuffix("Error") + "Error"
                if name in names:
                    raise ValueError(f"the combined class {name} has the name of a class")
                yield (status, kind), (name, (chosen, status))


def _is_a(name: str, other: str, bases: dict[str, str]) -> bool:
    """Whether class `name` is `other` or derives from it."""
    while name != other and name != ROOT:
        name = bases[name]
    return name == other


def _pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))
