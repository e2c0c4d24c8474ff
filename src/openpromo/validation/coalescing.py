"""Group commit, and shared reads for dry runs: concurrent small validations of one target
go to the database together.

Every commit to a promotion locks its audience-cap and budget counter rows from the locking
read to COMMIT, so single-customer commits to one promotion run one after the other, each
paying its round trips and its share of the event loop. The batch path does the same work
for thousands of customers at once, set-wise, in about the time of a few single ones. So,
per process and per (commit or dry run, tenant, target, campaign, explain): a commit that
arrives while its key has a free slot (``_parallel``: two transactions at once on PostgreSQL)
starts at once; the commits that arrive while the slots are busy wait and then go together,
as one batch, in one transaction. Nobody waits for a timer: with no concurrency
nothing changes, under load batches form by themselves.

What stays per request: its own results and summary (``validate_together``), its own errors
— if a shared transaction fails, each request of it is run again alone, so one request's
problem is never another's — and its ``reference`` semantics: requests naming a reference
another waiting request also names go in a later batch. Requests with an ``Idempotency-Key``
and big batches are never grouped. Exactness is the batch path's: the same planner, the same
guarded counter updates.

Dry runs are grouped the same way, but only their reads are shared: one set of queries for
the group (target, customers, counters, audience members), then every request is planned on
its own, with its own seed, against that state — a dry run must see a cap's remaining places
whole, as if it were alone, and it gets the answer it would get alone. Under load a dry run
otherwise spends most of its time on its own round trips and connection handling.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from openpromo.auth.principal import Principal
from openpromo.db import get_database, validation_unit_of_work
from openpromo.errors import CommitOutcomeUnknown, ServiceUnavailable
from openpromo.kit.request_context import request_id_var
from openpromo.validation.schemas import ValidateRequest
from openpromo.validation.service import Target, validation_service

log = logging.getLogger(__name__)

# Requests with more contexts than this run alone; a batch holds at most this many contexts.
MAX_GROUPED_CONTEXTS = 50
MAX_BATCH_CONTEXTS = 2_000


@dataclass
class _Waiting:
    principal: Principal
    body: ValidateRequest
    seed: bytes
    done: asyncio.Future[dict[str, Any]]
    # The request's id, for the log lines written while its work runs in the drain task
    # (which the line's first request started, and whose id it would otherwise carry).
    request_id: str | None = field(default_factory=request_id_var.get)

    @property
    def references(self) -> set[str]:
        return {c.reference for c in self.body.contexts if c.reference}


@dataclass
class _Line:
    """The requests of one key, and how many of its transactions run now."""

    waiting: list[_Waiting] = field(default_factory=list)
    running: int = 0


def _parallel(commit: bool) -> int:
    """How many transactions of one key may run at once. Commits on PostgreSQL: two — the
    second does its reads (target, customers, counter rows to create) while the first holds
    the counter locks, and queues on them only for its last round trips (the lock order
    makes two as safe as two server processes). Dry runs are CPU work once their reads are
    shared: one; SQLite serialises writers anyway: one."""
    return 2 if commit and not get_database().is_sqlite else 1


def groupable(body: ValidateRequest, idempotency_key: str | None) -> bool:
    """Small commits without an ``Idempotency-Key``, and small dry runs (a dry run has no
    side effect for a key to protect)."""
    return (not body.commit or idempotency_key is None) and len(
        body.contexts
    ) <= MAX_GROUPED_CONTEXTS


class ValidationCoalescer:
    def __init__(self) -> None:
        self._lines: dict[tuple[Any, ...], _Line] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def validate(
        self, principal: Principal, target: Target, body: ValidateRequest, seed: bytes
    ) -> dict[str, Any]:
        key = (
            body.commit,
            principal.tenant_id,
            target.promocode_id,
            target.promotion_id,
            target.code.lower() if target.code else None,
            body.campaign_id,
            body.explain,
            body.reserve_for,
        )
        line = self._lines.setdefault(key, _Line())
        waiting = _Waiting(principal, body, seed, asyncio.get_running_loop().create_future())
        line.waiting.append(waiting)
        if line.running < _parallel(bool(body.commit)):
            line.running += 1
            task = asyncio.create_task(self._drain(key, line, target))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await waiting.done

    async def _drain(self, key: tuple[Any, ...], line: _Line, target: Target) -> None:
        commit = key[0]
        batch: list[_Waiting] = []
        try:
            while line.waiting:
                batch = _take(line.waiting, disjoint_references=commit)
                await _run(batch, target)
        except BaseException as exc:
            # Cancelled (shutdown) or a bug here: nobody may wait for ever. A commit of the
            # batch under way may or may not have landed; the requests still waiting did not.
            for item in [*batch, *line.waiting]:
                if not item.done.done():
                    interrupted = CommitOutcomeUnknown if item in batch and commit else None
                    item.done.set_exception(
                        (interrupted or ServiceUnavailable)(
                            detail=f"the grouped validation was interrupted ({exc!r})"
                        )
                    )
            line.waiting.clear()
            raise
        finally:
            line.running -= 1
            if not line.running and not line.waiting:
                self._lines.pop(key, None)


def _take(waiting: list[_Waiting], *, disjoint_references: bool) -> list[_Waiting]:
    """The next batch: arrival order, at most MAX_BATCH_CONTEXTS, and for commits no
    reference in two requests (dry runs are planned each alone)."""
    batch: list[_Waiting] = []
    seen: set[str] = set()
    contexts = 0
    rest: list[_Waiting] = []
    for item in waiting:
        refs = item.references if disjoint_references else set()
        fits = contexts + len(item.body.contexts) <= MAX_BATCH_CONTEXTS or not batch
        if fits and not (refs & seen) and not rest:
            batch.append(item)
            seen |= refs
            contexts += len(item.body.contexts)
        else:
            rest.append(item)
    waiting[:] = rest
    return batch


async def _run(batch: list[_Waiting], target: Target) -> None:
    if len(batch) == 1:
        await _alone(batch[0], target)
        return
    commit = batch[0].body.commit
    # The shared transaction's log lines carry the batch's first request id; the failure
    # line below names them all.
    token = request_id_var.set(batch[0].request_id)
    try:
        async with validation_unit_of_work(bool(commit)) as session:
            responses = await validation_service.validate_together(
                session,
                batch[0].principal,
                target,
                [item.body for item in batch],
                seeds=[item.seed for item in batch],
            )
    except CommitOutcomeUnknown as exc:
        # Whether the shared transaction landed is unknown: running the requests again here
        # could apply them twice. Each is told so (and retries with its references).
        for item in batch:
            if not item.done.done():
                item.done.set_exception(exc)
        return
    except Exception as exc:
        log.info(
            "a grouped validation (commit=%s) of %d requests failed (%r); running them one by one",
            commit,
            len(batch),
            exc,
            extra={"fields": {"grouped_request_ids": [item.request_id for item in batch]}},
        )
        for item in batch:
            await _alone(item, target)
        return
    finally:
        request_id_var.reset(token)
    for item, response in zip(batch, responses, strict=True):
        if not item.done.done():
            item.done.set_result(response)


async def _alone(item: _Waiting, target: Target) -> None:
    token = request_id_var.set(item.request_id)
    try:
        async with validation_unit_of_work(bool(item.body.commit)) as session:
            response = await validation_service.validate(
                session, item.principal, target, item.body, seed=item.seed
            )
    except Exception as exc:
        if not item.done.done():
            item.done.set_exception(exc)
        return
    finally:
        request_id_var.reset(token)
    if not item.done.done():
        item.done.set_result(response)


coalescer = ValidationCoalescer()
