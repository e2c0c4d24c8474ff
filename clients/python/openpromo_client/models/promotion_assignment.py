from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PromotionAssignment")


@_attrs_define
class PromotionAssignment:
    """
    Attributes:
        promotion_id (str):
    """

    promotion_id: str

    def to_dict(self) -> dict[str, Any]:
        promotion_id = self.promotion_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "promotion_id": promotion_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        promotion_id = d.pop("promotion_id")

        promotion_assignment = cls(
            promotion_id=promotion_id,
        )

        return promotion_assignment
