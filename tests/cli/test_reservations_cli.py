"""``openpromo reservations confirm|release``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from openpromo.auth.principal import Principal
from openpromo.db import Database
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service
from tests.cli.test_cli import _invoke, _json
from tests.validation.factory import ctx, setup_world


async def _reserve(database: Database, tenant_id: str, promotion_id: str) -> dict[str, Any]:
    body = ValidateRequest.model_validate(
        {"contexts": [ctx("a", "100"), ctx("b", "100")], "commit": "reserve"}
    )
    async with database.unit_of_work() as session:
        out = await validation_service.validate(
            session, Principal.cli(tenant_id), Target(promotion_id=promotion_id), body, seed=b"s"
        )
    return out


async def test_confirm_for_less_and_release(database: Database, app: FastAPI) -> None:
    tenant = await _json(["tenant", "create", "Holds", "--json"])
    tid = str(tenant["tenant_id"])
    world = await setup_world(database, tid)
    a, b = (await _reserve(database, tid, world.promotion_id))["results"]
    confirmed = await _json(
        [
            "reservations",
            "confirm",
            a["reservation_id"],
            "--value",
            "eur=2.50",
            "--tenant",
            tid,
            "--json",
        ]
    )
    assert confirmed["status"] == "granted"
    grants: Any = confirmed["grants"]
    assert {g["reward_type"]: g["value"] for g in grants}["eur"] == "2.50"
    released = await _json(
        ["reservations", "release", b["reservation_id"], "--tenant", tid, "--json"]
    )
    assert released["status"] == "released"
    refused = await _invoke(["reservations", "release", a["reservation_id"], "--tenant", tid])
    assert refused.exit_code == 1 and "was confirmed" in refused.output
