from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GenerateRequest")


@_attrs_define
class GenerateRequest:
    """Either ``length`` (+ ``charset``, ``prefix``, ``suffix``) or ``pattern``.

    Attributes:
        count (int):
        charset (None | str | Unset): The characters themselves (default ABCDEFGHJKLMNPQRSTUVWXYZ23456789).
        length (int | None | Unset): Random characters per value (default 8).
        pattern (None | str | Unset): '#' a digit, '?' an upper-case letter, anything else itself.
        prefix (str | Unset):  Default: ''.
        suffix (str | Unset):  Default: ''.
    """

    count: int
    charset: None | str | Unset = UNSET
    length: int | None | Unset = UNSET
    pattern: None | str | Unset = UNSET
    prefix: str | Unset = ""
    suffix: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        charset: None | str | Unset
        if isinstance(self.charset, Unset):
            charset = UNSET
        else:
            charset = self.charset

        length: int | None | Unset
        if isinstance(self.length, Unset):
            length = UNSET
        else:
            length = self.length

        pattern: None | str | Unset
        if isinstance(self.pattern, Unset):
            pattern = UNSET
        else:
            pattern = self.pattern

        prefix = self.prefix

        suffix = self.suffix

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "count": count,
            }
        )
        if charset is not UNSET:
            field_dict["charset"] = charset
        if length is not UNSET:
            field_dict["length"] = length
        if pattern is not UNSET:
            field_dict["pattern"] = pattern
        if prefix is not UNSET:
            field_dict["prefix"] = prefix
        if suffix is not UNSET:
            field_dict["suffix"] = suffix

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        def _parse_charset(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        charset = _parse_charset(d.pop("charset", UNSET))

        def _parse_length(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        length = _parse_length(d.pop("length", UNSET))

        def _parse_pattern(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pattern = _parse_pattern(d.pop("pattern", UNSET))

        prefix = d.pop("prefix", UNSET)

        suffix = d.pop("suffix", UNSET)

        generate_request = cls(
            count=count,
            charset=charset,
            length=length,
            pattern=pattern,
            prefix=prefix,
            suffix=suffix,
        )

        return generate_request
