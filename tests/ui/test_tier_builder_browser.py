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
from openpromo.rules import OPERATORS_BY_TYPE
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
                {
                    "key": "free_spins",
                    "name": "Free spins",
                    "category": "unit",
                    "unit_name": "spins",
                },
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
    await page.locator(
        f'.tb-group[data-loc="{group}"] > .tb-group-tools button:text-is("+ Rule")'
    ).click()


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
    await page.locator(
        f'.tb-reward[data-loc="{loc}"] select[aria-label="How the value is computed"]'
    ).select_option(kind)


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
                                {
                                    "property": "session.channel",
                                    "op": "in",
                                    "value": ["web", "app"],
                                },
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


async def build_three_tiers(page: Page) -> None:
    """Build EXPECTED in the builder by clicking and typing values only (no JSON); the
    journey test (test_marketer_journey.py) builds its promotion with it too."""
    # Tier 1, Gold: deposit ≥ 100.50 AND (vip ≥ 2 OR (channel in web/app AND first deposit
    # AND NOT tags contains "blocked")).
    await add_tier(page, 0, "Gold", "gold")
    root = "tiers.0.condition"
    await add_rule(page, root)
    await set_rule(page, f"{root}.all.0", "session.deposit_amount", "gte")
    await page.locator(f'[data-loc="{root}.all.0.value"] input').fill("100.50")
    await add_group(page, root)
    any_group = f"{root}.all.1"
    await expect(
        page.locator(f'.tb-group[data-loc="{any_group}"] > .tb-group-head select')
    ).to_have_value("any")
    await set_rule(page, f"{any_group}.any.0", "customer.vip_level", "gte")
    await page.locator(f'[data-loc="{any_group}.any.0.value"] select').select_option("2")
    await add_group(page, any_group)
    inner = f"{any_group}.any.1"
    await page.locator(f'.tb-group[data-loc="{inner}"] > .tb-group-head select').select_option(
        "all"
    )
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
    await expect(reward0.locator(".tb-preview")).to_contain_text(
        "With deposit_amount 120.99: 12.09 EUR"
    )
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


async def test_three_tiers_built_without_json_are_stored_exactly(page: Page, world: World) -> None:
    await page.goto(world.url())
    await expect(page.locator("#first-tier-wins")).to_contain_text(
        "first tier whose conditions hold wins"
    )
    await expect(page.locator(".tb-empty")).to_contain_text("No tiers yet")

    await build_three_tiers(page)

    # The JSON view shows exactly what will be saved.
    await page.click("#view-json")
    assert json.loads(await page.locator("#tiers-json-editor").input_value()) == EXPECTED
    await page.click("#view-builder")

    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    assert await world.tiers() == EXPECTED
    # Reopened, the builder shows what was saved and would save it unchanged.
    assert json.loads(await page.locator("#tiers-json").input_value()) == EXPECTED
    await expect(page.locator('[data-loc="tiers.0.condition.all.0.value"] input')).to_have_value(
        "100.50"
    )


THREE = [
    {
        "id": "a",
        "name": "Alpha",
        "condition": {"all": []},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "1"}}],
    },
    {
        "id": "b",
        "name": "Beta",
        "condition": {"all": []},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "2"}}],
    },
    {
        "id": "c",
        "name": "Gamma",
        "condition": {"all": []},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "3"}}],
    },
]


async def ids_on_page(page: Page) -> list[str]:
    return [await box.input_value() for box in await page.locator("#tier-list .tb-tier-id").all()]


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
    # (Chromium drops a drag onto a card scrolled off screen; with the side navigation the
    # cards are taller, so the viewport holds all three and the page is scrolled to the top.)
    await page.set_viewport_size({"width": 1280, "height": 2400})
    await page.evaluate("window.scrollTo(0, 0)")
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
    # A duplicate id is refused next to it, with the order and names kept.
    await page.locator('.tb-tier[data-loc="tiers.1"] .tb-tier-id').fill("gamma")
    await page.click("#save-tiers")
    await expect(page.locator('[data-loc="tiers.1.id"] > em.error')).to_have_text(
        "tier id 'gamma' is already used by tier 1"
    )
    assert await ids_on_page(page) == ["gamma", "gamma"]
    assert [t["id"] for t in await world.tiers()] == ["a", "b", "c"]
    await page.locator('.tb-tier[data-loc="tiers.1"] .tb-tier-id').fill("b")
    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    stored = await world.tiers()
    assert [(t["id"], t["name"]) for t in stored] == [("gamma", "Gamma ray"), ("b", "Beta")]
    assert [t["rewards"][0]["value"]["fixed"] for t in stored] == ["3", "2"]


