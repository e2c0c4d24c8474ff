from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.customer_put_properties import CustomerPutProperties


T = TypeVar("T", bound="CustomerPut")


@_attrs_define
class CustomerPut:
    """
    Attributes:
        properties (CustomerPutProperties): Values to merge into the customer's stored values, by property key. `null`
            removes a value. Unknown keys are refused; customer-schema properties that are not synchronised are reported in
            `not_synchronised` and not stored.
    """

    properties: CustomerPutProperties

    def to_dict(self) -> dict[str, Any]:
        properties = self.properties.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "properties": properties,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_put_properties import CustomerPutProperties  # noqa: PLC0415

        d = dict(src_dict)
        properties = CustomerPutProperties.from_dict(d.pop("properties"))

        customer_put = cls(
            properties=properties,
        )

        return customer_put
