from __future__ import annotations

import pytest

from openpromo.db import Database
from openpromo.errors import NotFound
from openpromo.reward_type.schemas import RewardConstraints, RewardTypeCreate, RewardTypeUpdate
from openpromo.reward_type.service import reward_type_service
from openpromo.rules.types import RewardTypeInfo
from tests.conftest import TenantFixture, make_tenant


async def test_infos_and_list_all_include_archived_types(
    database: Database, tenant: TenantFixture
) -> None:
    async with database.unit_of_work() as session:
        for body in (
            RewardTypeCreate(key="eur_bonus", name="EUR", category="amount", rounding="half_up"),
            RewardTypeCreate(key="points", name="Points", category="unit", decimals=1),
        ):
            await reward_type_service.create(session, tenant.principal, body)
        await reward_type_service.delete(session, tenant.principal, "points")  # unused: gone
        await reward_type_service.create(
            session,
            tenant.principal,
            RewardTypeCreate(key="spins", name="Spins", category="unit"),
        )
    async with database.unit_of_work() as session:
        await reward_type_service.update(
            session, tenant.principal, "spins", RewardTypeUpdate(status="archived")
        )
    async with database.unit_of_work(write=False) as session:
        infos = await reward_type_service.infos(session, tenant.id)
        everything = await reward_type_service.list_all(session, tenant.id)
        spins = await reward_type_service.get(session, tenant.principal, "spins")
    assert infos == {
        "eur_bonus": RewardTypeInfo("eur_bonus", 2, "half_up"),
        "spins": RewardTypeInfo("spins", 0, "down"),
    }
    assert [(r.key, r.status) for r in everything] == [
        ("eur_bonus", "active"),
        ("spins", "archived"),
    ]
    assert spins.category == "unit"


async def test_get_is_scoped_to_the_tenant(database: Database, tenant: TenantFixture) -> None:
    other = await make_tenant(database, "Other")
    async with database.unit_of_work() as session:
        await reward_type_service.create(
            session, tenant.principal, RewardTypeCreate(key="eur", name="EUR", category="amount")
        )
    async with database.unit_of_work(write=False) as session:
        with pytest.raises(NotFound):
            await reward_type_service.get(session, other.principal, "eur")
        assert await reward_type_service.infos(session, other.id) == {}


async def test_stored_constraints_round_trip_through_the_model(
    database: Database, tenant: TenantFixture
) -> None:
    constraints = RewardConstraints.model_validate(
        {
            "min_value": "1.50",
            "per_customer": [{"window": "month", "max_value": 20}],
            "valid_until": "2027-01-01T00:00:00Z",
            "grant_expires_after": "P2W",
        }
    )
    async with database.unit_of_work() as session:
        created = await reward_type_service.create(
            session,
            tenant.principal,
            RewardTypeCreate(key="eur", name="EUR", category="amount", constraints=constraints),
        )
    assert created.constraints == {
        "min_value": "1.50",
        "max_value": None,
        "per_customer": [{"window": "month", "max_value": "20", "max_grants": None}],
        "valid_from": None,
        "valid_until": "2027-01-01T00:00:00Z",
        "grant_expires_after": "P2W",
    }
    assert RewardConstraints.model_validate(created.constraints) == constraints
