from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from openpromo.kit.schema import InputModel, OutputModel, Text


class SqlSource(InputModel):
    kind: Literal["sql"]
    url: Text = Field(
        min_length=1,
        max_length=2000,
        description="SQLAlchemy URL of the source database. Its password is encrypted at rest "
        "and shown as `***`; sending the URL back with `***` keeps the stored password.",
    )
    query: Text = Field(
        min_length=1,
        max_length=100_000,
        description="A SELECT returning a customer_id column and one column per property",
    )


class FileSource(InputModel):
    kind: Literal["file"]
    path: Text | None = Field(default=None, max_length=4000, description="A file on the server")
    url: Text | None = Field(default=None, max_length=4000, description="An http(s) URL")
    format: Literal["csv", "ndjson"]


SyncSource = Annotated[SqlSource | FileSource, Field(discriminator="kind")]


class SyncSchedule(InputModel):
    time: str = Field(
        max_length=5,
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Daily, HH:MM in the tenant's time zone",
        examples=["03:00"],
    )


class CustomerSyncConfigIn(InputModel):
    enabled: bool = False
    properties: list[Annotated[Text, Field(max_length=64)]] = Field(
        default_factory=list,
        max_length=1000,
        description="Customer-schema properties that are synchronised (and stored). Empty: "
        "every customer-schema property.",
    )
    source: SyncSource | None = None
    schedule: SyncSchedule | None = None
    mode: Literal["upsert", "replace"] = "upsert"


class CustomerSyncConfig(OutputModel):
    enabled: bool
    properties: list[str]
    source: SqlSource | FileSource | None
    schedule: SyncSchedule | None
    mode: Literal["upsert", "replace"]
    next_run_at: datetime | None = Field(description="When the schedule runs next (UTC)")
    updated_at: datetime | None


class SyncRowError(OutputModel):
    line: int | None
    customer_id: str | None
    loc: list[str | int]
    msg: str


class SyncRun(OutputModel):
    id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    trigger: Literal["schedule", "manual"]
    mode: Literal["upsert", "replace"]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows_read: int
    rows_upserted: int
    rows_rejected: int
    errors: list[SyncRowError] = Field(description="The first 1,000 rejected rows")
    error: str | None = Field(description="Why the run failed (failed runs change nothing)")


class SyncRunSummary(OutputModel):
    """A run in the history list (without its row errors)."""

    id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    trigger: Literal["schedule", "manual"]
    mode: Literal["upsert", "replace"]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rows_read: int
    rows_upserted: int
    rows_rejected: int
    error: str | None
