from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEndpointCreate")


@_attrs_define
class WebhookEndpointCreate:
    """
    Attributes:
        event_types (list[str]): Event types to receive; "*" for every type except the opt-in grants.created, which must
            be named.
        url (str): https:// (http:// only if the operator allows it); the host must resolve to public addresses unless
            the operator allows private ones.
        description (str | Unset):  Default: ''.
        enabled (bool | Unset):  Default: True.
    """

    event_types: list[str]
    url: str
    description: str | Unset = ""
    enabled: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        event_types = self.event_types

        url = self.url

        description = self.description

        enabled = self.enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_types": event_types,
                "url": url,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_types = cast(list[str], d.pop("event_types"))

        url = d.pop("url")

        description = d.pop("description", UNSET)

        enabled = d.pop("enabled", UNSET)

        webhook_endpoint_create = cls(
            event_types=event_types,
            url=url,
            description=description,
            enabled=enabled,
        )

        return webhook_endpoint_create
