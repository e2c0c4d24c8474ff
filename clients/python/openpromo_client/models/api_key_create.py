from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.api_key_create_role import ApiKeyCreateRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKeyCreate")


@_attrs_define
class ApiKeyCreate:
    """
    Attributes:
        role (ApiKeyCreateRole):
        name (str | Unset):  Default: ''.
    """

    role: ApiKeyCreateRole
    name: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        role = self.role.value

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "role": role,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        role = ApiKeyCreateRole(d.pop("role"))

        name = d.pop("name", UNSET)

        api_key_create = cls(
            role=role,
            name=name,
        )

        return api_key_create
