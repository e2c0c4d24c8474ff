from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_grants_type_0 import CustomerGrantsType0
    from ..models.customer_properties import CustomerProperties
    from ..models.customer_sources import CustomerSources


T = TypeVar("T", bound="Customer")


@_attrs_define
class Customer:
    """
    Attributes:
        created_at (datetime.datetime):
        customer_id (str):
        properties (CustomerProperties):
        sources (CustomerSources):
        updated_at (datetime.datetime):
        grants (CustomerGrantsType0 | None | Unset): Summary of the customer's grants (present once the grants domain
            provides one).
    """

    created_at: datetime.datetime
    customer_id: str
    properties: CustomerProperties
    sources: CustomerSources
    updated_at: datetime.datetime
    grants: CustomerGrantsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.customer_grants_type_0 import CustomerGrantsType0  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        customer_id = self.customer_id

        properties = self.properties.to_dict()

        sources = self.sources.to_dict()

        updated_at = self.updated_at.isoformat()

        grants: dict[str, Any] | None | Unset
        if isinstance(self.grants, Unset):
            grants = UNSET
        elif isinstance(self.grants, CustomerGrantsType0):
            grants = self.grants.to_dict()
        else:
            grants = self.grants

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "customer_id": customer_id,
                "properties": properties,
                "sources": sources,
                "updated_at": updated_at,
            }
        )
        if grants is not UNSET:
            field_dict["grants"] = grants

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_grants_type_0 import CustomerGrantsType0  # noqa: PLC0415
        from ..models.customer_properties import CustomerProperties  # noqa: PLC0415
        from ..models.customer_sources import CustomerSources  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        customer_id = d.pop("customer_id")

        properties = CustomerProperties.from_dict(d.pop("properties"))

        sources = CustomerSources.from_dict(d.pop("sources"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_grants(data: object) -> CustomerGrantsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                grants_type_0 = CustomerGrantsType0.from_dict(data)

                return grants_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CustomerGrantsType0 | None | Unset, data)

        grants = _parse_grants(d.pop("grants", UNSET))

        customer = cls(
            created_at=created_at,
            customer_id=customer_id,
            properties=properties,
            sources=sources,
            updated_at=updated_at,
            grants=grants,
        )

        customer.additional_properties = d
        return customer

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
