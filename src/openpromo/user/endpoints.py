"""Admin UI users through the API: the same actions as the Users page (admin keys only)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from openpromo.api.deps import DEFAULT_PAGE_LIMIT, AdminRead, AdminWrite, Cursor, Limit, idempotent
from openpromo.api.problems import COMMON_ERRORS, CONFLICT
from openpromo.kit.pagination import Page
from openpromo.user.schemas import (
    PasswordReset,
    PasswordResetOut,
    UserCreate,
    UserCreated,
    UserOut,
    UserUpdate,
)
from openpromo.user.service import user_service

router = APIRouter(prefix="/v1/users", tags=["users"], responses=COMMON_ERRORS)


@router.get("", summary="List admin UI users", response_model=Page[UserOut])
async def list_users(
    ctx: AdminRead, limit: Limit = DEFAULT_PAGE_LIMIT, cursor: Cursor = None
) -> Page[UserOut]:
    page = await user_service.list(ctx.session, ctx.principal, limit=limit, cursor=cursor)
    return Page[UserOut](
        items=[UserOut.model_validate(u) for u in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "",
    status_code=201,
    summary="Create an admin UI user (a generated password is in this response only)",
    response_model=UserCreated,
    responses=CONFLICT,
)
async def create_user(body: UserCreate, ctx: AdminWrite, request: Request) -> Response:
    async def produce() -> UserCreated:
        user, plain = await user_service.create(
            ctx.session, ctx.principal, body.email, body.role, body.password
        )
        return UserCreated.model_validate(
            {
                **UserOut.model_validate(user).model_dump(),
                "password": plain if body.password is None else None,
            }
        )

    return await idempotent(request, ctx, 201, produce)


@router.get("/{user_id}", summary="Get an admin UI user")
async def get_user(user_id: str, ctx: AdminRead) -> UserOut:
    return UserOut.model_validate(await user_service.get(ctx.session, ctx.principal, user_id))


@router.patch(
    "/{user_id}",
    summary="Change a user's role or deactivate / reactivate them",
    description="The tenant keeps at least one active admin: a change that would leave none "
    "is refused with 409 `last_admin`. A deactivated user cannot log in and their sessions "
    "stop at their next request.",
    responses=CONFLICT,
)
async def update_user(user_id: str, body: UserUpdate, ctx: AdminWrite) -> UserOut:
    user = await user_service.update(
        ctx.session, ctx.principal, user_id, role=body.role, active=body.active
    )
    return UserOut.model_validate(user)


@router.post(
    "/{user_id}/password",
    summary="Reset a user's password (a generated one is in this response only)",
)
async def reset_user_password(
    user_id: str, body: PasswordReset, ctx: AdminWrite
) -> PasswordResetOut:
    user, plain = await user_service.reset_password(
        ctx.session, ctx.principal, user_id, body.password
    )
    return PasswordResetOut(id=user.id, password=plain if body.password is None else None)
