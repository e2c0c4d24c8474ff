from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.property_definition_out_type import PropertyDefinitionOutType

T = TypeVar("T", bound="PropertyDefinitionOut")


@_attrs_define
class PropertyDefinitionOut:
    """
    Attributes:
        allowed_values (list[int | str] | None):
        description (str):
        key (str):
        max_ (int | None | str):
        max_length (int | None):
        min_ (int | None | str):
        pattern (None | str):
        required (bool):
        type_ (PropertyDefinitionOutType):
    """

    allowed_values: list[int | str] | None
    description: str
    key: str
    max_: int | None | str
    max_length: int | None
    min_: int | None | str
    pattern: None | str
    required: bool
    type_: PropertyDefinitionOutType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_values: list[int | str] | None
        if isinstance(self.allowed_values, list):
            allowed_values = []
            for allowed_values_type_0_item_data in self.allowed_values:
                allowed_values_type_0_item: int | str
                allowed_values_type_0_item = allowed_values_type_0_item_data
                allowed_values.append(allowed_values_type_0_item)

        else:
            allowed_values = self.allowed_values

        description = self.description

        key = self.key

        max_: int | None | str
        max_ = self.max_

        max_length: int | None
        max_length = self.max_length

        min_: int | None | str
        min_ = self.min_

        pattern: None | str
        pattern = self.pattern

        required = self.required

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowed_values": allowed_values,
                "description": description,
                "key": key,
                "max": max_,
                "max_length": max_length,
                "min": min_,
                "pattern": pattern,
                "required": required,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_allowed_values(data: object) -> list[int | str] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_values_type_0 = []
                _allowed_values_type_0 = data
                for allowed_values_type_0_item_data in _allowed_values_type_0:

                    def _parse_allowed_values_type_0_item(data: object) -> int | str:
                        return cast(int | str, data)

                    allowed_values_type_0_item = _parse_allowed_values_type_0_item(allowed_values_type_0_item_data)

                    allowed_values_type_0.append(allowed_values_type_0_item)

                return allowed_values_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int | str] | None, data)

        allowed_values = _parse_allowed_values(d.pop("allowed_values"))

        description = d.pop("description")

        key = d.pop("key")

        def _parse_max_(data: object) -> int | None | str:
            if data is None:
                return data
            return cast(int | None | str, data)

        max_ = _parse_max_(d.pop("max"))

        def _parse_max_length(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_length = _parse_max_length(d.pop("max_length"))

        def _parse_min_(data: object) -> int | None | str:
            if data is None:
                return data
            return cast(int | None | str, data)

        min_ = _parse_min_(d.pop("min"))

        def _parse_pattern(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pattern = _parse_pattern(d.pop("pattern"))

        required = d.pop("required")

        type_ = PropertyDefinitionOutType(d.pop("type"))

        property_definition_out = cls(
            allowed_values=allowed_values,
            description=description,
            key=key,
            max_=max_,
            max_length=max_length,
            min_=min_,
            pattern=pattern,
            required=required,
            type_=type_,
        )

        property_definition_out.additional_properties = d
        return property_definition_out

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
