"""The console's entry: ``/ui/`` opens the first area the user may see."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from openpromo.ui.context import Viewer
from openpromo.ui.render import nav_links

router = APIRouter(prefix="/ui", include_in_schema=False)
NAV: dict[str, str] = {}


@router.get("/")
async def console(ctx: Viewer) -> Response:
    links = nav_links(ctx)
    return RedirectResponse(links[0] if links else "/ui/settings", status_code=303)
