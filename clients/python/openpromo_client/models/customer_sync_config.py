from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.customer_sync_config_mode import CustomerSyncConfigMode

if TYPE_CHECKING:
    from ..models.file_source import FileSource
    from ..models.sql_source import SqlSource
    from ..models.sync_schedule import SyncSchedule


T = TypeVar("T", bound="CustomerSyncConfig")


@_attrs_define
class CustomerSyncConfig:
    """
    Attributes:
        enabled (bool):
        mode (CustomerSyncConfigMode):
        next_run_at (datetime.datetime | None): When the schedule runs next (UTC)
        properties (list[str]):
        schedule (None | SyncSchedule):
        source (FileSource | None | SqlSource):
        updated_at (datetime.datetime | None):
    """

    enabled: bool
    mode: CustomerSyncConfigMode
    next_run_at: datetime.datetime | None
    properties: list[str]
    schedule: None | SyncSchedule
    source: FileSource | None | SqlSource
    updated_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.file_source import FileSource  # noqa: PLC0415
        from ..models.sql_source import SqlSource  # noqa: PLC0415
        from ..models.sync_schedule import SyncSchedule  # noqa: PLC0415

        enabled = self.enabled

        mode = self.mode.value

        next_run_at: None | str
        if isinstance(self.next_run_at, datetime.datetime):
            next_run_at = self.next_run_at.isoformat()
        else:
            next_run_at = self.next_run_at

        properties = self.properties

        schedule: dict[str, Any] | None
        if isinstance(self.schedule, SyncSchedule):
            schedule = self.schedule.to_dict()
        else:
            schedule = self.schedule

        source: dict[str, Any] | None
        if isinstance(self.source, SqlSource):
            source = self.source.to_dict()
        elif isinstance(self.source, FileSource):
            source = self.source.to_dict()
        else:
            source = self.source

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled": enabled,
                "mode": mode,
                "next_run_at": next_run_at,
                "properties": properties,
                "schedule": schedule,
                "source": source,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_source import FileSource  # noqa: PLC0415
        from ..models.sql_source import SqlSource  # noqa: PLC0415
        from ..models.sync_schedule import SyncSchedule  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled")

        mode = CustomerSyncConfigMode(d.pop("mode"))

        def _parse_next_run_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_run_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_run_at = _parse_next_run_at(d.pop("next_run_at"))

        properties = cast(list[str], d.pop("properties"))

        def _parse_schedule(data: object) -> None | SyncSchedule:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                schedule_type_0 = SyncSchedule.from_dict(data)

                return schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SyncSchedule, data)

        schedule = _parse_schedule(d.pop("schedule"))

        def _parse_source(data: object) -> FileSource | None | SqlSource:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = SqlSource.from_dict(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_1 = FileSource.from_dict(data)

                return source_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FileSource | None | SqlSource, data)

        source = _parse_source(d.pop("source"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        customer_sync_config = cls(
            enabled=enabled,
            mode=mode,
            next_run_at=next_run_at,
            properties=properties,
            schedule=schedule,
            source=source,
            updated_at=updated_at,
        )

        customer_sync_config.additional_properties = d
        return customer_sync_config

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
