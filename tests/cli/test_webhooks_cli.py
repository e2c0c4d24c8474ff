"""``openpromo webhooks …`` and ``openpromo promotions pause-all``."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from openpromo.db import Database
from openpromo.webhook.delivery import DeliveryWorker
from tests.cli.test_cli import _invoke, _json
from tests.validation.factory import setup_world
from tests.webhook.conftest import allow_loopback  # noqa: F401 - the fixture
from tests.webhook.receiver import receiver

pytestmark = pytest.mark.usefixtures("allow_loopback")


async def test_webhooks_commands(database: Database, app: FastAPI) -> None:
    tenant = await _json(["tenant", "create", "Hooks", "--json"])
    tid = str(tenant["tenant_id"])
    world = await setup_world(database, tid)
    async with receiver() as rec:
        rec.answer = lambda r: 500 if r.json["type"] == "webhook.test" else 200
        created = await _json(
            ["webhooks", "create", rec.url, "--events", "*", "--tenant", tid, "--json"]
        )
        assert str(created["secret"]).startswith("whsec_")
        listed = await _json(["webhooks", "list", "--tenant", tid, "--json"])
        assert [e["id"] for e in listed["items"]] == [created["id"]]  # type: ignore[attr-defined]
        queued = await _json(["webhooks", "test", str(created["id"]), "--tenant", tid, "--json"])
        await DeliveryWorker(database).run_once()
        shown = await _json(
            ["webhooks", "attempts", str(queued["delivery_id"]), "--tenant", tid, "--json"]
        )
        assert [a["status_code"] for a in shown["attempts"]] == [500]  # type: ignore[attr-defined]
        listed_d = await _json(
            ["webhooks", "deliveries", str(created["id"]), "--tenant", tid, "--json"]
        )
        assert [d["status"] for d in listed_d["items"]] == ["pending"]  # type: ignore[attr-defined]
        refused = await _invoke(
            ["webhooks", "redeliver", str(queued["delivery_id"]), "--tenant", tid]
        )
        assert refused.exit_code == 1 and "still pending" in refused.output
        paused = await _json(["promotions", "pause-all", "--tenant", tid, "--json"])
        assert paused == {"paused": [world.promotion_id]}
        await DeliveryWorker(database).run_once()
        assert [r.json["type"] for r in rec.received][-1] == "promotion.deactivated"
        assert rec.received[-1].json["data"]["reason"] == "pause_all"
