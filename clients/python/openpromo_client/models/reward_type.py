from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.reward_type_category import RewardTypeCategory
from ..models.reward_type_rounding import RewardTypeRounding
from ..models.reward_type_status import RewardTypeStatus

if TYPE_CHECKING:
    from ..models.reward_constraints_out import RewardConstraintsOut


T = TypeVar("T", bound="RewardType")


@_attrs_define
class RewardType:
    """
    Attributes:
        archived_at (datetime.datetime | None):
        category (RewardTypeCategory):
        constraints (RewardConstraintsOut):
        created_at (datetime.datetime):
        currency (None | str):
        decimals (int):
        description (str):
        display_name (str):
        image_url (None | str): Where to GET the image; null when there is none.
        key (str):
        name (str):
        rounding (RewardTypeRounding):
        status (RewardTypeStatus):
        unit_name (None | str):
        updated_at (datetime.datetime):
    """

    archived_at: datetime.datetime | None
    category: RewardTypeCategory
    constraints: RewardConstraintsOut
    created_at: datetime.datetime
    currency: None | str
    decimals: int
    description: str
    display_name: str
    image_url: None | str
    key: str
    name: str
    rounding: RewardTypeRounding
    status: RewardTypeStatus
    unit_name: None | str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        category = self.category.value

        constraints = self.constraints.to_dict()

        created_at = self.created_at.isoformat()

        currency: None | str
        currency = self.currency

        decimals = self.decimals

        description = self.description

        display_name = self.display_name

        image_url: None | str
        image_url = self.image_url

        key = self.key

        name = self.name

        rounding = self.rounding.value

        status = self.status.value

        unit_name: None | str
        unit_name = self.unit_name

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "archived_at": archived_at,
                "category": category,
                "constraints": constraints,
                "created_at": created_at,
                "currency": currency,
                "decimals": decimals,
                "description": description,
                "display_name": display_name,
                "image_url": image_url,
                "key": key,
                "name": name,
                "rounding": rounding,
                "status": status,
                "unit_name": unit_name,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reward_constraints_out import RewardConstraintsOut  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_archived_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        archived_at = _parse_archived_at(d.pop("archived_at"))

        category = RewardTypeCategory(d.pop("category"))

        constraints = RewardConstraintsOut.from_dict(d.pop("constraints"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        decimals = d.pop("decimals")

        description = d.pop("description")

        display_name = d.pop("display_name")

        def _parse_image_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        image_url = _parse_image_url(d.pop("image_url"))

        key = d.pop("key")

        name = d.pop("name")

        rounding = RewardTypeRounding(d.pop("rounding"))

        status = RewardTypeStatus(d.pop("status"))

        def _parse_unit_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        unit_name = _parse_unit_name(d.pop("unit_name"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        reward_type = cls(
            archived_at=archived_at,
            category=category,
            constraints=constraints,
            created_at=created_at,
            currency=currency,
            decimals=decimals,
            description=description,
            display_name=display_name,
            image_url=image_url,
            key=key,
            name=name,
            rounding=rounding,
            status=status,
            unit_name=unit_name,
            updated_at=updated_at,
        )

        reward_type.additional_properties = d
        return reward_type

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
