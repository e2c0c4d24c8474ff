"""Webhook tests: the operator settings that let them use a loopback receiver over http."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openpromo.config import get_settings
from openpromo.webhook import service


@pytest.fixture
def allow_loopback(monkeypatch: pytest.MonkeyPatch, no_leftover_endpoints: None) -> Iterator[None]:
    """http:// and loopback destinations allowed, as an operator would for a closed network
    (and no endpoint of an earlier test in the way: ``no_leftover_endpoints``)."""
    settings = get_settings()
    monkeypatch.setattr(settings, "webhook_allow_http", True)
    monkeypatch.setattr(settings, "webhook_allow_private_destinations", True)
    service.forget_subscriptions()
    yield
    service.forget_subscriptions()
