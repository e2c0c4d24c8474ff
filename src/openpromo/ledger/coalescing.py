"""Group commit for single confirms and releases: concurrent ones of a tenant share one
transaction (docs/reservations.md).

A confirm alone is a few milliseconds of one transaction — BEGIN, the group's lock, one
UPDATE, COMMIT — and under load its round trips and its COMMIT are nearly all of it. So, as
``validation.coalescing`` does for commits, per process and per (action, tenant): a confirm
(or a release) that arrives while its line has a free slot (two transactions at once on
PostgreSQL, one on SQLite) starts at once; the ones that arrive while the slots are busy wait
and then go together, in one transaction, settled set-wise (``confirm_many`` /
``release_many``). Nobody waits for a timer.

What stays per request:

* its answer, and its refusal: ``confirm_many`` decides every item's 404/409/422 on the
  locked rows before anything is written, so one request's 409 is its own and the others
  go on;
* exactly once: a batch holds distinct reservations (a second request for one already in the
  batch waits for the next one, where it sees the first's outcome: the same answer);
* no half-applied batch: anything else that fails the shared transaction rolls it back
  whole, and each of its requests is run again alone, in its own transaction — except when
  the COMMIT's outcome is unknown (the connection was lost during it), which every request
  of the batch is told (503 ``commit_outcome_unknown``; a retry is safe: both are idempotent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from openpromo.auth.principal import Principal
from openpromo.db import get_database
from openpromo.errors import CommitOutcomeUnknown, OpenPromoError, ServiceUnavailable
from openpromo.kit.request_context import request_id_var
from openpromo.ledger.reservations import reservation_service
from openpromo.ledger.schemas import Reservation

log = logging.getLogger(__name__)

Action = Literal["confirm", "release"]
MAX_BATCH = 200  # reservations per shared transaction


@dataclass
class _Waiting:
    principal: Principal
    reservation_id: str
    rewards: Sequence[tuple[str, str]] | None
    done: asyncio.Future[Reservation]
    request_id: str | None = field(default_factory=request_id_var.get)


@dataclass
class _Line:
    waiting: list[_Waiting] = field(default_factory=list)
    running: int = 0


def _parallel() -> int:
    """Two transactions of a line at once on PostgreSQL: the second locks and reads while
    the first commits. SQLite serialises writers anyway: one."""
    return 1 if get_database().is_sqlite else 2


class ReservationCoalescer:
    def __init__(self) -> None:
        self._lines: dict[tuple[Any, ...], _Line] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # the loop keeps only weak references
        # Requests answered from a shared transaction, and the largest batch (tests, tuning).
        self.grouped = 0
        self.largest_batch = 0

    async def settle(
        self,
        principal: Principal,
        action: Action,
        reservation_id: str,
        rewards: Sequence[tuple[str, str]] | None = None,
    ) -> Reservation:
        """The reservation after ``action``, or its refusal raised — as the request alone."""
        key = (action, principal.tenant_id)
        line = self._lines.setdefault(key, _Line())
        item = _Waiting(
            principal, reservation_id, rewards, asyncio.get_running_loop().create_future()
        )
        line.waiting.append(item)
        if line.running < _parallel():
            line.running += 1
            task = asyncio.create_task(self._drain(key, line, action))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await item.done

    async def _drain(self, key: tuple[Any, ...], line: _Line, action: Action) -> None:
        batch: list[_Waiting] = []
        try:
            while line.waiting:
                batch = _take(line.waiting)
                self.largest_batch = max(self.largest_batch, len(batch))
                if await _run(batch, action):
                    self.grouped += len(batch)
        except BaseException as exc:
            # Cancelled (shutdown) or a bug here: nobody may wait for ever.
            for item in [*batch, *line.waiting]:
                if not item.done.done():
                    failure = CommitOutcomeUnknown if item in batch else ServiceUnavailable
                    item.done.set_exception(
                        failure(detail=f"the grouped {action} was interrupted ({exc!r})")
                    )
            line.waiting.clear()
            raise
        finally:
            line.running -= 1
            if not line.running and not line.waiting:
                self._lines.pop(key, None)


def _take(waiting: list[_Waiting]) -> list[_Waiting]:
    """The next batch: arrival order, at most MAX_BATCH, each reservation once (a repeat waits
    for the next batch, and everything after it too, to keep arrival order per id)."""
    batch: list[_Waiting] = []
    seen: set[str] = set()
    rest: list[_Waiting] = []
    for item in waiting:
        if not rest and len(batch) < MAX_BATCH and item.reservation_id not in seen:
            batch.append(item)
            seen.add(item.reservation_id)
        else:
            rest.append(item)
    waiting[:] = rest
    return batch


async def _together(batch: list[_Waiting], action: Action) -> list[Reservation | OpenPromoError]:
    async with get_database().unit_of_work() as session:
        principal = batch[0].principal
        if action == "confirm":
            return await reservation_service.confirm_many(
                session, principal, [(i.reservation_id, i.rewards) for i in batch]
            )
        return await reservation_service.release_many(
            session, principal, [i.reservation_id for i in batch]
        )


async def _run(batch: list[_Waiting], action: Action) -> bool:
    """Settle ``batch``; True when it was settled together (more than one, no re-run)."""
    if len(batch) == 1:
        await _alone(batch[0], action)
        return False
    token = request_id_var.set(batch[0].request_id)
    try:
        outcomes = await _together(batch, action)
    except CommitOutcomeUnknown as exc:
        # Whether the shared transaction landed is unknown: each request is told so.
        for item in batch:
            if not item.done.done():
                item.done.set_exception(exc)
        return False
    except Exception as exc:
        log.info(
            "a grouped %s of %d reservations failed (%r); running them one by one",
            action,
            len(batch),
            exc,
            extra={"fields": {"grouped_request_ids": [item.request_id for item in batch]}},
        )
        for item in batch:
            await _alone(item, action)
        return False
    finally:
        request_id_var.reset(token)
    for item, outcome in zip(batch, outcomes, strict=True):
        if item.done.done():
            continue
        if isinstance(outcome, OpenPromoError):
            item.done.set_exception(outcome)
        else:
            item.done.set_result(outcome)
    return True


async def _alone(item: _Waiting, action: Action) -> None:
    token = request_id_var.set(item.request_id)
    try:
        async with get_database().unit_of_work() as session:
            if action == "confirm":
                out = await reservation_service.confirm(
                    session, item.principal, item.reservation_id, item.rewards
                )
            else:
                out = await reservation_service.release(
                    session, item.principal, item.reservation_id
                )
    except Exception as exc:
        if not item.done.done():
            item.done.set_exception(exc)
        return
    finally:
        request_id_var.reset(token)
    if not item.done.done():
        item.done.set_result(out)


reservation_coalescer = ReservationCoalescer()
