"""One error tree for the whole product, rendered as RFC 9457 problem+json by the API.

Services raise these; endpoints never build error responses by hand. The UI turns them into a
message on the page and the CLI prints ``detail`` and exits 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field: ``loc`` is the JSON path to it."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


@dataclass
class OpenPromoError(Exception):
    detail: str
    errors: Sequence[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    status: int = 500
    code: str = "internal_error"
    title: str = "Internal error"

    def __post_init__(self) -> None:
        Exception.__init__(self, self.detail)

    def __str__(self) -> str:
        return self.detail


@dataclass
class NotFound(OpenPromoError):
    status: int = 404
    code: str = "not_found"
    title: str = "Not found"


# A 409 names at most this many conflicting objects; ``conflicts_total`` counts them all.
CONFLICTS_SHOWN = 50


@dataclass(frozen=True)
class ConflictRef:
    """Another object that causes a conflict: what kind it is, its id (the one its URLs take),
    its code where it has one (a promotion's code, a promocode value, a campaign's external
    id) and its display name, so a client can act on it (fetch, fix, archive) without
    parsing ``detail``."""

    kind: str
    id: str | None
    code: str | None = None
    name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "code": self.code, "name": self.name}


def names_of(refs: Sequence[ConflictRef], shown: int = 10) -> str:
    """``"Welcome, Xmas"`` for a message (the first ``shown``, then ``"and N more"``)."""
    names = [ref.name or ref.code or ref.id or "?" for ref in refs[:shown]]
    more = len(refs) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


@dataclass
class Conflict(OpenPromoError):
    """409. Every 409 body carries ``conflicts`` (the objects that cause it, first
    ``CONFLICTS_SHOWN``; empty when the conflict is with the object's own state) and
    ``conflicts_total``. An object of another tenant (an e-mail is unique across tenants) is
    counted in ``conflicts_total`` but never named."""

    status: int = 409
    code: str = "conflict"
    title: str = "Conflict"
    conflicts: Sequence[ConflictRef] = field(default_factory=list)
    conflicts_total: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        total = len(self.conflicts) if self.conflicts_total is None else self.conflicts_total
        self.extra = {
            **self.extra,
            "conflicts": [ref.as_dict() for ref in self.conflicts[:CONFLICTS_SHOWN]],
            "conflicts_total": total,
        }


@dataclass
class Unprocessable(OpenPromoError):
    status: int = 422
    code: str = "validation_error"
    title: str = "Unprocessable content"


@dataclass
class Unauthorized(OpenPromoError):
    status: int = 401
    code: str = "unauthorized"
    title: str = "Unauthorized"


@dataclass
class Forbidden(OpenPromoError):
    status: int = 403
    code: str = "forbidden"
    title: str = "Forbidden"


@dataclass
class RateLimited(OpenPromoError):
    status: int = 429
    code: str = "rate_limited"
    title: str = "Too many requests"


@dataclass
class PayloadTooLarge(OpenPromoError):
    status: int = 413
    code: str = "payload_too_large"
    title: str = "Payload too large"


@dataclass
class UnsupportedMediaType(OpenPromoError):
    status: int = 415
    code: str = "unsupported_media_type"
    title: str = "Unsupported media type"


def unprocessable(loc: Sequence[str | int], msg: str, type_: str = "value_error") -> Unprocessable:
    """Shortcut for the most common case: one bad field."""
    return Unprocessable(detail=msg, errors=[FieldError(tuple(loc), msg, type_)])


@dataclass
class ServiceUnavailable(OpenPromoError):
    """The database could not do the work now (connection lost, failover, timeout, pool
    exhausted): nothing was applied, the same request may be sent again after
    ``retry_after`` seconds."""

    status: int = 503
    code: str = "unavailable_not_applied"
    title: str = "Service unavailable: not applied"
    retry_after: int = 1


@dataclass
class CommitOutcomeUnknown(ServiceUnavailable):
    """The connection was lost while the COMMIT was in flight: the work may or may not have
    been applied. Retry with the same ``Idempotency-Key`` (or the same ``reference`` on
    validation commits), which applies it at most once."""

    code: str = "unavailable_outcome_unknown"
    title: str = "Service unavailable: outcome unknown"
