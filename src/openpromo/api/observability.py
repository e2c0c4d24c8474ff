"""Request ids, structured JSON logs and Prometheus metrics, as one pure ASGI middleware.

A pure ASGI middleware (not ``BaseHTTPMiddleware``) costs a few microseconds per request,
which matters on the validation hot path. Metrics are labelled by the route *template*
(``/v1/promotions/{id}``), never the raw path, so cardinality stays bounded.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openpromo.kit.request_context import request_id_var

REQUESTS = Counter("openpromo_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "openpromo_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

access_logger = logging.getLogger("openpromo.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Plain text with the same fields as the JSON lines: the message, then ``key=value`` for
    the request id and every structured field (the access log's method, path, route, status
    and duration), values with spaces quoted."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields: dict[str, Any] = {}
        request_id = request_id_var.get()
        if request_id:
            fields["request_id"] = request_id
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            fields.update(extra)
        if not fields:
            return line
        pairs = " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())
        head, newline, rest = line.partition("\n")  # an exception's traceback stays below
        return f"{head} {pairs}{newline}{rest}"


def _text_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return json.dumps(text) if (not text or any(c in text for c in ' "=\n')) else text


def configure_logging(level: str, as_json: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if as_json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Client libraries log every outgoing request at INFO; keep our log about our requests.
    logging.getLogger("httpx").setLevel(logging.WARNING)


# A request id is this process's random prefix and a counter: unique across processes and
# restarts like a UUID (64 random bits per process), without a UUID's cost on every request.
_ID_PREFIX = secrets.token_hex(8)
_ids = itertools.count(1)


def _new_request_id() -> str:
    return f"{_ID_PREFIX}{next(_ids):016x}"


# The metrics' labelled children, looked up once per label set: ``labels()`` validates and
# locks on every call, a visible share of a small request's CPU.
@functools.cache
def _requests(method: str, route: str, status: int) -> Any:
    return REQUESTS.labels(method, route, str(status))


@functools.cache
def _latency(method: str, route: str) -> Any:
    return LATENCY.labels(method, route)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else "unmatched"


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming[:64] if incoming else _new_request_id()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope.get("method", "")
            _requests(method, route, status_holder[0]).inc()
            _latency(method, route).observe(elapsed)
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "request",
                    extra={
                        "fields": {
                            "method": method,
                            "path": scope.get("path"),
                            "route": route,
                            "status": status_holder[0],
                            "duration_ms": round(elapsed * 1000, 2),
                        }
                    },
                )
            request_id_var.reset(token)
