from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field

from openpromo.kit.schema import InputModel, OutputModel, Text

CampaignStatus = Literal["draft", "active", "paused", "ended"]


class Campaign(OutputModel):
    id: str
    external_id: str | None
    name: str
    channel: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    status: CampaignStatus
    created_at: datetime
    updated_at: datetime


class CampaignCreate(InputModel):
    name: Text = Field(min_length=1, max_length=200)
    external_id: Text | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The campaign's id in your own tools; unique in the tenant when set.",
    )
    channel: Text | None = Field(default=None, max_length=100, description="e.g. email, sms, push")
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = Field(default=None, description="After starts_at.")
    status: CampaignStatus = Field(
        default="active",
        description="Informational lifecycle (draft, active, paused, ended); links and "
        "validation do not depend on it.",
    )


class CampaignUpdate(InputModel):
    """Partial update; ``external_id``, ``channel``, ``starts_at`` and ``ends_at`` can be
    cleared with null."""

    name: Text | None = Field(default=None, min_length=1, max_length=200)
    external_id: Text | None = Field(default=None, min_length=1, max_length=200)
    channel: Text | None = Field(default=None, max_length=100)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    status: CampaignStatus | None = None
