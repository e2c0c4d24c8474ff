"""The shape check itself (tests/validation/shape.py) fails on a wrong answer, and every
HTTP validation answer in the suite goes through it (tests/conftest.py's client hook)."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from openpromo.db import Database
from tests.conftest import TenantFixture, checked_validation_answers
from tests.validation.factory import ctx, setup_world
from tests.validation.shape import check_validation_response

GOOD: dict[str, Any] = {
    "promotion_id": "p1",
    "promocode_id": None,
    "commit": False,
    "results": [
        {
            "customer_id": "c1",
            "eligible": True,
            "tier": {"id": "high", "name": "High"},
            "rewards": [{"reward_type": "eur", "value": "1.00"}],
            "code": None,
            "grant_ids": [],
            "reasons": [{"code": "x", "detail": "y", "reward_type": "eur"}],
        }
    ],
    "summary": {"eligible": 1, "ineligible": 0, "rewards_total": {"eur": "1.00"}},
}


def test_a_well_shaped_answer_passes() -> None:
    check_validation_response(GOOD)


def _broken(path: tuple[Any, ...], value: Any = None, *, delete: bool = False) -> Any:
    data = copy.deepcopy(GOOD)
    target = data
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "data",
    [
        _broken(("results", 0, "surprise"), 1),  # a field the schema does not declare
        _broken(("results", 0, "tier", "extra"), "x"),  # … in a nested object
        _broken(("results", 0, "reasons", 0, "hint"), "x"),  # … in a list item
        _broken(("results", 0, "eligible"), delete=True),  # a required field missing
        _broken(("summary", "eligible"), "1"),  # a number as a string (strict)
        _broken(("results", 0, "rewards", 0, "value"), 1.0),  # a value as a number
    ],
)
def test_a_wrong_answer_fails(data: Any) -> None:
    with pytest.raises(Exception):
        check_validation_response(data)


async def test_the_client_checks_every_validation_answer(
    client: httpx.AsyncClient, database: Database, tenant: TenantFixture
) -> None:
    world = await setup_world(database, tenant.id)
    before = checked_validation_answers[0]
    response = await client.post(
        f"/v1/promotions/{world.promotion_id}/validate-customers",
        json={"contexts": [ctx("c1"), ctx("c2", deposit="1")], "explain": True},
    )
    assert response.status_code == 200
    assert checked_validation_answers[0] == before + 1
    # and the same check raises on a tampered copy of this very answer
    tampered = response.json()
    tampered["results"][0]["undeclared"] = True
    with pytest.raises(AssertionError):
        check_validation_response(tampered)
