"""The `models:` section of a spec file: models with fields, and tagged unions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .objects import Field, Model, TaggedUnion
from .reader import Reader, attribute_name
from .types import MODEL_NAME


def load_models(reader: Reader, models: Any, module: str) -> Iterator[tuple[str, Model]]:
    table = reader.mapping(models, "models", allowed=models if isinstance(models, dict) else ())
    for name, body in table.items():
        key = f"models.{name}"
        if not isinstance(name, str) or not MODEL_NAME.match(name):
            raise reader.error(key, "a model name must be PascalCase")
        data = reader.mapping(
            body, key, allowed=("description", "fields", "union"), required=("description",)
        )
        description = reader.text(data["description"], f"{key}.description")
        if ("fields" in data) == ("union" in data):
            raise reader.error(key, "a model has either `fields` or `union`")
        if "union" in data:
            yield name, Model(name, module, description, union=_union(reader, key, data["union"]))
        else:
            yield name, Model(name, module, description, _fields(reader, key, data["fields"]))


def _union(reader: Reader, key: str, document: Any) -> TaggedUnion:
    union = reader.mapping(
        document,
        f"{key}.union",
        allowed=("discriminator", "variants", "default"),
        required=("discriminator", "variants", "default"),
    )
    variants = reader.mapping(union["variants"], f"{key}.union.variants", allowed=union["variants"])
    if not variants or not all(isinstance(v, str) for v in variants.values()):
        raise reader.error(f"{key}.union.variants", "expected a mapping of tag to model name")
    return TaggedUnion(
        reader.text(union["discriminator"], f"{key}.union.discriminator"),
        {str(k): v for k, v in variants.items()},
        reader.text(union["default"], f"{key}.union.default"),
    )


def _fields(reader: Reader, key: str, document: Any) -> tuple[Field, ...]:
    fields_data = reader.mapping(document, f"{key}.fields", allowed=document or {})
    fields: list[Field] = []
    for field_key, field_body in fields_data.items():
        fkey = f"{key}.fields.{field_key}"
        spec_field = reader.mapping(
            field_body,
            fkey,
            allowed=("type", "required", "description", "enum"),
            required=("type",),
        )
        attr = attribute_name(str(field_key))
        if attr in {f.attr for f in fields}:
            raise reader.error(fkey, f"attribute name {attr!r} collides with another field")
        required = spec_field.get("required", False)
        if not isinstance(required, bool):
            raise reader.error(f"{fkey}.required", "expected true or false")
        fields.append(
            Field(
                str(field_key),
                attr,
                reader.type(spec_field["type"], f"{fkey}.type"),
                required,
                reader.text(spec_field["description"], f"{fkey}.description")
                if "description" in spec_field
                else "",
            )
        )
    if not fields:
        raise reader.error(f"{key}.fields", "a model needs at least one field")
    return tuple(fields)
