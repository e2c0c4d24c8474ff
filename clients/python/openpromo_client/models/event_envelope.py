from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_envelope_data import EventEnvelopeData


T = TypeVar("T", bound="EventEnvelope")


@_attrs_define
class EventEnvelope:
    """The body of every webhook request (signed with Standard Webhooks: headers
    webhook-id = id, webhook-timestamp, webhook-signature).

        Attributes:
            data (EventEnvelopeData):
            id (str): Stable across retries and redeliveries: deduplicate on it.
            tenant_id (str):
            timestamp (datetime.datetime): When the event happened (its transaction).
            type_ (str): One of the event types listed in docs/webhooks.md.
    """

    data: EventEnvelopeData
    id: str
    tenant_id: str
    timestamp: datetime.datetime
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        id = self.id

        tenant_id = self.tenant_id

        timestamp = self.timestamp.isoformat()

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "id": id,
                "tenant_id": tenant_id,
                "timestamp": timestamp,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_envelope_data import EventEnvelopeData  # noqa: PLC0415

        d = dict(src_dict)
        data = EventEnvelopeData.from_dict(d.pop("data"))

        id = d.pop("id")

        tenant_id = d.pop("tenant_id")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = d.pop("type")

        event_envelope = cls(
            data=data,
            id=id,
            tenant_id=tenant_id,
            timestamp=timestamp,
            type_=type_,
        )

        event_envelope.additional_properties = d
        return event_envelope

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
