"""The main integrator flows through the generated client (clients/python).

Each call goes through ``openpromo_client``'s typed functions and models: a request body the
schema no longer describes, an answer with a status the schema does not document
(``raise_on_unexpected_status``) or a body its model cannot read (a required field missing, an
enum value it does not know) fails here — and the client is regenerated from the schema the
app serves (tests/client/test_generated.py), so this is the published schema under test.
"""

from __future__ import annotations

import io
from typing import Any, TypeVar

from openpromo_client import AuthenticatedClient
from openpromo_client.api.grants import get_grant, list_grants
from openpromo_client.api.promocode import (
    create_promocode,
    get_promocode,
    upload_promocode_values,
)
from openpromo_client.api.promotions import (
    activate_promotion,
    archive_promotion,
    create_promotion,
    get_promotion,
    set_promotion_tiers,
)
from openpromo_client.api.reward_types import create_reward_type, get_reward_type
from openpromo_client.api.schemas import get_schema, put_schema_property
from openpromo_client.api.validation import validate_code, validate_promotion_customers
from openpromo_client.models import (
    GetSchemaScope,
    Grant,
    PageGrant,
    Problem,
    Promocode,
    PromocodeCreate,
    PromocodeCreateType,
    Promotion,
    PromotionCreate,
    PromotionStatus,
    PropertyDefinitionOut,
    PropertyDefinitionPut,
    PropertyDefinitionPutType,
    PutSchemaPropertyScope,
    RewardType,
    RewardTypeCreate,
    RewardTypeCreateCategory,
    Schema,
    TiersUpdate,
    TiersUpdateTiersItem,
    UploadPromocodeValuesFilesBody,
    UploadReport,
    ValidateByCodeRequest,
    ValidateRequest,
    ValidationContext,
    ValidationContextSession,
    ValidationResponse,
)
from openpromo_client.types import File, Response

T = TypeVar("T")

TIERS: list[dict[str, Any]] = [
    {
        "id": "high",
        "name": "High depositors",
        "condition": {"property": "session.deposit", "op": "gte", "value": "100"},
        "rewards": [{"reward_type": "spins", "value": {"fixed": "20"}}],
    },
    {
        "id": "low",
        "name": "Everyone else",
        "condition": {"property": "session.deposit", "op": "gte", "value": "10"},
        "rewards": [{"reward_type": "spins", "value": {"fixed": "5"}}],
    },
]


def parsed(response: Response[Any], kind: type[T], status: int = 200) -> T:
    """The answer's typed body, after checking its status and model."""
    assert response.status_code == status, response.content
    assert isinstance(response.parsed, kind), (kind, response.parsed, response.content)
    return response.parsed


def problem(response: Response[Any], status: int, code: str) -> Problem:
    """The answer's problem+json body, read by the client's ``Problem`` model."""
    assert response.status_code == status, response.content
    assert response.headers["content-type"] == "application/problem+json"
    found = parsed(response, Problem, status)
    assert (found.status, found.code) == (status, code), found
    assert found.type_.endswith("/" + code)
    return found


def context(customer: str, deposit: str) -> ValidationContext:
    return ValidationContext(
        customer_id=customer, session=ValidationContextSession.from_dict({"deposit": deposit})
    )


