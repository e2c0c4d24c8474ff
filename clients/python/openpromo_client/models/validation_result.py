from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reason import Reason
    from ..models.reward_out import RewardOut
    from ..models.tier_ref import TierRef
    from ..models.validation_result_trace_type_0_item import ValidationResultTraceType0Item


T = TypeVar("T", bound="ValidationResult")


@_attrs_define
class ValidationResult:
    """
    Attributes:
        code (None | str):
        customer_id (str):
        eligible (bool):
        grant_ids (list[str]):
        reasons (list[Reason]):
        rewards (list[RewardOut]):
        tier (None | TierRef):
        reference (None | str | Unset):
        reservation_id (None | str | Unset): commit "reserve": the reservation holding grant_ids.
        reserved_until (datetime.datetime | None | Unset): When the reservation is released unless confirmed (UTC).
        trace (list[ValidationResultTraceType0Item] | None | Unset):
    """

    code: None | str
    customer_id: str
    eligible: bool
    grant_ids: list[str]
    reasons: list[Reason]
    rewards: list[RewardOut]
    tier: None | TierRef
    reference: None | str | Unset = UNSET
    reservation_id: None | str | Unset = UNSET
    reserved_until: datetime.datetime | None | Unset = UNSET
    trace: list[ValidationResultTraceType0Item] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tier_ref import TierRef  # noqa: PLC0415

        code: None | str
        code = self.code

        customer_id = self.customer_id

        eligible = self.eligible

        grant_ids = self.grant_ids

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)

        tier: dict[str, Any] | None
        if isinstance(self.tier, TierRef):
            tier = self.tier.to_dict()
        else:
            tier = self.tier

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        reservation_id: None | str | Unset
        if isinstance(self.reservation_id, Unset):
            reservation_id = UNSET
        else:
            reservation_id = self.reservation_id

        reserved_until: None | str | Unset
        if isinstance(self.reserved_until, Unset):
            reserved_until = UNSET
        elif isinstance(self.reserved_until, datetime.datetime):
            reserved_until = self.reserved_until.isoformat()
        else:
            reserved_until = self.reserved_until

        trace: list[dict[str, Any]] | None | Unset
        if isinstance(self.trace, Unset):
            trace = UNSET
        elif isinstance(self.trace, list):
            trace = []
            for trace_type_0_item_data in self.trace:
                trace_type_0_item = trace_type_0_item_data.to_dict()
                trace.append(trace_type_0_item)

        else:
            trace = self.trace

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "customer_id": customer_id,
                "eligible": eligible,
                "grant_ids": grant_ids,
                "reasons": reasons,
                "rewards": rewards,
                "tier": tier,
            }
        )
        if reference is not UNSET:
            field_dict["reference"] = reference
        if reservation_id is not UNSET:
            field_dict["reservation_id"] = reservation_id
        if reserved_until is not UNSET:
            field_dict["reserved_until"] = reserved_until
        if trace is not UNSET:
            field_dict["trace"] = trace

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reason import Reason  # noqa: PLC0415
        from ..models.reward_out import RewardOut  # noqa: PLC0415
        from ..models.tier_ref import TierRef  # noqa: PLC0415
        from ..models.validation_result_trace_type_0_item import ValidationResultTraceType0Item  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        code = _parse_code(d.pop("code"))

        customer_id = d.pop("customer_id")

        eligible = d.pop("eligible")

        grant_ids = cast(list[str], d.pop("grant_ids"))

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = Reason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in _rewards:
            rewards_item = RewardOut.from_dict(rewards_item_data)

            rewards.append(rewards_item)

        def _parse_tier(data: object) -> None | TierRef:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tier_type_0 = TierRef.from_dict(data)

                return tier_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TierRef, data)

        tier = _parse_tier(d.pop("tier"))

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        def _parse_reservation_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reservation_id = _parse_reservation_id(d.pop("reservation_id", UNSET))

        def _parse_reserved_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reserved_until_type_0 = datetime.datetime.fromisoformat(data)

                return reserved_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        reserved_until = _parse_reserved_until(d.pop("reserved_until", UNSET))

        def _parse_trace(data: object) -> list[ValidationResultTraceType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                trace_type_0 = []
                _trace_type_0 = data
                for trace_type_0_item_data in _trace_type_0:
                    trace_type_0_item = ValidationResultTraceType0Item.from_dict(trace_type_0_item_data)

                    trace_type_0.append(trace_type_0_item)

                return trace_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ValidationResultTraceType0Item] | None | Unset, data)

        trace = _parse_trace(d.pop("trace", UNSET))

        validation_result = cls(
            code=code,
            customer_id=customer_id,
            eligible=eligible,
            grant_ids=grant_ids,
            reasons=reasons,
            rewards=rewards,
            tier=tier,
            reference=reference,
            reservation_id=reservation_id,
            reserved_until=reserved_until,
            trace=trace,
        )

        validation_result.additional_properties = d
        return validation_result

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
