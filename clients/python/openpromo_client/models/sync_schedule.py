from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SyncSchedule")


@_attrs_define
class SyncSchedule:
    """
    Attributes:
        time (str): Daily, HH:MM in the tenant's time zone
    """

    time: str

    def to_dict(self) -> dict[str, Any]:
        time = self.time

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "time": time,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        time = d.pop("time")

        sync_schedule = cls(
            time=time,
        )

        return sync_schedule
