"""Group commit: concurrent small commits to one target share one transaction.

Every commit to a promotion locks its audience-cap and budget counter rows from the locking
read to COMMIT, so single-customer commits to one promotion run one after the other, each
paying its round trips and its share of the event loop. The batch path does the same work
for thousands of customers at once, set-wise, in about the time of a few single ones. So,
per process and per (tenant, target, campaign, explain): a commit that arrives while none is
running starts at once; the commits that arrive while one runs wait for it and then go
together, as one batch, in one transaction. Nobody waits for a timer: with no concurrency
nothing changes, under load batches form by themselves.

What stays per request: its own results and summary (``validate_together``), its own errors
— if a shared transaction fails, each request of it is run again alone, so one request's
problem is never another's — and its ``reference`` semantics: requests naming a reference
another waiting request also names go in a later batch. Requests with an ``Idempotency-Key``
and big batches are never grouped. Exactness is the batch path's: the same planner, the same
guarded counter updates.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from openpromo.auth.principal import Principal
from openpromo.db import get_database
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

    @property
    def references(self) -> set[str]:
        return {c.reference for c in self.body.contexts if c.reference}


@dataclass
class _Line:
    """The requests of one key: at most one transaction of them runs at a time."""

    waiting: list[_Waiting] = field(default_factory=list)
    running: bool = False


def groupable(body: ValidateRequest, idempotency_key: str | None) -> bool:
    return body.commit and idempotency_key is None and len(body.contexts) <= MAX_GROUPED_CONTEXTS


class CommitCoalescer:
    def __init__(self) -> None:
        self._lines: dict[tuple[Any, ...], _Line] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references

    async def commit(
        self, principal: Principal, target: Target, body: ValidateRequest, seed: bytes
    ) -> dict[str, Any]:
        key = (
            principal.tenant_id,
            target.promocode_id,
            target.promotion_id,
            target.code.lower() if target.code else None,
            body.campaign_id,
            body.explain,
        )
        line = self._lines.setdefault(key, _Line())
        waiting = _Waiting(principal, body, seed, asyncio.get_running_loop().create_future())
        line.waiting.append(waiting)
        if not line.running:
            line.running = True
            task = asyncio.create_task(self._drain(key, line, target))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await waiting.done

    async def _drain(self, key: tuple[Any, ...], line: _Line, target: Target) -> None:
        batch: list[_Waiting] = []
        try:
            while line.waiting:
                batch = _take(line.waiting)
                await _run(batch, target)
        except BaseException as exc:
            # Cancelled (shutdown) or a bug here: nobody may wait for ever.
            for item in [*batch, *line.waiting]:
                if not item.done.done():
                    item.done.set_exception(
                        RuntimeError(f"the grouped commit was interrupted: {exc!r}")
                    )
            line.waiting.clear()
            raise
        finally:
            line.running = False
            if not line.waiting:
                self._lines.pop(key, None)


def _take(waiting: list[_Waiting]) -> list[_Waiting]:
    """The next batch: arrival order, references disjoint, at most MAX_BATCH_CONTEXTS."""
    batch: list[_Waiting] = []
    seen: set[str] = set()
    contexts = 0
    rest: list[_Waiting] = []
    for item in waiting:
        refs = item.references
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
    seed = hashlib.sha256(b"".join(item.seed for item in batch)).digest()
    try:
        async with get_database().unit_of_work(write=True) as session:
            responses = await validation_service.validate_together(
                session, batch[0].principal, target, [item.body for item in batch], seed=seed
            )
    except Exception:
        log.info("a grouped commit of %d requests failed; running them one by one", len(batch))
        for item in batch:
            await _alone(item, target)
        return
    for item, response in zip(batch, responses, strict=True):
        if not item.done.done():
            item.done.set_result(response)


async def _alone(item: _Waiting, target: Target) -> None:
    try:
        async with get_database().unit_of_work(write=True) as session:
            response = await validation_service.validate(
                session, item.principal, target, item.body, seed=item.seed
            )
    except Exception as exc:
        if not item.done.done():
            item.done.set_exception(exc)
        return
    if not item.done.done():
        item.done.set_result(response)


commit_coalescer = CommitCoalescer()
