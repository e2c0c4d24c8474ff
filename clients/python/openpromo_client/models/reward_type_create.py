from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.reward_type_create_category import RewardTypeCreateCategory
from ..models.reward_type_create_rounding import RewardTypeCreateRounding
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reward_constraints import RewardConstraints


T = TypeVar("T", bound="RewardTypeCreate")


@_attrs_define
class RewardTypeCreate:
    """
    Attributes:
        category (RewardTypeCreateCategory):
        key (str): `^[a-z][a-z0-9_]{0,63}$`
        name (str):
        constraints (RewardConstraints | Unset): SPEC §5 reward constraints. Every field is optional; absent means "no
            limit".
        currency (None | str | Unset): ISO 4217, amount types only; defaults to the tenant's default currency.
        decimals (int | None | Unset): Decimal places of a value; default 2 for amounts, 0 for units.
        description (str | Unset):  Default: ''.
        display_name (None | str | Unset): Defaults to `name`.
        rounding (RewardTypeCreateRounding | Unset):  Default: RewardTypeCreateRounding.DOWN.
        unit_name (None | str | Unset): Unit types only, e.g. 'spin'.
    """

    category: RewardTypeCreateCategory
    key: str
    name: str
    constraints: RewardConstraints | Unset = UNSET
    currency: None | str | Unset = UNSET
    decimals: int | None | Unset = UNSET
    description: str | Unset = ""
    display_name: None | str | Unset = UNSET
    rounding: RewardTypeCreateRounding | Unset = RewardTypeCreateRounding.DOWN
    unit_name: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        key = self.key

        name = self.name

        constraints: dict[str, Any] | Unset = UNSET
        if not isinstance(self.constraints, Unset):
            constraints = self.constraints.to_dict()

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

        description = self.description

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        rounding: str | Unset = UNSET
        if not isinstance(self.rounding, Unset):
            rounding = self.rounding.value

        unit_name: None | str | Unset
        if isinstance(self.unit_name, Unset):
            unit_name = UNSET
        else:
            unit_name = self.unit_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "key": key,
                "name": name,
            }
        )
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
        if rounding is not UNSET:
            field_dict["rounding"] = rounding
        if unit_name is not UNSET:
            field_dict["unit_name"] = unit_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reward_constraints import RewardConstraints  # noqa: PLC0415

        d = dict(src_dict)
        category = RewardTypeCreateCategory(d.pop("category"))

        key = d.pop("key")

        name = d.pop("name")

        _constraints = d.pop("constraints", UNSET)
        constraints: RewardConstraints | Unset
        if isinstance(_constraints, Unset):
            constraints = UNSET
        else:
            constraints = RewardConstraints.from_dict(_constraints)

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

        description = d.pop("description", UNSET)

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        _rounding = d.pop("rounding", UNSET)
        rounding: RewardTypeCreateRounding | Unset
        if isinstance(_rounding, Unset):
            rounding = UNSET
        else:
            rounding = RewardTypeCreateRounding(_rounding)

        def _parse_unit_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        unit_name = _parse_unit_name(d.pop("unit_name", UNSET))

        reward_type_create = cls(
            category=category,
            key=key,
            name=name,
            constraints=constraints,
            currency=currency,
            decimals=decimals,
            description=description,
            display_name=display_name,
            rounding=rounding,
            unit_name=unit_name,
        )

        return reward_type_create
