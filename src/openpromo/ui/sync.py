"""Customer synchronisation settings: the configuration as a form per source kind (the JSON
kept as the advanced way), "Test connection", "run now" and the run history.

The form never shows a stored password: the URL is shown without it, and an empty password
field keeps the stored one (the service's ``***`` convention), a typed one replaces it, and
"forget" removes it.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from openpromo.db import get_database
from openpromo.errors import OpenPromoError
from openpromo.kit.pagination import DEFAULT_LIMIT
from openpromo.schema.service import schema_service
from openpromo.sync import runner
from openpromo.sync.schemas import CustomerSyncConfigIn, FileSource, SqlSource
from openpromo.sync.service import MASK, SourceTest, sync_service
from openpromo.ui.context import Admin, AdminRead, FormErrors, UiContext, parse, parse_json
from openpromo.ui.render import redirect, render

router = APIRouter(prefix="/ui/sync", include_in_schema=False)
NAV = {"/ui/sync": "admin"}

KINDS = {"none": "No source", "sql": "A database (SQL query)", "file": "A file (CSV or NDJSON)"}


def _split_password(url: str) -> tuple[str, bool]:
    """``(the URL without its password, whether it had one)``."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url, False
    if parsed.password is None:
        return url, False
    # ``set(password=None)`` keeps the password; a URL is a named tuple.
    return parsed._replace(password=None).render_as_string(hide_password=False), True


def _form_values(config: dict[str, Any]) -> dict[str, Any]:
    """The stored configuration as the form's fields."""
    source = config.get("source") or {}
    kind = source.get("kind") or "none"
    url, has_password = _split_password(source.get("url") or "") if kind == "sql" else ("", False)
    file_source = source if kind == "file" else {}
    return {
        "enabled": config.get("enabled", False),
        "kind": kind,
        "sql_url": url,
        "query": source.get("query") or "",
        "has_password": has_password,
        "path": file_source.get("path") or "",
        "file_url": file_source.get("url") or "",
        "format": source.get("format") or "csv",
        "properties": list(config.get("properties") or []),
        "time": (config.get("schedule") or {}).get("time") or "",
        "mode": config.get("mode") or "upsert",
    }


def _source_of(form: dict[str, Any], has_password: bool) -> dict[str, Any] | None:
    kind = form.get("kind") or "none"
    if kind == "sql":
        url = str(form.get("sql_url") or "").strip()
        password = str(form.get("password") or "")
        if url:
            try:
                parsed = make_url(url)
            except (ArgumentError, ValueError):
                parsed = None  # the service says why
            if parsed is not None and parsed.password is None:
                if password:
                    url = parsed.set(password=password).render_as_string(hide_password=False)
                elif has_password and not form.get("forget_password"):
                    url = parsed.set(password=MASK).render_as_string(hide_password=False)
        return {"kind": "sql", "url": url, "query": str(form.get("query") or "")}
    if kind == "file":
        source: dict[str, Any] = {"kind": "file", "format": form.get("format") or "csv"}
        if path := str(form.get("path") or "").strip():
            source["path"] = path
        if url := str(form.get("file_url") or "").strip():
            source["url"] = url
        return source
    return None


def _config_of(form: Any, has_password: bool) -> dict[str, Any]:
    """The API's configuration object from the form's fields."""
    fields = {k: v for k, v in form.items()}
    time = str(fields.get("time") or "").strip()
    return {
        "enabled": fields.get("enabled") == "on",
        "properties": [str(p) for p in form.getlist("properties")],
        "source": _source_of(fields, has_password),
        "schedule": {"time": time[:5]} if time else None,
        "mode": fields.get("mode") or "upsert",
    }


def _relabel(errors: FormErrors) -> FormErrors:
    """Field names of the API's object → the form's (``source.url`` is ``sql_url`` or
    ``file_url`` depending on the kind; ``schedule.time`` is ``time``)."""
    renames = {
        "schedule.time": "time",
        "source.query": "query",
        "source.path": "path",
        "source.sql.url": "sql_url",
        "source.sql.query": "query",
        "source.file.url": "file_url",
        "source.file.path": "path",
        "source.file.format": "format",
    }
    fields: dict[str, str] = {}
    for name, message in (errors.fields or {}).items():
        if name == "source.url":
            fields.setdefault("sql_url", message)
            fields.setdefault("file_url", message)
        elif name.startswith("properties."):
            fields.setdefault("properties", message)
        else:
            fields.setdefault(renames.get(name, name), message)
    errors.fields = fields
    return errors


