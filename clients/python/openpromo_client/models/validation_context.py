from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.validation_context_customer import ValidationContextCustomer
    from ..models.validation_context_session import ValidationContextSession


T = TypeVar("T", bound="ValidationContext")


@_attrs_define
class ValidationContext:
    """
    Attributes:
        customer_id (str):
        code (None | str | Unset): A promocode value this customer presents (bulk pools: the value to redeem).
        customer (ValidationContextCustomer | Unset): Customer property values overriding the stored ones for this call
            only.
        reference (None | str | Unset): Makes this context idempotent: the same (promotion, reference) returns the
            grants already made.
        session (ValidationContextSession | Unset): Session values, checked against the session schema.
    """

    customer_id: str
    code: None | str | Unset = UNSET
    customer: ValidationContextCustomer | Unset = UNSET
    reference: None | str | Unset = UNSET
    session: ValidationContextSession | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        customer_id = self.customer_id

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        customer: dict[str, Any] | Unset = UNSET
        if not isinstance(self.customer, Unset):
            customer = self.customer.to_dict()

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        session: dict[str, Any] | Unset = UNSET
        if not isinstance(self.session, Unset):
            session = self.session.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "customer_id": customer_id,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if customer is not UNSET:
            field_dict["customer"] = customer
        if reference is not UNSET:
            field_dict["reference"] = reference
        if session is not UNSET:
            field_dict["session"] = session

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.validation_context_customer import ValidationContextCustomer  # noqa: PLC0415
        from ..models.validation_context_session import ValidationContextSession  # noqa: PLC0415

        d = dict(src_dict)
        customer_id = d.pop("customer_id")

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        _customer = d.pop("customer", UNSET)
        customer: ValidationContextCustomer | Unset
        if isinstance(_customer, Unset):
            customer = UNSET
        else:
            customer = ValidationContextCustomer.from_dict(_customer)

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        _session = d.pop("session", UNSET)
        session: ValidationContextSession | Unset
        if isinstance(_session, Unset):
            session = UNSET
        else:
            session = ValidationContextSession.from_dict(_session)

        validation_context = cls(
            customer_id=customer_id,
            code=code,
            customer=customer,
            reference=reference,
            session=session,
        )

        return validation_context
