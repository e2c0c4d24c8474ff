from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        action (str):
        actor_id (None | str):
        actor_type (str):
        after (Any):
        before (Any):
        created_at (datetime.datetime):
        id (str):
        object_id (None | str):
        object_type (str):
    """

    action: str
    actor_id: None | str
    actor_type: str
    after: Any
    before: Any
    created_at: datetime.datetime
    id: str
    object_id: None | str
    object_type: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        actor_id: None | str
        actor_id = self.actor_id

        actor_type = self.actor_type

        after = self.after

        before = self.before

        created_at = self.created_at.isoformat()

        id = self.id

        object_id: None | str
        object_id = self.object_id

        object_type = self.object_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "actor_id": actor_id,
                "actor_type": actor_type,
                "after": after,
                "before": before,
                "created_at": created_at,
                "id": id,
                "object_id": object_id,
                "object_type": object_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        def _parse_actor_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        actor_type = d.pop("actor_type")

        after = d.pop("after")

        before = d.pop("before")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        def _parse_object_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        object_id = _parse_object_id(d.pop("object_id"))

        object_type = d.pop("object_type")

        audit_entry = cls(
            action=action,
            actor_id=actor_id,
            actor_type=actor_type,
            after=after,
            before=before,
            created_at=created_at,
            id=id,
            object_id=object_id,
            object_type=object_type,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
