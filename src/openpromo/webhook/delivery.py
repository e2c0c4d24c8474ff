"""The webhook delivery worker: fans the outbox out to endpoints and sends deliveries.

One pass (``DeliveryWorker.run_once``), safe in any number of processes at once:

1. **Fan out.** The oldest undispatched events are locked (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL), a delivery is added for every enabled endpoint of the tenant that subscribes
   to the type, and the events are marked dispatched — one transaction.
2. **Claim.** Due pending deliveries are claimed for ``LEASE`` (``locked_until`` and this
   pass's token, ``SKIP LOCKED``): no other worker sends them meanwhile. A worker that dies
   after claiming simply lets the lease expire; the delivery is sent again (at least once).
   A delivery waits while an older one of its endpoint with the same ordering key (the
   promotion, for promotion, limit and grant-reversal events) is pending: those arrive in
   order.
3. **Send.** Each endpoint's ordered deliveries one after the other, everything else in
   parallel (at most ``PER_ENDPOINT`` per endpoint), over kept-alive aiohttp connections
   whose names are resolved and checked once per connection (``transport.py``: the address
   checked is the address connected to); signed with Standard Webhooks
   (``standardwebhooks``: both secrets during a rotation's overlap); redirects not followed.
4. **Record.** Each batch's attempts in one transaction (only rows whose claim still holds),
   set-based for successes: 2xx → succeeded; otherwise the next attempt after
   ``SCHEDULE[n]`` ± 10 % jitter, failed after the last one — and an endpoint whose
   deliveries failed ``webhook_disable_after_failures`` times in a row is disabled (audited
   as the system).

Fan-out streams (the next batch is fanned out while earlier ones are sent), and the loop's
housekeeping purges finished deliveries after the retention (``purge``).

The clock is a parameter (tests move it); the signature's timestamp is the wall clock (the
receiver checks it against its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import aiohttp
import orjson
from standardwebhooks import Webhook

from openpromo.audit.service import audit_service
from openpromo.auth.principal import Principal
from openpromo.config import get_settings
from openpromo.db import Database, get_database
from openpromo.kit.clock import utcnow
from openpromo.kit.ids import new_id, new_ids
from openpromo.models import WebhookAttempt, WebhookEndpoint, WebhookEvent
from openpromo.webhook import repository
from openpromo.webhook.safety import RefusedDestination, UnsafeUrl, check_literal
from openpromo.webhook.service import envelope, matches, on_new_events, webhook_service
from openpromo.webhook.transport import new_session

log = logging.getLogger("openpromo.webhooks")

# Delays after attempt 1, 2, …: 12 attempts over about 24 hours (before jitter).
SCHEDULE = tuple(
    timedelta(seconds=s) for s in (30, 120, 300, 900, 1800, 3600, 7200, 10800, 14400, 18000, 28800)
)
MAX_ATTEMPTS = len(SCHEDULE) + 1
JITTER = 0.1
LEASE = timedelta(seconds=120)
EXCERPT = 1000
FAN_OUT_BATCH = 500
CLAIM_BATCH = 500
PER_ENDPOINT = 32  # requests in flight to one endpoint (per worker process)
INFLIGHT_BATCHES = 4  # fanned-out batches being sent at once
GATHER_SECONDS = 0.02  # after a batch that was not full: let a few more events come
STREAM_SECONDS = 1.0  # fan-out streaming of one pass
# Retention housekeeping: every so often, in batches of so many rows, at most so many batches
# per table per run (bounded work: a large backlog is purged over several runs).
HOUSEKEEPING_SECONDS = 600.0
PURGE_BATCH = 1000
PURGE_BATCHES = 20


@functools.lru_cache(maxsize=1024)
def _signer(secret: str) -> Webhook:
    # Decoding the secret once per endpoint, not once per message.
    return Webhook(secret)


def retry_delay(attempt: int, rng: random.Random) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1-based), with ±10 % jitter."""
    base = SCHEDULE[attempt - 1]
    return base * (1 + rng.uniform(-JITTER, JITTER))


@dataclass
class PassReport:
    dispatched: int = 0
    sent: int = 0
    succeeded: int = 0
    failed_attempts: int = 0
    latencies: list[float] = field(default_factory=list)  # event created → 2xx, seconds


