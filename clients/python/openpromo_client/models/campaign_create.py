from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.campaign_create_status import CampaignCreateStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="CampaignCreate")


@_attrs_define
class CampaignCreate:
    """
    Attributes:
        name (str):
        channel (None | str | Unset): e.g. email, sms, push
        ends_at (datetime.datetime | None | Unset): After starts_at.
        external_id (None | str | Unset): The campaign's id in your own tools; unique in the tenant when set.
        starts_at (datetime.datetime | None | Unset):
        status (CampaignCreateStatus | Unset): Informational lifecycle (draft, active, paused, ended); links and
            validation do not depend on it. Default: CampaignCreateStatus.ACTIVE.
    """

    name: str
    channel: None | str | Unset = UNSET
    ends_at: datetime.datetime | None | Unset = UNSET
    external_id: None | str | Unset = UNSET
    starts_at: datetime.datetime | None | Unset = UNSET
    status: CampaignCreateStatus | Unset = CampaignCreateStatus.ACTIVE

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        ends_at: None | str | Unset
        if isinstance(self.ends_at, Unset):
            ends_at = UNSET
        elif isinstance(self.ends_at, datetime.datetime):
            ends_at = self.ends_at.isoformat()
        else:
            ends_at = self.ends_at

        external_id: None | str | Unset
        if isinstance(self.external_id, Unset):
            external_id = UNSET
        else:
            external_id = self.external_id

        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if channel is not UNSET:
            field_dict["channel"] = channel
        if ends_at is not UNSET:
            field_dict["ends_at"] = ends_at
        if external_id is not UNSET:
            field_dict["external_id"] = external_id
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))

        def _parse_ends_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_at_type_0 = datetime.datetime.fromisoformat(data)

                return ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ends_at = _parse_ends_at(d.pop("ends_at", UNSET))

        def _parse_external_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        external_id = _parse_external_id(d.pop("external_id", UNSET))

        def _parse_starts_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_at_type_0 = datetime.datetime.fromisoformat(data)

                return starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts_at = _parse_starts_at(d.pop("starts_at", UNSET))

        _status = d.pop("status", UNSET)
        status: CampaignCreateStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = CampaignCreateStatus(_status)

        campaign_create = cls(
            name=name,
            channel=channel,
            ends_at=ends_at,
            external_id=external_id,
            starts_at=starts_at,
            status=status,
        )

        return campaign_create
