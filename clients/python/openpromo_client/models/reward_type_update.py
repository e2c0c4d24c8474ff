from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.reward_type_update_category_type_0 import RewardTypeUpdateCategoryType0
from ..models.reward_type_update_rounding_type_0 import RewardTypeUpdateRoundingType0
from ..models.reward_type_update_status_type_0 import RewardTypeUpdateStatusType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reward_constraints import RewardConstraints


T = TypeVar("T", bound="RewardTypeUpdate")


@_attrs_define
class RewardTypeUpdate:
    """Partial update, all-or-nothing. ``status: "active"`` brings an archived type back;
    ``status: "archived"`` archives it. ``category``, ``currency`` and ``decimals`` change
    only while no promotion uses the type (409 otherwise).

        Attributes:
            category (None | RewardTypeUpdateCategoryType0 | Unset):
            constraints (None | RewardConstraints | Unset):
            currency (None | str | Unset):
            decimals (int | None | Unset):
            description (None | str | Unset):
            display_name (None | str | Unset):
            name (None | str | Unset):
            rounding (None | RewardTypeUpdateRoundingType0 | Unset):
            status (None | RewardTypeUpdateStatusType0 | Unset):
            unit_name (None | str | Unset):
    """

    category: None | RewardTypeUpdateCategoryType0 | Unset = UNSET
    constraints: None | RewardConstraints | Unset = UNSET
    currency: None | str | Unset = UNSET
    decimals: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    display_name: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    rounding: None | RewardTypeUpdateRoundingType0 | Unset = UNSET
    status: None | RewardTypeUpdateStatusType0 | Unset = UNSET
    unit_name: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.reward_constraints import RewardConstraints  # noqa: PLC0415

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        elif isinstance(self.category, RewardTypeUpdateCategoryType0):
            category = self.category.value
        else:
            category = self.category

        constraints: dict[str, Any] | None | Unset
        if isinstance(self.constraints, Unset):
            constraints = UNSET
        elif isinstance(self.constraints, RewardConstraints):
            constraints = self.constraints.to_dict()
        else:
            constraints = self.constraints

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        decimals: int | None | Unset
        if isinstance(self.decimals, Unset):
            decimals = UNSET
        else:
            decimals = self.decimals

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        rounding: None | str | Unset
        if isinstance(self.rounding, Unset):
            rounding = UNSET
        elif isinstance(self.rounding, RewardTypeUpdateRoundingType0):
            rounding = self.rounding.value
        else:
            rounding = self.rounding

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, RewardTypeUpdateStatusType0):
            status = self.status.value
        else:
            status = self.status

        unit_name: None | str | Unset
        if isinstance(self.unit_name, Unset):
            unit_name = UNSET
        else:
            unit_name = self.unit_name

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if category is not UNSET:
            field_dict["category"] = category
        if constraints is not UNSET:
            field_dict["constraints"] = constraints
        if currency is not UNSET:
            field_dict["currency"] = currency
        if decimals is not UNSET:
            field_dict["decimals"] = decimals
        if description is not UNSET:
            field_dict["description"] = description
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if name is not UNSET:
            field_dict["name"] = name
        if rounding is not UNSET:
            field_dict["rounding"] = rounding
        if status is not UNSET:
            field_dict["status"] = status
        if unit_name is not UNSET:
            field_dict["unit_name"] = unit_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reward_constraints import RewardConstraints  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_category(data: object) -> None | RewardTypeUpdateCategoryType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                category_type_0 = RewardTypeUpdateCategoryType0(data)

                return category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RewardTypeUpdateCategoryType0 | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_constraints(data: object) -> None | RewardConstraints | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                constraints_type_0 = RewardConstraints.from_dict(data)

                return constraints_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RewardConstraints | Unset, data)

        constraints = _parse_constraints(d.pop("constraints", UNSET))

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        def _parse_decimals(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        decimals = _parse_decimals(d.pop("decimals", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_rounding(data: object) -> None | RewardTypeUpdateRoundingType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rounding_type_0 = RewardTypeUpdateRoundingType0(data)

                return rounding_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RewardTypeUpdateRoundingType0 | Unset, data)

        rounding = _parse_rounding(d.pop("rounding", UNSET))

        def _parse_status(data: object) -> None | RewardTypeUpdateStatusType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = RewardTypeUpdateStatusType0(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RewardTypeUpdateStatusType0 | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_unit_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_name = _parse_unit_name(d.pop("unit_name", UNSET))

        reward_type_update = cls(
            category=category,
            constraints=constraints,
            currency=currency,
            decimals=decimals,
            description=description,
            display_name=display_name,
            name=name,
            rounding=rounding,
            status=status,
            unit_name=unit_name,
        )

        return reward_type_update
