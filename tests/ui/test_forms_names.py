"""Issue 19 in Chromium: names where a person expects names — the reward type's display name
in the promotion page's budget labels and on its settings page, promocode types in words."""

from __future__ import annotations

from openpromo.db import Database
from openpromo.promocode.schemas import PromocodeCreate
from openpromo.promocode.service import promocode_service
from openpromo.promotion.schemas import PromotionCreate, PublishingBudgets
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.schemas import RewardTypeCreate
from openpromo.reward_type.service import reward_type_service
from tests.conftest import make_tenant
from tests.ui.browser import BROWSER_ONLY, Page, expect, log_in
from tests.ui.conftest import make_user

pytestmark = BROWSER_ONLY


async def test_display_names_and_type_words(page: Page, database: Database) -> None:
    tenant = await make_tenant(database, "Names everywhere")
    async with database.unit_of_work() as session:
        await reward_type_service.create(
            session,
            tenant.principal,
            RewardTypeCreate(
                key="eur_bonus",
                name="Bonus money",
                display_name="Bonus (EUR)",
                category="amount",
                currency="EUR",
            ),
        )
        promotion = await promotion_service.create(
            session, tenant.principal, PromotionCreate(name="Winter boost")
        )
        await promotion_service.set_budgets(
            session,
            tenant.principal,
            promotion.id,
            PublishingBudgets.model_validate(
                {"reward_budgets": [{"reward_type": "eur_bonus", "window": "month", "limit": 900}]}
            ),
        )
        code = await promocode_service.create(
            session,
            tenant.principal,
            PromocodeCreate(name="Gold invite", type="single_use", value="GOLD-1"),
        )
        await promocode_service.assign_promotion(session, tenant.principal, code.id, promotion.id)
        await promocode_service.create(
            session, tenant.principal, PromocodeCreate(name="Pool", type="bulk")
        )
    admin = await make_user(database, tenant.id, "admin")
    await log_in(page, admin)

    await page.goto(f"/ui/promotions/{promotion.id}")
    budget = page.locator("#budget-use")
    await expect(budget).to_contain_text("Bonus (EUR) · per month")
    assert "eur_bonus" not in await budget.inner_text()
    await page.click("#tab-promocodes")
    assigned = page.locator("#assigned-promocodes tbody tr").first
    await expect(assigned).to_contain_text("Gold invite")
    await expect(assigned.locator(".badge")).to_have_text("Single use")
    await expect(page.locator("#assign-promocode select[name=promocode_id]")).to_contain_text(
        "Pool (bulk"
    )

    await page.goto("/ui/settings/reward-types/eur_bonus")
    await expect(page.locator("h2").first).to_contain_text("Bonus (EUR)")
    await page.goto(f"/ui/promocodes/{code.id}")
    await expect(page.locator("h1 .badge").first).to_have_text("Single use")
