from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invalid_line import InvalidLine


T = TypeVar("T", bound="UploadReport")


@_attrs_define
class UploadReport:
    """
    Attributes:
        already_existing (int): Distinct values that already exist in the tenant (any promocode).
        dry_run (bool):
        duplicates_in_file (int): Lines repeating an earlier line's value (case-insensitively).
        inserted (int): Values stored (or that would be, with dry_run).
        invalid (list[InvalidLine]): The first 1,000 invalid lines.
        invalid_count (int):
        lines (int): Lines read, blank ones included.
    """

    already_existing: int
    dry_run: bool
    duplicates_in_file: int
    inserted: int
    invalid: list[InvalidLine]
    invalid_count: int
    lines: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        already_existing = self.already_existing

        dry_run = self.dry_run

        duplicates_in_file = self.duplicates_in_file

        inserted = self.inserted

        invalid = []
        for invalid_item_data in self.invalid:
            invalid_item = invalid_item_data.to_dict()
            invalid.append(invalid_item)

        invalid_count = self.invalid_count

        lines = self.lines

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "already_existing": already_existing,
                "dry_run": dry_run,
                "duplicates_in_file": duplicates_in_file,
                "inserted": inserted,
                "invalid": invalid,
                "invalid_count": invalid_count,
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invalid_line import InvalidLine  # noqa: PLC0415

        d = dict(src_dict)
        already_existing = d.pop("already_existing")

        dry_run = d.pop("dry_run")

        duplicates_in_file = d.pop("duplicates_in_file")

        inserted = d.pop("inserted")

        invalid = []
        _invalid = d.pop("invalid")
        for invalid_item_data in _invalid:
            invalid_item = InvalidLine.from_dict(invalid_item_data)

            invalid.append(invalid_item)

        invalid_count = d.pop("invalid_count")

        lines = d.pop("lines")

        upload_report = cls(
            already_existing=already_existing,
            dry_run=dry_run,
            duplicates_in_file=duplicates_in_file,
            inserted=inserted,
            invalid=invalid,
            invalid_count=invalid_count,
            lines=lines,
        )

        upload_report.additional_properties = d
        return upload_report

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