async def active_promotion(api: AuthenticatedClient) -> Promotion:
    """A spins reward type, a required decimal ``session.deposit`` and an active promotion
    with two tiers, each made through the client."""
    spins = parsed(
        await create_reward_type.asyncio_detailed(
            client=api,
            body=RewardTypeCreate(
                key="spins", name="Free spins", category=RewardTypeCreateCategory.UNIT
            ),
        ),
        RewardType,
        201,
    )
    assert (spins.key, spins.decimals, spins.category.value) == ("spins", 0, "unit")
    deposit = parsed(
        await put_schema_property.asyncio_detailed(
            PutSchemaPropertyScope.SESSION,
            "deposit",
            client=api,
            body=PropertyDefinitionPut(type_=PropertyDefinitionPutType.DECIMAL, required=True),
        ),
        PropertyDefinitionOut,
        201,  # 200 when it replaces a definition
    )
    assert (deposit.key, deposit.type_.value, deposit.required) == ("deposit", "decimal", True)
    schema = parsed(await get_schema.asyncio_detailed(GetSchemaScope.SESSION, client=api), Schema)
    assert [p.key for p in schema.properties] == ["deposit"]

    draft = parsed(
        await create_promotion.asyncio_detailed(
            client=api, body=PromotionCreate(name="Welcome", code="WELCOME-1")
        ),
        Promotion,
        201,
    )
    assert (draft.status, draft.code, draft.tiers) == (PromotionStatus.DRAFT, "WELCOME-1", [])
    tiers = TiersUpdate(tiers=[TiersUpdateTiersItem.from_dict(t) for t in TIERS])
    with_tiers = parsed(
        await set_promotion_tiers.asyncio_detailed(draft.id, client=api, body=tiers), Promotion
    )
    assert [t["id"] for t in with_tiers.tiers] == ["high", "low"]
    active = parsed(await activate_promotion.asyncio_detailed(draft.id, client=api), Promotion)
    assert active.status == PromotionStatus.ACTIVE
    return active


async def test_catalog_promocode_validate_and_grants(api: AuthenticatedClient) -> None:
    promotion = await active_promotion(api)
    promocode = parsed(
        await create_promocode.asyncio_detailed(
            client=api,
            body=PromocodeCreate(
                name="Welcome code",
                type_=PromocodeCreateType.SHARED,
                value="WELCOME",
                promotion_id=promotion.id,
            ),
        ),
        Promocode,
        201,
    )
    assert promocode.promotion_id == promotion.id
    assert parsed(await get_promocode.asyncio_detailed(promocode.id, client=api), Promocode).id

    request = ValidateByCodeRequest(
        code="welcome", contexts=[context("alice", "150"), context("bob", "20")]
    )
    dry = parsed(await validate_code.asyncio_detailed(client=api, body=request), ValidationResponse)
    assert (dry.commit, dry.promotion_id, dry.promocode_id) == (False, promotion.id, promocode.id)
    rewards = {r.customer_id: [(x.reward_type, x.value) for x in r.rewards] for r in dry.results}
    assert rewards == {"alice": [("spins", "20")], "bob": [("spins", "5")]}
    assert [r.grant_ids for r in dry.results] == [[], []]
    nothing = parsed(await list_grants.asyncio_detailed(client=api), PageGrant)
    assert nothing.items == []

    request.commit = True
    committed = parsed(
        await validate_code.asyncio_detailed(client=api, body=request), ValidationResponse
    )
    assert committed.commit is True
    made = {gid: r.customer_id for r in committed.results for gid in r.grant_ids}
    assert len(made) == 2

    page = parsed(
        await list_grants.asyncio_detailed(client=api, promotion_id=promotion.id), PageGrant
    )
    assert {g.id: g.customer_id for g in page.items} == made
    assert {(g.customer_id, g.value, g.tier_id) for g in page.items} == {
        ("alice", "20", "high"),
        ("bob", "5", "low"),
    }
    assert page.next_cursor is None  # always sent, null on the last page

    first = parsed(await list_grants.asyncio_detailed(client=api, limit=1), PageGrant)
    assert isinstance(first.next_cursor, str)
    second = parsed(
        await list_grants.asyncio_detailed(client=api, limit=1, cursor=first.next_cursor),
        PageGrant,
    )
    assert [g.id for g in first.items + second.items] == [g.id for g in page.items]

    one = parsed(await get_grant.asyncio_detailed(page.items[0].id, client=api), Grant)
    assert (one.promocode_id, one.code, one.reward_type) == (promocode.id, "WELCOME", "spins")
    assert one.created_at.tzinfo is not None  # the model parsed the datetime


