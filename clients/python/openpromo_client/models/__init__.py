"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_create_role import ApiKeyCreateRole
from .api_key_created import ApiKeyCreated
from .api_key_created_role import ApiKeyCreatedRole
from .api_key_role import ApiKeyRole
from .audience_cap import AudienceCap
from .audience_cap_window import AudienceCapWindow
from .audience_selection import AudienceSelection
from .audience_selection_method import AudienceSelectionMethod
from .audience_selection_order_type_0 import AudienceSelectionOrderType0
from .audit_entry import AuditEntry
from .batch_confirm import BatchConfirm
from .batch_confirm_item import BatchConfirmItem
from .batch_item_result import BatchItemResult
from .batch_item_result_problem_type_0 import BatchItemResultProblemType0
from .batch_release import BatchRelease
from .batch_release_item import BatchReleaseItem
from .batch_result import BatchResult
from .budget_stats import BudgetStats
from .campaign import Campaign
from .campaign_create import CampaignCreate
from .campaign_create_status import CampaignCreateStatus
from .campaign_status import CampaignStatus
from .campaign_update import CampaignUpdate
from .campaign_update_status_type_0 import CampaignUpdateStatusType0
from .cap_stats import CapStats
from .commit_mode import CommitMode
from .confirm_reward import ConfirmReward
from .customer import Customer
from .customer_grants_type_0 import CustomerGrantsType0
from .customer_properties import CustomerProperties
from .customer_put import CustomerPut
from .customer_put_properties import CustomerPutProperties
from .customer_put_result import CustomerPutResult
from .customer_put_result_grants_type_0 import CustomerPutResultGrantsType0
from .customer_put_result_properties import CustomerPutResultProperties
from .customer_put_result_sources import CustomerPutResultSources
from .customer_sources import CustomerSources
from .customer_sync_config import CustomerSyncConfig
from .customer_sync_config_in import CustomerSyncConfigIn
from .customer_sync_config_in_mode import CustomerSyncConfigInMode
from .customer_sync_config_mode import CustomerSyncConfigMode
from .daily_stats import DailyStats
from .daily_stats_rewards_total import DailyStatsRewardsTotal
from .delete_schema_property_scope import DeleteSchemaPropertyScope
from .event_envelope import EventEnvelope
from .event_envelope_data import EventEnvelopeData
from .file_source import FileSource
from .file_source_format import FileSourceFormat
from .generate_report import GenerateReport
from .generate_request import GenerateRequest
from .get_schema_scope import GetSchemaScope
from .grant import Grant
from .grant_reverse import GrantReverse
from .healthz_response_healthz import HealthzResponseHealthz
from .http_validation_error import HTTPValidationError
from .import_customers_files_body import ImportCustomersFilesBody
from .import_customers_format_type_0 import ImportCustomersFormatType0
from .import_report import ImportReport
from .invalid_line import InvalidLine
from .list_campaigns_status_type_0 import ListCampaignsStatusType0
from .list_grants_status_type_0 import ListGrantsStatusType0
from .list_promocode_values_format_type_0 import ListPromocodeValuesFormatType0
from .list_promocode_values_status_type_0 import ListPromocodeValuesStatusType0
from .list_promocodes_type_type_0 import ListPromocodesTypeType0
from .list_promotions_status_type_0 import ListPromotionsStatusType0
from .list_reward_types_status_type_0 import ListRewardTypesStatusType0
from .list_webhook_deliveries_status_type_0 import ListWebhookDeliveriesStatusType0
from .page_api_key import PageApiKey
from .page_audit_entry import PageAuditEntry
from .page_campaign import PageCampaign
from .page_customer import PageCustomer
from .page_grant import PageGrant
from .page_promocode import PagePromocode
from .page_promocode_value import PagePromocodeValue
from .page_promotion import PagePromotion
from .page_reward_type import PageRewardType
from .page_sync_run_summary import PageSyncRunSummary
from .page_user_out import PageUserOut
from .page_webhook_delivery import PageWebhookDelivery
from .password_reset import PasswordReset
from .password_reset_out import PasswordResetOut
from .pause_all_result import PauseAllResult
from .per_customer_limit import PerCustomerLimit
from .per_customer_limit_out import PerCustomerLimitOut
from .per_customer_limit_out_window import PerCustomerLimitOutWindow
from .per_customer_limit_window import PerCustomerLimitWindow
from .problem import Problem
from .problem_conflict import ProblemConflict
from .problem_field_error import ProblemFieldError
from .promocode import Promocode
from .promocode_create import PromocodeCreate
from .promocode_create_type import PromocodeCreateType
from .promocode_type import PromocodeType
from .promocode_type_change import PromocodeTypeChange
from .promocode_type_change_type import PromocodeTypeChangeType
from .promocode_update import PromocodeUpdate
from .promocode_value import PromocodeValue
from .promocode_value_status import PromocodeValueStatus
from .promotion import Promotion
from .promotion_assignment import PromotionAssignment
from .promotion_budgets import PromotionBudgets
from .promotion_create import PromotionCreate
from .promotion_duplicate import PromotionDuplicate
from .promotion_properties import PromotionProperties
from .promotion_reward_constraints import PromotionRewardConstraints
from .promotion_stats import PromotionStats
from .promotion_stats_reserved_total import PromotionStatsReservedTotal
from .promotion_stats_rewards_total import PromotionStatsRewardsTotal
from .promotion_status import PromotionStatus
from .promotion_tiers_item import PromotionTiersItem
from .promotion_update import PromotionUpdate
from .property_definition_in import PropertyDefinitionIn
from .property_definition_in_type import PropertyDefinitionInType
from .property_definition_out import PropertyDefinitionOut
from .property_definition_out_type import PropertyDefinitionOutType
from .property_definition_put import PropertyDefinitionPut
from .property_definition_put_type import PropertyDefinitionPutType
from .property_source import PropertySource
from .property_source_source import PropertySourceSource
from .publishing_budgets import PublishingBudgets
from .put_schema_property_scope import PutSchemaPropertyScope
from .readyz_response_readyz import ReadyzResponseReadyz
from .reason import Reason
from .reason_errors_type_0_item import ReasonErrorsType0Item
from .redeliver_request import RedeliverRequest
from .redeliver_result import RedeliverResult
from .replace_schema_scope import ReplaceSchemaScope
from .reservation import Reservation
from .reservation_confirm import ReservationConfirm
from .reservation_status import ReservationStatus
from .reward_budget import RewardBudget
from .reward_budget_on_exceed import RewardBudgetOnExceed
from .reward_budget_window import RewardBudgetWindow
from .reward_constraints import RewardConstraints
from .reward_constraints_out import RewardConstraintsOut
from .reward_out import RewardOut
from .reward_type import RewardType
from .reward_type_category import RewardTypeCategory
from .reward_type_create import RewardTypeCreate
from .reward_type_create_category import RewardTypeCreateCategory
from .reward_type_create_rounding import RewardTypeCreateRounding
from .reward_type_rounding import RewardTypeRounding
from .reward_type_status import RewardTypeStatus
from .reward_type_update import RewardTypeUpdate
from .reward_type_update_category_type_0 import RewardTypeUpdateCategoryType0
from .reward_type_update_rounding_type_0 import RewardTypeUpdateRoundingType0
from .reward_type_update_status_type_0 import RewardTypeUpdateStatusType0
from .row_error_out import RowErrorOut
from .schema import Schema
from .schema_put import SchemaPut
from .schema_scope import SchemaScope
from .secret_rotation import SecretRotation
from .set_promotion_properties_body import SetPromotionPropertiesBody
from .set_promotion_reward_constraints_body import SetPromotionRewardConstraintsBody
from .sql_source import SqlSource
from .sync_row_error import SyncRowError
from .sync_run import SyncRun
from .sync_run_mode import SyncRunMode
from .sync_run_status import SyncRunStatus
from .sync_run_summary import SyncRunSummary
from .sync_run_summary_mode import SyncRunSummaryMode
from .sync_run_summary_status import SyncRunSummaryStatus
from .sync_run_summary_trigger import SyncRunSummaryTrigger
from .sync_run_trigger import SyncRunTrigger
from .sync_schedule import SyncSchedule
from .tenant import Tenant
from .tenant_update import TenantUpdate
from .tenant_update_week_start_type_0 import TenantUpdateWeekStartType0
from .tenant_week_start import TenantWeekStart
from .test_event_result import TestEventResult
from .tier_ref import TierRef
from .tier_stats import TierStats
from .tier_stats_rewards_total import TierStatsRewardsTotal
from .tiers_update import TiersUpdate
from .tiers_update_tiers_item import TiersUpdateTiersItem
from .transaction_request import TransactionRequest
from .transaction_request_commands_item import TransactionRequestCommandsItem
from .upload_promocode_values_files_body import UploadPromocodeValuesFilesBody
from .upload_report import UploadReport
from .user_create import UserCreate
from .user_create_role import UserCreateRole
from .user_created import UserCreated
from .user_created_role import UserCreatedRole
from .user_out import UserOut
from .user_out_role import UserOutRole
from .user_update import UserUpdate
from .user_update_role_type_0 import UserUpdateRoleType0
from .validate_by_code_request import ValidateByCodeRequest
from .validate_request import ValidateRequest
from .validation_context import ValidationContext
from .validation_context_customer import ValidationContextCustomer
from .validation_context_session import ValidationContextSession
from .validation_error import ValidationError
from .validation_error_context import ValidationErrorContext
from .validation_response import ValidationResponse
from .validation_result import ValidationResult
from .validation_result_trace_type_0_item import ValidationResultTraceType0Item
from .validation_summary import ValidationSummary
from .validation_summary_rewards_total import ValidationSummaryRewardsTotal
from .value_counts import ValueCounts
from .webhook_attempt import WebhookAttempt
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_detail import WebhookDeliveryDetail
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_update import WebhookEndpointUpdate
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret
from .webhook_event_type import WebhookEventType