# --- Round trips -----------------------------------------------------------------------------

VALUES: dict[str, tuple[str, Any, Any, Any]] = {
    # property: (type, a scalar, a pair, a list)
    "session.games": ("integer", "5", ["1", "9"], ["1", "2", "3"]),
    "customer.vip_level": ("integer", "2", ["0", "3"], ["1", "3"]),
    "session.deposit_amount": ("decimal", "12.50", ["0.000", "99.9"], ["-3", "1.50"]),
    "customer.ltv": ("decimal", "1000", ["1", "2"], ["0.5"]),
    "customer.birthday": ("date", "2000-02-29", ["1990-01-01", "1999-12-31"], ["2001-01-01"]),
    "customer.signed_up_at": (
        "datetime",
        "2026-03-29T02:30:00+02:00",
        ["2026-01-01T00:00:00+00:00", "2026-12-01T00:00:00.123456+05:30"],
        ["2026-06-01T12:00:00-04:00"],
    ),
    "context.now": ("datetime", "2026-12-24T18:00:00+01:00", None, None),
    "context.date": ("date", "2026-12-24", ["2026-12-01", "2026-12-31"], ["2026-12-25"]),
    "context.weekday": ("integer", "6", ["6", "7"], ["6", "7"]),
    "context.hour": ("integer", "18", ["18", "23"], ["0"]),
    "context.campaign_id": ("string", "cmp-1", None, ["cmp-1", "cmp-2"]),
    "customer.country": ("string", "FR", None, ["FR", "DE"]),
    "session.channel": ("string", "kiosk", None, ["app", "web"]),
    "promotion.region": ("string", 'Ünïcødé "quoted" ✓', None, [""]),
    "session.first_deposit": ("boolean", True, None, None),
    "customer.tags": ("string_list", "vip", None, ["a", "b"]),
    "customer.segments": ("string_list", "loyal", None, ["new", "lapsed"]),
}
OPS: dict[str, tuple[str, ...]] = {str(k): v for k, v in OPERATORS_BY_TYPE.items()}
LIST_OPS = {"in", "not_in", "contains_any", "contains_all"}


def leaves() -> list[dict[str, Any]]:
    """Every operator of every type, over schema and built-in properties."""
    out: list[dict[str, Any]] = []
    for prop, (ptype, scalar, pair, many) in VALUES.items():
        for op in OPS[ptype]:
            leaf: dict[str, Any] = {"property": prop, "op": op}
            if op in ("exists", "missing", "is_empty"):
                pass
            elif op == "between":
                if pair is None:
                    continue
                leaf["value"] = pair
            elif op in LIST_OPS:
                if many is None:
                    continue
                leaf["value"] = many
            else:
                leaf["value"] = scalar
            out.append(leaf)
    out.append({"property": "session.first_deposit", "op": "ne", "value": False})
    out.append({"property": "customer.country", "op": "eq", "value": ""})
    return out


def conditions() -> list[dict[str, Any] | None]:
    """Leaves bare, negated, alone in groups, and nested shapes of all/any/not."""
    every = leaves()
    a, b, c = every[0], every[20], every[40]
    shapes: list[dict[str, Any] | None] = []
    shapes += every
    shapes += [{"not": leaf} for leaf in every[::3]]
    shapes += [{"all": [leaf]} for leaf in every[1::4]]
    shapes += [{"any": [leaf, a]} for leaf in every[2::4]]
    shapes += [
        None,
        {"all": []},
        {"any": [{"all": []}]},
        {"not": {"all": []}},
        {"not": {"not": a}},
        {"not": {"not": {"not": {"any": [a, b]}}}},
        {"not": {"any": [a, b, c]}},
        {"all": [{"any": [a, {"not": {"all": [b, c]}}]}, {"not": {"not": c}}]},
        {"any": [{"all": [{"all": [{"all": [a]}]}]}, {"not": {"any": [{"not": b}]}}]},
        {"all": [a, {"all": []}, {"any": [b, {"all": [c, {"not": a}]}]}]},
    ]
    return shapes


