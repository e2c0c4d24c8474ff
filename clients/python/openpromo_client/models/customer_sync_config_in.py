from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.customer_sync_config_in_mode import CustomerSyncConfigInMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_source import FileSource
    from ..models.sql_source import SqlSource
    from ..models.sync_schedule import SyncSchedule


T = TypeVar("T", bound="CustomerSyncConfigIn")


@_attrs_define
class CustomerSyncConfigIn:
    """
    Attributes:
        enabled (bool | Unset):  Default: False.
        mode (CustomerSyncConfigInMode | Unset):  Default: CustomerSyncConfigInMode.UPSERT.
        properties (list[str] | Unset): Customer-schema properties that are synchronised (and stored). Empty: every
            customer-schema property.
        schedule (None | SyncSchedule | Unset):
        source (FileSource | None | SqlSource | Unset):
    """

    enabled: bool | Unset = False
    mode: CustomerSyncConfigInMode | Unset = CustomerSyncConfigInMode.UPSERT
    properties: list[str] | Unset = UNSET
    schedule: None | SyncSchedule | Unset = UNSET
    source: FileSource | None | SqlSource | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.file_source import FileSource  # noqa: PLC0415
        from ..models.sql_source import SqlSource  # noqa: PLC0415
        from ..models.sync_schedule import SyncSchedule  # noqa: PLC0415

        enabled = self.enabled

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        properties: list[str] | Unset = UNSET
        if not isinstance(self.properties, Unset):
            properties = self.properties

        schedule: dict[str, Any] | None | Unset
        if isinstance(self.schedule, Unset):
            schedule = UNSET
        elif isinstance(self.schedule, SyncSchedule):
            schedule = self.schedule.to_dict()
        else:
            schedule = self.schedule

        source: dict[str, Any] | None | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        elif isinstance(self.source, SqlSource):
            source = self.source.to_dict()
        elif isinstance(self.source, FileSource):
            source = self.source.to_dict()
        else:
            source = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if mode is not UNSET:
            field_dict["mode"] = mode
        if properties is not UNSET:
            field_dict["properties"] = properties
        if schedule is not UNSET:
            field_dict["schedule"] = schedule
        if source is not UNSET:
            field_dict["source"] = source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.file_source import FileSource  # noqa: PLC0415
        from ..models.sql_source import SqlSource  # noqa: PLC0415
        from ..models.sync_schedule import SyncSchedule  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled", UNSET)

        _mode = d.pop("mode", UNSET)
        mode: CustomerSyncConfigInMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = CustomerSyncConfigInMode(_mode)

        properties = cast(list[str], d.pop("properties", UNSET))

        def _parse_schedule(data: object) -> None | SyncSchedule | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                schedule_type_0 = SyncSchedule.from_dict(data)

                return schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SyncSchedule | Unset, data)

        schedule = _parse_schedule(d.pop("schedule", UNSET))

        def _parse_source(data: object) -> FileSource | None | SqlSource | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0_type_0 = SqlSource.from_dict(data)

                return source_type_0_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0_type_1 = FileSource.from_dict(data)

                return source_type_0_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FileSource | None | SqlSource | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        customer_sync_config_in = cls(
            enabled=enabled,
            mode=mode,
            properties=properties,
            schedule=schedule,
            source=source,
        )

        return customer_sync_config_in
