"""The whole OpenAPI fuzzed with schemathesis (issue 13, docs/api-conformance.md).

Every operation of the app's ``/openapi.json`` is called with generated requests — valid and
invalid ones — as the admin of a seeded tenant, and every answer must pass schemathesis'
checks: no 5xx, a documented status code, the declared content type, a body matching its
documented schema (problem+json included), documented headers, an ``Allow`` header on 405s
naming the path's methods, 405 for undocumented methods, auth enforced (it strips and
spoils the key itself). Three checks are off, each for a reason in docs/api-conformance.md.
``test_stateful`` then walks the OpenAPI links (create → get → update → …) as a state machine.

How the requests reach the app: the app runs on the test session's event loop (its database
engine lives there), so schemathesis is given a small WSGI callable (``AppBridge``) that runs
each request through ``httpx.ASGITransport`` on that loop. A sync test has the loop to itself
(pytest-asyncio only runs it during async tests and fixtures), so ``run_until_complete`` is safe.
Every path schemathesis takes — the test's call, its auth probes, the state machine — goes
through the schema's ``app``, hence through the bridge.

Size: ``OPENPROMO_FUZZ_EXAMPLES`` (default 15) examples per operation in the fuzzing phase,
plus schemathesis' deterministic examples and coverage phases. Generation is derandomized with
a fixed seed and no example database, so a run is the same run every time.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import Case as GenericCase

from openpromo.app import create_app
from openpromo.auth.keys import hash_key
from openpromo.db import Database
from openpromo.models import ApiKey
from tests.api.test_cross_tenant import WorldA, _world_a
from tests.conftest import make_client, make_tenant

EXAMPLES = int(os.environ.get("OPENPROMO_FUZZ_EXAMPLES", "") or 15)
STATEFUL_STEPS = max(10, EXAMPLES)
BASE_URL = "http://fuzz.test"
Case = GenericCase[Any]
# The fuzz tenant's admin key is fixed at import: schemathesis prepares some cases (explicit
# examples, the coverage phase) at collection time, before any fixture has run.
FUZZ_KEY = "op_fuzz0000_" + "k" * 43


class AppBridge:
    """A WSGI callable that runs each request through the ASGI app on the session's loop."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client: httpx.AsyncClient | None = None
        self.statuses: dict[str, set[int]] = {}  # per operation, as test_api saw them
        self.requests = 0  # every request the bridge has run, for test_stateful

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        assert self.loop is not None and self.client is not None, "fuzz_bridge fixture not set"
        self.requests += 1
        headers: list[tuple[bytes, bytes]] = [
            (name[5:].replace("_", "-").lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in environ.items()
            if name.startswith("HTTP_")
        ]
        for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(name):
                headers.append((name.replace("_", "-").lower().encode(), environ[name].encode()))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        # The path as sent (percent-encodings kept), and the query string werkzeug keeps apart.
        url = environ["RAW_URI"]
        if "?" not in url and environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        answer = self.loop.run_until_complete(
            self.client.request(
                environ["REQUEST_METHOD"],
                url,
                headers=headers,
                content=body,
            )
        )
        start_response(
            f"{answer.status_code} {answer.reason_phrase}", list(answer.headers.multi_items())
        )
        return [answer.content]


BRIDGE = AppBridge()

schema = schemathesis.openapi.from_dict(
    create_app().openapi(),
    config=schemathesis.Config.from_dict(
        {
            "base-url": BASE_URL,
            "seed": 13,
            "generation": {
                "max-examples": EXAMPLES,
                "deterministic": True,
                "database": "none",
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
            # Off, see docs/api-conformance.md: business rules JSON Schema cannot state (422
            # for schema-valid input); pydantic's lax coercions (0 for false, a number for a
            # date-time), left to the bad-input layer; DELETE of a promotion archives it.
            "checks": {
                "positive_data_acceptance": {"enabled": False},
                "negative_data_rejection": {"enabled": False},
                "use_after_free": {"enabled": False},
            },
        }
    ),
)
schema.app = BRIDGE
# The customer import's NDJSON body is a string in the OpenAPI: sent as is, like text/plain.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")


@schema.auth(refresh_interval=None, retry_on=[])
class AdminKey:
    """Every request carries the fuzz tenant's admin key (schemathesis strips or spoils it
    itself when it checks that auth is enforced)."""

    def get(self, case: Case, ctx: schemathesis.AuthContext) -> str:
        return FUZZ_KEY

    def set(self, case: Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


# Path parameters that name one of the seeded objects, by parameter name; the fuzzer uses them
# for about half of the cases, so operations also run on real objects, not only into 404s.
SEEDED: dict[str, list[str]] = {}
FUZZ_KEY_ID: list[str] = []  # the fuzz key's id, once seeded


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    if not path_parameters or not any(name in SEEDED for name in path_parameters):
        return st.just(path_parameters)
    seeded = st.fixed_dictionaries(
        {
            name: st.sampled_from(SEEDED[name]) if name in SEEDED else st.just(value)
            for name, value in path_parameters.items()
        }
    )
    return st.one_of(st.just(path_parameters), seeded)


@schema.hook
def filter_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> bool:
    # The fuzz key itself is never revoked: every later request would be a (documented) 401.
    return not path_parameters or path_parameters.get("key_id") not in FUZZ_KEY_ID


async def _seed(app: FastAPI, database: Database) -> tuple[WorldA, str]:
    tenant = await make_tenant(database, "Fuzz tenant")
    async with database.unit_of_work() as session:
        key = ApiKey(
            tenant_id=tenant.id,
            name="fuzz",
            role="admin",
            prefix="op_fuzz0000",
            key_hash=hash_key(FUZZ_KEY),
        )
        session.add(key)
        await session.flush()
        key_id = key.id
    async with make_client(app, tenant.admin_key) as client:
        world = await _world_a(database, client, tenant.id)
    return world, key_id


@pytest.fixture(scope="module")
async def fuzz_bridge(app: FastAPI, database: Database) -> Any:
    """Seeds the fuzz tenant and points the bridge at the app on this (the session's) loop."""
    world, key_id = await _seed(app, database)
    SEEDED.update(
        {
            "promotion_id": [world.promotion_id],
            "promocode_id": [world.promocode_id],
            "campaign_id": [world.campaign_id],
            "grant_id": [world.grant_id],
            "key_id": [world.key_id],
            "run_id": [world.run_id],
            "user_id": [world.user_id],
            "endpoint_id": [world.webhook_endpoint_id],
            "delivery_id": [world.webhook_delivery_id],
            "reservation_id": [world.reservation_id],
            "key": ["eur", "spins", "ltv"],
            "scope": ["customer", "session"],
            "customer_id": ["cust-a"],
        }
    )
    FUZZ_KEY_ID.append(key_id)
    BRIDGE.loop = asyncio.get_running_loop()
    # A 500 is an answer to report (schemathesis' "server error"), not an exception here.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    BRIDGE.client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
    yield BRIDGE
    await BRIDGE.client.aclose()
    BRIDGE.loop = BRIDGE.client = None


@schema.parametrize()
# the long profile (OPENPROMO_FUZZ_EXAMPLES) may run past the suite's 300 s per test
@pytest.mark.timeout(max(300, 5 * EXAMPLES))
def test_api(case: Case, fuzz_bridge: AppBridge) -> None:
    response = case.call_and_validate()
    fuzz_bridge.statuses.setdefault(case.operation.label, set()).add(response.status_code)


def test_fuzzing_reached_the_seeded_objects(fuzz_bridge: AppBridge) -> None:
    """The run above was not 401s and 404s only: most operations succeeded at least once (on
    a seeded object, or creating one), so the checks saw real answers."""
    if not fuzz_bridge.statuses:
        pytest.skip("test_api did not run (deselected)")
    succeeded = sorted(
        label for label, codes in fuzz_bridge.statuses.items() if any(c < 300 for c in codes)
    )
    # the fuzz key always worked (schemathesis' own auth probes are not recorded here)
    assert [label for label, codes in fuzz_bridge.statuses.items() if 401 in codes] == []
    assert len(succeeded) >= 0.7 * len(fuzz_bridge.statuses), (
        sorted(set(fuzz_bridge.statuses) - set(succeeded)),
        fuzz_bridge.statuses,
    )


# The state machine's steps that must have run (their checks passed) when hypothesis stops it
# for inconsistent generation (below).
MIN_STATEFUL_REQUESTS = 50


@pytest.mark.timeout(max(300, 20 * EXAMPLES))
def test_stateful(fuzz_bridge: AppBridge) -> None:
    machine = schema.as_state_machine()
    before = fuzz_bridge.requests
    try:
        machine.run(
            settings=hypothesis.settings(
                max_examples=max(5, EXAMPLES // 2),
                stateful_step_count=STATEFUL_STEPS,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(hypothesis.HealthCheck),
            )
        )
    except hypothesis.errors.FlakyStrategyDefinition:
        # The machine's rules draw from bundles filled by live answers, and the database is
        # shared by every example of the run: a replayed prefix can meet other answers (an
        # object created by an earlier example now conflicts), and hypothesis stops the run as
        # "inconsistent data generation". That is the harness, not the API: a failed check
        # raises schemathesis' own failure (or FlakyFailure wrapping it), which still fails
        # here. What ran before the stop must be a real run, so its checks mean something.
        ran = fuzz_bridge.requests - before
        assert ran >= MIN_STATEFUL_REQUESTS, f"the state machine stopped after {ran} requests"


@pytest.mark.timeout(120)
def test_stateful_created_promocode_stays_found(fuzz_bridge: AppBridge) -> None:
    """Regression (docs/api-conformance.md, finding 6): the state machine over two operations
    only, create a promocode → assign it a promotion. The assignment's body names a generated
    promotion id (schemathesis' inferred link fills only the path); an unknown one was a 404,
    which ``ensure_resource_availability`` rightly reads as "the promocode just created is not
    found". It is a 422 on ``body.promotion_id`` now. Small and deterministic: the full
    machine reaches this pair only on some database states, this one on every run."""
    machine = schema.include(
        operation_id=["create_promocode", "assign_promocode_promotion"]
    ).as_state_machine()
    machine.run(
        settings=hypothesis.settings(
            max_examples=10,
            stateful_step_count=10,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
