"""Wire shapes of the property schemas (SPEC §2, §12 "Schemas")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from openpromo.kit.schema import InputModel, JsonList, JsonValue, OutputModel, Text
from openpromo.rules.types import PropertyType
from openpromo.schema.values import MAX_LIST_ITEMS, MAX_PATTERN_LENGTH, MAX_STRING_LENGTH

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
MAX_PROPERTIES_PER_SCOPE = 500

Scope = Literal["customer", "session", "promotion"]
Key = Annotated[
    str, Field(pattern=KEY_PATTERN, max_length=64, description="`^[a-z][a-z0-9_]{0,63}$`")
]


class PropertyDefinitionBody(InputModel):
    """A definition without its key (the key comes from the path or the list item)."""

    type: PropertyType
    description: Text = Field(default="", max_length=2000)
    required: bool = Field(
        default=False, description="Session and promotion scopes only (customers are partial)."
    )
    allowed_values: JsonList | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LIST_ITEMS,
        description="string, string_list (every item) and integer properties.",
    )
    min: JsonValue = Field(
        default=None, description="integer, decimal, date and datetime properties (inclusive)."
    )
    max: JsonValue = Field(
        default=None, description="integer, decimal, date and datetime properties (inclusive)."
    )
    max_length: int | None = Field(
        default=None, ge=1, le=MAX_STRING_LENGTH, description="string properties."
    )
    pattern: Text | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PATTERN_LENGTH,
        description="string properties: a Python regular expression the whole value must match.",
    )


class PropertyDefinitionIn(PropertyDefinitionBody):
    key: Key


class PropertyDefinitionPut(PropertyDefinitionBody):
    key: Text | None = Field(
        default=None,
        max_length=64,
        description="Optional; when given it must equal the key in the path.",
    )


class SchemaPut(InputModel):
    properties: list[PropertyDefinitionIn] = Field(max_length=MAX_PROPERTIES_PER_SCOPE)


class PropertyDefinitionOut(OutputModel):
    key: str
    type: PropertyType
    description: str
    required: bool
    allowed_values: list[str | int] | None
    min: int | str | None
    max: int | str | None
    max_length: int | None
    pattern: str | None


class Schema(OutputModel):
    scope: Scope
    properties: list[PropertyDefinitionOut]
