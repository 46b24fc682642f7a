"""The OpenAPI schema of the JSON bodies says what their decoding enforces.

Litestar documents a msgspec Struct's fields but not `forbid_unknown_fields`: this plugin adds
`additionalProperties: false` to such a Struct, and the extra rules a Struct declares in
`__openapi_rules__` (JSON Schema keywords that tie fields together, e.g. `if`/`then`).

A field this deployment refuses by its settings (`withheld`: `username` at login while
TESSERA_LOGIN_IDENTIFIERS does not include it) is left out of its Struct's schema, and out of any
`oneOf` alternative that requires it: the schema describes the service as configured, so that a body
it documents is a body it accepts.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.spec import Schema
from litestar.typing import FieldDefinition

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator


class ClosedStructSchemaPlugin(StructSchemaPlugin):
    """Registered before Litestar's own Struct plugin, which it extends."""

    def __init__(self, withheld: Mapping[type, frozenset[str]] | None = None) -> None:
        super().__init__()
        self._withheld = dict(withheld or {})

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: "SchemaCreator") -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields:
            schema.additional_properties = False
        withheld = self._withheld.get(field_definition.type_, frozenset())
        if withheld and schema.properties:
            schema.properties = {name: value for name, value in schema.properties.items() if name not in withheld}
        rules: dict[str, Any] = getattr(field_definition.type_, "__openapi_rules__", {})
        for keyword, value in rules.items():
            if keyword == "one_of" and withheld:
                value = [option for option in value if not withheld & set(option.required or ())]
            setattr(schema, keyword, value)
        return schema
