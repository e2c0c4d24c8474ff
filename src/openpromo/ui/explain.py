"""A validation's answer in words: what each reason code means, the trace of the tiers tried
as sentences, and rewards named by their reward type.

One place for every page that shows validation results (the draft simulator of the tier
builder, the simulator, the Validate page) and for the pages that show grants (the ledger,
a customer's page), so a reason or a reward reads the same everywhere. ``REASON_WORDS`` is
registered as a template global (``reason_words``) by ``ui/render.py``; the templates show a
reason with the ``reason`` macro of ``templates/_explain.html``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from openpromo.auth.principal import Principal
from openpromo.campaign.service import campaign_service
from openpromo.errors import NotFound
from openpromo.promocode.service import promocode_service
from openpromo.promotion.service import promotion_service
from openpromo.reward_type.service import reward_type_service
from openpromo.ui.describe import property_name

T = TypeVar("T")

# What each reason code means, in the words of a marketer (SPEC §7's closed list; a test
# checks that every code the validation code can give is here).
REASON_WORDS: Final[Mapping[str, str]] = {
    "promotion_not_active": "The promotion is not active, so real validations give nothing.",
    "promocode_hidden": "The promocode is hidden.",
    "promocode_unassigned": "The promocode is not assigned to a promotion.",
    "campaign_not_linked": "The promocode needs one of its linked campaigns.",
    "invalid_context": "Some of the values given for this customer are not valid.",
    "outside_validity_window": "The reward can't be granted at this time (validity window).",
    "no_tier_matched": "The customer fits none of the tiers.",
    "below_minimum_reward": "The reward is below the reward type's minimum, so it is not given.",
    "customer_limit_reached": "The customer has reached a per-customer limit.",
    "already_redeemed_by_customer": "The customer has already used this promocode.",
    "max_redemptions_reached": "The promocode has been used as often as allowed.",
    "audience_cap_reached": "The promotion has reached its audience cap.",
    "budget_exhausted": "The reward budget is used up.",
    "code_not_found": "No promocode has this value.",
    "code_already_redeemed": "This code value has already been used.",
    "code_allocated_to_other_customer": "This code value belongs to another customer.",
    "pool_exhausted": "The promocode's pool of values is empty.",
}


def reason_words(code: str) -> str:
    """A reason code in words (an unknown code is shown as itself)."""
    return REASON_WORDS.get(code, code)


# --- rewards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardLabel:
    """How a reward type is named on a page: ``name`` (its display name), and for an amount
    its currency, for a unit its unit's name (``spin``)."""

    name: str
    category: str
    currency: str | None = None
    unit_name: str | None = None

    def line(self, value: Any) -> str:
        """``8.00 EUR``; ``20 free spins`` (the display name after the number), ``1 spin``."""
        if self.category == "amount":
            return f"{value} {self.currency or self.name}"
        if self.unit_name and str(value) == "1":
            return f"1 {self.unit_name}"
        name = self.name
        if len(name) > 1 and name[0].isupper() and name[1].islower():
            name = name[0].lower() + name[1:]
        return f"{value} {name}"


class RewardLabels(dict[str, RewardLabel]):
    """The tenant's reward types by key."""

    @classmethod
    async def load(cls, session: AsyncSession, tenant_id: str) -> RewardLabels:
        return cls(
            {
                r.key: RewardLabel(r.display_name or r.name, r.category, r.currency, r.unit_name)
                for r in await reward_type_service.list_all(session, tenant_id)
            }
        )

    def line(self, value: Any, key: str) -> str:
        """A value of reward type ``key`` in words; an unknown key is shown as itself."""
        label = self.get(key)
        return label.line(value) if label else f"{value} {key}"

    def is_amount(self, key: str) -> bool:
        label = self.get(key)
        return label is not None and label.category == "amount"

    def name(self, key: str) -> str:
        label = self.get(key)
        return label.name if label else key

    def totals(self, totals: Mapping[str, Any]) -> list[str]:
        return [self.line(value, key) for key, value in totals.items()]


# --- the trace ----------------------------------------------------------------------------

_OP_WORDS: Final = {
    "eq": "is",
    "ne": "is not",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "between": "is between",
    "in": "is one of",
    "not_in": "is not one of",
    "contains": "contains",
    "contains_any": "includes any of",
    "contains_all": "includes all of",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "is_empty": "is empty",
    "exists": "is set",
    "missing": "is not set",
}


