from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.row_error_out import RowErrorOut


T = TypeVar("T", bound="ImportReport")


@_attrs_define
class ImportReport:
    """
    Attributes:
        dry_run (bool):
        errors (list[RowErrorOut]): The first 1,000 rejected rows
        not_synchronised (list[str]): Customer-schema properties present in the file but not stored because the sync
            configuration does not synchronise them
        rows_read (int):
        rows_rejected (int):
        rows_upserted (int): Valid rows (stored, or that would be in a dry run)
        warnings (list[str]):
    """

    dry_run: bool
    errors: list[RowErrorOut]
    not_synchronised: list[str]
    rows_read: int
    rows_rejected: int
    rows_upserted: int
    warnings: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dry_run = self.dry_run

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        not_synchronised = self.not_synchronised

        rows_read = self.rows_read

        rows_rejected = self.rows_rejected

        rows_upserted = self.rows_upserted

        warnings = self.warnings

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dry_run": dry_run,
                "errors": errors,
                "not_synchronised": not_synchronised,
                "rows_read": rows_read,
                "rows_rejected": rows_rejected,
                "rows_upserted": rows_upserted,
                "warnings": warnings,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.row_error_out import RowErrorOut  # noqa: PLC0415

        d = dict(src_dict)
        dry_run = d.pop("dry_run")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = RowErrorOut.from_dict(errors_item_data)

            errors.append(errors_item)

        not_synchronised = cast(list[str], d.pop("not_synchronised"))

        rows_read = d.pop("rows_read")

        rows_rejected = d.pop("rows_rejected")

        rows_upserted = d.pop("rows_upserted")

        warnings = cast(list[str], d.pop("warnings"))

        import_report = cls(
            dry_run=dry_run,
            errors=errors,
            not_synchronised=not_synchronised,
            rows_read=rows_read,
            rows_rejected=rows_rejected,
            rows_upserted=rows_upserted,
            warnings=warnings,
        )

        import_report.additional_properties = d
        return import_report

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
