"""The CSV form of a promocode's values (API export and ``openpromo codes export``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

CSV_COLUMNS = ("value", "status", "customer_id", "allocated_at", "redeemed_at")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return "" if value is None else value


def csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\r\n"


def csv_rows(rows: Sequence[Any]) -> str:
    """Rows with the attributes of ``CSV_COLUMNS``, as CSV lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(
        (
            row.value,
            row.status,
            _cell(row.customer_id),
            _cell(row.allocated_at),
            _cell(row.redeemed_at),
        )
        for row in rows
    )
    return buffer.getvalue()
