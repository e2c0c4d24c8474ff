from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from openpromo.customer.ingest import IngestReport
from openpromo.kit.schema import InputModel, JsonObject, OutputModel
from openpromo.schema.schemas import MAX_PROPERTIES_PER_SCOPE


class CustomerPut(InputModel):
    properties: JsonObject = Field(
        max_length=MAX_PROPERTIES_PER_SCOPE,
        description="Values to merge into the customer's stored values, by property key. "
        "`null` removes a value. Unknown keys are refused; customer-schema properties that "
        "are not synchronised are reported in `not_synchronised` and not stored.",
    )


class PropertySource(OutputModel):
    source: Literal["api", "import", "sync"]
    updated_at: datetime


class Customer(OutputModel):
    customer_id: str
    properties: dict[str, Any]
    sources: dict[str, PropertySource]
    created_at: datetime
    updated_at: datetime
    grants: dict[str, Any] | None = Field(
        default=None,
        description="Summary of the customer's grants (present once the grants domain "
        "provides one).",
    )


class CustomerPutResult(Customer):
    not_synchronised: list[str] = Field(
        default_factory=list,
        description="Schema properties given but not stored because they are not synchronised.",
    )
    warnings: list[str] = Field(default_factory=list)


class RowErrorOut(OutputModel):
    line: int | None = Field(description="1-based line of the row in the file")
    customer_id: str | None
    loc: list[str | int]
    msg: str


class ImportReport(OutputModel):
    rows_read: int
    rows_upserted: int = Field(description="Valid rows (stored, or that would be in a dry run)")
    rows_rejected: int
    errors: list[RowErrorOut] = Field(description="The first 1,000 rejected rows")
    not_synchronised: list[str] = Field(
        description="Customer-schema properties present in the file but not stored because "
        "the sync configuration does not synchronise them"
    )
    warnings: list[str]
    dry_run: bool

    @classmethod
    def of(cls, report: IngestReport, dry_run: bool) -> ImportReport:
        return cls.model_validate(
            {
                "rows_read": report.rows_read,
                "rows_upserted": report.rows_upserted,
                "rows_rejected": report.rows_rejected,
                "errors": [e.as_dict() for e in report.errors],
                "not_synchronised": sorted(report.not_synchronised),
                "warnings": report.warnings,
                "dry_run": dry_run,
            }
        )
