from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.property_definition_in_type import PropertyDefinitionInType
from ..types import UNSET, Unset

T = TypeVar("T", bound="PropertyDefinitionIn")


@_attrs_define
class PropertyDefinitionIn:
    """
    Attributes:
        key (str): `^[a-z][a-z0-9_]{0,63}$`
        type_ (PropertyDefinitionInType):
        allowed_values (list[Any] | None | Unset): string, string_list (every item) and integer properties.
        description (str | Unset):  Default: ''.
        max_ (Any | Unset): integer, decimal, date and datetime properties (inclusive).
        max_length (int | None | Unset): string properties.
        min_ (Any | Unset): integer, decimal, date and datetime properties (inclusive).
        pattern (None | str | Unset): string properties: a Python regular expression the whole value must match.
        required (bool | Unset): Session and promotion scopes only (customers are partial). Default: False.
    """

    key: str
    type_: PropertyDefinitionInType
    allowed_values: list[Any] | None | Unset = UNSET
    description: str | Unset = ""
    max_: Any | Unset = UNSET
    max_length: int | None | Unset = UNSET
    min_: Any | Unset = UNSET
    pattern: None | str | Unset = UNSET
    required: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        type_ = self.type_.value

        allowed_values: list[Any] | None | Unset
        if isinstance(self.allowed_values, Unset):
            allowed_values = UNSET
        elif isinstance(self.allowed_values, list):
            allowed_values = self.allowed_values

        else:
            allowed_values = self.allowed_values

        description = self.description

        max_ = self.max_

        max_length: int | None | Unset
        if isinstance(self.max_length, Unset):
            max_length = UNSET
        else:
            max_length = self.max_length

        min_ = self.min_

        pattern: None | str | Unset
        if isinstance(self.pattern, Unset):
            pattern = UNSET
        else:
            pattern = self.pattern

        required = self.required

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "key": key,
                "type": type_,
            }
        )
        if allowed_values is not UNSET:
            field_dict["allowed_values"] = allowed_values
        if description is not UNSET:
            field_dict["description"] = description
        if max_ is not UNSET:
            field_dict["max"] = max_
        if max_length is not UNSET:
            field_dict["max_length"] = max_length
        if min_ is not UNSET:
            field_dict["min"] = min_
        if pattern is not UNSET:
            field_dict["pattern"] = pattern
        if required is not UNSET:
            field_dict["required"] = required

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        type_ = PropertyDefinitionInType(d.pop("type"))

        def _parse_allowed_values(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_values_type_0 = cast(list[Any], data)

                return allowed_values_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        allowed_values = _parse_allowed_values(d.pop("allowed_values", UNSET))

        description = d.pop("description", UNSET)

        max_ = d.pop("max", UNSET)

        def _parse_max_length(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_length = _parse_max_length(d.pop("max_length", UNSET))

        min_ = d.pop("min", UNSET)

        def _parse_pattern(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pattern = _parse_pattern(d.pop("pattern", UNSET))

        required = d.pop("required", UNSET)

        property_definition_in = cls(
            key=key,
            type_=type_,
            allowed_values=allowed_values,
            description=description,
            max_=max_,
            max_length=max_length,
            min_=min_,
            pattern=pattern,
            required=required,
        )

        return property_definition_in
