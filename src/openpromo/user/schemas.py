from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from openpromo.kit.schema import InputModel, OutputModel, Text

UserRole = Literal["admin", "editor", "viewer"]
USER_ROLES: tuple[UserRole, ...] = ("admin", "editor", "viewer")


class UserOut(OutputModel):
    id: str
    tenant_id: str
    email: str
    role: UserRole
    created_at: datetime
    last_login_at: datetime | None
    active: bool


class UserCreate(InputModel):
    email: Text = Field(
        max_length=254, description="Login e-mail, unique across tenants (stored lower-cased)."
    )
    role: UserRole = "viewer"
    password: Text | None = Field(
        default=None,
        max_length=1024,
        description="At least 10 characters; omitted, a password is generated and returned once.",
    )


class UserCreated(UserOut):
    password: str | None = Field(
        description="The generated password, in this response only; null when one was given."
    )


class UserUpdate(InputModel):
    role: UserRole | None = None
    active: bool | None = Field(
        default=None,
        description="false deactivates: no login, and the user's sessions stop at once.",
    )


class PasswordReset(InputModel):
    password: Text | None = Field(
        default=None,
        max_length=1024,
        description="The new password; omitted, one is generated and returned once.",
    )


class PasswordResetOut(OutputModel):
    id: str
    password: str | None = Field(
        description="The generated password, in this response only; null when one was given."
    )
