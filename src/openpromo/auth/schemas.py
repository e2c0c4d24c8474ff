from __future__ import annotations

from datetime import datetime

from pydantic import Field

from openpromo.auth.principal import Role
from openpromo.kit.schema import InputModel, OutputModel, Text


class ApiKeyCreate(InputModel):
    name: Text = Field(default="", max_length=200)
    role: Role


class ApiKey(OutputModel):
    id: str
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to recognise it in lists.")
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKey):
    api_key: str = Field(description="The key itself. Shown once, never retrievable again.")
