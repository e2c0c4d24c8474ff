from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.promocode_type_change_type import PromocodeTypeChangeType

T = TypeVar("T", bound="PromocodeTypeChange")


@_attrs_define
class PromocodeTypeChange:
    """
    Attributes:
        type_ (PromocodeTypeChangeType):
    """

    type_: PromocodeTypeChangeType

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = PromocodeTypeChangeType(d.pop("type"))

        promocode_type_change = cls(
            type_=type_,
        )

        return promocode_type_change
