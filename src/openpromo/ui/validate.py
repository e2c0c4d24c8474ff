"""Validate customers: the UI of ``POST …/validate-customers``.

Two ways to give the customers (``mode``): **one customer** in a form built from the
tenant's schemas (customer id with suggestions, the session values, the customer's property
overrides, a code value and a reference: ``simulator.one_context``), or **many** — up to
10,000 contexts written as the API takes them (one JSON object per line, or a JSON array),
pasted or uploaded as a file. A POST without ``mode`` is read as many (the form's original
shape). Either runs against a promotion or a promocode, optionally naming a campaign.
Every role may run it as a dry run (nothing is granted, consumed or allocated);
admins may commit it, which grants exactly as the API does (same service, same limits).
The simulator is the one-customer view of the same call, with the trace.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from openpromo.api.limits import UI_UPLOAD_BODY_LIMIT
from openpromo.db import validation_unit_of_work
from openpromo.errors import OpenPromoError, unprocessable
from openpromo.ui.context import FormErrors, RoleRefused, UiContext, Viewer, parse, read_form
from openpromo.ui.explain import RewardLabels
from openpromo.ui.render import render
from openpromo.ui.simulator import (
    form_target,
    one_context,
    one_customer_errors,
    run_validation,
    target_choices,
)
from openpromo.ui.wording import plain
from openpromo.validation.schemas import MAX_CONTEXTS, ValidateRequest

router = APIRouter(prefix="/ui/validate", include_in_schema=False)
NAV = {"/ui/validate": "viewer"}

# The results table shows this many customers; the summary counts them all.
SHOWN_RESULTS = 500
# An uploaded file is read whole (it is at most 10,000 contexts): bigger ones are refused
# before they fill the server's memory.
FILE_LIMIT = 32 * 1024 * 1024
CONTEXTS_LOC = ("body", "contexts")


async def _page(
    ctx: UiContext,
    values: dict[str, Any],
    *,
    result: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    return render(
        ctx.request,
        "validate/page.html",
        ctx,
        status_code=errors.status if errors else 200,
        errors=errors,
        values=values,
        result=result,
        shown=SHOWN_RESULTS,
        max_contexts=MAX_CONTEXTS,
        rewards=await RewardLabels.load(ctx.session, ctx.tenant_id),
        **await target_choices(ctx),
    )


@router.get("")
async def validate_page(
    ctx: Viewer, promotion_id: str | None = None, promocode_id: str | None = None
) -> Response:
    target = f"promocode:{promocode_id}" if promocode_id else f"promotion:{promotion_id or ''}"
    return await _page(ctx, {"target": target, "contexts": "", "campaign_id": "", "mode": "form"})


@router.post("", max_body_size=UI_UPLOAD_BODY_LIMIT)
async def validate_customers(ctx: Viewer) -> Response:
    # The page's own unit is read-only (a dry run never queues writers; on SQLite a write unit
    # is BEGIN IMMEDIATE); a commit runs in a write transaction of its own, below.
    form = await read_form(ctx.request)
    commit = form.get("commit") == "on"
    if commit and not ctx.can("admin"):
        raise RoleRefused("admin", ctx.user.role)
    upload = form.get("file")
    target_value = str(form.get("target") or "")
    campaign_id = str(form.get("campaign_id") or "")
    typed = str(form.get("contexts") or "")
    mode = "form" if form.get("mode") == "form" else "bulk"
    values: dict[str, Any] = {
        **{k: v for k, v in form.items() if isinstance(v, str)},
        "target": target_value,
        "campaign_id": campaign_id,
        "contexts": typed,
        "commit": commit,
        "mode": mode,
    }
    try:
        if mode == "form":
            contexts = [await one_context(ctx, values)]
        elif isinstance(upload, UploadFile) and upload.filename:
            contexts = read_contexts(_decoded(await _read_limited(upload)), ("body", "file"))
        else:
            contexts = read_contexts(typed, CONTEXTS_LOC)
        target = form_target(target_value)
        body = parse(
            ValidateRequest,
            {"contexts": contexts, "campaign_id": campaign_id or None, "commit": commit},
        )
        if commit:
            # Committed before the page is rendered; rolled back whole on any error.
            async with validation_unit_of_work(True) as session:
                result = await run_validation(ctx, session, target, body)
        else:
            async with ctx.attempt():
                result = await run_validation(ctx, ctx.session, target, body)
    except OpenPromoError as exc:
        errors = one_customer_errors(exc) if mode == "form" else FormErrors.of(exc)
        return await _page(ctx, values, errors=errors)
    if mode == "form":
        return await _page(ctx, values, result=result, errors=refused_values(result))
    return await _page(ctx, values, result=result)


def refused_values(result: dict[str, Any]) -> FormErrors | None:
    """A one-customer run whose values were refused (reason ``invalid_context``): the API
    answers 200 and fails only that customer, so its field messages
    (``contexts.0.session.deposit_amount``) are placed next to the form's inputs
    (``session.deposit_amount``), as a refused form would be, with the result still shown."""
    fields: dict[str, str] = {}
    for row in result.get("results", [])[:1]:
        for reason in row.get("reasons", []):
            if reason.get("code") != "invalid_context":
                continue
            for error in reason.get("errors") or []:
                loc = [str(part) for part in error.get("loc", [])]
                name = ".".join(loc[2:] if loc[:2] == ["contexts", "0"] else loc)
                fields.setdefault(name, plain(str(error.get("msg", ""))))
    if not fields:
        return None
    return FormErrors(
        message="This customer's values were refused: each problem is shown next to its field.",
        fields=fields,
        status=200,
    )


async def _read_limited(upload: UploadFile) -> bytes:
    data = await upload.read(FILE_LIMIT + 1)
    if len(data) > FILE_LIMIT:
        raise unprocessable(
            ("body", "file"),
            f"the file is larger than {FILE_LIMIT // (1024 * 1024)} MB: "
            f"a call takes at most {MAX_CONTEXTS:,} contexts",
        )
    return data


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise unprocessable(
            ("body", "file"), f"the file is not UTF-8 text (byte {exc.start})"
        ) from exc


def read_contexts(text: str, loc: tuple[str, ...]) -> list[Any]:
    """Contexts as the API takes them: a JSON array, or one JSON object per line (blank lines
    skipped). A line that is not JSON is named by its number in what was given. Lines end
    at ``\n`` only: JSON strings may hold other line separators (U+2028…) unescaped."""
    stripped = text.strip()
    if not stripped:
        raise unprocessable(loc, "give at least one context", "missing")
    if stripped.startswith("["):
        try:
            contexts = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise unprocessable(loc, f"not a JSON array: {exc.msg}") from exc
        return list(contexts)
    out: list[Any] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise unprocessable(loc, f"line {number} is not JSON: {exc.msg}") from exc
    return out
