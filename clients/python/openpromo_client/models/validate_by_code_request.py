from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

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
        commit (bool | Unset):  Default: False.
        explain (bool | Unset):  Default: False.
    """

    code: str
    contexts: list[ValidationContext]
    campaign_id: None | str | Unset = UNSET
    commit: bool | Unset = False
    explain: bool | Unset = False

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

        commit = self.commit

        explain = self.explain

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

        commit = d.pop("commit", UNSET)

        explain = d.pop("explain", UNSET)

        validate_by_code_request = cls(
            code=code,
            contexts=contexts,
            campaign_id=campaign_id,
            commit=commit,
            explain=explain,
        )

        return validate_by_code_request