class _Claimed(Protocol):
    """What sending needs of a claimed delivery (a row read back, or one just fanned out)."""

    @property
    def id(self) -> str: ...

    @property
    def ordering_key(self) -> str | None: ...


@dataclass(slots=True, frozen=True)
class _Fresh:
    # A delivery this pass just inserted claimed: no ORM object (its cost per delivery
    # showed in the worker's profile).
    id: str
    ordering_key: str | None


@dataclass
class PurgeReport:
    deliveries: int = 0  # with their attempts
    events: int = 0


@dataclass
class _Result:
    status_code: int | None
    error: str | None
    excerpt: str | None
    started_at: datetime
    duration_ms: int


class DeliveryWorker:
    def __init__(
        self,
        database: Database | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        client: aiohttp.ClientSession | None = None,
    ) -> None:
        self._database = database
        self.clock = clock
        self.rng = rng or random.Random()
        self._client = client
        self._own_client = client is None
        self._woken = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._passes = 0
        self._next_housekeeping = 0.0  # the loop purges at its start, then every so often
        # Per endpoint, shared by every batch in flight: at most PER_ENDPOINT requests.
        self._gates: dict[str, asyncio.Semaphore] = {}

    @property
    def database(self) -> Database:
        return self._database or get_database()

    def client(self) -> aiohttp.ClientSession:
        if self._client is None:
            self._client = new_session(get_settings().webhook_timeout_seconds)
        return self._client

    # -- one pass -----------------------------------------------------------------------------

    async def run_once(self) -> PassReport:
        """One pass. Outside the background loop (``worker --once``, tests) the pass closes
        the connections it opened when it ends (the last of concurrent passes does)."""
        self._passes += 1
        try:
            report = PassReport()
            # Until the outbox is empty (a pass's fan-out stream is cut after STREAM_SECONDS).
            while await self._pass(report):
                pass
            return report
        finally:
            self._passes -= 1
            if self._task is None and self._passes == 0:
                await self.close()

    async def _pass(self, report: PassReport) -> bool:
        """Fan out and send, then claim and send what is due; whether the fan-out stream was
        cut by time with events left (the loop then goes on at once)."""
        cut = False
        # Fan-out streams: while one batch is being sent and recorded, the next is fanned out
        # (at most ``INFLIGHT_BATCHES`` at once), so the delay from commit to delivery is one
        # batch's send, not a whole pass. A batch smaller than full waits ``GATHER_SECONDS``
        # for more events before the next fan-out (no transaction per event under load); the
        # stream ends when the outbox is empty or after ``STREAM_SECONDS``, so retries and
        # ordered deliveries (the claim below) get their turn under sustained load.
        inflight: set[asyncio.Task[None]] = set()
        ends = time.monotonic() + STREAM_SECONDS
        try:
            while True:
                count, fresh = await self._fan_out_batch(claim=True)
                report.dispatched += count
                if fresh:
                    inflight.add(asyncio.create_task(self._send_all(fresh, report)))
                if count == 0:
                    break
                if time.monotonic() > ends:
                    cut = True
                    break
                if len(inflight) >= INFLIGHT_BATCHES:
                    await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
                elif count < FAN_OUT_BATCH:
                    await asyncio.sleep(GATHER_SECONDS)
                for task in [t for t in inflight if t.done()]:
                    inflight.discard(task)
                    task.result()  # a batch that failed ends the pass (logged by the loop)
            await asyncio.gather(*inflight)
        except asyncio.CancelledError:
            for task in inflight:
                task.cancel()
            raise
        except Exception:
            # Let the batches already being sent finish and record what they sent (else
            # their claims expire and they are sent again).
            await asyncio.gather(*inflight, return_exceptions=True)
            raise
        while True:
            claimed = await self._claim()
            if not claimed:
                break
            await self._send_all(claimed, report)
        return cut

    async def fan_out(self) -> int:
        """Deliveries for every undispatched event (in batches); how many events."""
        total = 0
        while True:
            count, _ = await self._fan_out_batch(claim=False)
            total += count
            if count < FAN_OUT_BATCH:
                return total

    async def _fan_out_batch(
        self, *, claim: bool
    ) -> tuple[int, list[tuple[_Claimed, WebhookEvent, WebhookEndpoint, str]]]:
        """One batch of the outbox fanned out. With ``claim``, the new deliveries without an
        ordering key are created claimed by this pass and returned, to be sent at once (no
        claim round trip); ordered ones are left to the claim, which keeps their order."""
        now = self.clock()
        token = new_id()
        fresh: list[tuple[_Claimed, WebhookEvent, WebhookEndpoint, str]] = []
        async with self.database.unit_of_work() as session:
            events = await repository.undispatched_events(session, FAN_OUT_BATCH)
            if not events:
                return 0, []
            endpoints = await repository.enabled_endpoints(
                session, sorted({e.tenant_id for e in events})
            )
            by_tenant: dict[str, list[WebhookEndpoint]] = {}
            for endpoint in endpoints:
                by_tenant.setdefault(endpoint.tenant_id, []).append(endpoint)
            pairs = [
                (event, endpoint)
                for event in events
                for endpoint in by_tenant.get(event.tenant_id, [])
                if event.endpoint_id is None and matches(endpoint.event_types, event.type)
            ]
            ids = iter(sorted(new_ids(len(pairs))))  # delivery order = event order
            rows: list[dict[str, Any]] = []
            for event, endpoint in pairs:
                mine = claim and event.ordering_key is None
                delivery_id = next(ids)
                row = {
                    "id": delivery_id,
                    "tenant_id": event.tenant_id,
                    "endpoint_id": endpoint.id,
                    "event_id": event.id,
                    "event_type": event.type,
                    "ordering_key": event.ordering_key,
                    "status": "pending",
                    "attempt_count": 0,
                    "schedule_offset": 0,
                    "next_attempt_at": now,
                    "locked_until": now + LEASE if mine else None,
                    "claim_token": token if mine else None,
                    "created_at": now,
                }
                rows.append(row)
                if mine:
                    fresh.append((_Fresh(delivery_id, None), event, endpoint, token))
            await repository.insert_deliveries(session, rows)
            await repository.mark_dispatched(session, [e.id for e in events], now)
        return len(events), fresh

    async def _claim(
        self,
    ) -> list[tuple[_Claimed, WebhookEvent, WebhookEndpoint, str]]:
        now = self.clock()
        token = new_id()
        async with self.database.unit_of_work() as session:
            ids = await repository.claim_due(session, now, now + LEASE, token, CLAIM_BATCH)
            if not ids:
                return []
            rows = await repository.claimed(session, ids)
        return [(d, e, p, token) for d, e, p in rows]

    async def _send_all(
        self,
        claimed: list[tuple[_Claimed, WebhookEvent, WebhookEndpoint, str]],
        report: PassReport,
    ) -> None:
        """Send in lanes: the deliveries of one endpoint with one ordering key in order, one
        after the other; unordered ones each on its own; at most ``PER_ENDPOINT`` requests
        to one endpoint at a time. Then every result recorded in one transaction."""
        lanes: dict[tuple[str, str], list[tuple[_Claimed, WebhookEvent, WebhookEndpoint]]]
        lanes = {}
        for delivery, event, endpoint, _token in claimed:
            lane = delivery.ordering_key or f"delivery:{delivery.id}"
            lanes.setdefault((endpoint.id, lane), []).append((delivery, event, endpoint))
        gates = self._gates
        results: list[tuple[_Claimed, WebhookEvent, _Result]] = []

        async def run_lane(
            rows: list[tuple[_Claimed, WebhookEvent, WebhookEndpoint]],
        ) -> None:
            for delivery, event, endpoint in rows:
                gate = gates.setdefault(endpoint.id, asyncio.Semaphore(PER_ENDPOINT))
                async with gate:
                    result = await self._send(event, endpoint)
                results.append((delivery, event, result))
                if result.status_code is None or not 200 <= result.status_code < 300:
                    # The rest of an ordered lane waits for this one's retry.
                    break

        await asyncio.gather(*(run_lane(rows) for rows in lanes.values()))
        token = claimed[0][3]
        await self._record(results, token, report)
        # Deliveries of a lane left unsent keep their claim until it expires; release them.
        sent = {d.id for d, _, _ in results}
        unsent = [d.id for d, _, _, _ in claimed if d.id not in sent]
        if unsent:
            async with self.database.unit_of_work() as session:
                await repository.release_claims(session, unsent, token)

    async def _send(self, event: WebhookEvent, endpoint: WebhookEndpoint) -> _Result:
        started_at = self.clock()
        begun = time.perf_counter()

        def done(code: int | None, error: str | None, excerpt: str | None) -> _Result:
            ms = int((time.perf_counter() - begun) * 1000)
            return _Result(code, error, excerpt, started_at, ms)

        try:
            # Names are checked when a connection is made (transport.PinnedResolver).
            check_literal(endpoint.url)
        except UnsafeUrl as exc:
            return done(None, f"refused: the URL {exc}"[:500], None)
        body = orjson.dumps(envelope(event))
        try:
            secrets = webhook_service.secrets_of(endpoint, started_at)
        except Exception as exc:
            return done(None, str(exc)[:500], None)
        signed_at = datetime.now(UTC)
        text = body.decode()
        signatures = " ".join(_signer(secret).sign(event.id, signed_at, text) for secret in secrets)
        headers = {
            "content-type": "application/json",
            "webhook-id": event.id,
            "webhook-timestamp": str(int(signed_at.timestamp())),
            "webhook-signature": signatures,
        }
        try:
            async with self.client().post(
                endpoint.url, data=body, headers=headers, allow_redirects=False
            ) as response:
                # Only the excerpt is kept: a receiver's long answer is not read to its end.
                head = await response.content.read(EXCERPT * 4)
                code = response.status
        except aiohttp.ClientConnectorDNSError as exc:
            if isinstance(exc.os_error, RefusedDestination):
                return done(None, f"refused: the URL {exc.os_error}"[:500], None)
            return done(None, f"{type(exc).__name__}: {exc}"[:500], None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return done(None, f"{type(exc).__name__}: {exc or 'timed out'}"[:500], None)
        excerpt = head.decode("utf-8", "replace")[:EXCERPT] if head else None
        error = None
        if 300 <= code < 400:
            error = "redirects are not followed"
        return done(code, error, excerpt)

    async def _record(
        self,
        results: list[tuple[_Claimed, WebhookEvent, _Result]],
        token: str,
        report: PassReport,
    ) -> None:
        """Every attempt of the pass, in one transaction (the rows whose claim still holds:
        one that expired meanwhile belongs to another worker now, which records its own)."""
        now = self.clock()
        limit = get_settings().webhook_disable_after_failures
        report.sent += len(results)
        succeeded = [
            (d, e, r)
            for d, e, r in results
            if r.status_code is not None and 200 <= r.status_code < 300
        ]
        done = {d.id for d, _, _ in succeeded}
        others = [(d, e, r) for d, e, r in results if d.id not in done]
        async with self.database.unit_of_work() as session:
            if succeeded:
                await self._record_successes(session, succeeded, token, now, report)
            if not others:
                return
            rows = await repository.deliveries_with_claim(
                session, [d.id for d, _, _ in others], token
            )
            endpoints = await repository.endpoints_for_update(
                session, sorted({row.endpoint_id for row in rows.values()})
            )
            for delivery, _, result in others:
                row = rows.get(delivery.id)
                if row is None:
                    continue
                row.attempt_count += 1
                repository.add_attempt(
                    session,
                    WebhookAttempt(
                        id=new_id(),
                        tenant_id=row.tenant_id,
                        delivery_id=row.id,
                        number=row.attempt_count,
                        started_at=result.started_at,
                        duration_ms=result.duration_ms,
                        status_code=result.status_code,
                        succeeded=False,
                        error=result.error,
                        response_excerpt=result.excerpt,
                    ),
                )
                row.last_status_code = result.status_code
                row.last_error = result.error
                row.locked_until = None
                row.claim_token = None
                endpoint = endpoints.get(row.endpoint_id)
                report.failed_attempts += 1
                attempt = row.attempt_count - row.schedule_offset
                if attempt < MAX_ATTEMPTS:
                    row.next_attempt_at = now + retry_delay(attempt, self.rng)
                    continue
                row.status = "failed"
                row.completed_at = now
                if endpoint is None:
                    continue
                endpoint.failed_deliveries_in_a_row += 1
                if endpoint.enabled and endpoint.failed_deliveries_in_a_row >= limit:
                    endpoint.enabled = False
                    endpoint.disabled_reason = (
                        f"{endpoint.failed_deliveries_in_a_row} deliveries in a row failed "
                        f"(last: {result.error or result.status_code})"
                    )[:300]
                    audit_service.record(
                        session,
                        Principal.system(endpoint.tenant_id),
                        "webhook_endpoint.disable",
                        "webhook_endpoint",
                        endpoint.id,
                        after={"enabled": False, "reason": endpoint.disabled_reason},
                    )

    async def _record_successes(
        self,
        session: Any,
        succeeded: list[tuple[_Claimed, WebhookEvent, _Result]],
        token: str,
        now: datetime,
        report: PassReport,
    ) -> None:
        """2xx attempts in a few set-based statements: the deliveries succeeded (those whose
        claim still holds), their attempts, their endpoints' failure runs reset."""
        by_code: dict[int, list[str]] = {}
        for delivery, _, result in succeeded:
            assert result.status_code is not None
            by_code.setdefault(result.status_code, []).append(delivery.id)
        numbers: dict[str, tuple[int, str, str]] = {}
        for code, ids in by_code.items():
            numbers.update(await repository.mark_succeeded(session, ids, token, code, now))
        attempts = []
        arrived = datetime.now(UTC)
        for delivery, event, result in succeeded:
            found = numbers.get(delivery.id)
            if found is None:
                continue  # the claim expired meanwhile: another worker records its own
            number, tenant_id, _endpoint = found
            report.succeeded += 1
            report.latencies.append((arrived - event.created_at).total_seconds())
            attempts.append(
                {
                    "id": new_id(),
                    "tenant_id": tenant_id,
                    "delivery_id": delivery.id,
                    "number": number,
                    "started_at": result.started_at,
                    "duration_ms": result.duration_ms,
                    "status_code": result.status_code,
                    "succeeded": True,
                    "error": result.error,
                    "response_excerpt": result.excerpt,
                }
            )
        await repository.insert_attempts(session, attempts)
        await repository.reset_failure_runs(session, sorted({e for _, _, e in numbers.values()}))

    # -- retention ----------------------------------------------------------------------------

    async def purge(self) -> PurgeReport:
        """Finished deliveries (and their attempts) older than the retention, then events
        with no delivery left, in bounded batches, each its own transaction."""
        cutoff = self.clock() - timedelta(days=get_settings().webhook_retention_days)
        report = PurgeReport()
        for _ in range(PURGE_BATCHES):
            async with self.database.unit_of_work() as session:
                count = await repository.purge_deliveries(session, cutoff, PURGE_BATCH)
            report.deliveries += count
            if count < PURGE_BATCH:
                break
        for _ in range(PURGE_BATCHES):
            async with self.database.unit_of_work() as session:
                count = await repository.purge_events(session, cutoff, PURGE_BATCH)
            report.events += count
            if count < PURGE_BATCH:
                break
        return report

    async def _housekeeping(self) -> None:
        if time.monotonic() < self._next_housekeeping:
            return
        self._next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
        try:
            purged = await self.purge()
        except Exception:
            log.exception("webhook retention purge failed")
            return
        if purged.deliveries or purged.events:
            log.info(
                "webhook retention: purged %d deliveries and %d events",
                purged.deliveries,
                purged.events,
            )

    # -- the loop -----------------------------------------------------------------------------

    def start(self) -> None:
        """Deliver in the background of the running loop until ``stop``."""
        self._unsubscribe = on_new_events(self._woken.set)
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.close()

    async def close(self) -> None:
        """Close the worker's own HTTP connections (``stop`` does; ``run_once`` users may)."""
        if self._own_client and self._client is not None:
            await self._client.close()
            self._client = None

    async def _loop(self) -> None:
        poll = get_settings().webhook_poll_seconds
        while True:
            self._woken.clear()
            await self._housekeeping()
            busy = False
            try:
                report = PassReport()
                cut = await self._pass(report)
                # Work found: look again at once (events may have come meanwhile).
                busy = cut or bool(report.dispatched or report.sent)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("webhook delivery pass failed")
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), timeout=poll)


def describe(report: PassReport) -> dict[str, Any]:
    return {
        "dispatched": report.dispatched,
        "sent": report.sent,
        "succeeded": report.succeeded,
        "failed_attempts": report.failed_attempts,
    }