def as_tiers(shapes: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
    tiers = []
    for index, shape in enumerate(shapes):
        tier: dict[str, Any] = {
            "id": f"t{index}",
            "rewards": [{"reward_type": "free_spins", "value": {"fixed": "1"}}],
        }
        if index % 2:
            tier["name"] = f"Tier {index}"
        if shape is not None:
            tier["condition"] = shape
        tiers.append(tier)
    return tiers


async def test_every_condition_the_api_accepts_opens_and_saves_back_unchanged(
    page: Page, world: World
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    tiers = as_tiers(conditions())
    assert len(tiers) > 150
    stored_by_promotion: dict[str, list[Any]] = {}
    for start in range(0, len(tiers), 100):
        pid = world.promotion_id if start == 0 else await world.new_promotion(f"Shapes {start}")
        stored_by_promotion[pid] = await world.put_tiers(tiers[start : start + 100], pid)
    for pid, stored in stored_by_promotion.items():
        await page.goto(world.url(pid))
        await expect(page.locator("#tier-list > li")).to_have_count(len(stored))
        assert json.loads(await page.evaluate("tierBuilder.serialize()")) == stored
        assert await page.evaluate("tierBuilder.readonlyNotes()") == 0
        # The JSON view shows the same, and coming back changes nothing.
        await page.click("#view-json")
        assert json.loads(await page.locator("#tiers-json-editor").input_value()) == stored
        await page.click("#view-builder")
        assert json.loads(await page.evaluate("tierBuilder.serialize()")) == stored
    assert errors == []

    # A real save without edits leaves the stored tiers as they were (a new version).
    before = await world.promotion()
    await page.goto(world.url())
    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    after = await world.promotion()
    assert after["tiers"] == before["tiers"]
    assert after["version"] == before["version"] + 1


async def test_shapes_the_builder_cannot_show_are_read_only_and_kept(
    page: Page, world: World
) -> None:
    await page.goto(world.url())
    # JSON as a client may send it (numbers as numbers, no ids…) loads and serializes as is.
    loose = [
        {"condition": {"property": "session.games", "op": "gte", "value": 5}, "rewards": []},
        {
            "name": "",
            "condition": {
                "any": [{"property": "session.deposit_amount", "op": "lt", "value": 1.5}]
            },
        },
        {
            "id": "x",
            "rewards": [
                {"reward_type": "free_spins", "value": {"percent": 10, "of": "session.games"}}
            ],
        },
    ]
    assert json.loads(await page.evaluate("t => tierBuilder.load(t)", loose)) == loose
    assert await page.evaluate("tierBuilder.readonlyNotes()") == 0
    odd = [
        {"all": [], "any": []},
        {"property": "customer.nope", "op": "eq", "value": "x"},
        {"property": "session.games", "op": "contains", "value": "1"},
        {"property": "session.games", "op": "eq", "value": "1", "comment": "hi"},
        {"property": "session.games", "op": "eq", "value": {"deep": 1}},
        {"property": "customer.birthday", "op": "eq", "value": "yesterday"},
        {"all": [{"not": {"property": "customer.country", "op": "in", "value": ["a\nb"]}}]},
        {"any": "not a list"},
    ]
    tiers = [{"id": f"o{i}", "condition": c, "rewards": []} for i, c in enumerate(odd)]
    assert json.loads(await page.evaluate("t => tierBuilder.load(t)", tiers)) == tiers
    assert await page.evaluate("tierBuilder.readonlyNotes()") == len(odd)
    await expect(
        page.locator('.tb-tier[data-loc="tiers.1"] [data-readonly-condition]')
    ).to_contain_text("a rule on “customer.nope”, which is not in the tenant's schemas")

    # A stored condition whose property was deleted from the schema since (the promotion was
    # archived, the property deleted, the promotion duplicated): read-only, kept.
    stored = await world.put_tiers(
        [
            {
                "id": "rich",
                "condition": {"all": [{"property": "customer.ltv", "op": "gte", "value": "1000"}]},
                "rewards": [{"reward_type": "free_spins", "value": {"fixed": "1"}}],
            }
        ]
    )
    pid = world.promotion_id
    assert (await world.api.post(f"/v1/promotions/{pid}/archive")).status_code == 200
    assert (await world.api.delete("/v1/schemas/customer/properties/ltv")).status_code == 204
    copy = await world.api.post(f"/v1/promotions/{pid}/duplicate", json={})
    assert copy.status_code == 201, copy.text
    assert copy.json()["tiers"] == stored
    await page.goto(world.url(copy.json()["id"]))
    note = page.locator('.tb-tier[data-loc="tiers.0"] [data-readonly-condition]')
    await expect(note).to_contain_text("customer.ltv")
    await expect(note).to_contain_text("kept exactly as it is")
    assert json.loads(await page.evaluate("tierBuilder.serialize()")) == stored
    # The rest of the tier stays editable.
    await page.locator('[data-loc="tiers.0.name"] input').fill("Rich")
    assert (
        json.loads(await page.evaluate("tierBuilder.serialize()"))[0]["condition"]
        == stored[0]["condition"]
    )
    # Saving it is refused by the API (the property is gone), next to the condition.
    await page.click("#save-tiers")
    await expect(page.locator('[data-loc="tiers.0.condition"] em.error')).to_have_text(
        "unknown property 'customer.ltv'"
    )
    await expect(page.locator('[data-loc="tiers.0.name"] input')).to_have_value("Rich")


# --- Refusals next to their fields -----------------------------------------------------------


async def error_at(page: Page, loc: str) -> str:
    return await page.locator(f'[data-loc="{loc}"] > em.error').inner_text()


async def test_bad_input_is_shown_next_to_its_field_and_nothing_is_stored(
    page: Page, world: World
) -> None:
    before = await world.promotion()
    await page.goto(world.url())
    await add_tier(page, 0, "Gold", "gold")
    root = "tiers.0.condition"
    await add_rule(page, root)
    await set_rule(page, f"{root}.all.0", "session.deposit_amount", "gte")
    await page.locator(f'[data-loc="{root}.all.0.value"] input').fill("abc")
    await add_rule(page, root)
    await set_rule(page, f"{root}.all.1", "session.games", "gte")  # left empty
    await add_rule(page, root)
    await set_rule(page, f"{root}.all.2", "customer.birthday", "in")
    await page.locator(f'[data-loc="{root}.all.2.value"] textarea').fill("2026-02-30")
    await set_reward(page, "tiers.0.rewards.0", "free_spins", "fixed")  # amount left empty
    await page.click("#save-tiers")

    await expect(page.locator(".alert")).to_have_text(
        "Nothing was saved: 4 problems in the tiers, each shown next to its field below."
    )
    assert await error_at(page, f"{root}.all.0.value") == (
        "expected a decimal number such as \"12.50\", got 'abc'"
    )
    assert await error_at(page, f"{root}.all.1.value") == "“is at least” needs a value"
    assert await error_at(page, f"{root}.all.2.value") == (
        "value 1: expected a date as YYYY-MM-DD, got '2026-02-30'"
    )
    assert await error_at(page, "tiers.0.rewards.0.value.fixed") == "Required."
    # The unsaved edits are still on the page, and the faulty inputs are marked.
    await expect(page.locator(f'[data-loc="{root}.all.0.value"] input')).to_have_value("abc")
    await expect(page.locator(f'[data-loc="{root}.all.0.value"] input')).to_have_attribute(
        "aria-invalid", "true"
    )
    await expect(page.locator('[data-loc="tiers.0.name"] input')).to_have_value("Gold")
    await expect(page.locator(f'[data-loc="{root}.all.2.value"] textarea')).to_have_value(
        "2026-02-30"
    )
    after = await world.promotion()
    assert (after["tiers"], after["version"]) == (before["tiers"], before["version"])

    # Fixed, it saves.
    await page.locator(f'[data-loc="{root}.all.0.value"] input').fill("100")
    await page.locator(f'[data-loc="{root}.all.1.value"] input').fill("2")
    await page.locator(f'[data-loc="{root}.all.2.value"] textarea').fill("2026-02-28")
    await fill_number(page, "tiers.0.rewards.0.value.fixed", "5")
    await page.click("#save-next")
    await page.wait_for_url(f"**/ui/promotions/{world.promotion_id}/edit/limits**")
    assert (await world.tiers())[0]["condition"]["all"][2]["value"] == ["2026-02-28"]


async def test_bad_json_in_the_advanced_view_is_refused(page: Page, world: World) -> None:
    stored = await world.put_tiers(THREE)
    await page.goto(world.url())
    await page.click("#view-json")
    await page.locator("#tiers-json-editor").fill('[{"id": "x",')
    await page.click("#view-builder")  # refused: stays in the JSON view with a message
    await expect(page.locator("#json-view")).to_be_visible()
    await expect(page.locator('[data-loc="tiers"] > em.error')).to_contain_text(
        "This is not valid JSON"
    )
    await page.click("#save-tiers")
    await expect(page.locator(".alert")).to_contain_text("not valid JSON")
    await expect(page.locator("#json-view")).to_be_visible()
    await expect(page.locator("#tiers-json-editor")).to_have_value('[{"id": "x",')
    await expect(page.locator("#json-field > em.error")).to_contain_text("not valid JSON")
    # Valid JSON of the wrong shape is refused too.
    await page.locator("#tiers-json-editor").fill('{"tiers": []}')
    await page.click("#save-tiers")
    await expect(page.locator(".alert")).to_be_visible()
    await expect(page.locator("#json-field > em.error")).to_have_text("must be a list")
    assert await world.tiers() == stored

    # Edited JSON shows in the builder and saves.
    edited = json.loads(json.dumps(THREE))
    edited[0]["name"] = "Alpha prime"
    await page.locator("#tiers-json-editor").fill(json.dumps(edited))
    await page.click("#view-builder")
    await expect(page.locator('[data-loc="tiers.0.name"] input')).to_have_value("Alpha prime")
    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    assert [t["name"] for t in await world.tiers()] == ["Alpha prime", "Beta", "Gamma"]


# --- The draft simulator ----------------------------------------------------------------------

SIM_TIERS = [
    {
        "id": "gold",
        "name": "Gold",
        "condition": {"all": [{"property": "session.deposit_amount", "op": "gte", "value": "100"}]},
        "rewards": [
            {
                "reward_type": "eur_bonus",
                "value": {"percent": "10", "of": "session.deposit_amount", "max": "50"},
            }
        ],
    },
    {
        "id": "small",
        "name": "Small",
        "condition": {"all": [{"property": "session.deposit_amount", "op": "gte", "value": "10"}]},
        "rewards": [{"reward_type": "free_spins", "value": {"fixed": "5"}}],
    },
]


async def test_the_simulator_runs_the_unsaved_draft_and_stores_nothing(
    page: Page, world: World
) -> None:
    stored = await world.put_tiers(SIM_TIERS)
    before = await world.promotion()
    await page.goto(world.url())
    await page.fill("#sim-customer", "c-1")
    await page.fill('#sim-form input[name="session.deposit_amount"]', "80")
    await page.click("#sim-run")
    await expect(page.locator("#sim-tier")).to_have_text("Small")
    await expect(page.locator("#sim-rewards")).to_have_text("5 free spins")
    await expect(page.locator("#sim-trace")).to_contain_text(
        "Deposit amount is 80, the rule is “at least 100”: tier 1 “Gold” skipped."
    )
    await expect(page.locator("#sim-trace")).to_contain_text("Tier 2 “Small”: its conditions hold")

    # An unsaved change: Gold from 50.
    await page.locator('[data-loc="tiers.0.condition.all.0.value"] input').fill("50")
    await page.click("#sim-run")
    await expect(page.locator("#sim-tier")).to_have_text("Gold")
    await expect(page.locator("#sim-rewards")).to_have_text("8.00 EUR")
    await expect(page.locator(".tb-simnote")).to_contain_text("draft")

    # Nobody qualifies below 10.
    await page.fill('#sim-form input[name="session.deposit_amount"]', "5")
    await page.click("#sim-run")
    await expect(page.locator("#sim-tier")).to_have_text("none")
    await expect(page.locator("#sim-reasons")).to_contain_text(
        "The customer fits none of the tiers."
    )

    # A draft with a problem is not simulated; the problem is marked in the builder.
    await page.locator('[data-loc="tiers.0.condition.all.0.value"] input').fill("lots")
    await page.click("#sim-run")
    await expect(page.locator("#sim-result .alert")).to_contain_text("Can't simulate")
    await expect(
        page.locator('[data-loc="tiers.0.condition.all.0.value"] > em.error')
    ).to_contain_text("expected a decimal number")

    after = await world.promotion()
    assert (after["tiers"], after["version"]) == (stored, before["version"])
    grants = await world.api.get("/v1/grants")
    assert grants.json()["items"] == []


async def test_tiers_are_read_only_after_the_first_activation(page: Page, world: World) -> None:
    stored = await world.put_tiers(SIM_TIERS)
    assert (
        await world.api.post(f"/v1/promotions/{world.promotion_id}/activate")
    ).status_code == 200
    await page.goto(world.url())
    await expect(page.locator("#tiers-locked")).to_contain_text("frozen")
    await expect(page.locator("#save-tiers")).to_have_count(0)
    await expect(page.locator("#add-tier")).to_have_count(0)
    await expect(
        page.locator('[data-loc="tiers.0.condition.all.0.property"] select')
    ).to_be_disabled()
    await expect(page.locator('[data-loc="tiers.0.name"] input')).not_to_be_editable()
    assert json.loads(await page.evaluate("tierBuilder.serialize()")) == stored
    # The simulator still tries them (active: limits and budgets apply as they are).
    await page.fill('#sim-form input[name="session.deposit_amount"]', "120")
    await page.click("#sim-run")
    await expect(page.locator("#sim-tier")).to_have_text("Gold")
    await expect(page.locator("#sim-rewards")).to_have_text("12.00 EUR")


async def test_datetimes_are_entered_in_the_tenants_timezone(page: Page, world: World) -> None:
    await world.put_tiers(
        [
            {
                "id": "late",
                "condition": {
                    "all": [
                        {
                            "property": "customer.signed_up_at",
                            "op": "gte",
                            "value": "2026-12-01T00:00:00+00:00",
                        }
                    ]
                },
                "rewards": [{"reward_type": "free_spins", "value": {"fixed": "1"}}],
            }
        ]
    )
    await page.goto(world.url())
    box = page.locator('[data-loc="tiers.0.condition.all.0.value"] input')
    assert (await box.input_value()).startswith("2026-12-01T01:00")  # Europe/Paris, winter
    await expect(page.locator('[data-loc="tiers.0.condition.all.0.value"]')).to_contain_text(
        "Europe/Paris"
    )

    async def stored_as(wall: str) -> str:
        await box.fill(wall)
        tiers = json.loads(await page.evaluate("tierBuilder.serialize()"))
        return str(tiers[0]["condition"]["all"][0]["value"])

    assert await stored_as("2026-07-14T20:30") == "2026-07-14T20:30:00+02:00"
    assert await stored_as("2026-12-24T18:00:15") == "2026-12-24T18:00:15+01:00"
    # 02:30 does not exist on 29 March in Paris: read with the winter offset, it is 03:30.
    assert await stored_as("2026-03-29T02:30") == "2026-03-29T03:30:00+02:00"
    # 02:30 happens twice on 25 October: the first one.
    assert await stored_as("2026-10-25T02:30") == "2026-10-25T02:30:00+02:00"
    await box.fill("2026-07-14T20:30")
    await page.click("#save-tiers")
    await expect(page.locator(".flash")).to_have_text("Tiers saved.")
    stored = await world.tiers()
    assert stored[0]["condition"]["all"][0]["value"] == "2026-07-14T20:30:00+02:00"


def preview_cases() -> list[tuple[dict[str, Any], int, str, str]]:
    """(formula, decimals, rounding, sample) over every kind, rounding and precision."""
    formulas: list[dict[str, Any]] = [
        {"fixed": "20"},
        {"fixed": "0.5", "max": "0.3"},
        {"percent": "10", "of": "session.x"},
        {"percent": "12.345", "of": "session.x", "min": "1", "max": "50"},
        {"percent": "0.01", "of": "session.x"},
        {"percent": "150", "of": "session.x", "max": "999.999"},
        {"per": "10", "of": "session.x", "value": "1"},
        {"per": "2.5", "of": "session.x", "value": "0.333", "min": "1"},
        {"per": "0.001", "of": "session.x", "value": "7", "max": "100000"},
    ]
    samples = ["0", "1", "9.99", "10", "120.99", "-5", "33.3333", "1e3", "987654321.123456789"]
    cases = []
    for formula in formulas:
        for decimals in (0, 1, 2, 3):
            for rounding in ("down", "up", "half_up", "half_even"):
                for sample in samples:
                    cases.append((formula, decimals, rounding, sample))
    return cases


async def test_the_reward_preview_computes_exactly_as_the_engine(page: Page, world: World) -> None:
    from decimal import Decimal

    from openpromo.rules import RewardTypeInfo, RuleError, compile_formula, format_value

    await page.goto(world.url())
    cases, expected = [], []
    for formula, decimals, rounding, sample in preview_cases():
        info = RewardTypeInfo("r", decimals, rounding)  # type: ignore[arg-type]
        try:
            compiled = compile_formula(formula, {"session.x": "decimal"}, info)
        except RuleError:
            continue  # e.g. a fixed value with more places than the reward type has
        value = compiled({"session.x": Decimal(sample)})
        cases.append([formula, {"decimals": decimals, "rounding": rounding}, sample])
        expected.append(format_value(value, decimals))
    assert len(cases) > 900
    got = await page.evaluate(
        "cases => cases.map(c => tierBuilder.preview(c[0], c[1], c[2]))", cases
    )
    mismatches = [(c, e, g) for c, e, g in zip(cases, expected, got, strict=True) if e != g]
    assert mismatches == []
