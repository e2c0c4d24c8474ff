from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.promotion_status import PromotionStatus

if TYPE_CHECKING:
    from ..models.promotion_budgets import PromotionBudgets
    from ..models.promotion_properties import PromotionProperties
    from ..models.promotion_reward_constraints import PromotionRewardConstraints
    from ..models.promotion_tiers_item import PromotionTiersItem


T = TypeVar("T", bound="Promotion")


@_attrs_define
class Promotion:
    """
    Attributes:
        archived_at (datetime.datetime | None):
        budgets (PromotionBudgets):
        code (str):
        created_at (datetime.datetime):
        description (str):
        first_activated_at (datetime.datetime | None):
        id (str):
        name (str):
        properties (PromotionProperties):
        reward_constraints (PromotionRewardConstraints):
        status (PromotionStatus):
        tiers (list[PromotionTiersItem]):
        updated_at (datetime.datetime):
        version (int):
    """

    archived_at: datetime.datetime | None
    budgets: PromotionBudgets
    code: str
    created_at: datetime.datetime
    description: str
    first_activated_at: datetime.datetime | None
    id: str
    name: str
    properties: PromotionProperties
    reward_constraints: PromotionRewardConstraints
    status: PromotionStatus
    tiers: list[PromotionTiersItem]
    updated_at: datetime.datetime
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        budgets = self.budgets.to_dict()

        code = self.code

        created_at = self.created_at.isoformat()

        description = self.description

        first_activated_at: None | str
        if isinstance(self.first_activated_at, datetime.datetime):
            first_activated_at = self.first_activated_at.isoformat()
        else:
            first_activated_at = self.first_activated_at

        id = self.id

        name = self.name

        properties = self.properties.to_dict()

        reward_constraints = self.reward_constraints.to_dict()

        status = self.status.value

        tiers = []
        for tiers_item_data in self.tiers:
            tiers_item = tiers_item_data.to_dict()
            tiers.append(tiers_item)

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "archived_at": archived_at,
                "budgets": budgets,
                "code": code,
                "created_at": created_at,
                "description": description,
                "first_activated_at": first_activated_at,
                "id": id,
                "name": name,
                "properties": properties,
                "reward_constraints": reward_constraints,
                "status": status,
                "tiers": tiers,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.promotion_budgets import PromotionBudgets  # noqa: PLC0415
        from ..models.promotion_properties import PromotionProperties  # noqa: PLC0415
        from ..models.promotion_reward_constraints import PromotionRewardConstraints  # noqa: PLC0415
        from ..models.promotion_tiers_item import PromotionTiersItem  # noqa: PLC0415

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

        budgets = PromotionBudgets.from_dict(d.pop("budgets"))

        code = d.pop("code")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        def _parse_first_activated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        first_activated_at = _parse_first_activated_at(d.pop("first_activated_at"))

        id = d.pop("id")

        name = d.pop("name")

        properties = PromotionProperties.from_dict(d.pop("properties"))

        reward_constraints = PromotionRewardConstraints.from_dict(d.pop("reward_constraints"))

        status = PromotionStatus(d.pop("status"))

        tiers = []
        _tiers = d.pop("tiers")
        for tiers_item_data in _tiers:
            tiers_item = PromotionTiersItem.from_dict(tiers_item_data)

            tiers.append(tiers_item)

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        promotion = cls(
            archived_at=archived_at,
            budgets=budgets,
            code=code,
            created_at=created_at,
            description=description,
            first_activated_at=first_activated_at,
            id=id,
            name=name,
            properties=properties,
            reward_constraints=reward_constraints,
            status=status,
            tiers=tiers,
            updated_at=updated_at,
            version=version,
        )

        promotion.additional_properties = d
        return promotion

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
