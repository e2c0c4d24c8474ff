"""The console's main pages, in one list: the screenshots script and the accessibility test
both walk it, so a new page is added here with one line.

Paths are filled in with ``DemoTenant.ids()`` (``{active_promotion}``, ``{draft_promotion}``,
``{bulk_promocode}``, ``{campaign}``, ``{customer}``). ``screenshot`` names the PNG in
``docs/ui/`` for the pages the README and docs show.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsolePage:
    name: str
    path: str
    screenshot: str | None = None

    def url(self, ids: dict[str, str]) -> str:
        return self.path.format(**ids)


PAGES: list[ConsolePage] = [
    ConsolePage("lobby", "/ui/promotions", "lobby.png"),
    ConsolePage("promotion page", "/ui/promotions/{active_promotion}", "promotion.png"),
    ConsolePage("details step", "/ui/promotions/{draft_promotion}/edit/details"),
    ConsolePage("properties step", "/ui/promotions/{draft_promotion}/edit/properties"),
    ConsolePage("tier builder", "/ui/promotions/{draft_promotion}/edit/tiers", "builder.png"),
    ConsolePage("limits step", "/ui/promotions/{draft_promotion}/edit/limits", "limits.png"),
    ConsolePage("promocodes step", "/ui/promotions/{draft_promotion}/edit/promocodes"),
    ConsolePage("summary step", "/ui/promotions/{draft_promotion}/edit/summary", "summary.png"),
    ConsolePage("promocodes", "/ui/promocodes", "promocodes.png"),
    ConsolePage("promocode page", "/ui/promocodes/{bulk_promocode}", "promocode.png"),
    ConsolePage("campaigns", "/ui/campaigns"),
    ConsolePage("campaign page", "/ui/campaigns/{campaign}"),
    ConsolePage("customers", "/ui/customers"),
    ConsolePage("customer page", "/ui/customers/{customer}"),
    ConsolePage("grants", "/ui/grants"),
    ConsolePage("validate", "/ui/validate", "validate.png"),
    ConsolePage("simulator", "/ui/simulator", "simulator.png"),
    ConsolePage("settings", "/ui/settings", "settings.png"),
    ConsolePage("reward types", "/ui/settings/reward-types"),
    ConsolePage("new reward type", "/ui/settings/reward-types/new"),
    ConsolePage("reward type", "/ui/settings/reward-types/eur_bonus"),
    ConsolePage("customer schema", "/ui/settings/schemas/customer"),
    ConsolePage("session schema", "/ui/settings/schemas/session"),
    ConsolePage("promotion schema", "/ui/settings/schemas/promotion"),
    ConsolePage("customer sync", "/ui/sync", "sync.png"),
    ConsolePage("users", "/ui/users", "users.png"),
    ConsolePage("API keys", "/ui/api-keys"),
    ConsolePage("audit log", "/ui/audit"),
]
