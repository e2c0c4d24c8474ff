from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.file_source_format import FileSourceFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="FileSource")


@_attrs_define
class FileSource:
    """
    Attributes:
        format_ (FileSourceFormat):
        kind (Literal['file']):
        path (None | str | Unset): A file on the server
        url (None | str | Unset): An http(s) URL
    """

    format_: FileSourceFormat
    kind: Literal["file"]
    path: None | str | Unset = UNSET
    url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        format_ = self.format_.value

        kind = self.kind

        path: None | str | Unset
        if isinstance(self.path, Unset):
            path = UNSET
        else:
            path = self.path

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "format": format_,
                "kind": kind,
            }
        )
        if path is not UNSET:
            field_dict["path"] = path
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        format_ = FileSourceFormat(d.pop("format"))

        kind = cast(Literal["file"], d.pop("kind"))
        if kind != "file":
            raise ValueError(f"kind must match const 'file', got '{kind}'")

        def _parse_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        path = _parse_path(d.pop("path", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        file_source = cls(
            format_=format_,
            kind=kind,
            path=path,
            url=url,
        )

        return file_source
