"""ORM tables, one module per table. Importing this package registers every table on
``Base.metadata`` (Alembic and the tests rely on it): add a line here for each new table."""

from openpromo.models.api_key import ApiKey
from openpromo.models.audience_member import AudienceMember
from openpromo.models.audit_entry import AuditEntry
from openpromo.models.base import Base
from openpromo.models.campaign import Campaign
from openpromo.models.customer import Customer
from openpromo.models.customer_sync_config import CustomerSyncConfig
from openpromo.models.customer_sync_lease import CustomerSyncLease
from openpromo.models.customer_sync_run import CustomerSyncRun
from openpromo.models.customer_sync_staging import CustomerSyncStagingRow
from openpromo.models.grant import Grant
from openpromo.models.grant_reference import GrantReference
from openpromo.models.idempotency_key import IdempotencyKey
from openpromo.models.promocode import Promocode
from openpromo.models.promocode_campaign import PromocodeCampaign
from openpromo.models.promocode_value import PromocodeValue
from openpromo.models.promotion import Promotion
from openpromo.models.property_definition import PropertyDefinition
from openpromo.models.reward_type import RewardType
from openpromo.models.reward_type_image import RewardTypeImage
from openpromo.models.tenant import Tenant
from openpromo.models.usage_counter import UsageCounter
from openpromo.models.user import User
from openpromo.models.webhook import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookThresholdMark,
)

__all__ = [
    "ApiKey",
    "AudienceMember",
    "AuditEntry",
    "Base",
    "Campaign",
    "Customer",
    "CustomerSyncConfig",
    "CustomerSyncLease",
    "CustomerSyncRun",
    "CustomerSyncStagingRow",
    "Grant",
    "GrantReference",
    "IdempotencyKey",
    "Promocode",
    "PromocodeCampaign",
    "PromocodeValue",
    "Promotion",
    "PropertyDefinition",
    "RewardType",
    "RewardTypeImage",
    "Tenant",
    "UsageCounter",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookThresholdMark",
]
