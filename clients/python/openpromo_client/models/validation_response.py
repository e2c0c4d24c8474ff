from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.commit_mode import CommitMode

if TYPE_CHECKING:
    from ..models.validation_result import ValidationResult
    from ..models.validation_summary import ValidationSummary


T = TypeVar("T", bound="ValidationResponse")


@_attrs_define
class ValidationResponse:
    """
    Attributes:
        commit (bool | CommitMode):
        promocode_id (None | str):
        promotion_id (None | str):
        results (list[ValidationResult]):
        summary (ValidationSummary):
    """

    commit: bool | CommitMode
    promocode_id: None | str
    promotion_id: None | str
    results: list[ValidationResult]
    summary: ValidationSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        commit: bool | str
        if isinstance(self.commit, CommitMode):
            commit = self.commit.value
        else:
            commit = self.commit

        promocode_id: None | str
        promocode_id = self.promocode_id

        promotion_id: None | str
        promotion_id = self.promotion_id

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "commit": commit,
                "promocode_id": promocode_id,
                "promotion_id": promotion_id,
                "results": results,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_result import ValidationResult  # noqa: PLC0415
        from ..models.validation_summary import ValidationSummary  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_commit(data: object) -> bool | CommitMode:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                commit_type_1 = CommitMode(data)

                return commit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(bool | CommitMode, data)

        commit = _parse_commit(d.pop("commit"))

        def _parse_promocode_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promocode_id = _parse_promocode_id(d.pop("promocode_id"))

        def _parse_promotion_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        promotion_id = _parse_promotion_id(d.pop("promotion_id"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = ValidationResult.from_dict(results_item_data)

            results.append(results_item)

        summary = ValidationSummary.from_dict(d.pop("summary"))

        validation_response = cls(
            commit=commit,
            promocode_id=promocode_id,
            promotion_id=promotion_id,
            results=results,
            summary=summary,
        )

        validation_response.additional_properties = d
        return validation_response

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