async def _page(
    ctx: UiContext,
    *,
    cursor: str | None = None,
    submitted: str | None = None,
    values: dict[str, Any] | None = None,
    section: str | None = None,
    errors: FormErrors | None = None,
    test: SourceTest | None = None,
) -> Response:
    config = await sync_service.get_config(ctx.session, ctx.principal)
    editable = {k: v for k, v in config.items() if k not in ("next_run_at", "updated_at")}
    runs = await sync_service.list_runs(
        ctx.session, ctx.principal, limit=DEFAULT_LIMIT, cursor=cursor
    )
    stored = _form_values(config)
    properties = await schema_service.definitions(ctx.session, ctx.tenant_id, "customer")
    return render(
        ctx.request,
        "settings/sync.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        section=section,
        config=config,
        values={**stored, **(values or {}), "has_password": stored["has_password"]},
        kinds=KINDS,
        customer_properties=properties,
        editor=submitted
        if submitted is not None
        else json.dumps(editable, indent=2, default=str, ensure_ascii=False),
        runs=runs,
        test=test,
    )


def _submitted_values(form: Any) -> dict[str, Any]:
    values = {k: v for k, v in form.items() if k not in ("csrf_token", "password")}
    values["enabled"] = form.get("enabled") == "on"
    values["properties"] = list(form.getlist("properties"))
    return values


@router.get("")
async def sync_settings(ctx: AdminRead, cursor: str | None = None) -> Response:
    return await _page(ctx, cursor=cursor)


@router.post("")
async def put_sync_settings(ctx: Admin) -> Response:
    form = await ctx.request.form()
    if "config" in form:  # the advanced JSON editor
        return await _put_json(ctx, str(form.get("config") or ""))
    stored = _form_values(await sync_service.get_config(ctx.session, ctx.principal))
    try:
        async with ctx.attempt():
            body = parse(CustomerSyncConfigIn, _config_of(form, stored["has_password"]))
            await sync_service.put_config(ctx.session, ctx.principal, body)
    except OpenPromoError as exc:
        return await _page(
            ctx,
            values=_submitted_values(form),
            section="config",
            errors=_relabel(FormErrors.of(exc)),
        )
    return redirect(ctx.request, "/ui/sync", "Synchronisation saved.")


async def _put_json(ctx: UiContext, text: str) -> Response:
    try:
        async with ctx.attempt():
            raw: Any = parse_json(text, ("body",)) or {}
            body = parse(CustomerSyncConfigIn, raw if isinstance(raw, dict) else {"": raw})
            await sync_service.put_config(ctx.session, ctx.principal, body)
    except OpenPromoError as exc:
        return await _page(ctx, submitted=text, section="json", errors=FormErrors.of(exc))
    return redirect(ctx.request, "/ui/sync", "Synchronisation saved.")


@router.post("/test")
async def test_sync_source(ctx: AdminRead) -> Response:
    """Try the source as it is in the form (saved or not); imports nothing."""
    form = await ctx.request.form()
    stored = _form_values(await sync_service.get_config(ctx.session, ctx.principal))
    values = _submitted_values(form)
    config = _config_of(form, stored["has_password"])
    source = config["source"]
    try:
        if source is None:
            return await _page(
                ctx,
                values=values,
                section="test",
                test=SourceTest(ok=False, message="Choose a source to test first."),
            )
        checked: SqlSource | FileSource = (
            parse(SqlSource, source, ("body", "source"))
            if source["kind"] == "sql"
            else parse(FileSource, source, ("body", "source"))
        )
        test = await sync_service.test_source(
            ctx.session, ctx.principal, checked, properties=config["properties"]
        )
    except OpenPromoError as exc:
        return await _page(
            ctx, values=values, section="config", errors=_relabel(FormErrors.of(exc))
        )
    return await _page(ctx, values=values, section="test", test=test)


@router.post("/runs")
async def run_sync_now(ctx: Admin) -> Response:
    try:
        async with ctx.attempt():
            run = await sync_service.trigger_run(ctx.session, ctx.principal, "manual")
    except OpenPromoError as exc:
        return await _page(ctx, section="runs", errors=FormErrors.of(exc))
    # Starts once this request's transaction has committed (the executor waits for it).
    runner.launch(get_database(), run.id)
    return redirect(ctx.request, "/ui/sync", "Run queued.")
