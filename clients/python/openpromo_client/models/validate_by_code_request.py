from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.commit_mode import CommitMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.validation_context import ValidationContext


T = TypeVar("T", bound="ValidateByCodeRequest")


@_attrs_define
class ValidateByCodeRequest:
    """
    Attributes:
        code (str): A promocode value (case-insensitive).
        contexts (list[ValidationContext]):
        campaign_id (None | str | Unset):
        commit (bool | CommitMode | Unset): false: a dry run; true: grant; "reserve": hold the rewards and every limit
            they use until confirmed or released (docs/reservations.md). Default: False.
        explain (bool | Unset):  Default: False.
        reserve_for (int | None | Unset): With commit "reserve": seconds to hold the reservation (at most the tenant's
            reservation_max_seconds; default its reservation_default_seconds).
    """

    code: str
    contexts: list[ValidationContext]
    campaign_id: None | str | Unset = UNSET
    commit: bool | CommitMode | Unset = False
    explain: bool | Unset = False
    reserve_for: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        contexts = []
        for contexts_item_data in self.contexts:
            contexts_item = contexts_item_data.to_dict()
            contexts.append(contexts_item)

        campaign_id: None | str | Unset
        if isinstance(self.campaign_id, Unset):
            campaign_id = UNSET
        else:
            campaign_id = self.campaign_id

        commit: bool | str | Unset
        if isinstance(self.commit, Unset):
            commit = UNSET
        elif isinstance(self.commit, CommitMode):
            commit = self.commit.value
        else:
            commit = self.commit

        explain = self.explain

        reserve_for: int | None | Unset
        if isinstance(self.reserve_for, Unset):
            reserve_for = UNSET
        else:
            reserve_for = self.reserve_for

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "contexts": contexts,
            }
        )
        if campaign_id is not UNSET:
            field_dict["campaign_id"] = campaign_id
        if commit is not UNSET:
            field_dict["commit"] = commit
        if explain is not UNSET:
            field_dict["explain"] = explain
        if reserve_for is not UNSET:
            field_dict["reserve_for"] = reserve_for

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_context import ValidationContext  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        contexts = []
        _contexts = d.pop("contexts")
        for contexts_item_data in _contexts:
            contexts_item = ValidationContext.from_dict(contexts_item_data)

            contexts.append(contexts_item)

        def _parse_campaign_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        campaign_id = _parse_campaign_id(d.pop("campaign_id", UNSET))

        def _parse_commit(data: object) -> bool | CommitMode | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                commit_type_1 = CommitMode(data)

                return commit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | CommitMode | Unset, data)

        commit = _parse_commit(d.pop("commit", UNSET))

        explain = d.pop("explain", UNSET)

        def _parse_reserve_for(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reserve_for = _parse_reserve_for(d.pop("reserve_for", UNSET))

        validate_by_code_request = cls(
            code=code,
            contexts=contexts,
            campaign_id=campaign_id,
            commit=commit,
            explain=explain,
            reserve_for=reserve_for,
        )

        return validate_by_code_request