def _show(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "an empty list"
    return str(value)


def _expected(op: str, expected: Any) -> str:
    if op in ("exists", "missing", "is_empty"):
        return _OP_WORDS[op]
    if op == "between" and isinstance(expected, list) and len(expected) == 2:
        return f"is between {_show(expected[0])} and {_show(expected[1])}"
    return f"{_OP_WORDS.get(op, op)} {_show(expected)}"


def trace_lines(
    trace: Sequence[Mapping[str, Any]] | None, tiers: Sequence[Any]
) -> list[dict[str, Any]]:
    """One sentence per tier of ``tiers`` (the promotion's, or a draft's): why it was
    skipped (the first rule that failed, with the customer's value), that it was chosen, or
    that it was not tried because an earlier tier won. Each line: ``text``, ``matched`` and
    the failed rule's ``path`` inside the tier's condition (``all.0``)."""
    names = {
        str(t.get("id")): t.get("name") or t.get("id")
        for t in tiers
        if isinstance(t, Mapping) and t.get("id")
    }
    lines: list[dict[str, Any]] = []
    tried: set[str] = set()
    for index, step in enumerate(trace or []):
        tier_id = str(step["tier_id"])
        tried.add(tier_id)
        name = names.get(tier_id) or tier_id
        leaf = step.get("failed_leaf")
        if step["matched"]:
            text = f"Tier {index + 1} “{name}”: its conditions hold, so it is chosen."
        elif leaf is None:
            text = f"Tier {index + 1} “{name}” skipped."
        else:
            actual = _show(leaf.get("actual"))
            rule = _expected(leaf["op"], leaf.get("expected")).removeprefix("is ")
            if leaf.get("negated"):
                rule = f"not {rule}"
            named = property_name(str(leaf["property"]))
            why = f"{named[:1].upper()}{named[1:]} is {actual}, the rule is “{rule}”"
            text = f"{why}: tier {index + 1} “{name}” skipped."
        lines.append(
            {
                "text": text,
                "matched": bool(step["matched"]),
                "path": ".".join(str(p) for p in (leaf or {}).get("path", [])),
            }
        )
    for index, tier in enumerate(tiers):
        if isinstance(tier, Mapping) and str(tier.get("id")) not in tried and trace:
            name = tier.get("name") or tier.get("id") or f"tier {index + 1}"
            lines.append(
                {
                    "text": f"Tier {index + 1} “{name}” not tried: an earlier tier won.",
                    "matched": False,
                    "path": "",
                }
            )
    return lines


def readable(
    result: Mapping[str, Any], tiers: Sequence[Any], labels: RewardLabels
) -> dict[str, Any]:
    """One validation result with words for a template: ``reward_lines`` and
    ``trace_lines`` (the reasons are worded by the template, with ``reason_words``)."""
    out = dict(result)
    out["reward_lines"] = [
        labels.line(w["value"], w["reward_type"]) for w in out.get("rewards", [])
    ]
    out["trace_lines"] = trace_lines(out.get("trace"), tiers)
    return out


# --- names for grants -----------------------------------------------------------------------


@dataclass
class GrantNames:
    """Names for a page of grants: promotions, their tiers, promocodes, campaigns and reward
    types by id or key, looked up once per distinct id (a removed one keeps its id)."""

    promotions: dict[str, str]
    tiers: dict[tuple[str, str], str]
    promocodes: dict[str, str]
    campaigns: dict[str, str]
    rewards: RewardLabels

    def tier(self, promotion_id: str, tier_id: str) -> str:
        return self.tiers.get((promotion_id, tier_id), tier_id)

    @classmethod
    async def of(
        cls, session: AsyncSession, principal: Principal, grants: Sequence[Any]
    ) -> GrantNames:
        names = cls({}, {}, {}, {}, await RewardLabels.load(session, principal.tenant_id))
        for grant in grants:
            await names._add(session, principal, grant)
        return names

    async def _add(self, session: AsyncSession, principal: Principal, grant: Any) -> None:
        pid, code_id, campaign_id = grant.promotion_id, grant.promocode_id, grant.campaign_id
        if pid not in self.promotions:
            promotion = await _found(promotion_service.get(session, principal, pid))
            self.promotions[pid] = promotion.name if promotion else pid
            for tier in (promotion.tiers if promotion else None) or []:
                self.tiers[(pid, str(tier.get("id")))] = tier.get("name") or tier.get("id")
        if code_id and code_id not in self.promocodes:
            promocode = await _found(promocode_service.get(session, principal, code_id))
            self.promocodes[code_id] = promocode.name if promocode else code_id
        if campaign_id and campaign_id not in self.campaigns:
            campaign = await _found(campaign_service.get(session, principal, campaign_id))
            self.campaigns[campaign_id] = campaign.name if campaign else campaign_id


async def _found(lookup: Awaitable[T]) -> T | None:
    try:
        return await lookup
    except NotFound:
        return None
