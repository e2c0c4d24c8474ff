from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.tiers_update_tiers_item import TiersUpdateTiersItem


T = TypeVar("T", bound="TiersUpdate")


@_attrs_define
class TiersUpdate:
    """
    Attributes:
        tiers (list[TiersUpdateTiersItem]): Ordered tiers (SPEC §3); the first whose condition holds wins.
    """

    tiers: list[TiersUpdateTiersItem]

    def to_dict(self) -> dict[str, Any]:
        tiers = []
        for tiers_item_data in self.tiers:
            tiers_item = tiers_item_data.to_dict()
            tiers.append(tiers_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "tiers": tiers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tiers_update_tiers_item import TiersUpdateTiersItem  # noqa: PLC0415

        d = dict(src_dict)
        tiers = []
        _tiers = d.pop("tiers")
        for tiers_item_data in _tiers:
            tiers_item = TiersUpdateTiersItem.from_dict(tiers_item_data)

            tiers.append(tiers_item)

        tiers_update = cls(
            tiers=tiers,
        )

        return tiers_update
