"""Promotion wire shapes (SPEC §4, §5, §12 "Promotion")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from openpromo.kit.schema import (
    INT64_MAX,
    NO_CONTROL_PATTERN,
    InputModel,
    JsonObject,
    OutputModel,
    Text,
    bounded_decimal,
)

PromotionStatus = Literal["draft", "active", "deactivated", "archived"]
Window = Literal["day", "week", "month", "lifetime", "rolling_24h", "rolling_7d", "rolling_30d"]

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$"
CODE_MAX_LENGTH = 100

Code = Annotated[
    str,
    Field(
        pattern=CODE_PATTERN,
        max_length=CODE_MAX_LENGTH,
        description="The promotion's identifier in the client's own system: 1-100 letters, "
        "digits, '_', '-' or '.', starting with a letter or digit. Unique (case-insensitively) "
        "among the tenant's non-archived promotions.",
        examples=["XMAS-2026"],
    ),
]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_CONTROL_PATTERN)]
Description = Annotated[str, Field(max_length=10_000, pattern=NO_CONTROL_PATTERN)]


def _reject_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a decimal number, got a boolean")
    if isinstance(value, float):
        # Through the shortest repr, never the binary value (0.1 -> "0.1").
        return repr(value)
    return value


def _finite_positive(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("expected a finite decimal number")
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


PositiveDecimal = Annotated[
    Decimal,
    BeforeValidator(_reject_bool),
    AfterValidator(_finite_positive),
    *bounded_decimal(10**12),
    Field(
        lt=Decimal(10) ** 12,
        description='A decimal string such as "5000" or "12.50" (JSON numbers accepted).',
    ),
]


# ---------------------------------------------------------------------------------------------
# Publishing budgets (§5)


Share = Annotated[float, Field(gt=0, le=1)]


class LimitAlerts(InputModel):
    """Alerts and the kill switch of one cap or budget (webhooks, docs/webhooks.md)."""

    alert_thresholds: list[Share] | None = Field(
        default=None,
        max_length=10,
        description="Shares of the limit (0-1] that send limit.threshold_reached once per "
        "window; omitted: the promotion's alert_thresholds, else 0.5, 0.8 and 1.0.",
    )
    deactivate_at: Share | None = Field(
        default=None,
        description="Kill switch: deactivate the promotion (audited, with its "
        "promotion.deactivated event) when this share of the limit is reached in a window.",
    )


class AudienceCap(LimitAlerts):
    """At most ``limit`` distinct customers granted in each ``window``."""

    window: Window
    limit: StrictInt = Field(gt=0, le=INT64_MAX)


class RewardBudget(LimitAlerts):
    """At most ``limit`` of ``reward_type`` granted in each ``window``."""

    reward_type: Text = Field(min_length=1, max_length=64)
    window: Window
    limit: PositiveDecimal
    on_exceed: Literal["reject", "truncate"] = "reject"


class AudienceSelection(InputModel):
    """Who gets in when one batch has more eligible customers than a cap has room for:
    ``{"method": "random"}`` or ``{"method": "attribute", "property": "<customer key>",
    "order": "asc" | "desc"}`` (a numeric or date customer property)."""

    method: Literal["random", "attribute"] = "random"
    property: Text | None = Field(default=None, max_length=64)
    order: Literal["asc", "desc"] | None = None

    @field_validator("property")
    @classmethod
    def _bare_key(cls, value: str | None) -> str | None:
        # "customer.ltv" is accepted for "ltv": the property is always a customer property.
        if value is not None and value.startswith("customer."):
            return value.removeprefix("customer.")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AudienceSelection:
        if self.method == "attribute":
            if self.property is None:
                raise ValueError("method 'attribute' needs a 'property'")
            if self.order is None:
                self.order = "desc"
        elif self.property is not None or self.order is not None:
            raise ValueError("'property' and 'order' are only for method 'attribute'")
        return self


class PublishingBudgets(InputModel):
    """SPEC §5 publishing budgets of one promotion (validated and stored here; enforced by
    validation). Every list may be empty."""

    audience_caps: list[AudienceCap] = Field(default_factory=list, max_length=7)
    reward_budgets: list[RewardBudget] = Field(default_factory=list, max_length=100)
    audience_selection: AudienceSelection = Field(default_factory=AudienceSelection)
    alert_thresholds: list[Annotated[float, Field(gt=0, le=1)]] = Field(
        default_factory=list, max_length=10
    )


def budgets_to_json(budgets: PublishingBudgets) -> dict[str, Any]:
    """The stored (and returned) form: decimals as strings, thresholds sorted and unique,
    ``property``/``order`` only for attribute selection."""
    data = budgets.model_dump(mode="json")
    if data["audience_selection"]["method"] == "random":
        data["audience_selection"] = {"method": "random"}
    data["alert_thresholds"] = sorted(set(data["alert_thresholds"]))
    for limit in [*data["audience_caps"], *data["reward_budgets"]]:
        for key in ("alert_thresholds", "deactivate_at"):
            if limit.get(key) is None:
                limit.pop(key, None)
        if limit.get("alert_thresholds") is not None:
            limit["alert_thresholds"] = sorted(set(limit["alert_thresholds"]))
    return data


# ---------------------------------------------------------------------------------------------
# Promotions


class PromotionCreate(InputModel):
    name: Name
    code: Code | None = Field(
        default=None,
        description="Omitted: derived from the name (made unique with -2, -3…).",
    )
    description: Description = ""


class PromotionUpdate(InputModel):
    """Metadata only (partial). Properties, tiers, constraints and budgets have their own
    endpoints."""

    name: Name | None = None
    code: Code | None = None
    description: Description | None = None


class PromotionDuplicate(InputModel):
    code: Code | None = Field(
        default=None, description='Omitted: "<code>-copy", "<code>-copy-2"… whichever is free.'
    )


class TiersUpdate(InputModel):
    tiers: list[JsonObject] = Field(
        description="Ordered tiers (SPEC §3); the first whose condition holds wins.",
        max_length=100,
    )


class Promotion(OutputModel):
    id: str
    name: str
    code: str
    description: str
    status: PromotionStatus
    version: int
    properties: dict[str, Any]
    tiers: list[dict[str, Any]]
    reward_constraints: dict[str, Any]
    budgets: dict[str, Any]
    first_activated_at: datetime | None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


# ---------------------------------------------------------------------------------------------
# Transaction commands


class SetMetadata(InputModel):
    command: Literal["set_metadata"]
    name: Name | None = None
    code: Code | None = None
    description: Description | None = None


class SetProperties(InputModel):
    command: Literal["set_properties"]
    properties: JsonObject


class SetTiers(InputModel):
    command: Literal["set_tiers"]
    tiers: list[JsonObject] = Field(max_length=100)


class SetRewardConstraints(InputModel):
    command: Literal["set_reward_constraints"]
    reward_constraints: JsonObject


class SetBudgets(InputModel):
    command: Literal["set_budgets"]
    budgets: PublishingBudgets


class Activate(InputModel):
    command: Literal["activate"]


class Deactivate(InputModel):
    command: Literal["deactivate"]


class Archive(InputModel):
    command: Literal["archive"]


TransactionCommand = Annotated[
    SetMetadata
    | SetProperties
    | SetTiers
    | SetRewardConstraints
    | SetBudgets
    | Activate
    | Deactivate
    | Archive,
    Field(discriminator="command"),
]

MAX_COMMANDS = 50


class TransactionRequest(InputModel):
    commands: list[JsonObject] = Field(
        min_length=1,
        max_length=MAX_COMMANDS,
        description="Applied in order, all or nothing. Each is one of "
        '{"command": "set_metadata", "name"?, "code"?, "description"?}, '
        '{"command": "set_properties", "properties": {...}}, '
        '{"command": "set_tiers", "tiers": [...]}, '
        '{"command": "set_reward_constraints", "reward_constraints": {"<key>": {...}}}, '
        '{"command": "set_budgets", "budgets": {...}}, '
        '{"command": "activate"}, {"command": "deactivate"}, {"command": "archive"}. '
        'A failure answers that command\'s error with errors[].loc starting ["commands", i].',
    )


class PauseAllResult(OutputModel):
    paused: list[str] = Field(description="The promotions deactivated (pause all), by id.")
