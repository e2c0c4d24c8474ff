from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.batch_confirm_item import BatchConfirmItem


T = TypeVar("T", bound="BatchConfirm")


@_attrs_define
class BatchConfirm:
    """
    Attributes:
        reservations (list[BatchConfirmItem]):
    """

    reservations: list[BatchConfirmItem]

    def to_dict(self) -> dict[str, Any]:
        reservations = []
        for reservations_item_data in self.reservations:
            reservations_item = reservations_item_data.to_dict()
            reservations.append(reservations_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reservations": reservations,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_confirm_item import BatchConfirmItem  # noqa: PLC0415

        d = dict(src_dict)
        reservations = []
        _reservations = d.pop("reservations")
        for reservations_item_data in _reservations:
            reservations_item = BatchConfirmItem.from_dict(reservations_item_data)

            reservations.append(reservations_item)

        batch_confirm = cls(
            reservations=reservations,
        )

        return batch_confirm
