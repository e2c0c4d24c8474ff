from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sync_run_summary_mode import SyncRunSummaryMode
from ..models.sync_run_summary_status import SyncRunSummaryStatus
from ..models.sync_run_summary_trigger import SyncRunSummaryTrigger

T = TypeVar("T", bound="SyncRunSummary")


@_attrs_define
class SyncRunSummary:
    """A run in the history list (without its row errors).

    Attributes:
        created_at (datetime.datetime):
        error (None | str):
        finished_at (datetime.datetime | None):
        id (str):
        mode (SyncRunSummaryMode):
        rows_read (int):
        rows_rejected (int):
        rows_upserted (int):
        started_at (datetime.datetime | None):
        status (SyncRunSummaryStatus):
        trigger (SyncRunSummaryTrigger):
    """

    created_at: datetime.datetime
    error: None | str
    finished_at: datetime.datetime | None
    id: str
    mode: SyncRunSummaryMode
    rows_read: int
    rows_rejected: int
    rows_upserted: int
    started_at: datetime.datetime | None
    status: SyncRunSummaryStatus
    trigger: SyncRunSummaryTrigger
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        error: None | str
        error = self.error

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        id = self.id

        mode = self.mode.value

        rows_read = self.rows_read

        rows_rejected = self.rows_rejected

        rows_upserted = self.rows_upserted

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        status = self.status.value

        trigger = self.trigger.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "error": error,
                "finished_at": finished_at,
                "id": id,
                "mode": mode,
                "rows_read": rows_read,
                "rows_rejected": rows_rejected,
                "rows_upserted": rows_upserted,
                "started_at": started_at,
                "status": status,
                "trigger": trigger,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        id = d.pop("id")

        mode = SyncRunSummaryMode(d.pop("mode"))

        rows_read = d.pop("rows_read")

        rows_rejected = d.pop("rows_rejected")

        rows_upserted = d.pop("rows_upserted")

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        status = SyncRunSummaryStatus(d.pop("status"))

        trigger = SyncRunSummaryTrigger(d.pop("trigger"))

        sync_run_summary = cls(
            created_at=created_at,
            error=error,
            finished_at=finished_at,
            id=id,
            mode=mode,
            rows_read=rows_read,
            rows_rejected=rows_rejected,
            rows_upserted=rows_upserted,
            started_at=started_at,
            status=status,
            trigger=trigger,
        )

        sync_run_summary.additional_properties = d
        return sync_run_summary

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
