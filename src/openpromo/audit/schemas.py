from __future__ import annotations

from datetime import datetime
from typing import Any

from openpromo.kit.schema import OutputModel


class AuditEntry(OutputModel):
    id: str
    actor_type: str
    actor_id: str | None
    action: str
    object_type: str
    object_id: str | None
    before: Any
    after: Any
    created_at: datetime
