from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from openpromo.db import Database
from openpromo.schema.schemas import PropertyDefinitionIn, PropertyDefinitionPut, SchemaPut
from openpromo.schema.service import check_definition, schema_service
from openpromo.schema.values import PropertyDefinition, validate_values
from tests.conftest import TenantFixture, make_tenant


async def test_definitions_and_property_types(database: Database, tenant: TenantFixture) -> None:
    async with database.unit_of_work() as session:
        await schema_service.replace_schema(
            session,
            tenant.principal,
            "session",
            SchemaPut(
                properties=[
                    PropertyDefinitionIn(
                        key="deposit", type="decimal", required=True, min="1", max=500
                    ),
                    PropertyDefinitionIn(key="at", type="datetime", max="2030-01-01T00:00:00Z"),
                    PropertyDefinitionIn(key="code", type="string", pattern="[A-Z]+"),
                ]
            ),
        )
        await schema_service.put_property(
            session,
            tenant.principal,
            "customer",
            "tags",
            PropertyDefinitionPut(type="string_list", allowed_values=["a"]),
        )
    other = await make_tenant(database, "Other")
    async with database.unit_of_work(write=False) as session:
        definitions = await schema_service.definitions(session, tenant.id, "session")
        types = await schema_service.property_types(session, tenant.id)
        assert await schema_service.property_types(session, other.id) == {}
    assert definitions == [
        PropertyDefinition(
            "deposit", "decimal", required=True, min=Decimal("1"), max=Decimal("500")
        ),
        PropertyDefinition("at", "datetime", max=datetime(2030, 1, 1, tzinfo=UTC)),
        PropertyDefinition("code", "string", pattern="[A-Z]+"),
    ]
    assert definitions[2].compiled_pattern is not None
    assert types == {
        "customer.tags": "string_list",
        "session.deposit": "decimal",
        "session.at": "datetime",
        "session.code": "string",
    }
    typed, errors = validate_values(definitions, {"deposit": "600", "code": "ok"})
    assert [(e.loc, e.type) for e in errors] == [
        (("deposit",), "greater_than_max"),
        (("code",), "pattern_mismatch"),
    ]
    assert typed == {}


def test_check_definition_is_pure_and_typed() -> None:
    definition, errors = check_definition(
        "promotion",
        "level",
        PropertyDefinitionPut(type="integer", min="2", max=9.0, allowed_values=[2, 3]),
        ("body",),
    )
    assert errors == []
    assert definition == PropertyDefinition("level", "integer", min=2, max=9, allowed_values=(2, 3))
