"""A promotion's ordered tiers: checked once when saved, evaluated for every customer.

``compile_tiers`` validates the whole ``tiers`` list in one pass and reports every
problem with a JSON path starting ``("tiers", <index>, …)``, so the API can answer a
single 422 that the tier builder maps onto its fields. The result carries

* ``normalized`` — the tiers as they should be stored: ids filled in (``tier-<n>`` from
  the tier's 1-based position when omitted), numbers as canonical decimal strings,
  conditions in canonical form; compiling ``normalized`` again gives the same thing;
* ``referenced_properties`` — every ``"scope.key"`` read by a condition or a formula,
  the built-in ``context.*`` ones included (filter by scope when checking schemas);
* ``referenced_reward_types`` — every reward type key used.

``evaluate`` picks the **first** tier whose condition holds (generated code, see
``codegen``) and computes its rewards; ``explain`` does the same through the reference
interpreter and returns the trace of every tier tried.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from openpromo.rules.codegen import build_selector
from openpromo.rules.conditions import parse_condition, with_builtins
from openpromo.rules.errors import IssueList, Loc
from openpromo.rules.formulas import CompiledFormula, Compute, parse_formula
from openpromo.rules.interpreter import explain_condition, interpret_condition
from openpromo.rules.nodes import Node, iter_properties
from openpromo.rules.types import PropertyType, RewardTypeInfo, RewardValue, TierMatch

MAX_TIERS: Final = 100
MAX_REWARDS_PER_TIER: Final = 10
MAX_NAME_LENGTH: Final = 200
TIER_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

_TIER_FIELDS: Final = frozenset({"id", "name", "condition", "rewards"})
_REWARD_FIELDS: Final = frozenset({"reward_type", "value"})


@dataclass(frozen=True, slots=True)
class CompiledTier:
    id: str
    name: str | None
    condition: Node
    rewards: tuple[tuple[str, Compute], ...]
    normalized: dict[str, Any]


class CompiledPromotionRules:
    """The compiled tiers of one promotion; safe to cache and share between threads.

    ``normalized`` is the caller's to store (or even mutate): evaluation and ``explain``
    work from private copies.
    """

    __slots__ = (
        "_conditions",
        "_select",
        "_types",
        "normalized",
        "referenced_properties",
        "referenced_reward_types",
        "tiers",
    )

    def __init__(
        self,
        tiers: Sequence[CompiledTier],
        types: Mapping[str, PropertyType],
        referenced_properties: frozenset[str],
    ) -> None:
        self.tiers: tuple[CompiledTier, ...] = tuple(tiers)
        self.normalized: list[dict[str, Any]] = [tier.normalized for tier in self.tiers]
        self.referenced_properties = referenced_properties
        self.referenced_reward_types: frozenset[str] = frozenset(
            key for tier in self.tiers for key, _ in tier.rewards
        )
        self._types = dict(types)
        self._conditions = copy.deepcopy([tier.normalized["condition"] for tier in self.tiers])
        self._select = build_selector([tier.condition for tier in self.tiers])

    def select(self, ctx: Mapping[str, Any]) -> int:
        """Index of the first tier whose condition holds, or ``-1``. Never raises."""
        try:
            return self._select(ctx)
        except Exception:
            # Only exotic context objects get here (see conditions' module doc).
            for index, condition in enumerate(self._conditions):
                if interpret_condition(condition, self._types, ctx):
                    return index
            return -1

    def evaluate(self, ctx: Mapping[str, Any]) -> TierMatch | None:
        """The first matching tier with its rewards, or ``None``. Never raises."""
        # The hot path of every validation: kept flat on purpose (no helper calls).
        try:
            index = self._select(ctx)
        except Exception:
            index = self.select(ctx)
        if index < 0:
            return None
        tier = self.tiers[index]
        rewards = [RewardValue(key, compute(ctx)) for key, compute in tier.rewards]
        return TierMatch(tier.id, tier.name, index, rewards)

    def explain(self, ctx: Mapping[str, Any]) -> tuple[TierMatch | None, list[dict[str, Any]]]:
        """``evaluate`` plus a trace entry per tier tried, stopping at the first match.

        Entry: ``{"tier_id", "matched", "failed_leaf"}``; ``failed_leaf`` is ``None`` for
        the matched tier, else ``{"path", "property", "op", "expected", "actual",
        "negated"}`` (see ``interpreter.explain_condition``); paths start ``["tiers", i,
        "condition", …]``.
        """
        trace: list[dict[str, Any]] = []
        for index, condition in enumerate(self._conditions):
            matched, failed = explain_condition(
                condition, self._types, ctx, ("tiers", index, "condition")
            )
            tier_id = self.tiers[index].id
            trace.append({"tier_id": tier_id, "matched": matched, "failed_leaf": failed})
            if matched:
                return self._match(index, ctx), trace
        return None, trace

    def _match(self, index: int, ctx: Mapping[str, Any]) -> TierMatch:
        tier = self.tiers[index]
        rewards = [RewardValue(key, compute(ctx)) for key, compute in tier.rewards]
        return TierMatch(tier.id, tier.name, index, rewards)

    def __len__(self) -> int:
        return len(self.tiers)


def compile_tiers(
    tiers: Sequence[Mapping[str, Any]],
    types: Mapping[str, PropertyType],
    reward_types: Mapping[str, RewardTypeInfo],
) -> CompiledPromotionRules:
    """Check every tier and compile them; raises ``RuleError`` with all the issues."""
    merged = with_builtins(types)
    issues = IssueList()
    if not isinstance(tiers, Sequence) or isinstance(tiers, str | bytes):
        issues.add(("tiers",), "expected a list of tiers", "invalid_type")
        issues.raise_if_any()
    if len(tiers) > MAX_TIERS:
        issues.add(("tiers",), f"too many tiers (at most {MAX_TIERS})", "too_many")
        issues.raise_if_any()
    ids = _assign_ids(tiers, issues)
    compiled: list[CompiledTier] = []
    referenced: set[str] = set()
    for index, raw in enumerate(tiers):
        tier = _compile_tier(raw, ids[index], ("tiers", index), merged, reward_types, issues)
        if tier is not None:
            compiled.append(tier)
            referenced.update(iter_properties(tier.condition))
    issues.raise_if_any()
    for tier in compiled:
        referenced.update(
            str(reward["value"]["of"])
            for reward in tier.normalized["rewards"]
            if "of" in reward["value"]
        )
    return CompiledPromotionRules(compiled, merged, frozenset(referenced))


def _assign_ids(tiers: Sequence[Any], issues: IssueList) -> list[str]:
    """Explicit ids, checked for format and uniqueness; ``tier-<position>`` for the rest."""
    given: dict[int, str] = {}
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(tiers):
        if not isinstance(raw, Mapping) or raw.get("id") is None:
            continue
        value, here = raw["id"], ("tiers", index, "id")
        if not isinstance(value, str):
            issues.add(here, "expected a string", "invalid_type")
        elif not TIER_ID_PATTERN.fullmatch(value):
            issues.add(
                here,
                "a tier id is 1-64 letters, digits, '_', '-' or '.', "
                "starting with a letter or digit",
                "invalid_id",
            )
        elif value in first_seen:
            issues.add(
                here,
                f"tier id {value!r} is already used by tier {first_seen[value]}",
                "duplicate_id",
            )
        else:
            first_seen[value] = index
            given[index] = value
    taken = set(first_seen)
    ids: list[str] = []
    for index in range(len(tiers)):
        if index in given:
            ids.append(given[index])
            continue
        number = index + 1
        while f"tier-{number}" in taken:
            number += 1
        taken.add(f"tier-{number}")
        ids.append(f"tier-{number}")
    return ids


def _compile_tier(
    raw: Any,
    tier_id: str,
    loc: Loc,
    types: Mapping[str, PropertyType],
    reward_types: Mapping[str, RewardTypeInfo],
    issues: IssueList,
) -> CompiledTier | None:
    if not isinstance(raw, Mapping):
        issues.add(loc, "expected a tier object", "invalid_type")
        return None
    before = len(issues)
    for key in raw:
        if key not in _TIER_FIELDS:
            issues.add((*loc, str(key)), f"unknown field {key!r}", "unknown_field")
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        issues.add((*loc, "name"), "expected a string", "invalid_type")
    elif name is not None and len(name) > MAX_NAME_LENGTH:
        issues.add(
            (*loc, "name"), f"name too long (at most {MAX_NAME_LENGTH} characters)", "invalid_value"
        )
    tree, condition = parse_condition(raw.get("condition"), types, (*loc, "condition"), issues)
    rewards = _compile_rewards(raw, loc, types, reward_types, issues)
    if len(issues) > before or tree is None or rewards is None:
        return None
    normalized = {
        "id": tier_id,
        "name": name,
        "condition": condition,
        "rewards": [{"reward_type": key, "value": f.normalized} for key, f in rewards],
    }
    computes = tuple((key, formula.compute) for key, formula in rewards)
    return CompiledTier(tier_id, name, tree, computes, normalized)


def _compile_rewards(
    raw: Mapping[str, Any],
    loc: Loc,
    types: Mapping[str, PropertyType],
    reward_types: Mapping[str, RewardTypeInfo],
    issues: IssueList,
) -> list[tuple[str, CompiledFormula]] | None:
    here = (*loc, "rewards")
    items = raw.get("rewards")
    if items is None:
        issues.add(here, "field required", "missing")
        return None
    if not isinstance(items, list | tuple):
        issues.add(here, "expected a list of rewards", "invalid_type")
        return None
    if not items:
        issues.add(here, "a tier needs at least one reward", "invalid_value")
        return None
    if len(items) > MAX_REWARDS_PER_TIER:
        issues.add(here, f"too many rewards (at most {MAX_REWARDS_PER_TIER})", "too_many")
        return None
    before = len(issues)
    compiled: list[tuple[str, CompiledFormula]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        reward_loc = (*here, index)
        if not isinstance(item, Mapping):
            issues.add(reward_loc, "expected a reward object", "invalid_type")
            continue
        for key in item:
            if key not in _REWARD_FIELDS:
                issues.add((*reward_loc, str(key)), f"unknown field {key!r}", "unknown_field")
        key = item.get("reward_type")
        info = _reward_type(key, (*reward_loc, "reward_type"), reward_types, seen, issues)
        if "value" not in item or item["value"] is None:
            issues.add((*reward_loc, "value"), "field required", "missing")
            continue
        if info is None:
            continue
        formula = parse_formula(item["value"], types, info, (*reward_loc, "value"), issues)
        if formula is not None:
            compiled.append((str(key), formula))
    return compiled if len(issues) == before else None


def _reward_type(
    key: Any,
    here: Loc,
    reward_types: Mapping[str, RewardTypeInfo],
    seen: set[str],
    issues: IssueList,
) -> RewardTypeInfo | None:
    if key is None:
        issues.add(here, "field required", "missing")
        return None
    if not isinstance(key, str):
        issues.add(here, "expected a reward type key", "invalid_type")
        return None
    info = reward_types.get(key)
    if info is None:
        issues.add(here, f"unknown reward type {key!r}", "unknown_reward_type")
        return None
    if key in seen:
        issues.add(here, f"reward type {key!r} appears twice in this tier", "duplicate_reward_type")
        return None
    seen.add(key)
    return info
