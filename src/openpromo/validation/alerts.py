"""Which alert thresholds of a promotion's caps and budgets a commit crosses (pure).

The commit holds the calendar counters it consumes locked from its locking read to COMMIT, so
``used`` (what the read saw) plus the plan's delta is exactly the counter's value before and
after this commit: a threshold is crossed when ``before < share * limit <= after``. The
webhook service's guarded insert then makes each (promotion, limit, window, threshold) fire
once even if two transactions were to see the same crossing. Rolling windows have no window
to fire once in and send no threshold events.

A commit that holds one slice of a sliced counter (docs/hot-promotions.md) sees the other
slices as last committed, not what concurrent commits are adding to them: two of them can
take the counter past a threshold together while each sees itself below it. For those
counters (``catch_up``) a threshold at or below ``after`` also counts when this process does
not know it marked already: the guarded mark makes it fire once, at the first commit that
sees the counter past it — one commit late at worst, never lost while commits go on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from openpromo.validation.planner import cap_key
from openpromo.webhook.service import LimitCrossing

DEFAULT_THRESHOLDS = (0.5, 0.8, 1.0)

# (limit key, window start, threshold) this process found marked already: a catch-up check
# costs a statement only until then. Bounded: cleared when full (it is only a shortcut).
_KNOWN: set[tuple[str, datetime, float]] = set()
_MAX_KNOWN = 100_000


def known_marked(crossings: list[LimitCrossing]) -> None:
    """Remember marks the database had already (not this transaction's: it may roll back)."""
    if len(_KNOWN) + len(crossings) > _MAX_KNOWN:
        _KNOWN.clear()
    _KNOWN.update((c.limit_key, c.window_start, c.threshold) for c in crossings)


def _limits(promotion_id: str, budgets: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Counter key -> (its configuration, kind) for every cap and budget."""
    found: dict[str, dict[str, Any]] = {}
    for cap in budgets.get("audience_caps") or []:
        found[cap_key(promotion_id, cap["window"])] = {"kind": "audience_cap", **cap}
    for budget in budgets.get("reward_budgets") or []:
        key = f"{promotion_id}:budget:{budget['reward_type']}:{budget['window']}"
        found[key] = {"kind": "reward_budget", **budget}
    return found


def limit_crossings(
    promotion_id: str,
    budgets: Mapping[str, Any],
    deltas: Mapping[tuple[str, datetime], tuple[int, int]],
    used: Mapping[tuple[str, datetime], int],
    catch_up: set[tuple[str, datetime]] | frozenset[tuple[str, datetime]] = frozenset(),
) -> list[LimitCrossing]:
    if not budgets:
        return []
    limits: dict[str, dict[str, Any]] | None = None
    crossings: list[LimitCrossing] = []
    prefixes = (f"{promotion_id}:cap:", f"{promotion_id}:budget:")
    for (key, window_start), (amount, limit) in deltas.items():
        if not amount or not key.startswith(prefixes):
            continue
        if limits is None:
            limits = _limits(promotion_id, budgets)
        spec = limits.get(key)
        if spec is None or limit <= 0:
            continue
        before = used.get((key, window_start), 0)
        after = before + amount
        shares = spec.get("alert_thresholds")
        if shares is None:
            shares = budgets.get("alert_thresholds") or DEFAULT_THRESHOLDS
        kill = spec.get("deactivate_at")
        late = (key, window_start) in catch_up
        for share in sorted({*shares, *([kill] if kill is not None else [])}):
            crossed = before < share * limit <= after
            if not crossed and late and share * limit <= after:
                crossed = (key, window_start, float(share)) not in _KNOWN
            if crossed:
                crossings.append(
                    LimitCrossing(
                        promotion_id=promotion_id,
                        limit_key=key,
                        window_start=window_start,
                        threshold=float(share),
                        data={
                            "promotion_id": promotion_id,
                            "limit": {
                                "kind": spec["kind"],
                                "reward_type": spec.get("reward_type"),
                                "window": spec["window"],
                                "window_start": window_start.isoformat(),
                                "limit": limit,
                                "used": after,
                            },
                        },
                        deactivate=kill is not None and share == kill,
                        alert=share in shares,
                    )
                )
    return crossings
