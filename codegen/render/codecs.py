"""Render `piggy_async/_generated/codecs/`: a structure and an unstructure function per model.

The spec knows every field, so decoding need not discover anything at run time. For each
model the generated `structure_<Model>(data)` builds the instance directly (no `__init__`
keyword parsing), reads each key it names, checks its value with the cheapest test that can
prove it right (`v.__class__ is str`), and calls the runtime's slow path only when that test
fails (`expect`: subclasses pass, anything else is a `TypeError`). An optional field whose
value still fails is left `UNSET` by `mismatch` (or raises, in strict mode); a required one
fails the model. `extra` is built only when the object has more keys than the model took:
the unknown keys and the values of mismatched fields, as sent. `unstructure_<Model>(model)`
writes the set fields and `extra` back (a field set since decoding wins over its kept value).
Types without a short inline form (unions of models and lists, tagged unions) are handed to
`piggy_async._codecs.structure`, which builds them once.

Codec modules mirror the model modules (the models of `models/<name>.py` have their codecs in
`codecs/<name>.py`), so they import each other along the same acyclic graph and load lazily
with the models that need them.
"""

from __future__ import annotations

from ..spec import Field, Model, Spec, TypeRef
from .imports import Imports
from .python import HEADER, module_title, py_type

# The exact-class test that passes a scalar without a call, and the class the slow path checks.
_FAST = {
    "str": "{v}.__class__ is str",
    "int": "{v}.__class__ is int",
    "bool": "{v}.__class__ is bool",
    "float": "{v}.__class__ is int or ({v}.__class__ is float and {v} - {v} == 0.0)",
    "object": "{v}.__class__ is dict",
    "null": "{v} is None",
}
_KIND = {
    "str": "str",
    "int": "int",
    "bool": "bool",
    "float": "float",
    "object": "dict",
    "null": "NoneType",
}


def render_codecs(spec: Spec) -> dict[str, str]:
    """The codec modules, by path relative to `piggy_async/_generated/`."""
    files = {
        "codecs/__init__.py": HEADER
        + '"""Structure and unstructure functions per model, one module per model module."""\n'
    }
    for module in spec.model_modules():
        models = sorted(
            (m for m in spec.models.values() if m.module == module and not m.union),
            key=lambda m: m.name,
        )
        files[f"codecs/{module}.py"] = _CodecModule(spec, module).render(models)
    return files


def _members(ref: TypeRef) -> tuple[TypeRef, ...]:
    return ref.args if ref.kind == "union" else (ref,)


def _plain(ref: TypeRef) -> bool:
    """A type whose values are checked, never converted: scalars, objects, `any`, null."""
    return all(m.kind == "scalar" and m.name != "datetime" for m in _members(ref))


def _indent(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]


