"""Benchmark: compiled tier evaluation vs a hand-written function vs the interpreter.

    uv run python bench/rules_eval.py [--n 100000] [--seed 42] [--repeat 3]

Builds a 10-tier promotion whose tiers each have a 5-leaf condition over every property
type, and ``--n`` seeded random contexts (about 5% of values absent). It then evaluates
every context with

* the compiled rules (``compile_tiers(...).evaluate``), the code the engine runs;
* ``hand_written`` below: the same rules as the ``if`` chain a developer would write,
  the baseline the compiled code is held to;
* the recursive reference interpreter (``interpret_tiers``), one pass only (it is slow).

and prints evaluations per second for each, the compiled/hand-written ratio, and a
PASS/FAIL line against the targets: at least 100,000 evaluations/s for the compiled
rules on one core, and no more than 2x the hand-written function's time. It also checks
that all three return the same tier and reward values on every context, and exits 1 if
anything fails.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from openpromo.rules import (
    PropertyType,
    RewardTypeInfo,
    RewardValue,
    TierMatch,
    compile_tiers,
    interpret_tiers,
)

MIN_EVALS_PER_SECOND = 100_000
MAX_SLOWDOWN = 2.0

TYPES: dict[str, PropertyType] = {
    "session.deposit_amount": "decimal",
    "session.channel": "string",
    "customer.vip_level": "string",
    "customer.country": "string",
    "customer.deposit_count": "integer",
    "customer.tags": "string_list",
    "customer.is_verified": "boolean",
    "customer.registered_on": "date",
}
REWARD_TYPES = {
    "free_spins": RewardTypeInfo("free_spins", 0),
    "eur_bonus": RewardTypeInfo("eur_bonus", 2),
    "points": RewardTypeInfo("points", 0),
}


def leaf(prop: str, op: str, value: Any = None) -> dict[str, Any]:
    return {"property": prop, "op": op} | ({} if value is None else {"value": value})


def tier(tier_id: str, conditions: list[Any], rewards: list[Any]) -> dict[str, Any]:
    return {
        "id": tier_id,
        "name": tier_id.title(),
        "condition": {"all": conditions},
        "rewards": rewards,
    }


def bonus(percent: str, low: str, high: str) -> dict[str, Any]:
    formula = {"percent": percent, "of": "session.deposit_amount", "min": low, "max": high}
    return {"reward_type": "eur_bonus", "value": formula}


def spins(n: int) -> dict[str, Any]:
    return {"reward_type": "free_spins", "value": {"fixed": str(n)}}


def points(step: str, value: str) -> dict[str, Any]:
    formula = {"per": step, "of": "session.deposit_amount", "value": value}
    return {"reward_type": "points", "value": formula}


DEP, CH, VIP, CTRY = (
    "session.deposit_amount",
    "session.channel",
    "customer.vip_level",
    "customer.country",
)
COUNT, TAGS, VER, REG = (
    "customer.deposit_count",
    "customer.tags",
    "customer.is_verified",
    "customer.registered_on",
)
HOUR, DAY, NOW = "context.hour", "context.weekday", "context.now"

TIERS: list[dict[str, Any]] = [
    tier(
        "whale",
        [
            leaf(DEP, "gte", "500"),
            leaf(VIP, "in", ["gold", "platinum"]),
            leaf(VER, "eq", True),
            {"not": leaf(CTRY, "in", ["US"])},
            leaf(TAGS, "contains_any", ["vip", "casino"]),
        ],
        [bonus("25", "10", "250"), spins(50)],
    ),
    tier(
        "weekend_gold",
        [
            leaf(DAY, "in", ["6", "7"]),
            leaf(VIP, "eq", "gold"),
            leaf(DEP, "between", ["50", "499.99"]),
            leaf(HOUR, "gte", "18"),
            leaf(CTRY, "not_in", ["US", "FR"]),
        ],
        [bonus("15", "5", "75")],
    ),
    tier(
        "loyal",
        [
            leaf(COUNT, "gte", "20"),
            leaf(REG, "lt", "2023-01-01"),
            leaf(VER, "eq", True),
            leaf(DEP, "gt", "20"),
            leaf(CH, "ne", "retail"),
        ],
        [points("10", "2"), spins(10)],
    ),
    tier(
        "app_evening",
        [
            leaf(CH, "eq", "app"),
            leaf(HOUR, "between", [18, 23]),
            leaf(DEP, "gte", "30"),
            leaf(TAGS, "contains", "sports"),
            leaf(CTRY, "in", ["DE", "PT", "ES"]),
        ],
        [spins(25)],
    ),
    tier(
        "newcomer",
        [
            leaf(REG, "gte", "2026-01-01"),
            leaf(COUNT, "lte", "2"),
            leaf(TAGS, "contains", "new"),
            leaf(DEP, "gte", "10"),
            {"not": leaf(CTRY, "eq", "US")},
        ],
        [bonus("100", "5", "100")],
    ),
    tier(
        "winback",
        [
            leaf(TAGS, "contains", "churn"),
            leaf(COUNT, "gt", "5"),
            leaf(NOW, "gte", "2026-12-10T00:00:00Z"),
            leaf(DEP, "gte", "20"),
            leaf(VIP, "ne", "platinum"),
        ],
        [bonus("50", "10", "100"), spins(20)],
    ),
    tier(
        "vip",
        [
            {"any": [leaf(VIP, "eq", "platinum"), leaf(TAGS, "contains", "vip")]},
            leaf(DEP, "gte", "100"),
            leaf(VER, "eq", True),
            leaf(CTRY, "ne", "US"),
        ],
        [bonus("10", "5", "50")],
    ),
    tier(
        "early_bird",
        [
            leaf(HOUR, "lt", "10"),
            leaf(DEP, "between", ["20", "200"]),
            leaf(CH, "in", ["web", "app"]),
            {"not": leaf(TAGS, "is_empty")},
            leaf(REG, "exists"),
        ],
        [points("5", "1")],
    ),
    tier(
        "retail",
        [
            leaf(CH, "eq", "retail"),
            leaf(DEP, "gte", "50"),
            leaf(VIP, "in", ["silver", "gold"]),
            leaf(COUNT, "gte", "3"),
            leaf(CTRY, "starts_with", "D"),
        ],
        [spins(15)],
    ),
    tier(
        "everyone",
        [
            leaf(DEP, "gte", "10"),
            leaf(COUNT, "gte", "1"),
            leaf(CTRY, "exists"),
            {"not": leaf(TAGS, "contains", "churn")},
            leaf(HOUR, "gte", "0"),
        ],
        [points("10", "1")],
    ),
]


# ---- the same rules, written by hand -------------------------------------------------

D = Decimal
CENT, ONE = D("0.01"), D("1")
GOLD_PLAT, VIP_CASINO, US = frozenset({"gold", "platinum"}), frozenset({"vip", "casino"}), {"US"}
US_FR, WEEKEND, IBERIA_DE = (
    frozenset({"US", "FR"}),
    frozenset({6, 7}),
    frozenset({"DE", "PT", "ES"}),
)
WEB_APP, SILVER_GOLD = frozenset({"web", "app"}), frozenset({"silver", "gold"})
REG_2023, REG_2026 = date(2023, 1, 1), date(2026, 1, 1)
WINBACK_FROM = datetime(2026, 12, 10, tzinfo=UTC)


# Decimal constants built once, as a developer would hoist them.
N0, N1, N2, N5, N10, N15, N20, N25, N50, N100 = (
    D(n) for n in (0, 1, 2, 5, 10, 15, 20, 25, 50, 100)
)
N499_99 = D("499.99")
C0, C5, C10, C50, C75, C100, C250 = (D(n).quantize(CENT) for n in (0, 5, 10, 50, 75, 100, 250))


def pct(base: Decimal | None, percent: Decimal, low: Decimal, high: Decimal) -> Decimal:
    if base is None:
        return C0
    value = (max(base, N0) * percent / 100).quantize(CENT, ROUND_DOWN)
    return min(max(value, low), high)


def per(base: Decimal | None, step: Decimal, value: Decimal) -> Decimal:
    if base is None:
        return N0
    return ((max(base, N0) // step) * value).quantize(ONE, ROUND_DOWN)


def hand_written(ctx: Mapping[str, Any]) -> TierMatch | None:
    dep, channel, vip = ctx.get(DEP), ctx.get(CH), ctx.get(VIP)
    country, count, tags = ctx.get(CTRY), ctx.get(COUNT), ctx.get(TAGS)
    verified, registered = ctx.get(VER), ctx.get(REG)
    hour, weekday, now = ctx.get(HOUR), ctx.get(DAY), ctx.get(NOW)
    if (
        dep is not None
        and dep >= 500
        and vip in GOLD_PLAT
        and verified is True
        and country not in US
        and tags is not None
        and not VIP_CASINO.isdisjoint(tags)
    ):
        return TierMatch(
            "whale",
            "Whale",
            0,
            [
                RewardValue("eur_bonus", pct(dep, N25, C10, C250)),
                RewardValue("free_spins", N50),
            ],
        )
    if (
        weekday in WEEKEND
        and vip == "gold"
        and dep is not None
        and 50 <= dep <= N499_99
        and hour is not None
        and hour >= 18
        and country is not None
        and country not in US_FR
    ):
        return TierMatch(
            "weekend_gold",
            "Weekend_Gold",
            1,
            [RewardValue("eur_bonus", pct(dep, N15, C5, C75))],
        )
    if (
        count is not None
        and count >= 20
        and registered is not None
        and registered < REG_2023
        and verified is True
        and dep is not None
        and dep > 20
        and channel is not None
        and channel != "retail"
    ):
        return TierMatch(
            "loyal",
            "Loyal",
            2,
            [RewardValue("points", per(dep, N10, N2)), RewardValue("free_spins", N10)],
        )
    if (
        channel == "app"
        and hour is not None
        and 18 <= hour <= 23
        and dep is not None
        and dep >= 30
        and tags is not None
        and "sports" in tags
        and country in IBERIA_DE
    ):
        return TierMatch("app_evening", "App_Evening", 3, [RewardValue("free_spins", N25)])
    if (
        registered is not None
        and registered >= REG_2026
        and count is not None
        and count <= 2
        and tags is not None
        and "new" in tags
        and dep is not None
        and dep >= 10
        and country != "US"
    ):
        return TierMatch(
            "newcomer",
            "Newcomer",
            4,
            [RewardValue("eur_bonus", pct(dep, N100, C5, C100))],
        )
    if (
        tags is not None
        and "churn" in tags
        and count is not None
        and count > 5
        and now is not None
        and now >= WINBACK_FROM
        and dep is not None
        and dep >= 20
        and vip is not None
        and vip != "platinum"
    ):
        return TierMatch(
            "winback",
            "Winback",
            5,
            [
                RewardValue("eur_bonus", pct(dep, N50, C10, C100)),
                RewardValue("free_spins", N20),
            ],
        )
    if (
        (vip == "platinum" or (tags is not None and "vip" in tags))
        and dep is not None
        and dep >= 100
        and verified is True
        and country is not None
        and country != "US"
    ):
        return TierMatch("vip", "Vip", 6, [RewardValue("eur_bonus", pct(dep, N10, C5, C50))])
    if (
        hour is not None
        and hour < 10
        and dep is not None
        and 20 <= dep <= 200
        and channel in WEB_APP
        and not (tags is not None and not tags)
        and registered is not None
    ):
        return TierMatch("early_bird", "Early_Bird", 7, [RewardValue("points", per(dep, N5, N1))])
    if (
        channel == "retail"
        and dep is not None
        and dep >= 50
        and vip in SILVER_GOLD
        and count is not None
        and count >= 3
        and country is not None
        and country.startswith("D")
    ):
        return TierMatch("retail", "Retail", 8, [RewardValue("free_spins", N15)])
    if (
        dep is not None
        and dep >= 10
        and count is not None
        and count >= 1
        and country is not None
        and not (tags is not None and "churn" in tags)
        and hour is not None
        and hour >= 0
    ):
        return TierMatch("everyone", "Everyone", 9, [RewardValue("points", per(dep, N10, N1))])
    return None


# ---- data and timing -------------------------------------------------------------------


def random_contexts(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    tags = ["new", "vip", "sports", "casino", "churn"]
    contexts = []
    for _ in range(n):
        now = start + timedelta(minutes=rng.randrange(31 * 24 * 60))
        ctx: dict[str, Any] = {
            DEP: Decimal(rng.randrange(0, 100_000)) / 100,
            CH: rng.choice(["web", "app", "retail"]),
            VIP: rng.choice(["bronze", "silver", "gold", "platinum"]),
            CTRY: rng.choice(["DE", "FR", "US", "PT", "ES", "IT"]),
            COUNT: rng.randrange(0, 50),
            TAGS: rng.sample(tags, rng.randrange(0, 4)),
            VER: rng.random() < 0.7,
            REG: date(2020, 1, 1) + timedelta(days=rng.randrange(7 * 365)),
            HOUR: now.hour,
            DAY: now.isoweekday(),
            NOW: now,
            "context.date": now.date(),
        }
        for key in list(ctx):
            if rng.random() < 0.05:  # absent: half the time a missing key, else None
                if rng.random() < 0.5:
                    del ctx[key]
                else:
                    ctx[key] = None
        contexts.append(ctx)
    return contexts


Evaluator = Callable[[Mapping[str, Any]], TierMatch | None]


def timed(
    evaluate: Evaluator, contexts: list[dict[str, Any]], repeat: int
) -> tuple[float, list[TierMatch | None]]:
    """Best evaluations/s over ``repeat`` passes, and the results of the last pass."""
    best, results = 0.0, []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        results = [evaluate(ctx) for ctx in contexts]
        elapsed = time.perf_counter() - start
        best = max(best, len(contexts) / elapsed)
    return best, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of contexts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="passes; the best one counts")
    args = parser.parse_args(argv)

    rules = compile_tiers(TIERS, TYPES, REWARD_TYPES)
    leaves = [str(t["condition"]).count("'property'") for t in rules.normalized]
    contexts = random_contexts(args.n, args.seed)

    def interpreted(ctx: Mapping[str, Any]) -> TierMatch | None:
        return interpret_tiers(rules.normalized, TYPES, REWARD_TYPES, ctx)

    compiled_rate, compiled = timed(rules.evaluate, contexts, args.repeat)
    hand_rate, hand = timed(hand_written, contexts, args.repeat)
    interp_rate, interp = timed(interpreted, contexts, 1)

    disagreements = sum(
        1 for a, b, c in zip(compiled, hand, interp, strict=True) if not (a == b == c)
    )
    by_tier = Counter(match.tier_id if match else "(none)" for match in compiled)
    slowdown = hand_rate / compiled_rate

    print(
        f"rules_eval: {len(rules)} tiers, leaves per tier {leaves}, {args.n:,} contexts "
        f"(seed {args.seed}), best of {args.repeat} passes (interpreter: 1)"
    )
    print("  tiers chosen: " + ", ".join(f"{k} {v}" for k, v in by_tier.most_common()))
    for label, rate in (
        ("compiled", compiled_rate),
        ("hand-written", hand_rate),
        ("interpreter", interp_rate),
    ):
        print(f"  {label:<13} {rate:>12,.0f} evaluations/s  {1e6 / rate:7.2f} µs/evaluation")
    print(
        f"  ratio compiled/hand-written: {compiled_rate / hand_rate:.2f} of the throughput "
        f"({slowdown:.2f}x the time; target <= {MAX_SLOWDOWN:.1f}x)"
    )
    print(f"  ratio compiled/interpreter:  {compiled_rate / interp_rate:.1f}x faster")
    print(
        f"  agreement: {args.n - disagreements:,}/{args.n:,} contexts identical "
        "across compiled, hand-written and interpreter"
    )

    failures = []
    if compiled_rate < MIN_EVALS_PER_SECOND:
        failures.append(f"compiled below {MIN_EVALS_PER_SECOND:,}/s")
    if slowdown > MAX_SLOWDOWN:
        failures.append(f"compiled more than {MAX_SLOWDOWN}x slower than hand-written")
    if disagreements:
        failures.append(f"{disagreements} disagreements")
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print(
        f"PASS: compiled {compiled_rate:,.0f}/s >= {MIN_EVALS_PER_SECOND:,}/s and "
        f"{slowdown:.2f}x <= {MAX_SLOWDOWN:.1f}x hand-written time; all results agree"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
