from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_item_result_problem_type_0 import BatchItemResultProblemType0
    from ..models.reservation import Reservation


T = TypeVar("T", bound="BatchItemResult")


@_attrs_define
class BatchItemResult:
    """
    Attributes:
        id (str):
        status (None | str): The reservation's status after the call; null when it was not found.
        problem (BatchItemResultProblemType0 | None | Unset): Why this item was refused (a problem body), if it was.
        reservation (None | Reservation | Unset):
    """

    id: str
    status: None | str
    problem: BatchItemResultProblemType0 | None | Unset = UNSET
    reservation: None | Reservation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_item_result_problem_type_0 import BatchItemResultProblemType0  # noqa: PLC0415
        from ..models.reservation import Reservation  # noqa: PLC0415

        id = self.id

        status: None | str
        status = self.status

        problem: dict[str, Any] | None | Unset
        if isinstance(self.problem, Unset):
            problem = UNSET
        elif isinstance(self.problem, BatchItemResultProblemType0):
            problem = self.problem.to_dict()
        else:
            problem = self.problem

        reservation: dict[str, Any] | None | Unset
        if isinstance(self.reservation, Unset):
            reservation = UNSET
        elif isinstance(self.reservation, Reservation):
            reservation = self.reservation.to_dict()
        else:
            reservation = self.reservation

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
            }
        )
        if problem is not UNSET:
            field_dict["problem"] = problem
        if reservation is not UNSET:
            field_dict["reservation"] = reservation

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_item_result_problem_type_0 import BatchItemResultProblemType0  # noqa: PLC0415
        from ..models.reservation import Reservation  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_status(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status = _parse_status(d.pop("status"))

        def _parse_problem(data: object) -> BatchItemResultProblemType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                problem_type_0 = BatchItemResultProblemType0.from_dict(data)

                return problem_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchItemResultProblemType0 | None | Unset, data)

        problem = _parse_problem(d.pop("problem", UNSET))

        def _parse_reservation(data: object) -> None | Reservation | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                reservation_type_0 = Reservation.from_dict(data)

                return reservation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Reservation | Unset, data)

        reservation = _parse_reservation(d.pop("reservation", UNSET))

        batch_item_result = cls(
            id=id,
            status=status,
            problem=problem,
            reservation=reservation,
        )

        batch_item_result.additional_properties = d
        return batch_item_result

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
