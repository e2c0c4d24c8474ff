"""The current request's id, as a context variable: set by the HTTP middleware, carried by the
validation coalescer into the batch it runs on another task, read by the log formatter."""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
