from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from openpromo.models.base import Base, JSONDoc


class CustomerSyncStagingRow(Base):
    """A validated source row of a sync run, applied set-wise when the whole source was read.

    Rows are staged in short transactions while the source streams; nothing touches
    ``customers`` until the run has read its source completely, so a failed run changes
    nothing. The rows are deleted when the run ends, whatever the outcome.
    """

    __tablename__ = "customer_sync_staging"

    run_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("customer_sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    properties: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
