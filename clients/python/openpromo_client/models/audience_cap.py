from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.audience_cap_window import AudienceCapWindow

T = TypeVar("T", bound="AudienceCap")


@_attrs_define
class AudienceCap:
    """At most ``limit`` distinct customers granted in each ``window``.

    Attributes:
        limit (int):
        window (AudienceCapWindow):
    """

    limit: int
    window: AudienceCapWindow

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        window = self.window.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "limit": limit,
                "window": window,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        limit = d.pop("limit")

        window = AudienceCapWindow(d.pop("window"))

        audience_cap = cls(
            limit=limit,
            window=window,
        )

        return audience_cap
