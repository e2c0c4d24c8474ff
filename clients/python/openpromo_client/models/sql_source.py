from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="SqlSource")


@_attrs_define
class SqlSource:
    """
    Attributes:
        kind (Literal['sql']):
        query (str): A SELECT returning a customer_id column and one column per property
        url (str): SQLAlchemy URL of the source database. Its password is encrypted at rest and shown as `***`; sending
            the URL back with `***` keeps the stored password.
    """

    kind: Literal["sql"]
    query: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        query = self.query

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "query": query,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = cast(Literal["sql"], d.pop("kind"))
        if kind != "sql":
            raise ValueError(f"kind must match const 'sql', got '{kind}'")

        query = d.pop("query")

        url = d.pop("url")

        sql_source = cls(
            kind=kind,
            query=query,
            url=url,
        )

        return sql_source