async def test_bulk_values_uploaded_as_a_multipart_file(api: AuthenticatedClient) -> None:
    """The raw CSV body is not in the client (README, "Not in the client"): the multipart
    form it has instead works, and a value uploaded so is redeemed through the client."""
    promotion = await active_promotion(api)
    pool = parsed(
        await create_promocode.asyncio_detailed(
            client=api,
            body=PromocodeCreate(
                name="Pool", type_=PromocodeCreateType.BULK, promotion_id=promotion.id
            ),
        ),
        Promocode,
        201,
    )
    csv = File(
        payload=io.BytesIO(b"POOL-1\r\npool-1\r\nPOOL-2\r\nnot valid!\r\n"),
        file_name="values.csv",
        mime_type="text/csv",
    )
    report = parsed(
        await upload_promocode_values.asyncio_detailed(
            pool.id, client=api, body=UploadPromocodeValuesFilesBody(file=csv)
        ),
        UploadReport,
    )
    assert (report.inserted, report.duplicates_in_file, report.invalid_count) == (2, 1, 1)
    assert [line.line for line in report.invalid] == [4]

    committed = parsed(
        await validate_code.asyncio_detailed(
            client=api,
            body=ValidateByCodeRequest(
                code="pool-2", contexts=[context("dave", "150")], commit=True
            ),
        ),
        ValidationResponse,
    )
    assert [(r.customer_id, r.code, len(r.grant_ids)) for r in committed.results] == [
        ("dave", "POOL-2", 1)
    ]


async def test_validate_promotion_by_id(api: AuthenticatedClient) -> None:
    promotion = await active_promotion(api)
    answer = parsed(
        await validate_promotion_customers.asyncio_detailed(
            promotion.id,
            client=api,
            body=ValidateRequest(contexts=[context("carol", "5")], explain=True),
        ),
        ValidationResponse,
    )
    (result,) = answer.results
    assert (result.customer_id, result.eligible, result.rewards) == ("carol", False, [])
    assert result.reasons and all(reason.code for reason in result.reasons)


async def test_problems_are_typed(api: AuthenticatedClient) -> None:
    """404, 409 and 422 answers are problem+json bodies the ``Problem`` model reads."""
    missing = problem(
        await get_promotion.asyncio_detailed("0190aaaa-0000-7000-8000-000000000000", client=api),
        404,
        "not_found",
    )
    assert missing.errors == []
    assert problem(
        await get_reward_type.asyncio_detailed("nothing", client=api), 404, "not_found"
    ).detail

    await active_promotion(api)
    again = await create_reward_type.asyncio_detailed(
        client=api,
        body=RewardTypeCreate(key="spins", name="Twice", category=RewardTypeCreateCategory.UNIT),
    )
    assert "spins" in problem(again, 409, again_code(again)).detail

    invalid = problem(
        await create_promotion.asyncio_detailed(client=api, body=PromotionCreate(name="")),
        422,
        "validation_error",
    )
    assert [e.loc for e in invalid.errors] == [["body", "name"]]

    # An unknown code is an answer, not an error: each customer is ineligible with a reason.
    unknown = parsed(
        await validate_code.asyncio_detailed(
            client=api, body=ValidateByCodeRequest(code="NO-SUCH", contexts=[context("a", "1")])
        ),
        ValidationResponse,
    )
    assert [(r.eligible, [x.code for x in r.reasons]) for r in unknown.results] == [
        (False, ["code_not_found"])
    ]
    assert "NO-SUCH" in unknown.results[0].reasons[0].detail

    # A state conflict: an archived promotion cannot be activated.
    promotion = parsed(
        await create_promotion.asyncio_detailed(client=api, body=PromotionCreate(name="Old")),
        Promotion,
        201,
    )
    parsed(await archive_promotion.asyncio_detailed(promotion.id, client=api), Promotion)
    refused = await activate_promotion.asyncio_detailed(promotion.id, client=api)
    assert problem(refused, 409, again_code(refused)).status == 409


def again_code(response: Response[Any]) -> str:
    """The problem code the answer carries (checked against its type URI by ``problem``)."""
    assert isinstance(response.parsed, Problem), response.content
    return response.parsed.code
