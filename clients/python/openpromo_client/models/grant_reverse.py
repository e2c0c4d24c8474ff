from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GrantReverse")


@_attrs_define
class GrantReverse:
    """
    Attributes:
        release_code (bool | Unset):  Default: True.
    """

    release_code: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        release_code = self.release_code

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if release_code is not UNSET:
            field_dict["release_code"] = release_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        release_code = d.pop("release_code", UNSET)

        grant_reverse = cls(
            release_code=release_code,
        )

        return grant_reverse
