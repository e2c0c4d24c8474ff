"""The tier builder and its draft simulator in a real Chromium against a real server: what is
built without typing JSON is exactly what the API stores, every condition the API accepts
round-trips unchanged, and refusals land next to the input that caused them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from openpromo.db import Database
from tests.conftest import make_tenant
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in
from tests.ui.conftest import make_user

pytestmark = BROWSER_ONLY

SESSION = [
    {"key": "deposit_amount", "type": "decimal", "required": True},
    {"key": "channel", "type": "string", "allowed_values": ["web", "app", "shop"]},
    {"key": "first_deposit", "type": "boolean"},
    {"key": "games", "type": "integer"},
]
CUSTOMER = [
    {"key": "country", "type": "string"},
    {"key": "vip_level", "type": "integer", "allowed_values": [0, 1, 2, 3]},
    {"key": "birthday", "type": "date"},
    {"key": "tags", "type": "string_list"},
    {"key": "signed_up_at", "type": "datetime"},
    {"key": "ltv", "type": "decimal"},
    {"key": "segments", "type": "string_list", "allowed_values": ["new", "loyal", "lapsed"]},
]
PROMOTION = [{"key": "region", "type": "string"}]


@dataclass
class World:
    api: httpx.AsyncClient
    promotion_id: str

    async def promotion(self) -> dict[str, Any]:
        response = await self.api.get(f"/v1/promotions/{self.promotion_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def tiers(self) -> list[Any]:
        return list((await self.promotion())["tiers"])

    async def put_tiers(self, tiers: list[Any], promotion_id: str | None = None) -> list[Any]:
        pid = promotion_id or self.promotion_id
        response = await self.api.put(f"/v1/promotions/{pid}/tiers", json={"tiers": tiers})
        assert response.status_code == 200, response.text
        return list(response.json()["tiers"])

    async def new_promotion(self, name: str) -> str:
        response = await self.api.post("/v1/promotions", json={"name": name})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def url(self, promotion_id: str | None = None) -> str:
        return f"/ui/promotions/{promotion_id or self.promotion_id}/edit/tiers"


@pytest.fixture
async def world(page: Page, database: Database, server_url: str) -> AsyncIterator[World]:
    tenant = await make_tenant(database, "Builder tenant")
    user = await make_user(database, tenant.id, "admin")
    async with httpx.AsyncClient(
        base_url=server_url, headers={"Authorization": f"Bearer {tenant.admin_key}"}
    ) as api:
        for method, path, body in [
            ("PATCH", "/v1/tenant", {"timezone": "Europe/Paris"}),
            (
                "POST",
                "/v1/reward-types",
                {
                    "key": "eur_bonus",
                    "name": "EUR bonus",
                    "display_name": "Bonus (EUR)",
                    "category": "amount",
                    "currency": "EUR",
                    "decimals": 2,
                },
            ),
            (
                "POST",
                "/v1/reward-types",
                {"key": "free_spins", "name": "Free spins", "category": "unit", "unit_name": "spins"},
            ),
            ("PUT", "/v1/schemas/session", {"properties": SESSION}),
            ("PUT", "/v1/schemas/customer", {"properties": CUSTOMER}),
            ("PUT", "/v1/schemas/promotion", {"properties": PROMOTION}),
        ]:
            response = await api.request(method, path, json=body)
            assert response.status_code in (200, 201), response.text
        pid = str((await api.post("/v1/promotions", json={"name": "Winter boost"})).json()["id"])
        await log_in(page, user)
        yield World(api, pid)


def rule(loc: str) -> str:
    return f'.tb-rule[data-loc="{loc}"]'


async def add_rule(page: Page, group: str) -> None:
    await page.locator(f'.tb-group[data-loc="{group}"] > .tb-group-tools button:text-is("+ Rule")').click()


async def add_group(page: Page, group: str) -> None:
    await page.locator(
        f'.tb-group[data-loc="{group}"] > .tb-group-tools button:text-is("+ Group")'
    ).click()


async def set_rule(page: Page, loc: str, prop: str, op: str) -> None:
    await page.locator(f'[data-loc="{loc}.property"] select').select_option(prop)
    await page.locator(f'[data-loc="{loc}.op"] select').select_option(op)


async def add_tier(page: Page, index: int, name: str, tier_id: str) -> None:
    await page.click("#add-tier")
    card = f'.tb-tier[data-loc="tiers.{index}"]'
    # The new tier's name box has the focus: type straight away.
    await expect(page.locator(f"{card} .tb-tier-name")).to_be_focused()
    await page.keyboard.type(name)
    await page.locator(f"{card} .tb-tier-id").fill(tier_id)


async def set_reward(page: Page, loc: str, reward_type: str, kind: str) -> None:
    await page.locator(f'[data-loc="{loc}.reward_type"] select').select_option(reward_type)
    await page.locator(f'.tb-reward[data-loc="{loc}"] select[aria-label="How the value is computed"]').select_option(kind)


async def fill_number(page: Page, loc: str, value: str) -> None:
    await page.locator(f'[data-loc="{loc}"] input').fill(value)


EXPECTED = [
    {
        "id": "gold",
        "name": "Gold",
        "condition": {
            "all": [
                {"property": "session.deposit_amount", "op": "gte", "value": "100.50"},
                {
                    "any": [
                        {"property": "customer.vip_level", "op": "gte", "value": "2"},
                        {
                            "all": [
                                {"property": "session.channel", "op": "in", "value": ["web", "app"]},
                                {"property": "session.first_deposit", "op": "eq", "value": True},
                                {
                                    "not": {
                                        "property": "customer.tags",
                                        "op": "contains",
                                        "value": "blocked",
                                    }
                                },
                            ]
                        },
                    ]
                },
            ]
        },
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "10", "of": "session.deposit_amount", "max": "50"},
            },
            {"reward_type": "free_spins", "value": {"fixed": "20"}},
        ],
    },
    {
        "id": "silver",
        "name": "Silver",
        "condition": {
            "any": [
                {
                    "property": "customer.birthday",
                    "op": "between",
                    "value": ["1990-01-01", "1999-12-31"],
                },
                {"property": "session.games", "op": "lt", "value": "3"},
                {"property": "customer.country", "op": "in", "value": ["DE", "AT"]},
            ]
        },
        "rewards": [
            {
                "reward_type": "free_spins",
                "value": {"per": "10", "of": "session.deposit_amount", "value": "1", "min": "1"},
            }
        ],
    },
    {
        "id": "welcome",
        "name": "Everyone else",
        "condition": {"all": []},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "5"}}],
    },
]


async def test_three_tiers_built_without_json_are_stored_exactly(
    page: Page, world: World
) -> None:
    await page.goto(world.url())
    await expect(page.locator("#first-tier-wins")).to_contain_text(
        "first tier whose conditions hold wins"
    )
    await expect(page.locator(".tb-empty")).to_contain_text("No tiers yet")

    # Tier 1, Gold: deposit ≥ 100.50 AND (vip ≥ 2 OR (channel in web/app AND first deposit
    # AND NOT tags contains "blocked")).
    await add_tier(page, 0, "Gold", "gold")
    root = "tiers.0.condition"
    await add_rule(page, root)
    await set_rule(page, f"{root}.all.0", "session.deposit_amount", "gte")
    await page.locator(f'[data-loc="{root}.all.0.value"] input').fill("100.50")
    await add_group(page, root)
    any_group = f"{root}.all.1"
    await expect(page.locator(f'.tb-group[data-loc="{any_group}"] > .tb-group-head select')).to_have_value("any")
    await set_rule(page, f"{any_group}.any.0", "customer.vip_level", "gte")
    await page.locator(f'[data-loc="{any_group}.any.0.value"] select').select_option("2")
    await add_group(page, any_group)
    inner = f"{any_group}.any.1"
    await page.locator(f'.tb-group[data-loc="{inner}"] > .tb-group-head select').select_option("all")
    await set_rule(page, f"{inner}.all.0", "session.channel", "in")
    await page.locator(f'[data-loc="{inner}.all.0.value"] label:has-text("web") input').check()
    await page.locator(f'[data-loc="{inner}.all.0.value"] label:has-text("app") input').check()
    await add_rule(page, inner)
    await set_rule(page, f"{inner}.all.1", "session.first_deposit", "eq")
    await page.locator(f'[data-loc="{inner}.all.1.value"] select').select_option("true")
    await add_rule(page, inner)
    await set_rule(page, f"{inner}.all.2", "customer.tags", "contains")
    await page.locator(f'[data-loc="{inner}.all.2.value"] input').fill("blocked")
    await page.locator(f"{rule(inner + '.all.2')} button.tb-not").click()
    await expect(page.locator(f"{rule(inner + '.all.2.not')} button.tb-not")).to_have_attribute(
        "aria-pressed", "true"
    )

    # Rewards: 10 % of the deposit up to 50 EUR, and 20 free spins.
    await set_reward(page, "tiers.0.rewards.0", "eur_bonus", "percent")
    await fill_number(page, "tiers.0.rewards.0.value.percent", "10")
    await page.locator('[data-loc="tiers.0.rewards.0.value.of"] select').select_option(
        "session.deposit_amount"
    )
    await fill_number(page, "tiers.0.rewards.0.value.max", "50")
    reward0 = page.locator('.tb-reward[data-loc="tiers.0.rewards.0"]')
    await reward0.locator(".tb-sample input").fill("120.99")
    await expect(reward0.locator(".tb-preview")).to_contain_text("With deposit_amount 120.99: 12.09 EUR")
    await reward0.locator(".tb-sample input").fill("1000")
    await expect(reward0.locator(".tb-preview")).to_contain_text(": 50.00 EUR")
    await page.locator('.tb-tier[data-loc="tiers.0"] .tb-add-reward').click()
    await set_reward(page, "tiers.0.rewards.1", "free_spins", "fixed")
    await fill_number(page, "tiers.0.rewards.1.value.fixed", "20")
    await expect(page.locator('.tb-reward[data-loc="tiers.0.rewards.1"] .tb-preview')).to_have_text(
        "Every customer in this tier gets 20 spins."
    )

    # Tier 2, Silver: birthday in the 90s OR fewer than 3 games OR country DE/AT.
    await add_tier(page, 1, "Silver", "silver")
    root = "tiers.1.condition"
    await add_rule(page, root)
    await page.locator(f'.tb-group[data-loc="{root}"] > .tb-group-head select').select_option("any")
    await set_rule(page, f"{root}.any.0", "customer.birthday", "between")
    await page.locator(f'[data-loc="{root}.any.0.value.0"] input').fill("1990-01-01")
    await page.locator(f'[data-loc="{root}.any.0.value.1"] input').fill("1999-12-31")
    await add_rule(page, root)
    await set_rule(page, f"{root}.any.1", "session.games", "lt")
    await page.locator(f'[data-loc="{root}.any.1.value"] input').fill("3")
    await add_rule(page, root)
    await set_rule(page, f"{root}.any.2", "customer.country", "in")
    await page.locator(f'[data-loc="{root}.any.2.value"] textarea').fill("DE\nAT\n")
    await set_reward(page, "tiers.1.rewards.0", "free_spins", "per")
    await fill_number(page, "tiers.1.rewards.0.value.value", "1")
    await fill_number(page, "tiers.1.rewards.0.value.per", "10")
    await fill_number(page, "tiers.1.rewards.0.value.min", "1")
    reward = page.locator('.tb-reward[data-loc="tiers.1.rewards.0"]')
    await reward.locator(".tb-sample input").fill("57")
    await expect(reward.locator(".tb-preview")).to_contain_text("With deposit_amount 57: 5 spins")

    # Tier 3: everyone else gets 5 spins.
    await add_tier(page, 2, "Everyone else", "welcome")
    await expect(page.locator('.tb-group[data-loc="tiers.2.condition"] .tb-empty')).to_contain_text(
        "every customer qualifies"
    )
    await set_reward(page, "tiers.2.rewards.0", "free_spins", "fixed")
    await fill_number(page, "tiers.2.rewards.0.value.fixed", "5")

    # The JSON view shows exactly what will be saved.
    await page.click("#view-json")
    assert json.loads(await page.locator("#tiers-json-editor").input_value()) == EXPECTED
    await page.click("#view-builder")

    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    assert await world.tiers() == EXPECTED
    # Reopened, the builder shows what was saved and would save it unchanged.
    assert json.loads(await page.locator("#tiers-json").input_value()) == EXPECTED
    await expect(page.locator('[data-loc="tiers.0.condition.all.0.value"] input')).to_have_value("100.50")


THREE = [
    {"id": "a", "name": "Alpha", "condition": {"all": []}, "rewards": [{"reward_type": "free_spins", "value": {"fixed": "1"}}]},
    {"id": "b", "name": "Beta", "condition": {"all": []}, "rewards": [{"reward_type": "free_spins", "value": {"fixed": "2"}}]},
    {"id": "c", "name": "Gamma", "condition": {"all": []}, "rewards": [{"reward_type": "free_spins", "value": {"fixed": "3"}}]},
]


async def ids_on_page(page: Page) -> list[str]:
    return [
        await box.input_value() for box in await page.locator("#tier-list .tb-tier-id").all()
    ]


async def test_reorder_by_buttons_keyboard_and_drag_rename_and_remove(
    page: Page, world: World
) -> None:
    await world.put_tiers(THREE)
    await page.goto(world.url())
    assert await ids_on_page(page) == ["a", "b", "c"]

    # Buttons, by mouse and by keyboard (the focus follows the moved tier).
    await page.click('button[aria-label="Move tier 3 “Gamma” up"]')
    assert await ids_on_page(page) == ["a", "c", "b"]
    await expect(page.locator('button[aria-label="Move tier 2 “Gamma” up"]')).to_be_focused()
    await page.keyboard.press("Enter")
    assert await ids_on_page(page) == ["c", "a", "b"]
    await page.locator('button[aria-label="Move tier 2 “Alpha” down"]').focus()
    await page.keyboard.press("Enter")
    assert await ids_on_page(page) == ["c", "b", "a"]

    # Drag the last tier by its handle onto the first (both on screen, as a user sees them).
    await page.set_viewport_size({"width": 1280, "height": 1800})
    await page.locator('.tb-tier[data-loc="tiers.2"] .tb-handle').drag_to(
        page.locator('.tb-tier[data-loc="tiers.0"]')
    )
    assert await ids_on_page(page) == ["a", "c", "b"]

    # Rename tier 2 (name and id), remove tier 1.
    await page.locator('.tb-tier[data-loc="tiers.1"] .tb-tier-name').fill("Gamma ray")
    await page.locator('.tb-tier[data-loc="tiers.1"] .tb-tier-id').fill("gamma")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click('button[aria-label="Remove tier 1 “Alpha”"]')
    assert await ids_on_page(page) == ["gamma", "b"]
    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    stored = await world.tiers()
    assert [(t["id"], t["name"]) for t in stored] == [("gamma", "Gamma ray"), ("b", "Beta")]
    assert [t["rewards"][0]["value"]["fixed"] for t in stored] == ["3", "2"]
