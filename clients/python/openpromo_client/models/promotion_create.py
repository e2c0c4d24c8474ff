from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PromotionCreate")


@_attrs_define
class PromotionCreate:
    """
    Attributes:
        name (str):
        code (None | str | Unset): Omitted: derived from the name (made unique with -2, -3…).
        description (str | Unset):  Default: ''.
    """

    name: str
    code: None | str | Unset = UNSET
    description: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        description = d.pop("description", UNSET)

        promotion_create = cls(
            name=name,
            code=code,
            description=description,
        )

        return promotion_create
