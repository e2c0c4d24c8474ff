from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.schema_scope import SchemaScope

if TYPE_CHECKING:
    from ..models.property_definition_out import PropertyDefinitionOut


T = TypeVar("T", bound="Schema")


@_attrs_define
class Schema:
    """
    Attributes:
        properties (list[PropertyDefinitionOut]):
        scope (SchemaScope):
    """

    properties: list[PropertyDefinitionOut]
    scope: SchemaScope
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        properties = []
        for properties_item_data in self.properties:
            properties_item = properties_item_data.to_dict()
            properties.append(properties_item)

        scope = self.scope.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "properties": properties,
                "scope": scope,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.property_definition_out import PropertyDefinitionOut  # noqa: PLC0415

        d = dict(src_dict)
        properties = []
        _properties = d.pop("properties")
        for properties_item_data in _properties:
            properties_item = PropertyDefinitionOut.from_dict(properties_item_data)

            properties.append(properties_item)

        scope = SchemaScope(d.pop("scope"))

        schema = cls(
            properties=properties,
            scope=scope,
        )

        schema.additional_properties = d
        return schema

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
