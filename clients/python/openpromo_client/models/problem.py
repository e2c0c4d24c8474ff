from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_conflict import ProblemConflict
    from ..models.problem_field_error import ProblemFieldError


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """An RFC 9457 problem document.

    Attributes:
        code (str):
        detail (str):
        errors (list[ProblemFieldError]):
        status (int):
        title (str):
        type_ (str):
        conflicts (list[ProblemConflict] | None | Unset): 409 only: the objects that cause the conflict, by id (the
            first 50); empty when the conflict is with the object's own state
        conflicts_total (int | None | Unset): 409 only: how many objects cause the conflict in all
        fault (None | str | Unset): 503 only: what failed — connection, timeout, pool or conflict (docs/faults.md)
        idempotency_key (None | str | Unset): 503 `unavailable_outcome_unknown` only: the request's Idempotency-Key, to
            send again with the same request so it is applied at most once
        limit_bytes (int | None | Unset): 413 only: the body limit of the endpoint (docs/limits.md)
    """

    code: str
    detail: str
    errors: list[ProblemFieldError]
    status: int
    title: str
    type_: str
    conflicts: list[ProblemConflict] | None | Unset = UNSET
    conflicts_total: int | None | Unset = UNSET
    fault: None | str | Unset = UNSET
    idempotency_key: None | str | Unset = UNSET
    limit_bytes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        detail = self.detail

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        status = self.status

        title = self.title

        type_ = self.type_

        conflicts: list[dict[str, Any]] | None | Unset
        if isinstance(self.conflicts, Unset):
            conflicts = UNSET
        elif isinstance(self.conflicts, list):
            conflicts = []
            for conflicts_type_0_item_data in self.conflicts:
                conflicts_type_0_item = conflicts_type_0_item_data.to_dict()
                conflicts.append(conflicts_type_0_item)

        else:
            conflicts = self.conflicts

        conflicts_total: int | None | Unset
        if isinstance(self.conflicts_total, Unset):
            conflicts_total = UNSET
        else:
            conflicts_total = self.conflicts_total

        fault: None | str | Unset
        if isinstance(self.fault, Unset):
            fault = UNSET
        else:
            fault = self.fault

        idempotency_key: None | str | Unset
        if isinstance(self.idempotency_key, Unset):
            idempotency_key = UNSET
        else:
            idempotency_key = self.idempotency_key

        limit_bytes: int | None | Unset
        if isinstance(self.limit_bytes, Unset):
            limit_bytes = UNSET
        else:
            limit_bytes = self.limit_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "detail": detail,
                "errors": errors,
                "status": status,
                "title": title,
                "type": type_,
            }
        )
        if conflicts is not UNSET:
            field_dict["conflicts"] = conflicts
        if conflicts_total is not UNSET:
            field_dict["conflicts_total"] = conflicts_total
        if fault is not UNSET:
            field_dict["fault"] = fault
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key
        if limit_bytes is not UNSET:
            field_dict["limit_bytes"] = limit_bytes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_conflict import ProblemConflict  # noqa: PLC0415
        from ..models.problem_field_error import ProblemFieldError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        detail = d.pop("detail")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ProblemFieldError.from_dict(errors_item_data)

            errors.append(errors_item)

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        def _parse_conflicts(data: object) -> list[ProblemConflict] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                conflicts_type_0 = []
                _conflicts_type_0 = data
                for conflicts_type_0_item_data in _conflicts_type_0:
                    conflicts_type_0_item = ProblemConflict.from_dict(conflicts_type_0_item_data)

                    conflicts_type_0.append(conflicts_type_0_item)

                return conflicts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ProblemConflict] | None | Unset, data)

        conflicts = _parse_conflicts(d.pop("conflicts", UNSET))

        def _parse_conflicts_total(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        conflicts_total = _parse_conflicts_total(d.pop("conflicts_total", UNSET))

        def _parse_fault(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fault = _parse_fault(d.pop("fault", UNSET))

        def _parse_idempotency_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        idempotency_key = _parse_idempotency_key(d.pop("idempotency_key", UNSET))

        def _parse_limit_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        limit_bytes = _parse_limit_bytes(d.pop("limit_bytes", UNSET))

        problem = cls(
            code=code,
            detail=detail,
            errors=errors,
            status=status,
            title=title,
            type_=type_,
            conflicts=conflicts,
            conflicts_total=conflicts_total,
            fault=fault,
            idempotency_key=idempotency_key,
            limit_bytes=limit_bytes,
        )

        problem.additional_properties = d
        return problem

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
