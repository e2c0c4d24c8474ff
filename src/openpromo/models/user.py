from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, String, true
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, UTCDateTime, created_at_column, id_column, tenant_column


class User(Base):
    """A person who logs in to the admin UI. Login is by e-mail alone, so e-mails are unique
    across tenants (stored lower-cased); the password is kept as an argon2id hash."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin','editor','viewer')", name="role"),)

    id: Mapped[str] = id_column()
    tenant_id: Mapped[str] = tenant_column()
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = created_at_column()
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A deactivated user cannot log in, and a session they still hold stops at its next request.
    active: Mapped[bool] = mapped_column(Boolean(), default=True, server_default=true())
    # UI sessions issued before this moment are refused: set by a deactivation and by a
    # password reset, so neither a reactivation nor a leaked password revives an old cookie.
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
