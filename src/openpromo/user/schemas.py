from __future__ import annotations

from datetime import datetime
from typing import Literal

from openpromo.kit.schema import OutputModel

UserRole = Literal["admin", "editor", "viewer"]
USER_ROLES: tuple[UserRole, ...] = ("admin", "editor", "viewer")


class UserOut(OutputModel):
    id: str
    tenant_id: str
    email: str
    role: UserRole
    created_at: datetime
    last_login_at: datetime | None
