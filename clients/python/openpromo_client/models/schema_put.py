from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.property_definition_in import PropertyDefinitionIn


T = TypeVar("T", bound="SchemaPut")


@_attrs_define
class SchemaPut:
    """
    Attributes:
        properties (list[PropertyDefinitionIn]):
    """

    properties: list[PropertyDefinitionIn]

    def to_dict(self) -> dict[str, Any]:
        properties = []
        for properties_item_data in self.properties:
            properties_item = properties_item_data.to_dict()
            properties.append(properties_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "properties": properties,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.property_definition_in import PropertyDefinitionIn  # noqa: PLC0415

        d = dict(src_dict)
        properties = []
        _properties = d.pop("properties")
        for properties_item_data in _properties:
            properties_item = PropertyDefinitionIn.from_dict(properties_item_data)

            properties.append(properties_item)

        schema_put = cls(
            properties=properties,
        )

        return schema_put
