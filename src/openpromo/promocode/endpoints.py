from __future__ import annotations

from fastapi import APIRouter

from openpromo.api.problems import COMMON_ERRORS

router = APIRouter(tags=["promocode"], responses=COMMON_ERRORS)