__all__ = (
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyCreatedRole",
    "ApiKeyCreateRole",
    "ApiKeyRole",
    "AudienceCap",
    "AudienceCapWindow",
    "AudienceSelection",
    "AudienceSelectionMethod",
    "AudienceSelectionOrderType0",
    "AuditEntry",
    "BatchConfirm",
    "BatchConfirmItem",
    "BatchItemResult",
    "BatchItemResultProblemType0",
    "BatchRelease",
    "BatchReleaseItem",
    "BatchResult",
    "BudgetStats",
    "Campaign",
    "CampaignCreate",
    "CampaignCreateStatus",
    "CampaignStatus",
    "CampaignUpdate",
    "CampaignUpdateStatusType0",
    "CapStats",
    "CommitMode",
    "ConfirmReward",
    "Customer",
    "CustomerGrantsType0",
    "CustomerProperties",
    "CustomerPut",
    "CustomerPutProperties",
    "CustomerPutResult",
    "CustomerPutResultGrantsType0",
    "CustomerPutResultProperties",
    "CustomerPutResultSources",
    "CustomerSources",
    "CustomerSyncConfig",
    "CustomerSyncConfigIn",
    "CustomerSyncConfigInMode",
    "CustomerSyncConfigMode",
    "DailyStats",
    "DailyStatsRewardsTotal",
    "DeleteSchemaPropertyScope",
    "EventEnvelope",
    "EventEnvelopeData",
    "FileSource",
    "FileSourceFormat",
    "GenerateReport",
    "GenerateRequest",
    "GetSchemaScope",
    "Grant",
    "GrantReverse",
    "HealthzResponseHealthz",
    "HTTPValidationError",
    "ImportCustomersFilesBody",
    "ImportCustomersFormatType0",
    "ImportReport",
    "InvalidLine",
    "ListCampaignsStatusType0",
    "ListGrantsStatusType0",
    "ListPromocodesTypeType0",
    "ListPromocodeValuesFormatType0",
    "ListPromocodeValuesStatusType0",
    "ListPromotionsStatusType0",
    "ListRewardTypesStatusType0",
    "ListWebhookDeliveriesStatusType0",
    "PageApiKey",
    "PageAuditEntry",
    "PageCampaign",
    "PageCustomer",
    "PageGrant",
    "PagePromocode",
    "PagePromocodeValue",
    "PagePromotion",
    "PageRewardType",
    "PageSyncRunSummary",
    "PageUserOut",
    "PageWebhookDelivery",
    "PasswordReset",
    "PasswordResetOut",
    "PauseAllResult",
    "PerCustomerLimit",
    "PerCustomerLimitOut",
    "PerCustomerLimitOutWindow",
    "PerCustomerLimitWindow",
    "Problem",
    "ProblemConflict",
    "ProblemFieldError",
    "Promocode",
    "PromocodeCreate",
    "PromocodeCreateType",
    "PromocodeType",
    "PromocodeTypeChange",
    "PromocodeTypeChangeType",
    "PromocodeUpdate",
    "PromocodeValue",
    "PromocodeValueStatus",
    "Promotion",
    "PromotionAssignment",
    "PromotionBudgets",
    "PromotionCreate",
    "PromotionDuplicate",
    "PromotionProperties",
    "PromotionRewardConstraints",
    "PromotionStats",
    "PromotionStatsReservedTotal",
    "PromotionStatsRewardsTotal",
    "PromotionStatus",
    "PromotionTiersItem",
    "PromotionUpdate",
    "PropertyDefinitionIn",
    "PropertyDefinitionInType",
    "PropertyDefinitionOut",
    "PropertyDefinitionOutType",
    "PropertyDefinitionPut",
    "PropertyDefinitionPutType",
    "PropertySource",
    "PropertySourceSource",
    "PublishingBudgets",
    "PutSchemaPropertyScope",
    "ReadyzResponseReadyz",
    "Reason",
    "ReasonErrorsType0Item",
    "RedeliverRequest",
    "RedeliverResult",
    "ReplaceSchemaScope",
    "Reservation",
    "ReservationConfirm",
    "ReservationStatus",
    "RewardBudget",
    "RewardBudgetOnExceed",
    "RewardBudgetWindow",
    "RewardConstraints",
    "RewardConstraintsOut",
    "RewardOut",
    "RewardType",
    "RewardTypeCategory",
    "RewardTypeCreate",
    "RewardTypeCreateCategory",
    "RewardTypeCreateRounding",
    "RewardTypeRounding",
    "RewardTypeStatus",
    "RewardTypeUpdate",
    "RewardTypeUpdateCategoryType0",
    "RewardTypeUpdateRoundingType0",
    "RewardTypeUpdateStatusType0",
    "RowErrorOut",
    "Schema",
    "SchemaPut",
    "SchemaScope",
    "SecretRotation",
    "SetPromotionPropertiesBody",
    "SetPromotionRewardConstraintsBody",
    "SqlSource",
    "SyncRowError",
    "SyncRun",
    "SyncRunMode",
    "SyncRunStatus",
    "SyncRunSummary",
    "SyncRunSummaryMode",
    "SyncRunSummaryStatus",
    "SyncRunSummaryTrigger",
    "SyncRunTrigger",
    "SyncSchedule",
    "Tenant",
    "TenantUpdate",
    "TenantUpdateWeekStartType0",
    "TenantWeekStart",
    "TestEventResult",
    "TierRef",
    "TierStats",
    "TierStatsRewardsTotal",
    "TiersUpdate",
    "TiersUpdateTiersItem",
    "TransactionRequest",
    "TransactionRequestCommandsItem",
    "UploadPromocodeValuesFilesBody",
    "UploadReport",
    "UserCreate",
    "UserCreated",
    "UserCreatedRole",
    "UserCreateRole",
    "UserOut",
    "UserOutRole",
    "UserUpdate",
    "UserUpdateRoleType0",
    "ValidateByCodeRequest",
    "ValidateRequest",
    "ValidationContext",
    "ValidationContextCustomer",
    "ValidationContextSession",
    "ValidationError",
    "ValidationErrorContext",
    "ValidationResponse",
    "ValidationResult",
    "ValidationResultTraceType0Item",
    "ValidationSummary",
    "ValidationSummaryRewardsTotal",
    "ValueCounts",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookDeliveryDetail",
    "WebhookEndpoint",
    "WebhookEndpointCreate",
    "WebhookEndpointUpdate",
    "WebhookEndpointWithSecret",
    "WebhookEventType",
)
