"""Admin UI users: creation, listing and password authentication.

UI roles are not API key roles: ``admin`` does everything, ``editor`` edits promotions,
promocodes and campaigns, ``viewer`` reads. Services take a ``Principal`` whatever the caller;
``principal_for`` maps a user onto one (actor ``user``, its id), and the UI checks the finer
UI role before calling a service.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal, Role
from openpromo.errors import Conflict, ConflictRef, FieldError, NotFound, Unprocessable
from openpromo.kit.clock import utcnow
from openpromo.kit.pagination import Slice, decode_cursor, slice_rows
from openpromo.models import User
from openpromo.user.passwords import (
    MIN_PASSWORD_LENGTH,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from openpromo.user.repository import UserRepository, find_user_by_email
from openpromo.user.schemas import USER_ROLES

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# What a UI role may do when it calls a service: viewers only read.
_PRINCIPAL_ROLE: dict[str, Role] = {"admin": "admin", "editor": "admin", "viewer": "read_only"}


@dataclass
class EmailTaken(Conflict):
    code: str = "email_taken"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def principal_for(user: User) -> Principal:
    return Principal(
        tenant_id=user.tenant_id,
        role=_PRINCIPAL_ROLE[user.role],
        actor_type="user",
        actor_id=user.id,
    )


@dataclass
class LastAdmin(Conflict):
    code: str = "last_admin"


def _snapshot(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "role": user.role}


def _state(user: User) -> dict[str, Any]:
    return {"role": user.role, "active": user.active}


def _password_problem(password: str) -> FieldError | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return FieldError(
            ("body", "password"),
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
            "password_too_short",
        )
    return None


class UserService:
    async def create(
        self,
        session: AsyncSession,
        principal: Principal,
        email: str,
        role: str = "viewer",
        password: str | None = None,
    ) -> tuple[User, str]:
        """Returns the user and its password (the generated one when none was given)."""
        email = normalize_email(email)
        problems: list[FieldError] = []
        if len(email) > 254 or not _EMAIL.match(email):
            problems.append(FieldError(("body", "email"), f"'{email}' is not an e-mail address"))
        if role not in USER_ROLES:
            problems.append(
                FieldError(("body", "role"), f"role must be one of {', '.join(USER_ROLES)}")
            )
        if password is not None and (problem := _password_problem(password)) is not None:
            problems.append(problem)
        if problems:
            raise Unprocessable(detail="; ".join(p.msg for p in problems), errors=problems)
        if (holder := await find_user_by_email(session, email)) is not None:
            raise _email_taken(email, holder, principal.tenant_id)
        plain = password if password is not None else generate_password()
        user = User(email=email, role=role, password_hash=await hash_password(plain))
        try:
            async with session.begin_nested():
                await UserRepository(session, principal.tenant_id).add(user)
        except IntegrityError as exc:  # a concurrent creation with the same e-mail
            holder = await find_user_by_email(session, email)
            raise _email_taken(email, holder, principal.tenant_id) from exc
        audit_service.record(
            session, principal, "user.create", "user", user.id, after=_snapshot(user)
        )
        return user, plain

    async def free_admin_email(self, session: AsyncSession, tenant_name: str) -> str:
        """``admin@<slug>.local``, with a random suffix on the slug when that one is taken
        (e-mails are unique across tenants and tenant names are not)."""
        ascii_name = unicodedata.normalize("NFKD", tenant_name).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "tenant"
        email = f"admin@{slug}.local"
        while await find_user_by_email(session, email) is not None:
            email = f"admin@{slug}-{secrets.token_hex(3)}.local"
        return email

    async def create_first_admin(
        self,
        session: AsyncSession,
        principal: Principal,
        tenant_name: str,
        email: str | None = None,
    ) -> tuple[User, str]:
        """A new tenant's first admin: the given e-mail, or a free ``admin@<slug>.local`` (a
        concurrent tenant of the same name taking it first just means another suffix)."""
        if email is not None:
            return await self.create(session, principal, email, "admin")
        for _attempt in range(3):
            try:
                return await self.create(
                    session, principal, await self.free_admin_email(session, tenant_name), "admin"
                )
            except EmailTaken:
                continue
        return await self.create(
            session, principal, f"admin-{secrets.token_hex(6)}@tenant.local", "admin"
        )

    async def authenticate(self, session: AsyncSession, email: str, password: str) -> User | None:
        """The user with this e-mail and password, or None (same answer and cost either way)."""
        user = await find_user_by_email(session, normalize_email(email))
        if not await verify_password(user.password_hash if user else None, password):
            return None
        assert user is not None
        if not user.active:  # checked after the hash, so it costs the same as a wrong password
            return None
        rehashed = await hash_password(password) if needs_rehash(user.password_hash) else None
        await UserRepository(session, user.tenant_id).record_login(user.id, utcnow(), rehashed)
        await session.refresh(user)
        return user

    async def get(self, session: AsyncSession, principal: Principal, user_id: str) -> User:
        user = await UserRepository(session, principal.tenant_id).get(user_id)
        if user is None:
            raise NotFound(detail=f"user {user_id} not found")
        return user

    async def emails(
        self, session: AsyncSession, principal: Principal, user_ids: Iterable[str | None]
    ) -> dict[str, str]:
        """The e-mails of those of ``user_ids`` that are users of the tenant (for pages that
        name people rather than show ids)."""
        wanted = sorted({i for i in user_ids if i})
        users = await UserRepository(session, principal.tenant_id).get_many(wanted)
        return {u.id: u.email for u in users}

    async def get_by_email(self, session: AsyncSession, principal: Principal, email: str) -> User:
        user = await find_user_by_email(session, normalize_email(email))
        if user is None or user.tenant_id != principal.tenant_id:
            raise NotFound(detail=f"no user with the e-mail {normalize_email(email)} here")
        return user

    async def find(
        self,
        session: AsyncSession,
        tenant_id: str,
        user_id: str,
        *,
        issued_at: float | None = None,
    ) -> User | None:
        """The user a UI session names, if it still exists in that tenant and is active (a
        deactivated user's sessions stop at their next request) and, given the session's
        ``issued_at`` (Unix time), the session is not older than the user's last
        deactivation or password reset."""
        user = await UserRepository(session, tenant_id).get(user_id)
        if user is None or not user.active:
            return None
        cutoff = user.sessions_valid_after
        if issued_at is not None and cutoff is not None and issued_at < cutoff.timestamp():
            return None
        return user

    async def update(
        self,
        session: AsyncSession,
        principal: Principal,
        user_id: str,
        *,
        role: str | None = None,
        active: bool | None = None,
    ) -> User:
        """Change a user's role and/or deactivate (``active=False``) or reactivate them.

        The tenant keeps at least one active admin: a change that would leave none is refused
        (``last_admin``), whoever asks — in practice the last admin demoting themself.
        """
        if role is not None and role not in USER_ROLES:
            raise Unprocessable(
                detail=f"role must be one of {', '.join(USER_ROLES)}",
                errors=[
                    FieldError(("body", "role"), f"role must be one of {', '.join(USER_ROLES)}")
                ],
            )
        repository = UserRepository(session, principal.tenant_id)
        user = await repository.get_for_update(user_id)
        if user is None:
            raise NotFound(detail=f"user {user_id} not found")
        before = _state(user)
        new_role = role if role is not None else user.role
        new_active = active if active is not None else user.active
        if (user.role == "admin" and user.active) and not (new_role == "admin" and new_active):
            admins = await repository.lock_active_admins()
            if admins == [user.id]:
                field = "active" if not new_active else "role"
                what = "deactivated" if not new_active else "given another role"
                message = (
                    f"{user.email} is the last active admin of this tenant and cannot be {what}: "
                    "make another user an admin first"
                )
                raise LastAdmin(
                    detail=message, errors=[FieldError(("body", field), message, "last_admin")]
                )
        if user.active and not new_active:
            user.sessions_valid_after = utcnow()
        user.role, user.active = new_role, new_active
        await session.flush()
        after = _state(user)
        if after != before:
            action = "user.update"
            if before["active"] != after["active"]:
                action = "user.deactivate" if not new_active else "user.reactivate"
            audit_service.record(
                session, principal, action, "user", user.id, before=before, after=after
            )
        return user

    async def reset_password(
        self, session: AsyncSession, principal: Principal, user_id: str, password: str | None
    ) -> tuple[User, str]:
        """Set a user's password (generated when ``password`` is None); returns the user and
        the new password. The audit entry says that it changed, never what it is."""
        if password is not None and (problem := _password_problem(password)) is not None:
            raise Unprocessable(detail=problem.msg, errors=[problem])
        user = await UserRepository(session, principal.tenant_id).get_for_update(user_id)
        if user is None:
            raise NotFound(detail=f"user {user_id} not found")
        plain = password if password is not None else generate_password()
        user.password_hash = await hash_password(plain)
        user.sessions_valid_after = utcnow()  # sessions opened with the old password end
        await session.flush()
        audit_service.record(
            session,
            principal,
            "user.reset_password",
            "user",
            user.id,
            after={"id": user.id, "email": user.email, "generated": password is None},
        )
        return user, plain

    async def list(
        self, session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None
    ) -> Slice[User]:
        after_id = decode_cursor(cursor) if cursor else None
        rows = await UserRepository(session, principal.tenant_id).list_page(
            after_id=after_id, limit=limit + 1
        )
        return slice_rows(rows, limit, lambda u: u.id)


def _email_taken(email: str, holder: User | None, tenant_id: str) -> Conflict:
    """E-mails are unique across tenants: the holder is named only when it is the caller's
    tenant's user (another tenant's is counted, never named)."""
    refs = (
        [ConflictRef("user", holder.id, None, holder.email)]
        if holder is not None and holder.tenant_id == tenant_id
        else []
    )
    return EmailTaken(
        detail=f"a user with the e-mail {email} already exists",
        errors=[FieldError(("body", "email"), "this e-mail is already used", "email_taken")],
        conflicts=refs,
        conflicts_total=1,
    )


user_service = UserService()
