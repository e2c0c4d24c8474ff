from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.audience_selection_method import AudienceSelectionMethod
from ..models.audience_selection_order_type_0 import AudienceSelectionOrderType0
from ..types import UNSET, Unset

T = TypeVar("T", bound="AudienceSelection")


@_attrs_define
class AudienceSelection:
    """Who gets in when one batch has more eligible customers than a cap has room for:
    ``{"method": "random"}`` or ``{"method": "attribute", "property": "<customer key>",
    "order": "asc" | "desc"}`` (a numeric or date customer property).

        Attributes:
            method (AudienceSelectionMethod | Unset):  Default: AudienceSelectionMethod.RANDOM.
            order (AudienceSelectionOrderType0 | None | Unset):
            property_ (None | str | Unset):
    """

    method: AudienceSelectionMethod | Unset = AudienceSelectionMethod.RANDOM
    order: AudienceSelectionOrderType0 | None | Unset = UNSET
    property_: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        method: str | Unset = UNSET
        if not isinstance(self.method, Unset):
            method = self.method.value

        order: None | str | Unset
        if isinstance(self.order, Unset):
            order = UNSET
        elif isinstance(self.order, AudienceSelectionOrderType0):
            order = self.order.value
        else:
            order = self.order

        property_: None | str | Unset
        if isinstance(self.property_, Unset):
            property_ = UNSET
        else:
            property_ = self.property_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if method is not UNSET:
            field_dict["method"] = method
        if order is not UNSET:
            field_dict["order"] = order
        if property_ is not UNSET:
            field_dict["property"] = property_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        _method = d.pop("method", UNSET)
        method: AudienceSelectionMethod | Unset
        if isinstance(_method, Unset):
            method = UNSET
        else:
            method = AudienceSelectionMethod(_method)

        def _parse_order(data: object) -> AudienceSelectionOrderType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                order_type_0 = AudienceSelectionOrderType0(data)

                return order_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AudienceSelectionOrderType0 | None | Unset, data)

        order = _parse_order(d.pop("order", UNSET))

        def _parse_property_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        property_ = _parse_property_(d.pop("property", UNSET))

        audience_selection = cls(
            method=method,
            order=order,
            property_=property_,
        )

        return audience_selection
