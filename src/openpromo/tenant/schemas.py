from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from openpromo.kit.schema import InputModel, OutputModel, Text

MAX_RESERVATION_SECONDS = 30 * 86400  # docs/reservations.md
WeekStart = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Tenant(OutputModel):
    id: str
    name: str
    timezone: str
    default_currency: str
    week_start: WeekStart
    locale: str
    reservation_default_seconds: int
    reservation_max_seconds: int
    created_at: datetime
    updated_at: datetime


class TenantUpdate(InputModel):
    """Partial update; every field is validated before anything is stored."""

    name: Text | None = Field(default=None, min_length=1, max_length=200)
    timezone: Text | None = Field(
        default=None, max_length=64, description="IANA time zone, e.g. Europe/Paris"
    )
    default_currency: Text | None = Field(
        default=None, max_length=16, description="ISO 4217 code, e.g. EUR"
    )
    week_start: WeekStart | None = None
    locale: Text | None = Field(
        default=None, max_length=64, description="BCP 47 / CLDR locale, e.g. fr-FR"
    )
    reservation_default_seconds: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RESERVATION_SECONDS,
        description="How long a reservation is held when the request names no reserve_for.",
    )
    reservation_max_seconds: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RESERVATION_SECONDS,
        description="The longest reserve_for a request may ask for.",
    )