class _CodecModule:
    """One codec module: its functions, and the imports they need, collected as they render."""

    def __init__(self, spec: Spec, module: str) -> None:
        self.spec = spec
        self.module = module
        self.imports = Imports()
        self.constants: dict[str, str] = {}  # type expression -> constant name

    def render(self, models: list[Model]) -> str:
        self.imports.add("typing", "Any")
        functions: list[str] = []
        for model in models:
            self._model(model.name)
            functions.append(self._structure(model))
            functions.append(self._unstructure(model))
        out = [
            HEADER,
            f'"""Structure and unstructure functions of the models {module_title(self.module)}."""'
            "\n\n",
            "from __future__ import annotations\n\n",
            self.imports.render(),
            "\n_new = object.__new__\n",
        ]
        for expression, constant in self.constants.items():
            out.append(f"{constant} = {expression}\n")
        for function in functions:
            out.append("\n\n")
            out.append(function)
        return "".join(out)

    def _runtime(self, *names: str) -> None:
        """Names the generated code calls from the runtime, `piggy_async._codecs`."""
        self.imports.add("piggy_async._codecs", *names)

    def _model(self, name: str) -> None:
        """A model class (or tagged union alias) the code names at run time."""
        self.imports.add(f"..models.{self.spec.models[name].module}", name)

    # -- structure ------------------------------------------------------------------------

    def _structure(self, model: Model) -> str:
        name = model.name
        keys = ", ".join(f'"{f.key}": "{f.attr}"' for f in model.fields)
        required = sum(1 for f in model.fields if f.required)
        self._runtime("as_object", "extra_of")
        lines = [
            f"_{name.upper()}_KEYS = {{{keys}}}\n\n\n",
            f"def structure_{name}(data: Any) -> {name}:\n",
            f'    """A `{name}` from a decoded JSON object."""\n',
            "    if data.__class__ is not dict:\n",
            f'        data = as_object(data, "{name}")\n',
            f"    model: {name} = _new({name})\n",
            f"    known = {required}\n",
        ]
        for fld in model.fields:
            lines.extend(f"    {line}\n" for line in self._read_field(model, fld))
        lines.append(
            "    model.extra = {} if known == len(data) else "
            f"extra_of(data, _{name.upper()}_KEYS, model, known)\n"
        )
        lines.append("    return model\n")
        return "".join(lines)

    def _read_field(self, model: Model, fld: Field) -> list[str]:
        # `key in data` and `data[key]` beat `data.get(key, UNSET)`: no call, and an absent
        # key costs one lookup.
        key = f'"{fld.key}"'
        read = [f"value = data[{key}]"]
        convert = self._convert(fld.type, "value", f"{model.name}.{fld.key}")
        store = [f"model.{fld.attr} = value"]
        if fld.required:
            self._runtime("MissingKeyError")
            missing = [f"if {key} not in data:", f"    raise MissingKeyError({model.name}, {key})"]
            return missing + read + convert + store
        self._runtime("UNSET")
        present = [*read, *self._lenient(model, fld, convert), *store]
        return [f"if {key} in data:", *_indent(present), "else:", f"    model.{fld.attr} = UNSET"]

    def _lenient(self, model: Model, fld: Field, convert: list[str]) -> list[str]:
        """`convert`, and a value it fails on handed to `mismatch` (the field stays UNSET and
        `extra_of` keeps the value): an optional field's value never fails its model."""
        if not convert:
            return ["known += 1"]
        self.imports.add("piggy_async._mismatches", "DECODE_ERRORS", "mismatch")
        return [
            "try:",
            *_indent([*convert, "known += 1"]),
            "except DECODE_ERRORS as error:",
            f'    value = mismatch(error, {model.name}, "{fld.key}", value)',
        ]

    def _convert(self, ref: TypeRef, var: str, where: str) -> list[str]:
        """Statements that check `var` against `ref` and convert it in place."""
        members = _members(ref)
        if _plain(ref):
            names = [m.name for m in members]
            if "any" in names:
                return []
            fast = " or ".join(_FAST[n].format(v=var) for n in names)
            test = f"not ({fast})" if " or " in fast else fast.replace(" is ", " is not ")
            kinds = ", ".join(_KIND[n] for n in names)
            if "null" in names:
                self.imports.add("types", "NoneType")
            self._runtime("expect")
            return [f"if {test}:", f'    {var} = expect({var}, ({kinds},), "{where}")']
        others = [m for m in members if not (m.kind == "scalar" and m.name == "null")]
        if len(members) == 2 and len(others) == 1:  # `T | null`
            return [f"if {var} is not None:", *_indent(self._convert(others[0], var, where))]
        if ref.kind == "scalar":  # datetime
            self._runtime("parse_datetime")
            return [f'{var} = parse_datetime({var}, "{where}")']
        if self._is_class(ref):
            return [f"{var} = {self._function(ref)}({var})"]
        inner = ref.args[0] if ref.kind == "list" else None
        if inner is not None and (_plain(inner) or self._is_class(inner)):
            self._runtime("as_list")
            lines = [f"if {var}.__class__ is not list:", f'    {var} = as_list({var}, "{where}")']
            if self._is_class(inner):
                return [*lines, f"{var} = [{self._function(inner)}(item) for item in {var}]"]
            check = self._convert(inner, "item", f"{where}[]")
            return lines + ([f"for item in {var}:", *_indent(check)] if check else [])
        self._runtime("structure")
        for name in ref.models():
            self._model(name)
        expression = py_type(ref, self.imports)
        constant = self.constants.setdefault(expression, f"_TYPE_{len(self.constants) + 1}")
        return [f"{var} = structure({var}, {constant})"]

    def _is_class(self, ref: TypeRef) -> bool:
        """A model class (not a tagged union): structured by its own generated function."""
        return ref.kind == "model" and self.spec.models[ref.name].union is None

    def _function(self, ref: TypeRef) -> str:
        """The generated function that structures model `ref`, imported if need be."""
        module = self.spec.models[ref.name].module
        if module != self.module:
            self.imports.add(f".{module}", f"structure_{ref.name}")
        return f"structure_{ref.name}"

    # -- unstructure ----------------------------------------------------------------------

    def _unstructure(self, model: Model) -> str:
        name = model.name
        lines = [
            f"def unstructure_{name}(model: {name}) -> dict[str, Any]:\n",
            f'    """The JSON object a `{name}` stands for: its set fields and `extra`."""\n',
            "    out: dict[str, Any] = {}\n",
        ]
        if not all(f.required for f in model.fields):
            self._runtime("UNSET")
            lines.append("    value: Any\n")
        for fld in model.fields:
            value = self._write_value(fld.type)
            if fld.required:
                lines.append(f'    out["{fld.key}"] = {value.format(v=f"model.{fld.attr}")}\n')
            else:
                lines.append(f"    value = model.{fld.attr}\n")
                lines.append("    if value is not UNSET:\n")
                lines.append(f'        out["{fld.key}"] = {value.format(v="value")}\n')
        self.imports.add("piggy_async._mismatches", "fields_over_extra")
        lines.extend(
            [
                "    if model.extra:\n",
                "        size = len(out) + len(model.extra)\n",
                "        out.update(model.extra)\n",
                "        if len(out) != size:  # a field set since decoding\n",
                "            fields_over_extra(out, model)\n",
                "    return out\n",
            ]
        )
        return "".join(lines)

    def _write_value(self, ref: TypeRef) -> str:
        """The expression for a field's JSON value, with `{v}` for the field's value."""
        names = {m.name if m.kind == "scalar" else m.kind for m in _members(ref)}
        if names <= {"str", "int", "float", "bool", "null"}:
            return "{v}"
        if names <= {"datetime", "null"}:
            self._runtime("dump_datetime")
            call = "dump_datetime({v})"
            return f"None if {{v}} is None else {call}" if "null" in names else call
        self._runtime("dump")
        return "dump({v})"
